"""The block storage service's logic, as the handlers and the other services see it."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core.context import RequestContext
from pocketstack.core.db import Database
from pocketstack.services.volume import errors as e
from pocketstack.services.volume import models as m
from pocketstack.services.volume import versions
from pocketstack.services.volume.actions import VolumeActions
from pocketstack.services.volume.admin import Deployment
from pocketstack.services.volume.attach import Attachments
from pocketstack.services.volume.backups import Backups
from pocketstack.services.volume.drivers.simulated import simulated_backends
from pocketstack.services.volume.groups import Groups
from pocketstack.services.volume.manage import Manageable
from pocketstack.services.volume.messages import Messages
from pocketstack.services.volume.qos import QosSpecs
from pocketstack.services.volume.quota import VolumeQuotas
from pocketstack.services.volume.snapshots import Snapshots
from pocketstack.services.volume.tasks import TaskQueue
from pocketstack.services.volume.transfers import Transfers
from pocketstack.services.volume.volumes import Volumes
from pocketstack.services.volume.vtypes import VolumeTypes

if TYPE_CHECKING:
    from pocketstack.core.cloud import Cloud
    from pocketstack.services.volume.policies import VolumePolicyEngine

log = logging.getLogger("pocketstack.volume")

DEFAULT_VOLUME_TYPE = "lvmdriver-1"  # DevStack's default_volume_type


class VolumeService:
    def __init__(self, cloud: Cloud, db: Database | None = None) -> None:
        self.cloud = cloud
        self.db = db or cloud.db
        self.settings = cloud.settings.volume
        self.backends = simulated_backends(self.settings)
        self.backend = self.backends[0]
        self.tasks = TaskQueue(self.db, self.backend)
        self.types = VolumeTypes(self.db, DEFAULT_VOLUME_TYPE)
        self.quotas = VolumeQuotas()
        self.messages = Messages(self.db)
        self.volumes = Volumes(
            self.db,
            types=self.types,
            quotas=self.quotas,
            tasks=self.tasks,
            backend=self.backend,
            backends=self.backends,
            messages=self.messages,
            image_service=self._image_service,
            on_deleted=self._notify_deleted,
        )
        self.attachments = Attachments(self.volumes, self.backend, self._server_in_use)
        self.actions = VolumeActions(self.volumes, self.attachments, self._notify_extended)
        self.snapshots = Snapshots(self.volumes)
        self.backups = Backups(self.volumes)
        self.qos = QosSpecs(self.db)
        self.transfers = Transfers(self.volumes)
        self.groups = Groups(self.volumes)
        self.manageable = Manageable(self.volumes, self.snapshots)
        self.deployment = Deployment(self.volumes, self.backend)
        self.policy: VolumePolicyEngine | None = None  # set by build()

    # -- neighbours -------------------------------------------------------------------------------

    def _image_service(self) -> Any:
        return self.cloud.service("image") if self.cloud.has("image") else None

    def _server_in_use(self, server_id: str) -> bool:
        if not self.cloud.has("compute"):
            return False
        try:
            return bool(self.cloud.service("compute").server_exists(server_id))
        except Exception:
            return False

    def _notify_extended(self, conn: Connection, volume: Mapping[str, Any], new_size: int) -> None:
        """Cinder sends Nova a ``volume-extended`` event for every server of an extended
        in-use volume; here inside the transaction that finished the extend (a savepoint, so
        that compute failing to take the event does not undo the extend, as upstream)."""
        if not self.cloud.has("compute"):
            return
        server_ids = [a["instance_uuid"] for a in self.attachments.for_volume(conn, volume["id"]) if a["instance_uuid"]]
        if not server_ids:
            return
        try:
            with conn.begin_nested():
                self.cloud.service("compute").volume_extended(
                    conn, volume_id=volume["id"], server_ids=server_ids, new_size=new_size,
                    user_id=volume.get("user_id"), project_id=volume.get("project_id"),
                )  # fmt: skip
        except Exception:
            log.exception("telling compute that volume %s was extended", volume["id"])

    def _notify_deleted(self, conn: Connection, volume_id: str) -> None:
        """A deleted volume is attached nowhere: compute forgets any mapping still naming it
        (one an admin detached on Cinder's side only), in the transaction that deletes it."""
        if not self.cloud.has("compute"):
            return
        try:
            with conn.begin_nested():
                self.cloud.service("compute").volume_deleted(conn, volume_id=volume_id)
        except Exception:
            log.exception("telling compute that volume %s was deleted", volume_id)

    def is_admin(self, ctx: RequestContext) -> bool:
        return self.policy.is_admin(ctx) if self.policy is not None else ctx.is_admin

    def get_image(self, ctx: RequestContext, image_id: str) -> dict[str, Any] | None:
        images = self._image_service()
        if images is None:
            return None
        return dict(images.get_image(ctx, image_id))

    # -- the cross-service contract (DEVELOPERS.md "volume") ------------------------------------------

    def get_volume(self, ctx: RequestContext, volume_id: str) -> dict[str, Any]:
        """The volume as Cinder shows it at the newest microversion (404 if not visible)."""
        from pocketstack.services.volume.views import volumes as vv
        from pocketstack.services.volume.views.common import Links

        admin = self.is_admin(ctx)
        row = self.volumes.get(volume_id, ctx.project_id, admin)
        links = Links.for_project(self.cloud.base_url, row["project_id"])
        attrs = frozenset({"tenant", "image", "host", "migstat"} if admin else {"tenant", "image"})
        return vv.detail(row, links, versions.RANGE.maximum, admin=admin, attrs=attrs)

    def attach_volume(
        self, ctx: RequestContext, *, volume_id: str, server_id: str, host: str, mountpoint: str
    ) -> dict[str, Any]:
        """Reserve, connect and complete an attachment in one step (what Nova does in three)."""
        from pocketstack.services.volume.views import attachments as av

        admin = self.is_admin(ctx)
        with self.db.write() as conn:
            volume = self.volumes.visible(conn, volume_id, ctx.project_id, admin)
            attachment = self.attachments.create(conn, volume, instance_uuid=server_id, connector=None)
            connector = {"host": host, "mountpoint": mountpoint, "initiator": f"iqn.1993-08.org.debian:01:{host}",
                         "platform": "x86_64", "os_type": "linux", "multipath": False}  # fmt: skip
            volume = self.volumes.row(conn, volume_id) or volume
            attachment = self.attachments.update(conn, attachment, connector)
            self.attachments.complete(conn, attachment)
            attachment = self.attachments.row(conn, attachment["id"]) or attachment
        return av.detail(attachment)

    def detach_volume(self, ctx: RequestContext, *, volume_id: str, server_id: str) -> None:
        admin = self.is_admin(ctx)
        with self.db.write() as conn:
            self.volumes.visible(conn, volume_id, ctx.project_id, admin)
            found = [x for x in self.attachments.for_volume(conn, volume_id) if x["instance_uuid"] == server_id]
            if not found:
                raise e.attachment_not_found(f"volume_id = {volume_id} and instance_uuid = {server_id}")
            for attachment in found:
                self.attachments.finish_detach(conn, volume_id, attachment["id"])

    def create_volume(
        self,
        ctx: RequestContext,
        *,
        size: int,
        name: str | None = None,
        image_id: str | None = None,
        snapshot_id: str | None = None,
        source_volid: str | None = None,
        availability_zone: str | None = None,
        volume_type: str | None = None,
        bootable: bool | None = None,
    ) -> dict[str, Any]:
        image = None
        if image_id is not None:
            image = self.get_image(ctx, image_id)
            if image is None:
                raise e.bad_request("Invalid image identifier or unable to access requested image.")
        admin = self.is_admin(ctx)
        row = self.volumes.create(
            ctx,
            admin,
            size=size,
            name=name,
            volume_type=volume_type,
            snapshot_id=snapshot_id,
            source_volid=source_volid,
            image=image,
            availability_zone=availability_zone,
            bootable=bootable,
        )
        # Nova waits for the volume to be available before attaching it; the contract
        # returns it available (the build mode paces only what API clients see).
        self.tasks.finish_now(row["id"])
        return self.get_volume(ctx, row["id"])

    def delete_volume(self, ctx: RequestContext, volume_id: str) -> None:
        self.volumes.delete(volume_id, ctx.project_id, self.is_admin(ctx))

    def get_snapshot(self, ctx: RequestContext, snapshot_id: str) -> dict[str, Any]:
        """The snapshot as Cinder shows it at the newest microversion (404 if not visible)."""
        from pocketstack.services.volume.views import snapshots as sv

        with self.db.read() as conn:
            row = self.snapshots.visible(conn, snapshot_id, ctx.project_id, self.is_admin(ctx))
            row = self.snapshots.decorate(conn, [row])[0]
        return sv.detail(row, versions.RANGE.maximum, extended=False)

    def create_snapshot(
        self, ctx: RequestContext, *, volume_id: str, name: str | None = None, description: str | None = None
    ) -> dict[str, Any]:
        """Nova's create_snapshot_force (a volume-backed server's snapshot): also of an in-use
        volume, quota-checked; returned ``available`` as Nova's contract needs (the build mode
        paces only what API clients see)."""
        admin = self.is_admin(ctx)
        with self.db.write() as conn:
            volume = self.volumes.visible(conn, volume_id, ctx.project_id, admin)
            row = self.snapshots.create(
                conn, ctx, volume, name=name, description=description, metadata=None, force=True, allow_in_use=True
            )
        self.tasks.finish_now(row["id"])
        return self.get_snapshot(ctx, row["id"])

    def delete_snapshot(self, ctx: RequestContext, snapshot_id: str) -> None:
        with self.db.write() as conn:
            row = self.snapshots.visible(conn, snapshot_id, ctx.project_id, self.is_admin(ctx))
            self.snapshots.delete(conn, row)

    def find_volume_type(self, ctx: RequestContext, name_or_id: str) -> dict[str, Any] | None:
        """A volume type the caller may use, by id or name (what Nova finds in Cinder's list)."""
        admin = self.is_admin(ctx)
        with self.db.read() as conn:
            rows = self.types.search(conn, project_id=ctx.project_id, admin=admin, is_public=None if admin else True)
        for row in rows:
            if name_or_id in (row["id"], row["name"]):
                return {"id": row["id"], "name": row["name"]}
        return None

    def volumes_for_server(self, server_id: str) -> list[dict[str, Any]]:
        a = m.attachments
        with self.db.read() as conn:
            rows = conn.execute(
                sa.select(a.c.volume_id, a.c.mountpoint, a.c.id)
                .where(a.c.instance_uuid == server_id)
                .order_by(a.c.created_at, a.c.id)
            )
            return [{"id": vid, "device": mp, "attachment_id": aid} for vid, mp, aid in rows]

    # -- the simulated backend ---------------------------------------------------------------------

    def release(self, resource_id: str | None = None) -> int:
        """Let held (``manual`` timing) transitions finish; returns how many were released."""
        return self.tasks.release(resource_id)

    async def background(self) -> None:
        await self.tasks.run_forever()
