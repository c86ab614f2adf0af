"""The JSON schemas Glance publishes at ``/v2/schemas/...``, which it also validates with.

The image schema is Glance's base schema plus the custom properties DevStack installs
(``schema-image.json``); unknown properties are allowed but must be strings.
"""

from __future__ import annotations

from typing import Any

DISK_FORMATS = ("ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop")
CONTAINER_FORMATS = ("ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed")
STATUSES = (
    "queued",
    "saving",
    "active",
    "killed",
    "deleted",
    "uploading",
    "importing",
    "pending_delete",
    "deactivated",
)
VISIBILITIES = ("community", "public", "private", "shared")
UUID_PATTERN = "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$"
_PROPERTY_KEYS_DOC = "https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html"


def _p(type_: Any, description: str, **kw: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"type": type_}
    read_only = kw.pop("read_only", False)
    if read_only:
        out["readOnly"] = True
    out["description"] = description
    out.update(kw)
    return out


def _custom(type_: Any, description: str, **kw: Any) -> dict[str, Any]:
    return {"type": type_, "description": description, **kw, "is_base": False}


def _locations() -> dict[str, Any]:
    validation = {
        "description": (
            "Values to be used to populate the corresponding image properties. If the image status is not "
            "'queued', values must exactly match those already contained in the image properties."
        ),
        "type": "object",
        "writeOnly": True,
        "additionalProperties": False,
        "properties": {
            "checksum": {"type": "string", "minLength": 32, "maxLength": 32},
            "os_hash_algo": {"type": "string", "maxLength": 64},
            "os_hash_value": {"type": "string", "maxLength": 128},
        },
        "required": ["os_hash_algo", "os_hash_value"],
    }
    return {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "url": {"type": "string", "maxLength": 255},
                "metadata": {"type": "object"},
                "validation_data": validation,
            },
            "required": ["url", "metadata"],
        },
        "description": "A set of URLs to access the image file kept in external store",
    }


def image_properties() -> dict[str, Any]:
    ro = {"read_only": True}
    return {
        "id": _p("string", "An identifier for the image", pattern=UUID_PATTERN),
        "name": _p(["null", "string"], "Descriptive name for the image", maxLength=255),
        "status": _p("string", "Status of the image", enum=list(STATUSES), **ro),
        "visibility": _p("string", "Scope of image accessibility", enum=list(VISIBILITIES)),
        "protected": _p("boolean", "If true, image will not be deletable."),
        "os_hidden": _p("boolean", "If true, image will not appear in default image list response."),
        "checksum": _p(["null", "string"], "md5 hash of image contents.", maxLength=32, **ro),
        "os_hash_algo": _p(["null", "string"], "Algorithm to calculate the os_hash_value", maxLength=64, **ro),
        "os_hash_value": _p(
            ["null", "string"],
            "Hexdigest of the image contents using the algorithm specified by the os_hash_algo",
            maxLength=128,
            **ro,
        ),
        "owner": _p(["null", "string"], "Owner of the image", maxLength=255),
        "size": _p(["null", "integer"], "Size of image file in bytes", **ro),
        "virtual_size": _p(["null", "integer"], "Virtual size of image in bytes", **ro),
        "container_format": _p(["null", "string"], "Format of the container", enum=[None, *CONTAINER_FORMATS]),
        "disk_format": _p(["null", "string"], "Format of the disk", enum=[None, *DISK_FORMATS]),
        "created_at": _p("string", "Date and time of image registration", **ro),
        "updated_at": _p("string", "Date and time of the last image modification", **ro),
        "tags": _p("array", "List of strings related to the image", items={"type": "string", "maxLength": 255}),
        "direct_url": _p("string", "URL to access the image file kept in external store", **ro),
        "min_ram": _p("integer", "Amount of ram (in MB) required to boot image."),
        "min_disk": _p("integer", "Amount of disk space (in GB) required to boot image."),
        "self": _p("string", "An image self url", **ro),
        "file": _p("string", "An image file url", **ro),
        "stores": _p(
            "string",
            "Store in which image data resides.  Only present when the operator has enabled multiple stores.  "
            "May be a comma-separated list of store identifiers.",
            **ro,
        ),
        "schema": _p("string", "An image schema url", **ro),
        "locations": _locations(),
        # DevStack's schema-image.json
        "kernel_id": {
            "type": ["null", "string"],
            "pattern": UUID_PATTERN,
            "description": "ID of image stored in Glance that should be used as the kernel when booting an "
            "AMI-style image.",
            "is_base": False,
        },
        "ramdisk_id": {
            "type": ["null", "string"],
            "pattern": UUID_PATTERN,
            "description": "ID of image stored in Glance that should be used as the ramdisk when booting an "
            "AMI-style image.",
            "is_base": False,
        },
        "instance_uuid": _custom(
            "string",
            "Metadata which can be used to record which instance this image is associated with. "
            "(Informational only, does not create an instance snapshot.)",
        ),
        "architecture": _custom("string", f"Operating system architecture as specified in {_PROPERTY_KEYS_DOC}"),
        "os_distro": _custom(
            "string", f"Common name of operating system distribution as specified in {_PROPERTY_KEYS_DOC}"
        ),
        "os_version": _custom("string", "Operating system version as specified by the distributor."),
        "description": _custom("string", "A human-readable string describing this image."),
        "cinder_encryption_key_id": _custom(
            "string",
            "Identifier in the OpenStack Key Management Service for the encryption key for the Block Storage "
            "Service to use when mounting a volume created from this image",
        ),
        "cinder_encryption_key_deletion_policy": _custom(
            "string",
            "States the condition under which the Image Service will delete the object associated with the "
            "'cinder_encryption_key_id' image property.  If this property is missing, the Image Service will "
            "take no action",
            enum=["on_image_deletion", "do_not_delete"],
        ),
    }


