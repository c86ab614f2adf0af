"""Server actions: the state guards Nova's compute API applies, then a transition.

Each action re-reads the server in its write transaction, refuses with Nova's 409
when the server is locked or in the wrong state, records the instance action, sets
the task state and asks the driver for the transition.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import timeutils
from pocketstack.core.context import RequestContext
from pocketstack.core.errors import BadRequest, Forbidden
from pocketstack.services.compute import errors, hosts, instance_actions, quotas, scheduler
from pocketstack.services.compute import states as st
from pocketstack.services.compute.drivers.base import Task
from pocketstack.services.compute.hosts import Resources
from pocketstack.services.compute.models import instances, migrations

if TYPE_CHECKING:
    from pocketstack.services.compute.service import ComputeService

ANY = None  # no constraint on the state
NO_TASK: frozenset[str | None] = frozenset({None})


@dataclass(frozen=True)
class Guard:
    method: str  # the action name in Nova's 409 message
    vm_states: Collection[str] | None
    task_states: Collection[str | None] | None = NO_TASK
    must_have_launched: bool = True
    check_lock: bool = True


GUARDS: dict[str, Guard] = {
    "stop": Guard("stop", {st.ACTIVE, st.ERROR}),
    "start": Guard("start", {st.STOPPED}),
    "reboot_soft": Guard("reboot", st.ALLOW_SOFT_REBOOT),
    "reboot_hard": Guard("reboot", st.ALLOW_HARD_REBOOT, st.ALLOW_REBOOT),
    "pause": Guard("pause", {st.ACTIVE}),
    "unpause": Guard("unpause", {st.PAUSED}),
    "suspend": Guard("suspend", {st.ACTIVE}),
    "resume": Guard("resume", {st.SUSPENDED}),
    "rescue": Guard("rescue", {st.ACTIVE, st.STOPPED, st.ERROR}),
    "unrescue": Guard("unrescue", {st.RESCUED}),
    "changePassword": Guard("changePassword", {st.ACTIVE}),
    "createImage": Guard("createImage", {st.ACTIVE, st.STOPPED, st.PAUSED, st.SUSPENDED}),
    "createBackup": Guard("createBackup", {st.ACTIVE, st.STOPPED, st.PAUSED, st.SUSPENDED}),
    "shelve": Guard("shelve", {st.ACTIVE, st.STOPPED, st.PAUSED, st.SUSPENDED}),
    "shelveOffload": Guard("shelveOffload", {st.SHELVED}),
    "unshelve": Guard("unshelve", {st.SHELVED, st.SHELVED_OFFLOADED}),
    "resize": Guard("resize", {st.ACTIVE, st.STOPPED}),
    "migrate": Guard("migrate", {st.ACTIVE, st.STOPPED}),
    "confirmResize": Guard("confirmResize", {st.RESIZED}),
    "revertResize": Guard("revertResize", {st.RESIZED}),
    "rebuild": Guard("rebuild", {st.ACTIVE, st.STOPPED, st.ERROR}),
    "os-migrateLive": Guard("os-migrateLive", {st.ACTIVE, st.PAUSED}),
    "force_complete": Guard("force_complete", {st.ACTIVE, st.PAUSED}, {st.MIGRATING}),
    "trigger_crash_dump": Guard("trigger_crash_dump", st.ALLOW_TRIGGER_CRASH_DUMP),
    "delete": Guard("delete", ANY, ANY, must_have_launched=False),
    "restore": Guard("restore", {st.SOFT_DELETED}),
    "evacuate": Guard("evacuate", {st.ACTIVE, st.STOPPED, st.ERROR}),
    "attach_volume": Guard(
        "attach_volume",
        {st.ACTIVE, st.PAUSED, st.STOPPED, st.RESIZED, st.SOFT_DELETED, st.SHELVED, st.SHELVED_OFFLOADED},
    ),
    "detach_volume": Guard(
        "detach_volume",
        {st.ACTIVE, st.PAUSED, st.STOPPED, st.RESIZED, st.SOFT_DELETED, st.SHELVED, st.SHELVED_OFFLOADED},
    ),
    "attach_interface": Guard("attach_interface", {st.ACTIVE, st.PAUSED, st.STOPPED}),
    "detach_interface": Guard("detach_interface", {st.ACTIVE, st.PAUSED, st.STOPPED}),
    "get_vnc_console": Guard("get_vnc_console", ANY, ANY, must_have_launched=False, check_lock=False),
}


def check(inst: dict[str, Any], guard: Guard, *, admin: bool) -> None:
    """Nova's check_instance_lock then check_instance_state, with its 409s."""
    if guard.check_lock and inst["locked"] and not admin:
        raise errors.locked(inst["uuid"])
    check_state(inst, guard)


