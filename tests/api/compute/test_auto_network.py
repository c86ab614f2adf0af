"""``networks: "auto"`` (2.37): a project without a network of its own gets Neutron's
auto-allocated topology when its first server is created, and the server a port on it."""

from __future__ import annotations

import uuid

import pytest

from tests.server import Server

V237 = {"OpenStack-API-Version": "compute 2.37"}


def test_auto_allocated_network_for_a_new_project(server: Server, admin_token: str) -> None:
    with server.http(admin_token) as admin:
        if admin.get("/networking/v2.0/extensions/auto-allocated-topology").status_code != 200:
            pytest.skip("no auto-allocated topology")
        project = admin.post(
            "/v3/projects", json={"project": {"name": f"auto-{uuid.uuid4().hex[:8]}", "domain_id": "default"}}
        ).json()["project"]
        member = admin.get("/v3/roles", params={"name": "member"}).json()["roles"][0]
        user = admin.get("/v3/users", params={"name": "admin"}).json()["users"][0]
        grant = f"/v3/projects/{project['id']}/users/{user['id']}/roles/{member['id']}"
        admin.put(grant)
        image = next(i["id"] for i in admin.get("/image/v2/images").json()["images"] if i["name"].startswith("cirros"))
    try:
        with server.http(server.token("admin", project["name"])) as c:
            body = {"server": {"name": "auto", "imageRef": image, "flavorRef": "42", "networks": "auto"}}
            r = c.post("/compute/v2.1/servers", json=body, headers=V237)
            assert r.status_code == 202, r.text
            sid = r.json()["server"]["id"]
            shown = c.get(f"/compute/v2.1/servers/{sid}").json()["server"]
            assert shown["status"] == "ACTIVE" and shown["addresses"], shown
            topology = c.get(f"/networking/v2.0/auto-allocated-topology/{project['id']}").json()
            network_id = topology["auto_allocated_topology"]["id"]
            ports = c.get("/networking/v2.0/ports", params={"device_id": sid}).json()["ports"]
            assert [p["network_id"] for p in ports] == [network_id]
            assert c.delete(f"/compute/v2.1/servers/{sid}").status_code == 204
            assert c.delete(f"/networking/v2.0/auto-allocated-topology/{project['id']}").status_code == 204
    finally:
        with server.http(admin_token) as admin:
            admin.delete(grant)
            admin.patch(f"/v3/projects/{project['id']}", json={"project": {"enabled": False}})
            admin.delete(f"/v3/projects/{project['id']}")
