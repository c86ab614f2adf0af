"""Two simulated backends (DevStack's multi-backend LVM): placement by volume_backend_name
and free capacity, clones staying on their source's backend, pools and services per
backend, migration, and retype with and without migration."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.volume.util import Cinder, client
from tests.server import Server

ONE, TWO = "pocketstack@lvmdriver-1#lvmdriver-1", "pocketstack@lvmdriver-2#lvmdriver-2"


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("multi"), extra_config="\n[volume]\nbackends = 2\n").start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def admin(cloud: Server) -> Cinder:
    return client(cloud, "admin", "admin")


def _host(admin: Cinder, vid: str) -> str:
    return str(admin.get(f"/volumes/{vid}").json()["volume"]["os-vol-host-attr:host"])


def test_backends_are_listed_and_typed(admin: Cinder) -> None:
    pools = admin.get("/scheduler-stats/get_pools?detail=true").json()["pools"]
    assert [p["name"] for p in pools] == [ONE, TWO]
    assert [p["capabilities"]["volume_backend_name"] for p in pools] == ["lvmdriver-1", "lvmdriver-2"]
    hosts = [s["host"] for s in admin.get("/os-services?binary=cinder-volume").json()["services"]]
    assert hosts == ["pocketstack@lvmdriver-1", "pocketstack@lvmdriver-2"]
    types = {t["name"]: t for t in admin.get("/types").json()["volume_types"]}
    assert types["lvmdriver-2"]["extra_specs"] == {"volume_backend_name": "lvmdriver-2"}
    r = admin.get("/scheduler-stats/get_pools?volume_type=lvmdriver-2")
    assert [p["name"] for p in r.json()["pools"]] == [TWO]
    assert admin.get("/capabilities/pocketstack@lvmdriver-2").json()["volume_backend_name"] == "lvmdriver-2"


def test_placement_follows_the_type(admin: Cinder) -> None:
    one = admin.available_volume(1, volume_type="lvmdriver-1")
    two = admin.available_volume(1, volume_type="lvmdriver-2")
    assert _host(admin, one["id"]) == ONE and _host(admin, two["id"]) == TWO
    r = admin.post("/types", {"volume_type": {"name": "cap-2", "extra_specs": {
        "capabilities:volume_backend_name": "lvmdriver-2"}}})  # fmt: skip
    assert r.status_code == 200, r.text
    assert _host(admin, admin.available_volume(1, volume_type="cap-2")["id"]) == TWO
    # a clone and a volume from a snapshot stay where their source is
    clone = admin.available_volume(1, source_volid=two["id"], volume_type="__DEFAULT__")
    assert _host(admin, clone["id"]) == TWO
    snap = admin.post("/snapshots", {"snapshot": {"volume_id": two["id"]}}).json()["snapshot"]
    admin.wait("snapshot", snap["id"], "available")
    from_snap = admin.available_volume(1, snapshot_id=snap["id"])
    assert _host(admin, from_snap["id"]) == TWO
    # a type no backend offers: error
    r = admin.post("/types", {"volume_type": {"name": "nowhere", "extra_specs": {"volume_backend_name": "x"}}})
    assert r.status_code == 200
    vid = admin.create_volume(1, volume_type="nowhere")["id"]
    admin.wait("volume", vid, "error")


def test_migrate(admin: Cinder) -> None:
    vol = admin.available_volume(1, volume_type="__DEFAULT__")
    src = _host(admin, vol["id"])
    dest = TWO if src == ONE else ONE
    action = f"/volumes/{vol['id']}/action"
    r = admin.post(action, {"os-migrate_volume": {"host": src}})
    assert r.status_code == 400 and "destination host/cluster must be different" in r.text
    r = admin.post(action, {"os-migrate_volume": {"host": "pocketstack@nope"}})
    assert r.status_code == 400 and "No available service named 'pocketstack@nope'" in r.text
    assert admin.post(action, {"os-migrate_volume": {"host": dest}}).status_code == 202
    moved = admin.get(f"/volumes/{vol['id']}").json()["volume"]
    assert moved["os-vol-host-attr:host"] == dest and moved["migration_status"] == "success"
    assert moved["os-vol-mig-status-attr:migstat"] == "success" and moved["status"] == "available"
    # a typed volume can't go where its type doesn't fit: the migration errors
    typed = admin.available_volume(1, volume_type="lvmdriver-1")
    r = admin.post(f"/volumes/{typed['id']}/action", {"os-migrate_volume": {"host": TWO, "lock_volume": True}})
    assert r.status_code == 202
    after = admin.get(f"/volumes/{typed['id']}").json()["volume"]
    assert after["migration_status"] == "error" and after["os-vol-host-attr:host"] == ONE
    assert after["status"] == "available"


def test_retype_with_and_without_migration(admin: Cinder) -> None:
    vol = admin.available_volume(1, volume_type="lvmdriver-1", name="mover")
    action = f"/volumes/{vol['id']}/action"
    # never: the retype is undone
    assert admin.post(action, {"os-retype": {"new_type": "lvmdriver-2"}}).status_code == 202
    kept = admin.get(f"/volumes/{vol['id']}").json()["volume"]
    assert kept["volume_type"] == "lvmdriver-1" and kept["status"] == "available"
    assert kept["os-vol-host-attr:host"] == ONE
    # on-demand: it moves
    body = {"os-retype": {"new_type": "lvmdriver-2", "migration_policy": "on-demand"}}
    assert admin.post(action, body).status_code == 202
    moved = admin.get(f"/volumes/{vol['id']}").json()["volume"]
    assert moved["volume_type"] == "lvmdriver-2" and moved["os-vol-host-attr:host"] == TWO
    assert moved["migration_status"] == "success" and moved["status"] == "available"
    assert moved["name"] == "mover" and moved["id"] == vol["id"]
    # to a type the current backend satisfies: in place
    assert admin.post(action, {"os-retype": {"new_type": "__DEFAULT__"}}).status_code == 202
    same = admin.get(f"/volumes/{vol['id']}").json()["volume"]
    assert same["volume_type"] == "__DEFAULT__" and same["os-vol-host-attr:host"] == TWO
