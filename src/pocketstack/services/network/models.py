"""Networking tables (Alembic branch ``network``).

Every Neutron resource carries the standard attributes (description, timestamps,
revision number) as columns of its own table; tags live in one table keyed by the
resource id.  Address uniqueness is the database's job: ``(subnet_id, ip_address)``
is the primary key of an allocation and ``(network_id, mac_address)`` is unique, so
even a bug in the allocator cannot hand out the same address twice.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

ID = sa.String(36)
PROJECT = sa.String(255)


def _standard() -> list[sa.Column[object]]:
    return [
        sa.Column("description", sa.String(255), nullable=False, default=""),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("revision_number", sa.BigInteger, nullable=False, default=0),
    ]


networks = sa.Table(
    "network_networks",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("project_id", PROJECT, nullable=False),
    sa.Column("name", sa.String(255), nullable=False, default=""),
    sa.Column("admin_state_up", sa.Boolean, nullable=False, default=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("shared", sa.Boolean, nullable=False, default=False),
    sa.Column("external", sa.Boolean, nullable=False, default=False),
    sa.Column("is_default", sa.Boolean, nullable=False, default=False),
    sa.Column("mtu", sa.Integer, nullable=False),
    sa.Column("port_security_enabled", sa.Boolean, nullable=False, default=True),
    sa.Column("network_type", sa.String(32), nullable=True),
    sa.Column("physical_network", sa.String(64), nullable=True),
    sa.Column("segmentation_id", sa.Integer, nullable=True),
    sa.Column("availability_zone_hints", sa.JSON, nullable=False, default=list),
    sa.Column("dns_domain", sa.String(255), nullable=False, default=""),
    *_standard(),
    sa.Index("ix_network_networks_project", "project_id", "id"),
)

subnetpools = sa.Table(
    "network_subnetpools",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("project_id", PROJECT, nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("ip_version", sa.Integer, nullable=False),
    sa.Column("default_prefixlen", sa.Integer, nullable=False),
    sa.Column("min_prefixlen", sa.Integer, nullable=False),
    sa.Column("max_prefixlen", sa.Integer, nullable=False),
    sa.Column("shared", sa.Boolean, nullable=False, default=False),
    sa.Column("is_default", sa.Boolean, nullable=False, default=False),
    sa.Column("default_quota", sa.Integer, nullable=True),
    sa.Column("address_scope_id", ID, nullable=True),
    sa.Column("prefixes", sa.JSON, nullable=False, default=list),
    *_standard(),
    sa.Index("ix_network_subnetpools_project", "project_id", "id"),
)

subnets = sa.Table(
    "network_subnets",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("project_id", PROJECT, nullable=False),
    sa.Column("network_id", ID, sa.ForeignKey("network_networks.id"), nullable=False),
    sa.Column("name", sa.String(255), nullable=False, default=""),
    sa.Column("ip_version", sa.Integer, nullable=False),
    sa.Column("cidr", sa.String(64), nullable=False),
    sa.Column("gateway_ip", sa.String(64), nullable=True),
    sa.Column("enable_dhcp", sa.Boolean, nullable=False, default=True),
    sa.Column("ipv6_ra_mode", sa.String(16), nullable=True),
    sa.Column("ipv6_address_mode", sa.String(16), nullable=True),
    sa.Column("subnetpool_id", ID, sa.ForeignKey("network_subnetpools.id"), nullable=True),
    sa.Column("segment_id", ID, nullable=True),
    sa.Column("dns_publish_fixed_ip", sa.Boolean, nullable=False, default=False),
    # [{"start", "end"}], [address], [{"destination", "nexthop"}], [service type]
    sa.Column("allocation_pools", sa.JSON, nullable=False, default=list),
    sa.Column("dns_nameservers", sa.JSON, nullable=False, default=list),
    sa.Column("host_routes", sa.JSON, nullable=False, default=list),
    sa.Column("service_types", sa.JSON, nullable=False, default=list),
    *_standard(),
    sa.Index("ix_network_subnets_project", "project_id", "id"),
    sa.Index("ix_network_subnets_network", "network_id", "id"),
)

ports = sa.Table(
    "network_ports",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("project_id", PROJECT, nullable=False),
    sa.Column("network_id", ID, sa.ForeignKey("network_networks.id"), nullable=False),
    sa.Column("name", sa.String(255), nullable=False, default=""),
    sa.Column("mac_address", sa.String(32), nullable=False),
    sa.Column("admin_state_up", sa.Boolean, nullable=False, default=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("device_id", sa.String(255), nullable=False, default=""),
    sa.Column("device_owner", sa.String(255), nullable=False, default=""),
    sa.Column("binding_host_id", sa.String(255), nullable=False, default=""),
    sa.Column("binding_vnic_type", sa.String(64), nullable=False, default="normal"),
    sa.Column("binding_profile", sa.JSON, nullable=False, default=dict),
    sa.Column("binding_vif_type", sa.String(64), nullable=False, default="unbound"),
    sa.Column("binding_vif_details", sa.JSON, nullable=False, default=dict),
    sa.Column("port_security_enabled", sa.Boolean, nullable=False, default=True),
    sa.Column("allowed_address_pairs", sa.JSON, nullable=False, default=list),
    sa.Column("extra_dhcp_opts", sa.JSON, nullable=False, default=list),
    sa.Column("dns_name", sa.String(255), nullable=False, default=""),
    sa.Column("dns_domain", sa.String(255), nullable=False, default=""),
    sa.Column("propagate_uplink_status", sa.Boolean, nullable=False, default=True),
    sa.Column("numa_affinity_policy", sa.String(16), nullable=True),
    sa.Column("data_plane_status", sa.String(16), nullable=True),
    sa.Column("ip_allocation", sa.String(16), nullable=False, default="immediate"),
    # Set when Nova created the port for a server (deleted with it); NULL otherwise.
    sa.Column("created_for_server", sa.Boolean, nullable=True),
    *_standard(),
    sa.UniqueConstraint("network_id", "mac_address", name="uq_network_ports_mac"),
    sa.Index("ix_network_ports_project", "project_id", "id"),
    sa.Index("ix_network_ports_network", "network_id", "id"),
    sa.Index("ix_network_ports_device", "device_id"),
)

ip_allocations = sa.Table(
    "network_ip_allocations",
    metadata,
    sa.Column("subnet_id", ID, sa.ForeignKey("network_subnets.id"), primary_key=True),
    sa.Column("ip_address", sa.String(64), primary_key=True),
    sa.Column("port_id", ID, sa.ForeignKey("network_ports.id", ondelete="CASCADE"), nullable=False),
    sa.Column("network_id", ID, nullable=False),
    sa.Index("ix_network_ip_allocations_port", "port_id"),
)

security_groups = sa.Table(
    "network_security_groups",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("project_id", PROJECT, nullable=False),
    sa.Column("name", sa.String(255), nullable=False, default=""),
    sa.Column("stateful", sa.Boolean, nullable=False, default=True),
    *_standard(),
    sa.Index("ix_network_security_groups_project", "project_id", "id"),
)

default_security_groups = sa.Table(
    "network_default_security_groups",
    metadata,
    sa.Column("project_id", PROJECT, primary_key=True),
    sa.Column(
        "security_group_id",
        ID,
        sa.ForeignKey("network_security_groups.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
)

security_group_rules = sa.Table(
    "network_security_group_rules",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("project_id", PROJECT, nullable=False),
    sa.Column("security_group_id", ID, sa.ForeignKey("network_security_groups.id", ondelete="CASCADE"), nullable=False),
    sa.Column("remote_group_id", ID, sa.ForeignKey("network_security_groups.id", ondelete="CASCADE"), nullable=True),
    sa.Column("remote_address_group_id", ID, nullable=True),
    sa.Column("direction", sa.String(16), nullable=False),
    sa.Column("ethertype", sa.String(40), nullable=False),
    sa.Column("protocol", sa.String(40), nullable=True),
    sa.Column("port_range_min", sa.Integer, nullable=True),
    sa.Column("port_range_max", sa.Integer, nullable=True),
    sa.Column("remote_ip_prefix", sa.String(255), nullable=True),
    *_standard(),
    sa.Index("ix_network_sg_rules_group", "security_group_id"),
    sa.Index("ix_network_sg_rules_project", "project_id", "id"),
)

port_security_groups = sa.Table(
    "network_port_security_groups",
    metadata,
    sa.Column("port_id", ID, sa.ForeignKey("network_ports.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("security_group_id", ID, sa.ForeignKey("network_security_groups.id"), primary_key=True),
    sa.Index("ix_network_port_sgs_group", "security_group_id"),
)

routers = sa.Table(
    "network_routers",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("project_id", PROJECT, nullable=False),
    sa.Column("name", sa.String(255), nullable=False, default=""),
    sa.Column("admin_state_up", sa.Boolean, nullable=False, default=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("gw_port_id", ID, sa.ForeignKey("network_ports.id"), nullable=True),
    sa.Column("enable_snat", sa.Boolean, nullable=False, default=True),
    sa.Column("distributed", sa.Boolean, nullable=False, default=False),
    sa.Column("ha", sa.Boolean, nullable=False, default=False),
    sa.Column("availability_zone_hints", sa.JSON, nullable=False, default=list),
    sa.Column("routes", sa.JSON, nullable=False, default=list),
    sa.Column("enable_default_route_bfd", sa.Boolean, nullable=False, default=False),
    sa.Column("enable_default_route_ecmp", sa.Boolean, nullable=False, default=False),
    *_standard(),
    sa.Index("ix_network_routers_project", "project_id", "id"),
)

router_ports = sa.Table(
    "network_router_ports",
    metadata,
    sa.Column("router_id", ID, sa.ForeignKey("network_routers.id", ondelete="CASCADE"), nullable=False),
    sa.Column("port_id", ID, sa.ForeignKey("network_ports.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("port_type", sa.String(255), nullable=False),
    sa.Index("ix_network_router_ports_router", "router_id"),
)

floatingips = sa.Table(
    "network_floatingips",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("project_id", PROJECT, nullable=False),
    sa.Column("floating_ip_address", sa.String(64), nullable=False),
    sa.Column("floating_network_id", ID, sa.ForeignKey("network_networks.id"), nullable=False),
    sa.Column("floating_port_id", ID, sa.ForeignKey("network_ports.id"), nullable=False),
    sa.Column("fixed_port_id", ID, sa.ForeignKey("network_ports.id"), nullable=True),
    sa.Column("fixed_ip_address", sa.String(64), nullable=True),
    sa.Column("router_id", ID, sa.ForeignKey("network_routers.id"), nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("dns_name", sa.String(255), nullable=False, default=""),
    sa.Column("dns_domain", sa.String(255), nullable=False, default=""),
    *_standard(),
    sa.UniqueConstraint(
        "floating_network_id", "fixed_port_id", "fixed_ip_address", name="uq_network_floatingips_fixed"
    ),
    sa.Index("ix_network_floatingips_project", "project_id", "id"),
    sa.Index("ix_network_floatingips_fixed_port", "fixed_port_id"),
)

tags = sa.Table(
    "network_tags",
    metadata,
    sa.Column("resource_id", ID, primary_key=True),
    sa.Column("tag", sa.String(255), primary_key=True),
    sa.Column("resource_type", sa.String(32), nullable=False),
    sa.Index("ix_network_tags_tag", "tag", "resource_id"),
)

# Segmentation ids handed to project networks (geneve), unique while the network lives.
segments = sa.Table(
    "network_segment_allocations",
    metadata,
    sa.Column("network_type", sa.String(32), primary_key=True),
    sa.Column("segmentation_id", sa.Integer, primary_key=True),
    sa.Column("network_id", ID, sa.ForeignKey("network_networks.id", ondelete="CASCADE"), nullable=False),
)

# RBAC policies of every shareable object type (networks, security groups, subnet pools,
# address scopes, QoS policies): who the object's owner shares it with and how.
rbac_policies = sa.Table(
    "network_rbac_policies",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("project_id", PROJECT, nullable=False),
    sa.Column("object_type", sa.String(32), nullable=False),
    sa.Column("object_id", ID, nullable=False),
    sa.Column("target_project", PROJECT, nullable=False),
    sa.Column("action", sa.String(255), nullable=False),
    sa.UniqueConstraint("object_type", "object_id", "target_project", "action", name="uq_network_rbac_entry"),
    sa.Index("ix_network_rbac_object", "object_id", "action"),
    sa.Index("ix_network_rbac_target", "object_type", "target_project", "action"),
    sa.Index("ix_network_rbac_project", "project_id", "id"),
)

# The network and router Neutron built for a project (auto-allocated-topology).
auto_allocated_topologies = sa.Table(
    "network_auto_allocated_topologies",
    metadata,
    sa.Column("project_id", PROJECT, primary_key=True),
    sa.Column("network_id", ID, sa.ForeignKey("network_networks.id", ondelete="CASCADE"), nullable=False),
    sa.Column("router_id", ID, sa.ForeignKey("network_routers.id", ondelete="SET NULL"), nullable=True),
)

# QoS (qos): policies, their rules (one table, ``type`` tells bandwidth_limit,
# dscp_marking and minimum_bandwidth apart), a project's default policy, and the
# policies bound to ports and networks.
qos_policies = sa.Table(
    "network_qos_policies",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("project_id", PROJECT, nullable=False),
    sa.Column("name", sa.String(255), nullable=False, default=""),
    # the wildcard access_as_shared entry, kept in step by the RBAC code
    sa.Column("shared", sa.Boolean, nullable=False, default=False),
    *_standard(),
    sa.Index("ix_network_qos_policies_project", "project_id", "id"),
)

qos_rules = sa.Table(
    "network_qos_rules",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("qos_policy_id", ID, sa.ForeignKey("network_qos_policies.id", ondelete="CASCADE"), nullable=False),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("direction", sa.String(16), nullable=True),
    sa.Column("max_kbps", sa.Integer, nullable=True),
    sa.Column("max_burst_kbps", sa.Integer, nullable=True),
    sa.Column("min_kbps", sa.Integer, nullable=True),
    sa.Column("dscp_mark", sa.Integer, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_network_qos_rules_policy", "qos_policy_id", "type"),
)

qos_default_policies = sa.Table(
    "network_qos_default_policies",
    metadata,
    sa.Column("project_id", PROJECT, primary_key=True),
    sa.Column("qos_policy_id", ID, sa.ForeignKey("network_qos_policies.id", ondelete="CASCADE"), nullable=False),
)

qos_port_bindings = sa.Table(
    "network_qos_port_bindings",
    metadata,
    sa.Column("port_id", ID, sa.ForeignKey("network_ports.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("policy_id", ID, sa.ForeignKey("network_qos_policies.id"), nullable=False),
    sa.Index("ix_network_qos_port_bindings_policy", "policy_id"),
)

qos_network_bindings = sa.Table(
    "network_qos_network_bindings",
    metadata,
    sa.Column("network_id", ID, sa.ForeignKey("network_networks.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("policy_id", ID, sa.ForeignKey("network_qos_policies.id"), nullable=False),
    sa.Index("ix_network_qos_network_bindings_policy", "policy_id"),
)

# Trunks (trunk): a parent port carrying subports told apart by VLAN.
trunks = sa.Table(
    "network_trunks",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("project_id", PROJECT, nullable=False),
    sa.Column("name", sa.String(255), nullable=False, default=""),
    sa.Column("admin_state_up", sa.Boolean, nullable=False, default=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("port_id", ID, sa.ForeignKey("network_ports.id"), nullable=False, unique=True),
    *_standard(),
    sa.Index("ix_network_trunks_project", "project_id", "id"),
)

trunk_subports = sa.Table(
    "network_trunk_subports",
    metadata,
    sa.Column("port_id", ID, sa.ForeignKey("network_ports.id"), primary_key=True),
    sa.Column("trunk_id", ID, sa.ForeignKey("network_trunks.id", ondelete="CASCADE"), nullable=False),
    sa.Column("segmentation_type", sa.String(32), nullable=False),
    sa.Column("segmentation_id", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("trunk_id", "segmentation_type", "segmentation_id", name="uq_network_trunk_subport_segment"),
)

# Segments (segment, multi-provider): the L2 segments of a network, in order; a network
# has one (its provider attributes) or several.  ``segment_allocations`` keeps their
# segmentation ids unique.
network_segments = sa.Table(
    "network_segments",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("network_id", ID, sa.ForeignKey("network_networks.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(255), nullable=True),
    sa.Column("network_type", sa.String(32), nullable=False),
    sa.Column("physical_network", sa.String(64), nullable=True),
    sa.Column("segmentation_id", sa.Integer, nullable=True),
    sa.Column("segment_index", sa.Integer, nullable=False, default=0),
    sa.Column("description", sa.String(255), nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("revision_number", sa.BigInteger, nullable=False, default=0),
    sa.Index("ix_network_segments_network", "network_id", "segment_index"),
)

# Address scopes (address-scope): subnet pools whose addresses are routed without NAT.
address_scopes = sa.Table(
    "network_address_scopes",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("project_id", PROJECT, nullable=False),
    sa.Column("name", sa.String(255), nullable=False, default=""),
    sa.Column("ip_version", sa.Integer, nullable=False),
    # the wildcard access_as_shared entry, kept in step by the RBAC code
    sa.Column("shared", sa.Boolean, nullable=False, default=False),
    sa.Index("ix_network_address_scopes_project", "project_id", "id"),
)
