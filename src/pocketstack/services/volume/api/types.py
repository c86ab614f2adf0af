"""/types (extra specs, access lists, actions), /default-types (3.62+), /qos-specs."""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.core.errors import BadRequest
from pocketstack.services.volume import errors as e
from pocketstack.services.volume import versions as mv
from pocketstack.services.volume.api.common import (
    action_of,
    admin,
    bool_param,
    check,
    check_project,
    links,
    no_such_action,
    since,
    svc,
    version,
)
from pocketstack.services.volume.listing import MAX_LIMIT, check_ascii_keys, parse_page, reject_invalid
from pocketstack.services.volume.policies import USER_VISIBLE_EXTRA_SPECS
from pocketstack.services.volume.schemas import actions as s
from pocketstack.services.volume.store import strict_bool
from pocketstack.services.volume.views import types as views
from pocketstack.services.volume.views.common import collection_links

TYPE_FILTERS = ("is_public", "extra_specs")


def _render(req: ApiRequest, row: dict[str, Any]) -> dict[str, Any]:
    return views.volume_type(
        row,
        extra_specs=req.allowed("volume_extension:access_types_extra_specs"),
        sensitive=req.allowed("volume_extension:types_extra_specs:read_sensitive"),
        qos_id=req.allowed("volume_extension:access_types_qos_specs_id"),
        access=req.allowed("volume_extension:volume_type_access"),
    )


def _get(req: ApiRequest, type_id: str) -> dict[str, Any]:
    s_ = svc(req)
    with s_.db.read() as conn:
        if type_id == "default":
            return s_.types.default(conn, req.ctx.project_id)
        return s_.types.get(conn, type_id, req.ctx.project_id, admin(req))


def parse_is_public(raw: str | None) -> bool | None:
    if raw is None:
        return True
    if raw.strip().lower() == "none":
        return None
    try:
        return strict_bool(raw)
    except BadRequest:
        raise e.bad_request(f"Invalid is_public filter [{raw}]") from None


