"""Regions, services and endpoints."""

from __future__ import annotations

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.core.errors import BadRequest
from pocketstack.services.identity import views
from pocketstack.services.identity.api.common import normalize, self_url, svc

# -- regions -------------------------------------------------------------------------


def list_regions(req: ApiRequest) -> Reply:
    req.authorize("identity:list_regions")
    rows = svc(req).catalog.list_regions(req.query)
    return Reply(200, views.collection("regions", [views.region(r, req.base_url) for r in rows], self_url(req)))


def create_region(req: ApiRequest) -> Reply:
    req.authorize("identity:create_region")
    row = svc(req).catalog.create_region(req.body["region"])
    return Reply(201, {"region": views.region(row, req.base_url)})


def create_region_with_id(req: ApiRequest) -> Reply:
    req.authorize("identity:create_region")
    body = req.body["region"]
    if "id" in body and body["id"] != req.params["region_id"]:
        raise BadRequest("Conflicting region IDs specified: the URL and the request body differ.")
    row = svc(req).catalog.create_region(body, region_id=req.params["region_id"])
    return Reply(201, {"region": views.region(row, req.base_url)})


def get_region(req: ApiRequest) -> Reply:
    req.authorize("identity:get_region")
    return Reply(200, {"region": views.region(svc(req).catalog.get_region(req.params["region_id"]), req.base_url)})


def update_region(req: ApiRequest) -> Reply:
    req.authorize("identity:update_region")
    row = svc(req).catalog.update_region(req.params["region_id"], req.body["region"])
    return Reply(200, {"region": views.region(row, req.base_url)})


def delete_region(req: ApiRequest) -> Reply:
    req.authorize("identity:delete_region")
    svc(req).catalog.delete_region(req.params["region_id"])
    return Reply(204)


# -- services --------------------------------------------------------------------------


def list_services(req: ApiRequest) -> Reply:
    req.authorize("identity:list_services")
    rows = svc(req).catalog.list_services(req.query)
    return Reply(200, views.collection("services", [views.service(r, req.base_url) for r in rows], self_url(req)))


def create_service(req: ApiRequest) -> Reply:
    req.authorize("identity:create_service")
    row = svc(req).catalog.create_service(normalize(req.body["service"], "enabled"))
    return Reply(201, {"service": views.service(row, req.base_url)})


def get_service(req: ApiRequest) -> Reply:
    req.authorize("identity:get_service")
    return Reply(200, {"service": views.service(svc(req).catalog.get_service(req.params["service_id"]), req.base_url)})


def update_service(req: ApiRequest) -> Reply:
    req.authorize("identity:update_service")
    row = svc(req).catalog.update_service(req.params["service_id"], normalize(req.body["service"], "enabled"))
    return Reply(200, {"service": views.service(row, req.base_url)})


def delete_service(req: ApiRequest) -> Reply:
    req.authorize("identity:delete_service")
    svc(req).catalog.delete_service(req.params["service_id"])
    return Reply(204)


# -- endpoints ----------------------------------------------------------------------------


def list_endpoints(req: ApiRequest) -> Reply:
    req.authorize("identity:list_endpoints")
    rows = svc(req).catalog.list_endpoints(req.query)
    return Reply(200, views.collection("endpoints", [views.endpoint(r, req.base_url) for r in rows], self_url(req)))


def create_endpoint(req: ApiRequest) -> Reply:
    req.authorize("identity:create_endpoint")
    row = svc(req).catalog.create_endpoint(normalize(req.body["endpoint"], "enabled"))
    return Reply(201, {"endpoint": views.endpoint(row, req.base_url)})


def get_endpoint(req: ApiRequest) -> Reply:
    req.authorize("identity:get_endpoint")
    return Reply(
        200, {"endpoint": views.endpoint(svc(req).catalog.get_endpoint(req.params["endpoint_id"]), req.base_url)}
    )


def update_endpoint(req: ApiRequest) -> Reply:
    req.authorize("identity:update_endpoint")
    row = svc(req).catalog.update_endpoint(req.params["endpoint_id"], normalize(req.body["endpoint"], "enabled"))
    return Reply(200, {"endpoint": views.endpoint(row, req.base_url)})


def delete_endpoint(req: ApiRequest) -> Reply:
    req.authorize("identity:delete_endpoint")
    svc(req).catalog.delete_endpoint(req.params["endpoint_id"])
    return Reply(204)
