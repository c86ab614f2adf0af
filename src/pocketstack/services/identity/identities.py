"""Users (with passwords and Keystone's security-compliance rules) and groups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import ids
from pocketstack.core.errors import BadRequest
from pocketstack.core.timeutils import parse_iso, utcnow
from pocketstack.services.identity import models as m
from pocketstack.services.identity import passwords as pw
from pocketstack.services.identity.errors import (
    duplicate_name,
    not_found,
    password_error,
    unauthorized,
)
from pocketstack.services.identity.resource import get_domain_row, split_extra
from pocketstack.services.identity.store import Store, apply_filters, many, one

u = m.users
g = m.groups
_USER_CORE = (
    "id",
    "name",
    "domain_id",
    "enabled",
    "password",
    "default_project_id",
    "description",
    "options",
    "federated",
    "password_expires_at",
)
_GROUP_CORE = ("id", "name", "domain_id", "description")

_OPERATORS = {
    "lt": lambda c, v: c < v,
    "lte": lambda c, v: c <= v,
    "gt": lambda c, v: c > v,
    "gte": lambda c, v: c >= v,
    "eq": lambda c, v: c == v,
    "neq": lambda c, v: c != v,
}


def current_password(conn: Connection, user_id: str) -> dict[str, Any] | None:
    pt = m.passwords
    return one(
        conn,
        sa.select(pt).where(pt.c.user_id == user_id, pt.c.active.is_(True)).order_by(pt.c.id.desc()),
    )


def password_expiry(conn: Connection, user_ids: Sequence[str]) -> dict[str, Any]:
    """``password_expires_at`` of each user (None when it never expires or no password)."""
    pt = m.passwords
    out: dict[str, Any] = {uid: None for uid in user_ids}
    if user_ids:
        rows = conn.execute(
            sa.select(pt.c.user_id, pt.c.expires_at).where(pt.c.user_id.in_(list(user_ids)), pt.c.active.is_(True))
        )
        for uid, expires in rows:
            out[uid] = expires
    return out


def groups_of(conn: Connection, user_id: str) -> list[str]:
    gm = m.group_members
    return [r[0] for r in conn.execute(sa.select(gm.c.group_id).where(gm.c.user_id == user_id))]


class Identities(Store):
    # -- users -------------------------------------------------------------------

    def get_user(self, user_id: str) -> dict[str, Any]:
        with self.reading() as conn:
            return self._user(conn, user_id)

    def _user(self, conn: Connection, user_id: str) -> dict[str, Any]:
        row = one(conn, sa.select(u).where(u.c.id == user_id))
        if row is None:
            raise not_found("user", user_id)
        row["password_expires_at"] = password_expiry(conn, [user_id])[user_id]
        return row

    def find_user(self, conn: Connection, name: str, domain_id: str) -> dict[str, Any] | None:
        return one(conn, sa.select(u).where(u.c.name == name, u.c.domain_id == domain_id))

    def list_users(self, query: Mapping[str, Sequence[str]], group_id: str | None = None) -> list[dict[str, Any]]:
        stmt = apply_filters(sa.select(u), u, query, exact=("name", "domain_id", "id"))
        pt = m.passwords
        expires = query.get("password_expires_at")
        if expires:
            stmt = stmt.join(pt, (pt.c.user_id == u.c.id) & pt.c.active.is_(True))
            for clause in expires[-1].split(","):
                op, _, when = clause.partition(":")
                if op not in _OPERATORS or not when:
                    op, when = "eq", clause
                try:
                    stamp = parse_iso(when)
                except ValueError:
                    raise BadRequest(f"Invalid time format for password_expires_at: {when}") from None
                stmt = stmt.where(_OPERATORS[op](pt.c.expires_at, stamp))
        if group_id is not None:
            gm = m.group_members
            stmt = stmt.join(gm, gm.c.user_id == u.c.id).where(gm.c.group_id == group_id)
        with self.reading() as conn:
            rows = many(conn, stmt.order_by(u.c.name))
            exp = password_expiry(conn, [r["id"] for r in rows])
        for r in rows:
            r["password_expires_at"] = exp[r["id"]]
        return rows

    async def create_user(self, body: Mapping[str, Any], default_domain: str) -> dict[str, Any]:
        password = body.get("password")
        hashed = None
        if password is not None:
            self._check_requirements(password)
            hashed = await pw.hash_secret_async(password, self.settings.identity.password_hash_rounds)
        user_id = ids.hex_id()
        domain_id = body.get("domain_id") or default_domain
        with self.changing() as conn:
            if get_domain_row(conn, domain_id) is None:
                raise not_found("domain", domain_id)
            if self.find_user(conn, body["name"], domain_id):
                raise duplicate_name("user", body["name"], domain_id)
            now = utcnow()
            options = {k: v for k, v in (body.get("options") or {}).items() if v is not None}
            conn.execute(
                u.insert().values(
                    id=user_id,
                    name=body["name"],
                    domain_id=domain_id,
                    enabled=body.get("enabled", True),
                    default_project_id=body.get("default_project_id"),
                    description=body.get("description"),
                    extra=split_extra(body, _USER_CORE),
                    options=options,
                    created_at=now,
                    failed_auth_count=0,
                )
            )
            if hashed is not None:
                self._store_password(conn, user_id, hashed, options, self_service=False)
            return self._user(conn, user_id)

    async def update_user(self, user_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        hashed = None
        if body.get("password") is not None:
            self._check_requirements(body["password"])
            hashed = await pw.hash_secret_async(body["password"], self.settings.identity.password_hash_rounds)
        with self.changing() as conn:
            current = self._user(conn, user_id)
            if "domain_id" in body and body["domain_id"] != current["domain_id"]:
                raise BadRequest("Cannot change Domain ID")
            if "name" in body and body["name"] != current["name"]:
                other = self.find_user(conn, body["name"], current["domain_id"])
                if other and other["id"] != user_id:
                    raise duplicate_name("user", body["name"], current["domain_id"])
            values: dict[str, Any] = {
                k: body[k] for k in ("name", "enabled", "default_project_id", "description") if k in body
            }
            if "options" in body:
                options = dict(current["options"] or {})
                for k, v in (body["options"] or {}).items():
                    if v is None:
                        options.pop(k, None)
                    else:
                        options[k] = v
                values["options"] = options
            extra = split_extra(body, _USER_CORE)
            if extra:
                values["extra"] = {**(current["extra"] or {}), **extra}
            if body.get("enabled") is True and not current["enabled"]:
                values["failed_auth_count"] = 0
            if values:
                conn.execute(u.update().where(u.c.id == user_id).values(**values))
            if hashed is not None:
                self._store_password(
                    conn, user_id, hashed, values.get("options", current["options"]), self_service=False
                )
                self._revoke_user_tokens(conn, user_id)
            elif body.get("enabled") is False:
                self._revoke_user_tokens(conn, user_id)
            return self._user(conn, user_id)

    def delete_user(self, user_id: str) -> None:
        with self.changing() as conn:
            self._user(conn, user_id)
            a = m.assignments
            conn.execute(a.delete().where(a.c.actor_type == "user", a.c.actor_id == user_id))
            conn.execute(m.credentials.delete().where(m.credentials.c.user_id == user_id))
            trusts = m.trusts
            conn.execute(
                trusts.delete().where((trusts.c.trustor_user_id == user_id) | (trusts.c.trustee_user_id == user_id))
            )
            conn.execute(u.delete().where(u.c.id == user_id))
            self._revoke_user_tokens(conn, user_id)

    # -- passwords -------------------------------------------------------------------

    def _check_requirements(self, password: str) -> None:
        pw.check_requirements(
            password,
            self.settings.identity.security_compliance,
            self.settings.identity.max_password_length,
        )

    def _store_password(
        self,
        conn: Connection,
        user_id: str,
        hashed: str,
        options: Mapping[str, Any] | None,
        self_service: bool,
    ) -> None:
        rules = self.settings.identity.security_compliance
        options = options or {}
        now = utcnow()
        expires = None
        if (
            not self_service
            and rules.change_password_upon_first_use
            and not options.get("ignore_change_password_upon_first_use")
        ):
            expires = now
        elif rules.password_expires_days and not options.get("ignore_password_expiry"):
            expires = now + timedelta(days=rules.password_expires_days)
        pt = m.passwords
        conn.execute(pt.update().where(pt.c.user_id == user_id).values(active=False))
        conn.execute(
            pt.insert().values(
                user_id=user_id,
                password_hash=hashed,
                created_at=now,
                expires_at=expires,
                self_service=self_service,
                active=True,
            )
        )

    async def change_password(self, user_id: str, original: str, new: str) -> None:
        """Self-service change (``POST /v3/users/{id}/password``); needs the old password."""
        rules = self.settings.identity.security_compliance
        with self.reading() as conn:
            user = one(conn, sa.select(u).where(u.c.id == user_id))
            current = current_password(conn, user_id) if user else None
            pt = m.passwords
            history = [
                r["password_hash"]
                for r in many(
                    conn,
                    sa.select(pt.c.password_hash)
                    .where(pt.c.user_id == user_id)
                    .order_by(pt.c.id.desc())
                    .limit(max(rules.unique_last_password_count, 0)),
                )
            ]
        if user is None or current is None:
            raise unauthorized()
        if not await pw.check_secret_async(original, current["password_hash"]):
            raise unauthorized()
        if not user["enabled"]:
            raise unauthorized(f"The account is disabled for user: {user_id}.")
        options = user["options"] or {}
        if options.get("lock_password"):
            raise password_error(
                "You cannot change your password at this time due to password policy "
                "disallowing password changes. Please contact your administrator to reset "
                "your password."
            )
        if current["self_service"] and rules.minimum_password_age:
            allowed_at = current["created_at"] + timedelta(days=rules.minimum_password_age)
            now = utcnow()
            if now < allowed_at:
                raise password_error(
                    "You cannot change your password at this time due to the minimum "
                    "password age. Once you change your password, it must be used for "
                    f"{rules.minimum_password_age} day(s) before it can be changed. Please "
                    f"try again in {(allowed_at - now).days} day(s) or contact your "
                    "administrator to reset your password."
                )
        self._check_requirements(new)
        for old_hash in history if rules.unique_last_password_count > 0 else []:
            if await pw.check_secret_async(new, old_hash):
                raise password_error(
                    "The new password cannot be identical to a previous password. The total "
                    "number which includes the new password must be unique is "
                    f"{rules.unique_last_password_count}."
                )
        hashed = await pw.hash_secret_async(new, self.settings.identity.password_hash_rounds)
        with self.changing() as conn:
            self._store_password(conn, user_id, hashed, options, self_service=True)
            self._revoke_user_tokens(conn, user_id)

    @staticmethod
    def _revoke_user_tokens(conn: Connection, user_id: str) -> None:
        now = utcnow()
        conn.execute(m.revocations.insert().values(user_id=user_id, issued_before=now, revoked_at=now))

    # -- failed logins (lockout) ---------------------------------------------------------

    def record_failed_auth(self, user_id: str) -> None:
        with self.db.write() as conn:
            conn.execute(
                u.update()
                .where(u.c.id == user_id)
                .values(failed_auth_count=u.c.failed_auth_count + 1, failed_auth_at=utcnow())
            )

    def reset_failed_auth(self, user_id: str) -> None:
        with self.db.write() as conn:
            conn.execute(u.update().where(u.c.id == user_id).values(failed_auth_count=0, failed_auth_at=None))

    def is_locked(self, user: Mapping[str, Any]) -> bool:
        rules = self.settings.identity.security_compliance
        if not rules.lockout_failure_attempts or (user["options"] or {}).get("ignore_lockout_failure_attempts"):
            return False
        if (user["failed_auth_count"] or 0) < rules.lockout_failure_attempts:
            return False
        if not rules.lockout_duration or user["failed_auth_at"] is None:
            return True
        return bool(user["failed_auth_at"] + timedelta(seconds=rules.lockout_duration) > utcnow())

    # -- groups ---------------------------------------------------------------------------

    def get_group(self, group_id: str) -> dict[str, Any]:
        with self.reading() as conn:
            return self._group(conn, group_id)

    def _group(self, conn: Connection, group_id: str) -> dict[str, Any]:
        row = one(conn, sa.select(g).where(g.c.id == group_id))
        if row is None:
            raise not_found("group", group_id)
        return row

    def list_groups(self, query: Mapping[str, Sequence[str]], user_id: str | None = None) -> list[dict[str, Any]]:
        stmt = apply_filters(sa.select(g), g, query, exact=("name", "domain_id", "id"))
        if user_id is not None:
            gm = m.group_members
            stmt = stmt.join(gm, gm.c.group_id == g.c.id).where(gm.c.user_id == user_id)
        with self.reading() as conn:
            return many(conn, stmt.order_by(g.c.name))

    def create_group(self, body: Mapping[str, Any], default_domain: str) -> dict[str, Any]:
        group_id = ids.hex_id()
        domain_id = body.get("domain_id") or default_domain
        with self.changing() as conn:
            if get_domain_row(conn, domain_id) is None:
                raise not_found("domain", domain_id)
            if one(conn, sa.select(g.c.id).where(g.c.name == body["name"], g.c.domain_id == domain_id)):
                raise duplicate_name("group", body["name"], domain_id)
            conn.execute(
                g.insert().values(
                    id=group_id,
                    name=body["name"],
                    domain_id=domain_id,
                    description=body.get("description"),
                    extra=split_extra(body, _GROUP_CORE),
                    created_at=utcnow(),
                )
            )
            return self._group(conn, group_id)

    def update_group(self, group_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        with self.changing() as conn:
            current = self._group(conn, group_id)
            if "domain_id" in body and body["domain_id"] != current["domain_id"]:
                raise BadRequest("Cannot change Domain ID")
            if "name" in body and body["name"] != current["name"]:
                clash = one(
                    conn,
                    sa.select(g.c.id).where(
                        g.c.name == body["name"], g.c.domain_id == current["domain_id"], g.c.id != group_id
                    ),
                )
                if clash:
                    raise duplicate_name("group", body["name"], current["domain_id"])
            values = {k: body[k] for k in ("name", "description") if k in body}
            extra = split_extra(body, _GROUP_CORE)
            if extra:
                values["extra"] = {**(current["extra"] or {}), **extra}
            if values:
                conn.execute(g.update().where(g.c.id == group_id).values(**values))
            return self._group(conn, group_id)

    def delete_group(self, group_id: str) -> None:
        with self.changing() as conn:
            self._group(conn, group_id)
            a = m.assignments
            conn.execute(a.delete().where(a.c.actor_type == "group", a.c.actor_id == group_id))
            conn.execute(g.delete().where(g.c.id == group_id))

    def add_member(self, group_id: str, user_id: str) -> None:
        gm = m.group_members
        with self.changing() as conn:
            self._group(conn, group_id)
            self._user(conn, user_id)
            exists = one(conn, sa.select(gm.c.user_id).where(gm.c.group_id == group_id, gm.c.user_id == user_id))
            if not exists:
                conn.execute(gm.insert().values(group_id=group_id, user_id=user_id))

    def remove_member(self, group_id: str, user_id: str) -> None:
        gm = m.group_members
        with self.changing() as conn:
            self._group(conn, group_id)
            self._user(conn, user_id)
            gone = conn.execute(gm.delete().where(gm.c.group_id == group_id, gm.c.user_id == user_id)).rowcount
            if not gone:
                raise not_found("membership", f"user {user_id} in group {group_id}")

    def is_member(self, group_id: str, user_id: str) -> None:
        gm = m.group_members
        with self.reading() as conn:
            self._group(conn, group_id)
            self._user(conn, user_id)
            if not one(conn, sa.select(gm.c.user_id).where(gm.c.group_id == group_id, gm.c.user_id == user_id)):
                raise not_found("membership", f"user {user_id} in group {group_id}")
