"""backup keeps the volume's metadata

Revision ID: b0052adfdfbf
Revises: fffbd2480be5
Create Date: 2026-11-26 23:31:19.018507
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'b0052adfdfbf'
down_revision = 'fffbd2480be5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('volume_backups') as batch:
        batch.add_column(sa.Column('volume_meta', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('volume_backups') as batch:
        batch.drop_column('volume_meta')
