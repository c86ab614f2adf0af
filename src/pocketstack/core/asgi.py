"""The ASGI application: Falcon routing plus one dispatch path for every service.

Per request: request id → route → token → application-credential access rules →
microversion → body (size, JSON, schema) → handler → reply, and any error rendered in
the owning service's format.  One access-log line per request.
"""

from __future__ import annotations

import fnmatch
import inspect
import json
import logging
import re
import time
import traceback
from collections import defaultdict
from typing import Any
from urllib.parse import parse_qs, quote

import falcon
import falcon.asgi
import orjson

from pocketstack.core import ids
from pocketstack.core.api import NO_BODY, RAW_BODY, ApiRequest, Reply, Route, ServiceApi
from pocketstack.core.cloud import Cloud
from pocketstack.core.context import RequestContext
from pocketstack.core.errors import (
    ApiError,
    BadRequest,
    Forbidden,
    InternalError,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
)
from pocketstack.core.validation import Versioned, validate

log = logging.getLogger("pocketstack.access")
errlog = logging.getLogger("pocketstack.errors")

# Every method Falcon routes (WebDAV's and TRACE/CONNECT too), so that one a path lacks is
# the service's own 405/404 rather than Falcon's; WebSocket has responders of its own shape.
METHODS = tuple(m for m in falcon.constants.COMBINED_METHODS if m != "WEBSOCKET")


def dumps(body: Any) -> bytes:
    try:
        return orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        # orjson stops at 64-bit integers; JSON itself doesn't (an echoed 1e308 taken as an int)
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False, default=str).encode()


_HEADER_SAFE = "".join(chr(c) for c in range(0x20, 0x7F))


def header_value(value: str) -> str:
    """A header value HTTP can carry: what isn't printable ASCII (a ``Location`` naming a
    unicode tag, a NUL) is percent-encoded as UTF-8, as a URI would carry it."""
    return value if value.isascii() and value.isprintable() else quote(value, safe=_HEADER_SAFE)


