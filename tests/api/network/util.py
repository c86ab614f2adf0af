"""A thin raw-HTTP client for the networking API, for tests that look at exact
status codes and Neutron error bodies."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.server import ADMIN_PASSWORD, Server

BASE = "/networking/v2.0"


def name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def error_type(resp: httpx.Response) -> str:
    body = resp.json()
    assert set(body) == {"NeutronError"}, body
    assert set(body["NeutronError"]) == {"type", "message", "detail"}, body
    return str(body["NeutronError"]["type"])


def expect_error(resp: httpx.Response, status: int, kind: str) -> str:
    assert resp.status_code == status, f"{resp.status_code} {resp.text}"
    assert error_type(resp) == kind, resp.text
    return str(resp.json()["NeutronError"]["message"])


class Neutron:
    def __init__(self, server: Server, token: str | None) -> None:
        self.server = server
        self.client = server.http(token)

    def request(self, method: str, path: str, **kw: Any) -> httpx.Response:
        return self.client.request(method, BASE + path, **kw)

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> httpx.Response:
        return self.request("POST", path, json=body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> httpx.Response:
        return self.request("PUT", path, json=body, **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("DELETE", path, **kw)

    # -- creating what a test needs --------------------------------------------------------

    def create(self, collection: str, key: str, **attrs: Any) -> dict[str, Any]:
        resp = self.post(f"/{collection}", {key: attrs})
        assert resp.status_code == 201, resp.text
        return dict(resp.json()[key])

    def network(self, **attrs: Any) -> dict[str, Any]:
        attrs.setdefault("name", name("net"))
        return self.create("networks", "network", **attrs)

    def subnet(self, network_id: str, cidr: str = "10.20.0.0/24", **attrs: Any) -> dict[str, Any]:
        version = 6 if ":" in cidr else 4
        attrs.setdefault("ip_version", version)
        return self.create("subnets", "subnet", network_id=network_id, cidr=cidr, **attrs)

    def port(self, network_id: str, **attrs: Any) -> dict[str, Any]:
        return self.create("ports", "port", network_id=network_id, **attrs)

    def router(self, **attrs: Any) -> dict[str, Any]:
        attrs.setdefault("name", name("router"))
        return self.create("routers", "router", **attrs)

    def security_group(self, **attrs: Any) -> dict[str, Any]:
        attrs.setdefault("name", name("sg"))
        return self.create("security-groups", "security_group", **attrs)

    def rule(self, security_group_id: str, **attrs: Any) -> dict[str, Any]:
        attrs.setdefault("direction", "ingress")
        return self.create("security-group-rules", "security_group_rule", security_group_id=security_group_id, **attrs)

    def public(self) -> dict[str, Any]:
        nets = self.get("/networks", params={"name": "public"}).json()["networks"]
        assert len(nets) == 1, nets
        return dict(nets[0])

    def network_with_subnet(
        self, cidr: str = "10.20.0.0/24", **subnet_attrs: Any
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        net = self.network()
        return net, self.subnet(net["id"], cidr, **subnet_attrs)

    def close(self) -> None:
        self.client.close()


def fresh_member(server: Server, admin_token: str, prefix: str = "net") -> tuple[str, Neutron]:
    """A new project with a member (its own quotas, nothing shared with other tests)."""
    label = name(prefix)
    with server.http(admin_token) as c:
        project = c.post("/v3/projects", json={"project": {"name": label, "domain_id": "default"}}).json()["project"]
        user = c.post(
            "/v3/users", json={"user": {"name": label, "password": ADMIN_PASSWORD, "domain_id": "default"}}
        ).json()["user"]
        roles = {r["name"]: r["id"] for r in c.get("/v3/roles").json()["roles"]}
        assert c.put(f"/v3/projects/{project['id']}/users/{user['id']}/roles/{roles['member']}").status_code == 204
    return project["id"], Neutron(server, server.token(label, label))
