"""Schemas of the proxy APIs (security groups, image metadata)."""

from __future__ import annotations

from pocketstack.services.compute import validation as p

_text = {"type": "string", "minLength": 0, "maxLength": 255}
security_group = {
    "type": "object",
    "properties": {
        "security_group": {
            "type": "object",
            "properties": {"name": _text, "description": _text},
            "required": ["name", "description"],
            "additionalProperties": True,
        }
    },
    "required": ["security_group"],
    "additionalProperties": True,
}
security_group_rule = {
    "type": "object",
    "properties": {
        "security_group_rule": {
            "type": "object",
            "properties": {
                "group_id": {"type": ["string", "null"], "format": "uuid"},
                "parent_group_id": {"type": "string", "format": "uuid"},
                "to_port": {},
                "from_port": {},
                "ip_protocol": {},
                "cidr": {},
            },
            "required": ["parent_group_id"],
            "additionalProperties": True,
        }
    },
    "required": ["security_group_rule"],
    "additionalProperties": True,
}
image_metadata = p.wrapped(
    "metadata",
    {
        "type": "object",
        "patternProperties": {"^[a-zA-Z0-9-_:. ]{1,255}$": {"type": "string", "maxLength": 255}},
        "additionalProperties": False,
    },
)
image_meta_item = p.wrapped(
    "meta",
    {
        "type": "object",
        "patternProperties": {"^[a-zA-Z0-9-_:. ]{1,255}$": {"type": "string", "maxLength": 255}},
        "additionalProperties": False,
        "minProperties": 1,
        "maxProperties": 1,
    },
)
any_body = {"type": ["object", "null"]}

# os-volumes / os-snapshots (the block-storage proxy, up to 2.35)
volume_create = p.wrapped(
    "volume",
    p.obj(
        {
            "volume_type": {"type": "string"},
            "metadata": {"type": "object", "properties": {}, "additionalProperties": True},
            "snapshot_id": {"type": "string"},
            "size": {"type": ["integer", "string"], "pattern": "^[0-9]+$", "minimum": 1},
            "availability_zone": {"type": "string"},
            "display_name": {"type": "string"},
            "display_description": {"type": "string"},
        },
        ["size"],
    ),
)
snapshot_create = p.wrapped(
    "snapshot",
    p.obj(
        {
            "volume_id": {"type": "string"},
            "force": p.boolean,
            "display_name": {"type": "string"},
            "display_description": {"type": "string"},
        },
        ["volume_id"],
    ),
)
offset_limit_query = {
    "type": "object",
    "properties": {"limit": p.multi(p.non_negative_integer), "offset": p.multi(p.non_negative_integer)},
    "additionalProperties": True,
}

# os-migrations (2.59+): the time filters are ISO 8601 date-times
migrations_query = {
    "type": "object",
    "properties": {
        "changes-since": p.multi({"type": "string", "format": "date-time"}),
        "changes-before": p.multi({"type": "string", "format": "date-time"}),
    },
    "additionalProperties": True,
}