class Dispatcher:
    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud

    # -- entry points ------------------------------------------------------------

    async def handle(
        self,
        api: ServiceApi,
        routes: dict[str, Route] | None,
        req: falcon.asgi.Request,
        resp: falcon.asgi.Response,
        params: dict[str, str],
    ) -> None:
        started = time.perf_counter()
        request_id = ids.request_id()
        areq = ApiRequest(
            api=api,
            cloud=self.cloud,
            method=req.method,
            path=req.path,
            params=params,
            query=parse_qs(req.query_string, keep_blank_values=True),
            headers=req.headers,
            base_url=self.cloud.base_url,
            request_id=request_id,
        )
        areq.raw_path = req.scope.get("path") or req.path
        extra_headers: dict[str, str] = {}
        try:
            if routes is None:
                raise NotFound("The resource could not be found.")
            route = routes.get(req.method)
            head_only = False
            if route is None and req.method == "HEAD" and api.auto_head:
                route, head_only = routes.get("GET"), True
            if route is None:
                raise MethodNotAllowed(
                    f"The method {req.method} is not allowed for this resource.",
                    headers={"Allow": ", ".join(sorted(routes))},
                )
            areq.params = {_field_names(route.path).get(k, k): v for k, v in params.items()}
            reply = await self._run(api, route, areq, req, extra_headers)
            self._send(resp, areq, reply, extra_headers, head_only or req.method == "HEAD")
        except ApiError as exc:
            self._send_error(api, areq, resp, exc, extra_headers)
        except Exception as exc:  # a bug: log it, answer 500 in the service's shape
            errlog.error("%s %s %s failed:\n%s", request_id, req.method, req.path, traceback.format_exc())
            self._send_error(
                api,
                areq,
                resp,
                InternalError("An unexpected error prevented the server from fulfilling your request."),
                extra_headers,
            )
            del exc
        elapsed = (time.perf_counter() - started) * 1000
        log.info(
            "%s %s %s %s %.1fms",
            request_id,
            req.method,
            req.relative_uri,
            resp.status,
            elapsed,
        )

    # -- steps -------------------------------------------------------------------

    async def _run(
        self,
        api: ServiceApi,
        route: Route,
        areq: ApiRequest,
        req: falcon.asgi.Request,
        extra_headers: dict[str, str],
    ) -> Reply:
        token = req.get_header("X-Auth-Token")
        if token:
            areq._ctx = self._authenticate(token)
        if route.auth:
            if areq._ctx is None:
                raise Unauthorized("The request you have made requires authentication.")
            self._check_access_rules(api, areq._ctx, req)
        if api.versions is not None and route.microversioned:
            areq.version = api.versions.negotiate(areq.headers)
            extra_headers.update(api.versions.response_headers(areq.version))
        if route.query is not None:
            validate(route.query, {k: v[-1] for k, v in areq.query.items()})
        await self._read_body(api, route, areq, req)
        result = route.handler(areq)
        if inspect.isawaitable(result):
            result = await result
        if not isinstance(result, Reply):
            result = Reply(route.status, result)
        return result

    def _authenticate(self, token: str) -> RequestContext:
        if self.cloud.tokens is None:
            raise Unauthorized("The request you have made requires authentication.")
        return self.cloud.tokens.validate(token)

    def _check_access_rules(self, api: ServiceApi, ctx: RequestContext, req: falcon.asgi.Request) -> None:
        """Application credentials with access rules may call only what the rules list."""
        if ctx.access_rules is None:
            return
        path = req.path[len(api.prefix) :] or "/"
        for rule in ctx.access_rules:
            if (
                rule.service == api.service_type
                and rule.method.upper() == req.method
                and fnmatch.fnmatchcase(path, rule.path)
            ):
                return
        raise Forbidden(
            "You are not authorized to perform the requested action: "
            "the application credential's access rules do not allow this request."
        )

    async def _read_body(self, api: ServiceApi, route: Route, areq: ApiRequest, req: falcon.asgi.Request) -> None:
        spec = route.body
        if spec is RAW_BODY:
            areq.stream = req.stream
            return
        if spec is None or spec is NO_BODY:
            return
        limit = api.max_body or self.cloud.settings.max_request_body_size
        length = req.content_length
        if length is not None and length > limit:
            raise PayloadTooLarge("Request Entity Too Large")
        raw = await req.stream.read(limit + 1)
        if len(raw) > limit:
            raise PayloadTooLarge("Request Entity Too Large")
        if raw.strip():
            try:
                areq.body = orjson.loads(raw)
            except orjson.JSONDecodeError:
                raise BadRequest("Malformed request body", kind="MalformedRequestBody") from None
        schema = spec.for_version(areq.version) if isinstance(spec, Versioned) else spec
        if schema is not None:
            (api.validate_body or validate)(schema, areq.body)  # type: ignore[arg-type]

    # -- replies -------------------------------------------------------------------

    def _common_headers(self, api: ServiceApi, areq: ApiRequest, resp: falcon.asgi.Response) -> None:
        for name in api.request_id_headers:
            resp.set_header(name, areq.request_id)

    def _send(
        self,
        resp: falcon.asgi.Response,
        areq: ApiRequest,
        reply: Reply,
        extra_headers: dict[str, str],
        head: bool,
    ) -> None:
        resp.status = reply.status
        self._common_headers(areq.api, areq, resp)
        for k, v in extra_headers.items():
            resp.set_header(k, v)
        for k, v in reply.headers.items():
            resp.set_header(k, header_value(v))
        if reply.stream is not None:
            resp.content_type = reply.content_type or "application/octet-stream"
            if reply.content_length is not None:
                resp.content_length = reply.content_length
            if not head:
                resp.stream = reply.stream
            return
        body = reply.body
        if body is None:
            data = b""
            if reply.content_type:
                resp.content_type = reply.content_type
        elif isinstance(body, bytes):
            data = body
            resp.content_type = reply.content_type or "application/octet-stream"
        elif isinstance(body, str):
            data = body.encode()
            resp.content_type = reply.content_type or "text/plain; charset=UTF-8"
        else:
            data = dumps(body)
            resp.content_type = reply.content_type or "application/json"
        if head:
            resp.content_length = len(data)
        else:
            resp.data = data

    def _send_error(
        self,
        api: ServiceApi,
        areq: ApiRequest,
        resp: falcon.asgi.Response,
        exc: ApiError,
        extra_headers: dict[str, str],
    ) -> None:
        rendered = api.render_error(exc, areq)
        resp.status = rendered.status
        self._common_headers(api, areq, resp)
        for k, v in extra_headers.items():
            resp.set_header(k, v)
        for k, v in {**exc.headers, **rendered.headers}.items():
            resp.set_header(k, header_value(v))
        if rendered.status == 401 and not resp.get_header("WWW-Authenticate"):
            resp.set_header("WWW-Authenticate", f'Keystone uri="{self.cloud.base_url}/v3"')
        resp.content_type = rendered.content_type
        body = rendered.body
        data = body if isinstance(body, bytes) else (body.encode() if isinstance(body, str) else dumps(body))
        if areq.method == "HEAD":
            resp.content_length = len(data)
        else:
            resp.data = data


