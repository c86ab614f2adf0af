"""Roles, implied roles, grants and the effective roles a token carries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import ids
from pocketstack.core.errors import BadRequest, Forbidden, NotFound
from pocketstack.core.timeutils import utcnow
from pocketstack.services.identity import models as m
from pocketstack.services.identity.errors import duplicate_name, not_found
from pocketstack.services.identity.identities import groups_of
from pocketstack.services.identity.resource import (
    ancestors,
    descendants,
    get_domain_row,
    get_project_row,
    split_extra,
)
from pocketstack.services.identity.store import Store, apply_filters, many, one

r = m.roles
a = m.assignments
_ROLE_CORE = ("id", "name", "domain_id", "description", "options")


@dataclass(frozen=True)
class Grant:
    actor_type: str  # "user" | "group"
    actor_id: str
    target_type: str  # "project" | "domain" | "system"
    target_id: str
    role_id: str
    inherited: bool = False
    # set on assignments derived for effective=true listings
    via_group: str | None = None
    via_target: tuple[str, str] | None = None


def implications(conn: Connection) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for prior, implied in conn.execute(sa.select(m.implied_roles.c.prior_role_id, m.implied_roles.c.implied_role_id)):
        out.setdefault(prior, set()).add(implied)
    return out


def expand_implied(role_ids: Iterable[str], rules: Mapping[str, set[str]]) -> list[str]:
    """The roles plus every role they imply, transitively, in discovery order."""
    seen: dict[str, None] = {}
    stack = list(role_ids)
    while stack:
        rid = stack.pop(0)
        if rid in seen:
            continue
        seen[rid] = None
        stack.extend(sorted(rules.get(rid, ())))
    return list(seen)


class Assignments(Store):
    # -- roles -----------------------------------------------------------------

    def get_role(self, role_id: str) -> dict[str, Any]:
        with self.reading() as conn:
            return self._role(conn, role_id)

    def _role(self, conn: Connection, role_id: str) -> dict[str, Any]:
        row = one(conn, sa.select(r).where(r.c.id == role_id))
        if row is None:
            raise not_found("role", role_id)
        return row

    def role_by_name(self, conn: Connection, name: str, domain_id: str | None = None) -> dict[str, Any] | None:
        cond = r.c.domain_id.is_(None) if domain_id is None else r.c.domain_id == domain_id
        return one(conn, sa.select(r).where(r.c.name == name, cond))

    def list_roles(self, query: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
        stmt = apply_filters(sa.select(r), r, query, exact=("name", "id"))
        domain = query.get("domain_id")
        stmt = stmt.where(r.c.domain_id == domain[-1] if domain else r.c.domain_id.is_(None))
        with self.reading() as conn:
            return many(conn, stmt.order_by(r.c.name))

    def roles_by_id(self, conn: Connection, role_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        wanted = list(set(role_ids))
        if not wanted:
            return {}
        return {row["id"]: row for row in many(conn, sa.select(r).where(r.c.id.in_(wanted)))}

    def create_role(self, body: Mapping[str, Any]) -> dict[str, Any]:
        role_id = ids.hex_id()
        domain_id = body.get("domain_id")
        with self.changing() as conn:
            if domain_id and get_domain_row(conn, domain_id) is None:
                raise not_found("domain", domain_id)
            if self.role_by_name(conn, body["name"], domain_id):
                raise duplicate_name("role", body["name"], domain_id)
            conn.execute(
                r.insert().values(
                    id=role_id,
                    name=body["name"],
                    domain_id=domain_id,
                    description=body.get("description"),
                    options={k: v for k, v in (body.get("options") or {}).items() if v is not None},
                    extra=split_extra(body, _ROLE_CORE),
                    created_at=utcnow(),
                )
            )
            return self._role(conn, role_id)

    def update_role(self, role_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        with self.changing() as conn:
            current = self._role(conn, role_id)
            if (current["options"] or {}).get("immutable") and not (
                "options" in body and body["options"].get("immutable") is False
            ):
                raise Forbidden(f"Role {role_id} is immutable and cannot be changed.")
            if "domain_id" in body and body["domain_id"] != current["domain_id"]:
                raise BadRequest("Cannot change Domain ID")
            if "name" in body and body["name"] != current["name"]:
                clash = self.role_by_name(conn, body["name"], current["domain_id"])
                if clash and clash["id"] != role_id:
                    raise duplicate_name("role", body["name"], current["domain_id"])
            values = {k: body[k] for k in ("name", "description") if k in body}
            if "options" in body:
                options = dict(current["options"] or {})
                for k, v in (body["options"] or {}).items():
                    if v is None:
                        options.pop(k, None)
                    else:
                        options[k] = v
                values["options"] = options
            extra = split_extra(body, _ROLE_CORE)
            if extra:
                values["extra"] = {**(current["extra"] or {}), **extra}
            if values:
                conn.execute(r.update().where(r.c.id == role_id).values(**values))
            return self._role(conn, role_id)

    def delete_role(self, role_id: str) -> None:
        with self.changing() as conn:
            current = self._role(conn, role_id)
            if (current["options"] or {}).get("immutable"):
                raise Forbidden(f"Role {role_id} is immutable and cannot be deleted.")
            conn.execute(r.delete().where(r.c.id == role_id))

    # -- implied roles ------------------------------------------------------------------

    def create_implied(self, prior_id: str, implied_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        ir = m.implied_roles
        with self.changing() as conn:
            prior = self._role(conn, prior_id)
            implied = self._role(conn, implied_id)
            if implied["domain_id"] is not None and prior["domain_id"] is None:
                raise Forbidden(f"{implied_id} cannot be an implied role.")
            if prior_id in expand_implied([implied_id], implications(conn)):
                raise Forbidden(f"Creating an implied role from {prior_id} to {implied_id} would make a cycle.")
            exists = one(
                conn,
                sa.select(ir.c.prior_role_id).where(ir.c.prior_role_id == prior_id, ir.c.implied_role_id == implied_id),
            )
            if not exists:
                conn.execute(ir.insert().values(prior_role_id=prior_id, implied_role_id=implied_id))
            return prior, implied

    def get_implied(self, prior_id: str, implied_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        ir = m.implied_roles
        with self.reading() as conn:
            prior = self._role(conn, prior_id)
            implied = self._role(conn, implied_id)
            exists = one(
                conn,
                sa.select(ir.c.prior_role_id).where(ir.c.prior_role_id == prior_id, ir.c.implied_role_id == implied_id),
            )
            if not exists:
                raise NotFound(f"{prior_id} does not imply {implied_id}.")
            return prior, implied

    def delete_implied(self, prior_id: str, implied_id: str) -> None:
        ir = m.implied_roles
        with self.changing() as conn:
            self._role(conn, prior_id)
            self._role(conn, implied_id)
            gone = conn.execute(
                ir.delete().where(ir.c.prior_role_id == prior_id, ir.c.implied_role_id == implied_id)
            ).rowcount
            if not gone:
                raise NotFound(f"{prior_id} does not imply {implied_id}.")

    def list_implied(self, prior_id: str | None = None) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
        """(prior role, [implied roles]) pairs; one pair when ``prior_id`` is given."""
        ir = m.implied_roles
        with self.reading() as conn:
            if prior_id is not None:
                self._role(conn, prior_id)
            stmt = sa.select(ir)
            if prior_id is not None:
                stmt = stmt.where(ir.c.prior_role_id == prior_id)
            pairs = many(conn, stmt)
            roles = self.roles_by_id(
                conn,
                [x["prior_role_id"] for x in pairs]
                + [x["implied_role_id"] for x in pairs]
                + ([prior_id] if prior_id else []),
            )
        grouped: dict[str, list[dict[str, Any]]] = {}
        if prior_id is not None:
            grouped[prior_id] = []
        for pair in pairs:
            grouped.setdefault(pair["prior_role_id"], []).append(roles[pair["implied_role_id"]])
        return [(roles[pid], sorted(imps, key=lambda x: x["name"])) for pid, imps in grouped.items()]

    # -- grants ------------------------------------------------------------------------

    def _check_actor_target(self, conn: Connection, grant: Grant) -> None:
        if grant.actor_type == "user":
            if one(conn, sa.select(m.users.c.id).where(m.users.c.id == grant.actor_id)) is None:
                raise not_found("user", grant.actor_id)
        elif one(conn, sa.select(m.groups.c.id).where(m.groups.c.id == grant.actor_id)) is None:
            raise not_found("group", grant.actor_id)
        if grant.target_type == "project" and get_project_row(conn, grant.target_id) is None:
            raise not_found("project", grant.target_id)
        if grant.target_type == "domain" and get_domain_row(conn, grant.target_id) is None:
            raise not_found("domain", grant.target_id)

    def grant(self, grant: Grant) -> None:
        with self.changing() as conn:
            self._check_actor_target(conn, grant)
            role = self._role(conn, grant.role_id)
            if role["domain_id"] is not None and grant.target_type != "system":
                target_domain = (
                    grant.target_id
                    if grant.target_type == "domain"
                    else (get_project_row(conn, grant.target_id) or {}).get("domain_id")
                )
                if role["domain_id"] != target_domain:
                    raise Forbidden(f"Domain specific role {grant.role_id} can not be assigned outside its domain.")
            if not self._exists(conn, grant):
                conn.execute(
                    a.insert().values(
                        actor_type=grant.actor_type,
                        actor_id=grant.actor_id,
                        target_type=grant.target_type,
                        target_id=grant.target_id,
                        role_id=grant.role_id,
                        inherited=grant.inherited,
                    )
                )

    def _where(self, grant: Grant) -> Any:
        return sa.and_(
            a.c.actor_type == grant.actor_type,
            a.c.actor_id == grant.actor_id,
            a.c.target_type == grant.target_type,
            a.c.target_id == grant.target_id,
            a.c.role_id == grant.role_id,
            a.c.inherited == grant.inherited,
        )

    def _exists(self, conn: Connection, grant: Grant) -> bool:
        return one(conn, sa.select(a.c.role_id).where(self._where(grant))) is not None

    def check_grant(self, grant: Grant) -> None:
        with self.reading() as conn:
            self._check_actor_target(conn, grant)
            self._role(conn, grant.role_id)
            if not self._exists(conn, grant):
                raise self._grant_not_found(grant)

    def revoke(self, grant: Grant) -> None:
        with self.changing() as conn:
            self._check_actor_target(conn, grant)
            self._role(conn, grant.role_id)
            if not conn.execute(a.delete().where(self._where(grant))).rowcount:
                raise self._grant_not_found(grant)
            if grant.actor_type == "user" and grant.target_type == "project":
                self._drop_app_creds_without_role(conn, grant.actor_id, grant.target_id)

    @staticmethod
    def _grant_not_found(grant: Grant) -> NotFound:
        actor = f"{grant.actor_type} {grant.actor_id}"
        return NotFound(
            f"Could not find role assignment with role: {grant.role_id}, {actor}, "
            f"{grant.target_type}: {grant.target_id}."
        )

    def list_grants(
        self, actor_type: str, actor_id: str, target_type: str, target_id: str, inherited: bool = False
    ) -> list[dict[str, Any]]:
        with self.reading() as conn:
            self._check_actor_target(conn, Grant(actor_type, actor_id, target_type, target_id, ""))
            rows = conn.execute(
                sa.select(a.c.role_id).where(
                    a.c.actor_type == actor_type,
                    a.c.actor_id == actor_id,
                    a.c.target_type == target_type,
                    a.c.target_id == target_id,
                    a.c.inherited == inherited,
                )
            )
            roles = self.roles_by_id(conn, [x[0] for x in rows])
        return sorted(roles.values(), key=lambda x: x["name"])

    def _drop_app_creds_without_role(self, conn: Connection, user_id: str, project_id: str) -> None:
        """Application credentials die with the creator's last role on their project."""
        if self.effective_role_ids(conn, user_id, "project", project_id):
            return
        ac = m.app_creds
        doomed = [
            x[0] for x in conn.execute(sa.select(ac.c.id).where(ac.c.user_id == user_id, ac.c.project_id == project_id))
        ]
        if doomed:
            conn.execute(ac.delete().where(ac.c.id.in_(doomed)))

    # -- effective roles ------------------------------------------------------------

    def direct_grants(self, conn: Connection, user_id: str, target_type: str, target_id: str) -> list[Grant]:
        """Grants that give ``user_id`` roles on the target, directly, via groups or inherited."""
        group_ids = groups_of(conn, user_id)
        actors = sa.or_(
            sa.and_(a.c.actor_type == "user", a.c.actor_id == user_id),
            sa.and_(a.c.actor_type == "group", a.c.actor_id.in_(group_ids)) if group_ids else sa.false(),
        )
        if target_type == "project":
            project = get_project_row(conn, target_id)
            if project is None:
                return []
            parents = [p["id"] for p in ancestors(conn, target_id)]
            targets = sa.or_(
                sa.and_(a.c.target_type == "project", a.c.target_id == target_id, a.c.inherited.is_(False)),
                sa.and_(a.c.target_type == "project", a.c.target_id.in_(parents), a.c.inherited.is_(True))
                if parents
                else sa.false(),
                sa.and_(a.c.target_type == "domain", a.c.target_id == project["domain_id"], a.c.inherited.is_(True)),
            )
        else:
            targets = sa.and_(a.c.target_type == target_type, a.c.target_id == target_id, a.c.inherited.is_(False))
        rows = many(conn, sa.select(a).where(actors, targets))
        return [
            Grant(x["actor_type"], x["actor_id"], x["target_type"], x["target_id"], x["role_id"], x["inherited"])
            for x in rows
        ]

    def effective_role_ids(self, conn: Connection, user_id: str, target_type: str, target_id: str) -> list[str]:
        direct = [g.role_id for g in self.direct_grants(conn, user_id, target_type, target_id)]
        return expand_implied(direct, implications(conn)) if direct else []

    def effective_roles(self, conn: Connection, user_id: str, target_type: str, target_id: str) -> list[dict[str, Any]]:
        """Roles a token scoped to the target carries (domain-specific roles left out)."""
        role_ids = self.effective_role_ids(conn, user_id, target_type, target_id)
        roles = self.roles_by_id(conn, role_ids)
        return [roles[rid] for rid in role_ids if rid in roles and roles[rid]["domain_id"] is None]

    def projects_for_user(self, conn: Connection, user_id: str) -> set[str]:
        """Projects where the user has some role (directly, via groups or inherited)."""
        group_ids = groups_of(conn, user_id)
        actors = sa.or_(
            sa.and_(a.c.actor_type == "user", a.c.actor_id == user_id),
            sa.and_(a.c.actor_type == "group", a.c.actor_id.in_(group_ids)) if group_ids else sa.false(),
        )
        out: set[str] = set()
        p = m.projects
        for g in many(conn, sa.select(a).where(actors, a.c.target_type.in_(("project", "domain")))):
            if g["target_type"] == "project":
                if not g["inherited"]:
                    out.add(g["target_id"])
                else:
                    out.update(x["id"] for x in descendants(conn, g["target_id"]))
            elif g["inherited"]:
                out.update(
                    x[0]
                    for x in conn.execute(
                        sa.select(p.c.id).where(p.c.domain_id == g["target_id"], p.c.is_domain.is_(False))
                    )
                )
        return out

    def domains_for_user(self, conn: Connection, user_id: str) -> set[str]:
        group_ids = groups_of(conn, user_id)
        actors = sa.or_(
            sa.and_(a.c.actor_type == "user", a.c.actor_id == user_id),
            sa.and_(a.c.actor_type == "group", a.c.actor_id.in_(group_ids)) if group_ids else sa.false(),
        )
        rows = conn.execute(
            sa.select(a.c.target_id).where(actors, a.c.target_type == "domain", a.c.inherited.is_(False))
        )
        return {x[0] for x in rows}

    # -- GET /v3/role_assignments ---------------------------------------------------------

    def list_assignments(self, f: Mapping[str, Any]) -> list[Grant]:
        """Keystone's role assignment listing; ``f`` holds the parsed query filters."""
        with self.reading() as conn:
            if f.get("effective"):
                grants = self._effective_listing(conn, f)
            else:
                grants = [
                    Grant(
                        x["actor_type"], x["actor_id"], x["target_type"], x["target_id"], x["role_id"], x["inherited"]
                    )
                    for x in many(conn, sa.select(a))
                ]
                grants = self._filter(conn, grants, f)
            return grants

    def _scope_targets(self, conn: Connection, f: Mapping[str, Any]) -> tuple[str, set[str]] | None:
        if f.get("project_id"):
            targets = {f["project_id"]}
            if f.get("include_subtree"):
                targets.update(x["id"] for x in descendants(conn, f["project_id"]))
            return "project", targets
        if f.get("domain_id"):
            return "domain", {f["domain_id"]}
        if f.get("system"):
            return "system", {"all"}
        return None

    def _filter(self, conn: Connection, grants: list[Grant], f: Mapping[str, Any]) -> list[Grant]:
        scope = self._scope_targets(conn, f)
        out = []
        for g in grants:
            if f.get("user_id") and not (g.actor_type == "user" and g.actor_id == f["user_id"]):
                continue
            if f.get("group_id") and not (g.actor_type == "group" and g.actor_id == f["group_id"]):
                continue
            if f.get("role_id") and g.role_id != f["role_id"]:
                continue
            if f.get("inherited") is not None and g.inherited != f["inherited"]:
                continue
            if scope is not None and not (g.target_type == scope[0] and g.target_id in scope[1]):
                continue
            out.append(g)
        return out

    def _effective_listing(self, conn: Connection, f: Mapping[str, Any]) -> list[Grant]:
        """Expand group grants to members, inherited grants to projects, implied roles."""
        rules = implications(conn)
        gm = m.group_members
        p = m.projects
        raw = [
            Grant(x["actor_type"], x["actor_id"], x["target_type"], x["target_id"], x["role_id"], x["inherited"])
            for x in many(conn, sa.select(a))
        ]
        out: list[Grant] = []
        for g in raw:
            # who: users, with group grants expanded to the group's members
            actors: list[tuple[str, str | None]]
            if g.actor_type == "group":
                members = [x[0] for x in conn.execute(sa.select(gm.c.user_id).where(gm.c.group_id == g.actor_id))]
                actors = [(uid, g.actor_id) for uid in members]
            else:
                actors = [(g.actor_id, None)]
            # where: inherited grants land on the projects below the target
            if g.inherited:
                if g.target_type == "domain":
                    targets = [
                        ("project", x[0])
                        for x in conn.execute(
                            sa.select(p.c.id).where(p.c.domain_id == g.target_id, p.c.is_domain.is_(False))
                        )
                    ]
                else:
                    targets = [("project", x["id"]) for x in descendants(conn, g.target_id)]
            else:
                targets = [(g.target_type, g.target_id)]
            for user_id, via_group in actors:
                for ttype, tid in targets:
                    for role_id in expand_implied([g.role_id], rules):
                        out.append(
                            Grant(
                                "user",
                                user_id,
                                ttype,
                                tid,
                                role_id,
                                False,
                                via_group,
                                (g.target_type, g.target_id) if g.inherited else None,
                            )
                        )
        global_roles = {x[0] for x in conn.execute(sa.select(r.c.id).where(r.c.domain_id.is_(None)))}
        out = [g for g in out if g.role_id in global_roles]  # domain-specific roles only imply
        filtered = self._filter(conn, out, {**f, "group_id": None, "inherited": None})
        if f.get("group_id"):
            filtered = [g for g in filtered if g.via_group == f["group_id"]]
        # one entry per (user, target, role), as Keystone collapses duplicates
        seen: dict[tuple[str, str, str, str], Grant] = {}
        for g in filtered:
            seen.setdefault((g.actor_id, g.target_type, g.target_id, g.role_id), g)
        return list(seen.values())
