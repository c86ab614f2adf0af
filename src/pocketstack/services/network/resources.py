"""The attribute maps of the resources we serve, as neutron-lib (plus the extensions
we list in ``/v2.0/extensions``) defines them."""

from __future__ import annotations

from typing import Any

from pocketstack.services.network import rbac
from pocketstack.services.network import validators as v
from pocketstack.services.network.attributes import (
    NO_DEFAULT,
    NOT_SPECIFIED,
    Attr,
    Resource,
    boolean,
    id_attr,
    name_attr,
    project_attrs,
    standard_attrs,
)
from pocketstack.services.network.errors import http, neutron

VNIC_TYPES = (
    "normal",
    "direct",
    "macvtap",
    "baremetal",
    "direct-physical",
    "virtio-forwarder",
    "smart-nic",
    "vdpa",
    "accelerator-direct",
    "accelerator-direct-physical",
    "remote-managed",
)
MAX_TAG_LEN = 255


def _or_none(check: Any) -> Any:
    return lambda data, arg: None if data is None else check(data, arg)


NETWORK = Resource(
    "network",
    "networks",
    [
        id_attr(),
        name_attr(),
        Attr("subnets", default=[]),
        boolean("admin_state_up", filter=True, sort=True),
        Attr("status", filter=True, sort=True),
        *project_attrs(),
        boolean("shared", False, filter=True, required_by_policy=True, enforce_policy=True),
        boolean("router:external", False, filter=True, enforce_policy=True, required_by_policy=True),
        Attr(
            "provider:network_type",
            post=True,
            put=True,
            default=NOT_SPECIFIED,
            validate=v.string,
            arg=32,
            enforce_policy=True,
            filter=True,
        ),
        Attr(
            "provider:physical_network",
            post=True,
            put=True,
            default=NOT_SPECIFIED,
            validate=v.string,
            arg=64,
            enforce_policy=True,
            filter=True,
        ),
        Attr(
            "provider:segmentation_id",
            post=True,
            put=True,
            default=NOT_SPECIFIED,
            convert=v.to_int,
            enforce_policy=True,
            filter=True,
        ),
        Attr(
            "mtu",
            post=True,
            put=True,
            default=0,
            validate=v.non_negative,
            convert=v.to_int,
            enforce_policy=True,
            filter=True,
            sort=True,
        ),
        boolean("port_security_enabled", enforce_policy=True),
        Attr("availability_zones"),
        Attr("availability_zone_hints", post=True, default=[], validate=v.availability_zone_hints, sort=True),
        Attr("dns_domain", post=True, put=True, default="", convert=v.lower, validate=v.dns_domain, arg=255),
        Attr("l2_adjacency"),
        Attr("ipv4_address_scope"),
        Attr("ipv6_address_scope"),
        Attr("qos_policy_id", post=True, put=True, default=None, validate=v.uuid_or_none, enforce_policy=True),
        Attr(
            "segments",
            post=True,
            put=True,
            default=NOT_SPECIFIED,
            validate=lambda data, _a: network_segments(data),
            enforce_policy=True,
        ),
        Attr(
            "is_default",
            post=True,
            put=True,
            default=False,
            convert=v.to_boolean,
            filter=True,
            enforce_policy=True,
            required_by_policy=True,
        ),
        *standard_attrs(),
    ],
)

