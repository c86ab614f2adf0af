"""Image data: streamed upload and download, staging and import, and failed uploads
that leave the image ``queued`` with no file behind."""

from __future__ import annotations

import hashlib
import http.server
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from pocketstack.services.image.formats import tiny_qcow2
from tests.api.image.util import Glance
from tests.server import Server


@pytest.fixture(scope="module")
def member(server: Server) -> Glance:
    return Glance(server, server.token("demo", "demo"))


def _msg(r: object) -> str:
    return str(r.json()["message"])  # type: ignore[attr-defined]


def _images_dir(server: Server) -> Path:
    return server.data_dir / "images"


def _stray_files(server: Server) -> list[Path]:
    incoming = _images_dir(server) / ".incoming"
    return list(incoming.iterdir()) if incoming.exists() else []


def test_upload_records_size_and_hashes(server: Server, member: Glance) -> None:
    data = os.urandom(5 * 1024 * 1024 + 3)
    image = member.active(data)
    assert image["status"] == "active"
    assert image["size"] == len(data) == image["virtual_size"]
    assert image["checksum"] == hashlib.md5(data).hexdigest()
    assert image["os_hash_algo"] == "sha512"
    assert image["os_hash_value"] == hashlib.sha512(data).hexdigest()
    assert (_images_dir(server) / image["id"]).stat().st_size == len(data)

    r = member.get(f"/v2/images/{image['id']}/file")
    assert r.status_code == 200
    assert r.content == data
    assert r.headers["content-type"] == "application/octet-stream"
    assert r.headers["content-md5"] == image["checksum"]
    assert r.headers["content-length"] == str(len(data))


def test_chunked_upload_without_length(member: Glance) -> None:
    data = os.urandom(300_000)
    image = member.create(disk_format="raw", container_format="bare")

    def chunks() -> Iterator[bytes]:
        for i in range(0, len(data), 65536):
            yield data[i : i + 65536]

    r = member.request(
        "PUT", f"/v2/images/{image['id']}/file", content=chunks(), headers={"Content-Type": "application/octet-stream"}
    )
    assert r.status_code == 204, r.text
    assert member.show(image["id"])["checksum"] == hashlib.md5(data).hexdigest()


def test_range_download(member: Glance) -> None:
    data = bytes(range(256)) * 40
    image = member.active(data)
    path = f"/v2/images/{image['id']}/file"
    r = member.get(path, headers={"Range": "bytes=10-19"})
    assert r.status_code == 206
    assert r.content == data[10:20]
    assert r.headers["content-range"] == f"bytes 10-19/{len(data)}"
    r = member.get(path, headers={"Range": "bytes=-5"})
    assert r.status_code == 206 and r.content == data[-5:]
    r = member.get(path, headers={"Range": "bytes=10000-"})
    assert r.status_code == 206 and r.content == data[10000:]
    assert member.get(path, headers={"Range": f"bytes={len(data)}-"}).status_code == 416


def test_download_without_data_is_204(member: Glance) -> None:
    image = member.create()
    r = member.get(f"/v2/images/{image['id']}/file")
    assert r.status_code == 204 and r.content == b""


@pytest.mark.parametrize("content_type", [None, "application/json"])
def test_upload_needs_octet_stream(member: Glance, content_type: str | None) -> None:
    image = member.create(disk_format="raw", container_format="bare")
    headers = {"Content-Type": content_type} if content_type else {}
    r = member.request("PUT", f"/v2/images/{image['id']}/file", content=b"abc", headers=headers)
    if content_type is None:  # httpx sends no Content-Type for raw bytes
        assert r.status_code == 415
        assert "Invalid content type None" in _msg(r)
    else:
        assert r.status_code == 415
        assert "Invalid content type application/json" in _msg(r)
    assert member.show(image["id"])["status"] == "queued"


def test_upload_needs_formats_and_a_queued_image(member: Glance) -> None:
    image = member.create()
    r = member.upload(image["id"], b"abc")
    assert r.status_code == 400
    assert _msg(r).startswith("Properties disk_format, container_format must be set prior to saving data.")
    member.patch(image["id"], [{"op": "add", "path": "/disk_format", "value": "raw"}])
    r = member.upload(image["id"], b"abc")
    assert _msg(r).startswith("Property container_format must be set prior to saving data.")
    assert member.show(image["id"])["status"] == "queued"
    active = member.active()
    r = member.upload(active["id"], b"again")
    assert r.status_code == 409
    assert _msg(r).startswith("Image status transition from active to saving is not allowed")
    assert member.show(active["id"])["checksum"] == active["checksum"]


