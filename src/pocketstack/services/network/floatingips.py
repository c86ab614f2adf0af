"""Floating IPs: an address on an external network (held by a ``network:floatingip``
port), associated with a port's fixed IP through a router that has a gateway on that
external network and an interface on the port's subnet (upstream's reachability rule).
``ACTIVE`` while associated, ``DOWN`` otherwise."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from pocketstack.core import ids
from pocketstack.services.network import ipam, port_ips, quotas
from pocketstack.services.network import models as m
from pocketstack.services.network.access import Caller
from pocketstack.services.network.errors import bad_request, neutron
from pocketstack.services.network.networks import visible_to as network_visibility
from pocketstack.services.network.store import (
    Listing,
    Row,
    bump,
    check_revision,
    delete_tags,
    list_page,
    many,
    new_standard,
    one,
    tags_for,
)
from pocketstack.services.network.validators import is_set

if TYPE_CHECKING:
    from pocketstack.services.network.service import NetworkService

FIP_OWNER = "network:floatingip"
ROUTER_INTERFACE_OWNERS = (
    "network:router_interface",
    "network:ha_router_replicated_interface",
    "network:router_interface_distributed",
)

t = m.floatingips
p = m.ports
LISTING = Listing(t, columns={"port_id": t.c.fixed_port_id})


def visible_to(caller: Caller) -> ColumnElement[bool] | None:
    return None if caller.is_admin else t.c.project_id == caller.project_id


class FloatingIPs:
    def __init__(self, svc: NetworkService) -> None:
        self.svc = svc
        self.db = svc.db

    def row(self, conn: Connection, caller: Caller, fip_id: str) -> Row:
        stmt = sa.select(t).where(t.c.id == fip_id)
        scope = visible_to(caller)
        if scope is not None:
            stmt = stmt.where(scope)
        row = one(conn, stmt)
        if row is None:
            raise neutron("FloatingIPNotFound", floatingip_id=fip_id)
        return row

    def expand(self, conn: Connection, rows: list[Row]) -> list[Row]:
        if not rows:
            return rows
        tags = tags_for(conn, [x["id"] for x in rows])
        fixed_ids = [x["fixed_port_id"] for x in rows if x["fixed_port_id"]]
        details: dict[str, Row] = {}
        if fixed_ids:
            for port in many(conn, sa.select(p).where(p.c.id.in_(fixed_ids))):
                details[port["id"]] = port
        return [{**x, "tags": tags[x["id"]], "port": details.get(x["fixed_port_id"] or "")} for x in rows]

    def get(self, caller: Caller, fip_id: str) -> Row:
        with self.db.read() as conn:
            return self.expand(conn, [self.row(conn, caller, fip_id)])[0]

    def search(self, caller: Caller, **kw: Any) -> list[Row]:
        with self.db.read() as conn:
            marker = kw.pop("marker", None)
            marker_row = self.row(conn, caller, marker) if marker and kw.get("limit") else None
            return self.expand(conn, list_page(conn, LISTING, scope=visible_to(caller), marker=marker_row, **kw))

    # -- create / update / delete ---------------------------------------------------------------

    def create(self, caller: Caller, body: dict[str, Any]) -> Row:
        with self.db.write() as conn:
            net_id = body["floating_network_id"]
            net = self.svc.networks.row(conn, caller, net_id)
            if not net["external"]:
                raise bad_request("floatingip", f"Network {net_id} is not a valid external network")
            if not any(s["ip_version"] == 4 for s in self.svc.subnets.on_network(conn, net_id)):
                raise bad_request("floatingip", f"Network {net_id} does not contain any IPv4 subnet")
            quotas.check(conn, body["project_id"], {"floatingip": 1})
            fip_id = ids.uuid_id()
            fixed: dict[str, Any] = {}
            if is_set(body.get("subnet_id")):
                fixed["subnet_id"] = body["subnet_id"]
            if is_set(body.get("floating_ip_address")):
                fixed["ip_address"] = body["floating_ip_address"]
            port_id = self.svc.ports.create_in(
                conn,
                Caller.system(),
                {
                    "project_id": "",
                    "network_id": net_id,
                    "admin_state_up": True,
                    "device_id": fip_id,
                    "device_owner": FIP_OWNER,
                    "name": "",
                    "fixed_ips": [fixed] if fixed else None,
                },
            )
            v4 = [ip for ip in port_ips.current(conn, port_id) if ipam.addr(ip["ip_address"]).version == 4]
            if not v4:
                raise neutron("ExternalIpAddressExhausted", net_id=net_id)
            conn.execute(
                t.insert().values(
                    id=fip_id,
                    project_id=body["project_id"],
                    floating_ip_address=v4[0]["ip_address"],
                    floating_network_id=net_id,
                    floating_port_id=port_id,
                    status="DOWN",
                    dns_name=body.get("dns_name") or "",
                    dns_domain=body.get("dns_domain") or "",
                    **new_standard(body.get("description")),
                )
            )
            row = self.row(conn, Caller.system(), fip_id)
            if body.get("port_id") or body.get("fixed_ip_address"):
                self._associate(conn, caller, row, body)
            return self.expand(conn, [self.row(conn, Caller.system(), fip_id)])[0]

    def update(self, caller: Caller, fip_id: str, body: dict[str, Any], revision: int | None = None) -> Row:
        with self.db.write() as conn:
            row = self.row(conn, caller, fip_id)
            check_revision(row, revision)
            values = {k: body[k] for k in ("description",) if k in body}
            if values:
                bump(conn, t, fip_id, **values)
            if "port_id" in body or "fixed_ip_address" in body:
                self._associate(conn, caller, self.row(conn, Caller.system(), fip_id), body)
            elif not values:
                bump(conn, t, row["id"])
            return self.expand(conn, [self.row(conn, Caller.system(), fip_id)])[0]

    def _associate(self, conn: Connection, caller: Caller, fip: Row, body: dict[str, Any]) -> None:
        port_id = body.get("port_id") if "port_id" in body else fip["fixed_port_id"]
        fixed_ip = body.get("fixed_ip_address")
        if fixed_ip and not port_id:
            raise bad_request("floatingip", "fixed_ip_address cannot be specified without a port_id")
        if not port_id:
            bump(conn, t, fip["id"], fixed_port_id=None, fixed_ip_address=None, router_id=None, status="DOWN")
            return
        port = self.svc.ports.row(conn, caller, port_id)
        if port["project_id"] != fip["project_id"] and not caller.is_admin:
            raise bad_request(
                "floatingip",
                f"Cannot process floating IP association with Port {port_id}, since that port is owned by a "
                "different project",
            )
        if port["device_owner"] == "network:dhcp":
            raise bad_request("floatingip", f"Port {port_id} is unable to be assigned a floating IP")
        fixed = port_ips.current(conn, port_id)
        if fixed_ip:
            if ipam.addr(fixed_ip).version != 4:
                raise bad_request(
                    "floatingip",
                    f"Cannot process floating IP association with {fixed_ip}, since that is not an IPv4 address",
                )
            match = next((f for f in fixed if f["ip_address"] == fixed_ip), None)
            if match is None:
                raise bad_request("floatingip", f"Port {port_id} does not have fixed ip {fixed_ip}")
        else:
            v4 = [f for f in fixed if ipam.addr(f["ip_address"]).version == 4]
            if not v4:
                raise bad_request(
                    "floatingip", f"Cannot add floating IP to port {port_id} that has no fixed IPv4 addresses"
                )
            if len(v4) > 1:
                raise bad_request(
                    "floatingip",
                    f"Port {port_id} has multiple fixed IPv4 addresses.  Must provide a specific IPv4 address when "
                    "assigning a floating IP",
                )
            match = v4[0]
        router_id = self._router_for(conn, port, match["subnet_id"], fip["floating_network_id"])
        if port_id != fip["fixed_port_id"] or match["ip_address"] != fip["fixed_ip_address"]:
            taken = conn.execute(
                sa.select(t.c.id).where(
                    t.c.fixed_port_id == port_id,
                    t.c.floating_network_id == fip["floating_network_id"],
                    t.c.fixed_ip_address == match["ip_address"],
                    t.c.id != fip["id"],
                )
            ).first()
            if taken is not None:
                raise neutron(
                    "FloatingIPPortAlreadyAssociated",
                    port_id=port_id,
                    fip_id=fip["id"],
                    floating_ip_address=fip["floating_ip_address"],
                    fixed_ip=match["ip_address"],
                    net_id=fip["floating_network_id"],
                )
        bump(
            conn,
            t,
            fip["id"],
            fixed_port_id=port_id,
            fixed_ip_address=match["ip_address"],
            router_id=router_id,
            status="ACTIVE",
        )

    def _router_for(self, conn: Connection, port: Row, subnet_id: str, external_network_id: str) -> str:
        """A router with an interface on the port's subnet and a gateway on the external network
        (the one on the subnet's gateway IP first)."""
        rp, a = m.router_ports, m.ip_allocations
        gw = p.alias("gw")
        rows = conn.execute(
            sa.select(rp.c.router_id, a.c.ip_address)
            .join(p, p.c.id == rp.c.port_id)
            .join(a, a.c.port_id == p.c.id)
            .join(gw, gw.c.device_id == rp.c.router_id)
            .where(
                p.c.network_id == port["network_id"],
                rp.c.port_type.in_(ROUTER_INTERFACE_OWNERS),
                a.c.subnet_id == subnet_id,
                gw.c.network_id == external_network_id,
                gw.c.device_owner == "network:router_gateway",
            )
            .distinct()
        ).all()
        gateway = conn.execute(sa.select(m.subnets.c.gateway_ip).where(m.subnets.c.id == subnet_id)).scalar()
        for router_id, ip in rows:
            if ip == gateway:
                return str(router_id)
        if rows:
            return str(rows[0][0])
        raise neutron(
            "ExternalGatewayForFloatingIPNotFound",
            subnet_id=subnet_id,
            external_network_id=external_network_id,
            port_id=port["id"],
        )

    def delete(self, caller: Caller, fip_id: str, revision: int | None = None) -> None:
        with self.db.write() as conn:
            row = self.row(conn, caller, fip_id)
            check_revision(row, revision)
            self.delete_in(conn, row)

    def delete_in(self, conn: Connection, row: Row) -> None:
        delete_tags(conn, row["id"])
        conn.execute(t.delete().where(t.c.id == row["id"]))
        port = one(conn, sa.select(p).where(p.c.id == row["floating_port_id"]))
        if port is not None:
            self.svc.ports.delete_in(conn, port)

    def pools(self, caller: Caller) -> list[Row]:
        """``/v2.0/floatingip_pools``: the IPv4 subnets of the external networks the caller sees."""
        with self.db.read() as conn:
            n, s = m.networks, m.subnets
            stmt = (
                sa.select(s.c.id.label("subnet_id"), s.c.name.label("subnet_name"), s.c.network_id, s.c.cidr,
                          s.c.project_id)
                .join(n, n.c.id == s.c.network_id)
                .where(n.c.external.is_(True), s.c.ip_version == 4)
                .order_by(s.c.created_at)
            )  # fmt: skip
            visible = network_visibility(caller)
            if visible is not None:
                stmt = stmt.where(visible)
            return many(conn, stmt)
