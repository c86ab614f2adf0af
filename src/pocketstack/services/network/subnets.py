"""Subnets: CIDRs (given or drawn from a subnet pool), gateways, allocation pools,
DNS servers, host routes and IPv6 address modes, validated as Neutron does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from pocketstack.core import ids
from pocketstack.services.network import ipam, metadata, quotas, rbac
from pocketstack.services.network import models as m
from pocketstack.services.network.access import Caller
from pocketstack.services.network.errors import bad_request, invalid_input, neutron
from pocketstack.services.network.port_ips import ROUTER_OWNERS_SNAT
from pocketstack.services.network.store import (
    Listing,
    Row,
    bump,
    check_revision,
    delete_tags,
    list_page,
    new_standard,
    one,
    tags_for,
)
from pocketstack.services.network.validators import is_set

if TYPE_CHECKING:
    from pocketstack.services.network.service import NetworkService

MAX_DNS_NAMESERVERS = 5
MAX_HOST_ROUTES = 20
ROUTER_INTERFACE_OWNERS = (
    "network:router_interface",
    "network:ha_router_replicated_interface",
    "network:router_interface_distributed",
)
AUTO_DELETE_OWNERS = ("network:dhcp", "network:distributed")

t = m.subnets
n = m.networks
LISTING = Listing(
    t,
    special={
        "router:external": lambda vals: t.c.network_id.in_(sa.select(n.c.id).where(n.c.external.in_(vals))),
    },
)


def visible_to(caller: Caller) -> ColumnElement[bool] | None:
    """Own subnets, and the subnets of networks the caller owns or that are shared with it
    (as shared or external networks)."""
    if caller.is_admin:
        return None
    owned = sa.select(n.c.id).where(n.c.project_id == caller.project_id)
    return sa.or_(
        t.c.project_id == caller.project_id,
        t.c.network_id.in_(owned),
        rbac.granted("network", t.c.network_id, caller.project_id, (rbac.SHARED, rbac.EXTERNAL)),
    )


class Subnets:
    def __init__(self, svc: NetworkService) -> None:
        self.svc = svc
        self.db = svc.db

    # -- reading --------------------------------------------------------------------------

    def row(self, conn: Connection, caller: Caller, subnet_id: str) -> Row:
        stmt = sa.select(t).where(t.c.id == subnet_id)
        scope = visible_to(caller)
        if scope is not None:
            stmt = stmt.where(scope)
        row = one(conn, stmt)
        if row is None:
            raise neutron("SubnetNotFound", subnet_id=subnet_id)
        return row

    def expand(self, conn: Connection, rows: list[Row], caller: Caller | None = None) -> list[Row]:
        """Rows with tags and their network's facts (``shared`` as the caller reads it)."""
        if not rows:
            return rows
        tags = tags_for(conn, [r["id"] for r in rows])
        nets = self.svc.networks.by_ids(conn, [r["network_id"] for r in rows])
        shared = rbac.shared_with(conn, "network", nets, caller.project_id if caller else None)
        out = []
        for r in rows:
            net = nets.get(r["network_id"]) or {}
            out.append(
                {
                    **r,
                    "tags": tags[r["id"]],
                    "shared": r["network_id"] in shared,
                    "router:external": bool(net.get("external")),
                    "network_project_id": net.get("project_id"),
                }
            )
        return out

    def get(self, caller: Caller, subnet_id: str) -> Row:
        with self.db.read() as conn:
            return self.expand(conn, [self.row(conn, caller, subnet_id)], caller)[0]

    def search(self, caller: Caller, **kw: Any) -> list[Row]:
        filters = dict(kw.pop("filters", None) or {})
        extra = list(kw.pop("extra", ()))
        if "shared" in filters:
            extra.append(rbac.shared_filter("network", t.c.network_id, caller, filters.pop("shared")))
        with self.db.read() as conn:
            marker = kw.pop("marker", None)
            marker_row = self.row(conn, caller, marker) if marker and kw.get("limit") else None
            rows = list_page(
                conn, LISTING, scope=visible_to(caller), filters=filters, extra=extra, marker=marker_row, **kw
            )
            return self.expand(conn, rows, caller)

    def on_network(self, conn: Connection, network_id: str) -> list[Row]:
        return [
            dict(r)
            for r in conn.execute(
                sa.select(t).where(t.c.network_id == network_id).order_by(t.c.created_at, t.c.id)
            ).mappings()
        ]

    # -- creating -------------------------------------------------------------------------

    def create(self, caller: Caller, body: dict[str, Any]) -> Row:
        with self.db.write() as conn:
            subnet_id = self.create_in(conn, caller, body)
            return self.expand(conn, [self.row(conn, Caller.system(), subnet_id)], caller)[0]

    def create_many(self, caller: Caller, bodies: list[dict[str, Any]]) -> list[Row]:
        with self.db.write() as conn:
            created = [self.create_in(conn, caller, body) for body in bodies]
            return self.expand(conn, [self.row(conn, Caller.system(), i) for i in created], caller)

    def create_in(self, conn: Connection, caller: Caller, s: dict[str, Any]) -> str:
        cidr: Any = s.get("cidr")
        prefixlen: Any = s.get("prefixlen")
        if is_set(cidr) and is_set(prefixlen):
            raise bad_request("subnets", "cidr and prefixlen must not be supplied together")
        if is_set(cidr):
            network = ipam.net(cidr)
            s["cidr"] = cidr = f"{network.network_address}/{network.prefixlen}"
        pool_id = self._subnetpool_id(conn, caller, s)
        if not pool_id and not is_set(cidr):
            raise bad_request("subnets", "a subnetpool must be specified in the absence of a cidr")
        if is_set(cidr):
            validate(s)
        net = self.svc.networks.row(conn, caller, s["network_id"])
        mtu = net["mtu"]
        if mtu and mtu < 1280:
            if mtu < 68:
                raise neutron("NetworkMTUSubnetConflict", net_id=net["id"], mtu=68)
            if s["ip_version"] == 6:
                raise neutron("NetworkMTUSubnetConflict", net_id=net["id"], mtu=1280)
        siblings = self.on_network(conn, net["id"])
        if pool_id:
            pool = self.svc.subnetpools.row(conn, caller, pool_id)
            if pool["ip_version"] != s["ip_version"]:
                raise invalid_input(
                    f"Cannot allocate IPv{s['ip_version']} subnet from IPv{pool['ip_version']} subnet pool"
                )
            for other in siblings:
                if other["ip_version"] == s["ip_version"] and other["subnetpool_id"] != pool_id:
                    raise neutron("NetworkSubnetPoolAffinityError")
            cidr = self.svc.subnetpools.allocate(conn, pool, s)
            s["cidr"] = cidr
            validate(s)
        else:
            for other in siblings:
                if other["subnetpool_id"] and other["ip_version"] == s["ip_version"]:
                    raise neutron("NetworkSubnetPoolAffinityError")
        self._check_overlap(cidr, net["id"], siblings)
        gateway = s.get("gateway_ip")
        if not is_set(gateway) and gateway is not None:
            gateway = first_host(cidr)
        pools: Any = s.get("allocation_pools")
        if is_set(pools):
            ipam.validate_pools(pools, cidr, gateway)
            pools = [{"start": p["start"], "end": p["end"]} for p in pools]
        else:
            pools = ipam.generate_pools(cidr, gateway)
        segment_id = s.get("segment_id") if is_set(s.get("segment_id")) else None
        self.svc.segments.check_subnet(conn, net["id"], segment_id)
        quotas.check(conn, s["project_id"], {"subnet": 1})
        subnet_id = ids.uuid_id()
        conn.execute(
            t.insert().values(
                id=subnet_id,
                project_id=s["project_id"],
                network_id=net["id"],
                name=s.get("name") or "",
                ip_version=s["ip_version"],
                cidr=cidr,
                gateway_ip=gateway,
                enable_dhcp=s.get("enable_dhcp", True),
                ipv6_ra_mode=s["ipv6_ra_mode"] if is_set(s.get("ipv6_ra_mode")) else None,
                ipv6_address_mode=s["ipv6_address_mode"] if is_set(s.get("ipv6_address_mode")) else None,
                subnetpool_id=pool_id,
                segment_id=segment_id,
                dns_publish_fixed_ip=bool(s.get("dns_publish_fixed_ip")),
                allocation_pools=pools,
                dns_nameservers=list(s["dns_nameservers"]) if is_set(s.get("dns_nameservers")) else [],
                host_routes=list(s["host_routes"]) if is_set(s.get("host_routes")) else [],
                service_types=list(s["service_types"]) if is_set(s.get("service_types")) else [],
                **new_standard(s.get("description")),
            )
        )
        bump(conn, n, net["id"])
        row = self.row(conn, Caller.system(), subnet_id)
        if net["external"]:
            self.svc.routers.add_gateway_addresses(conn, row)
        if ipam.is_auto_address(row):
            self._add_auto_addresses(conn, row)
        metadata.sync_subnet(self.svc, conn, row)
        return subnet_id

    def _subnetpool_id(self, conn: Connection, caller: Caller, s: dict[str, Any]) -> str | None:
        use_default = bool(s.get("use_default_subnetpool"))
        pool_id = s.get("subnetpool_id")
        pool_id = pool_id if is_set(pool_id) else None
        if use_default and pool_id:
            raise bad_request("subnets", "subnetpool_id and use_default_subnetpool cannot both be specified")
        if pool_id or not use_default:
            return pool_id
        version: Any = ipam.net(s["cidr"]).version if is_set(s.get("cidr")) else s.get("ip_version")
        default = self.svc.subnetpools.default_for(conn, caller, version)
        if default is None:
            raise bad_request("subnets", f"No default subnetpool found for IPv{version}")
        return default

    @staticmethod
    def _check_overlap(cidr: str, network_id: str, siblings: list[Row]) -> None:
        new = ipam.net(cidr)
        if new.prefixlen == 0:
            raise invalid_input("0 is not allowed as CIDR prefix length")
        for other in siblings:
            if ipam.net(other["cidr"]).overlaps(new):
                raise invalid_input(
                    f"Requested subnet with cidr: {cidr} for network: {network_id} overlaps with another subnet"
                )

    def _add_auto_addresses(self, conn: Connection, subnet: Row) -> None:
        """A new SLAAC subnet gives every (non-router) port on the network its EUI-64 address."""
        p = m.ports
        for port_id, mac, owner in conn.execute(
            sa.select(p.c.id, p.c.mac_address, p.c.device_owner).where(p.c.network_id == subnet["network_id"])
        ):
            if owner in ROUTER_OWNERS_SNAT:
                continue
            address = ipam.eui64(subnet["cidr"], mac)
            if not ipam.is_allocated(conn, subnet["id"], address):
                ipam.record(conn, port_id=port_id, network_id=subnet["network_id"], subnet_id=subnet["id"], ip=address)

    # -- updating ---------------------------------------------------------------------------

    def update(self, caller: Caller, subnet_id: str, body: dict[str, Any], revision: int | None = None) -> Row:
        with self.db.write() as conn:
            row = self.row(conn, caller, subnet_id)
            check_revision(row, revision)
            s = {**body, "ip_version": row["ip_version"], "cidr": row["cidr"], "id": subnet_id}
            validate(s, current=row, conn=conn)
            values: dict[str, Any] = {}
            for key in ("name", "description", "enable_dhcp", "dns_publish_fixed_ip"):
                if key in body:
                    values[key] = body[key]
            if "segment_id" in body and body["segment_id"] != row["segment_id"]:
                self.svc.segments.check_subnet(
                    conn, row["network_id"], body["segment_id"], subnet_id=subnet_id, current=row["segment_id"]
                )
                values["segment_id"] = body["segment_id"]
            for key in ("dns_nameservers", "host_routes", "service_types"):
                if key in body:
                    values[key] = list(body[key] or [])
            pools = row["allocation_pools"]
            if body.get("allocation_pools") is not None:
                ipam.validate_pools(body["allocation_pools"], row["cidr"], None)
                pools = [{"start": p["start"], "end": p["end"]} for p in body["allocation_pools"]]
                values["allocation_pools"] = pools
            gateway = body["gateway_ip"] if "gateway_ip" in body else row["gateway_ip"]
            if (gateway != row["gateway_ip"] or "allocation_pools" in values) and gateway:
                gw = int(ipam.addr(gateway))
                for lo, hi in ipam.parse_pools(pools):
                    if lo <= gw <= hi:
                        raise neutron(
                            "GatewayConflictWithAllocationPools",
                            pool=ipam.pool_text((lo, hi), row["ip_version"]),
                            ip_address=gateway,
                        )
            if "gateway_ip" in body:
                values["gateway_ip"] = gateway
            bump(conn, t, subnet_id, **values)
            if "enable_dhcp" in values:
                metadata.sync_subnet(self.svc, conn, self.row(conn, Caller.system(), subnet_id))
            return self.expand(conn, [self.row(conn, Caller.system(), subnet_id)], caller)[0]

    # -- deleting -------------------------------------------------------------------------------

    def delete(self, caller: Caller, subnet_id: str, revision: int | None = None) -> None:
        with self.db.write() as conn:
            row = self.row(conn, caller, subnet_id)
            check_revision(row, revision)
            self.delete_in(conn, row)

    def delete_in(self, conn: Connection, row: Row) -> None:
        a, p = m.ip_allocations, m.ports
        holders = conn.execute(
            sa.select(p.c.id, p.c.device_owner).join(a, a.c.port_id == p.c.id).where(a.c.subnet_id == row["id"])
        ).all()
        if any(owner in ROUTER_INTERFACE_OWNERS for _pid, owner in holders):
            raise neutron("SubnetInUse", subnet_id=row["id"], reason=_IN_USE)
        if not ipam.is_auto_address(row) and any(owner not in AUTO_DELETE_OWNERS for _pid, owner in holders):
            raise neutron("SubnetInUse", subnet_id=row["id"], reason=_IN_USE)
        conn.execute(a.delete().where(a.c.subnet_id == row["id"]))
        delete_tags(conn, row["id"])
        conn.execute(t.delete().where(t.c.id == row["id"]))
        bump(conn, n, row["network_id"])


