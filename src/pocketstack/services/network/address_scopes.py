"""Address scopes (``address-scope``, ``rbac-address-scope``): a family of subnet pools
whose prefixes never overlap and whose subnets route to each other without NAT.  A
pool joins a scope of its IP version that its project owns or that is shared with it;
a network reports the scopes of its subnets' pools (``ipv4_address_scope``,
``ipv6_address_scope``); a scope with pools cannot go, a shared one stays shared."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from pocketstack.core import ids
from pocketstack.core.errors import ApiError
from pocketstack.services.network import ipam, rbac
from pocketstack.services.network import models as m
from pocketstack.services.network.access import Caller
from pocketstack.services.network.errors import neutron
from pocketstack.services.network.store import Listing, Row, list_page, many, one

if TYPE_CHECKING:
    from pocketstack.services.network.service import NetworkService

t = m.address_scopes
LISTING = Listing(t, tagged=False)


def visible_to(caller: Caller) -> ColumnElement[bool] | None:
    """Own scopes and those shared with the caller's project or everyone (RBAC)."""
    if caller.is_admin:
        return None
    return sa.or_(t.c.project_id == caller.project_id, rbac.granted("address_scope", t.c.id, caller.project_id))


def _pool_users(conn: Connection, scope_id: str) -> set[str]:
    p = m.subnetpools
    return {x for (x,) in conn.execute(sa.select(p.c.project_id).where(p.c.address_scope_id == scope_id))}


rbac.register(rbac.Kind("address_scope", t, (rbac.SHARED,), _pool_users))


