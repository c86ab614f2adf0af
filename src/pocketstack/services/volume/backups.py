"""Backups: full and incremental; restore to a new or an existing volume.

States are Cinder's: backup ``creating`` → ``available`` (the volume goes
``backing-up`` and back); restore: backup ``restoring``, volume
``restoring-backup`` → both ``available``; delete: ``deleting`` → gone.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import ids
from pocketstack.core.context import RequestContext
from pocketstack.core.errors import BadRequest
from pocketstack.core.timeutils import iso_micro, parse_iso, utcnow
from pocketstack.services.volume import errors as e
from pocketstack.services.volume import models as m
from pocketstack.services.volume.store import Store, one
from pocketstack.services.volume.volumes import Volumes

b = m.backups
v = m.volumes
DEFAULT_CONTAINER = "volumebackups"
BACKUP_SERVICE = "cinder.backup.drivers.swift.SwiftBackupDriver"
STATUSES = ("available", "error")


class Backups(Store):
    def __init__(self, volumes: Volumes) -> None:
        super().__init__(volumes.db)
        self.volumes = volumes
        self.tasks = volumes.tasks
        self.tasks.register("backup_create", self._finish_create)
        self.tasks.register("backup_delete", self._finish_delete)
        self.tasks.register("backup_restore", self._finish_restore)

    @staticmethod
    def row(conn: Connection, backup_id: str) -> dict[str, Any] | None:
        return one(conn, sa.select(b).where(b.c.id == backup_id))

    def visible(self, conn: Connection, backup_id: str, project_id: str | None, admin: bool) -> dict[str, Any]:
        row = self.row(conn, backup_id)
        if row is None or (not admin and row["project_id"] != project_id):
            raise e.backup_not_found(backup_id)
        return row

    def decorate(self, conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        bids = [r["id"] for r in rows]
        children: set[str] = set()
        if bids:
            children = {p for (p,) in conn.execute(sa.select(b.c.parent_id).where(b.c.parent_id.in_(bids)).distinct())}
        for r in rows:
            r["has_dependent_backups"] = r["id"] in children
        return rows

    # -- creating ----------------------------------------------------------------------------

    def create(
        self,
        conn: Connection,
        ctx: RequestContext,
        volume: Mapping[str, Any],
        *,
        name: str | None,
        description: str | None,
        container: str | None,
        incremental: bool,
        force: bool,
        snapshot: Mapping[str, Any] | None,
        metadata: Mapping[str, Any] | None,
        availability_zone: str | None,
    ) -> dict[str, Any]:
        if snapshot is not None:
            if volume["id"] != snapshot["volume_id"]:
                raise e.invalid_volume(
                    f"Volume {volume['id']} does not match with snapshot.volume_id {snapshot['volume_id']}."
                )
            if snapshot["status"] != "available":
                raise e.invalid_snapshot(
                    f'Snapshot to be backed up must be available, but the current status is "{snapshot["status"]}".'
                )
        elif volume["status"] not in ("available", "in-use"):
            raise e.invalid_volume(
                f'Volume to be backed up must be available or in-use, but the current status is "{volume["status"]}".'
            )
        elif volume["status"] == "in-use" and not force:
            raise e.invalid_volume("Backing up an in-use volume must use the force flag.")
        project_id = ctx.project_id or volume["project_id"]
        self.volumes.quotas.check(
            conn, project_id, {"backups": 1, "backup_gigabytes": volume["size"]}, kind="backups", size=volume["size"]
        )
        parent_id = None
        if incremental:
            candidates = [
                r
                for r in conn.execute(
                    sa.select(b).where(b.c.volume_id == volume["id"], b.c.project_id == project_id)
                ).mappings()
                if r["status"] == "available"
                and (snapshot is None or (r["data_timestamp"] and r["data_timestamp"] < snapshot["created_at"]))
            ]
            if not candidates:
                raise e.invalid_backup("No backups available to do an incremental backup.")
            parent_id = max(candidates, key=lambda r: r["data_timestamp"] or r["created_at"])["id"]
        now = utcnow()
        row = {
            "id": ids.uuid_id(),
            "project_id": project_id,
            "user_id": ctx.user_id,
            "volume_id": volume["id"],
            "snapshot_id": snapshot["id"] if snapshot else None,
            "name": name,
            "description": description,
            "status": "creating",
            "previous_status": volume["status"],
            "fail_reason": None,
            "size": volume["size"],
            "object_count": 0,
            "container": container,
            "availability_zone": availability_zone or self.volumes.backend.availability_zone,
            "parent_id": parent_id,
            "is_incremental": parent_id is not None,
            "data_timestamp": snapshot["created_at"] if snapshot else now,
            "restore_volume_id": None,
            "encryption_key_id": None,
            "metadata": dict(metadata or {}),
            "volume_type_id": volume["volume_type_id"],
            "bootable": bool(volume["bootable"]),
            "volume_meta": self._volume_meta(conn, volume["id"]),
            "created_at": now,
            "updated_at": now,
        }
        conn.execute(b.insert().values(row))
        if snapshot is not None:
            conn.execute(m.snapshots.update().where(m.snapshots.c.id == snapshot["id"]).values(status="backing-up"))
        else:
            conn.execute(
                v.update()
                .where(v.c.id == volume["id"])
                .values(status="backing-up", previous_status=volume["status"], updated_at=now)
            )
        created = self.decorate(conn, [dict(row)])[0]
        self.tasks.schedule(conn, "backup", row["id"], "backup_create", {})
        return created

    @staticmethod
    def _volume_meta(conn: Connection, volume_id: str) -> dict[str, dict[str, Any]]:
        vm, gm = m.volume_metadata, m.glance_metadata
        user = {k: x for k, x in conn.execute(sa.select(vm.c.key, vm.c.value).where(vm.c.volume_id == volume_id))}
        glance = {k: x for k, x in conn.execute(sa.select(gm.c.key, gm.c.value).where(gm.c.volume_id == volume_id))}
        return {"metadata": user, "glance": glance}

    def _finish_create(self, conn: Connection, backup_id: str, payload: dict[str, Any]) -> None:
        row = self.row(conn, backup_id)
        if row is None or row["status"] != "creating":
            return
        now = utcnow()
        conn.execute(
            b.update()
            .where(b.c.id == backup_id)
            .values(
                status="available",
                container=row["container"] or DEFAULT_CONTAINER,
                object_count=max(1, row["size"] * 1024 // 50),
                updated_at=now,
            )
        )
        self._release_source(conn, row)

    def _release_source(self, conn: Connection, row: Mapping[str, Any]) -> None:
        if row["snapshot_id"]:
            conn.execute(
                m.snapshots.update()
                .where(m.snapshots.c.id == row["snapshot_id"], m.snapshots.c.status == "backing-up")
                .values(status="available")
            )
            return
        vol = self.volumes.row(conn, row["volume_id"])
        if vol is not None and vol["status"] == "backing-up":
            conn.execute(
                v.update()
                .where(v.c.id == row["volume_id"])
                .values(status=vol["previous_status"] or "available", previous_status=None, updated_at=utcnow())
            )

    # -- updating / deleting --------------------------------------------------------------------

    def update(self, conn: Connection, backup_id: str, changes: Mapping[str, Any]) -> None:
        values = {k: changes[k] for k in ("name", "description", "metadata") if k in changes}
        values["updated_at"] = utcnow()
        conn.execute(b.update().where(b.c.id == backup_id).values(values))

    def delete(self, conn: Connection, backup: Mapping[str, Any], force: bool = False) -> None:
        if not force and backup["status"] not in ("available", "error"):
            raise e.invalid_backup("Backup status must be available or error")
        if conn.execute(sa.select(b.c.id).where(b.c.parent_id == backup["id"]).limit(1)).first() is not None:
            raise e.invalid_backup("Incremental backups exist for this backup.")
        conn.execute(b.update().where(b.c.id == backup["id"]).values(status="deleting", updated_at=utcnow()))
        if backup["status"] == "creating":
            self._release_source(conn, backup)
        self.tasks.cancel(conn, backup["id"])
        self.tasks.schedule(conn, "backup", backup["id"], "backup_delete", {})

    def _finish_delete(self, conn: Connection, backup_id: str, payload: dict[str, Any]) -> None:
        conn.execute(b.delete().where(b.c.id == backup_id, b.c.status == "deleting"))

    def reset_status(self, conn: Connection, backup: Mapping[str, Any], status: str) -> None:
        if not status or status.lower() not in STATUSES:
            raise BadRequest(
                f"Backup status: {status} is invalid, valid statuses are: {list(STATUSES)}.",
                kind="InvalidParameterValue",
            )
        conn.execute(b.update().where(b.c.id == backup["id"]).values(status=status.lower(), updated_at=utcnow()))
        self.tasks.cancel(conn, backup["id"])

    # -- restoring ------------------------------------------------------------------------------

    def restore(
        self,
        ctx: RequestContext,
        backup_id: str,
        project_id: str | None,
        admin: bool,
        *,
        volume_id: str | None,
        name: str | None,
        authorize: Any,
    ) -> dict[str, Any]:
        with self.db.read() as conn:
            backup = self.visible(conn, backup_id, project_id, admin)
        authorize(backup)
        if backup["status"] != "available":
            raise e.invalid_backup("Backup status must be available")
        if volume_id is None:
            volume = self.volumes.create(
                ctx,
                admin,
                size=backup["size"],
                name=name or f"restore_backup_{backup_id}",
                description="auto-created_from_restore_from_backup",
                restore_backup_id=backup_id,
            )
            with self.db.write() as conn:
                fresh = self.volumes.row(conn, volume["id"])
                if fresh is None or fresh["status"] == "error":
                    raise e.invalid_volume(
                        f"Error while creating volume {volume['id']} for restoring backup {backup_id}."
                    )
                self._start_restore(conn, backup_id, fresh, new=True)
            return {"backup_id": backup_id, "volume_id": volume["id"], "volume_name": volume["name"]}
        with self.db.write() as conn:
            volume = self.volumes.visible(conn, volume_id, project_id, admin)
            if volume["status"] != "available":
                raise e.invalid_volume("Volume to be restored to must be available")
            if backup["size"] > volume["size"]:
                raise e.invalid_volume(
                    f"volume size {volume['size']} is too small to restore backup of size {backup['size']}."
                )
            self._start_restore(conn, backup_id, volume, new=False)
        return {"backup_id": backup_id, "volume_id": volume["id"], "volume_name": volume["name"]}

    def _start_restore(self, conn: Connection, backup_id: str, volume: Mapping[str, Any], new: bool) -> None:
        now = utcnow()
        conn.execute(
            b.update()
            .where(b.c.id == backup_id)
            .values(status="restoring", restore_volume_id=volume["id"], updated_at=now)
        )
        if volume["status"] != "creating":
            conn.execute(v.update().where(v.c.id == volume["id"]).values(status="restoring-backup", updated_at=now))
        self.tasks.schedule(conn, "backup", backup_id, "backup_restore", {"volume_id": volume["id"]})

    def _finish_restore(self, conn: Connection, backup_id: str, payload: dict[str, Any]) -> None:
        backup = self.row(conn, backup_id)
        now = utcnow()
        vid = payload["volume_id"]
        vol = self.volumes.row(conn, vid)
        if vol is not None and vol["status"] in ("restoring-backup", "creating"):
            values: dict[str, Any] = {"status": "available" if vol["host"] else vol["status"], "updated_at": now}
            if backup is not None:
                values["bootable"] = bool(backup["bootable"])
                self._restore_meta(conn, vid, backup.get("volume_meta") or {})
            conn.execute(v.update().where(v.c.id == vid).values(values))
        if backup is not None and backup["status"] == "restoring":
            conn.execute(b.update().where(b.c.id == backup_id).values(status="available", updated_at=now))

    @staticmethod
    def _restore_meta(conn: Connection, volume_id: str, meta: Mapping[str, Any]) -> None:
        from pocketstack.services.volume.volumes import meta_kv

        meta_kv.merge(conn, volume_id, dict(meta.get("metadata") or {}))
        gm = m.glance_metadata
        for key, value in (meta.get("glance") or {}).items():
            where = (gm.c.volume_id == volume_id) & (gm.c.key == key)
            if not conn.execute(gm.update().where(where).values(value=value)).rowcount:
                conn.execute(gm.insert().values(volume_id=volume_id, snapshot_id=None, key=key, value=value))

    # -- export / import ------------------------------------------------------------------------

    @staticmethod
    def export_record(backup: Mapping[str, Any]) -> dict[str, str]:
        if backup["status"] != "available":
            raise e.invalid_backup(f"Backup status must be available and not {backup['status']}.")
        record = {k: (iso_micro(val) if hasattr(val, "isoformat") else val) for k, val in backup.items()}
        url = base64.b64encode(json.dumps(record).encode()).decode()
        return {"backup_service": BACKUP_SERVICE, "backup_url": url}

    def import_record(self, conn: Connection, ctx: RequestContext, service: str, url: str) -> dict[str, Any]:
        try:
            record = json.loads(base64.b64decode(url.encode()))
        except (ValueError, TypeError):
            raise e.invalid_input("Can't parse backup record.") from None
        if not isinstance(record, dict) or "id" not in record:
            raise e.invalid_input("Provided backup record is missing an id")
        if "size" not in record:
            raise e.invalid_input("Provided backup record is missing size attribute")
        if self.row(conn, record["id"]) is not None:
            raise e.invalid_backup("Backup already exists in database.")
        now = utcnow()
        row = {c.name: record.get(c.name) for c in b.columns}
        for key in ("created_at", "updated_at", "data_timestamp"):
            row[key] = parse_iso(str(row[key])) if row.get(key) else now
        row.update(
            project_id=ctx.project_id,
            user_id=ctx.user_id,
            status="available",
            restore_volume_id=None,
            metadata=row.get("metadata") or {},
            object_count=row.get("object_count") or 0,
            is_incremental=bool(row.get("is_incremental")),
            bootable=bool(row.get("bootable")),
            updated_at=now,
        )
        conn.execute(b.insert().values(row))
        return self.decorate(conn, [dict(row)])[0]
