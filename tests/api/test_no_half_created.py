"""Nothing half-created: a create that fails after it has started writing leaves no row
behind (identity, image and volume).

Each case lists what the create would touch, makes it fail late — on the second item of a
batch, on a reference checked after the first insert, on a quota that runs out part-way —
and lists again: the same rows, and (block storage) the same quota usage.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.server import ADMIN_PASSWORD, Server

CINDER = {"OpenStack-API-Version": "volume 3.71"}
GLANCE = {"Accept": "application/json"}


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _ok(r: httpx.Response) -> Any:
    assert r.status_code < 300, f"{r.request.method} {r.request.url}: {r.status_code} {r.text}"
    return r.json() if r.content else None


@pytest.fixture(scope="module")
def admin(server: Server) -> Iterator[httpx.Client]:
    with server.http(server.token()) as client:
        yield client


@pytest.fixture(scope="module")
def tenant(server: Server, admin: httpx.Client) -> dict[str, Any]:
    """A project of its own (its quotas are the tests' to set) and a member token on it."""
    project = _ok(admin.post("/v3/projects", json={"project": {"name": _name("half")}}))["project"]
    user = _ok(admin.post("/v3/users", json={"user": {"name": _name("half"), "password": ADMIN_PASSWORD}}))["user"]
    member = _ok(admin.get("/v3/roles", params={"name": "member"}))["roles"][0]
    _ok(admin.put(f"/v3/projects/{project['id']}/users/{user['id']}/roles/{member['id']}"))
    token = server.token(user["name"], project["name"])
    return {"project": project, "user": user, "token": token, "http": server.http(token)}


def _project_of(client: httpx.Client) -> str:
    r = client.get("/v3/auth/tokens", headers={"X-Subject-Token": client.headers["X-Auth-Token"]})
    return str(_ok(r)["token"]["project"]["id"])


# -- identity ----------------------------------------------------------------------------------


def _ids(client: httpx.Client, path: str, key: str, **params: str) -> set[str]:
    return {row["id"] for row in _ok(client.get(path, params=params))[key]}


def test_registered_limits_batch_is_all_or_nothing(admin: httpx.Client) -> None:
    service = _ok(admin.post("/v3/services", json={"service": {"type": _name("svc"), "name": "half"}}))["service"]
    before = _ids(admin, "/v3/registered_limits", "registered_limits", service_id=service["id"])
    good = {"service_id": service["id"], "resource_name": "cores", "default_limit": 5}
    for bad in (
        {**good},  # the same limit twice
        {**good, "resource_name": "ram", "region_id": "no-such-region"},
        {**good, "resource_name": "disk", "service_id": uuid.uuid4().hex},
    ):
        r = admin.post("/v3/registered_limits", json={"registered_limits": [good, bad]})
        assert 400 <= r.status_code < 500, r.text
        assert _ids(admin, "/v3/registered_limits", "registered_limits", service_id=service["id"]) == before


def test_limits_batch_is_all_or_nothing(admin: httpx.Client, tenant: dict[str, Any]) -> None:
    service = _ok(admin.post("/v3/services", json={"service": {"type": _name("svc"), "name": "half"}}))["service"]
    registered = {"service_id": service["id"], "resource_name": "cores", "default_limit": 5}
    _ok(admin.post("/v3/registered_limits", json={"registered_limits": [registered]}))
    project = tenant["project"]["id"]
    before = _ids(admin, "/v3/limits", "limits", service_id=service["id"])
    good = {"service_id": service["id"], "project_id": project, "resource_name": "cores", "resource_limit": 3}
    for bad in (
        {**good, "resource_name": "not-registered"},
        {**good},  # the same limit twice
        {**good, "project_id": uuid.uuid4().hex},
    ):
        r = admin.post("/v3/limits", json={"limits": [good, bad]})
        assert 400 <= r.status_code < 500, r.text
        assert _ids(admin, "/v3/limits", "limits", service_id=service["id"]) == before


def test_application_credential_with_a_bad_access_rule_leaves_no_rule(tenant: dict[str, Any]) -> None:
    user = tenant["user"]["id"]
    client: httpx.Client = tenant["http"]
    creds = f"/v3/users/{user}/application_credentials"
    rules_before = _ids(client, f"/v3/users/{user}/access_rules", "access_rules")
    creds_before = _ids(client, creds, "application_credentials")
    new_rule = {"service": "compute", "method": "GET", "path": f"/v2.1/{_name('servers')}"}
    body = {"application_credential": {"name": _name("cred"), "access_rules": [new_rule, {"id": uuid.uuid4().hex}]}}
    r = client.post(creds, json=body)
    assert r.status_code == 404, r.text
    assert _ids(client, creds, "application_credentials") == creds_before
    assert _ids(client, f"/v3/users/{user}/access_rules", "access_rules") == rules_before


def test_trust_with_a_role_the_trustor_lacks_is_not_stored(admin: httpx.Client, tenant: dict[str, Any]) -> None:
    me = _ok(admin.get("/v3/auth/tokens", headers={"X-Subject-Token": admin.headers["X-Auth-Token"]}))["token"]
    before = _ids(admin, "/v3/OS-TRUST/trusts", "trusts", trustor_user_id=me["user"]["id"])
    extra = _ok(admin.post("/v3/roles", json={"role": {"name": _name("role")}}))["role"]
    trust = {
        "trustor_user_id": me["user"]["id"],
        "trustee_user_id": tenant["user"]["id"],
        "project_id": me["project"]["id"],
        "impersonation": False,
        "roles": [{"name": "member"}, {"id": extra["id"]}],
    }
    r = admin.post("/v3/OS-TRUST/trusts", json={"trust": trust})
    assert r.status_code == 404, r.text
    assert _ids(admin, "/v3/OS-TRUST/trusts", "trusts", trustor_user_id=me["user"]["id"]) == before


# -- image -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [
        {"objects": [{"name": "o"}, {"name": "o"}]},
        {"tags": [{"name": "t"}, {"name": "t"}]},
        {"objects": [{"name": "o"}], "tags": [{"name": "t"}, {"name": "t"}]},
    ],
)
def test_metadef_namespace_with_a_bad_child_is_not_created(admin: httpx.Client, extra: dict[str, Any]) -> None:
    name = _name("ns")
    r = admin.post("/image/v2/metadefs/namespaces", json={"namespace": name, **extra}, headers=GLANCE)
    assert r.status_code == 409, r.text
    assert admin.get(f"/image/v2/metadefs/namespaces/{name}", headers=GLANCE).status_code == 404
    listed = _ok(admin.get("/image/v2/metadefs/namespaces", headers=GLANCE))["namespaces"]
    assert name not in {n["namespace"] for n in listed}


