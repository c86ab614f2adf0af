"""Auto-allocated topology (``auto-allocated-topology``): the first ``GET
/v2.0/auto-allocated-topology/{project_id}`` builds a project a network
(``auto_allocated_network``) with a subnet from each default subnet pool
(``auto_allocated_subnet_v4``/``_v6``) and a router (``auto_allocated_router``) from them
to the default external network (``is_default``); later calls return the same network.
``?fields=dry-run`` only checks the requirements; ``DELETE`` takes the topology down.

Upstream builds the pieces one by one and cleans up after a failure; here the whole
topology is built, or refused, in one write transaction, so concurrent requests of one
project yield one topology and a failure leaves nothing behind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core.errors import ApiError
from pocketstack.services.network import models as m
from pocketstack.services.network.access import Caller
from pocketstack.services.network.errors import neutron
from pocketstack.services.network.resources import SUBNET
from pocketstack.services.network.store import Row, one

if TYPE_CHECKING:
    from pocketstack.services.network.service import NetworkService

DRY_RUN = "dry-run"
NETWORK_NAME = "auto_allocated_network"
ROUTER_NAME = "auto_allocated_router"

t = m.auto_allocated_topologies
n = m.networks


def failure(reason: str) -> ApiError:
    return neutron("AutoAllocationFailure", reason=reason)


class AutoAllocator:
    def __init__(self, svc: NetworkService) -> None:
        self.svc = svc
        self.db = svc.db

    # -- what the API and Nova ask -----------------------------------------------------------

    def get(self, caller: Caller, project_id: str, dry_run: bool = False) -> Row:
        """The project's topology (``{"id": network id, "project_id"}``), built if missing;
        with ``dry_run`` only the requirements are checked (``id`` reads ``dry-run=pass``)."""
        if dry_run:
            with self.db.read() as conn:
                self.requirements(conn, caller)
            return {"id": "dry-run=pass", "project_id": project_id}
        with self.db.write() as conn:
            return {"id": self.network_in(conn, caller, project_id), "project_id": project_id}

    def network_in(self, conn: Connection, caller: Caller, project_id: str) -> str:
        """The id of the project's auto-allocated network, building the topology if needed."""
        existing = conn.execute(sa.select(t.c.network_id).where(t.c.project_id == project_id)).scalar()
        if existing:
            return str(existing)
        external, pools = self.requirements(conn, caller)
        return self._build(conn, project_id, external, pools)

    def requirements(self, conn: Connection, caller: Caller) -> tuple[str, list[Row]]:
        """The default external network and the default subnet pools the caller may use."""
        external = conn.execute(
            sa.select(n.c.id).where(n.c.external.is_(True), n.c.is_default.is_(True)).order_by(n.c.created_at)
        ).scalar()
        if external is None:
            raise failure("No default router:external network")
        pools = []
        for version in (4, 6):
            pool_id = self.svc.subnetpools.default_for(conn, caller, version)
            if pool_id:
                pools.append(self.svc.subnetpools.row(conn, Caller.system(), pool_id))
        if not pools:
            raise failure("No default subnetpools defined")
        return str(external), pools

    def delete(self, caller: Caller, project_id: str) -> None:
        """Take the topology down: router interfaces, the router, then the network (whose
        ports in use refuse it, NetworkInUse); no topology is no error."""
        with self.db.write() as conn:
            row = one(conn, sa.select(t).where(t.c.project_id == project_id))
            if row is None:
                return
            system = Caller.system()
            subnet_ids = [s["id"] for s in self.svc.subnets.on_network(conn, row["network_id"])]
            router = one(conn, sa.select(m.routers).where(m.routers.c.id == row["router_id"]))
            if router is not None:
                attached = {ip["subnet_id"] for p in self.svc.routers.interfaces(conn, router["id"])
                            for ip in p["fixed_ips"]}  # fmt: skip
                for subnet_id in subnet_ids:
                    if subnet_id in attached:
                        self.svc.routers.remove_interface_in(conn, system, router["id"], {"subnet_id": subnet_id})
                self.svc.routers.delete_in(conn, self.svc.routers.row(conn, system, router["id"]))
            self.svc.networks.delete_in(conn, row["network_id"])
            conn.execute(t.delete().where(t.c.project_id == project_id))

    # -- building ------------------------------------------------------------------------------

    def _build(self, conn: Connection, project_id: str, external: str, pools: list[Row]) -> str:
        system = Caller.system()
        network_id = self.svc.networks.create_in(
            conn, {"project_id": project_id, "name": NETWORK_NAME, "admin_state_up": True, "shared": False}
        )
        subnet_ids = []
        try:
            for pool in pools:
                wanted: dict[str, Any] = {
                    "project_id": project_id,
                    "network_id": network_id,
                    "name": f"auto_allocated_subnet_v{pool['ip_version']}",
                    "ip_version": pool["ip_version"],
                    "subnetpool_id": pool["id"],
                }
                # the body the API would have made of it (defaults filled in)
                (body,), _bulk = SUBNET.prepare(
                    {"subnet": wanted}, create=True, project_id=project_id, can_set_project=True
                )
                subnet_ids.append(self.svc.subnets.create_in(conn, system, body))
        except ApiError as exc:
            if exc.kind == "OverQuota":
                raise
            raise failure("Unable to provide project private network") from None
        try:
            router_id = self.svc.routers.create_in(
                conn,
                system,
                {
                    "project_id": project_id,
                    "name": ROUTER_NAME,
                    "admin_state_up": True,
                    "external_gateway_info": {"network_id": external},
                },
            )
            for subnet_id in subnet_ids:
                self.svc.routers.add_interface_in(conn, system, router_id, {"subnet_id": subnet_id})
        except ApiError as exc:
            if exc.kind == "OverQuota" or exc.status != 400:
                raise
            raise failure("Unable to provide external connectivity") from None
        conn.execute(t.insert().values(project_id=project_id, network_id=network_id, router_id=router_id))
        return network_id