_IN_USE = "One or more ports have an IP allocation from this subnet"


def first_host(cidr: str) -> str | None:
    network = ipam.net(cidr)
    if network.num_addresses < 2:
        return None
    return str(network.network_address + 1)


def _same_version(version: int, text: str, name: str) -> None:
    value = ipam.net(text) if "/" in text else ipam.addr(text)
    if value.version != version:
        raise invalid_input(f"{name} '{text}' does not match the ip_version '{version}'")


def validate(s: dict[str, Any], current: Row | None = None, conn: Connection | None = None) -> None:
    """Neutron's ``_validate_subnet``: the checks that apply on create and update."""
    version = s["ip_version"]
    cidr: Any = s.get("cidr")
    has_cidr = is_set(cidr)
    network = None
    if has_cidr:
        _same_version(version, cidr, "cidr")
        network = ipam.net(cidr)
        if version == 6 and int(network.network_address) == 0:
            raise invalid_input("IPv6 subnet '::' is not supported")
    dhcp_was_enabled = bool(current["enable_dhcp"]) if current else False
    if network is not None and s.get("enable_dhcp") and not dhcp_was_enabled:
        if (version == 4 and network.prefixlen > 30) or (version == 6 and network.prefixlen > 126):
            raise invalid_input("Subnet has a prefix length that is incompatible with DHCP service enabled")
        if network.is_multicast:
            raise invalid_input("Multicast IP subnet is not supported if enable_dhcp is True")
        if network.is_loopback:
            raise invalid_input("Loopback IP subnet is not supported if enable_dhcp is True")
        if version == 4 and int(network.network_address) == 0:
            raise invalid_input("First IP '0.0.0.0' of network is not supported if enable_dhcp is True.")
    if "gateway_ip" in s and (is_set(s["gateway_ip"]) or s["gateway_ip"] is None):
        gateway = s["gateway_ip"]
        if gateway:
            _same_version(version, gateway, "gateway_ip")
            if network is not None:
                address = ipam.addr(gateway)
                if (
                    address in network
                    and version == 4
                    and address
                    in (
                        network.network_address,
                        network.broadcast_address,
                    )
                ):
                    raise invalid_input("Gateway is not valid on subnet")
        if current is not None and conn is not None and gateway != current["gateway_ip"] and current["gateway_ip"]:
            holder = _router_port_on(conn, current["id"], current["gateway_ip"])
            if holder:
                raise neutron("GatewayIpInUse", ip_address=current["gateway_ip"], port_id=holder)
    if is_set(s.get("dns_nameservers")):
        if len(s["dns_nameservers"]) > MAX_DNS_NAMESERVERS:
            raise neutron("DNSNameServersExhausted", subnet_id=s.get("id", "new subnet"), quota=MAX_DNS_NAMESERVERS)
        for server in s["dns_nameservers"]:
            _same_version(version, server, "dns_nameserver")
    if is_set(s.get("host_routes")):
        if len(s["host_routes"]) > MAX_HOST_ROUTES:
            raise neutron("HostRoutesExhausted", subnet_id=s.get("id", "new subnet"), quota=MAX_HOST_ROUTES)
        for route in s["host_routes"]:
            _same_version(version, route["nexthop"], "nexthop")
            _same_version(version, route["destination"], "destination")
    if version == 4:
        if is_set(s.get("ipv6_ra_mode")):
            raise invalid_input("ipv6_ra_mode is not valid when ip_version is 4")
        if is_set(s.get("ipv6_address_mode")):
            raise invalid_input("ipv6_address_mode is not valid when ip_version is 4")
    else:
        _validate_ipv6(s, current, has_cidr)


