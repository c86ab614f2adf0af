"""The 500s tests/api/test_no_500.py found, each pinned to the 4xx (or success) it is now."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.server import Server


@pytest.fixture(scope="module")
def admin(server: Server) -> httpx.Client:
    return server.http(server.token())


def _project_id(admin: httpx.Client) -> str:
    r = admin.get("/v3/auth/tokens", headers={"X-Subject-Token": admin.headers["X-Auth-Token"]})
    return str(r.json()["token"]["project"]["id"])


@pytest.mark.parametrize("path", ["/v3/regions", "/v3/groups", "/v3/roles", "/v3/services", "/v3/policies"])
def test_identity_filters_on_attributes_an_entity_lacks_are_ignored(admin: httpx.Client, path: str) -> None:
    r = admin.get(path, params={"enabled": "maybe", "parent_region_id__icontains": "x", "type__startswith": ""})
    assert r.status_code == 200, r.text


def test_unicode_and_nul_in_a_location_header_are_percent_encoded(admin: httpx.Client) -> None:
    project = admin.post("/v3/projects", json={"project": {"name": f"tags-{uuid.uuid4().hex[:8]}"}}).json()
    r = admin.put(f"/v3/projects/{project['project']['id']}/tags/%E2%80%AEevil-%C3%BC")
    assert r.status_code == 201, r.text
    assert r.headers["Location"].endswith("/tags/%E2%80%AEevil-%C3%BC")
    r = admin.put(f"/v3/projects/{project['project']['id']}/tags/x%00y")
    assert r.status_code < 500, r.text


def _cinder(admin: httpx.Client, method: str, path: str, body: object) -> httpx.Response:
    headers = {"OpenStack-API-Version": "volume 3.71"}
    return admin.request(method, f"/volume/v3/{_project_id(admin)}{path}", json=body, headers=headers)


@pytest.mark.parametrize("key_size", ["abc", "\u0000", "1.5", "010", True])
def test_volume_encryption_key_size_must_be_int_like(admin: httpx.Client, key_size: object) -> None:
    vtype = _cinder(admin, "POST", "/types", {"volume_type": {"name": f"enc-{uuid.uuid4().hex[:8]}"}})
    type_id = vtype.json()["volume_type"]["id"]
    spec = {"provider": "luks", "control_location": "front-end", "key_size": key_size}
    r = _cinder(admin, "POST", f"/types/{type_id}/encryption", {"encryption": spec})
    assert r.status_code == 400, r.text
    assert set(r.json()) == {"badRequest"}
    if key_size is not True:  # a boolean fails the type check first
        assert r.json()["badRequest"]["message"] == "Invalid input received: key_size must be an integer."
    ok = _cinder(admin, "POST", f"/types/{type_id}/encryption", {"encryption": {**spec, "key_size": "256"}})
    assert ok.status_code == 200, ok.text
    assert ok.json()["encryption"]["key_size"] == 256
    r = _cinder(admin, "PUT", f"/types/{type_id}/encryption/{type_id}", {"encryption": {"key_size": "x"}})
    assert r.status_code == 400, r.text


@pytest.mark.parametrize("body", [{}, {"bogus": 1}, {"default_type": {}}])
def test_volume_default_type_body_without_default_type_is_400(admin: httpx.Client, body: object) -> None:
    r = _cinder(admin, "PUT", f"/default-types/{_project_id(admin)}", body)
    assert r.status_code == 400, r.text
    assert set(r.json()) == {"badRequest"}


@pytest.mark.parametrize(
    "query",
    [
        "availability_zone=99999999999999999999",
        "size=99999999999999999999",
        "size=[1,99999999999999999999]",
        "metadata={'k':-99999999999999999999}",
    ],
)
def test_volume_filters_past_64_bits_match_nothing(admin: httpx.Client, query: str) -> None:
    headers = {"OpenStack-API-Version": "volume 3.71"}
    r = admin.get(f"/volume/v3/{_project_id(admin)}/volumes?{query}", headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["volumes"] == []


@pytest.mark.parametrize(
    "query",
    ["size_min=99999999999999999999", "size_max=-99999999999999999999", "min_ram_min=99999999999999999999"],
)
def test_image_range_filters_past_64_bits_match_nothing(admin: httpx.Client, query: str) -> None:
    r = admin.get(f"/image/v2/images?{query}", headers={"Accept": "application/json"})
    assert r.status_code == 200, r.text
    assert r.json()["images"] == []


def test_image_range_filters_past_64_bits_the_other_way_match_everything(admin: httpx.Client) -> None:
    every = admin.get("/image/v2/images", headers={"Accept": "application/json"}).json()["images"]
    r = admin.get("/image/v2/images?size_max=99999999999999999999", headers={"Accept": "application/json"})
    assert r.status_code == 200, r.text
    assert [i["id"] for i in r.json()["images"]] == [i["id"] for i in every if i["size"] is not None]


@pytest.mark.parametrize("children", ["tags"])
def test_image_metadef_children_sorted_by_an_unknown_key_is_400(admin: httpx.Client, children: str) -> None:
    name = f"sort-{uuid.uuid4().hex[:8]}"
    json = {"Accept": "application/json"}
    assert admin.post("/image/v2/metadefs/namespaces", json={"namespace": name}, headers=json).status_code == 201
    r = admin.get(f"/image/v2/metadefs/namespaces/{name}/{children}?sort_key=bogus&sort_dir=asc", headers=json)
    assert r.status_code == 400, r.text
    assert "Sort key supplied was not valid." in r.json()["message"]
    assert admin.get(f"/image/v2/metadefs/namespaces/{name}/{children}?sort_key=name", headers=json).status_code == 200
