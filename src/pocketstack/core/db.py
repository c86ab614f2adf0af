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

import threading
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
    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            path = url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.engine = _sqlite_engine(url)
        else:
            self.engine = sa.create_engine(url, pool_pre_ping=True)
        self._local = threading.local()

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
            with conn.begin():
                yield conn

    # -- revision counters -------------------------------------------------------

    def revision(self, name: str, conn: Connection | None = None) -> int:
        stmt = sa.select(revisions.c.value).where(revisions.c.name == name)
        if conn is not None:
            return int(conn.execute(stmt).scalar() or 0)
        with self.engine.connect() as c:
            value = c.execute(stmt).scalar()
            c.rollback()
        return int(value or 0)

    @staticmethod
    def bump(conn: Connection, name: str) -> None:
        """Advance ``name``'s revision inside the caller's write transaction."""
        updated = conn.execute(
            revisions.update().where(revisions.c.name == name).values(value=revisions.c.value + 1)
        ).rowcount
        if not updated:
            conn.execute(revisions.insert().values(name=name, value=1))

    def dispose(self) -> None:
        self.engine.dispose()


def row_dict(row: Any) -> dict[str, Any]:
    return dict(row._mapping)
