"""``/v2/images/{image_id}/file``, ``/stage`` and ``/import``: image data in and out."""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.image import errors
from pocketstack.services.image.api.common import svc
from pocketstack.services.image.data import IMPORT_METHODS, announced_size, check_octet_stream


def _size(req: ApiRequest) -> int | None:
    return announced_size(req.header("x-openstack-image-size"), req.header("content-length"))


async def upload(req: ApiRequest) -> Reply:
    check_octet_stream(req.header("content-type"))
    size = _size(req)
    await svc(req).data.upload(req.ctx, req.params["image_id"], req.stream, size)
    return Reply(204)


async def stage(req: ApiRequest) -> Reply:
    check_octet_stream(req.header("content-type"))
    size = _size(req)
    await svc(req).data.stage(req.ctx, req.params["image_id"], req.stream, size)
    return Reply(204)


def download(req: ApiRequest) -> Reply:
    got = svc(req).data.download(req.ctx, req.params["image_id"], req.header("range"))
    if got.stream is None:
        return Reply(got.status)
    return Reply(
        got.status,
        headers=got.headers,
        content_type="application/octet-stream",
        stream=got.stream,
        content_length=got.length,
    )


def _import_body(body: Any) -> str:
    if body is None:
        raise errors.bad_request("Body expected in request.")
    if not isinstance(body, dict) or "method" not in body:
        raise errors.bad_request("Import request requires a 'method' field.")
    method = body["method"]
    if not isinstance(method, dict) or "name" not in method:
        raise errors.bad_request("Import request requires a 'name' field.")
    name = method["name"]
    if name not in IMPORT_METHODS:
        raise errors.bad_request(f"Unknown import method name '{name}'.")
    if not isinstance(body.get("all_stores_must_succeed", True), bool):
        raise errors.bad_request("'all_stores_must_succeed' must be boolean value only")
    if not isinstance(body.get("all_stores", False), bool):
        raise errors.bad_request("'all_stores' must be boolean value only")
    if body.get("all_stores_must_succeed", True) is False:
        raise errors.bad_request(f"All_stores_must_succeed can only be set with enabled_backends {method.get('uri')}")
    return str(name)


async def import_image(req: ApiRequest) -> Reply:
    method = _import_body(req.body)
    if method == "web-download":
        svc(req).data.web.start(req.ctx, req.params["image_id"], req.body["method"].get("uri"))
    else:
        svc(req).data.import_image(req.ctx, req.params["image_id"], method)
    return Reply(202)
