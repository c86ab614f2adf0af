"""Creating servers (``POST /servers``): validate, check quota and schedule in one write
transaction, then give the servers their ports and volumes, then hand them to the driver.

Anything that fails after the rows were written (a port in use, a missing volume)
removes what this request created before the error is answered: nothing half-created
stays behind.
"""

from __future__ import annotations

import contextlib
import random
import secrets
import string
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import timeutils
from pocketstack.core.context import RequestContext
from pocketstack.core.errors import ApiError, BadRequest, Conflict, Forbidden, NotFound
from pocketstack.services.compute import blockdev, errors, hosts, instance_actions, quotas, scheduler
from pocketstack.services.compute import states as st
from pocketstack.services.compute.drivers.base import Task
from pocketstack.services.compute.hosts import Resources
from pocketstack.services.compute.models import (
    block_device_mappings,
    instance_action_events,
    instance_faults,
    instance_tags,
    instances,
    server_group_members,
    server_groups,
    tasks,
)
from pocketstack.services.compute.models import (
    instance_actions as actions_table,
)

if TYPE_CHECKING:
    from pocketstack.services.compute.service import ComputeService

GiB = 1024**3
PASSWORD_SYMBOLS = ("23456789", "ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz")


def generate_password(length: int = 12) -> str:
    """Nova's generate_password: one of each symbol group, the rest from all, shuffled."""
    r = random.SystemRandom()
    chars = [r.choice(group) for group in PASSWORD_SYMBOLS]
    alphabet = "".join(PASSWORD_SYMBOLS)
    chars += [r.choice(alphabet) for _ in range(length - len(chars))]
    r.shuffle(chars)
    return "".join(chars)


def reservation_id() -> str:
    return "r-" + "".join(secrets.choice(string.digits + string.ascii_lowercase) for _ in range(8))


def sanitize_hostname(name: str) -> str:
    import re

    text = name.encode("latin-1", "ignore").decode("latin-1")[:63]
    text = re.sub(r"[ _\.]", "-", text)
    text = re.sub(r"[^\w.-]+", "", text)
    return text.lower().strip(".-")


@dataclass
class CreateRequest:
    name: str
    flavor_ref: str
    image_ref: str = ""
    description: str | None = None
    hostname: str | None = None
    admin_pass: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    networks: Any = None  # None, "auto", "none" or [{"uuid"|"port", "fixed_ip", "tag"}]
    security_groups: list[str] | None = None
    key_name: str | None = None
    user_data: str | None = None
    config_drive: bool = False
    access_ip_v4: str | None = None
    access_ip_v6: str | None = None
    availability_zone: str | None = None
    host: str | None = None
    node: str | None = None
    min_count: int = 1
    max_count: int = 1
    tags: list[str] = field(default_factory=list)
    bdms: list[dict[str, Any]] = field(default_factory=list)
    scheduler_hints: dict[str, Any] = field(default_factory=dict)
    auto_disk_config: bool = False
    trusted_certs: list[str] | None = None
    files: list[tuple[str, str]] = field(default_factory=list)  # personality (path, base64 contents)
    multiattach_ok: bool = False  # 2.60: multiattach volumes may be attached


@dataclass
class Created:
    instances: list[dict[str, Any]]
    reservation_id: str
    admin_pass: str


