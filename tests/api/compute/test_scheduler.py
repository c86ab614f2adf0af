"""The scheduler over the simulated hosts: server groups, availability zones, capacity."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.server import Server

S = "/compute/v2.1/servers"
H = {"OpenStack-API-Version": "compute 2.64"}


@pytest.fixture(scope="module")
def admin(server: Server) -> Iterator[httpx.Client]:
    with server.http(server.token()) as c:
        yield c


def _image(c: httpx.Client) -> str:
    return str(next(i["id"] for i in c.get("/image/v2/images").json()["images"] if i["name"].startswith("cirros")))


def _boot(c: httpx.Client, hints: dict[str, Any] | None = None, **server: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "server": {"name": f"s-{uuid.uuid4().hex[:6]}", "imageRef": _image(c), "flavorRef": "42", "networks": "none",
                   **server}
    }  # fmt: skip
    if hints:
        body["os:scheduler_hints"] = hints
    r = c.post(S, json=body, headers=H)
    assert r.status_code == 202, r.text
    return dict(c.get(f"{S}/{r.json()['server']['id']}", headers=H).json()["server"])


def _group(c: httpx.Client, policy: str, rules: dict[str, Any] | None = None) -> str:
    body = {"server_group": {"name": f"g-{uuid.uuid4().hex[:6]}", "policy": policy, "rules": rules or {}}}
    r = c.post("/compute/v2.1/os-server-groups", json=body, headers=H)
    assert r.status_code == 200, r.text
    return str(r.json()["server_group"]["id"])


def _hosts(c: httpx.Client) -> list[str]:
    return [h["hypervisor_hostname"] for h in c.get("/compute/v2.1/os-hypervisors").json()["hypervisors"]]


def test_anti_affinity_spreads_then_refuses(admin: httpx.Client) -> None:
    hosts = _hosts(admin)
    group = _group(admin, "anti-affinity")
    placed = [_boot(admin, {"group": group}) for _ in hosts]
    assert sorted(s["OS-EXT-SRV-ATTR:host"] for s in placed) == sorted(hosts)
    extra = _boot(admin, {"group": group})
    assert extra["status"] == "ERROR"
    assert extra["fault"]["message"].startswith("No valid host was found.")
    assert extra["fault"]["code"] == 500
    members = admin.get(f"/compute/v2.1/os-server-groups/{group}", headers=H).json()["server_group"]["members"]
    assert len(members) == len(hosts) + 1
    for s in [*placed, extra]:
        assert admin.delete(f"{S}/{s['id']}").status_code == 204


def test_affinity_keeps_servers_together(admin: httpx.Client) -> None:
    group = _group(admin, "affinity")
    placed = [_boot(admin, {"group": group}) for _ in range(3)]
    assert len({s["OS-EXT-SRV-ATTR:host"] for s in placed}) == 1
    assert {s["hostId"] for s in placed} == {placed[0]["hostId"]}
    for s in placed:
        admin.delete(f"{S}/{s['id']}")


def test_anti_affinity_rule_max_server_per_host(admin: httpx.Client) -> None:
    hosts = _hosts(admin)
    group = _group(admin, "anti-affinity", {"max_server_per_host": 2})
    placed = [_boot(admin, {"group": group}) for _ in range(2 * len(hosts))]
    assert all(s["status"] == "ACTIVE" for s in placed)
    assert _boot(admin, {"group": group})["status"] == "ERROR"
    for s in placed:
        admin.delete(f"{S}/{s['id']}")


def test_same_and_different_host_hints(admin: httpx.Client) -> None:
    first = _boot(admin)
    same = _boot(admin, {"same_host": first["id"]})
    other = _boot(admin, {"different_host": [first["id"]]})
    assert same["OS-EXT-SRV-ATTR:host"] == first["OS-EXT-SRV-ATTR:host"]
    assert other["OS-EXT-SRV-ATTR:host"] != first["OS-EXT-SRV-ATTR:host"]
    for s in (first, same, other):
        admin.delete(f"{S}/{s['id']}")


def test_availability_zone_from_an_aggregate(admin: httpx.Client) -> None:
    zone = f"az-{uuid.uuid4().hex[:6]}"
    agg = admin.post("/compute/v2.1/os-aggregates", json={"aggregate": {"name": zone, "availability_zone": zone}})
    agg_id = agg.json()["aggregate"]["id"]
    host = _hosts(admin)[-1]
    r = admin.post(f"/compute/v2.1/os-aggregates/{agg_id}/action", json={"add_host": {"host": host}})
    assert r.status_code == 200, r.text
    try:
        placed = _boot(admin, availability_zone=zone)
        assert placed["OS-EXT-SRV-ATTR:host"] == host and placed["OS-EXT-AZ:availability_zone"] == zone
        nowhere = _boot(admin, availability_zone="no-such-zone")
        assert nowhere["status"] == "ERROR"  # Nova: the scheduler finds no host
        for s in (placed, nowhere):
            admin.delete(f"{S}/{s['id']}")
    finally:
        admin.post(f"/compute/v2.1/os-aggregates/{agg_id}/action", json={"remove_host": {"host": host}})
        admin.delete(f"/compute/v2.1/os-aggregates/{agg_id}")


def test_capacity_runs_out(admin: httpx.Client) -> None:
    name = f"huge-{uuid.uuid4().hex[:6]}"
    flavor = admin.post(
        "/compute/v2.1/flavors", json={"flavor": {"name": name, "ram": 200000, "vcpus": 1, "disk": 1}}
    ).json()["flavor"]
    project = admin.get("/v3/auth/tokens", headers={"X-Subject-Token": admin.headers["X-Auth-Token"]}).json()
    project_id = project["token"]["project"]["id"]
    admin.put(f"/compute/v2.1/os-quota-sets/{project_id}", json={"quota_set": {"ram": -1, "instances": -1}})
    placed = []
    try:
        for _ in range(len(_hosts(admin)) + 1):
            placed.append(_boot(admin, flavorRef=flavor["id"]))
        statuses = [s["status"] for s in placed]
        assert statuses.count("ERROR") == 1 and statuses[-1] == "ERROR"
        used = admin.get("/compute/v2.1/os-hypervisors/detail", headers={"OpenStack-API-Version": "compute 2.1"})
        assert all(h["memory_mb_used"] >= 200000 for h in used.json()["hypervisors"])
    finally:
        for s in placed:
            admin.delete(f"{S}/{s['id']}")
        admin.delete(f"/compute/v2.1/flavors/{flavor['id']}")
        admin.delete(f"/compute/v2.1/os-quota-sets/{project_id}")
