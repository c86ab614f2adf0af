"""Volume type, extra spec, QoS and default-type bodies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pocketstack.services.volume.policies import USER_VISIBLE_EXTRA_SPECS
from pocketstack.services.volume.views.common import Links, ts

Row = Mapping[str, Any]


def visible_specs(specs: Mapping[str, Any], sensitive: bool) -> dict[str, Any]:
    if sensitive:
        return dict(specs)
    return {k: specs[k] for k in USER_VISIBLE_EXTRA_SPECS if k in specs}


def volume_type(row: Row, *, extra_specs: bool, sensitive: bool, qos_id: bool, access: bool) -> dict[str, Any]:
    """The type as Cinder trims it; which parts show depends on the caller's policy."""
    body: dict[str, Any] = {
        "id": row["id"],
        "name": row["name"],
        "is_public": bool(row["is_public"]),
        "description": row["description"],
    }
    if extra_specs:
        body["extra_specs"] = visible_specs(row.get("extra_specs") or {}, sensitive)
    if qos_id:
        body["qos_specs_id"] = row["qos_specs_id"]
    if access:
        body["os-volume-type-access:is_public"] = bool(row["is_public"])
    return body


def volume_type_managed(row: Row, *, access: bool) -> dict[str, Any]:
    """What create/update answer (Cinder's types_manage uses the older view builder:
    every extra spec, no qos_specs_id; create adds os-volume-type-access:is_public)."""
    body: dict[str, Any] = {
        "id": row["id"],
        "name": row["name"],
        "is_public": bool(row["is_public"]),
        "extra_specs": dict(row.get("extra_specs") or {}),
        "description": row["description"],
    }
    if access:
        body["os-volume-type-access:is_public"] = bool(row["is_public"])
    return body


def qos(row: Row, links: Links) -> dict[str, Any]:
    return {
        "qos_specs": {
            "id": row["id"],
            "name": row["name"],
            "consumer": row["consumer"],
            "specs": dict(row["specs"] or {}),
        },
        "links": links.self_and_bookmark("qos-specs", row["id"]),
    }


def qos_brief(row: Row) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "consumer": row["consumer"], "specs": dict(row["specs"] or {})}


def default_type(row: Row) -> dict[str, Any]:
    return {"project_id": row["project_id"], "volume_type_id": row["volume_type_id"]}


def type_access(type_id: str, projects: list[str]) -> dict[str, Any]:
    return {"volume_type_access": [{"volume_type_id": type_id, "project_id": p} for p in projects]}


def created(row: Row) -> Any:
    return ts(row["created_at"])
