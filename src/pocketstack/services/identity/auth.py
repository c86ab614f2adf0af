"""``POST /v3/auth/tokens``: authenticate by each method, resolve the scope, issue."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pocketstack.core.context import RequestContext
from pocketstack.core.errors import BadRequest, NotFound, Unauthorized
from pocketstack.core.timeutils import to_timestamp, utcnow
from pocketstack.services.identity import passwords as pw
from pocketstack.services.identity.appcreds import get_app_cred_row
from pocketstack.services.identity.errors import AUTH_REQUIRED, forbidden_action, unauthorized
from pocketstack.services.identity.identities import current_password
from pocketstack.services.identity.resource import get_domain_row, get_project_row
from pocketstack.services.identity.store import one
from pocketstack.services.identity.tokens import Payload, new_audit_id
from pocketstack.services.identity.trusts import live_trust, trust_not_found, trust_scope

if TYPE_CHECKING:
    from pocketstack.services.identity.service import IdentityService

import sqlalchemy as sa

from pocketstack.services.identity import models as m

SUPPORTED = ("password", "token", "application_credential")


def _freeze(value: Any, drop: str | None = None) -> Any:
    """A hashable copy of a JSON value (a memo key); ``drop`` leaves out one dict key."""
    if isinstance(value, Mapping):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items() if k != drop))
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


@dataclass
class Authenticated:
    user_id: str
    methods: list[str]
    expires_at: float | None = None  # capped by the token being rescoped
    audit_chain: str | None = None
    app_cred: dict[str, Any] | None = None
    from_token: RequestContext | None = None


class Authenticator:
    def __init__(self, svc: IdentityService) -> None:
        self.svc = svc

    async def issue(self, auth: Mapping[str, Any]) -> tuple[str, RequestContext]:
        """Authenticate ``auth`` (the body's ``auth`` object); return the token and its context."""
        who = await self._identify(auth["identity"])
        scope = self._resolve_scope(who, auth.get("scope"))
        now = time.time()
        ttl = self.svc.settings.identity.token_expiration
        expires = now + ttl
        if who.expires_at is not None:
            expires = min(expires, who.expires_at)
        if who.app_cred and who.app_cred["expires_at"] is not None:
            expires = min(expires, to_timestamp(who.app_cred["expires_at"]))
        audit_ids = (new_audit_id(),) if who.audit_chain is None else (new_audit_id(), who.audit_chain)
        payload = Payload(
            user_id=who.user_id,
            methods=tuple(dict.fromkeys(who.methods)),
            scope_type=scope[0] if scope else None,
            scope_id=scope[1] if scope else None,
            issued_at=now,
            expires_at=expires,
            audit_ids=audit_ids,
            app_cred_id=who.app_cred["id"] if who.app_cred else None,
        )
        token = self.svc.tokens.issue(payload)
        try:
            ctx = self.svc.tokens.build_context(None, payload, token)
        except Unauthorized:
            raise self._no_access(who.user_id, scope) from None
        return token, ctx

    # -- who ---------------------------------------------------------------------------

    async def _identify(self, identity: Mapping[str, Any]) -> Authenticated:
        methods = identity.get("methods") or []
        if not methods or any(x not in SUPPORTED for x in methods):
            raise Unauthorized("Attempted to authenticate with an unsupported method.")
        result: Authenticated | None = None
        for method in methods:
            if method not in identity:
                raise BadRequest(
                    f"Expecting to find {method} in identity. The server could not comply "
                    "with the request since it is either malformed or otherwise incorrect. "
                    "The client is assumed to be in error."
                )
            if method == "password":
                step = await self._password(identity["password"])
            elif method == "token":
                step = self._token(identity["token"])
            else:
                step = await self._app_cred(identity["application_credential"])
            if result is not None and result.user_id != step.user_id:
                raise unauthorized("User IDs do not match across authentication methods.")
            if result is None:
                result = step
            else:
                result.methods.extend(step.methods)
                result.expires_at = step.expires_at or result.expires_at
                result.audit_chain = step.audit_chain or result.audit_chain
                result.app_cred = step.app_cred or result.app_cred
                result.from_token = step.from_token or result.from_token
        assert result is not None
        return result

    def _find_user(self, conn: Any, ref: Mapping[str, Any]) -> dict[str, Any] | None:
        users = m.users
        if "id" in ref:
            return one(conn, sa.select(users).where(users.c.id == ref["id"]))
        domain_ref = ref.get("domain")
        if not domain_ref:
            raise BadRequest(
                "Expecting to find domain in user. The server could not comply with "
                "the request since it is either malformed or otherwise incorrect. "
                "The client is assumed to be in error."
            )
        domain = self._find_domain(conn, domain_ref)
        if domain is None:
            return None
        return one(conn, sa.select(users).where(users.c.name == ref.get("name"), users.c.domain_id == domain["id"]))

    @staticmethod
    def _find_domain(conn: Any, ref: Mapping[str, Any]) -> dict[str, Any] | None:
        p = m.projects
        if "id" in ref:
            return get_domain_row(conn, ref["id"])
        return one(conn, sa.select(p).where(p.c.name == ref.get("name"), p.c.is_domain.is_(True)))

    async def _password(self, body: Mapping[str, Any]) -> Authenticated:
        ref = body.get("user") or {}
        if "id" not in ref and "name" not in ref:
            raise BadRequest("Invalid input for field identity/password/user: id or name must be present.")
        user, password_row, domain = self.svc.tokens.memo.get(
            ("password-user", _freeze(ref, drop="password")), lambda: self._load_password_user(ref)
        )
        if user is not None and self.svc.settings.identity.security_compliance.lockout_failure_attempts:
            user = self._fresh_user(user["id"])  # failed-login counters change without a revision
        secret = ref.get("password")
        if user is None or not isinstance(secret, str):
            raise unauthorized()
        identities = self.svc.identities
        if identities.is_locked(user):
            raise unauthorized(f"The account is locked for user: {user['id']}.")
        lockout = bool(self.svc.settings.identity.security_compliance.lockout_failure_attempts)
        if password_row is None or not await pw.check_secret_async(secret, password_row["password_hash"]):
            if lockout:
                identities.record_failed_auth(user["id"])
            raise unauthorized()
        if not user["enabled"]:
            raise unauthorized(f"The account is disabled for user: {user['id']}.")
        if domain is None or not domain["enabled"]:
            raise unauthorized(f"Domain is disabled: {user['domain_id']}")
        if password_row["expires_at"] is not None and password_row["expires_at"] <= utcnow():
            raise unauthorized(f"The password is expired and needs to be changed for user: {user['id']}.")
        if lockout and user["failed_auth_count"]:
            identities.reset_failed_auth(user["id"])
        return Authenticated(user_id=user["id"], methods=["password"])

    def _load_password_user(
        self, ref: Mapping[str, Any]
    ) -> tuple[dict[str, Any] | None, dict[str, Any] | None, dict[str, Any] | None]:
        with self.svc.db.read() as conn:
            user = self._find_user(conn, ref)
            if user is None:
                return None, None, None
            return user, current_password(conn, user["id"]), get_domain_row(conn, user["domain_id"])

    def _fresh_user(self, user_id: str) -> dict[str, Any] | None:
        with self.svc.db.read() as conn:
            return one(conn, sa.select(m.users).where(m.users.c.id == user_id))

    def _token(self, body: Mapping[str, Any]) -> Authenticated:
        token = body.get("id")
        if not token:
            raise BadRequest("Expecting to find id in token.")
        try:
            ctx = self.svc.tokens.validate(token)
        except Unauthorized:
            raise NotFound("Failed to validate token", kind="TokenNotFound") from None
        if ctx.extras.get("trust"):
            raise forbidden_action(
                "Using trust-scoped token to create another token. Create a new trust-scoped token instead"
            )
        return Authenticated(
            user_id=ctx.user_id,
            methods=["token", *ctx.methods],
            expires_at=ctx.expires_at,
            audit_chain=ctx.audit_ids[-1] if ctx.audit_ids else None,
            app_cred=self._app_cred_row(ctx.app_cred_id) if ctx.app_cred_id else None,
            from_token=ctx,
        )

    def _app_cred_row(self, app_cred_id: str) -> dict[str, Any] | None:
        with self.svc.db.read() as conn:
            return get_app_cred_row(conn, app_cred_id)

    async def _app_cred(self, body: Mapping[str, Any]) -> Authenticated:
        ac = m.app_creds
        with self.svc.db.read() as conn:
            if "id" in body:
                cred = get_app_cred_row(conn, body["id"])
            else:
                user = self._find_user(conn, body.get("user") or {})
                cred = (
                    one(conn, sa.select(ac).where(ac.c.user_id == user["id"], ac.c.name == body.get("name")))
                    if user
                    else None
                )
        if cred is None or not isinstance(body.get("secret"), str):
            raise unauthorized("Error authenticating with application credential: could not find it.")
        if not await pw.check_secret_async(body["secret"], cred["secret_hash"]):
            raise unauthorized()
        if cred["expires_at"] is not None and cred["expires_at"] <= utcnow():
            raise unauthorized(
                f"Error authenticating with application credential: Application credential {cred['id']} has expired."
            )
        return Authenticated(user_id=cred["user_id"], methods=["application_credential"], app_cred=cred)

    # -- where -------------------------------------------------------------------------

    def _resolve_scope(self, who: Authenticated, scope: Any) -> tuple[str, str] | None:
        if who.app_cred is not None:
            wanted = self._explicit_scope(scope) if isinstance(scope, dict) else None
            if who.from_token is not None and scope:
                raise forbidden_action("Using an application credential token to create a scoped token is not allowed")
            project_id = who.app_cred["project_id"]
            if wanted is not None and wanted != ("project", project_id):
                raise forbidden_action("Application credentials cannot request a scope")
            return ("project", project_id)
        if isinstance(scope, dict) and "OS-TRUST:trust" in scope:
            return self._trust_scope(who, scope["OS-TRUST:trust"])
        if scope is None:
            source = who.from_token
            if source is not None:
                # rescoping without a scope keeps the original scope
                if source.project_id:
                    return ("project", source.project_id)
                if source.domain_id:
                    return ("domain", source.domain_id)
                if source.system_scope:
                    return ("system", "all")
                return None
            return self._default_project(who.user_id)
        if scope == "unscoped" or (isinstance(scope, dict) and "unscoped" in scope):
            return None
        if not isinstance(scope, dict):
            raise BadRequest("Invalid input for field 'scope'.")
        resolved = self._explicit_scope(scope)
        source = who.from_token
        if source is not None and source.system_scope and resolved and resolved[0] != "system":
            raise forbidden_action(
                "Using a system-scoped token to create a project-scoped or domain-scoped token is not allowed"
            )
        return resolved

    def _trust_scope(self, who: Authenticated, ref: Any) -> tuple[str, str]:
        """OS-TRUST: the trustee asks for a token of the trust (which uses it once)."""
        trust_id = ref.get("id") if isinstance(ref, dict) else None
        if not trust_id:
            raise BadRequest(
                "Expecting to find trust_id in trust. The server could not comply with the request "
                "since it is either malformed or otherwise incorrect. The client is assumed to be in error."
            )
        with self.svc.db.read() as conn:
            if live_trust(conn, trust_id) is None:
                raise trust_not_found(trust_id)
            trust_scope(conn, self.svc.assignments, who.user_id, trust_id)  # 403/404 as Keystone
        self.svc.trusts.consume(trust_id)
        return ("trust", trust_id)

    def _explicit_scope(self, scope: Mapping[str, Any]) -> tuple[str, str] | None:
        if "OS-TRUST:trust" in scope:
            raise forbidden_action("Trusts are not supported by this cloud")
        return self.svc.tokens.memo.get(("scope", _freeze(scope)), lambda: self._load_scope(scope))

    def _load_scope(self, scope: Mapping[str, Any]) -> tuple[str, str] | None:
        with self.svc.db.read() as conn:
            if "project" in scope:
                ref = scope["project"]
                if "id" in ref:
                    project = get_project_row(conn, ref["id"])
                else:
                    domain_ref = ref.get("domain")
                    if not domain_ref:
                        raise BadRequest(
                            "Expecting to find domain in project. The server could not "
                            "comply with the request since it is either malformed or "
                            "otherwise incorrect. The client is assumed to be in error."
                        )
                    domain = self._find_domain(conn, domain_ref)
                    if domain is None:
                        raise unauthorized(f"Could not find domain: {domain_ref.get('id') or domain_ref.get('name')}.")
                    p = m.projects
                    project = one(
                        conn,
                        sa.select(p).where(
                            p.c.name == ref.get("name"), p.c.domain_id == domain["id"], p.c.is_domain.is_(False)
                        ),
                    )
                if project is None:
                    raise unauthorized(f"Could not find project: {ref.get('id') or ref.get('name')}.")
                if not project["enabled"]:
                    raise unauthorized(f"Project is disabled: {project['id']}")
                return ("project", project["id"])
            if "domain" in scope:
                domain = self._find_domain(conn, scope["domain"])
                if domain is None:
                    ref = scope["domain"]
                    raise unauthorized(f"Could not find domain: {ref.get('id') or ref.get('name')}.")
                if not domain["enabled"]:
                    raise unauthorized(f"Domain is disabled: {domain['id']}")
                return ("domain", domain["id"])
            if "system" in scope:
                system = scope["system"]
                if isinstance(system, dict) and system.get("all") in (True, "true", "True", "1"):
                    return ("system", "all")
                raise BadRequest("Invalid input for field 'scope/system': only 'all' is supported.")
        return None

    def _default_project(self, user_id: str) -> tuple[str, str] | None:
        return self.svc.tokens.memo.get(("default-project", user_id), lambda: self._load_default_project(user_id))

    def _load_default_project(self, user_id: str) -> tuple[str, str] | None:
        with self.svc.db.read() as conn:
            user = one(conn, sa.select(m.users).where(m.users.c.id == user_id))
            project_id = user["default_project_id"] if user else None
            if not project_id:
                return None
            project = get_project_row(conn, project_id)
            if project is None or not project["enabled"]:
                return None
            if not self.svc.assignments.effective_roles(conn, user_id, "project", project_id):
                return None
        return ("project", project_id)

    @staticmethod
    def _no_access(user_id: str, scope: tuple[str, str] | None) -> Unauthorized:
        if scope is None:
            return unauthorized(AUTH_REQUIRED)
        if scope[0] == "system":
            return unauthorized(f"User {user_id} has no access to the system")
        return unauthorized(f"User {user_id} has no access to {scope[0]} {scope[1]}")
