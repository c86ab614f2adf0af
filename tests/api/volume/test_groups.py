"""Generic volume groups: group types and specs, groups with volumes, group snapshots,
groups from a group snapshot or another group, resets, quotas and bad input."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.api.volume.util import Cinder, client, fresh_member
from tests.server import Server


@pytest.fixture(scope="module")
def admin(server: Server) -> Cinder:
    return client(server, "admin", "admin")


@pytest.fixture(scope="module")
def demo(server: Server) -> Cinder:
    return fresh_member(server)


@pytest.fixture(scope="module")
def types(admin: Cinder) -> dict[str, str]:
    """A public volume type and a group type the demo projects can use."""
    suffix = uuid.uuid4().hex[:8]
    vt = admin.post("/types", {"volume_type": {"name": f"grp-vt-{suffix}"}})
    assert vt.status_code == 200, vt.text
    gt = admin.post("/group_types", {"group_type": {"name": f"grp-gt-{suffix}", "group_specs": {"k": "v"}}})
    assert gt.status_code == 202, gt.text
    return {"volume_type": vt.json()["volume_type"]["id"], "group_type": gt.json()["group_type"]["id"]}


def _group(c: Cinder, types: dict[str, str], **extra: Any) -> dict[str, Any]:
    r = c.post(
        "/groups", {"group": {"group_type": types["group_type"], "volume_types": [types["volume_type"]], **extra}}
    )
    assert r.status_code == 202, r.text
    assert set(r.json()["group"]) == {"id", "name"}
    return c.wait("group", r.json()["group"]["id"], "available")


def _member(c: Cinder, types: dict[str, str], group_id: str) -> dict[str, Any]:
    return c.available_volume(1, volume_type=types["volume_type"], group_id=group_id)


def test_group_types_and_specs(admin: Cinder, demo: Cinder) -> None:
    name = f"gt-{uuid.uuid4().hex[:8]}"
    r = admin.post("/group_types", {"group_type": {"name": name, "description": "d", "is_public": "false"}})
    assert r.status_code == 202, r.text
    gt = r.json()["group_type"]
    assert gt == {"id": gt["id"], "name": name, "description": "d", "is_public": False, "group_specs": {}}
    assert admin.post("/group_types", {"group_type": {"name": name}}).status_code == 409
    # specs
    r = admin.post(f"/group_types/{gt['id']}/group_specs", {"group_specs": {"a": "1", "b": "2"}})
    assert r.status_code == 202 and r.json() == {"group_specs": {"a": "1", "b": "2"}}
    assert admin.get(f"/group_types/{gt['id']}/group_specs/a").json() == {"a": "1"}
    r = admin.put(f"/group_types/{gt['id']}/group_specs/a", {"a": "3"})
    assert r.status_code == 200 and r.json() == {"a": "3"}
    r = admin.put(f"/group_types/{gt['id']}/group_specs/a", {"b": "3"})
    assert r.status_code == 400 and "Request body and URI mismatch" in r.text
    assert admin.delete(f"/group_types/{gt['id']}/group_specs/b").status_code == 202
    assert admin.get(f"/group_types/{gt['id']}/group_specs").json() == {"group_specs": {"a": "3"}}
    r = admin.delete(f"/group_types/{gt['id']}/group_specs/b")
    assert r.status_code == 404 and r.json()["itemNotFound"]["message"].endswith("has no specs with key b.")
    # update
    r = admin.put(f"/group_types/{gt['id']}", {"group_type": {"description": "new", "is_public": True}})
    assert r.status_code == 200 and r.json()["group_type"]["description"] == "new"
    r = admin.put(f"/group_types/{gt['id']}", {"group_type": {}})
    assert r.status_code == 400 and "Specify group type name, description" in r.text
    # lists: private types only for admins asking for them, specs hidden from members
    listed = {t["id"]: t for t in demo.get("/group_types").json()["group_types"]}
    assert gt["id"] in listed and "group_specs" not in listed[gt["id"]]
    assert any(t["name"] == "default_cgsnapshot_type" for t in listed.values())
    assert demo.get(f"/group_types/{gt['id']}/group_specs").status_code == 403
    assert demo.post("/group_types", {"group_type": {"name": "x"}}).status_code == 403
    r = demo.get("/group_types/default")
    assert r.status_code == 404 and "Default group type can not be found." in r.text
    # before 3.11 there are no group types
    assert admin.get("/group_types", version="3.10").status_code == 404
    assert admin.delete(f"/group_types/{gt['id']}").status_code == 202
    assert admin.get(f"/group_types/{gt['id']}").status_code == 404


def test_group_lifecycle_with_volumes(demo: Cinder, types: dict[str, str]) -> None:
    grp = _group(demo, types, name=" g1 ", description="desc")
    assert grp["name"] == "g1" and grp["group_type"] == types["group_type"]
    assert grp["volume_types"] == [types["volume_type"]] and grp["replication_status"] == "disabled"
    assert "volumes" not in grp and "project_id" not in grp
    v1 = _member(demo, types, grp["id"])
    v2 = _member(demo, types, grp["id"])
    assert v1["group_id"] == grp["id"]
    shown = demo.get(f"/groups/{grp['id']}?list_volume=true").json()["group"]
    assert sorted(shown["volumes"]) == sorted([v1["id"], v2["id"]])
    assert demo.get(f"/groups/{grp['id']}?list_volume=maybe").status_code == 400
    # a member can't be deleted on its own
    r = demo.delete(f"/volumes/{v1['id']}")
    assert r.status_code == 400 and "belong to a group" in r.text
    # remove one, rename
    r = demo.put(f"/groups/{grp['id']}", {"group": {"name": "g2", "remove_volumes": v2["id"]}})
    assert r.status_code == 202, r.text
    demo.wait("group", grp["id"], "available")
    assert demo.get(f"/volumes/{v2['id']}").json()["volume"]["group_id"] is None
    assert demo.get(f"/groups/{grp['id']}").json()["group"]["name"] == "g2"
    # add it back; a volume of another type can't join
    other = demo.available_volume(1)
    r = demo.put(f"/groups/{grp['id']}", {"group": {"add_volumes": other["id"]}})
    assert r.status_code == 400 and "is not supported by the group" in r.text
    r = demo.put(f"/groups/{grp['id']}", {"group": {"add_volumes": v2["id"], "remove_volumes": v2["id"]}})
    assert r.status_code == 400 and "in both add and remove volume list" in r.text
    assert demo.put(f"/groups/{grp['id']}", {"group": {"add_volumes": v2["id"]}}).status_code == 202
    demo.wait("group", grp["id"], "available")
    listed = demo.get("/volumes/detail").json()["volumes"]
    assert sorted(v["id"] for v in listed if v["group_id"] == grp["id"]) == sorted([v1["id"], v2["id"]])
    # lists
    assert grp["id"] in [g["id"] for g in demo.get("/groups").json()["groups"]]
    detail = demo.get("/groups/detail").json()["groups"]
    assert any(g["id"] == grp["id"] and g["status"] == "available" for g in detail)
    r = demo.get("/groups?status=available")
    assert r.status_code == 400 and "Invalid filters status" in r.text
    # delete needs delete-volumes while volumes remain
    r = demo.post(f"/groups/{grp['id']}/action", {"delete": {}})
    assert r.status_code == 400 and "still contains volumes" in r.text
    assert demo.post(f"/groups/{grp['id']}/action", {"delete": {"delete-volumes": True}}).status_code == 202
    demo.wait_gone("group", grp["id"])
    for vid in (v1["id"], v2["id"]):
        demo.wait_gone("volume", vid)
    assert demo.get(f"/volumes/{other['id']}").status_code == 200


def test_group_snapshots_and_groups_from_sources(demo: Cinder, admin: Cinder, types: dict[str, str]) -> None:
    grp = _group(demo, types)
    vol = _member(demo, types, grp["id"])
    r = demo.post("/group_snapshots", {"group_snapshot": {"group_id": grp["id"], "name": "gs"}})
    assert r.status_code == 202, r.text
    gs = r.json()["group_snapshot"]
    assert set(gs) == {"id", "name", "group_type_id"}
    gs = demo.wait("group_snapshot", gs["id"], "available")
    assert gs["group_id"] == grp["id"] and gs["group_type_id"] == types["group_type"] and "project_id" not in gs
    snaps = [s for s in demo.get("/snapshots/detail").json()["snapshots"] if s["group_snapshot_id"] == gs["id"]]
    assert [s["volume_id"] for s in snaps] == [vol["id"]] and snaps[0]["status"] == "available"
    # a member snapshot can't be deleted on its own
    r = demo.delete(f"/snapshots/{snaps[0]['id']}")
    assert r.status_code == 400 and "must not be part of a group" in r.text
    listed = demo.get("/group_snapshots").json()["group_snapshots"]
    assert {"id": gs["id"], "name": "gs"} in listed
    assert admin.get(f"/group_snapshots/{gs['id']}").json()["group_snapshot"]["project_id"] == demo.project_id
    # a group from the group snapshot, and one from the group
    r = demo.post("/groups/action", {"create-from-src": {"group_snapshot_id": gs["id"], "name": "from-gs"}})
    assert r.status_code == 202, r.text
    g2 = demo.wait("group", r.json()["group"]["id"], "available")
    assert g2["group_snapshot_id"] == gs["id"] and g2["volume_types"] == [types["volume_type"]]
    r = demo.post("/groups/action", {"create-from-src": {"source_group_id": grp["id"]}})
    assert r.status_code == 202, r.text
    g3 = demo.wait("group", r.json()["group"]["id"], "available")
    assert g3["source_group_id"] == grp["id"]
    for g in (g2, g3):
        vols = demo.get(f"/groups/{g['id']}?list_volume=True").json()["group"]["volumes"]
        assert len(vols) == 1
        made = demo.wait("volume", vols[0], "available")
        assert made["group_id"] == g["id"] and made["volume_type"] == vol["volume_type"]
    r = demo.post("/groups/action", {"create-from-src": {"source_group_id": grp["id"], "group_snapshot_id": gs["id"]}})
    assert r.status_code == 400
    # the source group can't go while it has snapshots
    r = demo.post(f"/groups/{grp['id']}/action", {"delete": {"delete-volumes": True}})
    assert r.status_code == 400 and "Group has existing snapshots." in r.text
    # resets are for admins, with Cinder's status checks
    r = demo.post(f"/group_snapshots/{gs['id']}/action", {"reset_status": {"status": "error"}})
    assert r.status_code == 403
    r = admin.post(f"/group_snapshots/{gs['id']}/action", {"reset_status": {"status": "bogus"}})
    assert r.status_code == 400 and "Group snapshot status: bogus is invalid" in r.text
    r = admin.post(f"/group_snapshots/{gs['id']}/action", {"reset_status": {"status": "error"}})
    assert r.status_code == 202
    assert demo.get(f"/group_snapshots/{gs['id']}").json()["group_snapshot"]["status"] == "error"
    r = admin.post(f"/groups/{grp['id']}/action", {"reset_status": {"status": "in-use"}})
    assert r.status_code == 400 and "Group status: in-use is invalid" in r.text
    assert admin.post(f"/groups/{grp['id']}/action", {"reset_status": {"status": "error"}}).status_code == 202
    assert demo.get(f"/groups/{grp['id']}").json()["group"]["status"] == "error"
    assert admin.post(f"/groups/{grp['id']}/action", {"reset_status": {"status": "available"}}).status_code == 202
    # replication needs a replication group type
    r = demo.post(f"/groups/{grp['id']}/action", {"enable_replication": {}})
    assert r.status_code == 400 and "is not a replication group type" in r.text
    # tear down: snapshot, then groups with their volumes
    assert demo.delete(f"/group_snapshots/{gs['id']}").status_code == 202
    demo.wait_gone("group_snapshot", gs["id"])
    assert not [s for s in demo.get("/snapshots").json()["snapshots"] if s["id"] == snaps[0]["id"]]
    for g in (grp, g2, g3):
        assert demo.post(f"/groups/{g['id']}/action", {"delete": {"delete-volumes": "true"}}).status_code == 202
        demo.wait_gone("group", g["id"])


def test_group_isolation_quota_and_bad_input(server: Server, admin: Cinder, types: dict[str, str]) -> None:
    owner, other = fresh_member(server), fresh_member(server)
    grp = _group(owner, types)
    for path in (f"/groups/{grp['id']}",):
        assert other.get(path).status_code == 404
    r = other.post(f"/groups/{grp['id']}/action", {"delete": {"delete-volumes": True}})
    assert r.status_code == 404 and r.json()["itemNotFound"]["message"] == f"Group {grp['id']} could not be found."
    r = other.post("/volumes", {"volume": {"size": 1, "volume_type": types["volume_type"], "group_id": grp["id"]}})
    assert r.status_code == 404
    # a volume in a group names one of its types
    r = owner.post("/volumes", {"volume": {"size": 1, "group_id": grp["id"]}})
    assert r.status_code == 400 and "volume_type must be provided when creating a volume in a group" in r.text
    r = owner.post("/volumes", {"volume": {"size": 1, "group_id": grp["id"], "volume_type": "lvmdriver-1"}})
    assert r.status_code == 400 and "requested type must be supported by this group" in r.text
    before = len(owner.get("/groups").json()["groups"])
    far = {"group_type": types["group_type"], "volume_types": ["lvmdriver-1"], "availability_zone": "mars"}
    bad: list[tuple[dict[str, Any], int, str]] = [
        ({"group": {"group_type": types["group_type"]}}, 400, "'volume_types' is a required property"),
        ({"group": {"group_type": types["group_type"], "volume_types": []}}, 400, "volume_types"),
        ({"group": {"group_type": "  ", "volume_types": ["lvmdriver-1"]}}, 400, "group_type"),
        ({"group": {"group_type": "nope", "volume_types": ["lvmdriver-1"]}}, 404, "Group type with name nope"),
        ({"group": {"group_type": types["group_type"], "volume_types": ["nope"]}}, 404, "nope"),
        ({"group": {"group_type": types["group_type"], "volume_types": ["lvmdriver-1"], "bogus": 1}}, 400, "bogus"),
        ({"group": far}, 400, "Availability zone 'mars' is invalid"),
        ({"groups": {}}, 400, "'group' is a required property"),
    ]
    for body, code, text in bad:
        r = owner.post("/groups", body)
        assert r.status_code == code, (body, r.text)
        assert text in r.text, (body, r.text)
    assert len(owner.get("/groups").json()["groups"]) == before
    # over the groups quota: 413, nothing made
    r = admin.put(f"/os-quota-sets/{owner.project_id}", {"quota_set": {"groups": 1}})
    assert r.status_code == 200, r.text
    r = owner.post("/groups", {"group": {"group_type": types["group_type"], "volume_types": ["lvmdriver-1"]}})
    assert r.status_code == 413 and "Maximum number of groups allowed (1) exceeded" in r.text
    usage = admin.get(f"/os-quota-sets/{owner.project_id}?usage=True").json()["quota_set"]["groups"]
    assert usage["in_use"] == 1 and usage["limit"] == 1
    assert len(owner.get("/groups").json()["groups"]) == before
    # groups are 3.13+, group snapshots 3.14+
    assert owner.get("/groups", version="3.12").status_code == 404
    assert owner.get("/group_snapshots", version="3.13").status_code == 404
    assert owner.post(f"/groups/{grp['id']}/action", {"bogus": {}}).status_code == 400
    owner.post(f"/groups/{grp['id']}/action", {"delete": {}})
    owner.wait_gone("group", grp["id"])
