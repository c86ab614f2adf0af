"""Schemas of the admin APIs: services, aggregates."""

from __future__ import annotations

from typing import Any

from pocketstack.core.validation import Versioned
from pocketstack.services.compute import validation as p

_reason = {"type": "string", "minLength": 1, "maxLength": 255}
_binary = {"type": "string", "minLength": 1, "maxLength": 255}
service_update = Versioned(
    ("2.1", "2.10", p.obj({"host": p.fqdn, "binary": _binary, "disabled_reason": _reason}, ["host", "binary"])),
    (
        "2.11",
        "2.52",
        p.obj(
            {"host": p.fqdn, "binary": _binary, "disabled_reason": _reason, "forced_down": p.boolean},
            ["host", "binary"],
        ),
    ),
    (
        "2.53",
        None,
        p.obj(
            {
                "status": {"type": "string", "enum": ["enabled", "disabled"]},
                "disabled_reason": _reason,
                "forced_down": p.boolean,
            }
        ),
    ),
)

_az: dict[str, Any] = {"oneOf": [p.az_name, {"type": "null"}]}
aggregate_create = p.wrapped("aggregate", p.obj({"name": p.name, "availability_zone": _az}, ["name"]))
aggregate_update = p.wrapped(
    "aggregate",
    {
        **p.obj({"name": p.name_with_spaces, "availability_zone": _az}),
        "anyOf": [{"required": ["name"]}, {"required": ["availability_zone"]}],
    },
)
add_host = p.wrapped("add_host", p.obj({"host": p.fqdn}, ["host"]))
remove_host = p.wrapped("remove_host", p.obj({"host": p.fqdn}, ["host"]))
set_metadata = p.wrapped(
    "set_metadata",
    p.obj(
        {
            "metadata": {
                "type": "object",
                "patternProperties": {"^[a-zA-Z0-9-_:. /]{1,255}$": {"type": ["string", "null"], "maxLength": 255}},
                "additionalProperties": False,
            }
        },
        ["metadata"],
    ),
)
aggregate_images = p.obj(
    {
        "cache": {
            "type": "array",
            "minItems": 1,
            "items": p.obj({"id": p.uuid_string}, ["id"]),
        }
    },
    ["cache"],
)
action = {"type": "object"}

_toggle = {"type": "string", "enum": ["enable", "disable", "Enable", "Disable", "ENABLE", "DISABLE"]}
host_update = {
    **p.obj({"status": _toggle, "maintenance_mode": _toggle}),
    "anyOf": [{"required": ["status"]}, {"required": ["maintenance_mode"]}],
}

_EVENTS = ["network-changed", "network-vif-plugged", "network-vif-unplugged", "network-vif-deleted"]


def _events(names: list[str]) -> dict[str, Any]:
    item = p.obj(
        {
            "name": {"type": "string", "enum": names},
            "server_uuid": p.uuid_string,
            "status": {"type": "string", "enum": ["failed", "completed", "in-progress"]},
            "tag": {"type": "string", "maxLength": 255},
        },
        ["name", "server_uuid"],
    )
    return p.obj({"events": {"type": "array", "minItems": 1, "items": item}}, ["events"])


external_events = Versioned(
    ("2.1", "2.50", _events(_EVENTS)),
    ("2.51", "2.75", _events([*_EVENTS, "volume-extended"])),
    ("2.76", "2.81", _events([*_EVENTS, "volume-extended", "power-update"])),
    ("2.82", "2.92", _events([*_EVENTS, "volume-extended", "power-update", "accelerator-request-bound"])),
    (
        "2.93",
        None,
        _events([*_EVENTS, "volume-extended", "power-update", "accelerator-request-bound", "volume-reimaged"]),
    ),
)
