"""Instance actions and their events (``os-instance-actions``), recorded as Nova does:
an action row when the API accepts a request, events when the simulated compute
works on it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import timeutils
from pocketstack.core.errors import BadRequest
from pocketstack.services.compute.models import instance_action_events, instance_actions

# The events Nova's conductor and compute record for each action.
EVENTS: dict[str, list[str]] = {
    "create": ["conductor_schedule_and_build_instances", "schedule_instances", "compute__do_build_and_run_instance"],
    "delete": ["compute_terminate_instance"],
    "stop": ["compute_stop_instance"],
    "start": ["compute_start_instance"],
    "reboot": ["compute_reboot_instance"],
    "pause": ["compute_pause_instance"],
    "unpause": ["compute_unpause_instance"],
    "suspend": ["compute_suspend_instance"],
    "resume": ["compute_resume_instance"],
    "rescue": ["compute_rescue_instance"],
    "unrescue": ["compute_unrescue_instance"],
    "resize": ["conductor_migrate_server", "compute_prep_resize", "compute_resize_instance", "compute_finish_resize"],
    "migrate": ["conductor_migrate_server", "compute_prep_resize", "compute_resize_instance", "compute_finish_resize"],
    "confirmResize": ["compute_confirm_resize"],
    "revertResize": ["compute_revert_resize", "compute_finish_revert_resize"],
    "rebuild": ["compute_rebuild_instance"],
    "createImage": ["compute_snapshot_instance"],
    "createBackup": ["compute_backup_instance"],
    "shelve": ["compute_shelve_instance", "compute_shelve_offload_instance"],
    "shelveOffload": ["compute_shelve_offload_instance"],
    "unshelve": ["conductor_unshelve_instance", "compute_unshelve_instance"],
    "changePassword": ["compute_set_admin_password"],
    "live-migration": [
        "conductor_live_migrate_instance",
        "compute_live_migration",
        "compute_post_live_migration_at_destination",
    ],
    "attach_volume": ["compute_attach_volume"],
    "detach_volume": ["compute_detach_volume"],
    "extend_volume": ["compute_extend_volume"],
    "attach_interface": ["compute_attach_interface"],
    "detach_interface": ["compute_detach_interface"],
    "trigger_crash_dump": ["compute_trigger_crash_dump"],
    "evacuate": ["compute_rebuild_instance"],
    "restore": ["compute_restore_instance"],
}


def start(
    conn: Connection,
    *,
    instance_uuid: str,
    action: str,
    request_id: str,
    user_id: str | None,
    project_id: str | None,
    now: datetime | None = None,
) -> int:
    """Record an action as accepted; returns its id."""
    now = now or timeutils.utcnow()
    params = {
        "action": action,
        "instance_uuid": instance_uuid,
        "request_id": request_id,
        "user_id": user_id,
        "project_id": project_id,
        "start_time": now,
        "created_at": now,
        "updated_at": now,
    }
    return int(conn.execute(instance_actions.insert(), params).inserted_primary_key[0])  # type: ignore[index]


def finish(
    conn: Connection,
    action_id: int,
    action: str,
    *,
    host: str | None,
    started: datetime | None,
    ok: bool = True,
    traceback: str | None = None,
    details: str | None = None,
    events: list[str] | None = None,
) -> None:
    """Record the events of an action (``EVENTS``, or ``events``) as run to the end
    (successfully or not)."""
    now = timeutils.utcnow()
    rows = [
        {
            "action_id": action_id,
            "event": event,
            "start_time": started or now,
            "finish_time": now,
            "result": "Success" if ok else "Error",
            "traceback": None if ok else traceback,
            "host": host,
            "details": None if ok else details,
        }
        for event in (EVENTS.get(action, []) if events is None else events)
    ]
    if rows:
        conn.execute(instance_action_events.insert(), rows)
    values: dict[str, Any] = {"updated_at": now}
    if not ok:
        values["message"] = "Error"
    conn.execute(instance_actions.update().where(instance_actions.c.id == action_id).values(**values))


def list_actions(
    conn: Connection,
    instance_uuid: str,
    *,
    limit: int | None = None,
    marker: str | None = None,
    changes_since: datetime | None = None,
    changes_before: datetime | None = None,
) -> list[dict[str, Any]]:
    t = instance_actions
    if limit == 0:
        return []
    query = sa.select(t).where(t.c.instance_uuid == instance_uuid)
    if changes_since is not None:
        query = query.where(t.c.updated_at >= changes_since)
    if changes_before is not None:
        query = query.where(t.c.updated_at <= changes_before)
    if marker is not None:
        m = get_action(conn, instance_uuid, marker)
        if m is None:
            raise BadRequest(f"Marker {marker} could not be found.", kind="MarkerNotFound")
        query = query.where(
            sa.or_(t.c.created_at < m["created_at"], sa.and_(t.c.created_at == m["created_at"], t.c.id < m["id"]))
        )
    query = query.order_by(t.c.created_at.desc(), t.c.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [dict(r._mapping) for r in conn.execute(query)]


def get_action(conn: Connection, instance_uuid: str, request_id: str) -> dict[str, Any] | None:
    t = instance_actions
    row = conn.execute(
        sa.select(t)
        .where(t.c.instance_uuid == instance_uuid, t.c.request_id == request_id)
        .order_by(t.c.created_at.desc(), t.c.id.desc())
        .limit(1)
    ).first()
    return dict(row._mapping) if row else None


def events(conn: Connection, action_id: int) -> list[dict[str, Any]]:
    t = instance_action_events
    rows = conn.execute(sa.select(t).where(t.c.action_id == action_id).order_by(t.c.id))
    return [dict(r._mapping) for r in rows]
