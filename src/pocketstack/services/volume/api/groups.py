"""/group_types (+ group_specs), /groups, /group_snapshots: generic volume groups (3.11+)."""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.volume import errors as e
from pocketstack.services.volume import groups as logic
from pocketstack.services.volume import lists
from pocketstack.services.volume import versions as mv
from pocketstack.services.volume.api.common import (
    action_of,
    admin,
    bool_param,
    check,
    links,
    no_such_action,
    since,
    svc,
    target,
    version,
)
from pocketstack.services.volume.api.types import parse_is_public, sort_page
from pocketstack.services.volume.listing import Page, check_ascii_keys, parse_page, reject_invalid
from pocketstack.services.volume.schemas import groups as s
from pocketstack.services.volume.store import strict_bool
from pocketstack.services.volume.views import groups as views

GROUP_FILTERS = ("name",)
GROUP_SNAPSHOT_FILTERS = ("name", "status", "group_id")


def _all_tenants(req: ApiRequest, filters: dict[str, Any]) -> bool:
    raw = filters.pop("all_tenants", None)
    return admin(req) and raw is not None


def _length(value: Any, name: str) -> None:
    """``utils.check_string_length`` for a mandatory 1..255 string."""
    if value is None or value == "":
        raise e.bad_request(f"The '{name}' can not be None.")
    text = value.strip()
    if len(text) < 1:
        raise e.invalid_input(f"{name} has {len(text)} characters, less than 1.")
    if len(text) > 255:
        raise e.invalid_input(f"{name} has {len(text)} characters, more than 255.")


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) and value else value


# -- group types --------------------------------------------------------------------------------------


def _render_type(req: ApiRequest, row: dict[str, Any]) -> dict[str, Any]:
    return views.group_type(row, specs=req.allowed("group:access_group_types_specs"))


def list_group_types(req: ApiRequest) -> Reply:
    since(req, mv.GROUP_TYPE)
    page = parse_page(req.query)
    is_public = parse_is_public(req.q("is_public")) if admin(req) else True
    with svc(req).groups.db.read() as conn:
        rows = svc(req).groups.type_search(conn, is_public)
    rows = sort_page(rows, page, logic.group_type_not_found)
    body: dict[str, Any] = {"group_types": [_render_type(req, r) for r in rows]}
    return Reply(200, views.listing("group_types", body["group_types"], links(req), "group_types", req.query,
                                    page.limit, "group_type_links"))  # fmt: skip


def show_group_type(req: ApiRequest) -> Reply:
    since(req, mv.GROUP_TYPE)
    type_id = req.params["group_type_id"]
    if type_id == "default":
        # no default_group_type is configured (DevStack sets none)
        raise e.NotFound("Default group type can not be found.", kind="HTTPNotFound")
    with svc(req).db.read() as conn:
        row = svc(req).groups.type_get(conn, type_id)
    return Reply(200, {"group_type": _render_type(req, row)})


def create_group_type(req: ApiRequest) -> Reply:
    since(req, mv.GROUP_TYPE)
    check(req, s.group_type_create)
    req.authorize("group:group_types:create")
    body = req.body["group_type"]
    is_public = strict_bool(body.get("is_public", True))
    with svc(req).db.write() as conn:
        row = svc(req).groups.type_create(
            conn, body["name"], body.get("description"), is_public, body.get("group_specs") or {}
        )
    return Reply(202, {"group_type": _render_type(req, row)})


def update_group_type(req: ApiRequest) -> Reply:
    since(req, mv.GROUP_TYPE)
    check(req, s.group_type_update)
    req.authorize("group:group_types:update")
    body = req.body["group_type"]
    name, description = body.get("name"), body.get("description")
    is_public = body.get("is_public")
    if is_public is not None:
        is_public = strict_bool(is_public)
    if name and not name.strip():
        raise e.bad_request("Group type name can not be empty.")
    if name is None and description is None and is_public is None:
        raise e.bad_request("Specify group type name, description or a combination thereof.")
    with svc(req).db.write() as conn:
        row = svc(req).groups.type_update(conn, req.params["group_type_id"], name, description, is_public)
    return Reply(200, {"group_type": _render_type(req, row)})


def delete_group_type(req: ApiRequest) -> Reply:
    since(req, mv.GROUP_TYPE)
    req.authorize("group:group_types:delete")
    with svc(req).db.write() as conn:
        svc(req).groups.type_delete(conn, req.params["group_type_id"])
    return Reply(202)


# -- group specs ----------------------------------------------------------------------------------------


def _specs_of(req: ApiRequest, rule: str) -> dict[str, Any]:
    since(req, mv.GROUP_TYPE)
    req.authorize(rule)
    with svc(req).db.read() as conn:
        return svc(req).groups.type_get(conn, req.params["group_type_id"])


