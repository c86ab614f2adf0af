"""Keystone's response bodies, as pure functions of rows (wire names written once here)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pocketstack.core.context import RequestContext
from pocketstack.core.timeutils import from_timestamp, iso_micro_z
from pocketstack.services.identity.assignment import Grant
from pocketstack.services.identity.store import DOMAIN_ROOT

Row = Mapping[str, Any]


def _links(base: str, path: str) -> dict[str, str]:
    return {"self": f"{base}/v3/{path}"}


def collection(key: str, items: list[Any], self_url: str, truncated: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {key: items, "links": {"self": self_url, "previous": None, "next": None}}
    if truncated:
        body["truncated"] = True
    return body


def domain(row: Row, base: str) -> dict[str, Any]:
    return {
        **(row["extra"] or {}),
        "id": row["id"],
        "name": row["name"],
        "description": row["description"] or "",
        "enabled": bool(row["enabled"]),
        "tags": list(row.get("tags") or []),
        "options": dict(row["options"] or {}),
        "links": _links(base, f"domains/{row['id']}"),
    }


def project(row: Row, base: str) -> dict[str, Any]:
    return {
        **(row["extra"] or {}),
        "id": row["id"],
        "name": row["name"],
        # a domain seen through the projects API belongs to no domain
        "domain_id": None if row["domain_id"] == DOMAIN_ROOT else row["domain_id"],
        "description": row["description"] or "",
        "enabled": bool(row["enabled"]),
        "parent_id": row["parent_id"],
        "is_domain": bool(row["is_domain"]),
        "tags": list(row.get("tags") or []),
        "options": dict(row["options"] or {}),
        "links": _links(base, f"projects/{row['id']}"),
    }


def user(row: Row, base: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        **(row["extra"] or {}),
        "id": row["id"],
        "name": row["name"],
        "domain_id": row["domain_id"],
        "enabled": bool(row["enabled"]),
        "password_expires_at": iso_seconds(row.get("password_expires_at")),
        "options": dict(row["options"] or {}),
        "links": _links(base, f"users/{row['id']}"),
    }
    if row.get("default_project_id"):
        body["default_project_id"] = row["default_project_id"]
    if row.get("description") is not None:
        body["description"] = row["description"]
    return body


def iso_seconds(dt: Any) -> str | None:
    """Keystone writes ``password_expires_at`` as ``2016-11-06T15:32:17.000000``."""
    if dt is None:
        return None
    return str(dt.strftime("%Y-%m-%dT%H:%M:%S.%f"))


def group(row: Row, base: str) -> dict[str, Any]:
    return {
        **(row["extra"] or {}),
        "id": row["id"],
        "name": row["name"],
        "domain_id": row["domain_id"],
        "description": row["description"] or "",
        "links": _links(base, f"groups/{row['id']}"),
    }


def role(row: Row, base: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        **(row["extra"] or {}),
        "id": row["id"],
        "name": row["name"],
        "domain_id": row["domain_id"],
        "options": dict(row["options"] or {}),
        "links": _links(base, f"roles/{row['id']}"),
    }
    if row.get("description") is not None:
        body["description"] = row["description"]
    return body


def role_ref(row: Row, base: str) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "links": _links(base, f"roles/{row['id']}")}


def implied_role(prior: Row, implied: Row, base: str) -> dict[str, Any]:
    return {
        "role_inference": {"prior_role": role_ref(prior, base), "implies": role_ref(implied, base)},
        "links": _links(base, f"roles/{prior['id']}/implies/{implied['id']}"),
    }


def implied_roles(prior: Row, implied: Sequence[Row], base: str) -> dict[str, Any]:
    return {
        "role_inference": {
            "prior_role": role_ref(prior, base),
            "implies": [role_ref(x, base) for x in implied],
        },
        "links": _links(base, f"roles/{prior['id']}/implies"),
    }


def role_inferences(pairs: Iterable[tuple[Row, Sequence[Row]]], base: str) -> dict[str, Any]:
    return {
        "role_inferences": [
            {"prior_role": role_ref(p, base), "implies": [role_ref(x, base) for x in imps]} for p, imps in pairs
        ],
        "links": {"self": f"{base}/v3/role_inferences", "previous": None, "next": None},
    }


def region(row: Row, base: str) -> dict[str, Any]:
    return {
        **(row["extra"] or {}),
        "id": row["id"],
        "description": row["description"] or "",
        "parent_region_id": row["parent_region_id"],
        "links": _links(base, f"regions/{row['id']}"),
    }


def service(row: Row, base: str) -> dict[str, Any]:
    body = {
        **(row["extra"] or {}),
        "id": row["id"],
        "type": row["type"],
        "enabled": bool(row["enabled"]),
        "links": _links(base, f"services/{row['id']}"),
    }
    if row["name"] is not None:
        body["name"] = row["name"]
    if row["description"] is not None:
        body["description"] = row["description"]
    return body


def endpoint(row: Row, base: str) -> dict[str, Any]:
    return {
        **(row["extra"] or {}),
        "id": row["id"],
        "interface": row["interface"],
        "region": row["region_id"],
        "region_id": row["region_id"],
        "service_id": row["service_id"],
        "url": row["url"],
        "enabled": bool(row["enabled"]),
        "links": _links(base, f"endpoints/{row['id']}"),
    }


def access_rule(row: Row, base: str, user_id: str | None = None) -> dict[str, Any]:
    body = {"id": row["id"], "service": row["service"], "path": row["path"], "method": row["method"]}
    if user_id:
        body["links"] = _links(base, f"users/{user_id}/access_rules/{row['id']}")
    return body


def app_cred(row: Row, roles: Mapping[str, Row], base: str, secret: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "user_id": row["user_id"],
        "project_id": row["project_id"],
        "system": row["system"],
        "expires_at": iso_seconds(row["expires_at"]),
        "unrestricted": bool(row["unrestricted"]),
        "roles": [
            {"id": rid, "name": roles[rid]["name"], "domain_id": roles[rid]["domain_id"]}
            for rid in row["roles"] or []
            if rid in roles
        ],
        "access_rules": [access_rule(x, base) for x in row.get("access_rules") or []],
        "links": _links(base, f"users/{row['user_id']}/application_credentials/{row['id']}"),
    }
    if secret is not None:
        body["secret"] = secret
    return body


def role_assignment(g: Grant, base: str, names: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """One entry of ``GET /v3/role_assignments``; ``names`` adds names (``include_names``)."""
    names = names or {}
    role_body: dict[str, Any] = {"id": g.role_id}
    role_body.update(names.get(f"role:{g.role_id}", {}))
    body: dict[str, Any] = {"role": role_body}
    actor: dict[str, Any] = {"id": g.actor_id}
    actor.update(names.get(f"{g.actor_type}:{g.actor_id}", {}))
    body[g.actor_type] = actor
    if g.target_type == "system":
        scope: dict[str, Any] = {"system": {"all": True}}
    else:
        target: dict[str, Any] = {"id": g.target_id}
        target.update(names.get(f"{g.target_type}:{g.target_id}", {}))
        scope = {g.target_type: target}
    if g.inherited:
        scope["OS-INHERIT:inherited_to"] = "projects"
    body["scope"] = scope
    body["links"] = {"assignment": _assignment_link(g, base)}
    if g.via_group:
        body["links"]["membership"] = f"{base}/v3/groups/{g.via_group}/users/{g.actor_id}"
    return body


def _assignment_link(g: Grant, base: str) -> str:
    actor = "users" if g.actor_type == "user" else "groups"
    if g.via_target is not None or g.inherited:
        ttype, tid = g.via_target or (g.target_type, g.target_id)
        tplural = "projects" if ttype == "project" else "domains"
        actor_id = g.via_group or g.actor_id
        actor = "groups" if g.via_group else actor
        return f"{base}/v3/OS-INHERIT/{tplural}/{tid}/{actor}/{actor_id}/roles/{g.role_id}/inherited_to_projects"
    if g.via_group:
        actor, actor_id = "groups", g.via_group
    else:
        actor_id = g.actor_id
    if g.target_type == "system":
        return f"{base}/v3/system/{actor}/{actor_id}/roles/{g.role_id}"
    tplural = "projects" if g.target_type == "project" else "domains"
    return f"{base}/v3/{tplural}/{g.target_id}/{actor}/{actor_id}/roles/{g.role_id}"


def token(ctx: RequestContext, catalog: list[dict[str, Any]] | None) -> dict[str, Any]:
    """The body of ``POST``/``GET /v3/auth/tokens``."""
    body: dict[str, Any] = {
        "methods": list(ctx.methods),
        "user": {
            "id": ctx.user_id,
            "name": ctx.user_name,
            "domain": {"id": ctx.user_domain_id, "name": ctx.user_domain_name},
            "password_expires_at": iso_seconds(ctx.extras.get("password_expires_at")),
        },
        "audit_ids": list(ctx.audit_ids),
        # Keystone shows token times with a microsecond field but whole seconds
        "expires_at": iso_micro_z(from_timestamp(int(ctx.expires_at))),
        "issued_at": iso_micro_z(from_timestamp(int(ctx.issued_at))),
    }
    if ctx.project_id:
        body["project"] = {
            "id": ctx.project_id,
            "name": ctx.project_name,
            "domain": {"id": ctx.project_domain_id, "name": ctx.project_domain_name},
        }
        body["is_domain"] = False
    elif ctx.domain_id:
        body["domain"] = {"id": ctx.domain_id, "name": ctx.domain_name}
    elif ctx.system_scope:
        body["system"] = {"all": True}
    trust = ctx.extras.get("trust")
    if trust:  # Keystone's trust-scoped token: the trust, and no is_domain
        body.pop("is_domain", None)
        body["OS-TRUST:trust"] = {
            "id": trust["id"],
            "trustor_user": {"id": trust["trustor_user_id"]},
            "trustee_user": {"id": trust["trustee_user_id"]},
            "impersonation": trust["impersonation"],
        }
    if ctx.scope != "unscoped":
        body["roles"] = [{"id": i, "name": n} for i, n in zip(ctx.role_ids, ctx.roles, strict=False)]
        if catalog is not None:
            body["catalog"] = catalog
    if ctx.app_cred_id:
        cred: dict[str, Any] = {
            "id": ctx.app_cred_id,
            "name": ctx.extras.get("app_cred_name"),
            "restricted": not ctx.app_cred_unrestricted,
        }
        if ctx.access_rules is not None:
            cred["access_rules"] = [
                {"id": r.id, "service": r.service, "path": r.path, "method": r.method} for r in ctx.access_rules
            ]
        body["application_credential"] = cred
    return {"token": body}


def credential(row: Row, base: str) -> dict[str, Any]:
    return {
        **(row["extra"] or {}),
        "id": row["id"],
        "user_id": row["user_id"],
        "project_id": row["project_id"],
        "type": row["type"],
        "blob": row["blob"],
        "links": _links(base, f"credentials/{row['id']}"),
    }


def ec2_credential(row: Row, base: str) -> dict[str, Any]:
    """The OS-EC2 shape of an ec2 credential (``tenant_id``, ``access``, ``secret``)."""
    try:
        blob = json.loads(row["blob"])
    except ValueError:
        blob = {}
    blob = blob if isinstance(blob, dict) else {}
    return {
        "user_id": row["user_id"],
        "tenant_id": row["project_id"],
        "access": blob.get("access"),
        "secret": blob.get("secret"),
        "trust_id": blob.get("trust_id"),
        "links": _links(base, f"users/{row['user_id']}/credentials/OS-EC2/{blob.get('access')}"),
    }


def policy(row: Row, base: str) -> dict[str, Any]:
    return {
        **(row["extra"] or {}),
        "id": row["id"],
        "type": row["type"],
        "blob": row["blob"],
        "links": _links(base, f"policies/{row['id']}"),
    }


def endpoint_group(row: Row, base: str) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "filters": dict(row["filters"] or {}),
        "links": _links(base, f"OS-EP-FILTER/endpoint_groups/{row['id']}"),
    }


def project_endpoint_group(row: Row, base: str) -> dict[str, Any]:
    group_id, project_id = row["endpoint_group_id"], row["project_id"]
    return {
        "endpoint_group_id": group_id,
        "project_id": project_id,
        "links": _links(base, f"OS-EP-FILTER/endpoint_groups/{group_id}/projects/{project_id}"),
    }


def trust(row: Row, base: str, roles: Sequence[Row] | None = None) -> dict[str, Any]:
    """A trust; with ``roles`` (show/create) its roles, without (listings) none, as Keystone."""
    body: dict[str, Any] = {
        **(row["extra"] or {}),
        "id": row["id"],
        "trustor_user_id": row["trustor_user_id"],
        "trustee_user_id": row["trustee_user_id"],
        "project_id": row["project_id"],
        "impersonation": bool(row["impersonation"]),
        "expires_at": iso_micro_z(row["expires_at"].replace(microsecond=0)) if row["expires_at"] else None,
        "remaining_uses": row["remaining_uses"],
        "redelegated_trust_id": row["redelegated_trust_id"],
        "redelegation_count": row["redelegation_count"],
        "deleted_at": None,
        "links": _links(base, f"OS-TRUST/trusts/{row['id']}"),
    }
    if roles is not None:
        body["roles"] = [role(r, base) for r in roles]
        body["roles_links"] = {"self": f"{base}/v3/OS-TRUST/trusts/{row['id']}/roles", "previous": None, "next": None}
    return body


def registered_limit(row: Row, base: str) -> dict[str, Any]:
    return {
        "id": row["id"],
        "service_id": row["service_id"],
        "region_id": row["region_id"],
        "resource_name": row["resource_name"],
        "default_limit": row["default_limit"],
        "description": row["description"],
        "links": _links(base, f"registered_limits/{row['id']}"),
    }


def limit(row: Row, base: str) -> dict[str, Any]:
    return {
        "id": row["id"],
        "project_id": row["project_id"],
        "domain_id": row["domain_id"],
        "service_id": row["service_id"],
        "region_id": row["region_id"],
        "resource_name": row["resource_name"],
        "resource_limit": row["resource_limit"],
        "description": row["description"],
        "links": _links(base, f"limits/{row['id']}"),
    }


def revoke_event(row: Row) -> dict[str, Any]:
    """An OS-REVOKE event: only the attributes it matches on, and its times."""
    event: dict[str, Any] = {
        k: row[k] for k in ("user_id", "domain_id", "project_id", "audit_id", "audit_chain_id") if row.get(k)
    }
    if row.get("expires_at") is not None:
        event["expires_at"] = row["expires_at"].strftime("%Y-%m-%dT%H:%M:%SZ")
    for key in ("issued_before", "revoked_at"):
        if row.get(key) is not None:
            event[key] = iso_micro_z(row[key].replace(microsecond=0))
    return event
