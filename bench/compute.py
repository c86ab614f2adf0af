"""Compute benchmark: servers created to ACTIVE per second, and the cost of a page of
the server list as the cloud grows.

    python bench/compute.py [--servers 500] [--concurrency 16] [--sizes 1000,20000]

Prints figures; asserts nothing.  Builds are instant (``[compute] build_mode``), so a
server is ACTIVE when its create returns; the rate is measured over the wall time of
creating ``--servers`` servers with ``--concurrency`` parallel clients as the demo
member (quotas lifted), once without networking (``networks: none``) and once with a
port each on a network of the demo project with a /16 subnet.  The list page is ``GET /servers/detail?limit=100``
(keyset-paginated on created_at, id) — the first page and one deep in the list — with
the cloud holding each of ``--sizes`` servers (the extra servers are written straight
into the database, as another pocketstack process sharing it would).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.server import ADMIN_PASSWORD, free_port

from bench.identity import cpu_seconds, rss_mb
from bench.network import token

C = "/compute/v2.1"
LATEST = {"OpenStack-API-Version": "compute 2.37"}


def start(data: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A server with instant builds and hosts big enough for every server the bench makes."""
    (data / "pocketstack.toml").write_text(
        'log_level = "WARNING"\n[identity]\npassword_hash_rounds = 4\n'
        '[compute]\nbuild_mode = "instant"\nhosts = 3\nhost_vcpus = 4096\nhost_ram_mb = 4194304\n'
    )
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pocketstack.cli", "serve", "--port", str(port), "--data-dir", str(data),
         "--admin-password", ADMIN_PASSWORD],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(3000):
        try:
            if httpx.get(f"{url}/compute/").status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.01)
    raise RuntimeError("server did not start")


def prepare(url: str, admin: str, member: str) -> tuple[str, str, str | None]:
    """Lift the demo project's compute and port quotas; the image and private network."""
    with httpx.Client(base_url=url, timeout=60) as c:
        demo = c.get("/v3/auth/tokens", headers={"X-Auth-Token": admin, "X-Subject-Token": member}).json()
        project = demo["token"]["project"]["id"]
        r = c.put(
            f"{C}/os-quota-sets/{project}",
            json={"quota_set": {"instances": -1, "cores": -1, "ram": -1}},
            headers={"X-Auth-Token": admin},
        )
        assert r.status_code == 200, r.text
        c.put(f"/networking/v2.0/quotas/{project}", json={"quota": {"port": -1}}, headers={"X-Auth-Token": admin})
        images = c.get("/image/v2/images", headers={"X-Auth-Token": member}).json()["images"]
        # a network of the demo project with room for every port (DevStack's private is a /24)
        net = c.post("/networking/v2.0/networks", json={"network": {"name": "bench"}}, headers={"X-Auth-Token": member})
        network = None
        if net.status_code == 201:
            network = net.json()["network"]["id"]
            body = {"subnet": {"network_id": network, "cidr": "10.128.0.0/16", "ip_version": 4}}
            c.post("/networking/v2.0/subnets", json=body, headers={"X-Auth-Token": member})
        return project, images[0]["id"], network


async def create_many(url: str, tok: str, image: str, network: str | None, count: int, concurrency: int) -> float:
    networks: Any = [{"uuid": network}] if network else "none"
    body = {"server": {"name": "bench", "imageRef": image, "flavorRef": "42", "networks": networks}}
    todo = iter(range(count))
    failures: list[str] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"X-Auth-Token": tok, **LATEST}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120, limits=limits) as c:

        async def worker() -> None:
            for _ in todo:
                r = await c.post(f"{C}/servers", json=body)
                if r.status_code != 202:
                    failures.append(r.text[:200])

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    if failures:
        print(f"  {len(failures)} creates failed, e.g. {failures[0]}")
    return elapsed


def count_active(url: str, tok: str) -> int:
    total = 0
    marker = None
    with httpx.Client(base_url=url, headers={"X-Auth-Token": tok}, timeout=120) as c:
        while True:
            params: dict[str, Any] = {"limit": 1000, "status": "ACTIVE"}
            if marker:
                params["marker"] = marker
            page = c.get(f"{C}/servers", params=params).json()["servers"]
            total += len(page)
            if len(page) < 1000:
                return total
            marker = page[-1]["id"]