def image_schema() -> dict[str, Any]:
    return {
        "name": "image",
        "properties": image_properties(),
        "additionalProperties": {"type": "string"},
        "links": [
            {"rel": "self", "href": "{self}"},
            {"rel": "enclosure", "href": "{file}"},
            {"rel": "describedby", "href": "{schema}"},
        ],
    }


def images_schema() -> dict[str, Any]:
    return {
        "name": "images",
        "properties": {
            "images": {"type": "array", "items": image_schema()},
            "first": {"type": "string"},
            "next": {"type": "string"},
            "schema": {"type": "string"},
        },
        "links": [
            {"rel": "first", "href": "{first}"},
            {"rel": "next", "href": "{next}"},
            {"rel": "describedby", "href": "{schema}"},
        ],
    }


def member_schema() -> dict[str, Any]:
    return {
        "name": "member",
        "properties": {
            "member_id": {"type": "string", "description": "An identifier for the image member (tenantId)"},
            "image_id": {"type": "string", "description": "An identifier for the image", "pattern": UUID_PATTERN},
            "created_at": {"type": "string", "description": "Date and time of image member creation"},
            "updated_at": {
                "type": "string",
                "description": "Date and time of last modification of image member",
            },
            "status": {
                "type": "string",
                "description": "The status of this image member",
                "enum": ["pending", "accepted", "rejected"],
            },
            "schema": {"readOnly": True, "type": "string"},
        },
    }


def members_schema() -> dict[str, Any]:
    return {
        "name": "members",
        "properties": {
            "members": {"type": "array", "items": member_schema()},
            "schema": {"type": "string"},
        },
        "links": [{"rel": "describedby", "href": "{schema}"}],
    }


# What requests are validated against (built once; the published documents above are fresh copies).
IMAGE_VALIDATION = image_schema()
BASE_PROPERTIES = frozenset(
    (
        "checksum",
        "created_at",
        "container_format",
        "disk_format",
        "id",
        "min_disk",
        "min_ram",
        "name",
        "size",
        "virtual_size",
        "status",
        "tags",
        "owner",
        "updated_at",
        "visibility",
        "protected",
        "os_hidden",
    )
)
