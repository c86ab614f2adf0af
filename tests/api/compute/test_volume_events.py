"""Cinder and Nova agree on attached volumes that change: an extended in-use volume is
Cinder's ``volume-extended`` external event, Nova's ``extend_volume`` instance action
and its ``compute_extend_volume`` event; the external events API itself; DevStack's
``multiattach`` volume type."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.server import Server

S = "/compute/v2.1/servers"
V251 = {"OpenStack-API-Version": "compute 2.51"}
V260 = {"OpenStack-API-Version": "compute 2.60"}
CINDER_342 = {"OpenStack-API-Version": "volume 3.42"}


@pytest.fixture(scope="module")
def admin(server: Server) -> Iterator[httpx.Client]:
    with server.http(server.token("admin", "admin")) as c:
        if c.get("/volume/v3/types").status_code != 200:
            pytest.skip("no block storage service")
        yield c


@pytest.fixture(scope="module")
def member(server: Server) -> Iterator[httpx.Client]:
    with server.http(server.token("demo", "demo")) as c:
        yield c


def _wait(c: httpx.Client, path: str, key: str, field: str, value: Any) -> dict[str, Any]:
    for _ in range(300):
        body: dict[str, Any] = c.get(path).json()[key]
        if body[field] == value:
            return body
        time.sleep(0.05)
    raise AssertionError(f"{path}: {field} never became {value!r} ({body[field]!r})")


def _image(c: httpx.Client) -> str:
    return str(next(i["id"] for i in c.get("/image/v2/images").json()["images"] if i["name"].startswith("cirros")))


def _server(c: httpx.Client) -> str:
    body = {"server": {"name": f"ev-{uuid.uuid4().hex[:6]}", "imageRef": _image(c), "flavorRef": "42",
                       "networks": "none"}}  # fmt: skip
    r = c.post(S, json=body, headers=V260)
    assert r.status_code == 202, r.text
    sid = str(r.json()["server"]["id"])
    _wait(c, f"{S}/{sid}", "server", "status", "ACTIVE")
    return sid


def _volume(c: httpx.Client, **extra: Any) -> str:
    r = c.post("/volume/v3/volumes", json={"volume": {"size": 1, **extra}})
    assert r.status_code == 202, r.text
    vid = str(r.json()["volume"]["id"])
    _wait(c, f"/volume/v3/volumes/{vid}", "volume", "status", "available")
    return vid


def _attach(c: httpx.Client, sid: str, vid: str) -> None:
    r = c.post(f"{S}/{sid}/os-volume_attachments", json={"volumeAttachment": {"volumeId": vid}}, headers=V260)
    assert r.status_code == 200, r.text
    _wait(c, f"/volume/v3/volumes/{vid}", "volume", "status", "in-use")


def _actions(c: httpx.Client, sid: str, name: str) -> list[dict[str, Any]]:
    actions = c.get(f"{S}/{sid}/os-instance-actions").json()["instanceActions"]
    return [a for a in actions if a["action"] == name]


def test_extend_attached_volume_is_an_instance_action(member: httpx.Client, admin: httpx.Client) -> None:
    sid = _server(member)
    vid = _volume(member)
    _attach(member, sid, vid)
    r = member.post(f"/volume/v3/volumes/{vid}/action", json={"os-extend": {"new_size": 2}}, headers=CINDER_342)
    assert r.status_code == 202, r.text
    volume = _wait(member, f"/volume/v3/volumes/{vid}", "volume", "status", "in-use")
    assert volume["size"] == 2
    # the owner sees Nova's extend_volume action; an admin sees its compute event
    found = _actions(member, sid, "extend_volume")
    assert len(found) == 1 and found[0]["request_id"].startswith("req-")
    shown = admin.get(f"{S}/{sid}/os-instance-actions/{found[0]['request_id']}").json()["instanceAction"]
    events = shown["events"]
    assert [e["event"] for e in events] == ["compute_extend_volume"]
    assert events[0]["result"] == "Success" and events[0]["finish_time"]
    # extending an available volume tells Nova nothing
    other = _volume(member)
    r = member.post(f"/volume/v3/volumes/{other}/action", json={"os-extend": {"new_size": 2}}, headers=CINDER_342)
    assert r.status_code == 202
    _wait(member, f"/volume/v3/volumes/{other}", "volume", "status", "available")
    assert len(_actions(member, sid, "extend_volume")) == 1


def test_extend_multiattached_volume_tells_every_server(admin: httpx.Client) -> None:
    one, two = _server(admin), _server(admin)
    vid = _volume(admin, volume_type="multiattach")
    _attach(admin, one, vid)
    _attach(admin, two, vid)
    r = admin.post(f"/volume/v3/volumes/{vid}/action", json={"os-extend": {"new_size": 3}}, headers=CINDER_342)
    assert r.status_code == 202, r.text
    _wait(admin, f"/volume/v3/volumes/{vid}", "volume", "status", "in-use")
    assert len(_actions(admin, one, "extend_volume")) == 1
    assert len(_actions(admin, two, "extend_volume")) == 1


def test_external_events_api(admin: httpx.Client, member: httpx.Client) -> None:
    sid = _server(admin)
    vid = _volume(admin)
    _attach(admin, sid, vid)
    missing = str(uuid.uuid4())
    events = [
        {"name": "volume-extended", "server_uuid": sid, "tag": vid},
        {"name": "volume-extended", "server_uuid": sid},
        {"name": "network-changed", "server_uuid": missing},
    ]
    r = admin.post("/compute/v2.1/os-server-external-events", json={"events": events}, headers=V251)
    assert r.status_code == 207, r.text
    got = r.json()["events"]
    assert [(e["status"], e["code"]) for e in got] == [("completed", 200), ("failed", 400), ("failed", 404)]
    assert got[0] == {**events[0], "status": "completed", "code": 200}
    (action,) = _actions(admin, sid, "extend_volume")
    assert action["request_id"] == r.headers["x-openstack-request-id"]
    # volume-extended is a 2.51 event; only admins (or the service role) send events
    r = admin.post("/compute/v2.1/os-server-external-events", json={"events": events[:1]})
    assert r.status_code == 400
    r = member.post("/compute/v2.1/os-server-external-events", json={"events": events[:1]}, headers=V251)
    assert r.status_code == 403
    assert len(_actions(admin, sid, "extend_volume")) == 1


def test_devstack_multiattach_type(admin: httpx.Client) -> None:
    types = {t["name"]: t for t in admin.get("/volume/v3/types").json()["volume_types"]}
    assert types["multiattach"]["extra_specs"] == {"multiattach": "<is> True"}
    assert types["multiattach"]["is_public"] is True
    vid = _volume(admin, volume_type="multiattach")
    assert admin.get(f"/volume/v3/volumes/{vid}").json()["volume"]["multiattach"] is True
