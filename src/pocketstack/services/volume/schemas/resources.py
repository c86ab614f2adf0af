"""Bodies of snapshots, backups, attachments, types, QoS, quotas, services, transfers."""

from __future__ import annotations

from typing import Any

from pocketstack.core.validation import Versioned
from pocketstack.services.volume.schemas import parts as p

# -- snapshots -------------------------------------------------------------------------------

snapshot_create = p.obj(
    {
        "snapshot": p.obj(
            {
                "name": p.name_allow_zero_min_length,
                "display_name": p.name_allow_zero_min_length,
                "description": p.description,
                "volume_id": p.uuid_allow_null,
                "force": p.boolean,
                "metadata": p.metadata_allows_null,
            },
            ("volume_id",),
        )
    },
    ("snapshot",),
)
snapshot_update = p.obj(
    {
        "snapshot": p.obj(
            {
                "name": p.name_allow_zero_min_length,
                "description": p.description,
                "display_name": p.name_allow_zero_min_length,
                "display_description": p.description,
            },
            anyOf=[
                {"required": ["name"]},
                {"required": ["description"]},
                {"required": ["display_name"]},
                {"required": ["display_description"]},
            ],
        )
    },
    ("snapshot",),
)

# -- backups ---------------------------------------------------------------------------------

_backup: dict[str, Any] = {
    "volume_id": p.uuid,
    "container": {"type": ["string", "null"], "minLength": 0, "maxLength": 255},
    "description": p.description,
    "incremental": p.boolean,
    "force": p.boolean,
    "name": p.name_allow_zero_min_length,
    "snapshot_id": p.uuid_allow_null,
}
_backup_343 = {**_backup, "metadata": p.metadata_allows_null}
_backup_351 = {**_backup_343, "availability_zone": p.nullable_string}
backup_create = Versioned(
    ("3.0", "3.42", p.obj({"backup": p.obj(_backup, ("volume_id",))}, ("backup",))),
    ("3.43", "3.50", p.obj({"backup": p.obj(_backup_343, ("volume_id",))}, ("backup",))),
    ("3.51", None, p.obj({"backup": p.obj(_backup_351, ("volume_id",))}, ("backup",))),
)
_backup_update = {"name": p.name_allow_zero_min_length, "description": p.description}
backup_update = Versioned(
    ("3.9", "3.42", p.obj({"backup": {**p.obj(_backup_update), "type": ["object", "null"]}}, ("backup",))),
    (
        "3.43",
        None,
        p.obj(
            {"backup": {**p.obj({**_backup_update, "metadata": p.extra_specs}), "type": ["object", "null"]}},
            ("backup",),
        ),
    ),
)
backup_restore = p.obj(
    {
        "restore": {
            "type": ["object", "null"],
            "properties": {"name": p.name_allow_zero_min_length, "volume_id": p.uuid_allow_null},
            "additionalProperties": False,
        }
    },
    ("restore",),
)
backup_import = p.obj(
    {
        "backup-record": p.obj(
            {
                "backup_service": {"type": "string", "minLength": 0, "maxLength": 255},
                "backup_url": {"type": "string", "minLength": 1},
            },
            ("backup_service", "backup_url"),
        )
    },
    ("backup-record",),
)

# -- attachments -----------------------------------------------------------------------------

_attachment = {"instance_uuid": p.uuid, "connector": {"type": ["object", "null"]}, "volume_uuid": p.uuid}
attachment_create = Versioned(
    ("3.27", "3.53", p.obj({"attachment": p.obj(_attachment, ("volume_uuid",))}, ("attachment",))),
    (
        "3.54",
        None,
        p.obj(
            {"attachment": p.obj({**_attachment, "mode": {"type": "string", "enum": ["rw", "ro"]}}, ("volume_uuid",))},
            ("attachment",),
        ),
    ),
)
attachment_update = p.obj(
    {"attachment": p.obj({"connector": {"type": "object", "minProperties": 1}}, ("connector",))}, ("attachment",)
)

# -- volume types ----------------------------------------------------------------------------

