"""Image members: sharing an image with other projects, which accept or reject it.

Only ``shared`` images have members.  The owner adds and removes members; a member
sets its own status.  Non-admin callers see the memberships of images they own and
their own membership of others' images.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core.context import RequestContext
from pocketstack.core.errors import ApiError, Forbidden, NotFound
from pocketstack.core.timeutils import utcnow
from pocketstack.services.image import errors, repo, views
from pocketstack.services.image import models as m
from pocketstack.services.image.repo import Image
from pocketstack.services.image.service import ImageService

STATUSES = ("pending", "accepted", "rejected")


class Members:
    def __init__(self, svc: ImageService) -> None:
        self.svc = svc
        self.db = svc.db
        self.access = svc.access

    def _image(self, conn: Connection, ctx: RequestContext, image_id: str) -> Image:
        return self.svc.find(conn, ctx, image_id, f"Image {image_id} not found.")

    def _enforce(self, rule: str, ctx: RequestContext, image: Image) -> None:
        self.access.enforce("get_image", ctx, image)
        self.access.enforce(rule, ctx, image)

    @staticmethod
    def _shared(image: Image) -> None:
        if image["visibility"] != "shared":
            raise Forbidden("Only shared images have members.")

    def _rows(self, conn: Connection, ctx: RequestContext, image: Image, member: str | None = None) -> list[dict]:
        stmt = sa.select(m.members).where(m.members.c.image_id == image.id)
        if member is not None:
            stmt = stmt.where(m.members.c.member == member)
        if not self.access.is_admin(ctx) and image["owner"] != ctx.project_id:
            stmt = stmt.where(m.members.c.member == ctx.project_id)
        return [dict(r._mapping) for r in conn.execute(stmt.order_by(m.members.c.id))]

    def _lookup(self, conn: Connection, ctx: RequestContext, image: Image, member_id: str) -> dict[str, Any]:
        self._enforce("get_member", ctx, image)
        rows = self._rows(conn, ctx, image, member_id)
        if not rows:
            raise NotFound(f"{member_id} not found in the member list of the image {image.id}.")
        return rows[0]

    # -- operations --------------------------------------------------------------------------

    def create(self, ctx: RequestContext, image_id: str, member_id: str) -> dict[str, Any]:
        with self.db.write() as conn:
            image = self._image(conn, ctx, image_id)
            try:
                self._shared(image)
            except Forbidden:
                raise errors.forbidden(f"Not allowed to create members for image {image_id}.") from None
            self._enforce("add_member", ctx, image)
            if repo.member_row(conn, image_id, member_id) is not None:
                raise errors.conflict(f"Member {member_id} is duplicated for image {image_id}")
            count = conn.execute(
                sa.select(sa.func.count()).select_from(m.members).where(m.members.c.image_id == image_id)
            ).scalar_one()
            limit = self.svc.config.member_quota
            if 0 <= limit < count + 1:
                raise errors.too_large(
                    f"Image member limit exceeded for image {image_id}: The limit has been exceeded on the number "
                    f"of allowed image members for this image. Attempted: {count + 1}, Maximum: {limit}:"
                )
            now = utcnow()
            conn.execute(
                m.members.insert().values(
                    image_id=image_id, member=member_id, status="pending", created_at=now, updated_at=now
                )
            )
            row = repo.member_row(conn, image_id, member_id)
        assert row is not None
        return views.member(row)

    def update(self, ctx: RequestContext, image_id: str, member_id: str, status: Any) -> dict[str, Any]:
        with self.db.write() as conn:
            image = self._image(conn, ctx, image_id)
            try:
                self._shared(image)
            except Forbidden:
                raise errors.forbidden(f"Not allowed to update members for image {image_id}.") from None
            row = self._lookup(conn, ctx, image, member_id)
            self._enforce("modify_member", ctx, image)
            if status not in STATUSES:
                raise errors.bad_request('Incorrect request: Status must be "pending", "accepted" or "rejected".')
            now = utcnow()
            conn.execute(m.members.update().where(m.members.c.id == row["id"]).values(status=status, updated_at=now))
            row = {**row, "status": status, "updated_at": now}
        return views.member(row)

    def list(self, ctx: RequestContext, image_id: str) -> dict[str, Any]:
        with self.db.read() as conn:
            image = self._image(conn, ctx, image_id)
            try:
                self._shared(image)
            except Forbidden as exc:
                raise errors.forbidden(f"Not allowed to list members for image {image_id}: {exc.message}") from None
            self._enforce("get_members", ctx, image)
            rows = self._rows(conn, ctx, image)
        if not self.access.check("get_member", ctx, image):
            rows = []
        return views.members(rows)

    def show(self, ctx: RequestContext, image_id: str, member_id: str) -> dict[str, Any]:
        with self.db.read() as conn:
            image = self._image(conn, ctx, image_id)
            try:
                self._shared(image)
                row = self._lookup(conn, ctx, image, member_id)
            except NotFound:
                raise
            except ApiError as exc:
                if exc.status != 403:
                    raise
                message = exc.message
                if exc.kind == "PolicyNotAuthorized":
                    message = f"You are not authorized to complete {getattr(exc, 'rule', '')} action."
                raise errors.not_found(message) from None
        return views.member(row)

    def delete(self, ctx: RequestContext, image_id: str, member_id: str) -> None:
        with self.db.write() as conn:
            image = self._image(conn, ctx, image_id)
            try:
                self._shared(image)
            except Forbidden:
                raise errors.forbidden(f"Not allowed to delete members for image {image_id}.") from None
            row = self._lookup(conn, ctx, image, member_id)
            self._enforce("delete_member", ctx, image)
            conn.execute(m.members.delete().where(m.members.c.id == row["id"]))
