"""Flavors, flavor extra specs and flavor access (``/flavors``)."""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.core.errors import BadRequest, NotFound
from pocketstack.services.compute import extra_specs
from pocketstack.services.compute.api.common import (
    action_name,
    authorize,
    can,
    is_admin,
    limit_and_marker,
    next_links,
    query,
    svc,
    v,
)
from pocketstack.services.compute.schemas import flavors as s
from pocketstack.services.compute.validation import as_bool, validate_body
from pocketstack.services.compute.views import flavors as views

ES = "os_compute_api:os-flavor-extra-specs:"


def _index_query(req: ApiRequest) -> None:
    if v(req, "2.102"):
        query(req, s.index_query_v2102)
    elif v(req, "2.75"):
        query(req, s.index_query_v275)
    else:
        query(req, s.index_query)


def _strict(req: ApiRequest) -> None:
    if v(req, "2.102"):
        query(req, s.strict_query)


def _parse_is_public(raw: str | None) -> bool | None:
    if raw is None:
        return True
    lowered = raw.strip().lower()
    if lowered == "none":
        return None
    if lowered in ("1", "t", "true", "on", "y", "yes"):
        return True
    if lowered in ("0", "f", "false", "off", "n", "no"):
        return False
    raise BadRequest(f"Invalid is_public filter [{raw}]")


def _int_filter(req: ApiRequest, name: str) -> int | None:
    raw = req.q(name)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise BadRequest(f"Invalid {name} filter [{raw}]") from None


def _list(req: ApiRequest) -> tuple[list[dict[str, Any]], int]:
    _index_query(req)
    limit, marker = limit_and_marker(req)
    admin = is_admin(req)
    rows = svc(req).flavors.index(
        project_id=req.ctx.project_id,
        is_public=_parse_is_public(req.q("is_public")) if admin else True,
        include_disabled=admin,
        min_ram=_int_filter(req, "minRam"),
        min_disk=_int_filter(req, "minDisk"),
        name=req.q("name") if v(req, "2.102") else None,
        sort_key=req.q("sort_key") or "flavorid",
        sort_dir=req.q("sort_dir") or "asc",
        limit=limit,
        marker=marker,
    )
    return rows, limit


def _collection(req: ApiRequest, path: str, items: list[dict[str, Any]], rows: list[Any], limit: int) -> Reply:
    body: dict[str, Any] = {"flavors": items}
    nxt = next_links(req, path, rows, limit, rows[-1]["flavorid"] if rows else "")
    if nxt:
        body["flavors_links"] = nxt
    return Reply(200, body)


def list_flavors(req: ApiRequest) -> Reply:
    rows, limit = _list(req)
    return _collection(req, "flavors", [views.basic(req, f) for f in rows], rows, limit)


def list_flavors_detail(req: ApiRequest) -> Reply:
    rows, limit = _list(req)
    specs = v(req, "2.61") and can(req, ES + "index")
    return _collection(req, "flavors/detail", [views.show(req, f, specs) for f in rows], rows, limit)


def show_flavor(req: ApiRequest) -> Reply:
    _strict(req)
    flavor = svc(req).flavors.get(req.params["flavor_id"])
    specs = v(req, "2.61") and can(req, ES + "index")
    return Reply(200, {"flavor": views.show(req, flavor, specs)})


def create_flavor(req: ApiRequest) -> Reply:
    authorize(req, "os_compute_api:os-flavor-manage:create", {})
    body = req.body["flavor"]
    flavor = svc(req).flavors.create(
        name=body["name"],
        ram=body["ram"],
        vcpus=body["vcpus"],
        disk=body["disk"],
        flavorid=body.get("id"),
        ephemeral=body.get("OS-FLV-EXT-DATA:ephemeral", 0),
        swap=body.get("swap", 0),
        rxtx_factor=body.get("rxtx_factor", 1.0),
        is_public=as_bool(body.get("os-flavor-access:is_public", True)),
        description=body.get("description") if v(req, "2.55") else None,
    )
    specs = v(req, "2.61") and can(req, ES + "index")
    return Reply(200, {"flavor": views.show(req, flavor, specs)})


