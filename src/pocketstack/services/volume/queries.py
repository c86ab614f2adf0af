"""List queries: Cinder's filter semantics on our tables.

Cinder evaluates each filter value with ``ast.literal_eval`` (so ``size=1`` is the
integer 1 and ``metadata={'k': 'v'}`` a dict), treats lists as ``IN``, ``key~`` as a
substring match, booleans by its (micro)version rules, and answers an empty list for
an unknown attribute.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from pocketstack.core.timeutils import parse_iso
from pocketstack.services.volume import errors as e
from pocketstack.services.volume.listing import like
from pocketstack.services.volume.store import strict_bool

TIME_OPERATORS = ("gt", "gte", "eq", "neq", "lt", "lte")


class NoMatch(Exception):
    """A filter no row can satisfy (Cinder returns an empty list)."""


@dataclass(frozen=True)
class Filterable:
    table: sa.Table
    booleans: tuple[str, ...] = ()
    renames: tuple[tuple[str, str], ...] = ()  # (api name, column)
    metadata: tuple[sa.Table, str] | None = None  # (key/value table, owner column)
    glance: tuple[sa.Table, str] | None = None

    def column(self, key: str) -> sa.ColumnElement[Any] | None:
        name = dict(self.renames).get(key, key)
        return self.table.c.get(name)


_INT64 = range(-(2**63), 2**63)


def _storable(value: Any) -> bool:
    """Whether the database can compare with ``value`` (its integers are 64-bit)."""
    if isinstance(value, bool) or not isinstance(value, int | list | tuple | set | dict):
        return True
    if isinstance(value, int):
        return value in _INT64
    items = value.items() if isinstance(value, dict) else ((x, x) for x in value)
    return all(_storable(k) and _storable(v) for k, v in items)


def literal(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        parsed = ast.literal_eval(value)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return value
    # a number past 64 bits matches nothing stored: compared as the text it was
    return parsed if _storable(parsed) else value


def boolean(key: str, value: str, strict: bool) -> bool:
    if strict:
        try:
            return strict_bool(value)
        except Exception:
            raise e.invalid_input(f"'{key} = {value}'") from None
    if value in ("False", "false", "FALSE"):
        return False
    return bool(value)


def time_filter(column: sa.ColumnElement[Any], raw: str, name: str) -> sa.ColumnElement[bool]:
    clauses = []
    for unit in raw.split(","):
        op, sep, when = unit.partition(":")
        if not sep:
            raise e.bad_request(f"Invalid {name} value")
        if op not in TIME_OPERATORS:
            raise e.bad_request(f"Invalid {op} operator")
        try:
            moment = parse_iso(when)
        except ValueError:
            raise e.bad_request(f"Invalid {when} value") from None
        clauses.append(
            {
                "gt": column > moment,
                "gte": column >= moment,
                "eq": column == moment,
                "neq": column != moment,
                "lt": column < moment,
                "lte": column <= moment,
            }[op]
        )
    return sa.and_(*clauses)


def host_filter(column: Any, host: str) -> Any:
    """Cinder's ``_filter_host``: the host itself, or any backend or pool on it."""
    if "#" in host:
        return column == host
    if "@" in host:
        return sa.or_(column == host, column.startswith(host + "#", autoescape=True))
    return sa.or_(
        column == host, column.startswith(host + "@", autoescape=True), column.startswith(host + "#", autoescape=True)
    )


def apply(
    stmt: sa.Select[Any],
    spec: Filterable,
    filters: Mapping[str, Any],
    *,
    strict_booleans: bool = True,
    time_filters: bool = False,
) -> sa.Select[Any]:
    """Add ``filters`` to ``stmt``; raises :class:`NoMatch` when nothing can match."""
    t = spec.table
    for key, raw in filters.items():
        if key.endswith("~"):
            base = key[:-1]
            column = spec.column(base)
            if column is None:
                raise NoMatch
            if isinstance(raw, str | int):
                stmt = stmt.where(like(column, str(raw)))
            continue
        if key in ("metadata", "glance_metadata"):
            kv = spec.metadata if key == "metadata" else spec.glance
            value = literal(raw)
            if kv is None or not isinstance(value, dict):
                raise NoMatch
            kv_table, owner = kv
            for mk, mv in value.items():
                stmt = stmt.where(
                    sa.exists().where(
                        kv_table.c[owner] == t.c.id, kv_table.c.key == str(mk), kv_table.c.value == str(mv)
                    )
                )
            continue
        column = spec.column(key)
        if column is None:
            raise NoMatch
        if key in ("host", "cluster_name") and isinstance(raw, str):
            stmt = stmt.where(host_filter(column, raw))
            continue
        if time_filters and key in ("created_at", "updated_at"):
            stmt = stmt.where(time_filter(column, str(raw), key))
            continue
        if key in spec.booleans:
            stmt = stmt.where(column.is_(boolean(key, str(raw), strict_booleans)))
            continue
        value = raw if key in ("name", "display_name", "description", "display_description") else literal(raw)
        if isinstance(value, list | tuple | set | frozenset):
            stmt = stmt.where(column.in_([_scalar(x) for x in value]))
        elif value is None:
            stmt = stmt.where(column.is_(None))
        else:
            stmt = stmt.where(column == _scalar(value))
    return stmt


def _scalar(value: Any) -> Any:
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return str(value)
