"""Body schemas behind routes that dispatch on their body.

``…/action`` routes declare a bare object and pick the real schema by the body's one
key (Nova's and Cinder's ``wsgi.action``); Cinder's ``PUT /os-services/{action}`` picks it
by the path.  The fuzzer aims at the real schemas: they are read from the services'
modules where those name them, and a missing name only narrows what is tried.
"""

from __future__ import annotations

import importlib
from typing import Any

from pocketstack.core.microversion import APIVersion
from pocketstack.core.validation import Versioned

# route template suffix -> [(action name, "module:attribute" of its full-body schema or "")]
_NAMED: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("compute", "/flavors/{flavor_id}/action"): [
        ("addTenantAccess", "compute.schemas.flavors:add_tenant_access"),
        ("removeTenantAccess", "compute.schemas.flavors:remove_tenant_access"),
    ],
    ("compute", "/os-aggregates/{aggregate_id}/action"): [
        ("add_host", "compute.schemas.admin:add_host"),
        ("remove_host", "compute.schemas.admin:remove_host"),
        ("set_metadata", "compute.schemas.admin:set_metadata"),
    ],
    ("compute", "/migrations/{migration_id}/action"): [("force_complete", "")],
    ("volume", "/snapshots/{snapshot_id}/action"): [
        ("os-reset_status", "volume.schemas.actions:snapshot_reset_status"),
        ("os-force_delete", "volume.schemas.actions:force_delete"),
        ("os-update_snapshot_status", "volume.schemas.actions:snapshot_update_status"),
        ("os-unmanage", "volume.schemas.actions:unmanage"),
    ],
    ("volume", "/backups/{backup_id}/action"): [
        ("os-reset_status", "volume.schemas.actions:backup_reset_status"),
        ("os-force_delete", "volume.schemas.actions:force_delete"),
    ],
    ("volume", "/attachments/{attachment_id}/action"): [("os-complete", "volume.schemas.actions:complete")],
    ("volume", "/types/{type_id}/action"): [
        ("addProjectAccess", "volume.schemas.actions:add_project_access"),
        ("removeProjectAccess", "volume.schemas.actions:remove_project_access"),
    ],
    ("volume", "/groups/action"): [("create-from-src", "volume.schemas.groups:group_create_from_src")],
    ("volume", "/group_snapshots/{group_snapshot_id}/action"): [
        ("reset_status", "volume.schemas.groups:group_snapshot_reset_status"),
    ],
}


def _attr(ref: str) -> Any:
    if not ref:
        return None
    module, _, name = ref.partition(":")
    try:
        return getattr(importlib.import_module(f"pocketstack.services.{module}"), name)
    except (ImportError, AttributeError):
        return None


def _registry(service: str, template: str) -> dict[str, Any]:
    """name -> schema (or Versioned, or None) for the dispatchers that keep a table."""
    try:
        if service == "compute" and template.endswith("{server_id}/action") and "/migrations/" not in template:
            mod = importlib.import_module("pocketstack.services.compute.api.server_actions")
            return {name: entry[1] for name, entry in mod.ACTIONS.items()}
        if service == "volume" and template.endswith("/volumes/{volume_id}/action"):
            mod = importlib.import_module("pocketstack.services.volume.api.volume_actions")
            return {name: entry[0] for name, entry in mod._ACTIONS.items()}
        if service == "volume" and template.endswith("/groups/{group_id}/action"):
            mod = importlib.import_module("pocketstack.services.volume.api.groups")
            return {name: entry[1] for name, entry in mod._GROUP_ACTIONS.items()}
        if service == "volume" and template.endswith("/os-services/{action}"):
            mod = importlib.import_module("pocketstack.services.volume.api.admin")
            return dict(mod._SERVICE_SCHEMAS)
    except (ImportError, AttributeError):
        return {}
    for (svc, suffix), names in _NAMED.items():
        if svc == service and template.endswith(suffix):
            return {name: _attr(ref) for name, ref in names}
    return {}


def dispatched(service: str, template: str, version: APIVersion | None) -> list[tuple[str, dict[str, Any] | None]]:
    """(action, its full-body schema at ``version`` or None) for a dispatching route."""
    out: list[tuple[str, dict[str, Any] | None]] = []
    for name, spec in _registry(service, template).items():
        schema: Any = spec
        if isinstance(spec, Versioned):
            schema = spec.for_version(version) if version is not None else spec.ranges[-1][2]
            if schema is None:
                continue
        out.append((name, dict(schema) if isinstance(schema, dict) else None))
    return out


def is_dispatcher(service: str, template: str) -> bool:
    return bool(_registry(service, template)) or template.endswith("/action")