def update_flavor(req: ApiRequest) -> Reply:
    authorize(req, "os_compute_api:os-flavor-manage:update", {})
    flavor = svc(req).flavors.update_description(req.params["flavor_id"], req.body["flavor"]["description"])
    specs = v(req, "2.61") and can(req, ES + "index")
    return Reply(200, {"flavor": views.show(req, flavor, specs)})


def delete_flavor(req: ApiRequest) -> Reply:
    authorize(req, "os_compute_api:os-flavor-manage:delete", {})
    svc(req).flavors.delete(req.params["flavor_id"])
    return Reply(202)


# -- extra specs ---------------------------------------------------------------------


def _check_spec_values(req: ApiRequest, specs: dict[str, Any]) -> dict[str, str]:
    """Numbers become strings (at most 255 characters); from 2.86 each spec Nova knows is
    validated (extra_specs.validate)."""
    out: dict[str, str] = {}
    for key, value in specs.items():
        text = str(value) if isinstance(value, int | float) else value
        if len(text) > 255:
            raise BadRequest("extra_specs value has more than 255 characters.", kind="InvalidInput")
        if v(req, "2.86"):
            extra_specs.validate(key, text)
        out[key] = text
    return out


def list_extra_specs(req: ApiRequest) -> Reply:
    authorize(req, ES + "index")
    _strict(req)
    flavor = svc(req).flavors.get(req.params["flavor_id"])
    return Reply(200, {"extra_specs": flavor["extra_specs"]})


def create_extra_specs(req: ApiRequest) -> Reply:
    authorize(req, ES + "create", {})
    specs = _check_spec_values(req, req.body["extra_specs"])
    svc(req).flavors.set_extra_specs(req.params["flavor_id"], specs)
    return Reply(200, req.body)


def update_extra_spec(req: ApiRequest) -> Reply:
    authorize(req, ES + "update", {})
    specs = _check_spec_values(req, req.body)
    key = req.params["id"]
    if key not in specs:
        raise BadRequest("Request body and URI mismatch")
    svc(req).flavors.set_extra_specs(req.params["flavor_id"], specs)
    return Reply(200, req.body)


def show_extra_spec(req: ApiRequest) -> Reply:
    authorize(req, ES + "show")
    _strict(req)
    flavor_id, key = req.params["flavor_id"], req.params["id"]
    flavor = svc(req).flavors.get(flavor_id)
    if key not in flavor["extra_specs"]:
        raise NotFound(f"Flavor {flavor_id} has no extra specs with key {key}.")
    return Reply(200, {key: flavor["extra_specs"][key]})


def delete_extra_spec(req: ApiRequest) -> Reply:
    authorize(req, ES + "delete", {})
    svc(req).flavors.delete_extra_spec(req.params["flavor_id"], req.params["id"])
    return Reply(200)


# -- access ----------------------------------------------------------------------------


def list_access(req: ApiRequest) -> Reply:
    authorize(req, "os_compute_api:os-flavor-access")
    _strict(req)
    flavor_id = req.params["flavor_id"]
    flavor = svc(req).flavors.get(flavor_id)
    if flavor["is_public"]:
        raise NotFound("Access list not available for public flavors.")
    return Reply(200, views.access(flavor_id, svc(req).flavors.access_list(flavor_id)))


def flavor_action(req: ApiRequest) -> Reply:
    name = action_name(req.body)
    flavor_id = req.params["flavor_id"]
    flavors = svc(req).flavors
    if name == "addTenantAccess":
        validate_body(s.add_tenant_access, req.body)
        authorize(req, "os_compute_api:os-flavor-access:add_tenant_access", {})
        tenant = req.body[name]["tenant"]
        svc(req).verify_project_id(tenant)
        flavor = flavors.get(flavor_id)
        if flavor["is_public"] and not v(req, "2.7"):
            return Reply(200, views.access(flavor_id, flavors.access_list(flavor_id)))
        return Reply(200, views.access(flavor_id, flavors.add_access(flavor_id, tenant)))
    if name == "removeTenantAccess":
        validate_body(s.remove_tenant_access, req.body)
        authorize(req, "os_compute_api:os-flavor-access:remove_tenant_access", {})
        tenant = req.body[name]["tenant"]
        return Reply(200, views.access(flavor_id, flavors.remove_access(flavor_id, tenant)))
    raise BadRequest(f"There is no such action: {name}")
