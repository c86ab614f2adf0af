"""What each simulated transition does to a server when it completes.

``finish`` runs inside one write transaction (the driver deletes the task row in the
same one); ``prepare`` runs before it, outside any compute transaction, for the
transitions that touch other services (ports, volumes, images).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import timeutils
from pocketstack.core.context import RequestContext
from pocketstack.services.compute import hosts, instance_actions
from pocketstack.services.compute import states as st
from pocketstack.services.compute.drivers.base import Task
from pocketstack.services.compute.models import (
    block_device_mappings,
    instance_faults,
    instance_tags,
    instances,
    migrations,
    server_group_members,
    virtual_interfaces,
)
from pocketstack.services.compute.snapshots import SnapshotSteps

if TYPE_CHECKING:
    from pocketstack.services.compute.service import ComputeService

log = logging.getLogger("pocketstack.compute")

# transitions that only set the final state
SIMPLE: dict[str, dict[str, Any]] = {
    "reboot": {"vm_state": st.ACTIVE, "power_state": st.RUNNING},
    "stop": {"vm_state": st.STOPPED, "power_state": st.SHUTDOWN},
    "start": {"vm_state": st.ACTIVE, "power_state": st.RUNNING},
    "pause": {"vm_state": st.PAUSED, "power_state": st.PAUSED_POWER},
    "unpause": {"vm_state": st.ACTIVE, "power_state": st.RUNNING},
    "suspend": {"vm_state": st.SUSPENDED, "power_state": st.SHUTDOWN},
    "resume": {"vm_state": st.ACTIVE, "power_state": st.RUNNING},
    "rescue": {"vm_state": st.RESCUED, "power_state": st.RUNNING},
    "unrescue": {"vm_state": st.ACTIVE, "power_state": st.RUNNING},
    "set_password": {},
    "crash_dump": {},
}

WITH_EFFECTS = {"build", "delete", "unshelve", "snapshot", "backup"}


def _started(task: Task) -> datetime | None:
    raw = task.payload.get("started")
    return datetime.fromisoformat(raw) if raw else None


def system_ctx(project_id: str | None, user_id: str | None = None) -> RequestContext:
    """An admin context in the server's project, for compute's own calls to other services."""
    return RequestContext(
        user_id=user_id or "nova",
        user_name="nova",
        user_domain_id="default",
        user_domain_name="Default",
        roles=("admin", "member", "reader", "service"),
        project_id=project_id,
        project_domain_id="default",
    )


class Lifecycle:
    def __init__(self, svc: ComputeService) -> None:
        self.svc = svc
        self.snapshots = SnapshotSteps(svc)

    def has_effects(self, kind: str) -> bool:
        return kind in WITH_EFFECTS

    # -- side effects ---------------------------------------------------------------------

    def prepare(self, task: Task) -> dict[str, Any]:
        p = task.payload
        ctx = system_ctx(p.get("project_id"), p.get("user_id"))
        if task.kind == "build":
            if not p.get("networked"):
                inst = self.svc.servers.get(task.instance_uuid)
                self.svc.integration.allocate(
                    ctx,
                    server_id=task.instance_uuid,
                    project_id=inst["project_id"],
                    requests=p.get("networks"),
                    host=inst["host"],
                    security_groups=p.get("security_groups") or ["default"],
                )
                self.svc.volumes.provision_boot(ctx, inst)
            return {}
        if task.kind == "delete":
            for step in (
                lambda: self.svc.integration.deallocate(ctx, task.instance_uuid),
                lambda: self.svc.volumes.release_all(ctx, task.instance_uuid),
                lambda: self._delete_image(ctx, p.get("shelved_image_id")),
            ):
                try:
                    step()
                except Exception:  # a delete always completes; log what could not be cleaned
                    log.exception("cleaning up server %s", task.instance_uuid)
            return {}
        if task.kind == "unshelve":
            self._delete_image(ctx, p.get("shelved_image_id"))
            return {}
        if task.kind in ("snapshot", "backup"):
            return self.snapshots.prepare(ctx, task)
        return {}

    def _delete_image(self, ctx: RequestContext, image_id: str | None) -> None:
        if image_id:
            self.svc.integration.delete_image(ctx, image_id)

    # -- state changes ----------------------------------------------------------------------

    def _row(self, conn: Connection, server_id: str) -> dict[str, Any] | None:
        row = conn.execute(sa.select(instances).where(instances.c.uuid == server_id)).first()
        return dict(row._mapping) if row else None

    def _set(self, conn: Connection, server_id: str, **values: Any) -> None:
        values.setdefault("updated_at", timeutils.utcnow())
        conn.execute(instances.update().where(instances.c.uuid == server_id).values(**values))

    def _events(self, conn: Connection, task: Task, inst: dict[str, Any], ok: bool = True, message: str = "") -> None:
        action_id = task.payload.get("action_id")
        if action_id:
            instance_actions.finish(
                conn,
                int(action_id),
                task.payload.get("action", task.kind),
                host=inst.get("host"),
                started=_started(task),
                ok=ok,
                traceback=message or None,
            )

    def finish(self, conn: Connection, task: Task, extra: dict[str, Any]) -> None:
        inst = self._row(conn, task.instance_uuid)
        if inst is None or (inst["deleted"] and task.kind != "delete"):
            return
        now = timeutils.utcnow()
        kind = task.kind
        p = task.payload
        if kind in ("snapshot", "backup") and self.snapshots.finish(conn, task, extra):
            return  # uploading: a later step finishes the action
        if kind in SIMPLE:
            self._set(conn, inst["uuid"], task_state=None, **SIMPLE[kind])
        elif kind == "build":
            values: dict[str, Any] = {
                "vm_state": st.ACTIVE,
                "task_state": None,
                "power_state": st.RUNNING,
                "launched_at": now,
                "progress": 0,
            }
            self._set(conn, inst["uuid"], **values)
        elif kind == "rebuild":
            stopped = p.get("old_vm_state") == st.STOPPED
            self._set(
                conn,
                inst["uuid"],
                vm_state=st.STOPPED if stopped else st.ACTIVE,
                power_state=st.SHUTDOWN if stopped else st.RUNNING,
                task_state=None,
                launched_at=now,
            )
        elif kind in ("resize", "migrate"):
            self._finish_resize(conn, inst, p)
        elif kind == "confirm_resize":
            self._confirm(conn, inst, p)
        elif kind == "revert_resize":
            self._revert(conn, inst, p)
        elif kind == "live_migrate":
            self._live(conn, inst, p)
        elif kind == "evacuate":
            self._live(conn, inst, p, status="done")
            stopped = bool(p.get("stopped"))
            self._set(
                conn,
                inst["uuid"],
                vm_state=st.STOPPED if stopped else st.ACTIVE,
                power_state=st.SHUTDOWN if stopped else st.RUNNING,
                launched_at=now,
            )
        elif kind == "shelve" or kind == "shelve_offload":
            self._shelve(conn, inst, p, offload=True)
        elif kind == "unshelve":
            sysmeta = {k: v for k, v in (inst["system_metadata"] or {}).items() if not k.startswith("shelved_")}
            self._set(
                conn,
                inst["uuid"],
                vm_state=st.ACTIVE,
                power_state=st.RUNNING,
                task_state=None,
                system_metadata=sysmeta,
                launched_at=inst["launched_at"] or now,
            )
        elif kind == "delete":
            self.destroy(conn, inst, now)
        elif kind == "extend_volume" and p.get("new_size") is not None:
            # the guest sees the new size; Nova keeps it on the mapping
            conn.execute(
                block_device_mappings.update()
                .where(
                    block_device_mappings.c.instance_uuid == inst["uuid"],
                    block_device_mappings.c.volume_id == p.get("volume_id"),
                )
                .values(volume_size=int(p["new_size"]))
            )
        self._events(conn, task, inst)

    def fail(self, conn: Connection, task: Task, exc: Exception) -> None:
        inst = self._row(conn, task.instance_uuid)
        if inst is None:
            return
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        if task.kind == "delete":
            self.destroy(conn, inst, timeutils.utcnow())
            return
        now = timeutils.utcnow()
        self._set(conn, inst["uuid"], vm_state=st.ERROR, task_state=None)
        conn.execute(
            instance_faults.insert().values(
                instance_uuid=inst["uuid"],
                code=int(getattr(exc, "status", 500) or 500),
                message=message[:255],
                details=f"{type(exc).__name__}: {message}",
                host=inst.get("host"),
                created_at=now,
            )
        )
        self._events(conn, task, inst, ok=False, message=message)

    # -- the multi-part transitions ------------------------------------------------------------

    def destroy(self, conn: Connection, inst: dict[str, Any], now: datetime) -> None:
        uuid_ = inst["uuid"]
        hosts.free(conn, uuid_)
        for mig in conn.execute(
            sa.select(migrations.c.uuid).where(
                migrations.c.instance_uuid == uuid_, migrations.c.status.in_(["finished", "running", "pre-migrating"])
            )
        ):
            hosts.free(conn, mig[0])
        conn.execute(instance_tags.delete().where(instance_tags.c.instance_uuid == uuid_))
        conn.execute(server_group_members.delete().where(server_group_members.c.instance_uuid == uuid_))
        conn.execute(block_device_mappings.delete().where(block_device_mappings.c.instance_uuid == uuid_))
        conn.execute(virtual_interfaces.delete().where(virtual_interfaces.c.instance_uuid == uuid_))
        self._set(
            conn,
            uuid_,
            deleted=True,
            deleted_at=now,
            terminated_at=now,
            vm_state=st.DELETED,
            task_state=None,
            power_state=st.NOSTATE,
            updated_at=now,
        )

    def _migration(self, conn: Connection, migration_uuid: str | None, **values: Any) -> dict[str, Any] | None:
        if not migration_uuid:
            return None
        values.setdefault("updated_at", timeutils.utcnow())
        conn.execute(migrations.update().where(migrations.c.uuid == migration_uuid).values(**values))
        row = conn.execute(sa.select(migrations).where(migrations.c.uuid == migration_uuid)).first()
        return dict(row._mapping) if row else None

    def _finish_resize(self, conn: Connection, inst: dict[str, Any], p: dict[str, Any]) -> None:
        new = p["new_flavor"]
        self._migration(conn, p.get("migration_uuid"), status="finished")
        sysmeta = dict(inst["system_metadata"] or {})
        sysmeta["old_vm_state"] = p.get("old_vm_state", st.ACTIVE)
        self._set(
            conn,
            inst["uuid"],
            vm_state=st.RESIZED,
            task_state=None,
            host=p["dest_host"],
            node=p["dest_node"],
            availability_zone=hosts.az_of(conn, p["dest_host"]),
            flavor=new,
            flavor_id=new["flavorid"],
            old_flavor=inst["flavor"],
            new_flavor=None,
            vcpus=new["vcpus"],
            memory_mb=new["memory_mb"],
            root_gb=new["root_gb"],
            ephemeral_gb=new["ephemeral_gb"],
            system_metadata=sysmeta,
        )

    def _old_state(self, inst: dict[str, Any]) -> dict[str, Any]:
        stopped = (inst["system_metadata"] or {}).get("old_vm_state") == st.STOPPED
        return {
            "vm_state": st.STOPPED if stopped else st.ACTIVE,
            "power_state": st.SHUTDOWN if stopped else st.RUNNING,
        }

    def _confirm(self, conn: Connection, inst: dict[str, Any], p: dict[str, Any]) -> None:
        mig = self._migration(conn, p.get("migration_uuid"), status="confirmed")
        if mig is not None:
            hosts.free(conn, mig["uuid"])
        sysmeta = {k: v for k, v in (inst["system_metadata"] or {}).items() if k != "old_vm_state"}
        self._set(
            conn, inst["uuid"], task_state=None, old_flavor=None, system_metadata=sysmeta, **self._old_state(inst)
        )

    def _revert(self, conn: Connection, inst: dict[str, Any], p: dict[str, Any]) -> None:
        mig = self._migration(conn, p.get("migration_uuid"), status="reverted")
        old = inst["old_flavor"] or inst["flavor"]
        values: dict[str, Any] = {
            "task_state": None,
            "flavor": old,
            "flavor_id": old["flavorid"],
            "old_flavor": None,
            "vcpus": old["vcpus"],
            "memory_mb": old["memory_mb"],
            "root_gb": old["root_gb"],
            "ephemeral_gb": old["ephemeral_gb"],
            "system_metadata": {k: v for k, v in (inst["system_metadata"] or {}).items() if k != "old_vm_state"},
            **self._old_state(inst),
        }
        if mig is not None:
            hosts.free(conn, inst["uuid"])
            hosts.move(conn, mig["uuid"], inst["uuid"])
            values.update(
                host=mig["source_compute"],
                node=mig["source_node"],
                availability_zone=hosts.az_of(conn, mig["source_compute"]),
            )
        self._set(conn, inst["uuid"], **values)

    def _live(self, conn: Connection, inst: dict[str, Any], p: dict[str, Any], status: str = "completed") -> None:
        mig = self._migration(conn, p.get("migration_uuid"), status=status)
        if mig is not None:
            hosts.free(conn, mig["uuid"])
        self._set(
            conn,
            inst["uuid"],
            task_state=None,
            host=p["dest_host"],
            node=p["dest_node"],
            availability_zone=hosts.az_of(conn, p["dest_host"]),
        )

    def _shelve(self, conn: Connection, inst: dict[str, Any], p: dict[str, Any], offload: bool) -> None:
        hosts.free(conn, inst["uuid"])
        self._set(
            conn,
            inst["uuid"],
            vm_state=st.SHELVED_OFFLOADED if offload else st.SHELVED,
            task_state=None,
            power_state=st.SHUTDOWN,
            host=None,
            node=None,
        )


__all__ = ["Lifecycle", "system_ctx"]
