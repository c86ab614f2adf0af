"""Fernet tokens: issue, decode, validate (with a revision-checked cache), revoke.

Why Fernet: a token is an encrypted, authenticated payload (user, methods, scope,
times, audit ids), so issuing one writes nothing to the database and any process
holding the keys can validate it — across restarts and across several processes.
Where the keys live: in the database (``identity_fernet_keys``) rather than in files,
so every process that shares the database — on this host or another, SQLite today,
PostgreSQL later — shares the keys with no extra distribution step.

Validation re-checks what can change after issue: revocation events, the user and
scope still enabled, the roles still granted, the application credential still there.
The result is cached per process until the ``identity`` revision moves (any identity
write, in any process, moves it) or the token expires.
"""

from __future__ import annotations

import base64
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import orjson
import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy.engine import Connection

from pocketstack.core.context import AccessRule, RequestContext
from pocketstack.core.db import Database
from pocketstack.core.errors import ApiError
from pocketstack.core.timeutils import from_timestamp, utcnow
from pocketstack.services.identity import models as m
from pocketstack.services.identity.appcreds import get_app_cred_row, rules_for
from pocketstack.services.identity.assignment import Assignments
from pocketstack.services.identity.errors import unauthorized
from pocketstack.services.identity.identities import password_expiry
from pocketstack.services.identity.resource import get_domain_row, get_project_row
from pocketstack.services.identity.store import REVISION, Memo, one
from pocketstack.services.identity.trusts import trust_scope

PAYLOAD_VERSION = 1
_METHODS = ("password", "token", "application_credential", "totp", "mapped", "oauth1")
_CACHE_LIMIT = 20000


def new_audit_id() -> str:
    return base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("=")


@dataclass(frozen=True)
class Payload:
    user_id: str
    methods: tuple[str, ...]
    scope_type: str | None  # "project" | "domain" | "system" | None (unscoped)
    scope_id: str | None
    issued_at: float  # seconds since the epoch, microsecond precision
    expires_at: float
    audit_ids: tuple[str, ...]
    app_cred_id: str | None = None

    def encode(self) -> bytes:
        bits = sum(1 << _METHODS.index(x) for x in self.methods if x in _METHODS)
        return orjson.dumps(
            [
                PAYLOAD_VERSION,
                self.user_id,
                bits,
                self.scope_type,
                self.scope_id,
                round(self.issued_at * 1e6),
                int(self.expires_at),
                list(self.audit_ids),
                self.app_cred_id,
            ]
        )

    @classmethod
    def decode(cls, raw: bytes) -> Payload:
        data = orjson.loads(raw)
        if not isinstance(data, list) or not data or data[0] != PAYLOAD_VERSION:
            raise ValueError("unknown token payload")
        _, user_id, bits, scope_type, scope_id, issued_us, expires, audit_ids, app_cred = data
        methods = tuple(x for i, x in enumerate(_METHODS) if bits & (1 << i))
        return cls(user_id, methods, scope_type, scope_id, issued_us / 1e6, float(expires), tuple(audit_ids), app_cred)


@dataclass
class _Entry:
    revision: int
    ctx: RequestContext


@dataclass
class KeyRing:
    """The Fernet keys, read from the database once and again after a decrypt miss."""

    db: Database
    _fernet: MultiFernet | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def ensure(self, conn: Connection) -> None:
        """Create the first key (bootstrap)."""
        if one(conn, sa.select(m.fernet_keys.c.id).limit(1)) is None:
            conn.execute(m.fernet_keys.insert().values(key=Fernet.generate_key().decode(), created_at=utcnow()))

    def _load(self) -> MultiFernet:
        with self.db.read() as conn:
            keys = [r[0] for r in conn.execute(sa.select(m.fernet_keys.c.key).order_by(m.fernet_keys.c.id.desc()))]
        if not keys:
            raise RuntimeError("no Fernet keys: the identity bootstrap has not run")
        return MultiFernet([Fernet(k.encode()) for k in keys])

    def fernet(self, reload: bool = False) -> MultiFernet:
        with self._lock:
            if self._fernet is None or reload:
                self._fernet = self._load()
            return self._fernet

    def rotate(self) -> None:
        """Add a new primary key; older keys keep decrypting until removed."""
        with self.db.write() as conn:
            conn.execute(m.fernet_keys.insert().values(key=Fernet.generate_key().decode(), created_at=utcnow()))
        self.fernet(reload=True)