def list_group_specs(req: ApiRequest) -> Reply:
    row = _specs_of(req, "group:group_types_specs:get_all")
    return Reply(200, {"group_specs": row["group_specs"]})


def show_group_spec(req: ApiRequest) -> Reply:
    row = _specs_of(req, "group:group_types_specs:get")
    key = req.params["key"]
    if key not in row["group_specs"]:
        raise e.NotFound(f"Group Type {row['id']} has no extra spec with key {key}.", kind="HTTPNotFound")
    return Reply(200, {key: row["group_specs"][key]})


def create_group_specs(req: ApiRequest) -> Reply:
    since(req, mv.GROUP_TYPE)
    check(req, s.group_specs_create)
    row = _specs_of(req, "group:group_types_specs:create")
    with svc(req).db.write() as conn:
        svc(req).groups.spec_set(conn, row["id"], req.body["group_specs"])
    return Reply(202, req.body)


def update_group_spec(req: ApiRequest) -> Reply:
    since(req, mv.GROUP_TYPE)
    check(req, s.group_spec_update)
    row = _specs_of(req, "group:group_types_specs:update")
    if req.params["key"] not in req.body:
        raise e.bad_request("Request body and URI mismatch")
    with svc(req).db.write() as conn:
        svc(req).groups.spec_set(conn, row["id"], req.body)
    return Reply(200, req.body)


def delete_group_spec(req: ApiRequest) -> Reply:
    row = _specs_of(req, "group:group_types_specs:delete")
    with svc(req).db.write() as conn:
        svc(req).groups.spec_delete(conn, row["id"], req.params["key"])
    return Reply(202)


# -- groups ---------------------------------------------------------------------------------------------


def _load_group(req: ApiRequest, group_id: str) -> dict[str, Any]:
    with svc(req).db.read() as conn:
        row = svc(req).groups.visible(conn, group_id, req.ctx.project_id, admin(req))
    req.authorize("group:get", target(row))
    return row


def _render_group(req: ApiRequest, row: dict[str, Any], volumes: list[str] | None) -> dict[str, Any]:
    return views.group_detail(row, version(req), volumes=volumes, project=req.allowed("group:group_project_attribute"))


def _list_groups(req: ApiRequest, detail: bool) -> Reply:
    since(req, mv.GROUP_VOLUME)
    req.authorize("group:get_all")
    page = parse_page(req.query)
    filters = dict(page.filters)
    filters.pop("list_volume", None)
    check_ascii_keys(filters)
    ver = version(req)
    if ver >= mv.RESOURCE_FILTER and not admin(req):
        reject_invalid(filters, GROUP_FILTERS, like_ok=ver >= mv.LIKE_FILTER)
    everyone = _all_tenants(req, filters)
    with svc(req).db.read() as conn:
        scope = lists.project_scope(lists.GROUPS.table, req.ctx.project_id, everyone)
        rows, _ = lists.run(conn, lists.GROUPS, scope, filters, page, logic.group_not_found)
    items = [_render_group(req, r, None) if detail else views.group_summary(r) for r in rows]
    collection = "groups/detail" if detail else "groups"
    return Reply(200, views.listing("groups", items, links(req), collection, req.query, page.limit, "group_links"))


def list_groups(req: ApiRequest) -> Reply:
    return _list_groups(req, detail=False)


def list_groups_detail(req: ApiRequest) -> Reply:
    return _list_groups(req, detail=True)


def show_group(req: ApiRequest) -> Reply:
    since(req, mv.GROUP_VOLUME)
    row = _load_group(req, req.params["group_id"])
    with svc(req).db.read() as conn:
        svc(req).groups.reserved_type(conn, row["group_type_id"])
        wants = version(req) >= mv.GROUP_VOLUME_LIST and bool_param(req, "list_volume")
        volumes = svc(req).groups.volume_ids(conn, row["id"]) if wants else None
    return Reply(200, {"group": _render_group(req, row, volumes)})


def create_group(req: ApiRequest) -> Reply:
    since(req, mv.GROUP_VOLUME)
    check(req, s.group_create)
    body = req.body["group"]
    _length(body["group_type"], "group_type")
    az = body.get("availability_zone")
    if az is not None:
        _length(az, "availability_zone")
    req.authorize("group:create")
    s_ = svc(req)
    with s_.db.write() as conn:
        row = s_.groups.create(
            conn,
            req.ctx,
            name=_strip(body.get("name")),
            description=_strip(body.get("description")),
            group_type=body["group_type"],
            volume_types=body["volume_types"],
            availability_zone=az.strip() if az else None,
            admin=admin(req),
        )
    return Reply(202, {"group": views.group_summary(row)})


