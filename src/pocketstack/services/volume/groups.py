"""Generic volume groups: group types with specs, groups of volumes, group snapshots.

Groups follow Cinder's states: ``creating`` → ``available``; ``updating`` while volumes
are added or removed; ``deleting`` → gone (with their volumes when asked).  Group
snapshots snapshot every volume of a group together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import ids
from pocketstack.core.context import RequestContext
from pocketstack.core.errors import BadRequest, Conflict, NotFound
from pocketstack.core.timeutils import utcnow
from pocketstack.services.volume import errors as e
from pocketstack.services.volume import models as m
from pocketstack.services.volume.store import KeyValues, Store, many, one
from pocketstack.services.volume.volumes import Volumes

gt, g, gs = m.group_types, m.groups, m.group_snapshots
specs_kv = KeyValues(m.group_type_specs, "type_id")
CGSNAPSHOT_TYPE = "default_cgsnapshot_type"  # created by Cinder's migrations for CGs
GROUP_STATUSES = ("error", "available", "creating", "deleting", "deleted", "updating", "in-use", "error_deleting")
GROUP_SNAPSHOT_STATUSES = ("error", "available", "creating", "deleting", "deleted", "updating", "error_deleting")
ADD_OK = ("available", "in-use")
REMOVE_OK = ("available", "in-use", "error", "error_deleting")


def group_not_found(group_id: str) -> NotFound:
    return NotFound(f"Group {group_id} could not be found.", kind="GroupNotFound")


def group_snapshot_not_found(snapshot_id: str) -> NotFound:
    return NotFound(f"GroupSnapshot {snapshot_id} could not be found.", kind="GroupSnapshotNotFound")


def group_type_not_found(type_id: str) -> NotFound:
    return NotFound(f"Group type {type_id} could not be found.", kind="GroupTypeNotFound")


def invalid_group(reason: str) -> BadRequest:
    return BadRequest(f"Invalid Group: {reason}", kind="InvalidGroup")


class Groups(Store):
    def __init__(self, volumes: Volumes) -> None:
        super().__init__(volumes.db)
        self.volumes = volumes
        self.tasks = volumes.tasks
        self.tasks.register("group_create", self._finish_create)
        self.tasks.register("group_update", self._finish_update)
        self.tasks.register("group_delete", self._finish_delete)
        self.tasks.register("group_snapshot_create", self._finish_snapshot)
        self.tasks.register("group_snapshot_delete", self._finish_snapshot_delete)

    # -- group types -----------------------------------------------------------------------

    def type_get(self, conn: Connection, type_id: str) -> dict[str, Any]:
        row = one(conn, sa.select(gt).where(gt.c.id == type_id))
        if row is None:
            raise group_type_not_found(type_id)
        row["group_specs"] = specs_kv.get(conn, type_id)
        return row

    def type_by_name_or_id(self, conn: Connection, ref: str) -> dict[str, Any]:
        row = one(conn, sa.select(gt).where(sa.or_(gt.c.id == ref, gt.c.name == ref)))
        if row is None:
            if ids.is_uuid(ref):
                raise group_type_not_found(ref)
            raise NotFound(f"Group type with name {ref} could not be found.", kind="GroupTypeNotFoundByName")
        row["group_specs"] = specs_kv.get(conn, row["id"])
        return row

    def type_search(self, conn: Connection, is_public: bool | None) -> list[dict[str, Any]]:
        stmt = sa.select(gt)
        if is_public is not None:
            stmt = stmt.where(gt.c.is_public.is_(is_public))
        rows = many(conn, stmt)
        specs = specs_kv.get_many(conn, [r["id"] for r in rows])
        for r in rows:
            r["group_specs"] = specs[r["id"]]
        return rows

    def type_create(
        self, conn: Connection, name: str, description: str | None, is_public: bool, specs: Mapping[str, Any]
    ) -> dict[str, Any]:
        if one(conn, sa.select(gt.c.id).where(gt.c.name == name)) is not None:
            raise Conflict(f"Group Type {name} already exists.", kind="GroupTypeExists")
        type_id = ids.uuid_id()
        conn.execute(
            gt.insert().values(id=type_id, name=name, description=description, is_public=is_public, created_at=utcnow())
        )
        specs_kv.merge(conn, type_id, dict(specs))
        return self.type_get(conn, type_id)

    def type_update(
        self, conn: Connection, type_id: str, name: str | None, description: str | None, is_public: bool | None
    ) -> dict[str, Any]:
        self.type_get(conn, type_id)
        values: dict[str, Any] = {"updated_at": utcnow()}
        if name:
            if one(conn, sa.select(gt.c.id).where(gt.c.name == name, gt.c.id != type_id)) is not None:
                raise Conflict(f"Group Type {name} already exists.", kind="GroupTypeExists")
            values["name"] = name
        if description is not None:
            values["description"] = description
        if is_public is not None:
            values["is_public"] = is_public
        conn.execute(gt.update().where(gt.c.id == type_id).values(values))
        return self.type_get(conn, type_id)

    def type_delete(self, conn: Connection, type_id: str) -> None:
        self.type_get(conn, type_id)
        if conn.execute(sa.select(g.c.id).where(g.c.group_type_id == type_id).limit(1)).first() is not None:
            raise BadRequest("Target group type is still in use.", kind="GroupTypeInUse")
        conn.execute(gt.delete().where(gt.c.id == type_id))

    def spec_delete(self, conn: Connection, type_id: str, key: str) -> None:
        if not specs_kv.delete_key(conn, type_id, key):
            raise NotFound(f"Group Type {type_id} has no specs with key {key}.", kind="GroupTypeSpecsNotFound")

    @staticmethod
    def spec_set(conn: Connection, type_id: str, specs: Mapping[str, Any]) -> None:
        specs_kv.merge(conn, type_id, dict(specs))

    def reserved_type(self, conn: Connection, type_id: str | None) -> None:
        """Cinder keeps the CG type for its consistency-group APIs."""
        if type_id is None:
            return
        row = one(conn, sa.select(gt.c.name).where(gt.c.id == type_id))
        if row is not None and row["name"] == CGSNAPSHOT_TYPE:
            raise e.bad_request(
                f"Group_type {type_id} is reserved for migrating CGs to groups. Migrated group can only be "
                "operated by CG APIs."
            )

    # -- groups ----------------------------------------------------------------------------

    @staticmethod
    def row(conn: Connection, group_id: str) -> dict[str, Any] | None:
        return one(conn, sa.select(g).where(g.c.id == group_id))

    def visible(self, conn: Connection, group_id: str, project_id: str | None, admin: bool) -> dict[str, Any]:
        row = self.row(conn, group_id)
        if row is None or (not admin and row["project_id"] != project_id):
            raise group_not_found(group_id)
        return row

    def volume_ids(self, conn: Connection, group_id: str) -> list[str]:
        v = m.volumes
        return [i for (i,) in conn.execute(sa.select(v.c.id).where(v.c.group_id == group_id).order_by(v.c.created_at))]

    def create(
        self,
        conn: Connection,
        ctx: RequestContext,
        *,
        name: str | None,
        description: str | None,
        group_type: str,
        volume_types: Sequence[str],
        availability_zone: str | None,
        admin: bool,
    ) -> dict[str, Any]:
        # Cinder reads the volume types elevated: private ones are fine
        vtypes = [self.volumes.types.get_by_name_or_id(conn, ref, ctx.project_id, True) for ref in volume_types]
        gtype = self.type_by_name_or_id(conn, group_type)
        self.reserved_type(conn, gtype["id"])
        az = availability_zone or self.volumes.backend.availability_zone
        if az != self.volumes.backend.availability_zone:
            raise e.invalid_input(f"Availability zone '{az}' is invalid.")
        project_id = ctx.project_id or ""
        self.volumes.quotas.check(conn, project_id, {"groups": 1}, kind="groups")
        row = self._insert(conn, ctx, name, description, gtype["id"], [t["id"] for t in vtypes], az)
        self.tasks.schedule(conn, "group", row["id"], "group_create", {})
        return row

    def _insert(
        self,
        conn: Connection,
        ctx: RequestContext,
        name: str | None,
        description: str | None,
        type_id: str,
        volume_type_ids: list[str],
        az: str,
        **extra: Any,
    ) -> dict[str, Any]:
        row = {
            "id": ids.uuid_id(),
            "project_id": ctx.project_id or "",
            "user_id": ctx.user_id,
            "name": name,
            "description": description,
            "status": "creating",
            "availability_zone": az,
            "group_type_id": type_id,
            "volume_type_ids": volume_type_ids,
            "host": None,
            "group_snapshot_id": None,
            "source_group_id": None,
            "replication_status": "disabled",
            "created_at": utcnow(),
            "updated_at": None,
            **extra,
        }
        conn.execute(g.insert().values(row))
        return row

    def _finish_create(self, conn: Connection, group_id: str, payload: dict[str, Any]) -> None:
        conn.execute(
            g.update()
            .where(g.c.id == group_id, g.c.status == "creating")
            .values(status="available", host=self.volumes.backend.host, updated_at=utcnow())
        )

    def create_from_source(
        self,
        conn: Connection,
        ctx: RequestContext,
        admin: bool,
        *,
        name: str | None,
        description: str | None,
        group_snapshot_id: str | None,
        source_group_id: str | None,
    ) -> dict[str, Any]:
        """A new group holding a copy of every volume of a group snapshot or of a group."""
        project_id = ctx.project_id
        if group_snapshot_id:
            source_snap = self.snapshot_visible(conn, group_snapshot_id, project_id, admin)
            base = self.visible(conn, source_snap["group_id"], project_id, admin)
            if source_snap["status"] != "available":
                raise group_snapshot_not_found(group_snapshot_id)
            members = many(
                conn,
                sa.select(m.snapshots)
                .where(m.snapshots.c.group_snapshot_id == group_snapshot_id)
                .order_by(m.snapshots.c.created_at, m.snapshots.c.id),
            )
            empty = "Group snapshot is empty. No group will be created."
        else:
            assert source_group_id is not None
            base = self.visible(conn, source_group_id, project_id, admin)
            if base["status"] != "available":
                raise group_not_found(source_group_id)
            members = many(
                conn,
                sa.select(m.volumes)
                .where(m.volumes.c.group_id == source_group_id)
                .order_by(m.volumes.c.created_at, m.volumes.c.id),
            )
            empty = "Source Group is empty. No group will be created."
        if not members:
            raise invalid_group(empty)
        self.reserved_type(conn, base["group_type_id"])
        self.volumes.quotas.check(conn, project_id or "", {"groups": 1}, kind="groups")
        group = self._insert(
            conn,
            ctx,
            name,
            description,
            base["group_type_id"],
            list(base["volume_type_ids"]),
            base["availability_zone"],
            group_snapshot_id=group_snapshot_id,
            source_group_id=source_group_id,
        )
        for member in members:
            self.volumes.create_in(
                conn,
                ctx,
                admin,
                size=member["volume_size"] if group_snapshot_id else member["size"],
                volume_type=member["volume_type_id"],
                snapshot_id=member["id"] if group_snapshot_id else None,
                source_volid=None if group_snapshot_id else member["id"],
                availability_zone=base["availability_zone"],
                group_id=group["id"],
                group_source=True,
            )
        self.tasks.schedule(conn, "group", group["id"], "group_create", {})
        return group

    def update(
        self,
        conn: Connection,
        group: Mapping[str, Any],
        *,
        name: str | None,
        description: str | None,
        add: str | None,
        remove: str | None,
    ) -> None:
        name = None if name == group["name"] else name
        description = None if description == group["description"] else description
        adds = [x for x in (add or "").strip(",").split(",") if x]
        removes = [x for x in (remove or "").strip(",").split(",") if x]
        both = [x for x in adds if x in removes]
        if both:
            raise e.invalid_volume(f"UUIDs {both} are in both add and remove volume list.")
        current = self.volume_ids(conn, group["id"])
        add_ok = self._check_adds(conn, group, current, adds)
        remove_ok = self._check_removes(conn, group, current, removes)
        if name is None and description is None and not add_ok and not remove_ok:
            raise invalid_group(
                f"Cannot update group {group['id']} because no valid name, description, add_volumes, or "
                "remove_volumes were provided."
            )
        values: dict[str, Any] = {"updated_at": utcnow()}
        if name is not None:
            values["name"] = name
        if description is not None:
            values["description"] = description
        if not add_ok and not remove_ok:
            values["status"] = "available"
            conn.execute(g.update().where(g.c.id == group["id"]).values(values))
            return
        if group["status"] != "available":
            raise invalid_group("Group status must be available.")
        values["status"] = "updating"
        conn.execute(g.update().where(g.c.id == group["id"]).values(values))
        self.tasks.schedule(conn, "group", group["id"], "group_update", {"add": add_ok, "remove": remove_ok})

    def _check_adds(self, conn: Connection, group: Mapping[str, Any], current: list[str], adds: list[str]) -> list[str]:
        out = []
        for vid in adds:
            if vid in current:
                continue
            vol = self.volumes.row(conn, vid)
            prefix = f"Cannot add volume {vid} to group {group['id']} because"
            if vol is None:
                raise e.invalid_volume(f"{prefix} volume does not exist.")
            if vol["group_id"]:
                raise e.invalid_volume(f"{prefix} it is already in group {vol['group_id']}.")
            if vol["volume_type_id"] not in group["volume_type_ids"]:
                raise e.invalid_volume(f"{prefix} volume type {vol['volume_type_id']} is not supported by the group.")
            if vol["status"] not in ADD_OK:
                raise e.invalid_volume(
                    f"{prefix} volume is in an invalid state: {vol['status']}. Valid states are: {ADD_OK}."
                )
            out.append(vid)
        return out

    def _check_removes(
        self, conn: Connection, group: Mapping[str, Any], current: list[str], removes: list[str]
    ) -> list[str]:
        out = []
        for vid in removes:
            if vid not in current:
                raise e.invalid_volume(
                    f"Cannot remove volume {vid} from group {group['id']} because it is not in the group."
                )
            vol = self.volumes.row(conn, vid) or {}
            if vol.get("status") not in REMOVE_OK:
                raise e.invalid_volume(
                    f"Cannot remove volume {vid} from group {group['id']} because volume is in an invalid "
                    f"state: {vol.get('status')}. Valid states are: {REMOVE_OK}."
                )
            out.append(vid)
        return out

    def _finish_update(self, conn: Connection, group_id: str, payload: dict[str, Any]) -> None:
        v = m.volumes
        if payload.get("add"):
            conn.execute(v.update().where(v.c.id.in_(payload["add"])).values(group_id=group_id))
        if payload.get("remove"):
            conn.execute(v.update().where(v.c.id.in_(payload["remove"])).values(group_id=None))
        conn.execute(g.update().where(g.c.id == group_id, g.c.status == "updating").values(status="available"))

    def delete(self, conn: Connection, group: Mapping[str, Any], delete_volumes: bool) -> None:
        if not group["host"]:
            conn.execute(g.delete().where(g.c.id == group["id"]))
            self.tasks.cancel(conn, group["id"])
            return
        if not delete_volumes and group["status"] not in ("available", "error"):
            raise invalid_group(f"Group status must be available or error, but current status is: {group['status']}")
        if conn.execute(sa.select(gs.c.id).where(gs.c.group_id == group["id"]).limit(1)).first() is not None:
            raise invalid_group("Group has existing snapshots.")
        vids = self.volume_ids(conn, group["id"])
        if vids and not delete_volumes:
            raise invalid_group(
                f"Group {group['id']} still contains volumes. The delete-volumes flag is required to delete it."
            )
        v, s = m.volumes, m.snapshots
        for vid in vids:
            vol = self.volumes.row(conn, vid) or {}
            if vol.get("attach_status") == "attached":
                raise invalid_group(f"Volume in group {group['id']} is attached. Need to detach first.")
            if conn.execute(sa.select(s.c.id).where(s.c.volume_id == vid).limit(1)).first() is not None:
                raise invalid_group("Volume in group still has dependent snapshots.")
        now = utcnow()
        if vids:
            conn.execute(v.update().where(v.c.id.in_(vids)).values(status="deleting", updated_at=now))
        conn.execute(g.update().where(g.c.id == group["id"]).values(status="deleting", updated_at=now))
        self.tasks.cancel(conn, group["id"])
        self.tasks.schedule(conn, "group", group["id"], "group_delete", {"volumes": vids})

    def _finish_delete(self, conn: Connection, group_id: str, payload: dict[str, Any]) -> None:
        v = m.volumes
        vids = list(payload.get("volumes") or [])
        if vids:
            conn.execute(m.glance_metadata.delete().where(m.glance_metadata.c.volume_id.in_(vids)))
            conn.execute(v.delete().where(v.c.id.in_(vids)))
        conn.execute(g.delete().where(g.c.id == group_id))

    def reset_status(self, conn: Connection, group: Mapping[str, Any], status: str) -> None:
        conn.execute(g.update().where(g.c.id == group["id"]).values(status=status, updated_at=utcnow()))

    # -- group snapshots ------------------------------------------------------------------

    def snapshot_visible(
        self, conn: Connection, snapshot_id: str, project_id: str | None, admin: bool
    ) -> dict[str, Any]:
        row = one(conn, sa.select(gs).where(gs.c.id == snapshot_id))
        if row is None or (not admin and row["project_id"] != project_id):
            raise group_snapshot_not_found(snapshot_id)
        return row

    def snapshot_create(
        self, conn: Connection, ctx: RequestContext, group: Mapping[str, Any], name: str | None, description: str | None
    ) -> dict[str, Any]:
        vids = self.volume_ids(conn, group["id"])
        vols = [self.volumes.row(conn, vid) or {} for vid in vids]
        for vol in vols:
            if vol.get("status") not in ("available", "in-use"):
                raise e.invalid_volume(
                    f"Volume {vol.get('id')} status must be available, in-use, but current status is: "
                    f"{vol.get('status')}."
                )
        now = utcnow()
        snap = {
            "id": ids.uuid_id(),
            "project_id": ctx.project_id or "",
            "user_id": ctx.user_id,
            "group_id": group["id"],
            "group_type_id": group["group_type_id"],
            "name": name,
            "description": description,
            "status": "creating",
            "created_at": now,
            "updated_at": None,
        }
        conn.execute(gs.insert().values(snap))
        quotas = self.volumes.quotas
        for vol in vols:
            type_name = self.volumes.types.names(conn, [vol["volume_type_id"]]).get(vol["volume_type_id"])
            quotas.check(
                conn, snap["project_id"], quotas.snapshot_deltas(type_name, vol["size"]), kind="snapshots",
                size=vol["size"],
            )  # fmt: skip
            conn.execute(
                m.snapshots.insert().values(
                    id=ids.uuid_id(), project_id=snap["project_id"], user_id=ctx.user_id, volume_id=vol["id"],
                    name=name, description=description, status="creating", progress="0%", volume_size=vol["size"],
                    volume_type_id=vol["volume_type_id"], group_snapshot_id=snap["id"], provider_id=None,
                    use_quota=True, availability_zone=vol["availability_zone"], created_at=now, updated_at=None,
                )
            )  # fmt: skip
        self.tasks.schedule(conn, "group_snapshot", snap["id"], "group_snapshot_create", {})
        return snap

    def _finish_snapshot(self, conn: Connection, snapshot_id: str, payload: dict[str, Any]) -> None:
        now = utcnow()
        s = m.snapshots
        conn.execute(
            s.update()
            .where(s.c.group_snapshot_id == snapshot_id, s.c.status == "creating")
            .values(status="available", progress="100%", updated_at=now)
        )
        conn.execute(gs.update().where(gs.c.id == snapshot_id, gs.c.status == "creating").values(status="available"))

    def snapshot_delete(self, conn: Connection, snap: Mapping[str, Any]) -> None:
        source_of = sa.select(g.c.id).where(g.c.group_snapshot_id == snap["id"], g.c.status == "creating")
        if snap["status"] not in ("available", "error") or conn.execute(source_of.limit(1)).first() is not None:
            raise BadRequest(
                "Invalid GroupSnapshot: GroupSnapshot status must be available or error, and no Group can be "
                "currently using it as source for its creation.",
                kind="InvalidGroupSnapshot",
            )
        now = utcnow()
        conn.execute(gs.update().where(gs.c.id == snap["id"]).values(status="deleting", updated_at=now))
        conn.execute(
            m.snapshots.update().where(m.snapshots.c.group_snapshot_id == snap["id"]).values(status="deleting")
        )
        self.tasks.schedule(conn, "group_snapshot", snap["id"], "group_snapshot_delete", {})

    def _finish_snapshot_delete(self, conn: Connection, snapshot_id: str, payload: dict[str, Any]) -> None:
        s = m.snapshots
        conn.execute(s.delete().where(s.c.group_snapshot_id == snapshot_id))
        conn.execute(gs.delete().where(gs.c.id == snapshot_id))

    def snapshot_reset_status(self, conn: Connection, snap: Mapping[str, Any], status: str) -> None:
        conn.execute(gs.update().where(gs.c.id == snap["id"]).values(status=status, updated_at=utcnow()))
