"""Roles, implied roles, grants and ``GET /v3/role_assignments``."""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.core.errors import BadRequest, NotFound
from pocketstack.services.identity import views
from pocketstack.services.identity.api.common import as_bool, self_url, svc
from pocketstack.services.identity.assignment import Grant

# -- roles ------------------------------------------------------------------------------


def _rule(role: dict[str, Any] | None, action: str) -> str:
    """Domain-specific roles have their own rules (``identity:get_domain_role`` …)."""
    if role is not None and role.get("domain_id"):
        return f"identity:{action}_domain_role"
    return f"identity:{action}_role"


def list_roles(req: ApiRequest) -> Reply:
    domain_id = req.q("domain_id")
    rule = "identity:list_domain_roles" if domain_id else "identity:list_roles"
    req.authorize(rule, {"target": {"domain_id": domain_id}})
    rows = svc(req).assignments.list_roles(req.query)
    return Reply(200, views.collection("roles", [views.role(r, req.base_url) for r in rows], self_url(req)))


def create_role(req: ApiRequest) -> Reply:
    body = req.body["role"]
    req.authorize(_rule(body, "create"), {"target": {"role": body}})
    row = svc(req).assignments.create_role(body)
    return Reply(201, {"role": views.role(row, req.base_url)})


def _load_role(req: ApiRequest, action: str) -> dict[str, Any]:
    role_id = req.params["role_id"]
    try:
        role = svc(req).assignments.get_role(role_id)
    except NotFound:
        req.authorize(_rule(None, action), {"target": {}})
        raise
    req.authorize(_rule(role, action), {"target": {"role": role}})
    return role


def get_role(req: ApiRequest) -> Reply:
    return Reply(200, {"role": views.role(_load_role(req, "get"), req.base_url)})


def update_role(req: ApiRequest) -> Reply:
    _load_role(req, "update")
    row = svc(req).assignments.update_role(req.params["role_id"], req.body["role"])
    return Reply(200, {"role": views.role(row, req.base_url)})


def delete_role(req: ApiRequest) -> Reply:
    _load_role(req, "delete")
    svc(req).assignments.delete_role(req.params["role_id"])
    return Reply(204)


# -- implied roles ----------------------------------------------------------------------


def list_implied(req: ApiRequest) -> Reply:
    req.authorize("identity:list_implied_roles")
    ((prior, implied),) = svc(req).assignments.list_implied(req.params["prior_role_id"])
    return Reply(200, views.implied_roles(prior, implied, req.base_url))


def create_implied(req: ApiRequest) -> Reply:
    req.authorize("identity:create_implied_role")
    prior, implied = svc(req).assignments.create_implied(req.params["prior_role_id"], req.params["implied_role_id"])
    return Reply(201, views.implied_role(prior, implied, req.base_url))


def get_implied(req: ApiRequest) -> Reply:
    req.authorize("identity:get_implied_role")
    prior, implied = svc(req).assignments.get_implied(req.params["prior_role_id"], req.params["implied_role_id"])
    return Reply(200, views.implied_role(prior, implied, req.base_url))


def check_implied(req: ApiRequest) -> Reply:
    req.authorize("identity:check_implied_role")
    svc(req).assignments.get_implied(req.params["prior_role_id"], req.params["implied_role_id"])
    return Reply(204)


def delete_implied(req: ApiRequest) -> Reply:
    req.authorize("identity:delete_implied_role")
    svc(req).assignments.delete_implied(req.params["prior_role_id"], req.params["implied_role_id"])
    return Reply(204)


def list_inferences(req: ApiRequest) -> Reply:
    req.authorize("identity:list_role_inference_rules")
    return Reply(200, views.role_inferences(svc(req).assignments.list_implied(), req.base_url))


# -- grants -------------------------------------------------------------------------------


def _grant_parts(req: ApiRequest) -> tuple[str, str, str, str]:
    p = req.params
    actor = ("user", p["user_id"]) if "user_id" in p else ("group", p["group_id"])
    if "project_id" in p:
        target = ("project", p["project_id"])
    elif "domain_id" in p:
        target = ("domain", p["domain_id"])
    else:
        target = ("system", "all")
    return actor[0], actor[1], target[0], target[1]


def _grant_target(req: ApiRequest, actor_type: str, actor_id: str, target_type: str, target_id: str) -> dict[str, Any]:
    s = svc(req)
    target: dict[str, Any] = {}
    try:
        if actor_type == "user":
            target["user"] = s.identities.get_user(actor_id)
        else:
            target["group"] = s.identities.get_group(actor_id)
        if target_type == "project":
            target["project"] = s.resources.get_project(target_id)
        elif target_type == "domain":
            target["domain"] = s.resources.get_domain(target_id)
        if "role_id" in req.params:
            target["role"] = s.assignments.get_role(req.params["role_id"])
    except NotFound:
        return {"target": target, "_missing": True}
    return {"target": target}


def _grant_rule(req: ApiRequest, action: str, target_type: str, actor_type: str) -> str:
    if target_type == "system":
        names = {
            "check": "check_system_grant_for_",
            "create": "create_system_grant_for_",
            "revoke": "revoke_system_grant_for_",
            "list": "list_system_grants_for_",
        }
        return f"identity:{names[action]}{actor_type}"
    return "identity:list_grants" if action == "list" else f"identity:{action}_grant"


