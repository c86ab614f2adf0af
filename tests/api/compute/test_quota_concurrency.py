"""Over quota is a 403 with Nova's message, exact under concurrent creates."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.server import Server


def _image(c: httpx.Client) -> str:
    return str(next(i["id"] for i in c.get("/image/v2/images").json()["images"] if i["name"].startswith("cirros")))


def test_fifty_parallel_creates_against_quota_of_twenty(server: Server, admin_token: str) -> None:
    # a fresh project with an instance quota of 20
    with server.http(admin_token) as admin:
        project = admin.post(
            "/v3/projects", json={"project": {"name": f"quota-{uuid.uuid4().hex[:8]}", "domain_id": "default"}}
        ).json()["project"]
        roles = admin.get("/v3/roles", params={"name": "member"}).json()["roles"]
        user = admin.get("/v3/users", params={"name": "demo"}).json()["users"][0]
        admin.put(f"/v3/projects/{project['id']}/users/{user['id']}/roles/{roles[0]['id']}")
        r = admin.put(
            f"/compute/v2.1/os-quota-sets/{project['id']}",
            json={"quota_set": {"instances": 20, "cores": -1, "ram": -1}},
        )
        assert r.status_code == 200, r.text
        image = _image(admin)
    token = server.token("demo", project["name"])
    body = {"server": {"name": "q", "imageRef": image, "flavorRef": "42", "networks": "none"}}
    headers = {"OpenStack-API-Version": "compute 2.37"}

    def create(_: int) -> httpx.Response:
        with server.http(token) as c:
            return c.post("/compute/v2.1/servers", json=body, headers=headers)

    with ThreadPoolExecutor(max_workers=50) as pool:
        replies = list(pool.map(create, range(50)))
    codes = sorted(r.status_code for r in replies)
    assert codes.count(202) == 20, codes
    assert codes.count(403) == 30, codes
    refused = next(r for r in replies if r.status_code == 403).json()
    assert refused["forbidden"]["message"].startswith("Quota exceeded for instances: Requested 1, but already used 20")
    with server.http(token) as c:
        servers = c.get("/compute/v2.1/servers").json()["servers"]
        assert len(servers) == 20
        limits = c.get("/compute/v2.1/limits").json()["limits"]["absolute"]
        assert limits["totalInstancesUsed"] == 20 and limits["maxTotalInstances"] == 20
        for s in servers:
            assert c.delete(f"/compute/v2.1/servers/{s['id']}").status_code == 204
    # leave the shared cloud as found: demo is a member of demo only (identity persona tests)
    with server.http(admin_token) as admin:
        admin.delete(f"/v3/projects/{project['id']}/users/{user['id']}/roles/{roles[0]['id']}")
        admin.patch(f"/v3/projects/{project['id']}", json={"project": {"enabled": False}})
        assert admin.delete(f"/v3/projects/{project['id']}").status_code == 204
