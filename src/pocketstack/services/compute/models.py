"""Compute tables (Alembic branch ``compute``).

Servers are soft-deleted (``deleted`` set, row kept) as in Nova, so that admins can
list deleted servers, instance actions outlive their server (2.21) and simple tenant
usage can be computed from the lifecycle history.  Everything a simulated transition
needs is in ``compute_tasks``, so a restart (or another process) finishes it.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# -- flavors -----------------------------------------------------------------------

flavors = sa.Table(
    "compute_flavors",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("flavorid", sa.String(255), nullable=False, unique=True),
    sa.Column("name", sa.String(255), nullable=False, unique=True),
    sa.Column("memory_mb", sa.Integer, nullable=False),
    sa.Column("vcpus", sa.Integer, nullable=False),
    sa.Column("root_gb", sa.Integer, nullable=False),
    sa.Column("ephemeral_gb", sa.Integer, nullable=False, default=0),
    sa.Column("swap", sa.Integer, nullable=False, default=0),
    sa.Column("rxtx_factor", sa.Float, nullable=False, default=1.0),
    sa.Column("vcpu_weight", sa.Integer, nullable=True),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("is_public", sa.Boolean, nullable=False, default=True),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=True),
)

flavor_extra_specs = sa.Table(
    "compute_flavor_extra_specs",
    metadata,
    sa.Column("flavor_id", sa.Integer, sa.ForeignKey("compute_flavors.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("value", sa.String(255), nullable=False),
)

flavor_projects = sa.Table(
    "compute_flavor_projects",
    metadata,
    sa.Column("flavor_id", sa.Integer, sa.ForeignKey("compute_flavors.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("project_id", sa.String(255), primary_key=True),
)

# -- keypairs ------------------------------------------------------------------------

keypairs = sa.Table(
    "compute_keypairs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.String(255), nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("type", sa.String(16), nullable=False, default="ssh"),
    sa.Column("fingerprint", sa.String(255), nullable=False),
    sa.Column("public_key", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=True),
    sa.UniqueConstraint("user_id", "name", name="uq_compute_keypairs_user_name"),
)

# -- servers -------------------------------------------------------------------------

instances = sa.Table(
    "compute_instances",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("uuid", sa.String(36), nullable=False, unique=True),
    sa.Column("project_id", sa.String(255), nullable=False),
    sa.Column("user_id", sa.String(255), nullable=False),
    sa.Column("display_name", sa.String(255), nullable=False),
    sa.Column("display_description", sa.Text, nullable=True),
    sa.Column("hostname", sa.String(255), nullable=True),
    sa.Column("image_ref", sa.String(255), nullable=False, default=""),
    sa.Column("flavor_id", sa.String(255), nullable=False),  # the flavor's flavorid
    sa.Column("flavor", sa.JSON, nullable=False),  # the instance's own copy (Nova's instance.flavor)
    sa.Column("old_flavor", sa.JSON, nullable=True),
    sa.Column("new_flavor", sa.JSON, nullable=True),
    sa.Column("vcpus", sa.Integer, nullable=False),
    sa.Column("memory_mb", sa.Integer, nullable=False),
    sa.Column("root_gb", sa.Integer, nullable=False),
    sa.Column("ephemeral_gb", sa.Integer, nullable=False),
    sa.Column("vm_state", sa.String(32), nullable=False),
    sa.Column("task_state", sa.String(64), nullable=True),
    sa.Column("power_state", sa.Integer, nullable=False, default=0),
    sa.Column("host", sa.String(255), nullable=True),
    sa.Column("node", sa.String(255), nullable=True),
    sa.Column("availability_zone", sa.String(255), nullable=True),
    sa.Column("pinned_az", sa.String(255), nullable=True),
    sa.Column("scheduler_hints", sa.JSON, nullable=True),
    sa.Column("reservation_id", sa.String(255), nullable=False),
    sa.Column("launch_index", sa.Integer, nullable=False, default=0),
    sa.Column("key_name", sa.String(255), nullable=True),
    sa.Column("key_data", sa.Text, nullable=True),
    sa.Column("user_data", sa.Text, nullable=True),
    sa.Column("config_drive", sa.String(255), nullable=False, default=""),
    sa.Column("access_ip_v4", sa.String(64), nullable=True),
    sa.Column("access_ip_v6", sa.String(64), nullable=True),
    sa.Column("auto_disk_config", sa.Boolean, nullable=False, default=False),
    sa.Column("locked", sa.Boolean, nullable=False, default=False),
    sa.Column("locked_by", sa.String(16), nullable=True),  # "owner" or "admin", as Nova
    sa.Column("locked_reason", sa.Text, nullable=True),
    sa.Column("progress", sa.Integer, nullable=False, default=0),
    sa.Column("root_device_name", sa.String(255), nullable=True),
    sa.Column("kernel_id", sa.String(255), nullable=False, default=""),
    sa.Column("ramdisk_id", sa.String(255), nullable=False, default=""),
    sa.Column("metadata", sa.JSON, nullable=False, default=dict),
    sa.Column("system_metadata", sa.JSON, nullable=False, default=dict),
    sa.Column("security_groups", sa.JSON, nullable=False, default=list),  # names requested
    # the fixed addresses of the server's ports, space separated (Nova's info cache, for ip filters)
    # unused: the ip/ip6 filters ask the network service, as Nova asks Neutron
    sa.Column("ips", sa.Text, nullable=False, default=""),
    sa.Column("trusted_certs", sa.JSON, nullable=True),
    sa.Column("launched_at", sa.DateTime, nullable=True),
    sa.Column("terminated_at", sa.DateTime, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=True),
    sa.Column("deleted_at", sa.DateTime, nullable=True),
    sa.Column("deleted", sa.Boolean, nullable=False, default=False),
    # keyset pagination: every list filters on deleted (and usually the project) and
    # sorts by (created_at, id) unless told otherwise
    sa.Index("ix_compute_instances_list", "deleted", "created_at", "id"),
    sa.Index("ix_compute_instances_project", "project_id", "deleted", "created_at", "id"),
    sa.Index("ix_compute_instances_host", "host", "deleted"),
    sa.Index("ix_compute_instances_updated", "updated_at"),
    sa.Index("ix_compute_instances_reservation", "reservation_id"),
)

instance_tags = sa.Table(
    "compute_instance_tags",
    metadata,
    sa.Column("instance_uuid", sa.String(36), primary_key=True),
    sa.Column("tag", sa.String(80), primary_key=True),
    sa.Index("ix_compute_instance_tags_tag", "tag"),
)

instance_faults = sa.Table(
    "compute_instance_faults",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("instance_uuid", sa.String(36), nullable=False, index=True),
    sa.Column("code", sa.Integer, nullable=False),
    sa.Column("message", sa.String(255), nullable=False),
    sa.Column("details", sa.Text, nullable=True),
    sa.Column("host", sa.String(255), nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

instance_actions = sa.Table(
    "compute_instance_actions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("action", sa.String(255), nullable=False),
    sa.Column("instance_uuid", sa.String(36), nullable=False),
    sa.Column("request_id", sa.String(255), nullable=False),
    sa.Column("user_id", sa.String(255), nullable=True),
    sa.Column("project_id", sa.String(255), nullable=True),
    sa.Column("start_time", sa.DateTime, nullable=False),
    sa.Column("finish_time", sa.DateTime, nullable=True),
    sa.Column("message", sa.String(255), nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=True),
    sa.Index("ix_compute_instance_actions_instance", "instance_uuid", "created_at", "id"),
    sa.Index("ix_compute_instance_actions_request", "instance_uuid", "request_id"),
)

instance_action_events = sa.Table(
    "compute_instance_action_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "action_id",
        sa.Integer,
        sa.ForeignKey("compute_instance_actions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("event", sa.String(255), nullable=False),
    sa.Column("start_time", sa.DateTime, nullable=False),
    sa.Column("finish_time", sa.DateTime, nullable=True),
    sa.Column("result", sa.String(255), nullable=True),
    sa.Column("traceback", sa.Text, nullable=True),
    sa.Column("host", sa.String(255), nullable=True),
    sa.Column("details", sa.Text, nullable=True),
)

block_device_mappings = sa.Table(
    "compute_block_device_mappings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("uuid", sa.String(36), nullable=False, unique=True),
    sa.Column("instance_uuid", sa.String(36), nullable=False, index=True),
    sa.Column("source_type", sa.String(32), nullable=False),
    sa.Column("destination_type", sa.String(32), nullable=False),
    sa.Column("device_name", sa.String(255), nullable=True),
    sa.Column("boot_index", sa.Integer, nullable=True),
    sa.Column("delete_on_termination", sa.Boolean, nullable=False, default=False),
    sa.Column("volume_id", sa.String(36), nullable=True, index=True),
    sa.Column("image_id", sa.String(36), nullable=True),
    sa.Column("snapshot_id", sa.String(36), nullable=True),
    sa.Column("volume_size", sa.Integer, nullable=True),
    sa.Column("volume_type", sa.String(255), nullable=True),
    sa.Column("disk_bus", sa.String(32), nullable=True),
    sa.Column("device_type", sa.String(32), nullable=True),
    sa.Column("guest_format", sa.String(32), nullable=True),
    sa.Column("tag", sa.String(255), nullable=True),
    sa.Column("attachment_id", sa.String(36), nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

# Ports a server was given by os-interface or at boot, with Nova's device tag.
virtual_interfaces = sa.Table(
    "compute_virtual_interfaces",
    metadata,
    sa.Column("instance_uuid", sa.String(36), primary_key=True),
    sa.Column("port_id", sa.String(36), primary_key=True),
    sa.Column("tag", sa.String(255), nullable=True),
)

# -- simulated transitions -------------------------------------------------------------

tasks = sa.Table(
    "compute_tasks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("instance_uuid", sa.String(36), nullable=False, index=True),
    sa.Column("kind", sa.String(64), nullable=False),
    # when it becomes due; NULL: held until released (manual mode)
    sa.Column("due_at", sa.DateTime, nullable=True, index=True),
    # a process working on it holds a lease; an expired lease lets another take over
    sa.Column("claimed_by", sa.String(64), nullable=True),
    sa.Column("claimed_until", sa.DateTime, nullable=True),
    sa.Column("payload", sa.JSON, nullable=False, default=dict),
    sa.Column("request_id", sa.String(255), nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

# -- hosts -----------------------------------------------------------------------------

services = sa.Table(
    "compute_services",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("uuid", sa.String(36), nullable=False, unique=True),
    sa.Column("host", sa.String(255), nullable=False),
    sa.Column("binary", sa.String(255), nullable=False),
    sa.Column("topic", sa.String(255), nullable=True),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("disabled_reason", sa.String(255), nullable=True),
    sa.Column("forced_down", sa.Boolean, nullable=False, default=False),
    sa.Column("version", sa.Integer, nullable=False, default=0),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=True),
    sa.UniqueConstraint("host", "binary", name="uq_compute_services_host_binary"),
)

compute_nodes = sa.Table(
    "compute_nodes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("uuid", sa.String(36), nullable=False, unique=True),
    sa.Column("service_id", sa.Integer, nullable=False),
    sa.Column("host", sa.String(255), nullable=False, unique=True),
    sa.Column("hypervisor_hostname", sa.String(255), nullable=False),
    sa.Column("hypervisor_type", sa.String(255), nullable=False),
    sa.Column("hypervisor_version", sa.Integer, nullable=False),
    sa.Column("host_ip", sa.String(64), nullable=False),
    sa.Column("vcpus", sa.Integer, nullable=False),
    sa.Column("memory_mb", sa.Integer, nullable=False),
    sa.Column("local_gb", sa.Integer, nullable=False),
    sa.Column("cpu_info", sa.JSON, nullable=False, default=dict),
    # what the allocations on this node add up to (kept with them in one transaction)
    sa.Column("vcpus_used", sa.Integer, nullable=False, default=0),
    sa.Column("memory_mb_used", sa.Integer, nullable=False, default=0),
    sa.Column("local_gb_used", sa.Integer, nullable=False, default=0),
    sa.Column("running_vms", sa.Integer, nullable=False, default=0),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=True),
)

# What each consumer (a server, or a migration holding the source side of a resize)
# takes from a node, as Placement's allocations.
allocations = sa.Table(
    "compute_allocations",
    metadata,
    sa.Column("consumer_uuid", sa.String(36), primary_key=True),
    sa.Column("host", sa.String(255), nullable=False, index=True),
    sa.Column("vcpus", sa.Integer, nullable=False),
    sa.Column("memory_mb", sa.Integer, nullable=False),
    sa.Column("disk_gb", sa.Integer, nullable=False),
)

aggregates = sa.Table(
    "compute_aggregates",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("uuid", sa.String(36), nullable=False, unique=True),
    sa.Column("name", sa.String(255), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=True),
)

aggregate_hosts = sa.Table(
    "compute_aggregate_hosts",
    metadata,
    sa.Column("aggregate_id", sa.Integer, sa.ForeignKey("compute_aggregates.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("host", sa.String(255), primary_key=True),
)

aggregate_metadata = sa.Table(
    "compute_aggregate_metadata",
    metadata,
    sa.Column("aggregate_id", sa.Integer, sa.ForeignKey("compute_aggregates.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("value", sa.String(255), nullable=False),
)

# -- server groups ---------------------------------------------------------------------

server_groups = sa.Table(
    "compute_server_groups",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("uuid", sa.String(36), nullable=False, unique=True),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("project_id", sa.String(255), nullable=False, index=True),
    sa.Column("user_id", sa.String(255), nullable=False),
    sa.Column("policy", sa.String(32), nullable=False),
    sa.Column("rules", sa.JSON, nullable=False, default=dict),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

server_group_members = sa.Table(
    "compute_server_group_members",
    metadata,
    sa.Column("group_id", sa.Integer, sa.ForeignKey("compute_server_groups.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("instance_uuid", sa.String(36), primary_key=True),
    sa.Index("ix_compute_server_group_members_instance", "instance_uuid"),
)

# -- migrations (resize, cold and live migration) -----------------------------------------

migrations = sa.Table(
    "compute_migrations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("uuid", sa.String(36), nullable=False, unique=True),
    sa.Column("instance_uuid", sa.String(36), nullable=False, index=True),
    sa.Column("migration_type", sa.String(32), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("source_compute", sa.String(255), nullable=True),
    sa.Column("dest_compute", sa.String(255), nullable=True),
    sa.Column("source_node", sa.String(255), nullable=True),
    sa.Column("dest_node", sa.String(255), nullable=True),
    sa.Column("dest_host", sa.String(255), nullable=True),
    sa.Column("old_flavor_id", sa.Integer, nullable=True),
    sa.Column("new_flavor_id", sa.Integer, nullable=True),
    sa.Column("project_id", sa.String(255), nullable=True),
    sa.Column("user_id", sa.String(255), nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=True),
)
