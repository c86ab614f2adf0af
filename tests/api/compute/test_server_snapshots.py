"""Snapshots of servers (createImage, createBackup) as Nova takes them.

An image-backed server's image is ``queued`` while Nova's compute has yet to upload it,
``saving`` during the upload (task_state ``image_uploading``) and ``active`` at the end;
with instant timing that is all over when the request returns, with manual timing each
step waits for a release.  A volume-backed server's snapshot is volume snapshots plus an
image of their mappings, and booting that image boots from new volumes of them.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server import Server

S = "/compute/v2.1/servers"
H = {"OpenStack-API-Version": "compute 2.79"}
MANUAL = """
[compute]
build_mode = "manual"
"""


def _image(c: httpx.Client) -> str:
    return str(next(i["id"] for i in c.get("/image/v2/images").json()["images"] if i["name"].startswith("cirros")))


def _wait(c: httpx.Client, path: str, key: str, field: str, value: Any) -> dict[str, Any]:
    for _ in range(300):
        body: dict[str, Any] = c.get(path, headers=H).json()[key]
        if body[field] == value:
            return body
        time.sleep(0.05)
    raise AssertionError(f"{path}: {field} never became {value!r} ({body[field]!r})")


def _create(c: httpx.Client, **server: Any) -> str:
    body = {"name": f"snap-{uuid.uuid4().hex[:6]}", "flavorRef": "42", "networks": "none", **server}
    r = c.post(S, json={"server": body}, headers=H)
    assert r.status_code == 202, r.text
    return str(r.json()["server"]["id"])


def _state(c: httpx.Client, sid: str, image_id: str) -> tuple[str, str | None]:
    srv = c.get(f"{S}/{sid}", headers=H).json()["server"]
    return c.get(f"/image/v2/images/{image_id}").json()["status"], srv["OS-EXT-STS:task_state"]


def _action(c: httpx.Client, sid: str, body: dict[str, Any]) -> httpx.Response:
    return c.post(f"{S}/{sid}/action", json=body, headers=H)


# -- instant timing (the shared test cloud) ------------------------------------------------------


@pytest.fixture(scope="module")
def admin(server: Server) -> Iterator[httpx.Client]:
    with server.http(server.token("admin", "admin")) as c:
        yield c


def test_instant_snapshot_is_active_at_once(admin: httpx.Client) -> None:
    sid = _create(admin, imageRef=_image(admin))
    _wait(admin, f"{S}/{sid}", "server", "status", "ACTIVE")
    r = _action(admin, sid, {"createImage": {"name": "instant", "metadata": {"purpose": "test"}}})
    assert r.status_code == 202, r.text
    image_id = r.json()["image_id"]
    assert _state(admin, sid, image_id) == ("active", None)
    image = admin.get(f"/image/v2/images/{image_id}").json()
    assert image["size"] > 0 and image["purpose"] == "test" and image["image_type"] == "snapshot"
    assert image["instance_uuid"] == sid and image["base_image_ref"] == _image(admin)


def test_volume_backed_snapshot_and_boot_from_it(admin: httpx.Client) -> None:
    if admin.get("/volume/v3/types").status_code != 200:
        pytest.skip("no block storage service")
    bdm = [
        {"source_type": "image", "uuid": _image(admin), "destination_type": "volume", "volume_size": 1,
         "boot_index": 0, "delete_on_termination": True},
        {"source_type": "blank", "destination_type": "volume", "volume_size": 2, "boot_index": -1},
    ]  # fmt: skip
    sid = _create(admin, block_device_mapping_v2=bdm)
    _wait(admin, f"{S}/{sid}", "server", "status", "ACTIVE")
    r = _action(admin, sid, {"createImage": {"name": "bfv-snap", "metadata": {"k": "v"}}})
    assert r.status_code == 202, r.text
    image_id = r.json()["image_id"]
    image = admin.get(f"/image/v2/images/{image_id}").json()
    assert (image["status"], image["size"], image["disk_format"], image["container_format"]) == (
        "active", 0, "raw", "bare",
    )  # fmt: skip
    assert image["bdm_v2"] == "True" and image["root_device_name"] == "/dev/vda" and image["k"] == "v"
    mappings = json.loads(image["block_device_mapping"])
    assert [(m["source_type"], m["device_name"], m["boot_index"], m["volume_size"]) for m in mappings] == [
        ("snapshot", "/dev/vda", 0, 1),
        ("snapshot", "/dev/vdb", -1, 2),
    ]
    for m in mappings:
        snap = admin.get(f"/volume/v3/snapshots/{m['snapshot_id']}").json()["snapshot"]
        assert snap["status"] == "available" and snap["name"] == "snapshot for bfv-snap"
    actions = admin.get(f"{S}/{sid}/os-instance-actions").json()["instanceActions"]
    (snap_action,) = [a for a in actions if a["action"] == "createImage"]
    shown = admin.get(f"{S}/{sid}/os-instance-actions/{snap_action['request_id']}").json()["instanceAction"]
    assert [e["event"] for e in shown["events"]] == ["api_snapshot_instance"]
    # no backups of volume-backed servers
    r = _action(admin, sid, {"createBackup": {"name": "b", "backup_type": "daily", "rotation": 1}})
    assert r.status_code == 400
    assert r.json()["badRequest"]["message"] == "Backup is not supported for volume-backed instances."
    # the snapshot image boots from new volumes of its snapshots
    other = _create(admin, imageRef=image_id)
    shown = _wait(admin, f"{S}/{other}", "server", "status", "ACTIVE")
    assert shown["image"]["id"] == image_id
    attached = admin.get(f"{S}/{other}/os-volume_attachments", headers=H).json()["volumeAttachments"]
    volumes = [admin.get(f"/volume/v3/volumes/{a['volumeId']}").json()["volume"] for a in attached]
    assert [(a["device"], v["snapshot_id"], v["size"]) for a, v in zip(attached, volumes, strict=True)] == [
        ("/dev/vda", mappings[0]["snapshot_id"], 1),
        ("/dev/vdb", mappings[1]["snapshot_id"], 2),
    ]


# -- manual timing: each step waits for a release ------------------------------------------------


@pytest.fixture(scope="module")
def manual(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    srv = Server(Path(tmp_path_factory.mktemp("manual-snap")), extra_config=MANUAL).start()
    try:
        with srv.http(srv.token("admin", "admin")) as c:
            yield c
    finally:
        srv.stop()


def _release(c: httpx.Client, sid: str) -> None:
    r = c.post("/compute/v2.1/os-pocketstack/transitions/release", json={"server_id": sid})
    assert r.status_code in (200, 202), r.text


def _active_server(c: httpx.Client) -> str:
    sid = _create(c, imageRef=_image(c))
    _release(c, sid)
    _wait(c, f"{S}/{sid}", "server", "status", "ACTIVE")
    return sid


def test_snapshot_steps_queued_saving_active(manual: httpx.Client) -> None:
    c = manual
    sid = _active_server(c)
    r = _action(c, sid, {"createImage": {"name": "stepwise"}})
    assert r.status_code == 202, r.text
    image_id = r.json()["image_id"]
    assert _state(c, sid, image_id) == ("queued", "image_snapshot_pending")
    # Nova's 409 for a second snapshot while one is in progress
    r = _action(c, sid, {"createImage": {"name": "second"}})
    assert r.status_code == 409
    assert "while it is in task_state image_snapshot_pending" in r.json()["conflictingRequest"]["message"]
    _release(c, sid)
    assert _state(c, sid, image_id) == ("saving", "image_uploading")
    _release(c, sid)
    assert _state(c, sid, image_id) == ("active", None)
    assert c.get(f"/image/v2/images/{image_id}").json()["size"] > 0
    # the compute proxy of old microversions shows a queued or saving image as SAVING
    r = _action(c, sid, {"createImage": {"name": "proxy"}})
    proxied = r.json()["image_id"]
    old = c.get(f"/compute/v2.1/images/{proxied}", headers={"OpenStack-API-Version": "compute 2.35"})
    assert old.json()["image"]["status"] == "SAVING"
    _release(c, sid)
    _release(c, sid)
    assert _state(c, sid, proxied) == ("active", None)


def test_snapshot_image_deleted_meanwhile_ends_it(manual: httpx.Client) -> None:
    c = manual
    sid = _active_server(c)
    image_id = _action(c, sid, {"createImage": {"name": "doomed"}}).json()["image_id"]
    _release(c, sid)
    assert c.delete(f"/image/v2/images/{image_id}").status_code == 204
    _release(c, sid)
    srv = c.get(f"{S}/{sid}", headers=H).json()["server"]
    assert srv["OS-EXT-STS:task_state"] is None and srv["status"] == "ACTIVE"
    assert c.get(f"/image/v2/images/{image_id}").status_code == 404


def test_server_deleted_during_snapshot_takes_the_image(manual: httpx.Client) -> None:
    c = manual
    sid = _active_server(c)
    image_id = _action(c, sid, {"createImage": {"name": "orphan"}}).json()["image_id"]
    assert c.delete(f"{S}/{sid}").status_code == 204
    _release(c, sid)
    _release(c, sid)
    assert c.get(f"{S}/{sid}").status_code == 404
    assert c.get(f"/image/v2/images/{image_id}").status_code == 404


def test_backup_rotates_when_the_upload_ends(manual: httpx.Client) -> None:
    c = manual
    sid = _active_server(c)
    ids = []
    for n in range(3):
        r = _action(c, sid, {"createBackup": {"name": f"bk{n}", "backup_type": "weekly", "rotation": 2}})
        assert r.status_code == 202, r.text
        ids.append(r.json()["image_id"])
        assert _state(c, sid, ids[-1]) == ("queued", "image_backup")
        _release(c, sid)
        assert _state(c, sid, ids[-1]) == ("saving", "image_uploading")
        _release(c, sid)
    kept = [i for i in ids if c.get(f"/image/v2/images/{i}").status_code == 200]
    assert kept == ids[1:]
