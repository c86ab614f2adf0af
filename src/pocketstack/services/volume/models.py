"""Block storage tables (Alembic branch ``volume``).

Rows are deleted for real when a resource is gone (Cinder soft-deletes; nothing
here reads deleted rows).  Metadata live in key/value tables so that list filters
on them are plain SQL.  ``volume_tasks`` holds the simulated backend's pending
transitions, so a restart (or another process) finishes what was started.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()


def _ts() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=True),
    ]


volume_types = sa.Table(
    "volume_types",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(255), nullable=False, unique=True),
    sa.Column("description", sa.String(255), nullable=True),
    sa.Column("is_public", sa.Boolean, nullable=False, default=True),
    sa.Column("qos_specs_id", sa.String(36), nullable=True, index=True),
    *_ts(),
)

type_extra_specs = sa.Table(
    "volume_type_extra_specs",
    metadata,
    sa.Column("type_id", sa.String(36), sa.ForeignKey("volume_types.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("value", sa.String(255), nullable=True),
)

type_projects = sa.Table(
    "volume_type_projects",
    metadata,
    sa.Column("type_id", sa.String(36), sa.ForeignKey("volume_types.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("project_id", sa.String(64), primary_key=True, index=True),
)

type_encryption = sa.Table(
    "volume_type_encryption",
    metadata,
    sa.Column("volume_type_id", sa.String(36), sa.ForeignKey("volume_types.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("encryption_id", sa.String(36), nullable=False),
    sa.Column("cipher", sa.String(255), nullable=True),
    sa.Column("key_size", sa.Integer, nullable=True),
    sa.Column("provider", sa.String(255), nullable=False),
    sa.Column("control_location", sa.String(255), nullable=False),
    *_ts(),
)

default_types = sa.Table(
    "volume_default_types",
    metadata,
    sa.Column("project_id", sa.String(64), primary_key=True),
    sa.Column("volume_type_id", sa.String(36), nullable=False, index=True),
)

qos_specs = sa.Table(
    "volume_qos_specs",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(255), nullable=False, unique=True),
    sa.Column("consumer", sa.String(32), nullable=False, default="back-end"),
    sa.Column("specs", sa.JSON, nullable=False, default=dict),
    *_ts(),
)

volumes = sa.Table(
    "volume_volumes",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("project_id", sa.String(64), nullable=False),
    sa.Column("user_id", sa.String(64), nullable=False),
    sa.Column("name", sa.String(255), nullable=True),
    sa.Column("description", sa.String(255), nullable=True),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("previous_status", sa.String(32), nullable=True),
    sa.Column("attach_status", sa.String(32), nullable=False, default="detached"),
    sa.Column("migration_status", sa.String(32), nullable=True),
    sa.Column("availability_zone", sa.String(255), nullable=True),
    sa.Column("volume_type_id", sa.String(36), nullable=False, index=True),
    sa.Column("snapshot_id", sa.String(36), nullable=True, index=True),
    sa.Column("source_volid", sa.String(36), nullable=True, index=True),
    sa.Column("backup_id", sa.String(36), nullable=True),
    sa.Column("group_id", sa.String(36), nullable=True),
    sa.Column("bootable", sa.Boolean, nullable=False, default=False),
    sa.Column("multiattach", sa.Boolean, nullable=False, default=False),
    sa.Column("encryption_key_id", sa.String(36), nullable=True),
    sa.Column("replication_status", sa.String(32), nullable=True),
    sa.Column("host", sa.String(255), nullable=True),
    sa.Column("cluster_name", sa.String(255), nullable=True),
    sa.Column("provider_id", sa.String(255), nullable=True),
    sa.Column("service_uuid", sa.String(36), nullable=True),
    sa.Column("shared_targets", sa.Boolean, nullable=True, default=True),
    sa.Column("use_quota", sa.Boolean, nullable=False, default=True),
    # admin metadata Cinder shows to users: readonly, attached_mode
    sa.Column("admin_metadata", sa.JSON, nullable=False, default=dict),
    sa.Column("launched_at", sa.DateTime, nullable=True),
    sa.Column("terminated_at", sa.DateTime, nullable=True),
    *_ts(),
    sa.Index("ix_volume_volumes_project_created", "project_id", "created_at", "id"),
    sa.Index("ix_volume_volumes_created", "created_at", "id"),
)

volume_metadata = sa.Table(
    "volume_volume_metadata",
    metadata,
    sa.Column("volume_id", sa.String(36), sa.ForeignKey("volume_volumes.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("value", sa.String(255), nullable=True),
    sa.Index("ix_volume_volume_metadata_kv", "key", "value"),
)

# Image properties copied onto a volume created from an image ("volume_image_metadata"),
# or onto a snapshot of such a volume.
glance_metadata = sa.Table(
    "volume_glance_metadata",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("volume_id", sa.String(36), sa.ForeignKey("volume_volumes.id", ondelete="CASCADE"), nullable=True),
    sa.Column("snapshot_id", sa.String(36), nullable=True, index=True),
    sa.Column("key", sa.String(255), nullable=False),
    sa.Column("value", sa.Text, nullable=True),
    sa.UniqueConstraint("volume_id", "snapshot_id", "key", name="uq_volume_glance_metadata_key"),
    sa.Index("ix_volume_glance_metadata_volume", "volume_id"),
)

attachments = sa.Table(
    "volume_attachments",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("volume_id", sa.String(36), sa.ForeignKey("volume_volumes.id", ondelete="CASCADE"), index=True),
    sa.Column("project_id", sa.String(64), nullable=False),
    sa.Column("instance_uuid", sa.String(36), nullable=True, index=True),
    sa.Column("attached_host", sa.String(255), nullable=True),
    sa.Column("mountpoint", sa.String(255), nullable=True),
    sa.Column("attach_mode", sa.String(8), nullable=True),
    sa.Column("attach_status", sa.String(32), nullable=False),
    sa.Column("connector", sa.JSON, nullable=True),
    sa.Column("connection_info", sa.JSON, nullable=True),
    sa.Column("attach_time", sa.DateTime, nullable=True),
    sa.Column("detach_time", sa.DateTime, nullable=True),
    *_ts(),
)

snapshots = sa.Table(
    "volume_snapshots",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("project_id", sa.String(64), nullable=False),
    sa.Column("user_id", sa.String(64), nullable=False),
    sa.Column("volume_id", sa.String(36), nullable=False, index=True),
    sa.Column("name", sa.String(255), nullable=True),
    sa.Column("description", sa.String(255), nullable=True),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("progress", sa.String(255), nullable=True),
    sa.Column("volume_size", sa.Integer, nullable=False),
    sa.Column("volume_type_id", sa.String(36), nullable=False),
    sa.Column("group_snapshot_id", sa.String(36), nullable=True),
    sa.Column("provider_id", sa.String(255), nullable=True),
    sa.Column("use_quota", sa.Boolean, nullable=False, default=True),
    sa.Column("availability_zone", sa.String(255), nullable=True),
    *_ts(),
    sa.Index("ix_volume_snapshots_project_created", "project_id", "created_at", "id"),
)

snapshot_metadata = sa.Table(
    "volume_snapshot_metadata",
    metadata,
    sa.Column("snapshot_id", sa.String(36), sa.ForeignKey("volume_snapshots.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("value", sa.String(255), nullable=True),
)

backups = sa.Table(
    "volume_backups",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("project_id", sa.String(64), nullable=False),
    sa.Column("user_id", sa.String(64), nullable=False),
    sa.Column("volume_id", sa.String(36), nullable=False, index=True),
    sa.Column("snapshot_id", sa.String(36), nullable=True),
    sa.Column("name", sa.String(255), nullable=True),
    sa.Column("description", sa.String(255), nullable=True),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("previous_status", sa.String(32), nullable=True),
    sa.Column("fail_reason", sa.String(255), nullable=True),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("object_count", sa.Integer, nullable=False, default=0),
    sa.Column("container", sa.String(255), nullable=True),
    sa.Column("availability_zone", sa.String(255), nullable=True),
    sa.Column("parent_id", sa.String(36), nullable=True, index=True),
    sa.Column("is_incremental", sa.Boolean, nullable=False, default=False),
    sa.Column("data_timestamp", sa.DateTime, nullable=True),
    sa.Column("restore_volume_id", sa.String(36), nullable=True),
    sa.Column("encryption_key_id", sa.String(36), nullable=True),
    sa.Column("metadata", sa.JSON, nullable=False, default=dict),
    # what the volume looked like when backed up (restores recreate it)
    sa.Column("volume_type_id", sa.String(36), nullable=True),
    sa.Column("bootable", sa.Boolean, nullable=False, default=False),
    # the volume's user and image metadata at backup time ({"metadata": …, "glance": …}),
    # put back on the volume a restore writes to, as Cinder's backup drivers do
    sa.Column("volume_meta", sa.JSON, nullable=True),
    *_ts(),
    sa.Index("ix_volume_backups_project_created", "project_id", "created_at", "id"),
)

messages = sa.Table(
    "volume_messages",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("project_id", sa.String(64), nullable=False, index=True),
    sa.Column("request_id", sa.String(255), nullable=True),
    sa.Column("resource_type", sa.String(255), nullable=True),
    sa.Column("resource_uuid", sa.String(36), nullable=True),
    sa.Column("event_id", sa.String(255), nullable=False),
    sa.Column("message_level", sa.String(255), nullable=False),
    sa.Column("action_id", sa.String(10), nullable=True),
    sa.Column("detail_id", sa.String(10), nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=True),
)

services = sa.Table(
    "volume_services",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("binary", sa.String(255), nullable=False),
    sa.Column("host", sa.String(255), nullable=False),
    sa.Column("availability_zone", sa.String(255), nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("disabled_reason", sa.String(255), nullable=True),
    sa.Column("frozen", sa.Boolean, nullable=False, default=False),
    sa.Column("uuid", sa.String(36), nullable=False),
    *_ts(),
    sa.UniqueConstraint("binary", "host", name="uq_volume_services_binary_host"),
)

transfers = sa.Table(
    "volume_transfers",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("volume_id", sa.String(36), nullable=False, index=True),
    sa.Column("name", sa.String(255), nullable=True),
    sa.Column("salt", sa.String(255), nullable=False),
    sa.Column("crypt_hash", sa.String(255), nullable=False),
    sa.Column("source_project_id", sa.String(64), nullable=False),
    sa.Column("destination_project_id", sa.String(64), nullable=True),
    sa.Column("accepted", sa.Boolean, nullable=False, default=False),
    sa.Column("no_snapshots", sa.Boolean, nullable=False, default=False),
    *_ts(),
)

tasks = sa.Table(
    "volume_tasks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("resource", sa.String(32), nullable=False),
    sa.Column("resource_id", sa.String(36), nullable=False, index=True),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("payload", sa.JSON, nullable=False, default=dict),
    # NULL: held until released (timing mode "manual")
    sa.Column("due_at", sa.DateTime, nullable=True, index=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

# -- generic volume groups (3.11+ types, 3.13+ groups, 3.14+ group snapshots) ----------------

group_types = sa.Table(
    "volume_group_types",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(255), nullable=False, unique=True),
    sa.Column("description", sa.String(255), nullable=True),
    sa.Column("is_public", sa.Boolean, nullable=False, default=True),
    *_ts(),
)

group_type_specs = sa.Table(
    "volume_group_type_specs",
    metadata,
    sa.Column("type_id", sa.String(36), sa.ForeignKey("volume_group_types.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("value", sa.String(255), nullable=True),
)

groups = sa.Table(
    "volume_groups",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("project_id", sa.String(64), nullable=False, index=True),
    sa.Column("user_id", sa.String(64), nullable=False),
    sa.Column("name", sa.String(255), nullable=True),
    sa.Column("description", sa.String(255), nullable=True),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("availability_zone", sa.String(255), nullable=True),
    sa.Column("group_type_id", sa.String(36), nullable=False, index=True),
    sa.Column("volume_type_ids", sa.JSON, nullable=False, default=list),
    sa.Column("host", sa.String(255), nullable=True),
    sa.Column("group_snapshot_id", sa.String(36), nullable=True),
    sa.Column("source_group_id", sa.String(36), nullable=True),
    sa.Column("replication_status", sa.String(32), nullable=True),
    *_ts(),
    sa.Index("ix_volume_groups_project_created", "project_id", "created_at", "id"),
)

group_snapshots = sa.Table(
    "volume_group_snapshots",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("project_id", sa.String(64), nullable=False, index=True),
    sa.Column("user_id", sa.String(64), nullable=False),
    sa.Column("group_id", sa.String(36), nullable=False, index=True),
    sa.Column("group_type_id", sa.String(36), nullable=False),
    sa.Column("name", sa.String(255), nullable=True),
    sa.Column("description", sa.String(255), nullable=True),
    sa.Column("status", sa.String(32), nullable=False),
    *_ts(),
)

# What the simulated backend holds that Cinder no longer manages (unmanaged volumes and
# snapshots, named as the LVM driver names them), ready to be managed again.
backend_objects = sa.Table(
    "volume_backend_objects",
    metadata,
    sa.Column("name", sa.String(255), primary_key=True),  # volume-<id> / _snapshot-<id>
    sa.Column("kind", sa.String(16), nullable=False),  # volume | snapshot
    sa.Column("host", sa.String(255), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("origin", sa.String(255), nullable=True),  # a snapshot's volume (its LV name)
    sa.Column("created_at", sa.DateTime, nullable=False),
)
