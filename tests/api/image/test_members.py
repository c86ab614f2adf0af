"""Image members: who may share, answer, see and remove memberships."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.image.util import Glance, project_ids
from tests.server import Server


@pytest.fixture(scope="module")
def member(server: Server) -> Glance:
    return Glance(server, server.token("demo", "demo"))


@pytest.fixture(scope="module")
def alt(server: Server) -> Glance:
    return Glance(server, server.token("alt_demo", "alt_demo"))


@pytest.fixture(scope="module")
def admin(server: Server) -> Glance:
    return Glance(server, server.token("admin", "admin"))


@pytest.fixture(scope="module")
def projects(server: Server) -> dict[str, str]:
    return project_ids(server)


def _msg(r: Any) -> str:
    return str(r.json()["message"])


def test_member_lifecycle(member: Glance, alt: Glance, projects: dict[str, str]) -> None:
    image = member.active(visibility="shared")
    base = f"/v2/images/{image['id']}/members"
    r = member.request("POST", base, json={"member": projects["alt_demo"]})
    assert r.status_code == 200
    created = r.json()
    assert created["status"] == "pending"
    assert created["image_id"] == image["id"] and created["member_id"] == projects["alt_demo"]
    assert created["schema"] == "/v2/schemas/member"
    r = member.request("POST", base, json={"member": projects["alt_demo"]})
    assert r.status_code == 409
    assert _msg(r).startswith(f"Member {projects['alt_demo']} is duplicated for image {image['id']}")

    one = f"{base}/{projects['alt_demo']}"
    # only the member answers; the owner may not
    r = member.request("PUT", one, json={"status": "accepted"})
    assert r.status_code == 403 and _msg(r).startswith("You are not authorized to complete modify_member action.")
    r = alt.request("PUT", one, json={"status": "maybe"})
    assert r.status_code == 400
    assert _msg(r).startswith('Incorrect request: Status must be "pending", "accepted" or "rejected".')
    r = alt.request("PUT", one, json={"status": "rejected"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert alt.list().json()["images"] and image["id"] not in [i["id"] for i in alt.list().json()["images"]]
    assert alt.request("PUT", one, json={"status": "accepted"}).json()["status"] == "accepted"
    assert image["id"] in [i["id"] for i in alt.list().json()["images"]]

    listing = member.get(base).json()
    assert listing["schema"] == "/v2/schemas/members"
    assert [(m["member_id"], m["status"]) for m in listing["members"]] == [(projects["alt_demo"], "accepted")]
    assert alt.get(one).json()["status"] == "accepted"
    # a member can read but not remove (the owner removes)
    r = alt.request("DELETE", one)
    assert r.status_code == 403
    assert member.request("DELETE", one).status_code == 204
    assert alt.get(f"/v2/images/{image['id']}").status_code == 404
    r = member.get(one)
    assert r.status_code == 404
    assert _msg(r).startswith(f"{projects['alt_demo']} not found in the member list of the image {image['id']}.")


def test_members_see_only_their_own_membership(
    member: Glance, alt: Glance, admin: Glance, projects: dict[str, str]
) -> None:
    image = member.create(visibility="shared")
    base = f"/v2/images/{image['id']}/members"
    for project in (projects["alt_demo"], projects["admin"], "some-other-project"):
        assert member.request("POST", base, json={"member": project}).status_code == 200
    assert len(member.get(base).json()["members"]) == 3
    assert [m["member_id"] for m in alt.get(base).json()["members"]] == [projects["alt_demo"]]
    assert len(admin.get(base).json()["members"]) == 3
    # alt cannot see, change or answer for another member
    other = f"{base}/some-other-project"
    assert alt.get(other).status_code == 404
    assert alt.request("PUT", other, json={"status": "accepted"}).status_code == 404


def test_only_shared_images_have_members(member: Glance, alt: Glance, projects: dict[str, str]) -> None:
    image = member.create(visibility="private")
    base = f"/v2/images/{image['id']}/members"
    r = member.request("POST", base, json={"member": projects["alt_demo"]})
    assert r.status_code == 403
    assert _msg(r).startswith(f"Not allowed to create members for image {image['id']}.")
    r = member.get(base)
    assert r.status_code == 403
    assert _msg(r).startswith(f"Not allowed to list members for image {image['id']}: Only shared images have members.")
    r = member.get(f"{base}/{projects['alt_demo']}")
    assert r.status_code == 404 and _msg(r).startswith("Only shared images have members.")
    # another project's private image is not found at all
    r = alt.request("POST", base, json={"member": projects["alt_demo"]})
    assert r.status_code == 404 and _msg(r).startswith(f"Image {image['id']} not found.")


def test_members_of_an_image_that_stops_being_shared(member: Glance, alt: Glance, projects: dict[str, str]) -> None:
    image = member.active(visibility="shared")
    base = f"/v2/images/{image['id']}/members"
    member.request("POST", base, json={"member": projects["alt_demo"]})
    alt.request("PUT", f"{base}/{projects['alt_demo']}", json={"status": "accepted"})
    assert alt.get(f"/v2/images/{image['id']}").status_code == 200
    member.patch(image["id"], [{"op": "replace", "path": "/visibility", "value": "private"}])
    assert alt.get(f"/v2/images/{image['id']}").status_code == 404
    member.patch(image["id"], [{"op": "replace", "path": "/visibility", "value": "shared"}])
    assert alt.get(f"/v2/images/{image['id']}").status_code == 200


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Member to be added not specified"),
        ({"member": ""}, "Member can't be empty"),
        ([], 'Expected a member in the form: {"member": "image_id"}'),
        (None, "Body expected in request."),
    ],
)
def test_add_member_bad_bodies(member: Glance, body: Any, message: str) -> None:
    image = member.create(visibility="shared")
    kw: dict[str, Any] = {"json": body} if body is not None else {}
    r = member.request("POST", f"/v2/images/{image['id']}/members", **kw)
    assert r.status_code == 400 and _msg(r).startswith(message)
    assert member.get(f"/v2/images/{image['id']}/members").json()["members"] == []


def test_member_quota(server: Server, member: Glance) -> None:
    image = member.create(visibility="shared")
    base = f"/v2/images/{image['id']}/members"
    for i in range(128):
        assert member.request("POST", base, json={"member": f"p{i}"}).status_code == 200
    r = member.request("POST", base, json={"member": "one-too-many"})
    assert r.status_code == 413
    assert "Attempted: 129, Maximum: 128" in _msg(r)
