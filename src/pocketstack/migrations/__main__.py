"""Developer tool: ``python -m pocketstack.migrations revision <branch> "message"``.

Autogenerates the next migration of one branch by comparing that branch's models
with a scratch database upgraded to the branch's current head.
"""

from __future__ import annotations

import sys
import tempfile

import sqlalchemy as sa
from alembic import command

from pocketstack.migrations import BRANCHES, HERE, _config, branch_metadata, upgrade_stepwise


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] != "revision" or argv[1] not in BRANCHES:
        print(__doc__)
        print("branches:", ", ".join(BRANCHES))
        return 2
    branch, message = argv[1], argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        engine = sa.create_engine(f"sqlite:///{tmp}/scratch.db")
        upgrade_stepwise(engine)  # the history, not the models: the diff is what is new
        with engine.begin() as conn:
            cfg = _config(conn)
            cfg.attributes["target_metadata"] = branch_metadata(branch)
            cfg.attributes["branch"] = branch
            version_dir = HERE / "versions" / branch
            has_history = any(version_dir.glob("*.py"))
            command.revision(
                cfg,
                message=message,
                autogenerate=True,
                head=f"{branch}@head" if has_history else "base",
                branch_label=None if has_history else branch,
                version_path=str(version_dir),
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
