"""OVN's metadata ports: ML2/OVN gives every network a ``network:distributed`` port
(device ``ovnmeta-<network id>``, owned by the network's project, never bound, so
``DOWN``) that serves metadata and DHCP; it holds an address on each IPv4 subnet with
DHCP enabled (and, like any port, its SLAAC addresses).  There are no
``network:dhcp`` ports and no DHCP agents under OVN."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.services.network import ipam, port_ips
from pocketstack.services.network import models as m
from pocketstack.services.network.access import Caller
from pocketstack.services.network.store import Row, bump, one

if TYPE_CHECKING:
    from pocketstack.services.network.service import NetworkService

DEVICE_OWNER = "network:distributed"
DEVICE_PREFIX = "ovnmeta-"

p = m.ports


def port_of(conn: Connection, network_id: str) -> Row | None:
    return one(conn, sa.select(p).where(p.c.network_id == network_id, p.c.device_owner == DEVICE_OWNER))


def ensure_port(svc: NetworkService, conn: Connection, network_id: str, project_id: str) -> Row:
    """The network's metadata port, created (with no addresses yet) if missing."""
    found = port_of(conn, network_id)
    if found is not None:
        return found
    body: dict[str, Any] = {
        "project_id": project_id,
        "network_id": network_id,
        "name": "",
        "admin_state_up": True,
        "device_owner": DEVICE_OWNER,
        "device_id": DEVICE_PREFIX + network_id,
        "fixed_ips": [],
    }
    port_id = svc.ports.create_in(conn, Caller.system(), body)
    return dict(svc.ports.row(conn, Caller.system(), port_id))


def sync_subnet(svc: NetworkService, conn: Connection, subnet: Row) -> None:
    """An IPv4 subnet's DHCP setting decides whether the metadata port has an address there."""
    if subnet["ip_version"] != 4:
        return
    network = one(conn, sa.select(m.networks.c.project_id).where(m.networks.c.id == subnet["network_id"]))
    if network is None:
        return
    port = ensure_port(svc, conn, subnet["network_id"], network["project_id"])
    held = [f for f in port_ips.current(conn, port["id"]) if f["subnet_id"] == subnet["id"]]
    if subnet["enable_dhcp"] and not held:
        # the pool's first free address, as a DHCP port usually has: a fixed place keeps
        # clients that pick addresses by counting up from the pool's start away from it
        first = ipam.first_free(conn, subnet)
        wanted = {"subnet_id": subnet["id"], **({"ip_address": first} if first else {})}
        groups = port_ips.requests_for(
            conn, network_id=subnet["network_id"], device_owner=DEVICE_OWNER, mac=port["mac_address"],
            fixed_ips=[wanted],
        )  # fmt: skip
        port_ips.allocate(conn, port_id=port["id"], network_id=subnet["network_id"], groups=groups[:1])
        bump(conn, p, port["id"])
    elif not subnet["enable_dhcp"] and held:
        a = m.ip_allocations
        conn.execute(a.delete().where(a.c.port_id == port["id"], a.c.subnet_id == subnet["id"]))
        bump(conn, p, port["id"])
