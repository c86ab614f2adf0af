"""``/v2/images/{image_id}/members``: sharing images with other projects."""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.image import errors
from pocketstack.services.image.api.common import svc


def _member_id(body: Any) -> str:
    if body is None:
        raise errors.bad_request("Body expected in request.")
    if not isinstance(body, dict):
        raise errors.bad_request('Expected a member in the form: {"member": "image_id"}')
    if "member" not in body:
        raise errors.bad_request("Member to be added not specified")
    member = body["member"]
    if not member:
        raise errors.bad_request("Member can't be empty")
    if not isinstance(member, str) or len(member) > 255:
        raise errors.bad_request("Provided object does not match schema 'member': member_id must be a string")
    return member


def _status(body: Any) -> Any:
    if body is None:
        raise errors.bad_request("Body expected in request.")
    if not isinstance(body, dict):
        raise errors.bad_request('Expected a status in the form: {"status": "status"}')
    if "status" not in body:
        raise errors.bad_request("Status not specified")
    return body["status"]


def list_members(req: ApiRequest) -> Reply:
    return Reply(200, svc(req).members.list(req.ctx, req.params["image_id"]))


def create_member(req: ApiRequest) -> Reply:
    member_id = _member_id(req.body)
    return Reply(200, svc(req).members.create(req.ctx, req.params["image_id"], member_id))


def get_member(req: ApiRequest) -> Reply:
    return Reply(200, svc(req).members.show(req.ctx, req.params["image_id"], req.params["member_id"]))


def update_member(req: ApiRequest) -> Reply:
    status = _status(req.body)
    return Reply(200, svc(req).members.update(req.ctx, req.params["image_id"], req.params["member_id"], status))


def delete_member(req: ApiRequest) -> Reply:
    svc(req).members.delete(req.ctx, req.params["image_id"], req.params["member_id"])
    return Reply(204)