type_create = p.obj(
    {
        "volume_type": p.obj(
            {
                "name": p.name,
                "description": p.description,
                "extra_specs": p.extra_specs_with_null,
                "os-volume-type-access:is_public": p.boolean,
            },
            ("name",),
        )
    },
    ("volume_type",),
)
type_update = p.obj(
    {"volume_type": p.obj({"name": p.update_name, "description": p.description, "is_public": p.boolean})},
    ("volume_type",),
)
extra_specs_create = p.obj({"extra_specs": p.extra_specs_no_spaces}, ("extra_specs",))
extra_spec_update: dict[str, Any] = {**p.extra_specs_no_spaces, "minProperties": 1, "maxProperties": 1}
# Cinder's schema leaves "default_type" optional and its handler then fails on the missing
# key (a 500); required here, a body without it is the 400 it should be.
default_type_set: dict[str, Any] = {
    "type": "object",
    "properties": {"default_type": p.obj({"volume_type": p.name}, ("volume_type",))},
    "required": ["default_type"],
}

_encryption: dict[str, Any] = {
    # format key_size: Cinder's check that the value is int-like (else InvalidInput, 400)
    "key_size": {"type": ["string", "integer", "null"], "minimum": 0, "maximum": p.DB_MAX_INT, "format": "key_size"},
    "provider": {"type": "string", "minLength": 0, "maxLength": 255},
    "control_location": {"enum": ["front-end", "back-end"]},
    "cipher": {"type": ["string", "null"], "minLength": 0, "maxLength": 255},
}
encryption_create = p.obj(
    {"encryption": p.obj(_encryption, ("provider", "control_location"), additional=True)}, ("encryption",)
)
encryption_update = p.obj({"encryption": p.obj(_encryption, additional=True)}, ("encryption",))

# -- QoS specs -------------------------------------------------------------------------------

qos_create = p.obj(
    {"qos_specs": p.obj({"name": {"type": "string"}}, ("name",), additional=True)},
    ("qos_specs",),
)
qos_set = p.obj({"qos_specs": p.extra_specs_with_null}, ("qos_specs",))
qos_unset = p.obj(
    {"keys": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 255}, "uniqueItems": True}},
    ("keys",),
)

# -- quotas ----------------------------------------------------------------------------------

quota_update = p.obj({"quota_set": {"type": "object", "minProperties": 1}}, ("quota_set",))
quota_class_update = p.obj({"quota_class_set": {"type": "object"}}, ("quota_class_set",))

# -- services --------------------------------------------------------------------------------

_service_target = {
    "binary": {"type": "string", "minLength": 1, "maxLength": 255},
    "host": p.cinder_host,
    "cluster": p.nullable_string,
    "service": {"type": "string", "minLength": 1, "maxLength": 255},
}
service_enable = p.obj(_service_target, anyOf=[{"required": ["binary"]}, {"required": ["service"]}])
service_disable_reason = p.obj(
    {**_service_target, "disabled_reason": {"type": "string", "minLength": 1, "maxLength": 255}},
    anyOf=[{"required": ["binary"]}, {"required": ["service"]}],
)
service_freeze = p.obj({"cluster": p.nullable_string, "host": p.cinder_host})
service_failover = p.obj({"host": p.cinder_host, "backend_id": p.nullable_string, "cluster": p.nullable_string})
service_log = p.obj(
    {
        "binary": {"type": "string"},
        "server": p.nullable_string,
        "prefix": p.nullable_string,
        "level": {"type": ["string", "null"]},
    }
)
host_update: dict[str, Any] = {"type": "object"}

# -- transfers -------------------------------------------------------------------------------

transfer_create = p.obj(
    {"transfer": p.obj({"volume_id": p.uuid, "name": p.name_or_null, "no_snapshots": p.boolean}, ("volume_id",))},
    ("transfer",),
)
transfer_accept = p.obj({"accept": p.obj({"auth_key": {"type": ["string", "integer"]}}, ("auth_key",))}, ("accept",))
