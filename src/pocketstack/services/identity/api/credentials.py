"""``/v3/credentials`` and ``/v3/users/{user_id}/credentials/OS-EC2``."""

from __future__ import annotations

import uuid
from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.core.context import RequestContext
from pocketstack.core.errors import Unauthorized
from pocketstack.services.identity import views
from pocketstack.services.identity.api.common import self_url, svc
from pocketstack.services.identity.credentials import EC2, dumps_blob, hash_access_key
from pocketstack.services.identity.errors import forbidden_action


def _trust_id(ctx: RequestContext) -> str | None:
    trust = ctx.extras.get("trust")
    return trust["id"] if trust else None


def _delegated(ctx: RequestContext) -> bool:
    """A token that acts for someone else's grant: via a trust or an application credential."""
    return bool(_trust_id(ctx) or ctx.app_cred_id)


def _check_delegation_scope(ctx: RequestContext, project_id: str | None) -> None:
    """Delegated tokens reach only the credentials of the project they are scoped to."""
    if _delegated(ctx) and project_id != ctx.project_id:
        raise forbidden_action("Credential project does not match the project scope of the delegated token")


def _check_unrestricted(ctx: RequestContext, what: str = "credentials") -> None:
    if ctx.app_cred_id and not ctx.app_cred_unrestricted:
        raise forbidden_action(f"Using method 'application_credential' is not allowed for managing additional {what}")


def _existing_target(req: ApiRequest) -> dict[str, Any]:
    found = svc(req).credentials.find(req.params["credential_id"])
    return {"target": {"credential": found}} if found is not None else {}


# -- /v3/credentials ---------------------------------------------------------------------------


def list_credentials(req: ApiRequest) -> Reply:
    ctx = req.ctx
    req.authorize(
        "identity:list_credentials", {} if ctx.system_scope else {"target": {"credential": {"user_id": ctx.user_id}}}
    )
    rows = svc(req).credentials.list(user_id=req.q("user_id"), type=req.q("type"))
    visible = [
        r
        for r in rows
        if req.allowed("identity:get_credential", {"target": {"credential": r}})
        and (not _delegated(ctx) or r["project_id"] == ctx.project_id)
    ]
    items = [views.credential(r, req.base_url) for r in visible]
    return Reply(200, views.collection("credentials", items, self_url(req)))


def create_credential(req: ApiRequest) -> Reply:
    ctx = req.ctx
    body = dict(req.body["credential"])
    req.authorize("identity:create_credential", {"target": {"credential": body}})
    if body["type"].lower() == EC2:
        _check_unrestricted(ctx)
    _check_delegation_scope(ctx, body.get("project_id"))
    delegation = {"trust_id": _trust_id(ctx), "app_cred_id": ctx.app_cred_id}
    row = svc(req).credentials.create(body, delegation)
    return Reply(201, {"credential": views.credential(row, req.base_url)})


def get_credential(req: ApiRequest) -> Reply:
    req.authorize("identity:get_credential", _existing_target(req))
    row = svc(req).credentials.get(req.params["credential_id"])
    _check_delegation_scope(req.ctx, row["project_id"])
    return Reply(200, {"credential": views.credential(row, req.base_url)})


def update_credential(req: ApiRequest) -> Reply:
    req.authorize("identity:update_credential", _existing_target(req))
    s = svc(req)
    current = s.credentials.get(req.params["credential_id"])
    _check_delegation_scope(req.ctx, current["project_id"])
    body = dict(req.body["credential"])
    # the owner may not hand the credential to someone else
    req.authorize("identity:update_credential", {"target": {"credential": {**current, **body}}})
    row = s.credentials.update(req.params["credential_id"], body)
    return Reply(200, {"credential": views.credential(row, req.base_url)})


def delete_credential(req: ApiRequest) -> Reply:
    req.authorize("identity:delete_credential", _existing_target(req))
    s = svc(req)
    current = s.credentials.get(req.params["credential_id"])
    _check_delegation_scope(req.ctx, current["project_id"])
    s.credentials.delete(req.params["credential_id"])
    return Reply(204)


# -- OS-EC2 ------------------------------------------------------------------------------------


def list_ec2(req: ApiRequest) -> Reply:
    req.authorize("identity:ec2_list_credentials")
    user_id = req.params["user_id"]
    s = svc(req)
    s.identities.get_user(user_id)
    ctx = req.ctx
    rows = [
        r
        for r in s.credentials.list(user_id=user_id, type=EC2)
        if not _delegated(ctx) or r["project_id"] == ctx.project_id
    ]
    items = [views.ec2_credential(r, req.base_url) for r in rows]
    return Reply(200, views.collection("credentials", items, self_url(req)))


def create_ec2(req: ApiRequest) -> Reply:
    user_id = req.params["user_id"]
    req.authorize("identity:ec2_create_credential", {"target": {"credential": {"user_id": user_id}}})
    ctx = req.ctx
    _check_unrestricted(ctx, "application credentials")
    s = svc(req)
    s.identities.get_user(user_id)
    tenant_id = (req.body or {}).get("tenant_id")
    s.resources.get_project(str(tenant_id))
    _check_delegation_scope(ctx, tenant_id)
    blob = {"access": uuid.uuid4().hex, "secret": uuid.uuid4().hex, "trust_id": _trust_id(ctx)}
    row = s.credentials.create(
        {"user_id": user_id, "project_id": tenant_id, "type": EC2, "blob": dumps_blob(blob)},
        {"app_cred_id": ctx.app_cred_id},
    )
    return Reply(201, {"credential": views.ec2_credential(row, req.base_url)})


def _ec2_row(req: ApiRequest, rule: str) -> dict[str, Any]:
    s = svc(req)
    # As Keystone: the credential is looked up (404) before the policy check sees it.
    row = s.credentials.get(hash_access_key(req.params["credential_id"]))
    req.authorize(rule, {"target": {"credential": row}})
    s.identities.get_user(req.params["user_id"])
    if row["type"] != EC2:
        raise Unauthorized("EC2 access key not found.")
    _check_delegation_scope(req.ctx, row["project_id"])
    return row


def get_ec2(req: ApiRequest) -> Reply:
    row = _ec2_row(req, "identity:ec2_get_credential")
    return Reply(200, {"credential": views.ec2_credential(row, req.base_url)})


def delete_ec2(req: ApiRequest) -> Reply:
    row = _ec2_row(req, "identity:ec2_delete_credential")
    svc(req).credentials.delete(row["id"])
    return Reply(204)
