"""Server request schemas (create, update and the actions), per microversion."""

from __future__ import annotations

import copy
from typing import Any

from pocketstack.core.validation import Versioned
from pocketstack.services.compute import validation as p

image_id = {"type": "string", "format": "uuid"}
image_id_or_empty = {"oneOf": [{"type": "string", "format": "uuid"}, {"type": "string", "maxLength": 0}]}
flavor_ref = {"type": ["string", "integer"], "minLength": 1}
disk_config = {"type": "string", "enum": ["AUTO", "MANUAL"]}
ipv4 = {"type": "string", "format": "ipv4"}
ipv6 = {"type": "string", "format": "ipv6"}
ip_address = {"type": "string", "oneOf": [{"format": "ipv4"}, {"format": "ipv6"}]}
volume_size = {"type": ["integer", "string"], "pattern": "^[0-9]+$", "minimum": 1, "maximum": 0x7FFFFFFF}
user_data = {"type": "string", "format": "base64", "maxLength": 65535}
personality = {
    "type": "array",
    "items": p.obj({"path": {"type": "string"}, "contents": {"type": "string", "format": "base64"}}),
}
trusted_certs = {
    "type": ["array", "null"],
    "minItems": 1,
    "maxItems": 50,
    "uniqueItems": True,
    "items": {"type": "string", "minLength": 1},
}
name_or_none = {"oneOf": [{"type": "string", "minLength": 1, "maxLength": 255}, {"type": "null"}]}

_legacy_bdm_props: dict[str, Any] = {
    "virtual_name": {"type": "string", "maxLength": 255},
    "volume_id": {"type": "string", "format": "uuid"},
    "snapshot_id": {"type": "string", "format": "uuid"},
    "volume_size": volume_size,
    "device_name": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[a-zA-Z0-9._/-]*$"},
    "delete_on_termination": p.boolean,
    "no_device": {},
    "connection_info": {"type": "string", "maxLength": 16777215},
}
_bdm_v2_props: dict[str, Any] = {
    **_legacy_bdm_props,
    "source_type": {"type": "string", "enum": ["volume", "image", "snapshot", "blank"]},
    "uuid": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[a-zA-Z0-9._-]*$"},
    "image_id": image_id,
    "destination_type": {"type": "string", "enum": ["local", "volume"]},
    "guest_format": {"type": "string", "maxLength": 255},
    "device_type": {"type": "string", "maxLength": 255},
    "disk_bus": {"type": "string", "maxLength": 255},
    "boot_index": {"type": ["integer", "string", "null"], "pattern": "^-?[0-9]+$"},
}

_hints = {
    "type": "object",
    "properties": {
        "group": {
            "oneOf": [
                {"type": "array", "items": {"type": "string", "format": "uuid"}},
                {"type": "string", "format": "uuid"},
            ]
        },
        "different_host": {
            "oneOf": [
                {"type": "string", "format": "uuid"},
                {"type": "array", "items": {"type": "string", "format": "uuid"}},
            ]
        },
        "same_host": {"type": ["string", "array"], "items": {"type": "string", "format": "uuid"}},
        "query": {"type": ["string", "object"]},
        "target_cell": p.name,
        "different_cell": {"type": ["string", "array"], "items": {"type": "string"}},
        "build_near_host_ip": ip_address,
        "cidr": {"type": "string", "pattern": "^/[0-9a-f.:]+$"},
    },
    "additionalProperties": True,
}


def _network_items(uuid_format: bool, tag: bool) -> dict[str, Any]:
    props: dict[str, Any] = {
        "fixed_ip": ip_address,
        "port": {"type": ["string", "null"], "format": "uuid"},
        "uuid": {"type": "string", "format": "uuid"} if uuid_format else {"type": "string"},
    }
    if tag:
        props["tag"] = p.tag
    return {"type": "array", "items": p.obj(props)}


