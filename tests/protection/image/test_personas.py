"""Image policy per persona: admin, member, reader, another project's member, no token.

Expected statuses follow Glance's current default policies (project scope; reader may
look, member may change what its project owns, only the admin publicizes) and its
hiding of other projects' images (404).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.api.image.util import PATCH, Glance, name, project_ids
from tests.server import ADMIN_PASSWORD, Server

PERSONAS = ("admin", "member", "reader", "other", "anon")


@dataclass
class World:
    server: Server
    tokens: dict[str, str | None]
    projects: dict[str, str]
    owner: Glance  # demo's member, who owns the images under test
    cirros: str

    def call(self, persona: str, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = {"Accept": "application/json", **kw.pop("headers", {})}
        token = self.tokens[persona]
        if token:
            headers["X-Auth-Token"] = token
        return httpx.request(method, f"{self.server.url}/image{path}", headers=headers, timeout=30, **kw)


@pytest.fixture(scope="module")
def world(server: Server) -> World:
    admin = server.token("admin", "admin")
    with server.http(admin) as c:
        roles = {r["name"]: r["id"] for r in c.get("/v3/roles").json()["roles"]}
        projects = project_ids(server)
        reader_name = f"img-reader-{uuid.uuid4().hex[:6]}"
        reader = c.post(
            "/v3/users", json={"user": {"name": reader_name, "password": ADMIN_PASSWORD, "domain_id": "default"}}
        ).json()["user"]
        c.put(f"/v3/projects/{projects['demo']}/users/{reader['id']}/roles/{roles['reader']}")
    member = server.token("demo", "demo")
    tokens: dict[str, str | None] = {
        "admin": admin,
        "member": member,
        "reader": server.token(reader_name, "demo"),
        "other": server.token("alt_demo", "alt_demo"),
        "anon": None,
    }
    owner = Glance(server, member)
    cirros = owner.list(name="cirros-0.6.3-x86_64-disk").json()["images"][0]["id"]
    return World(server, tokens, projects, owner, cirros)


def _private(w: World) -> str:
    return str(w.owner.active(os.urandom(512), visibility="private")["id"])


def _queued(w: World) -> str:
    return str(w.owner.create(disk_format="raw", container_format="bare", visibility="private")["id"])


def _shared(w: World, other_status: str | None = None) -> str:
    image = w.owner.active(os.urandom(512), visibility="shared")["id"]
    if other_status is not None:
        r = w.owner.request("POST", f"/v2/images/{image}/members", json={"member": w.projects["alt_demo"]})
        assert r.status_code == 200, r.text
        if other_status != "pending":
            token = w.tokens["other"]
            assert token is not None
            Glance(w.server, token).request(
                "PUT", f"/v2/images/{image}/members/{w.projects['alt_demo']}", json={"status": other_status}
            )
    return str(image)


def _patch(ops: list[dict[str, Any]]) -> dict[str, Any]:
    return {"json": ops, "headers": {"Content-Type": PATCH}}


OCTETS = {"content": b"data", "headers": {"Content-Type": "application/octet-stream"}}

# (description, request builder, expected status per persona)
Case = tuple[str, Callable[[World], tuple[str, str, dict[str, Any]]], dict[str, int]]


def expect(admin: int, member: int, reader: int, other: int, anon: int = 401) -> dict[str, int]:
    return {"admin": admin, "member": member, "reader": reader, "other": other, "anon": anon}


CASES: list[Case] = [
    ("list images", lambda w: ("GET", "/v2/images", {}), expect(200, 200, 200, 200)),
    ("show a private image", lambda w: ("GET", f"/v2/images/{_private(w)}", {}), expect(200, 200, 200, 404)),
    ("show the public image", lambda w: ("GET", f"/v2/images/{w.cirros}", {}), expect(200, 200, 200, 200)),
    ("download a private image", lambda w: ("GET", f"/v2/images/{_private(w)}/file", {}), expect(200, 200, 403, 404)),
    ("download the public image", lambda w: ("GET", f"/v2/images/{w.cirros}/file", {}), expect(200, 200, 403, 200)),
    (
        "create an image",
        lambda w: ("POST", "/v2/images", {"json": {"name": name("persona")}}),
        expect(201, 201, 403, 201),
    ),
    (
        "create a public image",
        lambda w: ("POST", "/v2/images", {"json": {"name": name("persona"), "visibility": "public"}}),
        expect(201, 403, 403, 403),
    ),
    (
        "create a community image",
        lambda w: ("POST", "/v2/images", {"json": {"name": name("persona"), "visibility": "community"}}),
        expect(201, 201, 403, 201),
    ),
    (
        "create an image for another project",
        lambda w: ("POST", "/v2/images", {"json": {"name": name("persona"), "owner": w.projects["demo"]}}),
        expect(201, 201, 403, 403),
    ),
    (
        "rename a private image",
        lambda w: ("PATCH", f"/v2/images/{_private(w)}", _patch([{"op": "replace", "path": "/name", "value": "n"}])),
        expect(200, 200, 403, 404),
    ),
    (
        "publicize an image",
        lambda w: (
            "PATCH",
            f"/v2/images/{_private(w)}",
            _patch([{"op": "replace", "path": "/visibility", "value": "public"}]),
        ),
        expect(200, 403, 403, 404),
    ),
    (
        "rename an image shared with the other project",
        lambda w: (
            "PATCH",
            f"/v2/images/{_shared(w, 'accepted')}",
            _patch([{"op": "replace", "path": "/name", "value": "n"}]),
        ),
        expect(200, 200, 403, 403),
    ),
    ("upload data", lambda w: ("PUT", f"/v2/images/{_queued(w)}/file", OCTETS), expect(204, 204, 403, 404)),
    ("stage data", lambda w: ("PUT", f"/v2/images/{_queued(w)}/stage", OCTETS), expect(204, 204, 403, 404)),
    ("delete a private image", lambda w: ("DELETE", f"/v2/images/{_private(w)}", {}), expect(204, 204, 403, 404)),
    (
        "deactivate an image",
        lambda w: ("POST", f"/v2/images/{_private(w)}/actions/deactivate", {}),
        expect(204, 204, 403, 404),
    ),
    ("tag an image", lambda w: ("PUT", f"/v2/images/{_private(w)}/tags/t", {}), expect(204, 204, 403, 404)),
    (
        "share an image",
        lambda w: ("POST", f"/v2/images/{_shared(w)}/members", {"json": {"member": "p-" + uuid.uuid4().hex}}),
        expect(200, 200, 403, 404),
    ),
    ("list members", lambda w: ("GET", f"/v2/images/{_shared(w, 'pending')}/members", {}), expect(200, 200, 200, 200)),
    (
        "accept a membership",
        lambda w: (
            "PUT",
            f"/v2/images/{_shared(w, 'pending')}/members/{w.projects['alt_demo']}",
            {"json": {"status": "accepted"}},
        ),
        expect(200, 403, 403, 200),
    ),
    (
        "remove a member",
        lambda w: ("DELETE", f"/v2/images/{_shared(w, 'accepted')}/members/{w.projects['alt_demo']}", {}),
        expect(204, 204, 403, 403),
    ),
    (
        "download an image shared with the other project",
        lambda w: ("GET", f"/v2/images/{_shared(w, 'pending')}/file", {}),
        expect(200, 200, 403, 200),
    ),
    ("read the schemas", lambda w: ("GET", "/v2/schemas/images", {}), expect(200, 200, 200, 200)),
    ("read the import info", lambda w: ("GET", "/v2/info/import", {}), expect(200, 200, 200, 200)),
    ("version discovery", lambda w: ("GET", "/versions", {}), expect(200, 200, 200, 200, anon=200)),
    ("an image's tasks", lambda w: ("GET", f"/v2/images/{_private(w)}/tasks", {}), expect(200, 200, 200, 404)),
    ("list metadef namespaces", lambda w: ("GET", "/v2/metadefs/namespaces", {}), expect(200, 200, 200, 200)),
    ("list metadef resource types", lambda w: ("GET", "/v2/metadefs/resource_types", {}), expect(200, 200, 200, 200)),
    (
        "create a metadef namespace",
        lambda w: ("POST", "/v2/metadefs/namespaces", {"json": {"namespace": "OS::Test::" + uuid.uuid4().hex}}),
        expect(201, 403, 403, 403),
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("what", "build", "expected"), CASES, ids=[c[0] for c in CASES])
def test_persona(
    world: World, persona: str, what: str, build: Callable[[World], tuple[str, str, dict[str, Any]]],
    expected: dict[str, int],
) -> None:  # fmt: skip
    method, path, kw = build(world)
    r = world.call(persona, method, path, **kw)
    assert r.status_code == expected[persona], f"{what} as {persona}: {r.status_code} {r.text[:300]}"
    if r.status_code == 401:
        assert r.json()["error"]["code"] == 401
    elif r.status_code in (403, 404):
        assert set(r.json()) == {"message", "code", "title"}


def test_system_scope_is_refused(server: Server) -> None:
    token = server.token("admin", None, scope={"system": {"all": True}})
    r = httpx.get(f"{server.url}/image/v2/images", headers={"X-Auth-Token": token, "Accept": "application/json"})
    assert r.status_code == 403


@pytest.mark.slow
def test_operator_policy_override(tmp_path: Any) -> None:
    """``<data-dir>/policy.d/image/*.yaml`` changes Glance's rules (here: members may publicize)."""
    cloud = Server(tmp_path / "cloud")
    (cloud.data_dir / "policy.d" / "image").mkdir(parents=True)
    (cloud.data_dir / "policy.d" / "image" / "publicize.yaml").write_text('"publicize_image": "role:member"\n')
    cloud.start()
    try:
        g = Glance(cloud, cloud.token("demo", "demo"))
        r = g.request("POST", "/v2/images", json={"visibility": "public"})
        assert r.status_code == 201, r.text
        r = Glance(cloud, cloud.token("alt_demo", "alt_demo")).get(f"/v2/images/{r.json()['id']}")
        assert r.status_code == 200
    finally:
        cloud.stop()
