"""Unmanage and manage: the backend keeps unmanaged storage, lists it as manageable, and
a manage request takes it back (or fails into ``error`` for a bad reference)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.api.volume.util import Cinder, client, fresh_member
from tests.server import Server

HOST = "pocketstack@lvmdriver-1#lvmdriver-1"
Q = "pocketstack%40lvmdriver-1%23lvmdriver-1"  # the host, URL-encoded


@pytest.fixture(scope="module")
def admin(server: Server) -> Cinder:
    return client(server, "admin", "admin")


def _refs(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["reference"]["source-name"]: e for e in entries}


def test_unmanage_and_manage_volume(admin: Cinder) -> None:
    vol = admin.available_volume(2, name="to-unmanage")
    shown = admin.get(f"/volumes/{vol['id']}").json()["volume"]
    assert shown["os-vol-host-attr:host"] == HOST
    listed = _refs(admin.get(f"/manageable_volumes/detail?host={Q}").json()["manageable-volumes"])
    entry = listed[f"volume-{vol['id']}"]
    assert entry == {
        "reference": {"source-name": f"volume-{vol['id']}"}, "size": 2, "safe_to_manage": False,
        "reason_not_safe": "already managed", "cinder_id": vol["id"], "extra_info": None,
    }  # fmt: skip
    # managing what Cinder already manages is refused
    r = admin.post("/os-volume-manage", {"volume": {"host": HOST, "ref": {"source-name": f"volume-{vol['id']}"}}})
    assert r.status_code == 400 and "The volume is already managed" in r.text

    assert admin.post(f"/volumes/{vol['id']}/action", {"os-unmanage": {}}).status_code == 202
    admin.wait_gone("volume", vol["id"])
    listed = _refs(admin.get(f"/manageable_volumes?host={Q}").json()["manageable-volumes"])
    assert listed[f"volume-{vol['id']}"] == {
        "reference": {"source-name": f"volume-{vol['id']}"}, "size": 2, "safe_to_manage": True,
    }  # fmt: skip

    body = {
        "volume": {
            "host": HOST, "ref": {"source-name": f"volume-{vol['id']}"}, "name": " managed ",
            "volume_type": "lvmdriver-1", "bootable": True, "metadata": {"k": "v"},
        }
    }  # fmt: skip
    r = admin.post("/os-volume-manage", body)
    assert r.status_code == 202, r.text
    made = r.json()["volume"]
    assert made["status"] == "creating" and made["name"] == "managed" and made["bootable"] == "true"
    assert "group_id" not in made  # the legacy view, whatever the microversion
    done = admin.wait("volume", made["id"], "available")
    assert done["size"] == 2 and done["metadata"] == {"k": "v"} and done["os-vol-host-attr:host"] == HOST
    assert f"volume-{vol['id']}" not in _refs(admin.get(f"/manageable_volumes?host={Q}").json()["manageable-volumes"])
    assert admin.delete(f"/volumes/{made['id']}").status_code == 202


def test_manage_bad_reference_ends_in_error(admin: Cinder) -> None:
    body = {"volume": {"host": HOST, "ref": {"source-name": "volume-nope"}}}
    r = admin.post("/manageable_volumes", body)
    assert r.status_code == 202
    vid = r.json()["volume"]["id"]
    admin.wait("volume", vid, "error")
    assert admin.delete(f"/volumes/{vid}").status_code == 202
    admin.wait_gone("volume", vid)


def test_manage_bad_input(server: Server, admin: Cinder) -> None:
    one_of = "One and only one of cluster and host must be set."
    no_type = "Cannot find requested 'nope' volume type"
    cases: list[tuple[str, dict[str, Any], int, str]] = [
        ("/os-volume-manage", {"volume": {"host": HOST}}, 400, "'ref' is a required property"),
        ("/os-volume-manage", {"volume": {"ref": {"source-name": "x"}}}, 400, one_of),
        ("/os-volume-manage", {"volume": {"host": "elsewhere@lvm", "ref": {}}}, 503, "Host 'elsewhere@lvm' not found"),
        ("/os-volume-manage", {"volume": {"host": HOST, "ref": {}, "volume_type": "nope"}}, 400, no_type),
        ("/os-snapshot-manage", {"snapshot": {"ref": {}}}, 400, "'volume_id' is a required property"),
        ("/os-snapshot-manage", {"snapshot": {"ref": {}, "volume_id": str(uuid.uuid4())}}, 404, "could not be found"),
    ]
    before = len(admin.get("/volumes?all_tenants=1").json()["volumes"])
    for path, body, code, text in cases:
        r = admin.post(path, body)
        assert r.status_code == code, (body, r.text)
        assert text in r.text, (body, r.text)
    assert len(admin.get("/volumes?all_tenants=1").json()["volumes"]) == before
    r = admin.post("/os-volume-manage", {"volume": {"ref": {"source-name": "x"}}}, version="3.15")
    assert r.status_code == 400 and "Host field is missing." in r.text
    assert admin.get("/manageable_volumes?host=" + Q, version="3.7").status_code == 404
    r = admin.get("/manageable_volumes?host=" + Q + "&sort_key=name")
    assert r.status_code == 400 and "Invalid sort keys passed: name" in r.text
    # members may neither list nor manage
    member = fresh_member(server)
    assert member.get(f"/manageable_volumes?host={Q}").status_code == 403
    assert member.post("/os-volume-manage", {"volume": {"host": HOST, "ref": {}}}).status_code == 403


def test_unmanage_and_manage_snapshot(admin: Cinder) -> None:
    vol = admin.available_volume(1)
    r = admin.post("/snapshots", {"snapshot": {"volume_id": vol["id"], "name": "s"}})
    snap = admin.wait("snapshot", r.json()["snapshot"]["id"], "available")
    assert admin.post(f"/snapshots/{snap['id']}/action", {"os-unmanage": {}}).status_code == 202
    admin.wait_gone("snapshot", snap["id"])
    listed = _refs(admin.get(f"/manageable_snapshots/detail?host={Q}").json()["manageable-snapshots"])
    entry = listed[f"_snapshot-{snap['id']}"]
    assert entry["safe_to_manage"] is True and entry["source_reference"] == {"source-name": f"volume-{vol['id']}"}
    body = {
        "snapshot": {
            "volume_id": vol["id"], "ref": {"source-name": f"_snapshot-{snap['id']}"}, "name": "back",
            "description": "again", "metadata": {"a": "b"},
        }
    }  # fmt: skip
    r = admin.post("/os-snapshot-manage", body)
    assert r.status_code == 202, r.text
    made = r.json()["snapshot"]
    assert made["status"] == "creating" and made["volume_id"] == vol["id"]
    done = admin.wait("snapshot", made["id"], "available")
    assert done["size"] == 1 and done["name"] == "back" and done["metadata"] == {"a": "b"}
    # a reference the backend doesn't have: the snapshot errors
    r = admin.post("/os-snapshot-manage", {"snapshot": {"volume_id": vol["id"], "ref": {"source-name": "nope"}}})
    admin.wait("snapshot", r.json()["snapshot"]["id"], "error")
