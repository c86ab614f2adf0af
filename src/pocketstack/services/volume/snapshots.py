"""Snapshots: ``creating`` → ``available`` | ``error``; ``deleting`` → gone; metadata."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import ids
from pocketstack.core.context import RequestContext
from pocketstack.core.errors import BadRequest, NotFound
from pocketstack.core.timeutils import utcnow
from pocketstack.services.volume import errors as e
from pocketstack.services.volume import models as m
from pocketstack.services.volume.store import KeyValues, Store, one
from pocketstack.services.volume.volumes import Volumes, backend_keeps, check_length, or_str

s = m.snapshots
meta_kv = KeyValues(m.snapshot_metadata, "snapshot_id")
STATUSES = (
    "error", "available", "creating", "deleting", "deleted", "updating", "error_deleting", "unmanaging",
    "backing-up", "restoring",
)  # fmt: skip


class Snapshots(Store):
    def __init__(self, volumes: Volumes) -> None:
        super().__init__(volumes.db)
        self.volumes = volumes
        self.tasks = volumes.tasks
        self.tasks.register("snapshot_create", self._finish_create)
        self.tasks.register("snapshot_delete", self._finish_delete)

    @staticmethod
    def row(conn: Connection, snapshot_id: str) -> dict[str, Any] | None:
        return one(conn, sa.select(s).where(s.c.id == snapshot_id))

    def visible(self, conn: Connection, snapshot_id: str, project_id: str | None, admin: bool) -> dict[str, Any]:
        row = self.row(conn, snapshot_id)
        if row is None or (not admin and row["project_id"] != project_id):
            raise e.snapshot_not_found(snapshot_id)
        return row

    def decorate(self, conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        metadata = meta_kv.get_many(conn, [r["id"] for r in rows])
        for r in rows:
            r["metadata"] = metadata[r["id"]]
        return rows

    # -- creating ---------------------------------------------------------------------------

    def create(
        self,
        conn: Connection,
        ctx: RequestContext,
        volume: Mapping[str, Any],
        *,
        name: str | None,
        description: str | None,
        metadata: Mapping[str, Any] | None,
        force: bool,
        allow_in_use: bool,
        action: str = "snapshot_create",
        payload: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A snapshot row in ``creating``; the backend then runs ``action`` (a manage request
        passes its own)."""
        if not volume["host"]:
            raise e.invalid_volume("The snapshot cannot be created because volume has not been scheduled to any host.")
        if volume["status"] == "maintenance":
            raise e.invalid_volume("The snapshot cannot be created when the volume is in maintenance mode.")
        if volume["migration_status"] not in (None, "deleting", "error", "success") or volume["status"] == "migrating":
            raise e.invalid_volume("Snapshot cannot be created while volume is migrating.")
        if volume["status"] == "error":
            raise e.invalid_volume("The snapshot cannot be created when the volume is in error status.")
        for key, value in (metadata or {}).items():
            check_length(key, f"Metadata key: {key}")
            check_length(value, f"Value for metadata key: {key}")
        valid = ("available", "in-use") if (force or allow_in_use) else ("available",)
        if volume["status"] not in valid:
            raise e.invalid_volume(
                f"Volume {volume['id']} status must be {', '.join(valid)}, but current status is: {volume['status']}."
            )
        project_id = ctx.project_id or volume["project_id"]
        type_name = self.volumes.types.names(conn, [volume["volume_type_id"]]).get(volume["volume_type_id"])
        quotas = self.volumes.quotas
        quotas.check(
            conn, project_id, quotas.snapshot_deltas(type_name, volume["size"]), kind="snapshots", size=volume["size"]
        )
        now = utcnow()
        row = {
            "id": ids.uuid_id(),
            "project_id": project_id,
            "user_id": ctx.user_id,
            "volume_id": volume["id"],
            "name": name,
            "description": description,
            "status": "creating",
            "progress": "0%",
            "volume_size": volume["size"],
            "volume_type_id": volume["volume_type_id"],
            "group_snapshot_id": None,
            "provider_id": None,
            "use_quota": True,
            "availability_zone": volume["availability_zone"],
            "created_at": now,
            "updated_at": None,
        }
        conn.execute(s.insert().values(row))
        meta_kv.merge(conn, row["id"], dict(metadata or {}))
        created = self.decorate(conn, [dict(row)])[0]
        self.tasks.schedule(conn, "snapshot", row["id"], action, payload)
        return created

    def _finish_create(self, conn: Connection, snapshot_id: str, payload: dict[str, Any]) -> None:
        row = self.row(conn, snapshot_id)
        if row is None or row["status"] != "creating":
            return
        gm = m.glance_metadata
        for key, value in conn.execute(sa.select(gm.c.key, gm.c.value).where(gm.c.volume_id == row["volume_id"])):
            conn.execute(gm.insert().values(volume_id=None, snapshot_id=snapshot_id, key=key, value=value))
        conn.execute(
            s.update().where(s.c.id == snapshot_id).values(status="available", progress="100%", updated_at=utcnow())
        )

    # -- updating ------------------------------------------------------------------------------

    def update(self, conn: Connection, snapshot: Mapping[str, Any], changes: Mapping[str, Any]) -> None:
        values = {k: changes[k] for k in ("name", "description") if k in changes}
        values["updated_at"] = utcnow()
        conn.execute(s.update().where(s.c.id == snapshot["id"]).values(values))

    def reset_status(self, conn: Connection, snapshot: Mapping[str, Any], status: str) -> None:
        if not status or status.lower() not in STATUSES:
            raise BadRequest(
                f"Snapshot status: {status} is invalid, valid statuses are: "
                "(" + ", ".join(repr(x) for x in STATUSES) + ").",
                kind="InvalidParameterValue",
            )
        conn.execute(s.update().where(s.c.id == snapshot["id"]).values(status=status.lower(), updated_at=utcnow()))
        self.tasks.cancel(conn, snapshot["id"])

    def update_status(self, conn: Connection, snapshot: Mapping[str, Any], status: str, progress: str | None) -> None:
        """os-update_snapshot_status (Nova's assisted snapshots)."""
        current = snapshot["status"]
        allowed = {"creating": ("available", "error"), "deleting": ("deleting", "error_deleting")}
        if status not in allowed.get(current, ()):
            raise e.invalid_snapshot(
                f"Provided snapshot status {status} not allowed for snapshot with status {current}."
            )
        values: dict[str, Any] = {"status": status, "updated_at": utcnow()}
        if progress is not None:
            values["progress"] = progress
        conn.execute(s.update().where(s.c.id == snapshot["id"]).values(values))

    # -- deleting --------------------------------------------------------------------------------

    def delete(
        self, conn: Connection, snapshot: Mapping[str, Any], force: bool = False, unmanage: bool = False
    ) -> None:
        ok = snapshot["group_snapshot_id"] is None and (force or snapshot["status"] in ("available", "error"))
        if not ok:
            status = "" if force else f"status must be {or_str(['available', 'error'])} and"
            raise e.invalid_snapshot(f"Snapshot {status} must not be part of a group.")
        status = "unmanaging" if unmanage else "deleting"
        conn.execute(s.update().where(s.c.id == snapshot["id"]).values(status=status, updated_at=utcnow()))
        self.tasks.cancel(conn, snapshot["id"])
        self.tasks.schedule(conn, "snapshot", snapshot["id"], "snapshot_delete", {})

    def _finish_delete(self, conn: Connection, snapshot_id: str, payload: dict[str, Any]) -> None:
        row = self.row(conn, snapshot_id)
        if row is None or row["status"] not in ("deleting", "unmanaging"):
            return
        if row["status"] == "unmanaging":
            host = self.volumes.row(conn, row["volume_id"]) or {}
            backend_keeps(
                conn, f"_snapshot-{snapshot_id}", "snapshot", host.get("host") or self.volumes.backend.pool,
                row["volume_size"], origin=f"volume-{row['volume_id']}",
            )  # fmt: skip
        conn.execute(m.glance_metadata.delete().where(m.glance_metadata.c.snapshot_id == snapshot_id))
        conn.execute(s.delete().where(s.c.id == snapshot_id))

    # -- metadata ----------------------------------------------------------------------------------

    @staticmethod
    def metadata(conn: Connection, snapshot_id: str) -> dict[str, Any]:
        return meta_kv.get(conn, snapshot_id)

    @staticmethod
    def set_metadata(conn: Connection, snapshot_id: str, values: Mapping[str, Any], replace: bool) -> dict[str, Any]:
        for key, value in values.items():
            check_length(key, f"Metadata key: {key}")
            check_length(value, f"Value for metadata key: {key}")
        if replace:
            meta_kv.replace(conn, snapshot_id, values)
        else:
            meta_kv.merge(conn, snapshot_id, values)
        return meta_kv.get(conn, snapshot_id)

    @staticmethod
    def delete_metadata(conn: Connection, snapshot_id: str, key: str) -> None:
        if not meta_kv.delete_key(conn, snapshot_id, key):
            raise NotFound(f"Snapshot {snapshot_id} has no metadata with key {key}.", kind="SnapshotMetadataNotFound")
