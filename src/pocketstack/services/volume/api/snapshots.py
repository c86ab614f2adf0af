"""/snapshots: list, detail, show, create, update, delete, metadata, actions."""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.volume import errors as e
from pocketstack.services.volume import lists
from pocketstack.services.volume import versions as mv
from pocketstack.services.volume.api import volumes as vapi
from pocketstack.services.volume.api.common import (
    action_of,
    admin,
    check,
    check_project,
    clean_name_and_description,
    links,
    no_such_action,
    svc,
    target,
    version,
)
from pocketstack.services.volume.listing import check_ascii_keys, drop_invalid, parse_page, reject_invalid
from pocketstack.services.volume.schemas import actions as s
from pocketstack.services.volume.store import strict_bool
from pocketstack.services.volume.views import snapshots as views

SNAPSHOT_FILTERS = ("name", "status", "volume_id", "metadata", "availability_zone", "consumes_quota")
_OLD_FILTERS = ("status", "volume_id", "name", "metadata")
SNAPSHOT_IN_USE_FLAG_MSG = (
    f"Since microversion {mv.SNAPSHOT_IN_USE} the 'force' flag is invalid for this request.  For backward "
    "compatability, however, when the 'force' flag is passed with a value evaluating to True, it is silently "
    "ignored."
)


def _extended(req: ApiRequest) -> bool:
    return req.allowed("volume_extension:extended_snapshot_attributes")


def load(req: ApiRequest) -> dict[str, Any]:
    check_project(req)
    sid = req.params["snapshot_id"]
    with svc(req).db.read() as conn:
        row = svc(req).snapshots.visible(conn, sid, req.ctx.project_id, admin(req))
        row = svc(req).snapshots.decorate(conn, [row])[0]
    req.authorize("volume:get_snapshot", target(row))
    return row


def _list(req: ApiRequest, detail: bool) -> Reply:
    check_project(req)
    req.authorize("volume:get_all_snapshots")
    page = parse_page(req.query)
    filters = dict(page.filters)
    ver = version(req)
    is_admin = admin(req)
    with_count = False
    if ver >= mv.SUPPORT_COUNT_INFO and "with_count" in filters:
        with_count = strict_bool(filters.pop("with_count"))
    all_projects = is_admin and str(filters.pop("all_tenants", "0")).lower() in ("1", "t", "true", "on", "y", "yes")
    filters.pop("all_tenants", None)
    check_ascii_keys(filters)
    if ver >= mv.RESOURCE_FILTER:
        if not is_admin:
            reject_invalid(filters, SNAPSHOT_FILTERS, like_ok=ver >= mv.LIKE_FILTER)
        if "consumes_quota" in filters:
            filters["use_quota"] = filters.pop("consumes_quota")
    else:
        if ver < mv.SNAPSHOT_LIST_METADATA_FILTER:
            filters.pop("metadata", None)
        filters.pop("use_quota", None)
        if not is_admin:
            drop_invalid(filters, _OLD_FILTERS)
    if "name" in filters:
        filters["display_name"] = filters.pop("name")
    if ver < mv.SNAPSHOT_SORT:
        page.sort = [(k if k != "name" else "display_name_unsortable", d) for k, d in page.sort]
    with svc(req).db.read() as conn:
        scope = lists.project_scope(lists.SNAPSHOTS.table, req.ctx.project_id, all_projects)
        rows, count = lists.run(
            conn, lists.SNAPSHOTS, scope, filters, page, e.snapshot_not_found, with_count=with_count
        )
        rows = svc(req).snapshots.decorate(conn, rows)
    extended = _extended(req)
    items = [views.detail(r, ver, extended=extended) if detail else views.summary(r) for r in rows]
    collection = "snapshots/detail" if detail else "snapshots"
    return Reply(200, views.listing(items, links(req), collection, req.query, page.limit, count))


def list_snapshots(req: ApiRequest) -> Reply:
    return _list(req, detail=False)


def list_snapshots_detail(req: ApiRequest) -> Reply:
    return _list(req, detail=True)


def show(req: ApiRequest) -> Reply:
    row = load(req)
    return Reply(200, {"snapshot": views.detail(row, version(req), extended=_extended(req))})


def create(req: ApiRequest) -> Reply:
    check_project(req)
    body = dict(req.body["snapshot"])
    if body.get("volume_id") is None:
        raise e.volume_not_found("None")
    volume = vapi.load(req, body["volume_id"])
    ver = version(req)
    force = False
    if body.get("force") is not None:
        force = strict_bool(body["force"])
        if ver >= mv.SNAPSHOT_IN_USE and force is False:
            raise e.bad_request(SNAPSHOT_IN_USE_FLAG_MSG)
    clean_name_and_description(body)
    name = body.get("name", body.get("display_name"))
    req.authorize("volume:create_snapshot", target(volume))
    s_ = svc(req)
    with s_.db.write() as conn:
        fresh = s_.volumes.visible(conn, volume["id"], req.ctx.project_id, admin(req))
        row = s_.snapshots.create(
            conn,
            req.ctx,
            fresh,
            name=name,
            description=body.get("description"),
            metadata=body.get("metadata"),
            force=force,
            allow_in_use=ver >= mv.SNAPSHOT_IN_USE,
        )
    # os-extended-snapshot-attributes extend show and detail only
    return Reply(202, {"snapshot": views.detail(row, ver, extended=False)})


