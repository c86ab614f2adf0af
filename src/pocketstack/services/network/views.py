"""Neutron's response bodies, as pure functions of (expanded) rows; the wire names of
every attribute are written here once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pocketstack.core.timeutils import iso_z
from pocketstack.services.network.ipam import net
from pocketstack.services.network.networks import AVAILABILITY_ZONE

Row = Mapping[str, Any]
DNS_DOMAIN = "openstacklocal."


def _std(row: Row) -> dict[str, Any]:
    return {
        "description": row["description"] or "",
        "created_at": iso_z(row["created_at"]),
        "updated_at": iso_z(row["updated_at"]),
        "revision_number": row["revision_number"],
    }


def _owner(row: Row) -> dict[str, Any]:
    return {"tenant_id": row["project_id"], "project_id": row["project_id"]}


def network(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        **_owner(row),
        "admin_state_up": bool(row["admin_state_up"]),
        "mtu": row["mtu"],
        "status": row["status"],
        "subnets": list(row["subnets"]),
        "shared": bool(row["shared"]),
        "availability_zone_hints": list(row["availability_zone_hints"] or []),
        "availability_zones": [AVAILABILITY_ZONE],
        "router:external": bool(row["external"]),
        "port_security_enabled": bool(row["port_security_enabled"]),
        "dns_domain": row["dns_domain"] or "",
        "l2_adjacency": True,
        **_provider(row),
        "qos_policy_id": row.get("qos_policy_id"),
        "ipv4_address_scope": (row.get("address_scopes") or {}).get(4),
        "ipv6_address_scope": (row.get("address_scopes") or {}).get(6),
        "tags": list(row["tags"]),
        **_std(row),
        # auto-allocated-topology: external networks say whether they are the default one
        **({"is_default": bool(row["is_default"])} if row["external"] else {}),
    }


def _provider(row: Row) -> dict[str, Any]:
    """One segment: its ``provider:*`` attributes; several: the ``segments`` list."""
    segments = row.get("segments")
    if segments is not None and len(segments) > 1:
        return {
            "segments": [
                {
                    "provider:network_type": s["network_type"],
                    "provider:physical_network": s["physical_network"],
                    "provider:segmentation_id": s["segmentation_id"],
                }
                for s in segments
            ]
        }
    return {
        "provider:network_type": row["network_type"],
        "provider:physical_network": row["physical_network"],
        "provider:segmentation_id": row["segmentation_id"],
    }


def segment(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "network_id": row["network_id"],
        "name": row["name"],
        "physical_network": row["physical_network"],
        "network_type": row["network_type"],
        "segmentation_id": row["segmentation_id"],
        **_std(row),
    }


def subnet(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        **_owner(row),
        "network_id": row["network_id"],
        "ip_version": row["ip_version"],
        "subnetpool_id": row["subnetpool_id"],
        "enable_dhcp": bool(row["enable_dhcp"]),
        "ipv6_ra_mode": row["ipv6_ra_mode"],
        "ipv6_address_mode": row["ipv6_address_mode"],
        "segment_id": row["segment_id"],
        "gateway_ip": row["gateway_ip"],
        "cidr": row["cidr"],
        "allocation_pools": [{"start": p["start"], "end": p["end"]} for p in row["allocation_pools"]],
        "host_routes": [{"destination": r["destination"], "nexthop": r["nexthop"]} for r in row["host_routes"]],
        "dns_nameservers": list(row["dns_nameservers"]),
        "service_types": list(row["service_types"]),
        "dns_publish_fixed_ip": bool(row["dns_publish_fixed_ip"]),
        "router:external": bool(row.get("router:external")),
        "tags": list(row["tags"]),
        **_std(row),
    }


def _hostname(ip: str) -> str:
    return "host-" + ip.replace(".", "-").replace(":", "-")


def port(row: Row) -> dict[str, Any]:
    fixed = [{"subnet_id": f["subnet_id"], "ip_address": f["ip_address"]} for f in row["fixed_ips"]]
    assignment = []
    for f in fixed:
        host = row["dns_name"] or _hostname(f["ip_address"])
        assignment.append({"ip_address": f["ip_address"], "hostname": host, "fqdn": f"{host}.{DNS_DOMAIN}"})
    return {
        "id": row["id"],
        "name": row["name"],
        "network_id": row["network_id"],
        **_owner(row),
        "mac_address": row["mac_address"],
        "admin_state_up": bool(row["admin_state_up"]),
        "status": row["status"],
        "device_id": row["device_id"],
        "device_owner": row["device_owner"],
        "fixed_ips": fixed,
        "allowed_address_pairs": [
            {"ip_address": p["ip_address"], "mac_address": p["mac_address"]} for p in row["allowed_address_pairs"]
        ],
        "extra_dhcp_opts": [
            {"opt_name": o["opt_name"], "opt_value": o["opt_value"], "ip_version": o.get("ip_version", 4)}
            for o in row["extra_dhcp_opts"]
        ],
        "security_groups": list(row["security_groups"]),
        "binding:vnic_type": row["binding_vnic_type"],
        "binding:profile": dict(row["binding_profile"] or {}),
        "binding:host_id": row["binding_host_id"],
        "binding:vif_type": row["binding_vif_type"],
        "binding:vif_details": dict(row["binding_vif_details"] or {}),
        "port_security_enabled": bool(row["port_security_enabled"]),
        "dns_name": row["dns_name"],
        "dns_assignment": assignment,
        "dns_domain": row["dns_domain"],
        "ip_allocation": row["ip_allocation"],
        "propagate_uplink_status": bool(row["propagate_uplink_status"]),
        "qos_policy_id": row.get("qos_policy_id"),
        "qos_network_policy_id": row.get("qos_network_policy_id"),
        **({"trunk_details": row["trunk_details"]} if row.get("trunk_details") else {}),
        "tags": list(row["tags"]),
        **_std(row),
    }


def security_group_rule(row: Row) -> dict[str, Any]:
    prefix = row["remote_ip_prefix"]
    normalized = str(net(prefix)) if prefix else None
    return {
        "id": row["id"],
        **_owner(row),
        "security_group_id": row["security_group_id"],
        "ethertype": row["ethertype"],
        "direction": row["direction"],
        "protocol": row["protocol"],
        "port_range_min": row["port_range_min"],
        "port_range_max": row["port_range_max"],
        "remote_ip_prefix": prefix,
        "normalized_cidr": normalized,
        "remote_group_id": row["remote_group_id"],
        "belongs_to_default_sg": bool(row.get("belongs_to_default_sg")),
        **_std(row),
    }


def security_group(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        **_owner(row),
        "security_group_rules": [security_group_rule(r) for r in row["rules"]],
        "stateful": bool(row["stateful"]),
        "shared": bool(row.get("shared")),
        "tags": list(row["tags"]),
        **_std(row),
    }


def router(row: Row) -> dict[str, Any]:
    gateway = row.get("gateway")
    info = None
    if gateway is not None:
        info = {
            "network_id": gateway["network_id"],
            "external_fixed_ips": [
                {"subnet_id": f["subnet_id"], "ip_address": f["ip_address"]} for f in gateway["fixed_ips"]
            ],
            "enable_snat": bool(row["enable_snat"]),
        }
    return {
        "id": row["id"],
        "name": row["name"],
        **_owner(row),
        "admin_state_up": bool(row["admin_state_up"]),
        "status": row["status"],
        "external_gateway_info": info,
        "availability_zone_hints": list(row["availability_zone_hints"] or []),
        "availability_zones": [AVAILABILITY_ZONE],
        "routes": [{"destination": r["destination"], "nexthop": r["nexthop"]} for r in row["routes"] or []],
        "distributed": bool(row["distributed"]),
        "ha": bool(row["ha"]),
        "tags": list(row["tags"]),
        **_std(row),
    }


def floatingip(row: Row) -> dict[str, Any]:
    fixed_port = row.get("port")
    details = None
    if fixed_port is not None:
        details = {
            "name": fixed_port["name"],
            "network_id": fixed_port["network_id"],
            "mac_address": fixed_port["mac_address"],
            "admin_state_up": bool(fixed_port["admin_state_up"]),
            "status": fixed_port["status"],
            "device_id": fixed_port["device_id"],
            "device_owner": fixed_port["device_owner"],
        }
    return {
        "id": row["id"],
        **_owner(row),
        "floating_ip_address": row["floating_ip_address"],
        "floating_network_id": row["floating_network_id"],
        "router_id": row["router_id"],
        "port_id": row["fixed_port_id"],
        "fixed_ip_address": row["fixed_ip_address"],
        "status": row["status"],
        "dns_domain": row["dns_domain"],
        "dns_name": row["dns_name"],
        "port_details": details,
        "tags": list(row["tags"]),
        **_std(row),
    }


def subnetpool(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        **_owner(row),
        "prefixes": list(row["prefixes"]),
        "ip_version": row["ip_version"],
        "default_prefixlen": row["default_prefixlen"],
        "min_prefixlen": row["min_prefixlen"],
        "max_prefixlen": row["max_prefixlen"],
        "shared": bool(row["shared"]),
        "is_default": bool(row["is_default"]),
        "default_quota": row["default_quota"],
        "address_scope_id": row["address_scope_id"],
        "tags": list(row["tags"]),
        **_std(row),
    }


def qos_rule(row: Row, with_policy: bool = False) -> dict[str, Any]:
    """A QoS rule as its own resource (``bandwidth_limit_rule``…), or as listed in its
    policy's ``rules`` (``with_policy``: plus ``qos_policy_id`` and ``type``)."""
    fields = {
        "bandwidth_limit": ("max_kbps", "max_burst_kbps", "direction"),
        "dscp_marking": ("dscp_mark",),
        "minimum_bandwidth": ("min_kbps", "direction"),
    }[row["type"]]
    out = {"id": row["id"], **{k: row[k] for k in fields}}
    if with_policy:
        out.update(qos_policy_id=row["qos_policy_id"], type=row["type"])
    return out


