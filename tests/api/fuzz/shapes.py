"""Each service's error body, as its ``errors.render_error`` writes it (and upstream sends).

A 401 comes from keystonemiddleware before any service sees the request, so it is in
Keystone's shape everywhere.  :func:`problem` says what is wrong with an error response,
or returns None when it is in its service's shape.
"""

from __future__ import annotations

import json
from typing import Any

import httpx


def _keystone(body: Any, status: int) -> str | None:
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict) or set(body) != {"error"}:
        return "not Keystone's {'error': {...}}"
    if err.get("code") != status or not isinstance(err.get("title"), str) or not isinstance(err.get("message"), str):
        return "Keystone error without code/title/message"
    return None


def _fault(body: Any, status: int) -> str | None:
    """Nova's and Cinder's ``{"<faultName>": {"code", "message"}}``."""
    if not isinstance(body, dict) or len(body) != 1:
        return "not a one-key fault object"
    (inner,) = body.values()
    if not isinstance(inner, dict) or inner.get("code") != status or not isinstance(inner.get("message"), str):
        return "fault without code/message"
    return None


def _neutron(body: Any, status: int) -> str | None:
    err = body.get("NeutronError") if isinstance(body, dict) else None
    if not isinstance(err, dict) or set(body) != {"NeutronError"}:
        return "not {'NeutronError': {...}}"
    if set(err) != {"type", "message", "detail"} or not isinstance(err["type"], str) or not err["type"]:
        return "NeutronError without type/message/detail"
    if not isinstance(err["message"], str):
        return "NeutronError message is not a string"
    return None


def _glance_json(body: Any, status: int) -> str | None:
    if not isinstance(body, dict) or set(body) != {"message", "code", "title"}:
        return "not Glance's {'message', 'code', 'title'}"
    if not str(body["code"]).startswith(str(status)):
        return "Glance error code does not match the status"
    return None


_JSON_SHAPES = {"identity": _keystone, "compute": _fault, "volume": _fault, "network": _neutron}


def problem(service: str, resp: httpx.Response, method: str) -> str | None:
    """None if ``resp`` (a 4xx) is an error in ``service``'s shape, else what is wrong."""
    if method == "HEAD" or resp.status_code < 400:
        return None
    ctype = resp.headers.get("content-type", "")
    status = resp.status_code
    if service == "image" and status != 401:
        if ctype.startswith("application/json"):
            return _glance_json(_json(resp), status)
        if ctype.startswith(("text/html", "text/plain")):
            return None if str(status) in resp.text[:200] else "Glance error page without its status"
        return f"Glance error with content type {ctype!r}"
    if not ctype.startswith("application/json"):
        return f"error with content type {ctype!r}"
    body = _json(resp)
    if status == 401:
        return _keystone(body, status)
    return _JSON_SHAPES[service](body, status)


def _json(resp: httpx.Response) -> Any:
    try:
        return resp.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
