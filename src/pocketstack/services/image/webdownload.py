"""The ``web-download`` import method: the image's data is fetched from a URL.

As in Glance, the import call answers 202 and the download runs afterwards (here as a
task of the server process); the image is ``importing`` meanwhile and ends ``active``,
or back in ``queued`` when anything fails.  A crash mid-download is recovered on the
next start (``ImageData.recover``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pocketstack.core.context import RequestContext
from pocketstack.services.image import errors, formats, repo
from pocketstack.services.image.service import check_formats_set, check_transition

if TYPE_CHECKING:
    import httpx

    from pocketstack.services.image.data import ImageData

log = logging.getLogger("pocketstack.image")
ALLOWED_SCHEMES = ("http", "https")


def check_uri(uri: object, allowed_ports: str) -> str:
    """Glance's import filtering (allowed schemes and ports); a 400 when the URI fails it."""
    ports = {int(p) for p in allowed_ports.replace(" ", "").split(",") if p}
    ok = isinstance(uri, str) and bool(uri)
    if ok:
        assert isinstance(uri, str)
        try:
            parts = urlsplit(uri)
            port = parts.port
        except ValueError:
            ok = False
        else:
            ok = parts.scheme in ALLOWED_SCHEMES and bool(parts.hostname) and not (port and ports and port not in ports)
    if not ok:
        raise errors.bad_request(f"URI for web-download does not pass filtering: {uri}")
    return str(uri)


class _Body:
    """An httpx response body read like a request stream."""

    def __init__(self, response: httpx.Response) -> None:
        self._chunks = response.aiter_bytes()

    async def read(self, size: int = -1) -> bytes:
        try:
            return await self._chunks.__anext__()
        except StopAsyncIteration:
            return b""


class WebDownload:
    def __init__(self, data: ImageData) -> None:
        self.data = data
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, ctx: RequestContext, image_id: str, uri: object) -> None:
        svc = self.data.svc
        with svc.db.write() as conn:
            image = svc.find(conn, ctx, image_id)
            if image["status"] == "active":
                raise errors.conflict("Image with status active cannot be target for import")
            if image["status"] != "queued":
                raise errors.conflict("Image needs to be in 'queued' state to use 'web-download' method")
            svc.access.enforce("modify_image", ctx, image)
            url = check_uri(uri, svc.config.web_download_allowed_ports)
            check_transition(image["status"], "importing")
            repo.update(conn, image_id, status="importing")
        task = asyncio.get_running_loop().create_task(self._run(image_id, url), name=f"web-download-{image_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, image_id: str, url: str) -> None:
        data, got = self.data, None
        try:
            with data.svc.db.read() as conn:
                row = repo.get_row(conn, image_id)
            if row is None:
                return
            check_formats_set(row)
            import httpx  # only the first download pays for it, not every start-up

            async with (
                httpx.AsyncClient(follow_redirects=True, timeout=60) as client,
                client.stream("GET", url) as response,
            ):
                response.raise_for_status()
                got = await data.store.receive(
                    _Body(response), limit=data.svc.config.max_image_size, expected=None, image_id=image_id
                )
            virtual_size = formats.check(bytes(got.head), got.size, row["disk_format"], row["container_format"])
            data.finish(image_id, got, virtual_size, "importing")
        except Exception as exc:  # any failure: the image goes back to queued
            log.info("web-download of image %s from %s failed: %s", image_id, url, exc)
            data.restore(image_id, "importing")
        finally:
            if got is not None and got.path.exists():
                data.store.discard(got.path)
