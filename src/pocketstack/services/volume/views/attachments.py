"""Attachment bodies (``cinder/api/v3/views/attachments.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pocketstack.services.volume.views.common import ts

Row = Mapping[str, Any]


def summary(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "status": row["attach_status"],
        "instance": row["instance_uuid"],
        "volume_id": row["volume_id"],
    }


def detail(row: Row) -> dict[str, Any]:
    body = summary(row)
    body.update(
        attached_at=ts(row["attach_time"]) or "",
        detached_at=ts(row["detach_time"]) or "",
        attach_mode=row["attach_mode"],
        connection_info=dict(row["connection_info"] or {}),
    )
    return body
