"""Request validation the way Nova does it.

Nova validates with JSON Schema draft 2020-12 plus two twists this module reproduces:
``minimum``/``maximum`` also apply to numbers written as strings (``"ram": "512"``),
and a few formats of its own (``name``, ``az_name``, ``base64``, ``regex``…).  Errors
are worded as Nova words them: ``Invalid input for field/attribute <name>. Value:
<value>. <reason>`` for bodies, ``Invalid input for query parameters …`` for queries,
and the first error found is the one reported (as ``Validator.validate`` does).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
import unicodedata
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator

from pocketstack.core.errors import ValidationFailed

Schema = Mapping[str, Any]

NAME_REASON = "printable characters. Can not start or end with whitespace."
NAME_SPACES_REASON = "printable characters with at least one non space character"
AZ_REASON = "printable characters except :.Can not start or end with whitespace."
AZ_SPACES_REASON = "printable characters except :, with at least one non space character"


class InvalidName(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"An invalid 'name' value was provided. The name must be: {reason}")


def _printable(ch: str, spaces: bool = True) -> bool:
    """Nova's notion of a printable character (its ranges stop below U+FFFF)."""
    if ord(ch) >= 0xFFFF:
        return False
    cat = unicodedata.category(ch)
    if cat.startswith("C"):
        return False
    if cat.startswith("Z"):
        return spaces and cat == "Zs"
    return True


def _edge_ok(ch: str) -> bool:
    return _printable(ch, spaces=False)


def valid_name(value: str, exclude: str = "") -> bool:
    if not value:
        return True
    if any(c in exclude or not _printable(c) for c in value):
        return False
    return _edge_ok(value[0]) and _edge_ok(value[-1])


def valid_name_with_spaces(value: str, exclude: str = "") -> bool:
    if any(c in exclude or not _printable(c) for c in value):
        return False
    return any(_edge_ok(c) for c in value)


_checker = jsonschema.FormatChecker()


def _str_check(fn: Any) -> Any:
    def check(instance: Any) -> bool:
        return not isinstance(instance, str) or bool(fn(instance))

    return check


def _name_check(fn: Any, reason: str) -> Any:
    def check(instance: Any) -> bool:
        if isinstance(instance, str) and fn(instance):
            return True
        raise InvalidName(reason)

    return check


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value.replace("-", "") if len(value) == 36 else value)
    except ValueError:
        return False
    return True


def _is_uuid_like(value: str) -> bool:
    """oslo's is_uuid_like: a UUID in canonical (dashed, any case) or hex form."""
    try:
        return str(uuid.UUID(value)).replace("-", "") == value.replace("-", "").lower()
    except (TypeError, ValueError, AttributeError):
        return False


def _is_regex(value: str) -> bool:
    if not value:
        return False
    try:
        re.compile(value)
    except re.error:
        return False
    return True


def _is_base64(value: str) -> bool:
    try:
        base64.b64decode(value.encode(), validate=False)
    except (binascii.Error, ValueError):
        return False
    return True


def _is_datetime(value: str) -> bool:
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_ip(version: int) -> Any:
    def check(value: str) -> bool:
        try:
            return ipaddress.ip_address(value).version == version
        except ValueError:
            return False

    return check


def _is_cidr(value: str) -> bool:
    if "/" not in value or re.search(r"\s", value):
        return False
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return True


def _is_uri(value: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s]+", value))


for _fmt, _fn in {
    "uuid": _is_uuid_like,
    "regex": _is_regex,
    "base64": _is_base64,
    "date-time": _is_datetime,
    "ipv4": _is_ip(4),
    "ipv6": _is_ip(6),
    "cidr": _is_cidr,
    "uri": _is_uri,
}.items():
    _checker.checks(_fmt)(_str_check(_fn))

_checker.checks("name", InvalidName)(_name_check(valid_name, NAME_REASON))
_checker.checks("name_with_leading_trailing_spaces", InvalidName)(
    _name_check(valid_name_with_spaces, NAME_SPACES_REASON)
)
_checker.checks("az_name", InvalidName)(_name_check(lambda v: valid_name(v, ":"), AZ_REASON))
_checker.checks("az_name_with_leading_trailing_spaces", InvalidName)(
    _name_check(lambda v: valid_name_with_spaces(v, ":"), AZ_SPACES_REASON)
)


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
    if value is None:
        return
    yield from Draft202012Validator.VALIDATORS["minimum"](validator, minimum, value, schema)


def _maximum(validator: Any, maximum: Any, instance: Any, schema: Any) -> Any:
    value = _number(instance)
    if value is None:
        return
    yield from Draft202012Validator.VALIDATORS["maximum"](validator, maximum, value, schema)


_NovaValidator = jsonschema.validators.extend(Draft202012Validator, {"minimum": _minimum, "maximum": _maximum})

_cache: dict[int, tuple[Schema, Any]] = {}


