"""The migration history and the models describe the same schema, branch by branch."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from pocketstack import migrations


def test_history_matches_models(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = sa.create_engine(f"sqlite:///{tmp_path}/stepwise.db")
    migrations.upgrade_stepwise(engine)
    with engine.connect() as conn:
        for branch in migrations.BRANCHES:

            def only_branch(name, type_, parent_names, branch=branch):  # type: ignore[no-untyped-def]
                return type_ != "table" or bool(name and name.startswith(branch + "_"))

            ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": only_branch})
            diff = compare_metadata(ctx, migrations.branch_metadata(branch))
            assert diff == [], f"branch {branch}: models and migrations differ: {diff}"


def test_fresh_database_is_stamped_at_heads(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = sa.create_engine(f"sqlite:///{tmp_path}/fresh.db")
    migrations.upgrade(engine)
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    from alembic.script import ScriptDirectory

    with engine.connect() as conn:
        heads = set(ScriptDirectory.from_config(migrations._config(conn)).get_heads())
    assert current == heads
    migrations.upgrade(engine)  # idempotent
