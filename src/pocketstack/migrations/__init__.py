"""Alembic migrations: one branch per service, applied on start.

Each service keeps its history under ``versions/<branch>/``; the branches are
independent (no cross-service foreign keys), so ``upgrade heads`` applies them all.
To add a migration after changing a service's models::

    python -m pocketstack.migrations revision <branch> "what changed"
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

HERE = Path(__file__).parent

# branch name -> "module:attribute" of the MetaData it migrates
BRANCHES: dict[str, str] = {
    "core": "pocketstack.core.tables:metadata",
    "identity": "pocketstack.services.identity.models:metadata",
    "image": "pocketstack.services.image.models:metadata",
    "network": "pocketstack.services.network.models:metadata",
    "compute": "pocketstack.services.compute.models:metadata",
    "volume": "pocketstack.services.volume.models:metadata",
}


def branch_metadata(branch: str) -> sa.MetaData:
    module, attr = BRANCHES[branch].split(":")
    return getattr(importlib.import_module(module), attr)


def _config(connection: object | None = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    dirs = [str(HERE / "versions" / b) for b in BRANCHES]
    for d in dirs:
        Path(d).mkdir(parents=True, exist_ok=True)
    cfg.set_main_option("version_locations", " ".join(dirs))
    cfg.set_main_option("path_separator", "space")
    cfg.attributes["connection"] = connection
    return cfg


_REVISION = re.compile(r"^revision\s*=\s*['\"]([0-9a-zA-Z_]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*=\s*(.+)$", re.M)
_VERSION_TABLE = sa.Table("alembic_version", sa.MetaData(), sa.Column("version_num", sa.String(32), primary_key=True))


def script_heads() -> set[str]:
    """The newest revision of every branch, read from the version files.

    Alembic's own loader costs a noticeable part of start-up, so the usual case — a
    database already at the heads — is decided without it.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for branch in BRANCHES:
        for path in (HERE / "versions" / branch).glob("*.py"):
            text = path.read_text()
            match = _REVISION.search(text)
            if match:
                revisions.add(match.group(1))
            down = _DOWN.search(text)
            if down:
                parents.update(re.findall(r"['\"]([0-9a-zA-Z_]+)['\"]", down.group(1)))
    return revisions - parents


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema of every branch (a no-op when current).

    A brand-new database gets every table at once from the models and is stamped at
    the heads (tests/unit/test_migrations.py proves the models and the migration
    history give the same schema); an existing one is upgraded step by step by Alembic.
    """
    heads = script_heads()
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            # take the write lock first, so processes starting together migrate one by one
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            tables = set(sa.inspect(conn).get_table_names())
            current: set[str] = set()
            if "alembic_version" in tables:
                current = {row[0] for row in conn.execute(sa.select(_VERSION_TABLE.c.version_num))}
            if current == heads:
                return
            if not tables:
                for branch in BRANCHES:
                    branch_metadata(branch).create_all(conn, checkfirst=False)
                _VERSION_TABLE.create(conn)
                conn.execute(_VERSION_TABLE.insert(), [{"version_num": h} for h in sorted(heads)])
                return
            from alembic import command

            command.upgrade(_config(conn), "heads")


def upgrade_stepwise(engine: Engine) -> None:
    """Apply the whole migration history, one revision at a time (for the schema test)."""
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(_config(conn), "heads")
