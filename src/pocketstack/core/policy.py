"""One policy engine for every service, built on oslo.policy.

Each service registers its upstream defaults (``policies.py``: data, with scope
types) into its own enforcer, as each upstream service has its own rule namespace.
Operators override rules with ``<data_dir>/policy.yaml`` (read by every service)
and ``<data_dir>/policy.d/<service>/*.yaml`` (one service only); both are re-read
when they change, by every process.
"""

from __future__ import annotations

import inspect
import logging
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from oslo_config import cfg
from oslo_policy import _checks
from oslo_policy import policy as oslo_policy

from pocketstack.core.context import RequestContext
from pocketstack.core.errors import PolicyDenied

RuleDefault = oslo_policy.RuleDefault
DocumentedRuleDefault = oslo_policy.DocumentedRuleDefault

# oslo.policy logs every file it fails to find at DEBUG; keep our logs readable.
logging.getLogger("oslo_policy").setLevel(logging.WARNING)

# oslo.policy inspects each check's __call__ signature on every evaluation to decide
# whether to pass the rule name; that inspection dominated the cost of a policy check.
# The answer depends only on the check's class, so remember it per class.
_wants_rule_name: dict[type, bool] = {}


def _check_with_cached_signature(rule: Any, target: Any, creds: Any, enforcer: Any, current_rule: str | None) -> bool:
    kind = type(rule)
    wants = _wants_rule_name.get(kind)
    if wants is None:
        wants = _wants_rule_name[kind] = len(inspect.getfullargspec(rule.__call__).args) > 4
    if wants:
        return bool(rule(target, creds, enforcer, current_rule))
    return bool(rule(target, creds, enforcer))


_checks._check = _check_with_cached_signature

# The first rule parsed asks stevedore for third-party check plugins, which scans every
# installed package's entry points (a quarter of a second at start-up).  pocketstack
# supports oslo.policy's built-in checks only.
if _checks.extension_checks is None:
    _checks.extension_checks = {}


def rule(
    name: str,
    check_str: str,
    scope_types: Iterable[str] | None = None,
    description: str = "",
) -> oslo_policy.RuleDefault:
    """Shorthand used by every ``policies.py``."""
    return oslo_policy.RuleDefault(
        name,
        check_str,
        description=description or name,
        scope_types=list(scope_types) if scope_types else None,
    )


def flatten(target: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"target": {"user": {"id": 1}}}`` → ``{"target.user.id": 1}`` (plus the originals);
    None values are left out.

    Upstream rules name target attributes with dotted paths (``%(target.user.id)s``);
    oslo.policy looks them up as flat keys.
    """
    out: dict[str, Any] = {}
    for key, value in target.items():
        if value is None:
            # Absent, not "None": oslo.policy compares str(None) == "None", so a
            # None-valued domain_id would match a token without a domain.
            continue
        name = f"{prefix}{key}"
        out[name] = value
        if isinstance(value, Mapping):
            out.update(flatten(value, name + "."))
    return out


class PolicyEngine:
    """The enforcer of one service."""

    def __init__(
        self,
        service: str,
        defaults: Iterable[oslo_policy.RuleDefault],
        data_dir: Path | None = None,
    ) -> None:
        self.service = service
        self._defaults = list(defaults)
        self._data_dir = data_dir
        self._enforcer: oslo_policy.Enforcer | None = None
        self._built = threading.Lock()
        self._checked_at = 0.0
        self._lock = threading.Lock()

    @property
    def enforcer(self) -> oslo_policy.Enforcer:
        """The oslo.policy enforcer, built on first use: registering a service's hundreds
        of defaults is a noticeable part of a start, and a request to that service may
        never come."""
        enforcer = self._enforcer
        if enforcer is None:
            with self._built:
                if self._enforcer is None:
                    self._enforcer = self._build()
                    self._checked_at = time.monotonic()
                enforcer = self._enforcer
        return enforcer

    def _build(self) -> oslo_policy.Enforcer:
        conf = cfg.ConfigOpts()
        conf([], project=f"pocketstack-{self.service}", default_config_files=[], default_config_dirs=[])
        data_dir = self._data_dir
        policy_file = str(data_dir / "policy.yaml") if data_dir else "policy.yaml"
        enforcer = oslo_policy.Enforcer(conf, policy_file=policy_file, use_conf=True)
        policy_dirs = [str(data_dir / "policy.d" / self.service)] if data_dir else []
        conf.set_override("policy_dirs", policy_dirs, "oslo_policy")
        enforcer.register_defaults(self._defaults)
        enforcer.load_rules()
        # oslo.policy re-stats the policy files on every check; do that at most once a
        # second instead (an edited policy.yaml still applies within a second).
        enforcer.use_conf = False
        return enforcer

    def _refresh(self) -> None:
        enforcer = self.enforcer
        now = time.monotonic()
        if now - self._checked_at < 1.0:
            return
        with self._lock:
            self._checked_at = now
            enforcer.use_conf = True
            try:
                enforcer.load_rules()
            finally:
                enforcer.use_conf = False

    def check(self, rule_name: str, ctx: RequestContext, target: Mapping[str, Any] | None = None) -> bool:
        self._refresh()
        creds = ctx.policy_creds()
        try:
            return bool(self.enforcer.authorize(rule_name, flatten(target or {}), creds))
        except oslo_policy.InvalidScope:
            return False

    def check_or_default(self, rule_name: str, ctx: RequestContext, target: Mapping[str, Any] | None = None) -> bool:
        """Like :meth:`check`, but a rule nobody registered falls back to the ``default``
        rule (oslo.policy's ``enforce`` semantics, which Neutron's attribute rules rely on)."""
        self._refresh()
        try:
            return bool(self.enforcer.enforce(rule_name, flatten(target or {}), ctx.policy_creds()))
        except (oslo_policy.InvalidScope, oslo_policy.PolicyNotAuthorized):
            return False

    def has_rule(self, rule_name: str) -> bool:
        self._refresh()
        return rule_name in self.enforcer.rules

    def authorize(self, rule_name: str, ctx: RequestContext, target: Mapping[str, Any] | None = None) -> None:
        """Raise :class:`PolicyDenied` unless ``ctx`` may do ``rule_name`` on ``target``."""
        if not self.check(rule_name, ctx, target):
            raise PolicyDenied(rule_name)

    @property
    def rule_names(self) -> list[str]:
        return sorted(self.enforcer.registered_rules)