def _create(
    *,
    description: bool = False,
    net_tag: bool = False,
    bdm_tag: bool = False,
    auto_networks: bool = False,
    tags: bool = False,
    personality_ok: bool = True,
    certs: bool = False,
    volume_type: bool = False,
    host: bool = False,
    hostname: dict[str, Any] | None = None,
) -> dict[str, Any]:
    bdm = dict(_bdm_v2_props)
    if bdm_tag:
        bdm["tag"] = p.tag
    if volume_type:
        bdm["volume_type"] = {"type": ["string", "null"], "minLength": 0, "maxLength": 255}
    networks: dict[str, Any] = _network_items(auto_networks, net_tag)
    if auto_networks:
        networks = {"oneOf": [networks, {"type": "string", "enum": ["none", "auto"]}]}
    props: dict[str, Any] = {
        "name": p.name,
        "imageRef": image_id_or_empty,
        "flavorRef": flavor_ref,
        "adminPass": {"type": "string"},
        "metadata": p.metadata,
        "networks": networks,
        "OS-DCF:diskConfig": disk_config,
        "accessIPv4": ipv4,
        "accessIPv6": ipv6,
        "availability_zone": p.name,
        "block_device_mapping": {"type": "array", "items": p.obj(_legacy_bdm_props)},
        "block_device_mapping_v2": {"type": "array", "items": p.obj(bdm)},
        "config_drive": p.boolean,
        "key_name": p.name,
        "min_count": p.positive_integer,
        "max_count": p.positive_integer,
        "return_reservation_id": p.boolean,
        "security_groups": {"type": "array", "items": p.obj({"name": p.name})},
        "user_data": user_data,
    }
    if personality_ok:
        props["personality"] = personality
    if description:
        props["description"] = p.description
    if tags:
        props["tags"] = p.tags
    if certs:
        props["trusted_image_certificates"] = trusted_certs
    if host:
        props["host"] = p.fqdn
        props["hypervisor_hostname"] = p.fqdn
    if hostname is not None:
        props["hostname"] = hostname
    required = ["name", "flavorRef"] + (["networks"] if auto_networks else [])
    return p.obj(
        {"server": p.obj(props, required), "os:scheduler_hints": _hints, "OS-SCH-HNT:scheduler_hints": _hints},
        ["server"],
    )


_c219: dict[str, Any] = {"description": True}
_c237: dict[str, Any] = {**_c219, "net_tag": True, "auto_networks": True}
_c242: dict[str, Any] = {**_c237, "bdm_tag": True}
_c252: dict[str, Any] = {**_c242, "tags": True}
_c257: dict[str, Any] = {**_c252, "personality_ok": False}
_c263: dict[str, Any] = {**_c257, "certs": True}
_c267: dict[str, Any] = {**_c263, "volume_type": True}
_c274: dict[str, Any] = {**_c267, "host": True}
create = Versioned(
    ("2.1", "2.18", _create()),
    ("2.19", "2.31", _create(**_c219)),
    ("2.32", "2.32", _create(**_c219, net_tag=True, bdm_tag=True)),
    ("2.33", "2.36", _create(**_c219, net_tag=True)),
    ("2.37", "2.41", _create(**_c237)),
    ("2.42", "2.51", _create(**_c242)),
    ("2.52", "2.56", _create(**_c252)),
    ("2.57", "2.62", _create(**_c257)),
    ("2.63", "2.66", _create(**_c263)),
    ("2.67", "2.73", _create(**_c267)),
    ("2.74", "2.89", _create(**_c274)),
    ("2.90", "2.93", _create(**_c274, hostname=p.hostname)),
    ("2.94", None, _create(**_c274, hostname=p.fqdn)),
)


def _update(description: bool = False, hostname: dict[str, Any] | None = None, pin: bool = False) -> dict[str, Any]:
    props: dict[str, Any] = {"name": p.name, "OS-DCF:diskConfig": disk_config, "accessIPv4": ipv4, "accessIPv6": ipv6}
    if description:
        props["description"] = p.description
    if hostname is not None:
        props["hostname"] = hostname
    if pin:
        props["pinned_availability_zone"] = name_or_none
    return p.wrapped("server", p.obj(props))


