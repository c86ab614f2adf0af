"""Fixed IPs of a port: which subnets a request names, and allocating them.

Neutron's rules: with no ``fixed_ips`` a port gets one address from the IPv4
subnets and one from the stateful IPv6 subnets of its network (the first subnet of
each group that has room), plus its EUI-64 address on every SLAAC/DHCPv6-stateless
subnet; requested entries name a subnet, an address, or both.  All of it runs in
the caller's write transaction.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.services.network import ipam
from pocketstack.services.network import models as m
from pocketstack.services.network.errors import invalid_input, neutron
from pocketstack.services.network.store import Row, many

ROUTER_OWNERS_SNAT = (
    "network:router_interface",
    "network:ha_router_replicated_interface",
    "network:router_interface_distributed",
    "network:router_centralized_snat",
)
ROUTER_INTERFACE_OWNERS = ROUTER_OWNERS_SNAT[:3]


def candidate_subnets(conn: Connection, network_id: str, device_owner: str) -> list[Row]:
    """The network's subnets this port may take addresses from (service types respected)."""
    s = m.subnets
    rows = many(conn, sa.select(s).where(s.c.network_id == network_id).order_by(s.c.created_at, s.c.id))
    typed = [r for r in rows if r["service_types"] and device_owner in r["service_types"]]
    plain = [r for r in rows if not r["service_types"]]
    return typed + plain


def _subnet_for(fixed: dict[str, Any], subnets: list[Row], network_id: str, device_owner: str) -> Row:
    if not subnets:
        raise invalid_input("IP allocation requires subnets for network")
    if "subnet_id" in fixed:
        subnet = next((s for s in subnets if s["id"] == fixed["subnet_id"]), None)
        if subnet is None:
            raise invalid_input(
                f"Failed to create port on network {network_id}, because fixed_ips included invalid subnet "
                f"{fixed['subnet_id']}"
            )
        if "ip_address" in fixed and not ipam.check_subnet_ip(subnet["cidr"], fixed["ip_address"], device_owner):
            raise neutron("InvalidIpForSubnet", ip_address=fixed["ip_address"])
        return subnet
    if "ip_address" not in fixed:
        raise invalid_input("IP allocation requires subnet_id or ip_address")
    for subnet in subnets:
        if ipam.check_subnet_ip(subnet["cidr"], fixed["ip_address"], device_owner):
            return subnet
    raise neutron("InvalidIpForNetwork", ip_address=fixed["ip_address"])


def requests_for(
    conn: Connection,
    *,
    network_id: str,
    device_owner: str,
    mac: str,
    fixed_ips: list[dict[str, Any]] | None,
) -> list[list[dict[str, Any]]]:
    """What to allocate: a list of groups; each group is satisfied by its first entry
    that works (one address), e.g. ``[[{subnet_id: v4a}, {subnet_id: v4b}], [{...ip}]]``."""
    subnets = candidate_subnets(conn, network_id, device_owner)
    is_router = device_owner in ROUTER_OWNERS_SNAT
    groups: list[list[dict[str, Any]]] = []
    auto = [s for s in subnets if ipam.is_auto_address(s)]
    if fixed_ips is not None:
        for fixed in fixed_ips:
            subnet = _subnet_for(fixed, subnets, network_id, device_owner)
            auto_subnet = ipam.is_auto_address(subnet)
            if "ip_address" in fixed:
                wanted = str(ipam.addr(fixed["ip_address"]))
                if (
                    auto_subnet
                    and device_owner not in ROUTER_INTERFACE_OWNERS
                    and ipam.eui64(subnet["cidr"], mac) != wanted
                ):
                    raise neutron("AllocationOnAutoAddressSubnet", ip=fixed["ip_address"], subnet_id=subnet["id"])
                groups.append([{"subnet": subnet, "ip_address": str(ipam.addr(fixed["ip_address"]))}])
            elif is_router or not auto_subnet:
                groups.append([{"subnet": subnet}])
    else:
        v4 = [s for s in subnets if s["ip_version"] == 4]
        v6 = [s for s in subnets if s["ip_version"] == 6 and not ipam.is_auto_address(s)]
        for group in (v4, v6):
            if group:
                groups.append([{"subnet": s} for s in group])
    if not is_router:
        named = {g[0]["subnet"]["id"] for g in groups if len(g) == 1 and "ip_address" in g[0]}
        for subnet in auto:
            if subnet["id"] not in named:
                groups.append([{"subnet": subnet, "ip_address": ipam.eui64(subnet["cidr"], mac)}])
    return groups


