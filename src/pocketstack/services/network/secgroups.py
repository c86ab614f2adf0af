"""Security groups and their rules.

Every project gets a ``default`` group the first time it needs one (listing groups
or rules, creating a port, network or group), with upstream's template rules:
egress IPv4/IPv6 anywhere, ingress IPv4/IPv6 from members of the group itself.
Other groups start with the two egress rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from pocketstack.core import ids
from pocketstack.services.network import ipam, quotas, rbac
from pocketstack.services.network import models as m
from pocketstack.services.network.access import Caller
from pocketstack.services.network.errors import neutron
from pocketstack.services.network.resources import PROTOCOLS
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

if TYPE_CHECKING:
    from pocketstack.services.network.service import NetworkService

DEFAULT_DESCRIPTION = "Default security group"
# (direction, ethertype, remote is the group itself, in default groups, in other groups)
TEMPLATE = (
    ("egress", "IPv4", False, True, True),
    ("egress", "IPv6", False, True, True),
    ("ingress", "IPv4", True, True, False),
    ("ingress", "IPv6", True, True, False),
)
PORT_PROTOCOLS = ("dccp", "sctp", "tcp", "udp", "udplite")
PORT_PROTOCOL_NUMBERS = (33, 132, 6, 17, 136)
IPV6_ONLY = ("ipv6-encap", "ipv6-frag", "ipv6-icmp", "icmpv6", "ipv6-nonxt", "ipv6-opts", "ipv6-route",
             "41", "44", "58", "59", "60", "43")  # fmt: skip
NUMBER_TO_NAME = {str(v): k for k, v in PROTOCOLS.items() if k not in ("icmpv6", "hopopt")}

g = m.security_groups
r = m.security_group_rules
d = m.default_security_groups

_DEFAULT_ID = sa.select(d.c.security_group_id).where(d.c.project_id == sa.bindparam("project"))
GROUPS = Listing(g)
RULES = Listing(
    r,
    special={
        "belongs_to_default_sg": lambda vals: sa.or_(
            *[
                r.c.security_group_id.in_(sa.select(d.c.security_group_id))
                if v
                else r.c.security_group_id.not_in(sa.select(d.c.security_group_id))
                for v in vals
            ]
        ),
        "normalized_cidr": lambda vals: r.c.remote_ip_prefix.in_(vals),
    },
    tagged=False,
)


def groups_visible_to(caller: Caller) -> ColumnElement[bool] | None:
    """Own groups and the groups shared with the caller's project or everyone (RBAC)."""
    if caller.is_admin:
        return None
    return sa.or_(g.c.project_id == caller.project_id, rbac.granted("security_group", g.c.id, caller.project_id))


def rules_visible_to(caller: Caller) -> ColumnElement[bool] | None:
    if caller.is_admin:
        return None
    own_groups = sa.select(g.c.id).where(g.c.project_id == caller.project_id)
    return sa.or_(r.c.project_id == caller.project_id, r.c.security_group_id.in_(own_groups))


def proto_number(protocol: str | None) -> int | None:
    if protocol is None:
        return None
    return PROTOCOLS[protocol] if protocol in PROTOCOLS else int(protocol)


def _proto_key(protocol: str | None, ethertype: str) -> str:
    if protocol is None:
        return "+"
    if ethertype == "IPv6":
        if protocol in ("icmp", "icmpv6"):
            protocol = "ipv6-icmp"
        elif protocol == "1":
            protocol = "58"
    if protocol in PROTOCOLS:
        return f"['{protocol}', '{PROTOCOLS[protocol]}']"
    if protocol in NUMBER_TO_NAME:
        return f"['{NUMBER_TO_NAME[protocol]}', '{protocol}']"
    return f"['{protocol}', '{protocol}']"


