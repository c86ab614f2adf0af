"""``/v2.0/segments``: the L2 segments of networks (admin only)."""

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

SEGMENT = Spec(r.SEGMENT, "segments", views.segment)


def list_segments(req: ApiRequest) -> Reply:
    return list_resources(req, SEGMENT)


def show_segment(req: ApiRequest) -> Reply:
    return show_resource(req, SEGMENT, req.params["segment_id"])


def create_segment(req: ApiRequest) -> Reply:
    items, bulk = prepare(req, SEGMENT, create=True, allow_bulk=True)
    for item in items:
        authorize_create(req, SEGMENT, item)
    rows = svc(req).segments.create_many(caller(req), items)
    return render_created(req, SEGMENT, rows, bulk)


def update_segment(req: ApiRequest) -> Reply:
    return update_resource(req, SEGMENT, req.params["segment_id"])


def delete_segment(req: ApiRequest) -> Reply:
    return delete_resource(req, SEGMENT, req.params["segment_id"])
