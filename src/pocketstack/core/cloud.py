"""The cloud: settings, database and the services, wired together.

Services reach each other through ``cloud.service("network")`` — direct Python calls
into the other service's logic, never HTTP.  Nothing here holds state that another
process could not rebuild from the database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from pocketstack.core.db import Database

if TYPE_CHECKING:
    from pocketstack.core.api import ServiceApi
    from pocketstack.core.context import RequestContext
    from pocketstack.settings import Settings


class TokenValidator(Protocol):
    def validate(self, token: str) -> RequestContext:
        """The caller behind ``token``; raises ``Unauthorized`` if it is not valid now."""
        ...


class Cloud:
    def __init__(self, settings: Settings, db: Database | None = None) -> None:
        self.settings = settings
        self.db = db or Database(settings.db_url)
        self.apis: dict[str, ServiceApi] = {}
        self.tokens: TokenValidator | None = None
        self._base_url = settings.public_url.rstrip("/") if settings.public_url else None

    @property
    def base_url(self) -> str:
        """Where clients reach this cloud (``http://host:port``)."""
        if self._base_url is None:
            return f"http://{self.settings.host}:{self.settings.port}"
        return self._base_url

    def bind(self, host: str, port: int) -> None:
        """Record the address actually bound (when no public URL was configured)."""
        if self.settings.public_url:
            return
        if host in ("0.0.0.0", "::", ""):
            import socket

            host = socket.gethostname()
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        self._base_url = f"http://{host}:{port}"

    def register(self, api: ServiceApi) -> None:
        self.apis[api.name] = api

    def service(self, name: str) -> Any:
        return self.apis[name].service

    def has(self, name: str) -> bool:
        return name in self.apis
