"""Flavors, their extra specs and access lists (Nova's API database tables)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import timeutils
from pocketstack.core.db import Database
from pocketstack.core.errors import BadRequest, Conflict, NotFound
from pocketstack.core.pagination import SortKey, after_marker, order_by
from pocketstack.services.compute import errors
from pocketstack.services.compute.models import flavor_extra_specs, flavor_projects, flavors

MAX_INT = 2147483647
SQL_SP_FLOAT_MAX = 3.40282e38

# DevStack's flavors (lib/nova) plus the two lib/tempest creates for tempest.
DEVSTACK_FLAVORS: list[tuple[str, str, int, int, int]] = [
    # (flavorid, name, ram MB, disk GB, vcpus)
    ("c1", "cirros256", 256, 1, 1),
    ("d1", "ds512M", 512, 5, 1),
    ("d2", "ds1G", 1024, 10, 1),
    ("d3", "ds2G", 2048, 10, 2),
    ("d4", "ds4G", 4096, 20, 4),
    ("1", "m1.tiny", 512, 1, 1),
    ("2", "m1.small", 2048, 20, 1),
    ("3", "m1.medium", 4096, 40, 2),
    ("4", "m1.large", 8192, 80, 4),
    ("5", "m1.xlarge", 16384, 160, 8),
    ("42", "m1.nano", 192, 1, 1),
    ("84", "m1.micro", 256, 1, 1),
]


def validate_integer(value: Any, name: str, minimum: int, maximum: int = MAX_INT) -> int:
    """Nova's utils.validate_integer, with its messages."""
    try:
        number = int(str(value))
    except (ValueError, UnicodeEncodeError):
        raise BadRequest(f"{name} must be an integer", kind="InvalidInput") from None
    if number < minimum:
        raise BadRequest(f"{name} must be >= {minimum}", kind="InvalidInput")
    if number > maximum:
        raise BadRequest(f"{name} must be <= {maximum}", kind="InvalidInput")
    return number


