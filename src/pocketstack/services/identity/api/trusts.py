"""``/v3/OS-TRUST/trusts``: delegation of a trustor's roles to a trustee."""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.identity import views
from pocketstack.services.identity.api.common import self_url, svc
from pocketstack.services.identity.errors import forbidden_action, not_found


def _no_app_creds(req: ApiRequest) -> None:
    if req.ctx.app_cred_id:
        raise forbidden_action("Using method 'application_credential' is not allowed for managing trusts")


def _trust_target(req: ApiRequest) -> dict[str, Any]:
    """As Keystone: a missing (or used up, or expired) trust is a 404 before policy runs."""
    return svc(req).trusts.get(req.params["trust_id"])


def list_trusts(req: ApiRequest) -> Reply:
    trustor, trustee = req.q("trustor_user_id"), req.q("trustee_user_id")
    if trustor:
        req.authorize("identity:list_trusts_for_trustor", {"target": {"trust": {"trustor_user_id": trustor}}})
    elif trustee:
        req.authorize("identity:list_trusts_for_trustee", {"target": {"trust": {"trustee_user_id": trustee}}})
    else:
        req.authorize("identity:list_trusts")
    _no_app_creds(req)
    rows = svc(req).trusts.list_trusts(trustor_user_id=trustor, trustee_user_id=None if trustor else trustee)
    return Reply(200, views.collection("trusts", [views.trust(r, req.base_url) for r in rows], self_url(req)))


def create_trust(req: ApiRequest) -> Reply:
    body = dict(req.body["trust"])
    req.authorize("identity:create_trust", {"target": {"trust": body}})
    _no_app_creds(req)
    ctx = req.ctx
    if body.get("project_id") and not body.get("roles"):
        raise forbidden_action("At least one role should be specified")
    if ctx.user_id != body["trustor_user_id"]:
        raise forbidden_action("The authenticated user should match the trustor")
    if ctx.extras.get("trust"):
        raise forbidden_action("Redelegation of trusts is not supported by this cloud")
    s = svc(req)
    row = s.trusts.create(body)
    return Reply(201, {"trust": views.trust(row, req.base_url, s.trusts.roles(row["id"]))})


def get_trust(req: ApiRequest) -> Reply:
    trust = _trust_target(req)
    req.authorize("identity:get_trust", {"target": {"trust": trust}})
    _no_app_creds(req)
    return Reply(200, {"trust": views.trust(trust, req.base_url, svc(req).trusts.roles(trust["id"]))})


def delete_trust(req: ApiRequest) -> Reply:
    trust = _trust_target(req)
    req.authorize("identity:delete_trust", {"target": {"trust": trust}})
    _no_app_creds(req)
    svc(req).trusts.delete(trust["id"])
    return Reply(204)


def list_trust_roles(req: ApiRequest) -> Reply:
    trust = _trust_target(req)
    req.authorize("identity:list_roles_for_trust", {"target": {"trust": trust}})
    _no_app_creds(req)
    roles = [views.role(r, req.base_url) for r in svc(req).trusts.roles(trust["id"])]
    links = views.trust(trust, req.base_url, [])["roles_links"]
    return Reply(200, {"roles": roles, "links": links})


def get_trust_role(req: ApiRequest) -> Reply:
    trust = _trust_target(req)
    req.authorize("identity:get_role_for_trust", {"target": {"trust": trust}})
    _no_app_creds(req)
    role_id = req.params["role_id"]
    match = next((r for r in svc(req).trusts.roles(trust["id"]) if r["id"] == role_id), None)
    if match is None:
        raise not_found("role", role_id)
    return Reply(200, {"role": views.role(match, req.base_url)})
