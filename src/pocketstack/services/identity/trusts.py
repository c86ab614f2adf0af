"""OS-TRUST: a trustor delegates some of their roles on a project to a trustee.

The trustee gets a trust-scoped token (``scope: {"OS-TRUST:trust": {"id": …}}``)
carrying the delegated roles (plus the roles they imply) that the trustor still
holds on the project; with ``impersonation`` the token speaks as the trustor.
Deleting the trust, or the trustor losing a delegated role, ends those tokens.
Redelegation (a trust created with a trust-scoped token) is not offered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import ids
from pocketstack.core.errors import Forbidden, NotFound
from pocketstack.core.timeutils import parse_iso, utcnow
from pocketstack.services.identity import models as m
from pocketstack.services.identity.assignment import Assignments, expand_implied, implications
from pocketstack.services.identity.errors import duplicate, invalid, not_found
from pocketstack.services.identity.resource import get_domain_row, get_project_row
from pocketstack.services.identity.store import Store, many, one

t = m.trusts
tr = m.trust_roles
MAX_REDELEGATION_COUNT = 3  # Keystone's [trust] max_redelegation_count
_CORE = (
    "id",
    "trustor_user_id",
    "trustee_user_id",
    "project_id",
    "impersonation",
    "expires_at",
    "remaining_uses",
    "roles",
    "allow_redelegation",
    "redelegation_count",
    "redelegated_trust_id",
    "links",
)
_SUFFIX = ". The server could not comply with the request since it is either malformed or otherwise " + (
    "incorrect. The client is assumed to be in error."
)


def trust_not_found(trust_id: str) -> NotFound:
    return not_found("trust", trust_id)


def parse_expiry(value: str | None) -> Any:
    """Keystone's reading of a trust's ``expires_at`` (naive UTC, in the future)."""
    if value is None:
        return None
    text = value if value.endswith("Z") else value + "Z"
    try:
        when = parse_iso(text)
    except ValueError:
        raise invalid("Timestamp not in expected format" + _SUFFIX) from None
    if when <= utcnow():
        raise invalid("The 'expires_at' must not be before now" + _SUFFIX)
    return when


def live_trust(conn: Connection, trust_id: str, *, need_uses: bool = True) -> dict[str, Any] | None:
    """The trust if it exists, has not expired and (``need_uses``) has uses left."""
    row = one(conn, sa.select(t).where(t.c.id == trust_id))
    if row is None:
        return None
    if row["expires_at"] is not None and row["expires_at"] <= utcnow():
        return None
    if need_uses and row["remaining_uses"] is not None and row["remaining_uses"] <= 0:
        return None
    return row


def trust_role_ids(conn: Connection, trust_id: str) -> list[str]:
    return [r[0] for r in conn.execute(sa.select(tr.c.role_id).where(tr.c.trust_id == trust_id))]


@dataclass(frozen=True)
class TrustScope:
    """What a trust-scoped token stands for, as of now."""

    trust: dict[str, Any]
    user: dict[str, Any]  # who the token speaks as: the trustor when impersonating
    user_domain: dict[str, Any]
    project: dict[str, Any] | None
    project_domain: dict[str, Any] | None
    roles: list[dict[str, Any]]

    @property
    def info(self) -> dict[str, Any]:
        return {
            "id": self.trust["id"],
            "impersonation": bool(self.trust["impersonation"]),
            "trustor_user_id": self.trust["trustor_user_id"],
            "trustee_user_id": self.trust["trustee_user_id"],
        }


def trust_scope(conn: Connection, assignments: Assignments, trustee_id: str, trust_id: str) -> TrustScope:
    """Check a trust-scoped token (Keystone's rules), raising 403/404 when it does not stand."""
    trust = live_trust(conn, trust_id, need_uses=False)
    if trust is None:
        raise trust_not_found(trust_id)
    if trust["trustee_user_id"] != trustee_id:
        raise Forbidden("User is not a trustee.")
    users = m.users
    trustor = one(conn, sa.select(users).where(users.c.id == trust["trustor_user_id"]))
    trustee = one(conn, sa.select(users).where(users.c.id == trustee_id))
    if trustor is None or trustee is None or not trustor["enabled"]:
        raise Forbidden("Trustor is disabled.")
    trustor_domain = get_domain_row(conn, trustor["domain_id"])
    trustee_domain = get_domain_row(conn, trustee["domain_id"])
    if trustor_domain is None or not trustor_domain["enabled"]:
        raise NotFound("Trustor domain is disabled.")
    if trustee_domain is None or not trustee_domain["enabled"]:
        raise NotFound("Trustee domain is disabled.")
    project = project_domain = None
    roles: list[dict[str, Any]] = []
    if trust["project_id"]:
        project = get_project_row(conn, trust["project_id"])
        if project is None or not project["enabled"]:
            raise not_found("project", trust["project_id"])
        project_domain = get_domain_row(conn, project["domain_id"])
        if project_domain is None or not project_domain["enabled"]:
            raise not_found("domain", project["domain_id"])
        held = set(assignments.effective_role_ids(conn, trustor["id"], "project", project["id"]))
        wanted = expand_implied(trust_role_ids(conn, trust_id), implications(conn))
        if any(rid not in held for rid in wanted):
            raise Forbidden("Trustee has no delegated roles.")
        by_id = assignments.roles_by_id(conn, wanted)
        roles = [by_id[rid] for rid in wanted if rid in by_id and by_id[rid]["domain_id"] is None]
    if trust["impersonation"]:
        return TrustScope(trust, trustor, trustor_domain, project, project_domain, roles)
    return TrustScope(trust, trustee, trustee_domain, project, project_domain, roles)


class Trusts(Store):
    def __init__(self, db: Any, settings: Any, assignments: Assignments) -> None:
        super().__init__(db, settings)
        self.assignments = assignments

    # -- reads ----------------------------------------------------------------------------

    def get(self, trust_id: str) -> dict[str, Any]:
        with self.reading() as conn:
            row = live_trust(conn, trust_id)
            if row is None:
                raise trust_not_found(trust_id)
            return row

    def list_trusts(
        self, trustor_user_id: str | None = None, trustee_user_id: str | None = None
    ) -> list[dict[str, Any]]:
        stmt = sa.select(t)
        if trustor_user_id is not None:
            stmt = stmt.where(t.c.trustor_user_id == trustor_user_id)
        if trustee_user_id is not None:
            stmt = stmt.where(t.c.trustee_user_id == trustee_user_id)
        now = utcnow()
        stmt = stmt.where(sa.or_(t.c.expires_at.is_(None), t.c.expires_at > now))
        with self.reading() as conn:
            return many(conn, stmt.order_by(t.c.created_at, t.c.id))

    def roles(self, trust_id: str) -> list[dict[str, Any]]:
        with self.reading() as conn:
            wanted = trust_role_ids(conn, trust_id)
            by_id = self.assignments.roles_by_id(conn, wanted)
        return sorted((by_id[r] for r in wanted if r in by_id), key=lambda x: x["name"])

    # -- writes -----------------------------------------------------------------------------

    def create(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Create a trust (the caller has checked who may); Keystone's validation."""
        expires_at = parse_expiry(body.get("expires_at"))
        remaining = body.get("remaining_uses")
        redelegatable = bool(body.get("allow_redelegation")) and body.get("redelegation_count") != 0
        if redelegatable:
            count = body.get("redelegation_count")
            if count is not None and count > MAX_REDELEGATION_COUNT:
                raise Forbidden(
                    f"Requested redelegation depth of {count} is greater than allowed {MAX_REDELEGATION_COUNT}"
                )
            if remaining is not None:
                raise invalid("remaining_uses must not be set if redelegation is allowed")
            count = MAX_REDELEGATION_COUNT if count is None else count
        else:
            count = 0
        trust_id = ids.hex_id()
        with self.changing() as conn:
            users = m.users
            if one(conn, sa.select(users.c.id).where(users.c.id == body["trustee_user_id"])) is None:
                raise not_found("user", body["trustee_user_id"])
            role_ids = self._role_ids(conn, body.get("roles") or [])
            if body.get("project_id"):
                if get_project_row(conn, body["project_id"]) is None:
                    raise not_found("project", body["project_id"])
                held = self._held_with_domain_roles(conn, body["trustor_user_id"], body["project_id"])
                for rid in role_ids:
                    if rid not in held:
                        raise not_found("role", rid)
            clash = sa.select(t.c.id).where(
                t.c.trustor_user_id == body["trustor_user_id"],
                t.c.trustee_user_id == body["trustee_user_id"],
                t.c.project_id.is_(None) if not body.get("project_id") else t.c.project_id == body["project_id"],
                t.c.impersonation == bool(body["impersonation"]),
                t.c.expires_at.is_(None) if expires_at is None else t.c.expires_at == expires_at,
            )
            if one(conn, clash):
                raise duplicate("trust", "Duplicate entry")
            conn.execute(
                t.insert().values(
                    id=trust_id,
                    trustor_user_id=body["trustor_user_id"],
                    trustee_user_id=body["trustee_user_id"],
                    project_id=body.get("project_id"),
                    impersonation=bool(body["impersonation"]),
                    expires_at=expires_at,
                    remaining_uses=remaining,
                    redelegated_trust_id=None,
                    redelegation_count=count,
                    extra={k: v for k, v in body.items() if k not in _CORE},
                    created_at=utcnow(),
                )
            )
            for rid in dict.fromkeys(role_ids):
                conn.execute(tr.insert().values(trust_id=trust_id, role_id=rid))
            row = one(conn, sa.select(t).where(t.c.id == trust_id))
        assert row is not None
        return row

    def _role_ids(self, conn: Connection, refs: Sequence[Mapping[str, Any]]) -> list[str]:
        out = []
        for ref in refs:
            if ref.get("id"):
                out.append(str(ref["id"]))
                continue
            row = self.assignments.role_by_name(conn, ref["name"])
            if row is None:
                raise not_found("role", ref["name"])
            out.append(str(row["id"]))
        return out

    def _held_with_domain_roles(self, conn: Connection, user_id: str, project_id: str) -> set[str]:
        """The trustor's effective roles on the project, domain-specific ones included."""
        return set(self.assignments.effective_role_ids(conn, user_id, "project", project_id))

    def consume(self, trust_id: str) -> None:
        """Use the trust once (for a token); 403 when it has no uses left."""
        with self.changing() as conn:
            row = live_trust(conn, trust_id, need_uses=False)
            if row is None:
                raise trust_not_found(trust_id)
            if row["remaining_uses"] is None:
                return
            if row["remaining_uses"] <= 0:
                raise Forbidden(f"No remaining uses for trust: {trust_id}.")
            conn.execute(t.update().where(t.c.id == trust_id).values(remaining_uses=t.c.remaining_uses - 1))

    def delete(self, trust_id: str) -> None:
        with self.changing() as conn:
            if not conn.execute(t.delete().where(t.c.id == trust_id)).rowcount:
                raise trust_not_found(trust_id)
