"""Tempest in a virtualenv of its own (``.tempest-venv/`` in the repository root), at
the versions of ``requirements.txt`` and ``constraints.txt`` beside this file."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.pinned_venv import REPO, PinnedVenv

HERE = Path(__file__).resolve().parent
DEFAULT_VENV = REPO / ".tempest-venv"


class TempestVenv(PinnedVenv):
    def __init__(self, path: Path = DEFAULT_VENV) -> None:
        super().__init__(path, HERE / "requirements.txt", HERE / "constraints.txt", "tempest", "Tempest")

    @property
    def tempest(self) -> Path:
        return self.bin("tempest")

    @property
    def site_packages(self) -> Path:
        out = subprocess.run(
            [str(self.python), "-c", "import tempest, os; print(os.path.dirname(os.path.dirname(tempest.__file__)))"],
            capture_output=True,
            text=True,
            check=True,
        )
        return Path(out.stdout.strip())

    def ensure(self, log: bool = True) -> TempestVenv:
        super().ensure(log)
        return self
