"""The compute service's logic, as the handlers and the other services see it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pocketstack.core.errors import BadRequest
from pocketstack.services.compute.flavors import Flavors
from pocketstack.services.compute.keypairs import Keypairs

if TYPE_CHECKING:
    from pocketstack.core.cloud import Cloud


class ComputeService:
    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self.db = cloud.db
        self.settings = cloud.settings.compute
        self.flavors = Flavors(self.db)
        self.keypairs = Keypairs(self.db)

    # -- other services ------------------------------------------------------------------

    def verify_project_id(self, project_id: str) -> None:
        """Nova asks Keystone whether a project named in a request exists."""
        if self.cloud.has("identity") and not self.cloud.service("identity").project_exists(project_id):
            raise BadRequest(f"Project ID {project_id} is not a valid project.")

    # -- the contract other services rely on (DEVELOPERS.md) -------------------------------

    def server_exists(self, server_id: str) -> bool:
        return self.get_server_brief(server_id) is not None

    def get_server_brief(self, server_id: str) -> dict[str, Any] | None:
        return None

    def bootstrap(self) -> None:
        self.flavors.bootstrap()

    async def background(self) -> None:
        """Apply due simulated transitions for the life of the server."""
        import asyncio

        while True:
            await asyncio.sleep(3600)
