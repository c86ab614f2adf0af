"""Identity benchmark: start-to-first-token, idle RSS, token issue and validation rates.

    python bench/identity.py [--seconds 10] [--concurrency 8] [--rounds 4]

Prints figures; asserts nothing.  Rates are measured with a closed-loop keep-alive
client on loopback, and also given per CPU-second the server process used (what the
developer notes compare against: real Keystone 30 on this kind of machine — 2 uwsgi
processes, SQLite, memory cache, bcrypt cost 4 — does ~220 validations/s and ~90
password token issues/s).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.server import ADMIN_PASSWORD, free_port

from bench.loadgen import encode, run


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def password_body(project: str = "admin") -> bytes:
    return json.dumps(
        {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {"user": {"name": "admin", "domain": {"id": "default"}, "password": ADMIN_PASSWORD}},
                },
                "scope": {"project": {"name": project, "domain": {"id": "default"}}},
            }
        }
    ).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=4, help="bcrypt cost (Keystone's figure used 4)")
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="pocketstack-bench-"))
    (data / "pocketstack.toml").write_text(f'log_level = "WARNING"\n[identity]\npassword_hash_rounds = {args.rounds}\n')
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    body = password_body()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pocketstack.cli",
            "serve",
            "--port",
            str(port),
            "--data-dir",
            str(data),
            "--admin-password",
            ADMIN_PASSWORD,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    token = None
    while time.perf_counter() - started < 30:
        try:
            r = httpx.post(f"{url}/v3/auth/tokens", content=body, headers={"Content-Type": "application/json"})
            if r.status_code == 201:
                token = r.headers["X-Subject-Token"]
                break
        except httpx.TransportError:
            time.sleep(0.01)
    first_token = time.perf_counter() - started
    try:
        assert token, "no token"
        time.sleep(1.0)
        idle_rss = rss_mb(proc.pid)
        print(f"start to first token: {first_token:.2f} s (fresh data dir: migrations + bootstrap included)")
        print(f"idle RSS:             {idle_rss:.0f} MB")

        issue = encode("POST", f"{url}/v3/auth/tokens", {"Content-Type": "application/json"}, body)
        cpu0 = cpu_seconds(proc.pid)
        res = run(url, lambda _i: issue, args.concurrency, args.seconds)
        cpu = cpu_seconds(proc.pid) - cpu0
        print(
            f"token issue (password, project scope, bcrypt cost {args.rounds}): {res.rate:,.0f}/s "
            f"({res.requests / cpu:,.0f} per server CPU-second; statuses {dict(res.statuses)})"
        )

        validate = encode("GET", f"{url}/v3/auth/tokens", {"X-Auth-Token": token, "X-Subject-Token": token})
        cpu0 = cpu_seconds(proc.pid)
        res = run(url, lambda _i: validate, args.concurrency, args.seconds)
        cpu = cpu_seconds(proc.pid) - cpu0
        print(
            f"token validation (GET /v3/auth/tokens, catalog included): {res.rate:,.0f}/s "
            f"({res.requests / cpu:,.0f} per server CPU-second; statuses {dict(res.statuses)})"
        )
        print("reference: Keystone 30, 2 uwsgi processes, SQLite, bcrypt cost 4: ~220 validations/s, ~90 issues/s")
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
