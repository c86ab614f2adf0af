"""What the volume service needs from a storage backend.

The API layer owns the state machines; a backend says where volumes live, how much
room it has, how long a started operation takes, and what a host needs to connect.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class Backend(Protocol):
    name: str  # the volume_backend_name, e.g. "lvmdriver-1"
    host: str  # Cinder's "<host>@<backend>" service host
    pool: str  # the pool volumes land in ("<host>@<backend>#<pool>")
    availability_zone: str
    storage_protocol: str
    vendor_name: str
    driver_version: str

    def capacity_gb(self) -> int:
        """Total capacity of the backend's only pool."""
        ...

    def delay(self, action: str) -> float | None:
        """Seconds until a started ``action`` finishes; 0 is at once, None is held until released."""
        ...

    def connection_info(self, volume: Mapping[str, Any], connector: Mapping[str, Any] | None) -> dict[str, Any]:
        """What os-initialize_connection / an attachment update returns for this host."""
        ...
