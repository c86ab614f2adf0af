"""Neutron's way of applying policy, on the service's shared policy engine.

* An action is allowed when its rule passes *and* the rule of every attribute the
  request explicitly sets (``create_network:shared``), and of sub-attributes
  (``create_port:fixed_ips:ip_address``).  Rules nobody registered fall back to
  the ``default`` rule, as oslo.policy does for Neutron.
* Reading hides attributes whose ``get_<resource>:<attribute>`` rule fails.
* A caller refused an update/delete who may not even see the resource gets a 404.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from oslo_policy import _checks

from pocketstack.core.context import RequestContext
from pocketstack.core.errors import PolicyDenied
from pocketstack.core.policy import PolicyEngine
from pocketstack.services.network.attributes import NOT_SPECIFIED, Resource
from pocketstack.services.network.errors import not_found
from pocketstack.services.network.policies import FieldCheck


@dataclass(frozen=True)
class Caller:
    """Who a manager works for: the project scoping queries and whether it sees all."""

    project_id: str | None
    is_admin: bool
    ctx: RequestContext | None = None

    @classmethod
    def system(cls) -> Caller:
        return cls(project_id=None, is_admin=True)


_FORMAT_KEY = re.compile(r"%\(([^)]*)\)s")


def _target_keys(check: Any, rules: Mapping[str, Any], seen: set[str]) -> set[str] | None:
    """The target keys a parsed rule can read; None when it cannot be told."""
    if isinstance(check, _checks.TrueCheck | _checks.FalseCheck):
        return set()
    if isinstance(check, _checks.AndCheck | _checks.OrCheck):
        out: set[str] = set()
        for sub in check.rules:
            keys = _target_keys(sub, rules, seen)
            if keys is None:
                return None
            out |= keys
        return out
    if isinstance(check, _checks.NotCheck):
        return _target_keys(check.rule, rules, seen)
    if isinstance(check, _checks.RuleCheck):
        if check.match in seen:
            return set()
        seen.add(check.match)
        name = check.match if check.match in rules else "default"
        return _target_keys(rules[name], rules, seen) if name in rules else set()
    if isinstance(check, FieldCheck):
        return {check.field}
    if isinstance(check, _checks.RoleCheck | _checks.GenericCheck):
        return set(_FORMAT_KEY.findall(check.match))
    return None


@dataclass
class Memo:
    """Policy decisions of one request, keyed by the target values each rule reads:
    a page of 100 ports owned by one project costs one check per rule, not 100."""

    decisions: dict[tuple[Any, ...], bool] = field(default_factory=dict)
    keys: dict[str, tuple[str, ...] | None] = field(default_factory=dict)


class Access:
    def __init__(self, engine: PolicyEngine) -> None:
        self.engine = engine
        # rule name -> (the parsed rule, the target keys it reads); a reloaded policy
        # file yields new rule objects, so a stale entry is never used
        self._key_cache: dict[str, tuple[Any, tuple[str, ...] | None]] = {}

    def _keys(self, rule: str, memo: Memo) -> tuple[str, ...] | None:
        if rule not in memo.keys:
            rules = self.engine.enforcer.rules
            name = rule if rule in rules else "default"
            check = dict.get(rules, name)  # not rules[name]: oslo's Rules falls back to "default"
            cached = self._key_cache.get(rule)
            if cached is not None and cached[0] is check:  # the same parsed rule as before
                memo.keys[rule] = cached[1]
            else:
                found = _target_keys(check, rules, {name}) if check is not None else None
                memo.keys[rule] = tuple(sorted(found)) if found is not None else None
                self._key_cache[rule] = (check, memo.keys[rule])
        return memo.keys[rule]

    def allowed_memo(self, ctx: RequestContext, rule: str, target: Mapping[str, Any], memo: Memo) -> bool:
        keys = self._keys(rule, memo)
        if keys is None:
            return self.allowed(ctx, rule, target)
        key = (rule, *(repr(target.get(k)) for k in keys))
        if key not in memo.decisions:
            memo.decisions[key] = self.allowed(ctx, rule, target)
        return memo.decisions[key]

    def caller(self, ctx: RequestContext) -> Caller:
        return Caller(project_id=ctx.project_id, is_admin=self.allowed(ctx, "context_is_admin", {}), ctx=ctx)

    def allowed(self, ctx: RequestContext, rule: str, target: Mapping[str, Any]) -> bool:
        return self.engine.check_or_default(rule, ctx, target)

    def exists(self, rule: str) -> bool:
        return self.engine.has_rule(rule)

    def rules_for(
        self,
        action: str,
        target: Mapping[str, Any],
        resource: Resource | None,
        updated: Sequence[str] | None = None,
    ) -> list[str]:
        """The action's rule plus the attribute rules the target triggers (upstream's match rule)."""
        rules = [action]
        if resource is None:
            return rules
        for name in resource.explicitly_set(target, updated):
            attr = resource.attrs[name]
            rules.append(f"{action}:{name}")
            value = target[name]
            if attr.sub_kind == "dict" and isinstance(value, dict):
                rules += [f"{action}:{name}:{sub}" for sub in attr.sub_attrs if sub in value]
            elif isinstance(value, list):
                keys: list[str] = []
                for item in value:
                    if isinstance(item, dict):
                        keys += [k for k in item if k not in keys]
                rules += [f"{action}:{name}:{k}" for k in keys]
        return rules

    def enforce(
        self,
        ctx: RequestContext,
        action: str,
        target: Mapping[str, Any],
        resource: Resource | None = None,
        updated: Sequence[str] | None = None,
        show_action: str | None = None,
        explicit: Mapping[str, Any] | None = None,
    ) -> None:
        """Raise 403 (or 404 when ``show_action`` is given and also refused) unless allowed.

        ``explicit`` is the request's own attributes when ``target`` also carries facts
        about the parent (attribute rules come from the request alone)."""
        clean = {k: v for k, v in target.items() if v is not NOT_SPECIFIED}
        source = {k: v for k, v in (explicit if explicit is not None else target).items() if v is not NOT_SPECIFIED}
        rules = self.rules_for(action, source, resource, updated)
        if all(self.allowed(ctx, r, clean) for r in rules):
            return
        if show_action is not None and not self.allowed(ctx, show_action, clean):
            raise not_found()
        text = " and ".join(f"rule:{r}" for r in rules)
        if len(rules) > 1:
            text = f"({text})"
        raise PolicyDenied(action, f"{text} is disallowed by policy")

    def hidden(self, ctx: RequestContext, resource: str, item: Mapping[str, Any], memo: Memo | None = None) -> set[str]:
        """Attributes of ``item`` the caller may not see (``get_<resource>:<attr>`` refused)."""
        memo = memo if memo is not None else Memo()
        out: set[str] = set()
        for name in item:
            rule = f"get_{resource}:{name}"
            if self.exists(rule) and not self.allowed_memo(ctx, rule, item, memo):
                out.add(name)
                if name == "project_id":
                    out.add("tenant_id")
        return out
