"""Block device mappings of new servers as Nova takes and checks them (every source and
destination Tempest uses), and what deleting servers and volumes does to both sides."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.server import Server

S = "/compute/v2.1/servers"
H = {"OpenStack-API-Version": "compute 2.79"}
INVALID = "Block Device Mapping is Invalid: "


@pytest.fixture(scope="module")
def admin(server: Server) -> Iterator[httpx.Client]:
    with server.http(server.token("admin", "admin")) as c:
        if c.get("/volume/v3/types").status_code != 200:
            pytest.skip("no block storage service")
        yield c


@pytest.fixture(scope="module")
def image(admin: httpx.Client) -> str:
    return str(next(i["id"] for i in admin.get("/image/v2/images").json()["images"] if i["name"].startswith("cirros")))


def _wait(c: httpx.Client, path: str, key: str, field: str, value: Any) -> dict[str, Any]:
    for _ in range(300):
        r = c.get(path, headers=H)
        body: dict[str, Any] = r.json()[key] if r.status_code == 200 else {field: r.status_code}
        if body[field] == value:
            return body
        time.sleep(0.05)
    raise AssertionError(f"{path}: {field} never became {value!r} ({body[field]!r})")


def _post(c: httpx.Client, bdms: list[dict[str, Any]], **server: Any) -> httpx.Response:
    body = {"name": f"bdm-{uuid.uuid4().hex[:6]}", "flavorRef": "42", "networks": "none",
            "block_device_mapping_v2": bdms, **server}  # fmt: skip
    return c.post(S, json={"server": body}, headers=H)


def _boot(c: httpx.Client, bdms: list[dict[str, Any]], **server: Any) -> str:
    r = _post(c, bdms, **server)
    assert r.status_code == 202, r.text
    sid = str(r.json()["server"]["id"])
    _wait(c, f"{S}/{sid}", "server", "status", "ACTIVE")
    return sid


def _volume(c: httpx.Client, **extra: Any) -> dict[str, Any]:
    r = c.post("/volume/v3/volumes", json={"volume": {"size": 1, **extra}})
    assert r.status_code == 202, r.text
    return _wait(c, f"/volume/v3/volumes/{r.json()['volume']['id']}", "volume", "status", "available")


def _attached(c: httpx.Client, sid: str) -> list[tuple[str, bool, dict[str, Any]]]:
    rows = c.get(f"{S}/{sid}/os-volume_attachments", headers=H).json()["volumeAttachments"]
    return [
        (a["device"], a["delete_on_termination"], c.get(f"/volume/v3/volumes/{a['volumeId']}").json()["volume"])
        for a in rows
    ]


def _delete_server(c: httpx.Client, sid: str) -> None:
    assert c.delete(f"{S}/{sid}").status_code == 204
    _wait(c, f"{S}/{sid}", "server", "status", 404)


def test_every_source(admin: httpx.Client, image: str) -> None:
    # image -> volume, volume_size given, deleted with the server
    sid = _boot(admin, [{"source_type": "image", "uuid": image, "destination_type": "volume", "volume_size": 2,
                         "boot_index": 0, "delete_on_termination": True}])  # fmt: skip
    ((device, dot, root),) = _attached(admin, sid)
    assert (device, dot, root["size"], root["bootable"], root["status"]) == ("/dev/vda", True, 2, "true", "in-use")
    assert admin.get(f"{S}/{sid}", headers=H).json()["server"]["image"] == ""
    _delete_server(admin, sid)
    assert admin.get(f"/volume/v3/volumes/{root['id']}").status_code == 404
    # volume -> volume (a bootable volume), kept and detached when the server goes
    bootable = _volume(admin, imageRef=image)
    sid = _boot(admin, [{"source_type": "volume", "uuid": bootable["id"], "destination_type": "volume",
                         "boot_index": "0"}])  # fmt: skip
    assert [(d, v["id"]) for d, _, v in _attached(admin, sid)] == [("/dev/vda", bootable["id"])]
    _delete_server(admin, sid)
    kept = admin.get(f"/volume/v3/volumes/{bootable['id']}").json()["volume"]
    assert kept["status"] == "available" and kept["attachments"] == []
    # snapshot -> volume: the size is the snapshot's
    r = admin.post("/volume/v3/snapshots", json={"snapshot": {"volume_id": bootable["id"]}})
    snap = _wait(admin, f"/volume/v3/snapshots/{r.json()['snapshot']['id']}", "snapshot", "status", "available")
    sid = _boot(admin, [{"source_type": "snapshot", "uuid": snap["id"], "destination_type": "volume",
                         "boot_index": 0, "delete_on_termination": True}])  # fmt: skip
    ((_, _, from_snap),) = _attached(admin, sid)
    assert from_snap["snapshot_id"] == snap["id"] and from_snap["size"] == 1
    _delete_server(admin, sid)
    # image boot disk + blank volume + local ephemeral/swap within the flavor
    sid = _boot(
        admin,
        [{"source_type": "image", "uuid": image, "destination_type": "local", "boot_index": 0},
         {"source_type": "blank", "destination_type": "volume", "volume_size": 1, "delete_on_termination": True}],
        imageRef=image,
    )  # fmt: skip
    ((device, _, blank),) = _attached(admin, sid)
    assert device == "/dev/vdb" and blank["bootable"] == "false"
    assert admin.get(f"{S}/{sid}", headers=H).json()["server"]["image"]["id"] == image
    _delete_server(admin, sid)
    assert admin.get(f"/volume/v3/volumes/{blank['id']}").status_code == 404


@pytest.mark.parametrize(
    ("bdms", "with_image", "message"),
    [
        ([{"source_type": "image", "uuid": "IMG", "destination_type": "volume", "boot_index": 0}], False,
         "Images with destination_type 'volume' need to have a non-zero size specified"),
        ([{"source_type": "blank", "destination_type": "volume", "boot_index": 1}], True,
         "Blank volumes (source: 'blank', dest: 'volume') need to have non-zero size"),
        ([{"source_type": "blank", "uuid": "IMG", "destination_type": "volume", "volume_size": 1, "boot_index": 0}],
         False, INVALID + "Invalid device UUID."),
        ([{"source_type": "volume", "destination_type": "volume", "boot_index": 0}], False,
         INVALID + "Missing device UUID."),
        ([{"source_type": "image", "uuid": "IMG", "destination_type": "local", "boot_index": 1}], True,
         INVALID + "Mapping image to local is not supported."),
        ([{"source_type": "image", "uuid": "IMG", "destination_type": "volume", "volume_size": 1, "boot_index": 0},
          {"source_type": "blank", "destination_type": "volume", "volume_size": 1, "boot_index": 2}], False,
         INVALID + "Boot sequence for the instance and image/block device mapping combination is not valid."),
        ([{"source_type": "blank", "destination_type": "volume", "volume_size": 1, "boot_index": 0,
           "device_name": "/dev/vda"}], True,
         "The volume cannot be assigned the same device name as the root device vda"),
        ([{"source_type": "blank", "destination_type": "local", "volume_size": 5}], True,
         "Ephemeral disks requested are larger than the instance type allows. If no size is given in one block "
         "device mapping, flavor ephemeral size will be used."),
        ([{"source_type": "blank", "destination_type": "local", "guest_format": "swap", "volume_size": 1}], True,
         "Swap drive requested is larger than instance type allows."),
        ([{"source_type": "image", "uuid": "MISSING", "destination_type": "volume", "volume_size": 1,
           "boot_index": 0}], False, INVALID + "failed to get image MISSING."),
        ([{"source_type": "snapshot", "uuid": "MISSING", "destination_type": "volume", "boot_index": 0}], False,
         "Snapshot MISSING could not be found."),
        ([{"source_type": "volume", "uuid": "MISSING", "destination_type": "volume", "boot_index": 0}], False,
         INVALID + "failed to get volume MISSING."),
        ([{"source_type": "volume", "uuid": "MISSING", "destination_type": "volume"}], True,
         "Volume MISSING could not be found."),
        ([{"source_type": "image", "uuid": "IMG", "destination_type": "volume", "volume_size": 1, "boot_index": 0,
           "volume_type": "no-such-type"}], False, "Volume type no-such-type could not be found."),
        ([{"source_type": "image", "uuid": "IMG", "destination_type": "volume", "volume_size": 1, "boot_index": 0,
           "disk_bus": "floppy"}], False, "Block Device Mapping is Invalid."),
    ],
)  # fmt: skip
def test_nova_refuses_bad_mappings(
    admin: httpx.Client, image: str, bdms: list[dict[str, Any]], with_image: bool, message: str
) -> None:
    missing = str(uuid.uuid4())
    bdms = [{k: (v.replace("IMG", image).replace("MISSING", missing) if isinstance(v, str) else v)
             for k, v in b.items()} for b in bdms]  # fmt: skip
    before = len(admin.get(S, params={"all_tenants": 1}).json()["servers"])
    volumes = len(admin.get("/volume/v3/volumes", params={"all_tenants": 1}).json()["volumes"])
    r = _post(admin, bdms, **({"imageRef": image} if with_image else {}))
    assert r.status_code == 400, r.text
    assert r.json()["badRequest"]["message"] == message.replace("MISSING", missing)
    # nothing half-created
    assert len(admin.get(S, params={"all_tenants": 1}).json()["servers"]) == before
    assert len(admin.get("/volume/v3/volumes", params={"all_tenants": 1}).json()["volumes"]) == volumes


def test_one_volume_cannot_go_to_several_servers(admin: httpx.Client) -> None:
    vol = _volume(admin)
    bdms = [{"source_type": "volume", "uuid": vol["id"], "destination_type": "volume"}]
    r = _post(admin, bdms, imageRef=next(iter(admin.get("/image/v2/images").json()["images"]))["id"], max_count=2)
    assert r.status_code == 400
    assert r.json()["badRequest"]["message"] == "Cannot attach one or more volumes to multiple instances"


def test_volume_type_by_id_is_kept_by_name(admin: httpx.Client, image: str) -> None:
    vtype = next(t for t in admin.get("/volume/v3/types").json()["volume_types"] if t["name"] == "lvmdriver-1")
    sid = _boot(admin, [{"source_type": "image", "uuid": image, "destination_type": "volume", "volume_size": 1,
                         "boot_index": 0, "volume_type": vtype["id"], "delete_on_termination": True}])  # fmt: skip
    ((_, _, root),) = _attached(admin, sid)
    assert root["volume_type"] == "lvmdriver-1"
    _delete_server(admin, sid)


def test_delete_server_detaches_or_deletes(admin: httpx.Client, image: str) -> None:
    sid = _boot(admin, [{"source_type": "image", "uuid": image, "destination_type": "local", "boot_index": 0}],
                imageRef=image)  # fmt: skip
    keep, drop = _volume(admin), _volume(admin)
    for vol, dot in ((keep, False), (drop, True)):
        body = {"volumeAttachment": {"volumeId": vol["id"], "delete_on_termination": dot}}
        assert admin.post(f"{S}/{sid}/os-volume_attachments", json=body, headers=H).status_code == 200
    attachments = admin.get("/volume/v3/attachments", headers={"OpenStack-API-Version": "volume 3.27"})
    assert {a["instance"] for a in attachments.json()["attachments"] if a["volume_id"] == keep["id"]} == {sid}
    _delete_server(admin, sid)
    kept = admin.get(f"/volume/v3/volumes/{keep['id']}").json()["volume"]
    assert kept["status"] == "available" and kept["attachments"] == []
    assert admin.get(f"/volume/v3/volumes/{drop['id']}").status_code == 404
    attachments = admin.get("/volume/v3/attachments", headers={"OpenStack-API-Version": "volume 3.27"})
    assert not [a for a in attachments.json()["attachments"] if a["instance"] == sid]


def test_deleted_volume_leaves_the_servers_attachments(admin: httpx.Client, image: str) -> None:
    sid = _boot(admin, [{"source_type": "image", "uuid": image, "destination_type": "local", "boot_index": 0}],
                imageRef=image)  # fmt: skip
    vol = _volume(admin)
    body = {"volumeAttachment": {"volumeId": vol["id"]}}
    assert admin.post(f"{S}/{sid}/os-volume_attachments", json=body, headers=H).status_code == 200
    # an admin detaches it on Cinder's side only, then deletes it
    reset = {"os-reset_status": {"attach_status": "detached", "status": "available"}}
    r = admin.post(f"/volume/v3/volumes/{vol['id']}/action", json=reset)
    assert r.status_code == 202, r.text
    assert admin.delete(f"/volume/v3/volumes/{vol['id']}").status_code == 202
    _wait(admin, f"/volume/v3/volumes/{vol['id']}", "volume", "status", 404)
    assert admin.get(f"{S}/{sid}/os-volume_attachments", headers=H).json()["volumeAttachments"] == []
    assert admin.get(f"{S}/{sid}/os-volume_attachments/{vol['id']}", headers=H).status_code == 404
    _delete_server(admin, sid)


def test_volume_backed_server_with_an_image_shelves_without_one(admin: httpx.Client, image: str) -> None:
    """A root volume makes a server volume-backed even when it names an image: shelving it
    makes no image, snapshotting it snapshots its volume."""
    sid = _boot(admin, [{"source_type": "blank", "destination_type": "volume", "volume_size": 1, "boot_index": 0,
                         "delete_on_termination": True}], imageRef=image)  # fmt: skip
    name = admin.get(f"{S}/{sid}", headers=H).json()["server"]["name"]
    r = admin.post(f"{S}/{sid}/action", json={"createImage": {"name": f"{name}-snap"}}, headers=H)
    snap = admin.get(f"/image/v2/images/{r.json()['image_id']}").json()
    assert snap["bdm_v2"] == "True" and snap["size"] == 0
    assert admin.post(f"{S}/{sid}/action", json={"shelve": None}, headers=H).status_code == 202
    _wait(admin, f"{S}/{sid}", "server", "status", "SHELVED_OFFLOADED")
    names = {i["name"] for i in admin.get("/image/v2/images").json()["images"]}
    assert f"{name}-shelved" not in names
    _delete_server(admin, sid)
