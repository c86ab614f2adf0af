"""The real ``openstack`` CLI against a real server: networking workflows as the demo
member (cloud ``pocketstack``) and as the admin."""

from __future__ import annotations

import uuid
from typing import Any

from tests.server import Server

MEMBER = "pocketstack"


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _os(server: Server, *args: str, cloud: str = MEMBER) -> Any:
    return server.openstack(*args, cloud=cloud)


def _ok(server: Server, *args: str, cloud: str = MEMBER) -> None:
    server.openstack(*args, cloud=cloud, json_output=False)


def test_devstack_topology_is_there(server: Server) -> None:
    networks = {n["Name"]: n for n in _os(server, "network", "list")}
    assert {"public", "private"} <= set(networks)
    external = _os(server, "network", "list", "--external")
    assert "public" in [n["Name"] for n in external]
    router = _os(server, "router", "show", "router1")
    gateway = router["external_gateway_info"]
    assert gateway["network_id"] == networks["public"]["ID"]
    v4_gw, v6_gw = sorted((f["ip_address"] for f in gateway["external_fixed_ips"]), key=lambda ip: ":" in ip)
    assert v4_gw.startswith("172.24.4.") and v6_gw.startswith("2001:db8::")
    private_v6 = _os(server, "subnet", "show", "ipv6-private-subnet")
    assert private_v6["ipv6_ra_mode"] == private_v6["ipv6_address_mode"] == "slaac"
    assert private_v6["cidr"].startswith("fd") and private_v6["cidr"].endswith("::/64")
    interfaces = sorted(i["ip_address"] for i in router["interfaces_info"])
    assert interfaces == ["10.0.0.1", private_v6["gateway_ip"]]
    subnet = _os(server, "subnet", "show", "public-subnet", cloud="pocketstack-admin")
    assert subnet["cidr"] == "172.24.4.0/24" and subnet["gateway_ip"] == "172.24.4.1"
    assert subnet["allocation_pools"] == [{"start": "172.24.4.2", "end": "172.24.4.254"}]
    public_v6 = _os(server, "subnet", "show", "ipv6-public-subnet", cloud="pocketstack-admin")
    assert public_v6["cidr"] == "2001:db8::/64" and public_v6["gateway_ip"] == "2001:db8::2"
    assert public_v6["enable_dhcp"] is False
    private = _os(server, "subnet", "show", "private-subnet")
    assert private["cidr"] == "10.0.0.0/26" and private["gateway_ip"] == "10.0.0.1"
    pools = {p["Name"]: p["ID"] for p in _os(server, "subnet", "pool", "list")}
    assert private["subnetpool_id"] == pools["shared-default-subnetpool-v4"]
    assert private_v6["subnetpool_id"] == pools["shared-default-subnetpool-v6"]


def test_network_subnet_port_as_member(server: Server) -> None:
    net_name = _name("cli-net")
    net = _os(server, "network", "create", net_name, "--tag", "cli", "--description", "made by the CLI")
    assert net["status"] == "ACTIVE" and net["tags"] == ["cli"] and net["mtu"] == 1442
    v4 = _os(
        server,
        "subnet",
        "create",
        _name("v4"),
        "--network",
        net_name,
        "--subnet-range",
        "192.168.70.0/24",
        "--allocation-pool",
        "start=192.168.70.10,end=192.168.70.50",
        "--dns-nameserver",
        "8.8.8.8",
        "--host-route",
        "destination=10.9.0.0/16,gateway=192.168.70.1",
    )
    assert v4["allocation_pools"] == [{"start": "192.168.70.10", "end": "192.168.70.50"}]
    assert v4["dns_nameservers"] == ["8.8.8.8"] and v4["gateway_ip"] == "192.168.70.1"
    v6 = _os(
        server,
        "subnet",
        "create",
        _name("v6"),
        "--network",
        net_name,
        "--ip-version",
        "6",
        "--subnet-range",
        "2001:db8:70::/64",
        "--ipv6-ra-mode",
        "slaac",
        "--ipv6-address-mode",
        "slaac",
    )
    assert v6["ipv6_address_mode"] == "slaac" and v6["gateway_ip"] == "2001:db8:70::1"
    port_name = _name("cli-port")
    port = _os(
        server,
        "port",
        "create",
        port_name,
        "--network",
        net_name,
        "--fixed-ip",
        f"subnet={v4['id']},ip-address=192.168.70.60",  # outside the pool the metadata port draws from
    )
    addresses = {f["ip_address"] for f in port["fixed_ips"]}
    assert "192.168.70.60" in addresses
    assert any(a.startswith("2001:db8:70:") for a in addresses)  # the SLAAC address comes along
    listed = _os(server, "port", "list", "--network", net_name, "--long")
    assert sorted(p["Device Owner"] for p in listed) == ["", "network:distributed"]  # and OVN's metadata port
    assert [p["Name"] for p in listed if p["Device Owner"] != "network:distributed"] == [port_name]
    _ok(server, "port", "set", port_name, "--name", f"{port_name}-2", "--disable")
    shown = _os(server, "port", "show", f"{port_name}-2")
    assert shown["admin_state_up"] is False
    _ok(server, "network", "set", net_name, "--tag", "second")
    tagged = _os(server, "network", "list", "--tags", "cli,second")
    assert [n["Name"] for n in tagged] == [net_name]
    failed = server.openstack("network", "delete", net_name, cloud=MEMBER, check=False, json_output=False)
    assert failed.returncode != 0  # the port is still there
    _ok(server, "port", "delete", f"{port_name}-2")
    _ok(server, "network", "delete", net_name)
    assert _os(server, "network", "list", "--name", net_name) == []


