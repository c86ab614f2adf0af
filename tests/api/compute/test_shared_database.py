"""Two server processes sharing one database: delayed transitions are applied once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.server import Server

S = "/compute/v2.1/servers"


@pytest.mark.slow
def test_two_processes_apply_each_transition_once(tmp_path: Path) -> None:
    extra = '\n[compute]\nbuild_mode = "delay"\nbuild_delay = 0.5\n'
    a = Server(tmp_path / "cloud", extra_config=extra).start()
    b = Server(tmp_path / "cloud").start()  # same data dir, same pocketstack.toml
    try:
        token = a.token()
        with a.http(token) as c:
            image = next(i["id"] for i in c.get("/image/v2/images").json()["images"])
            body = {"server": {"name": "shared", "imageRef": image, "flavorRef": "42", "networks": "none"}}
            ids = [
                c.post(S, json=body, headers={"OpenStack-API-Version": "compute 2.37"}).json()["server"]["id"]
                for _ in range(8)
            ]
        # both processes' background loops (and reads on either) race to apply the builds
        deadline = time.monotonic() + 60
        pending = set(ids)
        while pending and time.monotonic() < deadline:
            for i, sid in enumerate(sorted(pending)):
                srv = a if i % 2 else b
                with srv.http(token) as c:
                    if c.get(f"{S}/{sid}").json()["server"]["status"] == "ACTIVE":
                        pending.discard(sid)
            time.sleep(0.05)
        assert not pending
        with b.http(token) as c:
            for sid in ids:
                action = c.get(f"{S}/{sid}/os-instance-actions").json()["instanceActions"][0]
                detail = c.get(f"{S}/{sid}/os-instance-actions/{action['request_id']}").json()["instanceAction"]
                # one set of build events, not one per process
                assert [e["event"] for e in detail["events"]].count("compute__do_build_and_run_instance") == 1
            hyp = c.get("/compute/v2.1/os-hypervisors/detail", headers={"OpenStack-API-Version": "compute 2.1"})
            assert sum(h["running_vms"] for h in hyp.json()["hypervisors"]) == len(ids)
    finally:
        a.stop()
        b.stop()
