"""Who is calling: built once per request from the validated token."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any


@dataclass(frozen=True)
class AccessRule:
    service: str
    method: str
    path: str
    id: str = ""


@dataclass(frozen=True)
class RequestContext:
    user_id: str
    user_name: str
    user_domain_id: str
    user_domain_name: str
    roles: tuple[str, ...] = ()
    role_ids: tuple[str, ...] = ()
    project_id: str | None = None
    project_name: str | None = None
    project_domain_id: str | None = None
    project_domain_name: str | None = None
    domain_id: str | None = None
    domain_name: str | None = None
    system_scope: str | None = None
    is_admin_project: bool = False
    methods: tuple[str, ...] = ()
    audit_ids: tuple[str, ...] = ()
    expires_at: float = 0.0
    issued_at: float = 0.0
    auth_token: str = ""
    app_cred_id: str | None = None
    app_cred_unrestricted: bool = True
    access_rules: tuple[AccessRule, ...] | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def scope(self) -> str:
        if self.system_scope:
            return "system"
        if self.domain_id:
            return "domain"
        if self.project_id:
            return "project"
        return "unscoped"

    def has_role(self, name: str) -> bool:
        return name in self.roles

    @property
    def is_system_admin(self) -> bool:
        return self.system_scope == "all" and "admin" in self.roles

    @property
    def is_admin(self) -> bool:
        """Admin in the legacy sense services use to see everything (``context_is_admin``)."""
        return "admin" in self.roles

    @cached_property
    def _creds(self) -> dict[str, Any]:
        return self._build_creds()

    def policy_creds(self) -> dict[str, Any]:
        """The credentials dict oslo.policy checks rules against (as oslo.context makes it)."""
        return self._creds

    def _build_creds(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "user_domain_id": self.user_domain_id,
            "system_scope": self.system_scope,
            "domain_id": self.domain_id,
            "project_id": self.project_id,
            "project_domain_id": self.project_domain_id,
            "roles": list(self.roles),
            "is_admin_project": self.is_admin_project,
            "service_user_id": None,
            "service_user_domain_id": None,
            "service_project_id": None,
            "service_project_domain_id": None,
            "service_roles": [],
            # Keystone's rules also look into the token itself (token.domain.id, …)
            "token": {
                "user": {"id": self.user_id, "domain": {"id": self.user_domain_id}},
                "domain": {"id": self.domain_id},
                "project": {"id": self.project_id, "domain": {"id": self.project_domain_id}},
            },
            # legacy names some upstream rules still use
            "tenant_id": self.project_id,
            "tenant": self.project_id,
            "user": self.user_id,
        }