SUBNET = Resource(
    "subnet",
    "subnets",
    [
        id_attr(),
        name_attr(),
        Attr("ip_version", post=True, convert=v.to_int, validate=v.values, arg=(4, 6), filter=True, sort=True),
        Attr("network_id", post=True, validate=v.uuid_, required_by_policy=True, filter=True, sort=True),
        Attr(
            "subnetpool_id",
            post=True,
            default=NOT_SPECIFIED,
            validate=v.uuid_or_none,
            filter=True,
            sort=True,
        ),
        Attr("prefixlen", post=True, default=NOT_SPECIFIED, validate=v.non_negative, convert=v.to_int, visible=False),
        Attr(
            "cidr",
            post=True,
            default=NOT_SPECIFIED,
            convert=v.canonical_cidr,
            validate=v.subnet_or_none,
            filter=True,
            sort=True,
        ),
        Attr(
            "gateway_ip",
            post=True,
            put=True,
            default=NOT_SPECIFIED,
            convert=v.canonical_ip,
            validate=v.ip_address_or_none,
            filter=True,
            sort=True,
        ),
        Attr(
            "allocation_pools",
            post=True,
            put=True,
            default=NOT_SPECIFIED,
            convert=v.canonical_pools,
            validate=v.ip_pools,
        ),
        Attr(
            "dns_nameservers",
            post=True,
            put=True,
            default=NOT_SPECIFIED,
            convert=v.none_to_empty_list,
            validate=v.nameservers,
        ),
        Attr(
            "host_routes",
            post=True,
            put=True,
            default=NOT_SPECIFIED,
            convert=v.none_to_empty_list,
            validate=v.hostroutes,
        ),
        *project_attrs(),
        boolean("enable_dhcp", filter=True, sort=True),
        Attr(
            "ipv6_ra_mode",
            post=True,
            default=NOT_SPECIFIED,
            validate=v.values,
            arg=(*v.IPV6_MODES, None),
            filter=True,
            sort=True,
        ),
        Attr(
            "ipv6_address_mode",
            post=True,
            default=NOT_SPECIFIED,
            validate=v.values,
            arg=(*v.IPV6_MODES, None),
            filter=True,
            sort=True,
        ),
        boolean("shared", False, post=False, put=False, visible=False, filter=True, required_by_policy=True),
        boolean(
            "router:external",
            False,
            post=False,
            put=False,
            filter=True,
            enforce_policy=True,
            required_by_policy=True,
        ),
        boolean("use_default_subnetpool", False, put=False, visible=False),
        Attr(
            "service_types",
            post=True,
            put=True,
            default=NOT_SPECIFIED,
            validate=lambda data, _a: v.list_of(v.string, data, 255),
        ),
        boolean("dns_publish_fixed_ip", False),
        Attr(
            "segment_id",
            post=True,
            put=True,
            default=None,
            validate=v.uuid_or_none,
            filter=True,
            sort=True,
            enforce_policy=True,
        ),
        *standard_attrs(),
    ],
)

