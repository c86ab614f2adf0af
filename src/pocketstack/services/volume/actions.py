"""Volume actions other than attaching: extend, retype, upload to image, flags, admin resets.

Long-running ones (extend, retype, upload, revert) move the volume to a transient
status and leave a task that finishes them; the rest are immediate, as upstream.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core.context import RequestContext
from pocketstack.core.errors import BadRequest
from pocketstack.core.timeutils import utcnow
from pocketstack.services.volume import errors as e
from pocketstack.services.volume import models as m
from pocketstack.services.volume.attach import Attachments
from pocketstack.services.volume.migration import Migrations
from pocketstack.services.volume.store import one
from pocketstack.services.volume.volumes import GLANCE_CORE, Volumes, or_str
from pocketstack.services.volume.vtypes import is_multiattach

v = m.volumes
gm = m.glance_metadata

VOLUME_STATUSES = (
    "creating", "available", "deleting", "error", "error_deleting", "error_managing", "managing",
    "attaching", "in-use", "detaching", "maintenance", "restoring-backup", "error_restoring", "reserved",
    "awaiting-transfer", "backing-up", "error_backing-up", "error_extending", "downloading", "uploading",
    "retyping", "extending",
)  # fmt: skip
ATTACH_STATUSES = ("attached", "detached")
MIGRATION_STATUSES = ("migrating", "error", "success", "completing", "none", "starting")


def _py_tuple(items: tuple[str, ...]) -> str:
    return "(" + ", ".join(repr(i) for i in items) + ")"


def check_reset_body(body: Mapping[str, Any]) -> None:
    """Cinder's format checks on os-reset_status (volume)."""
    status, attach, migration = body.get("status"), body.get("attach_status"), body.get("migration_status")
    if not status and not attach and not migration:
        raise BadRequest(
            "Must specify 'status', 'attach_status' or 'migration_status' for update.", kind="InvalidParameterValue"
        )
    if status and status.lower() not in VOLUME_STATUSES:
        raise BadRequest(
            f"Volume status: {status} is invalid, valid statuses are: {_py_tuple(VOLUME_STATUSES)}.",
            kind="InvalidParameterValue",
        )
    if attach and attach.lower() not in ATTACH_STATUSES:
        raise BadRequest(
            f"Volume attach status: {attach} is invalid, valid statuses are: {list(ATTACH_STATUSES)}.",
            kind="InvalidParameterValue",
        )
    if migration and migration.lower() not in MIGRATION_STATUSES:
        raise BadRequest(
            f"Volume migration status: {migration} is invalid, valid statuses are: {_py_tuple(MIGRATION_STATUSES)}.",
            kind="InvalidParameterValue",
        )


# (conn, volume row, new size) -> None: tells the compute service an attached volume grew
ExtendNotifier = Callable[[Connection, Mapping[str, Any], int], None]