_FIELD = re.compile(r"\{([^}]+)\}")


def canonical(path: str) -> str:
    """A template with its fields named by position (``/roles/{p2}/implies/{p4}``).

    Falcon requires one field name per position across routes; upstream APIs use
    different names at the same position (``/roles/{role_id}`` and
    ``/roles/{prior_role_id}/implies``), so routes keep upstream names and Falcon
    sees positional ones.
    """
    parts = path.split("/")
    return "/".join(_FIELD.sub(f"{{p{i}}}", part) if "{" in part else part for i, part in enumerate(parts))


_names_cache: dict[str, dict[str, str]] = {}


def _field_names(path: str) -> dict[str, str]:
    names = _names_cache.get(path)
    if names is None:
        names = {}
        for i, part in enumerate(path.split("/")):
            match = _FIELD.fullmatch(part)
            if match:
                names[f"p{i}"] = match.group(1)
        _names_cache[path] = names
    return names


def _responder(dispatcher: Dispatcher, api: ServiceApi, routes: dict[str, Route] | None) -> Any:
    async def responder(req: falcon.asgi.Request, resp: falcon.asgi.Response, **params: str) -> None:
        await dispatcher.handle(api, routes, req, resp, params)

    return responder


class _Resource:
    """All methods of one path template; Falcon sees ``on_<method>`` responders."""

    def __init__(self, dispatcher: Dispatcher, api: ServiceApi, routes: dict[str, Route]) -> None:
        responder = _responder(dispatcher, api, routes)
        for method in METHODS:
            setattr(self, f"on_{method.lower()}", responder)


def build_asgi(cloud: Cloud) -> falcon.asgi.App:
    app = falcon.asgi.App()
    app.req_options.strip_url_path_trailing_slash = True
    app.resp_options.secure_cookies_by_default = False
    dispatcher = Dispatcher(cloud)
    # Falcon tries the most recently added sink first: add the shortest prefix first.
    for api in sorted(cloud.apis.values(), key=lambda a: len(a.prefix)):
        by_path: dict[str, dict[str, Route]] = defaultdict(dict)
        for route in api.routes:
            key = canonical(route.path)
            if route.method in by_path[key]:
                raise ValueError(f"{api.name}: duplicate route {route.method} {route.path}")
            by_path[key][route.method] = route
        for path, routes in by_path.items():
            full = (api.prefix + path).rstrip("/") or "/"
            app.add_route(full, _Resource(dispatcher, api, routes))
        fallback = _responder(dispatcher, api, None)
        app.add_sink(fallback, prefix=rf"^{api.prefix}(/|$)" if api.prefix else r"^/")
    return app
