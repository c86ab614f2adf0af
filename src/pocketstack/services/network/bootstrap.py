"""The networks DevStack (ML2/OVN, ``IP_VERSION=4+6``) leaves behind, made in its order
on a cloud's first start (nothing is added once ``router1`` exists):

* subnet pools ``shared-default-subnetpool-v4`` (10.0.0.0/22, /26 subnets) and
  ``shared-default-subnetpool-v6`` (a random ``fd…::/56``, /64 subnets), the admin's,
  shared and default (auto-allocated topologies draw from them);
* ``private``: the ``demo`` project's network, with ``private-subnet`` 10.0.0.0/26 and
  ``ipv6-private-subnet`` (SLAAC) from the pools;
* ``public``: the admin project's external flat network on physical network ``public``,
  the default external network, with ``public-subnet`` 172.24.4.0/24 (gateway .1, pool
  .2-.254) and ``ipv6-public-subnet`` 2001:db8::/64 (gateway ::2), both without DHCP;
* ``router1``: the ``demo`` project's router, gateway on ``public`` (an IPv4 and an IPv6
  address) and interfaces on both private subnets.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.services.network import models as m
from pocketstack.services.network.access import Caller
from pocketstack.services.network.resources import SUBNET

if TYPE_CHECKING:
    from pocketstack.core.cloud import Cloud
    from pocketstack.services.network.service import NetworkService

PUBLIC_CIDR, PUBLIC_GATEWAY, PUBLIC_POOL = "172.24.4.0/24", "172.24.4.1", ("172.24.4.2", "172.24.4.254")
PRIVATE_CIDR, PRIVATE_GATEWAY = "10.0.0.0/26", "10.0.0.1"
IPV6_PUBLIC_CIDR, IPV6_PUBLIC_GATEWAY = "2001:db8::/64", "2001:db8::2"
IPV4_POOL, IPV4_POOL_PREFIXLEN, IPV6_POOL_PREFIXLEN = "10.0.0.0/22", 26, 64
POOL_V4, POOL_V6 = "shared-default-subnetpool-v4", "shared-default-subnetpool-v6"
IPV6_MODE = "slaac"


def ula_prefix() -> str:
    """DevStack's IPV6_ADDRS_SAFE_TO_USE: ``fd`` and a random 40-bit global id, a /56."""
    gid = secrets.token_hex(5)
    return f"fd{gid[:2]}:{gid[2:6]}:{gid[6:]}::/56"


def _subnet(svc: NetworkService, conn: Connection, **wanted: Any) -> str:
    """A subnet made from what the CLI would have sent (the API's defaults filled in)."""
    (body,), _bulk = SUBNET.prepare(
        {"subnet": wanted}, create=True, project_id=wanted["project_id"], can_set_project=True
    )
    return svc.subnets.create_in(conn, Caller.system(), body)


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
        r = m.routers
        if conn.execute(sa.select(r.c.id).where(r.c.name == "router1", r.c.project_id == demo)).first():
            return
        pool_v4 = svc.subnetpools.create_in(
            conn,
            {"project_id": admin, "name": POOL_V4, "prefixes": [IPV4_POOL], "default_prefixlen": IPV4_POOL_PREFIXLEN,
             "shared": True, "is_default": True},
        )  # fmt: skip
        pool_v6 = svc.subnetpools.create_in(
            conn,
            {"project_id": admin, "name": POOL_V6, "prefixes": [ula_prefix()],
             "default_prefixlen": IPV6_POOL_PREFIXLEN, "shared": True, "is_default": True},
        )  # fmt: skip
        private = svc.networks.create_in(conn, {"project_id": demo, "name": "private", "admin_state_up": True})
        private_v4 = _subnet(
            svc, conn, project_id=demo, network_id=private, name="private-subnet", ip_version=4,
            subnetpool_id=pool_v4, cidr=PRIVATE_CIDR, gateway_ip=PRIVATE_GATEWAY,
        )  # fmt: skip
        private_v6 = _subnet(
            svc, conn, project_id=demo, network_id=private, name="ipv6-private-subnet", ip_version=6,
            subnetpool_id=pool_v6, ipv6_ra_mode=IPV6_MODE, ipv6_address_mode=IPV6_MODE,
        )  # fmt: skip
        router = svc.routers.create_in(conn, system, {"project_id": demo, "name": "router1", "admin_state_up": True})
        public = svc.networks.create_in(
            conn,
            {
                "project_id": admin,
                "name": "public",
                "router:external": True,
                "is_default": True,
                "shared": False,
                "provider:network_type": "flat",
                "provider:physical_network": "public",
                "admin_state_up": True,
            },
        )
        svc.routers.add_interface_in(conn, system, router, {"subnet_id": private_v4})
        start, end = PUBLIC_POOL
        _subnet(
            svc, conn, project_id=admin, network_id=public, name="public-subnet", ip_version=4, cidr=PUBLIC_CIDR,
            gateway_ip=PUBLIC_GATEWAY, enable_dhcp=False, allocation_pools=[{"start": start, "end": end}],
        )  # fmt: skip
        svc.routers.update_in(conn, system, router, {"external_gateway_info": {"network_id": public}})
        svc.routers.add_interface_in(conn, system, router, {"subnet_id": private_v6})
        _subnet(
            svc, conn, project_id=admin, network_id=public, name="ipv6-public-subnet", ip_version=6,
            cidr=IPV6_PUBLIC_CIDR, gateway_ip=IPV6_PUBLIC_GATEWAY, enable_dhcp=False,
        )  # fmt: skip
