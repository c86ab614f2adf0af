"""The real ``openstack`` CLI against a real server: the identity workflows."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.server import Server


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_token_issue_and_catalog(server: Server) -> None:
    token = server.openstack("token", "issue")
    assert token["id"] and token["project_id"] and token["user_id"]
    catalog = server.openstack("catalog", "list")
    types = {entry["Type"] for entry in catalog}
    assert {"identity", "compute", "network", "image", "block-storage"} <= types
    urls = " ".join(str(entry["Endpoints"]) for entry in catalog)
    assert server.url in urls


def test_create_domain_project_user_group_role(server: Server) -> None:
    domain = server.openstack("domain", "create", _name("dom"), "--description", "d")
    project = server.openstack("project", "create", _name("proj"), "--domain", domain["id"])
    assert project["domain_id"] == domain["id"]
    user = server.openstack("user", "create", _name("user"), "--domain", domain["id"], "--password", "pw-123")
    group = server.openstack("group", "create", _name("grp"), "--domain", domain["id"])
    role = server.openstack("role", "create", _name("role"))
    server.openstack("role", "add", "--user", user["id"], "--project", project["id"], role["id"], json_output=False)
    server.openstack("role", "add", "--group", group["id"], "--project", project["id"], "member", json_output=False)
    server.openstack("group", "add", "user", group["id"], user["id"], json_output=False)

    rows = server.openstack("role", "assignment", "list", "--names", "--effective", "--user", user["id"])
    pairs = {(r["Role"], r["Project"]) for r in rows}
    pname = f"{project['name']}@{domain['name']}"
    assert (role["name"], pname) in pairs
    assert ("member", pname) in pairs  # via the group
    assert ("reader", pname) in pairs  # implied by member

    server.openstack("role", "remove", "--user", user["id"], "--project", project["id"], role["id"], json_output=False)
    server.openstack("role", "remove", "--group", group["id"], "--project", project["id"], "member", json_output=False)
    rows = server.openstack("role", "assignment", "list", "--user", user["id"], "--effective")
    assert rows == []

    listed = server.openstack("user", "list", "--domain", domain["id"])
    assert [u["Name"] for u in listed] == [user["name"]]
    # clean up in the order Keystone requires
    server.openstack("domain", "set", "--disable", domain["id"], json_output=False)
    server.openstack("domain", "delete", domain["id"], json_output=False)
    assert server.openstack("domain", "show", domain["id"], check=False, json_output=False).returncode != 0


def test_application_credential_login(server: Server) -> None:
    cred = server.openstack("application", "credential", "create", _name("cred"))
    assert cred["Secret"]
    env = {
        "OS_CLOUD": "",
        "OS_AUTH_TYPE": "v3applicationcredential",
        "OS_AUTH_URL": server.auth_url,
        "OS_APPLICATION_CREDENTIAL_ID": cred["ID"],
        "OS_APPLICATION_CREDENTIAL_SECRET": cred["Secret"],
        "OS_IDENTITY_API_VERSION": "3",
    }
    token = server.openstack("token", "issue", env=env, cloud="")
    assert token["project_id"]
    # with the CLI option too
    proc = server.openstack(
        "--os-auth-type",
        "v3applicationcredential",
        "--os-auth-url",
        server.auth_url,
        "--os-application-credential-id",
        cred["ID"],
        "--os-application-credential-secret",
        cred["Secret"],
        "token",
        "issue",
        cloud="",
        env={"OS_CLOUD": ""},
    )
    assert proc["id"]
    server.openstack("application", "credential", "delete", cred["ID"], json_output=False)
    failed = server.openstack("token", "issue", env=env, cloud="", check=False)
    assert failed.returncode != 0


def test_revoked_token_is_rejected(server: Server) -> None:
    token = server.openstack("token", "issue")["id"]
    with server.http(token) as c:
        assert c.get("/v3/auth/projects").status_code == 200
    server.openstack("token", "revoke", token, json_output=False)
    with server.http(token) as c:
        r = c.get("/v3/auth/projects")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == 401
    assert r.headers["WWW-Authenticate"].startswith("Keystone uri=")


def test_wrong_password_is_401(server: Server) -> None:
    r = httpx.post(
        f"{server.url}/v3/auth/tokens",
        json={
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {"user": {"name": "admin", "domain": {"id": "default"}, "password": "wrong"}},
                }
            }
        },
    )
    assert r.status_code == 401
    assert r.json()["error"]["title"] == "Unauthorized"
    env = {
        "OS_AUTH_URL": server.auth_url,
        "OS_USERNAME": "admin",
        "OS_PASSWORD": "wrong",
        "OS_PROJECT_NAME": "admin",
        "OS_USER_DOMAIN_ID": "default",
        "OS_PROJECT_DOMAIN_ID": "default",
        "OS_IDENTITY_API_VERSION": "3",
    }
    proc = server.openstack("token", "issue", check=False, env=env, cloud="")
    assert proc.returncode != 0
    assert "401" in proc.stderr


def test_member_cannot_create_project(server: Server) -> None:
    proc = server.openstack("project", "create", _name("nope"), cloud="pocketstack", check=False)
    assert proc.returncode != 0
    assert "403" in proc.stderr or "not authorized" in proc.stderr.lower()


@pytest.mark.slow
def test_restart_keeps_tokens_and_credentials(tmp_path) -> None:  # type: ignore[no-untyped-def]
    srv = Server(tmp_path / "cloud").start()
    try:
        token = srv.token()
        cred = srv.openstack("application", "credential", "create", _name("cred"))
        user = srv.openstack("user", "create", _name("u"), "--password", "pw-1")
        srv.restart()
        with srv.http(token) as c:
            assert c.get(f"/v3/users/{user['id']}").status_code == 200
        env = {
            "OS_AUTH_TYPE": "v3applicationcredential",
            "OS_AUTH_URL": srv.auth_url,
            "OS_APPLICATION_CREDENTIAL_ID": cred["ID"],
            "OS_APPLICATION_CREDENTIAL_SECRET": cred["Secret"],
            "OS_IDENTITY_API_VERSION": "3",
        }
        assert srv.openstack("token", "issue", env=env, cloud="")["id"]
    finally:
        srv.stop()
