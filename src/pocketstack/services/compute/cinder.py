"""Calls into the block-storage API the way Nova's cinderclient makes them.

Nova's os-volumes/os-snapshots proxies talk to Cinder's v3 REST API with the caller's
token at microversion 3.0.  Here the same requests are dispatched in process to the
volume service's own route handlers (schema validation, policy and views included), so
what the proxy shows is exactly what the block-storage API answers.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

from pocketstack.core.api import NO_BODY, ApiRequest, Reply, Route
from pocketstack.core.errors import NotFound
from pocketstack.core.validation import Versioned, validate

if TYPE_CHECKING:
    from pocketstack.core.api import ServiceApi

CINDER_VERSION = "3.0"  # what Nova's cinderclient asks for unless a call needs more

_INDEX: dict[int, dict[tuple[str, str], Route]] = {}


def _routes(api: ServiceApi) -> dict[tuple[str, str], Route]:
    index = _INDEX.get(id(api))
    if index is None:
        index = {(r.method, r.path): r for r in api.routes}
        _INDEX[id(api)] = index
    return index


class Cinder:
    """One caller's view of the block-storage API (the project-less ``/v3`` paths)."""

    def __init__(self, req: ApiRequest) -> None:
        if not req.cloud.has("volume"):
            raise NotFound("The resource could not be found.")
        self.req = req
        self.api: ServiceApi = req.cloud.apis["volume"]

    def call(
        self,
        method: str,
        template: str,
        *,
        params: dict[str, str] | None = None,
        query: dict[str, list[str]] | None = None,
        body: Any = None,
    ) -> Any:
        """Answer ``method /v3<template>``; raises the volume service's ApiErrors."""
        route = _routes(self.api).get((method, "/v3" + template))
        if route is None:
            raise LookupError(f"the volume API has no route {method} {template}")
        params = params or {}
        path = "/v3" + template.format(**params)
        sub = ApiRequest(
            api=self.api,
            cloud=self.req.cloud,
            method=method,
            path=self.api.prefix + path,
            params=dict(params),
            query=query or {},
            headers={"openstack-api-version": f"volume {CINDER_VERSION}", "accept": "application/json"},
            base_url=self.req.base_url,
            request_id=self.req.request_id,
        )
        sub._ctx = self.req.ctx
        if self.api.versions is not None and route.microversioned:
            sub.version = self.api.versions.negotiate(sub.headers)
        spec = route.body
        if spec is not None and spec is not NO_BODY:
            sub.body = body
            schema = spec.for_version(sub.version) if isinstance(spec, Versioned) else spec
            if schema is not None:
                (self.api.validate_body or validate)(schema, body)  # type: ignore[arg-type]
        result = route.handler(sub)
        if inspect.isawaitable(result):  # the volume API's handlers are synchronous
            raise TypeError(f"asynchronous volume handler for {method} {template}")
        reply: Reply = result
        return reply.body
