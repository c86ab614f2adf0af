"""A small Cinder client over raw HTTP for the block storage API tests."""

from __future__ import annotations

import time
from typing import Any

import httpx

from tests.server import Server

MAX = "3.71"


class Cinder:
    def __init__(self, server: Server, token: str | None, project_id: str | None, version: str | None = MAX) -> None:
        self.server = server
        self.token = token
        self.project_id = project_id
        self.version = version

    def url(self, path: str) -> str:
        base = f"{self.server.url}/volume/v3"
        if self.project_id:
            base += f"/{self.project_id}"
        return base + path

    def request(self, method: str, path: str, version: str | None = None, **kw: Any) -> httpx.Response:
        headers = dict(kw.pop("headers", {}))
        if self.token:
            headers["X-Auth-Token"] = self.token
        ver = self.version if version is None else version  # "" sends no header
        if ver:
            headers["OpenStack-API-Version"] = f"volume {ver}"
        return httpx.request(method, self.url(path), headers=headers, timeout=30, **kw)

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> httpx.Response:
        return self.request("POST", path, json=body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> httpx.Response:
        return self.request("PUT", path, json=body, **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("DELETE", path, **kw)

    # -- conveniences ------------------------------------------------------------------

    def create_volume(self, size: int = 1, **fields: Any) -> dict[str, Any]:
        r = self.post("/volumes", {"volume": {"size": size, **fields}})
        assert r.status_code == 202, r.text
        return r.json()["volume"]  # type: ignore[no-any-return]

    def wait(self, kind: str, ident: str, status: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            r = self.get(f"/{kind}s/{ident}")
            assert r.status_code == 200, r.text
            body = r.json()[kind]
            if body["status"] == status:
                return body  # type: ignore[no-any-return]
            assert time.monotonic() < deadline, f"{kind} {ident} stuck in {body['status']}"
            time.sleep(0.05)

    def wait_gone(self, kind: str, ident: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.get(f"/{kind}s/{ident}").status_code != 404:
            assert time.monotonic() < deadline, f"{kind} {ident} not deleted"
            time.sleep(0.05)

    def available_volume(self, size: int = 1, **fields: Any) -> dict[str, Any]:
        return self.wait("volume", self.create_volume(size, **fields)["id"], "available")


def project_id(server: Server, name: str) -> str:
    token = server.token("admin", "admin")
    with server.http(token) as c:
        return str(c.get("/v3/projects", params={"name": name}).json()["projects"][0]["id"])


def client(server: Server, user: str = "demo", project: str = "demo", version: str | None = MAX) -> Cinder:
    return Cinder(server, server.token(user, project), project_id(server, project), version)


def fresh_member(server: Server, quotas: dict[str, int] | None = None) -> Cinder:
    """A member of a project of its own (unlimited volume quotas unless ``quotas`` says)."""
    import uuid

    from tests.server import ADMIN_PASSWORD

    admin_token = server.token("admin", "admin")
    name = f"vol-{uuid.uuid4().hex[:8]}"
    with server.http(admin_token) as c:
        project = c.post("/v3/projects", json={"project": {"name": name, "domain_id": "default"}}).json()["project"]
        user = c.post(
            "/v3/users", json={"user": {"name": name, "password": ADMIN_PASSWORD, "domain_id": "default"}}
        ).json()["user"]
        role = next(r for r in c.get("/v3/roles").json()["roles"] if r["name"] == "member")
        c.put(f"/v3/projects/{project['id']}/users/{user['id']}/roles/{role['id']}")
    limits = quotas if quotas is not None else {"volumes": -1, "gigabytes": -1, "snapshots": -1, "backups": -1}
    admin = Cinder(server, admin_token, project_id(server, "admin"))
    r = admin.put(f"/os-quota-sets/{project['id']}", {"quota_set": limits})
    assert r.status_code == 200, r.text
    return Cinder(server, server.token(name, name), project["id"])