def rule_key(rule: dict[str, Any]) -> str:
    """Upstream's duplicate-detection key of a rule."""
    parts = []
    for key in ("direction", "ethertype", "port_range_max", "port_range_min", "protocol", "remote_group_id",
                "remote_address_group_id", "remote_ip_prefix", "security_group_id"):  # fmt: skip
        value = rule.get(key)
        if value is None or (key == "remote_ip_prefix" and value in ("0.0.0.0/0", "::/0")):
            parts.append("+")
        elif key == "protocol":
            parts.append(_proto_key(value, rule.get("ethertype", "IPv4")))
        else:
            parts.append(str(value))
    return "_".join(parts)


def validate_rule(rule: dict[str, Any]) -> None:
    """The attribute checks upstream applies to every rule (in its order); may rewrite
    the rule into its canonical form."""
    if rule.get("ethertype") == "IPv6":
        if rule.get("protocol") in ("icmp", "icmpv6"):
            rule["protocol"] = "ipv6-icmp"
        elif rule.get("protocol") == "1":
            rule["protocol"] = "58"
    if rule.get("port_range_min") == 1 and rule.get("port_range_max") == 65535:
        rule["port_range_min"] = rule["port_range_max"] = None
    low, high = rule.get("port_range_min"), rule.get("port_range_max")
    if low is not None or high is not None:
        if not rule.get("protocol"):
            raise neutron("SecurityGroupProtocolRequiredWithPorts")
        number = proto_number(rule["protocol"])
        if number in PORT_PROTOCOL_NUMBERS:
            if low == 0 or high == 0:
                raise neutron("SecurityGroupInvalidPortValue", port=0)
            if low is None or high is None or low > high:
                raise neutron("SecurityGroupInvalidPortRange")
        elif number in (1, 58):
            for attr, field, value in (("port_range_min", "type", low), ("port_range_max", "code", high)):
                if value is not None and not 0 <= value <= 255:
                    raise neutron("SecurityGroupInvalidIcmpValue", field=field, attr=attr, value=value)
            if low is None and high is not None:
                raise neutron("SecurityGroupMissingIcmpType", value=high)
        else:
            raise neutron(
                "SecurityGroupInvalidProtocolForPort",
                protocol=number,
                valid_port_protocols=", ".join(p.upper() for p in PORT_PROTOCOLS),
            )
    prefix = rule.get("remote_ip_prefix")
    if prefix:
        version = ipam.net(prefix).version
        if rule.get("ethertype") != f"IPv{version}":
            raise neutron("SecurityGroupRuleParameterConflict", ethertype=rule.get("ethertype"), cidr=prefix)
    if rule.get("protocol") in IPV6_ONLY and rule.get("ethertype") == "IPv4":
        raise neutron(
            "SecurityGroupEthertypeConflictWithProtocol", ethertype=rule["ethertype"], protocol=rule["protocol"]
        )
    remotes = [
        k for k in ("remote_ip_prefix", "remote_group_id", "remote_address_group_id") if rule.get(k) not in (None, "")
    ]
    if len(remotes) > 1:
        raise neutron("SecurityGroupMultipleRemoteEntites")


