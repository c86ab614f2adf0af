"""Block storage benchmark: volumes created to ``available`` per second, and attach/detach
cycles per second.

    python bench/volume.py [--volumes 500] [--cycles 500] [--concurrency 16]

Prints figures; asserts nothing.  The backend is instant (``[volume] build_mode``), so a
volume is ``available`` as soon as its create returns (the 202 body still says
``creating``, as Cinder's does); every volume is then read back to confirm it.  An
attach/detach cycle is what Nova does with the attachments API: create the attachment
with a connector (3.54), complete it (volume ``in-use``), delete it (``available``) —
three requests.  Requests come from ``--concurrency`` parallel clients as the demo
member, with the project's volume quotas lifted.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.server import ADMIN_PASSWORD, free_port

from bench.identity import cpu_seconds, rss_mb
from bench.network import token

V = "/volume/v3"
HEADERS = {"OpenStack-API-Version": "volume 3.71"}
CONNECTOR = {"host": "bench-compute", "initiator": "iqn.1993-08.org.debian:01:bench", "mountpoint": "/dev/vdb"}


def start(data: Path) -> tuple[subprocess.Popen[bytes], str]:
    (data / "pocketstack.toml").write_text('log_level = "WARNING"\n[identity]\npassword_hash_rounds = 4\n')
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pocketstack.cli", "serve", "--port", str(port), "--data-dir", str(data),
         "--admin-password", ADMIN_PASSWORD],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(3000):
        try:
            if httpx.get(f"{url}/volume/").status_code == 300:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.01)
    raise RuntimeError("server did not start")


def lift_quotas(url: str, admin: str, member: str) -> str:
    with httpx.Client(base_url=url, timeout=60) as c:
        me = c.get("/v3/auth/tokens", headers={"X-Auth-Token": admin, "X-Subject-Token": member}).json()
        project = str(me["token"]["project"]["id"])
        quotas = {
            "volumes": -1,
            "gigabytes": -1,
            "snapshots": -1,
            "volumes_lvmdriver-1": -1,
            "gigabytes_lvmdriver-1": -1,
        }
        r = c.put(
            f"{V}/os-quota-sets/{project}", json={"quota_set": quotas}, headers={"X-Auth-Token": admin, **HEADERS}
        )
        assert r.status_code == 200, r.text
        return project


async def _pool(count: int, concurrency: int, work: object) -> None:
    todo = iter(range(count))

    async def worker() -> None:
        for i in todo:
            await work(i)  # type: ignore[operator]

    await asyncio.gather(*(worker() for _ in range(concurrency)))


async def create_volumes(url: str, tok: str, project: str, count: int, concurrency: int) -> tuple[float, list[str]]:
    ids: list[str] = []
    headers = {"X-Auth-Token": tok, **HEADERS}
    async with httpx.AsyncClient(base_url=f"{url}{V}/{project}", headers=headers, timeout=60) as c:

        async def one(i: int) -> None:
            r = await c.post("/volumes", json={"volume": {"size": 1, "name": f"bench-{i}"}})
            assert r.status_code == 202, r.text
            ids.append(r.json()["volume"]["id"])

        started = time.perf_counter()
        await _pool(count, concurrency, one)
        elapsed = time.perf_counter() - started
        statuses: dict[str, int] = {}
        marker = None
        while True:
            params = {"limit": "1000", "name~": "bench-"} | ({"marker": marker} if marker else {})
            page = (await c.get("/volumes/detail", params=params)).json()["volumes"]
            for v in page:
                statuses[v["status"]] = statuses.get(v["status"], 0) + 1
            if len(page) < 1000:
                break
            marker = page[-1]["id"]
        assert statuses == {"available": count}, statuses
    return elapsed, ids


async def attach_cycles(url: str, tok: str, project: str, volumes: list[str], cycles: int, concurrency: int) -> float:
    headers = {"X-Auth-Token": tok, **HEADERS}
    async with httpx.AsyncClient(base_url=f"{url}{V}/{project}", headers=headers, timeout=60) as c:
        free = list(volumes[:concurrency])

        async def one(i: int) -> None:
            vid = free.pop()
            try:
                body = {"attachment": {"volume_uuid": vid, "instance_uuid": str(uuid.uuid4()), "connector": CONNECTOR}}
                r = await c.post("/attachments", json=body)
                assert r.status_code == 200, r.text
                att = r.json()["attachment"]["id"]
                r = await c.post(f"/attachments/{att}/action", json={"os-complete": {}})
                assert r.status_code == 204, r.text
                r = await c.delete(f"/attachments/{att}")
                assert r.status_code == 200, r.text
            finally:
                free.append(vid)

        started = time.perf_counter()
        await _pool(cycles, concurrency, one)
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--volumes", type=int, default=500)
    parser.add_argument("--cycles", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start(Path(tmp))
        try:
            admin, member = token(url, "admin"), token(url, "demo")
            project = lift_quotas(url, admin, member)
            print(f"pocketstack volume benchmark ({args.concurrency} parallel clients, instant backend)")
            print(f"idle RSS: {rss_mb(proc.pid):.0f} MB")
            cpu0 = cpu_seconds(proc.pid)
            elapsed, ids = asyncio.run(create_volumes(url, member, project, args.volumes, args.concurrency))
            cpu1 = cpu_seconds(proc.pid)
            print(
                f"volume creates to available: {args.volumes} in {elapsed:.2f} s = {args.volumes / elapsed:.0f}/s "
                f"(server CPU {1000 * (cpu1 - cpu0) / args.volumes:.2f} ms per volume)"
            )
            elapsed = asyncio.run(attach_cycles(url, member, project, ids, args.cycles, args.concurrency))
            cpu2 = cpu_seconds(proc.pid)
            print(
                f"attach/detach cycles (attachment create+complete+delete): {args.cycles} in {elapsed:.2f} s = "
                f"{args.cycles / elapsed:.0f}/s (server CPU {1000 * (cpu2 - cpu1) / args.cycles:.2f} ms per cycle)"
            )
            print(f"RSS after: {rss_mb(proc.pid):.0f} MB")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
