"""Block storage policy per persona: admin, member, reader, another project's member, no token.

Expected statuses follow Cinder's current default policies (``role:admin`` anywhere may
do anything; a project's readers may look and its members may change) and Cinder's
hiding of other projects' resources (404 where its ``get`` is project-scoped).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.api.volume.util import Cinder, project_id
from tests.server import ADMIN_PASSWORD, Server

PERSONAS = ("admin", "member", "reader", "other", "anon")


@dataclass
class World:
    server: Server
    clients: dict[str, Cinder]
    demo_project: str  # the project that owns what is under test

    @property
    def owner(self) -> Cinder:
        return self.clients["member"]

    def volume(self) -> str:
        return str(self.owner.available_volume()["id"])


@pytest.fixture(scope="module")
def world(server: Server) -> World:
    """A project of its own (no quota) with a member and a reader; alt_demo is the other project."""
    admin_token = server.token("admin", "admin")
    tag = uuid.uuid4().hex[:6]
    names = {"member": f"vol-member-{tag}", "reader": f"vol-reader-{tag}"}
    with server.http(admin_token) as c:
        roles = {r["name"]: r["id"] for r in c.get("/v3/roles").json()["roles"]}
        project = c.post("/v3/projects", json={"project": {"name": f"vol-personas-{tag}", "domain_id": "default"}})
        owned = project.json()["project"]["id"]
        for role, name in names.items():
            user = c.post(
                "/v3/users", json={"user": {"name": name, "password": ADMIN_PASSWORD, "domain_id": "default"}}
            ).json()["user"]
            c.put(f"/v3/projects/{owned}/users/{user['id']}/roles/{roles[role]}")
    admin = Cinder(server, admin_token, project_id(server, "admin"))
    unlimited = {"volumes": -1, "gigabytes": -1, "snapshots": -1, "backups": -1, "backup_gigabytes": -1, "groups": -1}
    assert admin.put(f"/os-quota-sets/{owned}", {"quota_set": unlimited}).status_code == 200
    name = f"vol-personas-{tag}"
    clients = {
        "admin": admin,
        "member": Cinder(server, server.token(names["member"], name), owned),
        "reader": Cinder(server, server.token(names["reader"], name), owned),
        "other": Cinder(server, server.token("alt_demo", "alt_demo"), project_id(server, "alt_demo")),
        "anon": Cinder(server, None, owned),
    }
    return World(server, clients, owned)


Call = Callable[[World, Cinder], httpx.Response]


def _on_volume(method: str, suffix: str = "", body: Any = None) -> Call:
    def call(w: World, c: Cinder) -> httpx.Response:
        vid = w.volume()
        return c.request(method, f"/volumes/{vid}{suffix}", json=body)

    return call


def _action(body: dict[str, Any]) -> Call:
    return _on_volume("POST", "/action", body)


def _plain(method: str, path: str, body: Any = None) -> Call:
    def call(w: World, c: Cinder) -> httpx.Response:
        return c.request(method, path.format(demo=w.demo_project), json=body)

    return call


def _on_snapshot(method: str) -> Call:
    def call(w: World, c: Cinder) -> httpx.Response:
        vid = w.volume()
        sid = w.owner.post("/snapshots", {"snapshot": {"volume_id": vid}}).json()["snapshot"]["id"]
        w.owner.wait("snapshot", sid, "available")
        return c.request(method, f"/snapshots/{sid}", json={"snapshot": {"name": "x"}} if method == "PUT" else None)

    return call


def _create_on_demo_volume(path: str, key: str, extra: dict[str, Any] | None = None) -> Call:
    def call(w: World, c: Cinder) -> httpx.Response:
        vid = w.volume()
        field = "volume_uuid" if key == "attachment" else "volume_id"
        return c.post(path, {key: {field: vid, **(extra or {})}})

    return call


def _group_type(w: World) -> str:
    cached = getattr(w, "_group_type", None)
    if cached is None:
        body = {"group_type": {"name": f"p-gt-{uuid.uuid4().hex[:6]}"}}
        cached = w.clients["admin"].post("/group_types", body).json()["group_type"]["id"]
        w._group_type = cached  # type: ignore[attr-defined]
    return str(cached)


def _group(w: World) -> str:
    body = {"group": {"group_type": _group_type(w), "volume_types": ["lvmdriver-1"]}}
    gid = str(w.owner.post("/groups", body).json()["group"]["id"])
    w.owner.wait("group", gid, "available")
    return gid


def _on_group(method: str, suffix: str = "", body: Any = None) -> Call:
    def call(w: World, c: Cinder) -> httpx.Response:
        return c.request(method, f"/groups/{_group(w)}{suffix}", json=body)

    return call


def _create_group(w: World, c: Cinder) -> httpx.Response:
    return c.post("/groups", {"group": {"group_type": _group_type(w), "volume_types": ["lvmdriver-1"]}})


def _create_group_snapshot(w: World, c: Cinder) -> httpx.Response:
    return c.post("/group_snapshots", {"group_snapshot": {"group_id": _group(w)}})


# persona -> expected status, in PERSONAS order
CASES: dict[str, tuple[Call, tuple[int, int, int, int, int]]] = {
    "list volumes": (_plain("GET", "/volumes/detail"), (200, 200, 200, 200, 401)),
    "show volume": (_on_volume("GET"), (200, 200, 200, 404, 401)),
    "create volume": (_plain("POST", "/volumes", {"volume": {"size": 1}}), (202, 202, 403, 202, 401)),
    "update volume": (_on_volume("PUT", "", {"volume": {"name": "renamed"}}), (200, 200, 403, 404, 401)),
    "delete volume": (_on_volume("DELETE"), (202, 202, 403, 404, 401)),
    "extend": (_action({"os-extend": {"new_size": 2}}), (202, 202, 403, 404, 401)),
    "set bootable": (_action({"os-set_bootable": {"bootable": True}}), (200, 200, 403, 404, 401)),
    "reset status": (_action({"os-reset_status": {"status": "error"}}), (202, 403, 403, 404, 401)),
    "force delete": (_action({"os-force_delete": {}}), (202, 403, 403, 404, 401)),
    "volume metadata": (_on_volume("GET", "/metadata"), (200, 200, 200, 404, 401)),
    "set metadata": (_on_volume("POST", "/metadata", {"metadata": {"a": "b"}}), (200, 200, 403, 404, 401)),
    "show snapshot": (_on_snapshot("GET"), (200, 200, 200, 404, 401)),
    "update snapshot": (_on_snapshot("PUT"), (200, 200, 403, 404, 401)),
    "create snapshot": (_create_on_demo_volume("/snapshots", "snapshot"), (202, 202, 403, 404, 401)),
    "create backup": (_create_on_demo_volume("/backups", "backup"), (202, 202, 403, 404, 401)),
    "create attachment": (_create_on_demo_volume("/attachments", "attachment"), (200, 200, 403, 404, 401)),
    "list types": (_plain("GET", "/types"), (200, 200, 200, 200, 401)),
    "create type": (
        _plain("POST", "/types", {"volume_type": {"name": f"p-{uuid.uuid4().hex[:6]}"}}),
        (200, 403, 403, 403, 401),
    ),
    "list qos": (_plain("GET", "/qos-specs"), (200, 403, 403, 403, 401)),
    "show quota": (_plain("GET", "/os-quota-sets/{demo}"), (200, 200, 200, 403, 401)),
    "update quota": (
        _plain("PUT", "/os-quota-sets/{demo}", {"quota_set": {"volumes": -1}}),
        (200, 403, 403, 403, 401),
    ),
    "limits": (_plain("GET", "/limits"), (200, 200, 200, 200, 401)),
    "services": (_plain("GET", "/os-services"), (200, 403, 403, 403, 401)),
    "pools": (_plain("GET", "/scheduler-stats/get_pools"), (200, 403, 403, 403, 401)),
    "zones": (_plain("GET", "/os-availability-zone"), (200, 200, 200, 200, 401)),
    "list group types": (_plain("GET", "/group_types"), (200, 200, 200, 200, 401)),
    "create group type": (
        _plain("POST", "/group_types", {"group_type": {"name": f"p-{uuid.uuid4().hex[:6]}"}}),
        (202, 403, 403, 403, 401),
    ),
    "list groups": (_plain("GET", "/groups/detail"), (200, 200, 200, 200, 401)),
    "show group": (_on_group("GET"), (200, 200, 200, 404, 401)),
    "create group": (_create_group, (202, 202, 403, 202, 401)),
    "update group": (_on_group("PUT", "", {"group": {"name": "renamed"}}), (202, 202, 403, 404, 401)),
    "delete group": (_on_group("POST", "/action", {"delete": {}}), (202, 202, 403, 404, 401)),
    "reset group status": (
        _on_group("POST", "/action", {"reset_status": {"status": "error"}}),
        (202, 403, 403, 404, 401),
    ),
    "create group snapshot": (_create_group_snapshot, (202, 202, 403, 404, 401)),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_persona(world: World, case: str, persona: str) -> None:
    call, expected = CASES[case]
    client = world.clients[persona]
    r = call(world, client)
    want = expected[PERSONAS.index(persona)]
    assert r.status_code == want, f"{case} as {persona}: {r.status_code} {r.text[:300]}"
    if want == 403:
        fault = r.json()["forbidden"]
        assert fault["code"] == 403 and fault["message"].startswith("Policy doesn't allow ")
    if want == 404:
        assert set(r.json()) == {"itemNotFound"}


def test_other_project_never_sees_demo_volumes(world: World) -> None:
    vid = world.volume()
    listed = world.clients["other"].get("/volumes/detail?all_tenants=1").json()["volumes"]
    assert vid not in [v["id"] for v in listed]
    assert world.clients["other"].get(f"/volumes/{vid}").status_code == 404