update = Versioned(
    ("2.1", "2.18", _update()),
    ("2.19", "2.89", _update(True)),
    ("2.90", "2.93", _update(True, p.hostname)),
    ("2.94", "2.103", _update(True, p.fqdn)),
    ("2.104", None, _update(True, p.fqdn, pin=True)),
)


# -- actions (validated by the action dispatcher, per microversion) ----------------------


def _rebuild(
    *,
    description: bool = False,
    key_name: bool = False,
    user_data_ok: bool = False,
    certs: bool = False,
    hostname: dict[str, Any] | None = None,
) -> dict[str, Any]:
    props: dict[str, Any] = {
        "name": p.name,
        "imageRef": image_id,
        "adminPass": {"type": "string"},
        "metadata": p.metadata,
        "preserve_ephemeral": p.boolean,
        "OS-DCF:diskConfig": disk_config,
        "accessIPv4": ipv4,
        "accessIPv6": ipv6,
    }
    if not user_data_ok:
        props["personality"] = personality
    if description:
        props["description"] = p.description
    if key_name:
        props["key_name"] = name_or_none
    if user_data_ok:
        props["user_data"] = {"type": ["string", "null"], "format": "base64", "maxLength": 65535}
    if certs:
        props["trusted_image_certificates"] = trusted_certs
    if hostname is not None:
        props["hostname"] = hostname
    return p.wrapped("rebuild", p.obj(props, ["imageRef"]))


_r257: dict[str, Any] = {"description": True, "key_name": True, "user_data_ok": True}
rebuild = Versioned(
    ("2.1", "2.18", _rebuild()),
    ("2.19", "2.53", _rebuild(description=True)),
    ("2.54", "2.56", _rebuild(description=True, key_name=True)),
    ("2.57", "2.62", _rebuild(**_r257)),
    ("2.63", "2.89", _rebuild(**_r257, certs=True)),
    ("2.90", "2.93", _rebuild(**_r257, certs=True, hostname=p.hostname)),
    ("2.94", None, _rebuild(**_r257, certs=True, hostname=p.fqdn)),
)

resize = p.wrapped("resize", p.obj({"flavorRef": flavor_ref, "OS-DCF:diskConfig": disk_config}, ["flavorRef"]))
create_image = p.wrapped("createImage", p.obj({"name": p.name, "metadata": p.metadata}, ["name"]))
create_backup = p.wrapped(
    "createBackup",
    p.obj(
        {
            "name": p.name,
            "backup_type": {"type": "string"},
            "rotation": p.non_negative_integer,
            "metadata": p.metadata,
        },
        ["name", "backup_type", "rotation"],
    ),
)
reboot = p.wrapped(
    "reboot", p.obj({"type": {"type": "string", "enum": ["HARD", "Hard", "hard", "SOFT", "Soft", "soft"]}}, ["type"])
)


def bare(name: str) -> dict[str, Any]:
    """An action whose value is ignored (``{"os-start": null}``)."""
    return p.obj({name: {}}, [name])


