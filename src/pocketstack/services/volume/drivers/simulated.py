"""A simulated LVM-like backend: capacity from settings, timing from the build mode."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pocketstack.settings import VolumeSettings

BACKEND_NAME = "lvmdriver-1"


class SimulatedBackend:
    storage_protocol = "iSCSI"
    vendor_name = "Open Source"
    driver_version = "3.0.0"

    def __init__(self, settings: VolumeSettings, hostname: str | None = None, name: str = BACKEND_NAME) -> None:
        self.settings = settings
        self.name = name
        # A fixed service host (DevStack's would be the machine name): volumes record
        # it, so it must not change when the data dir moves to another machine.
        self.hostname = hostname or "pocketstack"
        self.host = f"{self.hostname}@{name}"
        self.pool = f"{self.host}#{name}"
        self.availability_zone = "nova"

    def capacity_gb(self) -> int:
        return int(self.settings.backend_capacity_gb)

    def delay(self, action: str) -> float | None:
        mode = self.settings.build_mode
        if mode == "manual":
            return None
        if mode == "delay":
            return max(0.0, float(self.settings.build_delay))
        return 0.0

    def connection_info(self, volume: Mapping[str, Any], connector: Mapping[str, Any] | None) -> dict[str, Any]:
        vid = str(volume["id"])
        return {
            "driver_volume_type": "iscsi",
            "data": {
                "target_discovered": False,
                "target_iqn": f"iqn.2010-10.org.openstack:volume-{vid}",
                "target_portal": "127.0.0.1:3260",
                "target_lun": 0,
                "volume_id": vid,
                "auth_method": "CHAP",
                "auth_username": "pocketstack",
                "auth_password": "simulated",
                "encrypted": False,
                "qos_specs": None,
                "access_mode": (volume.get("admin_metadata") or {}).get("attached_mode", "rw"),
                "cacheable": False,
            },
        }


def simulated_backends(settings: VolumeSettings) -> list[SimulatedBackend]:
    """lvmdriver-1 … lvmdriver-N, one pool each, as DevStack's multi-backend LVM setup."""
    count = max(1, int(settings.backends))
    return [SimulatedBackend(settings, name=f"lvmdriver-{i}") for i in range(1, count + 1)]
