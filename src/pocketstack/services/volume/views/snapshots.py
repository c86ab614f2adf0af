"""Snapshot bodies (``cinder/api/views/snapshots.py`` and the v3 additions)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pocketstack.core.microversion import APIVersion
from pocketstack.services.volume import versions as mv
from pocketstack.services.volume.views.common import Links, collection_links, ts

Row = Mapping[str, Any]


def summary(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "created_at": ts(row["created_at"]),
        "updated_at": ts(row["updated_at"]),
        "name": row["name"],
        "description": row["description"],
        "volume_id": row["volume_id"],
        "status": row["status"],
        "size": row["volume_size"],
        "metadata": dict(row.get("metadata") or {}),
    }


def detail(row: Row, version: APIVersion, *, extended: bool) -> dict[str, Any]:
    body = summary(row)
    if version >= mv.GROUP_SNAPSHOTS:
        body["group_snapshot_id"] = row["group_snapshot_id"]
    if version >= mv.SNAPSHOT_LIST_USER_ID:
        body["user_id"] = row["user_id"]
    if version >= mv.USE_QUOTA:
        body["consumes_quota"] = bool(row["use_quota"])
    if extended:
        body["os-extended-snapshot-attributes:project_id"] = row["project_id"]
        body["os-extended-snapshot-attributes:progress"] = row["progress"]
    return body


def listing(
    items: list[dict[str, Any]],
    links: Links,
    collection: str,
    query: Mapping[str, Sequence[str]],
    limit: int,
    count: int | None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"snapshots": items}
    next_links = collection_links(links, collection, items, query, limit, count)
    if next_links:
        body["snapshots_links"] = next_links
    if count is not None:
        body["count"] = count
    return body