def qos_policy(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        **_owner(row),
        "shared": bool(row["shared"]),
        "rules": [qos_rule(r, with_policy=True) for r in row["rules"]],
        "is_default": bool(row["is_default"]),
        "tags": list(row["tags"]),
        **_std(row),
    }


def subport(row: Row) -> dict[str, Any]:
    return {
        "segmentation_id": row["segmentation_id"],
        "segmentation_type": row["segmentation_type"],
        "port_id": row["port_id"],
    }


def trunk(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        **_owner(row),
        "admin_state_up": bool(row["admin_state_up"]),
        "status": row["status"],
        "port_id": row["port_id"],
        "sub_ports": [subport(s) for s in row["sub_ports"]],
        "tags": list(row["tags"]),
        **_std(row),
    }


def address_scope(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        **_owner(row),
        "shared": bool(row["shared"]),
        "ip_version": row["ip_version"],
    }


def rbac_policy(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        **_owner(row),
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "target_tenant": row["target_project"],
        "action": row["action"],
    }


def floatingip_pool(row: Row) -> dict[str, Any]:
    return {
        "subnet_id": row["subnet_id"],
        "subnet_name": row["subnet_name"],
        "network_id": row["network_id"],
        "cidr": row["cidr"],
        "project_id": row["project_id"],
    }


def availability_zone(resource: str) -> dict[str, Any]:
    return {"name": AVAILABILITY_ZONE, "resource": resource, "state": "available"}
