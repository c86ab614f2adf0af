"""Shared plumbing of the identity managers: transactions, row helpers, list filters."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core.db import Database
from pocketstack.settings import Settings

DOMAIN_ROOT = "<<keystone.domain.root>>"  # domain_id of the rows that are domains
REVISION = "identity"


class Store:
    """Base of every identity manager: the database plus the revision bump on writes.

    Every write that can change a token's validity or content (users, projects,
    roles, grants, revocations, application credentials, the catalog) bumps the
    ``identity`` revision, which every process's token cache compares against.
    """

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    @contextmanager
    def changing(self) -> Iterator[Connection]:
        with self.db.write() as conn:
            yield conn
            Database.bump(conn, REVISION)

    def reading(self) -> AbstractContextManager[Connection]:
        return self.db.read()


class Memo:
    """Values computed from identity data, kept until the identity revision moves.

    Shared by the token paths (issue and validate) of one process; any identity write
    in any process moves the revision, which empties it.  Cached values are shared:
    callers must not mutate them.
    """

    _MISSING = object()

    def __init__(self, db: Database, limit: int = 50000) -> None:
        self.db = db
        self.limit = limit
        self.revision = -1
        self.data: dict[Any, Any] = {}

    def get(self, key: Any, load: Callable[[], Any]) -> Any:
        rev = self.db.revision(REVISION)
        if rev != self.revision or len(self.data) >= self.limit:
            self.data = {}
            self.revision = rev
        value = self.data.get(key, self._MISSING)
        if value is self._MISSING:
            value = self.data[key] = load()
        return value


def one(conn: Connection, stmt: sa.Select[Any]) -> dict[str, Any] | None:
    row = conn.execute(stmt).mappings().first()
    return dict(row) if row is not None else None


def many(conn: Connection, stmt: sa.Select[Any]) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(stmt).mappings()]


def truthy(value: str) -> bool:
    """Keystone's reading of boolean query filters: only 0/false/no/off are false."""
    return value.strip().lower() not in ("0", "false", "no", "off", "n", "f")


_INEXACT = {
    "contains": lambda col, v: col.contains(v, autoescape=True),
    "icontains": lambda col, v: sa.func.lower(col).contains(v.lower(), autoescape=True),
    "startswith": lambda col, v: col.startswith(v, autoescape=True),
    "istartswith": lambda col, v: sa.func.lower(col).startswith(v.lower(), autoescape=True),
    "endswith": lambda col, v: col.endswith(v, autoescape=True),
    "iendswith": lambda col, v: sa.func.lower(col).endswith(v.lower(), autoescape=True),
}


def apply_filters(
    stmt: sa.Select[Any],
    table: sa.Table,
    query: Mapping[str, Sequence[str]],
    exact: Sequence[str],
    booleans: Sequence[str] = ("enabled",),
    inexact: Sequence[str] = ("name",),
) -> sa.Select[Any]:
    """Keystone's list filters: ``attr=value`` and ``name__icontains=…`` style comparators.

    A filter naming an attribute the entity doesn't have is ignored, as Keystone's SQL
    driver ignores hints for attributes its model lacks.
    """
    for key, values in query.items():
        value = values[-1]
        if key.partition("__")[0] not in table.c:
            continue
        if key in booleans:
            stmt = stmt.where(table.c[key] == truthy(value))
        elif key in exact:
            stmt = stmt.where(table.c[key] == value)
        elif "__" in key:
            attr, _, op = key.partition("__")
            if attr in inexact and op in _INEXACT:
                stmt = stmt.where(_INEXACT[op](table.c[attr], value))
    return stmt
