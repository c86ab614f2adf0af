"""Quota set, quota class set, server group schemas."""

from __future__ import annotations

from typing import Any

from pocketstack.core.validation import Versioned
from pocketstack.services.compute import validation as p
from pocketstack.services.compute.quotas import FILE_QUOTAS, NETWORK_QUOTAS, RESOURCES

_quota: dict[str, Any] = {"type": ["integer", "string"], "pattern": "^-?[0-9]+$", "minimum": -1, "maximum": 0x7FFFFFFF}


def _set(hidden: list[str], force: bool = True, key: str = "quota_set") -> dict[str, Any]:
    props: dict[str, Any] = {r: _quota for r in RESOURCES if r not in hidden}
    if force:
        props["force"] = p.boolean
    return p.wrapped(key, p.obj(props))


quota_set_update = Versioned(
    ("2.1", "2.35", _set([])),
    ("2.36", "2.56", _set(NETWORK_QUOTAS)),
    ("2.57", None, _set(NETWORK_QUOTAS + FILE_QUOTAS)),
)
_sg = ["server_groups", "server_group_members"]
quota_class_update = Versioned(
    ("2.1", "2.49", _set(_sg, False, "quota_class_set")),
    ("2.50", "2.56", _set(NETWORK_QUOTAS, False, "quota_class_set")),
    ("2.57", None, _set(NETWORK_QUOTAS + FILE_QUOTAS, False, "quota_class_set")),
)

_policies_v21 = {
    "type": "array",
    "prefixItems": [{"type": "string", "enum": ["anti-affinity", "affinity"]}],
    "uniqueItems": True,
    "minItems": 1,
    "maxItems": 1,
    "items": False,
}
_policies_v215 = {
    **_policies_v21,
    "prefixItems": [{"type": "string", "enum": ["anti-affinity", "affinity", "soft-anti-affinity", "soft-affinity"]}],
}
server_group_create = Versioned(
    (
        "2.1",
        "2.14",
        p.wrapped("server_group", p.obj({"name": p.name, "policies": _policies_v21}, ["name", "policies"])),
    ),
    (
        "2.15",
        "2.63",
        p.wrapped("server_group", p.obj({"name": p.name, "policies": _policies_v215}, ["name", "policies"])),
    ),
    (
        "2.64",
        None,
        p.wrapped(
            "server_group",
            p.obj(
                {
                    "name": p.name,
                    "policy": {
                        "type": "string",
                        "enum": ["anti-affinity", "affinity", "soft-anti-affinity", "soft-affinity"],
                    },
                    "rules": p.obj({"max_server_per_host": p.positive_integer}),
                },
                ["name", "policy"],
            ),
        ),
    ),
)
