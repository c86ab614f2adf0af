"""Server external events (``os-server-external-events``): what Neutron and Cinder tell Nova.

Nova's API checks each event (an unknown server is a 404, a missing tag a 400, a server
without a host a 422) and hands the accepted ones to the server's compute host.  For
``volume-extended`` (Cinder, after extending an attached volume) it first records an
``extend_volume`` instance action, and the compute host's ``compute_extend_volume``
event finishes it once the guest sees the new size (here: a simulated transition, timed
like every other, that sets the mapping's ``volume_size``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import timeutils
from pocketstack.services.compute import instance_actions
from pocketstack.services.compute.models import instances

if TYPE_CHECKING:
    from pocketstack.services.compute.service import ComputeService

# Events Nova drops with a 400 when they come without a tag (_is_event_tag_present_when_required).
TAG_REQUIRED = frozenset(
    {
        "network-vif-plugged",
        "network-vif-unplugged",
        "network-vif-deleted",
        "volume-extended",
        "accelerator-request-bound",
        "volume-reimaged",
    }
)

EXTEND_VOLUME = "extend_volume"  # nova.compute.instance_actions.EXTEND_VOLUME


def request_id() -> str:
    return f"req-{uuid.uuid4()}"


class ExternalEvents:
    def __init__(self, svc: ComputeService) -> None:
        self.svc = svc

    def accept(
        self,
        conn: Connection,
        events: Iterable[Mapping[str, Any]],
        *,
        user_id: str | None,
        project_id: str | None,
        request_id: str,
        sizes: Mapping[str, int] | None = None,
    ) -> tuple[int, list[dict[str, Any]]]:
        """Inside a compute write transaction: answer each event as Nova's API does and
        act on the accepted ones; returns (200 or 207, the events with status and code).

        ``sizes`` are the volumes' sizes as the block storage service reports them (what
        Nova's compute reads from Cinder when it handles ``volume-extended``)."""
        events = list(events)
        ids = list({e["server_uuid"] for e in events})
        found = {
            r.uuid: r.host
            for r in conn.execute(
                sa.select(instances.c.uuid, instances.c.host).where(
                    instances.c.uuid.in_(ids), instances.c.deleted.is_(False)
                )
            )
        }
        status = 200
        out: list[dict[str, Any]] = []
        for event in events:
            item = dict(event)
            item.setdefault("status", "completed")
            server_id = event["server_uuid"]
            if server_id not in found:
                item.update(status="failed", code=404)
                status = 207
            elif event["name"] in TAG_REQUIRED and event.get("tag") is None:
                item.update(status="failed", code=400)
                status = 207
            elif found[server_id]:
                item.update(status="completed", code=200)
                if event["name"] == "volume-extended":
                    size = (sizes or {}).get(str(event["tag"]))
                    self._volume_extended(
                        conn, server_id, str(event["tag"]), size,
                        user_id=user_id, project_id=project_id, request_id=request_id,
                    )  # fmt: skip
            else:
                item.update(status="failed", code=422)
                status = 207
            out.append(item)
        return status, out

    def _volume_extended(
        self,
        conn: Connection,
        server_id: str,
        volume_id: str,
        size: int | None,
        *,
        user_id: str | None,
        project_id: str | None,
        request_id: str,
    ) -> None:
        now = timeutils.utcnow()
        action_id = instance_actions.start(
            conn,
            instance_uuid=server_id,
            action=EXTEND_VOLUME,
            request_id=request_id,
            user_id=user_id,
            project_id=project_id,
            now=now,
        )
        payload: dict[str, Any] = {
            "action_id": action_id,
            "action": EXTEND_VOLUME,
            "started": now.isoformat(),
            "volume_id": volume_id,
        }
        if size is not None:
            payload["new_size"] = int(size)
        # no side effects elsewhere: applied in this transaction (instant) or when due
        self.svc.driver.schedule(
            conn, instance_uuid=server_id, kind=EXTEND_VOLUME, payload=payload, request_id=request_id
        )


__all__ = ["EXTEND_VOLUME", "TAG_REQUIRED", "ExternalEvents", "request_id"]
