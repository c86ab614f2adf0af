"""Networks, subnets, ports and subnet pools (the core resources)."""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.network import resources as r
from pocketstack.services.network import views
from pocketstack.services.network.api.common import (
    Spec,
    caller,
    can_set_project,
    create_resource,
    delete_resource,
    list_resources,
    network_target,
    prepare,
    render_created,
    show_resource,
    svc,
    update_resource,
)
from pocketstack.services.network.errors import http, not_found
from pocketstack.services.network.validators import subnet_list

NETWORK = Spec(r.NETWORK, "networks", views.network)
SUBNET = Spec(r.SUBNET, "subnets", views.subnet, network_target)
PORT = Spec(r.PORT, "ports", views.port, network_target)
SUBNETPOOL = Spec(r.SUBNETPOOL, "subnetpools", views.subnetpool)


# -- networks -----------------------------------------------------------------------------


def list_networks(req: ApiRequest) -> Reply:
    return list_resources(req, NETWORK)


def show_network(req: ApiRequest) -> Reply:
    return show_resource(req, NETWORK, req.params["network_id"])


def create_network(req: ApiRequest) -> Reply:
    return create_resource(req, NETWORK, allow_bulk=True)


def update_network(req: ApiRequest) -> Reply:
    return update_resource(req, NETWORK, req.params["network_id"])


def delete_network(req: ApiRequest) -> Reply:
    return delete_resource(req, NETWORK, req.params["network_id"])


# -- subnets and ports: their network decides -----------------------------------------------


def _parent_target(req: ApiRequest, item: dict[str, Any]) -> dict[str, Any]:
    """The create target of a subnet/port: the request plus its network's owner and sharing;
    a project that neither owns nor shares the network is told it does not exist."""
    net = svc(req).networks.brief(item["network_id"], caller(req))
    return {
        **item,
        "network:project_id": net["project_id"],
        "network:tenant_id": net["project_id"],
        "shared": bool(net["shared"]),
    }


def _create_on_network(req: ApiRequest, spec: Spec) -> tuple[list[dict[str, Any]], bool]:
    items, bulk = prepare(req, spec, create=True, allow_bulk=True)
    access = svc(req).access
    for item in items:
        target = _parent_target(req, item)
        access.enforce(req.ctx, f"create_{spec.name}", target, spec.resource, explicit=item)
        if not can_set_project(req) and not target["shared"] and target["network:project_id"] != item["project_id"]:
            raise not_found()
    return items, bulk


def list_subnets(req: ApiRequest) -> Reply:
    return list_resources(req, SUBNET)


def show_subnet(req: ApiRequest) -> Reply:
    return show_resource(req, SUBNET, req.params["subnet_id"])


def create_subnet(req: ApiRequest) -> Reply:
    items, bulk = _create_on_network(req, SUBNET)
    return render_created(req, SUBNET, svc(req).subnets.create_many(caller(req), items), bulk)


def update_subnet(req: ApiRequest) -> Reply:
    return update_resource(req, SUBNET, req.params["subnet_id"])


def delete_subnet(req: ApiRequest) -> Reply:
    return delete_resource(req, SUBNET, req.params["subnet_id"])


def list_ports(req: ApiRequest) -> Reply:
    return list_resources(req, PORT)


def show_port(req: ApiRequest) -> Reply:
    return show_resource(req, PORT, req.params["port_id"])


def create_port(req: ApiRequest) -> Reply:
    items, bulk = _create_on_network(req, PORT)
    return render_created(req, PORT, svc(req).ports.create_many(caller(req), items), bulk)


def update_port(req: ApiRequest) -> Reply:
    return update_resource(req, PORT, req.params["port_id"])


def delete_port(req: ApiRequest) -> Reply:
    return delete_resource(req, PORT, req.params["port_id"])


# -- subnet pools ------------------------------------------------------------------------------


def list_subnetpools(req: ApiRequest) -> Reply:
    return list_resources(req, SUBNETPOOL)


def show_subnetpool(req: ApiRequest) -> Reply:
    return show_resource(req, SUBNETPOOL, req.params["subnetpool_id"])


def create_subnetpool(req: ApiRequest) -> Reply:
    return create_resource(req, SUBNETPOOL, allow_bulk=True)


def update_subnetpool(req: ApiRequest) -> Reply:
    return update_resource(req, SUBNETPOOL, req.params["subnetpool_id"])


def delete_subnetpool(req: ApiRequest) -> Reply:
    return delete_resource(req, SUBNETPOOL, req.params["subnetpool_id"])


def change_prefixes(req: ApiRequest, add: bool) -> Reply:
    """``PUT /subnetpools/{id}/add_prefixes|remove_prefixes`` (subnetpool-prefix-ops)."""
    pool_id = req.params["subnetpool_id"]
    body = req.body if isinstance(req.body, dict) else {}
    prefixes = body.get("prefixes")
    reason = subnet_list(prefixes) if prefixes is not None else "'prefixes' is required"
    if reason:
        raise http(400, f"Invalid input for prefixes. Reason: {reason}.")
    s = svc(req)
    row = s.subnetpools.get(caller(req), pool_id)
    action = "add_prefixes" if add else "remove_prefixes"
    s.access.enforce(req.ctx, action, views.subnetpool(row), show_action="get_subnetpool")
    result = s.subnetpools.change_prefixes(caller(req), pool_id, list(prefixes or []), add=add)
    return Reply(200, {"prefixes": result["prefixes"]})


def add_prefixes(req: ApiRequest) -> Reply:
    return change_prefixes(req, add=True)


def remove_prefixes(req: ApiRequest) -> Reply:
    return change_prefixes(req, add=False)