class SecurityGroups:
    def __init__(self, svc: NetworkService) -> None:
        self.svc = svc
        self.db = svc.db

    # -- default groups --------------------------------------------------------------------

    def default_id(self, conn: Connection, project_id: str) -> str | None:
        return conn.execute(_DEFAULT_ID, {"project": project_id}).scalar()

    def ensure_default(self, conn: Connection, project_id: str | None) -> str | None:
        """The project's default group, created (with its rules) if missing."""
        if not project_id:
            return None
        existing = self.default_id(conn, project_id)
        if existing:
            return existing
        group_id = self._insert_group(conn, project_id, "default", DEFAULT_DESCRIPTION, True, default=True)
        conn.execute(d.insert().values(project_id=project_id, security_group_id=group_id))
        return group_id

    def ensure_default_now(self, project_id: str | None) -> None:
        """Ensure the default group outside any transaction (reads first, writes only when missing)."""
        if not project_id:
            return
        with self.db.read() as conn:
            if self.default_id(conn, project_id):
                return
        with self.db.write() as conn:
            self.ensure_default(conn, project_id)

    def _insert_group(
        self, conn: Connection, project_id: str, name: str, description: str, stateful: bool, default: bool
    ) -> str:
        group_id = ids.uuid_id()
        conn.execute(
            g.insert().values(
                id=group_id, project_id=project_id, name=name, stateful=stateful, **new_standard(description)
            )
        )
        for direction, ethertype, to_self, in_default, in_other in TEMPLATE:
            if (default and in_default) or (not default and in_other):
                conn.execute(
                    r.insert().values(
                        id=ids.uuid_id(),
                        project_id=project_id,
                        security_group_id=group_id,
                        remote_group_id=group_id if to_self else None,
                        direction=direction,
                        ethertype=ethertype,
                        **new_standard(""),
                    )
                )
        return group_id

    # -- groups -----------------------------------------------------------------------------

    def row(self, conn: Connection, caller: Caller, group_id: str) -> Row:
        stmt = sa.select(g).where(g.c.id == group_id)
        scope = groups_visible_to(caller)
        if scope is not None:
            stmt = stmt.where(scope)
        row = one(conn, stmt)
        if row is None:
            raise neutron("SecurityGroupNotFound", id=group_id)
        return row

    def expand(self, conn: Connection, rows: list[Row], caller: Caller | None = None) -> list[Row]:
        """Groups with their rules, tags, default flag and ``shared`` as the caller reads it."""
        if not rows:
            return rows
        group_ids = [x["id"] for x in rows]
        shared = rbac.shared_with(conn, "security_group", group_ids, caller.project_id if caller else None)
        rules: dict[str, list[Row]] = {i: [] for i in group_ids}
        for rule in self.expand_rules(
            conn, many(conn, sa.select(r).where(r.c.security_group_id.in_(group_ids)).order_by(r.c.created_at, r.c.id))
        ):
            rules[rule["security_group_id"]].append(rule)
        tags = tags_for(conn, group_ids)
        defaults = {
            sid for (sid,) in conn.execute(sa.select(d.c.security_group_id).where(d.c.security_group_id.in_(group_ids)))
        }
        return [
            {**x, "rules": rules[x["id"]], "tags": tags[x["id"]], "is_default": x["id"] in defaults,
             "shared": x["id"] in shared}
            for x in rows
        ]  # fmt: skip

    def expand_rules(self, conn: Connection, rows: list[Row]) -> list[Row]:
        if not rows:
            return rows
        group_ids = {x["security_group_id"] for x in rows}
        defaults = {
            sid for (sid,) in conn.execute(sa.select(d.c.security_group_id).where(d.c.security_group_id.in_(group_ids)))
        }
        owners = dict(conn.execute(sa.select(g.c.id, g.c.project_id).where(g.c.id.in_(group_ids))).all())
        return [
            {**x, "belongs_to_default_sg": x["security_group_id"] in defaults,
             "group_project_id": owners.get(x["security_group_id"])}
            for x in rows
        ]  # fmt: skip

    def get(self, caller: Caller, group_id: str) -> Row:
        with self.db.read() as conn:
            return self.expand(conn, [self.row(conn, caller, group_id)], caller)[0]

    def search(self, caller: Caller, filters: dict[str, list[Any]], **kw: Any) -> list[Row]:
        project = (filters.get("project_id") or [caller.project_id])[0]
        self.ensure_default_now(project)
        filters = dict(filters)
        extra = list(kw.pop("extra", ()))
        if "shared" in filters:
            extra.append(rbac.shared_filter("security_group", g.c.id, caller, filters.pop("shared")))
        with self.db.read() as conn:
            marker = kw.pop("marker", None)
            marker_row = self.row(conn, caller, marker) if marker and kw.get("limit") else None
            rows = list_page(
                conn, GROUPS, scope=groups_visible_to(caller), filters=filters, extra=extra, marker=marker_row, **kw
            )
            return self.expand(conn, rows, caller)

    def create(self, caller: Caller, body: dict[str, Any]) -> Row:
        return self.create_many(caller, [body])[0]

    def create_many(self, caller: Caller, bodies: list[dict[str, Any]]) -> list[Row]:
        """Create groups (one, or a bulk request) in one transaction: all or none."""
        with self.db.write() as conn:
            created = []
            for body in bodies:
                project_id = body["project_id"]
                self.ensure_default(conn, project_id)
                quotas.check(conn, project_id, {"security_group": 1, "security_group_rule": 2})
                created.append(
                    self._insert_group(
                        conn, project_id, body.get("name") or "", body.get("description") or "",
                        body.get("stateful", True), default=False,
                    )
                )  # fmt: skip
            return self.expand(conn, [self.row(conn, Caller.system(), i) for i in created], caller)

    def update(self, caller: Caller, group_id: str, body: dict[str, Any], revision: int | None = None) -> Row:
        with self.db.write() as conn:
            row = self.row(conn, caller, group_id)
            check_revision(row, revision)
            if "stateful" in body and body["stateful"] != row["stateful"] and self._in_use(conn, group_id):
                raise neutron("SecurityGroupInUse", id=group_id, reason="in use")
            if row["name"] == "default" and "name" in body:
                raise neutron("SecurityGroupCannotUpdateDefault")
            bump(conn, g, group_id, **{k: body[k] for k in ("name", "description", "stateful") if k in body})
            return self.expand(conn, [self.row(conn, Caller.system(), group_id)], caller)[0]

    @staticmethod
    def _in_use(conn: Connection, group_id: str) -> bool:
        ps = m.port_security_groups
        return conn.execute(sa.select(ps.c.port_id).where(ps.c.security_group_id == group_id)).first() is not None

    def delete(self, caller: Caller, group_id: str, revision: int | None = None) -> None:
        with self.db.write() as conn:
            check_revision(self.row(conn, caller, group_id), revision)
            if self._in_use(conn, group_id):
                raise neutron("SecurityGroupInUse", id=group_id, reason="in use")
            row = self.row(conn, caller, group_id)
            if row["name"] == "default" and not caller.is_admin:
                raise neutron("SecurityGroupCannotRemoveDefault")
            conn.execute(r.delete().where(sa.or_(r.c.security_group_id == group_id, r.c.remote_group_id == group_id)))
            conn.execute(d.delete().where(d.c.security_group_id == group_id))
            rbac.remove(conn, "security_group", group_id)
            delete_tags(conn, group_id)
            conn.execute(g.delete().where(g.c.id == group_id))

    # -- rules ----------------------------------------------------------------------------------

    def rule_row(self, conn: Connection, rule_id: str) -> Row:
        row = one(conn, sa.select(r).where(r.c.id == rule_id))
        if row is None:
            raise neutron("SecurityGroupRuleNotFound", id=rule_id)
        return self.expand_rules(conn, [row])[0]

    def get_rule(self, rule_id: str) -> Row:
        with self.db.read() as conn:
            return self.rule_row(conn, rule_id)

    def list_rules(self, caller: Caller, filters: dict[str, list[Any]], **kw: Any) -> list[Row]:
        project = (filters.get("project_id") or [caller.project_id])[0]
        self.ensure_default_now(project)
        with self.db.read() as conn:
            marker = kw.pop("marker", None)
            marker_row = self.rule_row(conn, marker) if marker and kw.get("limit") else None
            rows = list_page(conn, RULES, scope=rules_visible_to(caller), filters=filters, marker=marker_row, **kw)
            return self.expand_rules(conn, rows)

    def group_owner(self, group_id: str) -> str:
        """The project owning a group (any caller; policy decides what they may do)."""
        with self.db.read() as conn:
            return str(self.row(conn, Caller.system(), group_id)["project_id"])

    def create_rules(self, caller: Caller, rules: list[dict[str, Any]]) -> list[Row]:
        groups = {x["security_group_id"] for x in rules}
        if len(groups) > 1:
            raise neutron("SecurityGroupNotSingleGroupRules")
        if len({x["project_id"] for x in rules}) > 1:
            raise neutron("SecurityGroupRulesNotSingleProject")
        for rule in rules:
            validate_rule(rule)
        with self.db.write() as conn:
            for rule in rules:
                scope = Caller(project_id=rule["project_id"], is_admin=caller.is_admin)
                if rule.get("remote_group_id") is not None:
                    self.row(conn, scope, str(rule["remote_group_id"]))
                self.row(conn, scope, rule["security_group_id"])
            group_id = rules[0]["security_group_id"]
            seen: set[str] = set()
            for rule in rules:
                key = rule_key(rule)
                if key in seen:
                    raise neutron("DuplicateSecurityGroupRuleInPost")
                seen.add(key)
            for existing in many(conn, sa.select(r).where(r.c.security_group_id == group_id)):
                if rule_key(existing) in seen:
                    raise neutron("SecurityGroupRuleExists", rule_id=existing["id"])
            quotas.check(conn, rules[0]["project_id"], {"security_group_rule": len(rules)})
            new_ids = []
            for rule in rules:
                rule_id = ids.uuid_id()
                prefix = rule.get("remote_ip_prefix")
                conn.execute(
                    r.insert().values(
                        id=rule_id,
                        project_id=rule["project_id"],
                        security_group_id=rule["security_group_id"],
                        remote_group_id=rule.get("remote_group_id"),
                        remote_address_group_id=rule.get("remote_address_group_id"),
                        direction=rule["direction"],
                        ethertype=rule["ethertype"],
                        protocol=rule.get("protocol"),
                        port_range_min=rule.get("port_range_min"),
                        port_range_max=rule.get("port_range_max"),
                        remote_ip_prefix=str(ipam.net(prefix)) if prefix and "/" not in prefix else prefix,
                        **new_standard(rule.get("description")),
                    )
                )
                new_ids.append(rule_id)
            bump(conn, g, group_id)
            return [self.rule_row(conn, i) for i in new_ids]

    def delete_rule(self, rule_id: str, revision: int | None = None) -> None:
        with self.db.write() as conn:
            row = self.rule_row(conn, rule_id)
            check_revision(row, revision)
            conn.execute(r.delete().where(r.c.id == rule_id))
            bump(conn, g, row["security_group_id"])

    # -- ports --------------------------------------------------------------------------------

    def check_for_port(self, conn: Connection, caller: Caller, project_id: str, group_ids: list[str]) -> list[str]:
        """The requested groups, all of which must exist and belong to the port's project
        (any group for admins); SecurityGroupNotFound names the missing ones."""
        if not group_ids:
            return []
        rows = many(conn, sa.select(g.c.id, g.c.project_id, g.c.stateful).where(g.c.id.in_(group_ids)))
        shared = rbac.shared_with(conn, "security_group", [x["id"] for x in rows], project_id)
        valid = {x["id"] for x in rows if caller.is_admin or x["project_id"] == project_id or x["id"] in shared}
        missing = [i for i in group_ids if i not in valid]
        if missing:
            raise neutron("SecurityGroupNotFound", id=", ".join(missing))
        states = {x["stateful"] for x in rows}
        if len(states) > 1:
            raise neutron(
                "SecurityGroupConflict",
                reason="Cannot apply both stateful and stateless security groups on the same port at the same time",
            )
        return list(dict.fromkeys(group_ids))

    def by_name_or_id(self, conn: Connection, project_id: str, name_or_id: str) -> Row:
        row = one(conn, sa.select(g).where(g.c.id == name_or_id, g.c.project_id == project_id))
        if row is not None:
            return row
        matches = many(conn, sa.select(g).where(g.c.name == name_or_id, g.c.project_id == project_id))
        if not matches and name_or_id == "default":
            group_id = self.ensure_default(conn, project_id)
            matches = many(conn, sa.select(g).where(g.c.id == group_id))
        if len(matches) != 1:
            raise neutron("SecurityGroupNotFound", id=name_or_id)
        return matches[0]