trigger_crash_dump = p.obj({"trigger_crash_dump": {"type": "null"}}, ["trigger_crash_dump"])
change_password = p.wrapped("changePassword", p.obj({"adminPass": {"type": "string"}}, ["adminPass"]))
lock_v273 = p.obj(
    {
        "lock": {
            "type": ["object", "null"],
            "properties": {"locked_reason": {"type": "string", "minLength": 1, "maxLength": 255}},
            "additionalProperties": False,
        }
    },
    ["lock"],
)
rescue = p.obj(
    {
        "rescue": {
            "type": ["object", "null"],
            "properties": {"adminPass": {"type": "string"}, "rescue_image_ref": image_id},
            "additionalProperties": False,
        }
    },
    ["rescue"],
)
reset_state = p.wrapped("os-resetState", p.obj({"state": {"type": "string", "enum": ["active", "error"]}}, ["state"]))
security_group = {
    name: p.wrapped(name, p.obj({"name": {"type": "string", "minLength": 1, "maxLength": 255}}, ["name"]))
    for name in ("addSecurityGroup", "removeSecurityGroup")
}
console_output = p.wrapped(
    "os-getConsoleOutput",
    p.obj({"length": {"type": ["integer", "string", "null"], "pattern": "^-?[0-9]+$", "minimum": -1}}),
)
_unshelve_v277 = p.obj(
    {
        "unshelve": {
            "type": ["object", "null"],
            "properties": {"availability_zone": p.name},
            "additionalProperties": False,
        }
    },
    ["unshelve"],
)
_unshelve_v291 = p.obj(
    {
        "unshelve": {
            "type": ["object", "null"],
            "properties": {
                "availability_zone": {"anyOf": [{"type": ["null"]}, p.name]},
                "host": p.fqdn,
            },
            "additionalProperties": False,
        }
    },
    ["unshelve"],
)
unshelve = Versioned(
    ("2.1", "2.76", bare("unshelve")), ("2.77", "2.90", _unshelve_v277), ("2.91", None, _unshelve_v291)
)
_host: dict[str, Any] = {**p.fqdn, "type": ["string", "null"]}
_migrate_v256 = p.obj(
    {"migrate": {"type": ["object", "null"], "properties": {"host": _host}, "additionalProperties": False}},
    ["migrate"],
)
migrate = Versioned(("2.1", "2.55", bare("migrate")), ("2.56", None, _migrate_v256))
_live_props: dict[str, Any] = {
    "host": _host,
    "block_migration": {**p.boolean, "enum": [*p.BOOLEAN_VALUES, "auto"]},
}
live_migrate = Versioned(
    (
        "2.1",
        "2.24",
        p.wrapped(
            "os-migrateLive",
            p.obj(
                {"host": _host, "block_migration": p.boolean, "disk_over_commit": p.boolean},
                ["block_migration", "disk_over_commit", "host"],
            ),
        ),
    ),
    ("2.25", "2.29", p.wrapped("os-migrateLive", p.obj(_live_props, ["block_migration", "host"]))),
    (
        "2.30",
        "2.67",
        p.wrapped("os-migrateLive", p.obj({**_live_props, "force": p.boolean}, ["block_migration", "host"])),
    ),
    ("2.68", None, p.wrapped("os-migrateLive", p.obj(_live_props, ["block_migration", "host"]))),
)
remote_console = p.wrapped(
    "remote_console",
    p.obj(
        {
            "protocol": {"type": "string", "enum": ["vnc", "spice", "rdp", "serial", "mks"]},
            "type": {
                "type": "string",
                "enum": ["novnc", "xvpvnc", "rdp-html5", "spice-html5", "serial", "webmks", "spice-direct"],
            },
        },
        ["protocol", "type"],
    ),
)
legacy_console = {
    name: p.wrapped(name, p.obj({"type": {"type": "string"}}, ["type"]))
    for name in ("os-getVNCConsole", "os-getSPICEConsole", "os-getRDPConsole", "os-getSerialConsole")
}
_evacuate_props: dict[str, Any] = {"host": p.fqdn, "adminPass": {"type": "string"}}
evacuate = Versioned(
    (
        "2.1",
        "2.13",
        p.wrapped("evacuate", p.obj({**_evacuate_props, "onSharedStorage": p.boolean}, ["onSharedStorage"])),
    ),
    ("2.14", "2.28", p.wrapped("evacuate", p.obj(_evacuate_props))),
    ("2.29", "2.67", p.wrapped("evacuate", p.obj({**_evacuate_props, "force": p.boolean}))),
    ("2.68", None, p.wrapped("evacuate", p.obj(_evacuate_props))),
)
_address = {"type": "string", "oneOf": [{"format": "ipv4"}, {"format": "ipv6"}]}
add_floating_ip = p.wrapped("addFloatingIp", p.obj({"address": _address, "fixed_address": _address}, ["address"]))
remove_floating_ip = p.wrapped("removeFloatingIp", p.obj({"address": _address}, ["address"]))
action = {"type": "object"}  # dispatched on its one key, then validated per action

