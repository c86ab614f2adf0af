"""The compute service's logic, as the handlers and the other services see it."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from pocketstack.core.errors import BadRequest
from pocketstack.services.compute import hosts
from pocketstack.services.compute.actions import Actions
from pocketstack.services.compute.attachments import Attachments
from pocketstack.services.compute.create import Creator
from pocketstack.services.compute.drivers.simulated import SimulatedDriver
from pocketstack.services.compute.events import ExternalEvents, request_id
from pocketstack.services.compute.flavors import Flavors
from pocketstack.services.compute.integration import Integration
from pocketstack.services.compute.keypairs import Keypairs
from pocketstack.services.compute.lifecycle import Lifecycle
from pocketstack.services.compute.migrations import Migrations
from pocketstack.services.compute.models import instances
from pocketstack.services.compute.ops import Ops
from pocketstack.services.compute.servers import Servers, brief
from pocketstack.services.compute.volumes import Volumes

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from pocketstack.core.cloud import Cloud


class ComputeService:
    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self.db = cloud.db
        self.settings = cloud.settings.compute
        self.flavors = Flavors(self.db)
        self.keypairs = Keypairs(self.db)
        self.servers = Servers(self.db)
        self.migrations = Migrations(self.db)
        self.integration = Integration(cloud)
        self.lifecycle = Lifecycle(self)
        self.driver = SimulatedDriver(self.db, self.settings.build_mode, self.settings.build_delay, self.lifecycle)
        self.volumes = Volumes(self)
        self.creator = Creator(self)
        self.actions = Actions(self)
        self.ops = Ops(self)
        self.interfaces = Attachments(self)
        self.events = ExternalEvents(self)

    # -- other services ------------------------------------------------------------------

    def verify_project_id(self, project_id: str) -> None:
        """Nova asks Keystone whether a project named in a request exists."""
        if self.cloud.has("identity") and not self.cloud.service("identity").project_exists(project_id):
            raise BadRequest(f"Project ID {project_id} is not a valid project.")

    # -- the contract other services rely on (DEVELOPERS.md) -------------------------------

    def server_exists(self, server_id: str) -> bool:
        return self.get_server_brief(server_id) is not None

    def get_server_brief(self, server_id: str) -> dict[str, Any] | None:
        with self.db.read() as conn:
            row = conn.execute(
                sa.select(instances).where(instances.c.uuid == server_id, instances.c.deleted.is_(False))
            ).first()
        return brief(dict(row._mapping)) if row else None

    def volume_extended(
        self,
        conn: Connection,
        *,
        volume_id: str,
        server_ids: list[str],
        new_size: int,
        user_id: str | None = None,
        project_id: str | None = None,
    ) -> None:
        """Cinder's ``volume-extended`` external event for each server the volume is attached
        to, inside the block storage service's write transaction that finished the extend
        (so the two never disagree): Nova's ``extend_volume`` instance action, whose
        ``compute_extend_volume`` event follows as a simulated transition."""
        events = [{"name": "volume-extended", "server_uuid": s, "tag": volume_id} for s in dict.fromkeys(server_ids)]
        if events:
            self.events.accept(
                conn, events, user_id=user_id, project_id=project_id, request_id=request_id(),
                sizes={volume_id: new_size},
            )  # fmt: skip

    def volume_deleted(self, conn: Connection, *, volume_id: str) -> None:
        """The block storage service deleted a volume (inside its write transaction): no
        server keeps a mapping to it."""
        self.volumes.forget(conn, volume_id)

    # -- life of the service -----------------------------------------------------------------

    def bootstrap(self) -> None:
        self.flavors.bootstrap()
        s = self.settings
        hosts.bootstrap(self.db, s.hosts, s.host_vcpus, s.host_ram_mb, s.host_disk_gb)

    async def background(self) -> None:
        """Apply due simulated transitions for the life of the server."""
        await asyncio.sleep(0)
        await self.driver.loop()