PORT = Resource(
    "port",
    "ports",
    [
        id_attr(),
        name_attr(),
        Attr("network_id", post=True, validate=v.uuid_, required_by_policy=True, filter=True, sort=True),
        boolean("admin_state_up", filter=True, sort=True),
        Attr(
            "mac_address",
            post=True,
            put=True,
            default=NOT_SPECIFIED,
            convert=lambda m: None if m is None else v.to_mac(m),
            validate=_or_none(v.mac_address),
            enforce_policy=True,
            filter=True,
            sort=True,
        ),
        Attr(
            "fixed_ips",
            post=True,
            put=True,
            default=NOT_SPECIFIED,
            convert_list=v.kvp_list_to_dict,
            validate=v.fixed_ips,
            enforce_policy=True,
            filter=True,
            sub_attrs=("ip_address", "subnet_id"),
            sub_kind="list",
        ),
        Attr(
            "device_id",
            post=True,
            put=True,
            default="",
            validate=v.string,
            arg=255,
            enforce_policy=True,
            filter=True,
            sort=True,
        ),
        Attr(
            "device_owner",
            post=True,
            put=True,
            default="",
            validate=v.string,
            arg=255,
            enforce_policy=True,
            filter=True,
            sort=True,
        ),
        *project_attrs(),
        Attr("status", filter=True, sort=True),
        Attr(
            "security_groups",
            post=True,
            put=True,
            default=NOT_SPECIFIED,
            convert=v.none_to_empty_list,
            validate=v.uuid_list,
            filter=True,
        ),
        boolean("port_security_enabled", NOT_SPECIFIED, enforce_policy=True),
        Attr(
            "allowed_address_pairs",
            post=True,
            put=True,
            default=NOT_SPECIFIED,
            convert=v.none_to_empty_list,
            validate=v.allowed_address_pairs,
            enforce_policy=True,
            sub_attrs=("ip_address", "mac_address"),
            sub_kind="list",
        ),
        Attr("extra_dhcp_opts", post=True, put=True, default=None, validate=v.extra_dhcp_opts),
        Attr("binding:vif_type", default=NOT_SPECIFIED, enforce_policy=True),
        Attr("binding:vif_details", default=NOT_SPECIFIED, enforce_policy=True),
        Attr(
            "binding:vnic_type",
            post=True,
            put=True,
            default="normal",
            validate=v.values,
            arg=VNIC_TYPES,
            enforce_policy=True,
            filter=True,
        ),
        Attr(
            "binding:host_id",
            post=True,
            put=True,
            default=NOT_SPECIFIED,
            validate=v.string_or_none,
            arg=255,
            filter=True,
            enforce_policy=True,
        ),
        Attr(
            "binding:profile",
            post=True,
            put=True,
            default=NOT_SPECIFIED,
            validate=v.dict_or_none,
            enforce_policy=True,
        ),
        Attr("dns_name", post=True, put=True, default="", convert=v.lower, validate=v.dns_name, arg=255),
        Attr("dns_assignment"),
        Attr("dns_domain", post=True, put=True, default="", convert=v.lower, validate=v.dns_domain, arg=255),
        Attr("ip_allocation", filter=True, sort=True),
        boolean("propagate_uplink_status", True, put=False),
        Attr("qos_policy_id", post=True, put=True, default=None, validate=v.uuid_or_none, enforce_policy=True),
        Attr("qos_network_policy_id"),
        Attr("trunk_details", default=NOT_SPECIFIED, enforce_policy=True, required_by_policy=True),
        *[a for a in standard_attrs() if a.name != "tags"],
        Attr(
            "tags",
            post=True,
            default=[],
            validate=v.unique_strings,
            arg=MAX_TAG_LEN,
            filter=True,
            convert_list=lambda vals: [t for x in vals for t in x.split(",") if t],
        ),
    ],
)


def _name_not_default(data: Any, max_len: Any) -> str | None:
    msg = v.name_string(data, max_len)
    if msg:
        return msg
    if data.lower() == "default":
        raise neutron("SecurityGroupDefaultAlreadyExists")
    return None


SECURITY_GROUP = Resource(
    "security_group",
    "security_groups",
    [
        id_attr(),
        Attr("name", post=True, put=True, default="", validate=_name_not_default, arg=255, filter=True, sort=True),
        *project_attrs(),
        Attr("security_group_rules"),
        boolean("stateful", filter=True),
        boolean("shared", False, post=False, put=False, filter=True, required_by_policy=True, enforce_policy=True),
        *standard_attrs(),
    ],
)


def _protocol(value: Any) -> str | None:
    if value is None or value == "any":
        return None
    values = ["any", *PROTOCOLS]
    try:
        number = int(value)
    except (ValueError, TypeError):
        if isinstance(value, str) and value.lower() in PROTOCOLS:
            return value.lower()
        raise neutron("SecurityGroupRuleInvalidProtocol", protocol=value, values=_values_repr(values)) from None
    if 0 <= number <= 255 and not isinstance(value, bool):
        return str(value)
    raise neutron("SecurityGroupRuleInvalidProtocol", protocol=value, values=_values_repr(values))


def _values_repr(values: list[str]) -> str:
    return "(" + ", ".join(["None", *[repr(x) for x in values]]) + ")"


def _port_value(port: Any) -> int | None:
    if port is None:
        return None
    try:
        number = int(port)
    except (ValueError, TypeError):
        number = -1
    if isinstance(port, bool) or not 0 <= number <= 65535:
        raise neutron("SecurityGroupInvalidPortValue", port=port)
    return number