def test_data_must_match_the_disk_format(server: Server, member: Glance) -> None:
    image = member.create(disk_format="qcow2", container_format="bare")
    r = member.upload(image["id"], os.urandom(2048))
    assert r.status_code == 415
    assert "Image disk_format qcow2 does not match stream data raw" in _msg(r)
    after = member.show(image["id"])
    assert after["status"] == "queued" and after["size"] is None
    assert not (_images_dir(server) / image["id"]).exists()
    assert _stray_files(server) == []
    # real qcow2 data is accepted, and its virtual size read from the header
    qcow = tiny_qcow2(1 << 30)
    assert member.upload(image["id"], qcow).status_code == 204
    after = member.show(image["id"])
    assert after["status"] == "active" and after["virtual_size"] == 1 << 30 and after["size"] == len(qcow)
    # a qcow2 with a backing file fails the safety checks
    bad = bytearray(tiny_qcow2())
    bad[8:16] = (512).to_bytes(8, "big")
    image = member.create(disk_format="qcow2", container_format="bare")
    r = member.upload(image["id"], bytes(bad))
    assert r.status_code == 415 and "Image failed safety checks" in _msg(r)
    # ami data is not inspected
    image = member.create(disk_format="ami", container_format="ami")
    assert member.upload(image["id"], os.urandom(100)).status_code == 204


def test_client_going_away_mid_upload_leaves_image_queued(server: Server, member: Glance) -> None:
    image = member.create(disk_format="raw", container_format="bare")
    host, port = server.url.removeprefix("http://").split(":")
    head = (
        f"PUT /image/v2/images/{image['id']}/file HTTP/1.1\r\nHost: {host}\r\n"
        f"X-Auth-Token: {member.token}\r\nContent-Type: application/octet-stream\r\n"
        f"Content-Length: {10 * 1024 * 1024}\r\n\r\n"
    ).encode()
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(head + os.urandom(1024 * 1024))
        # wait until the server has begun (status saving) before hanging up
        for _ in range(200):
            if member.show(image["id"])["status"] == "saving":
                break
            time.sleep(0.05)
    for _ in range(200):
        if member.show(image["id"])["status"] == "queued":
            break
        time.sleep(0.05)
    after = member.show(image["id"])
    assert after["status"] == "queued" and after["size"] is None
    assert not (_images_dir(server) / image["id"]).exists()
    assert _stray_files(server) == []
    # and the upload can be retried
    assert member.upload(image["id"], b"retry").status_code == 204


def test_stage_and_import(server: Server, member: Glance) -> None:
    data = os.urandom(70_000)
    image = member.create(disk_format="raw", container_format="bare")
    stage = f"/v2/images/{image['id']}/stage"
    r = member.request("PUT", stage, content=data, headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 204, r.text
    staged = member.show(image["id"])
    assert staged["status"] == "uploading" and staged["size"] == len(data)
    r = member.request("PUT", stage, content=data, headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 409
    r = member.request("POST", f"/v2/images/{image['id']}/import", json={"method": {"name": "copy-image"}})
    assert r.status_code == 400 and _msg(r).startswith("Unknown import method name 'copy-image'.")
    r = member.request(
        "POST", f"/v2/images/{image['id']}/import", json={"method": {"name": "web-download", "uri": "http://x/y"}}
    )
    assert r.status_code == 409 and _msg(r).startswith("Image needs to be in 'queued' state to use 'web-download'")
    r = member.request("POST", f"/v2/images/{image['id']}/import", json={"method": {"name": "glance-direct"}})
    assert r.status_code == 202
    done = member.show(image["id"])
    assert done["status"] == "active" and done["checksum"] == hashlib.md5(data).hexdigest()
    assert member.get(f"/v2/images/{image['id']}/file").content == data
    assert not (_images_dir(server) / "staging" / image["id"]).exists()
    r = member.request("POST", f"/v2/images/{image['id']}/import", json={"method": {"name": "glance-direct"}})
    assert r.status_code == 409
    assert _msg(r).startswith("Image with status active cannot be target for import")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Import request requires a 'method' field."),
        ({"method": {}}, "Import request requires a 'name' field."),
        ({"method": {"name": "glance-direct"}, "all_stores": "yes"}, "'all_stores' must be boolean value only"),
    ],
)
def test_import_bad_bodies(member: Glance, body: dict[str, object], message: str) -> None:
    image = member.create(disk_format="raw", container_format="bare")
    r = member.request("POST", f"/v2/images/{image['id']}/import", json=body)
    assert r.status_code == 400 and _msg(r).startswith(message)
    r = member.request("POST", f"/v2/images/{image['id']}/import", json={"method": {"name": "glance-direct"}})
    assert r.status_code == 409
    assert _msg(r).startswith("Image needs to be staged before 'glance-direct' method can be used")


def test_deleting_an_image_removes_its_data(server: Server, member: Glance) -> None:
    image = member.active()
    assert (_images_dir(server) / image["id"]).exists()
    assert member.delete(image["id"]).status_code == 204
    assert not (_images_dir(server) / image["id"]).exists()
    assert member.get(f"/v2/images/{image['id']}/file").status_code == 404


