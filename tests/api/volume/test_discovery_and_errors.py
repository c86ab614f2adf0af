# ruff: noqa: E501  (Cinder's messages are kept whole)
"""Version discovery, microversion negotiation, URLs with and without the project id,
and Cinder's error bodies for bad input (never a 500, nothing half-created)."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.api.volume.util import Cinder, fresh_member, project_id
from tests.server import Server


@pytest.fixture(scope="module")
def demo(server: Server) -> Cinder:
    return fresh_member(server)


def test_discovery(server: Server) -> None:
    r = httpx.get(f"{server.url}/volume/")
    assert r.status_code == 300
    (version,) = r.json()["versions"]
    assert version["id"] == "v3.0" and version["status"] == "CURRENT"
    assert version["min_version"] == "3.0" and version["version"] == "3.71"
    assert {"rel": "self", "href": f"{server.url}/volume/v3/"} in version["links"]
    r = httpx.get(f"{server.url}/volume/v3/")
    assert r.status_code == 200 and r.json()["versions"][0]["id"] == "v3.0"


def test_microversion_negotiation(demo: Cinder) -> None:
    r = demo.get("/volumes", version="")
    assert r.status_code == 200 and r.headers["OpenStack-API-Version"] == "volume 3.0"
    r = demo.get("/volumes", headers={"OpenStack-API-Version": "volume latest"}, version="")
    assert r.headers["OpenStack-API-Version"] == "volume 3.71"
    r = demo.get("/volumes", version="3.72")
    assert r.status_code == 406
    assert r.json() == {
        "computeFault": {
            "code": 406,
            "message": "Version 3.72 is not supported by the API. Minimum is 3.0 and maximum is 3.71.",
        }
    }
    r = demo.get("/volumes", version="3.x")
    assert r.status_code == 400 and "is of invalid format" in r.json()["badRequest"]["message"]
    # a method added later than the requested version is not there
    assert demo.get("/volumes/summary", version="3.11").status_code == 404
    assert demo.get("/volumes/summary", version="3.12").status_code == 200
    assert demo.get("/attachments", version="3.26").status_code == 404


def test_shapes_follow_the_microversion(demo: Cinder) -> None:
    vol = demo.available_volume()
    old = demo.get(f"/volumes/{vol['id']}", version="3.0").json()["volume"]
    new = demo.get(f"/volumes/{vol['id']}", version="3.71").json()["volume"]
    for key in ("group_id", "shared_targets", "service_uuid", "volume_type_id", "consumes_quota"):
        assert key not in old and key in new
    assert new["volume_type_id"] and new["consumes_quota"] is True
    listed = demo.get("/volumes?with_count=true").json()
    assert listed["count"] >= 1
    assert "count" not in demo.get("/volumes?with_count=true", version="3.44").json()
    demo.delete(f"/volumes/{vol['id']}")


def test_project_in_url(server: Server, demo: Cinder) -> None:
    vol = demo.available_volume()
    projectless = Cinder(server, demo.token, None)
    r = projectless.get(f"/volumes/{vol['id']}")
    assert r.status_code == 200
    assert r.json()["volume"]["links"][0]["href"] == f"{server.url}/volume/v3/volumes/{vol['id']}"
    with_project = demo.get(f"/volumes/{vol['id']}").json()["volume"]["links"][0]["href"]
    assert with_project == f"{server.url}/volume/v3/{demo.project_id}/volumes/{vol['id']}"
    # another project's id in the URL is a malformed URL; something else is not a route
    alt = project_id(server, "alt_demo")
    r = Cinder(server, demo.token, alt).get("/volumes")
    assert r.status_code == 400 and r.json() == {"badRequest": {"code": 400, "message": "Malformed request url"}}
    assert Cinder(server, demo.token, "not-a-project").get("/volumes").status_code == 404
    demo.delete(f"/volumes/{vol['id']}")


def test_not_found_and_auth_shapes(server: Server, demo: Cinder) -> None:
    missing = str(uuid.uuid4())
    r = demo.get(f"/volumes/{missing}")
    assert r.status_code == 404
    assert r.json() == {"itemNotFound": {"code": 404, "message": f"Volume {missing} could not be found."}}
    r = Cinder(server, None, demo.project_id).get("/volumes")
    assert r.status_code == 401 and r.json()["error"]["code"] == 401
    # trailing slashes and methods a path lacks are unknown resources, as with Cinder's router
    assert demo.get("/volumes/").status_code == 404
    assert demo.delete("/volumes").status_code == 404


def _count(demo: Cinder) -> int:
    return int(demo.get("/volumes?with_count=true&limit=1").json()["count"])


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"volume": {"size": 0}}, "Invalid input for field/attribute size. Value: 0. 0 is less than the minimum of 1"),
        ({"volume": {"size": "0"}}, "Invalid input for field/attribute size. Value: 0. 0 is less than the minimum of 1"),
        ({"volume": {"size": -1}}, "Invalid input for field/attribute size. Value: -1. -1 is less than the minimum of 1"),
        ({"volume": {"size": "big"}}, "Invalid input for field/attribute size. Value: big. 'big' does not match '^[0-9]+$'"),
        ({"volume": {"size": 1.5}}, "Invalid input for field/attribute size. Value: 1.5. 1.5 is not of type 'integer', 'string', 'null'"),
        ({"volume": {}}, "Invalid input received: Volume size 'None' must be an integer and greater than 0"),
        ({}, "'volume' is a required property"),
        ({"volume": {"size": 1, "user_id": "x"}},
         "Invalid input for field/attribute volume. Value: {'size': 1, 'user_id': 'x'}. Additional properties are not "
         "allowed ('user_id' was unexpected)"),
        ({"volume": {"size": 1, "name": "x" * 256}}, "Invalid input received: name has 256 characters, more than 255."),
        ({"volume": {"size": 1, "metadata": {"k": 1}}}, "Invalid input for field/attribute k. Value: 1. 1 is not of type 'string'"),
        ({"volume": {"size": 1, "volume_type": "no-such-type"}}, None),
        ({"volume": {"size": 1, "snapshot_id": "not-a-uuid"}}, None),
        ({"volume": {"size": 1, "availability_zone": "elsewhere"}}, "Availability zone 'elsewhere' is invalid."),
        ({"volume": {"size": 1, "multiattach": True}}, None),
    ],
)  # fmt: skip
def test_bad_volume_create(demo: Cinder, body: dict[str, object], message: str | None) -> None:
    before = _count(demo)
    r = demo.post("/volumes", body)
    assert r.status_code in (400, 404), r.text
    fault = "badRequest" if r.status_code == 400 else "itemNotFound"
    assert set(r.json()) == {fault} and r.json()[fault]["code"] == r.status_code
    if message is not None:
        assert r.json()[fault]["message"] == message
    assert _count(demo) == before


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b"[1, 2]", b'"text"', b"null", b'{"volume": "x"}'],
)
def test_malformed_bodies(demo: Cinder, raw: bytes) -> None:
    before = _count(demo)
    r = demo.request("POST", "/volumes", content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "badRequest" in r.json(), r.text
    assert _count(demo) == before


def test_bad_actions(demo: Cinder) -> None:
    vol = demo.available_volume()
    path = f"/volumes/{vol['id']}/action"
    r = demo.post(path, {"os-nonsense": {}})
    assert r.status_code == 400
    assert r.json()["badRequest"]["message"] == (
        "There is no such action: os-nonsense. Verify the request body and Content-Type header and try again."
    )
    assert demo.post(path, {"os-extend": {}, "os-reserve": {}}).status_code == 400
    r = demo.post(path, {"os-extend": {"new_size": 1}})
    assert r.status_code == 400
    assert "New size for extend must be greater than current size. (current: 1, extended: 1)." in r.text
    assert demo.post(path, {"os-extend": {"new_size": "x"}}).status_code == 400
    assert demo.post(path, {"os-set_bootable": {"bootable": "maybe"}}).status_code == 400
    assert demo.post(path, {"os-reset_status": {"status": "available"}}).status_code == 403  # admin only
    assert demo.get(f"/volumes/{vol['id']}").json()["volume"]["size"] == 1
    demo.delete(f"/volumes/{vol['id']}")


def test_bad_lists(demo: Cinder) -> None:
    assert demo.get("/volumes?limit=-1").json() == {
        "badRequest": {"code": 400, "message": "limit param must be positive"}
    }
    assert demo.get("/volumes?limit=x").status_code == 400
    assert demo.get("/volumes?sort=name:sideways").status_code == 400
    assert demo.get("/volumes?sort_key=nope").status_code == 400
    assert demo.get(f"/volumes?marker={uuid.uuid4()}").status_code == 404
    r = demo.get("/volumes?bogus=1")
    assert (
        r.status_code == 400
        and r.json()["badRequest"]["message"] == "Invalid filters bogus are found in query options."
    )
    # before 3.31 a member's unknown filters are dropped
    assert demo.get("/volumes?bogus=1", version="3.30").status_code == 200
    assert demo.get("/volumes?bootable=perhaps").status_code == 400
