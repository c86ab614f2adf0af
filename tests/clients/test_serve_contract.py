"""`pocketstack serve` as DEVELOPERS.md promises it: options from flags or POCKETSTACK_*
variables, a port of 0 answered with the address really bound (in the catalog too), a
clouds.yaml whose eight clouds (pocketstack-* and DevStack's devstack-*) the real
`openstack` CLI logs in with, and no listening beyond loopback with the default password."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.server import TEST_CONFIG

CLOUDS = ("-admin", "", "-alt", "-system-admin")


def _serve(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("POCKETSTACK_", "OS_"))}
    return subprocess.Popen(
        [sys.executable, "-m", "pocketstack.cli", "serve", *args],
        env={**clean, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@contextmanager
def _running(args: list[str], env: dict[str, str]) -> Iterator[tuple[str, Path]]:
    """A server started as a user would; (its URL, the clouds.yaml it printed)."""
    proc = _serve(args, env)
    try:
        assert proc.stdout is not None
        url = path = None
        for line in proc.stdout:
            if m := re.search(r"serving on (\S+)", line):
                url = m.group(1)
            if m := re.match(r"clouds\.yaml: (\S+)", line):
                path = Path(m.group(1))
                break
        assert url and path, proc.stderr.read() if proc.stderr else "no output"
        yield url, path
    finally:
        proc.terminate()
        assert proc.wait(timeout=30) == 0  # SIGTERM stops it cleanly


def _openstack(clouds_yaml: Path, cloud: str, *args: str) -> object:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env.update(OS_CLIENT_CONFIG_FILE=str(clouds_yaml), OS_CLOUD=cloud)
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "openstack"), *args, "-f", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, f"{cloud}: openstack {' '.join(args)}: {proc.stderr}"
    return json.loads(proc.stdout)


@pytest.mark.slow
def test_env_vars_port_zero_and_every_cloud_of_clouds_yaml(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "pocketstack.toml").write_text(TEST_CONFIG)
    env = {"POCKETSTACK_DATA_DIR": str(data), "POCKETSTACK_PORT": "0", "POCKETSTACK_ADMIN_PASSWORD": "s3cret-pw"}
    with _running([], env) as (url, clouds_yaml):
        port = int(url.rsplit(":", 1)[1])
        assert port != 0 and clouds_yaml == data / "clouds.yaml"
        assert oct(clouds_yaml.stat().st_mode & 0o777) == "0o600"  # it holds the password
        endpoints = _openstack(clouds_yaml, "devstack-admin", "endpoint", "list")
        assert isinstance(endpoints, list) and endpoints
        assert all(e["URL"].startswith(url) for e in endpoints), endpoints
        for prefix in ("pocketstack", "devstack"):
            for suffix in CLOUDS:
                token = _openstack(clouds_yaml, prefix + suffix, "token", "issue")
                assert isinstance(token, dict) and token["id"]
                # system scope for the system admin, a project for the others
                assert bool(token.get("project_id")) == (suffix != "-system-admin"), (prefix + suffix, token)
        # the alt cloud is another project than the demo one
        demo = _openstack(clouds_yaml, "pocketstack", "token", "issue")
        alt = _openstack(clouds_yaml, "devstack-alt", "token", "issue")
        assert isinstance(demo, dict) and isinstance(alt, dict) and demo["project_id"] != alt["project_id"]
        with httpx.Client(base_url=url) as c:
            assert c.get("/v3").json()["version"]["id"] == "v3.14"


def test_no_default_password_beyond_loopback(tmp_path: Path) -> None:
    proc = _serve(["--host", "0.0.0.0", "--port", "0", "--data-dir", str(tmp_path)], {})
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "refusing to listen on 0.0.0.0" in err, (out, err)
    assert not (tmp_path / "clouds.yaml").exists()
