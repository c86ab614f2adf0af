"""Subnets: defaults derived from the CIDR, explicit pools and gateways, IPv6 modes,
subnet pools, and the 4xx answers to bad input (nothing half-created)."""

from __future__ import annotations

import pytest

from tests.api.network.util import Neutron, expect_error


def test_ipv4_defaults(member: Neutron) -> None:
    net, sub = member.network_with_subnet("10.30.0.0/24")
    assert sub["gateway_ip"] == "10.30.0.1"
    assert sub["allocation_pools"] == [{"start": "10.30.0.2", "end": "10.30.0.254"}]
    assert sub["enable_dhcp"] is True and sub["ip_version"] == 4
    assert sub["dns_nameservers"] == [] and sub["host_routes"] == [] and sub["subnetpool_id"] is None
    assert member.get(f"/networks/{net['id']}").json()["network"]["subnets"] == [sub["id"]]


def test_cidr_normalised_and_gateway_in_the_middle(member: Neutron) -> None:
    net = member.network()
    sub = member.subnet(net["id"], "10.31.0.77/24", gateway_ip="10.31.0.100")
    assert sub["cidr"] == "10.31.0.0/24"
    assert sub["allocation_pools"] == [
        {"start": "10.31.0.1", "end": "10.31.0.99"},
        {"start": "10.31.0.101", "end": "10.31.0.254"},
    ]


def test_no_gateway(member: Neutron) -> None:
    net = member.network()
    sub = member.subnet(net["id"], "10.32.0.0/28", gateway_ip=None)
    assert sub["gateway_ip"] is None
    assert sub["allocation_pools"] == [{"start": "10.32.0.1", "end": "10.32.0.14"}]


def test_ipv6_slaac(member: Neutron) -> None:
    net = member.network()
    sub = member.subnet(net["id"], "2001:db8:10::/64", ipv6_ra_mode="slaac", ipv6_address_mode="slaac")
    assert sub["gateway_ip"] == "2001:db8:10::1" and sub["ipv6_ra_mode"] == "slaac"
    port = member.port(net["id"])
    mac = port["mac_address"].split(":")
    first = int(mac[0], 16) ^ 2
    expected = f"2001:db8:10::{first:x}{mac[1]}:{mac[2]}ff:fe{mac[3]}:{mac[4]}{mac[5]}"
    assert port["fixed_ips"][0]["ip_address"] == str(__import__("ipaddress").ip_address(expected))


def test_ipv6_stateful_and_dns_and_routes(member: Neutron) -> None:
    net = member.network()
    sub = member.subnet(
        net["id"],
        "2001:db8:11::/64",
        ipv6_address_mode="dhcpv6-stateful",
        dns_nameservers=["2001:4860:4860::8888"],
        host_routes=[{"destination": "2001:db8:99::/64", "nexthop": "2001:db8:11::10"}],
    )
    assert sub["dns_nameservers"] == ["2001:4860:4860::8888"]
    port = member.port(net["id"])
    assert port["fixed_ips"][0]["subnet_id"] == sub["id"]


@pytest.mark.parametrize(
    ("attrs", "status", "kind"),
    [
        ({"cidr": "10.40.0.0/33"}, 400, "InvalidInput"),
        ({"cidr": "not-a-cidr"}, 400, "InvalidInput"),
        ({"cidr": "10.40.0.0/24", "ip_version": 6}, 400, "InvalidInput"),
        ({"cidr": "10.40.0.0/24", "ip_version": 5}, 400, "HTTPBadRequest"),
        (
            {"cidr": "10.40.0.0/24", "allocation_pools": [{"start": "10.41.0.2", "end": "10.41.0.9"}]},
            400,
            "OutOfBoundsAllocationPool",
        ),
        (
            {"cidr": "10.40.0.0/24", "allocation_pools": [{"start": "10.40.0.9", "end": "10.40.0.2"}]},
            400,
            "InvalidAllocationPool",
        ),
        (
            {
                "cidr": "10.40.0.0/24",
                "allocation_pools": [
                    {"start": "10.40.0.2", "end": "10.40.0.20"},
                    {"start": "10.40.0.10", "end": "10.40.0.30"},
                ],
            },
            409,
            "OverlappingAllocationPools",
        ),
        (
            {
                "cidr": "10.40.0.0/24",
                "gateway_ip": "10.40.0.5",
                "allocation_pools": [{"start": "10.40.0.2", "end": "10.40.0.20"}],
            },
            409,
            "GatewayConflictWithAllocationPools",
        ),
        ({"cidr": "10.40.0.0/24", "gateway_ip": "10.40.0.0"}, 400, "InvalidInput"),
        ({"cidr": "10.40.0.0/24", "gateway_ip": "nope"}, 400, "HTTPBadRequest"),
        ({"cidr": "10.40.0.0/24", "dns_nameservers": ["8.8.8.8", "8.8.8.8"]}, 400, "HTTPBadRequest"),
        ({"cidr": "10.40.0.0/24", "dns_nameservers": [f"8.8.8.{i}" for i in range(6)]}, 400, "DNSNameServersExhausted"),
        (
            {"cidr": "10.40.0.0/24", "host_routes": [{"destination": "x", "nexthop": "10.40.0.9"}]},
            400,
            "HTTPBadRequest",
        ),
        ({"cidr": "10.40.0.0/24", "ipv6_ra_mode": "slaac"}, 400, "InvalidInput"),
        ({"cidr": "10.40.0.0/31"}, 400, "InvalidInput"),
        ({"cidr": "2001:db8:12::/80", "ip_version": 6, "ipv6_address_mode": "slaac"}, 400, "InvalidInput"),
        (
            {
                "cidr": "2001:db8:12::/64",
                "ip_version": 6,
                "ipv6_address_mode": "slaac",
                "ipv6_ra_mode": "dhcpv6-stateful",
            },
            400,
            "InvalidInput",
        ),
        ({"ip_version": 4}, 400, "BadRequest"),
        ({"cidr": "10.40.0.0/24"}, 400, "HTTPBadRequest"),
    ],
)
def test_bad_subnets(member: Neutron, attrs: dict[str, object], status: int, kind: str) -> None:
    net = member.network()
    body = {"network_id": net["id"], **attrs}
    if "cidr" in attrs and "ip_version" not in attrs and kind != "HTTPBadRequest":
        body["ip_version"] = 6 if ":" in str(attrs["cidr"]) else 4
    if attrs == {"cidr": "10.40.0.0/24"}:
        body.pop("ip_version", None)  # ip_version is required
    expect_error(member.post("/subnets", {"subnet": body}), status, kind)
    assert member.get("/subnets", params={"network_id": net["id"]}).json()["subnets"] == []