def _ethertype(value: Any) -> str:
    if isinstance(value, str):
        for known in ("IPv4", "IPv6"):
            if known.lower() == value.lower():
                return known
    raise neutron("SecurityGroupRuleInvalidEtherType", ethertype=value, values=["IPv4", "IPv6"])


def _ip_prefix(value: Any) -> str | None:
    if not value:
        return None
    net = v.parse_net(value) if isinstance(value, str) else None
    if net is None:
        raise neutron("InvalidCIDR", input=value)
    addr = value.split("/")[0]
    return f"{v.canonical_ip(addr)}/{net.prefixlen}"


PROTOCOLS: dict[str, int] = {
    "ah": 51, "dccp": 33, "egp": 8, "esp": 50, "gre": 47, "hopopt": 0, "icmp": 1, "igmp": 2, "ip": 0,
    "ipip": 4, "ipv6-encap": 41, "ipv6-frag": 44, "ipv6-icmp": 58, "icmpv6": 58, "ipv6-nonxt": 59,
    "ipv6-opts": 60, "ipv6-route": 43, "ospf": 89, "pgm": 113, "rsvp": 46, "sctp": 132, "tcp": 6, "udp": 17,
    "udplite": 136, "vrrp": 112,
}  # fmt: skip

SECURITY_GROUP_RULE = Resource(
    "security_group_rule",
    "security_group_rules",
    [
        id_attr(),
        Attr(
            "security_group_id", post=True, validate=v.string, arg=36, required_by_policy=True, filter=True, sort=True
        ),
        Attr("remote_group_id", post=True, default=None, filter=True, sort=True),
        Attr("direction", post=True, validate=v.values, arg=("ingress", "egress"), filter=True, sort=True),
        Attr("protocol", post=True, default=None, convert=_protocol, filter=True, sort=True),
        Attr("port_range_min", post=True, default=None, convert=_port_value, filter=True, sort=True),
        Attr("port_range_max", post=True, default=None, convert=_port_value, filter=True, sort=True),
        Attr(
            "ethertype",
            post=True,
            default="IPv4",
            convert=_ethertype,
            validate=v.values,
            arg=("IPv4", "IPv6"),
            filter=True,
            sort=True,
        ),
        Attr("remote_ip_prefix", post=True, default=None, convert=_ip_prefix, filter=True, sort=True),
        *project_attrs(),
        Attr("normalized_cidr", filter=True, sort=True),
        Attr("belongs_to_default_sg", filter=True, convert=v.to_boolean_if_not_none),
        *standard_attrs(tags=False),
    ],
)

_GATEWAY_SPECS: dict[str, dict[str, Any]] = {
    "network_id": {"validator": v.uuid_, "required": True},
    "external_fixed_ips": {"validator": v.fixed_ips},
    "enable_snat": {"validator": v.boolean, "convert": v.to_boolean},
}

ROUTER = Resource(
    "router",
    "routers",
    [
        id_attr(),
        name_attr(),
        boolean("admin_state_up", filter=True, sort=True),
        Attr("status", sort=True),
        *project_attrs(),
        Attr(
            "external_gateway_info",
            post=True,
            put=True,
            default=None,
            enforce_policy=True,
            validate=v.dict_or_nodata,
            arg=_GATEWAY_SPECS,
            sub_attrs=("network_id", "external_fixed_ips", "enable_snat"),
            sub_kind="dict",
        ),
        Attr("routes", put=True, default=NOT_SPECIFIED, convert=v.none_to_empty_list, validate=v.hostroutes),
        Attr(
            "distributed",
            post=True,
            put=True,
            default=NOT_SPECIFIED,
            convert=v.to_boolean_if_not_none,
            enforce_policy=True,
        ),
        Attr("ha", post=True, put=True, default=NOT_SPECIFIED, convert=v.to_boolean_if_not_none, enforce_policy=True),
        Attr("availability_zones"),
        Attr("availability_zone_hints", post=True, default=[], validate=v.availability_zone_hints),
        *standard_attrs(),
    ],
)

