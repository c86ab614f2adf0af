"""The ImageService entry points other services call (DEVELOPERS.md, cross-service contracts)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from pocketstack.app import bootstrap, create_cloud
from pocketstack.core.context import RequestContext
from pocketstack.core.errors import ApiError, NotFound
from pocketstack.settings import load_settings


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Any:
    settings = load_settings({"data_dir": str(tmp_path_factory.mktemp("contract"))}, env={})
    settings.identity.password_hash_rounds = 4
    c = create_cloud(settings)
    bootstrap(c)
    return c


def _ctx(cloud: Any, project: str, roles: tuple[str, ...] = ("member", "reader")) -> RequestContext:
    pid = cloud.service("identity").project_id_by_name(project)
    return RequestContext(
        user_id=f"u-{project}", user_name=project, user_domain_id="default", user_domain_name="Default",
        roles=roles, project_id=pid, project_name=project,
    )  # fmt: skip


def test_create_get_delete(cloud: Any) -> None:
    images = cloud.service("image")
    demo, alt = _ctx(cloud, "demo"), _ctx(cloud, "alt_demo")
    made = images.create_image(demo, name="snap", data=b"disk bytes", properties={"image_type": "snapshot"})
    assert made["status"] == "active" and made["visibility"] == "private"
    assert (made["disk_format"], made["container_format"]) == ("qcow2", "bare")
    assert made["checksum"] == hashlib.md5(b"disk bytes").hexdigest() and made["size"] == 10
    assert made["properties"] == {"image_type": "snapshot"}
    assert images.get_image(demo, made["id"])["image_type"] == "snapshot"
    with pytest.raises(NotFound):
        images.get_image(alt, made["id"])
    with pytest.raises(NotFound):
        images.delete_image(alt, made["id"])
    images.delete_image(demo, made["id"])
    with pytest.raises(NotFound):
        images.get_image(demo, made["id"])


def test_copy_from_a_source_image(cloud: Any, tmp_path: Path) -> None:
    images = cloud.service("image")
    demo = _ctx(cloud, "demo")
    cirros = images.get_image(demo, images.image_id_by_name("cirros-0.6.3-x86_64-disk"))
    snap = images.create_image(demo, name="from-cirros", source_image_id=cirros["id"], min_disk=1)
    assert snap["checksum"] == cirros["checksum"] and snap["virtual_size"] == cirros["virtual_size"]
    assert snap["owner"] == demo.project_id
    # the base image gone: the snapshot still gets a (simulated) disk
    base = images.create_image(demo, name="base", data=b"x" * 100, disk_format="raw")
    images.delete_image(demo, base["id"])
    orphan = images.create_image(demo, name="orphan", source_image_id=base["id"], min_disk=2)
    assert orphan["status"] == "active" and orphan["virtual_size"] == 2 << 30


def test_policy_and_validation(cloud: Any) -> None:
    images = cloud.service("image")
    reader = _ctx(cloud, "demo", roles=("reader",))
    with pytest.raises(ApiError) as err:
        images.create_image(reader, name="nope", data=b"")
    assert err.value.status == 403
    with pytest.raises(ApiError) as err:
        images.create_image(_ctx(cloud, "demo"), name="bad", disk_format="floppy", data=b"")
    assert err.value.status == 400
    assert images.image_id_by_name("bad") is None
