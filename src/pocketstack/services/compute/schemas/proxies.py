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
