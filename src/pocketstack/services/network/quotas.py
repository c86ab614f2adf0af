"""Neutron's quotas on the shared quota store.

Usage is counted from the resource tables inside the creating transaction, so
concurrent creates can never overshoot a limit (the write lock is held from the
transaction's start).
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core.errors import ApiError
from pocketstack.core.quotas import Over, QuotaStore
from pocketstack.services.network import models as m
from pocketstack.services.network.errors import neutron

# [QUOTAS] defaults of neutron/conf/quota.py, in the order Neutron lists them
DEFAULTS: dict[str, int] = {
    "network": 100,
    "subnet": 100,
    "subnetpool": -1,
    "port": 500,
    "router": 10,
    "floatingip": 50,
    "security_group": 10,
    "security_group_rule": 100,
    "rbac_policy": 10,
}

_TABLES: dict[str, sa.Table] = {
    "network": m.networks,
    "subnet": m.subnets,
    "subnetpool": m.subnetpools,
    "port": m.ports,
    "router": m.routers,
    "floatingip": m.floatingips,
    "security_group": m.security_groups,
    "security_group_rule": m.security_group_rules,
    "rbac_policy": m.rbac_policies,
}


def _over_quota(overs: list[Over]) -> ApiError:
    return neutron("OverQuota", overs=sorted(o.resource for o in overs))


STORE = QuotaStore("network", DEFAULTS, _over_quota)


def usage(conn: Connection, project_id: str, resource: str) -> int:
    t = _TABLES[resource]
    stmt = sa.select(sa.func.count()).select_from(t).where(t.c.project_id == project_id)
    return int(conn.execute(stmt).scalar() or 0)


def check(conn: Connection, project_id: str, requested: Mapping[str, int]) -> None:
    """Raise OverQuota if creating ``requested`` would exceed the project's limits.

    Call inside the write transaction that inserts the rows."""
    if not project_id:
        return
    STORE.lock(conn, project_id)
    limits = STORE.limits(conn, project_id)
    in_use = {
        name: usage(conn, project_id, name)
        for name, amount in requested.items()
        if amount > 0 and limits.get(name, -1) >= 0
    }
    STORE.check(conn, project_id, requested, in_use)


def limits(conn: Connection, project_id: str) -> dict[str, int]:
    values = STORE.limits(conn, project_id)
    return {name: values.get(name, DEFAULTS[name]) for name in DEFAULTS}


def details(conn: Connection, project_id: str) -> dict[str, dict[str, int]]:
    values = limits(conn, project_id)
    return {name: {"limit": values[name], "used": usage(conn, project_id, name), "reserved": 0} for name in DEFAULTS}


def projects_with_quotas(conn: Connection) -> list[str]:
    from pocketstack.core.quotas import quotas_table as q

    rows = conn.execute(sa.select(q.c.project_id).where(q.c.service == "network").distinct().order_by(q.c.project_id))
    return [r for (r,) in rows]