def _image_files(server: Server) -> set[str]:
    root = server.data_dir / "images"
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_refused_upload_leaves_the_image_queued_and_no_data(server: Server, admin: httpx.Client) -> None:
    image = _ok(
        admin.post(
            "/image/v2/images",
            json={"name": _name("img"), "disk_format": "qcow2", "container_format": "bare"},
            headers=GLANCE,
        )
    )
    files = _image_files(server)
    headers = {**GLANCE, "Content-Type": "application/octet-stream"}
    r = admin.put(f"/image/v2/images/{image['id']}/file", content=b"not a qcow2 image" * 100, headers=headers)
    assert r.status_code == 415, r.text  # Glance: the data isn't what disk_format says
    shown = _ok(admin.get(f"/image/v2/images/{image['id']}", headers=GLANCE))
    assert (shown["status"], shown["size"], shown["checksum"]) == ("queued", None, None)
    assert _image_files(server) == files


# -- volume ------------------------------------------------------------------------------------


def _cinder(client: httpx.Client, method: str, path: str, body: Any = None, version: str = "3.71") -> httpx.Response:
    project = _project_of(client)
    headers = {"OpenStack-API-Version": f"volume {version}"}
    return client.request(method, f"/volume/v3/{project}{path}", json=body, headers=headers)


def _wait(client: httpx.Client, path: str, key: str, status: str = "available") -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        row = _ok(_cinder(client, "GET", path))[key]
        if row["status"] == status:
            return dict(row)
        assert time.monotonic() < deadline and row["status"] != "error", row
        time.sleep(0.05)


def _usage(admin: httpx.Client, project_id: str) -> dict[str, Any]:
    r = _cinder(admin, "GET", f"/os-quota-sets/{project_id}?usage=True")
    return {k: (v["in_use"], v["reserved"]) for k, v in _ok(r)["quota_set"].items() if isinstance(v, dict)}


def _volume_ids(client: httpx.Client) -> set[str]:
    return {v["id"] for v in _ok(_cinder(client, "GET", "/volumes"))["volumes"]}


def _set_quota(admin: httpx.Client, project_id: str, **values: int) -> None:
    _ok(_cinder(admin, "PUT", f"/os-quota-sets/{project_id}", {"quota_set": values}))


@pytest.fixture(scope="module")
def group_types(admin: httpx.Client) -> tuple[str, str]:
    vtype = _ok(_cinder(admin, "POST", "/types", {"volume_type": {"name": _name("half-type")}}))["volume_type"]
    gtype = _ok(_cinder(admin, "POST", "/group_types", {"group_type": {"name": _name("half-gtype")}}))["group_type"]
    return gtype["id"], vtype["id"]


