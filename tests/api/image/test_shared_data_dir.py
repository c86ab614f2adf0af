"""Two server processes on one data dir are one image service: data uploaded through one
is downloaded through the other, and a restart keeps images and their data."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from tests.api.image.util import Glance
from tests.server import Server


@pytest.mark.slow
def test_two_processes_and_a_restart(tmp_path: Path) -> None:
    a = Server(tmp_path / "cloud").start()
    b = Server(tmp_path / "cloud").start()
    try:
        ga, gb = Glance(a, a.token("demo", "demo")), Glance(b, b.token("demo", "demo"))
        cirros = [i for i in ga.list().json()["images"] if i["name"] == "cirros-0.6.3-x86_64-disk"]
        assert len(cirros) == 1  # bootstrapped once, though both processes ran bootstrap
        data = os.urandom(1_000_000)
        image = ga.create(disk_format="raw", container_format="bare")
        assert gb.upload(image["id"], data).status_code == 204
        assert ga.show(image["id"])["checksum"] == hashlib.md5(data).hexdigest()
        assert ga.get(f"/v2/images/{image['id']}/file").content == data
        # a second upload through the other process is refused: the image is active now
        assert ga.upload(image["id"], b"again").status_code == 409
        b.stop()
        a.restart()
        ga = Glance(a, a.token("demo", "demo"))
        assert ga.get(f"/v2/images/{image['id']}/file").content == data
    finally:
        a.stop()
        b.stop()


@pytest.mark.slow
def test_restart_recovers_a_crashed_upload(tmp_path: Path) -> None:
    server = Server(tmp_path / "cloud").start()
    try:
        g = Glance(server, server.token("demo", "demo"))
        image = g.create(disk_format="raw", container_format="bare")
        server.stop()
        # what a crash mid-upload leaves: the image saving, a temporary file nobody writes
        db = sqlite3.connect(server.data_dir / "pocketstack.db")
        with db:
            db.execute(
                "UPDATE image_images SET status = 'saving', updated_at = '2000-01-01 00:00:00' WHERE id = ?",
                (image["id"],),
            )
        db.close()
        part = server.data_dir / "images" / ".incoming" / f"{image['id']}.abc.part"
        part.parent.mkdir(parents=True, exist_ok=True)
        part.write_bytes(b"half")
        os.utime(part, (0, 0))
        server.start()
        g = Glance(server, server.token("demo", "demo"))
        assert g.show(image["id"])["status"] == "queued"
        assert not part.exists()
        assert g.upload(image["id"], b"whole").status_code == 204
    finally:
        server.stop()