def test_overlapping_cidr_on_one_network(member: Neutron) -> None:
    net, _sub = member.network_with_subnet("10.50.0.0/24")
    msg = expect_error(
        member.post("/subnets", {"subnet": {"network_id": net["id"], "cidr": "10.50.0.128/25", "ip_version": 4}}),
        400,
        "InvalidInput",
    )
    assert "overlaps with another subnet" in msg
    other = member.network()
    assert member.subnet(other["id"], "10.50.0.0/24")["cidr"] == "10.50.0.0/24"


def test_subnet_on_unknown_or_foreign_network(member: Neutron, alt: Neutron) -> None:
    expect_error(
        member.post(
            "/subnets",
            {"subnet": {"network_id": "8b2d3a1e-0000-4000-8000-000000000003", "cidr": "10.1.0.0/24", "ip_version": 4}},
        ),
        404,
        "NetworkNotFound",
    )
    foreign = alt.network()
    expect_error(
        member.post("/subnets", {"subnet": {"network_id": foreign["id"], "cidr": "10.1.0.0/24", "ip_version": 4}}),
        403,
        "PolicyNotAuthorized",
    )


def test_update_subnet(member: Neutron) -> None:
    _net, sub = member.network_with_subnet("10.60.0.0/24")
    body = {
        "subnet": {
            "name": "x",
            "gateway_ip": "10.60.0.254",
            "allocation_pools": [{"start": "10.60.0.10", "end": "10.60.0.20"}],
            "dns_nameservers": ["1.1.1.1"],
            "enable_dhcp": False,
        }
    }
    updated = member.put(f"/subnets/{sub['id']}", body).json()["subnet"]
    assert updated["gateway_ip"] == "10.60.0.254" and updated["allocation_pools"][0]["start"] == "10.60.0.10"
    assert updated["dns_nameservers"] == ["1.1.1.1"] and updated["enable_dhcp"] is False
    expect_error(
        member.put(f"/subnets/{sub['id']}", {"subnet": {"gateway_ip": "10.60.0.15"}}),
        409,
        "GatewayConflictWithAllocationPools",
    )
    expect_error(member.put(f"/subnets/{sub['id']}", {"subnet": {"cidr": "10.61.0.0/24"}}), 400, "HTTPBadRequest")


def test_delete_subnet_in_use(member: Neutron) -> None:
    net, sub = member.network_with_subnet("10.70.0.0/24")
    port = member.port(net["id"])
    expect_error(member.delete(f"/subnets/{sub['id']}"), 409, "SubnetInUse")
    member.delete(f"/ports/{port['id']}")
    assert member.delete(f"/subnets/{sub['id']}").status_code == 204
    assert member.get(f"/networks/{net['id']}").json()["network"]["subnets"] == []


def test_subnet_pool_allocation(member: Neutron, admin: Neutron) -> None:
    pool = member.create(
        "subnetpools",
        "subnetpool",
        name="pool",
        prefixes=["10.80.0.0/16", "10.80.0.0/20"],
        default_prefixlen=26,
        min_prefixlen=24,
    )
    assert pool["prefixes"] == ["10.80.0.0/16"] and pool["ip_version"] == 4 and pool["max_prefixlen"] == 32
    net = member.network()
    first = member.create("subnets", "subnet", network_id=net["id"], subnetpool_id=pool["id"], ip_version=4)
    second = member.create(
        "subnets", "subnet", network_id=net["id"], subnetpool_id=pool["id"], ip_version=4, prefixlen=28
    )
    assert first["cidr"] == "10.80.0.0/26" and second["cidr"].endswith("/28")
    assert first["subnetpool_id"] == pool["id"]
    expect_error(
        member.post(
            "/subnets",
            {"subnet": {"network_id": net["id"], "subnetpool_id": pool["id"], "ip_version": 4, "prefixlen": 20}},
        ),
        400,
        "MinPrefixSubnetAllocationError",
    )
    expect_error(member.delete(f"/subnetpools/{pool['id']}"), 409, "SubnetPoolInUse")
    grown = member.put(f"/subnetpools/{pool['id']}/add_prefixes", {"prefixes": ["10.81.0.0/16"]})
    assert grown.json() == {"prefixes": ["10.80.0.0/15"]}
    expect_error(
        member.post("/subnetpools", {"subnetpool": {"name": "mixed", "prefixes": ["10.0.0.0/8", "2001:db8::/32"]}}),
        400,
        "PrefixVersionMismatch",
    )
    expect_error(
        member.post("/subnetpools", {"subnetpool": {"name": "shared", "prefixes": ["10.0.0.0/8"], "shared": True}}),
        403,
        "PolicyNotAuthorized",
    )