def _authorized_grant(req: ApiRequest, action: str, inherited: bool = False) -> Grant:
    actor_type, actor_id, target_type, target_id = _grant_parts(req)
    target = _grant_target(req, actor_type, actor_id, target_type, target_id)
    req.authorize(_grant_rule(req, action, target_type, actor_type), {"target": target["target"]})
    return Grant(actor_type, actor_id, target_type, target_id, req.params.get("role_id", ""), inherited)


def create_grant(req: ApiRequest) -> Reply:
    svc(req).assignments.grant(_authorized_grant(req, "create"))
    return Reply(204)


def check_grant(req: ApiRequest) -> Reply:
    svc(req).assignments.check_grant(_authorized_grant(req, "check"))
    return Reply(204)


def revoke_grant(req: ApiRequest) -> Reply:
    svc(req).assignments.revoke(_authorized_grant(req, "revoke"))
    return Reply(204)


def list_grants(req: ApiRequest) -> Reply:
    g = _authorized_grant(req, "list")
    rows = svc(req).assignments.list_grants(g.actor_type, g.actor_id, g.target_type, g.target_id)
    return Reply(200, views.collection("roles", [views.role(r, req.base_url) for r in rows], self_url(req)))


def create_inherited(req: ApiRequest) -> Reply:
    svc(req).assignments.grant(_authorized_grant(req, "create", inherited=True))
    return Reply(204)


def check_inherited(req: ApiRequest) -> Reply:
    svc(req).assignments.check_grant(_authorized_grant(req, "check", inherited=True))
    return Reply(204)


def revoke_inherited(req: ApiRequest) -> Reply:
    svc(req).assignments.revoke(_authorized_grant(req, "revoke", inherited=True))
    return Reply(204)


def list_inherited(req: ApiRequest) -> Reply:
    g = _authorized_grant(req, "list", inherited=True)
    rows = svc(req).assignments.list_grants(g.actor_type, g.actor_id, g.target_type, g.target_id, inherited=True)
    return Reply(200, views.collection("roles", [views.role(r, req.base_url) for r in rows], self_url(req)))


# -- role assignments ----------------------------------------------------------------------


def list_role_assignments(req: ApiRequest) -> Reply:
    q = req.q
    f: dict[str, Any] = {
        "user_id": q("user.id"),
        "group_id": q("group.id"),
        "role_id": q("role.id"),
        "project_id": q("scope.project.id"),
        "domain_id": q("scope.domain.id"),
        "system": q("scope.system"),
        "effective": "effective" in req.query and as_bool(q("effective") or "true"),
        "include_subtree": "include_subtree" in req.query and as_bool(q("include_subtree") or "true"),
        "inherited": None,
    }
    if q("scope.OS-INHERIT:inherited_to"):
        f["inherited"] = True
    if f["effective"] and f["group_id"]:
        raise BadRequest("Combining effective and group filter will always result in an empty list.")
    if f["project_id"] and f["domain_id"]:
        raise BadRequest("Specify a domain or project, not both")
    if f["user_id"] and f["group_id"]:
        raise BadRequest("Specify a user or group, not both")
    if f["include_subtree"] and not f["project_id"]:
        raise BadRequest("scope.project.id must be specified if include_subtree is also specified")
    s = svc(req)
    domain_target = f["domain_id"]
    if f["project_id"]:
        try:
            domain_target = s.resources.get_project(f["project_id"])["domain_id"]
        except NotFound:
            domain_target = None
    rule = "identity:list_role_assignments_for_tree" if f["include_subtree"] else "identity:list_role_assignments"
    req.authorize(rule, {"target": {"domain_id": domain_target, "project": {"id": f["project_id"]}}})
    grants = s.assignments.list_assignments(f)
    names = _names(req, grants) if "include_names" in req.query and as_bool(q("include_names") or "true") else None
    items = [views.role_assignment(g, req.base_url, names) for g in grants]
    return Reply(200, {"role_assignments": items, "links": {"self": self_url(req), "previous": None, "next": None}})


def _names(req: ApiRequest, grants: list[Grant]) -> dict[str, dict[str, Any]]:
    """Names (and domains) of everything the assignments mention, for include_names."""
    s = svc(req)
    out: dict[str, dict[str, Any]] = {}
    domains: dict[str, str] = {}

    def domain_ref(domain_id: str | None) -> dict[str, Any]:
        if not domain_id:
            return {}
        if domain_id not in domains:
            try:
                domains[domain_id] = s.resources.get_domain(domain_id)["name"]
            except NotFound:
                domains[domain_id] = ""
        return {"domain": {"id": domain_id, "name": domains[domain_id]}}

    for g in grants:
        key = f"role:{g.role_id}"
        if key not in out:
            role = s.assignments.get_role(g.role_id)
            out[key] = {"name": role["name"], **domain_ref(role["domain_id"])}
        key = f"{g.actor_type}:{g.actor_id}"
        if key not in out:
            actor = s.identities.get_user(g.actor_id) if g.actor_type == "user" else s.identities.get_group(g.actor_id)
            out[key] = {"name": actor["name"], **domain_ref(actor["domain_id"])}
        key = f"{g.target_type}:{g.target_id}"
        if key not in out and g.target_type == "project":
            project = s.resources.get_project(g.target_id)
            out[key] = {"name": project["name"], **domain_ref(project["domain_id"])}
        elif key not in out and g.target_type == "domain":
            out[key] = {"name": s.resources.get_domain(g.target_id)["name"]}
    return out