class AddressScopes:
    def __init__(self, svc: NetworkService) -> None:
        self.svc = svc
        self.db = svc.db

    def row(self, conn: Connection, caller: Caller, scope_id: str) -> Row:
        stmt = sa.select(t).where(t.c.id == scope_id)
        scope = visible_to(caller)
        if scope is not None:
            stmt = stmt.where(scope)
        found = one(conn, stmt)
        if found is None:
            raise neutron("AddressScopeNotFound", address_scope_id=scope_id)
        return found

    def expand(self, conn: Connection, rows: list[Row], caller: Caller | None = None) -> list[Row]:
        shared = rbac.shared_with(conn, "address_scope", [r["id"] for r in rows], caller.project_id if caller else None)
        return [{**r, "shared": r["id"] in shared} for r in rows]

    def get(self, caller: Caller, scope_id: str) -> Row:
        with self.db.read() as conn:
            return self.expand(conn, [self.row(conn, caller, scope_id)], caller)[0]

    def search(self, caller: Caller, **kw: Any) -> list[Row]:
        filters = dict(kw.pop("filters", None) or {})
        extra = list(kw.pop("extra", ()))
        if "shared" in filters:
            extra.append(rbac.shared_filter("address_scope", t.c.id, caller, filters.pop("shared")))
        with self.db.read() as conn:
            marker = kw.pop("marker", None)
            marker_row = self.row(conn, caller, marker) if marker and kw.get("limit") else None
            rows = list_page(
                conn, LISTING, scope=visible_to(caller), filters=filters, extra=extra, marker=marker_row, **kw
            )
            return self.expand(conn, rows, caller)

    def create_many(self, caller: Caller, bodies: list[dict[str, Any]]) -> list[Row]:
        """Create scopes (one, or a bulk request) in one transaction: all or none."""
        with self.db.write() as conn:
            return [self.create_in(conn, caller, body) for body in bodies]

    def create_in(self, conn: Connection, caller: Caller, body: dict[str, Any]) -> Row:
        scope_id = ids.uuid_id()
        project_id = body["project_id"]
        conn.execute(
            t.insert().values(
                id=scope_id,
                project_id=project_id,
                name=body.get("name") or "",
                ip_version=body["ip_version"],
                shared=bool(body.get("shared")),
            )
        )
        if body.get("shared"):
            rbac.add(conn, object_type="address_scope", object_id=scope_id, project_id=project_id)
        return self.expand(conn, [self.row(conn, Caller.system(), scope_id)], caller)[0]

    def update(self, caller: Caller, scope_id: str, body: dict[str, Any], revision: int | None = None) -> Row:
        with self.db.write() as conn:
            row = self.row(conn, caller, scope_id)
            values = {k: body[k] for k in ("name",) if k in body}
            if "shared" in body:
                wildcard = rbac.has_entry(conn, "address_scope", scope_id, rbac.SHARED)
                if wildcard and not body["shared"]:
                    raise neutron(
                        "AddressScopeUpdateError", address_scope_id=scope_id,
                        reason="Shared address scope can't be unshared",
                    )  # fmt: skip
                if body["shared"] and not wildcard:
                    rbac.add(conn, object_type="address_scope", object_id=scope_id, project_id=row["project_id"])
                    values["shared"] = True
            if values:
                conn.execute(t.update().where(t.c.id == scope_id).values(**values))
            return self.expand(conn, [self.row(conn, Caller.system(), scope_id)], caller)[0]

    def delete(self, caller: Caller, scope_id: str, revision: int | None = None) -> None:
        with self.db.write() as conn:
            p = m.subnetpools
            if conn.execute(sa.select(p.c.id).where(p.c.address_scope_id == scope_id)).first() is not None:
                raise neutron("AddressScopeInUse", address_scope_id=scope_id)
            self.row(conn, caller, scope_id)
            rbac.remove(conn, "address_scope", scope_id)
            conn.execute(t.delete().where(t.c.id == scope_id))

    # -- subnet pools joining scopes ------------------------------------------------------------

    def check_pool(self, conn: Connection, caller: Caller, scope_id: str | None, pool_id: str | None,
                   prefixes: list[str], ip_version: int) -> None:  # fmt: skip
        """``_validate_address_scope_id``: the scope is there and usable, of the pool's IP
        version, re-scoping keeps each network's subnets in one scope, and no prefix of the
        pool overlaps another pool of the scope."""
        if not scope_id:
            return
        found = one(conn, sa.select(t).where(t.c.id == scope_id))
        if found is None:
            raise neutron("AddressScopeNotFound", address_scope_id=scope_id)
        try:
            self.row(conn, caller, scope_id)
        except ApiError:
            raise neutron(
                "IllegalSubnetPoolAssociationToAddressScope", subnetpool_id=pool_id, address_scope_id=scope_id
            ) from None
        if found["ip_version"] != ip_version:
            raise neutron("IllegalSubnetPoolIpVersionAssociationToAddressScope", subnetpool_id=pool_id,
                          address_scope_id=scope_id, ip_version=found["ip_version"])  # fmt: skip
        if pool_id:
            self._check_network_affinity(conn, pool_id, ip_version)
        p = m.subnetpools
        mine = [ipam.net(x) for x in prefixes]
        for other in many(conn, sa.select(p.c.id, p.c.prefixes).where(p.c.address_scope_id == scope_id)):
            if other["id"] == pool_id:
                continue
            if any(a.overlaps(ipam.net(b)) for a in mine for b in other["prefixes"]):
                raise neutron("AddressScopePrefixConflict")

    @staticmethod
    def _check_network_affinity(conn: Connection, pool_id: str, ip_version: int) -> None:
        s = m.subnets
        rescoped = many(conn, sa.select(s.c.id, s.c.network_id).where(s.c.subnetpool_id == pool_id))
        if not rescoped:
            return
        networks = {x["network_id"] for x in rescoped}
        all_ids = {
            x for (x,) in conn.execute(
                sa.select(s.c.id).where(s.c.network_id.in_(networks), s.c.ip_version == ip_version)
            )
        }  # fmt: skip
        if all_ids - {x["id"] for x in rescoped}:
            raise neutron("NetworkAddressScopeAffinityError")

    def check_pool_update_allowed(self, conn: Connection, caller: Caller, pool_id: str, scope_id: str) -> None:
        """A pool in a scope shared with (not owned by) the caller's project cannot change."""
        found = one(conn, sa.select(t.c.project_id).where(t.c.id == scope_id))
        if found is None:
            raise neutron("AddressScopeNotFound", address_scope_id=scope_id)
        if not caller.is_admin and found["project_id"] != caller.project_id:
            raise neutron(
                "IllegalSubnetPoolUpdate",
                reason=f"subnetpool {pool_id} cannot be updated when associated with shared address scope {scope_id}",
            )

    @staticmethod
    def scopes_of_networks(conn: Connection, network_ids: list[str]) -> dict[str, dict[int, str | None]]:
        """Each network's address scope per IP version (its subnets' pools' scopes)."""
        out: dict[str, dict[int, str | None]] = {i: {4: None, 6: None} for i in network_ids}
        if not network_ids:
            return out
        s, p = m.subnets, m.subnetpools
        rows = conn.execute(
            sa.select(s.c.network_id, p.c.ip_version, p.c.address_scope_id)
            .join(p, p.c.id == s.c.subnetpool_id)
            .where(s.c.network_id.in_(network_ids), p.c.address_scope_id.is_not(None))
        )
        for network_id, version, scope_id in rows:
            out[network_id][version] = scope_id
        return out
