"""Image benchmark: upload and download throughput, create rate, and the cost of a page
of the image list as the cloud grows.

    python bench/image.py [--mb 256] [--sizes 1000,20000] [--concurrency 8]

Prints figures; asserts nothing.  Data is streamed both ways (the client never holds
an image in memory either); the list page is ``GET /v2/images?limit=100`` (the default
sort, newest first) and a page deep into the list via its ``next`` link.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.server import ADMIN_PASSWORD, free_port

from bench.identity import cpu_seconds, rss_mb
from bench.loadgen import encode, run

CHUNK = 1 << 20


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
            if httpx.get(f"{url}/image/versions").status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.01)
    raise RuntimeError("server did not start")


def token(url: str) -> str:
    body = {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "demo", "domain": {"id": "default"}, "password": ADMIN_PASSWORD}}},
        "scope": {"project": {"name": "demo", "domain": {"id": "default"}}},
    }}  # fmt: skip
    return httpx.post(f"{url}/v3/auth/tokens", json=body).headers["X-Subject-Token"]


def transfer(url: str, tok: str, megabytes: int) -> None:
    block = os.urandom(CHUNK)

    def body() -> Iterator[bytes]:
        for _ in range(megabytes):
            yield block

    with httpx.Client(base_url=f"{url}/image", headers={"X-Auth-Token": tok}, timeout=600) as c:
        image = c.post("/v2/images", json={"name": "bench", "disk_format": "raw", "container_format": "bare"}).json()
        started = time.perf_counter()
        r = c.put(f"/v2/images/{image['id']}/file", content=body(), headers={
            "Content-Type": "application/octet-stream", "Content-Length": str(megabytes * CHUNK)})  # fmt: skip
        up = time.perf_counter() - started
        assert r.status_code == 204, r.text
        started = time.perf_counter()
        got = 0
        with c.stream("GET", f"/v2/images/{image['id']}/file") as resp:
            for part in resp.iter_bytes(CHUNK):
                got += len(part)
        down = time.perf_counter() - started
        assert got == megabytes * CHUNK
        print(f"upload   {megabytes} MiB: {megabytes / up:,.0f} MiB/s (streamed, md5 + sha512 computed on the way)")
        print(f"download {megabytes} MiB: {megabytes / down:,.0f} MiB/s (streamed)")
        c.delete(f"/v2/images/{image['id']}")


async def fill(url: str, tok: str, count: int, concurrency: int) -> None:
    async with httpx.AsyncClient(base_url=f"{url}/image", headers={"X-Auth-Token": tok}, timeout=60) as c:
        todo = iter(range(count))

        async def worker() -> None:
            for i in todo:
                r = await c.post("/v2/images", json={"name": f"fill-{i}", "tags": ["bench"]})
                assert r.status_code == 201, r.text

        await asyncio.gather(*(worker() for _ in range(concurrency)))


def page_cost(url: str, tok: str, rounds: int = 30) -> tuple[float, float]:
    with httpx.Client(base_url=f"{url}/image", headers={"X-Auth-Token": tok}, timeout=60) as c:
        first, deep = [], []
        nxt = None
        for i in range(rounds):
            started = time.perf_counter()
            r = c.get("/v2/images", params={"limit": 100})
            first.append(time.perf_counter() - started)
            if i == 0:  # walk to a page deep in the list, then time that page
                body = r.json()
                for _ in range(8):
                    if "next" not in body:
                        break
                    nxt = body["next"]
                    body = c.get(nxt).json()
            if nxt:
                started = time.perf_counter()
                c.get(nxt)
                deep.append(time.perf_counter() - started)
        return statistics.median(first) * 1000, (statistics.median(deep) * 1000 if deep else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=int, default=256, help="size of the image to upload and download")
    parser.add_argument("--sizes", default="1000,20000", help="image counts at which to time a list page")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="pocketstack-bench-image-"))
    proc, url = start(data)
    try:
        tok = token(url)
        transfer(url, tok, args.mb)
        print(f"server RSS after the transfers: {rss_mb(proc.pid):.0f} MB")

        create = encode("POST", f"{url}/image/v2/images", {"X-Auth-Token": tok, "Content-Type": "application/json"},
                        b'{"name": "rate", "tags": ["bench"]}')  # fmt: skip
        cpu0 = cpu_seconds(proc.pid)
        res = run(url, lambda _i: create, args.concurrency, args.seconds)
        cpu = cpu_seconds(proc.pid) - cpu0
        print(f"image create: {res.rate:,.0f}/s ({res.requests / cpu:,.0f} per server CPU-second; "
              f"statuses {dict(res.statuses)})")  # fmt: skip
        have = res.requests + 1  # + cirros
        for target in (int(s) for s in args.sizes.split(",")):
            if target > have:
                asyncio.run(fill(url, tok, target - have, args.concurrency))
                have = target
            first, deep = page_cost(url, tok)
            print(f"list page of 100 with {have:,} images: first page {first:.1f} ms, a page ~800 deep {deep:.1f} ms")
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
