"""Network benchmark: the port create rate (IP and MAC allocated in the create's write
transaction), and the cost of a page of the port list as the cloud grows.

    python bench/network.py [--sizes 1000,20000] [--concurrency 8] [--seconds 5]

Prints figures; asserts nothing.  The ports go on one network with a /16 subnet; the
list page is ``GET /networking/v2.0/ports?limit=100`` (sorted by id, keyset-paginated)
and a page deep into the list reached through the ``next`` links, timed as the demo
member (whose view is scoped to the project's ports and networks) and as the admin.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.server import ADMIN_PASSWORD, free_port

from bench.identity import cpu_seconds, rss_mb
from bench.loadgen import encode, run

N = "/networking/v2.0"


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
            if httpx.get(f"{url}/networking/").status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.01)
    raise RuntimeError("server did not start")


def token(url: str, user: str) -> str:
    body = {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": user, "domain": {"id": "default"}, "password": ADMIN_PASSWORD}}},
        "scope": {"project": {"name": user, "domain": {"id": "default"}}},
    }}  # fmt: skip
    return httpx.post(f"{url}/v3/auth/tokens", json=body).headers["X-Subject-Token"]


def prepare(url: str, admin: str, member: str) -> str:
    """A /16 subnet on a fresh network of the demo project, with the port quota lifted."""
    with httpx.Client(base_url=url + N, timeout=60) as c:
        me = c.get("/quotas/project", headers={"X-Auth-Token": member}).json()["project"]["project_id"]
        r = c.put(f"/quotas/{me}", json={"quota": {"port": -1}}, headers={"X-Auth-Token": admin})
        assert r.status_code == 200, r.text
        net = c.post("/networks", json={"network": {"name": "bench"}}, headers={"X-Auth-Token": member}).json()
        body = {"subnet": {"network_id": net["network"]["id"], "cidr": "10.128.0.0/16", "ip_version": 4}}
        r = c.post("/subnets", json=body, headers={"X-Auth-Token": member})
        assert r.status_code == 201, r.text
        return str(net["network"]["id"])


async def fill(url: str, tok: str, network_id: str, count: int, concurrency: int) -> None:
    async with httpx.AsyncClient(base_url=url + N, headers={"X-Auth-Token": tok}, timeout=60) as c:
        todo = iter(range(count))

        async def worker() -> None:
            for _ in todo:
                r = await c.post("/ports", json={"port": {"network_id": network_id}})
                assert r.status_code == 201, r.text

        await asyncio.gather(*(worker() for _ in range(concurrency)))


def page_cost(url: str, tok: str, rounds: int = 30) -> tuple[float, float]:
    with httpx.Client(base_url=url, headers={"X-Auth-Token": tok}, timeout=60) as c:
        first, deep = [], []
        nxt = None
        for i in range(rounds):
            started = time.perf_counter()
            r = c.get(N + "/ports", params={"limit": 100})
            first.append(time.perf_counter() - started)
            assert r.status_code == 200 and len(r.json()["ports"]) == 100, r.text[:200]
            if i == 0:  # walk 8 pages into the list, then time that page
                body = r.json()
                for _ in range(8):
                    links = {link["rel"]: link["href"] for link in body.get("ports_links", [])}
                    if "next" not in links:
                        break
                    nxt = links["next"]
                    body = c.get(nxt).json()
            if nxt:
                started = time.perf_counter()
                c.get(nxt)
                deep.append(time.perf_counter() - started)
        return statistics.median(first) * 1000, (statistics.median(deep) * 1000 if deep else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,20000", help="port counts at which to time a list page")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="pocketstack-bench-network-"))
    proc, url = start(data)
    try:
        admin, member = token(url, "admin"), token(url, "demo")
        network_id = prepare(url, admin, member)
        body = json.dumps({"port": {"network_id": network_id}}).encode()
        create = encode("POST", f"{url}{N}/ports", {"X-Auth-Token": member, "Content-Type": "application/json"}, body)
        cpu0 = cpu_seconds(proc.pid)
        res = run(url, lambda _i: create, args.concurrency, args.seconds)
        cpu = cpu_seconds(proc.pid) - cpu0
        print(f"port create: {res.rate:,.0f}/s ({res.requests / cpu:,.0f} per server CPU-second; "
              f"statuses {dict(res.statuses)}; concurrency {args.concurrency})")  # fmt: skip
        have = res.statuses.get(201, 0) + 1  # + router1's interface in the demo project
        for target in (int(s) for s in args.sizes.split(",")):
            if target > have:
                asyncio.run(fill(url, member, network_id, target - have, args.concurrency))
                have = target
            for who, tok in (("member", member), ("admin", admin)):
                first, deep = page_cost(url, tok)
                print(f"list page of 100 with {have:,} ports, as {who}: first page {first:.1f} ms, "
                      f"a page ~800 deep {deep:.1f} ms")  # fmt: skip
        print(f"server RSS at the end: {rss_mb(proc.pid):.0f} MB")
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