def create_group_from_src(req: ApiRequest) -> Reply:
    since(req, mv.GROUP_SNAPSHOTS)
    check(req, s.group_create_from_src)
    body = req.body["create-from-src"]
    req.authorize("group:create")
    s_ = svc(req)
    with s_.db.write() as conn:
        row = s_.groups.create_from_source(
            conn,
            req.ctx,
            admin(req),
            name=_strip(body.get("name")),
            description=_strip(body.get("description")),
            group_snapshot_id=body.get("group_snapshot_id"),
            source_group_id=body.get("source_group_id"),
        )
    return Reply(202, {"group": views.group_summary(row)})


def update_group(req: ApiRequest) -> Reply:
    since(req, mv.GROUP_VOLUME)
    check(req, s.group_update)
    body = req.body["group"]
    row = _load_group(req, req.params["group_id"])
    req.authorize("group:update", target(row))
    s_ = svc(req)
    with s_.db.write() as conn:
        s_.groups.reserved_type(conn, row["group_type_id"])
        fresh = s_.groups.visible(conn, row["id"], req.ctx.project_id, admin(req))
        s_.groups.update(
            conn,
            fresh,
            name=_strip(body.get("name")),
            description=_strip(body.get("description")),
            add=body.get("add_volumes"),
            remove=body.get("remove_volumes"),
        )
    return Reply(202)


_GROUP_ACTIONS: dict[str, tuple[str, Any]] = {
    "delete": (mv.GROUP_VOLUME, s.group_delete),
    "reset_status": (mv.GROUP_VOLUME_RESET_STATUS, s.group_reset_status),
    "enable_replication": (mv.GROUP_REPLICATION, s.group_enable_replication),
    "disable_replication": (mv.GROUP_REPLICATION, s.group_disable_replication),
    "failover_replication": (mv.GROUP_REPLICATION, s.group_failover),
    "list_replication_targets": (mv.GROUP_REPLICATION, s.group_list_replication),
}
_REPLICATION_RULES = {
    "enable_replication": "group:enable_replication",
    "disable_replication": "group:disable_replication",
    "failover_replication": "group:failover_replication",
    "list_replication_targets": "group:list_replication_targets",
}


def group_action(req: ApiRequest) -> Reply:
    name, inner = action_of(req)
    if name not in _GROUP_ACTIONS:
        raise no_such_action(name)
    minimum, schema = _GROUP_ACTIONS[name]
    since(req, minimum)
    check(req, schema)
    row = _load_group(req, req.params["group_id"])
    s_ = svc(req)
    if name == "delete":
        delete_volumes = strict_bool(inner.get("delete-volumes", False))
        req.authorize("group:delete", target(row))
        with s_.db.write() as conn:
            s_.groups.reserved_type(conn, row["group_type_id"])
            fresh = s_.groups.visible(conn, row["id"], req.ctx.project_id, admin(req))
            s_.groups.delete(conn, fresh, delete_volumes)
        return Reply(202)
    if name == "reset_status":
        status = _status(inner["status"], logic.GROUP_SNAPSHOT_STATUSES, "Group", logic.GROUP_STATUSES)
        req.authorize("group:reset_status", target(row))
        with s_.db.write() as conn:
            s_.groups.reset_status(conn, row, status)
        return Reply(202)
    req.authorize(_REPLICATION_RULES[name], target(row))
    # no group type here has group_replication_enabled: Cinder's _check_type refuses
    raise e.BadRequest(
        f"Invalid group type: Group {row['id']} is not a replication group type.", kind="InvalidGroupType"
    )


def _status(raw: Any, valid: tuple[str, ...], label: str, shown: tuple[str, ...]) -> str:
    """Cinder's group_status / group_snapshot_status format checks."""
    kind = "InvalidGroupStatus" if label == "Group" else "InvalidGroupSnapshotStatus"
    prefix = "Invalid Group Status" if label == "Group" else "Invalid GroupSnapshot Status"
    if raw is None:
        raise e.bad_request("The 'status' can not be None.")
    if not raw.strip():
        raise e.BadRequest(f"{prefix}: The 'status' can not be empty.", kind=kind)
    if raw.lower() not in valid:
        detail = (
            f"Group status: {raw} is invalid, valid status are: {shown}."
            if label == "Group"
            else f"Group snapshot status: {raw} is invalid, valid statuses are: {shown}."
        )
        raise e.BadRequest(f"{prefix}: {detail}", kind=kind)
    return str(raw.lower())


# -- group snapshots ------------------------------------------------------------------------------------


