"""Cinder's errors and its fault body ``{"<faultName>": {"code", "message"}}``.

Messages are Cinder's own (``cinder/exception.py``); ``kind`` carries the Cinder
exception class name, which Cinder itself shows only for quota errors
("VolumeLimitExceeded: Maximum number of …").
"""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import ApiRequest, ErrorReply
from pocketstack.core.errors import (
    ApiError,
    BadRequest,
    Conflict,
    NotFound,
    PayloadTooLarge,
    PolicyDenied,
)

_FAULT_NAMES = {
    400: "badRequest",
    401: "unauthorized",
    403: "forbidden",
    404: "itemNotFound",
    405: "badMethod",
    409: "conflictingRequest",
    413: "overLimit",
    415: "badMediaType",
    501: "notImplemented",
    503: "serviceUnavailable",
}

_DEFAULT_500 = "The server has either erred or is incapable of performing the requested operation."


class QuotaError(PayloadTooLarge):
    """Cinder's QuotaError family: 413, ``Retry-After: 0``, the class name shown."""

    def __init__(self, message: str, *, kind: str) -> None:
        super().__init__(message, kind=kind, headers={"Retry-After": "0"})


# -- constructors with Cinder's wording ------------------------------------------------


def volume_not_found(volume_id: str) -> NotFound:
    return NotFound(f"Volume {volume_id} could not be found.", kind="VolumeNotFound")


def snapshot_not_found(snapshot_id: str) -> NotFound:
    return NotFound(f"Snapshot {snapshot_id} could not be found.", kind="SnapshotNotFound")


def backup_not_found(backup_id: str) -> NotFound:
    return NotFound(f"Backup {backup_id} could not be found.", kind="BackupNotFound")


def type_not_found(type_id: str) -> NotFound:
    return NotFound(f"Volume type {type_id} could not be found.", kind="VolumeTypeNotFound")


def type_not_found_by_name(name: str) -> NotFound:
    return NotFound(f"Volume type with name {name} could not be found.", kind="VolumeTypeNotFoundByName")


def qos_not_found(specs_id: str) -> NotFound:
    return NotFound(f"No such QoS spec {specs_id}.", kind="QoSSpecsNotFound")


def attachment_not_found(filter_desc: str) -> NotFound:
    return NotFound(
        f"Volume attachment could not be found with filter: {filter_desc}.", kind="VolumeAttachmentNotFound"
    )


def invalid_input(reason: str) -> BadRequest:
    return BadRequest(f"Invalid input received: {reason}", kind="InvalidInput")


def invalid_volume(reason: str) -> BadRequest:
    return BadRequest(f"Invalid volume: {reason}", kind="InvalidVolume")


def invalid_snapshot(reason: str) -> BadRequest:
    return BadRequest(f"Invalid snapshot: {reason}", kind="InvalidSnapshot")


def invalid_backup(reason: str) -> BadRequest:
    return BadRequest(f"Invalid backup: {reason}", kind="InvalidBackup")


def invalid_volume_type(reason: str) -> BadRequest:
    return BadRequest(f"Invalid volume type: {reason}", kind="InvalidVolumeType")


def invalid_qos(reason: str) -> BadRequest:
    return BadRequest(f"Invalid qos specs: {reason}", kind="InvalidQoSSpecs")


def invalid_volume_conflict(reason: str) -> Conflict:
    """``InvalidVolume`` where Cinder answers 409 (attachments, revert)."""
    return Conflict(f"Invalid volume: {reason}", kind="InvalidVolume")


def bad_request(message: str) -> BadRequest:
    """A plain ``webob.exc.HTTPBadRequest(explanation=…)``."""
    return BadRequest(message, kind="HTTPBadRequest")


def malformed_url() -> BadRequest:
    return BadRequest("Malformed request url", kind="HTTPBadRequest")


def resource_not_found() -> NotFound:
    """What Cinder answers for a method that the requested microversion lacks."""
    return NotFound("The resource could not be found.", kind="VersionNotFoundForAPIMethod")


# -- quota errors (cinder.quota_utils.process_reserve_over_quota) --------------------------


def over_gigabytes(name: str, requested: int, quota: int, consumed: int, backups: bool = False) -> QuotaError:
    if backups:
        return QuotaError(
            f"Requested backup exceeds allowed Backup gigabytes quota. Requested {requested}G, "
            f"quota is {quota}G and {consumed}G has been consumed.",
            kind="VolumeBackupSizeExceedsAvailableQuota",
        )
    return QuotaError(
        f"Requested volume or snapshot exceeds allowed {name} quota. Requested {requested}G, "
        f"quota is {quota}G and {consumed}G has been consumed.",
        kind="VolumeSizeExceedsAvailableQuota",
    )


def over_count(resource: str, name: str, allowed: int) -> QuotaError:
    if resource == "volumes":
        return QuotaError(
            f"Maximum number of volumes allowed ({allowed}) exceeded for quota '{name}'.", kind="VolumeLimitExceeded"
        )
    if resource == "snapshots":
        return QuotaError(f"Maximum number of snapshots allowed ({allowed}) exceeded", kind="SnapshotLimitExceeded")
    if resource == "backups":
        return QuotaError(f"Maximum number of backups allowed ({allowed}) exceeded", kind="BackupLimitExceeded")
    if resource == "groups":
        return QuotaError(f"Maximum number of groups allowed ({allowed}) exceeded", kind="GroupLimitExceeded")
    return QuotaError(f"Unexpected over quota on {name}.", kind="UnexpectedOverQuota")


def size_exceeds_limit(size: int, limit: int) -> QuotaError:
    return QuotaError(
        f"Requested volume size {size}G is larger than maximum allowed limit {limit}G.", kind="VolumeSizeExceedsLimit"
    )


# -- rendering -----------------------------------------------------------------------


def _message(exc: ApiError) -> str:
    if isinstance(exc, PolicyDenied):
        return f"Policy doesn't allow {exc.rule} to be performed."
    if isinstance(exc, QuotaError):
        return f"{exc.kind}: {exc.message}"
    if exc.kind == "InvalidAPIVersionString":
        text = exc.message.rsplit(": ", 1)[-1]
        return f"API Version String {text} is of invalid format. Must be of format MajorNum.MinorNum."
    if exc.status == 413:
        return "Request is too large."
    if exc.status == 500:
        return _DEFAULT_500
    return exc.message


def render_error(exc: ApiError, req: ApiRequest | None) -> ErrorReply:
    if exc.status == 405:
        # Cinder's router matches method and path together: a method the path lacks is
        # simply an unknown resource
        exc = resource_not_found()
    if exc.status == 401:
        # keystonemiddleware answers for Cinder, in Keystone's shape
        body: dict[str, Any] = {
            "error": {"code": 401, "title": "Unauthorized", "message": exc.message},
        }
        return ErrorReply(401, body)
    fault = _FAULT_NAMES.get(exc.status, "computeFault")
    inner: dict[str, Any] = {"code": exc.status, "message": _message(exc)}
    headers: dict[str, str] = {}
    if isinstance(exc, QuotaError):
        inner["retryAfter"] = "0"
        headers["Retry-After"] = "0"
    return ErrorReply(exc.status, {fault: inner}, headers)
