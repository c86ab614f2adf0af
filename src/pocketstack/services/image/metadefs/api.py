"""``/v2/metadefs/...`` handlers and views (Glance's metadata definitions catalog)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from pocketstack.core.api import ApiRequest, Handler, Reply
from pocketstack.core.errors import ValidationFailed
from pocketstack.core.timeutils import iso_z
from pocketstack.core.validation import validate
from pocketstack.services.image import errors
from pocketstack.services.image.metadefs import schemas
from pocketstack.services.image.metadefs.store import MetadefStore, Row, object_values, property_values

NS_LINK = "/v2/schemas/metadefs/namespace"
OBJ_LINK = "/v2/schemas/metadefs/object"
_TAG_LIST_SCHEMA = {
    "name": "tags",
    "properties": {
        "tags": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}},
                "required": ["name"],
                "additionalProperties": False,
            },
        }
    },
}
_VALIDATORS = {
    "namespace": schemas.namespace(),
    "object": schemas.object_(),
    "property": schemas.property_(),
    "resource_type": schemas.resource_type(),
    "tag": schemas.tag(),
}


def store(req: ApiRequest) -> MetadefStore:
    found: MetadefStore = req.svc.metadefs
    return found


def _body(req: ApiRequest, kind: str, disallowed: tuple[str, ...] = ("created_at", "updated_at")) -> dict[str, Any]:
    body = req.body
    if body is None:
        raise errors.bad_request("Body expected in request.")
    if isinstance(body, dict):
        for key in disallowed:
            if key in body:
                raise errors.forbidden(f"Attribute '{key}' is read-only.")
    schema = _TAG_LIST_SCHEMA if kind == "tags" else _VALIDATORS[kind]
    name = "tags" if kind == "tags" else str(schema["name"])
    try:
        validate(schema, body)
    except ValidationFailed as exc:
        raise errors.schema_error(name, str(exc.extra.get("reason") or exc.message)) from None
    if not isinstance(body, dict):
        raise errors.schema_error(name, f"{body!r} is not of type 'object'")
    return body


def _limit(req: ApiRequest) -> int:
    raw = req.q("limit")
    cfg = req.svc.config
    if raw is None:
        return int(min(cfg.limit_param_default, cfg.api_limit_max))
    try:
        value = int(raw)
    except ValueError:
        raise errors.bad_request("limit param must be an integer") from None
    if value < 0:
        raise errors.bad_request("limit param must be positive")
    return int(min(value, cfg.api_limit_max))


def _sort_dir(req: ApiRequest) -> str:
    direction = req.q("sort_dir", "desc") or "desc"
    if direction not in ("asc", "desc"):
        raise errors.bad_request(f"Invalid sort direction: {direction}")
    return direction


def _visibility_filter(req: ApiRequest) -> None:
    visibility = req.q("visibility")
    if visibility and visibility not in ("public", "private"):
        raise errors.bad_request(f"Invalid visibility value: {visibility}")


# -- views --------------------------------------------------------------------------------


def _times(row: Row) -> dict[str, Any]:
    return {"created_at": iso_z(row.get("created_at")), "updated_at": iso_z(row.get("updated_at"))}


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def namespace_view(ns: Row) -> dict[str, Any]:
    out = _drop_none(
        {
            "namespace": ns["namespace"],
            "display_name": ns.get("display_name"),
            "description": ns.get("description"),
            "visibility": ns.get("visibility"),
            "protected": ns.get("protected"),
            "owner": ns.get("owner"),
            **_times(ns),
        }
    )
    if ns.get("resource_type_associations"):
        out["resource_type_associations"] = [association_view(a) for a in ns["resource_type_associations"]]
    out["self"] = f"/v2/metadefs/namespaces/{ns['namespace']}"
    out["schema"] = NS_LINK
    return out


def association_view(row: Row) -> dict[str, Any]:
    return _drop_none(
        {
            "name": row["name"],
            "prefix": row.get("prefix"),
            "properties_target": row.get("properties_target"),
            **_times(row),
        }
    )


def property_view(row: Row, with_name: bool = True) -> dict[str, Any]:
    out = dict(row["json_schema"] or {})
    if with_name:
        out = {"name": row["name"], **out}
    return out


def object_view(row: Row, ns_name: str) -> dict[str, Any]:
    out = _drop_none(
        {
            "name": row["name"],
            "description": row.get("description"),
            "required": row.get("required"),
            "properties": row.get("json_schema") or None,
            **_times(row),
        }
    )
    out["self"] = f"/v2/metadefs/namespaces/{ns_name}/objects/{row['name']}"
    out["schema"] = OBJ_LINK
    return out


def tag_view(row: Row) -> dict[str, Any]:
    return {"name": row["name"], **_times(row)}


# -- namespaces ----------------------------------------------------------------------------


def list_namespaces(req: ApiRequest) -> Reply:
    _visibility_filter(req)
    s = store(req)
    s.enforce("get_metadef_namespaces", req.ctx, None)
    s.enforce("list_metadef_resource_types", req.ctx, None)
    rows, next_marker = s.list_namespaces(
        req.ctx,
        limit=_limit(req),
        marker=req.q("marker"),
        sort_key=req.q("sort_key", "created_at") or "created_at",
        sort_dir=_sort_dir(req),
        filters={k: v[-1] for k, v in req.query.items() if k in ("visibility", "resource_types")},
    )
    params = [(k, v) for k, vs in req.query.items() if k != "marker" for v in vs]
    body: dict[str, Any] = {
        "namespaces": [namespace_view(r) for r in rows],
        "first": "/v2/metadefs/namespaces" + (f"?{urlencode(params)}" if params else ""),
        "schema": "/v2/schemas/metadefs/namespaces",
    }
    if next_marker is not None:
        body["next"] = f"/v2/metadefs/namespaces?{urlencode([*params, ('marker', next_marker)])}"
    return Reply(200, body)


def create_namespace(req: ApiRequest) -> Reply:
    body = _body(req, "namespace", ("self", "schema", "created_at", "updated_at"))
    s = store(req)
    s.enforce("add_metadef_namespace", req.ctx, None)
    for key, rule in (
        ("resource_type_associations", "add_metadef_resource_type_association"),
        ("objects", "add_metadef_object"),
        ("properties", "add_metadef_property"),
        ("tags", "add_metadef_tag"),
    ):
        if body.get(key):
            s.enforce(rule, req.ctx, None)
    ns = s.create_namespace(req.ctx, body)
    view = namespace_view(ns)
    for key in ("resource_type_associations", "properties", "objects", "tags"):
        if body.get(key):
            view[key] = body[key]
    return Reply(201, view, headers={"Location": f"{req.service_url}/v2/metadefs/namespaces/{ns['namespace']}"})


def get_namespace(req: ApiRequest) -> Reply:
    _visibility_filter(req)
    name = req.params["namespace"]
    found = store(req).show_namespace(req.ctx, name)
    view = namespace_view(found["namespace"])
    prefix = ""
    resource_type = req.q("resource_type")
    if found["objects"]:
        view["objects"] = [object_view(o, name) for o in found["objects"]]
    if found["associations"]:
        view["resource_type_associations"] = [association_view(a) for a in found["associations"]]
        for assoc in found["associations"]:
            if resource_type and assoc["name"] == resource_type:
                prefix = assoc.get("prefix") or ""
    if found["properties"]:
        view["properties"] = {prefix + p["name"]: property_view(p, with_name=False) for p in found["properties"]}
    if found["tags"]:
        view["tags"] = [{"name": t["name"]} for t in found["tags"]]
    return Reply(200, view)


def update_namespace(req: ApiRequest) -> Reply:
    body = _body(req, "namespace", ("self", "schema", "created_at", "updated_at"))
    ns = store(req).update_namespace(req.ctx, req.params["namespace"], body)
    ns.pop("resource_type_associations", None)
    return Reply(200, namespace_view(ns))


def delete_namespace(req: ApiRequest) -> Reply:
    store(req).delete_namespace(req.ctx, req.params["namespace"])
    return Reply(204)


def delete_namespace_objects(req: ApiRequest) -> Reply:
    store(req).delete_namespace(req.ctx, req.params["namespace"], "object")
    return Reply(204)


def delete_namespace_properties(req: ApiRequest) -> Reply:
    store(req).delete_namespace(req.ctx, req.params["namespace"], "property")
    return Reply(204)


def delete_namespace_tags(req: ApiRequest) -> Reply:
    store(req).delete_namespace(req.ctx, req.params["namespace"], "tag")
    return Reply(204)


# -- objects ---------------------------------------------------------------------------------


def list_objects(req: ApiRequest) -> Reply:
    ns = req.params["namespace"]
    rows = store(req).list_children(
        req.ctx, "object", ns, "get_metadef_objects",
        limit=_limit(req), marker=req.q("marker"), sort_key="created_at", sort_dir=_sort_dir(req),
    )  # fmt: skip
    return Reply(200, {"objects": [object_view(r, ns) for r in rows], "schema": "v2/schemas/metadefs/objects"})


def create_object(req: ApiRequest) -> Reply:
    body = _body(req, "object", ("self", "schema", "created_at", "updated_at"))
    ns = req.params["namespace"]
    row = store(req).create_child(req.ctx, "object", ns, object_values(body), "add_metadef_object")
    return Reply(201, object_view(row, ns))


def get_object(req: ApiRequest) -> Reply:
    ns = req.params["namespace"]
    row = store(req).read_child(req.ctx, "object", ns, req.params["object_name"], "get_metadef_object")
    return Reply(200, object_view(row, ns))


def update_object(req: ApiRequest) -> Reply:
    body = _body(req, "object", ("self", "schema", "created_at", "updated_at"))
    ns = req.params["namespace"]
    row = store(req).update_child(
        req.ctx, "object", ns, req.params["object_name"], object_values(body), "modify_metadef_object"
    )
    return Reply(200, object_view(row, ns))


def delete_object(req: ApiRequest) -> Reply:
    store(req).delete_child(
        req.ctx, "object", req.params["namespace"], req.params["object_name"], "delete_metadef_object"
    )
    return Reply(204)


# -- properties ------------------------------------------------------------------------------


def list_properties(req: ApiRequest) -> Reply:
    rows = store(req).list_children(req.ctx, "property", req.params["namespace"], "get_metadef_properties")
    return Reply(200, {"properties": {r["name"]: property_view(r, with_name=False) for r in rows}})


def create_property(req: ApiRequest) -> Reply:
    body = _body(req, "property")
    row = store(req).create_child(
        req.ctx, "property", req.params["namespace"], property_values(body["name"], body), "add_metadef_property"
    )
    return Reply(201, property_view(row))


def get_property(req: ApiRequest) -> Reply:
    name = req.params["property_name"]
    resource_type = req.q("resource_type")
    s = store(req)
    if resource_type:
        for assoc in s.associations(req.ctx, req.params["namespace"]):
            prefix = assoc.get("prefix") or ""
            if assoc["name"] == resource_type and prefix:
                if not name.startswith(prefix):
                    raise errors.not_found(
                        f"Property {name} does not start with the expected resource type association prefix of "
                        f"'{prefix}'."
                    )
                name = name[len(prefix) :]
    row = s.read_child(req.ctx, "property", req.params["namespace"], name, "get_metadef_property")
    return Reply(200, property_view(row))


def update_property(req: ApiRequest) -> Reply:
    body = _body(req, "property")
    row = store(req).update_child(
        req.ctx,
        "property",
        req.params["namespace"],
        req.params["property_name"],
        property_values(body["name"], body),
        "modify_metadef_property",
    )
    return Reply(200, property_view(row))


def delete_property(req: ApiRequest) -> Reply:
    store(req).delete_child(
        req.ctx, "property", req.params["namespace"], req.params["property_name"], "remove_metadef_property"
    )
    return Reply(204)


# -- tags --------------------------------------------------------------------------------------


def list_tags(req: ApiRequest) -> Reply:
    rows = store(req).list_children(
        req.ctx, "tag", req.params["namespace"], "get_metadef_tags",
        limit=_limit(req), marker=req.q("marker"), sort_key=req.q("sort_key", "created_at") or "created_at",
        sort_dir=_sort_dir(req),
    )  # fmt: skip
    return Reply(200, {"tags": [{"name": r["name"]} for r in rows]})


def create_tags(req: ApiRequest) -> Reply:
    body = _body(req, "tags")
    append = (req.header("x-openstack-append") or "").strip().lower() in ("1", "true", "t", "yes", "y", "on")
    names = [t["name"] for t in body.get("tags", [])]
    rows = store(req).replace_tags(req.ctx, req.params["namespace"], names, append)
    return Reply(201, {"tags": [{"name": r["name"]} for r in rows]})


def create_tag(req: ApiRequest) -> Reply:
    name = req.params["tag_name"]
    try:
        validate(_VALIDATORS["tag"], {"name": name})
    except ValidationFailed as exc:
        raise errors.schema_error("tag", str(exc.extra.get("reason") or exc.message)) from None
    row = store(req).create_child(req.ctx, "tag", req.params["namespace"], {"name": name}, "add_metadef_tag")
    return Reply(201, tag_view(row))


def get_tag(req: ApiRequest) -> Reply:
    row = store(req).read_child(req.ctx, "tag", req.params["namespace"], req.params["tag_name"], "get_metadef_tag")
    return Reply(200, tag_view(row))


def update_tag(req: ApiRequest) -> Reply:
    body = _body(req, "tag")
    row = store(req).update_child(
        req.ctx, "tag", req.params["namespace"], req.params["tag_name"], {"name": body["name"]}, "modify_metadef_tag"
    )
    return Reply(200, tag_view(row))


def delete_tag(req: ApiRequest) -> Reply:
    store(req).delete_child(req.ctx, "tag", req.params["namespace"], req.params["tag_name"], "delete_metadef_tag")
    return Reply(204)


# -- resource types -------------------------------------------------------------------------


def list_resource_types(req: ApiRequest) -> Reply:
    rows = store(req).resource_types(req.ctx)
    return Reply(200, {"resource_types": [{"name": r["name"], **_times(r)} for r in rows]})


def list_associations(req: ApiRequest) -> Reply:
    rows = store(req).associations(req.ctx, req.params["namespace"])
    return Reply(200, {"resource_type_associations": [association_view(r) for r in rows]})


def create_association(req: ApiRequest) -> Reply:
    body = _body(req, "resource_type")
    row = store(req).associate(req.ctx, req.params["namespace"], body)
    return Reply(201, association_view(row))


def delete_association(req: ApiRequest) -> Reply:
    store(req).dissociate(req.ctx, req.params["namespace"], req.params["resource_type"])
    return Reply(204)


# -- schemas ----------------------------------------------------------------------------------


def schema_handler(name: str) -> Handler:
    def handler(req: ApiRequest) -> Reply:
        return Reply(200, schemas.DOCUMENTS[name]())

    handler.__name__ = f"metadef_{name}_schema"
    return handler
