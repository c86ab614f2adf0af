"""Volume bodies (``cinder/api/v3/views/volumes.py`` plus the os-vol-* extensions)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pocketstack.core.microversion import APIVersion
from pocketstack.services.volume import versions as mv
from pocketstack.services.volume.views.common import Links, collection_links, ts

Row = Mapping[str, Any]
_VISIBLE_ADMIN_META = ("readonly", "attached_mode")
# internal states of a manage request, as Cinder's view shows them
_SHOWN_STATUS = {"managing": "creating", "error_managing": "error", "error_managing_deleting": "deleting"}


def summary(row: Row, links: Links) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "links": links.self_and_bookmark("volumes", row["id"])}


def attachments(row: Row, show_host: bool) -> list[dict[str, Any]]:
    out = []
    for att in row.get("attachments") or []:
        if att["attach_status"] != "attached":
            continue
        out.append(
            {
                "id": row["id"],
                "attachment_id": att["id"],
                "volume_id": row["id"],
                "server_id": att["instance_uuid"],
                "host_name": att["attached_host"] if show_host else None,
                "device": att["mountpoint"],
                "attached_at": ts(att["attach_time"]),
            }
        )
    return out


def metadata(row: Row) -> dict[str, Any]:
    """User metadata plus the admin metadata Cinder lets users see (readonly, attached_mode)."""
    meta = dict(row.get("metadata") or {})
    admin_meta = row.get("admin_metadata") or {}
    for key in _VISIBLE_ADMIN_META:
        if key in admin_meta:
            meta[key] = admin_meta[key]
    return meta


def detail(
    row: Row,
    links: Links,
    version: APIVersion,
    *,
    admin: bool,
    attrs: frozenset[str] = frozenset({"tenant", "image"}),
    service_role: bool = False,
) -> dict[str, Any]:
    """``attrs`` names the extension attributes policy lets the caller see: ``host``
    (os-vol-host-attr), ``tenant`` (os-vol-tenant-attr), ``migstat``
    (os-vol-mig-status-attr) and ``image`` (volume_image_metadata)."""
    body: dict[str, Any] = {
        "id": row["id"],
        "status": _SHOWN_STATUS.get(row["status"], row["status"]),
        "size": row["size"],
        "availability_zone": row["availability_zone"],
        "created_at": ts(row["created_at"]),
        "updated_at": ts(row["updated_at"]),
        "name": row["name"],
        "description": row["description"],
        "volume_type": row.get("volume_type_name"),
        "snapshot_id": row["snapshot_id"],
        "source_volid": row["source_volid"],
        "metadata": metadata(row),
        "links": links.self_and_bookmark("volumes", row["id"]),
        "user_id": row["user_id"],
        "bootable": "true" if row["bootable"] else "false",
        "encrypted": row["encryption_key_id"] is not None,
        "replication_status": row["replication_status"],
        "consistencygroup_id": None,
        "multiattach": bool(row["multiattach"]),
        "attachments": attachments(row, admin or service_role),
    }
    if admin:
        body["migration_status"] = row["migration_status"]
    if "host" in attrs:
        body["os-vol-host-attr:host"] = row["host"]
    if "migstat" in attrs:
        body["os-vol-mig-status-attr:migstat"] = row["migration_status"]
        body["os-vol-mig-status-attr:name_id"] = None
    if "tenant" in attrs:
        body["os-vol-tenant-attr:tenant_id"] = row["project_id"]
    if "image" in attrs and row.get("image_metadata"):
        body["volume_image_metadata"] = dict(row["image_metadata"])
    if version >= mv.GROUP_VOLUME:
        body["group_id"] = row["group_id"]
    if admin and version >= mv.VOLUME_DETAIL_PROVIDER_ID:
        body["provider_id"] = row["provider_id"]
    if version >= mv.VOLUME_SHARED_TARGETS_AND_SERVICE_FIELDS:
        shared = row["shared_targets"]
        if version < mv.SHARED_TARGETS_TRISTATE and shared is None:
            shared = True
        body["shared_targets"] = shared
        body["service_uuid"] = row["service_uuid"]
    if admin and version >= mv.VOLUME_CLUSTER_NAME:
        body["cluster_name"] = row["cluster_name"]
    if version >= mv.VOLUME_TYPE_ID_IN_VOLUME_DETAIL:
        body["volume_type_id"] = row["volume_type_id"]
    if version >= mv.ENCRYPTION_KEY_ID_IN_DETAILS and row["encryption_key_id"]:
        body["encryption_key_id"] = row["encryption_key_id"]
    if version >= mv.USE_QUOTA:
        body["consumes_quota"] = bool(row["use_quota"])
    return body


def listing(
    items: list[dict[str, Any]],
    links: Links,
    collection: str,
    query: Mapping[str, Sequence[str]],
    limit: int,
    version: APIVersion,
    count: int | None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"volumes": items}
    next_links = collection_links(links, collection, items, query, limit, count)
    if next_links:
        body["volumes_links"] = next_links
    if version >= mv.SUPPORT_COUNT_INFO and count is not None:
        body["count"] = count
    return body


def quick_summary(count: int, size: int, metadata: dict[str, list[str]] | None) -> dict[str, Any]:
    body: dict[str, Any] = {"total_count": count, "total_size": size}
    if metadata is not None:
        body["metadata"] = metadata
    return {"volume-summary": body}
