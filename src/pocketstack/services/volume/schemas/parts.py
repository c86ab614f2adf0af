"""Cinder's parameter types (``cinder/api/validation/parameter_types.py``)."""

from __future__ import annotations

from typing import Any

DB_MAX_INT = 0x7FFFFFFF

boolean: dict[str, Any] = {
    "type": ["boolean", "string"],
    "enum": [
        True, "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes", "y", "t",
        False, "False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no", "n", "f",
    ],
}  # fmt: skip
optional_boolean: dict[str, Any] = {"oneOf": [{"type": "null"}, boolean]}
uuid: dict[str, Any] = {"type": "string", "format": "uuid"}
optional_uuid: dict[str, Any] = {"oneOf": [{"type": "null"}, {"type": "string", "format": "uuid"}]}
uuid_allow_null: dict[str, Any] = {"oneOf": [uuid, {"type": "null"}]}

_KEY = "^[a-zA-Z0-9-_:. /]{1,255}$"
extra_specs: dict[str, Any] = {
    "type": "object",
    "patternProperties": {_KEY: {"type": "string", "maxLength": 255}},
    "additionalProperties": False,
}
extra_specs_with_null: dict[str, Any] = {
    "type": "object",
    "patternProperties": {_KEY: {"type": ["string", "null"], "maxLength": 255}},
    "additionalProperties": False,
}
extra_specs_no_spaces: dict[str, Any] = {
    "type": "object",
    "patternProperties": {"^[a-zA-Z0-9-_:.]{1,255}$": {"type": ["string", "null"], "minLength": 0, "maxLength": 255}},
    "additionalProperties": False,
}
metadata_allows_null: dict[str, Any] = {**extra_specs, "type": ["object", "null"]}
image_metadata: dict[str, Any] = {
    "type": "object",
    "patternProperties": {_KEY: {"type": "string", "maxLength": 65535}},
    "additionalProperties": False,
}

name_or_null: dict[str, Any] = {"type": ["string", "null"]}  # length checked after stripping
name_allow_zero_min_length: dict[str, Any] = {"type": ["string", "null"], "minLength": 0, "maxLength": 255}
name: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 255}
update_name: dict[str, Any] = {"type": ["string", "null"], "minLength": 1, "maxLength": 255}
description: dict[str, Any] = {"type": ["string", "null"], "minLength": 0, "maxLength": 255}
nullable_string: dict[str, Any] = {"type": ["string", "null"], "minLength": 0, "maxLength": 255}
availability_zone: dict[str, Any] = {"type": ["string", "null"], "minLength": 1, "maxLength": 255}
volume_size: dict[str, Any] = {
    "type": ["integer", "string"],
    "pattern": "^[0-9]+$",
    "minimum": 1,
    "maximum": DB_MAX_INT,
}
volume_size_allows_null: dict[str, Any] = {**volume_size, "type": ["integer", "string", "null"]}
cinder_host: dict[str, Any] = {
    "type": ["string", "null"],
    "minLength": 1,
    "maxLength": 255,
    "pattern": r"^[a-zA-Z0-9-._#@:/+\[\]]*$",
}


def action(name: str, inner: dict[str, Any] | None = None) -> dict[str, Any]:
    """``{"<name>": inner}`` and nothing else (Cinder's action bodies)."""
    return {
        "type": "object",
        "properties": {name: inner if inner is not None else {}},
        "required": [name],
        "additionalProperties": False,
    }


def obj(
    properties: dict[str, Any], required: tuple[str, ...] = (), additional: bool = False, **kw: Any
) -> dict[str, Any]:
    # Cinder's schemas list "required" before "additionalProperties", and its validator
    # reports the first error in that order
    out: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        out["required"] = list(required)
    out["additionalProperties"] = additional
    out.update(kw)
    return out
