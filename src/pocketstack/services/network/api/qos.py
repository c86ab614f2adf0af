"""``/v2.0/qos/…``: QoS policies, their rules (also addressed alone, qos-rules-alias)
and the supported rule types."""

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
    pagination_links,
    select,
    show_resource,
    svc,
    update_resource,
)
from pocketstack.services.network.attributes import fields_param, limit_param, page_reverse_param
from pocketstack.services.network.errors import http, neutron, not_found
from pocketstack.services.network.validators import to_boolean

POLICY = Spec(r.QOS_POLICY, "qos", views.qos_policy)
RULE_TYPES = ("bandwidth_limit", "dscp_marking", "minimum_bandwidth")


# -- policies -----------------------------------------------------------------------------------


def list_policies(req: ApiRequest) -> Reply:
    return list_resources(req, POLICY)


def show_policy(req: ApiRequest) -> Reply:
    return show_resource(req, POLICY, req.params["policy_id"])


def create_policy(req: ApiRequest) -> Reply:
    return create_resource(req, POLICY)


def update_policy(req: ApiRequest) -> Reply:
    return update_resource(req, POLICY, req.params["policy_id"])


def delete_policy(req: ApiRequest) -> Reply:
    return delete_resource(req, POLICY, req.params["policy_id"])


# -- rules of a policy ----------------------------------------------------------------------------


def _rule_type(req: ApiRequest) -> str:
    """The rule type a path names (``…/bandwidth_limit_rules…``, ``…/alias_dscp_marking_rules…``)."""
    for part in req.path.split("/"):
        for kind in RULE_TYPES:
            if part in (f"{kind}_rules", f"alias_{kind}_rules"):
                return kind
    raise not_found()


def _target(rule: dict[str, Any] | None, policy: dict[str, Any]) -> dict[str, Any]:
    owner = policy["project_id"]
    return {
        **(rule or {}),
        "project_id": owner,
        "tenant_id": owner,
        "ext_parent:project_id": owner,
        "ext_parent:tenant_id": owner,
        "ext_parent_policy_id": policy["id"],
    }


def _check(req: ApiRequest, action: str, rule: dict[str, Any] | None, policy: dict[str, Any]) -> None:
    """``<action>`` on a rule: 404 for callers who may not even read it, else 403."""
    s = svc(req)
    target = _target(rule, policy)
    if action.startswith("get_"):
        if not s.access.allowed(req.ctx, action, target):
            raise not_found()
        return
    show = action.replace("create_", "get_").replace("update_", "get_").replace("delete_", "get_")
    s.access.enforce(req.ctx, action, target, show_action=show)


def list_rules(req: ApiRequest) -> Reply:
    kind = _rule_type(req)
    resource = r.QOS_RULES[kind]
    s = svc(req)
    policy = s.qos.policy_owner(caller(req), req.params["policy_id"])
    q = req.query
    limit = limit_param(q)
    rows = s.qos.list_rules(
        caller(req),
        kind,
        policy["id"],
        resource.filters(q),
        sorts=resource.sorts(q),
        limit=limit,
        marker=q["marker"][-1] if limit and q.get("marker") else None,
        page_reverse=page_reverse_param(q),
    )
    rule = f"get_policy_{kind}_rule"
    items = [views.qos_rule(row) for row in rows if s.access.allowed(req.ctx, rule, _target(None, policy))]
    fields = fields_param(q)
    body: dict[str, Any] = {resource.collection: [select(i, set(), fields) for i in items]}
    links = pagination_links(req, resource.collection, items, [i["id"] for i in items])
    if links:
        body[f"{resource.collection}_links"] = links
    return Reply(200, body)


def show_rule(req: ApiRequest) -> Reply:
    kind = _rule_type(req)
    policy_id = req.params.get("policy_id")
    row, policy = svc(req).qos.get_rule(caller(req), kind, req.params["rule_id"], policy_id)
    prefix = "policy" if policy_id else "alias"
    view = views.qos_rule(row)
    _check(req, f"get_{prefix}_{kind}_rule", view, policy)
    name = r.QOS_RULES[kind].name if policy_id else r.ALIAS_RULES[kind].name
    return Reply(200, {name: select(view, set(), fields_param(req.query))})


def create_rule(req: ApiRequest) -> Reply:
    kind = _rule_type(req)
    resource = r.QOS_RULES[kind]
    (body,), _bulk = resource.prepare(req.body, create=True, project_id=None, can_set_project=False)
    s = svc(req)
    policy = s.qos.policy_owner(caller(req), req.params["policy_id"])
    _check(req, f"create_policy_{kind}_rule", body, policy)
    row = s.qos.create_rule(caller(req), kind, policy["id"], body)
    return Reply(201, {resource.name: views.qos_rule(row)})


def update_rule(req: ApiRequest) -> Reply:
    kind = _rule_type(req)
    policy_id = req.params.get("policy_id")
    resource = r.QOS_RULES[kind] if policy_id else r.ALIAS_RULES[kind]
    (body,), _bulk = resource.prepare(req.body, create=False, project_id=None, can_set_project=False)
    s = svc(req)
    row, policy = s.qos.get_rule(caller(req), kind, req.params["rule_id"], policy_id)
    prefix = "policy" if policy_id else "alias"
    _check(req, f"update_{prefix}_{kind}_rule", {**views.qos_rule(row), **body}, policy)
    updated = s.qos.update_rule(caller(req), kind, row["id"], policy["id"], body)
    return Reply(200, {resource.name: views.qos_rule(updated)})


def delete_rule(req: ApiRequest) -> Reply:
    kind = _rule_type(req)
    policy_id = req.params.get("policy_id")
    s = svc(req)
    row, policy = s.qos.get_rule(caller(req), kind, req.params["rule_id"], policy_id)
    prefix = "policy" if policy_id else "alias"
    _check(req, f"delete_{prefix}_{kind}_rule", views.qos_rule(row), policy)
    s.qos.delete_rule(caller(req), kind, row["id"], policy["id"])
    return Reply(204)


# -- rule types --------------------------------------------------------------------------------------

_TYPE_FILTERS = ("all_rules", "all_supported")


def list_rule_types(req: ApiRequest) -> Reply:
    unknown = [k for k in req.query if k not in (*_TYPE_FILTERS, "fields", "type")]
    if unknown:
        raise http(400, f"{unknown} is invalid attribute for filtering")
    flags = {k: to_boolean(req.q(k)) for k in _TYPE_FILTERS if req.q(k) is not None}
    s = svc(req)
    items = [{"type": kind} for kind in s.qos.rule_types(**flags)]
    items = [i for i in items if s.access.allowed(req.ctx, "get_rule_type", i)]
    wanted = set(req.q_list("type"))
    if wanted:
        items = [i for i in items if i["type"] in wanted]
    return Reply(200, {"rule_types": [select(i, set(), fields_param(req.query)) for i in items]})


def show_rule_type(req: ApiRequest) -> Reply:
    kind = req.params["rule_type"]
    s = svc(req)
    if not s.access.allowed(req.ctx, "context_is_admin", {}):
        raise neutron("NotAuthorized")
    if kind not in s.qos.rule_types(all_rules=True):
        raise not_found()
    item = {"type": kind, "drivers": s.qos.rule_type_details(kind)}
    if not s.access.allowed(req.ctx, "get_rule_type", item):
        raise not_found()
    return Reply(200, {"rule_type": select(item, set(), fields_param(req.query))})
