"""Version discovery at ``/`` and ``/v3``, in Keystone's format."""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import ApiRequest, Reply

VERSION_ID = "v3.14"
UPDATED = "2020-04-07T00:00:00Z"


def _v3(req: ApiRequest) -> dict[str, Any]:
    return {
        "id": VERSION_ID,
        "status": "stable",
        "updated": UPDATED,
        "links": [{"rel": "self", "href": f"{req.base_url}/v3/"}],
        "media-types": [{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}],
    }


def versions(req: ApiRequest) -> Reply:
    return Reply(
        300,
        {"versions": {"values": [_v3(req)]}},
        headers={"Location": f"{req.base_url}/v3/"},
    )


def version_v3(req: ApiRequest) -> Reply:
    return Reply(200, {"version": _v3(req)})
