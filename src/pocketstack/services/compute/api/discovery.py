"""Version documents at ``/compute/``, ``/compute/v2`` and ``/compute/v2.1``."""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.compute import versions

_DOCS = "http://docs.openstack.org/"


def _v20(req: ApiRequest) -> dict[str, Any]:
    return {
        "id": "v2.0",
        "status": "DEPRECATED",
        "version": "",
        "min_version": "",
        "updated": versions.V20_UPDATED,
        "links": [{"rel": "self", "href": f"{req.service_url}/v2/"}],
    }


def _v21(req: ApiRequest) -> dict[str, Any]:
    return {
        "id": "v2.1",
        "status": "CURRENT",
        "version": versions.MAXIMUM,
        "min_version": versions.MINIMUM,
        "updated": versions.V21_UPDATED,
        "links": [{"rel": "self", "href": f"{req.service_url}/v2.1/"}],
    }


def _detail(doc: dict[str, Any], media_version: str) -> dict[str, Any]:
    out = dict(doc)
    out["links"] = [
        *doc["links"],
        {"rel": "describedby", "type": "text/html", "href": _DOCS},
    ]
    out["media-types"] = [
        {"base": "application/json", "type": f"application/vnd.openstack.compute+json;version={media_version}"}
    ]
    return out


def versions_index(req: ApiRequest) -> Reply:
    return Reply(200, {"versions": [_v20(req), _v21(req)]})


def version_v2(req: ApiRequest) -> Reply:
    return Reply(200, {"version": _detail(_v20(req), "2")})


def version_v21(req: ApiRequest) -> Reply:
    return Reply(200, {"version": _detail(_v21(req), "2.1")})