def check_state(inst: dict[str, Any], guard: Guard) -> None:
    if guard.vm_states is not None and inst["vm_state"] not in guard.vm_states:
        raise errors.invalid_state(inst["uuid"], guard.method, "vm_state", inst["vm_state"])
    if guard.task_states is not None and inst["task_state"] not in guard.task_states:
        raise errors.invalid_state(inst["uuid"], guard.method, "task_state", inst["task_state"])
    if guard.must_have_launched and not inst["launched_at"]:
        raise errors.invalid_state(inst["uuid"], guard.method, "launched_at", None)


class Actions:
    def __init__(self, svc: ComputeService) -> None:
        self.svc = svc
        self.db = svc.db

    def _scope(self, ctx: RequestContext, admin: bool) -> str | None:
        return None if admin else ctx.project_id

    def transition(
        self,
        ctx: RequestContext,
        server_id: str,
        guard: str,
        *,
        admin: bool,
        request_id: str,
        action: str,
        kind: str | None,
        task_state: str | None = None,
        payload: dict[str, Any] | None = None,
        prepare: Callable[[Connection, dict[str, Any], dict[str, Any]], dict[str, Any] | None] | None = None,
    ) -> dict[str, Any]:
        """Guard, record the action, set the task state and schedule ``kind``."""
        task: Task | None = None
        with self.db.write() as conn:
            inst = self.svc.servers.row(conn, server_id, project_id=self._scope(ctx, admin))
            check(inst, GUARDS[guard], admin=admin)
            body = dict(payload or {})
            values: dict[str, Any] = {"updated_at": timeutils.utcnow()}
            if prepare is not None:
                values.update(prepare(conn, inst, body) or {})
            if task_state is not None:
                values["task_state"] = task_state
            conn.execute(instances.update().where(instances.c.uuid == server_id).values(**values))
            now = timeutils.utcnow()
            action_id = instance_actions.start(
                conn,
                instance_uuid=server_id,
                action=action,
                request_id=request_id,
                user_id=ctx.user_id,
                project_id=ctx.project_id,
                now=now,
            )
            if kind is None:
                instance_actions.finish(conn, action_id, action, host=inst["host"], started=now)
            else:
                body.update(
                    action_id=action_id,
                    action=action,
                    started=now.isoformat(),
                    project_id=inst["project_id"],
                    user_id=inst["user_id"],
                )
                task = self.svc.driver.schedule(
                    conn, instance_uuid=server_id, kind=kind, payload=body, request_id=request_id
                )
            inst.update(values)
        if task is not None:
            self.svc.driver.run(task)
        return inst

    # -- the simple ones ---------------------------------------------------------------

    def simple(self, ctx: RequestContext, server_id: str, name: str, *, admin: bool, request_id: str) -> None:
        spec = {
            "os-stop": ("stop", "stop", "stop", st.POWERING_OFF),
            "os-start": ("start", "start", "start", st.POWERING_ON),
            "pause": ("pause", "pause", "pause", st.PAUSING),
            "unpause": ("unpause", "unpause", "unpause", st.UNPAUSING),
            "suspend": ("suspend", "suspend", "suspend", st.SUSPENDING),
            "resume": ("resume", "resume", "resume", st.RESUMING),
            "unrescue": ("unrescue", "unrescue", "unrescue", st.UNRESCUING),
            "trigger_crash_dump": ("trigger_crash_dump", "trigger_crash_dump", None, None),
        }[name]
        guard, action, kind, task_state = spec
        self.transition(
            ctx, server_id, guard, admin=admin, request_id=request_id, action=action, kind=kind, task_state=task_state
        )

    def reboot(self, ctx: RequestContext, server_id: str, hard: bool, *, admin: bool, request_id: str) -> None:
        self.transition(
            ctx,
            server_id,
            "reboot_hard" if hard else "reboot_soft",
            admin=admin,
            request_id=request_id,
            action="reboot",
            kind="reboot",
            task_state=st.REBOOTING_HARD if hard else st.REBOOTING,
        )

    def rescue(self, ctx: RequestContext, server_id: str, *, admin: bool, request_id: str) -> None:
        def prep(conn: Connection, inst: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
            if any(
                b["boot_index"] == 0 and b["destination_type"] == "volume" for b in self.svc.volumes.bdms(server_id)
            ):
                pass  # rescue of volume-backed servers is allowed from 2.87 (checked by the API)
            return {}

        self.transition(
            ctx, server_id, "rescue", admin=admin, request_id=request_id, action="rescue", kind="rescue",
            task_state=st.RESCUING, prepare=prep,
        )  # fmt: skip

    def change_password(self, ctx: RequestContext, server_id: str, *, admin: bool, request_id: str) -> None:
        self.transition(
            ctx,
            server_id,
            "changePassword",
            admin=admin,
            request_id=request_id,
            action="changePassword",
            kind="set_password",
            task_state=st.UPDATING_PASSWORD,
        )

    # -- lock ---------------------------------------------------------------------------

    def lock(self, ctx: RequestContext, server_id: str, reason: str | None, *, admin: bool, request_id: str) -> None:
        def prep(conn: Connection, inst: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
            by = "owner" if ctx.project_id == inst["project_id"] else "admin"
            return {"locked": True, "locked_by": by, "locked_reason": reason}

        self.svc_transition_no_guard(ctx, server_id, "lock", admin=admin, request_id=request_id, prepare=prep)

    def unlock(
        self, ctx: RequestContext, server_id: str, *, admin: bool, override: Callable[[], bool], request_id: str
    ) -> None:
        def prep(conn: Connection, inst: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
            expected = "owner" if ctx.project_id == inst["project_id"] else "admin"
            if inst["locked"] and inst["locked_by"] != expected and not override():
                raise Forbidden(
                    "Policy doesn't allow os_compute_api:os-lock-server:unlock:unlock_override to be performed.",
                    kind="PolicyNotAuthorized",
                )
            return {"locked": False, "locked_by": None, "locked_reason": None}

        self.svc_transition_no_guard(ctx, server_id, "unlock", admin=admin, request_id=request_id, prepare=prep)

    def svc_transition_no_guard(
        self,
        ctx: RequestContext,
        server_id: str,
        action: str,
        *,
        admin: bool,
        request_id: str,
        prepare: Callable[[Connection, dict[str, Any], dict[str, Any]], dict[str, Any] | None],
    ) -> None:
        GUARDS.setdefault(action, Guard(action, ANY, ANY, must_have_launched=False, check_lock=False))
        self.transition(
            ctx, server_id, action, admin=admin, request_id=request_id, action=action, kind=None, prepare=prepare
        )

    # -- resize and migrations -----------------------------------------------------------------

    def resize(
        self,
        ctx: RequestContext,
        server_id: str,
        flavor: dict[str, Any] | None,
        *,
        admin: bool,
        request_id: str,
        host: str | None = None,
        disk_config: str | None = None,
    ) -> None:
        """Resize to ``flavor``; cold-migrate (same flavor, another host) when it is None."""
        guard = "resize" if flavor is not None else "migrate"

        def prep(conn: Connection, inst: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
            new = inst["flavor"] if flavor is None else _snapshot(flavor)
            if flavor is not None and new["flavorid"] == inst["flavor"]["flavorid"]:
                raise BadRequest("When resizing, instances must change flavor!", kind="CannotResizeToSameFlavor")
            if flavor is not None and new["root_gb"] < inst["flavor"]["root_gb"] and inst["image_ref"]:
                raise BadRequest("Resize error: Unable to resize disk down.", kind="CannotResizeDisk")
            if flavor is not None:
                self._check_upsize(conn, inst, new)
            node = self._schedule_move(conn, inst, Resources.of_flavor(new), host, allow_same=flavor is not None)
            migration = self._start_migration(conn, inst, node, "resize" if flavor is not None else "migration", new)
            body.update(
                new_flavor=new,
                migration_uuid=migration,
                dest_host=node["host"],
                dest_node=node["hypervisor_hostname"],
                old_vm_state=inst["vm_state"],
            )
            out: dict[str, Any] = {"new_flavor": new}
            if disk_config is not None:
                out["auto_disk_config"] = disk_config == "AUTO"
            return out

        self.transition(
            ctx,
            server_id,
            guard,
            admin=admin,
            request_id=request_id,
            action="resize" if flavor is not None else "migrate",
            kind="resize" if flavor is not None else "migrate",
            task_state=st.RESIZE_PREP,
            prepare=prep,
        )

    def _check_upsize(self, conn: Connection, inst: dict[str, Any], new: dict[str, Any]) -> None:
        """Nova checks only what an upsize adds (cores and ram) against the quota."""
        old = inst["flavor"]
        deltas = {
            k: v
            for k, v in (("cores", new["vcpus"] - old["vcpus"]), ("ram", new["memory_mb"] - old["memory_mb"]))
            if v > 0
        }
        if not deltas:
            return
        project_id = inst["project_id"]
        quotas.store.lock(conn, project_id)
        limits = quotas.limits(conn, project_id)
        used = quotas.instance_usage(conn, project_id)
        overs: list[str] = [r for r in ("cores", "ram") if r in deltas and 0 <= limits.get(r, -1) < used[r] + deltas[r]]
        if overs:
            raise errors.over_quota(quotas.over_instances_message(deltas, limits, used, overs))

    def _schedule_move(
        self, conn: Connection, inst: dict[str, Any], res: Resources, host: str | None, allow_same: bool
    ) -> dict[str, Any]:
        request = scheduler.Request(resources=res, host=host, exclude={inst["host"]} if inst["host"] else set())
        current = hosts.allocation(conn, inst["uuid"])
        try:
            return scheduler.select(conn, request)
        except scheduler.NoValidHost:
            if not allow_same or host is not None or not inst["host"]:
                raise BadRequest(
                    "No valid host was found. No valid host found for cold migrate", kind="NoValidHost"
                ) from None
        # resize on the same host: what the server holds there counts as free
        if current is not None:
            hosts.free(conn, inst["uuid"])
        try:
            return scheduler.select(conn, scheduler.Request(resources=res, host=inst["host"]))
        except scheduler.NoValidHost:
            raise BadRequest("No valid host was found. No valid host found for resize", kind="NoValidHost") from None
        finally:
            if current is not None:
                hosts.allocate(
                    conn,
                    inst["uuid"],
                    current["host"],
                    Resources(current["vcpus"], current["memory_mb"], current["disk_gb"]),
                )

    def _start_migration(
        self, conn: Connection, inst: dict[str, Any], node: dict[str, Any], kind: str, new_flavor: dict[str, Any]
    ) -> str:
        migration_uuid = str(uuid.uuid4())
        now = timeutils.utcnow()
        old_id = self.svc.flavors.internal_id(conn, inst["flavor"]["flavorid"])
        new_id = self.svc.flavors.internal_id(conn, new_flavor["flavorid"])
        conn.execute(
            migrations.insert().values(
                uuid=migration_uuid,
                instance_uuid=inst["uuid"],
                migration_type=kind,
                status="pre-migrating" if kind != "live-migration" else "running",
                source_compute=inst["host"],
                dest_compute=node["host"],
                source_node=inst["node"],
                dest_node=node["hypervisor_hostname"],
                dest_host=node["host_ip"],
                old_flavor_id=old_id,
                new_flavor_id=new_id,
                project_id=inst["project_id"],
                user_id=inst["user_id"],
                created_at=now,
                updated_at=now,
            )
        )
        # the source side is held by the migration, the server takes its new size at the destination
        hosts.move(conn, inst["uuid"], migration_uuid)
        hosts.allocate(conn, inst["uuid"], node["host"], Resources.of_flavor(new_flavor))
        return migration_uuid

    def confirm_or_revert(
        self, ctx: RequestContext, server_id: str, revert: bool, *, admin: bool, request_id: str
    ) -> None:
        def prep(conn: Connection, inst: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
            mig = self.svc.migrations.latest(conn, server_id, "finished")
            if mig is None:
                raise BadRequest("Instance has not been resized.", kind="MigrationNotFoundByStatus")
            body["migration_uuid"] = mig["uuid"]
            return {}

        self.transition(
            ctx,
            server_id,
            "revertResize" if revert else "confirmResize",
            admin=admin,
            request_id=request_id,
            action="revertResize" if revert else "confirmResize",
            kind="revert_resize" if revert else "confirm_resize",
            task_state=st.RESIZE_REVERTING if revert else None,
            prepare=prep,
        )

    def live_migrate(
        self, ctx: RequestContext, server_id: str, host: str | None, *, admin: bool, request_id: str
    ) -> None:
        def prep(conn: Connection, inst: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
            res = Resources.of_flavor(inst["flavor"])
            try:
                node = scheduler.select(conn, scheduler.Request(resources=res, host=host, exclude={inst["host"]}))
            except scheduler.NoValidHost:
                raise BadRequest(
                    "No valid host was found. No valid host found for live migration", kind="NoValidHost"
                ) from None
            migration = self._start_migration(conn, inst, node, "live-migration", inst["flavor"])
            body.update(migration_uuid=migration, dest_host=node["host"], dest_node=node["hypervisor_hostname"])
            return {}

        self.transition(
            ctx, server_id, "os-migrateLive", admin=admin, request_id=request_id, action="live-migration",
            kind="live_migrate", task_state=st.MIGRATING, prepare=prep,
        )  # fmt: skip

    def force_complete(
        self, ctx: RequestContext, server_id: str, migration_id: str, *, admin: bool, request_id: str
    ) -> None:
        """Nova's live_migrate_force_complete: a running live migration ends now (Nova pauses
        the guest for the last copy; the simulated hypervisor just finishes at once)."""
        with self.db.write() as conn:
            inst = self.svc.servers.row(conn, server_id, project_id=self._scope(ctx, admin))
            check(inst, GUARDS["force_complete"], admin=admin)
            mig = None
            if migration_id.isdigit():
                mig = conn.execute(
                    sa.select(migrations.c.status).where(
                        migrations.c.id == int(migration_id), migrations.c.instance_uuid == server_id
                    )
                ).first()
            if mig is None:
                raise BadRequest(f"Migration {migration_id} not found for instance {server_id}")
            if mig.status != "running":
                raise BadRequest(
                    f"Migration {migration_id} state of instance {server_id} is {mig.status}. Cannot force "
                    "complete while the migration is in this state."
                )
            now = timeutils.utcnow()
            action_id = instance_actions.start(
                conn, instance_uuid=server_id, action="live_migration_force_complete", request_id=request_id,
                user_id=ctx.user_id, project_id=ctx.project_id, now=now,
            )  # fmt: skip
            instance_actions.finish(conn, action_id, "live_migration_force_complete", host=inst["host"], started=now)
        self.svc.driver.hurry(server_id, "live_migrate")

    def evacuate(
        self, ctx: RequestContext, server_id: str, host: str | None, stopped: bool, *, admin: bool, request_id: str
    ) -> None:
        """Rebuild a server of a failed host elsewhere (2.95: it lands stopped)."""

        def prep(conn: Connection, inst: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
            node_rows = {n["host"]: n for n in hosts.nodes(conn)}
            source = node_rows.get(inst["host"] or "")
            if source is not None and not source["forced_down"]:
                raise BadRequest(f"Compute service of {inst['host']} is still in use.", kind="ComputeServiceInUse")
            res = Resources.of_flavor(inst["flavor"])
            try:
                node = scheduler.select(conn, scheduler.Request(resources=res, host=host, exclude={inst["host"]}))
            except scheduler.NoValidHost as exc:
                raise BadRequest(exc.message, kind="NoValidHost") from None
            migration = self._start_migration(conn, inst, node, "evacuation", inst["flavor"])
            body.update(
                migration_uuid=migration,
                dest_host=node["host"],
                dest_node=node["hypervisor_hostname"],
                stopped=stopped or inst["vm_state"] == st.STOPPED,
            )
            return {}

        self.transition(
            ctx, server_id, "evacuate", admin=admin, request_id=request_id, action="evacuate", kind="evacuate",
            task_state=st.REBUILDING, prepare=prep,
        )  # fmt: skip


def _snapshot(flavor: dict[str, Any]) -> dict[str, Any]:
    out = {k: flavor[k] for k in ("flavorid", "name", "memory_mb", "vcpus", "root_gb", "ephemeral_gb", "swap")}
    out["extra_specs"] = dict(flavor.get("extra_specs") or {})
    out["description"] = flavor.get("description")
    return out
