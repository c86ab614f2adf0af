"""Compute policy per persona: admin, member, reader, another project's member, no token.

Expected statuses follow Nova's current defaults (project reader/member/manager and the
admin; another project's server is a 404 because Nova scopes its lookups by project).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.server import ADMIN_PASSWORD, Server

PERSONAS = ("admin", "member", "reader", "other", "anon")
FAULTS = {400: "badRequest", 403: "forbidden", 404: "itemNotFound", 409: "conflictingRequest"}


@dataclass
class World:
    server: Server
    tokens: dict[str, str | None]
    ids: dict[str, str]

    def call(self, persona: str, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = dict(kw.pop("headers", {}))
        token = self.tokens[persona]
        if token:
            headers["X-Auth-Token"] = token
        return httpx.request(method, self.server.url + path, headers=headers, timeout=30, **kw)


@pytest.fixture(scope="module")
def world(server: Server) -> Iterator[World]:
    admin = server.token("admin", "admin")
    with server.http(admin) as c:
        projects = {p["name"]: p["id"] for p in c.get("/v3/projects").json()["projects"]}
        roles = {r["name"]: r["id"] for r in c.get("/v3/roles").json()["roles"]}
        reader_name = f"reader-{uuid.uuid4().hex[:6]}"
        reader = c.post(
            "/v3/users", json={"user": {"name": reader_name, "password": ADMIN_PASSWORD, "domain_id": "default"}}
        ).json()["user"]
        c.put(f"/v3/projects/{projects['demo']}/users/{reader['id']}/roles/{roles['reader']}")
        image = next(i["id"] for i in c.get("/image/v2/images").json()["images"] if i["name"].startswith("cirros"))
    member = server.token("demo", "demo")
    with server.http(member) as c:
        r = c.post(
            "/compute/v2.1/servers",
            json={"server": {"name": "persona", "imageRef": image, "flavorRef": "42", "networks": "none"}},
            headers={"OpenStack-API-Version": "compute 2.37"},
        )
        assert r.status_code == 202, r.text
        server_id = r.json()["server"]["id"]
    tokens: dict[str, str | None] = {
        "admin": admin,
        "member": member,
        "reader": server.token(reader_name, "demo"),
        "other": server.token("alt_demo", "alt_demo"),
        "anon": None,
    }
    ids = {"server": server_id, "demo": projects["demo"], "image": image}
    yield World(server, tokens, ids)
    with server.http(admin) as c:
        c.delete(f"/compute/v2.1/servers/{server_id}")


def _server_body(w: World) -> dict[str, Any]:
    return {"json": {"server": {"name": "p", "imageRef": w.ids["image"], "flavorRef": "42", "networks": "none"}},
            "headers": {"OpenStack-API-Version": "compute 2.37"}}  # fmt: skip


Case = tuple[str, Callable[[World], tuple[str, str, dict[str, Any]]], dict[str, int]]
S = "/compute/v2.1/servers"

CASES: list[Case] = [
    ("list servers", lambda w: ("GET", S, {}), {"admin": 200, "member": 200, "reader": 200, "other": 200, "anon": 401}),
    (
        "list all tenants' servers",
        lambda w: ("GET", S + "/detail?all_tenants=1", {}),
        {"admin": 200, "member": 403, "reader": 403, "other": 403, "anon": 401},
    ),
    (
        "show the demo server",
        lambda w: ("GET", f"{S}/{w.ids['server']}", {}),
        {"admin": 200, "member": 200, "reader": 200, "other": 404, "anon": 401},
    ),
    (
        "create a server",
        lambda w: ("POST", S, _server_body(w)),
        {"reader": 403, "anon": 401},
    ),
    (
        "rename the demo server",
        lambda w: ("PUT", f"{S}/{w.ids['server']}", {"json": {"server": {"name": "persona"}}}),
        {"admin": 200, "member": 200, "reader": 403, "other": 404, "anon": 401},
    ),
    (
        "reboot the demo server",
        lambda w: ("POST", f"{S}/{w.ids['server']}/action", {"json": {"reboot": {"type": "SOFT"}}}),
        {"admin": 202, "member": 202, "reader": 403, "other": 404, "anon": 401},
    ),
    (
        "delete the demo server",
        lambda w: ("DELETE", f"{S}/{w.ids['server']}", {}),
        {"reader": 403, "other": 404, "anon": 401},
    ),
    (
        "reset the demo server's state",
        lambda w: ("POST", f"{S}/{w.ids['server']}/action", {"json": {"os-resetState": {"state": "active"}}}),
        {"admin": 202, "member": 403, "reader": 403, "other": 404, "anon": 401},
    ),
    (
        "cold-migrate the demo server (manager or admin)",
        lambda w: ("POST", f"{S}/{w.ids['server']}/action", {"json": {"migrate": None}}),
        {"member": 403, "reader": 403, "other": 404, "anon": 401},
    ),
    (
        "diagnostics of the demo server",
        lambda w: ("GET", f"{S}/{w.ids['server']}/diagnostics", {}),
        {"admin": 200, "member": 403, "reader": 403, "other": 404, "anon": 401},
    ),
    (
        "instance actions of the demo server",
        lambda w: ("GET", f"{S}/{w.ids['server']}/os-instance-actions", {}),
        {"admin": 200, "member": 200, "reader": 200, "other": 404, "anon": 401},
    ),
    (
        "metadata of the demo server",
        lambda w: ("POST", f"{S}/{w.ids['server']}/metadata", {"json": {"metadata": {"k": "v"}}}),
        {"admin": 200, "member": 200, "reader": 403, "other": 404, "anon": 401},
    ),
    ("list flavors", lambda w: ("GET", "/compute/v2.1/flavors", {}), {p: 200 for p in PERSONAS[:4]} | {"anon": 401}),
    (
        "create a flavor",
        lambda w: (
            "POST",
            "/compute/v2.1/flavors",
            {"json": {"flavor": {"name": f"f-{uuid.uuid4().hex[:6]}", "ram": 64, "vcpus": 1, "disk": 0}}},
        ),
        {"admin": 200, "member": 403, "reader": 403, "other": 403, "anon": 401},
    ),
    (
        "list keypairs",
        lambda w: ("GET", "/compute/v2.1/os-keypairs", {}),
        {p: 200 for p in PERSONAS[:4]} | {"anon": 401},
    ),
    (
        "list hypervisors",
        lambda w: ("GET", "/compute/v2.1/os-hypervisors", {}),
        {"admin": 200, "member": 403, "reader": 403, "other": 403, "anon": 401},
    ),
    (
        "list compute services",
        lambda w: ("GET", "/compute/v2.1/os-services", {}),
        {"admin": 200, "member": 403, "reader": 403, "other": 403, "anon": 401},
    ),
    (
        "list aggregates",
        lambda w: ("GET", "/compute/v2.1/os-aggregates", {}),
        {"admin": 200, "member": 403, "reader": 403, "other": 403, "anon": 401},
    ),
    (
        "list availability zones",
        lambda w: ("GET", "/compute/v2.1/os-availability-zone", {}),
        {p: 200 for p in PERSONAS[:4]} | {"anon": 401},
    ),
    (
        "availability zone detail",
        lambda w: ("GET", "/compute/v2.1/os-availability-zone/detail", {}),
        {"admin": 200, "member": 403, "reader": 403, "other": 403, "anon": 401},
    ),
    (
        "show the demo quota",
        lambda w: ("GET", f"/compute/v2.1/os-quota-sets/{w.ids['demo']}", {}),
        {"admin": 200, "member": 200, "reader": 200, "other": 403, "anon": 401},
    ),
    (
        "update the demo quota",
        lambda w: ("PUT", f"/compute/v2.1/os-quota-sets/{w.ids['demo']}", {"json": {"quota_set": {"key_pairs": 100}}}),
        {"admin": 200, "member": 403, "reader": 403, "other": 403, "anon": 401},
    ),
    ("limits", lambda w: ("GET", "/compute/v2.1/limits", {}), {p: 200 for p in PERSONAS[:4]} | {"anon": 401}),
    (
        "usage of every project",
        lambda w: ("GET", "/compute/v2.1/os-simple-tenant-usage", {}),
        {"admin": 200, "member": 403, "reader": 403, "other": 403, "anon": 401},
    ),
    (
        "usage of the demo project",
        lambda w: ("GET", f"/compute/v2.1/os-simple-tenant-usage/{w.ids['demo']}", {}),
        {"admin": 200, "member": 200, "reader": 200, "other": 403, "anon": 401},
    ),
    (
        "list server groups",
        lambda w: ("GET", "/compute/v2.1/os-server-groups", {}),
        {p: 200 for p in PERSONAS[:4]} | {"anon": 401},
    ),
    (
        "list migrations",
        lambda w: ("GET", "/compute/v2.1/os-migrations", {}),
        {"admin": 200, "member": 403, "reader": 403, "other": 403, "anon": 401},
    ),
    (
        "release held transitions (pocketstack extension)",
        lambda w: ("POST", "/compute/v2.1/os-pocketstack/transitions/release", {"json": {}}),
        {"admin": 200, "member": 403, "reader": 403, "other": 403, "anon": 401},
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_persona(world: World, case: Case, persona: str) -> None:
    _desc, build, expected = case
    if persona not in expected:
        pytest.skip("not checked for this persona")
    method, path, kw = build(world)
    r = world.call(persona, method, path, **kw)
    assert r.status_code == expected[persona], r.text
    if r.status_code == 401:
        # keystonemiddleware answers before Nova: Keystone's body and challenge
        assert r.json()["error"]["code"] == 401
        assert r.headers["WWW-Authenticate"].startswith("Keystone uri=")
    elif r.status_code in FAULTS:
        fault = r.json()[FAULTS[r.status_code]]
        assert fault["code"] == r.status_code and fault["message"]
    if method == "POST" and path == S and r.status_code == 202:
        world.call("admin", "DELETE", f"{S}/{r.json()['server']['id']}")


def test_other_project_cannot_see_or_touch(world: World) -> None:
    listed = world.call("other", "GET", S).json()["servers"]
    assert world.ids["server"] not in {s["id"] for s in listed}
    r = world.call("other", "POST", f"{S}/{world.ids['server']}/action", json={"os-stop": None})
    assert r.status_code == 404
    assert r.json()["itemNotFound"]["message"] == f"Instance {world.ids['server']} could not be found."
