"""What Nova asks of Neutron (DEVELOPERS.md, "Cross-service contracts -> network").

Nova creates ports with the user's credentials (so Neutron's visibility and
``create_port`` policy apply), binds them to the server's host as a service, and
deletes the ports it created when the server goes; ports the user passed in are
only unbound.  Every call that changes several ports does so in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core.context import RequestContext
from pocketstack.core.errors import ApiError, BadRequest, Conflict, NotFound
from pocketstack.services.network import ipam, rbac, views
from pocketstack.services.network import models as m
from pocketstack.services.network.access import Caller
from pocketstack.services.network.errors import neutron
from pocketstack.services.network.networks import AVAILABILITY_ZONE
from pocketstack.services.network.store import Row, many

if TYPE_CHECKING:
    from pocketstack.core.db import Database
    from pocketstack.services.network.access import Access
    from pocketstack.services.network.auto_allocate import AutoAllocator
    from pocketstack.services.network.networks import Networks
    from pocketstack.services.network.ports import Ports
    from pocketstack.services.network.secgroups import SecurityGroups

DEVICE_OWNER = f"compute:{AVAILABILITY_ZONE}"


class ComputeContract:
    """Mixed into :class:`NetworkService`, whose managers it uses."""

    db: Database
    access: Access
    auto_allocator: AutoAllocator
    networks: Networks
    ports: Ports
    secgroups: SecurityGroups

    # -- helpers ---------------------------------------------------------------------------------

    def _caller(self, ctx: RequestContext | None) -> Caller:
        return self.access.caller(ctx) if ctx is not None else Caller.system()

    def _port_views(self, conn: Connection, port_ids: Iterable[str]) -> list[dict[str, Any]]:
        ids = list(port_ids)
        if not ids:
            return []
        rows = {
            r["id"]: r for r in self.ports.expand(conn, many(conn, sa.select(m.ports).where(m.ports.c.id.in_(ids))))
        }
        return [views.port(rows[i]) for i in ids if i in rows]

    def _available_networks(self, conn: Connection, caller: Caller, ready_only: bool) -> list[Row]:
        """Nova's ``_get_available_networks``: the project's own networks that are not shared
        with it, and the networks shared with it (external networks left out); with
        ``ready_only`` (auto-allocation) only those whose admin_state_up is true."""
        n = m.networks
        shared = rbac.granted("network", n.c.id, caller.project_id)
        own = sa.and_(n.c.project_id == caller.project_id, sa.not_(shared))
        if ready_only:
            own = sa.and_(own, n.c.admin_state_up.is_(True))
        stmt = sa.select(n).where(n.c.external.is_(False), sa.or_(own, shared)).order_by(n.c.created_at)
        return many(conn, stmt)

    def _auto_network(self, conn: Connection, caller: Caller, project_id: str | None = None,
                      auto_allocate: bool = False) -> Row:  # fmt: skip
        """The one network a server gets when none is named (NetworkAmbiguous when there are
        several); with ``auto_allocate`` (Nova's ``networks: "auto"``) a project without one
        gets Neutron's auto-allocated topology, as Nova asks for it."""
        rows = self._available_networks(conn, caller, ready_only=auto_allocate)
        if len(rows) > 1:
            raise Conflict(
                "Multiple possible networks found, use a Network ID to be more specific.", kind="NetworkAmbiguous"
            )
        if rows:
            return rows[0]
        project = project_id or caller.project_id or ""
        if auto_allocate:
            try:
                network_id = self.auto_allocator.network_in(conn, caller, project)
            except ApiError as exc:
                if exc.kind != "AutoAllocationFailure":
                    raise
            else:
                return self.networks.row(conn, Caller.system(), network_id)
        raise NotFound(
            f"Unable to automatically allocate a network for project {project}", kind="UnableToAutoAllocateNetwork"
        )

    def can_auto_allocate(self, ctx: RequestContext | None, *, project_id: str) -> bool:
        """Nova's API check of ``networks: "auto"``: a network is there, or the topology can be
        built (Neutron's dry run)."""
        caller = self._caller(ctx)
        with self.db.read() as conn:
            if self._available_networks(conn, caller, ready_only=True):
                return True
            try:
                self.auto_allocator.requirements(conn, caller)
            except ApiError:
                return False
        return True

    def _check_create_port(self, conn: Connection, ctx: RequestContext | None, net: Row, project_id: str) -> None:
        if ctx is None:
            return
        target = {
            "project_id": project_id,
            "tenant_id": project_id,
            "network_id": net["id"],
            "network:project_id": net["project_id"],
            "network:tenant_id": net["project_id"],
            "shared": bool(rbac.shared_with(conn, "network", [net["id"]], project_id)),
        }
        self.access.enforce(ctx, "create_port", target)

    def _new_port(
        self,
        conn: Connection,
        ctx: RequestContext | None,
        caller: Caller,
        *,
        server_id: str,
        project_id: str,
        host: str,
        network_id: str,
        fixed_ip: str | None,
        group_ids: list[str] | None,
    ) -> str:
        net = self.networks.row(conn, caller, network_id)
        self._check_create_port(conn, ctx, net, project_id)
        body: dict[str, Any] = {
            "project_id": project_id,
            "network_id": net["id"],
            "device_id": server_id,
            "device_owner": DEVICE_OWNER,
            "binding:host_id": host,
            "admin_state_up": True,
            "created_for_server": True,
        }
        if fixed_ip:
            body["fixed_ips"] = [{"ip_address": fixed_ip}]
        if group_ids is not None and net["port_security_enabled"]:
            body["security_groups"] = group_ids
        self.secgroups.ensure_default(conn, project_id)
        return self.ports.create_in(conn, caller, body)

    def _bind_existing(self, conn: Connection, caller: Caller, *, server_id: str, port_id: str, host: str) -> str:
        port = self.ports.row(conn, caller, port_id)
        if port["device_id"]:
            raise neutron("PortInUse", port_id=port_id, net_id=port["network_id"], device_id=port["device_id"])
        self.ports.update_in(
            conn,
            Caller.system(),
            port,
            {"device_id": server_id, "device_owner": DEVICE_OWNER, "binding:host_id": host},
        )
        return port_id

    def _groups(self, conn: Connection, project_id: str, names: Iterable[str] | None) -> list[str] | None:
        if not names:
            return None
        return list(dict.fromkeys(self.secgroups.by_name_or_id(conn, project_id, x)["id"] for x in names))

    # -- the contract -----------------------------------------------------------------------------

    def allocate_for_server(
        self,
        ctx: RequestContext | None,
        *,
        server_id: str,
        project_id: str,
        requests: Any,
        host: str,
        security_groups: Iterable[str] | None = None,
        auto_allocate: bool = False,
    ) -> list[dict[str, Any]]:
        """Ports for a new server (Nova's ``networks`` request), created or bound, all or none.

        ``"auto"`` or nothing: the one network the project has (NetworkAmbiguous when there
        are several); when it has none, Neutron's auto-allocated topology if
        ``auto_allocate`` (``networks: "auto"``, 2.37+), else UnableToAutoAllocateNetwork."""
        if requests == "none":
            return []
        caller = self._caller(ctx)
        with self.db.write() as conn:
            groups = self._groups(conn, project_id, security_groups)
            if requests in ("auto", None) or requests == []:
                wanted = auto_allocate and requests == "auto"
                requests = [{"uuid": self._auto_network(conn, caller, project_id, auto_allocate=wanted)["id"]}]
            port_ids: list[str] = []
            for request in requests:
                if request.get("port"):
                    port_ids.append(
                        self._bind_existing(conn, caller, server_id=server_id, port_id=request["port"], host=host)
                    )
                else:
                    port_ids.append(
                        self._new_port(
                            conn,
                            ctx,
                            caller,
                            server_id=server_id,
                            project_id=project_id,
                            host=host,
                            network_id=request["uuid"],
                            fixed_ip=request.get("fixed_ip"),
                            group_ids=groups,
                        )
                    )
            return self._port_views(conn, port_ids)

    def deallocate_for_server(self, ctx: RequestContext | None, *, server_id: str) -> None:
        with self.db.write() as conn:
            for port in many(conn, sa.select(m.ports).where(m.ports.c.device_id == server_id)):
                self._release(conn, port)

    def _release(self, conn: Connection, port: Row) -> None:
        if port["created_for_server"]:
            self.ports.delete_in(conn, port)
        else:
            self.ports.update_in(
                conn, Caller.system(), port, {"device_id": "", "device_owner": "", "binding:host_id": ""}
            )

    def addresses_for_servers(self, server_ids: Iterable[str]) -> dict[str, dict[str, list[dict[str, Any]]]]:
        wanted = list(dict.fromkeys(server_ids))
        out: dict[str, dict[str, list[dict[str, Any]]]] = {sid: {} for sid in wanted}
        if not wanted:
            return out
        p, a, n, f = m.ports, m.ip_allocations, m.networks, m.floatingips
        with self.db.read() as conn:
            rows = conn.execute(
                sa.select(p.c.id, p.c.device_id, p.c.mac_address, n.c.name, a.c.ip_address)
                .join(n, n.c.id == p.c.network_id)
                .join(a, a.c.port_id == p.c.id)
                .where(p.c.device_id.in_(wanted))
                .order_by(p.c.device_id, p.c.created_at, p.c.id, a.c.subnet_id, a.c.ip_address)
            ).all()
            floating: dict[tuple[str, str], list[str]] = {}
            port_ids = list({r[0] for r in rows})
            if port_ids:
                for fixed_port, fixed_ip, address in conn.execute(
                    sa.select(f.c.fixed_port_id, f.c.fixed_ip_address, f.c.floating_ip_address).where(
                        f.c.fixed_port_id.in_(port_ids)
                    )
                ):
                    floating.setdefault((fixed_port, fixed_ip), []).append(address)
        for port_id, server_id, mac, net_name, ip in rows:
            entries = out[server_id].setdefault(net_name, [])
            entries.append(_address(ip, "fixed", mac))
            for address in floating.get((port_id, ip), []):
                entries.append(_address(address, "floating", mac))
        return out

    def ports_for_server(self, server_id: str) -> list[dict[str, Any]]:
        with self.db.read() as conn:
            return [views.port(r) for r in self.ports.by_device(conn, server_id)]

    def attach_interface(
        self,
        ctx: RequestContext | None,
        *,
        server_id: str,
        project_id: str,
        host: str,
        net_id: str | None = None,
        port_id: str | None = None,
        fixed_ips: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        caller = self._caller(ctx)
        with self.db.write() as conn:
            if port_id:
                new_id = self._bind_existing(conn, caller, server_id=server_id, port_id=port_id, host=host)
            else:
                network_id = net_id or self._auto_network(conn, caller)["id"]
                fixed = None
                if fixed_ips:
                    fixed = fixed_ips[0].get("ip_address")
                new_id = self._new_port(
                    conn,
                    ctx,
                    caller,
                    server_id=server_id,
                    project_id=project_id,
                    host=host,
                    network_id=network_id,
                    fixed_ip=fixed,
                    group_ids=None,
                )
            return self._port_views(conn, [new_id])[0]

    def detach_interface(self, ctx: RequestContext | None, *, server_id: str, port_id: str) -> None:
        with self.db.write() as conn:
            port = self.ports.row(conn, Caller.system(), port_id)
            if port["device_id"] != server_id:
                raise neutron("PortNotFound", port_id=port_id)
            self._release(conn, port)

    def add_security_group(self, ctx: RequestContext | None, *, server_id: str, group: str) -> None:
        self._change_group(ctx, server_id, group, add=True)

    def remove_security_group(self, ctx: RequestContext | None, *, server_id: str, group: str) -> None:
        self._change_group(ctx, server_id, group, add=False)

    def _change_group(self, ctx: RequestContext | None, server_id: str, group: str, add: bool) -> None:
        ps = m.port_security_groups
        with self.db.write() as conn:
            ports = many(conn, sa.select(m.ports).where(m.ports.c.device_id == server_id))
            project_id = (
                ctx.project_id if ctx is not None and ctx.project_id else (ports[0]["project_id"] if ports else "")
            )
            row = self.secgroups.by_name_or_id(conn, project_id, group)
            changed = False
            for port in ports:
                held = conn.execute(
                    sa.select(ps.c.port_id).where(ps.c.port_id == port["id"], ps.c.security_group_id == row["id"])
                ).first()
                if add and held is None and port["port_security_enabled"]:
                    conn.execute(ps.insert().values(port_id=port["id"], security_group_id=row["id"]))
                    changed = True
                elif not add and held is not None:
                    conn.execute(ps.delete().where(ps.c.port_id == port["id"], ps.c.security_group_id == row["id"]))
                    changed = True
            if add and not changed and ports:
                raise BadRequest(
                    f"Security group {group} already associated with the instance {server_id}",
                    kind="SecurityGroupExistsForInstance",
                )
            if not add and not changed:
                raise BadRequest(
                    f"Security group {group} not associated with the instance {server_id}",
                    kind="SecurityGroupNotExistsForInstance",
                )

    def security_groups_for_server(self, server_id: str) -> list[dict[str, str]]:
        ps, g, p = m.port_security_groups, m.security_groups, m.ports
        with self.db.read() as conn:
            names = conn.execute(
                sa.select(g.c.name)
                .join(ps, ps.c.security_group_id == g.c.id)
                .join(p, p.c.id == ps.c.port_id)
                .where(p.c.device_id == server_id)
                .order_by(g.c.name)
            ).all()
        return [{"name": name} for name in dict.fromkeys(n for (n,) in names)]

    def get_network(self, ctx: RequestContext | None, network_id: str) -> dict[str, Any]:
        return views.network(self.networks.get(self._caller(ctx), network_id))

    def find_network(self, ctx: RequestContext | None, name_or_id: str) -> dict[str, Any]:
        caller = self._caller(ctx)
        try:
            return views.network(self.networks.get(caller, name_or_id))
        except NotFound:
            pass
        rows = self.networks.search(caller, filters={"name": [name_or_id]})
        if len(rows) != 1:
            if len(rows) > 1:
                raise Conflict(
                    "Multiple possible networks found, use a Network ID to be more specific.", kind="NetworkAmbiguous"
                )
            raise neutron("NetworkNotFound", net_id=name_or_id)
        return views.network(rows[0])


def _address(ip: str, kind: str, mac: str) -> dict[str, Any]:
    return {"addr": ip, "version": ipam.addr(ip).version, "OS-EXT-IPS:type": kind, "OS-EXT-IPS-MAC:mac_addr": mac}