FLOATINGIP = Resource(
    "floatingip",
    "floatingips",
    [
        id_attr(),
        Attr(
            "floating_ip_address",
            post=True,
            default=None,
            validate=v.ip_address_or_none,
            filter=True,
            sort=True,
            enforce_policy=True,
        ),
        Attr("subnet_id", post=True, default=None, validate=v.uuid_or_none, visible=False),
        Attr("floating_network_id", post=True, validate=v.uuid_, filter=True, sort=True),
        Attr("router_id", default=None, validate=v.uuid_or_none, filter=True, sort=True),
        Attr(
            "port_id", post=True, put=True, default=None, validate=v.uuid_or_none, filter=True, required_by_policy=True
        ),
        Attr(
            "fixed_ip_address", post=True, put=True, default=None, validate=v.ip_address_or_none, filter=True, sort=True
        ),
        *project_attrs(),
        Attr("status", filter=True, sort=True),
        Attr("dns_name", post=True, default="", convert=v.lower, validate=v.dns_name, arg=255),
        Attr("dns_domain", post=True, default="", convert=v.lower, validate=v.dns_domain, arg=255),
        Attr("port_details", default=NOT_SPECIFIED),
        *standard_attrs(),
    ],
)

SUBNETPOOL = Resource(
    "subnetpool",
    "subnetpools",
    [
        id_attr(),
        Attr("name", post=True, put=True, validate=v.not_empty_name_string, filter=True, sort=True),
        *project_attrs(),
        Attr("prefixes", post=True, put=True, validate=v.subnet_list),
        Attr(
            "default_quota",
            post=True,
            put=True,
            default=NOT_SPECIFIED,
            validate=v.non_negative,
            convert=v.to_int,
            filter=True,
            sort=True,
        ),
        Attr("ip_version", filter=True, sort=True, convert_filter=v.to_int),
        *[
            Attr(
                name,
                post=True,
                put=True,
                default=NOT_SPECIFIED,
                validate=v.non_negative,
                convert=v.to_int,
                filter=True,
                sort=True,
            )
            for name in ("default_prefixlen", "min_prefixlen", "max_prefixlen")
        ],
        boolean("is_default", False, filter=True, sort=True, required_by_policy=True, enforce_policy=True),
        boolean("shared", False, put=False, filter=True, sort=True, required_by_policy=True, enforce_policy=True),
        Attr(
            "address_scope_id",
            post=True,
            put=True,
            default=NOT_SPECIFIED,
            validate=v.uuid_or_none,
            filter=True,
            sort=True,
        ),
        *standard_attrs(),
    ],
)

ADDRESS_SCOPE = Resource(
    "address_scope",
    "address_scopes",
    [
        id_attr(),
        name_attr(),
        *project_attrs(),
        boolean("shared", False, filter=True, sort=True, required_by_policy=True, enforce_policy=True),
        Attr("ip_version", post=True, convert=v.to_int, validate=v.values, arg=(4, 6), filter=True, sort=True),
    ],
)


RBAC_POLICY = Resource(
    "rbac_policy",
    "rbac_policies",
    [
        Attr("id", validate=v.uuid_, filter=True),
        Attr("object_type", post=True, default=None, convert=rbac.object_type, filter=True, enforce_policy=True),
        Attr("object_id", post=True, validate=v.uuid_, filter=True, enforce_policy=True),
        Attr("target_tenant", post=True, put=True, validate=rbac.target_project, filter=True, enforce_policy=True),
        Attr("tenant_id", post=True, validate=v.string, arg=255, required_by_policy=True, filter=True),
        Attr("project_id", post=True, validate=v.string, arg=255, required_by_policy=True, filter=True),
        Attr("action", post=True, validate=v.string, arg=255, filter=True, enforce_policy=True),
    ],
)

