"""State machines over the API: attachments (new and legacy flows), snapshots, extend,
retype, admin resets, cascade delete, transfers."""

from __future__ import annotations

import uuid

import pytest

from tests.api.volume.util import Cinder, client, fresh_member
from tests.server import Server

CONNECTOR = {"host": "compute-9", "initiator": "iqn.1993-08.org.debian:01:abc", "mountpoint": "/dev/vdc"}


@pytest.fixture(scope="module")
def demo(server: Server) -> Cinder:
    return fresh_member(server)


@pytest.fixture(scope="module")
def admin(server: Server) -> Cinder:
    return client(server, "admin", "admin")


def _status(c: Cinder, vid: str) -> str:
    return str(c.get(f"/volumes/{vid}").json()["volume"]["status"])


def test_attachments_api_flow(demo: Cinder) -> None:
    vol = demo.available_volume()
    server_id = str(uuid.uuid4())
    r = demo.post("/attachments", {"attachment": {"volume_uuid": vol["id"], "instance_uuid": server_id}})
    assert r.status_code == 200, r.text
    att = r.json()["attachment"]
    assert att["status"] == "reserved" and att["instance"] == server_id and att["attached_at"] == ""
    assert _status(demo, vol["id"]) == "reserved"
    # a second reservation of a non-multiattach volume by another server is refused
    other = demo.post("/attachments", {"attachment": {"volume_uuid": vol["id"], "instance_uuid": str(uuid.uuid4())}})
    assert other.status_code == 400 and "status must be available or downloading to reserve" in other.text

    r = demo.put(f"/attachments/{att['id']}", {"attachment": {"connector": CONNECTOR}})
    assert r.status_code == 200
    updated = r.json()["attachment"]
    assert updated["status"] == "attaching" and updated["attach_mode"] == "rw"
    assert updated["connection_info"]["driver_volume_type"] == "iscsi"
    assert _status(demo, vol["id"]) == "attaching"

    assert demo.post(f"/attachments/{att['id']}/action", {"os-complete": {}}, version="3.43").status_code == 404
    assert demo.post(f"/attachments/{att['id']}/action", {"os-complete": {}}).status_code == 204
    shown = demo.get(f"/volumes/{vol['id']}").json()["volume"]
    assert shown["status"] == "in-use"
    assert [(a["attachment_id"], a["server_id"], a["device"]) for a in shown["attachments"]] == [
        (att["id"], server_id, "/dev/vdc")
    ]
    listed = demo.get(f"/attachments/detail?volume_id={vol['id']}").json()["attachments"]
    assert [a["id"] for a in listed] == [att["id"]] and listed[0]["status"] == "attached"

    # in use: not deletable
    r = demo.delete(f"/volumes/{vol['id']}")
    assert r.status_code == 400 and "must not be migrating, attached" in r.json()["badRequest"]["message"]

    r = demo.delete(f"/attachments/{att['id']}")
    assert r.status_code == 200 and r.json() == {"attachments": []}
    assert _status(demo, vol["id"]) == "available"
    assert demo.get(f"/attachments/{att['id']}").status_code == 404
    demo.delete(f"/volumes/{vol['id']}")


