"""Block device mappings of a new server, as Nova takes and checks them.

``from_api`` is Nova's ``BlockDeviceDict.from_api`` (the format checks of the servers
API); ``image_defined`` reads the mappings a volume-backed server's snapshot image
carries (``block_device_mapping`` with ``bdm_v2``); ``validate`` is the compute API's
``_check_and_transform_bdm`` and ``_validate_bdm``: boot sequence, sources that exist,
sizes that are given, ephemeral and swap disks the flavor allows — each with Nova's 400.
Mappings are dicts with Nova's field names (``volume_id``, ``snapshot_id``, ``image_id``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from pocketstack.core.errors import BadRequest, NotFound
from pocketstack.services.compute.validation import as_bool

ROOT_DEVICE = "vda"  # Nova's root device name when none is given
MAX_LOCAL = 3  # [DEFAULT] max_local_block_devices
DISK_BUSES = frozenset({"fdc", "ide", "sata", "scsi", "usb", "virtio", "xen", "lxc", "uml"})
GiB = 1024**3

# the fields a mapping has (nova.block_device.bdm_new_fields, less connection_info)
FIELDS = (
    "source_type", "destination_type", "guest_format", "device_type", "disk_bus", "boot_index", "device_name",
    "delete_on_termination", "snapshot_id", "volume_id", "volume_size", "image_id", "no_device", "tag",
    "volume_type", "encrypted", "encryption_secret_uuid", "encryption_format", "encryption_options",
)  # fmt: skip


class Lookups(Protocol):
    """What the checks read from the image and block storage services, as the caller."""

    def image(self, image_id: str) -> dict[str, Any] | None: ...

    def volume(self, volume_id: str) -> dict[str, Any]: ...  # NotFound when it isn't there

    def snapshot(self, snapshot_id: str) -> dict[str, Any]: ...  # NotFound when it isn't there

    def volume_type(self, name_or_id: str) -> dict[str, Any] | None: ...


def invalid(details: str) -> BadRequest:
    return BadRequest(f"Block Device Mapping is Invalid: {details}", kind="InvalidBDMFormat")


def strip_dev(name: str | None) -> str:
    return (name or "").removeprefix("/dev/")


def _int_or_none(value: Any) -> int | None:
    if value in (None, "", "none", "None"):
        return None
    return int(value)


def _mapping(**values: Any) -> dict[str, Any]:
    out: dict[str, Any] = dict.fromkeys(FIELDS)
    out.update(values)
    out["delete_on_termination"] = bool(out["delete_on_termination"])
    return out


# -- the API's formats -------------------------------------------------------------------------


def from_api(items: Iterable[dict[str, Any]], *, image_uuid_specified: bool) -> list[dict[str, Any]]:
    """``block_device_mapping_v2`` entries (schema-valid) as mappings; Nova's format 400s."""
    out = []
    for raw in items:
        item = dict(raw)
        if item.get("no_device"):
            continue
        source = item.get("source_type")
        if not source:
            raise invalid("Some required fields are missing")
        uuid = item.get("uuid")
        dest = item.get("destination_type")
        if source == "blank" and uuid:
            raise invalid("Invalid device UUID.")
        if source != "blank" and not uuid:
            raise invalid("Missing device UUID.")
        boot = _int_or_none(item.get("boot_index"))
        if source == "image" and dest == "local" and not (image_uuid_specified and boot == 0):
            raise invalid("Mapping image to local is not supported.")
        if dest == "local" and item.get("volume_type"):
            raise invalid("Specifying a volume_type with destination_type=local is not supported.")
        if source == "volume" and item.get("volume_type"):
            raise invalid("Specifying volume type to existing volume is not supported.")
        dest = dest or ("volume" if source in ("volume", "snapshot") else "local")
        out.append(
            _mapping(
                source_type=source,
                destination_type=dest,
                boot_index=boot,
                device_name=_device(item.get("device_name")),
                delete_on_termination=as_bool(item.get("delete_on_termination", False)),
                volume_size=_int_or_none(item.get("volume_size")),
                guest_format=item.get("guest_format"),
                device_type=item.get("device_type"),
                disk_bus=item.get("disk_bus"),
                volume_type=item.get("volume_type"),
                tag=item.get("tag"),
                **({f"{source}_id": uuid} if source != "blank" else {}),
            )
        )
    return out


