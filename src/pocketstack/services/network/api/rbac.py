"""``/v2.0/rbac-policies``: sharing networks, security groups, subnet pools, address
scopes and QoS policies with other projects."""

from __future__ import annotations

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.network import resources as r
from pocketstack.services.network import views
from pocketstack.services.network.api.common import (
    Spec,
    create_resource,
    delete_resource,
    list_resources,
    show_resource,
    update_resource,
)

RBAC_POLICY = Spec(r.RBAC_POLICY, "rbac", views.rbac_policy, paginated=False)


def list_policies(req: ApiRequest) -> Reply:
    return list_resources(req, RBAC_POLICY)


def show_policy(req: ApiRequest) -> Reply:
    return show_resource(req, RBAC_POLICY, req.params["rbac_policy_id"])


def create_policy(req: ApiRequest) -> Reply:
    return create_resource(req, RBAC_POLICY, allow_bulk=True)


def update_policy(req: ApiRequest) -> Reply:
    return update_resource(req, RBAC_POLICY, req.params["rbac_policy_id"])


def delete_policy(req: ApiRequest) -> Reply:
    return delete_resource(req, RBAC_POLICY, req.params["rbac_policy_id"])
