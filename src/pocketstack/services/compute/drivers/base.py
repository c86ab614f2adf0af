"""The interface between the compute API and whatever runs servers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.engine import Connection


@dataclass
class Task:
    """A transition the driver owes a server (a row of ``compute_tasks``)."""

    id: int
    instance_uuid: str
    kind: str
    payload: dict[str, Any] = field(default_factory=dict)
    request_id: str | None = None
    claimed_by: str | None = None
    due_at: datetime | None = None


class Driver(Protocol):
    def schedule(
        self,
        conn: Connection,
        *,
        instance_uuid: str,
        kind: str,
        payload: dict[str, Any],
        request_id: str | None,
        hold: bool = False,
    ) -> Task | None:
        """Inside the caller's write transaction: owe ``kind`` to the server.

        Returns a task the caller must ``run`` once its transaction committed (it was
        claimed for the caller: held, or with side effects to run now), or None when the
        transition was applied in the caller's transaction or will be applied later.
        """
        ...

    def run(self, task: Task) -> None:
        """Run a claimed task: side effects, then its state change (one transaction)."""
        ...

    def release(self, task: Task) -> None:
        """Hand a task the caller held back to the normal timing (delay/manual/instant)."""
        ...

    def apply_due(self, limit: int = 100) -> int:
        """Run transitions that are due (lazily on reads, and from the background loop)."""
        ...

    def release_manual(self, instance_uuid: str | None = None) -> int:
        """Manual mode: make held transitions (of one server, or all) due now and run them."""
        ...

    def hurry(self, instance_uuid: str, kind: str) -> int:
        """Make the server's unclaimed ``kind`` transitions due now and run them (whatever the
        timing mode): what forcing a live migration to complete asks of the hypervisor."""
        ...
