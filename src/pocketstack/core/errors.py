"""Domain errors that carry their HTTP status.

Service code raises these; one renderer per service turns them into that
service's error body (Keystone's ``{"error": …}``, Nova's ``{"itemNotFound": …}``,
Neutron's ``{"NeutronError": …}``, …).  Handlers never build error bodies.

``kind`` is the upstream exception name where a service exposes it (Neutron's
``type``, e.g. ``NetworkNotFound``); renderers that don't need it ignore it.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, ClassVar


class ApiError(Exception):
    status: ClassVar[int] = 500
    default_kind: ClassVar[str] = "InternalError"

    def __init__(
        self,
        message: str | None = None,
        *,
        kind: str | None = None,
        headers: dict[str, str] | None = None,
        detail: str = "",
        **extra: Any,
    ) -> None:
        self.message = message or HTTPStatus(self.status).description
        self.kind = kind or self.default_kind
        self.headers = headers or {}
        self.detail = detail
        self.extra = extra
        super().__init__(self.message)

    @property
    def title(self) -> str:
        return HTTPStatus(self.status).phrase


class BadRequest(ApiError):
    status = 400
    default_kind = "BadRequest"


class ValidationFailed(BadRequest):
    """A request body or query failed schema validation; ``field`` names the culprit."""

    default_kind = "HTTPBadRequest"

    def __init__(self, message: str, *, field: str = "", **kw: Any) -> None:
        self.field = field
        super().__init__(message, **kw)


class Unauthorized(ApiError):
    status = 401
    default_kind = "Unauthorized"


class Forbidden(ApiError):
    status = 403
    default_kind = "Forbidden"


class PolicyDenied(Forbidden):
    """A policy rule refused the caller; renderers word it the upstream way."""

    default_kind = "PolicyNotAuthorized"

    def __init__(self, rule: str, message: str | None = None) -> None:
        self.rule = rule
        super().__init__(message or f"Policy doesn't allow {rule} to be performed.")


class NotFound(ApiError):
    status = 404
    default_kind = "NotFound"


class MethodNotAllowed(ApiError):
    status = 405
    default_kind = "HTTPMethodNotAllowed"


class NotAcceptable(ApiError):
    status = 406
    default_kind = "HTTPNotAcceptable"


class Conflict(ApiError):
    status = 409
    default_kind = "Conflict"


class Gone(ApiError):
    status = 410
    default_kind = "Gone"


class PayloadTooLarge(ApiError):
    status = 413
    default_kind = "RequestEntityTooLarge"


class UnsupportedMediaType(ApiError):
    status = 415
    default_kind = "HTTPUnsupportedMediaType"


class InternalError(ApiError):
    status = 500
    default_kind = "InternalError"


class NotImplementedYet(ApiError):
    status = 501
    default_kind = "NotImplemented"


class ServiceUnavailable(ApiError):
    status = 503
    default_kind = "ServiceUnavailable"
