"""address scopes

Revision ID: d6e8f0a1b2c3
Revises: c9d21e5f3a07
Create Date: 2026-11-27 05:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d6e8f0a1b2c3"
down_revision = "c9d21e5f3a07"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "network_address_scopes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("project_id", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("ip_version", sa.Integer(), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_network_address_scopes_project", "network_address_scopes", ["project_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_network_address_scopes_project", table_name="network_address_scopes")
    op.drop_table("network_address_scopes")
