"""Unified limits: registered limits, project limits, who sees what."""

from __future__ import annotations

import uuid

from tests.server import Server


def test_registered_and_project_limits(server: Server, admin_token: str, member_token: str) -> None:
    resource = f"cores-{uuid.uuid4().hex[:6]}"
    with server.http(admin_token) as c:
        compute = c.get("/v3/services", params={"type": "compute"}).json()["services"][0]["id"]
        demo = c.get("/v3/projects", params={"name": "demo"}).json()["projects"][0]["id"]
        assert c.get("/v3/limits/model").json()["model"]["name"] == "flat"
        body = {"registered_limits": [{"service_id": compute, "resource_name": resource, "default_limit": 10}]}
        r = c.post("/v3/registered_limits", json=body)
        assert r.status_code == 201, r.text
        registered = r.json()["registered_limits"][0]
        assert registered["default_limit"] == 10 and registered["region_id"] is None
        assert c.post("/v3/registered_limits", json=body).status_code == 409
        unknown = {"registered_limits": [{"service_id": uuid.uuid4().hex, "resource_name": "x", "default_limit": 1}]}
        assert c.post("/v3/registered_limits", json=unknown).status_code == 400

        limit_body = {
            "limits": [{"service_id": compute, "resource_name": resource, "resource_limit": 5, "project_id": demo}]
        }
        r = c.post("/v3/limits", json=limit_body)
        assert r.status_code == 201, r.text
        limit = r.json()["limits"][0]
        assert (limit["project_id"], limit["resource_limit"], limit["resource_name"]) == (demo, 5, resource)
        assert c.post("/v3/limits", json=limit_body).status_code == 409
        orphan = {"limits": [{"service_id": compute, "resource_name": "nope", "resource_limit": 1, "project_id": demo}]}
        assert c.post("/v3/limits", json=orphan).status_code == 403
        # a registered limit in use can be neither changed nor deleted
        assert c.delete(f"/v3/registered_limits/{registered['id']}").status_code == 403
        changed = c.patch(f"/v3/limits/{limit['id']}", json={"limit": {"resource_limit": 7}})
        assert changed.json()["limit"]["resource_limit"] == 7
    # the project's member sees its limit; listing is theirs only
    with server.http(member_token) as c:
        assert c.get(f"/v3/limits/{limit['id']}").status_code == 200
        assert {x["project_id"] for x in c.get("/v3/limits").json()["limits"]} == {demo}
        assert c.post("/v3/limits", json=limit_body).status_code == 403
    with server.http(admin_token) as c:
        assert c.delete(f"/v3/limits/{limit['id']}").status_code == 204
        assert c.delete(f"/v3/registered_limits/{registered['id']}").status_code == 204
        assert c.get(f"/v3/registered_limits/{registered['id']}").status_code == 404
