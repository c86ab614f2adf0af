"""storage the simulated backend keeps for unmanaged volumes and snapshots

Revision ID: 5d1c7a9e3b20
Revises: 887cef51cfb6
Create Date: 2026-11-27 00:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '5d1c7a9e3b20'
down_revision = '887cef51cfb6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'volume_backend_objects',
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('host', sa.String(length=255), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('origin', sa.String(length=255), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )


def downgrade() -> None:
    op.drop_table('volume_backend_objects')
