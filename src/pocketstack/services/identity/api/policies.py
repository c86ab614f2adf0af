"""``/v3/policies``: Keystone's store of policy blobs."""

from __future__ import annotations

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.identity import views
from pocketstack.services.identity.api.common import self_url, svc


def list_policies(req: ApiRequest) -> Reply:
    req.authorize("identity:list_policies")
    items = [views.policy(r, req.base_url) for r in svc(req).policies.list(req.query)]
    return Reply(200, views.collection("policies", items, self_url(req)))


def create_policy(req: ApiRequest) -> Reply:
    req.authorize("identity:create_policy")
    row = svc(req).policies.create(req.body["policy"])
    return Reply(201, {"policy": views.policy(row, req.base_url)})


def get_policy(req: ApiRequest) -> Reply:
    req.authorize("identity:get_policy")
    return Reply(200, {"policy": views.policy(svc(req).policies.get(req.params["policy_id"]), req.base_url)})


def update_policy(req: ApiRequest) -> Reply:
    req.authorize("identity:update_policy")
    row = svc(req).policies.update(req.params["policy_id"], req.body["policy"])
    return Reply(200, {"policy": views.policy(row, req.base_url)})


def delete_policy(req: ApiRequest) -> Reply:
    req.authorize("identity:delete_policy")
    svc(req).policies.delete(req.params["policy_id"])
    return Reply(204)