def list_types(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:type_get_all")
    page = parse_page(req.query)
    filters = dict(page.filters)
    ver = version(req)
    is_admin = admin(req)
    check_ascii_keys(filters)
    if ver >= mv.SUPPORT_VOLUME_TYPE_FILTER and ver >= mv.RESOURCE_FILTER and not is_admin:
        reject_invalid(filters, TYPE_FILTERS, like_ok=ver >= mv.LIKE_FILTER)
    is_public = parse_is_public(req.q("is_public")) if is_admin else True
    specs = None
    if ver >= mv.SUPPORT_VOLUME_TYPE_FILTER and "extra_specs" in filters:
        try:
            specs = ast.literal_eval(filters["extra_specs"])
        except (ValueError, SyntaxError):
            specs = None
        if not isinstance(specs, dict):
            specs = {}
        sensitive = req.allowed("volume_extension:types_extra_specs:read_sensitive")
        if not sensitive and any(k not in USER_VISIBLE_EXTRA_SPECS for k in specs):
            return Reply(200, {"volume_types": []})
    s_ = svc(req)
    with s_.db.read() as conn:
        rows = s_.types.search(
            conn, project_id=req.ctx.project_id, admin=is_admin, is_public=is_public, extra_specs=specs
        )
    rows = sort_page(rows, page)
    body: dict[str, Any] = {"volume_types": [_render(req, r) for r in rows]}
    next_links = collection_links(links(req), "types", rows, req.query, page.limit)
    if next_links:
        body["volume_type_links"] = next_links
    return Reply(200, body)


def _sort_key(key: str) -> Any:
    return lambda row: (row[key] is not None, row[key] if row[key] is not None else 0)


def sort_page(
    rows: list[dict[str, Any]], page: Any, not_found: Callable[[str], Exception] = e.type_not_found
) -> list[dict[str, Any]]:
    """Types are few: sort and page in memory with Cinder's keys and marker."""
    keys = [(k, d) for k, d in page.sort]
    for k, _d in keys:
        if rows and k not in rows[0]:
            raise e.invalid_input("Invalid sort key")
    keys += [(k, keys[0][1] if keys else "desc") for k in ("created_at", "id") if k not in dict(keys)]
    for key, direction in reversed(keys):
        rows.sort(key=_sort_key(key), reverse=direction == "desc")
    if page.marker is not None:
        ids = [r["id"] for r in rows]
        if page.marker not in ids:
            raise not_found(page.marker)
        rows = rows[ids.index(page.marker) + 1 :]
    rows = rows[page.offset :]
    return rows[: min(page.limit, MAX_LIMIT)]


def show(req: ApiRequest) -> Reply:
    check_project(req)
    row = _get(req, req.params["type_id"])
    req.authorize("volume_extension:type_get", {"project_id": req.ctx.project_id})
    return Reply(200, {"volume_type": _render(req, row)})


def create(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:type_create")
    body = req.body["volume_type"]
    is_public = strict_bool(body.get("os-volume-type-access:is_public", True))
    s_ = svc(req)
    with s_.db.write() as conn:
        row = s_.types.create(
            conn,
            name=body["name"],
            description=body.get("description"),
            is_public=is_public,
            extra_specs={k: v for k, v in (body.get("extra_specs") or {}).items()},
        )
    access = req.allowed("volume_extension:volume_type_access")
    return Reply(200, {"volume_type": views.volume_type_managed(row, access=access)})


def update(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:type_update")
    body = req.body["volume_type"]
    name, description = body.get("name"), body.get("description")
    is_public = strict_bool(body["is_public"]) if body.get("is_public") is not None else None
    if name is not None and not name.strip():
        raise e.bad_request("Volume type name can not be empty.")
    if name is None and description is None and is_public is None:
        raise e.bad_request("Specify volume type name, description, is_public or a combination thereof.")
    s_ = svc(req)
    with s_.db.write() as conn:
        row = s_.types.update(conn, req.params["type_id"], name=name, description=description, is_public=is_public)
    return Reply(200, {"volume_type": views.volume_type_managed(row, access=False)})


def delete(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:type_delete")
    s_ = svc(req)
    with s_.db.write() as conn:
        s_.types.delete(conn, req.params["type_id"])
    return Reply(202)


def action(req: ApiRequest) -> Reply:
    check_project(req)
    name, body = action_of(req)
    s_ = svc(req)
    if name == "addProjectAccess":
        check(req, s.add_project_access)
        req.authorize("volume_extension:volume_type_access:addProjectAccess")
        with s_.db.write() as conn:
            s_.types.add_access(conn, req.params["type_id"], body["project"])
        return Reply(202)
    if name == "removeProjectAccess":
        check(req, s.remove_project_access)
        req.authorize("volume_extension:volume_type_access:removeProjectAccess")
        with s_.db.write() as conn:
            s_.types.remove_access(conn, req.params["type_id"], body["project"])
        return Reply(202)
    raise no_such_action(name)


def list_access(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:volume_type_access:get_all_for_type")
    s_ = svc(req)
    with s_.db.read() as conn:
        row = s_.types.get(conn, req.params["type_id"])
        if row["is_public"]:
            raise e.NotFound("Access list not available for public volume types.", kind="VolumeTypeAccessNotFound")
        projects = s_.types.projects(conn, row["id"])
    return Reply(200, views.type_access(row["id"], projects))


# -- extra specs ---------------------------------------------------------------------------------


def _specs_for(req: ApiRequest, type_id: str) -> dict[str, Any]:
    row = _get(req, type_id)
    return views.visible_specs(row["extra_specs"], req.allowed("volume_extension:types_extra_specs:read_sensitive"))


def list_extra_specs(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:types_extra_specs:index")
    return Reply(200, {"extra_specs": _specs_for(req, req.params["type_id"])})


def create_extra_specs(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:types_extra_specs:create")
    specs = req.body["extra_specs"]
    s_ = svc(req)
    with s_.db.write() as conn:
        s_.types.check_specs_update_allowed(conn, req.params["type_id"])
        s_.types.get(conn, req.params["type_id"])
        s_.types.set_specs(conn, req.params["type_id"], specs)
    return Reply(200, {"extra_specs": specs})


def show_extra_spec(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:types_extra_specs:show")
    key = req.params["key"]
    specs = _specs_for(req, req.params["type_id"])
    if key not in specs:
        raise e.NotFound(
            f"Volume Type {req.params['type_id']} has no extra specs with key {key}.",
            kind="VolumeTypeExtraSpecsNotFound",
        )
    return Reply(200, {key: specs[key]})


def update_extra_spec(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:types_extra_specs:update")
    s_ = svc(req)
    with s_.db.write() as conn:
        s_.types.check_specs_update_allowed(conn, req.params["type_id"])
        s_.types.get(conn, req.params["type_id"])
        if req.params["key"] not in req.body:
            raise e.bad_request("Request body and URI mismatch")
        s_.types.set_specs(conn, req.params["type_id"], req.body)
    return Reply(200, req.body)


def delete_extra_spec(req: ApiRequest) -> Reply:
    check_project(req)
    s_ = svc(req)
    with s_.db.write() as conn:
        s_.types.get(conn, req.params["type_id"])
        req.authorize("volume_extension:types_extra_specs:delete")
        s_.types.check_specs_update_allowed(conn, req.params["type_id"])
        s_.types.delete_spec(conn, req.params["type_id"], req.params["key"])
    return Reply(202)


# -- default types (3.62+) ------------------------------------------------------------------------


def set_default_type(req: ApiRequest) -> Reply:
    check_project(req)
    since(req, mv.DEFAULT_TYPE_OVERRIDES)
    req.authorize("volume_extension:default_set_or_update", {"project_id": req.params["target_project_id"]})
    s_ = svc(req)
    with s_.db.write() as conn:
        row = s_.types.set_project_default(
            conn, req.params["target_project_id"], req.body["default_type"]["volume_type"]
        )
    return Reply(200, {"default_type": views.default_type(row)})


def get_default_type(req: ApiRequest) -> Reply:
    check_project(req)
    since(req, mv.DEFAULT_TYPE_OVERRIDES)
    req.authorize("volume_extension:default_get", {"project_id": req.params["target_project_id"]})
    with svc(req).db.read() as conn:
        row = svc(req).types.project_default(conn, req.params["target_project_id"])
    return Reply(200, {"default_type": views.default_type(row)})


def list_default_types(req: ApiRequest) -> Reply:
    check_project(req)
    since(req, mv.DEFAULT_TYPE_OVERRIDES)
    req.authorize("volume_extension:default_get_all")
    with svc(req).db.read() as conn:
        rows = svc(req).types.project_defaults(conn)
    return Reply(200, {"default_types": [views.default_type(r) for r in rows]})


def delete_default_type(req: ApiRequest) -> Reply:
    check_project(req)
    since(req, mv.DEFAULT_TYPE_OVERRIDES)
    req.authorize("volume_extension:default_unset", {"project_id": req.params["target_project_id"]})
    with svc(req).db.write() as conn:
        svc(req).types.unset_project_default(conn, req.params["target_project_id"])
    return Reply(204)


# -- QoS specs -------------------------------------------------------------------------------------


def list_qos(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:qos_specs_manage:get_all")
    page = parse_page(req.query)
    filters = {k: v for k, v in page.filters.items() if admin(req) or k in ("id", "name", "consumer")}
    with svc(req).db.read() as conn:
        rows = svc(req).qos.search(conn, filters)
    rows = sort_page(rows, page)
    body: dict[str, Any] = {"qos_specs": [views.qos_brief(r) for r in rows]}
    next_links = collection_links(links(req), "qos-specs", rows, req.query, page.limit)
    if next_links:
        body["qos_specs_links"] = next_links
    return Reply(200, body)


def create_qos(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:qos_specs_manage:create")
    specs = dict(req.body["qos_specs"])
    name = str(specs.pop("name")).strip()
    if not name:
        raise e.bad_request("The 'name' can not be empty.")
    with svc(req).db.write() as conn:
        row = svc(req).qos.create(conn, name, specs)
    return Reply(200, views.qos(row, links(req)))


def show_qos(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:qos_specs_manage:get")
    with svc(req).db.read() as conn:
        row = svc(req).qos.get(conn, req.params["qos_id"])
    return Reply(200, views.qos(row, links(req)))


def update_qos(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:qos_specs_manage:update")
    with svc(req).db.write() as conn:
        svc(req).qos.update(conn, req.params["qos_id"], req.body["qos_specs"])
    return Reply(200, req.body)


def delete_qos(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:qos_specs_manage:delete")
    force = bool_param(req, "force")
    with svc(req).db.write() as conn:
        svc(req).qos.delete(conn, req.params["qos_id"], force)
    return Reply(202)


def delete_qos_keys(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:qos_specs_manage:delete")
    with svc(req).db.write() as conn:
        svc(req).qos.delete_keys(conn, req.params["qos_id"], req.body["keys"])
    return Reply(202)


def qos_associations(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:qos_specs_manage:get_all")
    with svc(req).db.read() as conn:
        svc(req).qos.get(conn, req.params["qos_id"])
        rows = svc(req).qos.associations(conn, req.params["qos_id"])
    return Reply(200, {"qos_associations": rows})


def _type_param(req: ApiRequest) -> str:
    type_id = req.q("vol_type_id")
    if not type_id:
        raise e.bad_request("Volume Type id must not be None.")
    return type_id


def qos_associate(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:qos_specs_manage:update")
    type_id = _type_param(req)
    with svc(req).db.write() as conn:
        svc(req).qos.associate(conn, req.params["qos_id"], type_id)
    return Reply(202)


def qos_disassociate(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:qos_specs_manage:update")
    type_id = _type_param(req)
    with svc(req).db.write() as conn:
        svc(req).qos.disassociate(conn, req.params["qos_id"], type_id)
    return Reply(202)


def qos_disassociate_all(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:qos_specs_manage:update")
    with svc(req).db.write() as conn:
        svc(req).qos.get(conn, req.params["qos_id"])
        svc(req).qos.disassociate_all(conn, req.params["qos_id"])
    return Reply(202)


# -- encryption ------------------------------------------------------------------------------------


def _encryption_view(row: dict[str, Any]) -> dict[str, Any]:
    from pocketstack.services.volume.views.common import ts

    return {
        "volume_type_id": row["volume_type_id"],
        "encryption_id": row["encryption_id"],
        "cipher": row["cipher"],
        "key_size": row["key_size"],
        "provider": row["provider"],
        "control_location": row["control_location"],
        "created_at": ts(row["created_at"]),
        "updated_at": ts(row["updated_at"]),
        "deleted": False,
        "deleted_at": None,
    }


def get_encryption(req: ApiRequest) -> Reply:
    req.authorize("volume_extension:volume_type_encryption:get")
    s_ = svc(req)
    with s_.db.read() as conn:
        s_.types.get(conn, req.params["type_id"])
        row = s_.types.encryption(conn, req.params["type_id"])
    return Reply(200, _encryption_view(row) if row else {})


def create_encryption(req: ApiRequest) -> Reply:
    req.authorize("volume_extension:volume_type_encryption:create")
    body = dict(req.body["encryption"])
    if body.get("key_size") is not None:
        body["key_size"] = int(body["key_size"])
    s_ = svc(req)
    with s_.db.write() as conn:
        result = s_.types.set_encryption(conn, req.params["type_id"], body, create=True)
    return Reply(200, {"encryption": result})


def update_encryption(req: ApiRequest) -> Reply:
    req.authorize("volume_extension:volume_type_encryption:update")
    body = dict(req.body["encryption"])
    if body.get("key_size") is not None:
        body["key_size"] = int(body["key_size"])
    s_ = svc(req)
    with s_.db.write() as conn:
        result = s_.types.set_encryption(conn, req.params["type_id"], body, create=False)
    return Reply(200, {"encryption": result})


def show_encryption_item(req: ApiRequest) -> Reply:
    req.authorize("volume_extension:volume_type_encryption:get")
    s_ = svc(req)
    with s_.db.read() as conn:
        s_.types.get(conn, req.params["type_id"])
        row = s_.types.encryption(conn, req.params["type_id"])
    specs = _encryption_view(row) if row else {}
    key = req.params["key"]
    if key not in specs:
        raise e.NotFound(
            f"Volume type encryption for type {req.params['type_id']} does not exist.",
            kind="VolumeTypeEncryptionNotFound",
        )
    return Reply(200, {key: specs[key]})


def delete_encryption(req: ApiRequest) -> Reply:
    req.authorize("volume_extension:volume_type_encryption:delete")
    with svc(req).db.write() as conn:
        svc(req).types.delete_encryption(conn, req.params["type_id"])
    return Reply(202)
