"""``/v2/images``: create, show, update (JSON patch) and delete, with Glance's errors."""

from __future__ import annotations

import uuid

import pytest

from tests.api.image.util import Glance, name
from tests.server import Server


@pytest.fixture(scope="module")
def member(server: Server) -> Glance:
    return Glance(server, server.token("demo", "demo"))


@pytest.fixture(scope="module")
def admin(server: Server) -> Glance:
    return Glance(server, server.token("admin", "admin"))


def _msg(r: object) -> str:
    return str(r.json()["message"])  # type: ignore[attr-defined]


def _none_named(g: Glance, image_name: str) -> bool:
    return g.list(name=image_name).json()["images"] == []


def test_create_defaults_and_headers(server: Server, member: Glance) -> None:
    image_name = name()
    r = member.request("POST", "/v2/images", json={"name": image_name, "hw_disk_bus": "scsi", "tags": ["a", "a"]})
    assert r.status_code == 201
    body = r.json()
    assert r.headers["location"] == f"{server.url}/image/v2/images/{body['id']}"
    assert r.headers["openstack-image-import-methods"] == "glance-direct,web-download"
    assert body["status"] == "queued"
    assert body["visibility"] == "shared"  # Glance's default
    assert body["protected"] is False and body["os_hidden"] is False
    assert body["size"] is None and body["checksum"] is None and body["os_hash_value"] is None
    assert body["hw_disk_bus"] == "scsi"
    assert body["tags"] == ["a"]
    assert body["self"] == f"/v2/images/{body['id']}"
    assert body["file"] == f"/v2/images/{body['id']}/file"
    assert body["schema"] == "/v2/schemas/image"
    assert body["created_at"].endswith("Z")
    assert member.show(body["id"]) == body


