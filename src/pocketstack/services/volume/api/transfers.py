"""/os-volume-transfer and /volume-transfers (3.55+): offer, list, accept, cancel."""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.volume import versions as mv
from pocketstack.services.volume.api import volumes as vapi
from pocketstack.services.volume.api.common import admin, check_project, links, since, svc, target, version
from pocketstack.services.volume.listing import parse_page
from pocketstack.services.volume.store import loose_bool
from pocketstack.services.volume.views.common import Links, collection_links, ts

COLLECTION = "os-volume-transfer"


def _summary(row: dict[str, Any], lk: Links) -> dict[str, Any]:
    return {
        "id": row["id"],
        "volume_id": row["volume_id"],
        "name": row["name"],
        "links": lk.self_and_bookmark(COLLECTION, row["id"]),
    }


def _detail(req: ApiRequest, row: dict[str, Any], lk: Links) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": row["id"],
        "created_at": ts(row["created_at"]),
        "name": row["name"],
        "volume_id": row["volume_id"],
        "links": lk.self_and_bookmark(COLLECTION, row["id"]),
    }
    if "auth_key" in row:
        body["auth_key"] = row["auth_key"]
    if version(req) >= mv.TRANSFER_WITH_SNAPSHOTS:
        body["no_snapshots"] = bool(row["no_snapshots"])
    if version(req) >= mv.TRANSFER_WITH_HISTORY:
        body["destination_project_id"] = row["destination_project_id"]
        body["source_project_id"] = row["source_project_id"]
        body["accepted"] = bool(row["accepted"])
    return body


def _list(req: ApiRequest, detail: bool, paginated: bool) -> Reply:
    check_project(req)
    req.authorize("volume:get_all_transfers")
    page = parse_page(req.query)
    all_projects = admin(req) and loose_bool(req.q("all_tenants", "false"))
    s_ = svc(req)
    with s_.db.read() as conn:
        rows = s_.transfers.search(conn, req.ctx.project_id, all_projects, req.q("name"))
    if paginated and page.marker:
        ids = [r["id"] for r in rows]
        rows = rows[ids.index(page.marker) + 1 :] if page.marker in ids else []
    total = len(rows)
    rows = rows[page.offset : page.offset + page.limit]
    lk = links(req)
    items = [_detail(req, r, lk) if detail else _summary(r, lk) for r in rows]
    body: dict[str, Any] = {"transfers": items}
    next_links = collection_links(lk, COLLECTION, rows, req.query, page.limit, total)
    if next_links:
        body["transfers_links"] = next_links
    return Reply(200, body)


def list_transfers(req: ApiRequest) -> Reply:
    return _list(req, detail=False, paginated=False)


def list_transfers_detail(req: ApiRequest) -> Reply:
    return _list(req, detail=True, paginated=False)


def list_transfers_v355(req: ApiRequest) -> Reply:
    return _list(req, detail=False, paginated=version(req) >= mv.SUPPORT_TRANSFER_PAGINATION)


def list_transfers_detail_v355(req: ApiRequest) -> Reply:
    return _list(req, detail=True, paginated=version(req) >= mv.SUPPORT_TRANSFER_PAGINATION)


def _load(req: ApiRequest) -> dict[str, Any]:
    check_project(req)
    req.authorize("volume:get_transfer")
    with svc(req).db.read() as conn:
        return svc(req).transfers.visible(conn, req.params["transfer_id"], req.ctx.project_id, admin(req))


def show(req: ApiRequest) -> Reply:
    return Reply(200, {"transfer": _detail(req, _load(req), links(req))})


def create(req: ApiRequest) -> Reply:
    check_project(req)
    body = req.body["transfer"]
    volume = vapi.load(req, body["volume_id"])
    req.authorize("volume:create_transfer", target(volume))
    name = body.get("name")
    name = name.strip() if isinstance(name, str) else name
    no_snapshots = loose_bool(body.get("no_snapshots", False)) if version(req) >= mv.TRANSFER_WITH_SNAPSHOTS else False
    s_ = svc(req)
    with s_.db.write() as conn:
        fresh = s_.volumes.visible(conn, volume["id"], req.ctx.project_id, admin(req))
        row = s_.transfers.create(conn, fresh, name, no_snapshots)
    return Reply(202, {"transfer": _detail(req, row, links(req))})


def delete(req: ApiRequest) -> Reply:
    row = _load(req)
    s_ = svc(req)
    with s_.db.write() as conn:
        volume = s_.volumes.row(conn, row["volume_id"]) or {"project_id": req.ctx.project_id}
        req.authorize("volume:delete_transfer", target(volume))
        s_.transfers.delete(conn, row)
    return Reply(202)


def accept(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume:accept_transfer")
    s_ = svc(req)
    with s_.db.write() as conn:
        result = s_.transfers.accept(conn, req.ctx, req.params["transfer_id"], req.body["accept"]["auth_key"])
    return Reply(202, {"transfer": _summary(result, links(req))})


def create_v355(req: ApiRequest) -> Reply:
    return create(req)


def show_v355(req: ApiRequest) -> Reply:
    return show(req)


def delete_v355(req: ApiRequest) -> Reply:
    return delete(req)


def accept_v355(req: ApiRequest) -> Reply:
    return accept(req)


__all__ = ["since"]