def _validator(schema: Schema) -> Any:
    hit = _cache.get(id(schema))
    if hit is None or hit[0] is not schema:
        hit = _cache[id(schema)] = (schema, _NovaValidator(schema, format_checker=_checker))
    return hit[1]


def _first_error(schema: Schema, data: Any) -> jsonschema.ValidationError | None:
    validator = _validator(schema)
    try:
        for error in validator.iter_errors(data):
            return error
    except TypeError as exc:  # patternProperties over a non-string key, as Nova
        raise ValidationFailed(str(exc)) from None
    return None


def validate_body(schema: Schema, data: Any) -> None:
    """The body validator of the compute API (``ServiceApi.validate_body``)."""
    error = _first_error(schema, data)
    if error is None:
        return
    if isinstance(error.cause, InvalidName):
        raise ValidationFailed(str(error.cause), field=_path(error))
    if error.path:
        name = str(error.path[-1])
        message = f"Invalid input for field/attribute {name}. Value: {error.instance}. {error.message}"
    else:
        message = error.message
    raise ValidationFailed(message, field=_path(error))


def validate_query(schema: Schema, query: Mapping[str, list[str]]) -> None:
    """Nova validates the query as ``{name: [values]}``."""
    error = _first_error(schema, dict(query))
    if error is None:
        return
    if error.path:
        name = str(error.path[0])
        message = f"Invalid input for query parameters {name}. Value: {error.instance}. {error.message}"
    else:
        message = error.message
    raise ValidationFailed(message, field=_path(error))


def _path(error: jsonschema.ValidationError) -> str:
    return "/".join(str(p) for p in error.absolute_path)


# -- parts, as Nova's parameter_types ---------------------------------------------------


def multi(schema: Schema) -> dict[str, Any]:
    return {"type": "array", "items": dict(schema)}


def single(schema: Schema) -> dict[str, Any]:
    return {"type": "array", "items": dict(schema), "maxItems": 1}


BOOLEAN_VALUES = [
    True, "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes",
    False, "False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no",
]  # fmt: skip
TRUE_STRINGS = {"true", "1", "on", "yes", "y", "t"}

boolean: dict[str, Any] = {"type": ["boolean", "string"], "enum": BOOLEAN_VALUES}
positive_integer: dict[str, Any] = {"type": ["integer", "string"], "pattern": "^[0-9]*$", "minimum": 1, "minLength": 1}
non_negative_integer: dict[str, Any] = {
    "type": ["integer", "string"],
    "pattern": "^[0-9]*$",
    "minimum": 0,
    "minLength": 1,
}
name: dict[str, Any] = {"type": "string", "format": "name", "minLength": 1, "maxLength": 255}
name_with_spaces: dict[str, Any] = {
    "type": "string",
    "format": "name_with_leading_trailing_spaces",
    "minLength": 1,
    "maxLength": 255,
}
az_name: dict[str, Any] = {"type": "string", "format": "az_name", "minLength": 1, "maxLength": 255}
az_name_with_spaces: dict[str, Any] = {
    "type": "string",
    "format": "az_name_with_leading_trailing_spaces",
    "minLength": 1,
    "maxLength": 255,
}
description: dict[str, Any] = {"type": ["string", "null"], "format": "description", "minLength": 0, "maxLength": 255}
uuid_string: dict[str, Any] = {"type": "string", "format": "uuid"}
metadata: dict[str, Any] = {
    "type": "object",
    "patternProperties": {"^[a-zA-Z0-9-_:. ]{1,255}$": {"type": "string", "maxLength": 255}},
    "additionalProperties": False,
}
metadata_with_null: dict[str, Any] = {
    "type": "object",
    "patternProperties": {"^[a-zA-Z0-9-_:. ]{1,255}$": {"type": ["string", "null"], "maxLength": 255}},
    "additionalProperties": False,
}
hostname: dict[str, Any] = {
    "type": "string",
    "pattern": "^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$",
    "minLength": 2,
    "maxLength": 63,
}
fqdn: dict[str, Any] = {"type": "string", "pattern": "^[a-zA-Z0-9-._]*$", "minLength": 1, "maxLength": 255}
project_id: dict[str, Any] = {"type": "string", "pattern": "^[a-zA-Z0-9-]*$", "minLength": 1, "maxLength": 255}
tag: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 60, "pattern": "^[^,/]*$"}
tags: dict[str, Any] = {"type": "array", "items": tag, "maxItems": 50}


def _valid_description(value: str) -> bool:
    return all(_printable(c) for c in value)


_checker.checks("description")(_str_check(_valid_description))


def obj(properties: Mapping[str, Any], required: list[str] | None = None, additional: bool = False) -> dict[str, Any]:
    s: dict[str, Any] = {"type": "object", "properties": dict(properties), "additionalProperties": additional}
    if required:
        s["required"] = required
    return s


def wrapped(key: str, inner: Schema) -> dict[str, Any]:
    return obj({key: inner}, [key])


def as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in TRUE_STRINGS
    return bool(value)
