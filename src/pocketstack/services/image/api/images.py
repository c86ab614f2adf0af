"""``/v2/images``: create, list, show, update, delete, deactivate/reactivate, tags."""

from __future__ import annotations

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.core.errors import ApiError, PayloadTooLarge
from pocketstack.services.image import errors, listing, requests, updates, views
from pocketstack.services.image.api.common import svc
from pocketstack.services.image.data import IMPORT_METHODS


def create_image(req: ApiRequest) -> Reply:
    new = requests.parse_create(req.body)
    view, _image = svc(req).create(req.ctx, new)
    return Reply(
        201,
        view,
        headers={
            "Location": f"{req.service_url}/v2/images/{view['id']}",
            "OpenStack-image-import-methods": ",".join(IMPORT_METHODS),
        },
    )


def list_images(req: ApiRequest) -> Reply:
    s = svc(req)
    q = listing.parse(req.query, s.config.limit_param_default, s.config.api_limit_max)
    req.authorize("get_images", {"project_id": req.ctx.project_id})
    items, next_marker = s.list_images(req.ctx, q)
    return Reply(200, views.images_page(items, req.query, next_marker))


def get_image(req: ApiRequest) -> Reply:
    return Reply(200, svc(req).show(req.ctx, req.params["image_id"]))


async def update_image(req: ApiRequest) -> Reply:
    content_type = req.header("content-type")
    limit = req.cloud.settings.max_request_body_size
    raw = await req.stream.read(limit + 1) if req.stream is not None else b""
    if len(raw) > limit:
        raise PayloadTooLarge("Request Entity Too Large")
    changes = requests.parse_patch(content_type, raw)
    return Reply(200, updates.update(svc(req), req.ctx, req.params["image_id"], changes))


def delete_image(req: ApiRequest) -> Reply:
    svc(req).delete(req.ctx, req.params["image_id"])
    return Reply(204)


def deactivate(req: ApiRequest) -> Reply:
    svc(req).deactivate(req.ctx, req.params["image_id"])
    return Reply(204)


def reactivate(req: ApiRequest) -> Reply:
    svc(req).reactivate(req.ctx, req.params["image_id"])
    return Reply(204)


def add_tag(req: ApiRequest) -> Reply:
    tag = req.params["tag_value"]
    requests.check_schema({"tags": [tag]})
    svc(req).add_tag(req.ctx, req.params["image_id"], tag)
    return Reply(204)


def delete_tag(req: ApiRequest) -> Reply:
    svc(req).delete_tag(req.ctx, req.params["image_id"], req.params["tag_value"])
    return Reply(204)


def image_tasks(req: ApiRequest) -> Reply:
    """The import tasks of an image (pocketstack runs imports at once and keeps none)."""
    try:
        svc(req).show(req.ctx, req.params["image_id"])
    except ApiError as exc:
        if exc.status in (403, 404):
            raise errors.not_found() from None
        raise
    return Reply(200, {"tasks": []})
