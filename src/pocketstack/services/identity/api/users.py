"""Users, groups and group membership."""

from __future__ import annotations

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.core.errors import NotFound
from pocketstack.services.identity import views
from pocketstack.services.identity.api.common import (
    load_and_authorize,
    normalize,
    self_url,
    svc,
)

# -- users ----------------------------------------------------------------------------


def _domain_filter(req: ApiRequest) -> dict[str, list[str]]:
    """A domain-scoped caller lists within their domain (Keystone's rule)."""
    query = dict(req.query)
    if req.ctx.domain_id and "domain_id" not in query:
        query["domain_id"] = [req.ctx.domain_id]
    return query


def list_users(req: ApiRequest) -> Reply:
    query = _domain_filter(req)
    req.authorize("identity:list_users", {"target": {"domain_id": query.get("domain_id", [None])[-1]}})
    rows = svc(req).identities.list_users(query)
    return Reply(200, views.collection("users", [views.user(r, req.base_url) for r in rows], self_url(req)))


async def create_user(req: ApiRequest) -> Reply:
    s = svc(req)
    body = normalize(req.body["user"], "enabled")
    body.setdefault("domain_id", s.default_domain(req.ctx))
    req.authorize("identity:create_user", {"target": {"user": body}})
    row = await s.identities.create_user(body, s.default_domain(req.ctx))
    return Reply(201, {"user": views.user(row, req.base_url)})


def get_user(req: ApiRequest) -> Reply:
    user_id = req.params["user_id"]
    row = load_and_authorize(req, "identity:get_user", lambda: svc(req).identities.get_user(user_id), "user")
    return Reply(200, {"user": views.user(row, req.base_url)})


async def update_user(req: ApiRequest) -> Reply:
    user_id = req.params["user_id"]
    s = svc(req)
    load_and_authorize(req, "identity:update_user", lambda: s.identities.get_user(user_id), "user")
    row = await s.identities.update_user(user_id, normalize(req.body["user"], "enabled"))
    return Reply(200, {"user": views.user(row, req.base_url)})


def delete_user(req: ApiRequest) -> Reply:
    user_id = req.params["user_id"]
    s = svc(req)
    load_and_authorize(req, "identity:delete_user", lambda: s.identities.get_user(user_id), "user")
    s.identities.delete_user(user_id)
    return Reply(204)


async def change_password(req: ApiRequest) -> Reply:
    # Unenforced, as in Keystone: a user whose password expired has no token to show.
    body = req.body["user"]
    await svc(req).identities.change_password(req.params["user_id"], body["original_password"], body["password"])
    return Reply(204)


def list_user_groups(req: ApiRequest) -> Reply:
    user_id = req.params["user_id"]
    s = svc(req)
    load_and_authorize(req, "identity:list_groups_for_user", lambda: s.identities.get_user(user_id), "user")
    rows = s.identities.list_groups(req.query, user_id=user_id)
    return Reply(200, views.collection("groups", [views.group(r, req.base_url) for r in rows], self_url(req)))


def list_user_projects(req: ApiRequest) -> Reply:
    user_id = req.params["user_id"]
    s = svc(req)
    load_and_authorize(req, "identity:list_user_projects", lambda: s.identities.get_user(user_id), "user")
    with s.db.read() as conn:
        ids = s.assignments.projects_for_user(conn, user_id)
    rows = s.resources.list_projects(req.query, only_ids=ids)
    return Reply(200, views.collection("projects", [views.project(r, req.base_url) for r in rows], self_url(req)))


# -- groups -----------------------------------------------------------------------------


def list_groups(req: ApiRequest) -> Reply:
    query = _domain_filter(req)
    req.authorize("identity:list_groups", {"target": {"group": {"domain_id": query.get("domain_id", [None])[-1]}}})
    rows = svc(req).identities.list_groups(query)
    return Reply(200, views.collection("groups", [views.group(r, req.base_url) for r in rows], self_url(req)))


def create_group(req: ApiRequest) -> Reply:
    s = svc(req)
    body = dict(req.body["group"])
    body.setdefault("domain_id", s.default_domain(req.ctx))
    req.authorize("identity:create_group", {"target": {"group": body}})
    row = s.identities.create_group(body, s.default_domain(req.ctx))
    return Reply(201, {"group": views.group(row, req.base_url)})


def get_group(req: ApiRequest) -> Reply:
    group_id = req.params["group_id"]
    row = load_and_authorize(req, "identity:get_group", lambda: svc(req).identities.get_group(group_id), "group")
    return Reply(200, {"group": views.group(row, req.base_url)})


def update_group(req: ApiRequest) -> Reply:
    group_id = req.params["group_id"]
    s = svc(req)
    load_and_authorize(req, "identity:update_group", lambda: s.identities.get_group(group_id), "group")
    row = s.identities.update_group(group_id, req.body["group"])
    return Reply(200, {"group": views.group(row, req.base_url)})


def delete_group(req: ApiRequest) -> Reply:
    group_id = req.params["group_id"]
    s = svc(req)
    load_and_authorize(req, "identity:delete_group", lambda: s.identities.get_group(group_id), "group")
    s.identities.delete_group(group_id)
    return Reply(204)


def list_group_users(req: ApiRequest) -> Reply:
    group_id = req.params["group_id"]
    s = svc(req)
    load_and_authorize(req, "identity:list_users_in_group", lambda: s.identities.get_group(group_id), "group")
    rows = s.identities.list_users(req.query, group_id=group_id)
    return Reply(200, views.collection("users", [views.user(r, req.base_url) for r in rows], self_url(req)))


def _membership_target(req: ApiRequest, rule: str) -> tuple[str, str]:
    group_id, user_id = req.params["group_id"], req.params["user_id"]
    s = svc(req)
    try:
        group = s.identities.get_group(group_id)
        user = s.identities.get_user(user_id)
    except NotFound:
        req.authorize(rule, {"target": {}})
        raise
    req.authorize(rule, {"target": {"group": group, "user": user}})
    return group_id, user_id


def add_member(req: ApiRequest) -> Reply:
    group_id, user_id = _membership_target(req, "identity:add_user_to_group")
    svc(req).identities.add_member(group_id, user_id)
    return Reply(204)


def check_member(req: ApiRequest) -> Reply:
    group_id, user_id = _membership_target(req, "identity:check_user_in_group")
    svc(req).identities.is_member(group_id, user_id)
    return Reply(204)


def remove_member(req: ApiRequest) -> Reply:
    group_id, user_id = _membership_target(req, "identity:remove_user_from_group")
    svc(req).identities.remove_member(group_id, user_id)
    return Reply(204)
