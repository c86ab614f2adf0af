"""The simulated driver's timing: held (manual) and delayed transitions, persisted so
that a restart in the middle of a build finishes it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server import Server

S = "/compute/v2.1/servers"
V237 = {"OpenStack-API-Version": "compute 2.37"}


def _start(tmp: Path, mode: str, delay: float = 1.0) -> Server:
    extra = f'\n[compute]\nbuild_mode = "{mode}"\nbuild_delay = {delay}\n'
    return Server(tmp, extra_config=extra).start()


def _image(c: httpx.Client) -> str:
    return str(next(i["id"] for i in c.get("/image/v2/images").json()["images"] if i["name"].startswith("cirros")))


def _create(c: httpx.Client, name: str = "t") -> str:
    body = {"server": {"name": name, "imageRef": _image(c), "flavorRef": "42", "networks": "none"}}
    r = c.post(S, json=body, headers=V237)
    assert r.status_code == 202, r.text
    return str(r.json()["server"]["id"])


def _show(c: httpx.Client, sid: str) -> dict[str, Any]:
    r = c.get(f"{S}/{sid}")
    assert r.status_code == 200, r.text
    return dict(r.json()["server"])


def _wait(c: httpx.Client, sid: str, status: str) -> dict[str, Any]:
    """Poll as a client would; the deadline only guards against hanging."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        server = _show(c, sid)
        if server["status"] == status:
            return server
        time.sleep(0.1)
    raise AssertionError(f"{sid} never reached {status}: {_show(c, sid)['status']}")


@pytest.fixture
def manual(tmp_path: Path) -> Iterator[Server]:
    srv = _start(tmp_path / "manual", "manual")
    yield srv
    srv.stop()


def test_manual_mode_holds_until_released_across_a_restart(manual: Server) -> None:
    with manual.http(manual.token()) as c:
        sid = _create(c)
        server = _show(c, sid)
        assert server["status"] == "BUILD" and server["OS-EXT-STS:vm_state"] == "building"
        held = c.get("/compute/v2.1/os-pocketstack/transitions").json()
        assert held["mode"] == "manual"
        assert [t["kind"] for t in held["transitions"] if t["server_id"] == sid] == ["build"]
        # a BUILD server cannot be stopped yet (Nova's 409)
        r = c.post(f"{S}/{sid}/action", json={"os-stop": None})
        assert r.status_code == 409
    manual.restart()
    with manual.http(manual.token()) as c:
        assert _show(c, sid)["status"] == "BUILD"
        r = c.post("/compute/v2.1/os-pocketstack/transitions/release", json={"server_id": sid})
        assert r.status_code == 200 and r.json()["released"] >= 1
        server = _show(c, sid)
        assert server["status"] == "ACTIVE" and server["OS-SRV-USG:launched_at"]
        # an action is held too, with its task state visible meanwhile
        assert c.post(f"{S}/{sid}/action", json={"os-stop": None}).status_code == 202
        server = _show(c, sid)
        assert server["status"] == "ACTIVE" and server["OS-EXT-STS:task_state"] == "powering-off"
        c.post("/compute/v2.1/os-pocketstack/transitions/release", json={})
        assert _show(c, sid)["status"] == "SHUTOFF"
        events = c.get(f"{S}/{sid}/os-instance-actions").json()["instanceActions"]
        assert [e["action"] for e in events] == ["stop", "create"]


def test_delay_mode_finishes_a_build_interrupted_by_a_restart(tmp_path: Path) -> None:
    srv = _start(tmp_path / "delay", "delay", delay=2.0)
    try:
        with srv.http(srv.token()) as c:
            sid = _create(c)
            assert _show(c, sid)["status"] == "BUILD"
        srv.stop()  # mid-build
        srv.start()
        with srv.http(srv.token()) as c:
            server = _wait(c, sid, "ACTIVE")
            assert server["OS-EXT-STS:power_state"] == 1
            # the CLI's --wait polls through the delay
        created = srv.openstack(
            "server", "create", "cli", "--image", "cirros-0.6.3-x86_64-disk", "--flavor", "m1.nano",
            "--nic", "none", "--wait",
        )  # fmt: skip
        assert created["status"] == "ACTIVE"
    finally:
        srv.stop()


def test_force_complete_ends_a_held_live_migration(manual: Server) -> None:
    v = {"OpenStack-API-Version": "compute 2.80"}
    with manual.http(manual.token()) as c:
        sid = _create(c)
        c.post("/compute/v2.1/os-pocketstack/transitions/release", json={"server_id": sid})
        source = _show(c, sid)["OS-EXT-SRV-ATTR:host"]
        r = c.post(f"{S}/{sid}/action", json={"os-migrateLive": {"host": None, "block_migration": "auto"}}, headers=v)
        assert r.status_code == 202, r.text
        assert _show(c, sid)["OS-EXT-STS:task_state"] == "migrating"
        (mig,) = c.get(f"{S}/{sid}/migrations", headers=v).json()["migrations"]
        assert mig["status"] == "running"
        action = f"{S}/{sid}/migrations/{{}}/action"
        # Nova's 400s: a migration of another id, or not a number
        for bad in (str(mig["id"] + 1000), "abc"):
            r = c.post(action.format(bad), json={"force_complete": None}, headers=v)
            assert r.status_code == 400 and f"Migration {bad} not found for instance {sid}" in r.text, r.text
        r = c.post(action.format(mig["id"]), json={"force_complete": None}, headers=v)
        assert r.status_code == 202, r.text
        server = _show(c, sid)
        assert server["status"] == "ACTIVE" and server["OS-EXT-STS:task_state"] is None
        assert server["OS-EXT-SRV-ATTR:host"] != source
        assert c.get(f"{S}/{sid}/migrations", headers=v).json()["migrations"] == []
        events = [e["action"] for e in c.get(f"{S}/{sid}/os-instance-actions").json()["instanceActions"]]
        assert events[:2] == ["live_migration_force_complete", "live-migration"]
        # not migrating any more: Nova's 409
        r = c.post(action.format(mig["id"]), json={"force_complete": None}, headers=v)
        assert r.status_code == 409 and "while it is in task_state None" in r.text
