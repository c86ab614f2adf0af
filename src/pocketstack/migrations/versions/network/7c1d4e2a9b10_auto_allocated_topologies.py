"""auto-allocated topologies

Revision ID: 7c1d4e2a9b10
Revises: 02b8befddd4d
Create Date: 2026-11-27 01:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "7c1d4e2a9b10"
down_revision = "02b8befddd4d"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "network_auto_allocated_topologies",
        sa.Column("project_id", sa.String(length=255), nullable=False),
        sa.Column("network_id", sa.String(length=36), nullable=False),
        sa.Column("router_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(["network_id"], ["network_networks.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["router_id"], ["network_routers.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("project_id"),
    )


def downgrade() -> None:
    op.drop_table("network_auto_allocated_topologies")
