"""``/v2.0/rbac-policies``: sharing networks, security groups, subnet pools, address
scopes and QoS policies with other projects."""

from __future__ import annotations

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.network import resources as r
from pocketstack.services.network import views
from pocketstack.services.network.api.common import (
    Spec,
    authorize_create,
    caller,
    delete_resource,
    list_resources,
    prepare,
    render_created,
    show_resource,
    svc,
    update_resource,
)

RBAC_POLICY = Spec(r.RBAC_POLICY, "rbac", views.rbac_policy, paginated=False)


def list_policies(req: ApiRequest) -> Reply:
    return list_resources(req, RBAC_POLICY)


def show_policy(req: ApiRequest) -> Reply:
    return show_resource(req, RBAC_POLICY, req.params["rbac_policy_id"])


def create_policy(req: ApiRequest) -> Reply:
    items, bulk = prepare(req, RBAC_POLICY, create=True, allow_bulk=True)
    for item in items:
        authorize_create(req, RBAC_POLICY, item)
    rows = svc(req).rbac.create_many(caller(req), items)
    return render_created(req, RBAC_POLICY, rows, bulk)


def update_policy(req: ApiRequest) -> Reply:
    return update_resource(req, RBAC_POLICY, req.params["rbac_policy_id"])


def delete_policy(req: ApiRequest) -> Reply:
    return delete_resource(req, RBAC_POLICY, req.params["rbac_policy_id"])
