"""Helpers shared by the identity handlers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from pocketstack.core.api import ApiRequest
from pocketstack.core.errors import NotFound
from pocketstack.services.identity.service import IdentityService

_TRUE = ("true", "1", "y", "yes", "on")


def svc(req: ApiRequest) -> IdentityService:
    return req.svc


def as_bool(value: Any) -> bool:
    """Keystone's boolean spellings ("True", "yes", "1", …) to a bool."""
    if isinstance(value, str):
        return value.strip().lower() in _TRUE
    return bool(value)


def normalize(body: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    out = dict(body)
    for key in keys:
        if key in out and out[key] is not None:
            out[key] = as_bool(out[key])
        elif key in out:
            out.pop(key)
    return out


def load_and_authorize(
    req: ApiRequest,
    rule: str,
    load: Callable[[], dict[str, Any]],
    key: str,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Fetch the target then check ``rule`` against it; a missing target is a 404 only
    for callers the rule would have allowed (others get the 403 they would get anyway)."""
    try:
        row = load()
    except NotFound:
        req.authorize(rule, {"target": dict(extra or {})})
        raise
    req.authorize(rule, {"target": {key: row, **(extra or {})}})
    return row


def self_url(req: ApiRequest) -> str:
    url = req.base_url + req.path
    if req.query:
        url += "?" + urlencode([(k, v) for k, vs in req.query.items() for v in vs])
    return url


def query_filters(req: ApiRequest) -> dict[str, list[str]]:
    return dict(req.query)
