"""Keypairs (``/os-keypairs``)."""

from __future__ import annotations

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.compute.api.common import (
    authorize,
    limit_and_marker,
    next_links,
    query,
    svc,
    v,
)
from pocketstack.services.compute.schemas import keypairs as s
from pocketstack.services.compute.views import keypairs as views

P = "os_compute_api:os-keypairs:"


def _user(req: ApiRequest) -> str:
    """From 2.10 an admin names another user with ``?user_id=`` (the first one given)."""
    if v(req, "2.10"):
        given = req.q_list("user_id")
        if given:
            return given[0]
    return req.ctx.user_id


def _query(req: ApiRequest, index: bool = False) -> None:
    if v(req, "2.75"):
        query(req, s.index_query_v275 if index else s.query_v275)
    elif index and v(req, "2.35"):
        query(req, s.index_query_v235)
    elif v(req, "2.10"):
        query(req, s.query_v210)


def list_keypairs(req: ApiRequest) -> Reply:
    _query(req, index=True)
    user_id = _user(req)
    authorize(req, P + "index", {"user_id": user_id})
    limit: int | None = None
    marker = None
    if v(req, "2.35"):
        limit, marker = limit_and_marker(req)
    rows = svc(req).keypairs.index(user_id, limit, marker)
    body: dict[str, object] = {"keypairs": [views.index_item(k, v(req, "2.2")) for k in rows]}
    if v(req, "2.35") and rows:
        nxt = next_links(req, "os-keypairs", rows, limit, rows[-1]["name"])
        if nxt:
            body["keypairs_links"] = nxt
    return Reply(200, body)


def create_keypair(req: ApiRequest) -> Reply:
    params = req.body["keypair"]
    user_id = (params.get("user_id") if v(req, "2.10") else None) or req.ctx.user_id
    authorize(req, P + "create", {"user_id": user_id})
    row = svc(req).keypairs.create(
        user_id=user_id,
        project_id=req.ctx.project_id,
        name=params["name"],
        key_type=params.get("type", "ssh"),
        public_key=params.get("public_key"),
    )
    return Reply(201 if v(req, "2.2") else 200, views.create(row, v(req, "2.2")))


def show_keypair(req: ApiRequest) -> Reply:
    _query(req)
    user_id = _user(req)
    authorize(req, P + "show", {"user_id": user_id})
    row = svc(req).keypairs.get(user_id, req.params["keypair_name"])
    return Reply(200, views.show(row, v(req, "2.2")))


def delete_keypair(req: ApiRequest) -> Reply:
    _query(req)
    user_id = _user(req)
    authorize(req, P + "delete", {"user_id": user_id})
    svc(req).keypairs.delete(user_id, req.params["keypair_name"])
    return Reply(204 if v(req, "2.2") else 202)
