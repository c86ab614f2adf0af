"""network segments

Revision ID: c9d21e5f3a07
Revises: b4f0c7d2e811
Create Date: 2026-11-27 04:00:00.000000
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "c9d21e5f3a07"
down_revision = "b4f0c7d2e811"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "network_segments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("network_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("network_type", sa.String(length=32), nullable=False),
        sa.Column("physical_network", sa.String(length=64), nullable=True),
        sa.Column("segmentation_id", sa.Integer(), nullable=True),
        sa.Column("segment_index", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("revision_number", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["network_id"], ["network_networks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_network_segments_network", "network_segments", ["network_id", "segment_index"])
    # every network so far had one segment: its provider attributes
    conn = op.get_bind()
    nets = sa.table(
        "network_networks",
        sa.column("id", sa.String),
        sa.column("network_type", sa.String),
        sa.column("physical_network", sa.String),
        sa.column("segmentation_id", sa.Integer),
        sa.column("created_at", sa.DateTime),
    )
    found = conn.execute(
        sa.select(nets.c.id, nets.c.network_type, nets.c.physical_network, nets.c.segmentation_id, nets.c.created_at)
    )
    rows = [
        {"id": str(uuid.uuid4()), "network_id": nid, "name": None, "network_type": kind or "geneve",
         "physical_network": physnet, "segmentation_id": seg_id, "segment_index": 0, "description": "",
         "created_at": created, "updated_at": created, "revision_number": 1}
        for nid, kind, physnet, seg_id, created in found
    ]  # fmt: skip
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_index("ix_network_segments_network", table_name="network_segments")
    op.drop_table("network_segments")
