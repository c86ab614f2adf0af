"""generic volume groups

Revision ID: 887cef51cfb6
Revises: b0052adfdfbf
Create Date: 2026-11-26 23:32:32.631766
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '887cef51cfb6'
down_revision = 'b0052adfdfbf'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'volume_group_types',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('description', sa.String(length=255), nullable=True),
        sa.Column('is_public', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name'),
    )
    op.create_table(
        'volume_group_type_specs',
        sa.Column('type_id', sa.String(length=36), nullable=False),
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('value', sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(['type_id'], ['volume_group_types.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('type_id', 'key'),
    )
    op.create_table(
        'volume_groups',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('project_id', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=True),
        sa.Column('description', sa.String(length=255), nullable=True),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('availability_zone', sa.String(length=255), nullable=True),
        sa.Column('group_type_id', sa.String(length=36), nullable=False),
        sa.Column('volume_type_ids', sa.JSON(), nullable=False),
        sa.Column('host', sa.String(length=255), nullable=True),
        sa.Column('group_snapshot_id', sa.String(length=36), nullable=True),
        sa.Column('source_group_id', sa.String(length=36), nullable=True),
        sa.Column('replication_status', sa.String(length=32), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('volume_groups') as batch:
        batch.create_index('ix_volume_groups_project_id', ['project_id'], unique=False)
        batch.create_index('ix_volume_groups_group_type_id', ['group_type_id'], unique=False)
        batch.create_index('ix_volume_groups_project_created', ['project_id', 'created_at', 'id'], unique=False)
    op.create_table(
        'volume_group_snapshots',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('project_id', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.String(length=64), nullable=False),
        sa.Column('group_id', sa.String(length=36), nullable=False),
        sa.Column('group_type_id', sa.String(length=36), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=True),
        sa.Column('description', sa.String(length=255), nullable=True),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('volume_group_snapshots') as batch:
        batch.create_index('ix_volume_group_snapshots_project_id', ['project_id'], unique=False)
        batch.create_index('ix_volume_group_snapshots_group_id', ['group_id'], unique=False)


def downgrade() -> None:
    op.drop_table('volume_group_snapshots')
    op.drop_table('volume_groups')
    op.drop_table('volume_group_type_specs')
    op.drop_table('volume_group_types')
