"""OS-TRUST: create a trust, authenticate with it (with and without impersonation), end it."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.server import ADMIN_PASSWORD, Server


def _password_auth(name: str, scope: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {"name": name, "domain": {"id": "default"}, "password": ADMIN_PASSWORD}},
            }
        }
    }
    if scope is not None:
        body["auth"]["scope"] = scope
    return body


def _setup(server: Server, admin_token: str) -> dict[str, str]:
    name = f"tr-{uuid.uuid4().hex[:8]}"
    with server.http(admin_token) as c:
        project = c.post("/v3/projects", json={"project": {"name": name}}).json()["project"]["id"]
        trustor = c.post("/v3/users", json={"user": {"name": name, "password": ADMIN_PASSWORD}}).json()["user"]["id"]
        trustee = c.post("/v3/users", json={"user": {"name": name + "-e", "password": ADMIN_PASSWORD}}).json()["user"]
        delegated = c.post("/v3/roles", json={"role": {"name": name + "-d"}}).json()["role"]["id"]
        kept = c.post("/v3/roles", json={"role": {"name": name + "-k"}}).json()["role"]["id"]
        member = c.get("/v3/roles", params={"name": "member"}).json()["roles"][0]["id"]
        for role in (delegated, kept, member):
            assert c.put(f"/v3/projects/{project}/users/{trustor}/roles/{role}").status_code == 204
    return {
        "name": name,
        "project": project,
        "trustor": trustor,
        "trustee": trustee["id"],
        "trustee_name": trustee["name"],
        "delegated": delegated,
        "kept": kept,
        "member": member,
    }


def test_trust_lifecycle_and_trust_scoped_tokens(server: Server, admin_token: str) -> None:
    w = _setup(server, admin_token)
    trustor_token = server.token(w["name"], None, scope={"project": {"id": w["project"]}})
    trust_body = {
        "trustor_user_id": w["trustor"],
        "trustee_user_id": w["trustee"],
        "project_id": w["project"],
        "impersonation": False,
        "roles": [{"id": w["delegated"]}, {"name": "member"}],
        "remaining_uses": 2,
    }
    with server.http(trustor_token) as c:
        r = c.post("/v3/OS-TRUST/trusts", json={"trust": trust_body})
        assert r.status_code == 201, r.text
        trust = r.json()["trust"]
        assert {x["id"] for x in trust["roles"]} == {w["delegated"], w["member"]}
        assert trust["links"]["self"].endswith(f"/v3/OS-TRUST/trusts/{trust['id']}")
        assert c.post("/v3/OS-TRUST/trusts", json={"trust": trust_body}).status_code == 409
        wrong = {**trust_body, "trustor_user_id": w["trustee"]}
        assert c.post("/v3/OS-TRUST/trusts", json={"trust": wrong}).status_code == 403
        bad_time = {**trust_body, "expires_at": "bad.123Z"}
        assert c.post("/v3/OS-TRUST/trusts", json={"trust": bad_time}).status_code == 400
        assert c.get(f"/v3/OS-TRUST/trusts/{trust['id']}/roles/{w['kept']}").status_code == 404

    # the trustee gets a token of the trust: the delegated roles and those they imply, no others
    scope = {"OS-TRUST:trust": {"id": trust["id"]}}
    r = httpx.post(f"{server.url}/v3/auth/tokens", json=_password_auth(w["trustee_name"], scope), timeout=30)
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    assert token["OS-TRUST:trust"] == {
        "id": trust["id"],
        "trustor_user": {"id": w["trustor"]},
        "trustee_user": {"id": w["trustee"]},
        "impersonation": False,
    }
    assert token["user"]["id"] == w["trustee"] and token["project"]["id"] == w["project"]
    names = {x["name"] for x in token["roles"]}
    assert {"member", "reader"} <= names and w["name"] + "-k" not in names
    trust_token = r.headers["X-Subject-Token"]

    # someone else may not use it; a trust token cannot make other tokens
    r = httpx.post(f"{server.url}/v3/auth/tokens", json=_password_auth(w["name"], scope), timeout=30)
    assert r.status_code == 403
    rescope = {"auth": {"identity": {"methods": ["token"], "token": {"id": trust_token}}}}
    assert httpx.post(f"{server.url}/v3/auth/tokens", json=rescope, timeout=30).status_code == 403

    # two uses: the second token works, the third is refused
    r = httpx.post(f"{server.url}/v3/auth/tokens", json=_password_auth(w["trustee_name"], scope), timeout=30)
    assert r.status_code == 201
    r = httpx.post(f"{server.url}/v3/auth/tokens", json=_password_auth(w["trustee_name"], scope), timeout=30)
    assert r.status_code == 404

    # a used-up trust is gone from the API (as Keystone), its tokens live on until they expire
    with server.http(trustor_token) as c:
        assert c.get(f"/v3/OS-TRUST/trusts/{trust['id']}").status_code == 404
    with server.http(admin_token) as c:
        assert c.get("/v3/auth/tokens", headers={"X-Subject-Token": trust_token}).status_code == 200


def test_impersonation_speaks_as_the_trustor(server: Server, admin_token: str) -> None:
    w = _setup(server, admin_token)
    trustor_token = server.token(w["name"], None, scope={"project": {"id": w["project"]}})
    body = {
        "trustor_user_id": w["trustor"],
        "trustee_user_id": w["trustee"],
        "project_id": w["project"],
        "impersonation": True,
        "roles": [{"id": w["member"]}],
    }
    with server.http(trustor_token) as c:
        trust = c.post("/v3/OS-TRUST/trusts", json={"trust": body}).json()["trust"]
    scope = {"OS-TRUST:trust": {"id": trust["id"]}}
    r = httpx.post(f"{server.url}/v3/auth/tokens", json=_password_auth(w["trustee_name"], scope), timeout=30)
    assert r.status_code == 201, r.text
    assert r.json()["token"]["user"]["id"] == w["trustor"]
    token = r.headers["X-Subject-Token"]
    # the trustor losing the delegated role ends the trust's tokens; getting it back revives them
    grant = f"/v3/projects/{w['project']}/users/{w['trustor']}/roles/{w['member']}"
    with server.http(admin_token) as c:
        assert c.delete(grant).status_code == 204
        assert c.get("/v3/auth/tokens", headers={"X-Subject-Token": token}).status_code == 404
        assert c.put(grant).status_code == 204
        assert c.get("/v3/auth/tokens", headers={"X-Subject-Token": token}).status_code == 200
    # deleting the trust ends them for good
    with server.http(trustor_token) as c:
        assert c.delete(f"/v3/OS-TRUST/trusts/{trust['id']}").status_code == 204
        assert c.get(f"/v3/OS-TRUST/trusts/{trust['id']}").status_code == 404
    with server.http(admin_token) as c:
        assert c.get("/v3/auth/tokens", headers={"X-Subject-Token": token}).status_code == 404
