"""Quota storage and enforcement shared by the services.

Limits live in ``core_quotas`` (per project) and ``core_quota_classes`` (per class,
``default`` being the one every project falls back to), keyed by service.  Usage is
counted by the service from its own tables inside the same write transaction as the
create, so concurrent creates can never overshoot: on SQLite the transaction holds the
write lock from its start (``Database.write``); elsewhere ``lock`` takes a row lock.

-1 means unlimited, as upstream.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core.db import core_metadata
from pocketstack.core.errors import ApiError

quotas_table = sa.Table(
    "core_quotas",
    core_metadata,
    sa.Column("service", sa.String(32), primary_key=True),
    sa.Column("project_id", sa.String(64), primary_key=True),
    sa.Column("resource", sa.String(255), primary_key=True),
    sa.Column("hard_limit", sa.BigInteger, nullable=False),
)

quota_classes_table = sa.Table(
    "core_quota_classes",
    core_metadata,
    sa.Column("service", sa.String(32), primary_key=True),
    sa.Column("class_name", sa.String(255), primary_key=True),
    sa.Column("resource", sa.String(255), primary_key=True),
    sa.Column("hard_limit", sa.BigInteger, nullable=False),
)

# Serialises quota-checked creates of one project on databases with row locks.
quota_locks_table = sa.Table(
    "core_quota_locks",
    core_metadata,
    sa.Column("service", sa.String(32), primary_key=True),
    sa.Column("project_id", sa.String(64), primary_key=True),
)

UNLIMITED = -1


@dataclass(frozen=True)
class Over:
    resource: str
    limit: int
    in_use: int
    requested: int


class QuotaStore:
    def __init__(
        self,
        service: str,
        defaults: Mapping[str, int],
        error: Callable[[list[Over]], ApiError],
    ) -> None:
        self.service = service
        self.defaults = dict(defaults)
        self.error = error

    # -- reading -------------------------------------------------------------

    def class_limits(self, conn: Connection, class_name: str = "default") -> dict[str, int]:
        rows = conn.execute(
            sa.select(quota_classes_table.c.resource, quota_classes_table.c.hard_limit).where(
                quota_classes_table.c.service == self.service,
                quota_classes_table.c.class_name == class_name,
            )
        )
        out = dict(self.defaults) if class_name == "default" else {}
        out.update({r: int(v) for r, v in rows})
        return out

    def project_overrides(self, conn: Connection, project_id: str) -> dict[str, int]:
        rows = conn.execute(
            sa.select(quotas_table.c.resource, quotas_table.c.hard_limit).where(
                quotas_table.c.service == self.service,
                quotas_table.c.project_id == project_id,
            )
        )
        return {r: int(v) for r, v in rows}

    def limits(self, conn: Connection, project_id: str) -> dict[str, int]:
        out = self.class_limits(conn)
        out.update(self.project_overrides(conn, project_id))
        return out

    # -- writing -------------------------------------------------------------

    def set(self, conn: Connection, project_id: str, values: Mapping[str, int]) -> None:
        for resource, limit in values.items():
            self._upsert(conn, quotas_table, "project_id", project_id, resource, int(limit))

    def set_class(self, conn: Connection, class_name: str, values: Mapping[str, int]) -> None:
        for resource, limit in values.items():
            self._upsert(conn, quota_classes_table, "class_name", class_name, resource, int(limit))

    def reset(self, conn: Connection, project_id: str) -> None:
        conn.execute(
            quotas_table.delete().where(
                quotas_table.c.service == self.service,
                quotas_table.c.project_id == project_id,
            )
        )

    def _upsert(self, conn: Connection, table: sa.Table, key: str, owner: str, resource: str, limit: int) -> None:
        where = (table.c.service == self.service) & (table.c[key] == owner) & (table.c.resource == resource)
        if not conn.execute(table.update().where(where).values(hard_limit=limit)).rowcount:
            conn.execute(
                table.insert().values(service=self.service, resource=resource, hard_limit=limit, **{key: owner})
            )

    # -- enforcing -------------------------------------------------------------

    def lock(self, conn: Connection, project_id: str) -> None:
        """Serialise this project's quota-checked writes until the transaction ends."""
        if conn.dialect.name == "sqlite":
            return  # BEGIN IMMEDIATE already holds the database's write lock
        t = quota_locks_table
        where = (t.c.service == self.service) & (t.c.project_id == project_id)
        if conn.execute(sa.select(t.c.project_id).where(where).with_for_update()).first() is None:
            conn.execute(t.insert().values(service=self.service, project_id=project_id))
            conn.execute(sa.select(t.c.project_id).where(where).with_for_update())

    def check(
        self,
        conn: Connection,
        project_id: str,
        requested: Mapping[str, int],
        in_use: Mapping[str, int],
    ) -> None:
        """Raise the service's over-quota error if ``in_use + requested`` exceeds a limit."""
        limits = self.limits(conn, project_id)
        overs = [
            Over(resource, limits[resource], in_use.get(resource, 0), amount)
            for resource, amount in requested.items()
            if amount > 0
            and limits.get(resource, UNLIMITED) != UNLIMITED
            and in_use.get(resource, 0) + amount > limits[resource]
        ]
        if overs:
            raise self.error(overs)
