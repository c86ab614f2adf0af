"""``/v2.0/auto-allocated-topology/{project_id}``: a project's ready-made network."""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.network.api.common import caller, svc
from pocketstack.services.network.attributes import fields_param
from pocketstack.services.network.auto_allocate import DRY_RUN
from pocketstack.services.network.errors import bad_request, neutron, not_found


def _project(req: ApiRequest) -> str:
    """The project named in the path (``None``: the caller's); only admins name another."""
    project = req.params["project_id"]
    if project == "None":
        project = req.ctx.project_id or ""
    if not caller(req).is_admin and project != req.ctx.project_id:
        raise neutron("NotAuthorized")
    return project


def _view(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "tenant_id": row["project_id"], "project_id": row["project_id"]}


def show_topology(req: ApiRequest) -> Reply:
    project = _project(req)
    fields = fields_param(req.query)
    dry_run = DRY_RUN in fields
    if fields and not dry_run:
        raise bad_request("auto_allocate", "Unrecognized field")
    target = {"project_id": project, "tenant_id": project}
    if not svc(req).access.allowed(req.ctx, "get_auto_allocated_topology", target):
        raise not_found()
    row = svc(req).auto_allocator.get(caller(req), project, dry_run=dry_run)
    return Reply(200, {"auto_allocated_topology": _view(row)})


def delete_topology(req: ApiRequest) -> Reply:
    project = _project(req)
    target = {"project_id": project, "tenant_id": project}
    svc(req).access.enforce(
        req.ctx, "delete_auto_allocated_topology", target, show_action="get_auto_allocated_topology"
    )
    svc(req).auto_allocator.delete(caller(req), project)
    return Reply(204)