def _validate_ipv6(s: dict[str, Any], current: Row | None, has_cidr: bool) -> None:
    if current is not None:
        if "enable_dhcp" in s and not s["enable_dhcp"] and (current["ipv6_ra_mode"] or current["ipv6_address_mode"]):
            raise invalid_input("Cannot disable enable_dhcp with ipv6 attributes set")
        return
    ra, mode = s.get("ipv6_ra_mode"), s.get("ipv6_address_mode")
    ra_set, mode_set = is_set(ra), is_set(mode)
    if (ra_set or mode_set) and not s.get("enable_dhcp", True):
        raise invalid_input("ipv6_ra_mode or ipv6_address_mode cannot be set when enable_dhcp is set to False")
    if ra_set and mode_set and ra != mode:
        raise invalid_input(
            f"ipv6_ra_mode set to '{ra}' with ipv6_address_mode set to '{mode}' is not valid. "
            "If both attributes are set, they must be the same value"
        )
    auto = (ra if ra_set else None) in ("slaac", "dhcpv6-stateless") or (mode if mode_set else None) in (
        "slaac",
        "dhcpv6-stateless",
    )
    if has_cidr and auto and ipam.net(s["cidr"]).prefixlen != 64:
        raise invalid_input(
            f"Invalid CIDR {s['cidr']} for IPv6 address mode. OpenStack uses the EUI-64 address format, "
            "which requires the prefix to be /64"
        )


def _router_port_on(conn: Connection, subnet_id: str, ip: str) -> str | None:
    a, p = m.ip_allocations, m.ports
    return conn.execute(
        sa.select(p.c.id)
        .join(a, a.c.port_id == p.c.id)
        .where(a.c.subnet_id == subnet_id, a.c.ip_address == ip, p.c.device_owner.in_(ROUTER_INTERFACE_OWNERS))
    ).scalar()
