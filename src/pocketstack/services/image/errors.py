"""Glance's errors, rendered the way Glance's WSGI stack renders them.

Glance raises WebOb HTTP exceptions, so its error bodies depend on the request's
``Accept`` header: HTML when ``text/html`` (or ``*/*``) is acceptable first, a small
JSON object ``{"message", "code", "title"}`` for ``application/json``, plain text
otherwise.  The message is WebOb's body template: the explanation, ``<br /><br />``,
then the detail.  A 401 comes from keystonemiddleware instead, in Keystone's JSON shape.
"""

from __future__ import annotations

import html
import re
from http import HTTPStatus
from typing import Any

import orjson

from pocketstack.core.api import ApiRequest, ErrorReply
from pocketstack.core.errors import (
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    PolicyDenied,
    UnsupportedMediaType,
)

DEFAULT_EXPLANATIONS = {
    400: "The server could not comply with the request since it is either malformed or otherwise incorrect.",
    403: "Access was denied to this resource.",
    404: "The resource could not be found.",
    409: "There was a conflict when trying to complete your request.",
    410: "This resource is no longer available.  No forwarding address is given.",
    413: "The request is larger than the server is willing or able to process.",
    416: "The Range requested is not available.",
    500: "The server has either erred or is incapable of performing the requested operation.",
    501: "The server has not implemented the request method.",
    503: "The server is currently unavailable. Please try again at a later time.",
}
_TITLES = {413: "Request Entity Too Large", 416: "Requested Range Not Satisfiable"}
PATCH_TYPES = ("application/openstack-images-v2.0-json-patch", "application/openstack-images-v2.1-json-patch")


class Gone(ApiError):
    status = 410
    default_kind = "HTTPGone"


class RangeNotSatisfiable(ApiError):
    status = 416
    default_kind = "HTTPRequestRangeNotSatisfiable"


def not_found(message: str = "") -> NotFound:
    return NotFound(message or DEFAULT_EXPLANATIONS[404])


def image_not_found(image_id: str) -> NotFound:
    return NotFound(f"No image found with ID {image_id}", kind="ImageNotFound")


def bad_request(message: str) -> BadRequest:
    return BadRequest(message)


def forbidden(message: str) -> Forbidden:
    return Forbidden(message)


def conflict(message: str) -> Conflict:
    return Conflict(message)


def too_large(message: str) -> PayloadTooLarge:
    return PayloadTooLarge(message)


def schema_error(schema: str, reason: str) -> BadRequest:
    return BadRequest(f"Provided object does not match schema '{schema}': {reason}", kind="InvalidObject")


def unsupported_media(detail: str) -> UnsupportedMediaType:
    return UnsupportedMediaType(detail=detail)


def patch_media_type() -> UnsupportedMediaType:
    allowed = ", ".join(PATCH_TYPES)
    return UnsupportedMediaType(
        detail=f"Image PATCH expects Content-Type one of: {allowed}", headers={"Accept-Patch": allowed}
    )


# -- rendering -----------------------------------------------------------------------


def _status_line(status: int) -> tuple[str, str]:
    title = _TITLES.get(status) or HTTPStatus(status).phrase
    return f"{status} {title}", title


def _body_template(exc: ApiError, req: ApiRequest | None, escape: bool) -> str:
    """WebOb's per-class body template, with the explanation and detail filled in."""

    def esc(text: str) -> str:
        if not escape:
            return text
        return html.escape(text, quote=True).encode("ascii", "xmlcharrefreplace").decode("ascii")

    method = req.method if req is not None else ""
    detail = esc(exc.detail)
    if exc.status == 405:
        return f"The method {method} is not allowed for this resource. <br /><br />\n{detail}"
    if exc.status == 415:
        content_type = ""
        if req is not None:
            content_type = (req.header("content-type") or "").split(";")[0].strip()
        return f"The request media type {esc(content_type)} is not supported by this server.\n<br /><br />\n{detail}"
    explanation = exc.message
    if explanation == HTTPStatus(exc.status).description or not explanation:
        explanation = DEFAULT_EXPLANATIONS.get(exc.status, explanation)
    return f"{esc(explanation)}<br /><br />\n{detail}\n\n"


def _strip_tags(text: str) -> str:
    text = text.replace("\n", " ").replace("\r", "")
    text = re.sub(r"<br.*?>", "\n", text, flags=re.I | re.S)
    text = re.sub(r"<!--|-->", "", text)
    return re.sub(r"<.*?>", "", text, flags=re.S)


def _accept_choice(accept: str | None) -> str | None:
    """``text/html`` or ``application/json`` as WebOb picks between them, else None."""
    if not accept or not accept.strip():
        return None
    best: tuple[float, int, str] | None = None
    offers = ("text/html", "application/json")
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        bits = [b.strip() for b in part.split(";")]
        media = bits[0].lower()
        if not media:
            continue
        q = 1.0
        for param in bits[1:]:
            if param.lower().startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    for index, offer in enumerate(offers):
        otype, _ = offer.split("/")
        quality = None
        specificity = -1
        for media, q in ranges:
            mtype, _, msub = media.partition("/")
            if media == offer:
                spec = 2
            elif mtype == otype and msub == "*":
                spec = 1
            elif media == "*/*":
                spec = 0
            else:
                continue
            if spec > specificity:
                specificity, quality = spec, q
        if quality is not None and quality > 0:
            candidate = (quality, -index, offer)
            if best is None or candidate > best:
                best = candidate
    return best[2] if best else None


def render_error(exc: ApiError, req: ApiRequest | None) -> ErrorReply:
    if exc.status == 401:
        body: Any = {"error": {"code": 401, "title": "Unauthorized", "message": exc.message}}
        return ErrorReply(401, body)
    if exc.status == 405 and req is not None and len(req.raw_path) > 1 and req.raw_path.endswith("/"):
        exc = not_found()  # Glance's router: a path with a trailing slash matches no route
    if isinstance(exc, PolicyDenied):
        exc = Forbidden(f"You are not authorized to complete {exc.rule} action.")
    elif exc.kind == "MalformedRequestBody":
        exc = BadRequest("Malformed JSON in request body.")
    elif exc.status == 500:
        exc = ApiError(DEFAULT_EXPLANATIONS[500])
    status, title = _status_line(exc.status)
    headers = {k: v for k, v in exc.headers.items() if k.lower() != "content-type"}
    choice = _accept_choice(req.header("accept") if req is not None else None)
    if choice == "application/json":
        message = _body_template(exc, req, escape=False)
        data = orjson.dumps({"message": message, "code": status, "title": title})
        return ErrorReply(exc.status, data, headers, "application/json")
    if choice == "text/html":
        inner = _body_template(exc, req, escape=True)
        page = (
            f"<html>\n <head>\n  <title>{status}</title>\n </head>\n <body>\n"
            f"  <h1>{status}</h1>\n  {inner}\n </body>\n</html>"
        )
        return ErrorReply(exc.status, page, headers, "text/html; charset=UTF-8")
    text = f"{status}\n\n{_strip_tags(_body_template(exc, req, escape=False))}"
    return ErrorReply(exc.status, text, headers, "text/plain; charset=UTF-8")
