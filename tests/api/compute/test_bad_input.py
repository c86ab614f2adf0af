"""Bad input gets a 4xx in Nova's fault shape naming the problem, never a 500, and
leaves nothing half-created."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.server import Server

S = "/compute/v2.1/servers"
LATEST = {"OpenStack-API-Version": "compute latest"}


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with server.http(server.token("demo", "demo")) as c:
        yield c


@pytest.fixture(scope="module")
def image(client: httpx.Client) -> str:
    return str(next(i["id"] for i in client.get("/image/v2/images").json()["images"] if i["name"].startswith("cirros")))


def _count(client: httpx.Client) -> int:
    return len(client.get(S, headers=LATEST).json()["servers"])


def _fault(r: httpx.Response, status: int, name: str) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert body[name]["code"] == status
    return str(body[name]["message"])


def _server(image: str, **extra: Any) -> dict[str, Any]:
    return {"server": {"name": "bad", "imageRef": image, "flavorRef": "42", "networks": "none", **extra}}


CREATE_CASES: list[tuple[str, Any, str, int, str]] = [
    # (id, body modifier, expected message fragment, status, fault)
    ("missing name", lambda img: {"server": {"imageRef": img, "flavorRef": "42", "networks": "none"}},
     "'name' is a required property", 400, "badRequest"),
    ("name too long", lambda img: _server(img, name="x" * 256), "is too long", 400, "badRequest"),
    ("empty name", lambda img: _server(img, name=""), "Invalid input for field/attribute name", 400, "badRequest"),
    ("leading space", lambda img: _server(img, name=" x"), "An invalid 'name' value was provided", 400, "badRequest"),
    ("astral unicode", lambda img: _server(img, name="vm-\U0001f600"), "An invalid 'name' value", 400, "badRequest"),
    ("numeric name", lambda img: _server(img, name=12345), "is not of type 'string'", 400, "badRequest"),
    ("unknown flavor", lambda img: _server(img, flavorRef="no-such"), "Flavor no-such could not be found.", 400,
     "badRequest"),
    ("bad image uuid", lambda img: _server(img, imageRef="not-a-uuid"), "Invalid input for field/attribute imageRef",
     400, "badRequest"),
    ("unknown image", lambda img: _server(img, imageRef=str(uuid.uuid4())), "Can not find requested image", 400,
     "badRequest"),
    ("bad network uuid", lambda img: _server(img, networks=[{"uuid": "a-b-c"}]), "Invalid input for field/attribute",
     400, "badRequest"),
    ("unknown network", lambda img: _server(img, networks=[{"uuid": str(uuid.uuid4())}]), "could not be found", 400,
     "badRequest"),
    ("user_data not base64", lambda img: _server(img, user_data="abc"), "is not a 'base64'", 400, "badRequest"),
    ("user_data too large", lambda img: _server(img, user_data=base64.b64encode(b"x" * 60000).decode()),
     "is too long", 400, "badRequest"),
    ("min above max", lambda img: _server(img, min_count=3, max_count=2), "min_count must be <= max_count", 400,
     "badRequest"),
    ("min_count zero", lambda img: _server(img, min_count="0"), "less than the minimum of 1", 400, "badRequest"),
    ("unknown key", lambda img: _server(img, key_name="no-such-key"), "Invalid key_name provided.", 400, "badRequest"),
    ("unknown attribute", lambda img: _server(img, colour="blue"), "Additional properties are not allowed", 400,
     "badRequest"),
    ("too much metadata", lambda img: _server(img, metadata={f"k{i}": "v" for i in range(129)}),
     "Maximum number of metadata items exceeds 128", 403, "forbidden"),
    ("metadata key too long", lambda img: _server(img, metadata={"k" * 256: "v"}), "does not match any of the regexes",
     400, "badRequest"),
    ("bad accessIPv4", lambda img: _server(img, accessIPv4="1.2.3"), "is not a 'ipv4'", 400, "badRequest"),
    ("two BDM syntaxes", lambda img: _server(img, block_device_mapping=[{"volume_id": str(uuid.uuid4())}],
                                            block_device_mapping_v2=[{"source_type": "blank",
                                                                      "destination_type": "local"}]),
     "Using different block_device_mapping syntaxes", 400, "badRequest"),
]  # fmt: skip


@pytest.mark.parametrize("case", CREATE_CASES, ids=[c[0] for c in CREATE_CASES])
def test_bad_server_create(client: httpx.Client, image: str, case: tuple[str, Any, str, int, str]) -> None:
    _id, build, fragment, status, fault = case
    before = _count(client)
    r = client.post(S, json=build(image), headers=LATEST)
    assert fragment in _fault(r, status, fault)
    assert _count(client) == before


def test_malformed_and_oversized_bodies(client: httpx.Client) -> None:
    r = client.post(S, content=b"{not json", headers={"Content-Type": "application/json"})
    assert _fault(r, 400, "badRequest") == "Malformed request body"
    r = client.post(S, content=b"x" * 200_000, headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    r = client.post(S, json=["a", "list"])
    _fault(r, 400, "badRequest")


def test_port_in_use_is_409_and_nothing_left(client: httpx.Client, image: str) -> None:
    nets = client.get("/networking/v2.0/networks", params={"name": "private"}).json()["networks"]
    if not nets:
        pytest.skip("no private network")
    port = client.post("/networking/v2.0/ports", json={"port": {"network_id": nets[0]["id"]}}).json()["port"]
    first = client.post(S, json=_server(image, networks=[{"port": port["id"]}]), headers=LATEST)
    assert first.status_code == 202, first.text
    before = _count(client)
    second = client.post(S, json=_server(image, networks=[{"port": port["id"]}]), headers=LATEST)
    assert (
        f"Port {port['id']} is still in use." in _fault(second, 409, "conflictingRequest") or second.status_code == 409
    )
    assert _count(client) == before
    assert client.delete(f"{S}/{first.json()['server']['id']}").status_code == 204


def test_bad_actions(client: httpx.Client, image: str) -> None:
    r = client.post(S, json=_server(image), headers=LATEST)
    sid = r.json()["server"]["id"]
    url = f"{S}/{sid}/action"
    assert "There is no such action: fly" in _fault(client.post(url, json={"fly": None}), 400, "badRequest")
    assert _fault(client.post(url, json={"a": 1, "b": 2}), 400, "badRequest") == "Malformed request body"
    _fault(client.post(url, json={"reboot": {"type": "GENTLE"}}), 400, "badRequest")
    _fault(client.post(url, json={"resize": {"flavorRef": "no-such"}}), 400, "badRequest")
    _fault(client.post(url, json={"resize": {"flavorRef": None}}), 400, "badRequest")
    msg = _fault(client.post(url, json={"os-start": None}), 409, "conflictingRequest")
    assert msg == f"Cannot 'start' instance {sid} while it is in vm_state active"
    msg = _fault(client.post(url, json={"confirmResize": None}), 409, "conflictingRequest")
    assert "vm_state active" in msg
    _fault(client.post(url, json={"trigger_crash_dump": None}, headers={"OpenStack-API-Version": "compute 2.16"}),
           404, "itemNotFound")  # fmt: skip
    _fault(client.put(f"{S}/{sid}", json={"server": {"name": ""}}), 400, "badRequest")
    _fault(client.put(f"{S}/{sid}/metadata/k", json={"meta": {"other": "v"}}), 400, "badRequest")
    _fault(client.put(f"{S}/{sid}/tags/a,b", headers=LATEST), 400, "badRequest")
    assert client.delete(f"{S}/{sid}").status_code == 204


@pytest.mark.parametrize(
    "query,fragment",
    [
        ("limit=-1", "Invalid input for query parameters limit"),
        ("limit=abc", "Invalid input for query parameters limit"),
        ("changes-since=yesterday", "Invalid input for query parameters changes-since"),
        ("status=NOPE", "Invalid status value"),
        ("sort_key=nope", "Invalid input for query parameters sort_key"),
        ("flavor=1&nonsense=1", "'nonsense' does not match any of the regexes"),
    ],
)
def test_bad_list_queries(client: httpx.Client, query: str, fragment: str) -> None:
    r = client.get(f"{S}/detail?{query}", headers=LATEST)
    assert fragment in _fault(r, 400, "badRequest")


def test_not_found_and_bad_ids(client: httpx.Client) -> None:
    missing = str(uuid.uuid4())
    assert _fault(client.get(f"{S}/{missing}"), 404, "itemNotFound") == f"Instance {missing} could not be found."
    _fault(client.delete(f"{S}/{'x' * 300}"), 404, "itemNotFound")
    _fault(client.get("/compute/v2.1/flavors/no-such"), 404, "itemNotFound")
    _fault(client.get("/compute/v2.1/os-keypairs/no-such"), 404, "itemNotFound")
    _fault(client.get("/compute/v2.1/nothing-here"), 404, "itemNotFound")


def test_bad_flavors_and_keypairs(server: Server, client: httpx.Client) -> None:
    with server.http(server.token()) as admin:
        body = {"flavor": {"name": f"f-{uuid.uuid4().hex[:6]}", "ram": 0, "vcpus": 1, "disk": 1}}
        assert "less than the minimum of 1" in _fault(admin.post("/compute/v2.1/flavors", json=body), 400, "badRequest")
        body = {"flavor": {"name": "m1.tiny", "ram": 64, "vcpus": 1, "disk": 1}}
        assert "already exists" in _fault(admin.post("/compute/v2.1/flavors", json=body), 409, "conflictingRequest")
    body = {"keypair": {"name": "bad/name"}}
    _fault(client.post("/compute/v2.1/os-keypairs", json=body), 400, "badRequest")
    body = {"keypair": {"name": "ok", "public_key": "ssh-rsa not-a-key"}}
    assert "Keypair data is invalid" in _fault(client.post("/compute/v2.1/os-keypairs", json=body), 400, "badRequest")


def test_personality_limits(client: httpx.Client, image: str) -> None:
    """Personality files (up to 2.56) count against the injected_file* quotas (403)."""
    v256 = {"OpenStack-API-Version": "compute 2.56"}
    blob = base64.b64encode(b"x").decode()
    before = _count(client)
    six = [{"path": f"/etc/f{i}", "contents": blob} for i in range(6)]
    r = client.post(S, json=_server(image, personality=six), headers=v256)
    assert _fault(r, 403, "forbidden") == "Personality file limit exceeded"
    r = client.post(S, json=_server(image, personality=[{"path": "/" + "p" * 300, "contents": blob}]), headers=v256)
    assert _fault(r, 403, "forbidden") == "Personality file path exceeds maximum 255"
    big = base64.b64encode(b"x" * 10240).decode()
    r = client.post(S, json=_server(image, personality=[{"path": "/etc/big", "contents": big}]), headers=v256)
    assert _fault(r, 403, "forbidden") == "Personality file content exceeds maximum 10240"
    r = client.post(S, json=_server(image, personality=[{"path": "/etc/ok", "contents": blob}]), headers=LATEST)
    assert "Additional properties are not allowed" in _fault(r, 400, "badRequest")
    assert _count(client) == before
    ok = client.post(S, json=_server(image, personality=[{"path": "/etc/ok", "contents": blob}]), headers=v256)
    assert ok.status_code == 202, ok.text
    assert client.delete(f"{S}/{ok.json()['server']['id']}").status_code == 204
