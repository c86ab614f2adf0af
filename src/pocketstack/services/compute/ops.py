"""Server operations that involve other services or several rows: delete, update,
rebuild, snapshots, shelving, reset state, metadata and tags."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import timeutils
from pocketstack.core.context import RequestContext
from pocketstack.core.errors import BadRequest, Conflict, NotFound
from pocketstack.services.compute import errors, hosts, instance_actions, quotas, scheduler
from pocketstack.services.compute import states as st
from pocketstack.services.compute.actions import GUARDS, Guard, check
from pocketstack.services.compute.drivers.base import Task
from pocketstack.services.compute.hosts import Resources
from pocketstack.services.compute.models import instance_tags, instances

if TYPE_CHECKING:
    from pocketstack.services.compute.service import ComputeService

MAX_TAGS = 50


def metadata_guard(method: str) -> Guard:
    return Guard(method, {st.ACTIVE, st.PAUSED, st.SUSPENDED, st.STOPPED})


class Ops:
    def __init__(self, svc: ComputeService) -> None:
        self.svc = svc
        self.db = svc.db

    def _scope(self, ctx: RequestContext, admin: bool) -> str | None:
        return None if admin else ctx.project_id

    # -- delete ----------------------------------------------------------------------------

    def delete(self, ctx: RequestContext, server_id: str, *, admin: bool, request_id: str, force: bool = False) -> None:
        task: Task | None = None
        with self.db.write() as conn:
            inst = self.svc.servers.row(conn, server_id, project_id=self._scope(ctx, admin))
            check(inst, GUARDS["delete"], admin=admin)
            if inst["task_state"] == st.DELETING and not force:
                return  # already on its way
            now = timeutils.utcnow()
            action_id = instance_actions.start(
                conn,
                instance_uuid=server_id,
                action="delete",
                request_id=request_id,
                user_id=ctx.user_id,
                project_id=ctx.project_id,
                now=now,
            )
            conn.execute(
                instances.update().where(instances.c.uuid == server_id).values(task_state=st.DELETING, updated_at=now)
            )
            payload = {
                "action_id": action_id,
                "action": "delete",
                "started": now.isoformat(),
                "project_id": inst["project_id"],
                "user_id": inst["user_id"],
                "shelved_image_id": (inst["system_metadata"] or {}).get("shelved_image_id"),
            }
            # a server that never got a host (or whose build was refused) goes at once
            hold = not inst["host"]
            task = self.svc.driver.schedule(
                conn, instance_uuid=server_id, kind="delete", payload=payload, request_id=request_id, hold=hold
            )
        if task is not None:
            self.svc.driver.run(task)

    # -- update -------------------------------------------------------------------------------

    def update(self, ctx: RequestContext, server_id: str, values: dict[str, Any], *, admin: bool) -> None:
        with self.db.write() as conn:
            inst = self.svc.servers.row(conn, server_id, project_id=self._scope(ctx, admin))
            if "pinned_az" in values:
                self._pin(conn, inst, values)
            values["updated_at"] = timeutils.utcnow()
            conn.execute(instances.update().where(instances.c.uuid == server_id).values(**values))

    def _pin(self, conn: Connection, inst: dict[str, Any], values: dict[str, Any]) -> None:
        requested = values["pinned_az"]
        current = inst["pinned_az"]
        if requested is None:
            return
        actual = inst["availability_zone"] or hosts.DEFAULT_AZ
        if current is not None and requested != current:
            raise Conflict(
                "Cannot change pinned availability zone directly. Unpin first by setting "
                "pinned_availability_zone to null."
            )
        if current is None and requested != actual:
            raise Conflict(
                f"Server can only be pinned to its current availability zone '{actual}', "
                f"but '{requested}' was requested."
            )

    # -- rebuild --------------------------------------------------------------------------------

    def rebuild(
        self,
        ctx: RequestContext,
        server_id: str,
        image_ref: str,
        changes: dict[str, Any],
        *,
        admin: bool,
        request_id: str,
        files: list[tuple[str, str]] | None = None,
    ) -> None:
        image = self.svc.integration.get_image(ctx, image_ref)
        if image is None:
            raise BadRequest("Cannot find image for rebuild", kind="ImageNotFound")
        if image.get("status") != "active":
            raise BadRequest(f"Image {image_ref} is not active.", kind="ImageNotActive")
        if "key_name" in changes and changes["key_name"] is not None:
            try:
                changes["key_data"] = self.svc.keypairs.get(ctx.user_id, changes["key_name"])["public_key"]
            except NotFound:
                raise BadRequest("Invalid key_name provided.", kind="KeypairNotFound") from None
        elif "key_name" in changes:
            changes["key_data"] = None

        def prep(conn: Connection, inst: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
            flavor = inst["flavor"]
            if flavor["memory_mb"] < int(image.get("min_ram") or 0):
                raise BadRequest("Flavor's memory is too small for requested image.", kind="FlavorMemoryTooSmall")
            if "metadata" in changes:
                limit = quotas.limits(conn, inst["project_id"]).get("metadata_items", -1)
                if 0 <= limit < len(changes["metadata"]):
                    raise errors.over_quota(f"Maximum number of metadata items exceeds {limit}")
            if files:
                quotas.check_file_quota(quotas.limits(conn, inst["project_id"]), files)
            body["old_vm_state"] = inst["vm_state"]
            sysmeta = dict(inst["system_metadata"] or {})
            sysmeta["image_properties"] = dict(image.get("properties") or {})
            return {"image_ref": image_ref, "system_metadata": sysmeta, **changes}

        self.svc.actions.transition(
            ctx, server_id, "rebuild", admin=admin, request_id=request_id, action="rebuild", kind="rebuild",
            task_state=st.REBUILDING, prepare=prep,
        )  # fmt: skip

    # -- snapshots ---------------------------------------------------------------------------------

    def snapshot(
        self,
        ctx: RequestContext,
        server_id: str,
        name: str,
        metadata: dict[str, str],
        *,
        admin: bool,
        request_id: str,
        backup: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """createImage / createBackup of an image-backed server: the image is ``queued`` at
        once, the simulated compute uploads it (``saving``, task_state ``image_uploading``)
        and it ends ``active`` (a backup's rotation follows); a volume-backed server's
        snapshot is Nova's snapshot_volume_backed."""
        inst = self.svc.servers.get(server_id, project_id=self._scope(ctx, admin))
        check(inst, GUARDS["createBackup" if backup else "createImage"], admin=True)
        if self.svc.volumes.is_volume_backed(inst):
            if backup:
                raise BadRequest("Backup is not supported for volume-backed instances.", kind="InvalidRequest")
            return self.svc.volumes.snapshot_volume_backed(
                ctx, inst, name, self._snapshot_properties(ctx, inst, "snapshot", metadata), request_id=request_id
            )
        image = self._image_of(ctx, inst, name, metadata, "backup" if backup else "snapshot", backup, queued=True)

        def prep(conn: Connection, current: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
            body["image_id"] = image["id"]
            if backup:
                body["backup"] = {"backup_type": backup["backup_type"], "rotation": int(backup["rotation"])}
            return {}

        try:
            self.svc.actions.transition(
                ctx,
                server_id,
                "createBackup" if backup else "createImage",
                admin=True,
                request_id=request_id,
                action="createBackup" if backup else "createImage",
                kind="backup" if backup else "snapshot",
                task_state=st.IMAGE_BACKUP if backup else st.IMAGE_SNAPSHOT_PENDING,
                prepare=prep,
            )
        except Exception:
            self.svc.integration.delete_image(ctx, image["id"])
            raise
        return self.svc.integration.get_image(ctx, image["id"]) or image

    def rotate(self, ctx: RequestContext, inst: dict[str, Any], backup_type: str, rotation: int) -> None:
        self._rotate(ctx, inst, backup_type, rotation)

    def _rotate(self, ctx: RequestContext, inst: dict[str, Any], backup_type: str, rotation: int) -> None:
        """Keep the newest ``rotation`` backups of this type of this server (Nova's rotation)."""
        filters = {"image_type": "backup", "backup_type": backup_type, "instance_uuid": inst["uuid"]}
        backups = self.svc.integration.list_images(ctx, filters)
        for old in backups[rotation:]:
            self.svc.integration.delete_image(ctx, old["id"])

    def _snapshot_properties(
        self,
        ctx: RequestContext,
        inst: dict[str, Any],
        image_type: str,
        metadata: dict[str, str],
        backup: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """What a server's snapshot image inherits (the server's image properties) and adds."""
        base = inst["image_ref"] or None
        sysmeta = inst["system_metadata"] or {}
        props: dict[str, Any] = {
            **{k: v for k, v in (sysmeta.get("image_properties") or {}).items() if isinstance(v, str)},
            "instance_uuid": inst["uuid"],
            "user_id": inst["user_id"],
            "image_type": image_type,
            "owner_project_name": ctx.project_name or "",
            "owner_user_name": ctx.user_name,
        }
        if base:
            props["base_image_ref"] = base
        if backup:
            props["backup_type"] = backup["backup_type"]
        props.update({k: str(v) for k, v in metadata.items()})
        return props

    def _image_of(
        self,
        ctx: RequestContext,
        inst: dict[str, Any],
        name: str,
        metadata: dict[str, str],
        image_type: str,
        backup: dict[str, Any] | None = None,
        *,
        queued: bool = False,
    ) -> dict[str, Any]:
        sysmeta = inst["system_metadata"] or {}
        props = self._snapshot_properties(ctx, inst, image_type, metadata, backup)
        return self.svc.integration.create_image(
            ctx,
            name=name,
            container_format="bare",
            disk_format=sysmeta.get("image_disk_format") or "qcow2",
            properties=props,
            visibility="private",
            source_image_id=inst["image_ref"] or None,
            min_disk=int(inst["root_gb"] or 0),
            min_ram=int(sysmeta.get("image_min_ram") or 0),
            **({"queued": True} if queued else {}),
        )

    # -- shelving ----------------------------------------------------------------------------------

    def shelve(self, ctx: RequestContext, server_id: str, *, admin: bool, request_id: str) -> None:
        inst = self.svc.servers.get(server_id, project_id=self._scope(ctx, admin))
        check(inst, GUARDS["shelve"], admin=admin)
        image_id = None
        if not self.svc.volumes.is_volume_backed(inst):  # Nova shelves a volume-backed server without an image
            image = self._image_of(ctx, inst, f"{inst['display_name']}-shelved", {}, "snapshot")
            image_id = image["id"]

        def prep(conn: Connection, current: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
            sysmeta = dict(current["system_metadata"] or {})
            sysmeta.update(
                shelved_at=timeutils.utcnow().isoformat(), shelved_image_id=image_id, shelved_host=current["host"]
            )
            body["shelved_image_id"] = image_id
            return {"system_metadata": sysmeta}

        try:
            self.svc.actions.transition(
                ctx, server_id, "shelve", admin=admin, request_id=request_id, action="shelve", kind="shelve",
                task_state=st.SHELVING, prepare=prep,
            )  # fmt: skip
        except Exception:
            if image_id:
                self.svc.integration.delete_image(ctx, image_id)
            raise

    def shelve_offload(self, ctx: RequestContext, server_id: str, *, admin: bool, request_id: str) -> None:
        self.svc.actions.transition(
            ctx, server_id, "shelveOffload", admin=admin, request_id=request_id, action="shelveOffload",
            kind="shelve_offload", task_state=st.SHELVING_OFFLOADING,
        )  # fmt: skip

    def unshelve(
        self,
        ctx: RequestContext,
        server_id: str,
        *,
        admin: bool,
        request_id: str,
        availability_zone: Any = ...,
        host: str | None = None,
    ) -> None:
        def prep(conn: Connection, inst: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
            values: dict[str, Any] = {}
            zone = inst["pinned_az"]
            if availability_zone is not ...:
                if inst["vm_state"] != st.SHELVED_OFFLOADED:
                    raise Conflict(
                        "The availability_zone parameter can only be specified when the server is shelved offloaded."
                    )
                zone = availability_zone
                values["pinned_az"] = availability_zone
            body["shelved_image_id"] = (inst["system_metadata"] or {}).get("shelved_image_id")
            if inst["host"]:
                return values
            req = scheduler.Request(resources=Resources.of_flavor(inst["flavor"]), availability_zone=zone, host=host)
            try:
                node = scheduler.select(conn, req)
            except scheduler.NoValidHost as exc:
                raise BadRequest(exc.message, kind="NoValidHost") from None
            hosts.allocate(conn, inst["uuid"], node["host"], Resources.of_flavor(inst["flavor"]))
            values.update(
                host=node["host"],
                node=node["hypervisor_hostname"],
                availability_zone=hosts.az_of(conn, node["host"]),
            )
            return values

        self.svc.actions.transition(
            ctx, server_id, "unshelve", admin=admin, request_id=request_id, action="unshelve", kind="unshelve",
            task_state=st.UNSHELVING, prepare=prep,
        )  # fmt: skip

    # -- admin ---------------------------------------------------------------------------------------

    def reset_state(self, ctx: RequestContext, server_id: str, state: str, *, request_id: str) -> None:
        with self.db.write() as conn:
            inst = self.svc.servers.row(conn, server_id)
            now = timeutils.utcnow()
            action_id = instance_actions.start(
                conn,
                instance_uuid=server_id,
                action="resetState",
                request_id=request_id,
                user_id=ctx.user_id,
                project_id=ctx.project_id,
                now=now,
            )
            conn.execute(
                instances.update()
                .where(instances.c.uuid == server_id)
                .values(vm_state=st.ACTIVE if state == "active" else st.ERROR, task_state=None, updated_at=now)
            )
            instance_actions.finish(conn, action_id, "resetState", host=inst["host"], started=now)

    # -- metadata -------------------------------------------------------------------------------------

    def set_metadata(
        self, ctx: RequestContext, server_id: str, items: dict[str, str], *, replace: bool, admin: bool
    ) -> dict[str, str]:
        with self.db.write() as conn:
            inst = self.svc.servers.row(conn, server_id, project_id=self._scope(ctx, admin))
            check(inst, metadata_guard("update metadata"), admin=admin)
            meta = dict(items) if replace else {**(inst["metadata"] or {}), **items}
            limit = quotas.limits(conn, inst["project_id"]).get("metadata_items", -1)
            if 0 <= limit < len(meta):
                raise errors.over_quota(f"Maximum number of metadata items exceeds {limit}")
            conn.execute(
                instances.update()
                .where(instances.c.uuid == server_id)
                .values(metadata=meta, updated_at=timeutils.utcnow())
            )
            return meta

    def delete_metadata(self, ctx: RequestContext, server_id: str, key: str, *, admin: bool) -> None:
        with self.db.write() as conn:
            inst = self.svc.servers.row(conn, server_id, project_id=self._scope(ctx, admin))
            meta = dict(inst["metadata"] or {})
            if key not in meta:
                raise NotFound("Metadata item was not found", kind="MetadataNotFound")
            check(inst, metadata_guard("delete metadata"), admin=admin)
            del meta[key]
            conn.execute(
                instances.update()
                .where(instances.c.uuid == server_id)
                .values(metadata=meta, updated_at=timeutils.utcnow())
            )

    # -- tags -----------------------------------------------------------------------------------------

    def tags(self, conn: Connection, server_id: str) -> list[str]:
        return [
            r[0]
            for r in conn.execute(
                sa.select(instance_tags.c.tag)
                .where(instance_tags.c.instance_uuid == server_id)
                .order_by(instance_tags.c.tag)
            )
        ]

    def _tag_guard(self, inst: dict[str, Any], method: str) -> None:
        if inst["vm_state"] not in (st.ACTIVE, st.PAUSED, st.SUSPENDED, st.STOPPED):
            raise errors.invalid_state(inst["uuid"], method, "vm_state", inst["vm_state"])

    def set_tags(self, ctx: RequestContext, server_id: str, tags: list[str] | None, *, admin: bool) -> list[str]:
        """Replace all tags (None: remove them all)."""
        with self.db.write() as conn:
            inst = self.svc.servers.row(conn, server_id, project_id=self._scope(ctx, admin))
            self._tag_guard(inst, "update tags" if tags is not None else "delete tags")
            conn.execute(instance_tags.delete().where(instance_tags.c.instance_uuid == server_id))
            for tag in dict.fromkeys(tags or []):
                conn.execute(instance_tags.insert().values(instance_uuid=server_id, tag=tag))
            conn.execute(instances.update().where(instances.c.uuid == server_id).values(updated_at=timeutils.utcnow()))
            return self.tags(conn, server_id)

    def add_tag(self, ctx: RequestContext, server_id: str, tag: str, *, admin: bool) -> bool:
        """Add one tag; False when it was already there."""
        with self.db.write() as conn:
            inst = self.svc.servers.row(conn, server_id, project_id=self._scope(ctx, admin))
            self._tag_guard(inst, "update tag")
            current = self.tags(conn, server_id)
            if len(current) >= MAX_TAGS:
                raise BadRequest(f"The number of tags exceeded the per-server limit {MAX_TAGS}")
            if tag in current:
                return False
            conn.execute(instance_tags.insert().values(instance_uuid=server_id, tag=tag))
            conn.execute(instances.update().where(instances.c.uuid == server_id).values(updated_at=timeutils.utcnow()))
            return True

    def delete_tag(self, ctx: RequestContext, server_id: str, tag: str, *, admin: bool) -> None:
        with self.db.write() as conn:
            inst = self.svc.servers.row(conn, server_id, project_id=self._scope(ctx, admin))
            self._tag_guard(inst, "delete tag")
            gone = conn.execute(
                instance_tags.delete().where(instance_tags.c.instance_uuid == server_id, instance_tags.c.tag == tag)
            ).rowcount
            if not gone:
                raise NotFound(f"Instance {server_id} has no tag '{tag}'", kind="InstanceTagNotFound")
            conn.execute(instances.update().where(instances.c.uuid == server_id).values(updated_at=timeutils.utcnow()))
