"""Reading and listing servers (Nova's instances), with their tags, faults and groups.

A list is one keyset query: filters become WHERE clauses, the sort keys end with the
id, and the marker's sort values bound the page, so a page costs the same whatever
the number of servers.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core.db import Database
from pocketstack.core.errors import BadRequest
from pocketstack.core.pagination import SortKey, after_marker, order_by
from pocketstack.services.compute import errors
from pocketstack.services.compute import states as st
from pocketstack.services.compute.models import (
    block_device_mappings,
    instance_faults,
    instance_tags,
    instances,
    server_group_members,
    server_groups,
)

# API sort keys -> columns (Nova's names are its DB column names)
SORT_COLUMNS: dict[str, str] = {
    "access_ip_v4": "access_ip_v4",
    "access_ip_v6": "access_ip_v6",
    "auto_disk_config": "auto_disk_config",
    "availability_zone": "availability_zone",
    "config_drive": "config_drive",
    "created_at": "created_at",
    "display_description": "display_description",
    "display_name": "display_name",
    "host": "host",
    "hostname": "hostname",
    "image_ref": "image_ref",
    "instance_type_id": "flavor_id",
    "kernel_id": "kernel_id",
    "key_name": "key_name",
    "launch_index": "launch_index",
    "launched_at": "launched_at",
    "locked": "locked",
    "locked_by": "locked_by",
    "node": "node",
    "power_state": "power_state",
    "progress": "progress",
    "project_id": "project_id",
    "ramdisk_id": "ramdisk_id",
    "root_device_name": "root_device_name",
    "task_state": "task_state",
    "terminated_at": "terminated_at",
    "updated_at": "updated_at",
    "user_id": "user_id",
    "uuid": "uuid",
    "vm_state": "vm_state",
}

# filters matched exactly (lists: IN) and by regular expression, as Nova's DB API
EXACT_FILTERS = {"project_id", "user_id", "image_ref", "vm_state", "uuid", "host", "task_state", "locked"}
REGEX_FILTERS: dict[str, str] = {
    "display_name": "display_name",
    "display_description": "display_description",
    "hostname": "hostname",
    "key_name": "key_name",
    "kernel_id": "kernel_id",
    "ramdisk_id": "ramdisk_id",
    "power_state": "power_state",
    "node": "node",
    "reservation_id": "reservation_id",
    "launched_at": "launched_at",
    "terminated_at": "terminated_at",
    "availability_zone": "availability_zone",
    "locked_by": "locked_by",
    "root_device_name": "root_device_name",
    "config_drive": "config_drive",
    "access_ip_v4": "access_ip_v4",
    "access_ip_v6": "access_ip_v6",
    "auto_disk_config": "auto_disk_config",
    "progress": "progress",
    "created_at": "created_at",
    "launch_index": "launch_index",
}


def _regexp(pattern: str | None, value: Any) -> bool:
    if pattern is None or value is None:
        return False
    try:
        return re.search(pattern, str(value)) is not None
    except re.error:
        return False


def ensure_regexp(conn: Connection) -> None:
    """Give this SQLite connection the REGEXP function Nova's filters use."""
    if conn.dialect.name != "sqlite":
        return
    raw = conn.connection.dbapi_connection
    if raw is not None and not getattr(raw, "_pocketstack_regexp", False):
        raw.create_function("regexp", 2, _regexp, deterministic=True)
        with contextlib.suppress(AttributeError):
            raw._pocketstack_regexp = True


@dataclass
class ListQuery:
    filters: dict[str, Any] = field(default_factory=dict)
    sort: list[tuple[str, str]] = field(default_factory=lambda: [("created_at", "desc")])
    limit: int | None = None
    marker: str | None = None
    deleted: bool | None = False  # None: both
    soft_deleted: bool = False
    changes_since: datetime | None = None
    changes_before: datetime | None = None
    tags: list[str] | None = None
    tags_any: list[str] | None = None
    not_tags: list[str] | None = None
    not_tags_any: list[str] | None = None
    flavor: str | None = None


