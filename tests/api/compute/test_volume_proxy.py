"""The os-volumes / os-snapshots proxies (microversions up to 2.35): Nova's names for what
the block-storage API holds, its errors in Nova's words, gone from 2.36; os-volumes_boot
is the servers API until 2.102."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.server import Server

C = "/compute/v2.1"
V235 = {"OpenStack-API-Version": "compute 2.35"}
V236 = {"OpenStack-API-Version": "compute 2.36"}


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with server.http(server.token("demo", "demo")) as c:
        yield c


def _wait(client: httpx.Client, path: str, key: str, status: str) -> dict[str, object]:
    for _ in range(200):
        body: dict[str, object] = client.get(path).json()[key]
        if body["status"] == status:
            return body
        client.get("/compute/")  # let the simulated backend move on (lazy transitions)
    raise AssertionError(f"{path} never became {status}")


def test_volume_and_snapshot_round_trip(client: httpx.Client) -> None:
    r = client.post(
        C + "/os-volumes",
        json={"volume": {"size": "1", "display_name": "proxied", "display_description": "d", "metadata": {"k": "v"}}},
    )
    assert r.status_code == 200, r.text
    vol = r.json()["volume"]
    assert r.headers["Location"].endswith("/os-volumes/" + vol["id"])
    assert vol["displayName"] == "proxied" and vol["displayDescription"] == "d"
    assert vol["metadata"] == {"k": "v"} and vol["size"] == 1 and vol["attachments"] == [{}]
    assert set(vol) == {
        "id", "status", "size", "availabilityZone", "createdAt", "attachments", "displayName",
        "displayDescription", "volumeType", "snapshotId", "metadata",
    }  # fmt: skip
    _wait(client, f"{C}/os-volumes/{vol['id']}", "volume", "available")
    # the same volume through the block-storage API
    cinder = client.get(f"/volume/v3/volumes/{vol['id']}").json()["volume"]
    assert cinder["name"] == "proxied" and cinder["volume_type"] == vol["volumeType"]

    ids = [v["id"] for v in client.get(C + "/os-volumes/detail").json()["volumes"]]
    assert vol["id"] in ids
    assert len(client.get(C + "/os-volumes", params={"limit": 1}).json()["volumes"]) == 1
    assert client.get(C + "/os-volumes", params={"offset": len(ids)}).json()["volumes"] == []

    r = client.post(C + "/os-snapshots", json={"snapshot": {"volume_id": vol["id"], "display_name": "snap"}})
    assert r.status_code == 200, r.text
    snap = r.json()["snapshot"]
    assert snap["volumeId"] == vol["id"] and snap["displayName"] == "snap" and snap["size"] == 1
    _wait(client, f"{C}/os-snapshots/{snap['id']}", "snapshot", "available")
    assert snap["id"] in [s["id"] for s in client.get(C + "/os-snapshots/detail").json()["snapshots"]]

    # a volume with a snapshot cannot be deleted: Cinder's 400 in Nova's words
    r = client.delete(f"{C}/os-volumes/{vol['id']}")
    assert r.status_code == 400 and r.json()["badRequest"]["message"].startswith("Invalid input received: ")

    assert client.delete(f"{C}/os-snapshots/{snap['id']}").status_code == 202
    for _ in range(200):
        if client.get(f"{C}/os-snapshots/{snap['id']}").status_code == 404:
            break
    assert client.delete(f"{C}/os-volumes/{vol['id']}").status_code == 202


def test_errors_in_nova_shape(client: httpx.Client) -> None:
    missing = str(uuid.uuid4())
    r = client.get(f"{C}/os-volumes/{missing}")
    assert r.status_code == 404
    assert r.json()["itemNotFound"]["message"] == f"Volume {missing} could not be found."
    r = client.delete(f"{C}/os-snapshots/{missing}")
    assert r.json()["itemNotFound"]["message"] == f"Snapshot {missing} could not be found."
    for body in ({"volume": {}}, {"volume": {"size": 0}}, {"volume": {"size": "#$%"}}, {"volume": {"size": 1, "x": 1}}):
        r = client.post(C + "/os-volumes", json=body)
        assert r.status_code == 400, body
        assert "badRequest" in r.json()
    r = client.post(C + "/os-volumes", json={"volume": {"size": 1, "snapshot_id": missing}})
    assert r.status_code == 404 and r.json()["itemNotFound"]["message"] == f"Snapshot {missing} could not be found."
    assert client.get(C + "/os-volumes/", headers=V235).status_code == 404


def test_gone_after_2_35(client: httpx.Client) -> None:
    assert client.get(C + "/os-volumes", headers=V235).status_code == 200
    assert client.get(C + "/os-snapshots", headers=V235).status_code == 200
    assert client.get(C + "/os-volumes", headers=V236).status_code == 404
    assert client.get(C + "/os-snapshots/detail", headers=V236).status_code == 404


def test_volumes_boot_is_the_servers_api(client: httpx.Client) -> None:
    old = client.get(C + "/os-volumes_boot", headers={"OpenStack-API-Version": "compute 2.102"})
    assert old.status_code == 200 and "servers" in old.json()
    gone = client.get(C + "/os-volumes_boot", headers={"OpenStack-API-Version": "compute 2.103"})
    assert gone.status_code == 404
