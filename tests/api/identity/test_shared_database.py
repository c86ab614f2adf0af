"""Two server processes sharing one data dir behave as one cloud."""

from __future__ import annotations

import time
import uuid

import pytest

from tests.server import Server


@pytest.mark.slow
def test_two_processes_share_tokens_and_writes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    a = Server(tmp_path / "cloud").start()
    b = Server(tmp_path / "cloud").start()
    try:
        token = a.token()
        with b.http(token) as c:
            assert c.get("/v3/auth/tokens", headers={"X-Subject-Token": token}).status_code == 200
        name = f"shared-{uuid.uuid4().hex[:6]}"
        with a.http(token) as c:
            user = c.post("/v3/users", json={"user": {"name": name, "password": "pw-1"}}).json()["user"]
        with b.http(token) as c:
            assert c.get(f"/v3/users/{user['id']}").json()["user"]["name"] == name
        with a.http(token) as c:
            assert c.delete("/v3/auth/tokens", headers={"X-Subject-Token": token}).status_code == 204
        # the other process notices the revocation within its revision re-check interval
        deadline = time.monotonic() + 10
        status = 200
        while time.monotonic() < deadline and status != 401:
            with b.http(token) as c:
                status = c.get("/v3/auth/projects").status_code
            time.sleep(0.1)
        assert status == 401
    finally:
        a.stop()
        b.stop()
