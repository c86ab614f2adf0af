"""Helpers shared by the compute handlers: policy targets, links, paging, actions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from pocketstack.core.api import ApiRequest
from pocketstack.core.errors import BadRequest, NotFound
from pocketstack.services.compute.validation import Schema, validate_query

if TYPE_CHECKING:
    from pocketstack.services.compute.service import ComputeService

MAX_LIMIT = 1000  # Nova's [api] max_limit


def svc(req: ApiRequest) -> ComputeService:
    svc_: ComputeService = req.svc
    return svc_


def authorize(req: ApiRequest, rule: str, target: Mapping[str, Any] | None = None) -> None:
    """``context.can(rule, target)``: Nova's default target is the caller's own project/user."""
    if target is None:
        target = {"project_id": req.ctx.project_id, "user_id": req.ctx.user_id}
    req.api.policy.authorize(rule, req.ctx, target)


def can(req: ApiRequest, rule: str, target: Mapping[str, Any] | None = None) -> bool:
    if target is None:
        target = {"project_id": req.ctx.project_id, "user_id": req.ctx.user_id}
    return req.api.policy.check(rule, req.ctx, target)


def is_admin(req: ApiRequest) -> bool:
    """Nova's ``context.is_admin``: the caller passes ``context_is_admin``."""
    return req.api.policy.check("context_is_admin", req.ctx, {})


def v(req: ApiRequest, version: str) -> bool:
    """Whether the negotiated microversion is at least ``version``."""
    return req.version is not None and req.version >= version


def require_version(req: ApiRequest, minimum: str, maximum: str | None = None) -> None:
    """Routes that exist only in some microversions answer 404 outside them, as Nova."""
    if req.version is None or req.version < minimum or (maximum is not None and req.version > maximum):
        raise NotFound("The resource could not be found.", kind="VersionNotFoundForAPIMethod")


def query(req: ApiRequest, schema: Schema | None) -> None:
    if schema is not None:
        validate_query(schema, req.query)


# -- links ---------------------------------------------------------------------------


def version_url(req: ApiRequest) -> str:
    return f"{req.service_url}/v2.1"


def self_link(req: ApiRequest, collection: str, ident: str) -> str:
    return f"{version_url(req)}/{collection}/{ident}"


def bookmark_link(req: ApiRequest, collection: str, ident: str) -> str:
    return f"{req.service_url}/{collection}/{ident}"


def links(req: ApiRequest, collection: str, ident: str) -> list[dict[str, str]]:
    return [
        {"rel": "self", "href": self_link(req, collection, ident)},
        {"rel": "bookmark", "href": bookmark_link(req, collection, ident)},
    ]


def next_links(
    req: ApiRequest, collection: str, items: list[Any], limit: int | None, marker: str
) -> list[dict[str, str]]:
    """Nova's ``<collection>_links``: a next link when the page came back full."""
    max_items = min(limit if limit is not None else MAX_LIMIT, MAX_LIMIT)
    if not max_items or max_items != len(items):
        return []
    params = sorted((k, vs[-1]) for k, vs in req.query.items() if k != "marker")
    params.append(("marker", marker))
    params.sort()
    return [{"rel": "next", "href": f"{version_url(req)}/{collection}?{urlencode(params)}"}]


# -- paging parameters ------------------------------------------------------------------


def limit_and_marker(req: ApiRequest) -> tuple[int, str | None]:
    """Nova's get_limit_and_marker: limit defaults to and is capped at max_limit."""
    limit = MAX_LIMIT
    raw = req.q("limit")
    if raw is not None:
        from pocketstack.services.compute.flavors import validate_integer

        limit = min(validate_integer(raw, "limit", 0), MAX_LIMIT)
    return limit, req.q("marker")


# -- action bodies ------------------------------------------------------------------------


def action_name(body: Any) -> str:
    """Nova's action_peek: the body is an object with exactly one key, the action."""
    if not isinstance(body, dict) or len(body) != 1:
        raise BadRequest("Malformed request body", kind="MalformedRequestBody")
    return next(iter(body))


def link_query(req: ApiRequest) -> str:
    return urlencode([(k, v) for k, vs in req.query.items() for v in vs])