# -- queries ---------------------------------------------------------------------------------

VALID_SORT_KEYS = [
    "access_ip_v4", "access_ip_v6", "auto_disk_config", "availability_zone", "config_drive", "created_at",
    "display_description", "display_name", "host", "hostname", "image_ref", "instance_type_id", "kernel_id",
    "key_name", "launch_index", "launched_at", "locked_by", "node", "power_state", "progress", "project_id",
    "ramdisk_id", "root_device_name", "task_state", "terminated_at", "updated_at", "user_id", "uuid", "vm_state",
]  # fmt: skip
IGNORED_SORT_KEYS = [
    "architecture", "cell_name", "cleaned", "default_ephemeral_device", "default_swap_device", "deleted",
    "deleted_at", "disable_terminate", "ephemeral_gb", "ephemeral_key_uuid", "id", "key_data", "launched_on",
    "locked", "memory_mb", "os_type", "reservation_id", "root_gb", "shutdown_terminate", "user_data", "vcpus",
    "vm_mode",
]  # fmt: skip
JOINED_TABLE_PARAMS = [
    "block_device_mapping", "services", "metadata", "system_metadata", "info_cache", "security_groups", "pci_devices",
]  # fmt: skip
_q = p.multi({"type": "string"})
_qr = p.multi({"type": "string", "format": "regex"})
_index_props: dict[str, Any] = {
    **{k: _q for k in ("user_id", "project_id", "tenant_id", "launch_index", "image_ref", "image", "vm_state",
                       "task_state", "host", "uuid", "sort_dir", "all_tenants", "soft_deleted", "deleted", "status")},
    **{k: _qr for k in ("kernel_id", "ramdisk_id", "hostname", "key_name", "power_state", "node", "flavor",
                        "reservation_id", "launched_at", "terminated_at", "availability_zone", "name", "display_name",
                        "description", "display_description", "locked_by", "root_device_name", "config_drive",
                        "access_ip_v4", "access_ip_v6", "auto_disk_config", "progress", "ip", "ip6", "created_at")},
    **{k: _q for k in JOINED_TABLE_PARAMS},
    "sort_key": p.multi({"type": "string", "enum": VALID_SORT_KEYS + IGNORED_SORT_KEYS}),
    "changes-since": p.multi({"type": "string", "format": "date-time"}),
    "limit": p.multi(p.non_negative_integer),
    "marker": p.multi({"type": "string"}),
}  # fmt: skip
index_query: dict[str, Any] = {
    "type": "object",
    "properties": _index_props,
    "additionalProperties": True,
    "patternProperties": {"^_": _q},
}
index_query_v226 = copy.deepcopy(index_query)
index_query_v226["properties"].update({k: _qr for k in ("tags", "tags-any", "not-tags", "not-tags-any")})
index_query_v266 = copy.deepcopy(index_query_v226)
index_query_v266["properties"]["changes-before"] = p.multi({"type": "string", "format": "date-time"})
index_query_v273 = copy.deepcopy(index_query_v266)
index_query_v273["properties"]["sort_key"] = p.multi(
    {"type": "string", "enum": ["locked"] + VALID_SORT_KEYS + [k for k in IGNORED_SORT_KEYS if k != "locked"]}
)
index_query_v273["properties"]["locked"] = _q
index_query_v275 = copy.deepcopy(index_query_v273)
index_query_v275["properties"]["sort_key"] = p.multi({"type": "string", "enum": ["locked", *VALID_SORT_KEYS]})
index_query_v275["additionalProperties"] = False
show_query_v2102 = p.obj({})
