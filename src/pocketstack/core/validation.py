"""Request validation with JSON Schema (draft 7).

Valid input takes the fast path (fastjsonschema, compiled on first use); invalid
input is re-checked with ``jsonschema`` so that the 400 names the field and gives
the same wording upstream services (which use ``jsonschema``) give.

Versioned schemas: a route declares ``Versioned((min, max, schema), …)`` and the
schema of the negotiated microversion applies.  Build each version's schema from
shared parts (``extend``) rather than copying and mutating an earlier one.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import fastjsonschema
import jsonschema

from pocketstack.core.errors import ValidationFailed
from pocketstack.core.microversion import APIVersion

Schema = Mapping[str, Any]


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
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


def _is_ip(version: int | None) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        try:
            addr = ipaddress.ip_address(value)
        except ValueError:
            return False
        return version is None or addr.version == version

    return check


def _is_cidr(value: str) -> bool:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return "/" in value


_MAC = re.compile(r"^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$")

FORMATS: dict[str, Callable[[str], bool]] = {
    "uuid": _is_uuid,
    "date-time": _is_datetime,
    "ipv4": _is_ip(4),
    "ipv6": _is_ip(6),
    "ip-address": _is_ip(None),
    "cidr": _is_cidr,
    "mac-address": lambda v: bool(_MAC.match(v)),
}

_format_checker = jsonschema.FormatChecker()
for _name, _fn in FORMATS.items():
    _format_checker.checks(_name)(lambda value, _fn=_fn: not isinstance(value, str) or _fn(value))


class Validator:
    """A compiled schema; ``validate`` raises :class:`ValidationFailed`."""

    __slots__ = ("_fast", "schema")

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self._fast: Callable[[Any], Any] | None = None

    def validate(self, data: Any) -> None:
        if self._fast is None:
            self._fast = fastjsonschema.compile(dict(self.schema), formats=FORMATS, use_default=False)
        try:
            self._fast(data)
        except fastjsonschema.JsonSchemaException:
            self._explain(data)

    def _explain(self, data: Any) -> None:
        checker = jsonschema.Draft7Validator(self.schema, format_checker=_format_checker)
        error = jsonschema.exceptions.best_match(checker.iter_errors(data))
        if error is None:  # the two engines disagree; trust the permissive one
            return
        path = "/".join(str(p) for p in error.absolute_path)
        message = f"Invalid input for field '{path}': {error.message}" if path else error.message
        field = path
        missing = _required_name(error)
        if missing:
            field = f"{path}/{missing}" if path else missing
        raise ValidationFailed(message, field=field, reason=error.message, value=error.instance)


def _required_name(error: jsonschema.ValidationError) -> str:
    if error.validator == "required":
        match = re.match(r"'([^']*)'", error.message)
        if match:
            return match.group(1)
    return ""


_cache: dict[int, Validator] = {}


def validator_for(schema: Schema) -> Validator:
    v = _cache.get(id(schema))
    if v is None or v.schema is not schema:
        v = _cache[id(schema)] = Validator(schema)
    return v


def validate(schema: Schema, data: Any) -> None:
    validator_for(schema).validate(data)


@dataclass(frozen=True)
class Versioned:
    """Schemas by microversion range: ``Versioned(("2.1", "2.18", s1), ("2.19", None, s2))``."""

    ranges: tuple[tuple[APIVersion, APIVersion | None, Schema | None], ...]

    def __init__(self, *ranges: tuple[str, str | None, Schema | None]) -> None:
        parsed = tuple(
            (APIVersion.parse(lo), APIVersion.parse(hi) if hi else None, schema) for lo, hi, schema in ranges
        )
        object.__setattr__(self, "ranges", parsed)

    def for_version(self, version: APIVersion | None) -> Schema | None:
        if version is None:
            return self.ranges[-1][2]
        for lo, hi, schema in self.ranges:
            if version >= lo and (hi is None or version <= hi):
                return schema
        return None


def extend(base: Schema, **changes: Any) -> dict[str, Any]:
    """A new schema: ``base`` with top-level keys replaced (``properties`` merged)."""
    out = dict(base)
    props = changes.pop("properties", None)
    if props is not None:
        out["properties"] = {**base.get("properties", {}), **props}
    out.update(changes)
    return out


# -- reusable parts --------------------------------------------------------------


def string(min_length: int = 0, max_length: int | None = 255, **kw: Any) -> dict[str, Any]:
    s: dict[str, Any] = {"type": "string", "minLength": min_length}
    if max_length is not None:
        s["maxLength"] = max_length
    s.update(kw)
    return s


def nullable(schema: Schema) -> dict[str, Any]:
    types = schema.get("type")
    out = dict(schema)
    if isinstance(types, list):
        out["type"] = [*types, "null"]
    elif types:
        out["type"] = [types, "null"]
    return out


def obj(
    properties: Mapping[str, Any],
    required: list[str] | tuple[str, ...] = (),
    additional: bool = True,
    **kw: Any,
) -> dict[str, Any]:
    s: dict[str, Any] = {
        "type": "object",
        "properties": dict(properties),
        "additionalProperties": additional,
    }
    if required:
        s["required"] = list(required)
    s.update(kw)
    return s


def wrapped(key: str, inner: Schema) -> dict[str, Any]:
    """``{"<key>": inner}`` with the key required: the usual OpenStack request envelope."""
    return obj({key: inner}, required=[key])


boolean = {"type": "boolean"}
uuid_string = {"type": "string", "format": "uuid"}
tags = {"type": "array", "items": string(1, 255), "maxItems": 80}
