"""The real ``openstack`` CLI against a real server: block storage workflows.

As the demo member (``pocketstack``) unless a step needs the admin.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from tests.server import Server

MEMBER = "pocketstack"


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _wait(server: Server, kind: list[str], ident: str, status: str, cloud: str = MEMBER) -> dict[str, Any]:
    """Poll ``openstack <kind> show`` until ``status`` (the simulated backend is instant)."""
    deadline = time.monotonic() + 60
    while True:
        shown = server.openstack(*kind, "show", ident, cloud=cloud)
        if shown["status"] == status or time.monotonic() > deadline:
            assert shown["status"] == status, shown
            return shown  # type: ignore[no-any-return]
        time.sleep(0.2)


def _image(server: Server) -> dict[str, Any]:
    images = server.openstack("image", "list", cloud=MEMBER)
    return next(i for i in images if i["Name"].startswith("cirros"))  # type: ignore[no-any-return]


def test_volume_lifecycle_as_member(server: Server) -> None:
    name = _name("vol")
    created = server.openstack("volume", "create", "--size", "1", "--description", "first", name, cloud=MEMBER)
    assert created["status"] == "creating" and created["size"] == 1 and created["type"] == "lvmdriver-1"
    _wait(server, ["volume"], name, "available")

    new = _name("vol")
    server.openstack(
        "volume", "set", "--name", new, "--property", "tier=gold", "--description", "second", name,
        cloud=MEMBER, json_output=False,
    )  # fmt: skip
    server.openstack("volume", "set", "--size", "2", new, cloud=MEMBER, json_output=False)
    shown = _wait(server, ["volume"], new, "available")
    assert shown["size"] == 2 and shown["description"] == "second"
    assert shown["properties"] == {"tier": "gold"}
    assert shown["bootable"] is False

    server.openstack("volume", "set", "--bootable", "--read-only", new, cloud=MEMBER, json_output=False)
    shown = server.openstack("volume", "show", new, cloud=MEMBER)
    assert shown["bootable"] is True and shown["properties"]["readonly"] == "True"
    server.openstack("volume", "set", "--non-bootable", "--read-write", new, cloud=MEMBER, json_output=False)
    shown = server.openstack("volume", "show", new, cloud=MEMBER)
    assert shown["bootable"] is False and shown["properties"]["readonly"] == "False"
    server.openstack("volume", "unset", "--property", "tier", new, cloud=MEMBER, json_output=False)
    assert "tier" not in server.openstack("volume", "show", new, cloud=MEMBER)["properties"]

    listed = {v["Name"]: v for v in server.openstack("volume", "list", cloud=MEMBER)}
    assert listed[new]["Status"] == "available" and listed[new]["Size"] == 2
    long = server.openstack("volume", "list", "--long", "--name", new, cloud=MEMBER)
    assert [v["Name"] for v in long] == [new]

    server.openstack("volume", "delete", new, cloud=MEMBER, json_output=False)
    gone = server.openstack("volume", "show", new, cloud=MEMBER, check=False, json_output=False)
    assert gone.returncode != 0


def test_snapshot_and_volumes_from_it(server: Server) -> None:
    src = _name("src")
    server.openstack("volume", "create", "--size", "1", src, cloud=MEMBER)
    _wait(server, ["volume"], src, "available")
    snap = _name("snap")
    created = server.openstack("volume", "snapshot", "create", "--volume", src, "--property", "k=v", snap, cloud=MEMBER)
    assert created["volume_id"] and created["size"] == 1
    shown = _wait(server, ["volume", "snapshot"], snap, "available")
    assert shown["properties"] == {"k": "v"}
    assert snap in [s["Name"] for s in server.openstack("volume", "snapshot", "list", cloud=MEMBER)]

    # a volume with snapshots cannot go
    refused = server.openstack("volume", "delete", src, cloud=MEMBER, check=False, json_output=False)
    assert refused.returncode != 0 and "snapshots" in refused.stderr

    from_snap = _name("fromsnap")
    vol = server.openstack("volume", "create", "--snapshot", snap, "--size", "2", from_snap, cloud=MEMBER)
    assert vol["snapshot_id"] == created["id"]
    assert _wait(server, ["volume"], from_snap, "available")["size"] == 2
    clone = _name("clone")
    vol = server.openstack("volume", "create", "--source", src, clone, cloud=MEMBER)
    assert vol["source_volid"] and _wait(server, ["volume"], clone, "available")["size"] == 1

    server.openstack("volume", "delete", from_snap, clone, cloud=MEMBER, json_output=False)
    server.openstack("volume", "snapshot", "delete", snap, cloud=MEMBER, json_output=False)
    for _ in range(50):
        if snap not in [s["Name"] for s in server.openstack("volume", "snapshot", "list", cloud=MEMBER)]:
            break
        time.sleep(0.2)
    server.openstack("volume", "delete", src, cloud=MEMBER, json_output=False)


def test_volume_from_image_is_bootable(server: Server) -> None:
    image = _image(server)
    name = _name("boot")
    server.openstack("volume", "create", "--image", image["ID"], "--size", "1", name, cloud=MEMBER)
    shown = _wait(server, ["volume"], name, "available")
    assert shown["bootable"] is True
    assert shown["volume_image_metadata"]["image_id"] == image["ID"]
    assert shown["volume_image_metadata"]["image_name"] == image["Name"]
    server.openstack("volume", "delete", name, cloud=MEMBER, json_output=False)


def test_upload_volume_to_image(server: Server) -> None:
    vol = _name("up")
    server.openstack("volume", "create", "--size", "1", vol, cloud=MEMBER)
    _wait(server, ["volume"], vol, "available")
    image_name = _name("img")
    server.openstack("image", "create", "--volume", vol, image_name, cloud=MEMBER)
    image = server.openstack("image", "show", image_name, cloud=MEMBER)
    assert image["status"] == "active" and image["disk_format"] == "raw"
    _wait(server, ["volume"], vol, "available")
    server.openstack("image", "delete", image_name, cloud=MEMBER, json_output=False)
    server.openstack("volume", "delete", vol, cloud=MEMBER, json_output=False)


def test_backup_and_restore(server: Server) -> None:
    vol = _name("bk")
    server.openstack("volume", "create", "--size", "1", vol, cloud=MEMBER)
    _wait(server, ["volume"], vol, "available")
    full = _name("full")
    server.openstack("volume", "backup", "create", "--name", full, vol, cloud=MEMBER)
    shown = _wait(server, ["volume", "backup"], full, "available")
    assert shown["is_incremental"] is False and shown["size"] == 1
    incr = _name("incr")
    server.openstack("volume", "backup", "create", "--incremental", "--name", incr, vol, cloud=MEMBER)
    assert _wait(server, ["volume", "backup"], incr, "available")["is_incremental"] is True
    assert server.openstack("volume", "backup", "show", full, cloud=MEMBER)["has_dependent_backups"] is True

    # restore to a new volume and over the existing one
    restored = _name("restored")
    result = server.openstack("volume", "backup", "restore", full, restored, cloud=MEMBER)
    assert result["id"] == shown["id"] and result["volume_name"] == restored
    assert _wait(server, ["volume"], restored, "available")["size"] == 1
    server.openstack("volume", "backup", "restore", "--force", full, vol, cloud=MEMBER)
    _wait(server, ["volume"], vol, "available")

    # the full backup has a dependent: it goes last
    refused = server.openstack("volume", "backup", "delete", full, cloud=MEMBER, check=False, json_output=False)
    assert refused.returncode != 0
    server.openstack("volume", "backup", "delete", incr, cloud=MEMBER, json_output=False)
    for _ in range(50):
        if incr not in [b["Name"] for b in server.openstack("volume", "backup", "list", cloud=MEMBER)]:
            break
        time.sleep(0.2)
    server.openstack("volume", "backup", "delete", full, cloud=MEMBER, json_output=False)
    server.openstack("volume", "delete", vol, restored, cloud=MEMBER, json_output=False)


def test_volume_types_admin_and_member(server: Server) -> None:
    name = _name("type")
    created = server.openstack(
        "volume", "type", "create", "--private", "--property", "volume_backend_name=lvmdriver-1",
        "--description", "gold tier", name,
    )  # fmt: skip
    assert created["is_public"] is False and created["properties"] == {"volume_backend_name": "lvmdriver-1"}
    # the member cannot see a private type until given access
    assert name not in [t["Name"] for t in server.openstack("volume", "type", "list", cloud=MEMBER)]
    server.openstack("volume", "type", "set", "--project", "demo", name, json_output=False)
    assert name in [t["Name"] for t in server.openstack("volume", "type", "list", cloud=MEMBER)]
    server.openstack("volume", "type", "set", "--property", "acme:color=blue", name, json_output=False)
    shown = server.openstack("volume", "type", "show", name)
    assert shown["properties"]["acme:color"] == "blue" and shown["description"] == "gold tier"

    vol = _name("typed")
    assert server.openstack("volume", "create", "--size", "1", "--type", name, vol, cloud=MEMBER)["type"] == name
    _wait(server, ["volume"], vol, "available")
    # in use: neither its specs nor the type can change
    refused = server.openstack("volume", "type", "delete", name, check=False, json_output=False)
    assert refused.returncode != 0
    server.openstack("volume", "delete", vol, cloud=MEMBER, json_output=False)
    for _ in range(50):
        if vol not in [v["Name"] for v in server.openstack("volume", "list", cloud=MEMBER)]:
            break
        time.sleep(0.2)
    server.openstack("volume", "type", "unset", "--project", "demo", name, json_output=False)
    server.openstack("volume", "type", "delete", name, json_output=False)
    # members may not create types
    denied = server.openstack("volume", "type", "create", _name("nope"), cloud=MEMBER, check=False)
    assert (denied.returncode != 0 and "403" in denied.stderr) or "Policy" in denied.stderr


def test_qos_specs(server: Server) -> None:
    qos = _name("qos")
    vtype = _name("qtype")
    server.openstack("volume", "type", "create", vtype)
    created = server.openstack("volume", "qos", "create", "--property", "read_iops_sec=200", qos)
    assert created["properties"] == {"read_iops_sec": "200"} and created["consumer"] == "both"
    server.openstack("volume", "qos", "associate", qos, vtype, json_output=False)
    shown = server.openstack("volume", "qos", "show", qos)
    assert shown["associations"] == [vtype]
    server.openstack("volume", "qos", "disassociate", "--volume-type", vtype, qos, json_output=False)
    server.openstack("volume", "qos", "delete", qos, json_output=False)
    server.openstack("volume", "type", "delete", vtype, json_output=False)


def test_quota_show_set_and_limits(server: Server) -> None:
    project = _name("proj")
    server.openstack("project", "create", project)
    server.openstack(
        "quota", "set", "--volumes", "7", "--gigabytes", "70", "--snapshots", "3", project, json_output=False
    )
    quotas = {q["Resource"]: q["Limit"] for q in server.openstack("quota", "show", "--volume", project)}
    assert quotas["volumes"] == 7 and quotas["gigabytes"] == 70 and quotas["snapshots"] == 3
    assert quotas["backups"] == 10 and quotas["volumes_lvmdriver-1"] == -1

    vol = _name("lim")
    server.openstack("volume", "create", "--size", "2", vol, cloud=MEMBER)
    _wait(server, ["volume"], vol, "available")
    limits = {x["Name"]: x["Value"] for x in server.openstack("limits", "show", "--absolute", cloud=MEMBER)}
    assert limits["max_total_volumes"] >= 1 and limits["total_volumes_used"] >= 1
    assert limits["total_gigabytes_used"] >= 2
    server.openstack("volume", "delete", vol, cloud=MEMBER, json_output=False)
    server.openstack("project", "delete", project, json_output=False)


def test_admin_views(server: Server) -> None:
    services = {s["Binary"]: s for s in server.openstack("volume", "service", "list")}
    assert set(services) == {"cinder-scheduler", "cinder-volume", "cinder-backup"}
    assert all(s["State"] == "up" and s["Status"] == "enabled" for s in services.values())
    pools = server.openstack("volume", "backend", "pool", "list", "--long")
    assert pools and pools[0]["Name"].endswith("#lvmdriver-1")
    zones = server.openstack("availability", "zone", "list", "--volume")
    assert zones == [{"Zone Name": "nova", "Zone Status": "available"}]
    # not for members
    denied = server.openstack("volume", "service", "list", cloud=MEMBER, check=False, json_output=False)
    assert denied.returncode != 0


def test_server_add_and_remove_volume(server: Server) -> None:
    image = _image(server)
    srv = _name("srv")
    server.openstack(
        "server", "create", "--flavor", "m1.tiny", "--image", image["ID"], "--nic", "none", "--wait", srv,
        cloud=MEMBER,
    )  # fmt: skip
    vol = _name("data")
    server.openstack("volume", "create", "--size", "1", vol, cloud=MEMBER)
    _wait(server, ["volume"], vol, "available")
    server.openstack("server", "add", "volume", "--device", "/dev/vdb", srv, vol, cloud=MEMBER, json_output=False)
    shown = server.openstack("volume", "show", vol, cloud=MEMBER)
    server_id = server.openstack("server", "show", srv, cloud=MEMBER)["id"]
    assert shown["status"] == "in-use"
    assert [(a["server_id"], a["device"]) for a in shown["attachments"]] == [(server_id, "/dev/vdb")]
    listed = server.openstack("server", "volume", "list", srv, cloud=MEMBER)
    assert [x["Volume ID"] for x in listed] == [shown["id"]]
    # an attached volume cannot be deleted
    refused = server.openstack("volume", "delete", vol, cloud=MEMBER, check=False, json_output=False)
    assert refused.returncode != 0
    server.openstack("server", "remove", "volume", srv, vol, cloud=MEMBER, json_output=False)
    shown = server.openstack("volume", "show", vol, cloud=MEMBER)
    assert shown["status"] == "available" and shown["attachments"] == []
    server.openstack("server", "delete", "--wait", srv, cloud=MEMBER, json_output=False)
    server.openstack("volume", "delete", vol, cloud=MEMBER, json_output=False)


def test_boot_from_volume(server: Server) -> None:
    image = _image(server)
    srv = _name("bfv")
    server.openstack(
        "server", "create", "--flavor", "m1.tiny", "--image", image["ID"], "--boot-from-volume", "1",
        "--nic", "none", "--wait", srv, cloud=MEMBER,
    )  # fmt: skip
    server_id = server.openstack("server", "show", srv, cloud=MEMBER)["id"]
    attached = [
        v for v in server.openstack("volume", "list", "--long", cloud=MEMBER) if server_id in str(v["Attached to"])
    ]
    assert len(attached) == 1
    volume = server.openstack("volume", "show", attached[0]["ID"], cloud=MEMBER)
    assert volume["status"] == "in-use" and volume["bootable"] is True and volume["size"] == 1
    assert volume["volume_image_metadata"]["image_id"] == image["ID"]
    server.openstack("server", "delete", "--wait", srv, cloud=MEMBER, json_output=False)
    # not delete_on_termination: the server's deletion detaches it
    volume = _wait(server, ["volume"], volume["id"], "available")
    assert volume["attachments"] == []
    server.openstack("volume", "delete", volume["id"], cloud=MEMBER, json_output=False)