# -- segments ----------------------------------------------------------------------------

PROVIDER_KEYS = ("provider:network_type", "provider:physical_network", "provider:segmentation_id")


def network_segments(data: Any) -> str | None:
    """``convert_and_validate_segments``: a list of dicts of provider attributes (in place:
    missing ones unspecified, segmentation ids made integers)."""
    if not isinstance(data, list):
        return f"'{data}' is not a list"
    for seg in data:
        if not isinstance(seg, dict):
            return f"'{seg}' is not a dictionary"
        unknown = set(seg) - set(PROVIDER_KEYS)
        if unknown:
            raise http(400, "Unrecognized attribute(s) '{}'".format(", ".join(sorted(unknown))))
        seg.setdefault("provider:network_type", NOT_SPECIFIED)
        seg.setdefault("provider:physical_network", NOT_SPECIFIED)
        seg_id = seg.get("provider:segmentation_id")
        seg["provider:segmentation_id"] = v.to_int(seg_id) if seg_id else NOT_SPECIFIED
        for key in ("provider:network_type", "provider:physical_network"):
            value = seg[key]
            if value is not NOT_SPECIFIED and value is not None and not isinstance(value, str):
                return f"'{value}' is not a valid string"
    return None


SEGMENT = Resource(
    "segment",
    "segments",
    [
        id_attr(),
        Attr("tenant_id", post=True, validate=v.string, arg=255, visible=False),
        Attr("project_id", post=True, validate=v.string, arg=255, visible=False),
        Attr("network_id", post=True, validate=v.uuid_, filter=True, sort=True),
        Attr("physical_network", post=True, default=NOT_SPECIFIED, validate=v.string, arg=64, filter=True,
             sort=True),
        Attr("network_type", post=True, validate=v.string, arg=32, filter=True, sort=True),
        Attr("segmentation_id", post=True, default=NOT_SPECIFIED, convert=v.to_int, sort=True),
        Attr("name", post=True, put=True, default=NOT_SPECIFIED, validate=_or_none(v.name_string), arg=255,
             filter=True, sort=True),
        *standard_attrs(tags=False),
    ],
)  # fmt: skip

# -- QoS ---------------------------------------------------------------------------------

DB_INTEGER_MAX = 2147483647
DIRECTIONS = ("ingress", "egress")
DSCP_MARKS = (0, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40, 44, 46, 48, 56)

QOS_POLICY = Resource(
    "policy",
    "policies",
    [
        id_attr(),
        name_attr(),
        boolean("shared", False, filter=True),
        *project_attrs(),
        Attr("rules"),
        boolean("is_default", False, filter=True),
        *standard_attrs(),
    ],
)


def _kbps(name: str, *, post: bool = True, default: Any = NO_DEFAULT) -> Attr:
    return Attr(name, post=post, put=True, default=default, convert=v.to_int, validate=v.range_,
                arg=(0, DB_INTEGER_MAX), filter=True, sort=True)  # fmt: skip


def _direction(*, post: bool = True, valid: tuple[str, ...] = DIRECTIONS) -> Attr:
    return Attr("direction", post=post, put=True, default="egress", validate=v.values, arg=valid, filter=True,
                sort=True)  # fmt: skip


def _dscp(*, post: bool = True) -> Attr:
    return Attr("dscp_mark", post=post, put=True, convert=v.to_int, validate=v.values, arg=DSCP_MARKS, filter=True,
                sort=True)  # fmt: skip


def _rule_id() -> Attr:
    return Attr("id", validate=v.uuid_, filter=True, sort=True)


