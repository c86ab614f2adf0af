"""The networking API's route table (Neutron v2.0), relative to ``/networking``.

Request bodies are validated against Neutron's attribute maps (``resources.py``) by
the handlers, which reproduce Neutron's checks and messages; the route-level schema
only says a body is read.
"""

from __future__ import annotations

from pocketstack.core.api import NO_BODY, Handler, Route
from pocketstack.core.validation import Schema
from pocketstack.services.network.api import (
    address_scopes,
    auto_allocate,
    core,
    l3,
    misc,
    qos,
    quotas,
    rbac,
    secgroups,
    segments,
    tags,
    trunks,
)

R = Route

# Validated by the attribute maps, as Neutron does (see the module docstring).
NEUTRON_BODY: Schema = {"description": "validated against Neutron's attribute maps by the handler"}


def _collection(path: str, param: str, handlers: tuple[Handler, Handler, Handler, Handler, Handler]) -> list[Route]:
    """list, create, show, update, delete of one collection."""
    list_, create, show, update, delete = handlers
    return [
        R("GET", path, list_),
        R("POST", path, create, body=NEUTRON_BODY, status=201),
        R("GET", f"{path}/{{{param}}}", show),
        R("PUT", f"{path}/{{{param}}}", update, body=NEUTRON_BODY),
        R("DELETE", f"{path}/{{{param}}}", delete, status=204),
    ]


def _tag_routes(collection: str, param: str) -> list[Route]:
    base = f"/v2.0/{collection}/{{{param}}}/tags"
    return [
        R("GET", base, tags.list_tags),
        R("PUT", base, tags.replace_tags, body=NEUTRON_BODY),
        R("POST", base, tags.add_tags, body=NEUTRON_BODY),
        R("DELETE", base, tags.delete_tags),
        R("GET", base + "/{tag}", tags.check_tag),
        R("PUT", base + "/{tag}", tags.add_tag, body=NO_BODY),
        R("DELETE", base + "/{tag}", tags.delete_tag),
    ]


