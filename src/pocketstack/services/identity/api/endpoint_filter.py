"""``/v3/OS-EP-FILTER``: endpoint groups and the endpoints a project's catalog shows."""

from __future__ import annotations

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.identity import views
from pocketstack.services.identity.api.common import self_url, svc

# -- endpoint groups -------------------------------------------------------------------------


def list_groups(req: ApiRequest) -> Reply:
    req.authorize("identity:list_endpoint_groups")
    items = [views.endpoint_group(r, req.base_url) for r in svc(req).endpoint_filter.list_groups(req.query)]
    return Reply(200, views.collection("endpoint_groups", items, self_url(req)))


def create_group(req: ApiRequest) -> Reply:
    req.authorize("identity:create_endpoint_group")
    row = svc(req).endpoint_filter.create_group(req.body["endpoint_group"])
    return Reply(201, {"endpoint_group": views.endpoint_group(row, req.base_url)})


def get_group(req: ApiRequest) -> Reply:
    req.authorize("identity:get_endpoint_group")
    row = svc(req).endpoint_filter.get_group(req.params["endpoint_group_id"])
    return Reply(200, {"endpoint_group": views.endpoint_group(row, req.base_url)})


def update_group(req: ApiRequest) -> Reply:
    req.authorize("identity:update_endpoint_group")
    row = svc(req).endpoint_filter.update_group(req.params["endpoint_group_id"], req.body["endpoint_group"])
    return Reply(200, {"endpoint_group": views.endpoint_group(row, req.base_url)})


def delete_group(req: ApiRequest) -> Reply:
    req.authorize("identity:delete_endpoint_group")
    svc(req).endpoint_filter.delete_group(req.params["endpoint_group_id"])
    return Reply(204)


def group_endpoints(req: ApiRequest) -> Reply:
    req.authorize("identity:list_endpoints_associated_with_endpoint_group")
    rows = svc(req).endpoint_filter.endpoints_in_group(req.params["endpoint_group_id"])
    return Reply(200, views.collection("endpoints", [views.endpoint(r, req.base_url) for r in rows], self_url(req)))


def group_projects(req: ApiRequest) -> Reply:
    req.authorize("identity:list_projects_associated_with_endpoint_group")
    s = svc(req)
    rows = _projects(req, s.endpoint_filter.projects_for_group(req.params["endpoint_group_id"]))
    return Reply(200, views.collection("projects", rows, self_url(req)))


def _projects(req: ApiRequest, project_ids: list[str]) -> list[dict[str, object]]:
    s = svc(req)
    return [views.project(r, req.base_url) for r in s.resources.list_projects({}, only_ids=set(project_ids))]


# -- endpoint groups of a project ---------------------------------------------------------------


def get_group_in_project(req: ApiRequest) -> Reply:
    req.authorize("identity:get_endpoint_group_in_project")
    s = svc(req)
    s.resources.get_project(req.params["project_id"])
    row = s.endpoint_filter.group_in_project(req.params["endpoint_group_id"], req.params["project_id"])
    return Reply(200, {"project_endpoint_group": views.project_endpoint_group(row, req.base_url)})


def add_group_to_project(req: ApiRequest) -> Reply:
    req.authorize("identity:add_endpoint_group_to_project")
    s = svc(req)
    s.resources.get_project(req.params["project_id"])
    s.endpoint_filter.add_group_to_project(req.params["endpoint_group_id"], req.params["project_id"])
    return Reply(204)


def remove_group_from_project(req: ApiRequest) -> Reply:
    req.authorize("identity:remove_endpoint_group_from_project")
    s = svc(req)
    s.resources.get_project(req.params["project_id"])
    s.endpoint_filter.remove_group_from_project(req.params["endpoint_group_id"], req.params["project_id"])
    return Reply(204)


def project_groups(req: ApiRequest) -> Reply:
    req.authorize("identity:list_endpoint_groups_for_project")
    rows = svc(req).endpoint_filter.groups_for_project(req.params["project_id"])
    items = [views.endpoint_group(r, req.base_url) for r in rows]
    return Reply(200, views.collection("endpoint_groups", items, self_url(req)))


# -- endpoints of a project ------------------------------------------------------------------------


def check_endpoint_in_project(req: ApiRequest) -> Reply:
    req.authorize("identity:check_endpoint_in_project")
    s = svc(req)
    s.resources.get_project(req.params["project_id"])
    s.endpoint_filter.check_endpoint_in_project(req.params["endpoint_id"], req.params["project_id"])
    return Reply(204)


def add_endpoint_to_project(req: ApiRequest) -> Reply:
    req.authorize("identity:add_endpoint_to_project")
    s = svc(req)
    s.resources.get_project(req.params["project_id"])
    s.endpoint_filter.add_endpoint_to_project(req.params["endpoint_id"], req.params["project_id"])
    return Reply(204)


def remove_endpoint_from_project(req: ApiRequest) -> Reply:
    req.authorize("identity:remove_endpoint_from_project")
    svc(req).endpoint_filter.remove_endpoint_from_project(req.params["endpoint_id"], req.params["project_id"])
    return Reply(204)


def project_endpoints(req: ApiRequest) -> Reply:
    req.authorize("identity:list_endpoints_for_project")
    s = svc(req)
    s.resources.get_project(req.params["project_id"])
    rows = s.endpoint_filter.endpoints_for_project(req.params["project_id"])
    return Reply(200, views.collection("endpoints", [views.endpoint(r, req.base_url) for r in rows], self_url(req)))


def endpoint_projects(req: ApiRequest) -> Reply:
    req.authorize("identity:list_projects_for_endpoint")
    rows = _projects(req, svc(req).endpoint_filter.projects_for_endpoint(req.params["endpoint_id"]))
    return Reply(200, views.collection("projects", rows, self_url(req)))
