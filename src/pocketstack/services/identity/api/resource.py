"""Domains, projects and project tags."""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.core.errors import BadRequest
from pocketstack.services.identity import views
from pocketstack.services.identity.api.common import (
    as_bool,
    load_and_authorize,
    normalize,
    self_url,
    svc,
)
from pocketstack.services.identity.validators import check_tag

# -- domains -----------------------------------------------------------------------


def list_domains(req: ApiRequest) -> Reply:
    rows = svc(req).resources.list_domains(req.query)
    if not req.allowed("identity:list_domains", {"target": {"domain": {"id": None}}}):
        # a domain reader sees only their own domain
        req.authorize("identity:list_domains", {"target": {"domain": {"id": req.ctx.domain_id}}})
        rows = [r for r in rows if r["id"] == req.ctx.domain_id]
    return Reply(200, views.collection("domains", [views.domain(r, req.base_url) for r in rows], self_url(req)))


def create_domain(req: ApiRequest) -> Reply:
    body = normalize(req.body["domain"], "enabled")
    req.authorize("identity:create_domain", {"target": {"domain": body}})
    row = svc(req).resources.create_domain(body)
    return Reply(201, {"domain": views.domain(row, req.base_url)})


def get_domain(req: ApiRequest) -> Reply:
    domain_id = req.params["domain_id"]
    row = load_and_authorize(req, "identity:get_domain", lambda: svc(req).resources.get_domain(domain_id), "domain")
    return Reply(200, {"domain": views.domain(row, req.base_url)})


def update_domain(req: ApiRequest) -> Reply:
    domain_id = req.params["domain_id"]
    load_and_authorize(req, "identity:update_domain", lambda: svc(req).resources.get_domain(domain_id), "domain")
    row = svc(req).resources.update_domain(domain_id, normalize(req.body["domain"], "enabled"))
    return Reply(200, {"domain": views.domain(row, req.base_url)})


def delete_domain(req: ApiRequest) -> Reply:
    domain_id = req.params["domain_id"]
    load_and_authorize(req, "identity:delete_domain", lambda: svc(req).resources.get_domain(domain_id), "domain")
    svc(req).resources.delete_domain(domain_id)
    return Reply(204)


# -- projects -------------------------------------------------------------------------


def list_projects(req: ApiRequest) -> Reply:
    query = dict(req.query)
    ctx = req.ctx
    if ctx.domain_id and "domain_id" not in query:
        query["domain_id"] = [ctx.domain_id]
    # As Keystone: the target names the caller's domain only for a domain-scoped token, so
    # a project member gets a 403 here and lists theirs with /v3/users/{user_id}/projects.
    req.authorize("identity:list_projects", {"target": {"domain_id": ctx.domain_id}} if ctx.domain_id else {})
    rows = svc(req).resources.list_projects(query)
    return Reply(200, views.collection("projects", [views.project(r, req.base_url) for r in rows], self_url(req)))


def create_project(req: ApiRequest) -> Reply:
    body = normalize(req.body["project"], "enabled", "is_domain")
    for tag in body.get("tags") or []:
        check_tag(tag)
    s = svc(req)
    domain_id = body.get("domain_id")
    if not domain_id and body.get("parent_id"):
        try:
            domain_id = s.resources.get_project(body["parent_id"])["domain_id"]
        except Exception:
            domain_id = None
    target = {**body, "domain_id": domain_id or s.default_domain(req.ctx)}
    req.authorize("identity:create_project", {"target": {"project": target}})
    row = s.resources.create_project(body, s.default_domain(req.ctx))
    return Reply(201, {"project": views.project(row, req.base_url)})


def get_project(req: ApiRequest) -> Reply:
    project_id = req.params["project_id"]
    s = svc(req)
    row = load_and_authorize(req, "identity:get_project", lambda: s.resources.get_project_any(project_id), "project")
    view = views.project(row, req.base_url)
    _hierarchy(req, project_id, view)
    return Reply(200, {"project": view})


