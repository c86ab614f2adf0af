"""Database access shared by every service.

One SQLAlchemy engine per cloud (SQLite in WAL mode by default, any SQLAlchemy URL
otherwise).  Each service owns its own ``MetaData`` (as upstream services own their
own databases) and its own Alembic branch; no foreign key crosses services.

Transactions never span an ``await``: ``with db.write() as conn:`` blocks run to the
end synchronously.  On SQLite a write transaction starts with ``BEGIN IMMEDIATE`` so
that read-then-write sequences (quota checks, address allocation) are serialised
across processes instead of failing on lock upgrade.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

core_metadata = sa.MetaData()

# Monotonic counters that let each process keep caches of hot reads and still see
# writes made by other processes: a writer bumps the counter in its transaction, a
# reader compares the counter with the one its cache was built at.
revisions = sa.Table(
    "core_revisions",
    core_metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False, default=0),
)


_REVISION_SQL = sa.text("SELECT value FROM core_revisions WHERE name = :name")


def _sqlite_engine(url: str) -> Engine:
    engine = sa.create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        pool_size=8,
        max_overflow=16,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event decide how transactions start.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


class Database:
    # How long a process trusts its last reading of a revision counter before asking
    # the database again.  Writes made by this process are seen at once (a bump drops
    # the local reading on commit); writes by other processes sharing the database are
    # seen within this many seconds.
    REVISION_MAX_AGE = 0.5

    def __init__(self, url: str) -> None:
        self.url = url
        self._revisions: dict[str, tuple[int, float]] = {}
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            path = url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.engine = _sqlite_engine(url)
        else:
            self.engine = sa.create_engine(url, pool_pre_ping=True)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction (a consistent snapshot on SQLite WAL)."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction that holds the write lock from its first statement."""
        with self.engine.connect() as conn:
            if self.is_sqlite:
                conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            try:
                with conn.begin():
                    yield conn
            finally:
                for name in conn.info.pop("bumped", ()):
                    self._revisions.pop(name, None)

    # -- revision counters -------------------------------------------------------

    def revision(self, name: str, conn: Connection | None = None) -> int:
        """The counter's value: read in ``conn``'s transaction when given (exact), else
        from this process's recent reading (see ``REVISION_MAX_AGE``)."""
        if conn is not None:
            value = int(conn.execute(_REVISION_SQL, {"name": name}).scalar() or 0)
            if not conn.info.get("bumped"):
                self._revisions[name] = (value, time.monotonic())
            return value
        cached = self._revisions.get(name)
        now = time.monotonic()
        if cached is not None and now - cached[1] < self.REVISION_MAX_AGE:
            return cached[0]
        with self.engine.connect() as c:
            value = int(c.execute(_REVISION_SQL, {"name": name}).scalar() or 0)
            c.rollback()
        self._revisions[name] = (value, now)
        return value

    @staticmethod
    def bump(conn: Connection, name: str) -> None:
        """Advance ``name``'s revision inside the caller's write transaction (this
        process forgets its reading when the transaction ends)."""
        conn.info.setdefault("bumped", set()).add(name)
        updated = conn.execute(
            revisions.update().where(revisions.c.name == name).values(value=revisions.c.value + 1)
        ).rowcount
        if not updated:
            conn.execute(revisions.insert().values(name=name, value=1))

    def dispose(self) -> None:
        self.engine.dispose()


def row_dict(row: Any) -> dict[str, Any]:
    return dict(row._mapping)
