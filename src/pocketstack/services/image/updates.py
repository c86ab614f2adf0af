"""``PATCH /v2/images/{image_id}``: applying JSON-patch changes as Glance's controller does."""

from __future__ import annotations

import copy
from typing import Any

from pocketstack.core.context import RequestContext
from pocketstack.core.errors import BadRequest
from pocketstack.services.image import errors, repo
from pocketstack.services.image.repo import Image
from pocketstack.services.image.requests import Change
from pocketstack.services.image.service import ImageService, check_ints

# attributes of Glance's image object a patch may set (the read-only ones are refused earlier)
SETTABLE = ("name", "visibility", "protected", "os_hidden", "min_disk", "min_ram", "owner", "disk_format",
            "container_format", "tags")  # fmt: skip


def _set_base(image: Image, key: str, value: Any) -> None:
    if key in ("disk_format", "container_format") and image["status"] not in ("queued", "importing"):
        raise errors.forbidden(f"Attribute {key} can be only replaced for a queued image.")
    if key in ("min_disk", "min_ram") and value and value < 0:
        raise BadRequest(f"Invalid value '{value}' for parameter '{key}': Cannot be a negative value")
    if key == "tags":
        image.tags = list(dict.fromkeys(value))
    else:
        image.row[key] = value


class Patcher:
    def __init__(self, svc: ImageService, ctx: RequestContext) -> None:
        self.svc = svc
        self.ctx = ctx
        self.access = svc.access
        self.is_admin = svc.access.is_admin(ctx)

    def _update_property(self, image: Image, key: str, value: Any = None) -> None:
        if key == "visibility":
            self.access.enforce_visibility(self.ctx, value, self.access.target(self.ctx, image))
        self.access.enforce("modify_image", self.ctx, image)

    def apply(self, image: Image, change: Change) -> None:
        root = change.path[0]
        if root == "locations":
            self._locations(image, change)
        elif change.op == "remove":
            self._update_property(image, root)
            if root in SETTABLE:
                raise errors.forbidden(f"Property {root} may not be removed.")
            if root not in image.props:
                raise errors.conflict(f"Property {root} does not exist.")
            del image.props[root]
        else:
            if root == "owner" and not self.is_admin:
                raise errors.forbidden("Owner can't be updated by non admin.")
            self._update_property(image, root, change.value)
            exists = root in SETTABLE or root in image.props
            if change.op == "add" and change.draft == 4 and exists:
                raise errors.conflict(f"Property {root} already present.")
            if root in SETTABLE:
                _set_base(image, root, change.value)
            elif change.op == "replace" and root not in image.props:
                raise errors.conflict(f"Property {root} does not exist.")
            else:
                image.props[root] = change.value

    def _locations(self, image: Image, change: Change) -> None:
        if change.op == "replace" and not change.value:
            raise errors.forbidden("Cannot set locations to empty list.")
        if change.op == "remove":
            self.access.enforce("delete_image_location", self.ctx, image)
            raise errors.forbidden("It's not allowed to remove locations if locations are invisible.")
        self.access.enforce("set_image_location", self.ctx, image)
        verb = "update" if change.op == "replace" else "add"
        raise errors.forbidden(f"It's not allowed to {verb} locations if locations are invisible.")


def update(svc: ImageService, ctx: RequestContext, image_id: str, changes: list[Change]) -> dict[str, Any]:
    with svc.db.write() as conn:
        before = svc.find(conn, ctx, image_id)
        if not changes:
            return svc.view(before)
        after = copy.deepcopy(before)
        patcher = Patcher(svc, ctx)
        for change in changes:
            patcher.apply(after, change)
        if set(after.props) - set(before.props):
            svc.check_property_quota(after.props)
        message = svc.tag_quota_message(after.tags)
        if message:
            raise errors.too_large(message)
        check_ints(after.row)
        repo.save(conn, before, after)
        saved = repo.load(conn, image_id)
    assert saved is not None
    return svc.view(saved)
