"""openstacksdk against a real server: images, data, members, import, pagination."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from openstack import exceptions

from tests.api.image.util import name, project_ids
from tests.server import Server


def test_create_download_update_delete(server: Server, tmp_path: Path) -> None:
    conn = server.sdk("pocketstack")
    path = tmp_path / "disk.raw"
    data = os.urandom(2 * 1024 * 1024 + 5)
    path.write_bytes(data)
    image = conn.image.create_image(
        name=name(), filename=str(path), disk_format="raw", container_format="bare", validate_checksum=True, wait=True
    )
    assert image.status == "active"
    assert image.checksum == hashlib.md5(data).hexdigest()
    assert image.hash_algo == "sha512" and image.hash_value == hashlib.sha512(data).hexdigest()
    assert image.owner_id == conn.current_project_id

    got = conn.image.download_image(image)
    assert got.content == data
    streamed = b"".join(conn.image.download_image(image, stream=True).iter_content(65536))
    assert streamed == data

    image = conn.image.update_image(image, min_ram=512, os_distro="cirros")
    assert image.min_ram == 512
    assert image.os_distro == "cirros"
    conn.image.add_tag(image, "sdk")
    assert "sdk" in conn.image.get_image(image).tags
    assert [i.id for i in conn.image.images(tag="sdk", owner=conn.current_project_id)] == [image.id]
    conn.image.remove_tag(image, "sdk")

    conn.image.deactivate_image(image)
    assert conn.image.get_image(image).status == "deactivated"
    conn.image.reactivate_image(image)
    conn.image.delete_image(image)
    with pytest.raises(exceptions.NotFoundException):
        conn.image.get_image(image.id)


def test_pagination_follows_next_links(server: Server) -> None:
    conn = server.sdk("pocketstack")
    tag = name("page")
    made = [conn.image.create_image(name=f"{tag}-{i}", tags=[tag], allow_duplicates=True) for i in range(5)]
    seen = [i.id for i in conn.image.images(tag=tag, limit=2, sort="name:asc")]
    assert seen == [m.id for m in sorted(made, key=lambda m: m.name)]
    for m in made:
        conn.image.delete_image(m)


def test_members_with_the_sdk(server: Server) -> None:
    owner, other = server.sdk("pocketstack"), server.sdk("pocketstack-alt")
    alt = project_ids(server)["alt_demo"]
    image = owner.image.create_image(name=name(), data=b"x" * 1000, disk_format="raw", container_format="bare")
    owner.image.update_image(image, visibility="shared")
    member = owner.image.add_member(image, member_id=alt)
    assert member.status == "pending"
    assert image.id not in [i.id for i in other.image.images()]
    assert image.id in [i.id for i in other.image.images(member_status="pending")]
    other.image.update_member(member, image, status="accepted")
    assert owner.image.get_member(member, image).status == "accepted"
    assert image.id in [i.id for i in other.image.images()]
    with pytest.raises(exceptions.ForbiddenException):
        other.image.delete_image(image)
    owner.image.remove_member(member, image)
    with pytest.raises(exceptions.NotFoundException):
        other.image.get_image(image.id)
    owner.image.delete_image(image)


def test_interoperable_import(server: Server) -> None:
    conn = server.sdk("pocketstack")
    info = conn.image.get_import_info()
    assert "glance-direct" in info.import_methods["value"]
    data = os.urandom(100_000)
    image = conn.image.create_image(
        name=name(), data=data, disk_format="raw", container_format="bare", use_import=True, validate_checksum=False
    )
    image = conn.image.get_image(image)
    assert image.status == "active" and image.size == len(data)
    assert conn.image.download_image(image).content == data
    conn.image.delete_image(image)


def test_schemas(server: Server) -> None:
    conn = server.sdk("pocketstack")
    assert conn.image.get_images_schema().properties["images"]["type"] == "array"
    assert conn.image.get_image_schema().additional_properties == {"type": "string"}
    assert conn.image.get_member_schema().properties["status"]["enum"] == ["pending", "accepted", "rejected"]
    assert conn.image.get_members_schema().properties["members"]["type"] == "array"
