"""Nova's side of volumes: block device mappings, boot from volume, os-volume_attachments.

Cinder's side (the volume's status and attachments) belongs to the volume service;
compute asks it through the contract (``attach_volume``/``detach_volume``/
``create_volume``/``delete_volume``) outside its own transactions, and keeps the
block device mappings that say which volume is on which server at which device.
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import timeutils
from pocketstack.core.context import RequestContext
from pocketstack.core.errors import ApiError, BadRequest, Forbidden, NotFound
from pocketstack.services.compute import instance_actions
from pocketstack.services.compute.models import block_device_mappings as bdm_table
from pocketstack.services.compute.models import instances

if TYPE_CHECKING:
    from pocketstack.services.compute.service import ComputeService

GiB = 1024**3


def not_attached(server_id: str, volume_id: str) -> NotFound:
    return NotFound(f"Instance {server_id} is not attached to volume {volume_id}", kind="VolumeBDMNotFound")


class Volumes:
    def __init__(self, svc: ComputeService) -> None:
        self.svc = svc
        self.db = svc.db

    def _cinder(self) -> Any:
        return self.svc.integration.volume()

    # -- reading ---------------------------------------------------------------------

    def bdms(self, server_id: str) -> list[dict[str, Any]]:
        with self.db.read() as conn:
            rows = conn.execute(
                sa.select(bdm_table).where(bdm_table.c.instance_uuid == server_id).order_by(bdm_table.c.id)
            )
            return [dict(r._mapping) for r in rows]

    def attachment(self, server_id: str, volume_id: str) -> dict[str, Any]:
        for bdm in self.bdms(server_id):
            if bdm["volume_id"] == volume_id:
                return bdm
        raise not_attached(server_id, volume_id)

    def next_device(self, server_id: str) -> str:
        used = {b["device_name"] for b in self.bdms(server_id) if b["device_name"]}
        for letter in "abcdefghijklmnopqrstuvwxyz":
            name = f"/dev/vd{letter}"
            if name not in used:
                return name
        raise BadRequest("The supplied device path (/dev/vdz) is in use.", kind="DevicePathInUse")

    def is_volume_backed(self, inst: dict[str, Any]) -> bool:
        """Nova's is_volume_backed_instance: no image, or a root mapping to a volume."""
        if not inst["image_ref"]:
            return True
        bdms = inst.get("bdms")
        if bdms is None:
            bdms = self.bdms(inst["uuid"])
        return any(b["boot_index"] == 0 and b["destination_type"] == "volume" for b in bdms)

    # -- snapshots of volume-backed servers -------------------------------------------

    def snapshot_volume_backed(
        self, ctx: RequestContext, inst: dict[str, Any], name: str, properties: dict[str, Any], *, request_id: str
    ) -> dict[str, Any]:
        """Nova's snapshot_volume_backed: a forced snapshot of each attached volume and an
        image that is only their mappings (``block_device_mapping``, ``bdm_v2``), no data;
        the createImage action with its ``api_snapshot_instance`` event."""
        mapping: list[dict[str, Any]] = []
        created: list[str] = []
        props = {k: v for k, v in properties.items() if k not in ("block_device_mapping", "bdm_v2")}
        props["root_device_name"] = inst["root_device_name"] or "/dev/vda"
        started = timeutils.utcnow()
        try:
            for bdm in self.bdms(inst["uuid"]):
                if bdm["destination_type"] != "volume" or not bdm["volume_id"]:
                    mapping.append(_image_mapping(bdm))
                    continue
                volume = self.svc.integration.get_volume(ctx, bdm["volume_id"])
                snapshot = self._snapshot(ctx, bdm["volume_id"], f"snapshot for {name}", volume.get("description"))
                created.append(snapshot["id"])
                mapping.append(_image_mapping({**bdm, "source_type": "snapshot", "snapshot_id": snapshot["id"],
                                               "volume_id": None, "image_id": None}))  # fmt: skip
            if mapping:
                props["block_device_mapping"] = json.dumps(mapping)
                props["bdm_v2"] = "True"
            sysmeta = inst["system_metadata"] or {}
            image = self.svc.integration.create_image(
                ctx,
                name=name,
                container_format="bare",
                disk_format="raw",
                properties=props,
                visibility="private",
                data=b"",
                min_disk=int(sysmeta.get("image_min_disk") or 0),
                min_ram=int(sysmeta.get("image_min_ram") or 0),
            )
        except Exception:
            for snapshot_id in created:
                self.svc.integration.delete_snapshot(ctx, snapshot_id)
            raise
        with self.db.write() as conn:
            action_id = instance_actions.start(
                conn, instance_uuid=inst["uuid"], action="createImage", request_id=request_id,
                user_id=ctx.user_id, project_id=ctx.project_id, now=started,
            )  # fmt: skip
            instance_actions.finish(
                conn, action_id, "createImage", host=inst["host"], started=started, events=["api_snapshot_instance"]
            )
        return image

    def _snapshot(self, ctx: RequestContext, volume_id: str, name: str, description: str | None) -> dict[str, Any]:
        try:
            return self.svc.integration.create_snapshot(ctx, volume_id=volume_id, name=name, description=description)
        except ApiError as exc:
            if exc.status == 413:  # Cinder's over-quota: Nova checks the snapshot limit first
                raise Forbidden("Quota exceeded for resources: ['snapshots']", kind="OverQuota") from None
            raise

    # -- boot from volume -------------------------------------------------------------

    def provision_boot(self, ctx: RequestContext, inst: dict[str, Any], *, multiattach_ok: bool = True) -> None:
        """Create and attach the volumes a new server's BDMs ask for (a multiattach volume
        only from microversion 2.60)."""
        cinder = self._cinder()
        for bdm in self.bdms(inst["uuid"]):
            if bdm["destination_type"] != "volume":
                continue
            if cinder is None:
                raise BadRequest(
                    f"Block Device Mapping is Invalid: failed to get volume {bdm['volume_id']}.",
                    kind="InvalidBDMVolume",
                )
            volume_id = bdm["volume_id"]
            created = False
            if bdm["source_type"] == "volume":
                volume = self._get_for_bdm(ctx, volume_id)
                if bdm["boot_index"] == 0 and str(volume.get("bootable", "false")).lower() != "true":
                    raise BadRequest(f"Block Device {volume_id} is not bootable.", kind="InvalidBDMVolumeNotBootable")
                if volume.get("multiattach") and not multiattach_ok:
                    raise BadRequest(
                        "Multiattach volumes are only supported starting with compute API version 2.60.",
                        kind="MultiattachNotSupportedOldMicroversion",
                    )
                if volume.get("status") != "available" and not (
                    volume.get("multiattach") and volume.get("status") == "in-use"
                ):
                    raise BadRequest(
                        f"Invalid volume: volume '{volume_id}' status must be 'available'. "
                        f"Currently in '{volume.get('status')}'",
                        kind="InvalidVolume",
                    )
            else:
                size = bdm["volume_size"] or self._default_size(ctx, inst, bdm)
                volume = self._call(
                    cinder.create_volume,
                    ctx,
                    size=size,
                    name="",
                    image_id=bdm["image_id"],
                    snapshot_id=bdm["snapshot_id"],
                    availability_zone=None,
                    volume_type=bdm["volume_type"],
                )
                volume_id = volume["id"]
                created = True
                self._update(bdm["id"], volume_id=volume_id, created=created)
            attachment = self._call(
                cinder.attach_volume,
                ctx,
                volume_id=volume_id,
                server_id=inst["uuid"],
                host=inst["host"],
                mountpoint=bdm["device_name"],
            )
            self._update(bdm["id"], attachment_id=_attachment_id(attachment))

    def _default_size(self, ctx: RequestContext, inst: dict[str, Any], bdm: dict[str, Any]) -> int:
        if bdm["source_type"] == "image" and bdm["image_id"]:
            image = self.svc.integration.get_image(ctx, bdm["image_id"])
            if image is None:
                raise BadRequest(
                    f"Block Device Mapping is Invalid: failed to get image {bdm['image_id']}.", kind="InvalidBDMImage"
                )
            size = max(int(image.get("size") or 0), int(image.get("min_disk") or 0) * GiB)
            return max(1, -(-size // GiB))
        return max(1, int(inst.get("root_gb") or 1))

    def _get_for_bdm(self, ctx: RequestContext, volume_id: str) -> dict[str, Any]:
        try:
            return self.svc.integration.get_volume(ctx, volume_id)
        except NotFound:
            raise BadRequest(
                f"Block Device Mapping is Invalid: failed to get volume {volume_id}.", kind="InvalidBDMVolume"
            ) from None

    @staticmethod
    def _call(fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except NotFound as exc:
            raise BadRequest(exc.message, kind="VolumeNotFound") from None
        except ApiError as exc:
            if exc.status in (400, 409):
                raise BadRequest(f"Invalid volume: {exc.message}", kind="InvalidVolume") from None
            raise

    def _update(self, bdm_id: int, *, created: bool | None = None, **values: Any) -> None:
        if created:
            values["guest_format"] = values.get("guest_format") or None
            values["device_type"] = "disk"
        with self.db.write() as conn:
            conn.execute(bdm_table.update().where(bdm_table.c.id == bdm_id).values(**values))

    def release_all(self, ctx: RequestContext, server_id: str, *, delete_created: bool = False) -> None:
        """Detach every volume of a server; delete those marked delete_on_termination."""
        cinder = self._cinder()
        for bdm in self.bdms(server_id):
            if not bdm["volume_id"] or cinder is None:
                continue
            try:
                if bdm["attachment_id"]:
                    cinder.detach_volume(ctx, volume_id=bdm["volume_id"], server_id=server_id)
                created = bdm["source_type"] != "volume"
                if bdm["delete_on_termination"] or (delete_created and created):
                    cinder.delete_volume(ctx, bdm["volume_id"])
            except ApiError:
                continue

    # -- os-volume_attachments -------------------------------------------------------------

    def _check_not_attached(self, inst: dict[str, Any], volume: dict[str, Any]) -> None:
        """Nova's _check_volume_already_attached: a volume that is not multiattach may have
        no attachment on any live server; none may be attached twice to one server."""
        with self.db.read() as conn:
            holders = [
                r[0]
                for r in conn.execute(
                    sa.select(bdm_table.c.instance_uuid)
                    .join(instances, instances.c.uuid == bdm_table.c.instance_uuid)
                    .where(bdm_table.c.volume_id == volume["id"], instances.c.deleted.is_(False))
                    .order_by(bdm_table.c.id)
                )
            ]
        if not holders:
            return
        if not volume.get("multiattach"):
            raise BadRequest(
                f"Invalid volume: volume {volume['id']} is already attached to instances: {' '.join(holders)}",
                kind="InvalidVolume",
            )
        if inst["uuid"] in holders:
            raise BadRequest(f"Invalid volume: volume {volume['id']} already attached", kind="InvalidVolume")

    def attach(
        self,
        ctx: RequestContext,
        inst: dict[str, Any],
        volume_id: str,
        *,
        device: str | None,
        tag: str | None,
        delete_on_termination: bool,
        multiattach_ok: bool = False,
    ) -> dict[str, Any]:
        cinder = self._cinder()
        if cinder is None:
            raise NotFound(f"Volume {volume_id} could not be found.", kind="VolumeNotFound")
        volume = self.svc.integration.get_volume(ctx, volume_id)
        self._check_not_attached(inst, volume)
        if inst["vm_state"] == "shelved_offloaded":
            if tag:
                raise BadRequest(
                    "Tagged volume attachment is not supported for shelved-offloaded instances.",
                    kind="VolumeTaggedAttachToShelvedNotSupported",
                )
            if volume.get("multiattach"):
                raise BadRequest(
                    "Attaching multiattach volumes is not supported for shelved-offloaded instances.",
                    kind="MultiattachToShelvedNotSupported",
                )
        if volume.get("multiattach") and not multiattach_ok:
            raise BadRequest(
                "Multiattach volumes are only supported starting with compute API version 2.60.",
                kind="MultiattachNotSupportedOldMicroversion",
            )
        device = device or self.next_device(inst["uuid"])
        if volume.get("status") not in ("available", "in-use") or (
            volume.get("status") == "in-use" and not volume.get("multiattach")
        ):
            raise BadRequest(
                f"Invalid volume: volume '{volume_id}' status must be 'available'. "
                f"Currently in '{volume.get('status')}'",
                kind="InvalidVolume",
            )
        host = inst["host"] if inst["vm_state"] not in ("shelved_offloaded",) else None
        attachment = self._call(
            cinder.attach_volume, ctx, volume_id=volume_id, server_id=inst["uuid"], host=host, mountpoint=device
        )
        row = {
            "uuid": str(uuid.uuid4()),
            "instance_uuid": inst["uuid"],
            "source_type": "volume",
            "destination_type": "volume",
            "device_name": device,
            "boot_index": None,
            "delete_on_termination": delete_on_termination,
            "volume_id": volume_id,
            "tag": tag,
            "attachment_id": _attachment_id(attachment),
            "created_at": timeutils.utcnow(),
        }
        with self.db.write() as conn:
            conn.execute(bdm_table.insert().values(**row))
        return row

    def detach(self, ctx: RequestContext, inst: dict[str, Any], volume_id: str) -> None:
        bdm = self.attachment(inst["uuid"], volume_id)
        if bdm["boot_index"] == 0:
            raise BadRequest("Cannot detach a root device volume", kind="InvalidVolume")
        cinder = self._cinder()
        if cinder is not None:
            self._call(cinder.detach_volume, ctx, volume_id=volume_id, server_id=inst["uuid"])
        with self.db.write() as conn:
            conn.execute(bdm_table.delete().where(bdm_table.c.id == bdm["id"]))

    def forget(self, conn: Connection, volume_id: str) -> None:
        """Drop the mappings of a volume that no longer exists (in the caller's transaction)."""
        conn.execute(bdm_table.delete().where(bdm_table.c.volume_id == volume_id))

    def set_delete_on_termination(self, server_id: str, volume_id: str, value: bool) -> None:
        bdm = self.attachment(server_id, volume_id)
        with self.db.write() as conn:
            conn.execute(bdm_table.update().where(bdm_table.c.id == bdm["id"]).values(delete_on_termination=value))


# the fields of a mapping an image carries (Nova's BlockDeviceDict.get_image_mapping)
_IMAGE_MAPPING_FIELDS = (
    "source_type", "destination_type", "guest_format", "device_type", "disk_bus", "boot_index", "device_name",
    "delete_on_termination", "snapshot_id", "volume_id", "volume_size", "image_id", "no_device", "tag",
    "volume_type", "encrypted", "encryption_secret_uuid", "encryption_format", "encryption_options",
)  # fmt: skip


def _image_mapping(bdm: dict[str, Any]) -> dict[str, Any]:
    out = {k: bdm.get(k) for k in _IMAGE_MAPPING_FIELDS}
    out["delete_on_termination"] = bool(out["delete_on_termination"])
    return out


def _attachment_id(attachment: Any) -> str | None:
    if isinstance(attachment, dict):
        value = attachment.get("id") or attachment.get("attachment_id")
        return str(value) if value else None
    return None
