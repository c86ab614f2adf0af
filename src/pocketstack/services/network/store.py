"""Shared plumbing of the network managers: rows, standard attributes, tags, listing.

Lists are keyset-paginated (``WHERE (sort keys) > marker's ORDER BY … LIMIT n``,
always ending with ``id`` so the order is total), so a page costs the same however
many rows the table holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from pocketstack.core.pagination import SortKey, after_marker, order_by
from pocketstack.core.timeutils import utcnow
from pocketstack.services.network import models as m
from pocketstack.services.network.errors import revision_mismatch

Row = dict[str, Any]


def one(conn: Connection, stmt: sa.Select[Any], params: Mapping[str, Any] | None = None) -> Row | None:
    row = conn.execute(stmt, dict(params or {})).mappings().first()
    return dict(row) if row is not None else None


def many(conn: Connection, stmt: sa.Select[Any], params: Mapping[str, Any] | None = None) -> list[Row]:
    return [dict(r) for r in conn.execute(stmt, dict(params or {})).mappings()]


def new_standard(description: str | None = "") -> dict[str, Any]:
    now = utcnow()
    return {"description": description or "", "created_at": now, "updated_at": now, "revision_number": 1}


def bump(conn: Connection, table: sa.Table, row_id: str, **values: Any) -> None:
    """Update a row's columns and its standard attributes (revision + updated_at)."""
    conn.execute(
        table.update()
        .where(table.c.id == row_id)
        .values(**values, updated_at=utcnow(), revision_number=table.c.revision_number + 1)
    )


def check_revision(row: Mapping[str, Any], expected: int | None) -> None:
    """``If-Match: revision_number=N`` (revision-if-match), checked in the write
    transaction that changes the row, so no other change can slip in between."""
    if expected is not None and "revision_number" in row and row["revision_number"] != expected:
        raise revision_mismatch(expected, row["revision_number"])


# -- tags -------------------------------------------------------------------------------


_TAGS = (
    sa.select(m.tags.c.resource_id, m.tags.c.tag)
    .where(m.tags.c.resource_id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(m.tags.c.tag)
)


def tags_for(conn: Connection, ids: Iterable[str]) -> dict[str, list[str]]:
    wanted = list(ids)
    out: dict[str, list[str]] = {i: [] for i in wanted}
    for chunk in _chunks(wanted):
        for rid, tag in conn.execute(_TAGS, {"ids": list(chunk)}):
            out[rid].append(tag)
    return out


def set_tags(conn: Connection, resource_type: str, resource_id: str, tags: Iterable[str]) -> None:
    conn.execute(m.tags.delete().where(m.tags.c.resource_id == resource_id))
    for tag in dict.fromkeys(tags):
        conn.execute(m.tags.insert().values(resource_id=resource_id, tag=tag, resource_type=resource_type))


def delete_tags(conn: Connection, resource_id: str) -> None:
    conn.execute(m.tags.delete().where(m.tags.c.resource_id == resource_id))


def _chunks(items: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _tag_exists(id_col: ColumnElement[Any], tag: str) -> ColumnElement[bool]:
    t = m.tags
    return sa.exists().where(t.c.resource_id == id_col, t.c.tag == tag)


def tag_filter(id_col: ColumnElement[Any], key: str, tags: list[str]) -> ColumnElement[bool]:
    each = [_tag_exists(id_col, tag) for tag in tags]
    if key == "tags":
        return sa.and_(*each)
    if key == "tags-any":
        return sa.or_(*each)
    if key == "not-tags":
        return sa.not_(sa.and_(*each))
    return sa.not_(sa.or_(*each))  # not-tags-any


# -- listing ------------------------------------------------------------------------------

FilterFn = Callable[[list[Any]], ColumnElement[bool]]


@dataclass
class Listing:
    """How a collection's API attributes map onto its table for filtering and sorting."""

    table: sa.Table
    columns: dict[str, ColumnElement[Any]] = field(default_factory=dict)
    special: dict[str, FilterFn] = field(default_factory=dict)
    tagged: bool = True

    def column(self, name: str) -> ColumnElement[Any] | None:
        if name in self.columns:
            return self.columns[name]
        if name in ("tenant_id", "project_id"):
            return self.table.c.project_id
        if name in self.table.c:
            return self.table.c[name]
        return None

    def where(self, filters: Mapping[str, list[Any]]) -> list[ColumnElement[bool]]:
        clauses: list[ColumnElement[bool]] = []
        for key, values in filters.items():
            if key in ("tags", "tags-any", "not-tags", "not-tags-any"):
                if self.tagged and values:
                    clauses.append(tag_filter(self.table.c.id, key, values))
            elif key in self.special:
                clauses.append(self.special[key](values))
            else:
                col = self.column(key)
                if col is not None:
                    clauses.append(col.in_(values) if None not in values else sa.or_(col.in_(values), col.is_(None)))
        return clauses


@dataclass
class Page:
    rows: list[Row]
    limit: int | None
    marker: str | None
    page_reverse: bool


def list_page(
    conn: Connection,
    listing: Listing,
    *,
    scope: ColumnElement[bool] | Sequence[ColumnElement[bool]] | None,
    filters: Mapping[str, list[Any]],
    sorts: Sequence[tuple[str, bool]] = (),
    limit: int | None = None,
    marker: Row | None = None,
    page_reverse: bool = False,
    extra: Sequence[ColumnElement[bool]] = (),
) -> list[Row]:
    t = listing.table
    keys: list[SortKey] = []
    for name, asc in sorts:
        col = listing.column(name)
        if col is not None and name != "id":
            keys.append(SortKey(col, descending=not asc if not page_reverse else asc))
    id_asc = next((asc for name, asc in sorts if name == "id"), True)
    keys.append(SortKey(t.c.id, descending=not id_asc if not page_reverse else id_asc))
    where = [*listing.where(filters), *extra]
    if marker is not None:
        where.append(after_marker(keys, {str(k.column.key): marker.get(str(k.column.key)) for k in keys}))
    if isinstance(scope, Sequence) and limit:
        rows = _branch_page(conn, t, scope, where, keys, limit)
    else:
        stmt = sa.select(t).where(*where)
        if isinstance(scope, Sequence):
            stmt = stmt.where(sa.or_(*scope))
        elif scope is not None:
            stmt = stmt.where(scope)
        stmt = stmt.order_by(*order_by(keys))
        if limit:
            stmt = stmt.limit(limit)
        rows = many(conn, stmt)
    if page_reverse:
        rows.reverse()
    return rows


def _branch_page(
    conn: Connection,
    table: sa.Table,
    branches: Sequence[ColumnElement[bool]],
    where: Sequence[ColumnElement[bool]],
    keys: Sequence[SortKey],
    limit: int,
) -> list[Row]:
    """A page of rows matching any of ``branches``: each branch is its own index-ordered
    keyset page of at most ``limit`` rows (an OR in one query would make SQLite gather
    every match and sort them); the union of their sort keys picks the page, whose rows
    are then read by id."""
    columns = list(dict.fromkeys([*(k.column for k in keys), table.c.id]))
    parts = []
    for branch in branches:
        part = sa.select(*columns).where(branch, *where).order_by(*order_by(keys)).limit(limit).subquery()
        parts.append(sa.select(part))
    merged = sa.union(*parts).subquery()
    outer = [SortKey(merged.c[str(k.column.key)], k.descending) for k in keys]
    ids = [r[0] for r in conn.execute(sa.select(merged.c.id).order_by(*order_by(outer)).limit(limit))]
    if not ids:
        return []
    rows = {r["id"]: r for r in many(conn, sa.select(table).where(table.c.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]
