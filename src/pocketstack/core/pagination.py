"""``limit``/``marker`` pagination with keyset queries.

A page is read with ``WHERE (sort keys) after (marker's sort keys) ORDER BY … LIMIT n``,
so its cost depends on the page size, not on how many rows the table holds (given an
index on the sort keys).  Services pick their default sort and link shape
(``servers_links``, ``networks_links``, Glance's ``next``) and use these helpers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from pocketstack.core.errors import BadRequest


@dataclass(frozen=True)
class SortKey:
    column: sa.ColumnElement[Any]
    descending: bool = False


def parse_limit(raw: str | None, maximum: int | None = None, name: str = "limit") -> int | None:
    """A non-negative integer limit, capped at ``maximum``; None when absent."""
    if raw is None or raw == "":
        return maximum
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"Invalid input for field/attribute {name}. Value: {raw}.") from None
    if value < 0:
        raise BadRequest(f"Invalid input for field/attribute {name}. Value: {raw}.")
    if maximum is not None:
        value = min(value, maximum)
    return value


def _after(column: sa.ColumnElement[Any], value: Any, descending: bool) -> ColumnElement[bool]:
    """Rows strictly after ``value`` in this column's order (NULLs sort first, as SQLite)."""
    if not descending:
        if value is None:
            return column.is_not(None)
        return column > value
    if value is None:
        return sa.false()
    return sa.or_(column < value, column.is_(None))


def _same(column: sa.ColumnElement[Any], value: Any) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def after_marker(keys: Sequence[SortKey], marker: Mapping[str, Any]) -> ColumnElement[bool]:
    """The keyset condition for rows after ``marker`` (a row mapping holding every key).

    The last key must be unique (an id) so the order is total.
    """
    clauses = []
    for i, key in enumerate(keys):
        prefix = [_same(k.column, marker[str(k.column.key)]) for k in keys[:i]]
        clauses.append(sa.and_(*prefix, _after(key.column, marker[str(key.column.key)], key.descending)))
    return sa.or_(*clauses)


def order_by(keys: Sequence[SortKey]) -> list[Any]:
    out: list[Any] = []
    for k in keys:
        if k.descending:
            out.append(k.column.desc().nulls_last())
        else:
            out.append(k.column.asc().nulls_first())
    return out


def next_href(base: str, query: Mapping[str, Sequence[str]], marker: str) -> str:
    """``base?…&marker=<marker>``, keeping the caller's other parameters."""
    params = [(k, v) for k, vs in query.items() if k != "marker" for v in vs]
    params.append(("marker", marker))
    return f"{base}?{urlencode(params)}"
