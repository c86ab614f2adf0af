"""Alembic environment: the connection and target metadata come from the caller."""

from __future__ import annotations

from alembic import context

from pocketstack.migrations import BRANCHES, branch_metadata

config = context.config
connection = config.attributes.get("connection")
target = config.attributes.get("target_metadata") or [branch_metadata(b) for b in BRANCHES]

if connection is None:
    raise RuntimeError("pocketstack migrations run through pocketstack.migrations only")

branch = config.attributes.get("branch")


def include_name(name, type_, parent_names):
    # Autogenerating one branch: look only at that branch's tables (named "<branch>_…").
    if branch and type_ == "table":
        return bool(name) and name.startswith(branch + "_")
    return True


context.configure(
    connection=connection,
    target_metadata=target,
    render_as_batch=True,
    compare_type=True,
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
