"""The pieces every service's API is made of: routes, requests, replies.

A service's ``routes.py`` is one explicit table of :class:`Route`; each route names
its handler and declares its request body schema (per microversion range where the
service has microversions), or says it takes no body.  A handler does four things:
validate (already done from the route's schema by the time it runs), check policy
(``req.authorize``), call the service, and return a view wrapped in a :class:`Reply`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from pocketstack.core.context import RequestContext
from pocketstack.core.errors import ApiError, BadRequest, Unauthorized
from pocketstack.core.microversion import APIVersion, VersionRange
from pocketstack.core.validation import Schema, Versioned

if TYPE_CHECKING:
    from pocketstack.core.cloud import Cloud
    from pocketstack.core.policy import PolicyEngine


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


NO_BODY = _Marker("NO_BODY")  # the route reads no request body
RAW_BODY = _Marker("RAW_BODY")  # the handler streams the body itself (image upload)

BodySpec = Schema | Versioned | _Marker


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # dict/list → JSON; bytes/str → sent as is; None → empty
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    stream: AsyncIterator[bytes] | None = None
    content_length: int | None = None


Handler = Callable[["ApiRequest"], "Reply | Awaitable[Reply]"]


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # relative to the service prefix, Falcon template syntax: /v3/users/{user_id}
    handler: Handler
    # A schema (or Versioned schemas), NO_BODY or RAW_BODY.  Left None, the route reads no
    # body; tests/unit/test_routes.py requires every POST/PUT/PATCH route to declare one.
    body: BodySpec | None = None
    query: Schema | None = None
    auth: bool = True  # False: no token needed (discovery, POST /v3/auth/tokens)
    microversioned: bool = True  # False: outside version negotiation (discovery documents)
    status: int = 200


class BodyReader(Protocol):
    async def read(self, size: int = -1) -> bytes: ...


@dataclass
class ErrorReply:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


ErrorRenderer = Callable[[ApiError, "ApiRequest | None"], ErrorReply]


@dataclass
class ServiceApi:
    """What a service hands to the application."""

    name: str  # "identity", "compute", "network", "volume", "image"
    service_type: str  # the catalog type access rules name: identity, compute, network, …
    prefix: str  # "" for identity, "/compute", "/networking", "/volume", "/image"
    routes: list[Route]
    render_error: ErrorRenderer
    policy: PolicyEngine
    service: Any  # the service's logic object
    versions: VersionRange | None = None
    request_id_headers: tuple[str, ...] = ("x-openstack-request-id",)
    max_body: int | None = None  # default: settings.max_request_body_size
    auto_head: bool = False  # answer HEAD with the GET handler (Keystone does)
    # Create what this service needs to exist (idempotent); runs once the address is bound.
    bootstrap: Callable[[], None] | None = None
    # Background work for the life of the server (simulated drivers); cancelled on stop.
    background: Callable[[], Coroutine[Any, Any, None]] | None = None
    # Validates request bodies against route schemas (default: core.validation.validate);
    # a service whose upstream validator differs (Nova's string numbers) brings its own.
    validate_body: Callable[[Schema, Any], None] | None = None


class ApiRequest:
    """What a handler sees of the HTTP request."""

    __slots__ = (
        "_ctx",
        "api",
        "base_url",
        "body",
        "cloud",
        "headers",
        "method",
        "params",
        "path",
        "query",
        "raw_path",
        "request_id",
        "stream",
        "version",
    )

    def __init__(
        self,
        *,
        api: ServiceApi,
        cloud: Cloud,
        method: str,
        path: str,
        params: dict[str, str],
        query: dict[str, list[str]],
        headers: Mapping[str, str],
        base_url: str,
        request_id: str,
    ) -> None:
        self.api = api
        self.cloud = cloud
        self.method = method
        self.path = path
        # as the client sent it: ``path`` has its trailing slash stripped for routing
        self.raw_path = path
        self.params = params
        self.query = query
        self.headers = headers
        self.base_url = base_url
        self.request_id = request_id
        self.body: Any = None
        self.stream: BodyReader | None = None
        self.version: APIVersion | None = None
        self._ctx: RequestContext | None = None

    # -- identity of the caller ----------------------------------------------

    @property
    def ctx(self) -> RequestContext:
        if self._ctx is None:
            raise Unauthorized("The request you have made requires authentication.")
        return self._ctx

    @property
    def ctx_or_none(self) -> RequestContext | None:
        return self._ctx

    def authorize(self, rule: str, target: Mapping[str, Any] | None = None) -> None:
        """Raise 403 unless policy allows ``rule``; the path parameters join the target
        (as in Keystone, where rules may name ``%(user_id)s`` from the URL)."""
        self.api.policy.authorize(rule, self.ctx, {**self.params, **(target or {})})

    def allowed(self, rule: str, target: Mapping[str, Any] | None = None) -> bool:
        return self.api.policy.check(rule, self.ctx, {**self.params, **(target or {})})

    # -- conveniences ----------------------------------------------------------

    @property
    def svc(self) -> Any:
        return self.api.service

    @property
    def service_url(self) -> str:
        """Base URL of this service (``http://host:port/compute``)."""
        return self.base_url + self.api.prefix

    def q(self, name: str, default: str | None = None) -> str | None:
        """A single query parameter (the last one when repeated)."""
        values = self.query.get(name)
        return values[-1] if values else default

    def q_list(self, name: str) -> list[str]:
        return self.query.get(name, [])

    def q_bool(self, name: str, default: bool | None = None) -> bool | None:
        raw = self.q(name)
        if raw is None:
            return default
        lowered = raw.strip().lower()
        if lowered in ("1", "true", "t", "yes", "y", "on", ""):
            return True
        if lowered in ("0", "false", "f", "no", "n", "off"):
            return False
        raise BadRequest(f"Invalid value for {name}: {raw!r} is not a boolean", field=name)

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)
