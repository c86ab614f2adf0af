"""Flavor, extra spec and flavor access request schemas."""

from __future__ import annotations

from typing import Any

from pocketstack.core.validation import Versioned
from pocketstack.services.compute import validation as p

SORT_KEYS = [
    "created_at", "description", "disabled", "ephemeral_gb", "flavorid", "id", "is_public",
    "memory_mb", "name", "root_gb", "rxtx_factor", "swap", "updated_at", "vcpu_weight", "vcpus",
]  # fmt: skip

_volume_size: dict[str, Any] = {
    "type": ["integer", "string"],
    "pattern": "^[0-9]+$",
    "minimum": 1,
    "maximum": 0x7FFFFFFF,
}
_positive = dict(_volume_size)
_non_negative = {**_volume_size, "minimum": 0}
_description: dict[str, Any] = {"type": ["string", "null"], "format": "description", "minLength": 0, "maxLength": 65535}
_rxtx: dict[str, Any] = {
    "type": ["number", "string"],
    "pattern": r"^[0-9]+(\.[0-9]+)?$",
    "exclusiveMinimum": 0,
    "maximum": 3.40282e38,
}


def _create(name: dict[str, Any], description: bool, rxtx: bool) -> dict[str, Any]:
    props: dict[str, Any] = {
        "name": name,
        "id": {
            "type": ["string", "number", "null"],
            "minLength": 1,
            "maxLength": 255,
            "pattern": "^(?! )[a-zA-Z0-9. _-]+(?<! )$",
        },
        "ram": _positive,
        "vcpus": _positive,
        "disk": _non_negative,
        "OS-FLV-EXT-DATA:ephemeral": _non_negative,
        "swap": _non_negative,
        "os-flavor-access:is_public": p.boolean,
    }
    if rxtx:
        props["rxtx_factor"] = _rxtx
    if description:
        props["description"] = _description
    return p.wrapped("flavor", p.obj(props, ["name", "ram", "vcpus", "disk"]))


create = Versioned(
    ("2.1", "2.54", _create(p.name, False, True)),
    ("2.55", "2.101", _create(p.name, True, True)),
    ("2.102", None, _create(p.name, True, False)),
)

update = Versioned(("2.55", None, p.wrapped("flavor", p.obj({"description": _description}, ["description"]))))

_index_props: dict[str, Any] = {
    "limit": p.multi(p.non_negative_integer),
    "marker": p.multi({"type": "string"}),
    "is_public": p.multi({"type": "string"}),
    "minRam": p.multi({"type": "string"}),
    "minDisk": p.multi({"type": "string"}),
    "sort_key": p.multi({"type": "string", "enum": SORT_KEYS}),
    "sort_dir": p.multi({"type": "string", "enum": ["asc", "desc"]}),
}
index_query = p.obj(_index_props, additional=True)
index_query_v275 = p.obj(_index_props)
index_query_v2102 = p.obj(
    {
        **_index_props,
        "name": p.multi({"type": "string"}),
        "sort_key": p.multi({"type": "string", "enum": [k for k in SORT_KEYS if k != "rxtx_factor"]}),
    }
)
strict_query = p.obj({})  # 2.102: no query parameters where none are defined

_specs: dict[str, Any] = {
    "type": "object",
    "patternProperties": {"^[a-zA-Z0-9-_:. ]{1,255}$": {"type": ["string", "number"], "maxLength": 255}},
    "additionalProperties": False,
}
extra_specs_create = p.wrapped("extra_specs", _specs)
extra_specs_update = {**_specs, "minProperties": 1, "maxProperties": 1}

_tenant: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 255}
add_tenant_access = p.wrapped("addTenantAccess", p.obj({"tenant": _tenant}, ["tenant"]))
remove_tenant_access = p.wrapped("removeTenantAccess", p.obj({"tenant": _tenant}, ["tenant"]))
action = {"type": "object"}  # dispatched on its one key, then validated per action
