"""Security groups and security group rules."""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.network import resources as r
from pocketstack.services.network import views
from pocketstack.services.network.api.common import (
    Spec,
    caller,
    create_resource,
    delete_resource,
    list_resources,
    prepare,
    render_created,
    render_list,
    render_one,
    revision_constraint,
    show_resource,
    svc,
    update_resource,
)
from pocketstack.services.network.attributes import limit_param, page_reverse_param
from pocketstack.services.network.errors import not_found


def _rule_target(view: dict[str, Any], row: Any) -> dict[str, Any]:
    owner = row.get("group_project_id")
    return {**view, "security_group:project_id": owner, "security_group:tenant_id": owner}


GROUP = Spec(r.SECURITY_GROUP, "secgroups", views.security_group)
RULE = Spec(r.SECURITY_GROUP_RULE, "secgroups", views.security_group_rule, _rule_target)


def list_groups(req: ApiRequest) -> Reply:
    return list_resources(req, GROUP)


def show_group(req: ApiRequest) -> Reply:
    return show_resource(req, GROUP, req.params["security_group_id"])


def create_group(req: ApiRequest) -> Reply:
    return create_resource(req, GROUP, allow_bulk=True)


def update_group(req: ApiRequest) -> Reply:
    return update_resource(req, GROUP, req.params["security_group_id"])


def delete_group(req: ApiRequest) -> Reply:
    return delete_resource(req, GROUP, req.params["security_group_id"])


# -- rules ------------------------------------------------------------------------------------


def list_rules(req: ApiRequest) -> Reply:
    q = req.query
    limit = limit_param(q)
    rows = svc(req).secgroups.list_rules(
        caller(req),
        filters=RULE.resource.filters(q),
        sorts=RULE.resource.sorts(q),
        limit=limit,
        marker=q["marker"][-1] if limit and q.get("marker") else None,
        page_reverse=page_reverse_param(q),
    )
    return render_list(req, RULE, rows)


def show_rule(req: ApiRequest) -> Reply:
    row = svc(req).secgroups.get_rule(req.params["security_group_rule_id"])
    return render_one(req, RULE, row, check=True)


def create_rule(req: ApiRequest) -> Reply:
    items, bulk = prepare(req, RULE, create=True, allow_bulk=True)
    s = svc(req)
    for item in items:
        owner = s.secgroups.group_owner(item["security_group_id"])
        target = {**item, "security_group:project_id": owner, "security_group:tenant_id": owner}
        s.access.enforce(req.ctx, "create_security_group_rule", target, RULE.resource, explicit=item)
    rows = s.secgroups.create_rules(caller(req), items)
    return render_created(req, RULE, rows, bulk)


def delete_rule(req: ApiRequest) -> Reply:
    s = svc(req)
    row = s.secgroups.get_rule(req.params["security_group_rule_id"])
    target = _rule_target(views.security_group_rule(row), row)
    if not s.access.allowed(req.ctx, "get_security_group_rule", target):
        raise not_found()
    s.access.enforce(req.ctx, "delete_security_group_rule", target)
    s.secgroups.delete_rule(row["id"], revision=revision_constraint(req))
    return Reply(204)
