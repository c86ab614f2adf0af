"""Address management: allocation pools, fixed IPs and MAC addresses.

Everything here runs inside the caller's write transaction (``BEGIN IMMEDIATE`` on
SQLite), so "find a free address, then record it" cannot interleave with another
request or process; the primary key of ``network_ip_allocations`` and the unique
``(network_id, mac_address)`` back that up.  Addresses are picked at random from
the free ones, as Neutron's reference IPAM driver does.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.services.network import models as m
from pocketstack.services.network.errors import neutron

IPAddr = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNet = ipaddress.IPv4Network | ipaddress.IPv6Network
Pool = tuple[int, int]

BASE_MAC = (0xFA, 0x16, 0x3E)
MAC_RETRIES = 16
_rng = random.SystemRandom()


def net(cidr: str) -> IPNet:
    return ipaddress.ip_network(cidr, strict=False)


def addr(text: str) -> IPAddr:
    return ipaddress.ip_address(text)


def to_text(value: int, version: int) -> str:
    return str(ipaddress.IPv4Address(value) if version == 4 else ipaddress.IPv6Address(value))


def usable_bounds(network: IPNet) -> tuple[int, int]:
    """First and last address Neutron lets pools use in a CIDR."""
    first, last = int(network.network_address), int(network.broadcast_address)
    if first == last:
        return first, last
    if network.version == 4:
        if network.prefixlen <= 30:
            return first + 1, last - 1
        return first, last
    return first + 1, last


def generate_pools(cidr: str, gateway_ip: str | None) -> list[dict[str, str]]:
    """The default pools: the usable range, split around the gateway (upstream's rule)."""
    network = net(cidr)
    first, last = usable_bounds(network)
    ranges: list[Pool] = [(first, last)]
    if gateway_ip and addr(gateway_ip).version == network.version:
        gw = int(addr(gateway_ip))
        if first <= gw <= last:
            ranges = [(lo, hi) for lo, hi in ((first, gw - 1), (gw + 1, last)) if lo <= hi]
    return [{"start": to_text(lo, network.version), "end": to_text(hi, network.version)} for lo, hi in ranges]


def pool_text(pool: Pool, version: int) -> str:
    """How netaddr prints an IPRange in messages: ``10.0.0.2-10.0.0.9``."""
    return f"{to_text(pool[0], version)}-{to_text(pool[1], version)}"


def parse_pools(pools: Sequence[dict[str, Any]]) -> list[Pool]:
    out = []
    for pool in pools:
        try:
            lo, hi = addr(pool["start"]), addr(pool["end"])
        except (ValueError, KeyError, TypeError):
            raise neutron("InvalidAllocationPool", pool=pool) from None
        if lo.version != hi.version or int(lo) > int(hi):
            raise neutron("InvalidAllocationPool", pool=pool)
        out.append((int(lo), int(hi)))
    return out


def validate_pools(pools: Sequence[dict[str, Any]], cidr: str, gateway_ip: str | None) -> list[Pool]:
    """Upstream's checks: right version, inside the usable range, no overlaps, not on the gateway."""
    network = net(cidr)
    ranges = parse_pools(pools)
    first, last = usable_bounds(network)
    for (lo, hi), raw in zip(ranges, pools, strict=True):
        if addr(raw["start"]).version != network.version:
            raise neutron("InvalidAllocationPool", pool=pool_text((lo, hi), addr(raw["start"]).version))
        if lo < first or hi > last:
            raise neutron("OutOfBoundsAllocationPool", pool=pool_text((lo, hi), network.version), subnet_cidr=cidr)
    for i, (lo, hi) in enumerate(ranges):
        for lo2, hi2 in ranges[i + 1 :]:
            if lo <= hi2 and lo2 <= hi:
                raise neutron(
                    "OverlappingAllocationPools",
                    pool_1=pool_text((lo, hi), network.version),
                    pool_2=pool_text((lo2, hi2), network.version),
                    subnet_cidr=cidr,
                )
    if gateway_ip:
        gw = int(addr(gateway_ip))
        for lo, hi in ranges:
            if lo <= gw <= hi:
                raise neutron(
                    "GatewayConflictWithAllocationPools",
                    pool=pool_text((lo, hi), network.version),
                    ip_address=gateway_ip,
                )
    return ranges


def check_subnet_ip(cidr: str, ip: str, device_owner: str = "") -> bool:
    """Whether ``ip`` may be a fixed IP on the subnet (not its network/broadcast address)."""
    network, address = net(cidr), addr(ip)
    if address.version != network.version or address not in network:
        return False
    if network.version == 4:
        return address != network.network_address and address != network.broadcast_address
    router_owners = ("network:router_interface", "network:router_gateway", "network:ha_router_replicated_interface",
                     "network:router_interface_distributed", "")  # fmt: skip
    return device_owner in router_owners or address != network.network_address


def is_auto_address(subnet: dict[str, Any]) -> bool:
    modes = ("slaac", "dhcpv6-stateless")
    return subnet["ip_version"] == 6 and (subnet["ipv6_address_mode"] in modes or subnet["ipv6_ra_mode"] in modes)


def eui64(cidr: str, mac: str) -> str:
    """The SLAAC address of ``mac`` in an IPv6 prefix (modified EUI-64)."""
    octets = [int(x, 16) for x in mac.split(":")]
    octets[0] ^= 0x02
    iid = [*octets[:3], 0xFF, 0xFE, *octets[3:]]
    suffix = int.from_bytes(bytes(iid), "big")
    network = net(cidr)
    return str(ipaddress.IPv6Address(int(network.network_address) | suffix))


# -- allocation ------------------------------------------------------------------------------


_a = m.ip_allocations
_HOLDER = sa.select(_a.c.port_id).where(_a.c.subnet_id == sa.bindparam("subnet"), _a.c.ip_address == sa.bindparam("ip"))
_USED = sa.select(sa.func.count()).select_from(_a).where(_a.c.subnet_id == sa.bindparam("subnet"))
_TAKEN = sa.select(_a.c.ip_address).where(_a.c.subnet_id == sa.bindparam("subnet"))
_MAC = sa.select(m.ports.c.id).where(
    m.ports.c.network_id == sa.bindparam("net"), m.ports.c.mac_address == sa.bindparam("mac")
)


def is_allocated(conn: Connection, subnet_id: str, ip: str) -> str | None:
    """The port holding ``ip`` on the subnet, if any."""
    return conn.execute(_HOLDER, {"subnet": subnet_id, "ip": ip}).scalar()


def _pool_ranges(subnet: dict[str, Any]) -> list[Pool]:
    return [(int(addr(p["start"])), int(addr(p["end"]))) for p in subnet["allocation_pools"]]


def allocate(conn: Connection, subnet: dict[str, Any], exclude: Iterable[str] = ()) -> str | None:
    """A free address from the subnet's pools (None when the pools are exhausted)."""
    ranges = _pool_ranges(subnet)
    total = sum(hi - lo + 1 for lo, hi in ranges)
    if not total:
        return None
    version = subnet["ip_version"]
    skip = set(exclude)
    used = conn.execute(_USED, {"subnet": subnet["id"]}).scalar() or 0
    if used + len(skip) < total // 2:
        # sparse: random probes almost always land on a free address
        for _ in range(32):
            candidate = to_text(_random_in(ranges, total), version)
            if candidate not in skip and not is_allocated(conn, subnet["id"], candidate):
                return candidate
    if total > 1 << 20:
        return None
    taken = {int(addr(ip)) for (ip,) in conn.execute(_TAKEN, {"subnet": subnet["id"]})}
    taken |= {int(addr(ip)) for ip in skip}
    free: list[int] = []
    for lo, hi in ranges:
        for value in range(lo, hi + 1):
            if value not in taken:
                free.append(value)
                if len(free) >= 1000:
                    break
        if len(free) >= 1000:
            break
    return to_text(_rng.choice(free), version) if free else None


def first_free(conn: Connection, subnet: dict[str, Any], tries: int = 256) -> str | None:
    """The lowest free address of the subnet's pools (where DHCP and metadata ports land);
    None when the first ``tries`` addresses are all taken (then any free one will do)."""
    for lo, hi in _pool_ranges(subnet):
        value = lo
        while value <= hi and tries > 0:
            candidate = to_text(value, subnet["ip_version"])
            if not is_allocated(conn, subnet["id"], candidate):
                return candidate
            value += 1
            tries -= 1
    return None


def _random_in(ranges: Sequence[Pool], total: int) -> int:
    offset = _rng.randrange(total)
    for lo, hi in ranges:
        size = hi - lo + 1
        if offset < size:
            return lo + offset
        offset -= size
    return ranges[-1][1]


def record(conn: Connection, *, port_id: str, network_id: str, subnet_id: str, ip: str) -> None:
    conn.execute(
        m.ip_allocations.insert().values(port_id=port_id, network_id=network_id, subnet_id=subnet_id, ip_address=ip)
    )


def generate_mac(conn: Connection, network_id: str) -> str:
    for _ in range(MAC_RETRIES):
        mac = ":".join(f"{b:02x}" for b in (*BASE_MAC, *(_rng.randrange(256) for _ in range(3))))
        if conn.execute(_MAC, {"net": network_id, "mac": mac}).first() is None:
            return mac
    raise neutron("MacAddressGenerationFailure", net_id=network_id)


def mac_in_use(conn: Connection, network_id: str, mac: str, except_port: str | None = None) -> bool:
    t = m.ports
    stmt = sa.select(t.c.id).where(t.c.network_id == network_id, t.c.mac_address == mac)
    if except_port:
        stmt = stmt.where(t.c.id != except_port)
    return conn.execute(stmt).first() is not None
