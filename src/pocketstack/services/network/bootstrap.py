"""The networks DevStack leaves behind (idempotent; runs on every start).

* ``public``: the admin project's external flat network on physical network
  ``public``, with ``public-subnet`` 172.24.4.0/24 (gateway .1, pool .2-.254, no DHCP);
* ``private``: the ``demo`` project's network, with ``private-subnet`` 10.0.0.0/26;
* ``router1``: the ``demo`` project's router, gateway on ``public`` and an interface
  on ``private-subnet``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.services.network import models as m
from pocketstack.services.network.access import Caller

if TYPE_CHECKING:
    from pocketstack.core.cloud import Cloud
    from pocketstack.services.network.service import NetworkService

PUBLIC_CIDR, PUBLIC_GATEWAY, PUBLIC_POOL = "172.24.4.0/24", "172.24.4.1", ("172.24.4.2", "172.24.4.254")
PRIVATE_CIDR, PRIVATE_GATEWAY = "10.0.0.0/26", "10.0.0.1"


def _network_id(conn: Connection, name: str, project_id: str) -> str | None:
    n = m.networks
    return conn.execute(sa.select(n.c.id).where(n.c.name == name, n.c.project_id == project_id)).scalar()


def _subnet_id(conn: Connection, name: str, network_id: str) -> str | None:
    s = m.subnets
    return conn.execute(sa.select(s.c.id).where(s.c.name == name, s.c.network_id == network_id)).scalar()


def _subnet_body(project_id: str, network_id: str, name: str, cidr: str, gateway: str, **extra: Any) -> dict[str, Any]:
    return {
        "project_id": project_id,
        "network_id": network_id,
        "name": name,
        "ip_version": 4,
        "cidr": cidr,
        "gateway_ip": gateway,
        "enable_dhcp": True,
        **extra,
    }


def bootstrap(cloud: Cloud, svc: NetworkService) -> None:
    if not cloud.settings.network.bootstrap_networks or not cloud.has("identity"):
        return
    identity = cloud.service("identity")
    admin = identity.project_id_by_name("admin")
    demo = identity.project_id_by_name("demo")
    if not admin or not demo:
        return
    system = Caller.system()
    with svc.db.write() as conn:
        for project in (admin, demo):
            svc.secgroups.ensure_default(conn, project)
        public = _network_id(conn, "public", admin)
        if public is None:
            public = svc.networks.create_in(
                conn,
                {
                    "project_id": admin,
                    "name": "public",
                    "router:external": True,
                    "shared": False,
                    "provider:network_type": "flat",
                    "provider:physical_network": "public",
                    "admin_state_up": True,
                },
            )
        public_subnet = _subnet_id(conn, "public-subnet", public)
        if public_subnet is None:
            start, end = PUBLIC_POOL
            public_subnet = svc.subnets.create_in(
                conn,
                system,
                _subnet_body(
                    admin,
                    public,
                    "public-subnet",
                    PUBLIC_CIDR,
                    PUBLIC_GATEWAY,
                    enable_dhcp=False,
                    allocation_pools=[{"start": start, "end": end}],
                ),
            )
        private = _network_id(conn, "private", demo)
        if private is None:
            private = svc.networks.create_in(conn, {"project_id": demo, "name": "private", "admin_state_up": True})
        private_subnet = _subnet_id(conn, "private-subnet", private)
        if private_subnet is None:
            private_subnet = svc.subnets.create_in(
                conn, system, _subnet_body(demo, private, "private-subnet", PRIVATE_CIDR, PRIVATE_GATEWAY)
            )
        r = m.routers
        router = conn.execute(sa.select(r.c.id).where(r.c.name == "router1", r.c.project_id == demo)).scalar()
        if router is not None:
            return
        router = svc.routers.create_in(
            conn,
            system,
            {
                "project_id": demo,
                "name": "router1",
                "admin_state_up": True,
                "external_gateway_info": {"network_id": public, "enable_snat": True},
            },
        )
        svc.routers.add_interface_in(conn, system, router, {"subnet_id": private_subnet})
