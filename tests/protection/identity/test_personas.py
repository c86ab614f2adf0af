"""Identity policy per persona: admin, member, reader, another project's member, no token.

Expected statuses follow Keystone's current default policies (reader ⊂ member ⊂ admin,
project scope).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.server import ADMIN_PASSWORD, Server

PERSONAS = ("admin", "member", "reader", "other", "anon")


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
def world(server: Server) -> World:
    admin = server.token("admin", "admin")
    with server.http(admin) as c:
        projects = {p["name"]: p["id"] for p in c.get("/v3/projects").json()["projects"]}
        roles = {r["name"]: r["id"] for r in c.get("/v3/roles").json()["roles"]}
        users = {u["name"]: u["id"] for u in c.get("/v3/users").json()["users"]}
        reader_name = f"reader-{uuid.uuid4().hex[:6]}"
        reader = c.post(
            "/v3/users", json={"user": {"name": reader_name, "password": ADMIN_PASSWORD, "domain_id": "default"}}
        ).json()["user"]
        c.put(f"/v3/projects/{projects['demo']}/users/{reader['id']}/roles/{roles['reader']}")
        victim = c.post(
            "/v3/users", json={"user": {"name": f"victim-{uuid.uuid4().hex[:6]}", "domain_id": "default"}}
        ).json()["user"]
    tokens: dict[str, str | None] = {
        "admin": admin,
        "member": server.token("demo", "demo"),
        "reader": server.token(reader_name, "demo"),
        "other": server.token("alt_demo", "alt_demo"),
        "anon": None,
    }
    ids = {
        "demo_project": projects["demo"],
        "admin_project": projects["admin"],
        "member": users["demo"],
        "other": users["alt_demo"],
        "reader": reader["id"],
        "victim": victim["id"],
        "reader_role": roles["reader"],
    }
    return World(server, tokens, ids)


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


# (description, request builder, expected status per persona)
Case = tuple[str, Callable[[World], tuple[str, str, dict[str, Any]]], dict[str, int]]

CASES: list[Case] = [
    (
        "list users",
        lambda w: ("GET", "/v3/users", {}),
        {"admin": 200, "member": 403, "reader": 403, "other": 403, "anon": 401},
    ),
    (
        "show the demo user",
        lambda w: ("GET", f"/v3/users/{w.ids['member']}", {}),
        {"admin": 200, "member": 200, "reader": 403, "other": 403, "anon": 401},
    ),
    (
        "create a user",
        lambda w: ("POST", "/v3/users", {"json": {"user": {"name": _unique("u")}}}),
        {"admin": 201, "member": 403, "reader": 403, "other": 403, "anon": 401},
    ),
    (
        "create a project",
        lambda w: ("POST", "/v3/projects", {"json": {"project": {"name": _unique("p")}}}),
        {"admin": 201, "member": 403, "reader": 403, "other": 403, "anon": 401},
    ),
    (
        "show the demo project",
        lambda w: ("GET", f"/v3/projects/{w.ids['demo_project']}", {}),
        {"admin": 200, "member": 200, "reader": 200, "other": 403, "anon": 401},
    ),
    (
        "update the demo project",
        lambda w: ("PATCH", f"/v3/projects/{w.ids['demo_project']}", {"json": {"project": {"description": "x"}}}),
        {"admin": 200, "member": 403, "reader": 403, "other": 403, "anon": 401},
    ),
    (
        "list roles",
        lambda w: ("GET", "/v3/roles", {}),
        {"admin": 200, "member": 403, "reader": 403, "other": 403, "anon": 401},
    ),
    (
        "create a role",
        lambda w: ("POST", "/v3/roles", {"json": {"role": {"name": _unique("r")}}}),
        {"admin": 201, "member": 403, "reader": 403, "other": 403, "anon": 401},
    ),
    (
        "grant a role",
        lambda w: (
            "PUT",
            f"/v3/projects/{w.ids['demo_project']}/users/{w.ids['victim']}/roles/{w.ids['reader_role']}",
            {},
        ),
        {"admin": 204, "member": 403, "reader": 403, "other": 403, "anon": 401},
    ),
    (
        "list role assignments",
        lambda w: ("GET", "/v3/role_assignments", {}),
        {"admin": 200, "member": 403, "reader": 403, "other": 403, "anon": 401},
    ),
    (
        "show the default domain",
        lambda w: ("GET", "/v3/domains/default", {}),
        {"admin": 200, "member": 200, "reader": 200, "other": 200, "anon": 401},
    ),
    (
        "create a domain",
        lambda w: ("POST", "/v3/domains", {"json": {"domain": {"name": _unique("d")}}}),
        {"admin": 201, "member": 403, "reader": 403, "other": 403, "anon": 401},
    ),
    (
        "list services",
        lambda w: ("GET", "/v3/services", {}),
        {"admin": 200, "member": 403, "reader": 403, "other": 403, "anon": 401},
    ),
    (
        "list endpoints",
        lambda w: ("GET", "/v3/endpoints", {}),
        {"admin": 200, "member": 403, "reader": 403, "other": 403, "anon": 401},
    ),
    (
        "list regions",
        lambda w: ("GET", "/v3/regions", {}),
        {"admin": 200, "member": 200, "reader": 200, "other": 200, "anon": 401},
    ),
    (
        "list the demo user's application credentials",
        lambda w: ("GET", f"/v3/users/{w.ids['member']}/application_credentials", {}),
        {"admin": 200, "member": 200, "reader": 403, "other": 403, "anon": 401},
    ),
    (
        "create an application credential for the demo user",
        lambda w: (
            "POST",
            f"/v3/users/{w.ids['member']}/application_credentials",
            {"json": {"application_credential": {"name": _unique("ac")}}},
        ),
        {"admin": 403, "member": 201, "reader": 403, "other": 403, "anon": 401},
    ),
    (
        "list the demo user's projects",
        lambda w: ("GET", f"/v3/users/{w.ids['member']}/projects", {}),
        {"admin": 200, "member": 200, "reader": 403, "other": 403, "anon": 401},
    ),
    (
        "validate the admin's token",
        lambda w: ("GET", "/v3/auth/tokens", {"headers": {"X-Subject-Token": w.tokens["admin"]}}),
        {"admin": 200, "member": 403, "reader": 403, "other": 403, "anon": 401},
    ),
    (
        "list my projects",
        lambda w: ("GET", "/v3/auth/projects", {}),
        {"admin": 200, "member": 200, "reader": 200, "other": 200, "anon": 401},
    ),
    (
        "delete the victim user",
        lambda w: ("DELETE", f"/v3/users/{w.ids['victim']}", {}),
        {"member": 403, "reader": 403, "other": 403, "anon": 401},
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
    if r.status_code >= 400:
        error = r.json()["error"]
        assert error["code"] == r.status_code and error["title"] and error["message"]
    if r.status_code == 401:
        assert r.headers["WWW-Authenticate"].startswith("Keystone uri=")


def test_member_lists_only_own_projects(world: World) -> None:
    # Keystone: GET /v3/projects is for admins and readers of a domain or the system (as
    # tempest's test_list_projects_by_unauthorized_user checks); a member asks for theirs.
    assert world.call("member", "GET", "/v3/projects").status_code == 403
    mine = world.call("member", "GET", f"/v3/users/{world.ids['member']}/projects").json()["projects"]
    assert {p["name"] for p in mine} == {"demo"}


def test_own_token_validates(world: World) -> None:
    for persona in ("member", "reader", "other"):
        r = world.call(persona, "GET", "/v3/auth/tokens", headers={"X-Subject-Token": world.tokens[persona]})
        assert r.status_code == 200
        assert r.json()["token"]["project"]["id"]
