"""/os-quota-sets, /os-quota-class-sets and /limits."""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.volume import errors as e
from pocketstack.services.volume import versions as mv
from pocketstack.services.volume.api.common import admin, bool_param, check_project, svc, version
from pocketstack.services.volume.quota import DB_MAX_INT, _validate_integer
from pocketstack.services.volume.views import admin as views

_CLASS_KEY_OK = "^[a-zA-Z0-9-_:. ]{1,300}$"


def _check_name(value: str, name: str) -> None:
    if not 1 <= len(value) <= 255:
        raise e.invalid_input(f"{name} has {len(value)} characters, more than 255.")


def show(req: ApiRequest) -> Reply:
    check_project(req)
    project_id = req.params["target_project_id"]
    req.authorize("volume_extension:quotas:show", {"project_id": project_id})
    usage = bool_param(req, "usage")
    quotas = svc(req).quotas
    with svc(req).db.read() as conn:
        limits = quotas.limits(conn, project_id)
        if usage:
            values: dict[str, Any] = views.quota_usage(limits, quotas.usage(conn, project_id))
        else:
            values = dict(limits)
    return Reply(200, views.quota_set(project_id, values))


def defaults(req: ApiRequest) -> Reply:
    check_project(req)
    project_id = req.params["target_project_id"]
    req.authorize("volume_extension:quotas:show", {"project_id": project_id})
    with svc(req).db.read() as conn:
        values = svc(req).quotas.defaults(conn)
    return Reply(200, views.quota_set(project_id, values))


def update(req: ApiRequest) -> Reply:
    check_project(req)
    project_id = req.params["target_project_id"]
    req.authorize("volume_extension:quotas:update", {"project_id": project_id})
    _check_name(project_id, "quota_set_name")
    quotas = svc(req).quotas
    with svc(req).db.write() as conn:
        values = quotas.validate_set(conn, req.body["quota_set"])
        quotas.update(conn, project_id, values)
        limits = quotas.limits(conn, project_id)
    return Reply(200, {"quota_set": limits})


def delete(req: ApiRequest) -> Reply:
    check_project(req)
    project_id = req.params["target_project_id"]
    req.authorize("volume_extension:quotas:delete", {"project_id": project_id})
    with svc(req).db.write() as conn:
        svc(req).quotas.store.reset(conn, project_id)
    return Reply(200)


# -- quota classes -----------------------------------------------------------------------------------


def show_class(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:quota_classes:get")
    class_name = req.params["class_name"]
    with svc(req).db.read() as conn:
        values = svc(req).quotas.class_limits(conn, class_name)
    return Reply(200, {"quota_class_set": {**values, "id": class_name}})


def update_class(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:quota_classes:update")
    class_name = req.params["class_name"]
    _check_name(class_name, "quota_class_name")
    body = req.body["quota_class_set"]
    quotas = svc(req).quotas
    with svc(req).db.write() as conn:
        known = set(quotas.resources(conn))
        bad = [k for k in body if k not in known]
        values = {}
        for key, value in body.items():
            if key in bad:
                continue
            values[key] = _validate_integer(value, key, -1, DB_MAX_INT)
        if bad:
            raise e.invalid_input(f"Bad key(s) in quota class set: {', '.join(bad)}")
        quotas.store.set_class(conn, class_name, values)
        result = quotas.class_limits(conn, class_name)
    return Reply(200, {"quota_class_set": result})


# -- limits -----------------------------------------------------------------------------------------


def limits(req: ApiRequest) -> Reply:
    check_project(req)
    ver = version(req)
    project_id = req.ctx.project_id or ""
    if ver >= mv.LIMITS_ADMIN_FILTER and admin(req):
        project_id = req.q("project_id") or req.q("tenant_id") or project_id
    quotas = svc(req).quotas
    used = req.allowed("limits_extension:used_limits")
    with svc(req).db.read() as conn:
        values = quotas.limits(conn, project_id)
        usage = quotas.usage(conn, project_id) if used else None
    return Reply(200, views.limits(values, usage))
