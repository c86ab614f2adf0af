"""Volume action bodies (``cinder/api/schemas/volume_actions.py``, ``admin_actions.py``, …)."""

from __future__ import annotations

from typing import Any

from pocketstack.services.volume.schemas import parts as p

attach = p.action(
    "os-attach",
    p.obj(
        {
            "instance_uuid": p.uuid,
            "mountpoint": {"type": "string", "minLength": 1, "maxLength": 255},
            "host_name": {"type": "string", "maxLength": 255},
            "mode": {"type": "string", "enum": ["rw", "ro"]},
        },
        ("mountpoint",),
        anyOf=[{"required": ["instance_uuid"]}, {"required": ["host_name"]}],
    ),
)
detach = p.action(
    "os-detach",
    {"type": ["object", "null"], "properties": {"attachment_id": p.uuid_allow_null}, "additionalProperties": False},
)
reserve = p.action("os-reserve")
unreserve = p.action("os-unreserve")
begin_detaching = p.action("os-begin_detaching")
roll_detaching = p.action("os-roll_detaching")
extend = p.action("os-extend", p.obj({"new_size": p.volume_size}, ("new_size",)))
retype = p.action(
    "os-retype",
    p.obj(
        {
            "new_type": {"type": "string"},
            "migration_policy": {"type": ["string", "null"], "enum": ["on-demand", "never"]},
        },
        ("new_type",),
    ),
)
set_bootable = p.action("os-set_bootable", p.obj({"bootable": p.boolean}, ("bootable",)))
_upload: dict[str, Any] = {
    "image_name": {"type": "string", "minLength": 1, "maxLength": 255},
    "force": p.boolean,
    "disk_format": {"type": "string", "enum": ["raw", "vmdk", "vdi", "qcow2", "vhd", "vhdx", "ploop"]},
    "container_format": p.description,
}
upload_image = p.action("os-volume_upload_image", p.obj(_upload, ("image_name",)))
upload_image_v31 = p.action(
    "os-volume_upload_image",
    p.obj(
        {
            **_upload,
            "visibility": {"type": "string", "enum": ["community", "public", "private", "shared"]},
            "protected": p.boolean,
        },
        ("image_name",),
    ),
)
initialize_connection = p.action(
    "os-initialize_connection", p.obj({"connector": {"type": ["object", "string"]}}, ("connector",))
)
terminate_connection = p.action(
    "os-terminate_connection", p.obj({"connector": {"type": ["string", "object", "null"]}}, ("connector",))
)
readonly = p.action("os-update_readonly_flag", p.obj({"readonly": p.boolean}, ("readonly",)))
reimage = p.action("os-reimage", p.obj({"image_id": p.uuid, "reimage_reserved": p.boolean}, ("image_id",)))
force_delete = p.action("os-force_delete")
reset_status = p.action(
    "os-reset_status",
    p.obj(
        {
            "status": {"type": ["string", "null"]},
            "attach_status": {"type": ["string", "null"]},
            "migration_status": {"type": ["string", "null"]},
        }
    ),
)
force_detach = p.action(
    "os-force_detach",
    p.obj({"connector": {"type": ["string", "object", "null"]}, "attachment_id": {"type": ["string", "null"]}}),
)
migrate = p.action(
    "os-migrate_volume",
    p.obj(
        {"host": {"type": "string", "maxLength": 255}, "force_host_copy": p.boolean, "lock_volume": p.boolean},
        ("host",),
    ),
)
migrate_v316 = p.action(
    "os-migrate_volume",
    p.obj(
        {
            "host": {"type": ["string", "null"], "maxLength": 255},
            "force_host_copy": p.boolean,
            "lock_volume": p.boolean,
            "cluster": p.name_allow_zero_min_length,
        }
    ),
)
migrate_completion = p.action(
    "os-migrate_volume_completion",
    p.obj({"new_volume": p.uuid, "error": {"type": ["string", "null", "boolean"]}}, ("new_volume",)),
)
extend_completion = p.action("os-extend_volume_completion", p.obj({"error": {"type": ["string", "null", "boolean"]}}))
show_image_metadata = p.action("os-show_image_metadata")
set_image_metadata = p.action("os-set_image_metadata", p.obj({"metadata": p.image_metadata}, ("metadata",)))
unset_image_metadata = p.action(
    "os-unset_image_metadata", p.obj({"key": {"type": "string", "minLength": 1, "maxLength": 255}}, ("key",))
)
revert = {
    "type": "object",
    "properties": {
        "revert": {
            "type": "object",
            "properties": {"snapshot_id": {"type": ["string", "null"]}},
            "additionalProperties": True,
        }
    },
    "required": ["revert"],
    "additionalProperties": False,
}
unmanage = p.action("os-unmanage")

# snapshots
snapshot_reset_status = p.action("os-reset_status", p.obj({"status": {"type": "string"}}, ("status",)))
snapshot_update_status = p.action(
    "os-update_snapshot_status",
    p.obj(
        {
            "status": {"type": "string", "enum": ["available", "error", "error_deleting", "deleting", "creating"]},
            "progress": {"type": ["string", "null"]},
        },
        ("status",),
    ),
)

# backups
backup_reset_status = p.action("os-reset_status", p.obj({"status": {"type": "string"}}, ("status",)))

# attachments
complete = p.action("os-complete")

# volume types
add_project_access = p.action(
    "addProjectAccess", p.obj({"project": {"type": "string", "minLength": 1, "maxLength": 255}}, ("project",))
)
remove_project_access = p.action(
    "removeProjectAccess", p.obj({"project": {"type": "string", "minLength": 1, "maxLength": 255}}, ("project",))
)
