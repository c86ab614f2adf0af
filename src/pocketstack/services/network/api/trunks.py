"""``/v2.0/trunks``: trunks and their subports."""

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
    select,
    show_resource,
    svc,
    update_resource,
)
from pocketstack.services.network.attributes import fields_param

TRUNK = Spec(r.TRUNK, "trunks", views.trunk)


def list_trunks(req: ApiRequest) -> Reply:
    return list_resources(req, TRUNK)


def show_trunk(req: ApiRequest) -> Reply:
    return show_resource(req, TRUNK, req.params["trunk_id"])


def create_trunk(req: ApiRequest) -> Reply:
    return create_resource(req, TRUNK)


def update_trunk(req: ApiRequest) -> Reply:
    return update_resource(req, TRUNK, req.params["trunk_id"])


def delete_trunk(req: ApiRequest) -> Reply:
    return delete_resource(req, TRUNK, req.params["trunk_id"])


def _authorize_action(req: ApiRequest, action: str) -> None:
    s = svc(req)
    row = s.trunks.get(caller(req), req.params["trunk_id"])
    s.access.enforce(req.ctx, action, views.trunk(row), show_action="get_trunk")


def add_subports(req: ApiRequest) -> Reply:
    _authorize_action(req, "add_subports")
    row = svc(req).trunks.add_subports(caller(req), req.params["trunk_id"], req.body)
    return render_one(req, TRUNK, row)


def remove_subports(req: ApiRequest) -> Reply:
    _authorize_action(req, "remove_subports")
    row = svc(req).trunks.remove_subports(caller(req), req.params["trunk_id"], req.body)
    return render_one(req, TRUNK, row)


def get_subports(req: ApiRequest) -> Reply:
    s = svc(req)
    row = s.trunks.get(caller(req), req.params["trunk_id"])
    s.access.enforce(req.ctx, "get_subports", views.trunk(row), show_action="get_trunk")
    subs = [views.subport(x) for x in row["sub_ports"]]
    return Reply(200, {"sub_ports": [select(x, set(), fields_param(req.query)) for x in subs]})
