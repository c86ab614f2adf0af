"""Bad input gets a 400/401/413 in Keystone's shape — never a 500 — and writes nothing."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.server import Server


def _error(r: httpx.Response, status: int) -> dict[str, object]:
    assert r.status_code == status, r.text
    body = r.json()["error"]
    assert body["code"] == status and body["title"] and body["message"]
    return body


@pytest.fixture(scope="module")
def admin(server: Server) -> httpx.Client:
    return server.http(server.token())


def test_malformed_json(admin: httpx.Client) -> None:
    r = admin.post("/v3/users", content=b'{"user": {"name": ', headers={"Content-Type": "application/json"})
    _error(r, 400)


def test_wrong_types_name_the_field(admin: httpx.Client) -> None:
    msg = _error(admin.post("/v3/users", json={"user": {"name": 12}}), 400)["message"]
    assert "name" in str(msg)
    msg = _error(admin.post("/v3/projects", json={"project": {"name": "x", "enabled": "maybe"}}), 400)["message"]
    assert "enabled" in str(msg)
    msg = _error(admin.post("/v3/projects", json={"project": {"name": "x", "tags": ["a/b"]}}), 400)["message"]
    assert "tags" in str(msg)


def test_missing_fields(admin: httpx.Client) -> None:
    assert "user" in str(_error(admin.post("/v3/users", json={}), 400)["message"])
    assert "name" in str(_error(admin.post("/v3/users", json={"user": {}}), 400)["message"])
    _error(admin.post("/v3/users", content=b"", headers={"Content-Type": "application/json"}), 400)
    _error(admin.post("/v3/auth/tokens", json={"auth": {}}), 400)


def test_auth_bad_scope_and_methods(server: Server) -> None:
    def auth(body: dict[str, object]) -> httpx.Response:
        return httpx.post(f"{server.url}/v3/auth/tokens", json=body, timeout=30)

    ident = {
        "methods": ["password"],
        "password": {"user": {"name": "admin", "domain": {"id": "default"}, "password": "secret"}},
    }
    _error(
        auth({"auth": {"identity": ident, "scope": {"project": {"name": "nope", "domain": {"id": "default"}}}}}), 401
    )
    _error(auth({"auth": {"identity": ident, "scope": {"project": {"domain": {"id": "default"}}}}}), 400)
    _error(auth({"auth": {"identity": ident, "scope": {"domain": {"name": "no-such-domain"}}}}), 401)
    _error(auth({"auth": {"identity": {"methods": ["kerberos"]}}}), 401)
    _error(auth({"auth": {"identity": {"methods": ["password"], "password": {"user": {"password": "x"}}}}}), 400)
    _error(auth({"auth": {"identity": ident, "scope": 7}}), 400)


def test_oversized_body_is_413(admin: httpx.Client) -> None:
    big = "x" * 200_000
    _error(admin.post("/v3/users", json={"user": {"name": "big", "description": big}}), 413)
    assert admin.get("/v3/users", params={"name": "big"}).json()["users"] == []


def test_long_and_odd_names(admin: httpx.Client) -> None:
    _error(admin.post("/v3/users", json={"user": {"name": "n" * 256}}), 400)
    _error(admin.post("/v3/projects", json={"project": {"name": "p" * 65}}), 400)
    _error(admin.post("/v3/users", json={"user": {"name": "   "}}), 400)
    odd = f"ünïcødé-☃-𝔘-{uuid.uuid4().hex[:6]}"  # noqa: RUF001
    r = admin.post("/v3/users", json={"user": {"name": odd}})
    assert r.status_code == 201, r.text
    assert r.json()["user"]["name"] == odd
    assert admin.get("/v3/users", params={"name": odd}).json()["users"][0]["name"] == odd
    r = admin.post("/v3/users", json={"user": {"name": "nul\u0000byte"}})
    assert r.status_code in (201, 400)


def test_duplicate_is_409_and_writes_nothing(admin: httpx.Client) -> None:
    name = f"dup-{uuid.uuid4().hex[:6]}"
    assert admin.post("/v3/groups", json={"group": {"name": name}}).status_code == 201
    _error(admin.post("/v3/groups", json={"group": {"name": name}}), 409)
    assert len(admin.get("/v3/groups", params={"name": name}).json()["groups"]) == 1


def test_unknown_references(admin: httpx.Client) -> None:
    _error(admin.get("/v3/users/does-not-exist"), 404)
    _error(admin.post("/v3/users", json={"user": {"name": "u", "domain_id": "nosuchdomain"}}), 404)
    _error(admin.put("/v3/projects/nope/users/nope/roles/nope"), 404)
    _error(admin.get("/v3/auth/tokens", headers={"X-Subject-Token": "garbage"}), 404)
    _error(admin.delete("/v3/nonexistent/path"), 404)


def test_bad_app_cred_roles_leave_nothing(server: Server) -> None:
    token = server.token("demo", "demo")
    with server.http(token) as c:
        me = c.get("/v3/auth/tokens", headers={"X-Subject-Token": token}).json()["token"]["user"]["id"]
        name = f"ac-{uuid.uuid4().hex[:6]}"
        r = c.post(
            f"/v3/users/{me}/application_credentials",
            json={"application_credential": {"name": name, "roles": [{"name": "admin"}]}},
        )
        assert r.status_code in (400, 403, 404), r.text
        listed = c.get(f"/v3/users/{me}/application_credentials", params={"name": name}).json()
        assert listed["application_credentials"] == []


def test_method_not_allowed(admin: httpx.Client) -> None:
    _error(admin.put("/v3/users"), 405)
