"""Routers (with their interface and extra-route actions) and floating IPs."""

from __future__ import annotations

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.network import resources as r
from pocketstack.services.network import views
from pocketstack.services.network.api.common import (
    Spec,
    caller,
    create_resource,
    delete_resource,
    list_resources,
    render_one,
    show_resource,
    svc,
    update_resource,
)
from pocketstack.services.network.errors import http
from pocketstack.services.network.validators import hostroutes

ROUTER = Spec(r.ROUTER, "routers", views.router)
FLOATINGIP = Spec(r.FLOATINGIP, "floatingips", views.floatingip)


def list_routers(req: ApiRequest) -> Reply:
    return list_resources(req, ROUTER)


def show_router(req: ApiRequest) -> Reply:
    return show_resource(req, ROUTER, req.params["router_id"])


def create_router(req: ApiRequest) -> Reply:
    return create_resource(req, ROUTER)


def update_router(req: ApiRequest) -> Reply:
    return update_resource(req, ROUTER, req.params["router_id"])


def delete_router(req: ApiRequest) -> Reply:
    return delete_resource(req, ROUTER, req.params["router_id"])


def _authorize_action(req: ApiRequest, action: str) -> None:
    s = svc(req)
    row = s.routers.get(caller(req), req.params["router_id"])
    s.access.enforce(req.ctx, action, views.router(row), show_action="get_router")


def add_router_interface(req: ApiRequest) -> Reply:
    s = svc(req)
    s.routers.validate_interface_info(req.body)
    _authorize_action(req, "add_router_interface")
    return Reply(200, s.routers.add_interface(caller(req), req.params["router_id"], req.body))


def remove_router_interface(req: ApiRequest) -> Reply:
    s = svc(req)
    s.routers.validate_interface_info(req.body, removal=True)
    _authorize_action(req, "remove_router_interface")
    return Reply(200, s.routers.remove_interface(caller(req), req.params["router_id"], req.body))


def _routes_body(req: ApiRequest) -> list[dict[str, str]]:
    body = req.body if isinstance(req.body, dict) else {}
    router = body.get("router")
    if not isinstance(router, dict) or "routes" not in router:
        raise http(400, "Unable to find 'router' in request body")
    unknown = [k for k in router if k != "routes"]
    if unknown:
        raise http(400, "Unrecognized attribute(s) '{}'".format(", ".join(unknown)))
    reason = hostroutes(router["routes"])
    if reason:
        raise http(400, f"Invalid input for routes. Reason: {reason}.")
    return list(router["routes"])


def add_extraroutes(req: ApiRequest) -> Reply:
    routes = _routes_body(req)
    _authorize_action(req, "add_extraroutes")
    row = svc(req).routers.change_routes(caller(req), req.params["router_id"], routes, add=True)
    return render_one(req, ROUTER, row)


def remove_extraroutes(req: ApiRequest) -> Reply:
    routes = _routes_body(req)
    _authorize_action(req, "remove_extraroutes")
    row = svc(req).routers.change_routes(caller(req), req.params["router_id"], routes, add=False)
    return render_one(req, ROUTER, row)


# -- floating IPs ---------------------------------------------------------------------------------


def list_floatingips(req: ApiRequest) -> Reply:
    return list_resources(req, FLOATINGIP)


def show_floatingip(req: ApiRequest) -> Reply:
    return show_resource(req, FLOATINGIP, req.params["floatingip_id"])


def create_floatingip(req: ApiRequest) -> Reply:
    return create_resource(req, FLOATINGIP)


def update_floatingip(req: ApiRequest) -> Reply:
    return update_resource(req, FLOATINGIP, req.params["floatingip_id"])


def delete_floatingip(req: ApiRequest) -> Reply:
    return delete_resource(req, FLOATINGIP, req.params["floatingip_id"])
