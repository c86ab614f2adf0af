"""Nova's policy enforcement: the shared engine, plus ``is_admin`` in the credentials.

Nova's context carries ``is_admin`` (true when ``context_is_admin`` passes), and some
upstream rules still test it (``admin_api``: ``is_admin:True``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oslo_policy import policy as oslo_policy

from pocketstack.core.context import RequestContext
from pocketstack.core.policy import PolicyEngine, flatten


class NovaPolicyEngine(PolicyEngine):
    def check(self, rule_name: str, ctx: RequestContext, target: Mapping[str, Any] | None = None) -> bool:
        creds = ctx.extras.get("nova_creds")
        if creds is None:
            creds = {**ctx.policy_creds(), "is_admin": "admin" in ctx.roles}
            ctx.extras["nova_creds"] = creds
        try:
            return bool(self.enforcer.authorize(rule_name, flatten(target or {}), creds))
        except oslo_policy.InvalidScope:
            return False
