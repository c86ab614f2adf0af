"""Volume types: extra specs, private types with access lists, project default types."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import ids
from pocketstack.core.errors import BadRequest, Conflict, NotFound
from pocketstack.core.timeutils import utcnow
from pocketstack.services.volume import errors as e
from pocketstack.services.volume import models as m
from pocketstack.services.volume.store import KeyValues, Store, many, one

t = m.volume_types
specs_kv = KeyValues(m.type_extra_specs, "type_id")

DEFAULT_TYPE_NAME = "__DEFAULT__"


def _visible(project_id: str | None, admin: bool) -> sa.ColumnElement[bool] | None:
    """Cinder's type query for non-admins: public, or shared with the caller's project."""
    if admin:
        return None
    shared = sa.exists().where(m.type_projects.c.type_id == t.c.id, m.type_projects.c.project_id == project_id)
    return sa.or_(t.c.is_public.is_(True), shared)


def with_specs(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    specs = specs_kv.get_many(conn, [r["id"] for r in rows])
    for r in rows:
        r["extra_specs"] = specs[r["id"]]
    return rows


def is_multiattach(type_row: Mapping[str, Any]) -> bool:
    return (type_row.get("extra_specs") or {}).get("multiattach") == "<is> True"


class VolumeTypes(Store):
    def __init__(self, db: Any, default_name: str) -> None:
        super().__init__(db)
        self.default_name = default_name

    # -- reading -------------------------------------------------------------------------

    def get(self, conn: Connection, type_id: str, project_id: str | None = None, admin: bool = True) -> dict[str, Any]:
        stmt = sa.select(t).where(t.c.id == type_id)
        vis = _visible(project_id, admin)
        if vis is not None:
            stmt = stmt.where(vis)
        row = one(conn, stmt)
        if row is None:
            raise e.type_not_found(type_id)
        return with_specs(conn, [row])[0]

    def get_by_name(
        self, conn: Connection, name: str, project_id: str | None = None, admin: bool = True
    ) -> dict[str, Any]:
        stmt = sa.select(t).where(t.c.name == name)
        vis = _visible(project_id, admin)
        if vis is not None:
            stmt = stmt.where(vis)
        row = one(conn, stmt)
        if row is None:
            raise e.type_not_found_by_name(name)
        return with_specs(conn, [row])[0]

    def get_by_name_or_id(
        self, conn: Connection, identity: str, project_id: str | None = None, admin: bool = True
    ) -> dict[str, Any]:
        """A type by id when the reference looks like a UUID, else by name (as Cinder)."""
        if ids.is_uuid(identity):
            try:
                return self.get(conn, identity, project_id, admin)
            except NotFound:
                pass
        return self.get_by_name(conn, identity, project_id, admin)

    def names(self, conn: Connection, type_ids: Sequence[str]) -> dict[str, str]:
        if not type_ids:
            return {}
        rows = conn.execute(sa.select(t.c.id, t.c.name).where(t.c.id.in_(list(set(type_ids)))))
        return {i: n for i, n in rows}

    def default(self, conn: Connection, project_id: str | None) -> dict[str, Any]:
        """The project's default type (3.62) or the configured one."""
        if project_id:
            row = one(conn, sa.select(m.default_types).where(m.default_types.c.project_id == project_id))
            if row is not None:
                return self.get(conn, row["volume_type_id"])
        try:
            return self.get_by_name(conn, self.default_name)
        except NotFound:
            raise NotFound("Default volume type can not be found.", kind="VolumeTypeNotFound") from None

    def search(
        self,
        conn: Connection,
        *,
        project_id: str | None,
        admin: bool,
        is_public: bool | None,
        extra_specs: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        stmt = sa.select(t)
        if is_public is not None:
            cond: sa.ColumnElement[bool] = t.c.is_public.is_(is_public)
            if is_public and project_id is not None:
                shared = sa.exists().where(
                    m.type_projects.c.type_id == t.c.id, m.type_projects.c.project_id == project_id
                )
                cond = sa.or_(cond, shared)
            stmt = stmt.where(cond)
        for key, value in (extra_specs or {}).items():
            es = m.type_extra_specs
            stmt = stmt.where(sa.exists().where(es.c.type_id == t.c.id, es.c.key == str(key), es.c.value == str(value)))
        return with_specs(conn, many(conn, stmt))

    def projects(self, conn: Connection, type_id: str) -> list[str]:
        rows = conn.execute(
            sa.select(m.type_projects.c.project_id)
            .where(m.type_projects.c.type_id == type_id)
            .order_by(m.type_projects.c.project_id)
        )
        return [r for (r,) in rows]

    def in_use(self, conn: Connection, type_id: str) -> bool:
        return (
            conn.execute(sa.select(m.volumes.c.id).where(m.volumes.c.volume_type_id == type_id).limit(1)).first()
            is not None
        )

    # -- writing -------------------------------------------------------------------------

    def create(
        self,
        conn: Connection,
        *,
        name: str,
        description: str | None,
        is_public: bool,
        extra_specs: Mapping[str, Any] | None,
        type_id: str | None = None,
    ) -> dict[str, Any]:
        if one(conn, sa.select(t.c.id).where(t.c.name == name)) is not None:
            raise Conflict(f"Volume Type {name} already exists.", kind="VolumeTypeExists")
        new_id = type_id or ids.uuid_id()
        row: dict[str, Any] = {
            "id": new_id,
            "name": name,
            "description": description,
            "is_public": is_public,
            "qos_specs_id": None,
            "created_at": utcnow(),
            "updated_at": None,
        }
        conn.execute(t.insert().values(row))
        specs_kv.merge(conn, new_id, {k: v for k, v in (extra_specs or {}).items()})
        return self.get(conn, new_id)

    def update(
        self,
        conn: Connection,
        type_id: str,
        *,
        name: str | None,
        description: str | None,
        is_public: bool | None,
    ) -> dict[str, Any]:
        self.get(conn, type_id)
        values: dict[str, Any] = {"updated_at": utcnow()}
        if name:
            clash = one(conn, sa.select(t.c.id).where(t.c.name == name, t.c.id != type_id))
            if clash is not None:
                raise Conflict(f"Volume Type {name} already exists.", kind="VolumeTypeExists")
            values["name"] = name
        if description is not None:
            values["description"] = description
        if is_public is not None:
            values["is_public"] = is_public
        conn.execute(t.update().where(t.c.id == type_id).values(values))
        return self.get(conn, type_id)

    def delete(self, conn: Connection, type_id: str) -> None:
        row = self.get(conn, type_id)
        has_project_default = one(
            conn, sa.select(m.default_types.c.project_id).where(m.default_types.c.volume_type_id == type_id)
        )
        if has_project_default is not None or row["name"] == self.default_name:
            raise BadRequest(
                f"The volume type {type_id} is a default volume type and cannot be deleted.",
                kind="VolumeTypeDefaultDeletionError",
            )
        if self.in_use(conn, type_id):
            raise BadRequest("Target volume type is still in use.", kind="VolumeTypeInUse")
        conn.execute(t.delete().where(t.c.id == type_id))
        conn.execute(m.default_types.delete().where(m.default_types.c.volume_type_id == type_id))

    # -- extra specs -----------------------------------------------------------------------

    def check_specs_update_allowed(self, conn: Connection, type_id: str) -> None:
        if self.in_use(conn, type_id):
            raise BadRequest("Volume Type is currently in use.", kind="HTTPBadRequest")

    def set_specs(self, conn: Connection, type_id: str, specs: Mapping[str, Any]) -> None:
        current = self.get(conn, type_id)["extra_specs"]
        merged = {**current, **specs}
        if merged.get("multiattach") == "<is> True" and merged.get("cacheable") == "<is> True":
            raise BadRequest("cacheable cannot be set with multiattach.", kind="HTTPBadRequest")
        specs_kv.merge(conn, type_id, specs)
        conn.execute(t.update().where(t.c.id == type_id).values(updated_at=utcnow()))

    def delete_spec(self, conn: Connection, type_id: str, key: str) -> None:
        if not specs_kv.delete_key(conn, type_id, key):
            raise NotFound(
                f"Volume Type {type_id} has no extra specs with key {key}.", kind="VolumeTypeExtraSpecsNotFound"
            )

    # -- access ----------------------------------------------------------------------------

    def add_access(self, conn: Connection, type_id: str, project_id: str) -> None:
        row = self.get(conn, type_id)
        if row["is_public"]:
            raise e.invalid_volume_type("Type access modification is not applicable to public volume type.")
        tp = m.type_projects
        exists = one(conn, sa.select(tp.c.type_id).where(tp.c.type_id == type_id, tp.c.project_id == project_id))
        if exists is not None:
            raise Conflict(
                f"Volume type access for {type_id} / {project_id} combination already exists.",
                kind="VolumeTypeAccessExists",
            )
        conn.execute(tp.insert().values(type_id=type_id, project_id=project_id))

    def remove_access(self, conn: Connection, type_id: str, project_id: str) -> None:
        row = self.get(conn, type_id)
        if row["is_public"]:
            raise e.invalid_volume_type("Type access modification is not applicable to public volume type.")
        tp = m.type_projects
        gone = conn.execute(tp.delete().where(tp.c.type_id == type_id, tp.c.project_id == project_id)).rowcount
        if not gone:
            raise NotFound(
                f"Volume type access not found for {type_id} / {project_id} combination.",
                kind="VolumeTypeAccessNotFound",
            )

    # -- encryption -----------------------------------------------------------------------

    @staticmethod
    def encryption(conn: Connection, type_id: str) -> dict[str, Any] | None:
        return one(conn, sa.select(m.type_encryption).where(m.type_encryption.c.volume_type_id == type_id))

    def set_encryption(self, conn: Connection, type_id: str, values: Mapping[str, Any], create: bool) -> dict[str, Any]:
        """Create or update a type's encryption; returns the request's values plus the ids (as Cinder)."""
        verb = "create" if create else "update"
        if self.in_use(conn, type_id):
            raise BadRequest(f"Cannot {verb} encryption specs. Volume type in use.", kind="HTTPBadRequest")
        self.get(conn, type_id)
        te = m.type_encryption
        current = self.encryption(conn, type_id)
        columns = {k: values[k] for k in ("cipher", "key_size", "provider", "control_location") if k in values}
        if create:
            if current is not None:
                raise BadRequest(
                    f"Volume type encryption for type {type_id} already exists.", kind="VolumeTypeEncryptionExists"
                )
            row = {"volume_type_id": type_id, "encryption_id": ids.uuid_id(), "created_at": utcnow(), **columns}
            row.setdefault("cipher", None)
            row.setdefault("key_size", None)
            conn.execute(te.insert().values(row))
            return {**values, "volume_type_id": type_id, "encryption_id": row["encryption_id"]}
        if current is None:
            raise NotFound(
                f"Volume type encryption for type {type_id} does not exist.", kind="VolumeTypeEncryptionNotFound"
            )
        conn.execute(te.update().where(te.c.volume_type_id == type_id).values(updated_at=utcnow(), **columns))
        return dict(values)

    def delete_encryption(self, conn: Connection, type_id: str) -> None:
        if self.in_use(conn, type_id):
            raise BadRequest("Cannot delete encryption specs. Volume type in use.", kind="HTTPBadRequest")
        te = m.type_encryption
        if not conn.execute(te.delete().where(te.c.volume_type_id == type_id)).rowcount:
            raise NotFound(
                f"Volume type encryption for type {type_id} does not exist.", kind="VolumeTypeEncryptionNotFound"
            )

    # -- project default types (3.62) ------------------------------------------------------

    def set_project_default(self, conn: Connection, project_id: str, type_ref: str) -> dict[str, Any]:
        vtype = self.get_by_name_or_id(conn, type_ref)
        dt = m.default_types
        if not conn.execute(
            dt.update().where(dt.c.project_id == project_id).values(volume_type_id=vtype["id"])
        ).rowcount:
            conn.execute(dt.insert().values(project_id=project_id, volume_type_id=vtype["id"]))
        return {"project_id": project_id, "volume_type_id": vtype["id"]}

    def project_default(self, conn: Connection, project_id: str) -> dict[str, Any]:
        row = one(conn, sa.select(m.default_types).where(m.default_types.c.project_id == project_id))
        if row is None:
            raise NotFound(f"Default type for project {project_id} not found.", kind="VolumeTypeProjectDefaultNotFound")
        return row

    def project_defaults(self, conn: Connection) -> list[dict[str, Any]]:
        return many(conn, sa.select(m.default_types).order_by(m.default_types.c.project_id))

    def unset_project_default(self, conn: Connection, project_id: str) -> None:
        self.project_default(conn, project_id)
        conn.execute(m.default_types.delete().where(m.default_types.c.project_id == project_id))
