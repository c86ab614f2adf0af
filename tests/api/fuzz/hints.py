"""Body schemas for routes whose declared schema says nothing (the handler validates).

Glance validates against its own schema documents, Neutron against its attribute maps,
and a few Cinder/Nova routes check bodies by hand.  To aim bad values at the properties
those handlers read, the fuzzer borrows a shape: Glance's published ``/v2/schemas/…``,
Neutron's attribute maps (types guessed from their validators), and a few written here.
Only the shape matters — mutations break it one property at a time.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import httpx

from tests.api.fuzz.routes import RouteInfo, all_routes

Schema = dict[str, Any]

S: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
B: Schema = {"type": "boolean"}
OBJ: Schema = {"type": "object"}
UUID: Schema = {"type": "string", "format": "uuid"}


def obj(props: Mapping[str, Any], required: tuple[str, ...] = ()) -> Schema:
    out: Schema = {"type": "object", "properties": dict(props)}
    if required:
        out["required"] = list(required)
    return out


def wrap(key: str, inner: Schema) -> Schema:
    return obj({key: inner}, (key,))


# (service, template suffix, method) -> schema
_WRITTEN: list[tuple[str, str, str, Schema]] = [
    ("image", "/v2/images/{image_id}/members", "POST", obj({"member": S}, ("member",))),
    ("image", "/v2/images/{image_id}/members/{member_id}", "PUT", obj({
        "status": {"type": "string", "enum": ["pending", "accepted", "rejected"]}}, ("status",))),
    ("image", "/v2/images/{image_id}/import", "POST", obj({
        "method": obj({"name": {"type": "string", "enum": ["glance-direct", "web-download", "copy-image"]}, "uri": S},
                      ("name",)),
        "stores": {"type": "array", "items": S}, "all_stores": B, "all_stores_must_succeed": B,
    }, ("method",))),
    ("volume", "/group_types", "POST", wrap("group_type", obj({
        "name": S, "description": S, "is_public": B, "group_specs": OBJ}, ("name",)))),
    ("volume", "/group_types/{group_type_id}", "PUT", wrap("group_type", obj({
        "name": S, "description": S, "is_public": B}))),
    ("volume", "/group_types/{group_type_id}/group_specs", "POST", wrap("group_specs", obj({"fuzzkey": S}))),
    ("volume", "/group_types/{group_type_id}/group_specs/{key}", "PUT", obj({"fuzzkey": S}, ("fuzzkey",))),
    ("volume", "/groups", "POST", wrap("group", obj({
        "name": S, "description": S, "group_type": UUID, "availability_zone": S,
        "volume_types": {"type": "array", "items": UUID, "minItems": 1}}, ("group_type", "volume_types")))),
    ("volume", "/groups/{group_id}", "PUT", wrap("group", obj({
        "name": S, "description": S, "add_volumes": S, "remove_volumes": S}))),
    ("volume", "/group_snapshots", "POST", wrap("group_snapshot", obj({
        "group_id": UUID, "name": S, "description": S}, ("group_id",)))),
    ("volume", "/os-volume-manage", "POST", wrap("volume", obj({
        "host": S, "ref": obj({"source-name": S}), "name": S, "description": S, "volume_type": S,
        "availability_zone": S, "bootable": B, "metadata": OBJ, "cluster": S}, ("host", "ref")))),
    ("volume", "/manageable_volumes", "POST", wrap("volume", obj({
        "host": S, "ref": obj({"source-name": S}), "name": S, "volume_type": S, "bootable": B},
        ("host", "ref")))),
    ("volume", "/os-snapshot-manage", "POST", wrap("snapshot", obj({
        "volume_id": UUID, "ref": obj({"source-name": S}), "name": S, "description": S, "metadata": OBJ},
        ("volume_id", "ref")))),
    ("volume", "/manageable_snapshots", "POST", wrap("snapshot", obj({
        "volume_id": UUID, "ref": obj({"source-name": S}), "name": S}, ("volume_id", "ref")))),
    ("compute", "/os-security-groups", "POST", wrap("security_group", obj({"name": S, "description": S},
                                                                          ("name", "description")))),
    ("compute", "/os-security-groups/{security_group_id}", "PUT", wrap("security_group", obj({
        "name": S, "description": S}, ("name", "description")))),
    ("compute", "/os-security-group-rules", "POST", wrap("security_group_rule", obj({
        "parent_group_id": UUID, "ip_protocol": S, "from_port": INT, "to_port": INT, "cidr": S, "group_id": UUID},
        ("parent_group_id",)))),
    ("compute", "/os-volumes", "POST", wrap("volume", obj({
        "size": INT, "display_name": S, "display_description": S, "volume_type": S, "metadata": OBJ,
        "snapshot_id": UUID, "availability_zone": S}, ("size",)))),
    ("compute", "/os-snapshots", "POST", wrap("snapshot", obj({
        "volume_id": UUID, "force": B, "display_name": S, "display_description": S}, ("volume_id",)))),
    ("compute", "/os-floating-ips", "POST", obj({"pool": S})),
    ("network", "/add_router_interface", "PUT", obj({"subnet_id": UUID, "port_id": UUID})),
    ("network", "/remove_router_interface", "PUT", obj({"subnet_id": UUID, "port_id": UUID})),
    ("network", "/add_extraroutes", "PUT", wrap("router", obj({"routes": {"type": "array", "items": obj({
        "destination": S, "nexthop": S}, ("destination", "nexthop"))}}, ("routes",)))),
    ("network", "/remove_extraroutes", "PUT", wrap("router", obj({"routes": {"type": "array", "items": obj({
        "destination": S, "nexthop": S}, ("destination", "nexthop"))}}, ("routes",)))),
    ("network", "/add_prefixes", "PUT", obj({"prefixes": {"type": "array", "items": S}}, ("prefixes",))),
    ("network", "/remove_prefixes", "PUT", obj({"prefixes": {"type": "array", "items": S}}, ("prefixes",))),
    ("network", "/add_subports", "PUT", obj({"sub_ports": {"type": "array", "items": obj({
        "port_id": UUID, "segmentation_type": S, "segmentation_id": INT})}}, ("sub_ports",))),
    ("network", "/remove_subports", "PUT", obj({"sub_ports": {"type": "array", "items": obj({"port_id": UUID})}},
                                               ("sub_ports",))),
    ("network", "/tags", "PUT", obj({"tags": {"type": "array", "items": S}}, ("tags",))),
    ("network", "/tags", "POST", obj({"tags": {"type": "array", "items": S}}, ("tags",))),
    ("network", "/quotas/{project_id}", "PUT", wrap("quota", obj({
        "network": INT, "subnet": INT, "port": INT, "router": INT, "floatingip": INT, "security_group": INT,
        "security_group_rule": INT, "rbac_policy": INT, "subnetpool": INT}))),
]  # fmt: skip

# Glance routes -> the schema document (GET /image/v2/schemas/<name>) their body follows
_GLANCE: list[tuple[str, str, str]] = [
    ("/v2/images", "POST", "image"),
    ("/v2/metadefs/namespaces", "POST", "metadefs/namespace"),
    ("/v2/metadefs/namespaces/{namespace}", "PUT", "metadefs/namespace"),
    ("/v2/metadefs/namespaces/{namespace}/resource_types", "POST", "metadefs/resource_type"),
    ("/v2/metadefs/namespaces/{namespace}/objects", "POST", "metadefs/object"),
    ("/v2/metadefs/namespaces/{namespace}/objects/{object_name}", "PUT", "metadefs/object"),
    ("/v2/metadefs/namespaces/{namespace}/properties", "POST", "metadefs/property"),
    ("/v2/metadefs/namespaces/{namespace}/properties/{property_name}", "PUT", "metadefs/property"),
    ("/v2/metadefs/namespaces/{namespace}/tags", "POST", "metadefs/tags"),
    ("/v2/metadefs/namespaces/{namespace}/tags/{tag_name}", "PUT", "metadefs/tag"),
]


def unstructured(route: RouteInfo) -> bool:
    """The declared schema constrains nothing below the top level."""
    found = route.schemas()
    return bool(found) and all(
        not s.get("properties") and not s.get("oneOf") and not s.get("anyOf") and not s.get("patternProperties")
        for _lo, s in found
    )


def _glance(client: httpx.Client, token: str, name: str) -> Schema | None:
    r = client.get(f"/image/v2/schemas/{name}", headers={"Accept": "application/json", "X-Auth-Token": token})
    if r.status_code != 200:
        return None
    doc = dict(r.json())
    props = {k: v for k, v in doc.get("properties", {}).items() if not v.get("readOnly")}
    for v in props.values():
        v.pop("description", None)
    out: Schema = {"type": "object", "properties": props}
    if doc.get("required"):
        out["required"] = [k for k in doc["required"] if k in props]
    return out


_VALIDATOR_TYPES = {
    "string": S, "string_or_none": {"type": ["string", "null"]}, "not_empty_string": S, "name_string": S,
    "not_empty_name_string": S, "boolean": B, "non_negative": INT, "range_": INT, "uuid_": UUID,
    "uuid_or_none": {"type": ["string", "null"]}, "uuid_list": {"type": "array", "items": UUID},
    "unique_strings": {"type": "array", "items": S}, "list_of": {"type": "array"}, "mac_address": S,
    "ip_address": S, "ip_address_or_none": {"type": ["string", "null"]}, "subnet": S, "subnet_or_none": S,
    "subnet_list": {"type": "array", "items": S}, "route_cidr": S, "ip_pools": {"type": "array", "items": OBJ},
    "fixed_ips": {"type": "array", "items": obj({"subnet_id": UUID, "ip_address": S})},
    "nameservers": {"type": "array", "items": S},
    "hostroutes": {"type": "array", "items": obj({"destination": S, "nexthop": S})},
    "dict_": OBJ, "dict_or_none": {"type": ["object", "null"]}, "dict_or_nodata": OBJ,
    "availability_zone_hints": {"type": "array", "items": S},
    "allowed_address_pairs": {"type": "array", "items": obj({"ip_address": S, "mac_address": S})},
    "dns_name": S, "dns_domain": S, "extra_dhcp_opts": {"type": "array", "items": obj({"opt_name": S, "opt_value": S})},
}  # fmt: skip
_CONVERT_TYPES = {"to_boolean": B, "to_boolean_if_not_none": B, "to_int": INT, "to_int_if_not_none": INT}


def _neutron_attr(attr: Any) -> Schema:
    validate = getattr(getattr(attr, "validate", None), "__name__", "")
    convert = getattr(getattr(attr, "convert", None), "__name__", "")
    return dict(_VALIDATOR_TYPES.get(validate) or _CONVERT_TYPES.get(convert) or {})


def _neutron(method: str, template: str) -> Schema | None:
    try:
        resources = importlib.import_module("pocketstack.services.network.resources").RESOURCES
    except (ImportError, AttributeError):
        return None
    parts = [p for p in template.split("/") if p]
    if method == "POST" and parts and "{" not in parts[-1]:
        collection = parts[-1]
    elif method == "PUT" and len(parts) >= 2 and "{" in parts[-1]:
        collection = parts[-2]
    else:
        return None
    resource = resources.get(collection.replace("-", "_"))
    if resource is None:
        return None
    flag = "post" if method == "POST" else "put"
    props = {name: _neutron_attr(a) for name, a in resource.attrs.items() if getattr(a, flag, False)}
    return wrap(resource.name, obj(props))


def build(client: httpx.Client, token: str) -> dict[str, Schema]:
    """route key -> schema to fuzz, for the routes whose own schema is unstructured."""
    glance = {name: _glance(client, token, name) for _t, _m, name in _GLANCE}
    out: dict[str, Schema] = {}
    for route in all_routes():
        if not unstructured(route):
            continue
        found: Schema | None = None
        for suffix, method, name in _GLANCE:
            if route.service == "image" and route.method == method and route.template == suffix:
                found = glance.get(name)
        for service, suffix, method, schema in _WRITTEN:
            if found is None and (route.service, route.method) == (service, method) and route.template.endswith(suffix):
                found = schema
        if found is None and route.service == "network":
            found = _neutron(route.method, route.template)
        if found is not None:
            out[route.key] = found
    return out
