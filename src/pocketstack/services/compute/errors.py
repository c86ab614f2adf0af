"""Nova's errors and its fault body ``{"<faultName>": {"code", "message"}}``."""

from __future__ import annotations

import re
from typing import Any

from pocketstack.core.api import ApiRequest, ErrorReply
from pocketstack.core.errors import (
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
)

# Nova's Fault names by status; anything else is a computeFault.
FAULT_NAMES = {
    400: "badRequest",
    401: "unauthorized",
    403: "forbidden",
    404: "itemNotFound",
    405: "badMethod",
    409: "conflictingRequest",
    413: "overLimit",
    415: "badMediaType",
    429: "overLimit",
    501: "notImplemented",
    503: "serviceUnavailable",
}

_REQUIRED = re.compile(r"^'([^']*)' is a required property$")


def _validation_message(exc: ValidationFailed) -> str:
    """Nova words schema failures ``Invalid input for field/attribute <name>. Value: <v>. <why>``."""
    reason = exc.extra.get("reason")
    if reason is None:
        return exc.message
    if exc.extra.get("query"):
        return f"Invalid input for query parameters {exc.field}. Value: {exc.extra.get('value')}. {reason}"
    path = exc.field
    match = _REQUIRED.match(str(reason))
    if match and path.endswith(match.group(1)):
        path = path[: -len(match.group(1))].rstrip("/")
    if not path:
        return str(reason)
    name = path.rsplit("/", 1)[-1]
    return f"Invalid input for field/attribute {name}. Value: {_py(exc.extra.get('value'))}. {reason}"


def _py(value: Any) -> str:
    """Values as Python prints them (Nova formats the offending value with ``%s``)."""
    return str(value)


def render_error(exc: ApiError, req: ApiRequest | None) -> ErrorReply:
    message = exc.message
    if isinstance(exc, ValidationFailed):
        message = _validation_message(exc)
    elif exc.kind == "InvalidAPIVersionString":
        version = message.rsplit(":", 1)[-1].strip()
        message = f"API Version String {version} is of invalid format. Must be of format MajorNum.MinorNum."
    elif exc.status == 413 and exc.kind == "RequestEntityTooLarge":
        message = "Request is too large."
    if exc.status == 405:
        # Nova's router matches methods as part of the route: anything else is not found
        return ErrorReply(404, {"itemNotFound": {"code": 404, "message": "The resource could not be found."}})
    if exc.status == 401:
        # keystonemiddleware refuses the token before Nova sees the request
        return ErrorReply(401, {"error": {"code": 401, "title": "Unauthorized", "message": message}})
    name = FAULT_NAMES.get(exc.status, "computeFault")
    body: dict[str, Any] = {name: {"code": exc.status, "message": message}}
    return ErrorReply(exc.status, body)


# -- the errors Nova raises, with its messages ---------------------------------------


def server_not_found(server_id: str) -> NotFound:
    return NotFound(f"Instance {server_id} could not be found.", kind="InstanceNotFound")


def flavor_not_found(flavor_id: str) -> NotFound:
    return NotFound(f"Flavor {flavor_id} could not be found.", kind="FlavorNotFound")


def image_not_found(image_id: str) -> NotFound:
    return NotFound(f"Image {image_id} could not be found.", kind="ImageNotFound")


def keypair_not_found(name: str, user_id: str) -> NotFound:
    return NotFound(f"Keypair {name} not found for user {user_id}", kind="KeypairNotFound")


def invalid_state(server_id: str, action: str, attr: str, state: Any) -> Conflict:
    """The 409 an action meets in the wrong state."""
    return Conflict(
        f"Cannot '{action}' instance {server_id} while it is in {attr} {state}",
        kind="InstanceInvalidState",
    )


def locked(server_id: str) -> Conflict:
    return Conflict(f"Instance {server_id} is locked", kind="InstanceIsLocked")


def bad(message: str) -> BadRequest:
    return BadRequest(message, kind="HTTPBadRequest")


def over_quota(message: str) -> Forbidden:
    return Forbidden(message, kind="OverQuota")
