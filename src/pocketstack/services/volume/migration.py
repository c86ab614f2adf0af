"""Moving volumes between backends: os-migrate_volume, and retypes that need another backend.

As Cinder: a migration request checks the volume and the destination service, marks the
volume ``migration_status=starting`` (``maintenance`` when locked), and the scheduler then
checks the destination against the volume's type and size; the volume lands there with
``migration_status=success``, or stays with ``error``.  A retype whose new type the current
backend doesn't satisfy migrates only under ``migration_policy=on-demand``; otherwise (or
when no backend fits, or the volume has snapshots) the retype is undone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core.errors import BadRequest
from pocketstack.core.timeutils import utcnow
from pocketstack.services.volume import errors as e
from pocketstack.services.volume import models as m
from pocketstack.services.volume import scheduler
from pocketstack.services.volume.drivers.base import Backend
from pocketstack.services.volume.volumes import MIGRATION_OK, Volumes
from pocketstack.services.volume.vtypes import is_multiattach

v = m.volumes
REPLICATION_OK = (None, "disabled", "not-capable")


class Migrations:
    def __init__(self, volumes: Volumes) -> None:
        self.volumes = volumes
        volumes.tasks.register("volume_migrate", self._finish_migrate)

    def _service_up(self, conn: Connection, host: str) -> bool:
        svc = m.services
        row = conn.execute(sa.select(svc.c.disabled).where(svc.c.binary == "cinder-volume", svc.c.host == host)).first()
        return row is not None and not row[0]

    def _has_snapshots(self, conn: Connection, volume_id: str) -> bool:
        s = m.snapshots
        return conn.execute(sa.select(s.c.id).where(s.c.volume_id == volume_id).limit(1)).first() is not None

    # -- os-migrate_volume -------------------------------------------------------------------

    def start(self, conn: Connection, volume: Mapping[str, Any], host: str | None, lock: bool) -> None:
        target = host or ""
        base = target.split("#", 1)[0]
        dest = next((b for b in self.volumes.backends if b.host == base), None)
        if dest is None or not self._service_up(conn, dest.host):
            raise BadRequest(f"Invalid host: No available service named '{host}'", kind="InvalidHost")
        ok = (
            volume["status"] in ("available", "in-use")
            and volume["migration_status"] in MIGRATION_OK
            and volume["replication_status"] in REPLICATION_OK
            and not volume["group_id"]
            and volume["host"] != target
            and not self._has_snapshots(conn, volume["id"])
        )
        if not ok:
            raise e.invalid_volume(
                f"Volume {volume['id']} status must be available or in-use, must not be migrating, have "
                "snapshots, be replicated, be part of a group and destination host/cluster must be different "
                "than the current one"
            )
        values: dict[str, Any] = {
            "migration_status": "starting",
            "previous_status": volume["status"],
            "updated_at": utcnow(),
        }
        if lock and volume["status"] == "available":
            values["status"] = "maintenance"
        conn.execute(v.update().where(v.c.id == volume["id"]).values(values))
        pool = target if "#" in target else dest.pool
        self.volumes.tasks.schedule(conn, "volume", volume["id"], "volume_migrate", {"pool": pool})

    def _finish_migrate(self, conn: Connection, volume_id: str, payload: dict[str, Any]) -> None:
        row = self.volumes.row(conn, volume_id)
        if row is None or row["migration_status"] != "starting":
            return
        pool = str(payload["pool"])
        dest = self.volumes.backend_of(pool)
        specs = self.volumes.types.get(conn, row["volume_type_id"])["extra_specs"]
        status = row["previous_status"] or row["status"]
        now = utcnow()
        if not scheduler.backend_passes(conn, dest, size_increase=row["size"], extra_specs=specs, zone=None):
            conn.execute(
                v.update().where(v.c.id == volume_id).values(migration_status="error", status=status, updated_at=now)
            )
            return
        self._move(conn, row, dest, pool, status)

    def _move(self, conn: Connection, row: Mapping[str, Any], dest: Backend, pool: str, status: str) -> None:
        conn.execute(
            v.update()
            .where(v.c.id == row["id"])
            .values(
                host=pool,
                service_uuid=self.volumes.service_uuid(conn, dest.host),
                migration_status="success",
                status=status,
                previous_status=None,
                updated_at=utcnow(),
            )
        )

    # -- retype's placement ------------------------------------------------------------------

    def finish_retype(self, conn: Connection, row: Mapping[str, Any], type_id: str, policy: str | None) -> None:
        """Apply a retype (called when it falls due): in place when the volume's backend
        satisfies the new type, else migrate (on-demand) or undo."""
        new_type = self.volumes.types.get(conn, type_id)
        specs = new_type["extra_specs"]
        status = row["previous_status"] or "available"
        now = utcnow()
        current = self.volumes.backend_of(row["host"])
        if scheduler.backend_passes(conn, current, size_increase=0, extra_specs=specs, zone=None):
            conn.execute(
                v.update()
                .where(v.c.id == row["id"])
                .values(volume_type_id=type_id, status=status, previous_status=None, updated_at=now)
            )
            return
        others = [b for b in self.volumes.backends if b is not current]
        dest = scheduler.choose(
            conn, others, size_increase=row["size"], extra_specs=specs, zone=row["availability_zone"]
        )
        if policy != "on-demand" or dest is None or self._has_snapshots(conn, row["id"]):
            # Cinder's _retype_error: the volume goes back as it was (type and attachability)
            old_type = self.volumes.types.get(conn, row["volume_type_id"])
            conn.execute(
                v.update()
                .where(v.c.id == row["id"])
                .values(status=status, previous_status=None, multiattach=is_multiattach(old_type), updated_at=now)
            )
            return
        conn.execute(v.update().where(v.c.id == row["id"]).values(volume_type_id=type_id))
        self._move(conn, row, dest, dest.pool, status)