def test_create_with_id_and_duplicate(member: Glance) -> None:
    image_id = str(uuid.uuid4())
    assert member.create(id=image_id)["id"] == image_id
    r = member.request("POST", "/v2/images", json={"id": image_id})
    assert r.status_code == 409
    assert _msg(r).startswith(f"Image ID {image_id} already exists!")
    assert member.delete(image_id).status_code == 204
    # a deleted image's id is not reused
    assert member.request("POST", "/v2/images", json={"id": image_id}).status_code == 409


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"disk_format": "bogus"}, 400, "Provided object does not match schema 'image'"),
        ({"container_format": "bogus"}, 400, "Provided object does not match schema 'image'"),
        ({"visibility": "everyone"}, 400, "Provided object does not match schema 'image'"),
        ({"min_ram": "a lot"}, 400, "Provided object does not match schema 'image'"),
        ({"protected": "yes"}, 400, "Provided object does not match schema 'image'"),
        ({"custom": 5}, 400, "Provided object does not match schema 'image'"),
        ({"kernel_id": "not-a-uuid"}, 400, "Provided object does not match schema 'image'"),
        ({"name": "x" * 256}, 400, "Provided object does not match schema 'image'"),
        ({"id": "nope"}, 400, "Provided object does not match schema 'image'"),
        ({"tags": ["x" * 256]}, 400, "Provided object does not match schema 'image'"),
        ({"min_disk": -1}, 400, "Invalid value '-1' for parameter 'min_disk': Cannot be a negative value"),
        ({"min_ram": 2**31}, 400, "'min_ram' value out of range, must not exceed 2147483647."),
        ({"k" * 256: "v"}, 400, "Custom property should not be greater than 255 characters."),
        ({"status": "active"}, 403, "Attribute 'status' is read-only."),
        ({"size": 5}, 403, "Attribute 'size' is read-only."),
        ({"self": "x"}, 403, "Attribute 'self' is read-only."),
        ({"locations": []}, 403, "Attribute 'locations' is reserved."),
        ({"deleted": "x"}, 403, "Attribute 'deleted' is reserved."),
        ({"os_glance_foo": "x"}, 403, "Attribute 'os_glance_foo' is reserved."),
        ({"owner": "someone-else"}, 403, "You are not permitted to create images owned by 'someone-else'"),
        ({"visibility": "public"}, 403, "You are not authorized to complete publicize_image action."),
    ],
)
def test_create_bad_input(member: Glance, body: dict[str, object], status: int, message: str) -> None:
    image_name = name("bad")
    r = member.request("POST", "/v2/images", json={"name": image_name, **body} if "name" not in body else body)
    assert r.status_code == status, r.text
    assert _msg(r).startswith(message)
    assert _none_named(member, image_name)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "Malformed JSON in request body."),
        (b"5", "Unexpected body type. Expected list/dict."),
        (b"", "Body expected in request."),
        (b"[]", "Provided object does not match schema 'image'"),
    ],
)
def test_create_bad_bodies(member: Glance, raw: bytes, message: str) -> None:
    r = member.request("POST", "/v2/images", content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert _msg(r).startswith(message)


def test_too_many_tags_or_properties(member: Glance) -> None:
    r = member.request("POST", "/v2/images", json={"tags": [f"t{i}" for i in range(129)]})
    assert r.status_code == 413
    assert "Attempted: 129, Maximum: 128" in _msg(r)
    r = member.request("POST", "/v2/images", json={f"p{i}": "v" for i in range(129)})
    assert r.status_code == 413
    assert "allowed image properties. Attempted: 129, Maximum: 128" in _msg(r)


def test_admin_creates_for_another_project_and_community(admin: Glance, member: Glance) -> None:
    me = member.create()
    demo = me["owner"]
    theirs = admin.create(owner=demo, visibility="community")
    assert theirs["owner"] == demo
    # the owner may change it; another project's community image is not listed by default
    assert member.patch(theirs["id"], [{"op": "replace", "path": "/name", "value": "mine"}]).status_code == 200
    assert admin.delete(theirs["id"]).status_code == 204


# -- PATCH ------------------------------------------------------------------------------


def test_patch_add_replace_remove(member: Glance) -> None:
    image = member.create(foo="1")
    ops = [
        {"op": "replace", "path": "/name", "value": "renamed"},
        {"op": "add", "path": "/bar", "value": "2"},
        {"op": "replace", "path": "/foo", "value": "3"},
        {"op": "add", "path": "/min_ram", "value": 256},
        {"op": "replace", "path": "/tags", "value": ["x", "y"]},
        {"op": "replace", "path": "/protected", "value": True},
        {"op": "replace", "path": "/os_hidden", "value": True},
        {"op": "replace", "path": "/visibility", "value": "private"},
        {"op": "replace", "path": "/disk_format", "value": "qcow2"},
    ]
    r = member.patch(image["id"], ops)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["name"], body["foo"], body["bar"], body["min_ram"]) == ("renamed", "3", "2", 256)
    assert sorted(body["tags"]) == ["x", "y"]
    assert body["protected"] is True and body["os_hidden"] is True and body["visibility"] == "private"
    assert body["updated_at"] >= image["updated_at"]
    r = member.patch(
        image["id"], [{"op": "remove", "path": "/foo"}, {"op": "replace", "path": "/protected", "value": False}]
    )
    assert "foo" not in r.json()
    # the v2.0 (draft 4) patch format
    r = member.patch(
        image["id"], [{"replace": "/name", "value": "d4"}], media="application/openstack-images-v2.0-json-patch"
    )
    assert r.status_code == 200 and r.json()["name"] == "d4"
    r = member.patch(image["id"], [{"add": "/bar", "value": "z"}], media="application/openstack-images-v2.0-json-patch")
    assert r.status_code == 409 and _msg(r).startswith("Property bar already present.")
    assert member.delete(image["id"]).status_code == 204


def test_patch_needs_the_patch_media_type(member: Glance) -> None:
    image = member.create()
    r = member.patch(image["id"], [{"op": "replace", "path": "/name", "value": "x"}], media="application/json")
    assert r.status_code == 415
    assert r.headers["accept-patch"] == (
        "application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch"
    )
    assert _msg(r).startswith("The request media type application/json is not supported by this server.")
    assert member.show(image["id"])["name"] == image["name"]


