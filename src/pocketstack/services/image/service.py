"""The image service's logic, as the handlers and the other services see it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import ids
from pocketstack.core.context import RequestContext
from pocketstack.core.db import Database
from pocketstack.core.errors import ApiError, BadRequest, PolicyDenied
from pocketstack.core.policy import PolicyEngine
from pocketstack.core.timeutils import utcnow
from pocketstack.services.image import errors, formats, listing, repo, views
from pocketstack.services.image import models as m
from pocketstack.services.image.access import Access
from pocketstack.services.image.repo import Image
from pocketstack.services.image.requests import NewImage
from pocketstack.services.image.store import HASH_ALGO, ImageStore, Received
from pocketstack.settings import Settings

MAX_INT = 2**31 - 1
# valid status transitions (Glance's domain model)
TRANSITIONS = {
    "queued": ("saving", "uploading", "importing", "active", "deleted"),
    "saving": ("active", "killed", "deleted", "queued"),
    "uploading": ("importing", "queued", "deleted"),
    "importing": ("active", "deleted", "queued"),
    "active": ("pending_delete", "deleted", "deactivated"),
    "killed": ("deleted",),
    "pending_delete": ("deleted", "active"),
    "deleted": (),
    "deactivated": ("active", "deleted"),
}


def check_transition(current: str, new: str) -> None:
    if new not in TRANSITIONS[current]:
        raise errors.conflict(f"Image status transition from {current} to {new} is not allowed")


def check_formats_set(row: dict[str, Any]) -> None:
    missing = [k for k in ("disk_format", "container_format") if not row.get(k)]
    if len(missing) == 1:
        raise BadRequest(f"Property {missing[0]} must be set prior to saving data.")
    if missing:
        raise BadRequest(f"Properties {', '.join(missing)} must be set prior to saving data.")


def check_ints(row: dict[str, Any]) -> None:
    for key in ("min_disk", "min_ram"):
        value = row.get(key)
        if value and value < 0:
            raise BadRequest(f"Invalid value '{value}' for parameter '{key}': Cannot be a negative value")
    for key in ("min_disk", "min_ram"):
        value = row.get(key)
        if value and value > MAX_INT:
            raise BadRequest(f"'{key}' value out of range, must not exceed {MAX_INT}.")


class ImageService:
    def __init__(self, db: Database, settings: Settings, policy: PolicyEngine) -> None:
        self.db = db
        self.settings = settings
        self.config = settings.image
        self.access = Access(policy)
        self.store = ImageStore(settings.data_path)
        from pocketstack.services.image.data import ImageData
        from pocketstack.services.image.members import Members

        self.data = ImageData(self)
        self.members = Members(self)
        from pocketstack.services.image.metadefs.store import MetadefStore

        self.metadefs = MetadefStore(db, self.access)

    # -- lookups -------------------------------------------------------------------------

    def find(self, conn: Connection, ctx: RequestContext, image_id: str, message: str | None = None) -> Image:
        """The image if the caller can see it (Glance's repo ``get``), else a 404."""
        image = repo.load(conn, image_id)
        if image is None or not self.access.visible(conn, ctx, image.row):
            raise errors.not_found(message) if message else errors.image_not_found(image_id)
        return image

    def view(self, image: Image) -> dict[str, Any]:
        return views.image(image.row, image.props, image.tags)

    def show(self, ctx: RequestContext, image_id: str) -> dict[str, Any]:
        with self.db.read() as conn:
            image = self.find(conn, ctx, image_id)
        self.access.enforce("get_image", ctx, image)
        return self.view(image)

    def list_images(self, ctx: RequestContext, q: listing.ListQuery) -> tuple[list[dict[str, Any]], str | None]:
        """One page of the images the caller may see, and the next marker (None: last page)."""
        is_admin = self.access.is_admin(ctx)
        with self.db.read() as conn:
            marker_row = None
            if q.marker is not None:
                marker_row = repo.get_row(conn, q.marker)
                if marker_row is None:
                    raise errors.bad_request(f"No image found with ID {q.marker}")
                if not self.access.visible(conn, ctx, marker_row):
                    raise errors.forbidden(f"Forbidding request, image {q.marker} not visible")
            rows = listing.page(conn, q, ctx.project_id, is_admin, marker_row) if q.limit else []
            images = repo.load_many(conn, rows)
        shown = self.access.check_many("get_image", ctx, images)
        next_marker = shown[-1].id if shown and len(rows) == q.limit else None
        return [self.view(i) for i in shown], next_marker

    # -- quotas ----------------------------------------------------------------------------

    def check_property_quota(self, props: dict[str, Any]) -> None:
        limit = self.config.property_quota
        attempted = len([k for k in props if not k.startswith("os_glance")])
        if 0 <= limit < attempted:
            raise errors.too_large(
                "The limit has been exceeded on the number of allowed image properties. "
                f"Attempted: {attempted}, Maximum: {limit}"
            )

    def tag_quota_message(self, tags: list[str]) -> str | None:
        limit = self.config.tag_quota
        count = len(set(tags))
        if 0 <= limit < count:
            return (
                f"The limit has been exceeded on the number of allowed image tags. Attempted: {count}, Maximum: {limit}"
            )
        return None

    # -- create ----------------------------------------------------------------------------

    def create(self, ctx: RequestContext, new: NewImage) -> tuple[dict[str, Any], Image]:
        base = dict(new.base)
        owner = base.get("owner", ctx.project_id)
        visibility = base.get("visibility")
        target = self.access.proposed_target(ctx, owner, visibility)
        if not self.access.policy.check("add_image", ctx, target):
            if owner != ctx.project_id:
                raise errors.forbidden(f"You are not permitted to create images owned by '{owner}'")
            raise PolicyDenied("add_image")
        self.access.enforce_visibility(ctx, target["visibility"], target)
        now = utcnow()
        row = {
            "id": base.get("id") or ids.uuid_id(),
            "name": base.get("name"),
            "disk_format": base.get("disk_format"),
            "container_format": base.get("container_format"),
            "size": None,
            "virtual_size": None,
            "status": "queued",
            "visibility": visibility or "shared",
            "checksum": None,
            "os_hash_algo": None,
            "os_hash_value": None,
            "min_disk": base.get("min_disk", 0),
            "min_ram": base.get("min_ram", 0),
            "owner": owner,
            "protected": bool(base.get("protected", False)),
            "os_hidden": bool(base.get("os_hidden", False)),
            "created_at": now,
            "updated_at": now,
            "deleted_at": None,
            "deleted": False,
            "location": None,
            "revision": 0,
        }
        check_ints(row)
        message = self.tag_quota_message(new.tags)
        if message:
            raise errors.too_large(message)
        self.check_property_quota(new.extra)
        with self.db.write() as conn:
            if repo.get_row(conn, row["id"], include_deleted=True) is not None:
                raise errors.conflict(f"Image ID {row['id']} already exists!")
            repo.insert(conn, row, new.extra, new.tags)
        image = Image(row, dict(sorted(new.extra.items())), sorted(set(new.tags)))
        return self.view(image), image

    # -- delete ----------------------------------------------------------------------------

    def delete(self, ctx: RequestContext, image_id: str) -> None:
        with self.db.write() as conn:
            image = self.find(conn, ctx, image_id, f"Failed to find image {image_id} to delete")
            self.access.enforce("delete_image", ctx, image)
            if image["protected"]:
                raise errors.forbidden(f"Image {image_id} is protected and cannot be deleted.")
            check_transition(image["status"], "deleted")
            now = utcnow()
            repo.update(conn, image_id, status="deleted", deleted=True, deleted_at=now, updated_at=now)
            conn.execute(m.members.delete().where(m.members.c.image_id == image_id))
            location = image["location"]
        self.store.delete(location)
        self.store.unstage(image_id)

    # -- actions ---------------------------------------------------------------------------

    def deactivate(self, ctx: RequestContext, image_id: str) -> None:
        self._toggle(ctx, image_id, "deactivate", "active", "deactivated")

    def reactivate(self, ctx: RequestContext, image_id: str) -> None:
        self._toggle(ctx, image_id, "reactivate", "deactivated", "active")

    def _toggle(self, ctx: RequestContext, image_id: str, rule: str, source: str, dest: str) -> None:
        with self.db.write() as conn:
            image = self.find(conn, ctx, image_id)
            self.access.enforce(rule, ctx, image)
            status = image["status"]
            if status == dest:
                return
            if status != source:
                raise errors.forbidden(f"Not allowed to {rule} image in status '{status}'")
            repo.update(conn, image_id, status=dest)

    # -- tags ----------------------------------------------------------------------------------

    def add_tag(self, ctx: RequestContext, image_id: str, tag: str) -> None:
        with self.db.write() as conn:
            image = self.find(conn, ctx, image_id, f"Image {image_id} not found.")
            self.access.enforce("modify_image", ctx, image)
            if tag in image.tags:
                repo.update(conn, image_id)
                return
            message = self.tag_quota_message([*image.tags, tag])
            if message:
                raise errors.too_large(f"Image tag limit exceeded for image {image_id}: {message}:")
            conn.execute(m.tags.insert().values(image_id=image_id, value=tag))
            repo.update(conn, image_id)

    def delete_tag(self, ctx: RequestContext, image_id: str, tag: str) -> None:
        with self.db.write() as conn:
            image = self.find(conn, ctx, image_id, f"Image {image_id} not found.")
            self.access.enforce("modify_image", ctx, image)
            if tag not in image.tags:
                raise errors.not_found()
            conn.execute(m.tags.delete().where(m.tags.c.image_id == image_id, m.tags.c.value == tag))
            repo.update(conn, image_id)

    # -- data bookkeeping shared by uploads, imports and internal creates ---------------------

    def activate_with(self, conn: Connection, image_id: str, got: Received, virtual_size: int | None) -> None:
        """Move received data into place and make the image active (inside a write txn)."""
        self.store.commit(got.path, image_id)
        repo.update(
            conn,
            image_id,
            status="active",
            size=got.size,
            virtual_size=virtual_size,
            checksum=got.checksum,
            os_hash_algo=HASH_ALGO,
            os_hash_value=got.hash_value,
            location=image_id,
        )

    # -- for the other services (DEVELOPERS.md "Cross-service contracts") -----------------------

    def get_image(self, ctx: RequestContext, image_id: str) -> dict[str, Any]:
        return views.contract_image(self.show(ctx, image_id))

    def create_image(
        self,
        ctx: RequestContext,
        *,
        name: str | None,
        container_format: str = "bare",
        disk_format: str = "qcow2",
        properties: dict[str, Any] | None = None,
        visibility: str = "private",
        data: bytes | None = None,
        source_image_id: str | None = None,
        min_disk: int = 0,
        min_ram: int = 0,
        image_id: str | None = None,
        queued: bool = False,
    ) -> dict[str, Any]:
        """Register an image and give it data at once (snapshots, upload-to-image): active.
        With ``queued`` it stays ``queued`` without data (a server snapshot Nova has yet to
        upload): ``begin_upload`` then ``upload_image`` finish it."""
        props = {k: (v if v is None or isinstance(v, str) else str(v)) for k, v in (properties or {}).items()}
        base = {
            "name": name,
            "container_format": container_format,
            "disk_format": disk_format,
            "visibility": visibility,
            "min_disk": min_disk,
            "min_ram": min_ram,
        }
        if image_id is not None:
            base["id"] = image_id
        from pocketstack.services.image.requests import check_schema

        check_schema({**{k: v for k, v in base.items() if v is not None}, **props})
        _, image = self.create(ctx, NewImage(base, props, []))
        if queued:
            return self.get_image(ctx, image.id)
        try:
            self._fill(ctx, image.id, disk_format, data, source_image_id, min_disk, ("queued",))
        except ApiError:
            self._forget(image.id)
            raise
        return self.get_image(ctx, image.id)

    def begin_upload(self, image_id: str) -> None:
        """``queued`` → ``saving``: the snapshot's data is on its way (404 if the image is gone)."""
        with self.db.write() as conn:
            row = repo.get_row(conn, image_id)
            if row is None:
                raise errors.image_not_found(image_id)
            if row["status"] == "queued":
                repo.update(conn, image_id, status="saving", size=None, virtual_size=None)

    def upload_image(
        self,
        ctx: RequestContext,
        image_id: str,
        *,
        data: bytes | None = None,
        source_image_id: str | None = None,
        min_disk: int = 0,
    ) -> dict[str, Any]:
        """Give a ``queued``/``saving`` image its data (copied from ``source_image_id``, or
        ``data``, as ``create_image``) and make it ``active``; 404 when it was deleted meanwhile."""
        with self.db.read() as conn:
            row = repo.get_row(conn, image_id)
        if row is None or row["status"] not in ("queued", "saving"):
            raise errors.image_not_found(image_id)
        self._fill(ctx, image_id, row["disk_format"], data, source_image_id, min_disk, ("queued", "saving"))
        return self.get_image(ctx, image_id)

    def _fill(
        self,
        ctx: RequestContext,
        image_id: str,
        disk_format: str | None,
        data: bytes | None,
        source_image_id: str | None,
        min_disk: int,
        statuses: tuple[str, ...],
    ) -> None:
        source = self._readable_source(ctx, source_image_id) if source_image_id else None
        if source is not None:
            got = self.store.copy(source["location"])
        elif source_image_id is not None and data is None:
            # a snapshot whose base image is gone (or unreadable): the simulated disk
            disk = formats.tiny_qcow2((min_disk or 1) << 30) if disk_format == "qcow2" else b""
            got = self.store.write_bytes(disk)
        else:
            got = self.store.write_bytes(data or b"")
        try:
            virtual_size = formats.virtual_size_of(bytes(got.head), got.size, disk_format or "raw")
            with self.db.write() as conn:
                row = repo.get_row(conn, image_id)
                if row is None or row["status"] not in statuses:
                    raise errors.image_not_found(image_id)
                self.activate_with(conn, image_id, got, virtual_size)
        finally:
            if got.path.exists():
                self.store.discard(got.path)

    def _readable_source(self, ctx: RequestContext, image_id: str) -> Image | None:
        with self.db.read() as conn:
            source = repo.load(conn, image_id)
            if source is None or not self.access.visible(conn, ctx, source.row):
                return None
        if source["location"] is None or not self.access.check("download_image", ctx, source):
            return None
        return source

    def delete_image(self, ctx: RequestContext, image_id: str) -> None:
        self.delete(ctx, image_id)

    def _forget(self, image_id: str) -> None:
        with self.db.write() as conn:
            conn.execute(m.images.delete().where(m.images.c.id == image_id))
        self.store.delete(image_id)

    # -- bootstrap ------------------------------------------------------------------------------

    def image_id_by_name(self, name: str) -> str | None:
        with self.db.read() as conn:
            found = conn.execute(
                sa.select(m.images.c.id).where(m.images.c.name == name, m.images.c.deleted == sa.false())
            ).first()
        return str(found[0]) if found else None
