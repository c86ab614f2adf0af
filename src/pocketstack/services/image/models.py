"""Image tables (Alembic branch ``image``).

As in Glance, a deleted image keeps its row (``deleted`` set, status ``deleted``), so
its id can't be reused and other services can still name what it was; its data file
is removed at once.  Custom properties and tags live in their own tables.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

images = sa.Table(
    "image_images",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(255), nullable=True),
    sa.Column("disk_format", sa.String(20), nullable=True),
    sa.Column("container_format", sa.String(20), nullable=True),
    sa.Column("size", sa.BigInteger, nullable=True),
    sa.Column("virtual_size", sa.BigInteger, nullable=True),
    sa.Column("status", sa.String(30), nullable=False),
    sa.Column("visibility", sa.String(20), nullable=False),
    sa.Column("checksum", sa.String(32), nullable=True),
    sa.Column("os_hash_algo", sa.String(64), nullable=True),
    sa.Column("os_hash_value", sa.String(128), nullable=True),
    sa.Column("min_disk", sa.Integer, nullable=False, default=0),
    sa.Column("min_ram", sa.Integer, nullable=False, default=0),
    sa.Column("owner", sa.String(255), nullable=True),
    sa.Column("protected", sa.Boolean, nullable=False, default=False),
    sa.Column("os_hidden", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=True),
    sa.Column("deleted_at", sa.DateTime, nullable=True),
    sa.Column("deleted", sa.Boolean, nullable=False, default=False),
    # The stored data's file name under <data_dir>/images/ (None: no data yet).
    sa.Column("location", sa.String(255), nullable=True),
    # Bumped on every change: a finishing upload checks nobody changed the status meanwhile.
    sa.Column("revision", sa.Integer, nullable=False, default=0),
    sa.Index("ix_image_images_list", "deleted", "created_at", "id"),
    sa.Index("ix_image_images_owner", "owner", "deleted"),
    sa.Index("ix_image_images_visibility", "visibility", "deleted"),
    sa.Index("ix_image_images_name", "name"),
    sa.Index("ix_image_images_checksum", "checksum"),
    sa.Index("ix_image_images_os_hash_value", "os_hash_value"),
)

properties = sa.Table(
    "image_properties",
    metadata,
    sa.Column("image_id", sa.String(36), sa.ForeignKey("image_images.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("name", sa.String(255), primary_key=True),
    sa.Column("value", sa.Text, nullable=True),
    sa.Index("ix_image_properties_name_value", "name", "value"),
)

tags = sa.Table(
    "image_tags",
    metadata,
    sa.Column("image_id", sa.String(36), sa.ForeignKey("image_images.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("value", sa.String(255), primary_key=True),
    sa.Index("ix_image_tags_value", "value"),
)

members = sa.Table(
    "image_members",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("image_id", sa.String(36), sa.ForeignKey("image_images.id", ondelete="CASCADE"), nullable=False),
    sa.Column("member", sa.String(255), nullable=False),
    sa.Column("status", sa.String(20), nullable=False, default="pending"),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=True),
    sa.UniqueConstraint("image_id", "member", name="uq_image_members_image_member"),
    sa.Index("ix_image_members_member", "member", "status"),
)

# -- metadata definitions (/v2/metadefs) ------------------------------------------------

md_namespaces = sa.Table(
    "image_metadef_namespaces",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("namespace", sa.String(80), nullable=False, unique=True),
    sa.Column("display_name", sa.String(80), nullable=True),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("visibility", sa.String(32), nullable=True),
    sa.Column("protected", sa.Boolean, nullable=True),
    sa.Column("owner", sa.String(255), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=True),
    sa.Index("ix_image_metadef_namespaces_owner", "owner"),
)


def _in_namespace(name: str, *columns: sa.Column[object], unique: str) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "namespace_id",
            sa.Integer,
            sa.ForeignKey("image_metadef_namespaces.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(80), nullable=False),
        *columns,
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=True),
        sa.UniqueConstraint("namespace_id", "name", name=unique),
    )


md_objects = _in_namespace(
    "image_metadef_objects",
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("required", sa.JSON, nullable=True),
    sa.Column("json_schema", sa.JSON, nullable=False),
    unique="uq_image_metadef_objects_name",
)
md_properties = _in_namespace(
    "image_metadef_properties",
    sa.Column("json_schema", sa.JSON, nullable=False),
    unique="uq_image_metadef_properties_name",
)
md_tags = _in_namespace("image_metadef_tags", unique="uq_image_metadef_tags_name")

md_resource_types = sa.Table(
    "image_metadef_resource_types",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(80), nullable=False, unique=True),
    sa.Column("protected", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=True),
)

md_associations = sa.Table(
    "image_metadef_namespace_resource_types",
    metadata,
    sa.Column(
        "resource_type_id",
        sa.Integer,
        sa.ForeignKey("image_metadef_resource_types.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "namespace_id",
        sa.Integer,
        sa.ForeignKey("image_metadef_namespaces.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("properties_target", sa.String(80), nullable=True),
    sa.Column("prefix", sa.String(80), nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=True),
)
