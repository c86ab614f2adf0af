"""Build the cloud and its ASGI application."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from pocketstack import migrations
from pocketstack.core.asgi import build_asgi
from pocketstack.core.cloud import Cloud
from pocketstack.services import builders
from pocketstack.settings import Settings

log = logging.getLogger("pocketstack")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def create_cloud(settings: Settings) -> Cloud:
    """Open the database (migrating it to the newest schema) and build every service."""
    settings.data_path.mkdir(parents=True, exist_ok=True)
    cloud = Cloud(settings)
    migrations.upgrade(cloud.db.engine)
    for build in builders():
        cloud.register(build(cloud))
    return cloud


def bootstrap(cloud: Cloud) -> None:
    """Run each service's bootstrap, in service order (identity first)."""
    for api in cloud.apis.values():
        if api.bootstrap is not None:
            api.bootstrap()


class Application:
    """The ASGI app: Falcon for HTTP, plus a lifespan that runs background work."""

    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self.http = build_asgi(cloud)
        self._tasks: list[asyncio.Task[None]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        else:
            await self.http(scope, receive, send)  # type: ignore[arg-type]

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                for api in self.cloud.apis.values():
                    if api.background is not None:
                        self._tasks.append(asyncio.create_task(api.background(), name=f"{api.name}-background"))
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                for task in self._tasks:
                    task.cancel()
                for task in self._tasks:
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task
                self.cloud.db.dispose()
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_app(cloud: Cloud) -> Application:
    return Application(cloud)
