"""A tool in a virtualenv of its own, at pinned versions (Tempest, Ansible).

Such tools pin their own dependencies (Tempest its oslo.* libraries, Ansible's
openstack.cloud collection an openstacksdk it still works with); keeping them out of
the test venv means neither side can break the other.  The venv is built once and
reused while its requirements and constraints files are unchanged; a file lock makes
concurrent builders (pytest-xdist workers) wait for one install instead of racing.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_STAMP = ".pocketstack-requirements.sha256"


class PinnedVenv:
    def __init__(self, path: Path, requirements: Path, constraints: Path, command: str, label: str) -> None:
        self.path = path
        self.requirements = requirements
        self.constraints = constraints
        self.command = command  # an executable the install provides (bin/<command>)
        self.label = label

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"

    def bin(self, name: str) -> Path:
        return self.path / "bin" / name

    def _fingerprint(self) -> str:
        digest = hashlib.sha256()
        for path in (self.requirements, self.constraints):
            digest.update(path.read_bytes())
        return digest.hexdigest()

    def is_current(self) -> bool:
        stamp = self.path / _STAMP
        return self.bin(self.command).exists() and stamp.exists() and stamp.read_text().strip() == self._fingerprint()

    def ensure(self, log: bool = True) -> PinnedVenv:
        """Install the pinned versions unless the venv already holds them."""
        if self.is_current():
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.parent / (self.path.name + ".lock")
        with lock_path.open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if not self.is_current():  # another process may have finished meanwhile
                    self._install(log)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return self

    def _install(self, log: bool) -> None:
        if log:
            print(f"installing {self.label} into {self.path} …", file=sys.stderr, flush=True)
        if self.path.exists():
            shutil.rmtree(self.path)
        # The base interpreter, not the test venv's: the new venv must not inherit it.
        base = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base, "-m", "venv", str(self.path)], check=True)
        env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
        proc = subprocess.run(
            [
                str(self.python), "-m", "pip", "install", "--quiet",
                "-r", str(self.requirements), "-c", str(self.constraints),
            ],
            env=env,
            capture_output=True,
            text=True,
        )  # fmt: skip
        if proc.returncode != 0:
            raise RuntimeError(f"installing {self.label} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}")
        (self.path / _STAMP).write_text(self._fingerprint() + "\n")
