"""Routers: an external gateway (a ``network:router_gateway`` port on an external
network), interfaces (``network:router_interface`` ports, on a subnet's gateway IP
or on a given port) and static routes (``extraroute``)."""

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
from pocketstack.services.network.networks import AVAILABILITY_ZONE
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
from pocketstack.services.network.validators import is_set, uuid_

if TYPE_CHECKING:
    from pocketstack.services.network.service import NetworkService

GW_OWNER = "network:router_gateway"
INTERFACE_OWNER = "network:router_interface"
MAX_ROUTES = 30  # [DEFAULT] max_routes

t = m.routers
rp = m.router_ports
p = m.ports
a = m.ip_allocations
LISTING = Listing(t)


def visible_to(caller: Caller) -> ColumnElement[bool] | None:
    return None if caller.is_admin else t.c.project_id == caller.project_id


class Routers:
    def __init__(self, svc: NetworkService) -> None:
        self.svc = svc
        self.db = svc.db

    # -- reading ---------------------------------------------------------------------------

    def row(self, conn: Connection, caller: Caller, router_id: str) -> Row:
        stmt = sa.select(t).where(t.c.id == router_id)
        scope = visible_to(caller)
        if scope is not None:
            stmt = stmt.where(scope)
        row = one(conn, stmt)
        if row is None:
            raise neutron("RouterNotFound", router_id=router_id)
        return row

    def expand(self, conn: Connection, rows: list[Row]) -> list[Row]:
        if not rows:
            return rows
        gw_ids = [x["gw_port_id"] for x in rows if x["gw_port_id"]]
        gateways: dict[str, Row] = {}
        if gw_ids:
            for port in many(conn, sa.select(p.c.id, p.c.network_id).where(p.c.id.in_(gw_ids))):
                gateways[port["id"]] = {
                    "network_id": port["network_id"],
                    "fixed_ips": port_ips.current(conn, port["id"]),
                }
        tags = tags_for(conn, [x["id"] for x in rows])
        return [{**x, "gateway": gateways.get(x["gw_port_id"] or ""), "tags": tags[x["id"]]} for x in rows]

    def get(self, caller: Caller, router_id: str) -> Row:
        with self.db.read() as conn:
            return self.expand(conn, [self.row(conn, caller, router_id)])[0]

    def search(self, caller: Caller, **kw: Any) -> list[Row]:
        with self.db.read() as conn:
            marker = kw.pop("marker", None)
            marker_row = self.row(conn, caller, marker) if marker and kw.get("limit") else None
            return self.expand(conn, list_page(conn, LISTING, scope=visible_to(caller), marker=marker_row, **kw))

    def interfaces(self, conn: Connection, router_id: str) -> list[Row]:
        """The router's interface ports, each with its fixed IPs."""
        rows = many(
            conn,
            sa.select(p)
            .join(rp, rp.c.port_id == p.c.id)
            .where(rp.c.router_id == router_id, rp.c.port_type != GW_OWNER),
        )
        return [{**x, "fixed_ips": port_ips.current(conn, x["id"])} for x in rows]

    # -- create / update / delete ------------------------------------------------------------------

    def create(self, caller: Caller, body: dict[str, Any]) -> Row:
        with self.db.write() as conn:
            router_id = self.create_in(conn, caller, body)
            return self.expand(conn, [self.row(conn, Caller.system(), router_id)])[0]

    def create_in(self, conn: Connection, caller: Caller, body: dict[str, Any]) -> str:
        quotas.check(conn, body["project_id"], {"router": 1})
        for hint in body.get("availability_zone_hints") or []:
            if hint != AVAILABILITY_ZONE:
                raise neutron("AvailabilityZoneNotFound", availability_zone=hint)
        router_id = ids.uuid_id()
        conn.execute(
            t.insert().values(
                id=router_id,
                project_id=body["project_id"],
                name=body.get("name") or "",
                admin_state_up=body.get("admin_state_up", True),
                status="ACTIVE",
                gw_port_id=None,
                enable_snat=True,
                distributed=bool(body.get("distributed")) if is_set(body.get("distributed")) else False,
                ha=bool(body.get("ha")) if is_set(body.get("ha")) else False,
                availability_zone_hints=list(body.get("availability_zone_hints") or []),
                routes=[],
                **new_standard(body.get("description")),
            )
        )
        if body.get("external_gateway_info"):
            self._set_gateway(conn, caller, self.row(conn, Caller.system(), router_id), body["external_gateway_info"])
        return router_id

    def update(self, caller: Caller, router_id: str, body: dict[str, Any], revision: int | None = None) -> Row:
        with self.db.write() as conn:
            check_revision(self.row(conn, caller, router_id), revision)
            self.update_in(conn, caller, router_id, body)
            return self.expand(conn, [self.row(conn, Caller.system(), router_id)])[0]

    def update_in(self, conn: Connection, caller: Caller, router_id: str, body: dict[str, Any]) -> None:
        row = self.row(conn, caller, router_id)
        values: dict[str, Any] = {k: body[k] for k in ("name", "description", "admin_state_up") if k in body}
        for key in ("distributed", "ha"):
            if is_set(body.get(key)):
                values[key] = bool(body[key])
        if "external_gateway_info" in body:
            self._set_gateway(conn, caller, row, body["external_gateway_info"])
        if "routes" in body:
            routes = list(body["routes"] or [])
            self._validate_routes(conn, row["id"], routes)
            values["routes"] = routes
        bump(conn, t, router_id, **values)

    def add_gateway_addresses(self, conn: Connection, subnet: Row) -> None:
        """A new subnet on an external network gives the router gateways there an address
        from it (upstream's ``update_router_gw_ports``): IPv6 subnets (IPv4 ones only when
        their service types name gateways), unless the port already has a stateful address
        of that version."""
        types = subnet["service_types"] or []
        if subnet["ip_version"] == 4 and not any(x in ("", GW_OWNER) for x in types):
            return
        gateways = many(conn, sa.select(p).where(p.c.network_id == subnet["network_id"], p.c.device_owner == GW_OWNER))
        for port in gateways:
            held = port_ips.current(conn, port["id"])
            auto = {s["id"] for s in self.svc.subnets.on_network(conn, subnet["network_id"]) if ipam.is_auto_address(s)}
            stateful = [f for f in held if f["subnet_id"] not in auto]
            if len(stateful) > 1:
                continue
            if len(stateful) == 1 and ipam.addr(stateful[0]["ip_address"]).version == subnet["ip_version"]:
                continue
            groups = port_ips.requests_for(
                conn, network_id=port["network_id"], device_owner=GW_OWNER, mac=port["mac_address"],
                fixed_ips=[{"subnet_id": subnet["id"]}],
            )  # fmt: skip
            port_ips.allocate(conn, port_id=port["id"], network_id=port["network_id"], groups=groups)
            bump(conn, p, port["id"])

    def delete(self, caller: Caller, router_id: str, revision: int | None = None) -> None:
        with self.db.write() as conn:
            row = self.row(conn, caller, router_id)
            check_revision(row, revision)
            self.delete_in(conn, row)

    def delete_in(self, conn: Connection, row: Row) -> None:
        """Delete a router that has no interfaces left (RouterInUse otherwise) with its gateway."""
        router_id = row["id"]
        attached = [x["id"] for x in self.interfaces(conn, router_id)]
        if attached:
            raise neutron("RouterInUse", router_id=router_id, reason="has ports still attached: " + ", ".join(attached))
        f = m.floatingips
        if conn.execute(sa.select(f.c.id).where(f.c.router_id == router_id)).first() is not None:
            raise neutron(
                "RouterExternalGatewayInUseByFloatingIp", router_id=router_id, net_id=self._gw_network(conn, row)
            )
        if row["gw_port_id"]:
            gw = row["gw_port_id"]
            conn.execute(t.update().where(t.c.id == router_id).values(gw_port_id=None))
            self.svc.ports.delete_in(conn, self.svc.ports.row(conn, Caller.system(), gw))
        delete_tags(conn, router_id)
        conn.execute(rp.delete().where(rp.c.router_id == router_id))
        conn.execute(t.delete().where(t.c.id == router_id))

    # -- gateway ----------------------------------------------------------------------------------

    def _gw_network(self, conn: Connection, row: Row) -> str | None:
        if not row["gw_port_id"]:
            return None
        return conn.execute(sa.select(p.c.network_id).where(p.c.id == row["gw_port_id"])).scalar()

    def _set_gateway(self, conn: Connection, caller: Caller, row: Row, info: dict[str, Any] | None) -> None:
        router_id = row["id"]
        current_net = self._gw_network(conn, row)
        network_id = (info or {}).get("network_id")
        ext_ips = (info or {}).get("external_fixed_ips")
        if network_id:
            net = self.svc.networks.row(conn, caller, network_id)
            if not net["external"]:
                raise bad_request("router", f"Network {network_id} is not an external network")
            if ext_ips:
                for subnet in self.svc.subnets.on_network(conn, network_id):
                    for ext in ext_ips:
                        if subnet["gateway_ip"] and ext.get("ip_address") == subnet["gateway_ip"]:
                            raise bad_request(
                                "router", f"External IP {ext['ip_address']} is the same as the gateway IP"
                            )
        if current_net and current_net != network_id:
            f = m.floatingips
            if conn.execute(sa.select(f.c.id).where(f.c.router_id == router_id)).first() is not None:
                raise neutron("RouterExternalGatewayInUseByFloatingIp", router_id=router_id, net_id=current_net)
            gw = row["gw_port_id"]
            conn.execute(t.update().where(t.c.id == router_id).values(gw_port_id=None))
            self.svc.ports.delete_in(conn, self.svc.ports.row(conn, Caller.system(), gw))
            current_net = None
        snat = (info or {}).get("enable_snat")
        values: dict[str, Any] = {"enable_snat": True if snat is None else bool(snat)}
        if network_id and not current_net:
            for subnet in self._internal_subnets(conn, router_id):
                for ext in self.svc.subnets.on_network(conn, network_id):
                    _raise_on_overlap(subnet, ext)
            port_id = self.svc.ports.create_in(
                conn,
                Caller.system(),
                {
                    "project_id": "",
                    "network_id": network_id,
                    "fixed_ips": list(ext_ips) if ext_ips else None,
                    "device_id": router_id,
                    "device_owner": GW_OWNER,
                    "admin_state_up": True,
                    "name": "",
                },
            )
            if not port_ips.current(conn, port_id):
                raise neutron("ExternalIpAddressExhausted", net_id=network_id)
            conn.execute(rp.insert().values(router_id=router_id, port_id=port_id, port_type=GW_OWNER))
            values["gw_port_id"] = port_id
        elif network_id and ext_ips is not None:
            gw = self.svc.ports.row(conn, Caller.system(), row["gw_port_id"])
            port_ips.replace(conn, port=gw, fixed_ips=list(ext_ips))
        if not network_id:
            values["enable_snat"] = True
        conn.execute(t.update().where(t.c.id == router_id).values(**values))

    def _internal_subnets(self, conn: Connection, router_id: str) -> list[Row]:
        subnet_ids = {ip["subnet_id"] for port in self.interfaces(conn, router_id) for ip in port["fixed_ips"]}
        if not subnet_ids:
            return []
        return many(conn, sa.select(m.subnets).where(m.subnets.c.id.in_(subnet_ids)))

    # -- interfaces -------------------------------------------------------------------------------

    @staticmethod
    def validate_interface_info(info: Any, removal: bool = False) -> tuple[bool, bool]:
        info = info if isinstance(info, dict) else {}
        by_port, by_subnet = "port_id" in info, "subnet_id" in info
        if not (by_port or by_subnet):
            raise bad_request("router", "Either subnet_id or port_id must be specified")
        for key in ("port_id", "subnet_id"):
            if key in info:
                err = uuid_(info[key])
                if err:
                    raise bad_request("router", err)
        if not removal and by_port and by_subnet:
            raise bad_request("router", "Cannot specify both subnet-id and port-id")
        return by_port, by_subnet

    def add_interface(self, caller: Caller, router_id: str, info: dict[str, Any]) -> dict[str, Any]:
        self.validate_interface_info(info)
        with self.db.write() as conn:
            return self.add_interface_in(conn, caller, router_id, info)

    def add_interface_in(
        self, conn: Connection, caller: Caller, router_id: str, info: dict[str, Any]
    ) -> dict[str, Any]:
        by_port, _by_subnet = self.validate_interface_info(info)
        router = self.row(conn, caller, router_id)
        if by_port:
            port = self.svc.ports.row(conn, caller, info["port_id"])
            if port["device_id"]:
                raise neutron("PortInUse", net_id=port["network_id"], port_id=port["id"], device_id=port["device_id"])
            fixed = port_ips.current(conn, port["id"])
            if not fixed:
                raise bad_request("router", "Router port must have at least one fixed IP")
            subnets = many(conn, sa.select(m.subnets).where(m.subnets.c.id.in_({f["subnet_id"] for f in fixed})))
            self._check_dup_subnets(conn, router_id, subnets)
            if len([s for s in subnets if s["ip_version"] == 4]) > 1:
                raise bad_request("router", "Cannot have multiple IPv4 subnets on router port")
            bump(conn, p, port["id"], device_id=router_id, device_owner=INTERFACE_OWNER, status="ACTIVE")
            port_id = port["id"]
        else:
            subnet = self.svc.subnets.row(conn, caller, info["subnet_id"])
            if not subnet["gateway_ip"]:
                raise bad_request("router", "Subnet for router interface must have a gateway IP")
            self._check_dup_subnets(conn, router_id, [subnet])
            port_id = self.svc.ports.create_in(
                conn,
                Caller.system(),
                {
                    "project_id": subnet["project_id"],
                    "network_id": subnet["network_id"],
                    "fixed_ips": [{"subnet_id": subnet["id"], "ip_address": subnet["gateway_ip"]}],
                    "admin_state_up": True,
                    "device_id": router_id,
                    "device_owner": INTERFACE_OWNER,
                    "name": "",
                },
            )
        conn.execute(rp.insert().values(router_id=router_id, port_id=port_id, port_type=INTERFACE_OWNER))
        bump(conn, t, router_id)
        return self._interface_info(conn, router, port_id)

    def _check_dup_subnets(self, conn: Connection, router_id: str, new: list[Row]) -> None:
        new_ids = {s["id"] for s in new}
        attached = many(conn, sa.select(p).join(rp, rp.c.port_id == p.c.id).where(rp.c.router_id == router_id))
        existing: list[Row] = []
        for port in attached:
            for ip in port_ips.current(conn, port["id"]):
                if ip["subnet_id"] in new_ids:
                    raise bad_request("router", f"Router already has a port on subnet {ip['subnet_id']}")
                if port["device_owner"] == GW_OWNER:
                    continue
                sub = one(conn, sa.select(m.subnets).where(m.subnets.c.id == ip["subnet_id"]))
                if sub is not None:
                    existing.append(sub)
        for sub in existing:
            for candidate in new:
                _raise_on_overlap(sub, candidate)

    def _interface_info(self, conn: Connection, router: Row, port_id: str) -> dict[str, Any]:
        port = self.svc.ports.row(conn, Caller.system(), port_id)
        subnet_ids = [ip["subnet_id"] for ip in port_ips.current(conn, port_id)]
        return {
            "id": router["id"],
            "tenant_id": port["project_id"],
            "project_id": port["project_id"],
            "port_id": port_id,
            "network_id": port["network_id"],
            "subnet_id": subnet_ids[0] if subnet_ids else None,
            "subnet_ids": subnet_ids,
        }

    def remove_interface(self, caller: Caller, router_id: str, info: dict[str, Any]) -> dict[str, Any]:
        with self.db.write() as conn:
            return self.remove_interface_in(conn, caller, router_id, info)

    def remove_interface_in(
        self, conn: Connection, caller: Caller, router_id: str, info: dict[str, Any]
    ) -> dict[str, Any]:
        by_port, by_subnet = self.validate_interface_info(info, removal=True)
        router = self.row(conn, caller, router_id)
        ports = {x["id"]: x for x in self.interfaces(conn, router_id)}
        if by_port:
            port = ports.get(info["port_id"])
            if port is None:
                raise neutron("RouterInterfaceNotFound", router_id=router_id, port_id=info["port_id"])
            subnet_ids = [ip["subnet_id"] for ip in port["fixed_ips"]]
            if by_subnet and info["subnet_id"] not in subnet_ids:
                raise neutron("SubnetMismatchForPort", port_id=port["id"], subnet_id=info["subnet_id"])
        else:
            self.svc.subnets.row(conn, caller, info["subnet_id"])
            port = next((x for x in ports.values() if any(ip["subnet_id"] == info["subnet_id"]
                                                           for ip in x["fixed_ips"])), None)  # fmt: skip
            if port is None:
                raise neutron("RouterInterfaceNotFoundForSubnet", router_id=router_id, subnet_id=info["subnet_id"])
            subnet_ids = [ip["subnet_id"] for ip in port["fixed_ips"]]
        for sid in subnet_ids:
            self._check_in_use(conn, router, sid)
        result = self._interface_info(conn, router, port["id"])
        self.svc.ports.delete_in(conn, self.svc.ports.row(conn, Caller.system(), port["id"]))
        bump(conn, t, router_id)
        return result

    def _check_in_use(self, conn: Connection, router: Row, subnet_id: str) -> None:
        subnet = one(conn, sa.select(m.subnets).where(m.subnets.c.id == subnet_id))
        if subnet is None:
            return
        cidr = ipam.net(subnet["cidr"])
        f = m.floatingips
        for (fixed_ip,) in conn.execute(
            sa.select(f.c.fixed_ip_address).where(f.c.router_id == router["id"], f.c.fixed_ip_address.is_not(None))
        ):
            if ipam.addr(fixed_ip) in cidr:
                raise neutron("RouterInterfaceInUseByFloatingIP", router_id=router["id"], subnet_id=subnet_id)
        for route in router["routes"] or []:
            if ipam.addr(route["nexthop"]) in cidr:
                raise neutron("RouterInterfaceInUseByRoute", router_id=router["id"], subnet_id=subnet_id)

    # -- routes ----------------------------------------------------------------------------------

    def _validate_routes(self, conn: Connection, router_id: str, routes: list[dict[str, str]]) -> None:
        if len(routes) > MAX_ROUTES:
            raise neutron("RoutesExhausted", router_id=router_id, quota=MAX_ROUTES)
        cidrs, addresses = [], []
        attached = many(conn, sa.select(p.c.id).join(rp, rp.c.port_id == p.c.id).where(rp.c.router_id == router_id))
        for port in attached:
            for ip in port_ips.current(conn, port["id"]):
                subnet = one(conn, sa.select(m.subnets.c.cidr).where(m.subnets.c.id == ip["subnet_id"]))
                if subnet:
                    cidrs.append(ipam.net(subnet["cidr"]))
                addresses.append(ip["ip_address"])
        for route in routes:
            nexthop = ipam.addr(route["nexthop"])
            if not any(nexthop.version == c.version and nexthop in c for c in cidrs):
                raise neutron("InvalidRoutes", routes=routes, reason="the nexthop is not connected with router")
            if route["nexthop"] in addresses:
                raise neutron("InvalidRoutes", routes=routes, reason="the nexthop is used by router")

    def change_routes(self, caller: Caller, router_id: str, routes: list[dict[str, str]], add: bool) -> Row:
        with self.db.write() as conn:
            row = self.row(conn, caller, router_id)
            current = list(row["routes"] or [])
            if add:
                new = current + [r for r in routes if r not in current]
                self._validate_routes(conn, router_id, new)
            else:
                new = [r for r in current if r not in routes]
            bump(conn, t, router_id, routes=new)
            return self.expand(conn, [self.row(conn, Caller.system(), router_id)])[0]


def _raise_on_overlap(first: Row, second: Row) -> None:
    if ipam.net(first["cidr"]).overlaps(ipam.net(second["cidr"])):
        raise bad_request(
            "router",
            f"Cidr {second['cidr']} of subnet {second['id']} overlaps with cidr {first['cidr']} "
            f"of subnet {first['id']}",
        )
