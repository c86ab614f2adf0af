"""Turning request bodies into validated changes, as Glance's request deserializers do.

These checks run before the image is even looked up (a read-only attribute is a 403
and a schema violation a 400 whatever the image), in Glance's order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pocketstack.core.errors import ValidationFailed
from pocketstack.core.validation import validate
from pocketstack.services.image import errors
from pocketstack.services.image.schemadocs import BASE_PROPERTIES, IMAGE_VALIDATION

DISALLOWED = ("direct_url", "self", "file", "schema", "stores")
READONLY = (
    "created_at",
    "updated_at",
    "status",
    "checksum",
    "size",
    "virtual_size",
    "direct_url",
    "self",
    "file",
    "schema",
    "id",
    "os_hash_algo",
    "os_hash_value",
)
RESERVED = ("location", "deleted", "deleted_at")
RESERVED_NAMESPACE = "os_glance"
# what the image factory refuses on create
FACTORY_READONLY = (
    "created_at",
    "updated_at",
    "status",
    "checksum",
    "os_hash_algo",
    "os_hash_value",
    "size",
    "virtual_size",
)
FACTORY_RESERVED = ("owner", "locations", "deleted", "deleted_at", "direct_url", "self", "file", "schema")
PATCH_VERSIONS = {
    "application/openstack-images-v2.0-json-patch": 4,
    "application/openstack-images-v2.1-json-patch": 10,
}
OPERATIONS = ("add", "remove", "replace")
PATH_DEPTH = {"locations": {"add": 2, "remove": 2, "replace": 1}}


def check_schema(document: Any) -> None:
    try:
        validate(IMAGE_VALIDATION, document)
    except ValidationFailed as exc:
        raise errors.schema_error("image", str(exc.extra.get("reason") or exc.message)) from None


def body_object(body: Any) -> Any:
    """Glance's JSON deserializer: a body is required and must be an object or a list."""
    if body is None:
        raise errors.bad_request("Body expected in request.")
    if not isinstance(body, dict | list):
        raise errors.bad_request("Unexpected body type. Expected list/dict.")
    return body


@dataclass
class NewImage:
    base: dict[str, Any]
    extra: dict[str, Any]
    tags: list[str]


def parse_create(body: Any) -> NewImage:
    body = body_object(body)
    if not isinstance(body, dict):  # Glance fails with a 500 here
        raise errors.schema_error("image", f"{body!r} is not of type 'object'")
    for key in DISALLOWED:
        if key in body:
            raise errors.forbidden(f"Attribute '{key}' is read-only.")
    check_schema(body)
    props = dict(body)
    tags = props.pop("tags", [])
    base = {k: props.pop(k) for k in list(props) if k in BASE_PROPERTIES}
    for key in props:
        if len(key) > 255:
            raise errors.bad_request("Custom property should not be greater than 255 characters.")
        if key in RESERVED or key.startswith(RESERVED_NAMESPACE):
            raise errors.forbidden(f"Attribute '{key}' is reserved.")
    for key in FACTORY_READONLY:
        if key in base:
            raise errors.forbidden(f"Attribute '{key}' is read-only.")
    for key in FACTORY_RESERVED:
        if key in props:
            raise errors.forbidden(f"Attribute '{key}' is reserved.")
    return NewImage(base, props, list(tags))


# -- PATCH -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    op: str
    path: tuple[str, ...]
    value: Any = None
    draft: int = 10


def _pointer(pointer: Any) -> list[str]:
    if not isinstance(pointer, str):
        raise errors.bad_request(f'Pointer `{pointer}` does not start with "/".')
    if not pointer.startswith("/"):
        raise errors.bad_request(f'Pointer `{pointer}` does not start with "/".')
    if re.search(r"/\s*?/", pointer[1:]):
        raise errors.bad_request(f'Pointer `{pointer}` contains adjacent "/".')
    if len(pointer) > 1 and pointer.endswith("/"):
        raise errors.bad_request(f'Pointer `{pointer}` end with "/".')
    if pointer[1:].strip() == "/":
        raise errors.bad_request(f"Pointer `{pointer}` does not contains valid token.")
    if re.search("~[^01]", pointer) or pointer.endswith("~"):
        raise errors.bad_request(f'Pointer `{pointer}` contains "~" not part of a recognized escape sequence.')
    return [part.replace("~1", "/").replace("~0", "~").strip() for part in pointer.lstrip("/").split("/")]


def _operation(raw: dict[str, Any], draft: int) -> tuple[str, Any]:
    available = ", ".join(OPERATIONS)
    if draft == 10:
        op = raw.get("op")
        if op is None:
            raise errors.bad_request(
                f"Unable to find `op` in JSON Schema change. It must be one of the following: {available}."
            )
        if op not in OPERATIONS:
            raise errors.bad_request(f"Invalid operation: `{op}`. It must be one of the following: {available}.")
        if "path" not in raw:
            raise errors.bad_request("Unable to find 'path' in JSON Schema change")
        return op, raw["path"]
    found = [k for k in OPERATIONS if k in raw]
    if len(found) > 1:
        raise errors.bad_request('Operation objects must contain only one member named "add", "remove", or "replace".')
    if not found:
        raise errors.bad_request(
            'Operation objects must contain exactly one member named "add", "remove", or "replace".'
        )
    return found[0], raw[found[0]]


def _validate_change(change: Change) -> None:
    root = change.path[0]
    if root in READONLY:
        raise errors.forbidden(f"Attribute '{root}' is read-only.")
    if root in RESERVED or root.startswith(RESERVED_NAMESPACE):
        raise errors.forbidden(f"Attribute '{root}' is reserved.")
    if change.op == "remove":
        return
    partial: dict[str, Any] | None = None
    if len(change.path) == 1:
        partial = {root: change.value}
    elif IMAGE_VALIDATION["properties"].get(root, {}).get("type") == "array":
        partial = {root: [change.value]}
    if partial is not None:
        check_schema(partial)


def parse_patch(content_type: str | None, raw_body: bytes) -> list[Change]:
    import orjson

    media = (content_type or "").split(";")[0].strip().lower()
    if media not in PATCH_VERSIONS:
        raise errors.patch_media_type()
    draft = PATCH_VERSIONS[media]
    if not raw_body.strip():
        raise errors.bad_request("Body expected in request.")
    try:
        body = orjson.loads(raw_body)
    except orjson.JSONDecodeError:
        raise errors.bad_request("Malformed JSON in request body.") from None
    body = body_object(body)
    if not isinstance(body, list):
        raise errors.bad_request("Request body must be a JSON array of operation objects.")
    changes = []
    for raw in body:
        if not isinstance(raw, dict):
            raise errors.bad_request("Operations must be JSON objects.")
        op, pointer = _operation(raw, draft)
        path = _pointer(pointer)
        depth = PATH_DEPTH.get(path[0], {}).get(op, 1)
        if len(path) != depth:
            raise errors.bad_request(f"Invalid JSON pointer for this resource: '/{'/'.join(path)}'")
        value = None
        if op != "remove":
            if "value" not in raw:
                raise errors.bad_request(f'Operation "{op}" requires a member named "value".')
            value = raw["value"]
        change = Change(op, tuple(path), value, draft)
        _validate_change(change)
        changes.append(change)
    return changes