def test_legacy_attach_actions(demo: Cinder) -> None:
    vol = demo.available_volume()
    action = f"/volumes/{vol['id']}/action"
    assert demo.post(action, {"os-reserve": {}}).status_code == 202
    assert _status(demo, vol["id"]) == "attaching"
    assert demo.post(action, {"os-unreserve": {}}).status_code == 202
    assert _status(demo, vol["id"]) == "available"
    server_id = str(uuid.uuid4())
    assert demo.post(action, {"os-reserve": {}}).status_code == 202
    r = demo.post(action, {"os-attach": {"instance_uuid": server_id, "mountpoint": "/dev/vdb", "mode": "rw"}})
    assert r.status_code == 202
    shown = demo.get(f"/volumes/{vol['id']}").json()["volume"]
    assert shown["status"] == "in-use" and shown["metadata"]["attached_mode"] == "rw"
    assert shown["attachments"][0]["server_id"] == server_id
    info = demo.post(action, {"os-initialize_connection": {"connector": CONNECTOR}}).json()["connection_info"]
    assert info["data"]["volume_id"] == vol["id"] and info["enforce_multipath"] is False
    assert demo.post(action, {"os-begin_detaching": {}}).status_code == 202
    assert _status(demo, vol["id"]) == "detaching"
    assert demo.post(action, {"os-roll_detaching": {}}).status_code == 202
    assert _status(demo, vol["id"]) == "in-use"
    assert demo.post(action, {"os-detach": {}}).status_code == 202
    shown = demo.get(f"/volumes/{vol['id']}").json()["volume"]
    assert shown["status"] == "available" and shown["attachments"] == []
    assert "attached_mode" not in shown["metadata"]
    # begin_detaching needs an attached volume
    r = demo.post(action, {"os-begin_detaching": {}})
    assert r.status_code == 400 and "Volume status must be 'in-use'" in r.text
    demo.delete(f"/volumes/{vol['id']}")


def test_readonly_volume_attaches_read_only(demo: Cinder) -> None:
    vol = demo.available_volume()
    action = f"/volumes/{vol['id']}/action"
    assert demo.post(action, {"os-update_readonly_flag": {"readonly": True}}).status_code == 202
    r = demo.post(action, {"os-attach": {"instance_uuid": str(uuid.uuid4()), "mountpoint": "/dev/vdb"}})
    assert r.status_code == 400 and "Invalid attaching mode 'rw'" in r.text
    att = demo.post("/attachments", {"attachment": {"volume_uuid": vol["id"], "connector": CONNECTOR}})
    assert att.json()["attachment"]["attach_mode"] == "ro"
    demo.delete(f"/attachments/{att.json()['attachment']['id']}")
    demo.delete(f"/volumes/{vol['id']}")


def test_snapshots_of_in_use_volumes_and_cascade(demo: Cinder) -> None:
    vol = demo.available_volume()
    att = demo.post("/attachments", {"attachment": {"volume_uuid": vol["id"], "connector": CONNECTOR}}).json()
    demo.post(f"/attachments/{att['attachment']['id']}/action", {"os-complete": {}})
    body = {"snapshot": {"volume_id": vol["id"], "name": "hot"}}
    r = demo.post("/snapshots", body, version="3.65")
    assert r.status_code == 400 and "status must be available, but current status is: in-use" in r.text
    assert demo.post("/snapshots", {"snapshot": {**body["snapshot"], "force": False}}).status_code == 400
    hot = demo.post("/snapshots", body).json()["snapshot"]  # 3.66: in-use allowed
    forced = demo.post("/snapshots", {"snapshot": {**body["snapshot"], "force": True}}, version="3.0").json()
    demo.wait("snapshot", hot["id"], "available")
    demo.wait("snapshot", forced["snapshot"]["id"], "available")
    demo.delete(f"/attachments/{att['attachment']['id']}")
    r = demo.delete(f"/volumes/{vol['id']}")
    assert r.status_code == 400 and "have snapshots" in r.text
    assert demo.delete(f"/volumes/{vol['id']}?cascade=true").status_code == 202
    demo.wait_gone("volume", vol["id"])
    assert demo.get(f"/snapshots/{hot['id']}").status_code == 404


def test_extend_in_use_needs_342(demo: Cinder) -> None:
    vol = demo.available_volume()
    att = demo.post("/attachments", {"attachment": {"volume_uuid": vol["id"], "connector": CONNECTOR}}).json()
    demo.post(f"/attachments/{att['attachment']['id']}/action", {"os-complete": {}})
    action = f"/volumes/{vol['id']}/action"
    r = demo.post(action, {"os-extend": {"new_size": 2}}, version="3.41")
    assert r.status_code == 400 and "to extend, currently in-use" in r.text
    assert demo.post(action, {"os-extend": {"new_size": 2}}, version="3.42").status_code == 202
    shown = demo.wait("volume", vol["id"], "in-use")
    assert shown["size"] == 2
    demo.delete(f"/attachments/{att['attachment']['id']}")
    demo.delete(f"/volumes/{vol['id']}")


