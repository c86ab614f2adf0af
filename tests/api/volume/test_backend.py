"""The simulated backend: timing modes, persisted transitions across restarts and
processes, and capacity (running out ends in ``error`` with a user message)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.volume.util import Cinder, client
from tests.server import Server


@pytest.fixture(scope="module")
def held(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A cloud whose backend holds every transition until an admin releases it."""
    srv = Server(
        tmp_path_factory.mktemp("held"), extra_config='\n[volume]\nbuild_mode = "manual"\nbackend_capacity_gb = 5\n'
    ).start()
    yield srv
    srv.stop()


def _transitions(admin: Cinder, resource_id: str) -> list[dict[str, object]]:
    r = admin.get(f"/os-pocketstack/transitions?resource_id={resource_id}")
    assert r.status_code == 200, r.text
    return r.json()["transitions"]  # type: ignore[no-any-return]


def _release(admin: Cinder, resource_id: str) -> None:
    r = admin.post("/os-pocketstack/transitions/release", {"resource_id": resource_id})
    assert r.status_code == 200 and r.json()["released"] >= 1, r.text


def test_manual_mode_holds_until_released_and_survives_restart(held: Server) -> None:
    demo, admin = client(held), client(held, "admin", "admin")
    vol = demo.create_volume(1, name="held")
    assert demo.get(f"/volumes/{vol['id']}").json()["volume"]["status"] == "creating"
    (pending,) = _transitions(admin, vol["id"])
    assert pending["kind"] == "volume_create" and pending["held"] is True
    assert demo.get("/os-pocketstack/transitions").status_code == 403

    held.restart()
    demo, admin = client(held), client(held, "admin", "admin")
    assert demo.get(f"/volumes/{vol['id']}").json()["volume"]["status"] == "creating"
    _release(admin, vol["id"])
    assert demo.get(f"/volumes/{vol['id']}").json()["volume"]["status"] == "available"
    assert _transitions(admin, vol["id"]) == []

    # deleting is a transition too
    assert demo.delete(f"/volumes/{vol['id']}").status_code == 202
    assert demo.get(f"/volumes/{vol['id']}").json()["volume"]["status"] == "deleting"
    _release(admin, vol["id"])
    assert demo.get(f"/volumes/{vol['id']}").status_code == 404


def test_a_second_process_finishes_what_the_first_started(held: Server) -> None:
    other = Server(held.data_dir).start()  # same database, another process
    try:
        demo = client(held)
        vol = demo.create_volume(1, name="shared")
        assert demo.get(f"/volumes/{vol['id']}").json()["volume"]["status"] == "creating"
        _release(client(other, "admin", "admin"), vol["id"])
        assert demo.get(f"/volumes/{vol['id']}").json()["volume"]["status"] == "available"
        assert client(other).get(f"/volumes/{vol['id']}").json()["volume"]["status"] == "available"
    finally:
        other.stop()


def test_running_out_of_capacity_is_an_error_with_a_message(held: Server) -> None:
    demo, admin = client(held), client(held, "admin", "admin")
    big = demo.create_volume(4, name="big")
    _release(admin, big["id"])
    assert demo.get(f"/volumes/{big['id']}").json()["volume"]["status"] == "available"
    pool = admin.get("/scheduler-stats/get_pools?detail=true").json()["pools"][0]["capabilities"]
    assert pool["total_capacity_gb"] == 5 and pool["free_capacity_gb"] <= 1

    too_big = demo.create_volume(2, name="too-big")
    _release(admin, too_big["id"])
    shown = demo.get(f"/volumes/{too_big['id']}").json()["volume"]
    assert shown["status"] == "error"
    messages = demo.get("/messages").json()["messages"]
    mine = [m for m in messages if m.get("resource_uuid") == too_big["id"]]
    assert len(mine) == 1
    assert mine[0]["event_id"] == "VOLUME_VOLUME_001_003"
    assert mine[0]["user_message"] == "schedule allocate volume:Could not find any available weighted backend."
    # an errored volume never placed on the backend goes at once
    assert demo.delete(f"/volumes/{too_big['id']}").status_code == 202
    assert demo.get(f"/volumes/{too_big['id']}").status_code == 404
    assert demo.delete(f"/messages/{mine[0]['id']}").status_code == 204
    demo.delete(f"/volumes/{big['id']}")
    _release(admin, big["id"])


def test_delay_mode_finishes_on_its_own(tmp_path: Path) -> None:
    srv = Server(tmp_path / "delay", extra_config='\n[volume]\nbuild_mode = "delay"\nbuild_delay = 0.3\n').start()
    try:
        demo = client(srv)
        vol = demo.create_volume(1)
        assert vol["status"] == "creating"
        assert demo.wait("volume", vol["id"], "available")["size"] == 1
        snap = demo.post("/snapshots", {"snapshot": {"volume_id": vol["id"]}}).json()["snapshot"]
        demo.wait("snapshot", snap["id"], "available")
    finally:
        srv.stop()
