"""User messages (3.3+): what the backend tells a project about its failed operations."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import ids
from pocketstack.core.errors import NotFound
from pocketstack.core.timeutils import utcnow
from pocketstack.services.volume import models as m
from pocketstack.services.volume.store import Store, one

MESSAGE_TTL = 2592000  # Cinder's message_ttl (seconds)

# cinder.message.message_field: (id, text)
ACTIONS = {
    "001": "schedule allocate volume",
    "002": "attach volume",
    "003": "copy volume to image",
    "004": "update attachment",
    "005": "copy image to volume",
    "006": "unmanage volume",
    "007": "extend volume",
    "008": "create volume from backend storage",
    "009": "create snapshot",
    "010": "delete snapshot",
    "011": "update snapshot",
    "012": "update snapshot metadata",
    "013": "create backup",
    "014": "delete backup",
    "015": "restore backup",
    "016": "reimage volume",
}
DETAILS = {
    "001": "An unknown error occurred.",
    "002": "Driver is not initialized at present.",
    "003": "Could not find any available weighted backend.",
    "004": "Failed to upload volume to image at backend.",
    "006": "Not enough quota resource for operation.",
    "007": "Image used for creating volume exceeds available space.",
    "010": "Volume Driver failed to extend volume.",
    "012": "Driver failed to create the volume.",
    "013": "Snapshot failed to create.",
    "020": "Backup driver failed to create backup.",
    "026": "Backup driver failed to restore backup.",
}


def user_message(row: Mapping[str, Any]) -> str:
    action = ACTIONS.get(row.get("action_id") or "", "unknown action")
    detail = DETAILS.get(row.get("detail_id") or "", DETAILS["001"])
    return f"{action}:{detail}"


def message_not_found(message_id: str) -> NotFound:
    return NotFound(f"Message {message_id} could not be found.", kind="MessageNotFound")


class Messages(Store):
    def record(
        self,
        conn: Connection,
        *,
        project_id: str,
        resource_type: str,
        resource_uuid: str | None,
        action: str,
        detail: str,
        request_id: str | None = None,
        level: str = "ERROR",
    ) -> None:
        now = utcnow()
        conn.execute(
            m.messages.insert().values(
                id=ids.uuid_id(),
                project_id=project_id,
                request_id=request_id,
                resource_type=resource_type,
                resource_uuid=resource_uuid,
                event_id=f"VOLUME_{resource_type}_{action}_{detail}",
                message_level=level,
                action_id=action,
                detail_id=detail,
                created_at=now,
                expires_at=now + timedelta(seconds=MESSAGE_TTL),
            )
        )

    def get(self, conn: Connection, message_id: str, project_id: str | None, admin: bool) -> dict[str, Any]:
        row = one(conn, sa.select(m.messages).where(m.messages.c.id == message_id))
        if row is None or (not admin and row["project_id"] != project_id):
            raise message_not_found(message_id)
        return row

    def delete(self, conn: Connection, message_id: str) -> None:
        conn.execute(m.messages.delete().where(m.messages.c.id == message_id))