class Servers:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- one server ------------------------------------------------------------------

    def row(
        self, conn: Connection, server_id: str, *, project_id: str | None = None, deleted: bool = False
    ) -> dict[str, Any]:
        """The instance row; 404 when missing, deleted (unless asked) or another project's."""
        t = instances
        query = sa.select(t).where(t.c.uuid == server_id)
        if not deleted:
            query = query.where(t.c.deleted.is_(False))
        if project_id is not None:
            query = query.where(t.c.project_id == project_id)
        row = conn.execute(query).first()
        if row is None:
            raise errors.server_not_found(server_id)
        return dict(row._mapping)

    def get(self, server_id: str, *, project_id: str | None = None, deleted: bool = False) -> dict[str, Any]:
        with self.db.read() as conn:
            inst = self.row(conn, server_id, project_id=project_id, deleted=deleted)
            return self.decorate(conn, [inst])[0]

    def decorate(self, conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Attach tags, the latest fault, volumes and server group of each row."""
        if not rows:
            return rows
        ids = [r["uuid"] for r in rows]
        tags: dict[str, list[str]] = {i: [] for i in ids}
        for uuid_, tag in conn.execute(
            sa.select(instance_tags.c.instance_uuid, instance_tags.c.tag)
            .where(instance_tags.c.instance_uuid.in_(ids))
            .order_by(instance_tags.c.tag)
        ):
            tags[uuid_].append(tag)
        faults: dict[str, dict[str, Any]] = {}
        failing = [r["uuid"] for r in rows if r["vm_state"] == st.ERROR or r["deleted"]]
        if failing:
            for f in conn.execute(
                sa.select(instance_faults)
                .where(instance_faults.c.instance_uuid.in_(failing))
                .order_by(instance_faults.c.created_at, instance_faults.c.id)
            ):
                faults[f.instance_uuid] = dict(f._mapping)
        bdms: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
        for b in conn.execute(
            sa.select(block_device_mappings)
            .where(block_device_mappings.c.instance_uuid.in_(ids))
            .order_by(block_device_mappings.c.id)
        ):
            bdms[b.instance_uuid].append(dict(b._mapping))
        groups: dict[str, str] = {}
        for uuid_, group in conn.execute(
            sa.select(server_group_members.c.instance_uuid, server_groups.c.uuid)
            .join(server_groups, server_groups.c.id == server_group_members.c.group_id)
            .where(server_group_members.c.instance_uuid.in_(ids))
        ):
            groups[uuid_] = group
        for r in rows:
            r["tags"] = tags[r["uuid"]]
            r["fault"] = faults.get(r["uuid"])
            r["bdms"] = bdms[r["uuid"]]
            r["server_group"] = groups.get(r["uuid"])
        return rows

    # -- lists ---------------------------------------------------------------------------

    def index(self, q: ListQuery) -> list[dict[str, Any]]:
        t = instances
        if q.limit == 0:
            return []
        query = sa.select(t)
        if q.changes_since is not None:
            query = query.where(t.c.updated_at >= q.changes_since)
        if q.changes_before is not None:
            query = query.where(t.c.updated_at <= q.changes_before)
        if q.deleted is True:
            if q.soft_deleted:
                query = query.where(sa.or_(t.c.deleted.is_(True), t.c.vm_state == st.SOFT_DELETED))
            else:
                query = query.where(t.c.deleted.is_(True))
        elif q.deleted is False:
            query = query.where(t.c.deleted.is_(False))
            if not q.soft_deleted:
                query = query.where(t.c.vm_state != st.SOFT_DELETED)
        if q.tags:
            for tag in q.tags:
                query = query.where(t.c.uuid.in_(_tagged(tag)))
        if q.tags_any:
            query = query.where(
                t.c.uuid.in_(sa.select(instance_tags.c.instance_uuid).where(instance_tags.c.tag.in_(q.tags_any)))
            )
        if q.not_tags:
            sub = sa.select(instance_tags.c.instance_uuid).where(instance_tags.c.tag == q.not_tags[0])
            for tag in q.not_tags[1:]:
                sub = sub.where(instance_tags.c.instance_uuid.in_(_tagged(tag)))
            query = query.where(t.c.uuid.not_in(sub))
        if q.not_tags_any:
            query = query.where(
                t.c.uuid.not_in(sa.select(instance_tags.c.instance_uuid).where(instance_tags.c.tag.in_(q.not_tags_any)))
            )
        if q.flavor is not None:
            query = query.where(t.c.flavor_id == q.flavor)
        regex_needed = False
        for key, value in q.filters.items():
            if key in EXACT_FILTERS:
                column = t.c[key]
                if isinstance(value, list | tuple | set):
                    values = list(value)
                    if not values:
                        return []
                    nulls = None in values
                    values = [v for v in values if v is not None]
                    cond = column.in_(values)
                    query = query.where(sa.or_(cond, column.is_(None)) if nulls else cond)
                else:
                    query = query.where(column.is_(None) if value is None else column == value)
            elif key in REGEX_FILTERS:
                regex_needed = True
                query = query.where(sa.func.regexp(str(value), _as_text(t.c[REGEX_FILTERS[key]])))
        keys = self._sort_keys(q.sort)
        with self.db.read() as conn:
            if regex_needed:
                ensure_regexp(conn)
            if q.marker is not None:
                marker = conn.execute(sa.select(t).where(t.c.uuid == q.marker)).first()
                if marker is None:
                    raise BadRequest(f"marker [{q.marker}] not found", kind="MarkerNotFound")
                query = query.where(after_marker(keys, dict(marker._mapping)))
            query = query.order_by(*order_by(keys))
            if q.limit is not None:
                query = query.limit(q.limit)
            rows = [dict(r._mapping) for r in conn.execute(query)]
            return self.decorate(conn, rows)

    @staticmethod
    def _sort_keys(sort: Iterable[tuple[str, str]]) -> list[SortKey]:
        keys: list[SortKey] = []
        seen = set()
        last_desc = True
        for key, direction in sort:
            column = SORT_COLUMNS.get(key)
            if column is None or column in seen:
                continue
            seen.add(column)
            last_desc = direction == "desc"
            keys.append(SortKey(instances.c[column], last_desc))
        if "created_at" not in seen and not keys:
            keys.append(SortKey(instances.c.created_at, True))
        keys.append(SortKey(instances.c.id, last_desc))
        return keys

    # -- small reads used by the API ---------------------------------------------------------

    def by_reservation(self, conn: Connection, reservation_id: str) -> list[dict[str, Any]]:
        rows = conn.execute(
            sa.select(instances).where(instances.c.reservation_id == reservation_id).order_by(instances.c.launch_index)
        )
        return [dict(r._mapping) for r in rows]


def _tagged(tag: str) -> Any:
    return sa.select(instance_tags.c.instance_uuid).where(instance_tags.c.tag == tag)


def _as_text(column: Any) -> Any:
    return sa.cast(column, sa.String) if not isinstance(column.type, sa.String | sa.Text) else column


def brief(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": row["uuid"],
        "name": row["display_name"],
        "project_id": row["project_id"],
        "host": row["host"],
        "status": st.status(row["vm_state"], row["task_state"]) if not row["deleted"] else "DELETED",
    }