def seed(data: Path, project: str, user: str, image: str, count: int) -> None:
    """Write ``count`` ACTIVE servers straight into the database (as another process would)."""
    import sqlalchemy as sa

    from pocketstack.core import timeutils
    from pocketstack.services.compute.models import instances

    engine = sa.create_engine(f"sqlite:///{data / 'pocketstack.db'}", connect_args={"timeout": 60})
    flavor = {"flavorid": "42", "name": "m1.nano", "memory_mb": 192, "vcpus": 1, "root_gb": 1, "ephemeral_gb": 0,
              "swap": 0, "extra_specs": {"hw_rng:allowed": "True"}, "description": None}  # fmt: skip
    base = timeutils.utcnow() - timedelta(days=30)
    rows = []
    for i in range(count):
        at = base + timedelta(seconds=i)
        rows.append({
            "uuid": str(uuid.uuid4()), "project_id": project, "user_id": user, "display_name": f"seed-{i}",
            "display_description": None, "hostname": f"seed-{i}", "image_ref": image, "flavor_id": "42",
            "flavor": flavor, "vcpus": 1, "memory_mb": 192, "root_gb": 1, "ephemeral_gb": 0, "vm_state": "active",
            "task_state": None, "power_state": 1, "host": f"compute{1 + i % 3}", "node": f"compute{1 + i % 3}",
            "availability_zone": "nova", "reservation_id": f"r-{i:08x}", "launch_index": 0, "config_drive": "",
            "auto_disk_config": False, "locked": False, "progress": 0, "root_device_name": "/dev/vda",
            "kernel_id": "", "ramdisk_id": "", "metadata": {}, "system_metadata": {}, "security_groups": ["default"],
            "ips": "", "launched_at": at, "created_at": at, "updated_at": at, "deleted": False,
        })  # fmt: skip
        if len(rows) == 2000:
            with engine.begin() as conn:
                conn.execute(instances.insert(), rows)
            rows = []
    if rows:
        with engine.begin() as conn:
            conn.execute(instances.insert(), rows)
    engine.dispose()


def time_page(url: str, tok: str, params: dict[str, Any], rounds: int = 20) -> float:
    with httpx.Client(base_url=url, headers={"X-Auth-Token": tok, **LATEST}, timeout=120) as c:
        c.get(f"{C}/servers/detail", params=params)
        samples = []
        for _ in range(rounds):
            started = time.perf_counter()
            r = c.get(f"{C}/servers/detail", params=params)
            samples.append(time.perf_counter() - started)
            assert r.status_code == 200 and len(r.json()["servers"]) == params["limit"], r.text[:300]
    return statistics.median(samples) * 1000


def deep_marker(url: str, tok: str, depth: int) -> str:
    with httpx.Client(base_url=url, headers={"X-Auth-Token": tok}, timeout=120) as c:
        page = c.get(f"{C}/servers", params={"limit": 1}).json()["servers"]
        marker = page[0]["id"]
        remaining = depth
        while remaining > 0:
            step = min(1000, remaining)
            page = c.get(f"{C}/servers", params={"limit": step, "marker": marker}).json()["servers"]
            marker = page[-1]["id"]
            remaining -= step
        return str(marker)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--sizes", default="1000,20000")
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="pocketstack-bench-"))
    proc, url = start(data)
    try:
        admin, member = token(url, "admin"), token(url, "demo")
        project, image, network = prepare(url, admin, member)
        user = httpx.get(f"{url}/v3/auth/tokens", headers={"X-Auth-Token": admin, "X-Subject-Token": member}).json()
        user_id = user["token"]["user"]["id"]
        print(f"pocketstack compute bench: {args.servers} servers, {args.concurrency} clients, instant builds")
        for label, net in (("no network", None), ("one port each", network)):
            if label == "one port each" and net is None:
                continue
            before = count_active(url, member)
            cpu0 = cpu_seconds(proc.pid)
            elapsed = asyncio.run(create_many(url, member, image, net, args.servers, args.concurrency))
            cpu = cpu_seconds(proc.pid) - cpu0
            active = count_active(url, member) - before
            print(
                f"  create to ACTIVE ({label}): {active} servers in {elapsed:.2f} s = {active / elapsed:.0f}/s "
                f"(server CPU {cpu:.1f} s, {active / max(cpu, 1e-9):.0f}/CPU-s)"
            )
        for size in [int(s) for s in args.sizes.split(",") if s]:
            have = count_active(url, member)
            if size > have:
                seed(data, project, user_id, image, size - have)
            total = count_active(url, member)
            first = time_page(url, member, {"limit": 100})
            deep = time_page(url, member, {"limit": 100, "marker": deep_marker(url, member, total // 2)})
            admin_all = time_page(url, admin, {"limit": 100, "all_tenants": 1})
            print(
                f"  GET /servers/detail?limit=100 with {total} servers: first page {first:.1f} ms, "
                f"page at {total // 2} {deep:.1f} ms, admin all_tenants {admin_all:.1f} ms (medians)"
            )
        print(f"  server RSS {rss_mb(proc.pid):.0f} MB")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