def from_legacy(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``block_device_mapping`` (the legacy format, Nova's from_legacy): swap and ephemeral
    disks by virtual name, volumes and snapshots, the root at ``*da``."""
    out = []
    for item in items:
        if item.get("no_device"):
            continue
        virtual = str(item.get("virtual_name") or "")
        device = _device(item.get("device_name"))
        common = {
            "device_name": device,
            "volume_size": _int_or_none(item.get("volume_size")),
            "delete_on_termination": as_bool(item.get("delete_on_termination", False)),
        }
        if virtual == "swap" or (virtual.startswith("ephemeral") and virtual[9:].isdigit()):
            common["delete_on_termination"] = True
            out.append(_mapping(source_type="blank", destination_type="local",
                                guest_format="swap" if virtual == "swap" else None, **common))  # fmt: skip
            continue
        boot = 0 if strip_dev(device).endswith("da") else None
        if item.get("snapshot_id"):
            out.append(_mapping(source_type="snapshot", destination_type="volume", snapshot_id=item["snapshot_id"],
                                boot_index=boot, **common))  # fmt: skip
        elif item.get("volume_id"):
            out.append(_mapping(source_type="volume", destination_type="volume", volume_id=item["volume_id"],
                                boot_index=boot, **common))  # fmt: skip
        else:
            raise invalid("Unrecognized legacy format.")
    return out


def _device(name: str | None) -> str | None:
    if name is None:
        return None
    return name if name.startswith("/dev/") else f"/dev/{name}"


def image_defined(image: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The mappings a volume-backed server's snapshot image carries (bdm_v2 form only)."""
    props = (image or {}).get("properties") or {}
    raw = props.get("block_device_mapping")
    if not raw or not as_bool(props.get("bdm_v2", False)):
        return []
    try:
        items = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return []
    if not isinstance(items, list):
        return []
    out = []
    for item in items:
        if not isinstance(item, dict) or item.get("source_type") not in ("volume", "image", "snapshot", "blank"):
            continue  # image properties anyone may set: what is not a mapping is ignored
        values = {k: item.get(k) for k in FIELDS}
        try:
            values["boot_index"] = _int_or_none(values["boot_index"])
            values["volume_size"] = _int_or_none(values["volume_size"])
        except (TypeError, ValueError):
            continue
        for key in ("device_name", "snapshot_id", "volume_id", "image_id", "volume_type", "guest_format"):
            if values[key] is not None and not isinstance(values[key], str):
                values[key] = None
        values["destination_type"] = "local" if values["destination_type"] == "local" else "volume"
        out.append(_mapping(**values))
    return out


def merge(image_bdms: Sequence[dict[str, Any]], requested: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Nova's _merge_bdms_lists: the request's mappings, then the image's on other devices;
    an image that brings its own root replaces the image disk the request implies."""
    if any(b["boot_index"] == 0 for b in image_bdms):
        requested = [b for b in requested if not (b["boot_index"] == 0 and b["source_type"] == "image")]
    taken = {b["device_name"] for b in requested if b["device_name"]}
    return [*requested, *(b for b in image_bdms if b["device_name"] not in taken)]


def root(bdms: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    return next((b for b in bdms if b["boot_index"] == 0), None)


# -- the compute API's checks -------------------------------------------------------------------


def check_root_device(requested: Sequence[dict[str, Any]], image_ref: str) -> None:
    """A server booted from an image keeps the root device name for its image disk."""
    if not image_ref:
        return
    for b in requested:
        if b["destination_type"] == "volume" and strip_dev(b["device_name"]) == ROOT_DEVICE:
            raise BadRequest(
                f"The volume cannot be assigned the same device name as the root device {ROOT_DEVICE}",
                kind="InvalidRequest",
            )


def validate(
    bdms: list[dict[str, Any]],
    *,
    flavor: dict[str, Any],
    lookups: Lookups,
    image_ref: str,
    instances: int,
) -> None:
    """Nova's checks of a new server's mappings, the image's merged in (sizes filled in
    from volumes and snapshots, volume types named by name); raises Nova's 400s."""
    if instances > 1 and any(b["source_type"] == "volume" for b in bdms):
        raise BadRequest("Cannot attach one or more volumes to multiple instances", kind="InvalidRequest")
    boot_indexes = sorted(b["boot_index"] for b in bdms if b["boot_index"] is not None and b["boot_index"] >= 0)
    if not boot_indexes or any(i != v for i, v in enumerate(boot_indexes)):
        raise BadRequest(
            "Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping "
            "combination is not valid.",
            kind="InvalidBDMBootSequence",
        )
    boot = root(bdms)
    if boot is not None and boot["destination_type"] == "volume":
        _check_boot_source(boot, lookups)
    for b in bdms:
        _check_one(b, lookups, image_ref)
    _check_local(bdms, flavor)


def _check_boot_source(boot: dict[str, Any], lookups: Lookups) -> None:
    """get_bdm_image_metadata: the root's source must be there (and a volume bootable)."""
    volume_id = boot["volume_id"]
    if boot["snapshot_id"]:
        try:
            volume_id = lookups.snapshot(boot["snapshot_id"]).get("volume_id")
        except NotFound:
            raise BadRequest(f"Snapshot {boot['snapshot_id']} could not be found.", kind="SnapshotNotFound") from None
    if boot["image_id"]:
        if lookups.image(boot["image_id"]) is None:
            raise BadRequest(
                f"Block Device Mapping is Invalid: failed to get image {boot['image_id']}.", kind="InvalidBDMImage"
            )
    elif volume_id:
        try:
            volume = lookups.volume(volume_id)
        except NotFound:
            raise BadRequest(
                f"Block Device Mapping is Invalid: failed to get volume {volume_id}.", kind="InvalidBDMVolume"
            ) from None
        if not as_bool(volume.get("bootable", True)):
            raise BadRequest(f"Block Device {volume_id} is not bootable.", kind="InvalidBDMVolumeNotBootable")


def _check_one(b: dict[str, Any], lookups: Lookups, image_ref: str) -> None:
    if b["volume_type"]:
        found = lookups.volume_type(str(b["volume_type"]))
        if found is None:
            raise BadRequest(f"Volume type {b['volume_type']} could not be found.", kind="VolumeTypeNotFound")
        b["volume_type"] = found["name"]
    if b["image_id"] is not None:
        image = lookups.image(b["image_id"]) if b["image_id"] != image_ref else {}
        if image is None:
            raise BadRequest(
                f"Block Device Mapping is Invalid: failed to get image {b['image_id']}.", kind="InvalidBDMImage"
            )
        if b["source_type"] == "image" and b["destination_type"] == "volume":
            if not b["volume_size"]:
                raise BadRequest(
                    "Images with destination_type 'volume' need to have a non-zero size specified", kind="InvalidBDM"
                )
            min_disk = int((image or lookups.image(b["image_id"]) or {}).get("min_disk") or 0)
            if b["boot_index"] == 0 and min_disk > b["volume_size"]:
                raise BadRequest(
                    "Volume is smaller than the minimum size specified in image metadata. Volume size is "
                    f"{b['volume_size'] * GiB} bytes, minimum size is {min_disk * GiB} bytes.",
                    kind="VolumeSmallerThanMinDisk",
                )
    elif b["volume_id"] is not None:
        try:
            volume = lookups.volume(b["volume_id"])
        except NotFound:
            raise BadRequest(f"Volume {b['volume_id']} could not be found.", kind="VolumeNotFound") from None
        b["volume_size"] = volume.get("size")
    elif b["snapshot_id"] is not None:
        try:
            snapshot = lookups.snapshot(b["snapshot_id"])
        except NotFound:
            raise BadRequest(
                f"Block Device Mapping is Invalid: failed to get snapshot {b['snapshot_id']}.",
                kind="InvalidBDMSnapshot",
            ) from None
        b["volume_size"] = b["volume_size"] or snapshot.get("size")
    elif b["source_type"] == "blank" and b["destination_type"] == "volume" and not b["volume_size"]:
        raise BadRequest(
            "Blank volumes (source: 'blank', dest: 'volume') need to have non-zero size", kind="InvalidBDM"
        )
    if b["disk_bus"] and b["disk_bus"] not in DISK_BUSES:
        raise BadRequest("Block Device Mapping is Invalid.", kind="InvalidBDMDiskBus")  # Nova's msg_fmr typo


def _check_local(bdms: list[dict[str, Any]], flavor: dict[str, Any]) -> None:
    def blank_local(b: dict[str, Any]) -> bool:
        return bool(b["source_type"] == "blank" and b["destination_type"] == "local")

    ephemeral = [b for b in bdms if blank_local(b) and b["guest_format"] != "swap"]
    if sum(b["volume_size"] or flavor["ephemeral_gb"] for b in ephemeral) > flavor["ephemeral_gb"]:
        raise BadRequest(
            "Ephemeral disks requested are larger than the instance type allows. If no size is given in one "
            "block device mapping, flavor ephemeral size will be used.",
            kind="InvalidBDMEphemeralSize",
        )
    swap = [b for b in bdms if blank_local(b) and b["guest_format"] == "swap"]
    if len(swap) > 1:
        raise invalid("More than one swap drive requested.")
    if swap and (swap[0]["volume_size"] or 0) > int(flavor.get("swap") or 0):
        raise BadRequest("Swap drive requested is larger than instance type allows.", kind="InvalidBDMSwapSize")
    if len([b for b in bdms if b["destination_type"] == "local"]) > MAX_LOCAL:
        raise BadRequest(
            "Block Device Mapping is Invalid: You specified more local devices than the limit allows",
            kind="InvalidBDMLocalsLimit",
        )


__all__ = [
    "Lookups",
    "check_root_device",
    "from_api",
    "from_legacy",
    "image_defined",
    "invalid",
    "merge",
    "root",
    "validate",
]
