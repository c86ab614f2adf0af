"""Version discovery (``/image/``, ``/image/versions``), schemas and ``/v2/info/*``."""

from __future__ import annotations

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.image import errors, schemadocs, views
from pocketstack.services.image.data import IMPORT_METHODS

# What a stock Glance (single store, no image cache) advertises, newest first as it lists them.
VERSIONS = (
    ("v2.15", "SUPPORTED"),
    ("v2.9", "SUPPORTED"),
    ("v2.17", "CURRENT"),
    ("v2.7", "SUPPORTED"),
    ("v2.6", "SUPPORTED"),
    ("v2.5", "SUPPORTED"),
    ("v2.4", "SUPPORTED"),
    ("v2.3", "SUPPORTED"),
    ("v2.2", "SUPPORTED"),
    ("v2.1", "SUPPORTED"),
    ("v2.0", "SUPPORTED"),
)


def _versions(req: ApiRequest) -> dict[str, list[dict[str, object]]]:
    return {"versions": [views.version(req.service_url, ident, status) for ident, status in VERSIONS]}


def versions(req: ApiRequest) -> Reply:
    return Reply(300, _versions(req))


def versions_explicit(req: ApiRequest) -> Reply:
    return Reply(200, _versions(req))


def image_schema(req: ApiRequest) -> Reply:
    return Reply(200, schemadocs.image_schema())


def images_schema(req: ApiRequest) -> Reply:
    return Reply(200, schemadocs.images_schema())


def member_schema(req: ApiRequest) -> Reply:
    return Reply(200, schemadocs.member_schema())


def members_schema(req: ApiRequest) -> Reply:
    return Reply(200, schemadocs.members_schema())


def import_info(req: ApiRequest) -> Reply:
    methods = {"description": "Import methods available.", "type": "array", "value": list(IMPORT_METHODS)}
    return Reply(200, {"import-methods": methods})


def stores_info(req: ApiRequest) -> Reply:
    raise errors.not_found("Multi backend is not supported at this site.")
