"""``/v2.0/segments``: the L2 segments of networks (admin only)."""

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

SEGMENT = Spec(r.SEGMENT, "segments", views.segment)


def list_segments(req: ApiRequest) -> Reply:
    return list_resources(req, SEGMENT)


def show_segment(req: ApiRequest) -> Reply:
    return show_resource(req, SEGMENT, req.params["segment_id"])


def create_segment(req: ApiRequest) -> Reply:
    return create_resource(req, SEGMENT, allow_bulk=True)


def update_segment(req: ApiRequest) -> Reply:
    return update_resource(req, SEGMENT, req.params["segment_id"])


def delete_segment(req: ApiRequest) -> Reply:
    return delete_resource(req, SEGMENT, req.params["segment_id"])