def allocate(
    conn: Connection,
    *,
    port_id: str,
    network_id: str,
    groups: list[list[dict[str, Any]]],
) -> list[dict[str, str]]:
    """Allocate one address per group and record it; returns the port's new fixed IPs."""
    out: list[dict[str, str]] = []
    taken: dict[str, set[str]] = {}
    for group in groups:
        chosen = None
        held = False  # the port already has this address (an update asking for it again)
        for request in group:
            subnet = request["subnet"]
            skip = taken.setdefault(subnet["id"], set())
            if "ip_address" in request:
                ip = request["ip_address"]
                holder = ipam.is_allocated(conn, subnet["id"], ip)
                if (holder is not None and holder != port_id) or ip in skip:
                    raise neutron("IpAddressAlreadyAllocated", ip=ip, subnet_id=subnet["id"])
                chosen, held = (subnet, ip), holder == port_id
                break
            ip = ipam.allocate(conn, subnet, exclude=skip)
            if ip is not None:
                chosen = (subnet, ip)
                break
        if chosen is None:
            raise neutron("IpAddressGenerationFailure", net_id=network_id)
        subnet, ip = chosen
        taken.setdefault(subnet["id"], set()).add(ip)
        if not held:
            ipam.record(conn, port_id=port_id, network_id=network_id, subnet_id=subnet["id"], ip=ip)
        out.append({"subnet_id": subnet["id"], "ip_address": ip})
    return out


def current(conn: Connection, port_id: str) -> list[dict[str, str]]:
    a = m.ip_allocations
    rows = conn.execute(sa.select(a.c.subnet_id, a.c.ip_address).where(a.c.port_id == port_id))
    return [{"subnet_id": s, "ip_address": ip} for s, ip in rows]


def replace(conn: Connection, *, port: Row, fixed_ips: list[dict[str, Any]]) -> None:
    """A port update's ``fixed_ips`` (upstream's change calculation): addresses asked for
    again are kept, a subnet-only entry reuses the address the port has there, new ones
    are allocated, and the rest released unless they are automatic (SLAAC) addresses."""
    a = m.ip_allocations
    existing = current(conn, port["id"])
    subnets = candidate_subnets(conn, port["network_id"], port["device_owner"])
    by_id = {s["id"]: s for s in subnets}
    asked = []
    for fixed in fixed_ips:
        subnet = _subnet_for(fixed, subnets, port["network_id"], port["device_owner"])
        entry = {"subnet_id": subnet["id"]}
        if "ip_address" in fixed:
            entry["ip_address"] = str(ipam.addr(fixed["ip_address"]))
        asked.append(entry)
    add: list[dict[str, str]] = []
    orig_by_ip = {e["ip_address"]: e for e in existing}
    for entry in asked:
        if "ip_address" in entry and orig_by_ip.pop(entry["ip_address"], None) is None:
            add.append(entry)
    orig_by_subnet: dict[str, list[dict[str, str]]] = {}
    for e in orig_by_ip.values():
        orig_by_subnet.setdefault(e["subnet_id"], []).append(e)
    for entry in asked:
        if "ip_address" in entry:
            continue
        held = orig_by_subnet.get(entry["subnet_id"])
        if held:
            held.pop()
        else:
            add.append(entry)
    router = port["device_owner"] in ROUTER_OWNERS_SNAT
    for leftovers in orig_by_subnet.values():
        for e in leftovers:
            held_subnet = by_id.get(e["subnet_id"])
            if router or held_subnet is None or not ipam.is_auto_address(held_subnet):
                conn.execute(a.delete().where(a.c.subnet_id == e["subnet_id"], a.c.ip_address == e["ip_address"]))
    if add:
        groups = requests_for(
            conn,
            network_id=port["network_id"],
            device_owner=port["device_owner"],
            mac=port["mac_address"],
            fixed_ips=add,
        )
        allocate(conn, port_id=port["id"], network_id=port["network_id"], groups=groups)
