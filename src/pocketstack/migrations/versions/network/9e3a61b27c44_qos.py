"""qos policies, rules, defaults and bindings

Revision ID: 9e3a61b27c44
Revises: 7c1d4e2a9b10
Create Date: 2026-11-27 02:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "9e3a61b27c44"
down_revision = "7c1d4e2a9b10"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "network_qos_policies",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("project_id", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("description", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("revision_number", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_network_qos_policies_project", "network_qos_policies", ["project_id", "id"])
    op.create_table(
        "network_qos_rules",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("qos_policy_id", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=True),
        sa.Column("max_kbps", sa.Integer(), nullable=True),
        sa.Column("max_burst_kbps", sa.Integer(), nullable=True),
        sa.Column("min_kbps", sa.Integer(), nullable=True),
        sa.Column("dscp_mark", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["qos_policy_id"], ["network_qos_policies.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_network_qos_rules_policy", "network_qos_rules", ["qos_policy_id", "type"])
    op.create_table(
        "network_qos_default_policies",
        sa.Column("project_id", sa.String(length=255), nullable=False),
        sa.Column("qos_policy_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["qos_policy_id"], ["network_qos_policies.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("project_id"),
    )
    op.create_table(
        "network_qos_port_bindings",
        sa.Column("port_id", sa.String(length=36), nullable=False),
        sa.Column("policy_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["policy_id"], ["network_qos_policies.id"]),
        sa.ForeignKeyConstraint(["port_id"], ["network_ports.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("port_id"),
    )
    op.create_index("ix_network_qos_port_bindings_policy", "network_qos_port_bindings", ["policy_id"])
    op.create_table(
        "network_qos_network_bindings",
        sa.Column("network_id", sa.String(length=36), nullable=False),
        sa.Column("policy_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["network_id"], ["network_networks.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["policy_id"], ["network_qos_policies.id"]),
        sa.PrimaryKeyConstraint("network_id"),
    )
    op.create_index("ix_network_qos_network_bindings_policy", "network_qos_network_bindings", ["policy_id"])


def downgrade() -> None:
    for table in (
        "network_qos_network_bindings",
        "network_qos_port_bindings",
        "network_qos_default_policies",
        "network_qos_rules",
        "network_qos_policies",
    ):
        op.drop_table(table)