@pytest.mark.parametrize(
    ("ops", "status", "message"),
    [
        ([{"op": "replace", "path": "/name"}], 400, 'Operation "replace" requires a member named "value".'),
        ([{"op": "move", "path": "/name", "value": "x"}], 400, "Invalid operation: `move`."),
        ([{"path": "/name", "value": "x"}], 400, "Unable to find `op` in JSON Schema change."),
        ([{"op": "add", "value": "x"}], 400, "Unable to find 'path' in JSON Schema change"),
        ([{"op": "add", "path": "name", "value": "x"}], 400, 'Pointer `name` does not start with "/".'),
        ([{"op": "add", "path": "/a/b", "value": "x"}], 400, "Invalid JSON pointer for this resource: '/a/b'"),
        ([{"op": "add", "path": "/a~2", "value": "x"}], 400, 'Pointer `/a~2` contains "~" not part of'),
        (["replace"], 400, "Operations must be JSON objects."),
        ({"op": "add"}, 400, "Request body must be a JSON array of operation objects."),
        ([{"op": "replace", "path": "/status", "value": "active"}], 403, "Attribute 'status' is read-only."),
        ([{"op": "replace", "path": "/id", "value": "x"}], 403, "Attribute 'id' is read-only."),
        ([{"op": "add", "path": "/deleted", "value": "x"}], 403, "Attribute 'deleted' is reserved."),
        ([{"op": "add", "path": "/os_glance_x", "value": "x"}], 403, "Attribute 'os_glance_x' is reserved."),
        ([{"op": "add", "path": "/custom", "value": 5}], 400, "Provided object does not match schema 'image'"),
        ([{"op": "replace", "path": "/visibility", "value": "x"}], 400, "Provided object does not match schema"),
        ([{"op": "replace", "path": "/min_disk", "value": -5}], 400, "Invalid value '-5' for parameter 'min_disk'"),
        ([{"op": "replace", "path": "/nope", "value": "x"}], 409, "Property nope does not exist."),
        ([{"op": "remove", "path": "/nope"}], 409, "Property nope does not exist."),
        ([{"op": "remove", "path": "/name"}], 403, "Property name may not be removed."),
        ([{"op": "replace", "path": "/owner", "value": "x"}], 403, "Owner can't be updated by non admin."),
        ([{"op": "replace", "path": "/visibility", "value": "public"}], 403, "You are not authorized to complete"),
        ([{"op": "replace", "path": "/locations", "value": []}], 403, "Cannot set locations to empty list."),
        (
            [{"op": "replace", "path": "/locations", "value": [{"url": "http://x", "metadata": {}}]}],
            403,
            "It's not allowed to update locations if locations are invisible.",
        ),
    ],
)
def test_patch_bad_input(member: Glance, ops: object, status: int, message: str) -> None:
    image = member.create(keep="1")
    r = member.patch(image["id"], ops)  # type: ignore[arg-type]
    assert r.status_code == status, r.text
    assert _msg(r).startswith(message), _msg(r)
    after = member.show(image["id"])
    assert after == image  # nothing applied, not even partly
    member.delete(image["id"])


def test_patch_is_all_or_nothing(member: Glance) -> None:
    image = member.create()
    r = member.patch(
        image["id"], [{"op": "replace", "path": "/name", "value": "half"}, {"op": "remove", "path": "/missing"}]
    )
    assert r.status_code == 409
    assert member.show(image["id"])["name"] == image["name"]


def test_formats_only_change_while_queued(member: Glance) -> None:
    image = member.active()
    r = member.patch(image["id"], [{"op": "replace", "path": "/disk_format", "value": "qcow2"}])
    assert r.status_code == 403
    assert _msg(r).startswith("Attribute disk_format can be only replaced for a queued image.")


def test_delete_protected_and_missing(member: Glance) -> None:
    image = member.create(protected=True)
    r = member.delete(image["id"])
    assert r.status_code == 403
    assert _msg(r).startswith(f"Image {image['id']} is protected and cannot be deleted.")
    member.patch(image["id"], [{"op": "replace", "path": "/protected", "value": False}])
    assert member.delete(image["id"]).status_code == 204
    r = member.delete(image["id"])
    assert r.status_code == 404
    assert _msg(r).startswith(f"Failed to find image {image['id']} to delete")
    assert member.get(f"/v2/images/{image['id']}").status_code == 404


def test_deactivate_reactivate_rules(member: Glance) -> None:
    queued = member.create()
    r = member.request("POST", f"/v2/images/{queued['id']}/actions/deactivate")
    assert r.status_code == 403
    assert _msg(r).startswith("Not allowed to deactivate image in status 'queued'")
    image = member.active()
    for _ in range(2):  # idempotent
        assert member.request("POST", f"/v2/images/{image['id']}/actions/deactivate").status_code == 204
    assert member.show(image["id"])["status"] == "deactivated"
    for _ in range(2):
        assert member.request("POST", f"/v2/images/{image['id']}/actions/reactivate").status_code == 204
    assert member.show(image["id"])["status"] == "active"


def test_tags(member: Glance) -> None:
    image = member.create()
    base = f"/v2/images/{image['id']}/tags"
    assert member.request("PUT", f"{base}/hello%20world").status_code == 204
    assert member.request("PUT", f"{base}/hello%20world").status_code == 204
    assert member.show(image["id"])["tags"] == ["hello world"]
    assert member.request("PUT", f"{base}/{'x' * 256}").status_code == 400
    assert member.request("DELETE", f"{base}/nope").status_code == 404
    assert member.request("DELETE", f"{base}/hello%20world").status_code == 204
    assert member.show(image["id"])["tags"] == []
    missing = str(uuid.uuid4())
    r = member.request("PUT", f"/v2/images/{missing}/tags/x")
    assert r.status_code == 404 and _msg(r).startswith(f"Image {missing} not found.")
