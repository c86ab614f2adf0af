"""Cinder's quotas: limits in the core quota tables, usage counted from our own rows.

Usage is never stored: it is counted inside the write transaction that creates or
grows a resource, so concurrent requests cannot overshoot a limit (the transaction
holds the database write lock from its start).  Resources are Cinder's: volumes,
snapshots, gigabytes (volumes plus snapshots), backups, backup_gigabytes, groups,
per_volume_gigabytes, and ``volumes_<type>``/``snapshots_<type>``/``gigabytes_<type>``
for every volume type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core.errors import ApiError, BadRequest
from pocketstack.core.quotas import UNLIMITED, Over, QuotaStore
from pocketstack.services.volume import errors as e
from pocketstack.services.volume import models as m

BASE_DEFAULTS = {
    "volumes": 10,
    "snapshots": 10,
    "gigabytes": 1000,
    "backups": 10,
    "backup_gigabytes": 1000,
    "per_volume_gigabytes": -1,
    "groups": 10,
}
PER_TYPE = ("volumes", "snapshots", "gigabytes")
NON_QUOTA_KEYS = ("tenant_id", "id")
DB_MAX_INT = 0x7FFFFFFF


def _unused(overs: list[Over]) -> ApiError:  # the store's own error is never raised here
    return BadRequest("over quota")


class VolumeQuotas:
    def __init__(self) -> None:
        self.store = QuotaStore("volume", BASE_DEFAULTS, _unused)

    # -- what exists ---------------------------------------------------------------------

    @staticmethod
    def type_names(conn: Connection) -> list[str]:
        t = m.volume_types
        return [n for (n,) in conn.execute(sa.select(t.c.name).order_by(t.c.created_at, t.c.name))]

    def resources(self, conn: Connection) -> list[str]:
        names = list(BASE_DEFAULTS)
        for tname in self.type_names(conn):
            names.extend(f"{r}_{tname}" for r in PER_TYPE)
        return names

    # -- limits ----------------------------------------------------------------------------

    def defaults(self, conn: Connection) -> dict[str, int]:
        base = self.store.class_limits(conn, "default")
        return {name: int(base.get(name, UNLIMITED)) for name in self.resources(conn)}

    def limits(self, conn: Connection, project_id: str) -> dict[str, int]:
        values = self.defaults(conn)
        values.update({k: v for k, v in self.store.project_overrides(conn, project_id).items() if k in values})
        return values

    def limits_of(self, conn: Connection, project_id: str, names: list[str]) -> dict[str, int]:
        """The limits of just ``names`` (per-type resources default to unlimited)."""
        base = self.store.class_limits(conn, "default")
        overrides = self.store.project_overrides(conn, project_id)
        return {n: int(overrides.get(n, base.get(n, UNLIMITED))) for n in names}

    def class_limits(self, conn: Connection, class_name: str) -> dict[str, int]:
        values = self.defaults(conn)
        if class_name != "default":
            values.update({k: v for k, v in self.store.class_limits(conn, class_name).items() if k in values})
        return values

    # -- usage -----------------------------------------------------------------------------

    def usage(self, conn: Connection, project_id: str) -> dict[str, int]:
        v, s, b, t = m.volumes, m.snapshots, m.backups, m.volume_types
        names = {i: n for i, n in conn.execute(sa.select(t.c.id, t.c.name))}
        out = dict.fromkeys(self.resources(conn), 0)
        vol_rows = conn.execute(
            sa.select(v.c.volume_type_id, sa.func.count(), sa.func.coalesce(sa.func.sum(v.c.size), 0))
            .where(v.c.project_id == project_id, v.c.use_quota.is_(True))
            .group_by(v.c.volume_type_id)
        )
        for type_id, count, size in vol_rows:
            out["volumes"] += int(count)
            out["gigabytes"] += int(size)
            tname = names.get(type_id)
            if tname is not None:
                out[f"volumes_{tname}"] += int(count)
                out[f"gigabytes_{tname}"] += int(size)
        snap_rows = conn.execute(
            sa.select(s.c.volume_type_id, sa.func.count(), sa.func.coalesce(sa.func.sum(s.c.volume_size), 0))
            .where(s.c.project_id == project_id, s.c.use_quota.is_(True))
            .group_by(s.c.volume_type_id)
        )
        for type_id, count, size in snap_rows:
            out["snapshots"] += int(count)
            out["gigabytes"] += int(size)
            tname = names.get(type_id)
            if tname is not None:
                out[f"snapshots_{tname}"] += int(count)
                out[f"gigabytes_{tname}"] += int(size)
        count, size = conn.execute(
            sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(b.c.size), 0)).where(b.c.project_id == project_id)
        ).one()
        out["backups"] = int(count)
        out["backup_gigabytes"] = int(size)
        g = m.groups
        out["groups"] = int(conn.execute(sa.select(sa.func.count()).where(g.c.project_id == project_id)).scalar() or 0)
        return out

    # -- enforcing -------------------------------------------------------------------------

    def check(
        self,
        conn: Connection,
        project_id: str,
        deltas: Mapping[str, int],
        *,
        kind: str,
        size: int = 0,
    ) -> None:
        """Raise Cinder's over-quota error if ``deltas`` would exceed a limit.

        ``kind`` is what is being made ("volumes", "snapshots", "backups"); Cinder words
        the error after the first over-quota resource in name order.
        """
        self.store.lock(conn, project_id)
        limits = self.limits_of(conn, project_id, [*deltas, "per_volume_gigabytes"])
        per_volume = limits.get("per_volume_gigabytes", UNLIMITED)
        if kind == "volumes" and per_volume != UNLIMITED and size > per_volume:
            raise e.size_exceeds_limit(size, per_volume)
        if all(limits.get(res, UNLIMITED) == UNLIMITED for res, delta in deltas.items() if delta > 0):
            return
        usage = self.usage(conn, project_id)
        overs = sorted(
            res
            for res, delta in deltas.items()
            if delta > 0 and limits.get(res, UNLIMITED) != UNLIMITED and usage.get(res, 0) + delta > limits[res]
        )
        if not overs:
            return
        over = overs[0]
        if "gigabytes" in over:
            raise e.over_gigabytes(over, size, limits[over], usage.get(over, 0), backups=kind == "backups")
        if kind in over:
            raise e.over_count(kind, over, limits[over])
        raise e.over_count("", over, limits[over])

    @staticmethod
    def volume_deltas(type_name: str | None, size: int, count: int = 1) -> dict[str, int]:
        deltas = {"volumes": count, "gigabytes": size}
        if type_name:
            deltas[f"volumes_{type_name}"] = count
            deltas[f"gigabytes_{type_name}"] = size
        return deltas

    @staticmethod
    def snapshot_deltas(type_name: str | None, size: int) -> dict[str, int]:
        deltas = {"snapshots": 1, "gigabytes": size}
        if type_name:
            deltas[f"snapshots_{type_name}"] = 1
            deltas[f"gigabytes_{type_name}"] = size
        return deltas

    # -- admin updates -------------------------------------------------------------------

    def validate_set(self, conn: Connection, values: Mapping[str, Any]) -> dict[str, int]:
        """Cinder's ``quota_set`` format check: known keys, integers in [-1, DB_MAX_INT]."""
        known = set(self.resources(conn))
        bad: list[str] = []
        out: dict[str, int] = {}
        for key, value in values.items():
            if key not in known and key not in NON_QUOTA_KEYS:
                bad.append(key)
                continue
            if key in NON_QUOTA_KEYS:
                continue
            out[key] = _validate_integer(value, key, -1, DB_MAX_INT)
        if bad:
            raise e.invalid_input(f"Bad key(s) in quota set: {', '.join(bad)}")
        return out

    def update(self, conn: Connection, project_id: str, values: Mapping[str, int]) -> None:
        usage = self.usage(conn, project_id)
        for key, value in values.items():
            if key == "per_volume_gigabytes" or value == -1:
                continue
            used = usage.get(key, 0)
            if value < used:
                raise BadRequest(
                    f"Quota {key} limit must be equal or greater than existing resources. "
                    f"Current usage is {used} and the requested limit is {value}.",
                    kind="HTTPBadRequest",
                )
        self.store.set(conn, project_id, values)


def _validate_integer(value: Any, name: str, lo: int, hi: int) -> int:
    """oslo's ``strutils.validate_integer`` wording."""
    try:
        number = int(str(value)) if not isinstance(value, bool) else None
    except ValueError:
        number = None
    if number is None:
        raise BadRequest(f"{name} must be an integer", kind="HTTPBadRequest")
    if number < lo:
        raise BadRequest(f"{name} must be >= {lo}", kind="HTTPBadRequest")
    if number > hi:
        raise BadRequest(f"{name} must be <= {hi}", kind="HTTPBadRequest")
    return number