class VolumeActions:
    def __init__(
        self, volumes: Volumes, attachments: Attachments, notify_extended: ExtendNotifier | None = None
    ) -> None:
        self.volumes = volumes
        self.attachments = attachments
        self.notify_extended = notify_extended
        self.db = volumes.db
        tasks = volumes.tasks
        tasks.register("volume_extend", self._finish_extend)
        tasks.register("volume_retype", self._finish_retype)
        tasks.register("volume_upload", self._finish_upload)
        tasks.register("volume_revert", self._finish_revert)
        tasks.register("volume_reimage", self._finish_reimage)
        self.migrations = Migrations(volumes)

    # -- extend -------------------------------------------------------------------------------

    def extend(self, conn: Connection, volume: Mapping[str, Any], new_size: int, attached_ok: bool) -> None:
        if new_size - volume["size"] <= 0:
            raise e.invalid_input(
                "New size for extend must be greater than current size. "
                f"(current: {volume['size']}, extended: {new_size})."
            )
        expected = "in-use" if attached_ok and volume["status"] == "in-use" else "available"
        if volume["status"] != expected:
            raise e.invalid_volume(
                f"Volume {volume['id']} status must be '{{'status': '{expected}'}}' to extend, "
                f"currently {volume['status']}."
            )
        quotas = self.volumes.quotas
        limits = quotas.limits(conn, volume["project_id"])
        per_volume = limits.get("per_volume_gigabytes", -1)
        if per_volume != -1 and new_size > per_volume:
            raise e.size_exceeds_limit(new_size, per_volume)
        increase = new_size - volume["size"]
        type_name = self.volumes.types.names(conn, [volume["volume_type_id"]]).get(volume["volume_type_id"])
        deltas = {"gigabytes": increase}
        if type_name:
            deltas[f"gigabytes_{type_name}"] = increase
        usage = quotas.usage(conn, volume["project_id"])
        if limits["gigabytes"] != -1 and usage["gigabytes"] + increase > limits["gigabytes"]:
            raise e.over_gigabytes("gigabytes", increase, limits["gigabytes"], usage["gigabytes"])
        quotas.check(conn, volume["project_id"], deltas, kind="volumes", size=increase)
        conn.execute(
            v.update()
            .where(v.c.id == volume["id"])
            .values(status="extending", previous_status=volume["status"], updated_at=utcnow())
        )
        self.volumes.tasks.schedule(conn, "volume", volume["id"], "volume_extend", {"new_size": new_size})

    def _finish_extend(self, conn: Connection, volume_id: str, payload: dict[str, Any]) -> None:
        row = self.volumes.row(conn, volume_id)
        if row is None or row["status"] != "extending":
            return
        new_size = int(payload["new_size"])
        backend = self.volumes.backend_of(row["host"])
        if self.volumes.allocated_gb(conn, backend) + (new_size - row["size"]) > backend.capacity_gb():
            conn.execute(v.update().where(v.c.id == volume_id).values(status="error_extending", updated_at=utcnow()))
            self.volumes.messages.record(
                conn, project_id=row["project_id"], resource_type="VOLUME", resource_uuid=volume_id,
                action="007", detail="010",
            )  # fmt: skip
            return
        status = "in-use" if row["previous_status"] == "in-use" else "available"
        conn.execute(
            v.update()
            .where(v.c.id == volume_id)
            .values(size=new_size, status=status, previous_status=None, updated_at=utcnow())
        )
        if status == "in-use" and self.notify_extended is not None:
            # Cinder's volume manager: nova_api.extend_volume(instance_uuids, volume_id)
            self.notify_extended(conn, row, new_size)

    def extend_completion(self, conn: Connection, volume: Mapping[str, Any], error: bool) -> None:
        if volume["status"] != "extending":
            raise e.invalid_volume("Volume is not being extended.")
        raise e.invalid_volume("Required volume admin metadata is malformed or missing.")

    # -- simple flags ---------------------------------------------------------------------------

    def set_bootable(self, conn: Connection, volume: Mapping[str, Any], bootable: bool) -> None:
        if volume["status"] == "maintenance":
            raise e.invalid_volume("The volume cannot be updated during maintenance.")
        conn.execute(v.update().where(v.c.id == volume["id"]).values(bootable=bootable, updated_at=utcnow()))

    def set_readonly(self, conn: Connection, volume: Mapping[str, Any], readonly: bool) -> None:
        if volume["status"] != "available":
            raise e.invalid_volume(
                f"Volume {volume['id']} status must be available to update readonly flag, "
                f"but current status is: {volume['status']}."
            )
        admin_meta = dict(volume["admin_metadata"] or {})
        admin_meta["readonly"] = str(readonly)
        conn.execute(v.update().where(v.c.id == volume["id"]).values(admin_metadata=admin_meta, updated_at=utcnow()))

    # -- admin ----------------------------------------------------------------------------------

    def reset_status(self, conn: Connection, volume: Mapping[str, Any], body: Mapping[str, Any]) -> None:
        update: dict[str, Any] = {}
        if body.get("status"):
            update["status"] = body["status"].lower()
        if body.get("attach_status"):
            update["attach_status"] = body["attach_status"].lower()
        if body.get("migration_status"):
            migration = body["migration_status"].lower()
            update["migration_status"] = None if migration == "none" else migration
        if update.get("status") in ("deleting", "error_deletingdetaching"):
            raise e.bad_request(f"Cannot reset-state to {update['status']}")
        if update.get("status") == "in-use" and not self.attachments.for_volume(conn, volume["id"]):
            raise e.bad_request("Cannot reset-state to in-use because volume does not have any attachments.")
        update["updated_at"] = utcnow()
        conn.execute(v.update().where(v.c.id == volume["id"]).values(update))
        self.volumes.tasks.cancel(conn, volume["id"])
        if update.get("attach_status") == "detached":
            for att in self.attachments.for_volume(conn, volume["id"]):
                self.attachments.finish_detach(conn, volume["id"], att["id"])
            fresh = self.volumes.row(conn, volume["id"]) or {}
            meta = dict(fresh.get("admin_metadata") or {})
            meta.pop("attached_mode", None)
            conn.execute(v.update().where(v.c.id == volume["id"]).values(admin_metadata=meta))

    def migrate(self, conn: Connection, volume: Mapping[str, Any], host: str | None, lock: bool = False) -> None:
        self.migrations.start(conn, volume, host, lock)

    # -- retype --------------------------------------------------------------------------------

    def retype(
        self,
        conn: Connection,
        ctx: RequestContext,
        volume: Mapping[str, Any],
        new_type_ref: str,
        migration_policy: str | None = None,
    ) -> None:
        types = self.volumes.types
        try:
            new_type = types.get_by_name_or_id(conn, new_type_ref)
        except e.NotFound:
            raise
        src_multi, tgt_multi = bool(volume["multiattach"]), is_multiattach(new_type)
        if src_multi != tgt_multi and volume["status"] != "available":
            raise e.invalid_input(
                "Invalid volume_type passed, retypes affecting multiattach are only allowed on available "
                f"volumes, the specified volume however currently has a status of: {volume['status']}."
            )
        if not (
            volume["status"] in ("available", "in-use")
            and volume["migration_status"] in (None, "deleting", "error", "success")
            and not volume["group_id"]
            and volume["volume_type_id"] != new_type["id"]
        ):
            raise e.invalid_volume(
                "Retype needs volume to be in available or in-use state, not be part of an active migration "
                "or a consistency group, requested type has to be different that the one from the volume, and "
                "for in-use volumes front-end qos specs cannot change."
            )
        quotas = self.volumes.quotas
        deltas = {f"volumes_{new_type['name']}": 1, f"gigabytes_{new_type['name']}": volume["size"]}
        quotas.check(conn, volume["project_id"], deltas, kind="volumes", size=volume["size"])
        conn.execute(
            v.update()
            .where(v.c.id == volume["id"])
            .values(status="retyping", previous_status=volume["status"], multiattach=tgt_multi, updated_at=utcnow())
        )
        payload = {"type_id": new_type["id"], "migration_policy": migration_policy}
        self.volumes.tasks.schedule(conn, "volume", volume["id"], "volume_retype", payload)

    def _finish_retype(self, conn: Connection, volume_id: str, payload: dict[str, Any]) -> None:
        row = self.volumes.row(conn, volume_id)
        if row is None or row["status"] != "retyping":
            return
        self.migrations.finish_retype(conn, row, payload["type_id"], payload.get("migration_policy"))

    # -- upload to image ---------------------------------------------------------------------

    def upload(
        self,
        ctx: RequestContext,
        volume_id: str,
        project_id: str | None,
        admin: bool,
        params: Mapping[str, Any],
        force: bool,
        visibility: str | None,
        protected: bool | None,
    ) -> dict[str, Any]:
        images = self.volumes.image_service()
        if images is None:
            raise e.bad_request("The image service is not available.")
        with self.db.write() as conn:
            volume = self.volumes.visible(conn, volume_id, project_id, admin)
            allowed = ("available", "in-use") if force else ("available",)
            if volume["status"] not in allowed:
                raise e.invalid_volume(f"Volume {volume_id} status must be {or_str(list(allowed))}")
            conn.execute(
                v.update()
                .where(v.c.id == volume_id)
                .values(status="uploading", previous_status=volume["status"], updated_at=utcnow())
            )
            image_meta = {
                k: val for k, val in conn.execute(sa.select(gm.c.key, gm.c.value).where(gm.c.volume_id == volume_id))
            }
            vtype = self.volumes.types.get(conn, volume["volume_type_id"])
        name = params["image_name"]
        container_format = params.get("container_format") or "bare"
        disk_format = params.get("disk_format") or "raw"
        properties = {
            k: val
            for k, val in image_meta.items()
            if k not in GLANCE_CORE and not k.startswith(("os_glance", "img_signature", "signature_verified"))
        }
        try:
            image = images.create_image(
                ctx,
                name=name,
                container_format=container_format,
                disk_format=disk_format,
                properties=properties,
                visibility=visibility or "private",
                source_image_id=image_meta.get("image_id"),
                data=None if image_meta.get("image_id") else b"",
                min_disk=volume["size"],
            )
        except Exception:
            with self.db.write() as conn:
                conn.execute(
                    v.update()
                    .where(v.c.id == volume_id, v.c.status == "uploading")
                    .values(status=volume["status"], previous_status=None)
                )
            raise
        with self.db.write() as conn:
            self.volumes.tasks.schedule(conn, "volume", volume_id, "volume_upload", {"image_id": image["id"]})
        response: dict[str, Any] = {
            "id": volume_id,
            "updated_at": volume["updated_at"],
            "status": "uploading",
            "display_description": volume["description"],
            "size": volume["size"],
            "volume_type": _type_object(vtype),
            "image_id": image["id"],
            "container_format": image.get("container_format", container_format),
            "disk_format": image.get("disk_format", disk_format),
            "image_name": image.get("name", name),
        }
        if protected is not None:
            response["protected"] = bool(image.get("protected", protected))
        if visibility is not None:
            response["visibility"] = image.get("visibility", visibility)
        return response

    def _finish_upload(self, conn: Connection, volume_id: str, payload: dict[str, Any]) -> None:
        row = self.volumes.row(conn, volume_id)
        if row is None or row["status"] != "uploading":
            return
        attached = (
            conn.execute(sa.select(m.attachments.c.id).where(m.attachments.c.volume_id == volume_id).limit(1)).first()
            is not None
        )
        conn.execute(
            v.update()
            .where(v.c.id == volume_id)
            .values(status="in-use" if attached else "available", previous_status=None, updated_at=utcnow())
        )

    # -- image metadata -------------------------------------------------------------------------

    @staticmethod
    def image_metadata(conn: Connection, volume_id: str) -> dict[str, Any]:
        return {k: val for k, val in conn.execute(sa.select(gm.c.key, gm.c.value).where(gm.c.volume_id == volume_id))}

    def set_image_metadata(
        self, conn: Connection, volume: Mapping[str, Any], values: Mapping[str, Any]
    ) -> dict[str, Any]:
        if volume["status"] in ("maintenance", "uploading"):
            raise e.invalid_volume(f"Updating volume metadata is not allowed for volumes in {volume['status']} status.")
        for key, value in values.items():
            where = (gm.c.volume_id == volume["id"]) & (gm.c.key == key)
            if not conn.execute(gm.update().where(where).values(value=str(value))).rowcount:
                conn.execute(gm.insert().values(volume_id=volume["id"], snapshot_id=None, key=key, value=str(value)))
        return self.image_metadata(conn, volume["id"])

    def unset_image_metadata(self, conn: Connection, volume: Mapping[str, Any], key: str) -> None:
        current = self.image_metadata(conn, volume["id"])
        if not current:
            raise e.NotFound(
                f"Glance metadata for volume/snapshot {volume['id']} cannot be found.", kind="GlanceMetadataNotFound"
            )
        if key not in current:
            raise e.NotFound(
                f"Glance metadata for volume/snapshot {volume['id']} cannot be found.", kind="GlanceMetadataNotFound"
            )
        conn.execute(gm.delete().where(gm.c.volume_id == volume["id"], gm.c.key == key))

    # -- revert to snapshot (3.40) ---------------------------------------------------------------

    def revert(self, conn: Connection, volume: Mapping[str, Any], snapshot_id: str | None) -> None:
        s = m.snapshots
        latest = one(
            conn,
            sa.select(s).where(s.c.volume_id == volume["id"]).order_by(s.c.created_at.desc(), s.c.id.desc()).limit(1),
        )
        if latest is None:
            raise e.bad_request(f"Volume {volume['id']} doesn't have any snapshots.")
        if snapshot_id is None or snapshot_id != latest["id"]:
            raise e.bad_request(
                f"Specified snapshot {snapshot_id} is None or not the latest one of volume {volume['id']}."
            )
        if volume["size"] != latest["volume_size"]:
            raise e.bad_request(
                f"Can't revert volume {volume['id']} to its latest snapshot {snapshot_id}. The volume size "
                "must be equal to the snapshot size."
            )
        if volume["status"] != "available":
            raise e.invalid_volume_conflict(
                f"Can't revert volume {volume['id']} to its latest snapshot {snapshot_id}. "
                "Volume's status must be 'available'."
            )
        if latest["status"] != "available":
            raise e.Conflict(
                f"Invalid snapshot: Can't revert volume {volume['id']} to its latest snapshot {snapshot_id}. "
                "Snapshot's status must be 'available'.",
                kind="InvalidSnapshot",
            )
        now = utcnow()
        conn.execute(v.update().where(v.c.id == volume["id"]).values(status="reverting", updated_at=now))
        conn.execute(s.update().where(s.c.id == latest["id"]).values(status="restoring", updated_at=now))
        self.volumes.tasks.schedule(conn, "volume", volume["id"], "volume_revert", {"snapshot_id": latest["id"]})

    def reimage(self, conn: Connection, volume: Mapping[str, Any], image: Mapping[str, Any], reserved: bool) -> None:
        if len(self.attachments.for_volume(conn, volume["id"])) > 1:
            raise e.Conflict("Cannot re-image a volume which is attached to more than one server.")
        allowed = ("available", "error", "reserved") if reserved else ("available", "error")
        if volume["status"] not in allowed:
            raise e.invalid_volume(
                f"Volume {volume['id']} status must be {or_str(list(allowed))}, but current status is "
                f"{volume['status']}."
            )
        Volumes._check_image(image, volume["size"])
        conn.execute(
            v.update()
            .where(v.c.id == volume["id"])
            .values(status="downloading", previous_status=volume["status"], updated_at=utcnow())
        )
        conn.execute(gm.delete().where(gm.c.volume_id == volume["id"]))
        values = {k: val for k, val in (image.get("properties") or {}).items() if val is not None}
        values.update({k: image[k] for k in ("checksum", "container_format", "disk_format", "min_disk", "min_ram",
                                             "size") if image.get(k) is not None})  # fmt: skip
        values["image_id"] = image["id"]
        if image.get("name"):
            values["image_name"] = image["name"]
        for key, value in values.items():
            conn.execute(gm.insert().values(volume_id=volume["id"], snapshot_id=None, key=key, value=str(value)))
        self.volumes.tasks.schedule(conn, "volume", volume["id"], "volume_reimage", {})

    def _finish_reimage(self, conn: Connection, volume_id: str, payload: dict[str, Any]) -> None:
        row = self.volumes.row(conn, volume_id)
        if row is None or row["status"] != "downloading":
            return
        status = row["previous_status"] if row["previous_status"] == "reserved" else "available"
        conn.execute(
            v.update()
            .where(v.c.id == volume_id)
            .values(status=status, previous_status=None, bootable=True, updated_at=utcnow())
        )

    def _finish_revert(self, conn: Connection, volume_id: str, payload: dict[str, Any]) -> None:
        now = utcnow()
        conn.execute(
            v.update().where(v.c.id == volume_id, v.c.status == "reverting").values(status="available", updated_at=now)
        )
        conn.execute(
            m.snapshots.update()
            .where(m.snapshots.c.id == payload["snapshot_id"], m.snapshots.c.status == "restoring")
            .values(status="available", updated_at=now)
        )


def _type_object(vtype: Mapping[str, Any]) -> dict[str, Any]:
    """How Cinder serialises the VolumeType object it puts in the upload response."""
    from pocketstack.core.timeutils import iso_micro

    return {
        "id": vtype["id"],
        "name": vtype["name"],
        "description": vtype["description"],
        "is_public": bool(vtype["is_public"]),
        "extra_specs": dict(vtype.get("extra_specs") or {}),
        "qos_specs_id": vtype["qos_specs_id"],
        "created_at": iso_micro(vtype["created_at"]),
        "updated_at": iso_micro(vtype["updated_at"]),
        "deleted": False,
        "deleted_at": None,
    }