def test_router_and_floating_ip(server: Server) -> None:
    net_name = _name("cli-rnet")
    _os(server, "network", "create", net_name)
    subnet = _os(server, "subnet", "create", _name("rsub"), "--network", net_name, "--subnet-range", "192.168.71.0/24")
    router_name = _name("cli-router")
    _os(server, "router", "create", router_name)
    _ok(server, "router", "set", router_name, "--external-gateway", "public")
    _ok(server, "router", "add", "subnet", router_name, subnet["id"])
    router = _os(server, "router", "show", router_name)
    assert router["external_gateway_info"]["external_fixed_ips"][0]["ip_address"].startswith("172.24.4.")
    assert router["interfaces_info"][0]["ip_address"] == "192.168.71.1"
    port = _os(server, "port", "create", _name("fip-port"), "--network", net_name)
    fip = _os(server, "floating", "ip", "create", "public")
    assert fip["status"] == "DOWN" and fip["floating_ip_address"].startswith("172.24.4.")
    _ok(server, "floating", "ip", "set", fip["floating_ip_address"], "--port", port["id"])
    associated = _os(server, "floating", "ip", "show", fip["id"])
    assert associated["port_id"] == port["id"] and associated["router_id"] == router["id"]
    assert associated["fixed_ip_address"] == port["fixed_ips"][0]["ip_address"] and associated["status"] == "ACTIVE"
    _ok(server, "floating", "ip", "unset", "--port", fip["id"])
    assert _os(server, "floating", "ip", "show", fip["id"])["port_id"] is None
    _ok(server, "floating", "ip", "delete", fip["id"])
    _ok(server, "port", "delete", port["id"])
    _ok(server, "router", "remove", "subnet", router_name, subnet["id"])
    _ok(server, "router", "unset", "--external-gateway", router_name)
    _ok(server, "router", "delete", router_name)


def test_security_group_and_rules(server: Server) -> None:
    group = _name("cli-sg")
    created = _os(server, "security", "group", "create", group, "--description", "ssh in")
    assert len(created["rules"]) == 2  # the two egress rules
    rule = _os(
        server,
        "security",
        "group",
        "rule",
        "create",
        group,
        "--protocol",
        "tcp",
        "--dst-port",
        "22",
        "--remote-ip",
        "10.0.0.0/8",
    )
    assert rule["port_range_min"] == 22 and rule["port_range_max"] == 22 and rule["remote_ip_prefix"] == "10.0.0.0/8"
    dup = server.openstack(
        "security",
        "group",
        "rule",
        "create",
        group,
        "--protocol",
        "tcp",
        "--dst-port",
        "22",
        "--remote-ip",
        "10.0.0.0/8",
        cloud=MEMBER,
        check=False,
        json_output=False,
    )
    assert dup.returncode != 0 and "already exists" in dup.stderr
    rules = _os(server, "security", "group", "rule", "list", group)
    assert len(rules) == 3
    _ok(server, "security", "group", "rule", "delete", rule["id"])
    _ok(server, "security", "group", "delete", group)


def test_quotas_as_admin(server: Server) -> None:
    project = _os(server, "project", "create", _name("cli-quota"), cloud="pocketstack-admin")
    _ok(server, "quota", "set", "--networks", "7", "--ports", "33", project["id"], cloud="pocketstack-admin")
    shown = _os(server, "quota", "show", "--network", project["id"], cloud="pocketstack-admin")
    values = {row["Resource"]: row["Limit"] for row in shown} if isinstance(shown, list) else shown
    assert values["networks"] == 7 and values["ports"] == 33


def test_member_cannot_create_shared_or_external(server: Server) -> None:
    for flag in ("--share", "--external"):
        proc = server.openstack(
            "network", "create", _name("denied"), flag, cloud=MEMBER, check=False, json_output=False
        )
        assert proc.returncode != 0 and "403" in proc.stderr


def test_admin_provider_network(server: Server) -> None:
    name = _name("vlan")
    net = _os(
        server,
        "network",
        "create",
        name,
        "--provider-network-type",
        "vlan",
        "--provider-physical-network",
        "public",
        "--provider-segment",
        "3001",
        cloud="pocketstack-admin",
    )
    assert net["provider:network_type"] == "vlan" and net["provider:segmentation_id"] == 3001
    _ok(server, "network", "delete", name, cloud="pocketstack-admin")
