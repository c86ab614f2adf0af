# ruff: noqa: E501  (upstream check strings are kept whole)
"""Neutron's default policy rules (name, check string, scope types).

Upstream's current defaults for the resources served here: project-scoped rules
where reader < member < manager < admin, ownership through ``project_id`` and through
the parent network/security group (``network:project_id``), and the ``field:``
checks (shared/external networks, device owners) Neutron adds to oslo.policy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from typing import Any

from oslo_policy import _checks
from oslo_policy import policy as oslo_policy

from pocketstack.core.policy import rule


@oslo_policy.register("field")
class FieldCheck(_checks.Check):
    """``field:<collection>:<attribute>=<value>`` (``=~<regex>`` for a pattern) against the target.

    Targets of subnets and ports carry their network's ``shared``, as Neutron looks
    the network up for these rules.
    """

    def __init__(self, kind: str, match: str) -> None:
        resource, _, rest = match.partition(":")
        name, _, value = rest.rpartition("=")
        super().__init__(kind, match)
        self.resource = resource
        self.field = name
        self.regex = re.compile(value[1:]) if value.startswith("~") else None
        self.value: Any = {"true": True, "false": False}.get(value.lower(), value)

    def __call__(
        self, target: Mapping[str, Any], creds: MutableMapping[str, Any], enforcer: Any, current_rule: Any = None
    ) -> bool:
        value = target.get(self.field)
        if value is None:
            return False
        if self.regex is not None:
            return bool(self.regex.match(str(value)))
        return bool(value == self.value)


# (FieldCheck is registered above: RuleDefault parses its check string when built.)
_TABLE: list[tuple[str, str, tuple[str, ...] | None]] = [
    ("context_is_admin", "role:admin", None),
    ("context_with_global_access", "!", None),
    ("service_api", "role:service", None),
    ("owner", "project_id:%(project_id)s", None),
    ("admin_or_owner", "rule:context_is_admin or rule:owner", None),
    ("context_is_advsvc", "role:advsvc", None),
    ("admin_or_network_owner", "rule:context_is_admin or project_id:%(network:project_id)s", None),
    ("admin_owner_or_network_owner", "rule:owner or rule:admin_or_network_owner", None),
    ("network_owner", "project_id:%(network:project_id)s", None),
    ("admin_only", "rule:context_is_admin", None),
    ("regular_user", "", None),
    ("shared", "field:networks:shared=True", None),
    ("default", "rule:admin_or_owner", None),
    ("admin_or_ext_parent_owner", "rule:context_is_admin or project_id:%(ext_parent:project_id)s", None),
    ("ext_parent_owner", "project_id:%(ext_parent:project_id)s", None),
    ("sg_owner", "project_id:%(security_group:project_id)s", None),
    ("create_agent", "rule:admin_only", ("project",)),
    ("get_agent", "rule:admin_only", ("project",)),
    ("update_agent", "rule:admin_only", ("project",)),
    ("delete_agent", "rule:admin_only", ("project",)),
    ("get_availability_zone", "role:reader", ("project",)),
    ("get_service_provider", "role:reader", ("project",)),
    ("create_floatingip", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    (
        "create_floatingip:floating_ip_address",
        "(rule:admin_only) or (role:manager and project_id:%(project_id)s)",
        ("project",),
    ),
    ("create_floatingip:router_id", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("create_floatingip:tags", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("get_floatingip", "(rule:admin_only) or (role:reader and project_id:%(project_id)s)", ("project",)),
    ("get_floatingip:tags", "(rule:admin_only) or (role:reader and project_id:%(project_id)s)", ("project",)),
    ("update_floatingip", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("update_floatingip:router_id", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("update_floatingip:tags", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("delete_floatingip", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("delete_floatingip:tags", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("get_floatingip_pool", "(rule:admin_only) or (role:reader and project_id:%(project_id)s)", ("project",)),
    ("external", "field:networks:router:external=True", None),
    ("create_network", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("create_network:shared", "rule:admin_only", ("project",)),
    ("create_network:router:external", "rule:admin_only", ("project",)),
    (
        "create_network:port_security_enabled",
        "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
        ("project",),
    ),
    ("create_network:is_default", "rule:admin_only", ("project",)),
    ("create_network:segments", "rule:admin_only", ("project",)),
    ("create_network:provider:segmentation_id", "rule:admin_only", ("project",)),
    ("create_network:provider:network_type", "rule:admin_only", ("project",)),
    ("create_network:provider:physical_network", "rule:admin_only", ("project",)),
    ("create_network:tags", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    (
        "get_network",
        "(rule:admin_only) or (role:reader and project_id:%(project_id)s) or rule:service_api or rule:shared or rule:external or rule:context_is_advsvc",
        ("project",),
    ),
    ("get_network:provider:network_type", "rule:admin_only", ("project",)),
    ("get_network:provider:physical_network", "rule:admin_only", ("project",)),
    ("get_network:segments", "rule:admin_only", ("project",)),
    ("get_network:provider:segmentation_id", "rule:admin_only", ("project",)),
    (
        "get_network:tags",
        "(rule:admin_only) or (role:reader and project_id:%(project_id)s) or rule:shared or rule:external or rule:context_is_advsvc",
        ("project",),
    ),
    ("update_network", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("update_network:shared", "rule:admin_only", ("project",)),
    ("update_network:provider:network_type", "rule:admin_only", ("project",)),
    ("update_network:provider:physical_network", "rule:admin_only", ("project",)),
    ("update_network:segments", "rule:admin_only", ("project",)),
    ("update_network:provider:segmentation_id", "rule:admin_only", ("project",)),
    ("update_network:is_default", "rule:admin_only", ("project",)),
    ("update_network:router:external", "rule:admin_only", ("project",)),
    (
        "update_network:port_security_enabled",
        "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
        ("project",),
    ),
    ("update_network:tags", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("delete_network", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("delete_network:tags", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("get_network_ip_availability", "(rule:admin_only) or (rule:service_api)", ("project",)),
    ("network_device", "field:port:device_owner=~^network:", None),
    ("compute_device", "field:port:device_owner=~^compute:", None),
    ("baremetal_device", "field:port:device_owner=~^baremetal:", None),
    ("manila_device", "field:port:device_owner=~^manila:", None),
    (
        "create_port",
        "(rule:admin_only) or (rule:service_api) or role:member and rule:network_owner or rule:shared",
        ("project",),
    ),
    (
        "create_port:device_id",
        "(rule:admin_only) or (role:member and project_id:%(project_id)s) or rule:service_api",
        ("project",),
    ),
    (
        "create_port:device_owner",
        "not rule:network_device or (rule:admin_only) or (rule:service_api) or role:member and rule:network_owner",
        ("project",),
    ),
    (
        "create_port:mac_address",
        "(rule:admin_only) or (rule:service_api) or role:member and rule:network_owner",
        ("project",),
    ),
    (
        "create_port:fixed_ips",
        "(rule:admin_only) or (rule:service_api) or role:member and rule:network_owner or rule:shared",
        ("project",),
    ),
    (
        "create_port:fixed_ips:ip_address",
        "(rule:admin_only) or (rule:service_api) or role:member and rule:network_owner",
        ("project",),
    ),
    (
        "create_port:fixed_ips:subnet_id",
        "(rule:admin_only) or (rule:service_api) or role:member and rule:network_owner or rule:shared",
        ("project",),
    ),
    (
        "create_port:port_security_enabled",
        "(rule:admin_only) or (rule:service_api) or role:member and rule:network_owner",
        ("project",),
    ),
    ("create_port:binding:host_id", "(rule:admin_only) or (rule:service_api)", ("project",)),
    ("create_port:binding:profile", "rule:service_api", ("project",)),
    (
        "create_port:binding:vnic_type",
        "(rule:admin_only) or (role:member and project_id:%(project_id)s) or rule:service_api",
        ("project",),
    ),
    (
        "create_port:allowed_address_pairs",
        "(rule:admin_only) or (role:member and rule:network_owner) or rule:service_api",
        ("project",),
    ),
    (
        "create_port:allowed_address_pairs:mac_address",
        "(rule:admin_only) or (role:member and rule:network_owner) or rule:service_api",
        ("project",),
    ),
    (
        "create_port:allowed_address_pairs:ip_address",
        "(rule:admin_only) or (role:member and rule:network_owner) or rule:service_api",
        ("project",),
    ),
    (
        "create_port:tags",
        "(rule:admin_only) or (role:member and project_id:%(project_id)s) or rule:context_is_advsvc",
        ("project",),
    ),
    (
        "get_port",
        "(rule:admin_only) or (rule:service_api) or role:reader and rule:network_owner or role:reader and project_id:%(project_id)s",
        ("project",),
    ),
    ("get_port:binding:vif_type", "(rule:admin_only) or (rule:service_api)", ("project",)),
    ("get_port:binding:vif_details", "(rule:admin_only) or (rule:service_api)", ("project",)),
    ("get_port:binding:host_id", "(rule:admin_only) or (rule:service_api)", ("project",)),
    ("get_port:binding:profile", "(rule:admin_only) or (rule:service_api)", ("project",)),
    (
        "get_port:tags",
        "rule:context_is_advsvc or (rule:admin_only) or (role:reader and rule:network_owner) or role:reader and project_id:%(project_id)s",
        ("project",),
    ),
    (
        "update_port",
        "(rule:admin_only) or (rule:service_api) or role:member and project_id:%(project_id)s",
        ("project",),
    ),
    (
        "update_port:device_id",
        "(rule:admin_only) or (role:member and project_id:%(project_id)s) or rule:service_api",
        ("project",),
    ),
    (
        "update_port:device_owner",
        "not rule:network_device or (rule:admin_only) or (rule:service_api) or role:member and rule:network_owner",
        ("project",),
    ),
    (
        "update_port:mac_address",
        "(rule:admin_only) or (rule:service_api) or role:manager and rule:network_owner",
        ("project",),
    ),
    (
        "update_port:fixed_ips",
        "(rule:admin_only) or (rule:service_api) or role:member and rule:network_owner",
        ("project",),
    ),
    (
        "update_port:fixed_ips:ip_address",
        "(rule:admin_only) or (rule:service_api) or role:member and rule:network_owner",
        ("project",),
    ),
    (
        "update_port:fixed_ips:subnet_id",
        "(rule:admin_only) or (rule:service_api) or role:member and rule:network_owner or rule:shared",
        ("project",),
    ),
    (
        "update_port:port_security_enabled",
        "(rule:admin_only) or (rule:service_api) or role:member and rule:network_owner",
        ("project",),
    ),
    ("update_port:binding:host_id", "(rule:admin_only) or (rule:service_api)", ("project",)),
    ("update_port:binding:profile", "rule:service_api", ("project",)),
    (
        "update_port:binding:vnic_type",
        "(rule:admin_only) or (rule:service_api) or role:member and project_id:%(project_id)s",
        ("project",),
    ),
    (
        "update_port:allowed_address_pairs",
        "(rule:admin_only) or (role:member and rule:network_owner) or rule:service_api",
        ("project",),
    ),
    (
        "update_port:allowed_address_pairs:mac_address",
        "(rule:admin_only) or (role:member and rule:network_owner) or rule:service_api",
        ("project",),
    ),
    (
        "update_port:allowed_address_pairs:ip_address",
        "(rule:admin_only) or (role:member and rule:network_owner) or rule:service_api",
        ("project",),
    ),
    (
        "update_port:tags",
        "(rule:admin_only) or (role:member and project_id:%(project_id)s) or rule:context_is_advsvc",
        ("project",),
    ),
    (
        "delete_port",
        "(rule:admin_only) or (rule:service_api) or (service_roles:service and (role:member and rule:network_owner or role:member and project_id:%(project_id)s)) or (not rule:compute_device and not rule:baremetal_device and not rule:manila_device and (role:member and rule:network_owner or role:member and project_id:%(project_id)s))",
        ("project",),
    ),
    (
        "delete_port:tags",
        "rule:context_is_advsvc or role:member and project_id:%(project_id)s or (rule:admin_only) or (role:member and rule:network_owner)",
        ("project",),
    ),
    ("get_quota", "(rule:admin_only) or (role:manager and project_id:%(project_id)s)", ("project",)),
    ("update_quota", "rule:admin_only", ("project",)),
    ("delete_quota", "rule:admin_only", ("project",)),
    ("create_router", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("create_router:distributed", "rule:admin_only", ("project",)),
    ("create_router:ha", "rule:admin_only", ("project",)),
    (
        "create_router:external_gateway_info",
        "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
        ("project",),
    ),
    (
        "create_router:external_gateway_info:network_id",
        "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
        ("project",),
    ),
    ("create_router:external_gateway_info:enable_snat", "rule:admin_only", ("project",)),
    ("create_router:external_gateway_info:external_fixed_ips", "rule:admin_only", ("project",)),
    ("create_router:tags", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("get_router", "(rule:admin_only) or (role:reader and project_id:%(project_id)s)", ("project",)),
    ("get_router:distributed", "rule:admin_only", ("project",)),
    ("get_router:ha", "rule:admin_only", ("project",)),
    ("get_router:tags", "(rule:admin_only) or (role:reader and project_id:%(project_id)s)", ("project",)),
    ("update_router", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("update_router:distributed", "rule:admin_only", ("project",)),
    ("update_router:ha", "rule:admin_only", ("project",)),
    (
        "update_router:external_gateway_info",
        "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
        ("project",),
    ),
    (
        "update_router:external_gateway_info:network_id",
        "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
        ("project",),
    ),
    ("update_router:external_gateway_info:enable_snat", "rule:admin_only", ("project",)),
    ("update_router:external_gateway_info:external_fixed_ips", "rule:admin_only", ("project",)),
    ("update_router:tags", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("delete_router", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("delete_router:tags", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("add_router_interface", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("remove_router_interface", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("add_extraroutes", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("remove_extraroutes", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("admin_or_sg_owner", "rule:context_is_admin or project_id:%(security_group:project_id)s", None),
    ("admin_owner_or_sg_owner", "rule:owner or rule:admin_or_sg_owner", None),
    ("shared_security_group", "field:security_groups:shared=True", None),
    (
        "create_default_security_group",
        "(rule:admin_only) or (rule:service_api) or role:reader and project_id:%(project_id)s",
        ("project",),
    ),
    ("create_security_group", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("create_security_group:tags", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    (
        "get_security_group",
        "(rule:admin_only) or (role:reader and project_id:%(project_id)s) or rule:shared_security_group",
        ("project",),
    ),
    (
        "get_security_group:tags",
        "(rule:admin_only) or (role:reader and project_id:%(project_id)s) or rule:shared_security_group",
        ("project",),
    ),
    ("update_security_group", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("update_security_group:tags", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("delete_security_group", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("delete_security_group:tags", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("create_security_group_rule", "(rule:admin_only) or (role:member and rule:sg_owner)", ("project",)),
    ("get_security_group_rule", "(rule:admin_only) or (role:reader and rule:sg_owner)", ("project",)),
    ("delete_security_group_rule", "(rule:admin_only) or (role:member and rule:sg_owner)", ("project",)),
    ("external_network", "field:subnets:router:external=True", None),
    ("create_subnet", "(rule:admin_only) or (role:member and rule:network_owner)", ("project",)),
    (
        "create_subnet:tags",
        "role:member and project_id:%(project_id)s or (rule:admin_only) or (role:member and rule:network_owner)",
        ("project",),
    ),
    (
        "get_subnet",
        "role:reader and project_id:%(project_id)s or rule:shared or rule:external_network or (rule:admin_only) or (role:reader and rule:network_owner) or rule:service_api",
        ("project",),
    ),
    (
        "get_subnet:tags",
        "role:reader and project_id:%(project_id)s or rule:shared or rule:external_network or (rule:admin_only) or (role:reader and rule:network_owner)",
        ("project",),
    ),
    (
        "update_subnet",
        "role:member and project_id:%(project_id)s or (rule:admin_only) or (role:member and rule:network_owner)",
        ("project",),
    ),
    (
        "update_subnet:tags",
        "role:member and project_id:%(project_id)s or (rule:admin_only) or (role:member and rule:network_owner)",
        ("project",),
    ),
    (
        "delete_subnet",
        "role:member and project_id:%(project_id)s or (rule:admin_only) or (role:member and rule:network_owner)",
        ("project",),
    ),
    (
        "delete_subnet:tags",
        "role:member and project_id:%(project_id)s or (rule:admin_only) or (role:member and rule:network_owner)",
        ("project",),
    ),
    ("shared_subnetpools", "field:subnetpools:shared=True", None),
    ("create_subnetpool", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("create_subnetpool:shared", "rule:admin_only", ("project",)),
    ("create_subnetpool:is_default", "rule:admin_only", ("project",)),
    ("create_subnetpool:tags", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    (
        "get_subnetpool",
        "(rule:admin_only) or (role:reader and project_id:%(project_id)s) or rule:shared_subnetpools",
        ("project",),
    ),
    (
        "get_subnetpool:tags",
        "(rule:admin_only) or (role:reader and project_id:%(project_id)s) or rule:shared_subnetpools",
        ("project",),
    ),
    ("update_subnetpool", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("update_subnetpool:is_default", "rule:admin_only", ("project",)),
    ("update_subnetpool:tags", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("delete_subnetpool", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("delete_subnetpool:tags", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    (
        "restrict_wildcard",
        "(not field:rbac_policy:target_tenant=* and not field:rbac_policy:target_project=*) or rule:admin_only",
        None,
    ),
    ("create_rbac_policy", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    (
        "create_rbac_policy:target_tenant",
        "rule:admin_only or (not field:rbac_policy:target_tenant=* and not field:rbac_policy:target_project=*)",
        ("project",),
    ),
    ("create_rbac_policy:target_project", "rule:admin_only or not field:rbac_policy:target_project=*", ("project",)),
    ("update_rbac_policy", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    (
        "update_rbac_policy:target_tenant",
        "rule:admin_only or (not field:rbac_policy:target_tenant=* and not field:rbac_policy:target_project=*)",
        ("project",),
    ),
    ("update_rbac_policy:target_project", "rule:admin_only or not field:rbac_policy:target_project=*", ("project",)),
    ("get_rbac_policy", "(rule:admin_only) or (role:reader and project_id:%(project_id)s)", ("project",)),
    ("delete_rbac_policy", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("get_auto_allocated_topology", "(rule:admin_only) or (role:reader and project_id:%(project_id)s)", ("project",)),
    (
        "delete_auto_allocated_topology",
        "(rule:admin_only) or (role:member and project_id:%(project_id)s)",
        ("project",),
    ),
    ("shared_qos_policy", "field:policies:shared=True", None),
    (
        "get_policy",
        "(rule:admin_only) or (role:reader and project_id:%(project_id)s) or rule:shared_qos_policy",
        ("project",),
    ),
    (
        "get_policy:tags",
        "(rule:admin_only) or (role:reader and project_id:%(project_id)s) or rule:shared_qos_policy",
        ("project",),
    ),
    ("create_policy", "(rule:admin_only) or (role:manager and project_id:%(project_id)s)", ("project",)),
    ("create_policy:tags", "(rule:admin_only) or (role:manager and project_id:%(project_id)s)", ("project",)),
    ("update_policy", "(rule:admin_only) or (role:manager and project_id:%(project_id)s)", ("project",)),
    ("update_policy:tags", "(rule:admin_only) or (role:manager and project_id:%(project_id)s)", ("project",)),
    ("delete_policy", "(rule:admin_only) or (role:manager and project_id:%(project_id)s)", ("project",)),
    ("delete_policy:tags", "(rule:admin_only) or (role:manager and project_id:%(project_id)s)", ("project",)),
    ("get_rule_type", "role:reader", ("project",)),
    ("get_policy_bandwidth_limit_rule", "(rule:admin_only) or (role:reader and rule:ext_parent_owner)", ("project",)),
    (
        "create_policy_bandwidth_limit_rule",
        "(rule:admin_only) or (role:manager and rule:ext_parent_owner)",
        ("project",),
    ),
    (
        "update_policy_bandwidth_limit_rule",
        "(rule:admin_only) or (role:manager and rule:ext_parent_owner)",
        ("project",),
    ),
    (
        "delete_policy_bandwidth_limit_rule",
        "(rule:admin_only) or (role:manager and rule:ext_parent_owner)",
        ("project",),
    ),
    ("get_policy_dscp_marking_rule", "(rule:admin_only) or (role:reader and rule:ext_parent_owner)", ("project",)),
    ("create_policy_dscp_marking_rule", "(rule:admin_only) or (role:manager and rule:ext_parent_owner)", ("project",)),
    ("update_policy_dscp_marking_rule", "(rule:admin_only) or (role:manager and rule:ext_parent_owner)", ("project",)),
    ("delete_policy_dscp_marking_rule", "(rule:admin_only) or (role:manager and rule:ext_parent_owner)", ("project",)),
    ("get_policy_minimum_bandwidth_rule", "(rule:admin_only) or (role:reader and rule:ext_parent_owner)", ("project",)),
    (
        "create_policy_minimum_bandwidth_rule",
        "(rule:admin_only) or (role:manager and rule:ext_parent_owner)",
        ("project",),
    ),
    (
        "update_policy_minimum_bandwidth_rule",
        "(rule:admin_only) or (role:manager and rule:ext_parent_owner)",
        ("project",),
    ),
    (
        "delete_policy_minimum_bandwidth_rule",
        "(rule:admin_only) or (role:manager and rule:ext_parent_owner)",
        ("project",),
    ),
    ("get_alias_bandwidth_limit_rule", "(rule:admin_only) or (role:reader and rule:ext_parent_owner)", ("project",)),
    (
        "update_alias_bandwidth_limit_rule",
        "(rule:admin_only) or (role:manager and rule:ext_parent_owner)",
        ("project",),
    ),
    (
        "delete_alias_bandwidth_limit_rule",
        "(rule:admin_only) or (role:manager and rule:ext_parent_owner)",
        ("project",),
    ),
    ("get_alias_dscp_marking_rule", "(rule:admin_only) or (role:reader and rule:ext_parent_owner)", ("project",)),
    ("update_alias_dscp_marking_rule", "(rule:admin_only) or (role:manager and rule:ext_parent_owner)", ("project",)),
    ("delete_alias_dscp_marking_rule", "(rule:admin_only) or (role:manager and rule:ext_parent_owner)", ("project",)),
    ("get_alias_minimum_bandwidth_rule", "(rule:admin_only) or (role:reader and rule:ext_parent_owner)", ("project",)),
    (
        "update_alias_minimum_bandwidth_rule",
        "(rule:admin_only) or (role:manager and rule:ext_parent_owner)",
        ("project",),
    ),
    (
        "delete_alias_minimum_bandwidth_rule",
        "(rule:admin_only) or (role:manager and rule:ext_parent_owner)",
        ("project",),
    ),
    ("create_trunk", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("create_trunk:tags", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("get_trunk", "(rule:admin_only) or (role:reader and project_id:%(project_id)s)", ("project",)),
    ("get_trunk:tags", "(rule:admin_only) or (role:reader and project_id:%(project_id)s)", ("project",)),
    ("update_trunk", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("update_trunk:tags", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("delete_trunk", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("delete_trunk:tags", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("get_subports", "(rule:admin_only) or (role:reader and project_id:%(project_id)s)", ("project",)),
    ("add_subports", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("remove_subports", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("create_segment", "rule:admin_only", ("project",)),
    ("get_segment", "rule:admin_only", ("project",)),
    ("update_segment", "rule:admin_only", ("project",)),
    ("delete_segment", "rule:admin_only", ("project",)),
    ("create_subnet:segment_id", "rule:admin_only", ("project",)),
    ("create_subnet:service_types", "rule:admin_only", ("project",)),
    ("get_subnet:segment_id", "rule:admin_only", ("project",)),
    ("update_subnet:segment_id", "rule:admin_only", ("project",)),
    ("update_subnet:service_types", "rule:admin_only", ("project",)),
    ("shared_address_scopes", "field:address_scopes:shared=True", None),
    ("create_address_scope", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("create_address_scope:shared", "rule:admin_only", ("project",)),
    (
        "get_address_scope",
        "rule:admin_only or role:reader and project_id:%(project_id)s or rule:shared_address_scopes",
        ("project",),
    ),
    ("update_address_scope", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("update_address_scope:shared", "rule:admin_only", ("project",)),
    ("delete_address_scope", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("onboard_network_subnets", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("add_prefixes", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
    ("remove_prefixes", "(rule:admin_only) or (role:member and project_id:%(project_id)s)", ("project",)),
]

DEFAULTS = [rule(name, check, scope) for name, check, scope in _TABLE]