def test_oversized_upload_is_refused(tmp_path: Path) -> None:
    small = Server(tmp_path / "cloud", extra_config="[image]\nmax_image_size = 1000\nbootstrap_image = false\n")
    small.start()
    try:
        g = Glance(small, small.token("demo", "demo"))
        image = g.create(disk_format="raw", container_format="bare")
        r = g.upload(image["id"], os.urandom(5000))
        assert r.status_code == 413
        assert _msg(r).startswith("The incoming image is too large")
        assert g.show(image["id"])["status"] == "queued"
        assert _stray_files(small) == []

        def chunks() -> Iterator[bytes]:
            yield os.urandom(600)
            yield os.urandom(600)

        r = g.request(
            "PUT",
            f"/v2/images/{image['id']}/file",
            content=chunks(),
            headers={"Content-Type": "application/octet-stream"},
        )
        assert r.status_code == 413
        assert g.show(image["id"])["status"] == "queued"
        assert _stray_files(small) == []
        assert g.upload(image["id"], b"fits").status_code == 204
        assert g.list().json()["images"][0]["id"] == image["id"]  # no cirros: bootstrap_image = false
    finally:
        small.stop()


def test_other_projects_cannot_touch_data(server: Server, member: Glance) -> None:
    alt = Glance(server, server.token("alt_demo", "alt_demo"))
    image = member.active(visibility="private")
    assert alt.get(f"/v2/images/{image['id']}/file").status_code == 404
    assert alt.upload(image["id"], b"x").status_code == 404
    queued = member.create(disk_format="raw", container_format="bare", visibility="private")
    assert alt.upload(queued["id"], b"x").status_code == 404
    missing = str(uuid.uuid4())
    r = member.upload(missing, b"x")
    assert r.status_code == 404 and _msg(r).startswith(f"No image found with ID {missing}")


def test_import_without_formats_fails_back_to_queued(server: Server, member: Glance) -> None:
    image = member.create()
    r = member.request(
        "PUT", f"/v2/images/{image['id']}/stage", content=b"abc", headers={"Content-Type": "application/octet-stream"}
    )
    assert r.status_code == 204
    r = member.request("POST", f"/v2/images/{image['id']}/import", json={"method": {"name": "glance-direct"}})
    assert r.status_code == 202  # as Glance: the import task fails afterwards
    after = member.show(image["id"])
    assert after["status"] == "queued" and after["size"] is None
    assert not (_images_dir(server) / "staging" / image["id"]).exists()


class _Files(http.server.BaseHTTPRequestHandler):
    payloads: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        body = self.payloads.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args: object) -> None:
        pass


def _wait_status(g: Glance, image_id: str, done: tuple[str, ...]) -> dict[str, Any]:
    for _ in range(300):
        image = g.show(image_id)
        if image["status"] in done:
            return image
        time.sleep(0.05)
    return g.show(image_id)


def test_web_download_filtering(member: Glance) -> None:
    image = member.create(disk_format="raw", container_format="bare")
    url = f"/v2/images/{image['id']}/import"
    for uri in ("http://127.0.0.1:8080/x", "ftp://example.com/x", "", None, "not a url"):
        r = member.request("POST", url, json={"method": {"name": "web-download", "uri": uri}})
        assert r.status_code == 400, uri
        assert _msg(r).startswith("URI for web-download does not pass filtering")
    assert member.show(image["id"])["status"] == "queued"


def test_web_download_import(tmp_path: Path) -> None:
    files = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    threading.Thread(target=files.serve_forever, daemon=True).start()
    cloud = Server(
        tmp_path / "cloud", extra_config='[image]\nweb_download_allowed_ports = ""\nbootstrap_image = false\n'
    )
    cloud.start()
    try:
        g = Glance(cloud, cloud.token("demo", "demo"))
        data = os.urandom(300_000)
        _Files.payloads["/disk.raw"] = data
        base = f"http://127.0.0.1:{files.server_address[1]}"
        image = g.create(disk_format="raw", container_format="bare")
        r = g.request(
            "POST", f"/v2/images/{image['id']}/import",
            json={"method": {"name": "web-download", "uri": f"{base}/disk.raw"}},
        )  # fmt: skip
        assert r.status_code == 202, r.text
        done = _wait_status(g, image["id"], ("active", "queued"))
        assert done["status"] == "active" and done["checksum"] == hashlib.md5(data).hexdigest()
        assert g.get(f"/v2/images/{image['id']}/file").content == data
        # a failed download (404 at the source) puts the image back to queued
        image = g.create(disk_format="raw", container_format="bare")
        r = g.request(
            "POST", f"/v2/images/{image['id']}/import", json={"method": {"name": "web-download", "uri": f"{base}/nope"}}
        )
        assert r.status_code == 202
        assert _wait_status(g, image["id"], ("active", "queued"))["status"] == "queued"
        assert _stray_files(cloud) == []
    finally:
        cloud.stop()
        files.shutdown()