def _load_snapshot(req: ApiRequest) -> dict[str, Any]:
    sid = req.params["group_snapshot_id"]
    with svc(req).db.read() as conn:
        row = svc(req).groups.snapshot_visible(conn, sid, req.ctx.project_id, admin(req))
    req.authorize("group:get_group_snapshot", target(row))
    return row


def _snapshot_reserved(conn: Any, req: ApiRequest, type_id: str) -> None:
    try:
        svc(req).groups.reserved_type(conn, type_id)
    except e.BadRequest:
        raise e.bad_request(
            f"Group_type {type_id} is reserved for migrating CGs to groups. Migrated group snapshots can only be "
            "operated by CG snapshot APIs."
        ) from None


def _list_snapshots(req: ApiRequest, detail: bool) -> Reply:
    since(req, mv.GROUP_SNAPSHOTS)
    req.authorize("group:get_all_group_snapshots")
    ver = version(req)
    page = parse_page(req.query) if ver >= mv.GROUP_SNAPSHOT_PAGINATION else Page()
    filters = dict(page.filters) if ver >= mv.GROUP_SNAPSHOT_PAGINATION else {}
    check_ascii_keys(filters)
    if ver >= mv.RESOURCE_FILTER and not admin(req):
        reject_invalid(filters, GROUP_SNAPSHOT_FILTERS, like_ok=ver >= mv.LIKE_FILTER)
    everyone = _all_tenants(req, filters)
    with svc(req).db.read() as conn:
        scope = lists.project_scope(lists.GROUP_SNAPSHOTS.table, req.ctx.project_id, everyone)
        rows, _ = lists.run(conn, lists.GROUP_SNAPSHOTS, scope, filters, page, logic.group_snapshot_not_found)
    project = req.allowed("group:group_snapshot_project_attribute")
    if detail:
        items = [views.group_snapshot_detail(r, ver, project=project) for r in rows]
    else:
        items = [{"id": r["id"], "name": r["name"]} for r in rows]
    collection = "group_snapshots/detail" if detail else "group_snapshots"
    return Reply(200, views.listing("group_snapshots", items, links(req), collection, req.query, page.limit,
                                    "group_snapshot_links"))  # fmt: skip


def list_group_snapshots(req: ApiRequest) -> Reply:
    return _list_snapshots(req, detail=False)


def list_group_snapshots_detail(req: ApiRequest) -> Reply:
    return _list_snapshots(req, detail=True)


def show_group_snapshot(req: ApiRequest) -> Reply:
    since(req, mv.GROUP_SNAPSHOTS)
    row = _load_snapshot(req)
    with svc(req).db.read() as conn:
        _snapshot_reserved(conn, req, row["group_type_id"])
    project = req.allowed("group:group_snapshot_project_attribute")
    return Reply(200, {"group_snapshot": views.group_snapshot_detail(row, version(req), project=project)})


def create_group_snapshot(req: ApiRequest) -> Reply:
    since(req, mv.GROUP_SNAPSHOTS)
    check(req, s.group_snapshot_create)
    body = req.body["group_snapshot"]
    group = _load_group(req, body["group_id"])
    s_ = svc(req)
    with s_.db.write() as conn:
        _snapshot_reserved(conn, req, group["group_type_id"])
        req.authorize("group:create_group_snapshot", target(group))
        fresh = s_.groups.visible(conn, group["id"], req.ctx.project_id, admin(req))
        row = s_.groups.snapshot_create(conn, req.ctx, fresh, body.get("name"), body.get("description"))
    return Reply(202, {"group_snapshot": views.group_snapshot_summary(row)})


def delete_group_snapshot(req: ApiRequest) -> Reply:
    since(req, mv.GROUP_SNAPSHOTS)
    row = _load_snapshot(req)
    s_ = svc(req)
    with s_.db.write() as conn:
        _snapshot_reserved(conn, req, row["group_type_id"])
        req.authorize("group:delete_group_snapshot", target(row))
        fresh = s_.groups.snapshot_visible(conn, row["id"], req.ctx.project_id, admin(req))
        s_.groups.snapshot_delete(conn, fresh)
    return Reply(202)


def group_snapshot_action(req: ApiRequest) -> Reply:
    name, inner = action_of(req)
    if name != "reset_status":
        raise no_such_action(name)
    since(req, mv.GROUP_SNAPSHOT_RESET_STATUS)
    check(req, s.group_snapshot_reset_status)
    status = _status(inner["status"], logic.GROUP_SNAPSHOT_STATUSES, "GroupSnapshot",
                     logic.GROUP_SNAPSHOT_STATUSES)  # fmt: skip
    row = _load_snapshot(req)
    req.authorize("group:reset_group_snapshot_status", target(row))
    with svc(req).db.write() as conn:
        svc(req).groups.snapshot_reset_status(conn, row, status)
    return Reply(202)
