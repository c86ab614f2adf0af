"""Keystone's errors and its error body ``{"error": {"code", "title", "message"}}``."""

from __future__ import annotations

from pocketstack.core.api import ApiRequest, ErrorReply
from pocketstack.core.errors import (
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    PolicyDenied,
    Unauthorized,
)

AUTH_REQUIRED = "The request you have made requires authentication."

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    413: "Request Entity Too Large",
    415: "Unsupported Media Type",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
}


def not_found(kind: str, ident: str) -> NotFound:
    """``Could not find user: <id>.``"""
    return NotFound(f"Could not find {kind}: {ident}.", kind=f"{kind.title().replace(' ', '')}NotFound")


def duplicate(kind: str, detail: str) -> Conflict:
    return Conflict(f"Conflict occurred attempting to store {kind} - {detail}.")


def duplicate_name(kind: str, name: str, domain_id: str | None) -> Conflict:
    if domain_id is None:
        return duplicate(kind, f"Duplicate entry found with name {name}")
    return duplicate(kind, f"Duplicate entry found with name {name} at domain ID {domain_id}")


def forbidden_action(action: str) -> Forbidden:
    return Forbidden(f"You are not authorized to perform the requested action: {action}.")


def unauthorized(message: str = AUTH_REQUIRED) -> Unauthorized:
    return Unauthorized(message)


def invalid(detail: str) -> BadRequest:
    return BadRequest(detail, kind="ValidationError")


def password_error(message: str) -> BadRequest:
    return BadRequest(message, kind="PasswordValidationError")


def render_error(exc: ApiError, req: ApiRequest | None) -> ErrorReply:
    message = exc.message
    if isinstance(exc, PolicyDenied):
        message = f"You are not authorized to perform the requested action: {exc.rule}."
    elif exc.kind == "MalformedRequestBody":
        message = (
            "Expecting to find valid JSON in request body. The server could not comply "
            "with the request since it is either malformed or otherwise incorrect. The "
            "client is assumed to be in error."
        )
    elif exc.status == 413:
        message = "Request is too large."
    body = {
        "error": {
            "code": exc.status,
            "title": _TITLES.get(exc.status, exc.title),
            "message": message,
        }
    }
    return ErrorReply(exc.status, body)