BANDWIDTH_LIMIT_RULE = Resource(
    "bandwidth_limit_rule",
    "bandwidth_limit_rules",
    [_rule_id(), _kbps("max_kbps"), _kbps("max_burst_kbps", default=0), _direction()],
)
DSCP_MARKING_RULE = Resource("dscp_marking_rule", "dscp_marking_rules", [_rule_id(), _dscp()])
MINIMUM_BANDWIDTH_RULE = Resource(
    "minimum_bandwidth_rule", "minimum_bandwidth_rules", [_rule_id(), _kbps("min_kbps"), _direction()]
)
# qos-rules-alias: the same rules addressed without their policy (GET, PUT, DELETE)
ALIAS_RULES = {
    "bandwidth_limit": Resource(
        "alias_bandwidth_limit_rule",
        "alias_bandwidth_limit_rules",
        [
            _rule_id(),
            _kbps("max_kbps", post=False),
            _direction(post=False),
            _kbps("max_burst_kbps", post=False, default=0),
        ],
    ),
    "dscp_marking": Resource("alias_dscp_marking_rule", "alias_dscp_marking_rules", [_rule_id(), _dscp(post=False)]),
    "minimum_bandwidth": Resource(
        "alias_minimum_bandwidth_rule",
        "alias_minimum_bandwidth_rules",
        [_rule_id(), _kbps("min_kbps", post=False), _direction(post=False)],
    ),
}
QOS_RULES = {
    "bandwidth_limit": BANDWIDTH_LIMIT_RULE,
    "dscp_marking": DSCP_MARKING_RULE,
    "minimum_bandwidth": MINIMUM_BANDWIDTH_RULE,
}

# -- trunks --------------------------------------------------------------------------------


def subports(data: Any, _arg: Any = None) -> str | None:
    """``validate_subports``: a list of subport dicts, each with a unique port UUID and
    segmentation details unique per type (``inherit`` takes the network's)."""
    if not isinstance(data, list):
        return f"Invalid data format for subports: '{data}' is not a list"
    seen: set[str] = set()
    segments: dict[str, set[str]] = {}
    for sub in data:
        if not isinstance(sub, dict):
            return f"Invalid data format for subport: '{sub}' is not a dict"
        if "port_id" not in sub:
            return "A valid port UUID must be specified"
        if v.uuid_(sub["port_id"]):
            return f"Invalid UUID for subport: '{sub['port_id']}'"
        if sub["port_id"] in seen:
            return f"Non unique UUID for subport: '{sub['port_id']}'"
        seen.add(sub["port_id"])
        kind = sub.get("segmentation_type")
        if kind == "inherit":
            return None
        seg_id = sub.get("segmentation_id")
        if (not kind or seg_id is None) and len(sub) > 1:
            return (
                f"Invalid subport details '{sub}': missing segmentation information. Must specify both "
                "segmentation_id and segmentation_type"
            )
        # keyed by their text: a value of the wrong kind is the trunk validator's to refuse
        if repr(seg_id) in segments.get(repr(kind), set()):
            return f"Segmentation ID '{seg_id}' for '{sub['port_id']}' is not unique"
        if seg_id is not None:
            segments.setdefault(repr(kind), set()).add(repr(seg_id))
    return None


TRUNK = Resource(
    "trunk",
    "trunks",
    [
        boolean("admin_state_up", filter=True, sort=True),
        id_attr(),
        name_attr(),
        *project_attrs(),
        Attr("port_id", post=True, validate=v.uuid_, required_by_policy=True, filter=True, sort=True),
        Attr("status", filter=True, sort=True),
        Attr("sub_ports", post=True, default=[], validate=subports, enforce_policy=True),
        *standard_attrs(),
    ],
)

RESOURCES: dict[str, Resource] = {
    r.collection: r
    for r in (
        NETWORK, SUBNET, PORT, SECURITY_GROUP, SECURITY_GROUP_RULE, ROUTER, FLOATINGIP, SUBNETPOOL, RBAC_POLICY,
        QOS_POLICY, BANDWIDTH_LIMIT_RULE, DSCP_MARKING_RULE, MINIMUM_BANDWIDTH_RULE, TRUNK, SEGMENT,
        ADDRESS_SCOPE,
    )
}  # fmt: skip
