"""``/v3/auth/*``: tokens, and what the caller's token gives access to."""

from __future__ import annotations

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.core.context import RequestContext
from pocketstack.core.errors import BadRequest, Forbidden, NotFound, Unauthorized
from pocketstack.services.identity import views
from pocketstack.services.identity.api.common import self_url, svc


async def issue_token(req: ApiRequest) -> Reply:
    token, ctx = await svc(req).auth.issue(req.body["auth"])
    catalog = None if "nocatalog" in req.query else svc(req).catalog.catalog(ctx.project_id)
    return Reply(201, views.token(ctx, catalog), headers={"X-Subject-Token": token})


def _subject(req: ApiRequest) -> RequestContext:
    token = req.header("X-Subject-Token")
    if not token:
        raise BadRequest("Expecting to find X-Subject-Token in the request headers.")
    allow_expired = (req.q("allow_expired") or "").lower() in ("1", "true", "yes")
    try:
        return svc(req).tokens.validate(token, allow_expired=allow_expired)
    except Unauthorized:
        raise NotFound("Failed to validate token", kind="TokenNotFound") from None


def _token_target(subject: RequestContext) -> dict[str, object]:
    return {"target": {"token": {"user_id": subject.user_id}}}


def validate_token(req: ApiRequest) -> Reply:
    subject = _subject(req)
    req.authorize("identity:validate_token", _token_target(subject))
    catalog = None if "nocatalog" in req.query else svc(req).catalog.catalog(subject.project_id)
    return Reply(200, views.token(subject, catalog), headers={"X-Subject-Token": subject.auth_token})


def check_token(req: ApiRequest) -> Reply:
    subject = _subject(req)
    req.authorize("identity:check_token", _token_target(subject))
    return Reply(200, headers={"X-Subject-Token": subject.auth_token})


def revoke_token(req: ApiRequest) -> Reply:
    subject = _subject(req)
    req.authorize("identity:revoke_token", _token_target(subject))
    s = svc(req)
    payload = s.tokens.decode(subject.auth_token)
    with s.resources.changing() as conn:
        s.tokens.revoke(payload, conn)
    return Reply(204)


def auth_catalog(req: ApiRequest) -> Reply:
    req.authorize("identity:get_auth_catalog")
    if req.ctx.scope == "unscoped":
        raise Forbidden("A project-scoped token is required to produce a service catalog.")
    return Reply(
        200,
        {
            "catalog": svc(req).catalog.catalog(req.ctx.project_id),
            "links": {"self": self_url(req), "previous": None, "next": None},
        },
    )


def auth_projects(req: ApiRequest) -> Reply:
    req.authorize("identity:get_auth_projects")
    s = svc(req)
    with s.db.read() as conn:
        ids = s.assignments.projects_for_user(conn, req.ctx.user_id)
    rows = [r for r in s.resources.list_projects({}, only_ids=ids) if r["enabled"]]
    return Reply(200, views.collection("projects", [views.project(r, req.base_url) for r in rows], self_url(req)))


def auth_domains(req: ApiRequest) -> Reply:
    req.authorize("identity:get_auth_domains")
    s = svc(req)
    with s.db.read() as conn:
        ids = s.assignments.domains_for_user(conn, req.ctx.user_id)
    rows = [r for r in s.resources.list_domains({}) if r["id"] in ids and r["enabled"]]
    return Reply(200, views.collection("domains", [views.domain(r, req.base_url) for r in rows], self_url(req)))


def auth_system(req: ApiRequest) -> Reply:
    req.authorize("identity:get_auth_system")
    s = svc(req)
    with s.db.read() as conn:
        has = bool(s.assignments.effective_role_ids(conn, req.ctx.user_id, "system", "all"))
    return Reply(
        200,
        {
            "system": [{"all": True}] if has else [],
            "links": {"self": self_url(req), "previous": None, "next": None},
        },
    )
