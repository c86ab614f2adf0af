"""``/v2.0/address-scopes``."""

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

ADDRESS_SCOPE = Spec(r.ADDRESS_SCOPE, "address_scopes", views.address_scope)


def list_scopes(req: ApiRequest) -> Reply:
    return list_resources(req, ADDRESS_SCOPE)


def show_scope(req: ApiRequest) -> Reply:
    return show_resource(req, ADDRESS_SCOPE, req.params["address_scope_id"])


def create_scope(req: ApiRequest) -> Reply:
    items, bulk = prepare(req, ADDRESS_SCOPE, create=True, allow_bulk=True)
    for item in items:
        authorize_create(req, ADDRESS_SCOPE, item)
    rows = svc(req).address_scopes.create_many(caller(req), items)
    return render_created(req, ADDRESS_SCOPE, rows, bulk)


def update_scope(req: ApiRequest) -> Reply:
    return update_resource(req, ADDRESS_SCOPE, req.params["address_scope_id"])


def delete_scope(req: ApiRequest) -> Reply:
    return delete_resource(req, ADDRESS_SCOPE, req.params["address_scope_id"])
