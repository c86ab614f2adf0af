"""OS-EP-FILTER limits a project's catalog; ``/v3/policies`` stores blobs."""

from __future__ import annotations

import uuid

from tests.server import ADMIN_PASSWORD, Server


def _catalog_endpoint_ids(server: Server, token: str) -> set[str]:
    with server.http(token) as c:
        catalog = c.get("/v3/auth/catalog").json()["catalog"]
    return {e["id"] for svc in catalog for e in svc["endpoints"]}


def test_project_catalog_follows_its_endpoint_associations(server: Server, admin_token: str) -> None:
    name = f"ep-{uuid.uuid4().hex[:8]}"
    with server.http(admin_token) as c:
        project = c.post("/v3/projects", json={"project": {"name": name}}).json()["project"]
        user = c.post(
            "/v3/users", json={"user": {"name": name, "password": ADMIN_PASSWORD, "default_project_id": project["id"]}}
        ).json()["user"]
        member = c.get("/v3/roles", params={"name": "member"}).json()["roles"][0]["id"]
        c.put(f"/v3/projects/{project['id']}/users/{user['id']}/roles/{member}")
        compute = c.get("/v3/services", params={"type": "compute"}).json()["services"][0]["id"]
        endpoints = c.get("/v3/endpoints").json()["endpoints"]
    token = server.token(name, name)
    everything = _catalog_endpoint_ids(server, token)
    assert {e["id"] for e in endpoints if e["enabled"]} <= everything

    one = next(e for e in endpoints if e["service_id"] == compute and e["interface"] == "public")
    base = f"/v3/OS-EP-FILTER/projects/{project['id']}/endpoints"
    with server.http(admin_token) as c:
        assert c.put(f"{base}/{one['id']}").status_code == 204
        assert c.get(f"{base}/{one['id']}").status_code == 204
        assert [e["id"] for e in c.get(base).json()["endpoints"]] == [one["id"]]
    assert _catalog_endpoint_ids(server, token) == {one["id"]}

    # a group adds every endpoint its filters match
    with server.http(admin_token) as c:
        group = c.post(
            "/v3/OS-EP-FILTER/endpoint_groups",
            json={"endpoint_group": {"name": name, "filters": {"service_id": compute}}},
        ).json()["endpoint_group"]
        assert c.put(f"/v3/OS-EP-FILTER/endpoint_groups/{group['id']}/projects/{project['id']}").status_code == 204
    compute_ids = {e["id"] for e in endpoints if e["service_id"] == compute}
    assert _catalog_endpoint_ids(server, token) == compute_ids

    with server.http(admin_token) as c:
        assert c.delete(f"{base}/{one['id']}").status_code == 204
        assert c.delete(f"/v3/OS-EP-FILTER/endpoint_groups/{group['id']}").status_code == 204
        bad = c.post("/v3/OS-EP-FILTER/endpoint_groups", json={"endpoint_group": {"name": "x", "filters": {}}})
        assert bad.status_code == 400
    assert _catalog_endpoint_ids(server, token) == everything


def test_policy_blobs(server: Server, admin_token: str, member_token: str) -> None:
    with server.http(admin_token) as c:
        r = c.post("/v3/policies", json={"policy": {"blob": "{}", "type": "application/json", "x": 1}})
        assert r.status_code == 201
        policy = r.json()["policy"]
        assert policy["x"] == 1 and policy["links"]["self"].endswith(policy["id"])
        assert c.patch(f"/v3/policies/{policy['id']}", json={"policy": {"type": "t2"}}).json()["policy"]["type"] == "t2"
        assert c.post("/v3/policies", json={"policy": {"blob": "{}"}}).status_code == 400
    with server.http(member_token) as c:
        assert c.get("/v3/policies").status_code == 403
    with server.http(admin_token) as c:
        assert c.delete(f"/v3/policies/{policy['id']}").status_code == 204
        assert c.get(f"/v3/policies/{policy['id']}").status_code == 404
