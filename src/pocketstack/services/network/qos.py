"""Quality of Service (``qos`` and its companions): policies made of bandwidth limit,
DSCP marking and minimum bandwidth rules, bound to ports and networks, a default
policy per project (applied to its new networks), and the rule types the (simulated)
OVN driver supports.

Policies are shared through RBAC (``qos_policy``); a port or network may use its own
project's policies and those shared with it.  Rules are checked as upstream does:
one rule of a kind and direction per policy (QoSRulesConflict), a minimum below the
limit (QoSRuleParameterConflict), only what the ports using the policy support
(QosRuleNotSupported), and minimum-bandwidth changes refused while compute ports use
the policy (Placement-tracked, 501).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from pocketstack.core import ids
from pocketstack.core.errors import ApiError, NotImplementedYet
from pocketstack.core.timeutils import utcnow
from pocketstack.services.network import models as m
from pocketstack.services.network import rbac
from pocketstack.services.network.access import Caller
from pocketstack.services.network.errors import neutron
from pocketstack.services.network.resources import DB_INTEGER_MAX, DIRECTIONS, DSCP_MARKS
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

if TYPE_CHECKING:
    from pocketstack.services.network.service import NetworkService

BANDWIDTH_LIMIT, DSCP_MARKING, MINIMUM_BANDWIDTH = "bandwidth_limit", "dscp_marking", "minimum_bandwidth"
# what the OVN driver supports (neutron.services.qos.drivers.ovn.driver.SUPPORTED_RULES)
DRIVER = "ovn"
SUPPORTED_RULES: dict[str, dict[str, tuple[str, Any]]] = {
    BANDWIDTH_LIMIT: {
        "max_kbps": ("range", (0, DB_INTEGER_MAX)),
        "max_burst_kbps": ("range", (0, DB_INTEGER_MAX)),
        "direction": ("choices", DIRECTIONS),
    },
    DSCP_MARKING: {"dscp_mark": ("choices", DSCP_MARKS)},
    MINIMUM_BANDWIDTH: {"min_kbps": ("range", (0, DB_INTEGER_MAX)), "direction": ("choices", DIRECTIONS)},
}
# every rule type Neutron knows (``all_rules``)
ALL_RULE_TYPES = (BANDWIDTH_LIMIT, DSCP_MARKING, MINIMUM_BANDWIDTH, "minimum_packet_rate", "packet_rate_limit")
FIELDS = {
    BANDWIDTH_LIMIT: ("max_kbps", "max_burst_kbps", "direction"),
    DSCP_MARKING: ("dscp_mark",),
    MINIMUM_BANDWIDTH: ("min_kbps", "direction"),
}
OVN_VNIC_TYPES = ("normal",)

t = m.qos_policies
rt = m.qos_rules
d = m.qos_default_policies
pb = m.qos_port_bindings
nb = m.qos_network_bindings
LISTING = Listing(t, special={"is_default": lambda vals: _is_default_filter(vals)})
# prebuilt (port and network lists read these for every page)
_PORT_POLICIES = sa.select(pb.c.port_id, pb.c.policy_id).where(pb.c.port_id.in_(sa.bindparam("ids", expanding=True)))
_NETWORK_POLICIES = sa.select(nb.c.network_id, nb.c.policy_id).where(
    nb.c.network_id.in_(sa.bindparam("ids", expanding=True))
)


def _is_default_filter(values: list[Any]) -> ColumnElement[bool]:
    defaults = sa.select(d.c.qos_policy_id)
    return sa.or_(*[t.c.id.in_(defaults) if v else t.c.id.not_in(defaults) for v in dict.fromkeys(values)])


def visible_to(caller: Caller) -> ColumnElement[bool] | None:
    """Own policies and those shared with the caller's project or everyone (RBAC)."""
    if caller.is_admin:
        return None
    return sa.or_(t.c.project_id == caller.project_id, rbac.granted("qos_policy", t.c.id, caller.project_id))


def _bound_projects(conn: Connection, policy_id: str) -> set[str]:
    p, n = m.ports, m.networks
    ports = conn.execute(sa.select(p.c.project_id).join(pb, pb.c.port_id == p.c.id).where(pb.c.policy_id == policy_id))
    nets = conn.execute(
        sa.select(n.c.project_id).join(nb, nb.c.network_id == n.c.id).where(nb.c.policy_id == policy_id)
    )
    return {x for (x,) in ports} | {x for (x,) in nets}


