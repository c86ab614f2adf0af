"""Request validation the way Cinder does it (``cinder/api/validation/validators.py``).

JSON Schema draft 4, where ``minimum``/``maximum`` also apply to numbers written as
strings (``"size": "0"``), UUIDs are checked as ``uuidutils.is_uuid_like`` does, and the
first error found is reported as ``Invalid input for field/attribute <name>. Value:
<value>. <reason>`` (``<name>`` being the innermost key of the error's path).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import jsonschema
from jsonschema import Draft4Validator

from pocketstack.core.errors import BadRequest, ValidationFailed

Schema = Mapping[str, Any]


def uuid_like(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    text = value.lower()
    for prefix in ("urn:", "uuid:"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    text = text.replace("{", "").replace("}", "").replace("-", "")
    try:
        return uuid.UUID(value).hex == text
    except (ValueError, AttributeError):
        return False


def key_size_like(value: Any) -> bool:
    """Cinder's ``key_size`` format: int-like (``strutils.is_int_like``) or a 400."""
    if value is None:
        return True
    try:
        ok = str(int(value)) == str(value)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise BadRequest("Invalid input received: key_size must be an integer.", kind="InvalidInput")
    return True


_checker = jsonschema.FormatChecker()
_checker.checks("uuid")(uuid_like)
_checker.checks("key_size")(key_size_like)


def _number(instance: Any) -> int | float | None:
    if isinstance(instance, bool):
        return None
    if isinstance(instance, int | float):
        return instance
    try:
        return int(instance)
    except (TypeError, ValueError):
        try:
            return float(instance)
        except (TypeError, ValueError):
            return None


def _minimum(validator: Any, minimum: Any, instance: Any, schema: Any) -> Any:
    value = _number(instance)
    if value is not None:
        yield from Draft4Validator.VALIDATORS["minimum"](validator, minimum, value, schema)


def _maximum(validator: Any, maximum: Any, instance: Any, schema: Any) -> Any:
    value = _number(instance)
    if value is not None:
        yield from Draft4Validator.VALIDATORS["maximum"](validator, maximum, value, schema)


_CinderValidator = jsonschema.validators.extend(Draft4Validator, {"minimum": _minimum, "maximum": _maximum})
_cache: dict[int, tuple[Schema, Any]] = {}


def _validator(schema: Schema) -> Any:
    hit = _cache.get(id(schema))
    if hit is None or hit[0] is not schema:
        hit = _cache[id(schema)] = (schema, _CinderValidator(schema, format_checker=_checker))
    return hit[1]


def validate_body(schema: Schema, data: Any) -> None:
    """The block storage API's body validator (``ServiceApi.validate_body``)."""
    try:
        error = next(iter(_validator(schema).iter_errors(data)), None)
    except TypeError as exc:  # patternProperties over a non-string key, as Cinder
        raise ValidationFailed(str(exc)) from None
    if error is None:
        return
    path = "/".join(str(p) for p in error.absolute_path)
    if error.path:
        message = f"Invalid input for field/attribute {error.path[-1]}. Value: {error.instance}. {error.message}"
    else:
        message = error.message
    raise ValidationFailed(message, field=path, reason=error.message, value=error.instance)
