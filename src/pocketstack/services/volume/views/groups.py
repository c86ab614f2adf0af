"""Group type, group and group snapshot bodies (Cinder's v3 group views)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pocketstack.core.microversion import APIVersion
from pocketstack.services.volume import versions as mv
from pocketstack.services.volume.views.common import Links, collection_links, ts

Row = Mapping[str, Any]


def group_type(row: Row, *, specs: bool) -> dict[str, Any]:
    body = {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "is_public": bool(row["is_public"]),
    }
    if specs:
        body["group_specs"] = dict(row.get("group_specs") or {})
    return body


def group_summary(row: Row) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"]}


def group_detail(row: Row, version: APIVersion, *, volumes: list[str] | None, project: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": row["id"],
        "status": row["status"],
        "availability_zone": row["availability_zone"],
        "created_at": ts(row["created_at"]),
        "name": row["name"],
        "description": row["description"],
        "group_type": row["group_type_id"],
        "volume_types": list(row["volume_type_ids"] or []),
    }
    if version >= mv.GROUP_SNAPSHOTS:
        body["group_snapshot_id"] = row["group_snapshot_id"]
        body["source_group_id"] = row["source_group_id"]
    if version >= mv.GROUP_VOLUME_LIST and volumes is not None:
        body["volumes"] = volumes
    if version >= mv.GROUP_REPLICATION:
        body["replication_status"] = row["replication_status"]
    if version >= mv.GROUP_GROUPSNAPSHOT_PROJECT_ID and project:
        body["project_id"] = row["project_id"]
    return body


def group_snapshot_summary(row: Row) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "group_type_id": row["group_type_id"]}


def group_snapshot_detail(row: Row, version: APIVersion, *, project: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": row["id"],
        "group_id": row["group_id"],
        "group_type_id": row["group_type_id"],
        "status": row["status"],
        "created_at": ts(row["created_at"]),
        "name": row["name"],
        "description": row["description"],
    }
    if version >= mv.GROUP_GROUPSNAPSHOT_PROJECT_ID and project:
        body["project_id"] = row["project_id"]
    return body


def listing(
    key: str,
    items: list[dict[str, Any]],
    links: Links,
    collection: str,
    query: Mapping[str, Sequence[str]],
    limit: int,
    links_key: str,
) -> dict[str, Any]:
    body: dict[str, Any] = {key: items}
    next_links = collection_links(links, collection, items, query, limit)
    if next_links:
        body[links_key] = next_links
    return body
