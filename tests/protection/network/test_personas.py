"""Networking policy per persona: admin, member, reader, another project's member,
no token, and a system-scoped admin.

Expected statuses follow Neutron's current defaults (project scope only; reader may
look, member may change what its project owns, admin-only attributes and actions),
with another project's resources hidden (404) and no token answered by Keystone's 401.
A system-scoped token reads nothing, and its creates fail before policy is consulted:
the body names no project and the token has none (400, as upstream).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.server import ADMIN_PASSWORD, Server

PERSONAS = ("admin", "member", "reader", "other", "anon", "system")
N = "/networking/v2.0"


@dataclass
class World:
    server: Server
    tokens: dict[str, str | None]
    res: dict[str, str]  # ids of what the demo member owns

    def call(self, persona: str, method: str, path: str, body: Any = None) -> httpx.Response:
        headers = {"X-Auth-Token": self.tokens[persona]} if self.tokens[persona] else {}
        path = path.format(**self.res)
        return httpx.request(method, f"{self.server.url}{N}{path}", json=body, headers=headers, timeout=30)


@pytest.fixture(scope="module")
def world(server: Server) -> World:
    admin = server.token("admin", "admin")
    with server.http(admin) as c:
        roles = {r["name"]: r["id"] for r in c.get("/v3/roles").json()["roles"]}
        demo = next(p for p in c.get("/v3/projects").json()["projects"] if p["name"] == "demo")
        reader_name = f"net-reader-{uuid.uuid4().hex[:6]}"
        reader = c.post(
            "/v3/users", json={"user": {"name": reader_name, "password": ADMIN_PASSWORD, "domain_id": "default"}}
        ).json()["user"]
        c.put(f"/v3/projects/{demo['id']}/users/{reader['id']}/roles/{roles['reader']}")
    member = server.token("demo", "demo")
    tokens: dict[str, str | None] = {
        "admin": admin,
        "member": member,
        "reader": server.token(reader_name, "demo"),
        "other": server.token("alt_demo", "alt_demo"),
        "anon": None,
        "system": server.token("admin", None, scope={"system": {"all": True}}),
    }
    with server.http(member) as c:

        def make(path: str, key: str, **attrs: Any) -> str:
            r = c.post(N + path, json={key: attrs})
            assert r.status_code == 201, r.text
            return str(r.json()[key]["id"])

        net = make("/networks", "network", name=f"persona-{uuid.uuid4().hex[:6]}")
        subnet = make("/subnets", "subnet", network_id=net, cidr="10.66.0.0/24", ip_version=4)
        port = make("/ports", "port", network_id=net)
        router = make("/routers", "router", name="persona-router")
        group = make("/security-groups", "security_group", name="persona-sg")
        rule = make("/security-group-rules", "security_group_rule", security_group_id=group, direction="ingress")
        public = c.get(N + "/networks", params={"name": "public"}).json()["networks"][0]["id"]
        fip = make("/floatingips", "floatingip", floating_network_id=public)
        public_subnet = c.get(N + "/subnets", params={"network_id": public}).json()["subnets"][0]["id"]
        alt = next(p for p in httpx.get(f"{server.url}/v3/projects", headers={"X-Auth-Token": admin}).json()["projects"]
                   if p["name"] == "alt_demo")  # fmt: skip
        shared = make("/networks", "network", name=f"persona-shared-{uuid.uuid4().hex[:6]}")
        trunk = make("/trunks", "trunk", port_id=make("/ports", "port", network_id=net))
        qos_body = {"policy": {"name": "persona-qos", "project_id": demo["id"]}}
        qos = c.post(N + "/qos/policies", json=qos_body, headers={"X-Auth-Token": admin}).json()["policy"]["id"]
        rbac = make("/rbac-policies", "rbac_policy", object_type="network", object_id=shared,
                    action="access_as_shared", target_tenant=alt["id"])  # fmt: skip
    res = {
        "net": net,
        "subnet": subnet,
        "port": port,
        "router": router,
        "sg": group,
        "rule": rule,
        "fip": fip,
        "public": public,
        "public_subnet": public_subnet,
        "project": demo["id"],
        "alt_project": alt["id"],
        "shared": shared,
        "rbac": rbac,
        "trunk": trunk,
        "qos": qos,
    }
    return World(server, tokens, res)


def _row(*codes: int) -> dict[str, int]:
    return dict(zip(PERSONAS, codes, strict=True))


# (method, path, body) -> expected status per persona (admin, member, reader, other, anon, system)
CASES: list[tuple[str, str, Any, dict[str, int]]] = [
    ("GET", "/networks/{net}", None, _row(200, 200, 200, 404, 401, 404)),
    ("PUT", "/networks/{net}", {"network": {"description": "x"}}, _row(200, 200, 403, 404, 401, 404)),
    ("GET", "/networks/{public}", None, _row(200, 200, 200, 200, 401, 404)),
    ("GET", "/subnets/{subnet}", None, _row(200, 200, 200, 404, 401, 404)),
    ("GET", "/subnets/{public_subnet}", None, _row(200, 200, 200, 200, 401, 404)),
    ("PUT", "/subnets/{subnet}", {"subnet": {"name": "x"}}, _row(200, 200, 403, 404, 401, 404)),
    ("GET", "/ports/{port}", None, _row(200, 200, 200, 404, 401, 404)),
    ("PUT", "/ports/{port}", {"port": {"name": "x"}}, _row(200, 200, 403, 404, 401, 404)),
    ("PUT", "/ports/{port}", {"port": {"binding:host_id": "compute1"}}, _row(200, 403, 403, 404, 401, 404)),
    ("GET", "/routers/{router}", None, _row(200, 200, 200, 404, 401, 404)),
    ("PUT", "/routers/{router}", {"router": {"name": "x"}}, _row(200, 200, 403, 404, 401, 404)),
    ("PUT", "/routers/{router}", {"router": {"ha": True}}, _row(200, 403, 403, 404, 401, 404)),
    ("PUT", "/routers/{router}/add_router_interface", {"subnet_id": "{subnet}"}, _row(200, 200, 403, 404, 401, 404)),
    ("GET", "/security-groups/{sg}", None, _row(200, 200, 200, 404, 401, 404)),
    ("PUT", "/security-groups/{sg}", {"security_group": {"description": "x"}}, _row(200, 200, 403, 404, 401, 404)),
    ("GET", "/security-group-rules/{rule}", None, _row(200, 200, 200, 404, 401, 404)),
    (
        "POST",
        "/security-group-rules",
        {
            "security_group_rule": {
                "security_group_id": "{sg}",
                "direction": "egress",
                "remote_ip_prefix": "10.{n}.0.0/16",
            }
        },
        _row(201, 201, 403, 403, 401, 400),
    ),
    ("GET", "/floatingips/{fip}", None, _row(200, 200, 200, 404, 401, 404)),
    ("PUT", "/floatingips/{fip}", {"floatingip": {"description": "x"}}, _row(200, 200, 403, 404, 401, 404)),
    ("POST", "/networks", {"network": {}}, _row(201, 201, 403, 201, 401, 400)),
    ("POST", "/networks", {"network": {"shared": True}}, _row(201, 403, 403, 403, 401, 400)),
    ("POST", "/networks", {"network": {"router:external": True}}, _row(201, 403, 403, 403, 401, 400)),
    ("POST", "/ports", {"port": {"network_id": "{net}"}}, _row(201, 201, 403, 403, 401, 400)),
    (
        "POST",
        "/subnets",
        {"subnet": {"network_id": "{net}", "cidr": "10.{n}.0.0/24", "ip_version": 4}},
        _row(201, 201, 403, 403, 401, 400),
    ),
    ("GET", "/quotas/{project}", None, _row(200, 200, 200, 403, 401, 403)),
    ("PUT", "/quotas/{project}", {"quota": {"router": 11}}, _row(200, 403, 403, 403, 401, 403)),
    ("GET", "/quotas/{project}/details", None, _row(200, 200, 200, 403, 401, 200)),
    ("GET", "/network-ip-availabilities/{net}", None, _row(200, 404, 404, 404, 401, 404)),
    ("GET", "/agents", None, _row(200, 200, 200, 200, 401, 200)),
    ("GET", "/rbac-policies/{rbac}", None, _row(200, 200, 200, 404, 401, 404)),
    (
        "PUT",
        "/rbac-policies/{rbac}",
        {"rbac_policy": {"target_tenant": "{alt_project}"}},
        _row(200, 200, 403, 404, 401, 404),
    ),
    (
        "POST",
        "/rbac-policies",
        {
            "rbac_policy": {
                "object_type": "network",
                "object_id": "{net}",
                "action": "access_as_shared",
                "target_tenant": "{uuid}",
            }
        },
        _row(201, 201, 403, 400, 401, 400),
    ),
    ("GET", "/networks/{shared}", None, _row(200, 200, 200, 200, 401, 404)),
    ("GET", "/trunks/{trunk}", None, _row(200, 200, 200, 404, 401, 404)),
    ("PUT", "/trunks/{trunk}", {"trunk": {"description": "x"}}, _row(200, 200, 403, 404, 401, 404)),
    ("GET", "/trunks/{trunk}/get_subports", None, _row(200, 200, 200, 404, 401, 404)),
    ("GET", "/qos/policies/{qos}", None, _row(200, 200, 200, 404, 401, 404)),
    ("PUT", "/qos/policies/{qos}", {"policy": {"description": "x"}}, _row(200, 403, 403, 404, 401, 404)),
    ("POST", "/qos/policies", {"policy": {"name": "persona"}}, _row(201, 403, 403, 403, 401, 400)),
    ("GET", "/qos/rule-types", None, _row(200, 200, 200, 200, 401, 200)),
    ("GET", "/auto-allocated-topology/{project}?fields=dry-run", None, _row(200, 200, 200, 403, 401, 404)),
]

_subnet_counter = iter(range(70, 250))


def _fill(body: Any, res: dict[str, str]) -> Any:
    if isinstance(body, dict):
        return {k: _fill(v, res) for k, v in body.items()}
    if isinstance(body, str):
        return body.format(**res, n=next(_subnet_counter), uuid=uuid.uuid4().hex) if "{" in body else body
    return body


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "path", "body", "expected"), CASES, ids=[f"{c[0]} {c[1]} {c[2]}" for c in CASES])
def test_persona(world: World, persona: str, method: str, path: str, body: Any, expected: dict[str, int]) -> None:
    resp = world.call(persona, method, path, _fill(body, world.res))
    assert resp.status_code == expected[persona], f"{persona}: {resp.status_code} {resp.text[:300]}"
    if resp.status_code == 200 and method == "PUT" and path.endswith("add_router_interface"):
        world.call("admin", "PUT", "/routers/{router}/remove_router_interface", {"subnet_id": world.res["subnet"]})
    if resp.status_code >= 400 and persona != "anon":
        assert set(resp.json()) == {"NeutronError"}


@pytest.mark.parametrize("persona", ("admin", "member", "reader", "other", "system"))
def test_lists_show_only_what_the_persona_may_see(world: World, persona: str) -> None:
    nets = {n["id"] for n in world.call(persona, "GET", "/networks").json()["networks"]}
    visible = persona in ("admin", "member", "reader")
    assert (world.res["net"] in nets) is visible
    assert (world.res["public"] in nets) is (persona != "system")
    ports = {p["id"] for p in world.call(persona, "GET", "/ports").json()["ports"]}
    assert (world.res["port"] in ports) is visible
    rules = {r["id"] for r in world.call(persona, "GET", "/security-group-rules").json()["security_group_rules"]}
    assert (world.res["rule"] in rules) is visible


def test_admin_only_attributes_are_hidden(world: World) -> None:
    admin_view = world.call("admin", "GET", "/ports/{port}").json()["port"]
    member_view = world.call("member", "GET", "/ports/{port}").json()["port"]
    for attr in ("binding:host_id", "binding:vif_type", "binding:vif_details", "binding:profile"):
        assert attr in admin_view and attr not in member_view
    assert "binding:vnic_type" in member_view
    admin_net = world.call("admin", "GET", "/networks/{net}").json()["network"]
    member_net = world.call("member", "GET", "/networks/{net}").json()["network"]
    for attr in ("provider:network_type", "provider:physical_network", "provider:segmentation_id"):
        assert attr in admin_net and attr not in member_net
    agents = world.call("admin", "GET", "/agents").json()["agents"]
    assert {a["agent_type"] for a in agents} == {"OVN Controller agent", "OVN Metadata agent"}
    assert world.call("member", "GET", "/agents").json()["agents"] == []
