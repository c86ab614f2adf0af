"""Bodies of group types, group specs, groups and group snapshots (3.11+)."""

from __future__ import annotations

from typing import Any

from pocketstack.services.volume.schemas import parts as p

# -- group types and their specs --------------------------------------------------------------

group_type_create = p.obj(
    {
        "group_type": p.obj(
            {
                "name": p.name,
                "description": p.description,
                "is_public": p.boolean,
                "group_specs": p.metadata_allows_null,
            },
            ("name",),
        )
    },
    ("group_type",),
)
group_type_update = p.obj(
    {"group_type": p.obj({"name": p.name_allow_zero_min_length, "description": p.description, "is_public": p.boolean})},
    ("group_type",),
)
_specs: dict[str, Any] = {
    "type": "object",
    "patternProperties": {"^[a-zA-Z0-9-_:.]{1,255}$": {"type": ["string", "null"], "maxLength": 255}},
    "additionalProperties": False,
}
group_specs_create = p.obj({"group_specs": _specs}, ("group_specs",))
group_spec_update: dict[str, Any] = {**_specs, "minProperties": 1, "maxProperties": 1}

# -- groups ----------------------------------------------------------------------------------

group_create = p.obj(
    {
        "group": p.obj(
            {
                "description": p.description,
                "group_type": {"type": "string"},  # length checked after stripping
                "name": p.name_allow_zero_min_length,
                "volume_types": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"type": "string", "maxLength": 255},
                    "uniqueItems": True,
                },
                "availability_zone": {"type": ["string", "null"]},
            },
            ("group_type", "volume_types"),
        )
    },
    ("group",),
)
group_update = p.obj(
    {
        "group": p.obj(
            {
                "description": p.description,
                "name": p.name_allow_zero_min_length,
                "add_volumes": p.description,
                "remove_volumes": p.description,
            },
            anyOf=[
                {"required": ["name"]},
                {"required": ["description"]},
                {"required": ["add_volumes"]},
                {"required": ["remove_volumes"]},
            ],
        )
    },
    ("group",),
)
group_create_from_src = p.obj(
    {
        "create-from-src": p.obj(
            {
                "description": p.description,
                "name": p.name_allow_zero_min_length,
                "source_group_id": p.uuid,
                "group_snapshot_id": p.uuid,
            },
            oneOf=[{"required": ["group_snapshot_id"]}, {"required": ["source_group_id"]}],
        )
    },
    ("create-from-src",),
)
group_delete = p.action("delete", p.obj({"delete-volumes": p.boolean}))
group_reset_status = p.action("reset_status", p.obj({"status": {"type": ["string", "null"]}}, ("status",)))
group_failover = p.action(
    "failover_replication",
    p.obj({"allow_attached_volume": p.boolean, "secondary_backend_id": p.nullable_string}),
)
group_enable_replication = p.action("enable_replication", {"type": "object"})
group_disable_replication = p.action("disable_replication", {"type": "object"})
group_list_replication = p.action("list_replication_targets", {"type": "object"})

# -- group snapshots -------------------------------------------------------------------------

group_snapshot_create = p.obj(
    {
        "group_snapshot": p.obj(
            {"group_id": p.uuid, "name": p.name_allow_zero_min_length, "description": p.description},
            ("group_id",),
        )
    },
    ("group_snapshot",),
)
group_snapshot_reset_status = p.action("reset_status", p.obj({"status": {"type": "string"}}, ("status",)))
