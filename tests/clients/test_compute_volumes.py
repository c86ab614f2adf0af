"""Servers and volumes with the real CLI: attach/detach, boot from volume, delete."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.server import Server


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _image(server: Server) -> str:
    return str(next(r["ID"] for r in server.openstack("image", "list") if r["Name"].startswith("cirros")))


def _volume(server: Server, name: str, **kw: Any) -> dict[str, Any]:
    return dict(server.openstack("volume", "show", name, cloud=kw.get("cloud", "pocketstack")))


@pytest.fixture(autouse=True)
def _needs_volume(server: Server) -> None:
    if server.openstack("catalog", "show", "block-storage", check=False, json_output=False).returncode != 0:
        pytest.skip("no block storage service")


def test_attach_detach_volume(server: Server) -> None:
    cloud = "pocketstack"
    vm = server.openstack("server", "create", _name("vm"), "--image", _image(server), "--flavor", "m1.nano",
                          "--nic", "none", "--wait", cloud=cloud)  # fmt: skip
    vol = server.openstack("volume", "create", "--size", "1", _name("vol"), cloud=cloud)
    server.openstack("server", "add", "volume", vm["id"], vol["id"], cloud=cloud, json_output=False)
    shown = _volume(server, vol["id"])
    assert shown["status"] == "in-use"
    assert shown["attachments"][0]["server_id"] == vm["id"]
    attached = server.openstack("server", "volume", "list", vm["id"], cloud=cloud)
    assert [a["Volume ID"] for a in attached] == [vol["id"]]
    assert attached[0]["Device"] == "/dev/vdb"
    srv = server.openstack("server", "show", vm["id"], cloud=cloud)
    assert vol["id"] in str(srv["volumes_attached"])
    server.openstack("server", "remove", "volume", vm["id"], vol["id"], cloud=cloud, json_output=False)
    assert _volume(server, vol["id"])["status"] == "available"
    assert server.openstack("server", "volume", "list", vm["id"], cloud=cloud) == []
    # delete a server with a volume attached: the volume is detached and kept
    server.openstack("server", "add", "volume", vm["id"], vol["id"], cloud=cloud, json_output=False)
    server.openstack("server", "delete", "--wait", vm["id"], cloud=cloud, json_output=False)
    assert _volume(server, vol["id"])["status"] == "available"
    server.openstack("volume", "delete", vol["id"], cloud=cloud, json_output=False)


def test_boot_from_volume_delete_on_termination(server: Server) -> None:
    cloud = "pocketstack"
    name = _name("bfv")
    vm = server.openstack(
        "server", "create", name, "--flavor", "m1.nano", "--nic", "none", "--wait",
        "--block-device", f"source_type=image,uuid={_image(server)},destination_type=volume,volume_size=1,"
        "boot_index=0,delete_on_termination=true",
        cloud=cloud,
    )  # fmt: skip
    assert vm["status"] == "ACTIVE"
    shown = server.openstack("server", "show", vm["id"], cloud=cloud)
    assert shown["image"] in ("", "N/A (booted from volume)") or not shown["image"]
    volumes = server.openstack("server", "volume", "list", vm["id"], cloud=cloud)
    assert len(volumes) == 1 and volumes[0]["Device"] == "/dev/vda"
    root = volumes[0]["Volume ID"]
    assert str(_volume(server, root)["bootable"]).lower() == "true"
    # the root volume cannot be detached
    proc = server.openstack("server", "remove", "volume", vm["id"], root, cloud=cloud, check=False, json_output=False)
    assert proc.returncode != 0
    server.openstack("server", "delete", "--wait", vm["id"], cloud=cloud, json_output=False)
    gone = server.openstack("volume", "show", root, cloud=cloud, check=False, json_output=False)
    assert gone.returncode != 0


def test_boot_from_volume_option_and_snapshot(server: Server) -> None:
    """`server create --boot-from-volume N`, then `server image create` of the volume-backed
    server (volume snapshots in the image's mappings) and a server booted from that image."""
    cloud = "pocketstack"
    vm = server.openstack("server", "create", _name("bfv"), "--image", _image(server), "--flavor", "m1.nano",
                          "--boot-from-volume", "2", "--nic", "none", "--wait", cloud=cloud)  # fmt: skip
    assert vm["status"] == "ACTIVE"
    (root,) = server.openstack("server", "volume", "list", vm["id"], cloud=cloud)
    assert root["Device"] == "/dev/vda" and root["Delete On Termination?"] is False
    assert _volume(server, root["Volume ID"])["size"] == 2
    image = server.openstack("server", "image", "create", "--name", _name("bfv-snap"), "--wait", vm["id"],
                             cloud=cloud)  # fmt: skip
    shown = server.openstack("image", "show", image["id"], cloud=cloud)
    assert shown["status"] == "active" and shown["size"] == 0
    props = shown["properties"]
    assert props["bdm_v2"] == "True" and "snapshot_id" in props["block_device_mapping"]
    snapshots = server.openstack("volume", "snapshot", "list", cloud=cloud)
    assert any(s["Name"] == f"snapshot for {shown['name']}" for s in snapshots)
    again = server.openstack("server", "create", _name("from-snap"), "--image", image["id"], "--flavor", "m1.nano",
                             "--nic", "none", "--wait", cloud=cloud)  # fmt: skip
    assert again["status"] == "ACTIVE"
    (copy,) = server.openstack("server", "volume", "list", again["id"], cloud=cloud)
    assert _volume(server, copy["Volume ID"])["snapshot_id"]
    for sid in (again["id"], vm["id"]):
        server.openstack("server", "delete", "--wait", sid, cloud=cloud, json_output=False)
    # the root volume (delete_on_termination false) stays, detached
    assert _volume(server, root["Volume ID"])["status"] == "available"
