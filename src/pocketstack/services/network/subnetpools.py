"""Subnet pools: prefixes subnets are carved from (the ``subnet_allocation`` extension)."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from pocketstack.core import ids
from pocketstack.services.network import ipam, quotas, rbac
from pocketstack.services.network import models as m
from pocketstack.services.network.access import Caller
from pocketstack.services.network.errors import invalid_input, neutron
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

# per version: longest prefix, default shortest prefix, quota unit (addresses counted in /32 or /64)
_VERSION = {4: (32, 8, 32), 6: (128, 64, 64)}

t = m.subnetpools
LISTING = Listing(t)


def visible_to(caller: Caller) -> ColumnElement[bool] | None:
    """Own pools and the pools shared with the caller's project or everyone (RBAC)."""
    if caller.is_admin:
        return None
    return sa.or_(t.c.project_id == caller.project_id, rbac.granted("subnetpool", t.c.id, caller.project_id))


def compact(prefixes: list[str]) -> list[str]:
    nets = [ipam.net(p) for p in prefixes]
    versions = {x.version for x in nets}
    if len(versions) > 1:
        raise neutron("PrefixVersionMismatch")
    merged = ipaddress.collapse_addresses(nets)  # type: ignore[type-var]
    return [str(x) for x in merged]


class SubnetPools:
    def __init__(self, svc: NetworkService) -> None:
        self.svc = svc
        self.db = svc.db

    def row(self, conn: Connection, caller: Caller, pool_id: str) -> Row:
        stmt = sa.select(t).where(t.c.id == pool_id)
        scope = visible_to(caller)
        if scope is not None:
            stmt = stmt.where(scope)
        row = one(conn, stmt)
        if row is None:
            raise neutron("SubnetPoolNotFound", subnetpool_id=pool_id)
        return row

    def expand(self, conn: Connection, rows: list[Row], caller: Caller | None = None) -> list[Row]:
        """Rows with tags; ``shared`` as the caller reads it."""
        tags = tags_for(conn, [r["id"] for r in rows])
        shared = rbac.shared_with(conn, "subnetpool", [r["id"] for r in rows], caller.project_id if caller else None)
        return [{**r, "tags": tags[r["id"]], "shared": r["id"] in shared} for r in rows]

    def get(self, caller: Caller, pool_id: str) -> Row:
        with self.db.read() as conn:
            return self.expand(conn, [self.row(conn, caller, pool_id)], caller)[0]

    def search(self, caller: Caller, **kw: Any) -> list[Row]:
        filters = dict(kw.pop("filters", None) or {})
        extra = list(kw.pop("extra", ()))
        if "shared" in filters:
            extra.append(rbac.shared_filter("subnetpool", t.c.id, caller, filters.pop("shared")))
        with self.db.read() as conn:
            marker = kw.pop("marker", None)
            marker_row = self.row(conn, caller, marker) if marker and kw.get("limit") else None
            rows = list_page(
                conn, LISTING, scope=visible_to(caller), filters=filters, extra=extra, marker=marker_row, **kw
            )
            return self.expand(conn, rows, caller)

    def default_for(self, conn: Connection, caller: Caller, version: int) -> str | None:
        stmt = sa.select(t.c.id).where(t.c.is_default.is_(True), t.c.ip_version == version)
        scope = visible_to(caller)
        if scope is not None:
            stmt = stmt.where(scope)
        return conn.execute(stmt).scalar()

    # -- writing --------------------------------------------------------------------------------

    @staticmethod
    def _bounds(body: dict[str, Any], version: int, current: Row | None = None) -> tuple[int, int, int]:
        top, default_min, _unit = _VERSION[version]

        def pick(key: str, fallback: int) -> int:
            value: Any = body.get(key)
            if is_set(value):
                return int(value)
            return int(current[key]) if current is not None else fallback

        low = pick("min_prefixlen", default_min)
        high = pick("max_prefixlen", top)
        default = pick("default_prefixlen", low)
        if low > high:
            raise neutron(
                "IllegalSubnetPoolPrefixBounds",
                prefix_type="min_prefixlen",
                prefixlen=low,
                base_prefix_type="max_prefixlen",
                base_prefixlen=high,
            )
        if high > top:
            raise neutron(
                "IllegalSubnetPoolPrefixBounds",
                prefix_type="max_prefixlen",
                prefixlen=high,
                base_prefix_type="ip_version_max",
                base_prefixlen=top,
            )
        for other, name in ((low, "min_prefixlen"), (high, "max_prefixlen")):
            if (name == "min_prefixlen" and default < other) or (name == "max_prefixlen" and default > other):
                raise neutron(
                    "IllegalSubnetPoolPrefixBounds",
                    prefix_type="default_prefixlen",
                    prefixlen=default,
                    base_prefix_type=name,
                    base_prefixlen=other,
                )
        return low, high, default

    def _check_default(self, conn: Connection, version: int, except_id: str | None = None) -> None:
        stmt = sa.select(t.c.id).where(t.c.is_default.is_(True), t.c.ip_version == version)
        if except_id:
            stmt = stmt.where(t.c.id != except_id)
        if conn.execute(stmt).first() is not None:
            raise invalid_input(
                "A default subnetpool for this IP family has already been set. Only one default may exist per IP family"
            )

    def create_many(self, caller: Caller, bodies: list[dict[str, Any]]) -> list[Row]:
        """Create pools (one, or a bulk request) in one transaction: all or none."""
        with self.db.write() as conn:
            created = [self.create_in(conn, body, caller) for body in bodies]
            return self.expand(conn, [self.row(conn, Caller.system(), i) for i in created], caller)

    def create_in(self, conn: Connection, body: dict[str, Any], caller: Caller | None = None) -> str:
        if not body["prefixes"]:
            raise neutron("EmptySubnetPoolPrefixList")
        prefixes = compact(body["prefixes"])
        version = ipam.net(prefixes[0]).version
        low, high, default = self._bounds(body, version)
        if body.get("is_default"):
            self._check_default(conn, version)
        pool_id = ids.uuid_id()
        scope_id = body.get("address_scope_id") if is_set(body.get("address_scope_id")) else None
        self.svc.address_scopes.check_pool(conn, caller or Caller.system(), scope_id, pool_id, prefixes, version)
        quotas.check(conn, body["project_id"], {"subnetpool": 1})
        quota = body.get("default_quota")
        conn.execute(
            t.insert().values(
                id=pool_id,
                project_id=body["project_id"],
                name=body["name"],
                ip_version=version,
                default_prefixlen=default,
                min_prefixlen=low,
                max_prefixlen=high,
                shared=bool(body.get("shared")),
                is_default=bool(body.get("is_default")),
                default_quota=quota if is_set(quota) else None,
                address_scope_id=scope_id,
                prefixes=prefixes,
                **new_standard(body.get("description")),
            )
        )
        if body.get("shared"):
            rbac.add(conn, object_type="subnetpool", object_id=pool_id, project_id=body["project_id"])
        return pool_id

    def update(self, caller: Caller, pool_id: str, body: dict[str, Any], revision: int | None = None) -> Row:
        with self.db.write() as conn:
            row = self.row(conn, caller, pool_id)
            check_revision(row, revision)
            values: dict[str, Any] = {k: body[k] for k in ("name", "description") if k in body}
            if "prefixes" in body:
                new = compact(body["prefixes"] + row["prefixes"]) if body["prefixes"] else []
                old = {str(x) for x in (ipam.net(p) for p in row["prefixes"])}
                if not new or ipam.net(new[0]).version != row["ip_version"]:
                    raise neutron("PrefixVersionMismatch")
                covered = ipaddress.collapse_addresses([ipam.net(p) for p in body["prefixes"]])  # type: ignore[type-var]
                if not all(any(ipam.net(o).subnet_of(c) for c in covered) for o in old):  # type: ignore[arg-type]
                    raise neutron(
                        "IllegalSubnetPoolPrefixUpdate", msg="Existing prefixes must be a subset of the new prefixes"
                    )
                values["prefixes"] = new
            if any(k in body for k in ("min_prefixlen", "max_prefixlen", "default_prefixlen")):
                low, high, default = self._bounds(body, row["ip_version"], current=row)
                values.update(min_prefixlen=low, max_prefixlen=high, default_prefixlen=default)
            if "default_quota" in body:
                values["default_quota"] = body["default_quota"] if is_set(body["default_quota"]) else None
            if "is_default" in body:
                if body["is_default"]:
                    self._check_default(conn, row["ip_version"], except_id=pool_id)
                values["is_default"] = body["is_default"]
            if row["address_scope_id"]:
                self.svc.address_scopes.check_pool_update_allowed(conn, caller, pool_id, row["address_scope_id"])
            scope_id = body["address_scope_id"] if "address_scope_id" in body else row["address_scope_id"]
            if is_set(scope_id):
                prefixes: list[str] = list(values.get("prefixes") or row["prefixes"])
                self.svc.address_scopes.check_pool(conn, caller, scope_id, pool_id, prefixes, row["ip_version"])
            if "address_scope_id" in body:
                values["address_scope_id"] = body["address_scope_id"] if is_set(body["address_scope_id"]) else None
            bump(conn, t, pool_id, **values)
            return self.expand(conn, [self.row(conn, Caller.system(), pool_id)], caller)[0]

    def delete(self, caller: Caller, pool_id: str, revision: int | None = None) -> None:
        with self.db.write() as conn:
            check_revision(self.row(conn, caller, pool_id), revision)
            s = m.subnets
            if conn.execute(sa.select(s.c.id).where(s.c.subnetpool_id == pool_id)).first() is not None:
                raise neutron("SubnetPoolInUse", subnet_pool_id=pool_id, reason="Subnet pool has existing allocations")
            delete_tags(conn, pool_id)
            rbac.remove(conn, "subnetpool", pool_id)
            conn.execute(t.delete().where(t.c.id == pool_id))

    def change_prefixes(self, caller: Caller, pool_id: str, prefixes: list[str], add: bool) -> Row:
        """``add_prefixes`` / ``remove_prefixes``: merge in, or carve out unless a subnet uses them."""
        with self.db.write() as conn:
            row = self.row(conn, caller, pool_id)
            if not prefixes:
                return row
            if add:
                merged = compact([*row["prefixes"], *prefixes])
                if ipam.net(merged[0]).version != row["ip_version"]:
                    raise neutron("PrefixVersionMismatch")
                if row["address_scope_id"]:
                    self.svc.address_scopes.check_pool(
                        conn, Caller.system(), row["address_scope_id"], pool_id, merged, row["ip_version"]
                    )
            else:
                removal = [ipam.net(x) for x in prefixes]
                s = m.subnets
                used = [ipam.net(c) for (c,) in conn.execute(sa.select(s.c.cidr).where(s.c.subnetpool_id == pool_id))]
                if any(u.overlaps(x) for u in used for x in removal):
                    message = "One or more the prefixes to be removed is in use by a subnet."
                    raise neutron("IllegalSubnetPoolPrefixUpdate", msg=message)
                remaining: list[Any] = [ipam.net(p) for p in row["prefixes"]]
                for cut in removal:
                    nxt: list[Any] = []
                    for prefix in remaining:
                        if prefix.version != cut.version or not prefix.overlaps(cut):
                            nxt.append(prefix)
                        elif cut.supernet_of(prefix):
                            continue
                        else:
                            nxt.extend(prefix.address_exclude(cut))
                    remaining = nxt
                merged = compact([str(x) for x in remaining]) if remaining else []
            bump(conn, t, pool_id, prefixes=merged)
            return self.row(conn, Caller.system(), pool_id)

    # -- allocation ---------------------------------------------------------------------------------

    def allocate(self, conn: Connection, pool: Row, s: dict[str, Any]) -> str:
        """The CIDR a subnet gets from ``pool`` (``s['cidr']`` when given, else the first free
        prefix of the requested or default length)."""
        wanted: Any = s.get("cidr")
        prefixlen: Any = ipam.net(wanted).prefixlen if is_set(wanted) else s.get("prefixlen")
        prefixlen = int(prefixlen) if is_set(prefixlen) else int(pool["default_prefixlen"])
        if prefixlen > pool["max_prefixlen"]:
            raise neutron("MaxPrefixSubnetAllocationError", prefixlen=prefixlen, max_prefixlen=pool["max_prefixlen"])
        if prefixlen < pool["min_prefixlen"]:
            raise neutron("MinPrefixSubnetAllocationError", prefixlen=prefixlen, min_prefixlen=pool["min_prefixlen"])
        self._check_project_quota(conn, pool, s["project_id"], prefixlen)
        s_table = m.subnets
        taken = [
            ipam.net(c) for (c,) in conn.execute(sa.select(s_table.c.cidr).where(s_table.c.subnetpool_id == pool["id"]))
        ]
        if is_set(wanted):
            target = ipam.net(wanted)
            inside = any(target.subnet_of(ipam.net(p)) for p in pool["prefixes"])  # type: ignore[arg-type]
            if inside and not any(target.overlaps(x) for x in taken):
                return str(target)
            raise neutron(
                "SubnetAllocationError", reason="Cannot allocate requested subnet from the available set of prefixes"
            )
        for prefix in pool["prefixes"]:
            base = ipam.net(prefix)
            if base.prefixlen > prefixlen:
                continue
            for candidate in base.subnets(new_prefix=prefixlen):
                if not any(candidate.overlaps(x) for x in taken):
                    return str(candidate)
        raise neutron("SubnetAllocationError", reason=f"Insufficient prefix space to allocate subnet size /{prefixlen}")

    @staticmethod
    def _check_project_quota(conn: Connection, pool: Row, project_id: str, prefixlen: int) -> None:
        quota = pool["default_quota"]
        if not quota:
            return
        unit = _VERSION[pool["ip_version"]][2]
        s = m.subnets
        used = sum(
            2 ** (unit - ipam.net(c).prefixlen)
            for (c,) in conn.execute(
                sa.select(s.c.cidr).where(s.c.subnetpool_id == pool["id"], s.c.project_id == project_id)
            )
        )
        if used + 2 ** (unit - prefixlen) > quota:
            raise neutron("SubnetPoolQuotaExceeded")
