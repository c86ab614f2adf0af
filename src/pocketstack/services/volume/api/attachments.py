"""/attachments (3.27+): create, show, list, update, complete (3.44+), delete."""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.volume import errors as e
from pocketstack.services.volume import lists
from pocketstack.services.volume import versions as mv
from pocketstack.services.volume.api.common import (
    action_of,
    admin,
    check,
    check_project,
    no_such_action,
    since,
    svc,
    target,
    version,
)
from pocketstack.services.volume.listing import check_ascii_keys, drop_invalid, parse_page, reject_invalid
from pocketstack.services.volume.schemas import actions as s
from pocketstack.services.volume.views import attachments as views

ATTACHMENT_FILTERS = ("volume_id", "status", "instance_id", "attach_status")


def _load(req: ApiRequest) -> dict[str, Any]:
    check_project(req)
    since(req, mv.NEW_ATTACH)
    with svc(req).db.read() as conn:
        return svc(req).attachments.visible(conn, req.params["attachment_id"], req.ctx.project_id, admin(req))


def show(req: ApiRequest) -> Reply:
    row = _load(req)
    return Reply(200, {"attachment": views.detail(row)})


def _list(req: ApiRequest, detail: bool) -> Reply:
    check_project(req)
    since(req, mv.NEW_ATTACH)
    page = parse_page(req.query)
    filters = dict(page.filters)
    ver = version(req)
    is_admin = admin(req)
    check_ascii_keys(filters)
    if ver >= mv.RESOURCE_FILTER:
        if not is_admin:
            reject_invalid(filters, ATTACHMENT_FILTERS, like_ok=ver >= mv.LIKE_FILTER)
    elif not is_admin:
        drop_invalid(filters, ATTACHMENT_FILTERS)
    all_projects = is_admin and "all_tenants" in filters
    filters.pop("all_tenants", None)
    with svc(req).db.read() as conn:
        scope = lists.project_scope(lists.ATTACHMENTS.table, req.ctx.project_id, all_projects)
        rows, _ = lists.run(
            conn,
            lists.ATTACHMENTS,
            scope,
            filters,
            page,
            lambda ident: e.attachment_not_found(f"id = {ident}"),
        )
    render = views.detail if detail else views.summary
    return Reply(200, {"attachments": [render(r) for r in rows]})


def list_attachments(req: ApiRequest) -> Reply:
    return _list(req, detail=False)


def list_attachments_detail(req: ApiRequest) -> Reply:
    return _list(req, detail=True)


def create(req: ApiRequest) -> Reply:
    check_project(req)
    since(req, mv.NEW_ATTACH)
    body = req.body["attachment"]
    s_ = svc(req)
    is_admin = admin(req)
    with s_.db.write() as conn:
        volume = s_.volumes.visible(conn, body["volume_uuid"], req.ctx.project_id, is_admin)
        req.authorize("volume:attachment_create", target(volume))
        if volume["multiattach"] and volume["status"] == "in-use" and volume["bootable"]:
            req.authorize("volume:multiattach_bootable_volume", target(volume))
        mode = body.get("mode", "null") if version(req) >= mv.ATTACHMENT_CREATE_MODE_ARG else "null"
        row = s_.attachments.create(
            conn, volume, instance_uuid=body.get("instance_uuid"), connector=body.get("connector"), mode=mode
        )
    return Reply(200, {"attachment": views.detail(row)})


def update(req: ApiRequest) -> Reply:
    row = _load(req)
    req.authorize("volume:attachment_update", target(row))
    s_ = svc(req)
    with s_.db.write() as conn:
        fresh = s_.attachments.row(conn, row["id"]) or row
        updated = s_.attachments.update(conn, fresh, req.body["attachment"]["connector"])
    return Reply(200, {"attachment": views.detail(updated)})


def delete(req: ApiRequest) -> Reply:
    row = _load(req)
    req.authorize("volume:attachment_delete", target(row))
    s_ = svc(req)
    s_.attachments.check_user_may_delete(row)
    with s_.db.write() as conn:
        remaining = s_.attachments.delete(conn, s_.attachments.row(conn, row["id"]) or row)
    return Reply(200, {"attachments": [views.summary(r) for r in remaining]})


def action(req: ApiRequest) -> Reply:
    name, _body = action_of(req)
    if name != "os-complete":
        raise no_such_action(name)
    since(req, mv.NEW_ATTACH_COMPLETION)
    check(req, s.complete)
    row = _load(req)
    s_ = svc(req)
    with s_.db.write() as conn:
        s_.volumes.visible(conn, row["volume_id"], req.ctx.project_id, admin(req))
        req.authorize("volume:attachment_complete", target(row))
        s_.attachments.complete(conn, row)
    return Reply(204)
