"""A real pocketstack server in a subprocess, and the real clients pointed at it."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ADMIN_PASSWORD = "secret"
# Settings every test cloud uses: cheap hashing so tests run fast (the bench states its cost).
TEST_CONFIG = """
[identity]
password_hash_rounds = 4
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    data_dir: Path
    extra_config: str = ""
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    url: str = ""
    proc: subprocess.Popen[str] | None = None
    log_path: Path | None = None

    @property
    def clouds_yaml(self) -> Path:
        # this server's own copy: another server started on the same data dir rewrites clouds.yaml
        own = self.data_dir / f"clouds-{self.port}.yaml"
        return own if own.exists() else self.data_dir / "clouds.yaml"

    @property
    def auth_url(self) -> str:
        return f"{self.url}/v3"

    def start(self, timeout: float = 30) -> Server:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = self.data_dir / "pocketstack.toml"
        if not config.exists():
            config.write_text(TEST_CONFIG + self.extra_config)
        if not self.port:
            self.port = free_port()
        self.log_path = self.data_dir / "server.log"
        log = self.log_path.open("a")
        env = {**os.environ, **self.env}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pocketstack.cli",
                "serve",
                "--port",
                str(self.port),
                "--data-dir",
                str(self.data_dir),
                "--admin-password",
                ADMIN_PASSWORD,
            ],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env=env,
        )
        deadline = time.monotonic() + timeout
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"server exited early; see {self.log_path}:\n{self.log_path.read_text()[-3000:]}")
            match = re.search(r"serving on (\S+)", line)
            if match:
                self.url = match.group(1)
                # written before the "serving on" line
                shutil.copyfile(self.data_dir / "clouds.yaml", self.data_dir / f"clouds-{self.port}.yaml")
                break
        else:
            raise RuntimeError("server did not start in time")
        # keep draining stdout so the server never blocks on a full pipe
        import threading

        threading.Thread(target=self.proc.stdout.read, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def restart(self) -> Server:
        self.stop()
        return self.start()

    # -- clients -----------------------------------------------------------------

    def client_env(self, cloud: str = "pocketstack-admin") -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
        env.update({"OS_CLIENT_CONFIG_FILE": str(self.clouds_yaml), "OS_CLOUD": cloud})
        return env

    def openstack(
        self,
        *args: str,
        cloud: str = "pocketstack-admin",
        check: bool = True,
        json_output: bool = True,
        env: dict[str, str] | None = None,
    ) -> Any:
        """Run the real ``openstack`` CLI; returns parsed JSON (or the completed process)."""
        cmd = [str(Path(sys.executable).parent / "openstack"), *args]
        if json_output:
            cmd += ["-f", "json"]
        proc = subprocess.run(
            cmd, capture_output=True, text=True, env={**self.client_env(cloud), **(env or {})}, timeout=120
        )
        if not check:
            return proc
        if proc.returncode != 0:
            raise AssertionError(f"openstack {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
        if json_output:
            return json.loads(proc.stdout) if proc.stdout.strip() else None
        return proc

    def sdk(self, cloud: str = "pocketstack-admin") -> Any:
        import openstack.config
        import openstack.connection

        config = openstack.config.OpenStackConfig(
            config_files=[str(self.clouds_yaml)], load_envvars=False, vendor_files=[], secure_files=[]
        )
        return openstack.connection.Connection(config=config.get_one(cloud=cloud))

    def token(
        self,
        user: str = "admin",
        project: str | None = "admin",
        password: str = ADMIN_PASSWORD,
        scope: dict[str, Any] | None = None,
    ) -> str:
        body: dict[str, Any] = {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {"user": {"name": user, "domain": {"id": "default"}, "password": password}},
                }
            }
        }
        if scope is not None:
            body["auth"]["scope"] = scope
        elif project is not None:
            body["auth"]["scope"] = {"project": {"name": project, "domain": {"id": "default"}}}
        r = httpx.post(f"{self.url}/v3/auth/tokens", json=body, timeout=30)
        assert r.status_code == 201, r.text
        return r.headers["X-Subject-Token"]

    def http(self, token: str | None = None) -> httpx.Client:
        headers = {"X-Auth-Token": token} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)
