"""Volume attachments as Nova guards them: a multiattach volume (a volume type with
``multiattach="<is> True"``) on several servers from 2.60, never twice on one server; any
other volume on one live server only."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.server import Server

S = "/compute/v2.1/servers"
V259 = {"OpenStack-API-Version": "compute 2.59"}
V260 = {"OpenStack-API-Version": "compute 2.60"}


@pytest.fixture(scope="module")
def admin(server: Server) -> Iterator[httpx.Client]:
    with server.http(server.token("admin", "admin")) as c:
        if c.get("/volume/v3/types").status_code != 200:
            pytest.skip("no block storage service")
        yield c


def _server(c: httpx.Client, image: str) -> str:
    body = {"server": {"name": f"ma-{uuid.uuid4().hex[:6]}", "imageRef": image, "flavorRef": "42", "networks": "none"}}
    r = c.post(S, json=body, headers=V260)
    assert r.status_code == 202, r.text
    sid = str(r.json()["server"]["id"])
    for _ in range(200):
        if c.get(f"{S}/{sid}").json()["server"]["status"] == "ACTIVE":
            return sid
    raise AssertionError("server never became ACTIVE")


def _volume(c: httpx.Client, **extra: Any) -> str:
    r = c.post("/volume/v3/volumes", json={"volume": {"size": 1, **extra}})
    assert r.status_code == 202, r.text
    vid = str(r.json()["volume"]["id"])
    for _ in range(200):
        if c.get(f"/volume/v3/volumes/{vid}").json()["volume"]["status"] == "available":
            return vid
    raise AssertionError("volume never became available")


def _attach(c: httpx.Client, sid: str, vid: str, headers: dict[str, str]) -> httpx.Response:
    return c.post(f"{S}/{sid}/os-volume_attachments", json={"volumeAttachment": {"volumeId": vid}}, headers=headers)


def test_multiattach_and_single_attach_guards(admin: httpx.Client) -> None:
    image = next(i["id"] for i in admin.get("/image/v2/images").json()["images"] if i["name"].startswith("cirros"))
    vtype = admin.post(
        "/volume/v3/types",
        json={"volume_type": {"name": f"ma-{uuid.uuid4().hex[:6]}", "extra_specs": {"multiattach": "<is> True"}}},
    ).json()["volume_type"]
    multi = _volume(admin, volume_type=vtype["name"])
    single = _volume(admin)
    one, two = _server(admin, image), _server(admin, image)

    r = _attach(admin, one, multi, V259)
    assert r.status_code == 400
    assert r.json()["badRequest"]["message"] == (
        "Multiattach volumes are only supported starting with compute API version 2.60."
    )
    assert _attach(admin, one, multi, V260).status_code == 200
    assert _attach(admin, two, multi, V260).status_code == 200
    volume = admin.get(f"/volume/v3/volumes/{multi}").json()["volume"]
    assert volume["status"] == "in-use" and {a["server_id"] for a in volume["attachments"]} == {one, two}
    r = _attach(admin, one, multi, V260)
    assert r.json()["badRequest"]["message"] == f"Invalid volume: volume {multi} already attached"

    assert _attach(admin, one, single, V260).status_code == 200
    r = _attach(admin, two, single, V260)
    assert r.status_code == 400
    expected = f"Invalid volume: volume {single} is already attached to instances: {one}"
    assert r.json()["badRequest"]["message"] == expected

    for sid, vid in ((one, multi), (two, multi), (one, single)):
        assert admin.delete(f"{S}/{sid}/os-volume_attachments/{vid}").status_code == 202
    for vid in (multi, single):
        assert admin.get(f"/volume/v3/volumes/{vid}").json()["volume"]["status"] == "available"
        assert admin.delete(f"/volume/v3/volumes/{vid}").status_code == 202
    for sid in (one, two):
        assert admin.delete(f"{S}/{sid}").status_code == 204
