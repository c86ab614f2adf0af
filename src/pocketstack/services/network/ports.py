"""Ports: MAC and fixed IP allocation, security groups, port security, allowed
address pairs and bindings.  A port is ``DOWN`` until it is bound to a host for a
device (then ``ACTIVE``, as OVN reports it); router ports are ``ACTIVE`` and floating
IP ports ``N/A``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from pocketstack.core import ids
from pocketstack.services.network import ipam, port_ips, quotas, rbac
from pocketstack.services.network import models as m
from pocketstack.services.network.access import Caller
from pocketstack.services.network.errors import neutron
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
    set_tags,
    tags_for,
)
from pocketstack.services.network.validators import is_set

if TYPE_CHECKING:
    from pocketstack.services.network.service import NetworkService

VIF_DETAILS = {
    "port_filter": True,
    "connectivity": "l2",
    "bridge_name": "br-int",
    "datapath_type": "system",
    "bound_drivers": {"0": "ovn"},
}
L3_OWNERS = (
    "network:router_interface",
    "network:router_gateway",
    "network:floatingip",
    "network:ha_router_replicated_interface",
    "network:router_interface_distributed",
)

t = m.ports
a = m.ip_allocations
ps = m.port_security_groups


def _fixed_ips_filter(spec: Any) -> ColumnElement[bool]:
    clauses = [a.c.port_id == t.c.id]
    if isinstance(spec, dict):
        if spec.get("ip_address"):
            clauses.append(a.c.ip_address.in_(spec["ip_address"]))
        if spec.get("subnet_id"):
            clauses.append(a.c.subnet_id.in_(spec["subnet_id"]))
        for part in spec.get("ip_address_substr", []):
            clauses.append(a.c.ip_address.contains(part, autoescape=True))
    return sa.exists().where(*clauses)


_BY_ID = sa.select(t).where(t.c.id == sa.bindparam("id"))
_FIXED_IPS = (
    sa.select(a.c.port_id, a.c.subnet_id, a.c.ip_address)
    .where(a.c.port_id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(a.c.port_id, a.c.subnet_id, a.c.ip_address)
)
_GROUPS = (
    sa.select(ps.c.port_id, ps.c.security_group_id)
    .where(ps.c.port_id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(ps.c.port_id, ps.c.security_group_id)
)
LISTING = Listing(
    t,
    columns={"binding:host_id": t.c.binding_host_id, "binding:vnic_type": t.c.binding_vnic_type},
    special={
        "fixed_ips": _fixed_ips_filter,
        "security_groups": lambda vals: sa.exists().where(ps.c.port_id == t.c.id, ps.c.security_group_id.in_(vals)),
    },
)


def visible_branches(conn: Connection, caller: Caller) -> list[ColumnElement[bool]] | None:
    """Own ports, and the ports on each network the caller's project owns: one condition
    per index range ((project_id, id), (network_id, id)), so a page reads page-size rows
    from each whatever the table holds."""
    if caller.is_admin:
        return None
    n = m.networks
    owned = [nid for (nid,) in conn.execute(sa.select(n.c.id).where(n.c.project_id == caller.project_id))]
    mine = t.c.project_id == caller.project_id
    return [mine, *(t.c.network_id == nid for nid in owned)]  # overlaps are merged by the UNION


def visible_to(caller: Caller) -> ColumnElement[bool] | None:
    if caller.is_admin:
        return None
    owned = sa.select(m.networks.c.id).where(m.networks.c.project_id == caller.project_id)
    return sa.or_(t.c.project_id == caller.project_id, t.c.network_id.in_(owned))


def status_of(device_owner: str, host: str, admin_state_up: bool) -> str:
    if device_owner == "network:floatingip":
        return "N/A"
    if device_owner == "network:distributed":  # OVN's metadata port is never bound
        return "DOWN"
    if not admin_state_up:
        return "DOWN"
    if device_owner.startswith("network:"):
        return "ACTIVE"
    return "ACTIVE" if host and device_owner else "DOWN"


def binding(host: str, vnic_type: str) -> dict[str, Any]:
    if not host:
        return {"binding_vif_type": "unbound", "binding_vif_details": {}}
    kind = "ovs" if vnic_type in ("normal", "virtio-forwarder", "vdpa") else "hw_veb"
    return {"binding_vif_type": kind, "binding_vif_details": dict(VIF_DETAILS)}


class Ports:
    def __init__(self, svc: NetworkService) -> None:
        self.svc = svc
        self.db = svc.db

    # -- reading ----------------------------------------------------------------------------

    def row(self, conn: Connection, caller: Caller, port_id: str) -> Row:
        scope = visible_to(caller)
        if scope is None:
            row = one(conn, _BY_ID, {"id": port_id})
        else:
            row = one(conn, sa.select(t).where(t.c.id == port_id, scope))
        if row is None:
            raise neutron("PortNotFound", port_id=port_id)
        return row

    def expand(self, conn: Connection, rows: list[Row], caller: Caller | None = None) -> list[Row]:
        """Rows with fixed IPs, groups, tags and their network's owner and sharing (as the
        caller reads it), for policy targets."""
        if not rows:
            return rows
        port_ids = [x["id"] for x in rows]
        fixed: dict[str, list[dict[str, str]]] = {i: [] for i in port_ids}
        groups: dict[str, list[str]] = {i: [] for i in port_ids}
        for chunk in _chunks(port_ids):
            for pid, sid, ip in conn.execute(_FIXED_IPS, {"ids": chunk}):
                fixed[pid].append({"subnet_id": sid, "ip_address": ip})
            for pid, gid in conn.execute(_GROUPS, {"ids": chunk}):
                groups[pid].append(gid)
        tags = tags_for(conn, port_ids)
        nets = self.svc.networks.by_ids(conn, [x["network_id"] for x in rows])
        shared = rbac.shared_with(conn, "network", nets, caller.project_id if caller else None)
        qos_ports = self.svc.qos.port_policies(conn, port_ids)
        trunks = self.svc.trunks.details_for_ports(conn, port_ids)
        qos_nets = self.svc.qos.network_policies(conn, nets)
        out = []
        for x in rows:
            net = nets.get(x["network_id"]) or {}
            out.append(
                {
                    **x,
                    "fixed_ips": fixed[x["id"]],
                    "security_groups": groups[x["id"]],
                    "tags": tags[x["id"]],
                    "network_project_id": net.get("project_id"),
                    "network_shared": x["network_id"] in shared,
                    "qos_policy_id": qos_ports.get(x["id"]),
                    "qos_network_policy_id": qos_nets.get(x["network_id"]),
                    "trunk_details": trunks.get(x["id"]),
                }
            )
        return out

    def get(self, caller: Caller, port_id: str) -> Row:
        with self.db.read() as conn:
            return self.expand(conn, [self.row(conn, caller, port_id)], caller)[0]

    def search(self, caller: Caller, **kw: Any) -> list[Row]:
        with self.db.read() as conn:
            marker = kw.pop("marker", None)
            marker_row = self.row(conn, caller, marker) if marker and kw.get("limit") else None
            rows = list_page(conn, LISTING, scope=visible_branches(conn, caller), marker=marker_row, **kw)
            return self.expand(conn, rows, caller)

    def by_device(self, conn: Connection, device_id: str) -> list[Row]:
        return self.expand(conn, many(conn, sa.select(t).where(t.c.device_id == device_id).order_by(t.c.created_at)))

    # -- creating -----------------------------------------------------------------------------

    def create(self, caller: Caller, body: dict[str, Any]) -> Row:
        with self.db.write() as conn:
            port_id = self.create_in(conn, caller, body)
            return self.expand(conn, [self.row(conn, Caller.system(), port_id)], caller)[0]

    def create_many(self, caller: Caller, bodies: list[dict[str, Any]]) -> list[Row]:
        with self.db.write() as conn:
            created = [self.create_in(conn, caller, body) for body in bodies]
            return self.expand(conn, [self.row(conn, Caller.system(), i) for i in created], caller)

    def create_in(self, conn: Connection, caller: Caller, body: dict[str, Any]) -> str:
        """Insert a port (validated API body) with its addresses and groups; returns its id."""
        net = self.svc.networks.row(conn, Caller.system(), body["network_id"])
        project_id = body.get("project_id") or ""
        owner = body.get("device_owner") or ""
        if owner != "network:distributed":  # Neutron itself makes metadata ports, outside any quota
            quotas.check(conn, project_id, {"port": 1})
        port_id = body.get("id") or ids.uuid_id()
        mac: Any = body.get("mac_address")
        if is_set(mac):
            if ipam.mac_in_use(conn, net["id"], mac):
                raise neutron("MacAddressInUse", net_id=net["id"], mac=mac)
        else:
            mac = ipam.generate_mac(conn, net["id"])
        psec = body.get("port_security_enabled")
        psec = bool(net["port_security_enabled"]) if not is_set(psec) else bool(psec)
        raw_pairs: Any = body.get("allowed_address_pairs")
        pairs = list(raw_pairs) if is_set(raw_pairs) else []
        if pairs and not psec:
            raise neutron("AddressPairAndPortSecurityRequired")
        host = body.get("binding:host_id")
        host = host if is_set(host) and host else ""
        vnic = body.get("binding:vnic_type") or "normal"
        profile = body.get("binding:profile")
        admin_up = body.get("admin_state_up", True)
        conn.execute(
            t.insert().values(
                id=port_id,
                project_id=project_id,
                network_id=net["id"],
                name=body.get("name") or "",
                mac_address=mac,
                admin_state_up=admin_up,
                status=status_of(owner, host, admin_up),
                device_id=body.get("device_id") or "",
                device_owner=owner,
                binding_host_id=host,
                binding_vnic_type=vnic,
                binding_profile=profile if is_set(profile) and profile else {},
                port_security_enabled=psec,
                allowed_address_pairs=[
                    {"ip_address": p["ip_address"], "mac_address": p.get("mac_address") or mac} for p in pairs
                ],
                extra_dhcp_opts=_dhcp_opts(body.get("extra_dhcp_opts")),
                dns_name=body.get("dns_name") or "",
                dns_domain=body.get("dns_domain") or "",
                propagate_uplink_status=body.get("propagate_uplink_status", True),
                ip_allocation="immediate",
                created_for_server=body.get("created_for_server"),
                **binding(host, vnic),
                **new_standard(body.get("description")),
            )
        )
        requested: Any = body.get("fixed_ips")
        groups = port_ips.requests_for(
            conn,
            network_id=net["id"],
            device_owner=owner,
            mac=mac,
            fixed_ips=list(requested) if is_set(requested) else None,
        )
        fixed = port_ips.allocate(conn, port_id=port_id, network_id=net["id"], groups=groups)
        self._apply_groups(
            conn, caller, port_id, project_id, owner, psec, fixed, body.get("security_groups"), fresh=True
        )
        if body.get("tags"):
            set_tags(conn, "ports", port_id, body["tags"])
        if body.get("qos_policy_id"):
            port = {"id": port_id, "project_id": project_id, "binding_vnic_type": vnic}
            self.svc.qos.bind_port(conn, caller, port, body["qos_policy_id"], creating=True)
        return port_id

    def _apply_groups(
        self,
        conn: Connection,
        caller: Caller,
        port_id: str,
        project_id: str,
        owner: str,
        psec: bool,
        fixed: list[dict[str, str]],
        requested: Any,
        fresh: bool = False,
    ) -> None:
        if is_set(requested):
            wanted = list(requested)
            if wanted and (not psec or not fixed):
                raise neutron("PortSecurityAndIPRequiredForSecurityGroups")
            if owner.startswith("network:"):
                wanted = []
            group_ids = self.svc.secgroups.check_for_port(conn, caller, project_id, wanted)
        elif psec and not owner.startswith("network:"):
            default = self.svc.secgroups.ensure_default(conn, project_id)
            group_ids = [default] if default else []
        else:
            group_ids = []
        if not fresh:
            conn.execute(ps.delete().where(ps.c.port_id == port_id))
        for gid in group_ids:
            conn.execute(ps.insert().values(port_id=port_id, security_group_id=gid))

    # -- updating --------------------------------------------------------------------------------

    def update(self, caller: Caller, port_id: str, body: dict[str, Any], revision: int | None = None) -> Row:
        with self.db.write() as conn:
            row = self.row(conn, caller, port_id)
            check_revision(row, revision)
            self.update_in(conn, caller, row, body)
            return self.expand(conn, [self.row(conn, Caller.system(), port_id)], caller)[0]

    def update_in(self, conn: Connection, caller: Caller, row: Row, body: dict[str, Any]) -> None:
        port_id = row["id"]
        values: dict[str, Any] = {}
        for key in ("name", "description", "admin_state_up", "device_id", "device_owner", "dns_name", "dns_domain"):
            if key in body:
                values[key] = body[key]
        if "mac_address" in body:
            mac = body["mac_address"]
            if mac is None:
                mac = ipam.generate_mac(conn, row["network_id"])
            if mac != row["mac_address"]:
                if row["binding_host_id"] and row["binding_vif_type"] not in ("unbound", "binding_failed"):
                    raise neutron(
                        "PortBound",
                        port_id=port_id,
                        vif_type=row["binding_vif_type"],
                        old_mac=row["mac_address"],
                        new_mac=mac,
                    )
                if ipam.mac_in_use(conn, row["network_id"], mac, except_port=port_id):
                    raise neutron("MacAddressInUse", net_id=row["network_id"], mac=mac)
                values["mac_address"] = mac
        current_groups = [
            gid for (gid,) in conn.execute(sa.select(ps.c.security_group_id).where(ps.c.port_id == port_id))
        ]
        psec: Any = body.get("port_security_enabled", row["port_security_enabled"])
        pairs = body["allowed_address_pairs"] if "allowed_address_pairs" in body else row["allowed_address_pairs"]
        groups_req = body.get("security_groups")
        if "port_security_enabled" in body:
            values["port_security_enabled"] = psec
            if not psec:
                clearing = "security_groups" in body and not groups_req
                if current_groups and not clearing:
                    raise neutron("PortSecurityPortHasSecurityGroup")
                if pairs:
                    raise neutron("AddressPairAndPortSecurityRequired")
        if "allowed_address_pairs" in body:
            if pairs and not psec:
                raise neutron("AddressPairAndPortSecurityRequired")
            mac = values.get("mac_address", row["mac_address"])
            values["allowed_address_pairs"] = [
                {"ip_address": p["ip_address"], "mac_address": p.get("mac_address") or mac} for p in pairs
            ]
        if "extra_dhcp_opts" in body:
            values["extra_dhcp_opts"] = _merge_dhcp_opts(row["extra_dhcp_opts"], body["extra_dhcp_opts"])
        host: str = row["binding_host_id"]
        if "binding:host_id" in body:
            host = body["binding:host_id"] or ""
            values["binding_host_id"] = host
        vnic: Any = body.get("binding:vnic_type", row["binding_vnic_type"])
        if "binding:vnic_type" in body:
            values["binding_vnic_type"] = vnic
        if "binding:profile" in body:
            values["binding_profile"] = body["binding:profile"] or {}
        values.update(binding(host, vnic))
        owner: Any = values.get("device_owner", row["device_owner"])
        admin_up: Any = values.get("admin_state_up", row["admin_state_up"])
        values["status"] = status_of(owner, host, admin_up)
        if "fixed_ips" in body:
            port_ips.replace(conn, port={**row, **values}, fixed_ips=list(body["fixed_ips"] or []))
        fixed = port_ips.current(conn, port_id)
        if "security_groups" in body:
            wanted = list(groups_req or [])
            if wanted and not psec:
                raise neutron("PortSecurityAndIPRequiredForSecurityGroups")
            self._apply_groups(conn, caller, port_id, row["project_id"], owner, psec, fixed, wanted)
        elif "port_security_enabled" in body and psec and not current_groups and not owner.startswith("network:"):
            self._apply_groups(conn, caller, port_id, row["project_id"], owner, psec, fixed, None)
        if "qos_policy_id" in body:
            self.svc.qos.bind_port(conn, caller, {**row, **values}, body["qos_policy_id"], creating=False)
        self.svc.trunks.parent_changed(conn, row, values)
        bump(conn, t, port_id, **values)

    # -- deleting ---------------------------------------------------------------------------------

    def delete(self, caller: Caller, port_id: str, l3_check: bool = True, revision: int | None = None) -> None:
        with self.db.write() as conn:
            row = self.row(conn, caller, port_id)
            check_revision(row, revision)
            if l3_check:
                self._prevent_l3_deletion(conn, row)
            self.delete_in(conn, row)

    def _prevent_l3_deletion(self, conn: Connection, row: Row) -> None:
        owner = row["device_owner"]
        if owner not in L3_OWNERS or not row["device_id"]:
            return
        if owner == "network:floatingip":
            exists = conn.execute(sa.select(m.floatingips.c.id).where(m.floatingips.c.id == row["device_id"])).first()
        else:
            exists = conn.execute(sa.select(m.routers.c.id).where(m.routers.c.id == row["device_id"])).first()
        if exists is not None:
            raise neutron("ServicePortInUse", port_id=row["id"], reason=f"has device owner {owner}")

    def delete_in(self, conn: Connection, row: Row) -> None:
        self.svc.trunks.check_port_deletion(conn, row["id"])
        f = m.floatingips
        fips = [fid for (fid,) in conn.execute(sa.select(f.c.id).where(f.c.fixed_port_id == row["id"]))]
        for fid in fips:
            bump(conn, f, fid, fixed_port_id=None, fixed_ip_address=None, router_id=None, status="DOWN")
        conn.execute(a.delete().where(a.c.port_id == row["id"]))
        conn.execute(ps.delete().where(ps.c.port_id == row["id"]))
        conn.execute(m.router_ports.delete().where(m.router_ports.c.port_id == row["id"]))
        delete_tags(conn, row["id"])
        conn.execute(t.delete().where(t.c.id == row["id"]))


def _chunks(items: list[str], size: int = 500) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _dhcp_opts(opts: Any) -> list[dict[str, Any]]:
    if not opts:
        return []
    return [
        {"opt_name": o["opt_name"], "opt_value": o["opt_value"], "ip_version": int(o.get("ip_version", 4))}
        for o in opts
        if o.get("opt_value") is not None
    ]


def _merge_dhcp_opts(current: list[dict[str, Any]], changes: Any) -> list[dict[str, Any]]:
    """Upstream's update: options with a value replace or add, ``opt_value: null`` removes."""
    out = {(o["opt_name"], o.get("ip_version", 4)): o for o in current}
    for change in changes or []:
        key = (change["opt_name"], int(change.get("ip_version", 4)))
        if change.get("opt_value") is None:
            out.pop(key, None)
        else:
            out[key] = {"opt_name": key[0], "opt_value": change["opt_value"], "ip_version": key[1]}
    return list(out.values())