def test_retype(demo: Cinder) -> None:
    vol = demo.available_volume()
    action = f"/volumes/{vol['id']}/action"
    assert demo.post(action, {"os-retype": {"new_type": "__DEFAULT__"}}).status_code == 202
    shown = demo.wait("volume", vol["id"], "available")
    assert shown["volume_type"] == "__DEFAULT__"
    r = demo.post(action, {"os-retype": {"new_type": "__DEFAULT__"}})
    assert r.status_code == 400 and "requested type has to be different" in r.text
    assert demo.post(action, {"os-retype": {"new_type": "no-such-type"}}).status_code == 404
    demo.delete(f"/volumes/{vol['id']}")


def test_admin_reset_and_force_delete(demo: Cinder, admin: Cinder) -> None:
    vol = demo.available_volume()
    admin_path = f"/volumes/{vol['id']}/action"
    assert admin.post(admin_path, {"os-reset_status": {"status": "error"}}).status_code == 202
    assert _status(demo, vol["id"]) == "error"
    r = admin.post(admin_path, {"os-reset_status": {"status": "bogus"}})
    assert r.status_code == 400 and "Volume status: bogus is invalid" in r.text
    r = admin.post(admin_path, {"os-reset_status": {"status": "in-use"}})
    assert r.status_code == 400 and "does not have any attachments" in r.text
    assert admin.post(admin_path, {"os-reset_status": {"status": "maintenance"}}).status_code == 202
    assert demo.delete(f"/volumes/{vol['id']}").status_code == 400
    assert admin.post(admin_path, {"os-force_delete": {}}).status_code == 202
    demo.wait_gone("volume", vol["id"])


def test_transfer_moves_ownership(server: Server, demo: Cinder) -> None:
    alt = client(server, "alt_demo", "alt_demo")
    vol = demo.available_volume(name="gift")
    created = demo.post("/volume-transfers", {"transfer": {"volume_id": vol["id"], "name": "t"}}).json()["transfer"]
    assert created["auth_key"] and created["accepted"] is False
    assert _status(demo, vol["id"]) == "awaiting-transfer"
    bad = alt.post(f"/volume-transfers/{created['id']}/accept", {"accept": {"auth_key": "wrong"}})
    assert bad.status_code == 400
    ok = alt.post(f"/volume-transfers/{created['id']}/accept", {"accept": {"auth_key": created["auth_key"]}})
    assert ok.status_code == 202 and ok.json()["transfer"]["volume_id"] == vol["id"]
    assert demo.get(f"/volumes/{vol['id']}").status_code == 404
    assert alt.get(f"/volumes/{vol['id']}").json()["volume"]["status"] == "available"
    alt.delete(f"/volumes/{vol['id']}")


def test_bootable_clone_keeps_image_metadata(demo: Cinder) -> None:
    vol = demo.available_volume()
    action = f"/volumes/{vol['id']}/action"
    r = demo.post(action, {"os-set_image_metadata": {"metadata": {"hw_disk_bus": "scsi"}}})
    assert r.status_code == 200 and r.json() == {"metadata": {"hw_disk_bus": "scsi"}}
    demo.post(action, {"os-set_bootable": {"bootable": True}})
    clone = demo.available_volume(source_volid=vol["id"])
    assert clone["bootable"] == "true" and clone["volume_image_metadata"] == {"hw_disk_bus": "scsi"}
    assert demo.post(action, {"os-unset_image_metadata": {"key": "hw_disk_bus"}}).status_code == 200
    shown = demo.post(action, {"os-show_image_metadata": {}}).json()
    assert shown == {"metadata": {}}
    demo.delete(f"/volumes/{clone['id']}")
    demo.delete(f"/volumes/{vol['id']}")
