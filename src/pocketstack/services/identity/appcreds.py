"""Application credentials and their access rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import ids
from pocketstack.core.errors import BadRequest, Forbidden, NotFound
from pocketstack.core.timeutils import parse_iso, utcnow
from pocketstack.services.identity import models as m
from pocketstack.services.identity import passwords as pw
from pocketstack.services.identity.errors import duplicate, not_found
from pocketstack.services.identity.store import Store, many, one

ac = m.app_creds
ar = m.access_rules
link = m.app_cred_access_rules


def rules_for(conn: Connection, app_cred_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {i: [] for i in app_cred_ids}
    if app_cred_ids:
        rows = conn.execute(
            sa.select(link.c.app_cred_id, ar)
            .join(ar, ar.c.id == link.c.access_rule_id)
            .where(link.c.app_cred_id.in_(list(app_cred_ids)))
        ).mappings()
        for row in rows:
            out[row["app_cred_id"]].append(
                {"id": row["id"], "service": row["service"], "path": row["path"], "method": row["method"]}
            )
    return out


def get_app_cred_row(conn: Connection, app_cred_id: str) -> dict[str, Any] | None:
    return one(conn, sa.select(ac).where(ac.c.id == app_cred_id))


class AppCreds(Store):
    def _full(self, conn: Connection, row: dict[str, Any]) -> dict[str, Any]:
        row["access_rules"] = rules_for(conn, [row["id"]])[row["id"]]
        return row

    def get(self, user_id: str, app_cred_id: str) -> dict[str, Any]:
        with self.reading() as conn:
            row = one(conn, sa.select(ac).where(ac.c.id == app_cred_id, ac.c.user_id == user_id))
            if row is None:
                raise not_found("application credential", app_cred_id)
            return self._full(conn, row)

    def list_for(self, user_id: str, name: str | None = None) -> list[dict[str, Any]]:
        stmt = sa.select(ac).where(ac.c.user_id == user_id)
        if name is not None:
            stmt = stmt.where(ac.c.name == name)
        with self.reading() as conn:
            rows = many(conn, stmt.order_by(ac.c.name))
            rules = rules_for(conn, [r["id"] for r in rows])
        for r in rows:
            r["access_rules"] = rules[r["id"]]
        return rows

    async def create(
        self,
        user_id: str,
        project_id: str,
        body: Mapping[str, Any],
        available_roles: Sequence[Mapping[str, Any]],
    ) -> tuple[dict[str, Any], str]:
        """Create one; returns the row and the secret (shown to the caller once)."""
        secret = body.get("secret") or ids.secret(64)
        expires_at = None
        if body.get("expires_at"):
            try:
                expires_at = parse_iso(body["expires_at"])
            except ValueError:
                raise BadRequest(f"Invalid input for field 'expires_at': {body['expires_at']}") from None
            if expires_at <= utcnow():
                raise BadRequest("Invalid application credential: the expiration time is in the past.")
        roles = self._pick_roles(body.get("roles"), available_roles, user_id, project_id)
        hashed = await pw.hash_secret_async(secret, self.settings.identity.password_hash_rounds)
        cred_id = ids.hex_id()
        with self.changing() as conn:
            if one(conn, sa.select(ac.c.id).where(ac.c.user_id == user_id, ac.c.name == body["name"])):
                raise duplicate(
                    "application_credential",
                    "An application credential with that name already exists",
                )
            conn.execute(
                ac.insert().values(
                    id=cred_id,
                    name=body["name"],
                    description=body.get("description"),
                    user_id=user_id,
                    project_id=project_id,
                    system=None,
                    secret_hash=hashed,
                    expires_at=expires_at,
                    unrestricted=bool(body.get("unrestricted", False)),
                    roles=[r["id"] for r in roles],
                    created_at=utcnow(),
                )
            )
            for rule in body.get("access_rules") or []:
                rule_id = self._rule_id(conn, user_id, rule)
                conn.execute(link.insert().values(app_cred_id=cred_id, access_rule_id=rule_id))
            row = get_app_cred_row(conn, cred_id)
            assert row is not None
            return self._full(conn, row), secret

    @staticmethod
    def _pick_roles(
        wanted: Sequence[Mapping[str, Any]] | None,
        available: Sequence[Mapping[str, Any]],
        user_id: str,
        project_id: str,
    ) -> list[Mapping[str, Any]]:
        if not wanted:
            return list(available)
        out = []
        for want in wanted:
            match = next(
                (
                    r
                    for r in available
                    if ("id" in want and r["id"] == want["id"]) or ("id" not in want and r["name"] == want.get("name"))
                ),
                None,
            )
            if match is None:
                ident = want.get("id") or want.get("name")
                raise NotFound(
                    f"Could not find role assignment with role: {ident}, user or group: "
                    f"{user_id}, project, domain, or system: {project_id}."
                )
            if match not in out:
                out.append(match)
        return out

    def _rule_id(self, conn: Connection, user_id: str, rule: Mapping[str, Any]) -> str:
        if "id" in rule and len(rule) == 1:
            row = one(conn, sa.select(ar.c.id).where(ar.c.id == rule["id"], ar.c.user_id == user_id))
            if row is None:
                raise not_found("access rule", rule["id"])
            return str(row["id"])
        existing = one(
            conn,
            sa.select(ar.c.id).where(
                ar.c.user_id == user_id,
                ar.c.service == rule["service"],
                ar.c.path == rule["path"],
                ar.c.method == rule["method"],
            ),
        )
        if existing:
            return str(existing["id"])
        rule_id = rule.get("id") or ids.hex_id()
        conn.execute(
            ar.insert().values(
                id=rule_id,
                user_id=user_id,
                service=rule["service"],
                path=rule["path"],
                method=rule["method"],
            )
        )
        return rule_id

    def delete(self, user_id: str, app_cred_id: str) -> None:
        with self.changing() as conn:
            gone = conn.execute(ac.delete().where(ac.c.id == app_cred_id, ac.c.user_id == user_id)).rowcount
            if not gone:
                raise not_found("application credential", app_cred_id)

    # -- access rules -------------------------------------------------------------------

    def list_rules(self, user_id: str) -> list[dict[str, Any]]:
        with self.reading() as conn:
            return many(conn, sa.select(ar).where(ar.c.user_id == user_id).order_by(ar.c.id))

    def get_rule(self, user_id: str, rule_id: str) -> dict[str, Any]:
        with self.reading() as conn:
            row = one(conn, sa.select(ar).where(ar.c.id == rule_id, ar.c.user_id == user_id))
        if row is None:
            raise not_found("access rule", rule_id)
        return row

    def delete_rule(self, user_id: str, rule_id: str) -> None:
        with self.changing() as conn:
            row = one(conn, sa.select(ar).where(ar.c.id == rule_id, ar.c.user_id == user_id))
            if row is None:
                raise not_found("access rule", rule_id)
            if one(conn, sa.select(link.c.app_cred_id).where(link.c.access_rule_id == rule_id)):
                raise Forbidden(f"Cannot delete access rule {rule_id}: it is in use by an application credential.")
            conn.execute(ar.delete().where(ar.c.id == rule_id))
