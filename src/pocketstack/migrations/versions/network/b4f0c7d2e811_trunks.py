"""trunks and subports

Revision ID: b4f0c7d2e811
Revises: 9e3a61b27c44
Create Date: 2026-11-27 03:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b4f0c7d2e811"
down_revision = "9e3a61b27c44"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "network_trunks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("project_id", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("admin_state_up", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("port_id", sa.String(length=36), nullable=False),
        sa.Column("description", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("revision_number", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["port_id"], ["network_ports.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("port_id"),
    )
    op.create_index("ix_network_trunks_project", "network_trunks", ["project_id", "id"])
    op.create_table(
        "network_trunk_subports",
        sa.Column("port_id", sa.String(length=36), nullable=False),
        sa.Column("trunk_id", sa.String(length=36), nullable=False),
        sa.Column("segmentation_type", sa.String(length=32), nullable=False),
        sa.Column("segmentation_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["port_id"], ["network_ports.id"]),
        sa.ForeignKeyConstraint(["trunk_id"], ["network_trunks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("port_id"),
        sa.UniqueConstraint(
            "trunk_id", "segmentation_type", "segmentation_id", name="uq_network_trunk_subport_segment"
        ),
    )


def downgrade() -> None:
    op.drop_table("network_trunk_subports")
    op.drop_index("ix_network_trunks_project", table_name="network_trunks")
    op.drop_table("network_trunks")
