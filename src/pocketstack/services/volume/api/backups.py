"""/backups: list, detail, show, create, update, delete, restore, export/import, actions."""

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
    since,
    svc,
    target,
    version,
)
from pocketstack.services.volume.listing import check_ascii_keys, drop_invalid, parse_page, reject_invalid
from pocketstack.services.volume.schemas import actions as s
from pocketstack.services.volume.store import strict_bool
from pocketstack.services.volume.views import backups as views

BACKUP_FILTERS = ("name", "status", "volume_id")


def load(req: ApiRequest, backup_id: str | None = None) -> dict[str, Any]:
    check_project(req)
    bid = backup_id or req.params["backup_id"]
    with svc(req).db.read() as conn:
        row = svc(req).backups.visible(conn, bid, req.ctx.project_id, admin(req))
        row = svc(req).backups.decorate(conn, [row])[0]
    req.authorize("backup:get", target(row))
    return row


def _render(req: ApiRequest, row: dict[str, Any]) -> dict[str, Any]:
    return views.detail(row, links(req), version(req), project_attrs=req.allowed("backup:backup_project_attribute"))


def _list(req: ApiRequest, detail: bool) -> Reply:
    check_project(req)
    req.authorize("backup:get_all")
    page = parse_page(req.query)
    filters = dict(page.filters)
    ver = version(req)
    is_admin = admin(req)
    with_count = False
    if ver >= mv.SUPPORT_COUNT_INFO and "with_count" in filters:
        with_count = strict_bool(filters.pop("with_count"))
    raw_all = filters.pop("all_tenants", None)
    all_projects = False
    if raw_all is not None:
        try:
            all_projects = is_admin and strict_bool(raw_all)
        except Exception:
            raise e.BadRequest(
                f"all_tenants must be a boolean, got '{raw_all}'.", kind="InvalidParameterValue"
            ) from None
    check_ascii_keys(filters)
    if ver >= mv.RESOURCE_FILTER:
        if not is_admin:
            reject_invalid(filters, BACKUP_FILTERS, like_ok=ver >= mv.LIKE_FILTER)
    elif not is_admin:
        drop_invalid(filters, BACKUP_FILTERS)
    if "name" in filters:
        filters["display_name"] = filters.pop("name")
    if ver < mv.BACKUP_SORT_NAME:
        page.sort = [(k if k != "name" else "display_name_unsortable", d) for k, d in page.sort]
    with svc(req).db.read() as conn:
        scope = lists.project_scope(lists.BACKUPS.table, req.ctx.project_id, all_projects)
        rows, count = lists.run(conn, lists.BACKUPS, scope, filters, page, e.backup_not_found, with_count=with_count)
        rows = svc(req).backups.decorate(conn, rows)
    lk = links(req)
    items = [_render(req, r) for r in rows] if detail else [views.summary(r, lk) for r in rows]
    collection = "backups/detail" if detail else "backups"
    return Reply(200, views.listing(items, lk, collection, req.query, page.limit, count))


def list_backups(req: ApiRequest) -> Reply:
    return _list(req, detail=False)


def list_backups_detail(req: ApiRequest) -> Reply:
    return _list(req, detail=True)


def show(req: ApiRequest) -> Reply:
    return Reply(200, {"backup": _render(req, load(req))})


def create(req: ApiRequest) -> Reply:
    check_project(req)
    body = dict(req.body["backup"])
    clean_name_and_description(body)
    ver = version(req)
    volume = vapi.load(req, body["volume_id"])
    req.authorize("backup:create", target(volume))
    s_ = svc(req)
    with s_.db.write() as conn:
        fresh = s_.volumes.visible(conn, volume["id"], req.ctx.project_id, admin(req))
        snapshot = None
        if body.get("snapshot_id"):
            snapshot = s_.snapshots.visible(conn, body["snapshot_id"], req.ctx.project_id, admin(req))
        row = s_.backups.create(
            conn,
            req.ctx,
            fresh,
            name=body.get("name"),
            description=body.get("description"),
            container=body.get("container"),
            incremental=strict_bool(body.get("incremental", False)),
            force=strict_bool(body.get("force", False)),
            snapshot=snapshot,
            metadata=body.get("metadata") if ver >= mv.BACKUP_METADATA else None,
            availability_zone=body.get("availability_zone") if ver >= mv.BACKUP_AZ else None,
        )
    return Reply(202, {"backup": views.summary(row, links(req))})


def update(req: ApiRequest) -> Reply:
    since(req, mv.BACKUP_UPDATE)
    row = load(req)
    req.authorize("backup:update", target(row))
    body = dict(req.body.get("backup") or {})
    clean_name_and_description(body)
    changes = {k: body[k] for k in ("name", "description") if k in body}
    if version(req) >= mv.BACKUP_METADATA and "metadata" in body:
        changes["metadata"] = body["metadata"]
    with svc(req).db.write() as conn:
        svc(req).backups.update(conn, row["id"], changes)
        fresh = svc(req).backups.row(conn, row["id"]) or row
    return Reply(200, {"backup": views.summary(fresh, links(req))})


def delete(req: ApiRequest) -> Reply:
    row = load(req)
    req.authorize("backup:delete", target(row))
    with svc(req).db.write() as conn:
        svc(req).backups.delete(conn, svc(req).backups.row(conn, row["id"]) or row)
    return Reply(202)


def restore(req: ApiRequest) -> Reply:
    check_project(req)
    body = req.body.get("restore") or {}
    clean_name_and_description(body)
    result = svc(req).backups.restore(
        req.ctx,
        req.params["backup_id"],
        req.ctx.project_id,
        admin(req),
        volume_id=body.get("volume_id"),
        name=body.get("name"),
        authorize=lambda row: _authorize_restore(req, row),
    )
    return Reply(202, views.restore(result))


def _authorize_restore(req: ApiRequest, row: dict[str, Any]) -> None:
    req.authorize("backup:get", target(row))
    req.authorize("backup:restore", target(row))


def export_record(req: ApiRequest) -> Reply:
    row = load(req)
    req.authorize("backup:export-import", target(row))
    return Reply(200, {"backup-record": svc(req).backups.export_record(row)})


def import_record(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("backup:backup-import")
    record = req.body["backup-record"]
    with svc(req).db.write() as conn:
        row = svc(req).backups.import_record(conn, req.ctx, record["backup_service"], record["backup_url"])
    return Reply(201, {"backup": views.summary(row, links(req))})


def action(req: ApiRequest) -> Reply:
    name, body = action_of(req)
    schemas = {"os-reset_status": s.backup_reset_status, "os-force_delete": s.force_delete}
    if name not in schemas:
        raise no_such_action(name)
    check(req, schemas[name])
    row = load(req)
    s_ = svc(req)
    with s_.db.write() as conn:
        fresh = s_.backups.row(conn, row["id"]) or row
        if name == "os-reset_status":
            req.authorize("volume_extension:backup_admin_actions:reset_status", target(row))
            s_.backups.reset_status(conn, fresh, body["status"])
        else:
            req.authorize("volume_extension:backup_admin_actions:force_delete", target(row))
            s_.backups.delete(conn, fresh, force=True)
    return Reply(202)
