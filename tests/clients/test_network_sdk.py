"""openstacksdk against a real server: the network proxy's workflows, pagination,
tags, quotas and a server booted on a network (the compute contract)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from openstack import exceptions

from tests.server import Server


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def member(server: Server) -> Iterator[Any]:
    conn = server.sdk("pocketstack")
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def admin(server: Server) -> Iterator[Any]:
    conn = server.sdk("pocketstack-admin")
    yield conn
    conn.close()


def test_network_subnet_port(member: Any) -> None:
    net = member.network.create_network(name=_name("sdk-net"))
    subnet = member.network.create_subnet(
        network_id=net.id, ip_version=4, cidr="192.168.80.0/24", name=_name("sub"), is_dhcp_enabled=False
    )  # no DHCP: OVN's metadata port takes no (random) address that could be the one asked for
    assert subnet.gateway_ip == "192.168.80.1" and subnet.allocation_pools[0]["end"] == "192.168.80.254"
    port = member.network.create_port(network_id=net.id, fixed_ips=[{"ip_address": "192.168.80.5"}])
    assert port.fixed_ips == [{"subnet_id": subnet.id, "ip_address": "192.168.80.5"}]
    assert port.mac_address.startswith("fa:16:3e:") and port.status == "DOWN"
    found = member.network.find_network(net.name)
    assert found.id == net.id
    member.network.update_port(port, name="renamed")
    assert member.network.get_port(port.id).name == "renamed"
    member.network.delete_port(port)
    member.network.delete_subnet(subnet)
    member.network.delete_network(net)
    with pytest.raises(exceptions.NotFoundException):
        member.network.get_network(net.id)


def test_pagination_follows_links(member: Any) -> None:
    tag = _name("sdkpage")
    ids = []
    for i in range(7):
        net = member.network.create_network(name=f"{tag}-{i}")
        member.network.set_tags(net, [tag])
        ids.append(net.id)
    listed = list(member.network.networks(tags=tag, limit=3, sort_key="name", sort_dir="asc"))
    assert [n.name for n in listed] == [f"{tag}-{i}" for i in range(7)]
    for net_id in ids:
        member.network.delete_network(net_id)


def test_router_floating_ip_security_group(member: Any) -> None:
    public = member.network.find_network("public")
    net = member.network.create_network(name=_name("sdk-l3"))
    subnet = member.network.create_subnet(network_id=net.id, ip_version=4, cidr="192.168.81.0/24")
    router = member.network.create_router(name=_name("sdk-router"), external_gateway_info={"network_id": public.id})
    member.network.add_interface_to_router(router, subnet_id=subnet.id)
    sg = member.network.create_security_group(name=_name("sdk-sg"))
    member.network.create_security_group_rule(
        security_group_id=sg.id, direction="ingress", protocol="icmp", ethertype="IPv4"
    )
    port = member.network.create_port(network_id=net.id, security_group_ids=[sg.id])
    assert port.security_group_ids == [sg.id]
    fip = member.network.create_ip(floating_network_id=public.id, port_id=port.id)
    assert fip.router_id == router.id and fip.status == "ACTIVE"
    member.network.update_ip(fip, port_id=None)
    assert member.network.get_ip(fip.id).port_id is None
    member.network.delete_ip(fip)
    member.network.delete_port(port)
    member.network.remove_interface_from_router(router, subnet_id=subnet.id)
    member.network.delete_router(router)
    member.network.delete_security_group(sg)
    member.network.delete_network(net)


def test_quotas(admin: Any, member: Any) -> None:
    project = admin.identity.create_project(name=_name("sdk-quota"), domain_id="default")
    admin.network.update_quota(project.id, networks=3, ports=9)
    quota = admin.network.get_quota(project.id)
    assert quota.networks == 3 and quota.ports == 9
    details = admin.network.get_quota(project.id, details=True)
    assert details.networks["limit"] == 3 and details.networks["used"] == 0
    admin.network.delete_quota(project.id)
    assert admin.network.get_quota(project.id).networks == 100


def test_extensions_and_availability_zones(member: Any) -> None:
    aliases = {e.alias for e in member.network.extensions()}
    assert {"router", "security-group", "external-net", "quotas", "standard-attr-tag"} <= aliases
    zones = {(z.name, z.resource) for z in member.network.availability_zones()}
    assert zones == {("nova", "network"), ("nova", "router")}


def test_server_on_a_network(member: Any) -> None:
    """Nova's use of the network: a port per server, addresses, and cleanup on delete."""
    net = member.network.create_network(name=_name("sdk-vm"))
    member.network.create_subnet(network_id=net.id, ip_version=4, cidr="192.168.82.0/24")
    image = next(iter(member.image.images()))
    flavor = sorted(member.compute.flavors(), key=lambda f: f.ram)[0]
    server = member.compute.create_server(
        name=_name("sdk-vm"), image_id=image.id, flavor_id=flavor.id, networks=[{"uuid": net.id}]
    )
    server = member.compute.wait_for_server(server, wait=60)
    ports = list(member.network.ports(device_id=server.id))
    assert len(ports) == 1
    (port,) = ports
    assert port.device_owner == "compute:nova" and port.status == "ACTIVE"
    (addr,) = server.addresses[net.name]
    assert addr["addr"] == port.fixed_ips[0]["ip_address"] and addr["OS-EXT-IPS:type"] == "fixed"
    member.compute.delete_server(server)
    member.compute.wait_for_delete(server, wait=60)
    assert list(member.network.ports(device_id=server.id)) == []
    member.network.delete_network(net)