class TokenProvider:
    def __init__(self, db: Database, assignments: Assignments, settings: Any) -> None:
        self.db = db
        self.assignments = assignments
        self.settings = settings
        self.keys = KeyRing(db)
        self.memo = Memo(db)
        self._cache: dict[str, _Entry] = {}

    # -- issue / decode ------------------------------------------------------------

    def issue(self, payload: Payload) -> str:
        return self.keys.fernet().encrypt(payload.encode()).decode().rstrip("=")

    def decode(self, token: str) -> Payload:
        raw = token.encode() + b"=" * (-len(token) % 4)
        try:
            data = self._decrypt(raw)
            return Payload.decode(data)
        except (InvalidToken, ValueError, TypeError):
            raise unauthorized() from None

    def _decrypt(self, raw: bytes) -> bytes:
        try:
            return self.keys.fernet().decrypt(raw)
        except InvalidToken:
            # Another process may have rotated the keys since we loaded them.
            return self.keys.fernet(reload=True).decrypt(raw)

    # -- validate -------------------------------------------------------------------

    def validate(self, token: str, allow_expired: bool = False) -> RequestContext:
        """The context behind a token, or 401 if it is not valid now."""
        now = time.time()
        entry = self._cache.get(token)
        fresh = entry is not None and (entry.ctx.expires_at > now or allow_expired)
        if fresh and entry is not None and entry.revision == self.db.revision(REVISION):
            return entry.ctx
        payload = self.decode(token)
        if payload.expires_at <= now:
            window = self.settings.identity.allow_expired_window
            if not allow_expired or payload.expires_at + window <= now:
                raise unauthorized()
        with self.db.read() as conn:
            revision = self.db.revision(REVISION, conn)
            ctx = self.build_context(conn, payload, token)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache = {k: v for k, v in self._cache.items() if v.ctx.expires_at > now}
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
        self._cache[token] = _Entry(revision, ctx)
        return ctx

    def build_context(self, conn: Connection | None, payload: Payload, token: str) -> RequestContext:
        """The caller a token stands for, as of now; 401 if it no longer stands.

        With ``conn`` the token's revocation events are checked in that transaction;
        without (a token issued this instant) they are not.
        """
        if conn is not None and self._revoked(conn, payload):
            raise unauthorized()
        key = (payload.user_id, payload.scope_type, payload.scope_id, payload.app_cred_id)
        base = self.memo.get(("context", *key), lambda: self._load_identity(conn, key))
        if base is None:
            raise unauthorized()
        cred_expiry = base.extras.get("app_cred_expires_at")
        if cred_expiry is not None and cred_expiry <= utcnow():
            raise unauthorized()
        return replace(
            base,
            methods=payload.methods,
            audit_ids=payload.audit_ids,
            expires_at=payload.expires_at,
            issued_at=payload.issued_at,
            auth_token=token,
        )

    def _load_identity(self, conn: Connection | None, key: tuple[Any, ...]) -> RequestContext | None:
        if conn is not None:
            return self._identity(conn, *key)
        with self.db.read() as fresh:
            return self._identity(fresh, *key)

    def _identity(
        self, conn: Connection, user_id: str, scope_type: str | None, scope_id: str | None, app_cred_id: str | None
    ) -> RequestContext | None:
        """Everything a token's context holds that comes from identity data (cacheable
        until the next identity write); None when the token would not be valid."""
        user = one(conn, sa.select(m.users).where(m.users.c.id == user_id))
        if user is None or not user["enabled"]:
            return None
        user_domain = get_domain_row(conn, user["domain_id"])
        if user_domain is None or not user_domain["enabled"]:
            return None
        extras: dict[str, Any] = {
            "password_expires_at": password_expiry(conn, [user["id"]])[user["id"]],
        }
        scope: dict[str, Any] = {}
        roles: list[dict[str, Any]] = []
        if scope_type == "project":
            project = get_project_row(conn, scope_id or "")
            if project is None or not project["enabled"]:
                return None
            pdomain = get_domain_row(conn, project["domain_id"])
            if pdomain is None or not pdomain["enabled"]:
                return None
            roles = self.assignments.effective_roles(conn, user["id"], "project", project["id"])
            scope = {
                "project_id": project["id"],
                "project_name": project["name"],
                "project_domain_id": pdomain["id"],
                "project_domain_name": pdomain["name"],
            }
        elif scope_type == "domain":
            domain = get_domain_row(conn, scope_id or "")
            if domain is None or not domain["enabled"]:
                return None
            roles = self.assignments.effective_roles(conn, user["id"], "domain", domain["id"])
            scope = {"domain_id": domain["id"], "domain_name": domain["name"]}
        elif scope_type == "system":
            roles = self.assignments.effective_roles(conn, user["id"], "system", "all")
            scope = {"system_scope": "all"}
        elif scope_type == "trust":  # OS-TRUST: the trustee acts with the delegated roles
            try:
                found = trust_scope(conn, self.assignments, user["id"], scope_id or "")
            except ApiError:
                return None
            user, user_domain, roles = found.user, found.user_domain, found.roles
            extras = {"password_expires_at": password_expiry(conn, [user["id"]])[user["id"]], "trust": found.info}
            if found.project is not None and found.project_domain is not None:
                scope = {
                    "project_id": found.project["id"],
                    "project_name": found.project["name"],
                    "project_domain_id": found.project_domain["id"],
                    "project_domain_name": found.project_domain["name"],
                }
        app_cred: dict[str, Any] = {}
        if app_cred_id:
            cred = get_app_cred_row(conn, app_cred_id)
            if cred is None or cred["user_id"] != user["id"]:
                return None
            allowed = set(cred["roles"] or [])
            # the credential keeps the roles it was created with while the user still has them
            roles = [r for r in roles if r["id"] in allowed]
            if not roles:
                return None
            rules = rules_for(conn, [cred["id"]])[cred["id"]]
            app_cred = {
                "app_cred_id": cred["id"],
                "app_cred_unrestricted": bool(cred["unrestricted"]),
                "access_rules": tuple(AccessRule(x["service"], x["method"], x["path"], x["id"]) for x in rules)
                if rules
                else None,
            }
            extras["app_cred_name"] = cred["name"]
            extras["app_cred_expires_at"] = cred["expires_at"]
        if scope_type is not None and not roles:
            return None
        return RequestContext(
            user_id=user["id"],
            user_name=user["name"],
            user_domain_id=user_domain["id"],
            user_domain_name=user_domain["name"],
            roles=tuple(r["name"] for r in roles),
            role_ids=tuple(r["id"] for r in roles),
            is_admin_project=True,
            extras=extras,
            **scope,
            **app_cred,
        )

    def _revoked(self, conn: Connection, payload: Payload) -> bool:
        rv = m.revocations
        issued = from_timestamp(payload.issued_at)
        candidates = [rv.c.user_id == payload.user_id]
        if payload.audit_ids:
            candidates.append(rv.c.audit_id == payload.audit_ids[0])
            candidates.append(rv.c.audit_chain_id == payload.audit_ids[-1])
        if payload.scope_type == "project" and payload.scope_id:
            candidates.append(rv.c.project_id == payload.scope_id)
        if payload.app_cred_id:
            candidates.append(rv.c.app_cred_id == payload.app_cred_id)
        rows = conn.execute(sa.select(rv).where(sa.or_(*candidates), rv.c.issued_before >= issued)).mappings()
        token_values = {
            "user_id": payload.user_id,
            "project_id": payload.scope_id if payload.scope_type == "project" else None,
            "domain_id": payload.scope_id if payload.scope_type == "domain" else None,
            "app_cred_id": payload.app_cred_id,
        }
        for ev in rows:
            if ev["audit_id"] is not None and (not payload.audit_ids or ev["audit_id"] != payload.audit_ids[0]):
                continue
            if ev["audit_chain_id"] is not None and (
                not payload.audit_ids or ev["audit_chain_id"] != payload.audit_ids[-1]
            ):
                continue
            if all(ev[k] is None or ev[k] == v for k, v in token_values.items()):
                return True
        return False

    # -- revoke -------------------------------------------------------------------------

    def revoke(self, payload: Payload, conn: Connection) -> None:
        now = utcnow()
        conn.execute(
            m.revocations.insert().values(
                audit_id=payload.audit_ids[0] if payload.audit_ids else None,
                issued_before=now,
                revoked_at=now,
                expires_at=from_timestamp(payload.expires_at),
            )
        )

    def revoke_events(self, conn: Connection, since: Any = None) -> Sequence[dict[str, Any]]:
        stmt = sa.select(m.revocations)
        if since is not None:
            stmt = stmt.where(m.revocations.c.revoked_at >= since)
        return [dict(r) for r in conn.execute(stmt).mappings()]
