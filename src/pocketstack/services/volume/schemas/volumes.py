"""Volume create/update and metadata bodies (``cinder/api/schemas/volumes.py`` et al.)."""

from __future__ import annotations

from typing import Any

from pocketstack.core.validation import Versioned
from pocketstack.services.volume.schemas import parts as p

_volume_props: dict[str, Any] = {
    "name": p.name_or_null,
    "description": p.name_or_null,
    "display_name": p.name_or_null,
    "display_description": p.name_or_null,
    "volume_type": p.name_allow_zero_min_length,
    "metadata": p.metadata_allows_null,
    "snapshot_id": p.optional_uuid,
    "source_volid": p.optional_uuid,
    "consistencygroup_id": p.optional_uuid,
    "size": p.volume_size_allows_null,
    "availability_zone": p.availability_zone,
    "multiattach": p.optional_boolean,
    "image_id": {"type": ["string", "null"], "minLength": 0, "maxLength": 255},
    "imageRef": {"type": ["string", "null"], "minLength": 0, "maxLength": 255},
}


def _create(extra: dict[str, Any], additional: bool) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "volume": {"type": "object", "properties": {**_volume_props, **extra}, "additionalProperties": additional},
            "OS-SCH-HNT:scheduler_hints": {"type": ["object", "null"]},
        },
        "required": ["volume"],
        "additionalProperties": False,
    }


_group = {"group_id": {"type": ["string", "null"], "minLength": 0, "maxLength": 255}}
_backup = {"backup_id": p.optional_uuid}

create = Versioned(
    ("3.0", "3.12", _create({}, True)),
    ("3.13", "3.46", _create(_group, True)),
    ("3.47", "3.52", _create({**_group, **_backup}, True)),
    ("3.53", None, _create({**_group, **_backup}, False)),
)

_update_volume: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": p.name_or_null,
        "description": p.name_or_null,
        "display_name": p.name_or_null,
        "display_description": p.name_or_null,
        "metadata": p.extra_specs,
    },
    "additionalProperties": False,
}
_update_volume_353 = {
    **_update_volume,
    "anyOf": [
        {"required": ["name"]},
        {"required": ["description"]},
        {"required": ["display_name"]},
        {"required": ["display_description"]},
        {"required": ["metadata"]},
    ],
}
update = Versioned(
    ("3.0", "3.52", p.obj({"volume": _update_volume}, ("volume",))),
    ("3.53", None, p.obj({"volume": _update_volume_353}, ("volume",))),
)

metadata_create: dict[str, Any] = p.obj({"metadata": p.extra_specs}, ("metadata",))
metadata_item: dict[str, Any] = p.obj({"meta": {**p.extra_specs, "minProperties": 1, "maxProperties": 1}}, ("meta",))

# The action route takes any object; the handler validates the one action it names.
any_action: dict[str, Any] = {"type": "object"}