rbac.register(rbac.Kind("qos_policy", t, (rbac.SHARED,), _bound_projects))


def rule_view_fields(rule: Row) -> dict[str, Any]:
    return {key: rule[key] for key in FIELDS[rule["type"]]}


class QosPolicies:
    def __init__(self, svc: NetworkService) -> None:
        self.svc = svc
        self.db = svc.db

    # -- policies: reading ----------------------------------------------------------------------

    def row(self, conn: Connection, caller: Caller, policy_id: str) -> Row:
        stmt = sa.select(t).where(t.c.id == policy_id)
        scope = visible_to(caller)
        if scope is not None:
            stmt = stmt.where(scope)
        found = one(conn, stmt)
        if found is None:
            raise neutron("QosPolicyNotFound", policy_id=policy_id)
        return found

    def expand(self, conn: Connection, rows: list[Row], caller: Caller | None = None) -> list[Row]:
        """Policies with their rules, tags, default flag and ``shared`` as the caller reads it."""
        if not rows:
            return rows
        policy_ids = [x["id"] for x in rows]
        rules: dict[str, list[Row]] = {i: [] for i in policy_ids}
        for rule in many(conn, sa.select(rt).where(rt.c.qos_policy_id.in_(policy_ids)).order_by(rt.c.created_at)):
            rules[rule["qos_policy_id"]].append(rule)
        defaults = {x for (x,) in conn.execute(sa.select(d.c.qos_policy_id).where(d.c.qos_policy_id.in_(policy_ids)))}
        shared = rbac.shared_with(conn, "qos_policy", policy_ids, caller.project_id if caller else None)
        tags = tags_for(conn, policy_ids)
        return [
            {**x, "rules": rules[x["id"]], "is_default": x["id"] in defaults, "shared": x["id"] in shared,
             "tags": tags[x["id"]]}
            for x in rows
        ]  # fmt: skip

    def get(self, caller: Caller, policy_id: str) -> Row:
        with self.db.read() as conn:
            return self.expand(conn, [self.row(conn, caller, policy_id)], caller)[0]

    def search(self, caller: Caller, **kw: Any) -> list[Row]:
        filters = dict(kw.pop("filters", None) or {})
        extra = list(kw.pop("extra", ()))
        if "shared" in filters:
            extra.append(rbac.shared_filter("qos_policy", t.c.id, caller, filters.pop("shared")))
        with self.db.read() as conn:
            marker = kw.pop("marker", None)
            marker_row = self.row(conn, caller, marker) if marker and kw.get("limit") else None
            rows = list_page(
                conn, LISTING, scope=visible_to(caller), filters=filters, extra=extra, marker=marker_row, **kw
            )
            return self.expand(conn, rows, caller)

    # -- policies: writing --------------------------------------------------------------------------

    def create(self, caller: Caller, body: dict[str, Any]) -> Row:
        with self.db.write() as conn:
            policy_id = ids.uuid_id()
            project_id = body["project_id"]
            conn.execute(
                t.insert().values(
                    id=policy_id,
                    project_id=project_id,
                    name=body.get("name") or "",
                    shared=False,
                    **new_standard(body.get("description")),
                )
            )
            if body.get("is_default"):
                self._set_default(conn, project_id, policy_id)
            if body.get("shared"):
                rbac.add(conn, object_type="qos_policy", object_id=policy_id, project_id=project_id)
                conn.execute(t.update().where(t.c.id == policy_id).values(shared=True))
            if body.get("tags"):
                set_tags(conn, "qos/policies", policy_id, body["tags"])
            return self.expand(conn, [self.row(conn, Caller.system(), policy_id)], caller)[0]

    def _set_default(self, conn: Connection, project_id: str, policy_id: str) -> None:
        current = conn.execute(sa.select(d.c.qos_policy_id).where(d.c.project_id == project_id)).scalar()
        if current == policy_id:
            return
        if current is not None:
            raise neutron("QoSPolicyDefaultAlreadyExists", project_id=project_id)
        conn.execute(d.insert().values(project_id=project_id, qos_policy_id=policy_id))

    def update(self, caller: Caller, policy_id: str, body: dict[str, Any], revision: int | None = None) -> Row:
        with self.db.write() as conn:
            row = self.row(conn, caller, policy_id)
            check_revision(row, revision)
            values = {k: body[k] for k in ("name", "description") if k in body}
            if "is_default" in body:
                if body["is_default"]:
                    self._set_default(conn, row["project_id"], policy_id)
                else:
                    conn.execute(d.delete().where(d.c.qos_policy_id == policy_id))
            if "shared" in body:
                self._set_shared(conn, row, bool(body["shared"]))
            bump(conn, t, policy_id, **values)
            return self.expand(conn, [self.row(conn, Caller.system(), policy_id)], caller)[0]

    def _set_shared(self, conn: Connection, row: Row, shared: bool) -> None:
        """``shared`` is the wildcard entry; unsharing is refused while projects relying on
        it use the policy (upstream's update_shared)."""
        entry = rbac.has_entry(conn, "qos_policy", row["id"], rbac.SHARED)
        if shared and not entry:
            rbac.add(conn, object_type="qos_policy", object_id=row["id"], project_id=row["project_id"])
        elif not shared and entry:
            bound = _bound_projects(conn, row["id"])
            others = {e["target_project"] for e in rbac.entries(conn, "qos_policy", row["id"], rbac.SHARED)}
            if not bound <= others - {rbac.WILDCARD}:
                raise neutron("RbacPolicyInUse", object_id=row["id"], details="project_id=*")
            rbac.remove(conn, "qos_policy", row["id"], action=rbac.SHARED, target=rbac.WILDCARD)
        conn.execute(t.update().where(t.c.id == row["id"]).values(shared=shared))

    def delete(self, caller: Caller, policy_id: str, revision: int | None = None) -> None:
        with self.db.write() as conn:
            check_revision(self.row(conn, caller, policy_id), revision)
            for table, column, kind in ((pb, pb.c.port_id, "port"), (nb, nb.c.network_id, "network")):
                user = conn.execute(sa.select(column).where(table.c.policy_id == policy_id)).scalar()
                if user is not None:
                    raise neutron("QosPolicyInUse", policy_id=policy_id, object_type=kind, object_id=user)
            conn.execute(d.delete().where(d.c.qos_policy_id == policy_id))
            conn.execute(rt.delete().where(rt.c.qos_policy_id == policy_id))
            rbac.remove(conn, "qos_policy", policy_id)
            delete_tags(conn, policy_id)
            conn.execute(t.delete().where(t.c.id == policy_id))

    # -- rules -----------------------------------------------------------------------------------

    def rule_row(self, conn: Connection, rule_type: str, rule_id: str, policy_id: str | None = None) -> Row:
        stmt = sa.select(rt).where(rt.c.id == rule_id, rt.c.type == rule_type)
        if policy_id is not None:
            stmt = stmt.where(rt.c.qos_policy_id == policy_id)
        found = one(conn, stmt)
        if found is None:
            raise neutron("QosRuleNotFound", rule_id=rule_id, policy_id=policy_id or "")
        return found

    def get_rule(self, caller: Caller, rule_type: str, rule_id: str, policy_id: str | None) -> tuple[Row, Row]:
        """A rule and its policy (QosRuleNotFound with an empty policy id when looked up alone)."""
        with self.db.read() as conn:
            if policy_id is None:
                policy_id = self.rule_row(conn, rule_type, rule_id)["qos_policy_id"]
            policy = self.row(conn, caller, str(policy_id))
            return self.rule_row(conn, rule_type, rule_id, policy["id"]), policy

    def policy_owner(self, caller: Caller, policy_id: str) -> Row:
        with self.db.read() as conn:
            return self.row(conn, caller, policy_id)

    def list_rules(self, caller: Caller, rule_type: str, policy_id: str, filters: dict[str, list[Any]],
                   **kw: Any) -> list[Row]:  # fmt: skip
        listing = Listing(rt, tagged=False)
        with self.db.read() as conn:
            self.row(conn, caller, policy_id)
            marker = kw.pop("marker", None)
            marker_row = self.rule_row(conn, rule_type, marker, policy_id) if marker and kw.get("limit") else None
            extra = [rt.c.qos_policy_id == policy_id, rt.c.type == rule_type]
            return list_page(conn, listing, scope=None, filters=filters, extra=extra, marker=marker_row, **kw)

    def create_rule(self, caller: Caller, rule_type: str, policy_id: str, body: dict[str, Any]) -> Row:
        with self.db.write() as conn:
            policy = self.row(conn, caller, policy_id)
            rules = self._rules(conn, policy_id)
            rule_id = ids.uuid_id()
            rule = {"id": rule_id, "qos_policy_id": policy_id, "type": rule_type,
                    **{k: body.get(k) for k in FIELDS[rule_type]}}  # fmt: skip
            self._check_conflicts(policy, rules, rule, body)
            conn.execute(rt.insert().values(**rule, created_at=utcnow()))
            self._check_users(conn, policy, [*rules, rule], rule_type)
            bump(conn, t, policy_id)
            return self.rule_row(conn, rule_type, rule_id)

    def update_rule(self, caller: Caller, rule_type: str, rule_id: str, policy_id: str | None,
                    body: dict[str, Any]) -> Row:  # fmt: skip
        with self.db.write() as conn:
            if policy_id is None:
                policy_id = str(self.rule_row(conn, rule_type, rule_id)["qos_policy_id"])
            policy = self.row(conn, caller, policy_id)
            current = self.rule_row(conn, rule_type, rule_id, policy_id)
            rules = self._rules(conn, policy_id)
            changed = {**current, **{k: body[k] for k in FIELDS[rule_type] if k in body}}
            self._check_conflicts(policy, rules, changed, body)
            values = {k: changed[k] for k in FIELDS[rule_type]}
            conn.execute(rt.update().where(rt.c.id == rule_id).values(**values))
            self._check_users(conn, policy, [changed if r["id"] == rule_id else r for r in rules], rule_type)
            bump(conn, t, policy_id)
            return self.rule_row(conn, rule_type, rule_id)

    def delete_rule(self, caller: Caller, rule_type: str, rule_id: str, policy_id: str | None) -> None:
        with self.db.write() as conn:
            if policy_id is None:
                policy_id = str(self.rule_row(conn, rule_type, rule_id)["qos_policy_id"])
            policy = self.row(conn, caller, policy_id)
            self.rule_row(conn, rule_type, rule_id, policy_id)
            conn.execute(rt.delete().where(rt.c.id == rule_id))
            if rule_type == MINIMUM_BANDWIDTH:
                self._reject_placement_change(conn, policy)
            bump(conn, t, policy_id)

    @staticmethod
    def _rules(conn: Connection, policy_id: str) -> list[Row]:
        return many(conn, sa.select(rt).where(rt.c.qos_policy_id == policy_id).order_by(rt.c.created_at))

    @staticmethod
    def _check_conflicts(policy: Row, rules: list[Row], rule: Row, body: dict[str, Any]) -> None:
        """Upstream's checker: minimum vs limit of the same direction, then duplicates
        (one rule per type and direction; one DSCP marking rule)."""
        direction = body.get("direction")
        for other in rules:
            if other["type"] == DSCP_MARKING or (direction and other["direction"] != direction):
                continue
            if other["type"] == MINIMUM_BANDWIDTH and "max_kbps" in body and other["min_kbps"] > body["max_kbps"]:
                raise neutron("QoSRuleParameterConflict", rule_value=body["max_kbps"], policy_id=policy["id"],
                              existing_rule=MINIMUM_BANDWIDTH, existing_value=other["min_kbps"])  # fmt: skip
            if other["type"] == BANDWIDTH_LIMIT and "min_kbps" in body and other["max_kbps"] < body["min_kbps"]:
                raise neutron("QoSRuleParameterConflict", rule_value=body["min_kbps"], policy_id=policy["id"],
                              existing_rule=BANDWIDTH_LIMIT, existing_value=other["max_kbps"])  # fmt: skip
        for other in rules:
            if other["id"] == rule["id"] or other["type"] != rule["type"]:
                continue
            if rule["type"] == DSCP_MARKING or other["direction"] == rule["direction"]:
                raise neutron("QoSRulesConflict", new_rule_type=rule["type"], rule_id=other["id"],
                              policy_id=policy["id"])  # fmt: skip

    def _check_users(self, conn: Connection, policy: Row, rules: list[Row], changed_type: str) -> None:
        """The ports using the policy must support its rules (OVN: normal vNICs only); a
        minimum bandwidth change is refused while compute ports use it (Placement)."""
        p = m.ports
        for port_id, vnic in conn.execute(
            sa.select(p.c.id, p.c.binding_vnic_type)
            .join(pb, pb.c.port_id == p.c.id)
            .where(pb.c.policy_id == policy["id"])
        ):
            if vnic not in OVN_VNIC_TYPES and rules:
                raise neutron("QosRuleNotSupported", rule_type=rules[0]["type"], port_id=port_id)
        if changed_type == MINIMUM_BANDWIDTH:
            self._reject_placement_change(conn, policy)

    @staticmethod
    def _reject_placement_change(conn: Connection, policy: Row) -> None:
        p = m.ports
        compute = conn.execute(
            sa.select(p.c.id)
            .join(pb, pb.c.port_id == p.c.id)
            .where(pb.c.policy_id == policy["id"], p.c.device_owner.startswith("compute:"))
        ).first()
        if compute is not None:
            raise NotImplementedYet(
                "Cannot update QoS policies/rules backed by resources tracked in Placement",
                kind="HTTPNotImplemented",
            )

    # -- rule types ---------------------------------------------------------------------------------

    @staticmethod
    def rule_types(all_supported: bool | None = None, all_rules: bool | None = None) -> list[str]:
        if all_rules:
            return list(ALL_RULE_TYPES)
        return list(SUPPORTED_RULES)

    @staticmethod
    def rule_type_details(rule_type: str) -> list[dict[str, Any]]:
        params = SUPPORTED_RULES.get(rule_type)
        if params is None:
            return []
        supported = []
        for name, (kind, spec) in params.items():
            values: Any = {"start": spec[0], "end": spec[1]} if kind == "range" else list(spec)
            supported.append({"parameter_name": name, "parameter_values": values, "parameter_type": kind})
        return [{"name": DRIVER, "supported_parameters": supported}]

    # -- bindings (ports and networks) ----------------------------------------------------------------

    def bind_network(self, conn: Connection, caller: Caller, network: Row, policy_id: Any, creating: bool) -> None:
        """A network's ``qos_policy_id``; a new network without one gets its project's default."""
        if creating and not policy_id:
            policy_id = conn.execute(
                sa.select(d.c.qos_policy_id).where(d.c.project_id == network["project_id"])
            ).scalar()
        if not creating:
            self._release(conn, caller, nb, nb.c.network_id, network["id"])
        if policy_id:
            self._usable(conn, caller, str(policy_id))
            conn.execute(nb.insert().values(network_id=network["id"], policy_id=policy_id))

    def bind_port(self, conn: Connection, caller: Caller, port: Row, policy_id: Any, creating: bool) -> None:
        if not creating:
            self._release(conn, caller, pb, pb.c.port_id, port["id"])
        if policy_id:
            policy = self._usable(conn, caller, str(policy_id))
            rules = self._rules(conn, policy["id"])
            if rules and port["binding_vnic_type"] not in OVN_VNIC_TYPES:
                raise neutron("QosRuleNotSupported", rule_type=rules[0]["type"], port_id=port["id"])
            conn.execute(pb.insert().values(port_id=port["id"], policy_id=policy["id"]))

    def _usable(self, conn: Connection, caller: Caller, policy_id: str) -> Row:
        """The policy, if the caller may use it (its own, or shared with it): QosPolicyNotFound."""
        return self.row(conn, caller, policy_id)

    def _release(self, conn: Connection, caller: Caller, table: sa.Table, column: Any, object_id: str) -> None:
        old = conn.execute(sa.select(table.c.policy_id).where(column == object_id)).scalar()
        if old is None:
            return
        try:
            self.row(conn, caller, old)
        except ApiError:
            raise neutron("PolicyRemoveAuthorizationError", policy_id=old) from None
        conn.execute(table.delete().where(column == object_id))

    @staticmethod
    def port_policies(conn: Connection, port_ids: Iterable[str]) -> dict[str, str]:
        wanted = list(port_ids)
        if not wanted:
            return {}
        return dict(conn.execute(_PORT_POLICIES, {"ids": wanted}).all())

    @staticmethod
    def network_policies(conn: Connection, network_ids: Iterable[str]) -> dict[str, str]:
        wanted = list(network_ids)
        if not wanted:
            return {}
        return dict(conn.execute(_NETWORK_POLICIES, {"ids": wanted}).all())
