"""The metadef JSON schemas Glance publishes at ``/v2/schemas/metadefs/...`` and
validates request bodies with."""

from __future__ import annotations

import copy
from typing import Any

_TYPES = ["array", "boolean", "integer", "number", "object", "string", None]


def _ts(what: str) -> dict[str, Any]:
    return {"type": "string", "readOnly": True, "description": what, "format": "date-time"}


def definitions(min_items: bool = False) -> dict[str, Any]:
    string_array: dict[str, Any] = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
    if min_items:
        string_array = {"type": "array", "items": {"type": "string"}, "minItems": 1, "uniqueItems": True}
    return {
        "positiveInteger": {"type": "integer", "minimum": 0},
        "positiveIntegerDefault0": {"allOf": [{"$ref": "#/definitions/positiveInteger"}, {"default": 0}]},
        "stringArray": string_array,
    }


def property_fields() -> dict[str, Any]:
    """What a property definition may hold (a JSON-schema-like description)."""
    return {
        "name": {"type": "string", "maxLength": 80},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "operators": {"type": "array", "items": {"type": "string"}},
        "type": {"type": "string", "enum": list(_TYPES)},
        "required": {"$ref": "#/definitions/stringArray"},
        "minimum": {"type": "number"},
        "maximum": {"type": "number"},
        "maxLength": {"$ref": "#/definitions/positiveInteger"},
        "minLength": {"$ref": "#/definitions/positiveIntegerDefault0"},
        "pattern": {"type": "string", "format": "regex"},
        "enum": {"type": "array"},
        "readonly": {"type": "boolean"},
        "default": {},
        "items": {
            "type": "object",
            "properties": {"type": {"type": "string", "enum": list(_TYPES)}, "enum": {"type": "array"}},
        },
        "maxItems": {"$ref": "#/definitions/positiveInteger"},
        "minItems": {"$ref": "#/definitions/positiveIntegerDefault0"},
        "uniqueItems": {"type": "boolean", "default": False},
        "additionalItems": {"type": "boolean"},
    }


def _property_map() -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": {"type": "object", "required": ["title", "type"], "properties": property_fields()},
    }


def namespace() -> dict[str, Any]:
    return {
        "name": "namespace",
        "properties": {
            "namespace": {"type": "string", "description": "The unique namespace text.", "maxLength": 80},
            "display_name": {
                "type": "string",
                "description": "The user friendly name for the namespace. Used by UI if available.",
                "maxLength": 80,
            },
            "description": {
                "type": "string",
                "description": "Provides a user friendly description of the namespace.",
                "maxLength": 500,
            },
            "visibility": {
                "type": "string",
                "description": "Scope of namespace accessibility.",
                "enum": ["public", "private"],
            },
            "protected": {"type": "boolean", "description": "If true, namespace will not be deletable."},
            "owner": {"type": "string", "description": "Owner of the namespace.", "maxLength": 255},
            "created_at": _ts("Date and time of namespace creation"),
            "updated_at": _ts("Date and time of the last namespace modification"),
            "schema": {"readOnly": True, "type": "string"},
            "self": {"readOnly": True, "type": "string"},
            "resource_type_associations": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "prefix": {"type": "string"},
                        "properties_target": {"type": "string"},
                    },
                },
            },
            "properties": {"$ref": "#/definitions/property"},
            "objects": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "description": {"type": "string"},
                        "required": {"$ref": "#/definitions/stringArray"},
                        "properties": {"$ref": "#/definitions/property"},
                    },
                },
            },
            "tags": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
        },
        "additionalProperties": False,
        "definitions": {**definitions(), "property": _property_map()},
        "required": ["namespace"],
    }


