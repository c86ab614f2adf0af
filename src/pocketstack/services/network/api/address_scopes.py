"""``/v2.0/address-scopes``."""

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

ADDRESS_SCOPE = Spec(r.ADDRESS_SCOPE, "address_scopes", views.address_scope)


def list_scopes(req: ApiRequest) -> Reply:
    return list_resources(req, ADDRESS_SCOPE)


def show_scope(req: ApiRequest) -> Reply:
    return show_resource(req, ADDRESS_SCOPE, req.params["address_scope_id"])


def create_scope(req: ApiRequest) -> Reply:
    return create_resource(req, ADDRESS_SCOPE, allow_bulk=True)


def update_scope(req: ApiRequest) -> Reply:
    return update_resource(req, ADDRESS_SCOPE, req.params["address_scope_id"])


def delete_scope(req: ApiRequest) -> Reply:
    return delete_resource(req, ADDRESS_SCOPE, req.params["address_scope_id"])
