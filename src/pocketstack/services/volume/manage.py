"""Managing existing backend storage: what the backend holds (manageable lists), and
taking an unmanaged volume or snapshot back under management.

As with Cinder's LVM driver, storage is named ``volume-<id>`` and ``_snapshot-<id>``; a
manage request names it with ``{"source-name": …}``.  The request returns at once (the
volume ``managing``, shown as ``creating``); the backend then finds the storage — or not,
and the volume lands in ``error_managing`` (shown as ``error``), as upstream.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import ids
from pocketstack.core.context import RequestContext
from pocketstack.core.errors import ApiError, BadRequest, ServiceUnavailable
from pocketstack.core.timeutils import utcnow
from pocketstack.services.volume import errors as e
from pocketstack.services.volume import models as m
from pocketstack.services.volume.snapshots import Snapshots
from pocketstack.services.volume.store import KeyValues, Store, many, one
from pocketstack.services.volume.volumes import Volumes, check_length

bo, v, s = m.backend_objects, m.volumes, m.snapshots
volume_meta = KeyValues(m.volume_metadata, "volume_id")
_VOLUME_NAME = re.compile(r"^volume-([0-9a-fA-F-]{36})$")
SORT_KEYS = ("reference", "size")
_UNSET = (
    "previous_status", "migration_status", "snapshot_id", "source_volid", "backup_id", "group_id",
    "encryption_key_id", "cluster_name", "provider_id", "service_uuid", "launched_at", "terminated_at",
)  # fmt: skip


def volume_id_of(name: Any) -> str | None:
    """``volume_utils.extract_id_from_volume_name``."""
    found = _VOLUME_NAME.match(name) if isinstance(name, str) else None
    return found.group(1) if found else None


class Manageable(Store):
    def __init__(self, volumes: Volumes, snapshots: Snapshots) -> None:
        super().__init__(volumes.db)
        self.volumes = volumes
        self.snapshots = snapshots
        self.backend = volumes.backend  # the zone a managed volume gets by default
        self.tasks = volumes.tasks
        self.tasks.register("volume_manage", self._finish_volume)
        self.tasks.register("snapshot_manage", self._finish_snapshot)

    # -- the service a request names ---------------------------------------------------------

    def check_host(self, host: str) -> str:
        """The backend (``host@backend[#pool]``) must be one of the cinder-volume services."""
        base = host.split("#", 1)[0]
        if all(backend.host != base for backend in self.volumes.backends):
            raise ServiceUnavailable(f"Host '{host}' not found")
        return host if "#" in host else base

    # -- what the backend holds --------------------------------------------------------------

    def listing(self, conn: Connection, kind: str, host: str) -> list[dict[str, Any]]:
        """Everything on the backend ``host`` names: Cinder's own storage (not safe to manage)
        and what was unmanaged."""
        self.check_host(host)
        base = host.split("#", 1)[0]
        on_backend = sa.or_(v.c.host == base, v.c.host.startswith(base + "#"))
        entries: list[dict[str, Any]] = []
        if kind == "volume":
            for vid, size in conn.execute(sa.select(v.c.id, v.c.size).where(on_backend)):
                entries.append(_entry(f"volume-{vid}", size, False, "already managed", vid))
        else:
            managed_snaps = conn.execute(
                sa.select(s.c.id, s.c.volume_size, s.c.volume_id)
                .join(v, v.c.id == s.c.volume_id)
                .where(on_backend, s.c.status != "creating")
            )
            for sid, size, vid in managed_snaps:
                entry = _entry(f"_snapshot-{sid}", size, False, "already managed", sid)
                entry["source_reference"] = {"source-name": f"volume-{vid}"}
                entries.append(entry)
        stored = sa.select(bo).where(bo.c.kind == kind, sa.or_(bo.c.host == base, bo.c.host.startswith(base + "#")))
        for row in many(conn, stored):
            entry = _entry(row["name"], row["size"], True, None, None)
            if kind == "snapshot":
                entry["source_reference"] = {"source-name": row["origin"]}
            entries.append(entry)
        return entries

    # -- managing a volume -------------------------------------------------------------------

    def manage_volume(
        self,
        conn: Connection,
        ctx: RequestContext,
        *,
        host: str,
        ref: Any,
        name: str | None,
        description: str | None,
        volume_type: Mapping[str, Any],
        metadata: Mapping[str, Any] | None,
        availability_zone: str | None,
        bootable: bool,
    ) -> dict[str, Any]:
        source = ref.get("source-name") if isinstance(ref, dict) else None
        existing = volume_id_of(source)
        if existing and self.volumes.row(conn, existing) is not None:
            raise e.invalid_volume("Unable to manage existing volume. The volume is already managed")
        if self.volumes.types.encryption(conn, volume_type["id"]) is not None:
            raise e.invalid_volume_type("Managing to an encrypted volume type is not supported.")
        manage_host = self.check_host(host)
        for key, value in (metadata or {}).items():
            check_length(key, f"Metadata key: {key}")
            check_length(value, f"Value for metadata key: {key}")
        now = utcnow()
        row = {
            "id": ids.uuid_id(),
            "project_id": ctx.project_id or "",
            "user_id": ctx.user_id or "",
            "name": name,
            "description": description,
            "size": 0,
            "status": "managing",
            "attach_status": "detached",
            "availability_zone": availability_zone or self.backend.availability_zone,
            "volume_type_id": volume_type["id"],
            "bootable": bootable,
            "multiattach": False,
            "replication_status": "disabled",
            "host": manage_host,
            "shared_targets": False,
            # counted once the backend has found the storage (Cinder reserves quota then)
            "use_quota": False,
            "admin_metadata": {},
            "created_at": now,
            "updated_at": now,
            **dict.fromkeys(_UNSET),
        }
        conn.execute(v.insert().values(row))
        volume_meta.merge(conn, row["id"], dict(metadata or {}))
        self.tasks.schedule(conn, "volume", row["id"], "volume_manage", {"ref": ref})
        return row

    def _finish_volume(self, conn: Connection, volume_id: str, payload: dict[str, Any]) -> None:
        row = self.volumes.row(conn, volume_id)
        if row is None or row["status"] != "managing":
            return
        found = self._claim(conn, "volume", payload.get("ref"), row["host"])
        now = utcnow()
        if found is None:
            conn.execute(v.update().where(v.c.id == volume_id).values(status="error_managing", updated_at=now))
            return
        quotas = self.volumes.quotas
        type_name = self.volumes.types.names(conn, [row["volume_type_id"]]).get(row["volume_type_id"])
        try:
            deltas = quotas.volume_deltas(type_name, found["size"])
            quotas.check(conn, row["project_id"], deltas, kind="volumes", size=found["size"])
        except ApiError:
            conn.execute(v.update().where(v.c.id == volume_id).values(status="error_managing", updated_at=now))
            return
        conn.execute(bo.delete().where(bo.c.name == found["name"]))
        conn.execute(
            v.update()
            .where(v.c.id == volume_id)
            .values(
                status="available",
                size=found["size"],
                use_quota=True,
                service_uuid=self.volumes.service_uuid(conn, (row["host"] or "").split("#", 1)[0]),
                launched_at=now,
                updated_at=now,
            )
        )

    # -- managing a snapshot -----------------------------------------------------------------

    def manage_snapshot(
        self,
        conn: Connection,
        ctx: RequestContext,
        volume: Mapping[str, Any],
        *,
        ref: Any,
        name: str | None,
        description: str | None,
        metadata: Mapping[str, Any] | None,
    ) -> dict[str, Any]:
        if volume["host"]:
            self.check_host(volume["host"])
        # create_snapshot_in_db with force: an in-use volume is fine
        return self.snapshots.create(
            conn, ctx, volume, name=name, description=description, metadata=metadata, force=True,
            allow_in_use=True, action="snapshot_manage", payload={"ref": ref},
        )  # fmt: skip

    def _finish_snapshot(self, conn: Connection, snapshot_id: str, payload: dict[str, Any]) -> None:
        row = one(conn, sa.select(s).where(s.c.id == snapshot_id))
        if row is None or row["status"] != "creating":
            return
        volume = self.volumes.row(conn, row["volume_id"]) or {}
        found = self._claim(conn, "snapshot", payload.get("ref"), volume.get("host"))
        now = utcnow()
        if found is None:
            conn.execute(s.update().where(s.c.id == snapshot_id).values(status="error", updated_at=now))
            return
        conn.execute(bo.delete().where(bo.c.name == found["name"]))
        conn.execute(
            s.update()
            .where(s.c.id == snapshot_id)
            .values(status="available", progress="100%", volume_size=found["size"], updated_at=now)
        )

    @staticmethod
    def _claim(conn: Connection, kind: str, ref: Any, host: str | None) -> dict[str, Any] | None:
        """The unmanaged storage ``ref`` names (``{"source-name": …}``), if that backend has it."""
        name = ref.get("source-name") if isinstance(ref, dict) else None
        if not isinstance(name, str):
            return None
        found = one(conn, sa.select(bo).where(bo.c.name == name, bo.c.kind == kind))
        base = (host or "").split("#", 1)[0]
        if found is None or found["host"].split("#", 1)[0] != base:
            return None
        return found


def _entry(name: str, size: int, safe: bool, reason: str | None, cinder_id: str | None) -> dict[str, Any]:
    return {
        "reference": {"source-name": name},
        "size": int(size),
        "safe_to_manage": safe,
        "reason_not_safe": reason,
        "cinder_id": cinder_id,
        "extra_info": None,
    }


def paginate(
    entries: list[dict[str, Any]], marker: str | None, limit: int, offset: int, sort: list[tuple[str, str]]
) -> list[dict[str, Any]]:
    """``volume_utils.paginate_entries_list``: sort by reference/size, a JSON marker."""
    for key, _d in sort:
        if key not in SORT_KEYS:
            raise BadRequest(f"Invalid sort keys passed: {key}", kind="InvalidParameterValue")
    for _k, direction in sort:
        if direction not in ("asc", "desc"):
            raise BadRequest(f"Invalid sort dirs passed: {direction}", kind="InvalidParameterValue")

    def value(entry: dict[str, Any], key: str) -> Any:
        val = entry[key]
        return sorted(val.values())[0] if isinstance(val, dict) else val

    for key, direction in reversed(sort):
        entries.sort(key=lambda entry, k=key: value(entry, k), reverse=direction == "desc")  # type: ignore[misc]
    start = 0
    if marker:
        try:
            wanted = json.loads(marker)
        except ValueError:
            raise e.invalid_input(f"marker {marker} can not be analysed, please use json like format") from None
        refs = [entry["reference"] for entry in entries]
        if wanted not in refs:
            raise e.invalid_input(f"marker not found: {marker}")
        start = refs.index(wanted) + 1
    return entries[start + offset : start + limit + offset]
