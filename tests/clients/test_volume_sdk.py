"""openstacksdk's block_storage proxy against a real server (microversions negotiated
up to 3.71), as the demo member and as the admin."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.server import Server


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def member(server: Server) -> Any:
    return server.sdk("pocketstack")


@pytest.fixture(scope="module")
def admin(server: Server) -> Any:
    return server.sdk("pocketstack-admin")


def test_negotiates_the_newest_microversion(member: Any) -> None:
    data = member.block_storage.get_endpoint_data()
    assert str(data.max_microversion) in ("3.71", "(3, 71)") or tuple(data.max_microversion) == (3, 71)
    assert data.service_type in ("block-storage", "volumev3")


def test_volume_snapshot_backup_round_trip(member: Any) -> None:
    bs = member.block_storage
    vol = bs.create_volume(size=1, name=_name("sdk"), metadata={"owner": "sdk"})
    vol = bs.wait_for_status(vol, status="available", failures=["error"], interval=0.1, wait=30)
    assert vol.size == 1 and vol.metadata == {"owner": "sdk"} and vol.volume_type == "lvmdriver-1"
    assert vol.is_bootable is False and vol.consumes_quota is True

    bs.extend_volume(vol, 2)
    vol = bs.wait_for_status(bs.get_volume(vol.id), status="available", interval=0.1, wait=30)
    assert vol.size == 2

    snap = bs.create_snapshot(volume_id=vol.id, name=_name("snap"))
    snap = bs.wait_for_status(snap, status="available", failures=["error"], interval=0.1, wait=30)
    assert snap.volume_id == vol.id and snap.size == 2
    clone = bs.create_volume(snapshot_id=snap.id, name=_name("fromsnap"))
    clone = bs.wait_for_status(clone, status="available", interval=0.1, wait=30)
    assert clone.snapshot_id == snap.id

    backup = bs.create_backup(volume_id=vol.id, name=_name("bk"))
    backup = bs.wait_for_status(backup, status="available", failures=["error"], interval=0.1, wait=30)
    assert backup.size == 2 and backup.is_incremental is False
    bs.restore_backup(backup, volume=clone.id)
    bs.wait_for_status(bs.get_volume(clone.id), status="available", interval=0.1, wait=30)

    assert [v.id for v in bs.volumes(details=True, name=vol.name)] == [vol.id]
    bs.delete_backup(backup)
    bs.wait_for_delete(backup, interval=0.1, wait=30)
    bs.delete_volume(clone)
    bs.wait_for_delete(clone, interval=0.1, wait=30)
    bs.delete_snapshot(snap)
    bs.wait_for_delete(snap, interval=0.1, wait=30)
    bs.delete_volume(vol)
    bs.wait_for_delete(vol, interval=0.1, wait=30)


def test_attachments_as_nova_drives_them(member: Any) -> None:
    bs = member.block_storage
    vol = bs.wait_for_status(bs.create_volume(size=1, name=_name("att")), status="available", interval=0.1, wait=30)
    server_id = str(uuid.uuid4())
    att = bs.create_attachment(vol, instance=server_id)
    assert att.status == "reserved"
    assert bs.get_volume(vol.id).status == "reserved"
    connector = {"host": "compute-x", "initiator": "iqn.x", "mountpoint": "/dev/vdb"}
    att = bs.update_attachment(att, connector=connector)
    assert att.connection_info["driver_volume_type"] == "iscsi"
    bs.complete_attachment(att)
    vol = bs.get_volume(vol.id)
    assert vol.status == "in-use" and vol.attachments[0]["server_id"] == server_id
    assert [a.id for a in bs.attachments(volume_id=vol.id)] == [att.id]
    bs.delete_attachment(att)
    assert bs.get_volume(vol.id).status == "available"
    bs.delete_volume(vol)


def test_types_quotas_limits(admin: Any, member: Any) -> None:
    bs = admin.block_storage
    vtype = bs.create_type(name=_name("sdktype"), extra_specs={"volume_backend_name": "lvmdriver-1"}, is_public=False)
    demo = admin.identity.find_project("demo")
    bs.add_type_access(vtype, demo.id)
    assert [a["project_id"] for a in bs.get_type_access(vtype)] == [demo.id]
    assert vtype.name in {t.name for t in member.block_storage.types()}
    bs.remove_type_access(vtype, demo.id)
    bs.delete_type(vtype)

    default = bs.get_type("default") if hasattr(bs, "get_type") else None
    assert default is None or default.name == "lvmdriver-1"

    quota = bs.get_quota_set(demo.id, usage=True)
    assert quota.volumes == 10 and quota.usage["volumes"] >= 0
    limits = member.block_storage.get_limits()
    assert limits.absolute.max_total_volumes == 10


def test_admin_views(admin: Any) -> None:
    bs = admin.block_storage
    binaries = {s.binary for s in bs.services()}
    assert binaries == {"cinder-scheduler", "cinder-volume", "cinder-backup"}
    pools = list(bs.backend_pools(detail=True))
    assert pools and pools[0].capabilities["volume_backend_name"] == "lvmdriver-1"
    assert [z.name for z in bs.availability_zones()] == ["nova"]
