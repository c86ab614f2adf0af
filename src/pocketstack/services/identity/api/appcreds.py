"""Application credentials and access rules (``/v3/users/{user_id}/…``)."""

from __future__ import annotations

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.core.errors import Forbidden
from pocketstack.services.identity import views
from pocketstack.services.identity.api.common import as_bool, self_url, svc


def _owner_target(req: ApiRequest) -> dict[str, object]:
    user_id = req.params["user_id"]
    return {"user_id": user_id, "target": {"user": {"id": user_id}}}


def _roles(req: ApiRequest, *rows: dict[str, object]) -> dict[str, dict[str, object]]:
    s = svc(req)
    wanted = [rid for row in rows for rid in row["roles"] or []]  # type: ignore[attr-defined]
    with s.db.read() as conn:
        return s.assignments.roles_by_id(conn, wanted)


async def create(req: ApiRequest) -> Reply:
    req.authorize("identity:create_application_credential", _owner_target(req))
    ctx = req.ctx
    if ctx.app_cred_id and not ctx.app_cred_unrestricted:
        raise Forbidden(
            "You are not authorized to perform the requested action: Using method "
            "'application_credential' is not allowed for managing additional application "
            "credentials."
        )
    if not ctx.project_id:
        raise Forbidden("An application credential can only be created with a project-scoped token.")
    body = dict(req.body["application_credential"])
    if "unrestricted" in body:
        body["unrestricted"] = as_bool(body["unrestricted"])
    available = [{"id": i, "name": n} for i, n in zip(ctx.role_ids, ctx.roles, strict=False)]
    row, secret = await svc(req).app_creds.create(req.params["user_id"], ctx.project_id, body, available)
    return Reply(201, {"application_credential": views.app_cred(row, _roles(req, row), req.base_url, secret)})


def list_creds(req: ApiRequest) -> Reply:
    req.authorize("identity:list_application_credentials", _owner_target(req))
    rows = svc(req).app_creds.list_for(req.params["user_id"], req.q("name"))
    roles = _roles(req, *rows)
    items = [views.app_cred(r, roles, req.base_url) for r in rows]
    return Reply(200, views.collection("application_credentials", items, self_url(req)))


def get_cred(req: ApiRequest) -> Reply:
    req.authorize("identity:get_application_credential", _owner_target(req))
    row = svc(req).app_creds.get(req.params["user_id"], req.params["application_credential_id"])
    return Reply(200, {"application_credential": views.app_cred(row, _roles(req, row), req.base_url)})


def delete_cred(req: ApiRequest) -> Reply:
    req.authorize("identity:delete_application_credential", _owner_target(req))
    ctx = req.ctx
    if ctx.app_cred_id and not ctx.app_cred_unrestricted:
        raise Forbidden(
            "You are not authorized to perform the requested action: Using method "
            "'application_credential' is not allowed for managing additional application "
            "credentials."
        )
    svc(req).app_creds.delete(req.params["user_id"], req.params["application_credential_id"])
    return Reply(204)


def list_rules(req: ApiRequest) -> Reply:
    req.authorize("identity:list_access_rules", _owner_target(req))
    user_id = req.params["user_id"]
    rows = svc(req).app_creds.list_rules(user_id)
    items = [views.access_rule(r, req.base_url, user_id) for r in rows]
    return Reply(200, views.collection("access_rules", items, self_url(req)))


def get_rule(req: ApiRequest) -> Reply:
    req.authorize("identity:get_access_rule", _owner_target(req))
    user_id = req.params["user_id"]
    row = svc(req).app_creds.get_rule(user_id, req.params["access_rule_id"])
    return Reply(200, {"access_rule": views.access_rule(row, req.base_url, user_id)})


def delete_rule(req: ApiRequest) -> Reply:
    req.authorize("identity:delete_access_rule", _owner_target(req))
    svc(req).app_creds.delete_rule(req.params["user_id"], req.params["access_rule_id"])
    return Reply(204)