class Creator:
    def __init__(self, svc: ComputeService) -> None:
        self.svc = svc
        self.db = svc.db

    # -- checks before anything is written --------------------------------------------

    def _flavor(self, req: CreateRequest, ctx: RequestContext, admin: bool) -> dict[str, Any]:
        try:
            flavor = self.svc.flavors.get_for_project(req.flavor_ref, ctx.project_id, admin)
        except NotFound:
            raise BadRequest(f"Flavor {req.flavor_ref} could not be found.", kind="FlavorNotFound") from None
        if flavor["disabled"]:
            raise BadRequest(f"Flavor {req.flavor_ref} could not be found.", kind="FlavorNotFound")
        return flavor

    def _image(self, req: CreateRequest, ctx: RequestContext, flavor: dict[str, Any]) -> dict[str, Any] | None:
        if not req.image_ref:
            return None
        image = self.svc.integration.get_image(ctx, req.image_ref)
        if image is None:
            raise BadRequest("Can not find requested image", kind="ImageNotFound")
        if image.get("status") != "active":
            raise BadRequest(f"Image {req.image_ref} is not active.", kind="ImageNotActive")
        if flavor["memory_mb"] < int(image.get("min_ram") or 0):
            raise BadRequest("Flavor's memory is too small for requested image.", kind="FlavorMemoryTooSmall")
        return image

    def _check_local_disk(
        self, req: CreateRequest, image: dict[str, Any] | None, flavor: dict[str, Any], zero_disk_ok: bool
    ) -> None:
        """The image fits the flavor's root disk (a server that boots from a volume has none)."""
        if image is None or self._boots_from_volume(req):
            return
        dest = flavor["root_gb"] * GiB
        size = int(image.get("size") or 0)
        min_disk = int(image.get("min_disk") or 0) * GiB
        if dest:
            if size > dest:
                raise BadRequest(
                    f"Flavor's disk is too small for requested image. Flavor disk is {dest} bytes, "
                    f"image is {size} bytes.",
                    kind="FlavorDiskSmallerThanImage",
                )
            if min_disk > dest:
                raise BadRequest(
                    "Flavor's disk is smaller than the minimum size specified in image metadata. "
                    f"Flavor disk is {dest} bytes, minimum size is {min_disk} bytes.",
                    kind="FlavorDiskSmallerThanMinDisk",
                )
        elif not zero_disk_ok:
            raise Forbidden(
                "Only volume-backed servers are allowed for flavors with zero disk.",
                kind="BootFromVolumeRequiredForZeroDiskFlavor",
            )

    @staticmethod
    def _boots_from_volume(req: CreateRequest) -> bool:
        return any(b["destination_type"] == "volume" and b["boot_index"] == 0 for b in req.bdms)

    def _block_devices(
        self, ctx: RequestContext, req: CreateRequest, image: dict[str, Any] | None, flavor: dict[str, Any]
    ) -> None:
        """Nova's _check_and_transform_bdm and _validate_bdm: the image's own mappings (a
        volume-backed server's snapshot) merged in, then every mapping checked."""
        blockdev.check_root_device(req.bdms, req.image_ref)
        image_bdms = blockdev.image_defined(image)
        if image_bdms:
            req.bdms = blockdev.merge(image_bdms, req.bdms)
        if not req.bdms:
            return
        full = list(req.bdms)
        if image is not None and not self._boots_from_volume(req):
            full.insert(0, _image_bdm(req.image_ref))
        lookups = _Lookups(self.svc, ctx)
        blockdev.validate(
            full, flavor=flavor, lookups=lookups, image_ref=req.image_ref, instances=max(req.min_count, req.max_count)
        )

    def _networks(self, req: CreateRequest, ctx: RequestContext) -> Any:
        nets = req.networks
        if nets is None or isinstance(nets, str):
            return nets
        count = req.max_count
        for net in nets:
            if net.get("port"):
                if count > 1:
                    raise BadRequest(
                        "Failed to launch instances: Unable to launch multiple instances with a single "
                        "configured port ID. Please launch your instance one by one with different ports.",
                        kind="MultiplePortsNotApplicable",
                    )
            else:
                if net.get("fixed_ip") and count > 1:
                    raise BadRequest(
                        "Failed to launch instances: max_count cannot be greater than 1 if an fixed_ip is specified.",
                        kind="InvalidFixedIpAndMaxCountRequest",
                    )
                self.svc.integration.get_network(ctx, net["uuid"])
        return [{k: v for k, v in n.items() if v is not None} for n in nets]

    def _group(self, conn: Connection, req: CreateRequest, ctx: RequestContext) -> dict[str, Any] | None:
        hint = req.scheduler_hints.get("group")
        if isinstance(hint, list):
            hint = hint[0] if hint else None
        if not hint:
            return None
        row = conn.execute(
            sa.select(server_groups).where(server_groups.c.uuid == hint, server_groups.c.project_id == ctx.project_id)
        ).first()
        if row is None:
            raise BadRequest(f"Instance group {hint} could not be found.", kind="InstanceGroupNotFound")
        return dict(row._mapping)

    # -- the create -----------------------------------------------------------------------

    def create(
        self, ctx: RequestContext, req: CreateRequest, *, admin: bool, request_id: str, zero_disk_ok: bool
    ) -> Created:
        flavor = self._flavor(req, ctx, admin)
        image = self._image(req, ctx, flavor)
        if not req.image_ref and not req.bdms:
            raise BadRequest("Missing imageRef attribute")
        self._block_devices(ctx, req, image, flavor)
        self._check_local_disk(req, image, flavor, zero_disk_ok)
        key_data = None
        if req.key_name:
            try:
                key_data = self.svc.keypairs.get(ctx.user_id, req.key_name)["public_key"]
            except NotFound:
                raise BadRequest("Invalid key_name provided.", kind="KeypairNotFound") from None
        networks = self._networks(req, ctx)
        security_groups = sorted(set(req.security_groups)) if req.security_groups else ["default"]
        password = req.admin_pass if req.admin_pass is not None else generate_password()
        resv = reservation_id()
        created, build_tasks = self._write(
            ctx, req, flavor, image, key_data, networks, security_groups, resv, request_id
        )
        try:
            self._provision(ctx, req, created, networks, security_groups)
        except ApiError:
            self._undo(ctx, [c["uuid"] for c in created])
            raise
        for task in build_tasks:
            task.payload["networked"] = True
            self.svc.driver.release(task)
        return Created(created, resv, password)

    def _write(
        self,
        ctx: RequestContext,
        req: CreateRequest,
        flavor: dict[str, Any],
        image: dict[str, Any] | None,
        key_data: str | None,
        networks: Any,
        security_groups: list[str],
        resv: str,
        request_id: str,
    ) -> tuple[list[dict[str, Any]], list[Task]]:
        project_id = ctx.project_id or ""
        res = Resources.of_flavor(flavor)
        now = timeutils.utcnow()
        with self.db.write() as conn:
            quotas.store.lock(conn, project_id)
            limits = quotas.limits(conn, project_id)
            if len(req.metadata) > limits.get("metadata_items", -1) >= 0:
                raise errors.over_quota(f"Maximum number of metadata items exceeds {limits['metadata_items']}")
            quotas.check_file_quota(limits, req.files)
            count = self._check_quota(conn, project_id, flavor, req, limits)
            group = self._group(conn, req, ctx)
            group_hosts: list[str] = []
            if group is not None:
                members_limit = limits.get("server_group_members", -1)
                members = quotas.group_member_count(conn, group["id"])
                if members_limit >= 0 and members + count > members_limit:
                    raise Forbidden("Quota exceeded, too many servers in group", kind="QuotaError")
                group_hosts = [
                    r[0]
                    for r in conn.execute(
                        sa.select(instances.c.host)
                        .join(server_group_members, server_group_members.c.instance_uuid == instances.c.uuid)
                        .where(server_group_members.c.group_id == group["id"], instances.c.host.is_not(None))
                    )
                ]
            sched = scheduler.Request(
                resources=res,
                availability_zone=req.availability_zone,
                host=req.host,
                node=req.node,
                group_policy=group["policy"] if group else None,
                group_rules=group["rules"] if group else {},
                group_hosts=group_hosts,
            )
            self._host_hints(conn, req, sched)
            chosen: list[dict[str, Any] | None] = []
            failure: str | None = None
            for _ in range(count):
                try:
                    node = scheduler.select(conn, sched)
                except scheduler.NoValidHost as exc:
                    failure = exc.message
                    break
                chosen.append(node)
                sched.group_hosts.append(node["host"])
            if failure is not None:
                chosen = [None] * count
            zones = sched.zones if sched.zones is not None else hosts.host_azs(conn)
            created: list[dict[str, Any]] = []
            build_tasks: list[Task] = []
            for index in range(count):
                server_id = str(uuid.uuid4())
                picked = chosen[index]
                values = self._values(
                    ctx, req, flavor, image, key_data, security_groups, resv, server_id, index, count, now
                )
                if picked is not None:
                    values.update(
                        host=picked["host"],
                        node=picked["hypervisor_hostname"],
                        availability_zone=zones.get(picked["host"], hosts.DEFAULT_AZ),
                        task_state=st.SPAWNING if networks == "none" else st.NETWORKING,
                    )
                    hosts.allocate(conn, server_id, picked["host"], res, new=True)
                else:
                    values.update(vm_state=st.ERROR, task_state=None)
                conn.execute(instances.insert(), values)
                for tag in dict.fromkeys(req.tags):
                    conn.execute(instance_tags.insert().values(instance_uuid=server_id, tag=tag))
                if group is not None:
                    conn.execute(server_group_members.insert().values(group_id=group["id"], instance_uuid=server_id))
                self._insert_bdms(conn, req, image, server_id, now)
                action_id = instance_actions.start(
                    conn,
                    instance_uuid=server_id,
                    action="create",
                    request_id=request_id,
                    user_id=ctx.user_id,
                    project_id=project_id,
                    now=now,
                )
                if picked is None:
                    self._record_no_host(conn, server_id, action_id, failure or "", now)
                elif networks == "none" and not req.bdms and self.svc.driver.mode == "instant":
                    # nothing to provision elsewhere: the build completes with the request
                    payload = {"action_id": action_id, "action": "create", "started": now.isoformat()}
                    self.svc.lifecycle.finish(conn, Task(0, server_id, "build", payload, request_id), {})
                else:
                    task = self.svc.driver.schedule(
                        conn,
                        instance_uuid=server_id,
                        kind="build",
                        payload={
                            "action_id": action_id,
                            "action": "create",
                            "started": now.isoformat(),
                            "networks": networks,
                            "security_groups": security_groups,
                            "networked": False,
                            "project_id": project_id,
                        },
                        request_id=request_id,
                        hold=True,
                    )
                    if task is not None:
                        build_tasks.append(task)
                created.append(values)
        return created, build_tasks

    def _host_hints(self, conn: Connection, req: CreateRequest, sched: scheduler.Request) -> None:
        """SameHostFilter and DifferentHostFilter: hosts of the servers the hints name."""
        for hint, target in (("same_host", sched.same_host), ("different_host", sched.different_host)):
            value = req.scheduler_hints.get(hint)
            if not value:
                continue
            ids = [value] if isinstance(value, str) else list(value)
            rows = conn.execute(
                sa.select(instances.c.host).where(instances.c.uuid.in_(ids), instances.c.deleted.is_(False))
            )
            target.update(r[0] for r in rows if r[0])
            if hint == "same_host" and not target:
                target.add("")  # no such server: nothing can share its host

    def _check_quota(
        self, conn: Connection, project_id: str, flavor: dict[str, Any], req: CreateRequest, limits: dict[str, int]
    ) -> int:
        """How many servers to create (Nova creates fewer than max_count when only that many fit)."""
        used = quotas.instance_usage(conn, project_id)
        per = {"instances": 1, "cores": int(flavor["vcpus"]), "ram": int(flavor["memory_mb"])}

        def headroom(resource: str) -> float:
            limit = limits.get(resource, -1)
            return float("inf") if limit < 0 else limit - used[resource]

        allowed = headroom("instances")
        for resource in ("cores", "ram"):
            if per[resource]:
                allowed = min(allowed, headroom(resource) // per[resource])
        if allowed >= req.max_count:
            return req.max_count
        if allowed >= req.min_count:
            return int(allowed)
        requested = {
            "instances": req.max_count,
            "cores": per["cores"] * req.max_count,
            "ram": per["ram"] * req.max_count,
        }
        overs = [
            r for r in ("cores", "instances", "ram") if limits.get(r, -1) >= 0 and used[r] + requested[r] > limits[r]
        ]
        if req.min_count != req.max_count:
            requested["instances"] = f"{req.min_count}-{req.max_count}"  # type: ignore[assignment]
        raise errors.over_quota(quotas.over_instances_message(requested, limits, used, overs or ["instances"]))

    def _values(
        self,
        ctx: RequestContext,
        req: CreateRequest,
        flavor: dict[str, Any],
        image: dict[str, Any] | None,
        key_data: str | None,
        security_groups: list[str],
        resv: str,
        server_id: str,
        index: int,
        count: int,
        now: Any,
    ) -> dict[str, Any]:
        name = req.name
        hostname = req.hostname
        if not hostname:
            hostname = sanitize_hostname(name) or f"Server-{server_id}"
            if count > 1 and sanitize_hostname(name):
                hostname = f"{hostname}-{index + 1}"
        if count > 1:
            name = f"{name}-{index + 1}"
        system_metadata: dict[str, Any] = {}
        if image is not None:
            system_metadata["image_properties"] = dict(image.get("properties") or {})
            for key in ("min_ram", "min_disk", "disk_format", "container_format"):
                if image.get(key) is not None:
                    system_metadata[f"image_{key}"] = image[key]
        snapshot = {k: flavor[k] for k in ("flavorid", "name", "memory_mb", "vcpus", "root_gb", "ephemeral_gb", "swap")}
        snapshot["extra_specs"] = dict(flavor.get("extra_specs") or {})
        snapshot["description"] = flavor.get("description")
        return {
            "uuid": server_id,
            "project_id": ctx.project_id or "",
            "user_id": ctx.user_id,
            "display_name": name,
            "display_description": req.description,
            "hostname": hostname,
            "image_ref": req.image_ref or "",
            "flavor_id": flavor["flavorid"],
            "flavor": snapshot,
            "vcpus": flavor["vcpus"],
            "memory_mb": flavor["memory_mb"],
            "root_gb": flavor["root_gb"],
            "ephemeral_gb": flavor["ephemeral_gb"],
            "vm_state": st.BUILDING,
            "task_state": st.SCHEDULING,
            "power_state": st.NOSTATE,
            "pinned_az": req.availability_zone,
            "scheduler_hints": req.scheduler_hints or None,
            "reservation_id": resv,
            "launch_index": index,
            "key_name": req.key_name,
            "key_data": key_data,
            "user_data": req.user_data,
            "config_drive": "True" if req.config_drive else "",
            "access_ip_v4": req.access_ip_v4,
            "access_ip_v6": req.access_ip_v6,
            "auto_disk_config": req.auto_disk_config,
            "locked": False,
            "progress": 0,
            "root_device_name": "/dev/vda",
            "kernel_id": "",
            "ramdisk_id": "",
            "metadata": dict(req.metadata),
            "system_metadata": system_metadata,
            "security_groups": security_groups,
            "trusted_certs": req.trusted_certs,
            "ips": "",
            "created_at": now,
            "updated_at": now,
            "deleted": False,
        }

    def _insert_bdms(
        self, conn: Connection, req: CreateRequest, image: dict[str, Any] | None, server_id: str, now: Any
    ) -> None:
        if image is not None and not self._boots_from_volume(req):
            conn.execute(
                block_device_mappings.insert().values(
                    uuid=str(uuid.uuid4()),
                    instance_uuid=server_id,
                    source_type="image",
                    destination_type="local",
                    device_name="/dev/vda",
                    boot_index=0,
                    delete_on_termination=True,
                    image_id=req.image_ref,
                    created_at=now,
                )
            )
        letters = iter("bcdefghijklmnopqrstuvwxyz")
        for bdm in req.bdms:
            boot = bdm["boot_index"]
            device = bdm["device_name"] or ("/dev/vda" if boot == 0 else f"/dev/vd{next(letters)}")
            conn.execute(
                block_device_mappings.insert().values(
                    uuid=str(uuid.uuid4()),
                    instance_uuid=server_id,
                    source_type=bdm["source_type"],
                    destination_type=bdm["destination_type"],
                    device_name=device,
                    boot_index=boot,
                    delete_on_termination=bool(bdm["delete_on_termination"]),
                    volume_id=bdm["volume_id"],
                    image_id=bdm["image_id"],
                    snapshot_id=bdm["snapshot_id"],
                    volume_size=bdm["volume_size"],
                    volume_type=bdm["volume_type"],
                    disk_bus=bdm["disk_bus"],
                    device_type=bdm["device_type"],
                    guest_format=bdm["guest_format"],
                    tag=bdm["tag"],
                    created_at=now,
                )
            )

    def _record_no_host(self, conn: Connection, server_id: str, action_id: int, message: str, now: Any) -> None:
        conn.execute(
            instance_faults.insert().values(
                instance_uuid=server_id,
                code=500,
                message=message[:255],
                details="nova.exception.NoValidHost",
                created_at=now,
            )
        )
        instance_actions.finish(conn, action_id, "create", host=None, started=now, ok=False, traceback=message)

    # -- ports and volumes ------------------------------------------------------------------

    def _provision(
        self, ctx: RequestContext, req: CreateRequest, created: list[dict[str, Any]], networks: Any, groups: list[str]
    ) -> None:
        for inst in created:
            if inst.get("host") is None:
                continue
            self.svc.integration.allocate(
                ctx,
                server_id=inst["uuid"],
                project_id=inst["project_id"],
                requests=networks,
                host=inst["host"],
                security_groups=groups,
            )
            self.svc.volumes.provision_boot(ctx, inst, multiattach_ok=req.multiattach_ok)

    def _undo(self, ctx: RequestContext, server_ids: list[str]) -> None:
        """Remove every trace of servers whose create failed after they were written."""
        for server_id in server_ids:
            with contextlib.suppress(ApiError):
                self.svc.integration.deallocate(ctx, server_id)
            self.svc.volumes.release_all(ctx, server_id, delete_created=True)
        with self.db.write() as conn:
            for server_id in server_ids:
                hosts.free(conn, server_id)
                action_ids = [
                    r[0]
                    for r in conn.execute(
                        sa.select(actions_table.c.id).where(actions_table.c.instance_uuid == server_id)
                    )
                ]
                if action_ids:
                    conn.execute(
                        instance_action_events.delete().where(instance_action_events.c.action_id.in_(action_ids))
                    )
                    conn.execute(actions_table.delete().where(actions_table.c.id.in_(action_ids)))
                for table in (instance_tags, instance_faults, block_device_mappings, tasks):
                    conn.execute(table.delete().where(table.c.instance_uuid == server_id))
                conn.execute(server_group_members.delete().where(server_group_members.c.instance_uuid == server_id))
                conn.execute(instances.delete().where(instances.c.uuid == server_id))


def _image_bdm(image_id: str) -> dict[str, Any]:
    """The mapping Nova adds for an image-backed server's root disk."""
    return blockdev.from_api(
        [{"source_type": "image", "destination_type": "local", "uuid": image_id, "boot_index": 0}],
        image_uuid_specified=True,
    )[0]


class _Lookups:
    """What Nova's checks read from Glance and Cinder, with the caller's credentials."""

    def __init__(self, svc: ComputeService, ctx: RequestContext) -> None:
        self.integration = svc.integration
        self.ctx = ctx

    def image(self, image_id: str) -> dict[str, Any] | None:
        return self.integration.get_image(self.ctx, image_id)

    def volume(self, volume_id: str) -> dict[str, Any]:
        return self.integration.get_volume(self.ctx, volume_id)

    def snapshot(self, snapshot_id: str) -> dict[str, Any]:
        return self.integration.get_snapshot(self.ctx, snapshot_id)

    def volume_type(self, name_or_id: str) -> dict[str, Any] | None:
        return self.integration.find_volume_type(self.ctx, name_or_id)


__all__ = ["Conflict", "CreateRequest", "Created", "Creator", "generate_password"]