ROUTES: list[Route] = [
    R("GET", "/", misc.versions, auth=False, microversioned=False),
    R("GET", "/v2.0", misc.version_v2),
    R("GET", "/v2.0/extensions", misc.list_extensions),
    R("GET", "/v2.0/extensions/{alias}", misc.show_extension),
    *_collection(
        "/v2.0/networks",
        "network_id",
        (core.list_networks, core.create_network, core.show_network, core.update_network, core.delete_network),
    ),
    *_collection(
        "/v2.0/subnets",
        "subnet_id",
        (core.list_subnets, core.create_subnet, core.show_subnet, core.update_subnet, core.delete_subnet),
    ),
    *_collection(
        "/v2.0/ports",
        "port_id",
        (core.list_ports, core.create_port, core.show_port, core.update_port, core.delete_port),
    ),
    *_collection(
        "/v2.0/subnetpools",
        "subnetpool_id",
        (
            core.list_subnetpools,
            core.create_subnetpool,
            core.show_subnetpool,
            core.update_subnetpool,
            core.delete_subnetpool,
        ),
    ),
    R("PUT", "/v2.0/subnetpools/{subnetpool_id}/add_prefixes", core.add_prefixes, body=NEUTRON_BODY),
    R("PUT", "/v2.0/subnetpools/{subnetpool_id}/remove_prefixes", core.remove_prefixes, body=NEUTRON_BODY),
    *_collection(
        "/v2.0/security-groups",
        "security_group_id",
        (
            secgroups.list_groups,
            secgroups.create_group,
            secgroups.show_group,
            secgroups.update_group,
            secgroups.delete_group,
        ),
    ),
    R("GET", "/v2.0/security-group-rules", secgroups.list_rules),
    R("POST", "/v2.0/security-group-rules", secgroups.create_rule, body=NEUTRON_BODY, status=201),
    R("GET", "/v2.0/security-group-rules/{security_group_rule_id}", secgroups.show_rule),
    R("DELETE", "/v2.0/security-group-rules/{security_group_rule_id}", secgroups.delete_rule, status=204),
    *_collection(
        "/v2.0/routers",
        "router_id",
        (l3.list_routers, l3.create_router, l3.show_router, l3.update_router, l3.delete_router),
    ),
    R("PUT", "/v2.0/routers/{router_id}/add_router_interface", l3.add_router_interface, body=NEUTRON_BODY),
    R("PUT", "/v2.0/routers/{router_id}/remove_router_interface", l3.remove_router_interface, body=NEUTRON_BODY),
    R("PUT", "/v2.0/routers/{router_id}/add_extraroutes", l3.add_extraroutes, body=NEUTRON_BODY),
    R("PUT", "/v2.0/routers/{router_id}/remove_extraroutes", l3.remove_extraroutes, body=NEUTRON_BODY),
    *_collection(
        "/v2.0/floatingips",
        "floatingip_id",
        (l3.list_floatingips, l3.create_floatingip, l3.show_floatingip, l3.update_floatingip, l3.delete_floatingip),
    ),
    *_collection(
        "/v2.0/rbac-policies",
        "rbac_policy_id",
        (rbac.list_policies, rbac.create_policy, rbac.show_policy, rbac.update_policy, rbac.delete_policy),
    ),
    R("GET", "/v2.0/auto-allocated-topology/{project_id}", auto_allocate.show_topology),
    R("DELETE", "/v2.0/auto-allocated-topology/{project_id}", auto_allocate.delete_topology, status=204),
    *_collection(
        "/v2.0/qos/policies",
        "policy_id",
        (qos.list_policies, qos.create_policy, qos.show_policy, qos.update_policy, qos.delete_policy),
    ),
    *[
        route
        for kind in qos.RULE_TYPES
        for route in (
            R("GET", f"/v2.0/qos/policies/{{policy_id}}/{kind}_rules", qos.list_rules),
            R("POST", f"/v2.0/qos/policies/{{policy_id}}/{kind}_rules", qos.create_rule, body=NEUTRON_BODY, status=201),
            R("GET", f"/v2.0/qos/policies/{{policy_id}}/{kind}_rules/{{rule_id}}", qos.show_rule),
            R("PUT", f"/v2.0/qos/policies/{{policy_id}}/{kind}_rules/{{rule_id}}", qos.update_rule, body=NEUTRON_BODY),
            R("DELETE", f"/v2.0/qos/policies/{{policy_id}}/{kind}_rules/{{rule_id}}", qos.delete_rule, status=204),
            R("GET", f"/v2.0/qos/alias_{kind}_rules/{{rule_id}}", qos.show_rule),
            R("PUT", f"/v2.0/qos/alias_{kind}_rules/{{rule_id}}", qos.update_rule, body=NEUTRON_BODY),
            R("DELETE", f"/v2.0/qos/alias_{kind}_rules/{{rule_id}}", qos.delete_rule, status=204),
        )
    ],
    R("GET", "/v2.0/qos/rule-types", qos.list_rule_types),
    R("GET", "/v2.0/qos/rule-types/{rule_type}", qos.show_rule_type),
    *_collection(
        "/v2.0/trunks",
        "trunk_id",
        (trunks.list_trunks, trunks.create_trunk, trunks.show_trunk, trunks.update_trunk, trunks.delete_trunk),
    ),
    R("PUT", "/v2.0/trunks/{trunk_id}/add_subports", trunks.add_subports, body=NEUTRON_BODY),
    R("PUT", "/v2.0/trunks/{trunk_id}/remove_subports", trunks.remove_subports, body=NEUTRON_BODY),
    R("GET", "/v2.0/trunks/{trunk_id}/get_subports", trunks.get_subports),
    *_collection(
        "/v2.0/segments",
        "segment_id",
        (
            segments.list_segments,
            segments.create_segment,
            segments.show_segment,
            segments.update_segment,
            segments.delete_segment,
        ),
    ),
    *_collection(
        "/v2.0/address-scopes",
        "address_scope_id",
        (
            address_scopes.list_scopes,
            address_scopes.create_scope,
            address_scopes.show_scope,
            address_scopes.update_scope,
            address_scopes.delete_scope,
        ),
    ),
    R("GET", "/v2.0/floatingip_pools", misc.list_floatingip_pools),
    R("GET", "/v2.0/availability_zones", misc.list_availability_zones),
    R("GET", "/v2.0/agents", misc.list_agents),
    R("GET", "/v2.0/service-providers", misc.list_service_providers),
    R("GET", "/v2.0/agents/{agent_id}", misc.show_agent),
    R("GET", "/v2.0/network-ip-availabilities", misc.list_ip_availabilities),
    R("GET", "/v2.0/network-ip-availabilities/{network_id}", misc.show_ip_availability),
    R("GET", "/v2.0/quotas", quotas.list_quotas),
    R("GET", "/v2.0/quotas/project", quotas.own_project),
    R("GET", "/v2.0/quotas/tenant", quotas.own_tenant),
    R("GET", "/v2.0/quotas/{project_id}", quotas.show_quota),
    R("PUT", "/v2.0/quotas/{project_id}", quotas.update_quota, body=NEUTRON_BODY),
    R("DELETE", "/v2.0/quotas/{project_id}", quotas.delete_quota, status=204),
    R("GET", "/v2.0/quotas/{project_id}/default", quotas.default_quota),
    R("GET", "/v2.0/quotas/{project_id}/details", quotas.quota_details),
    *_tag_routes("networks", "network_id"),
    *_tag_routes("subnets", "subnet_id"),
    *_tag_routes("ports", "port_id"),
    *_tag_routes("subnetpools", "subnetpool_id"),
    *_tag_routes("routers", "router_id"),
    *_tag_routes("floatingips", "floatingip_id"),
    *_tag_routes("security-groups", "security_group_id"),
    *_tag_routes("qos/policies", "policy_id"),
    *_tag_routes("trunks", "trunk_id"),
]
