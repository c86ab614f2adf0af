"""Tempest in a virtualenv of its own (``.tempest-venv/`` in the repository root).

Tempest pins its own dependencies (oslo.*, requests, …); keeping it out of the test
venv means neither side can break the other.  The venv is built once and reused
while ``requirements.txt`` and ``constraints.txt`` are unchanged; a file lock makes
concurrent runners (pytest-xdist workers) wait for one install instead of racing.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
REQUIREMENTS = HERE / "requirements.txt"
CONSTRAINTS = HERE / "constraints.txt"
DEFAULT_VENV = REPO / ".tempest-venv"
_STAMP = ".pocketstack-requirements.sha256"


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in (REQUIREMENTS, CONSTRAINTS):
        digest.update(path.read_bytes())
    return digest.hexdigest()


class TempestVenv:
    def __init__(self, path: Path = DEFAULT_VENV) -> None:
        self.path = path

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"

    @property
    def tempest(self) -> Path:
        return self.path / "bin" / "tempest"

    @property
    def site_packages(self) -> Path:
        out = subprocess.run(
            [str(self.python), "-c", "import tempest, os; print(os.path.dirname(os.path.dirname(tempest.__file__)))"],
            capture_output=True,
            text=True,
            check=True,
        )
        return Path(out.stdout.strip())

    def is_current(self) -> bool:
        stamp = self.path / _STAMP
        return self.tempest.exists() and stamp.exists() and stamp.read_text().strip() == _fingerprint()

    def ensure(self, log: bool = True) -> TempestVenv:
        """Install Tempest unless the venv already holds the pinned version."""
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
            print(f"conformance: installing Tempest into {self.path} …", file=sys.stderr, flush=True)
        if self.path.exists():
            shutil.rmtree(self.path)
        # The base interpreter, not the test venv's: the new venv must not inherit it.
        base = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base, "-m", "venv", str(self.path)], check=True)
        env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
        proc = subprocess.run(
            [str(self.python), "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS), "-c", str(CONSTRAINTS)],
            env=env,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"installing Tempest failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}")
        (self.path / _STAMP).write_text(_fingerprint() + "\n")