def object_() -> dict[str, Any]:
    return {
        "name": "object",
        "properties": {
            "name": {"type": "string", "maxLength": 80},
            "description": {"type": "string"},
            "required": {"$ref": "#/definitions/stringArray"},
            "properties": {"$ref": "#/definitions/property"},
            "schema": {"readOnly": True, "type": "string"},
            "self": {"readOnly": True, "type": "string"},
            "created_at": _ts("Date and time of object creation"),
            "updated_at": _ts("Date and time of the last object modification"),
        },
        "additionalProperties": False,
        "definitions": {**definitions(), "property": _property_map()},
        "required": ["name"],
    }


def property_(require_name: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": "property",
        "properties": property_fields(),
        "additionalProperties": False,
        "definitions": definitions(min_items=True),
        "required": ["type", "title", "name"] if require_name else ["type", "title"],
    }
    return out


def resource_type() -> dict[str, Any]:
    return {
        "name": "resource_type_association",
        "properties": {
            "name": {
                "type": "string",
                "description": "Resource type names should be aligned with Heat resource types whenever possible: "
                "https://docs.openstack.org/heat/latest/template_guide/openstack.html",
                "maxLength": 80,
            },
            "prefix": {
                "type": "string",
                "description": "Specifies the prefix to use for the given resource type. Any properties in the "
                "namespace should be prefixed with this prefix when being applied to the specified resource type. "
                "Must include prefix separator (e.g. a colon :).",
                "maxLength": 80,
            },
            "properties_target": {
                "type": "string",
                "description": "Some resource types allow more than one key / value pair per instance.  For example, "
                "Cinder allows user and image metadata on volumes. Only the image properties metadata is evaluated "
                "by Nova (scheduling or drivers). This property allows a namespace target to remove the ambiguity.",
                "maxLength": 80,
            },
            "created_at": _ts("Date and time of resource type association"),
            "updated_at": _ts("Date and time of the last resource type association modification"),
        },
        "additionalProperties": False,
        "required": ["name"],
    }


def tag() -> dict[str, Any]:
    return {
        "name": "tag",
        "properties": {
            "name": {"type": "string", "maxLength": 80},
            "created_at": _ts("Date and time of tag creation"),
            "updated_at": _ts("Date and time of the last tag modification"),
        },
        "additionalProperties": False,
        "required": ["name"],
    }


def _collection(name: str, item: dict[str, Any], hoist_definitions: bool = True) -> dict[str, Any]:
    item = copy.deepcopy(item)
    defs = item.pop("definitions", None) if hoist_definitions else None
    out: dict[str, Any] = {
        "name": name,
        "properties": {
            name: {"type": "array", "items": item},
            "first": {"type": "string"},
            "next": {"type": "string"},
            "schema": {"type": "string"},
        },
        "links": [
            {"rel": "first", "href": "{first}"},
            {"rel": "next", "href": "{next}"},
            {"rel": "describedby", "href": "{schema}"},
        ],
    }
    if defs:
        out["definitions"] = defs
    return out


def namespaces() -> dict[str, Any]:
    return _collection("namespaces", namespace())


def objects() -> dict[str, Any]:
    return _collection("objects", object_())


def properties() -> dict[str, Any]:
    item = property_(require_name=False)
    defs = item.pop("definitions")
    return {
        "name": "properties",
        "properties": {
            "properties": {"type": "object", "additionalProperties": item},
            "first": {"type": "string"},
            "next": {"type": "string"},
            "schema": {"type": "string"},
        },
        "links": [
            {"rel": "first", "href": "{first}"},
            {"rel": "next", "href": "{next}"},
            {"rel": "describedby", "href": "{schema}"},
        ],
        "definitions": defs,
    }


def resource_types() -> dict[str, Any]:
    out = _collection("resource_type_associations", resource_type())
    out["name"] = "resource_type_associations"
    return out


def tags() -> dict[str, Any]:
    return _collection("tags", tag())


DOCUMENTS = {
    "namespace": namespace,
    "namespaces": namespaces,
    "object": object_,
    "objects": objects,
    "property": property_,
    "properties": properties,
    "resource_type": resource_type,
    "resource_types": resource_types,
    "tag": tag,
    "tags": tags,
}
