"""Migration records (resize, cold and live migration), for os-migrations and
``/servers/{id}/migrations``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core.db import Database
from pocketstack.core.errors import BadRequest
from pocketstack.services.compute.models import migrations


class Migrations:
    def __init__(self, db: Database) -> None:
        self.db = db

    def latest(self, conn: Connection, instance_uuid: str, status: str) -> dict[str, Any] | None:
        t = migrations
        row = conn.execute(
            sa.select(t)
            .where(t.c.instance_uuid == instance_uuid, t.c.status == status)
            .order_by(t.c.id.desc())
            .limit(1)
        ).first()
        return dict(row._mapping) if row else None

    def index(
        self,
        *,
        instance_uuid: str | None = None,
        project_id: str | None = None,
        user_id: str | None = None,
        host: str | None = None,
        status: str | None = None,
        migration_type: str | None = None,
        in_progress: bool = False,
        changes_since: datetime | None = None,
        changes_before: datetime | None = None,
        limit: int | None = None,
        marker: str | None = None,
    ) -> list[dict[str, Any]]:
        t = migrations
        query = sa.select(t)
        if instance_uuid is not None:
            query = query.where(t.c.instance_uuid == instance_uuid)
        if project_id is not None:
            query = query.where(t.c.project_id == project_id)
        if user_id is not None:
            query = query.where(t.c.user_id == user_id)
        if host is not None:
            query = query.where(sa.or_(t.c.source_compute == host, t.c.dest_compute == host))
        if status is not None:
            query = query.where(t.c.status == status)
        if migration_type is not None:
            query = query.where(t.c.migration_type == migration_type)
        if in_progress:
            query = query.where(
                t.c.status.not_in(["confirmed", "reverted", "error", "failed", "completed", "cancelled", "done"])
            )
        if changes_since is not None:
            query = query.where(t.c.updated_at >= changes_since)
        if changes_before is not None:
            query = query.where(t.c.updated_at <= changes_before)
        with self.db.read() as conn:
            if marker is not None:
                m = conn.execute(sa.select(t).where(t.c.uuid == marker)).first()
                if m is None:
                    raise BadRequest(f"Marker {marker} could not be found.", kind="MarkerNotFound")
                query = query.where(
                    sa.or_(t.c.created_at < m.created_at, sa.and_(t.c.created_at == m.created_at, t.c.id < m.id))
                )
            query = query.order_by(t.c.created_at.desc(), t.c.id.desc())
            if limit is not None:
                query = query.limit(limit)
            return [dict(r._mapping) for r in conn.execute(query)]
