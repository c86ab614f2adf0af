"""Unified limits: ``/v3/registered_limits``, ``/v3/limits`` and ``/v3/limits/model``."""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.core.errors import NotFound
from pocketstack.services.identity import views
from pocketstack.services.identity.api.common import self_url, svc
from pocketstack.services.identity.limits import MODEL


def get_model(req: ApiRequest) -> Reply:
    req.authorize("identity:get_limit_model")
    return Reply(200, {"model": dict(MODEL)})


# -- registered limits ------------------------------------------------------------------------


def list_registered(req: ApiRequest) -> Reply:
    req.authorize("identity:list_registered_limits")
    rows = svc(req).limits.list_registered(req.query)
    items = [views.registered_limit(r, req.base_url) for r in rows]
    return Reply(200, views.collection("registered_limits", items, self_url(req)))


def create_registered(req: ApiRequest) -> Reply:
    req.authorize("identity:create_registered_limits")
    rows = svc(req).limits.create_registered(req.body["registered_limits"])
    return Reply(201, {"registered_limits": [views.registered_limit(r, req.base_url) for r in rows]})


def get_registered(req: ApiRequest) -> Reply:
    req.authorize("identity:get_registered_limit")
    row = svc(req).limits.get_registered(req.params["registered_limit_id"])
    return Reply(200, {"registered_limit": views.registered_limit(row, req.base_url)})


def update_registered(req: ApiRequest) -> Reply:
    req.authorize("identity:update_registered_limit")
    row = svc(req).limits.update_registered(req.params["registered_limit_id"], req.body["registered_limit"])
    return Reply(200, {"registered_limit": views.registered_limit(row, req.base_url)})


def delete_registered(req: ApiRequest) -> Reply:
    req.authorize("identity:delete_registered_limit")
    svc(req).limits.delete_registered(req.params["registered_limit_id"])
    return Reply(204)


# -- limits -----------------------------------------------------------------------------------


def list_limits(req: ApiRequest) -> Reply:
    req.authorize("identity:list_limits")
    ctx = req.ctx
    s = svc(req)
    if ctx.system_scope or ctx.has_role("admin") or ctx.has_role("service"):
        rows = s.limits.list_limits(req.query)
    elif ctx.domain_id:  # a domain's projects and the domain itself
        mine = {p["id"] for p in s.resources.list_projects({"domain_id": [ctx.domain_id]})}
        rows = s.limits.list_limits(req.query, project_ids=mine, domain_id=ctx.domain_id)
    elif ctx.project_id:
        rows = s.limits.list_limits(req.query, project_ids={ctx.project_id})
    else:
        rows = []
    return Reply(200, views.collection("limits", [views.limit(r, req.base_url) for r in rows], self_url(req)))


def create_limits(req: ApiRequest) -> Reply:
    req.authorize("identity:create_limits")
    rows = svc(req).limits.create(req.body["limits"])
    return Reply(201, {"limits": [views.limit(r, req.base_url) for r in rows]})


def _limit_target(req: ApiRequest) -> dict[str, Any]:
    """The limit with its project (or domain), for rules like ``%(target.limit.project.domain_id)s``."""
    s = svc(req)
    found = s.limits.find(req.params["limit_id"])
    if found is None:
        return {}
    target = dict(found)
    try:
        if found["project_id"]:
            target["project"] = s.resources.get_project(found["project_id"])
        elif found["domain_id"]:
            target["domain"] = s.resources.get_domain(found["domain_id"])
    except NotFound:
        pass
    return {"target": {"limit": target}}


def get_limit(req: ApiRequest) -> Reply:
    req.authorize("identity:get_limit", _limit_target(req))
    row = svc(req).limits.get(req.params["limit_id"])
    return Reply(200, {"limit": views.limit(row, req.base_url)})


def update_limit(req: ApiRequest) -> Reply:
    req.authorize("identity:update_limit")
    row = svc(req).limits.update(req.params["limit_id"], req.body["limit"])
    return Reply(200, {"limit": views.limit(row, req.base_url)})


def delete_limit(req: ApiRequest) -> Reply:
    req.authorize("identity:delete_limit")
    svc(req).limits.delete(req.params["limit_id"])
    return Reply(204)