class Flavors:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- reading ---------------------------------------------------------------------

    def _load_specs(self, conn: Connection, rows: Sequence[Any]) -> list[dict[str, Any]]:
        out = [dict(r._mapping) for r in rows]
        if not out:
            return out
        ids = [f["id"] for f in out]
        specs: dict[int, dict[str, str]] = {i: {} for i in ids}
        for fid, key, value in conn.execute(
            sa.select(flavor_extra_specs.c.flavor_id, flavor_extra_specs.c.key, flavor_extra_specs.c.value).where(
                flavor_extra_specs.c.flavor_id.in_(ids)
            )
        ):
            specs[fid][key] = value
        for f in out:
            f["extra_specs"] = specs[f["id"]]
        return out

    def get(self, flavorid: str, conn: Connection | None = None) -> dict[str, Any]:
        if conn is None:
            with self.db.read() as c:
                return self.get(flavorid, c)
        row = conn.execute(sa.select(flavors).where(flavors.c.flavorid == str(flavorid))).first()
        if row is None:
            raise errors.flavor_not_found(flavorid)
        return self._load_specs(conn, [row])[0]

    def internal_id(self, conn: Connection, flavorid: str) -> int | None:
        row = conn.execute(sa.select(flavors.c.id).where(flavors.c.flavorid == flavorid)).first()
        return int(row[0]) if row else None

    def get_for_project(self, flavorid: str, project_id: str | None, is_admin: bool) -> dict[str, Any]:
        """A flavor a server may be given: public, or private with access (admins: any)."""
        with self.db.read() as conn:
            flavor = self.get(flavorid, conn)
            if not flavor["is_public"] and not is_admin and not self._has_access(conn, flavor["id"], project_id):
                raise errors.flavor_not_found(flavorid)
            return flavor

    def _has_access(self, conn: Connection, internal_id: int, project_id: str | None) -> bool:
        return (
            conn.execute(
                sa.select(flavor_projects.c.project_id).where(
                    flavor_projects.c.flavor_id == internal_id,
                    flavor_projects.c.project_id == project_id,
                )
            ).first()
            is not None
        )

    def index(
        self,
        *,
        project_id: str | None,
        is_public: bool | None,
        include_disabled: bool,
        min_ram: int | None = None,
        min_disk: int | None = None,
        name: str | None = None,
        sort_key: str = "flavorid",
        sort_dir: str = "asc",
        limit: int | None = None,
        marker: str | None = None,
    ) -> list[dict[str, Any]]:
        t = flavors
        query = sa.select(t)
        if is_public is True:
            # public flavors, plus the private ones the project was given access to
            access = sa.select(flavor_projects.c.flavor_id).where(flavor_projects.c.project_id == project_id)
            query = query.where(sa.or_(t.c.is_public.is_(True), t.c.id.in_(access)))
        elif is_public is False:
            query = query.where(t.c.is_public.is_(False))
        if not include_disabled:
            query = query.where(t.c.disabled.is_(False))
        if min_ram is not None:
            query = query.where(t.c.memory_mb >= min_ram)
        if min_disk is not None:
            query = query.where(t.c.root_gb >= min_disk)
        if name is not None:
            query = query.where(t.c.name == name)
        keys = [SortKey(t.c[sort_key], sort_dir == "desc")]
        if sort_key != "flavorid":
            keys.append(SortKey(t.c.flavorid, sort_dir == "desc"))
        with self.db.read() as conn:
            if marker is not None:
                mrow = conn.execute(sa.select(t).where(t.c.flavorid == marker)).first()
                if mrow is None:
                    raise BadRequest(f"marker [{marker}] not found", kind="MarkerNotFound")
                query = query.where(after_marker(keys, dict(mrow._mapping)))
            query = query.order_by(*order_by(keys))
            if limit is not None:
                query = query.limit(limit)
            return self._load_specs(conn, conn.execute(query).all())

    # -- writing ---------------------------------------------------------------------

    def create(
        self,
        *,
        name: str,
        ram: Any,
        vcpus: Any,
        disk: Any,
        flavorid: Any = None,
        ephemeral: Any = 0,
        swap: Any = 0,
        rxtx_factor: Any = 1.0,
        is_public: bool = True,
        description: str | None = None,
        extra_specs: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        fid = str(flavorid) if flavorid not in (None, "") else str(uuid.uuid4())
        values = {
            "memory_mb": validate_integer(ram, "ram", 1),
            "vcpus": validate_integer(vcpus, "vcpus", 1),
            "root_gb": validate_integer(disk, "disk", 0),
            "ephemeral_gb": validate_integer(ephemeral, "ephemeral", 0),
            "swap": validate_integer(swap, "swap", 0),
        }
        try:
            rxtx = float(rxtx_factor)
            if rxtx <= 0 or rxtx > SQL_SP_FLOAT_MAX:
                raise ValueError
        except (TypeError, ValueError):
            raise BadRequest(
                f"'rxtx_factor' argument must be a float between 0 and {SQL_SP_FLOAT_MAX:g}", kind="InvalidInput"
            ) from None
        name = name.strip()
        with self.db.write() as conn:
            if conn.execute(sa.select(flavors.c.id).where(flavors.c.flavorid == fid)).first():
                raise Conflict(f"Flavor with ID {fid} already exists.", kind="FlavorIdExists")
            if conn.execute(sa.select(flavors.c.id).where(flavors.c.name == name)).first():
                raise Conflict(f"Flavor with name {name} already exists.", kind="FlavorExists")
            internal = conn.execute(
                flavors.insert().values(
                    flavorid=fid,
                    name=name,
                    rxtx_factor=rxtx,
                    is_public=bool(is_public),
                    disabled=False,
                    description=description,
                    created_at=timeutils.utcnow(),
                    **values,
                )
            ).inserted_primary_key[0]  # type: ignore[index]
            for key, value in (extra_specs or {}).items():
                conn.execute(flavor_extra_specs.insert().values(flavor_id=internal, key=key, value=value))
            return self.get(fid, conn)

    def update_description(self, flavorid: str, description: str | None) -> dict[str, Any]:
        with self.db.write() as conn:
            flavor = self.get(flavorid, conn)
            conn.execute(
                flavors.update()
                .where(flavors.c.id == flavor["id"])
                .values(description=description, updated_at=timeutils.utcnow())
            )
            return self.get(flavorid, conn)

    def delete(self, flavorid: str) -> None:
        with self.db.write() as conn:
            flavor = self.get(flavorid, conn)
            conn.execute(flavor_extra_specs.delete().where(flavor_extra_specs.c.flavor_id == flavor["id"]))
            conn.execute(flavor_projects.delete().where(flavor_projects.c.flavor_id == flavor["id"]))
            conn.execute(flavors.delete().where(flavors.c.id == flavor["id"]))

    # -- extra specs -----------------------------------------------------------------

    def set_extra_specs(self, flavorid: str, specs: Mapping[str, str]) -> dict[str, str]:
        with self.db.write() as conn:
            flavor = self.get(flavorid, conn)
            for key, value in specs.items():
                where = (flavor_extra_specs.c.flavor_id == flavor["id"]) & (flavor_extra_specs.c.key == key)
                if not conn.execute(flavor_extra_specs.update().where(where).values(value=str(value))).rowcount:
                    conn.execute(flavor_extra_specs.insert().values(flavor_id=flavor["id"], key=key, value=str(value)))
            conn.execute(flavors.update().where(flavors.c.id == flavor["id"]).values(updated_at=timeutils.utcnow()))
            return dict(self.get(flavorid, conn)["extra_specs"])

    def delete_extra_spec(self, flavorid: str, key: str) -> None:
        with self.db.write() as conn:
            flavor = self.get(flavorid, conn)
            deleted = conn.execute(
                flavor_extra_specs.delete().where(
                    flavor_extra_specs.c.flavor_id == flavor["id"], flavor_extra_specs.c.key == key
                )
            ).rowcount
            if not deleted:
                raise NotFound(f"Flavor {flavorid} has no extra specs with key {key}.", kind="FlavorExtraSpecsNotFound")

    # -- access ----------------------------------------------------------------------

    def access_list(self, flavorid: str) -> list[str]:
        with self.db.read() as conn:
            flavor = self.get(flavorid, conn)
            return self._access(conn, flavor)

    def _access(self, conn: Connection, flavor: Mapping[str, Any]) -> list[str]:
        return [
            r[0]
            for r in conn.execute(
                sa.select(flavor_projects.c.project_id)
                .where(flavor_projects.c.flavor_id == flavor["id"])
                .order_by(flavor_projects.c.project_id)
            )
        ]

    def add_access(self, flavorid: str, project_id: str) -> list[str]:
        with self.db.write() as conn:
            flavor = self.get(flavorid, conn)
            if flavor["is_public"]:
                raise Conflict("Can not add access to a public flavor.", kind="FlavorAccessPublic")
            if project_id in self._access(conn, flavor):
                raise Conflict(
                    f"Flavor access already exists for flavor {flavorid} and project {project_id} combination.",
                    kind="FlavorAccessExists",
                )
            conn.execute(flavor_projects.insert().values(flavor_id=flavor["id"], project_id=project_id))
            return self._access(conn, flavor)

    def remove_access(self, flavorid: str, project_id: str) -> list[str]:
        with self.db.write() as conn:
            flavor = self.get(flavorid, conn)
            deleted = conn.execute(
                flavor_projects.delete().where(
                    flavor_projects.c.flavor_id == flavor["id"], flavor_projects.c.project_id == project_id
                )
            ).rowcount
            if not deleted:
                raise NotFound(
                    f"Flavor access not found for {flavorid} / {project_id} combination.",
                    kind="FlavorAccessNotFound",
                )
            return self._access(conn, flavor)

    # -- bootstrap -------------------------------------------------------------------

    def bootstrap(self) -> None:
        with self.db.write() as conn:
            existing = {r[0] for r in conn.execute(sa.select(flavors.c.flavorid))}
            names = {r[0] for r in conn.execute(sa.select(flavors.c.name))}
            now = timeutils.utcnow()
            for fid, name, ram, disk, vcpus in DEVSTACK_FLAVORS:
                if fid in existing or name in names:
                    continue
                internal = conn.execute(
                    flavors.insert().values(
                        flavorid=fid,
                        name=name,
                        memory_mb=ram,
                        vcpus=vcpus,
                        root_gb=disk,
                        ephemeral_gb=0,
                        swap=0,
                        rxtx_factor=1.0,
                        is_public=True,
                        disabled=False,
                        created_at=now,
                    )
                ).inserted_primary_key[0]  # type: ignore[index]
                conn.execute(flavor_extra_specs.insert().values(flavor_id=internal, key="hw_rng:allowed", value="True"))