def update(req: ApiRequest) -> Reply:
    row = load(req)
    req.authorize("volume:update_snapshot", target(row))
    body = dict(req.body["snapshot"])
    clean_name_and_description(body)
    changes: dict[str, Any] = {}
    if "name" in body or "display_name" in body:
        changes["name"] = body.get("name", body.get("display_name"))
    if "description" in body or "display_description" in body:
        changes["description"] = body.get("description", body.get("display_description"))
    with svc(req).db.write() as conn:
        svc(req).snapshots.update(conn, row, changes)
        fresh = svc(req).snapshots.decorate(conn, [svc(req).snapshots.row(conn, row["id"]) or row])[0]
    return Reply(200, {"snapshot": views.detail(fresh, version(req), extended=False)})


def delete(req: ApiRequest) -> Reply:
    row = load(req)
    req.authorize("volume:delete_snapshot", target(row))
    with svc(req).db.write() as conn:
        fresh = svc(req).snapshots.row(conn, row["id"]) or row
        svc(req).snapshots.delete(conn, fresh)
    return Reply(202)


# -- actions -----------------------------------------------------------------------------------------


def action(req: ApiRequest) -> Reply:
    name, body = action_of(req)
    schemas = {
        "os-reset_status": s.snapshot_reset_status,
        "os-force_delete": s.force_delete,
        "os-update_snapshot_status": s.snapshot_update_status,
        "os-unmanage": s.unmanage,
    }
    if name not in schemas:
        raise no_such_action(name)
    check(req, schemas[name])
    row = load(req)
    s_ = svc(req)
    with s_.db.write() as conn:
        fresh = s_.snapshots.row(conn, row["id"]) or row
        if name == "os-reset_status":
            req.authorize("volume_extension:snapshot_admin_actions:reset_status", target(row))
            s_.snapshots.reset_status(conn, fresh, body["status"])
        elif name == "os-force_delete":
            req.authorize("volume_extension:snapshot_admin_actions:force_delete", target(row))
            s_.snapshots.delete(conn, fresh, force=True)
        elif name == "os-update_snapshot_status":
            req.authorize("snapshot_extension:snapshot_actions:update_snapshot_status", target(row))
            s_.snapshots.update_status(conn, fresh, body["status"], body.get("progress"))
        else:
            req.authorize("snapshot_extension:snapshot_unmanage", target(row))
            s_.snapshots.delete(conn, fresh, unmanage=True)
    return Reply(202)


# -- metadata ------------------------------------------------------------------------------------------


def get_metadata(req: ApiRequest) -> Reply:
    row = load(req)
    req.authorize("volume:get_snapshot_metadata", target(row))
    return Reply(200, {"metadata": row["metadata"]})


def _set(req: ApiRequest, values: dict[str, Any], replace: bool) -> dict[str, Any]:
    row = load(req)
    req.authorize("volume:update_snapshot_metadata", target(row))
    with svc(req).db.write() as conn:
        return svc(req).snapshots.set_metadata(conn, row["id"], values, replace)


def create_metadata(req: ApiRequest) -> Reply:
    return Reply(200, {"metadata": _set(req, req.body["metadata"], False)})


def replace_metadata(req: ApiRequest) -> Reply:
    return Reply(200, {"metadata": _set(req, req.body["metadata"], True)})


def get_metadata_item(req: ApiRequest) -> Reply:
    row = load(req)
    req.authorize("volume:get_snapshot_metadata", target(row))
    key = req.params["key"]
    if key not in row["metadata"]:
        raise e.NotFound(f"Snapshot {row['id']} has no metadata with key {key}.", kind="SnapshotMetadataNotFound")
    return Reply(200, {"meta": {key: row["metadata"][key]}})


def update_metadata_item(req: ApiRequest) -> Reply:
    meta = req.body["meta"]
    if req.params["key"] not in meta:
        load(req)
        raise e.bad_request("Request body and URI mismatch")
    _set(req, meta, False)
    return Reply(200, {"meta": meta})


def delete_metadata_item(req: ApiRequest) -> Reply:
    row = load(req)
    req.authorize("volume:delete_snapshot_metadata", target(row))
    with svc(req).db.write() as conn:
        svc(req).snapshots.delete_metadata(conn, row["id"], req.params["key"])
    return Reply(200)
