"""Volumes: create (empty, from image, snapshot, clone or backup), read, update, delete.

State machine (Cinder's): ``creating`` → ``available`` | ``error``; ``available`` →
``deleting`` → gone.  Attach states live in ``attach.py``; other actions in
``actions.py``.  Every check-then-write (status guards, quota) runs inside one write
transaction, so concurrent requests see each other's effects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import ids
from pocketstack.core.context import RequestContext
from pocketstack.core.db import Database
from pocketstack.core.timeutils import utcnow
from pocketstack.services.volume import errors as e
from pocketstack.services.volume import models as m
from pocketstack.services.volume import scheduler
from pocketstack.services.volume.drivers.base import Backend
from pocketstack.services.volume.messages import Messages
from pocketstack.services.volume.quota import VolumeQuotas
from pocketstack.services.volume.store import KeyValues, Store, many, one
from pocketstack.services.volume.tasks import TaskQueue
from pocketstack.services.volume.vtypes import VolumeTypes, is_multiattach

v = m.volumes
meta_kv = KeyValues(m.volume_metadata, "volume_id")
GB = 1024**3

DELETABLE = ("available", "error", "error_restoring", "error_extending", "error_managing")
MIGRATION_OK = (None, "deleting", "error", "success")
IMAGE_ATTRIBUTES = ("checksum", "container_format", "disk_format", "min_disk", "min_ram", "size")
# Image properties that stay in Glance's core set rather than being copied back on upload.
GLANCE_CORE = (
    "checksum",
    "container_format",
    "disk_format",
    "image_name",
    "image_id",
    "min_disk",
    "min_ram",
    "name",
    "size",
)


def or_str(items: tuple[str, ...] | list[str]) -> str:
    return " or ".join(items)


def check_length(value: str | None, name: str, max_length: int = 255) -> None:
    if value and len(value.strip()) > max_length:
        raise e.invalid_input(f"{name} has {len(value.strip())} characters, more than {max_length}.")


def backend_keeps(conn: Connection, name: str, kind: str, host: str, size: int, origin: str | None = None) -> None:
    """The storage of an unmanaged volume or snapshot stays on the backend, manageable again."""
    bo = m.backend_objects
    conn.execute(bo.delete().where(bo.c.name == name))
    conn.execute(bo.insert().values(name=name, kind=kind, host=host, size=size, origin=origin, created_at=utcnow()))


class Volumes(Store):
    def __init__(
        self,
        db: Database,
        *,
        types: VolumeTypes,
        quotas: VolumeQuotas,
        tasks: TaskQueue,
        backend: Backend,
        messages: Messages,
        image_service: Callable[[], Any],
        backends: Sequence[Backend] | None = None,
        on_deleted: Callable[[Connection, str], None] | None = None,
    ) -> None:
        super().__init__(db)
        self.types = types
        self.quotas = quotas
        self.tasks = tasks
        self.backend = backend  # the first backend: its zone, timing and connection details
        self.backends = list(backends or [backend])
        self.messages = messages
        self.image_service = image_service
        self.on_deleted = on_deleted  # (conn, volume_id): the volume is gone (compute drops its mappings)
        self._service_uuids: dict[str, str | None] = {}
        tasks.register("volume_create", self._finish_create)
        tasks.register("volume_delete", self._finish_delete)

    # -- reading -----------------------------------------------------------------------------

    @staticmethod
    def row(conn: Connection, volume_id: str) -> dict[str, Any] | None:
        return one(conn, sa.select(v).where(v.c.id == volume_id))

    def visible(self, conn: Connection, volume_id: str, project_id: str | None, admin: bool) -> dict[str, Any]:
        """The volume, or Cinder's 404 when it is missing or in another project."""
        row = self.row(conn, volume_id)
        if row is None or (not admin and row["project_id"] != project_id):
            raise e.volume_not_found(volume_id)
        return row

    def get(self, volume_id: str, project_id: str | None, admin: bool) -> dict[str, Any]:
        with self.db.read() as conn:
            return self.decorate(conn, [self.visible(conn, volume_id, project_id, admin)])[0]

    def decorate(self, conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Add what the views show besides the row: metadata, image metadata, attachments, type."""
        if not rows:
            return rows
        vids = [r["id"] for r in rows]
        metadata = meta_kv.get_many(conn, vids)
        gm = m.glance_metadata
        image_meta: dict[str, dict[str, Any]] = {i: {} for i in vids}
        for vid, key, value in conn.execute(
            sa.select(gm.c.volume_id, gm.c.key, gm.c.value).where(gm.c.volume_id.in_(vids))
        ):
            image_meta[vid][key] = value
        a = m.attachments
        attachments: dict[str, list[dict[str, Any]]] = {i: [] for i in vids}
        for att in many(conn, sa.select(a).where(a.c.volume_id.in_(vids)).order_by(a.c.created_at, a.c.id)):
            attachments[att["volume_id"]].append(att)
        type_names = self.types.names(conn, [r["volume_type_id"] for r in rows])
        for r in rows:
            r["metadata"] = metadata[r["id"]]
            r["image_metadata"] = image_meta[r["id"]]
            r["attachments"] = attachments[r["id"]]
            r["volume_type_name"] = type_names.get(r["volume_type_id"])
        return rows

    # -- creating ------------------------------------------------------------------------------

    def create(
        self,
        ctx: RequestContext,
        admin: bool,
        *,
        size: int | None,
        name: str | None = None,
        description: str | None = None,
        volume_type: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        snapshot_id: str | None = None,
        source_volid: str | None = None,
        image: Mapping[str, Any] | None = None,
        backup_id: str | None = None,
        availability_zone: str | None = None,
        group_id: str | None = None,
        bootable: bool | None = None,
        request_id: str | None = None,
        restore_backup_id: str | None = None,
    ) -> dict[str, Any]:
        """Create a volume row in ``creating`` and start its build; returns the new row."""
        with self.db.write() as conn:
            return self.create_in(
                conn, ctx, admin, size=size, name=name, description=description, volume_type=volume_type,
                metadata=metadata, snapshot_id=snapshot_id, source_volid=source_volid, image=image,
                backup_id=backup_id, availability_zone=availability_zone, group_id=group_id, bootable=bootable,
                request_id=request_id, restore_backup_id=restore_backup_id,
            )  # fmt: skip

    def create_in(
        self,
        conn: Connection,
        ctx: RequestContext,
        admin: bool,
        *,
        size: int | None,
        name: str | None = None,
        description: str | None = None,
        volume_type: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        snapshot_id: str | None = None,
        source_volid: str | None = None,
        image: Mapping[str, Any] | None = None,
        backup_id: str | None = None,
        availability_zone: str | None = None,
        group_id: str | None = None,
        bootable: bool | None = None,
        request_id: str | None = None,
        restore_backup_id: str | None = None,
        group_source: bool = False,
    ) -> dict[str, Any]:
        """``create`` inside the caller's write transaction (groups create several at once)."""
        project_id = ctx.project_id or ""
        vtype = None
        if volume_type:
            vtype = self.types.get_by_name_or_id(conn, volume_type, project_id, admin)
        snapshot = source = backup = None
        if snapshot_id is not None:
            snapshot = one(conn, sa.select(m.snapshots).where(m.snapshots.c.id == snapshot_id))
            if snapshot is None or (not admin and snapshot["project_id"] != project_id):
                raise e.snapshot_not_found(snapshot_id)
        if source_volid is not None:
            source = self.visible(conn, source_volid, project_id, admin)
        if backup_id is not None:
            backup = one(conn, sa.select(m.backups).where(m.backups.c.id == backup_id))
            if backup is None or (not admin and backup["project_id"] != project_id):
                raise e.backup_not_found(backup_id)
        given = [
            k
            for k, val in (
                ("snapshot", snapshot),
                ("imageRef", image),
                ("source_volume", source),
                ("backup", backup),
            )
            if val is not None
        ]
        if len(given) > 1:
            names = ", ".join(sorted(n.replace("_", " ") for n in ("snapshot", "imageRef", "source_volume", "backup")))
            raise e.invalid_input(f"May specify only one of {names}")
        if snapshot is not None and snapshot["status"] != "available":
            raise e.invalid_snapshot("Originating snapshot status must be one of 'available' values")
        if source is not None and source["status"] not in ("available", "in-use"):
            raise e.invalid_volume("Originating source volume status must be one of 'available, in-use' values")
        if backup is not None and backup["status"] != "available":
            raise e.invalid_backup("Originating backup status must be one of 'available' values")
        size = self._size(size, snapshot, source, backup)
        if image is not None:
            self._check_image(image, size)
        if group_id is not None and not group_source:
            self._check_group(conn, group_id, vtype)
        vtype = self._volume_type(conn, vtype, snapshot, source, image)
        az = self._availability_zone(conn, availability_zone, snapshot, source)
        for key, value in (metadata or {}).items():
            check_length(key, f"Metadata key: {key}")
            check_length(value, f"Value for metadata key: {key}")
        encrypted = self.types.encryption(conn, vtype["id"]) is not None
        if encrypted and is_multiattach(vtype):
            raise e.invalid_volume("Multiattach cannot be used with encrypted volumes.")
        self.quotas.check(conn, project_id, self.quotas.volume_deltas(vtype["name"], size), kind="volumes", size=size)
        now = utcnow()
        if bootable is None:
            bootable = (
                bool(image)
                or bool(source and source["bootable"])
                or bool(snapshot and self._snapshot_source_bootable(conn, snapshot))
                or bool(backup and backup["bootable"])
            )
        row = {
            "id": ids.uuid_id(),
            "project_id": project_id,
            "user_id": ctx.user_id,
            "name": name,
            "description": description,
            "size": size,
            "status": "creating",
            "previous_status": None,
            "attach_status": "detached",
            "migration_status": None,
            "availability_zone": az,
            "volume_type_id": vtype["id"],
            "snapshot_id": snapshot["id"] if snapshot else None,
            "source_volid": source["id"] if source else None,
            "backup_id": backup["id"] if backup else None,
            "group_id": group_id,
            "bootable": bool(bootable),
            "multiattach": is_multiattach(vtype),
            "encryption_key_id": ids.uuid_id() if encrypted else None,
            "replication_status": "disabled",
            "host": None,
            "cluster_name": None,
            "provider_id": None,
            "service_uuid": None,
            "shared_targets": False,
            "use_quota": True,
            "admin_metadata": {},
            "launched_at": None,
            "terminated_at": None,
            "created_at": now,
            "updated_at": now,
        }
        conn.execute(v.insert().values(row))
        meta_kv.merge(conn, row["id"], dict(metadata or {}))
        image_meta = self._copy_image_metadata(conn, row["id"], image, snapshot, source)
        created = {
            **row,
            "metadata": {k: metadata[k] for k in sorted(metadata or {})} if metadata else {},
            "image_metadata": image_meta,
            "attachments": [],
            "volume_type_name": vtype["name"],
        }
        # the scheduler works from the type as it was asked for (Cinder's request_spec)
        payload = {
            "request_id": request_id,
            "restore_backup_id": restore_backup_id,
            "extra_specs": dict(vtype["extra_specs"]),
        }
        self.tasks.schedule(conn, "volume", row["id"], "volume_create", payload)
        return created

    @staticmethod
    def _check_group(conn: Connection, group_id: str, vtype: Mapping[str, Any] | None) -> None:
        """A volume made into a group names one of the group's volume types."""
        if vtype is None:
            raise e.invalid_input("volume_type must be provided when creating a volume in a group.")
        group = one(conn, sa.select(m.groups.c.volume_type_ids).where(m.groups.c.id == group_id))
        if group is None or vtype["id"] not in (group["volume_type_ids"] or []):
            raise e.invalid_input(
                f"Invalid volume_type provided: {vtype['name']} (requested type must be supported by this group)."
            )

    @staticmethod
    def _size(size: int | None, snapshot: Any, source: Any, backup: Any) -> int:
        if not size:
            if source is not None:
                size = source["size"]
            elif snapshot is not None:
                size = snapshot["volume_size"]
            elif backup is not None:
                size = backup["size"]
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            raise e.invalid_input(f"Volume size '{size}' must be an integer and greater than 0")
        if source is not None and size < source["size"]:
            raise e.invalid_input(
                f"Volume size '{size}'GB cannot be smaller than original volume size  {source['size']}GB. "
                "They must be >= original volume size."
            )
        if source is None and snapshot is not None and size < snapshot["volume_size"]:
            raise e.invalid_input(
                f"Volume size '{size}'GB cannot be smaller than the snapshot size {snapshot['volume_size']}GB. "
                "They must be >= original snapshot size."
            )
        if source is None and snapshot is None and backup is not None and size < backup["size"]:
            raise e.invalid_input(
                f"Volume size {size}GB cannot be smaller than the backup size {backup['size']}GB. "
                "It must be >= backup size."
            )
        return size

    @staticmethod
    def _check_image(image: Mapping[str, Any], size: int) -> None:
        if image.get("status") != "active":
            raise e.invalid_input(f"Image {image['id']} is not active.")
        image_gb = (int(image.get("size") or 0) + GB - 1) // GB
        if image_gb > size:
            raise e.invalid_input(f"Size of specified image {image_gb}GB is larger than volume size {size}GB.")
        min_disk = int(image.get("min_disk") or 0)
        if size < min_disk:
            raise e.invalid_input(f"Volume size {size}GB cannot be smaller than the image minDisk size {min_disk}GB.")

    def _volume_type(
        self, conn: Connection, vtype: dict[str, Any] | None, snapshot: Any, source: Any, image: Any
    ) -> dict[str, Any]:
        if vtype is not None:
            return vtype
        if source is not None:
            return self.types.get(conn, source["volume_type_id"])
        if snapshot is not None:
            return self.types.get(conn, snapshot["volume_type_id"])
        image_type = ((image or {}).get("properties") or {}).get("cinder_img_volume_type")
        if image_type:
            return self.types.get_by_name_or_id(conn, str(image_type))
        return self.types.default(conn, None)

    def _availability_zone(self, conn: Connection, requested: str | None, snapshot: Any, source: Any) -> str:
        az = requested
        if az is None and snapshot is not None:
            parent = self.row(conn, snapshot["volume_id"])
            az = parent["availability_zone"] if parent else None
        if az is None and source is not None:
            az = source["availability_zone"]
        az = az or self.backend.availability_zone
        if az != self.backend.availability_zone:
            raise e.BadRequest(f"Availability zone '{az}' is invalid.", kind="InvalidAvailabilityZone")
        return az

    def _snapshot_source_bootable(self, conn: Connection, snapshot: Mapping[str, Any]) -> bool:
        parent = self.row(conn, snapshot["volume_id"])
        return bool(parent and parent["bootable"])

    def _copy_image_metadata(
        self, conn: Connection, volume_id: str, image: Any, snapshot: Any, source: Any
    ) -> dict[str, str]:
        gm = m.glance_metadata
        values: dict[str, Any] = {}
        if image is not None:
            values = {k: val for k, val in (image.get("properties") or {}).items() if val is not None}
            for key in IMAGE_ATTRIBUTES:
                if image.get(key) is not None:
                    values[key] = image[key]
            values["image_id"] = image["id"]
            if image.get("name"):
                values["image_name"] = image["name"]
        elif snapshot is not None:
            found = conn.execute(sa.select(gm.c.key, gm.c.value).where(gm.c.snapshot_id == snapshot["id"]))
            values = {k: val for k, val in found}
        elif source is not None:
            found = conn.execute(sa.select(gm.c.key, gm.c.value).where(gm.c.volume_id == source["id"]))
            values = {k: val for k, val in found}
        if values:
            inserts = [
                {"volume_id": volume_id, "snapshot_id": None, "key": k, "value": str(x)} for k, x in values.items()
            ]
            conn.execute(gm.insert(), inserts)
        return {k: str(x) for k, x in values.items()}

    def _finish_create(self, conn: Connection, volume_id: str, payload: dict[str, Any]) -> None:
        """The backend's side of a create: place the volume, or fail for lack of room."""
        row = self.row(conn, volume_id)
        if row is None or row["status"] != "creating":
            return
        now = utcnow()
        specs = payload.get("extra_specs")
        if specs is None:
            specs = self.types.get(conn, row["volume_type_id"])["extra_specs"]
        placed = scheduler.choose(
            conn,
            self._candidates(conn, row),
            size_increase=row["size"],
            extra_specs=specs,
            zone=row["availability_zone"],
        )
        if placed is None:
            conn.execute(v.update().where(v.c.id == volume_id).values(status="error", updated_at=now))
            self.messages.record(
                conn,
                project_id=row["project_id"],
                resource_type="VOLUME",
                resource_uuid=volume_id,
                action="001",
                detail="003",
                request_id=payload.get("request_id"),
            )
            return
        conn.execute(
            v.update()
            .where(v.c.id == volume_id)
            .values(
                status="restoring-backup" if payload.get("restore_backup_id") else "available",
                host=placed.pool,
                service_uuid=self.service_uuid(conn, placed.host),
                launched_at=now,
                updated_at=now,
            )
        )

    def _candidates(self, conn: Connection, row: Mapping[str, Any]) -> list[Backend]:
        """Clones and volumes from snapshots stay on their source's backend (as LVM must)."""
        source_id = row["source_volid"]
        if row["snapshot_id"]:
            source_id = conn.execute(
                sa.select(m.snapshots.c.volume_id).where(m.snapshots.c.id == row["snapshot_id"])
            ).scalar()
        source = self.row(conn, source_id) if source_id else None
        if source is not None and source["host"]:
            return [self.backend_of(source["host"])]
        return self.backends

    def backend_of(self, host: str | None) -> Backend:
        return scheduler.backend_of(self.backends, host)

    def allocated_gb(self, conn: Connection, backend: Backend | None = None) -> int:
        return scheduler.allocated_gb(conn, backend or self.backend)

    def service_uuid(self, conn: Connection, host: str | None = None) -> str | None:
        """A cinder-volume service's uuid (written once at bootstrap, never changed)."""
        host = host or self.backend.host
        if self._service_uuids.get(host) is None:
            s = m.services
            self._service_uuids[host] = conn.execute(
                sa.select(s.c.uuid).where(s.c.binary == "cinder-volume", s.c.host == host)
            ).scalar()
        return self._service_uuids[host]

    # -- updating --------------------------------------------------------------------------------

    def update(self, volume_id: str, project_id: str | None, admin: bool, changes: Mapping[str, Any]) -> dict[str, Any]:
        with self.db.write() as conn:
            row = self.visible(conn, volume_id, project_id, admin)
            if row["status"] == "maintenance":
                raise e.invalid_volume("The volume cannot be updated during maintenance.")
            values: dict[str, Any] = {"updated_at": utcnow()}
            for key in ("name", "description", "bootable"):
                if key in changes:
                    values[key] = changes[key]
            conn.execute(v.update().where(v.c.id == volume_id).values(values))
            if "metadata" in changes:
                meta_kv.replace(conn, volume_id, changes["metadata"] or {})
            return self.decorate(conn, [self.visible(conn, volume_id, project_id, admin)])[0]

    # -- metadata ---------------------------------------------------------------------------------

    def metadata(self, volume_id: str, project_id: str | None, admin: bool) -> dict[str, Any]:
        with self.db.read() as conn:
            self.visible(conn, volume_id, project_id, admin)
            return meta_kv.get(conn, volume_id)

    def set_metadata(
        self, volume_id: str, project_id: str | None, admin: bool, values: Mapping[str, Any], replace: bool
    ) -> dict[str, Any]:
        with self.db.write() as conn:
            row = self.visible(conn, volume_id, project_id, admin)
            if row["status"] in ("maintenance", "uploading"):
                raise e.invalid_volume(
                    f"Updating volume metadata is not allowed for volumes in {row['status']} status."
                )
            for key, value in values.items():
                check_length(key, f"Metadata key: {key}")
                check_length(value, f"Value for metadata key: {key}")
            if replace:
                meta_kv.replace(conn, volume_id, values)
            else:
                meta_kv.merge(conn, volume_id, values)
            conn.execute(v.update().where(v.c.id == volume_id).values(updated_at=utcnow()))
            return meta_kv.get(conn, volume_id)

    def delete_metadata(self, volume_id: str, project_id: str | None, admin: bool, key: str) -> None:
        with self.db.write() as conn:
            row = self.visible(conn, volume_id, project_id, admin)
            if row["status"] in ("maintenance", "uploading"):
                raise e.invalid_volume(
                    f"Deleting volume metadata is not allowed for volumes in {row['status']} status."
                )
            if not meta_kv.delete_key(conn, volume_id, key):
                raise e.NotFound(f"Volume {volume_id} has no metadata with key {key}.", kind="VolumeMetadataNotFound")

    # -- deleting ----------------------------------------------------------------------------------

    def delete(
        self, volume_id: str, project_id: str | None, admin: bool, *, cascade: bool = False, force: bool = False
    ) -> None:
        with self.db.write() as conn:
            row = self.visible(conn, volume_id, project_id, admin)
            self.start_delete(conn, row, admin=admin, cascade=cascade, force=force)

    def start_delete(
        self,
        conn: Connection,
        row: Mapping[str, Any],
        *,
        admin: bool,
        cascade: bool,
        force: bool,
        unmanage: bool = False,
    ) -> None:
        """Delete (or, with ``unmanage``, forget while the backend keeps the storage)."""
        volume_id = row["id"]
        if not row["host"]:
            # never placed on a backend (scheduling failed or still creating): gone at once
            self.tasks.cancel(conn, volume_id)
            conn.execute(v.delete().where(v.c.id == volume_id))
            return
        snaps = many(conn, sa.select(m.snapshots).where(m.snapshots.c.volume_id == volume_id))
        ok = (
            row["attach_status"] != "attached"
            and row["migration_status"] in MIGRATION_OK
            and row["group_id"] is None
            and (force or row["status"] in DELETABLE)
        )
        if ok:
            if cascade:
                if not force and any(s["status"] not in ("available", "error") for s in snaps):
                    ok = False
                if not admin and any(s["project_id"] != row["project_id"] for s in snaps):
                    ok = False
            elif snaps:
                ok = False
        if not ok:
            status = "" if force else f"status must be {or_str(DELETABLE)} and"
            raise e.invalid_volume(
                f"Volume {status} must not be migrating, attached, belong to a group, have snapshots, "
                "awaiting a transfer, or be disassociated from snapshots after volume transfer."
            )
        now = utcnow()
        status = "unmanaging" if unmanage else "deleting"
        conn.execute(v.update().where(v.c.id == volume_id).values(status=status, terminated_at=now, updated_at=now))
        if cascade:
            conn.execute(
                m.snapshots.update()
                .where(m.snapshots.c.volume_id == volume_id)
                .values(status="deleting", updated_at=now)
            )
        self.tasks.cancel(conn, volume_id)
        self.tasks.schedule(conn, "volume", volume_id, "volume_delete", {"cascade": cascade, "unmanage": unmanage})

    def _finish_delete(self, conn: Connection, volume_id: str, payload: dict[str, Any]) -> None:
        row = self.row(conn, volume_id)
        if row is None or row["status"] not in ("deleting", "unmanaging"):
            return
        if row["status"] == "unmanaging":
            backend_keeps(conn, f"volume-{volume_id}", "volume", row["host"] or self.backend.pool, row["size"])
        snap_ids = [s for (s,) in conn.execute(sa.select(m.snapshots.c.id).where(m.snapshots.c.volume_id == volume_id))]
        if snap_ids:
            conn.execute(m.glance_metadata.delete().where(m.glance_metadata.c.snapshot_id.in_(snap_ids)))
            conn.execute(m.snapshots.delete().where(m.snapshots.c.id.in_(snap_ids)))
        conn.execute(v.delete().where(v.c.id == volume_id))
        if self.on_deleted is not None:
            self.on_deleted(conn, volume_id)

    # -- summary -------------------------------------------------------------------------------------

    def summary(self, project_id: str | None, all_projects: bool) -> tuple[int, int, dict[str, list[str]]]:
        with self.db.read() as conn:
            where = [] if all_projects else [v.c.project_id == project_id]
            count, size = conn.execute(
                sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(v.c.size), 0)).where(*where)
            ).one()
            vm = m.volume_metadata
            stmt = sa.select(vm.c.key, vm.c.value).join(v, v.c.id == vm.c.volume_id).where(*where).distinct()
            metadata: dict[str, list[str]] = {}
            for key, value in conn.execute(stmt.order_by(vm.c.key, vm.c.value)):
                metadata.setdefault(key, []).append(value)
            return int(count), int(size), metadata
