"""rbac policies

Revision ID: 02b8befddd4d
Revises: 3579e7fc7af7
Create Date: 2026-11-27 00:10:25.296020
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "02b8befddd4d"
down_revision = "3579e7fc7af7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "network_rbac_policies",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("project_id", sa.String(length=255), nullable=False),
        sa.Column("object_type", sa.String(length=32), nullable=False),
        sa.Column("object_id", sa.String(length=36), nullable=False),
        sa.Column("target_project", sa.String(length=255), nullable=False),
        sa.Column("action", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("object_type", "object_id", "target_project", "action", name="uq_network_rbac_entry"),
    )
    op.create_index("ix_network_rbac_object", "network_rbac_policies", ["object_id", "action"])
    op.create_index("ix_network_rbac_target", "network_rbac_policies", ["object_type", "target_project", "action"])
    op.create_index("ix_network_rbac_project", "network_rbac_policies", ["project_id", "id"])
    # what ``shared`` and ``router:external`` meant so far becomes wildcard entries
    conn = op.get_bind()
    rows = []
    for kind, source, column, action in (
        ("network", "network_networks", "shared", "access_as_shared"),
        ("network", "network_networks", "external", "access_as_external"),
        ("subnetpool", "network_subnetpools", "shared", "access_as_shared"),
    ):
        found = conn.execute(sa.text(f"SELECT id, project_id FROM {source} WHERE {column}"))  # noqa: S608
        rows += [
            {'id': str(uuid.uuid4()), 'project_id': project, 'object_type': kind, 'object_id': oid,
             'target_project': '*', 'action': action}
            for oid, project in found
        ]  # fmt: skip
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_index("ix_network_rbac_project", table_name="network_rbac_policies")
    op.drop_index("ix_network_rbac_target", table_name="network_rbac_policies")
    op.drop_index("ix_network_rbac_object", table_name="network_rbac_policies")
    op.drop_table("network_rbac_policies")
