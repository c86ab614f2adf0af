"""Glance v2 response bodies, as pure functions of rows (wire names written once here)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from pocketstack.core.timeutils import iso_z

Row = Mapping[str, Any]

# Image attributes in the order Glance writes them (custom properties come first).
_ATTRIBUTES = (
    "name",
    "disk_format",
    "container_format",
    "visibility",
    "size",
    "virtual_size",
    "status",
    "checksum",
    "protected",
    "min_ram",
    "min_disk",
    "owner",
    "os_hidden",
    "os_hash_algo",
    "os_hash_value",
)
HIDDEN_PROPERTIES = frozenset(("os_glance_stage_host", "os_glance_hash_op_host"))


def image(row: Row, props: Mapping[str, str | None], tags: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {k: ("" if v is None else v) for k, v in props.items() if k not in HIDDEN_PROPERTIES}
    for key in _ATTRIBUTES:
        out[key] = row[key]
    out["protected"] = bool(row["protected"])
    out["os_hidden"] = bool(row["os_hidden"])
    out["id"] = row["id"]
    out["created_at"] = iso_z(row["created_at"])
    out["updated_at"] = iso_z(row["updated_at"])
    out["tags"] = list(tags)
    out["self"] = f"/v2/images/{row['id']}"
    out["file"] = f"/v2/images/{row['id']}/file"
    out["schema"] = "/v2/schemas/image"
    return out


def images_page(items: list[dict[str, Any]], query: Mapping[str, Sequence[str]], next_marker: str | None) -> dict:
    params = [(k, v) for k, vs in query.items() if k != "marker" for v in vs]
    body: dict[str, Any] = {"images": items, "first": "/v2/images", "schema": "/v2/schemas/images"}
    if params:
        body["first"] = f"/v2/images?{urlencode(params)}"
    if next_marker is not None:
        body["next"] = f"/v2/images?{urlencode([*params, ('marker', next_marker)])}"
    return body


def member(row: Row) -> dict[str, Any]:
    return {
        "member_id": row["member"],
        "image_id": row["image_id"],
        "status": row["status"],
        "created_at": iso_z(row["created_at"]),
        "updated_at": iso_z(row["updated_at"]),
        "schema": "/v2/schemas/member",
    }


def members(rows: Sequence[Row]) -> dict[str, Any]:
    return {"members": [member(r) for r in rows], "schema": "/v2/schemas/members"}


def version(base: str, ident: str, status: str) -> dict[str, Any]:
    return {"id": ident, "status": status, "links": [{"rel": "self", "href": f"{base}/v2/"}]}


def contract_image(view: Mapping[str, Any]) -> dict[str, Any]:
    """The dict other services get: Glance's fields plus ``properties`` (the custom ones)."""
    out = dict(view)
    out["properties"] = {k: v for k, v in view.items() if k not in CORE_KEYS}
    return out


CORE_KEYS = frozenset((*_ATTRIBUTES, "id", "created_at", "updated_at", "tags", "self", "file", "schema"))
