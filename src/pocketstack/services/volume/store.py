"""Shared plumbing of the block storage managers: rows, key/value metadata, booleans."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core.db import Database
from pocketstack.core.errors import BadRequest

# strutils.bool_from_string(strict=True) spellings
_TRUE = ("1", "t", "true", "on", "y", "yes")
_FALSE = ("0", "f", "false", "off", "n", "no")


def one(conn: Connection, stmt: sa.Select[Any]) -> dict[str, Any] | None:
    row = conn.execute(stmt).mappings().first()
    return dict(row) if row is not None else None


def many(conn: Connection, stmt: sa.Select[Any]) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(stmt).mappings()]


def strict_bool(value: Any, name: str = "") -> bool:
    """oslo's ``bool_from_string(strict=True)``: anything else is a 400."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    acceptable = ", ".join(f"'{v}'" for v in sorted((*_TRUE, *_FALSE)))
    raise BadRequest(f"Unrecognized value '{value}', acceptable values are: {acceptable}", kind="ValueError")


def loose_bool(value: Any) -> bool:
    """``bool_from_string`` (not strict): only the true spellings are true."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in _TRUE


class KeyValues:
    """A ``(<owner>, key, value)`` metadata table."""

    def __init__(self, table: sa.Table, owner: str) -> None:
        self.table = table
        self.owner = table.c[owner]

    def get(self, conn: Connection, owner_id: str) -> dict[str, Any]:
        rows = conn.execute(
            sa.select(self.table.c.key, self.table.c.value).where(self.owner == owner_id).order_by(self.table.c.key)
        )
        return {k: v for k, v in rows}

    def get_many(self, conn: Connection, owner_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        ids = list(owner_ids)
        out: dict[str, dict[str, Any]] = {i: {} for i in ids}
        if ids:
            rows = conn.execute(
                sa.select(self.owner, self.table.c.key, self.table.c.value)
                .where(self.owner.in_(ids))
                .order_by(self.table.c.key)
            )
            for oid, key, value in rows:
                out[oid][key] = value
        return out

    def replace(self, conn: Connection, owner_id: str, values: Mapping[str, Any]) -> None:
        conn.execute(self.table.delete().where(self.owner == owner_id))
        self.merge(conn, owner_id, values)

    def merge(self, conn: Connection, owner_id: str, values: Mapping[str, Any]) -> None:
        for key, value in values.items():
            where = (self.owner == owner_id) & (self.table.c.key == key)
            if not conn.execute(self.table.update().where(where).values(value=value)).rowcount:
                conn.execute(self.table.insert().values({self.owner.key: owner_id, "key": key, "value": value}))

    def delete_key(self, conn: Connection, owner_id: str, key: str) -> bool:
        where = (self.owner == owner_id) & (self.table.c.key == key)
        return bool(conn.execute(self.table.delete().where(where)).rowcount)


class Store:
    """Base of the managers: the database, and whom to ask for the backend."""

    def __init__(self, db: Database) -> None:
        self.db = db
