"""RBAC policies (``rbac-policies``): an object's owner shares it with one project, or
with every project (``*``).

* Networks: ``access_as_shared`` (the target may see it and create ports on it; its
  ``shared`` reads true for the target) and ``access_as_external`` (the target sees
  an external network and may set router gateways on it).  ``shared: true`` is the
  wildcard ``access_as_shared`` entry and ``router:external: true`` the wildcard
  ``access_as_external`` one, created and removed with the attributes.
* Security groups, subnet pools, address scopes, QoS policies: ``access_as_shared``.

An entry the target depends on (its ports on a shared network, its routers on an
external one, the objects using a shared group, pool, scope or policy) cannot be
removed or retargeted: ``RbacPolicyInUse``.  Every check and write runs in one write
transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from pocketstack.core import ids
from pocketstack.core.errors import ApiError
from pocketstack.services.network import models as m
from pocketstack.services.network import quotas
from pocketstack.services.network.access import Caller
from pocketstack.services.network.errors import invalid_input, neutron
from pocketstack.services.network.store import Listing, Row, list_page, many, one

if TYPE_CHECKING:
    from pocketstack.services.network.service import NetworkService

SHARED = "access_as_shared"
EXTERNAL = "access_as_external"
WILDCARD = "*"
GW_OWNER = "network:router_gateway"

r = m.rbac_policies
LISTING = Listing(r, columns={"target_tenant": r.c.target_project}, tagged=False)
_SHARED_WITH = sa.select(r.c.object_id).where(
    r.c.object_type == sa.bindparam("type"),
    r.c.action == SHARED,
    r.c.target_project.in_(sa.bindparam("targets", expanding=True)),
    r.c.object_id.in_(sa.bindparam("ids", expanding=True)),
)


# -- queries other managers use ----------------------------------------------------------------


def granted(object_type: str, id_col: ColumnElement[Any], project_id: str | None,
            actions: Sequence[str] = (SHARED,)) -> ColumnElement[bool]:  # fmt: skip
    """``id_col`` is an object shared with ``project_id`` (or with everyone) by one of ``actions``."""
    targets = [WILDCARD, project_id] if project_id else [WILDCARD]
    return id_col.in_(
        sa.select(r.c.object_id).where(
            r.c.object_type == object_type, r.c.action.in_(list(actions)), r.c.target_project.in_(targets)
        )
    )


def shared_with(conn: Connection, object_type: str, object_ids: Iterable[str], project_id: str | None) -> set[str]:
    """Which of ``object_ids`` are shared (``access_as_shared``) with ``project_id`` or everyone:
    the objects whose ``shared`` reads true for that project."""
    wanted = list(dict.fromkeys(object_ids))
    if not wanted:
        return set()
    targets = [WILDCARD, project_id] if project_id else [WILDCARD]
    rows = conn.execute(_SHARED_WITH, {"type": object_type, "targets": targets, "ids": wanted})
    return {oid for (oid,) in rows}


def shared_filter(object_type: str, id_col: ColumnElement[Any], caller: Caller,
                  values: list[Any]) -> ColumnElement[bool]:  # fmt: skip
    """The ``?shared=`` filter, as the caller reads ``shared``."""
    clause = granted(object_type, id_col, caller.project_id)
    clauses = [clause if value else sa.not_(clause) for value in dict.fromkeys(bool(x) for x in values)]
    return sa.or_(*clauses)


def entries(conn: Connection, object_type: str, object_id: str, action: str | None = None) -> list[Row]:
    stmt = sa.select(r).where(r.c.object_type == object_type, r.c.object_id == object_id)
    if action is not None:
        stmt = stmt.where(r.c.action == action)
    return many(conn, stmt)


def has_entry(conn: Connection, object_type: str, object_id: str, action: str, target: str = WILDCARD) -> bool:
    stmt = sa.select(r.c.id).where(
        r.c.object_type == object_type, r.c.object_id == object_id, r.c.action == action, r.c.target_project == target
    )
    return conn.execute(stmt).first() is not None


def add(conn: Connection, *, object_type: str, object_id: str, project_id: str, action: str = SHARED,
        target: str = WILDCARD) -> str:  # fmt: skip
    if has_entry(conn, object_type, object_id, action, target):
        raise neutron("DuplicateRbacPolicy")
    policy_id = ids.uuid_id()
    conn.execute(
        r.insert().values(
            id=policy_id,
            project_id=project_id,
            object_type=object_type,
            object_id=object_id,
            target_project=target,
            action=action,
        )
    )
    return policy_id


def remove(conn: Connection, object_type: str, object_id: str, *, action: str | None = None,
           target: str | None = None) -> None:  # fmt: skip
    stmt = r.delete().where(r.c.object_type == object_type, r.c.object_id == object_id)
    if action is not None:
        stmt = stmt.where(r.c.action == action)
    if target is not None:
        stmt = stmt.where(r.c.target_project == target)
    conn.execute(stmt)


# -- object types --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """An object type RBAC policies may name."""

    name: str
    table: sa.Table
    actions: tuple[str, ...]
    # the projects whose resources depend on the object (upstream's get_bound_project_ids)
    bound_projects: Callable[[Connection, str], set[str]]
    # the API's word for the object in ownership errors ("networks" for networks)
    noun: str = "objects"


def _projects(conn: Connection, stmt: sa.Select[Any]) -> set[str]:
    return {p for (p,) in conn.execute(stmt) if p is not None}


def _group_users(conn: Connection, group_id: str) -> set[str]:
    p, ps = m.ports, m.port_security_groups
    return _projects(
        conn, sa.select(p.c.project_id).join(ps, ps.c.port_id == p.c.id).where(ps.c.security_group_id == group_id)
    )


def _pool_users(conn: Connection, pool_id: str) -> set[str]:
    s = m.subnets
    return _projects(conn, sa.select(s.c.project_id).where(s.c.subnetpool_id == pool_id))


KINDS: dict[str, Kind] = {
    "network": Kind("network", m.networks, (SHARED, EXTERNAL), lambda _c, _i: set(), noun="networks"),
    "security_group": Kind("security_group", m.security_groups, (SHARED,), _group_users),
    "subnetpool": Kind("subnetpool", m.subnetpools, (SHARED,), _pool_users),
}


def register(kind: Kind) -> None:
    KINDS[kind.name] = kind


def object_type(value: Any) -> str:
    """``convert_valid_object_type``: a known object type, normalised."""
    normalized = value.strip().lower() if isinstance(value, str) else None
    if normalized in KINDS:
        return str(normalized)
    raise invalid_input(f"'{value}' is not a valid RBAC object type")


def target_project(value: Any, _arg: Any = None) -> str | None:
    """``valid_target_project``: a project id (UUID-like) or ``*``; upstream raises."""
    if value == WILDCARD:
        return None
    text = value.replace("-", "") if isinstance(value, str) else ""
    if len(text) == 32 and all(ch in "0123456789abcdefABCDEF" for ch in text):
        return None
    raise invalid_input(f"'{value}' is not a valid target project ID; expected a UUID or '*'")


# -- the manager ---------------------------------------------------------------------------------


def visible_to(caller: Caller) -> ColumnElement[bool] | None:
    return None if caller.is_admin else r.c.project_id == caller.project_id


class RbacPolicies:
    def __init__(self, svc: NetworkService) -> None:
        self.svc = svc
        self.db = svc.db

    # -- reading ---------------------------------------------------------------------------------

    def row(self, conn: Connection, caller: Caller, policy_id: str) -> Row:
        found = one(conn, sa.select(r).where(r.c.id == policy_id))
        if found is None:
            raise neutron("RbacPolicyNotFound", id=policy_id, object_type="unknown")
        if not caller.is_admin and found["project_id"] != caller.project_id:
            raise neutron("RbacPolicyNotFound", id=policy_id, object_type=found["object_type"])
        return found

    def get(self, caller: Caller, policy_id: str) -> Row:
        with self.db.read() as conn:
            return self.row(conn, caller, policy_id)

    def search(self, caller: Caller, **kw: Any) -> list[Row]:
        # rbac-policies are not paginated (allow_pagination=False upstream)
        kw.pop("marker", None)
        kw.pop("limit", None)
        kw.pop("page_reverse", None)
        with self.db.read() as conn:
            return list_page(conn, LISTING, scope=visible_to(caller), **kw)

    # -- creating --------------------------------------------------------------------------------

    def create_many(self, caller: Caller, bodies: list[dict[str, Any]]) -> list[Row]:
        """Create policies (one, or a bulk request) in one transaction: all or none."""
        with self.db.write() as conn:
            created = [self.create_in(conn, caller, body) for body in bodies]
            return [self.row(conn, Caller.system(), i) for i in created]

    def create_in(self, conn: Connection, caller: Caller, body: dict[str, Any]) -> str:
        kind = KINDS[body["object_type"]]
        action, target, object_id = body["action"], body["target_tenant"], body["object_id"]
        quotas.check(conn, body["project_id"], {"rbac_policy": 1})
        obj = self._owned_object(conn, caller, kind, object_id)
        if kind.name == "network" and action == EXTERNAL and not obj["external"]:
            # sharing a network as external makes it external (for the named projects only)
            self.svc.networks.set_external_flag(conn, object_id, True)
        if kind.name == "subnetpool":
            self._check_scope_access(conn, obj, target)
        if action not in kind.actions:
            raise neutron(
                "InvalidActionForType", action=action, object_type=kind.name, valid_actions=repr(kind.actions)
            )
        policy_id = add(
            conn, object_type=kind.name, object_id=object_id, project_id=body["project_id"], action=action,
            target=target,
        )  # fmt: skip
        self._after_change(conn, kind, obj)
        return policy_id

    def _owned_object(self, conn: Connection, caller: Caller, kind: Kind, object_id: str) -> Row:
        """The object a policy names; only its owner (or an admin) may share it.  Upstream's
        callbacks turn every failure here into InvalidInput."""
        t = kind.table
        if kind.name == "network":
            try:
                obj = self.svc.networks.row(conn, caller, object_id)
            except ApiError as exc:  # NetworkNotFound, wrapped as upstream's callback failure
                raise invalid_input(exc.message.rstrip(".")) from None
        else:
            found = one(conn, sa.select(t).where(t.c.id == object_id))
            if found is None:
                raise invalid_input(f"{kind.name} {object_id} could not be found")
            obj = found
        if not caller.is_admin and obj["project_id"] != caller.project_id:
            raise invalid_input(f"Only admins can manipulate policies on {kind.noun} they do not own")
        return obj

    def _check_scope_access(self, conn: Connection, pool: Row, target: str) -> None:
        scope_id = pool.get("address_scope_id")
        if not scope_id:
            return
        if not (
            has_entry(conn, "address_scope", scope_id, SHARED, WILDCARD)
            or has_entry(conn, "address_scope", scope_id, SHARED, target)
        ):
            raise invalid_input(
                f"Failed to create RBAC policy on object {pool['id']} because target project doesn't have "
                "access to associated address scope"
            )

    # -- updating and deleting ---------------------------------------------------------------------

    def update(self, caller: Caller, policy_id: str, body: dict[str, Any], revision: int | None = None) -> Row:
        with self.db.write() as conn:
            row = self.row(conn, caller, policy_id)
            kind = KINDS[row["object_type"]]
            new_target = str(body.get("target_tenant", row["target_project"]))
            if not caller.is_admin:
                self._owned_object(conn, caller, kind, row["object_id"])
            if new_target != row["target_project"]:
                self._check_release(conn, kind, row, new_target=new_target)
                if has_entry(conn, kind.name, row["object_id"], row["action"], new_target):
                    raise neutron("DuplicateRbacPolicy")
                conn.execute(r.update().where(r.c.id == policy_id).values(target_project=new_target))
                obj = one(conn, sa.select(kind.table).where(kind.table.c.id == row["object_id"]))
                if obj is not None:
                    self._after_change(conn, kind, obj)
            return self.row(conn, Caller.system(), policy_id)

    def delete(self, caller: Caller, policy_id: str, revision: int | None = None) -> None:
        with self.db.write() as conn:
            row = self.row(conn, caller, policy_id)
            kind = KINDS[row["object_type"]]
            self._check_release(conn, kind, row)
            conn.execute(r.delete().where(r.c.id == policy_id))
            obj = one(conn, sa.select(kind.table).where(kind.table.c.id == row["object_id"]))
            if obj is None:
                return
            if (
                kind.name == "network"
                and row["action"] == EXTERNAL
                and not entries(conn, "network", obj["id"], EXTERNAL)
            ):
                # the last external entry gone: the network is no longer external
                self.svc.networks.set_external_flag(conn, obj["id"], False)
            self._after_change(conn, kind, obj)

    def _after_change(self, conn: Connection, kind: Kind, obj: Row) -> None:
        """Keep the owner's denormalised wildcard flag (``shared`` column) in step."""
        if "shared" in kind.table.c:
            wildcard = has_entry(conn, kind.name, obj["id"], SHARED, WILDCARD)
            if bool(obj.get("shared")) != wildcard:
                conn.execute(kind.table.update().where(kind.table.c.id == obj["id"]).values(shared=wildcard))

    # -- in-use checks ---------------------------------------------------------------------------------

    def _check_release(self, conn: Connection, kind: Kind, policy: Row, new_target: str | None = None) -> None:
        """Refuse removing (or retargeting) an entry a project's resources depend on."""
        obj = one(conn, sa.select(kind.table).where(kind.table.c.id == policy["object_id"]))
        if obj is None:
            return
        target = policy["target_project"]
        if policy["action"] == EXTERNAL:
            self._check_external_release(conn, obj, target, new_target)
            return
        if policy["action"] != SHARED or target == obj["project_id"]:
            return
        if kind.name == "network":
            self._check_network_ports(conn, obj, target)
            return
        if new_target == WILDCARD:
            return
        bound = kind.bound_projects(conn, obj["id"])
        if target != WILDCARD:
            if has_entry(conn, kind.name, obj["id"], SHARED, WILDCARD):
                return
            if target in bound:
                raise neutron("RbacPolicyInUse", object_id=obj["id"], details=f"project_id={target}")
            return
        others = {e["target_project"] for e in entries(conn, kind.name, obj["id"], SHARED)} - {WILDCARD}
        if not bound <= others:
            raise neutron("RbacPolicyInUse", object_id=obj["id"], details=f"project_id={target}")

    def _check_network_ports(self, conn: Connection, net: Row, target: str) -> None:
        """``ensure_no_project_ports_on_network``: the projects losing access have no ports there."""
        p = m.ports
        stmt = sa.select(p.c.id).where(p.c.network_id == net["id"])
        if target == WILDCARD:
            allowed = {e["target_project"] for e in entries(conn, "network", net["id"], SHARED)} - {WILDCARD}
            allowed.add(net["project_id"])
            stmt = stmt.where(p.c.project_id.not_in(sorted(allowed)), p.c.project_id != "")
        else:
            if has_entry(conn, "network", net["id"], SHARED, WILDCARD):
                return
            stmt = stmt.where(p.c.project_id == target)
        if conn.execute(stmt).first() is not None:
            raise neutron(
                "RbacPolicyInUse",
                object_id=net["id"],
                details=f"Unable to reconfigure sharing settings for network {net['id']}. "
                "Multiple projects are using it.",
            )

    def _check_external_release(self, conn: Connection, net: Row, target: str, new_target: str | None) -> None:
        """Routers of the projects losing an external network keep their gateways on it."""
        rt, p = m.routers, m.ports
        gateways = sa.select(p.c.id).where(p.c.network_id == net["id"], p.c.device_owner == GW_OWNER)
        routers = sa.select(rt.c.id).where(rt.c.gw_port_id.in_(gateways))
        if target != WILDCARD:
            if has_entry(conn, "network", net["id"], EXTERNAL, WILDCARD):
                return
            depends = conn.execute(routers.where(rt.c.project_id == target)).first() is not None
        else:
            if net.get("is_default"):
                raise neutron(
                    "RbacPolicyInUse",
                    object_id=net["id"],
                    details="Default external networks must be shared to everyone.",
                )
            keep = {e["target_project"] for e in entries(conn, "network", net["id"], EXTERNAL)} - {WILDCARD}
            if new_target:
                keep.add(new_target)
            depends = conn.execute(routers.where(rt.c.project_id.not_in(sorted(keep)))).first() is not None
        if depends:
            raise neutron(
                "RbacPolicyInUse",
                object_id=net["id"],
                details="There are routers attached to this network that depend on this policy for access.",
            )
