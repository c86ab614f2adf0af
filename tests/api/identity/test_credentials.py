"""``/v3/credentials`` and ``OS-EC2``: shapes, validation, ownership, encryption at rest."""

from __future__ import annotations

import json
import sqlite3
import uuid

from tests.server import Server


def _ids(server: Server, admin_token: str) -> tuple[str, str]:
    with server.http(admin_token) as c:
        user = c.get("/v3/users", params={"name": "demo"}).json()["users"][0]["id"]
        project = c.get("/v3/projects", params={"name": "demo"}).json()["projects"][0]["id"]
    return user, project


def test_credential_lifecycle_and_validation(server: Server, admin_token: str) -> None:
    user, project = _ids(server, admin_token)
    secret = uuid.uuid4().hex
    with server.http(admin_token) as c:
        blob = json.dumps({"access": uuid.uuid4().hex, "secret": secret})
        r = c.post(
            "/v3/credentials",
            json={"credential": {"user_id": user, "project_id": project, "type": "ec2", "blob": blob}},
        )
        assert r.status_code == 201, r.text
        cred = r.json()["credential"]
        assert cred["blob"] == blob and cred["links"]["self"].endswith(f"/v3/credentials/{cred['id']}")
        # the same access key twice is a conflict; ec2 without a project or with a bad blob is a 400
        again = c.post(
            "/v3/credentials",
            json={"credential": {"user_id": user, "project_id": project, "type": "ec2", "blob": blob}},
        )
        assert again.status_code == 409
        no_project = c.post("/v3/credentials", json={"credential": {"user_id": user, "type": "ec2", "blob": blob}})
        assert no_project.status_code == 400
        bad_blob = c.post(
            "/v3/credentials", json={"credential": {"user_id": user, "project_id": project, "type": "ec2", "blob": "x"}}
        )
        assert bad_blob.status_code == 400 and bad_blob.json()["error"]["message"] == "Invalid blob in credential"
        other = c.post("/v3/credentials", json={"credential": {"user_id": user, "type": "cert", "blob": "pem", "x": 1}})
        assert other.status_code == 201 and other.json()["credential"]["x"] == 1
        changed = c.patch(f"/v3/credentials/{other.json()['credential']['id']}", json={"credential": {"blob": "pem2"}})
        assert changed.json()["credential"]["blob"] == "pem2"
        assert c.patch(f"/v3/credentials/{cred['id']}", json={"credential": {"id": "other"}}).status_code == 400
    # the blob is encrypted at rest
    raw = (
        sqlite3.connect(server.data_dir / "pocketstack.db").execute("select blob from identity_credentials").fetchall()
    )
    assert raw and all(secret not in row[0] for row in raw)
    with server.http(admin_token) as c:
        assert c.delete(f"/v3/credentials/{cred['id']}").status_code == 204
        assert c.get(f"/v3/credentials/{cred['id']}").status_code == 404


def test_ec2_credentials_are_the_owners(server: Server, admin_token: str, member_token: str) -> None:
    user, project = _ids(server, admin_token)
    with server.http(member_token) as c:
        r = c.post(f"/v3/users/{user}/credentials/OS-EC2", json={"tenant_id": project})
        assert r.status_code == 201, r.text
        cred = r.json()["credential"]
        assert cred["user_id"] == user and cred["tenant_id"] == project and cred["access"] and cred["secret"]
        listed = c.get(f"/v3/users/{user}/credentials/OS-EC2").json()["credentials"]
        assert cred["access"] in {x["access"] for x in listed}
        # the generic API shows the owner their credential, and nobody else's
        mine = c.get("/v3/credentials").json()["credentials"]
        assert all(x["user_id"] == user for x in mine)
        assert c.delete(f"/v3/users/{user}/credentials/OS-EC2/{cred['access']}").status_code == 204
        assert c.get(f"/v3/users/{user}/credentials/OS-EC2/{cred['access']}").status_code == 404
        assert c.post(f"/v3/users/{user}/credentials/OS-EC2", json={"tenant_id": "nope"}).status_code == 404


def test_revoke_events_list_revoked_tokens(server: Server, admin_token: str, member_token: str) -> None:
    victim = server.token("demo", "demo")
    with server.http(admin_token) as c:
        audit = c.get("/v3/auth/tokens", headers={"X-Subject-Token": victim}).json()["token"]["audit_ids"][0]
        assert c.delete("/v3/auth/tokens", headers={"X-Subject-Token": victim}).status_code == 204
        events = c.get("/v3/OS-REVOKE/events").json()["events"]
        assert any(e.get("audit_id") == audit and e["issued_before"].endswith(".000000Z") for e in events)
        assert c.get("/v3/OS-REVOKE/events", params={"since": "nonsense"}).status_code == 400
    with server.http(member_token) as c:
        assert c.get("/v3/OS-REVOKE/events").status_code == 403
