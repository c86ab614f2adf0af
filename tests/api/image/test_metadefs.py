"""The metadata definitions catalog (``/v2/metadefs``): admin-managed namespaces that
others may read when public."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.image.util import Glance, name
from tests.server import Server


@pytest.fixture(scope="module")
def admin(server: Server) -> Glance:
    return Glance(server, server.token("admin", "admin"))


@pytest.fixture(scope="module")
def member(server: Server) -> Glance:
    return Glance(server, server.token("demo", "demo"))


def _msg(r: Any) -> str:
    return str(r.json()["message"])


def _ns(admin: Glance, **body: Any) -> dict[str, Any]:
    body.setdefault("namespace", name("OS::Test::NS"))
    r = admin.request("POST", "/v2/metadefs/namespaces", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_namespace_lifecycle(server: Server, admin: Glance, member: Glance) -> None:
    ns = _ns(
        admin,
        display_name="Test",
        description="d",
        visibility="public",
        resource_type_associations=[{"name": "OS::Glance::Image", "prefix": "hw_"}],
        properties={"cpu_policy": {"title": "CPU policy", "type": "string", "enum": ["shared", "dedicated"]}},
        objects=[{"name": "obj", "properties": {"a": {"title": "A", "type": "integer"}}}],
        tags=[{"name": "t1"}],
    )
    path = f"/v2/metadefs/namespaces/{ns['namespace']}"
    assert ns["self"] == path and ns["schema"] == "/v2/schemas/metadefs/namespace"
    assert ns["visibility"] == "public" and ns["protected"] is False
    shown = member.get(path).json()
    assert shown["properties"]["cpu_policy"]["enum"] == ["shared", "dedicated"]
    assert [o["name"] for o in shown["objects"]] == ["obj"]
    assert shown["tags"] == [{"name": "t1"}]
    assert shown["resource_type_associations"][0]["prefix"] == "hw_"
    prefixed = member.get(path, params={"resource_type": "OS::Glance::Image"}).json()
    assert list(prefixed["properties"]) == ["hw_cpu_policy"]
    r = member.get(f"{path}/properties/hw_cpu_policy", params={"resource_type": "OS::Glance::Image"})
    assert r.status_code == 200 and r.json()["name"] == "cpu_policy"
    listed = [
        n["namespace"] for n in member.get("/v2/metadefs/namespaces", params={"limit": 1000}).json()["namespaces"]
    ]
    assert ns["namespace"] in listed

    # only the admin changes the catalog
    assert member.request("DELETE", path).status_code == 403
    r = admin.request("PUT", path, json={"namespace": ns["namespace"], "display_name": "Renamed", "protected": True})
    assert r.status_code == 200 and r.json()["display_name"] == "Renamed" and r.json()["visibility"] == "private"
    # now private: hidden from other projects
    assert member.get(path).status_code == 404
    r = admin.request("DELETE", path)
    assert r.status_code == 403
    assert _msg(r).startswith(f"Metadata definition namespace {ns['namespace']} is protected and cannot be deleted.")
    admin.request("PUT", path, json={"namespace": ns["namespace"], "protected": False})
    assert admin.request("DELETE", path).status_code == 204
    r = admin.get(path)
    assert r.status_code == 404
    assert _msg(r).startswith(f"Metadata definition namespace={ns['namespace']} was not found.")


def test_objects_properties_tags(admin: Glance) -> None:
    ns = _ns(admin)
    base = f"/v2/metadefs/namespaces/{ns['namespace']}"
    obj = {"name": "o1", "description": "x", "required": ["p"], "properties": {"p": {"title": "P", "type": "string"}}}
    r = admin.request("POST", f"{base}/objects", json=obj)
    assert r.status_code == 201 and r.json()["self"] == f"{base}/objects/o1"
    assert admin.request("POST", f"{base}/objects", json=obj).status_code == 409
    r = admin.request("PUT", f"{base}/objects/o1", json={**obj, "description": "y"})
    assert r.status_code == 200 and r.json()["description"] == "y"
    assert [o["name"] for o in admin.get(f"{base}/objects").json()["objects"]] == ["o1"]

    prop = {"name": "speed", "title": "Speed", "type": "integer", "minimum": 1}
    r = admin.request("POST", f"{base}/properties", json=prop)
    assert r.status_code == 201 and r.json() == prop
    assert admin.get(f"{base}/properties").json() == {
        "properties": {"speed": {"title": "Speed", "type": "integer", "minimum": 1}}
    }
    r = admin.request("POST", f"{base}/properties", json={"name": "bad", "title": "B", "type": "nonsense"})
    assert r.status_code == 400 and _msg(r).startswith("Provided object does not match schema 'property'")
    r = admin.request("POST", f"{base}/properties", json={**prop, "created_at": "now"})
    assert r.status_code == 403 and _msg(r).startswith("Attribute 'created_at' is read-only.")

    assert admin.request("POST", f"{base}/tags/Alpha").status_code == 201
    r = admin.request("POST", f"{base}/tags/alpha")
    assert r.status_code == 409 and "case insensitive" in _msg(r)
    r = admin.request("POST", f"{base}/tags", json={"tags": [{"name": "b"}, {"name": "c"}]})
    assert r.status_code == 201
    assert sorted(t["name"] for t in admin.get(f"{base}/tags").json()["tags"]) == ["b", "c"]  # replaced
    r = admin.request("POST", f"{base}/tags", json={"tags": [{"name": "d"}]}, headers={"X-Openstack-Append": "True"})
    assert sorted(t["name"] for t in admin.get(f"{base}/tags").json()["tags"]) == ["b", "c", "d"]
    r = admin.request("PUT", f"{base}/tags/d", json={"name": "e"})
    assert r.status_code == 200 and r.json()["name"] == "e"
    assert admin.get(f"{base}/tags/d").status_code == 404

    for what in ("objects", "properties", "tags"):
        assert admin.request("DELETE", f"{base}/{what}").status_code == 204
    shown = admin.get(base).json()
    assert not ({"objects", "properties", "tags"} & set(shown))
    admin.request("DELETE", base)


def test_resource_types(admin: Glance, member: Glance) -> None:
    names = [r["name"] for r in member.get("/v2/metadefs/resource_types").json()["resource_types"]]
    assert {"OS::Glance::Image", "OS::Nova::Flavor", "OS::Cinder::Volume"} <= set(names)
    ns = _ns(admin)
    base = f"/v2/metadefs/namespaces/{ns['namespace']}/resource_types"
    r = admin.request("POST", base, json={"name": "OS::Nova::Server", "prefix": "x:"})
    assert r.status_code == 201 and r.json()["name"] == "OS::Nova::Server"
    assert admin.request("POST", base, json={"name": "OS::Nova::Server"}).status_code == 409
    assert [a["name"] for a in admin.get(base).json()["resource_type_associations"]] == ["OS::Nova::Server"]
    assert admin.request("DELETE", f"{base}/OS::Nova::Server").status_code == 204
    assert admin.request("DELETE", f"{base}/OS::Nova::Server").status_code == 404
    admin.request("DELETE", f"/v2/metadefs/namespaces/{ns['namespace']}")


def test_bad_input_and_visibility(admin: Glance, member: Glance) -> None:
    r = admin.request("POST", "/v2/metadefs/namespaces", json={"display_name": "no namespace"})
    assert r.status_code == 400 and _msg(r).startswith("Provided object does not match schema 'namespace'")
    r = admin.request("POST", "/v2/metadefs/namespaces", json={"namespace": "x", "self": "y"})
    assert r.status_code == 403
    ns = _ns(admin)
    r = admin.request("POST", "/v2/metadefs/namespaces", json={"namespace": ns["namespace"]})
    assert r.status_code == 409
    assert _msg(r).startswith(f"The metadata definition namespace={ns['namespace']} already exists.")
    assert member.request("POST", "/v2/metadefs/namespaces", json={"namespace": name()}).status_code == 403
    # a private namespace of another project is not found at all
    r = member.get(f"/v2/metadefs/namespaces/{ns['namespace']}/objects")
    assert r.status_code == 404 and _msg(r).startswith(f"Namespace {ns['namespace']} not found")
    assert member.get("/v2/metadefs/namespaces", params={"visibility": "nope"}).status_code == 400
    assert admin.get("/v2/metadefs/namespaces", params={"sort_dir": "sideways"}).status_code == 400
    admin.request("DELETE", f"/v2/metadefs/namespaces/{ns['namespace']}")


def test_namespace_pagination(admin: Glance) -> None:
    made = [_ns(admin, namespace=f"{name('page')}-{i}")["namespace"] for i in range(5)]
    seen: list[str] = []
    r = admin.get("/v2/metadefs/namespaces", params={"limit": 2, "sort_key": "created_at", "sort_dir": "asc"})
    while True:
        body = r.json()
        seen += [n["namespace"] for n in body["namespaces"] if n["namespace"] in made]
        if "next" not in body:
            break
        r = admin.get(body["next"])
    assert seen == made
    for ns in made:
        admin.request("DELETE", f"/v2/metadefs/namespaces/{ns}")


@pytest.mark.parametrize(
    "doc", ["namespace", "namespaces", "object", "objects", "property", "properties", "resource_type", "tag", "tags"]
)
def test_schema_documents(member: Glance, doc: str) -> None:
    r = member.get(f"/v2/schemas/metadefs/{doc}")
    assert r.status_code == 200
    assert r.json()["name"] in (doc, "resource_type_association")
