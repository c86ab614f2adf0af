"""``/v2.0/quotas``: per-project limits, defaults and usage details."""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.network import quotas
from pocketstack.services.network.api.common import svc
from pocketstack.services.network.errors import http, neutron
from pocketstack.services.network.validators import range_, to_int

DB_INTEGER_MAX = 2147483647


def _check(req: ApiRequest, rule: str) -> None:
    """Upstream checks quota rules against the caller's own project."""
    project = req.ctx.project_id
    svc(req).access.enforce(req.ctx, rule, {"project_id": project, "tenant_id": project})


def list_quotas(req: ApiRequest) -> Reply:
    _check(req, "get_quota")
    with svc(req).db.read() as conn:
        out = [
            {**quotas.limits(conn, project), "project_id": project, "tenant_id": project}
            for project in quotas.projects_with_quotas(conn)
        ]
    return Reply(200, {"quotas": out})


def show_quota(req: ApiRequest) -> Reply:
    project = req.params["project_id"]
    if project != req.ctx.project_id:
        _check(req, "get_quota")
    with svc(req).db.read() as conn:
        return Reply(200, {"quota": quotas.limits(conn, project)})


def default_quota(req: ApiRequest) -> Reply:
    project = req.params["project_id"]
    if project != req.ctx.project_id:
        _check(req, "get_quota")
    with svc(req).db.read() as conn:
        values = quotas.STORE.class_limits(conn)
    return Reply(200, {"quota": {k: values.get(k, v) for k, v in quotas.DEFAULTS.items()}})


def quota_details(req: ApiRequest) -> Reply:
    project = req.params["project_id"]
    if project != req.ctx.project_id and not svc(req).access.allowed(req.ctx, "context_is_admin", {}):
        raise neutron("AdminRequired", reason="Only admin is authorized to access quotas for another project")
    with svc(req).db.read() as conn:
        return Reply(200, {"quota": quotas.details(conn, project)})


def update_quota(req: ApiRequest) -> Reply:
    project = req.params["project_id"]
    _check(req, "update_quota")
    body = req.body
    if not isinstance(body, dict) or not isinstance(body.get("quota"), dict):
        message = "Unable to find 'quota' in request body" if isinstance(body, dict) else "Resource body required"
        raise http(400, message)
    values: dict[str, Any] = dict(body["quota"])
    force = values.pop("force", None)
    values.pop("check_limit", None)
    unknown = [k for k in values if k not in quotas.DEFAULTS]
    if unknown:
        raise http(400, "Unrecognized attribute(s) '{}'".format(", ".join(unknown)))
    limits: dict[str, int] = {}
    for name, raw in values.items():
        value = to_int(raw)
        reason = range_(value, (-1, DB_INTEGER_MAX))
        if reason:
            raise http(400, f"Invalid input for {name}. Reason: {reason}.")
        limits[name] = value
    with svc(req).db.write() as conn:
        if force is not True:
            for name, limit in limits.items():
                if limit == -1:
                    continue
                used = quotas.usage(conn, project, name)
                if used > limit:
                    raise http(
                        400,
                        f"Quota limit {limit} for {name} must be greater than or equal to already used {used}",
                    )
        quotas.STORE.set(conn, project, limits)
        return Reply(200, {"quota": quotas.limits(conn, project)})


def delete_quota(req: ApiRequest) -> Reply:
    _check(req, "delete_quota")
    with svc(req).db.write() as conn:
        quotas.STORE.reset(conn, req.params["project_id"])
    return Reply(204)


def own_project(req: ApiRequest) -> Reply:
    return Reply(200, {"project": {"project_id": req.ctx.project_id}})


def own_tenant(req: ApiRequest) -> Reply:
    return Reply(200, {"tenant": {"tenant_id": req.ctx.project_id}})