def _hierarchy(req: ApiRequest, project_id: str, view: dict[str, Any]) -> None:
    from pocketstack.services.identity.resource import ancestors, descendants

    s = svc(req)
    wanted = {k for k in ("parents_as_list", "subtree_as_list", "parents_as_ids", "subtree_as_ids") if k in req.query}
    if not wanted:
        return
    with s.db.read() as conn:
        parents = ancestors(conn, project_id)
        children = descendants(conn, project_id)
    if "parents_as_ids" in wanted:
        view["parents"] = _nest_up(parents)
    if "parents_as_list" in wanted:
        view["parents"] = [{"project": views.project({**p, "tags": []}, req.base_url)} for p in parents]
    if "subtree_as_ids" in wanted:
        view["subtree"] = _nest_down(project_id, children)
    if "subtree_as_list" in wanted:
        view["subtree"] = [{"project": views.project({**c, "tags": []}, req.base_url)} for c in children]


def _nest_up(parents: list[dict[str, Any]]) -> dict[str, Any] | None:
    nested: dict[str, Any] | None = None
    for p in reversed(parents):
        nested = {p["id"]: nested}
    return nested


def _nest_down(root: str, children: list[dict[str, Any]]) -> dict[str, Any] | None:
    below = [c for c in children if c["parent_id"] == root]
    if not below:
        return None
    return {c["id"]: _nest_down(c["id"], children) for c in below}


def update_project(req: ApiRequest) -> Reply:
    project_id = req.params["project_id"]
    s = svc(req)
    current = load_and_authorize(
        req, "identity:update_project", lambda: s.resources.get_project_any(project_id), "project"
    )
    body = normalize(req.body["project"], "enabled", "is_domain")
    for tag in body.get("tags") or []:
        check_tag(tag)
    if current["is_domain"]:  # a domain, addressed as the project it is
        if "is_domain" in body and not body.pop("is_domain"):
            raise BadRequest("Cannot change is_domain attribute of a project")
        if body.pop("domain_id", None) is not None or body.pop("parent_id", None) is not None:
            raise BadRequest("Cannot change the domain_id or parent_id of a domain")
        row = s.resources.update_domain(project_id, body)
    else:
        row = s.resources.update_project(project_id, body)
    return Reply(200, {"project": views.project(row, req.base_url)})


def delete_project(req: ApiRequest) -> Reply:
    project_id = req.params["project_id"]
    s = svc(req)
    row = load_and_authorize(req, "identity:delete_project", lambda: s.resources.get_project_any(project_id), "project")
    if row["is_domain"]:
        s.resources.delete_domain(project_id)
    else:
        s.resources.delete_project(project_id, cascade=as_bool(req.q("cascade", "false")))
    return Reply(204)


# -- project tags ------------------------------------------------------------------------


def _project_for_tags(req: ApiRequest, rule: str) -> str:
    project_id = req.params["project_id"]
    load_and_authorize(req, rule, lambda: svc(req).resources.get_project(project_id), "project")
    return project_id


def list_tags(req: ApiRequest) -> Reply:
    project_id = _project_for_tags(req, "identity:list_project_tags")
    return Reply(200, {"tags": svc(req).resources.get_project(project_id)["tags"]})


def replace_tags(req: ApiRequest) -> Reply:
    project_id = _project_for_tags(req, "identity:update_project_tags")
    for tag in req.body["tags"]:
        check_tag(tag)
    return Reply(200, {"tags": svc(req).resources.set_tags(project_id, req.body["tags"])})


def delete_tags(req: ApiRequest) -> Reply:
    project_id = _project_for_tags(req, "identity:delete_project_tags")
    svc(req).resources.delete_tag(project_id, None)
    return Reply(204)


def check_project_tag(req: ApiRequest) -> Reply:
    project_id = _project_for_tags(req, "identity:get_project_tag")
    if req.params["value"] not in svc(req).resources.get_project(project_id)["tags"]:
        from pocketstack.services.identity.errors import not_found

        raise not_found("tag", req.params["value"])
    return Reply(204)


def add_tag(req: ApiRequest) -> Reply:
    project_id = _project_for_tags(req, "identity:create_project_tag")
    check_tag(req.params["value"])
    svc(req).resources.add_tag(project_id, req.params["value"])
    # Keystone answers 201 with an empty body and the tag's address
    return Reply(201, headers={"Location": f"{req.base_url}/v3/projects/{project_id}/tags/{req.params['value']}"})


def delete_tag(req: ApiRequest) -> Reply:
    project_id = _project_for_tags(req, "identity:delete_project_tag")
    svc(req).resources.delete_tag(project_id, req.params["value"])
    return Reply(204)
