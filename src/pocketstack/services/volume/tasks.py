"""Persisted transitions of the simulated backend.

An operation that upstream finishes asynchronously (create, delete, extend, snapshot,
backup, restore, upload, retype) starts in the API's write transaction and leaves a
row in ``volume_tasks`` saying what finishes it and when.  Whoever runs due tasks
(the background loop of any server process sharing the database, or the request
itself when timing is ``instant``) applies each inside one write transaction that
also deletes the row, so a task is applied exactly once even with several processes,
and a restart picks up whatever was pending.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core.db import Database
from pocketstack.core.timeutils import utcnow
from pocketstack.services.volume import models as m
from pocketstack.services.volume.drivers.base import Backend

log = logging.getLogger("pocketstack.volume.tasks")

# (conn, resource_id, payload) -> None; runs inside the applying write transaction
Applier = Callable[[Connection, str, dict[str, Any]], None]

_BATCH = 200


class TaskQueue:
    def __init__(self, db: Database, backend: Backend) -> None:
        self.db = db
        self.backend = backend
        self._appliers: dict[str, Applier] = {}

    def register(self, action: str, applier: Applier) -> None:
        self._appliers[action] = applier

    # -- starting ------------------------------------------------------------------------

    def schedule(
        self,
        conn: Connection,
        resource: str,
        resource_id: str,
        action: str,
        payload: Mapping[str, Any] | None = None,
    ) -> None:
        """Finish ``action`` now (instant timing) or record it for later, in the caller's txn."""
        delay = self.backend.delay(action)
        data = dict(payload or {})
        if delay == 0:
            self._appliers[action](conn, resource_id, data)
            return
        due = None if delay is None else utcnow() + timedelta(seconds=delay)
        conn.execute(
            m.tasks.insert().values(
                resource=resource,
                resource_id=resource_id,
                action=action,
                payload=data,
                due_at=due,
                created_at=utcnow(),
            )
        )

    def cancel(self, conn: Connection, resource_id: str, action: str | None = None) -> None:
        stmt = m.tasks.delete().where(m.tasks.c.resource_id == resource_id)
        if action is not None:
            stmt = stmt.where(m.tasks.c.action == action)
        conn.execute(stmt)

    # -- finishing -----------------------------------------------------------------------

    def next_due(self) -> Any:
        with self.db.read() as conn:
            return conn.execute(sa.select(sa.func.min(m.tasks.c.due_at))).scalar()

    def run_due(self, resource_id: str | None = None) -> int:
        """Apply every task that is due (optionally only one resource's); returns how many."""
        done = 0
        while True:
            with self.db.write() as conn:
                stmt = (
                    sa.select(m.tasks)
                    .where(m.tasks.c.due_at.is_not(None), m.tasks.c.due_at <= utcnow())
                    .order_by(m.tasks.c.due_at, m.tasks.c.id)
                    .limit(_BATCH)
                )
                if resource_id is not None:
                    stmt = stmt.where(m.tasks.c.resource_id == resource_id)
                rows = [dict(r) for r in conn.execute(stmt).mappings()]
                for row in rows:
                    conn.execute(m.tasks.delete().where(m.tasks.c.id == row["id"]))
                    applier = self._appliers.get(row["action"])
                    if applier is None:
                        log.error("no applier for volume task %s", row["action"])
                        continue
                    applier(conn, row["resource_id"], dict(row["payload"] or {}))
            done += len(rows)
            if len(rows) < _BATCH:
                return done

    def finish_now(self, resource_id: str) -> int:
        """Apply one resource's pending tasks at once, whatever their timing."""
        with self.db.write() as conn:
            conn.execute(m.tasks.update().where(m.tasks.c.resource_id == resource_id).values(due_at=utcnow()))
        return self.run_due(resource_id)

    def release(self, resource_id: str | None = None) -> int:
        """Make held (``manual``) tasks due now; returns how many were released."""
        with self.db.write() as conn:
            stmt = m.tasks.update().where(m.tasks.c.due_at.is_(None)).values(due_at=utcnow())
            if resource_id is not None:
                stmt = stmt.where(m.tasks.c.resource_id == resource_id)
            count = conn.execute(stmt).rowcount
        self.run_due(resource_id)
        return int(count or 0)

    def all_pending(self, resource_id: str | None = None) -> list[dict[str, Any]]:
        with self.db.read() as conn:
            stmt = sa.select(m.tasks).order_by(m.tasks.c.id)
            if resource_id is not None:
                stmt = stmt.where(m.tasks.c.resource_id == resource_id)
            return [dict(r) for r in conn.execute(stmt).mappings()]

    # -- the background loop -----------------------------------------------------------

    async def run_forever(self, idle: float = 0.5) -> None:
        """Apply tasks as they fall due; polls the table (other processes add tasks too)."""
        while True:
            try:
                due = self.next_due()
                now = utcnow()
                if due is not None and due <= now:
                    self.run_due()
                    continue
                wait = idle
                if due is not None:
                    wait = min(idle, max(0.01, (due - now).total_seconds()))
                await asyncio.sleep(wait)
            except asyncio.CancelledError:
                raise
            except Exception:  # keep the loop alive; the next round retries
                log.exception("volume task loop failed")
                await asyncio.sleep(idle)
