"""Backup bodies (``cinder/api/views/backups.py`` and the v3 additions)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pocketstack.core.microversion import APIVersion
from pocketstack.services.volume import versions as mv
from pocketstack.services.volume.views.common import Links, collection_links, ts

Row = Mapping[str, Any]


def summary(row: Row, links: Links) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "links": links.self_and_bookmark("backups", row["id"])}


def detail(row: Row, links: Links, version: APIVersion, *, project_attrs: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": row["id"],
        "status": row["status"],
        "size": row["size"],
        "object_count": row["object_count"],
        "availability_zone": row["availability_zone"],
        "container": row["container"],
        "created_at": ts(row["created_at"]),
        "updated_at": ts(row["updated_at"]),
        "name": row["name"],
        "description": row["description"],
        "fail_reason": row["fail_reason"],
        "volume_id": row["volume_id"],
        "links": links.self_and_bookmark("backups", row["id"]),
        "is_incremental": bool(row["is_incremental"]),
        "has_dependent_backups": bool(row.get("has_dependent_backups")),
        "snapshot_id": row["snapshot_id"],
        "data_timestamp": ts(row["data_timestamp"]),
    }
    if version >= mv.BACKUP_METADATA:
        body["metadata"] = dict(row["metadata"] or {})
    if version >= mv.ENCRYPTION_KEY_ID_IN_DETAILS and row["encryption_key_id"]:
        body["encryption_key_id"] = row["encryption_key_id"]
    if project_attrs and version >= mv.BACKUP_PROJECT:
        body["os-backup-project-attr:project_id"] = row["project_id"]
    if project_attrs and version >= mv.BACKUP_PROJECT_USER_ID:
        body["user_id"] = row["user_id"]
    return body


def listing(
    items: list[dict[str, Any]],
    links: Links,
    collection: str,
    query: Mapping[str, Sequence[str]],
    limit: int,
    count: int | None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"backups": items}
    next_links = collection_links(links, collection, items, query, limit, count)
    if next_links:
        body["backups_links"] = next_links
    if count is not None:
        body["count"] = count
    return body


def restore(result: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "restore": {
            "backup_id": result["backup_id"],
            "volume_id": result["volume_id"],
            "volume_name": result["volume_name"],
        }
    }
