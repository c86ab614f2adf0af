"""Image data: upload (``PUT …/file``), staging and import, download (``GET …/file``).

An upload moves the image ``queued`` → ``saving`` in one transaction, streams the body
to a temporary file with no transaction open, then in a second transaction moves the
file into place and makes the image ``active`` — or, on any failure, discards the file
and puts the image back to ``queued``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO

import sqlalchemy as sa

from pocketstack.core.context import RequestContext
from pocketstack.core.errors import ApiError
from pocketstack.services.image import errors, formats, repo
from pocketstack.services.image import models as m
from pocketstack.services.image.service import ImageService, check_formats_set, check_transition
from pocketstack.services.image.store import Incomplete, Reader, Received, TooLarge

log = logging.getLogger("pocketstack.image")
IMPORT_METHODS = ("glance-direct", "web-download")


def check_octet_stream(content_type: str | None) -> None:
    if content_type is None:
        raise errors.unsupported_media("Invalid content type None")
    media = content_type.split(";")[0].strip().lower()
    if media != "application/octet-stream":
        raise errors.unsupported_media(f"Invalid content type {media}")


def announced_size(size_header: str | None, content_length: str | None) -> int | None:
    try:
        if size_header is not None:
            return int(size_header)
        return int(content_length) if content_length else None
    except ValueError:
        raise errors.bad_request("Invalid or missing image size in request headers.") from None


@dataclass
class Download:
    status: int
    stream: AsyncIterator[bytes] | None
    length: int
    headers: dict[str, str]


class ImageData:
    def __init__(self, svc: ImageService) -> None:
        self.svc = svc
        self.db = svc.db
        self.store = svc.store
        self.access = svc.access
        from pocketstack.services.image.webdownload import WebDownload

        self.web = WebDownload(self)

    # -- upload ----------------------------------------------------------------------------

    def _begin(self, ctx: RequestContext, image_id: str, rule: str, source: str, dest: str) -> None:
        with self.db.write() as conn:
            image = self.svc.find(conn, ctx, image_id)
            self.access.enforce(rule, ctx, image)
            check_transition(image["status"], dest)
            if image["status"] != source:
                raise errors.conflict(f"Image status transition from {image['status']} to {dest} is not allowed")
            if dest in ("saving", "importing"):
                check_formats_set(image.row)
            repo.update(conn, image_id, status=dest, size=None, virtual_size=None)

    def restore(self, image_id: str, expected: str) -> None:
        """Back to ``queued`` after a failed upload or stage (if nobody moved it meanwhile)."""
        try:
            with self.db.write() as conn:
                row = repo.get_row(conn, image_id)
                if row is not None and row["status"] == expected:
                    repo.update(conn, image_id, status="queued", size=None, virtual_size=None)
        except Exception:
            log.exception("could not restore image %s to queued", image_id)

    async def _receive(self, stream: Reader | None, expected: int | None, image_id: str) -> Received:
        if stream is None:
            raise errors.bad_request("Body expected in request.")
        limit = self.svc.config.max_image_size
        if expected is not None and expected > limit:
            raise TooLarge()
        return await self.store.receive(stream, limit=limit, expected=expected, image_id=image_id)

    def _inspect(self, image_id: str, got: Received) -> int | None:
        with self.db.read() as conn:
            row = repo.get_row(conn, image_id)
        if row is None:
            return None
        try:
            return formats.check(bytes(got.head), got.size, row["disk_format"], row["container_format"])
        except formats.FormatError as exc:
            if self.svc.config.require_image_format_match:
                raise errors.unsupported_media(str(exc)) from None
            return None

    def finish(self, image_id: str, got: Received, virtual_size: int | None, expected: str) -> None:
        with self.db.write() as conn:
            row = repo.get_row(conn, image_id)
            if row is None or row["status"] != expected:
                raise errors.Gone(
                    f"Image {image_id} could not be found after upload. The image may have been deleted during "
                    "the upload, cleaning up the chunks uploaded."
                )
            self.svc.activate_with(conn, image_id, got, virtual_size)

    async def upload(self, ctx: RequestContext, image_id: str, stream: Reader | None, expected: int | None) -> None:
        self._begin(ctx, image_id, "upload_image", "queued", "saving")
        got: Received | None = None
        done = False
        try:
            got = await self._receive(stream, expected, image_id)
            virtual_size = self._inspect(image_id, got)
            self.finish(image_id, got, virtual_size, "saving")
            done = True
        except TooLarge:
            raise errors.too_large("The incoming image is too large: The provided image is too large.") from None
        except Incomplete:
            raise errors.bad_request("The request body ended before the announced size was received.") from None
        finally:
            if got is not None and got.path.exists():
                self.store.discard(got.path)
            if not done:
                self.restore(image_id, "saving")

    # -- interoperable import: stage, then import ---------------------------------------------

    async def stage(self, ctx: RequestContext, image_id: str, stream: Reader | None, expected: int | None) -> None:
        self._begin(ctx, image_id, "modify_image", "queued", "uploading")
        got: Received | None = None
        done = False
        try:
            if self.store.staged_path(image_id).exists():
                raise errors.conflict(f"The image {image_id} has data on staging")
            got = await self._receive(stream, expected, image_id)
            with self.db.write() as conn:
                row = repo.get_row(conn, image_id)
                if row is None or row["status"] != "uploading":
                    raise errors.not_found(f"No image found with ID {image_id}")
                self.store.stage(got.path, image_id)
                repo.update(conn, image_id, size=got.size)
            done = True
        except TooLarge:
            raise errors.too_large("The incoming image is too large: The provided image is too large.") from None
        except Incomplete:
            raise errors.bad_request("The request body ended before the announced size was received.") from None
        finally:
            if got is not None and got.path.exists():
                self.store.discard(got.path)
            if not done:
                self.store.unstage(image_id)
                self.restore(image_id, "uploading")

    def import_image(self, ctx: RequestContext, image_id: str, method: str) -> None:
        """Run the import at once (Glance runs it as a task and answers 202 first)."""
        with self.db.write() as conn:
            image = self.svc.find(conn, ctx, image_id)
            status = image["status"]
            if status == "active":
                raise errors.conflict("Image with status active cannot be target for import")
            if method == "glance-direct" and status != "uploading":
                raise errors.conflict("Image needs to be staged before 'glance-direct' method can be used")
            self.access.enforce("modify_image", ctx, image)
            check_transition(status, "importing")
            repo.update(conn, image_id, status="importing")
        got = None
        try:
            check_formats_set(image.row)  # Glance's task fails on this, after the 202
            got = self.store.take_staged(image_id)
            if got is None:
                raise errors.conflict("No staged data")
            virtual_size = formats.check(bytes(got.head), got.size, image["disk_format"], image["container_format"])
            self.finish(image_id, got, virtual_size, "importing")
            self.store.unstage(image_id)
        except (ApiError, formats.FormatError) as exc:
            log.info("import of image %s failed: %s", image_id, exc)
            if got is not None:
                self.store.discard(got.path)
            self.store.unstage(image_id)
            self.restore(image_id, "importing")

    # -- recovery ---------------------------------------------------------------------------

    def recover(self, stale_after: float = 3600.0) -> int:
        """After a crash: images left ``saving``/``importing`` with nobody writing their data
        for ``stale_after`` seconds go back to ``queued``; stale temporary files go away."""
        cutoff = time.time() - stale_after
        self.store.sweep(cutoff)
        busy = self.store.busy_images(cutoff)
        when = datetime.fromtimestamp(cutoff, UTC).replace(tzinfo=None)
        done = 0
        with self.db.write() as conn:
            rows = conn.execute(
                sa.select(m.images.c.id).where(
                    m.images.c.status.in_(("saving", "importing")),
                    m.images.c.deleted == sa.false(),
                    m.images.c.updated_at < when,
                )
            ).scalars()
            for image_id in [str(r) for r in rows if str(r) not in busy]:
                repo.update(conn, image_id, status="queued", size=None, virtual_size=None)
                done += 1
        return done

    # -- download ------------------------------------------------------------------------------

    def download(self, ctx: RequestContext, image_id: str, range_header: str | None) -> Download:
        with self.db.read() as conn:
            image = self.svc.find(conn, ctx, image_id)
        if image["status"] == "deactivated" and not self.access.is_admin(ctx):
            raise errors.forbidden("The requested image has been deactivated. Image data download is forbidden.")
        self.access.enforce("download_image", ctx, image)
        if image["location"] is None:
            return Download(204, None, 0, {})
        try:
            fh: IO[bytes] = self.store.open(image["location"])
        except FileNotFoundError:
            return Download(204, None, 0, {})
        size = int(image["size"] or 0)
        offset, length, status = 0, size, 200
        headers = {}
        if range_header:
            try:
                offset, length = parse_range(range_header, size)
            except errors.RangeNotSatisfiable:
                fh.close()
                raise
            status = 206
            headers["Content-Range"] = f"bytes {offset}-{offset + length - 1}/{size}"
        if image["checksum"]:
            headers["Content-MD5"] = image["checksum"]
        return Download(status, self.store.iterate(fh, offset, length), length, headers)


def parse_range(header: str, size: int) -> tuple[int, int]:
    """``bytes=a-b``, ``bytes=a-`` or ``bytes=-n`` as (offset, length); else 416."""
    unit, _, spec = header.strip().partition("=")
    if unit.strip().lower() != "bytes" or "," in spec or "-" not in spec:
        raise errors.RangeNotSatisfiable("Requested range not satisfiable")
    first, _, last = spec.strip().partition("-")
    try:
        if first == "":
            suffix = int(last)
            if suffix <= 0:
                raise ValueError
            offset = max(size - suffix, 0)
            end = size - 1
        else:
            offset = int(first)
            end = int(last) if last else size - 1
            end = min(end, size - 1)
    except ValueError:
        raise errors.RangeNotSatisfiable("Requested range not satisfiable") from None
    if offset < 0 or offset >= size or end < offset:
        raise errors.RangeNotSatisfiable("Requested range not satisfiable")
    return offset, end - offset + 1