def test_group_from_source_running_out_of_volumes_leaves_nothing(
    admin: httpx.Client, tenant: dict[str, Any], group_types: tuple[str, str]
) -> None:
    client: httpx.Client = tenant["http"]
    project = tenant["project"]["id"]
    gtype, vtype = group_types
    _set_quota(admin, project, volumes=50, groups=10, gigabytes=500)
    body: dict[str, Any] = {"group": {"name": _name("src"), "group_type": gtype, "volume_types": [vtype]}}
    group = _ok(_cinder(client, "POST", "/groups", body))["group"]
    _wait(client, f"/groups/{group['id']}", "group")
    for _ in range(2):
        body = {"volume": {"size": 1, "volume_type": vtype, "group_id": group["id"], "name": _name("member")}}
        made = _ok(_cinder(client, "POST", "/volumes", body))["volume"]
        _wait(client, f"/volumes/{made['id']}", "volume")
    in_use = _usage(admin, project)["volumes"][0]
    _set_quota(admin, project, volumes=in_use + 1)  # room for one copy of the two
    groups_before = {g["id"] for g in _ok(_cinder(client, "GET", "/groups"))["groups"]}
    volumes_before, usage_before = _volume_ids(client), _usage(admin, project)
    r = _cinder(client, "POST", "/groups/action", {"create-from-src": {"source_group_id": group["id"]}})
    assert r.status_code == 413, r.text
    assert {g["id"] for g in _ok(_cinder(client, "GET", "/groups"))["groups"]} == groups_before
    assert _volume_ids(client) == volumes_before
    assert _usage(admin, project) == usage_before


def test_volume_over_its_gigabytes_leaves_no_row_and_no_reservation(
    admin: httpx.Client, tenant: dict[str, Any]
) -> None:
    client: httpx.Client = tenant["http"]
    project = tenant["project"]["id"]
    _set_quota(admin, project, volumes=50, gigabytes=_usage(admin, project)["gigabytes"][0] + 1)
    volumes_before, usage_before = _volume_ids(client), _usage(admin, project)
    for body in (
        {"volume": {"size": 2, "name": _name("big")}},
        {"volume": {"size": 1, "metadata": {"k" * 256: "v"}}},
        {"volume": {"size": 1, "volume_type": uuid.uuid4().hex}},
        {"volume": {"size": 1, "snapshot_id": str(uuid.uuid4())}},
    ):
        r = _cinder(client, "POST", "/volumes", body)
        assert 400 <= r.status_code < 500, r.text
        assert _volume_ids(client) == volumes_before
        assert _usage(admin, project) == usage_before


def test_transfer_accepted_over_quota_changes_nothing(server: Server, admin: httpx.Client) -> None:
    giver = admin
    name = _name("taker")
    project = _ok(admin.post("/v3/projects", json={"project": {"name": name}}))["project"]
    user = _ok(admin.post("/v3/users", json={"user": {"name": name, "password": ADMIN_PASSWORD}}))["user"]
    member = _ok(admin.get("/v3/roles", params={"name": "member"}))["roles"][0]
    _ok(admin.put(f"/v3/projects/{project['id']}/users/{user['id']}/roles/{member['id']}"))
    _set_quota(admin, project["id"], volumes=0)
    taker = server.http(server.token(name, name))
    volume = _ok(_cinder(giver, "POST", "/volumes", {"volume": {"size": 1, "name": _name("given")}}))["volume"]
    _wait(giver, f"/volumes/{volume['id']}", "volume")
    transfer = _ok(_cinder(giver, "POST", "/volume-transfers", {"transfer": {"volume_id": volume["id"]}}))["transfer"]
    usage_before = _usage(admin, project["id"])
    accept = {"accept": {"auth_key": transfer["auth_key"]}}
    r = _cinder(taker, "POST", f"/volume-transfers/{transfer['id']}/accept", accept)
    assert r.status_code == 413, r.text
    shown = _ok(_cinder(giver, "GET", f"/volumes/{volume['id']}"))["volume"]
    assert shown["status"] == "awaiting-transfer"
    assert _ok(_cinder(giver, "GET", f"/volume-transfers/{transfer['id']}"))["transfer"]["id"] == transfer["id"]
    assert _volume_ids(taker) == set()
    assert _usage(admin, project["id"]) == usage_before
    _ok(_cinder(giver, "DELETE", f"/volume-transfers/{transfer['id']}"))
    _ok(_cinder(giver, "DELETE", f"/volumes/{volume['id']}"))
