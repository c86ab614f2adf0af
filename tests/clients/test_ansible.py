"""Ansible's openstack.cloud collection, unmodified, deploys an application on the cloud
as the demo member (network, subnet, router, security group and rules, key pair, three
servers with floating IPs, a volume attached to each), finds nothing to change on a
second run, and tears it all down (tests/clients/ansible/*.yml)."""

from __future__ import annotations

import os
import re
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.pinned_venv import REPO, PinnedVenv
from tests.server import Server

HERE = Path(__file__).resolve().parent / "ansible"
VENV = PinnedVenv(
    REPO / ".ansible-venv", HERE / "requirements.txt", HERE / "constraints.txt", "ansible-playbook", "Ansible"
)
_RECAP = re.compile(r"localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)")


def _playbook(server: Server, name: str, prefix: str) -> tuple[int, int]:
    """Run a playbook against the server as the demo member; (ok, changed) of its recap."""
    env = {
        **os.environ,
        "OS_CLIENT_CONFIG_FILE": str(server.clouds_yaml),
        "ANSIBLE_PYTHON_INTERPRETER": str(VENV.python),
        "ANSIBLE_LOCAL_TEMP": str(server.data_dir / "ansible-tmp"),
        "ANSIBLE_NOCOLOR": "1",
    }
    for key in [k for k in env if k.startswith("OS_") and k != "OS_CLIENT_CONFIG_FILE"]:
        env.pop(key)
    proc = subprocess.run(
        [
            str(VENV.bin("ansible-playbook")), "-i", "localhost,", "-c", "local",
            "-e", f"cloud=pocketstack prefix={prefix}", str(HERE / name),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip
    recap = _RECAP.search(proc.stdout)
    assert proc.returncode == 0 and recap, f"{name} failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}"
    ok, changed, unreachable, failed = (int(g) for g in recap.groups())
    assert unreachable == failed == 0
    return ok, changed


@pytest.mark.slow
def test_playbook_deploys_is_idempotent_and_tears_down(server: Server, member_token: str) -> None:
    VENV.ensure()
    prefix = f"ans{uuid.uuid4().hex[:6]}"
    ok, changed = _playbook(server, "deploy.yml", prefix)
    assert changed == 9, (ok, changed)  # every creating task changed something
    assert _playbook(server, "deploy.yml", prefix)[1] == 0  # the second run: nothing to do
    with server.http(member_token) as demo:
        servers = demo.get("/compute/v2.1/servers", params={"name": f"^{prefix}-"}).json()["servers"]
        assert len(servers) == 3
        try:
            _playbook(server, "teardown.yml", prefix)
        finally:
            leftovers = {
                "servers": demo.get("/compute/v2.1/servers", params={"name": f"^{prefix}-"}).json()["servers"],
                "volumes": [
                    v for v in demo.get("/volume/v3/volumes").json()["volumes"] if v["name"].startswith(prefix)
                ],
                "networks": demo.get("/networking/v2.0/networks", params={"name": f"{prefix}-net"}).json()["networks"],
                "routers": demo.get("/networking/v2.0/routers", params={"name": f"{prefix}-router"}).json()["routers"],
                "groups": demo.get("/networking/v2.0/security-groups", params={"name": f"{prefix}-sg"}).json()[
                    "security_groups"
                ],
                "keypairs": [
                    k
                    for k in demo.get("/compute/v2.1/os-keypairs").json()["keypairs"]
                    if k["keypair"]["name"] == f"{prefix}-key"
                ],
            }
    assert not any(leftovers.values()), leftovers
