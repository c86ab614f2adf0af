"""The simulated driver: transitions are rows of ``compute_tasks`` with due times.

Timing (``[compute] build_mode``): ``instant`` applies a transition in the request's
own transaction (or right after it, when it has side effects in other services);
``delay`` makes it due ``build_delay`` seconds later; ``manual`` holds it until an
admin releases it (``POST /compute/v2.1/os-pocketstack/transitions/release``).

Due transitions are applied by the background loop and lazily by reads.  A process
claims a task with a lease (a conditional UPDATE), runs its side effects, then deletes
the row and applies the state change in one transaction; a task whose claimant died
is taken over when the lease expires, so a restart mid-build finishes the build and
several processes never apply one twice.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import timedelta
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import timeutils
from pocketstack.core.db import Database
from pocketstack.services.compute.drivers.base import Task
from pocketstack.services.compute.models import tasks

log = logging.getLogger("pocketstack.compute")

LEASE = timedelta(seconds=60)


class Transitions(Protocol):
    def has_effects(self, kind: str) -> bool: ...

    def prepare(self, task: Task) -> dict[str, Any]: ...

    def finish(self, conn: Connection, task: Task, extra: dict[str, Any]) -> None: ...

    def fail(self, conn: Connection, task: Task, exc: Exception) -> None: ...


def _task(row: Any) -> Task:
    return Task(
        id=row.id,
        instance_uuid=row.instance_uuid,
        kind=row.kind,
        payload=dict(row.payload or {}),
        request_id=row.request_id,
        claimed_by=row.claimed_by,
        due_at=row.due_at,
    )


class SimulatedDriver:
    def __init__(self, db: Database, mode: str, delay: float, transitions: Transitions) -> None:
        if mode not in ("instant", "delay", "manual"):
            raise ValueError(f"compute build_mode must be instant, delay or manual, not {mode!r}")
        self.db = db
        self.mode = mode
        self.delay = max(0.0, float(delay))
        self.transitions = transitions

    def _due(self) -> Any:
        now = timeutils.utcnow()
        if self.mode == "manual":
            return None
        if self.mode == "delay":
            return now + timedelta(seconds=self.delay)
        return now

    # -- scheduling ----------------------------------------------------------------------

    def schedule(
        self,
        conn: Connection,
        *,
        instance_uuid: str,
        kind: str,
        payload: dict[str, Any],
        request_id: str | None,
        hold: bool = False,
    ) -> Task | None:
        effects = self.transitions.has_effects(kind)
        if self.mode == "instant" and not hold and not effects:
            task = Task(0, instance_uuid, kind, payload, request_id)
            self.transitions.finish(conn, task, {})
            return None
        now = timeutils.utcnow()
        claim = hold or (self.mode == "instant" and effects)
        token = uuid.uuid4().hex if claim else None
        due = now if claim else self._due()
        task_id = conn.execute(
            tasks.insert().values(
                instance_uuid=instance_uuid,
                kind=kind,
                due_at=due,
                claimed_by=token,
                claimed_until=now + LEASE if claim else None,
                payload=payload,
                request_id=request_id,
                created_at=now,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        if not claim:
            return None
        return Task(int(task_id), instance_uuid, kind, payload, request_id, token, due)

    def release(self, task: Task) -> None:
        """The caller held ``task`` while it did its part; now time it normally."""
        if self.mode == "instant":
            self.run(task)
            return
        with self.db.write() as conn:
            conn.execute(
                tasks.update()
                .where(tasks.c.id == task.id, tasks.c.claimed_by == task.claimed_by)
                .values(claimed_by=None, claimed_until=None, due_at=self._due(), payload=task.payload)
            )

    # -- running -----------------------------------------------------------------------------

    def run(self, task: Task) -> None:
        error: Exception | None = None
        extra: dict[str, Any] = {}
        try:
            extra = self.transitions.prepare(task)
        except Exception as exc:  # the simulated compute failed: the server goes to ERROR
            log.info("compute task %s %s for %s failed: %s", task.id, task.kind, task.instance_uuid, exc)
            error = exc
        with self.db.write() as conn:
            if task.id:
                gone = conn.execute(
                    tasks.delete().where(tasks.c.id == task.id, tasks.c.claimed_by == task.claimed_by)
                ).rowcount
                if not gone:
                    return  # our lease expired and another process took over
            if error is None:
                self.transitions.finish(conn, task, extra)
            else:
                self.transitions.fail(conn, task, error)

    def _claim(self, limit: int, instance_uuid: str | None = None) -> list[Task]:
        now = timeutils.utcnow()
        t = tasks
        where = sa.and_(
            t.c.due_at.is_not(None),
            t.c.due_at <= now,
            sa.or_(t.c.claimed_by.is_(None), t.c.claimed_until < now),
        )
        if instance_uuid is not None:
            where = sa.and_(where, t.c.instance_uuid == instance_uuid)
        token = uuid.uuid4().hex
        with self.db.write() as conn:
            ids = [r[0] for r in conn.execute(sa.select(t.c.id).where(where).order_by(t.c.due_at, t.c.id).limit(limit))]
            if not ids:
                return []
            conn.execute(t.update().where(t.c.id.in_(ids), where).values(claimed_by=token, claimed_until=now + LEASE))
            rows = conn.execute(sa.select(t).where(t.c.claimed_by == token).order_by(t.c.due_at, t.c.id)).all()
        return [_task(r) for r in rows]

    def any_due(self) -> bool:
        now = timeutils.utcnow()
        t = tasks
        with self.db.read() as conn:
            row = conn.execute(
                sa.select(t.c.id)
                .where(
                    t.c.due_at.is_not(None),
                    t.c.due_at <= now,
                    sa.or_(t.c.claimed_by.is_(None), t.c.claimed_until < now),
                )
                .limit(1)
            ).first()
        return row is not None

    def apply_due(self, limit: int = 100) -> int:
        if not self.any_due():
            return 0
        done = 0
        for task in self._claim(limit):
            self.run(task)
            done += 1
        return done

    def release_manual(self, instance_uuid: str | None = None) -> int:
        """Make held tasks due now (manual mode) and run what is due."""
        t = tasks
        with self.db.write() as conn:
            where = t.c.due_at.is_(None) & t.c.claimed_by.is_(None)
            if instance_uuid is not None:
                where = where & (t.c.instance_uuid == instance_uuid)
            released = conn.execute(t.update().where(where).values(due_at=timeutils.utcnow())).rowcount
        done = 0
        while True:
            batch = self._claim(100, instance_uuid)
            if not batch:
                break
            for task in batch:
                self.run(task)
                done += 1
        return max(released, done)

    def hurry(self, instance_uuid: str, kind: str) -> int:
        t = tasks
        with self.db.write() as conn:
            conn.execute(
                t.update()
                .where(t.c.instance_uuid == instance_uuid, t.c.kind == kind, t.c.claimed_by.is_(None))
                .values(due_at=timeutils.utcnow())
            )
        done = 0
        for task in self._claim(100, instance_uuid):
            self.run(task)
            done += 1
        return done

    def pending(self, instance_uuid: str | None = None) -> list[dict[str, Any]]:
        t = tasks
        query = sa.select(t).order_by(t.c.id)
        if instance_uuid is not None:
            query = query.where(t.c.instance_uuid == instance_uuid)
        with self.db.read() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    # -- background --------------------------------------------------------------------------

    async def loop(self) -> None:
        idle = 0.2 if self.mode == "delay" else 1.0
        while True:
            try:
                done = self.apply_due()
            except Exception:  # keep the loop alive; the error is logged
                log.exception("applying compute transitions failed")
                done = 0
            await asyncio.sleep(0.01 if done else idle)
