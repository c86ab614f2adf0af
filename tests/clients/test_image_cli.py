"""The real ``openstack`` CLI against a real server: the image workflows."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from tests.api.image.util import name, project_ids
from tests.server import Server


@pytest.fixture()
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "disk.raw"
    path.write_bytes(os.urandom(3 * 1024 * 1024 + 17))
    return path


def _fails(server: Server, *args: str, cloud: str) -> str:
    proc = server.openstack(*args, cloud=cloud, check=False, json_output=False)
    assert proc.returncode != 0, proc.stdout
    return str(proc.stderr)


def test_bootstrap_cirros_image(server: Server) -> None:
    image = server.openstack("image", "show", "cirros-0.6.3-x86_64-disk")
    assert image["status"] == "active"
    assert image["visibility"] == "public"
    assert (image["disk_format"], image["container_format"]) == ("qcow2", "bare")
    assert image["virtual_size"] == 117440512
    # every project sees it
    names = [i["Name"] for i in server.openstack("image", "list", cloud="pocketstack")]
    assert "cirros-0.6.3-x86_64-disk" in names


def test_create_upload_download_set_delete(server: Server, data_file: Path, tmp_path: Path) -> None:
    image_name = name()
    image = server.openstack(
        "image", "create", "--disk-format", "raw", "--container-format", "bare", "--file", str(data_file), image_name
    )
    assert image["status"] == "active"
    assert image["checksum"] == hashlib.md5(data_file.read_bytes()).hexdigest()
    assert image["size"] == data_file.stat().st_size

    out = tmp_path / "out.raw"
    server.openstack("image", "save", "--file", str(out), image["id"], json_output=False)
    assert out.read_bytes() == data_file.read_bytes()

    server.openstack(
        "image", "set", "--property", "foo=bar", "--tag", "t1", "--min-disk", "2", "--name", image_name + "-x",
        image["id"], json_output=False,
    )  # fmt: skip
    shown = server.openstack("image", "show", image["id"])
    assert shown["name"] == image_name + "-x"
    assert shown["min_disk"] == 2
    assert shown["tags"] == ["t1"]
    assert shown["properties"]["foo"] == "bar"

    server.openstack("image", "unset", "--property", "foo", "--tag", "t1", image["id"], json_output=False)
    shown = server.openstack("image", "show", image["id"])
    assert "foo" not in shown["properties"] and shown["tags"] == []

    listed = server.openstack("image", "list", "--tag", "t1")
    assert image["id"] not in [i["ID"] for i in listed]

    server.openstack("image", "set", "--protected", image["id"], json_output=False)
    assert "protected" in _fails(server, "image", "delete", image["id"], cloud="pocketstack-admin")
    server.openstack("image", "set", "--unprotected", image["id"], json_output=False)
    server.openstack("image", "delete", image["id"], json_output=False)
    _fails(server, "image", "show", image["id"], cloud="pocketstack-admin")


def test_member_image_deactivate_and_reactivate(server: Server, data_file: Path, tmp_path: Path) -> None:
    image = server.openstack(
        "image", "create", "--disk-format", "raw", "--container-format", "bare", "--file", str(data_file), "--private",
        name(), cloud="pocketstack",
    )  # fmt: skip
    assert image["visibility"] == "private"
    server.openstack("image", "set", "--deactivate", image["id"], cloud="pocketstack", json_output=False)
    assert server.openstack("image", "show", image["id"], cloud="pocketstack")["status"] == "deactivated"
    out = tmp_path / "out.raw"
    _fails(server, "image", "save", "--file", str(out), image["id"], cloud="pocketstack")
    # the admin may still download a deactivated image
    server.openstack("image", "save", "--file", str(out), image["id"], json_output=False)
    assert out.read_bytes() == data_file.read_bytes()
    server.openstack("image", "set", "--activate", image["id"], cloud="pocketstack", json_output=False)
    assert server.openstack("image", "show", image["id"], cloud="pocketstack")["status"] == "active"
    server.openstack("image", "delete", image["id"], cloud="pocketstack", json_output=False)


def test_member_cannot_publicize_and_others_do_not_see_private(server: Server, data_file: Path) -> None:
    _fails(server, "image", "create", "--public", name(), cloud="pocketstack")
    image = server.openstack("image", "create", "--private", name(), cloud="pocketstack")
    assert image["id"] not in [i["ID"] for i in server.openstack("image", "list", cloud="pocketstack-alt")]
    _fails(server, "image", "show", image["id"], cloud="pocketstack-alt")
    _fails(server, "image", "delete", image["id"], cloud="pocketstack-alt")
    # the admin sees every project's images
    assert image["id"] in [i["ID"] for i in server.openstack("image", "list")]
    server.openstack("image", "delete", image["id"], cloud="pocketstack", json_output=False)


def test_share_accept_and_unshare(server: Server, data_file: Path, tmp_path: Path) -> None:
    alt = project_ids(server)["alt_demo"]
    image = server.openstack(
        "image", "create", "--disk-format", "raw", "--container-format", "bare", "--file", str(data_file), "--shared",
        name(), cloud="pocketstack",
    )  # fmt: skip
    member = server.openstack("image", "add", "project", image["id"], alt, cloud="pocketstack")
    assert member["status"] == "pending"
    # pending: not listed for the other project yet, but it can look at it and answer
    assert image["id"] not in [i["ID"] for i in server.openstack("image", "list", cloud="pocketstack-alt")]
    server.openstack("image", "set", "--accept", image["id"], cloud="pocketstack-alt", json_output=False)
    assert image["id"] in [i["ID"] for i in server.openstack("image", "list", cloud="pocketstack-alt")]
    out = tmp_path / "shared.raw"
    server.openstack("image", "save", "--file", str(out), image["id"], cloud="pocketstack-alt", json_output=False)
    assert out.read_bytes() == data_file.read_bytes()
    members = server.openstack("image", "member", "list", image["id"], cloud="pocketstack")
    assert [(m["Member ID"], m["Status"]) for m in members] == [(alt, "accepted")]
    # a member can neither change nor delete the image
    _fails(server, "image", "set", "--name", "stolen", image["id"], cloud="pocketstack-alt")
    _fails(server, "image", "delete", image["id"], cloud="pocketstack-alt")

    server.openstack("image", "remove", "project", image["id"], alt, cloud="pocketstack", json_output=False)
    _fails(server, "image", "show", image["id"], cloud="pocketstack-alt")
    server.openstack("image", "delete", image["id"], cloud="pocketstack", json_output=False)


def test_create_with_import(server: Server, data_file: Path) -> None:
    image = server.openstack(
        "image", "create", "--disk-format", "raw", "--container-format", "bare", "--file", str(data_file), "--import",
        name(), cloud="pocketstack",
    )  # fmt: skip
    shown = server.openstack("image", "show", image["id"], cloud="pocketstack")
    assert shown["status"] == "active"
    assert shown["checksum"] == hashlib.md5(data_file.read_bytes()).hexdigest()
    server.openstack("image", "delete", image["id"], cloud="pocketstack", json_output=False)
