"""Routers and floating IPs: gateways, interfaces, extra routes, association and the
reachability rule, and the in-use conflicts between them."""

from __future__ import annotations

from typing import Any

from tests.api.network.util import Neutron, expect_error


def _routed(member: Neutron, cidr: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A network + subnet attached to a router with a gateway on ``public``."""
    net, sub = member.network_with_subnet(cidr)
    router = member.router(external_gateway_info={"network_id": member.public()["id"]})
    resp = member.put(f"/routers/{router['id']}/add_router_interface", {"subnet_id": sub["id"]})
    assert resp.status_code == 200, resp.text
    return net, sub, router


def test_router_gateway_and_interface(member: Neutron) -> None:
    _net, sub = member.network_with_subnet("10.110.0.0/24")
    public = member.public()
    router = member.router(external_gateway_info={"network_id": public["id"]})
    gw = router["external_gateway_info"]
    assert gw["network_id"] == public["id"] and gw["enable_snat"] is True
    # an address from each of public's subnets: IPv4 and (DevStack's ipv6-public-subnet) IPv6
    ext_v4, ext_v6 = sorted(gw["external_fixed_ips"], key=lambda f: ":" in f["ip_address"])
    assert ext_v4["ip_address"].startswith("172.24.4.") and ext_v6["ip_address"].startswith("2001:db8::")
    info = member.put(f"/routers/{router['id']}/add_router_interface", {"subnet_id": sub["id"]}).json()
    assert set(info) == {"id", "tenant_id", "project_id", "port_id", "network_id", "subnet_id", "subnet_ids"}
    port = member.get(f"/ports/{info['port_id']}").json()["port"]
    assert port["device_owner"] == "network:router_interface" and port["device_id"] == router["id"]
    assert port["fixed_ips"] == [{"subnet_id": sub["id"], "ip_address": "10.110.0.1"}]
    assert port["status"] == "ACTIVE"
    by_router = member.get("/ports", params={"device_id": router["id"]}).json()["ports"]
    assert info["port_id"] in {p["id"] for p in by_router}
    expect_error(
        member.put(f"/routers/{router['id']}/add_router_interface", {"subnet_id": sub["id"]}), 400, "BadRequest"
    )
    expect_error(member.delete(f"/ports/{info['port_id']}"), 409, "ServicePortInUse")
    expect_error(member.delete(f"/subnets/{sub['id']}"), 409, "SubnetInUse")
    expect_error(member.delete(f"/routers/{router['id']}"), 409, "RouterInUse")
    out = member.put(f"/routers/{router['id']}/remove_router_interface", {"subnet_id": sub["id"]})
    assert out.status_code == 200 and out.json()["port_id"] == info["port_id"]
    expect_error(member.get(f"/ports/{info['port_id']}"), 404, "PortNotFound")
    cleared = member.put(f"/routers/{router['id']}", {"router": {"external_gateway_info": {}}}).json()["router"]
    assert cleared["external_gateway_info"] is None
    assert member.delete(f"/routers/{router['id']}").status_code == 204


def test_interface_by_port(member: Neutron) -> None:
    net, sub = member.network_with_subnet("10.111.0.0/24")
    router = member.router()
    port = member.port(net["id"])
    info = member.put(f"/routers/{router['id']}/add_router_interface", {"port_id": port["id"]}).json()
    assert info["port_id"] == port["id"] and info["subnet_id"] == sub["id"]
    expect_error(
        member.put(f"/routers/{member.router()['id']}/add_router_interface", {"port_id": port["id"]}), 409, "PortInUse"
    )
    expect_error(
        member.put(f"/routers/{router['id']}/remove_router_interface", {"port_id": member.port(net["id"])["id"]}),
        404,
        "RouterInterfaceNotFound",
    )
    assert member.put(f"/routers/{router['id']}/remove_router_interface", {"port_id": port["id"]}).status_code == 200


def test_interface_errors(member: Neutron, admin: Neutron) -> None:
    router = member.router()
    path = f"/routers/{router['id']}/add_router_interface"
    expect_error(member.put(path, {}), 400, "BadRequest")
    expect_error(member.put(path, {"subnet_id": "x", "port_id": "y"}), 400, "BadRequest")
    _net_a, sub_a = member.network_with_subnet("10.112.0.0/24")
    _net_b, sub_b = member.network_with_subnet("10.112.0.0/25")
    assert member.put(path, {"subnet_id": sub_a["id"]}).status_code == 200
    msg = expect_error(member.put(path, {"subnet_id": sub_b["id"]}), 400, "BadRequest")
    assert "overlaps with cidr" in msg
    no_gw_net = member.network()
    no_gw = member.subnet(no_gw_net["id"], "10.113.0.0/24", gateway_ip=None)
    expect_error(member.put(path, {"subnet_id": no_gw["id"]}), 400, "BadRequest")
    private = member.network()
    expect_error(
        member.put(f"/routers/{router['id']}", {"router": {"external_gateway_info": {"network_id": private["id"]}}}),
        400,
        "BadRequest",
    )
    expect_error(
        member.put(
            f"/routers/{router['id']}",
            {"router": {"external_gateway_info": {"network_id": "8b2d3a1e-0000-4000-8000-000000000010"}}},
        ),
        404,
        "NetworkNotFound",
    )
    expect_error(
        member.put(
            f"/routers/{router['id']}",
            {"router": {"external_gateway_info": {"network_id": member.public()["id"], "enable_snat": False}}},
        ),
        403,
        "PolicyNotAuthorized",
    )
    expect_error(member.get("/routers/8b2d3a1e-0000-4000-8000-000000000011"), 404, "RouterNotFound")


def test_extra_routes(member: Neutron) -> None:
    _net, sub, router = _routed(member, "10.114.0.0/24")
    route = {"destination": "192.168.100.0/24", "nexthop": "10.114.0.50"}
    updated = member.put(f"/routers/{router['id']}", {"router": {"routes": [route]}}).json()["router"]
    assert updated["routes"] == [route]
    expect_error(
        member.put(
            f"/routers/{router['id']}", {"router": {"routes": [{"destination": "1.2.3.0/24", "nexthop": "10.250.0.1"}]}}
        ),
        400,
        "InvalidRoutes",
    )
    expect_error(
        member.put(f"/routers/{router['id']}/remove_router_interface", {"subnet_id": sub["id"]}),
        409,
        "RouterInterfaceInUseByRoute",
    )
    extra = {"destination": "192.168.101.0/24", "nexthop": "10.114.0.51"}
    added = member.put(f"/routers/{router['id']}/add_extraroutes", {"router": {"routes": [extra]}}).json()["router"]
    assert added["routes"] == [route, extra]
    removed = member.put(f"/routers/{router['id']}/remove_extraroutes", {"router": {"routes": [route, extra]}})
    assert removed.json()["router"]["routes"] == []


def test_floating_ip_lifecycle(member: Neutron) -> None:
    net, sub, router = _routed(member, "10.115.0.0/24")
    public = member.public()
    port = member.port(net["id"])
    fip = member.create("floatingips", "floatingip", floating_network_id=public["id"])
    assert fip["status"] == "DOWN" and fip["port_id"] is None and fip["router_id"] is None
    assert fip["floating_ip_address"].startswith("172.24.4.")
    assoc = member.put(f"/floatingips/{fip['id']}", {"floatingip": {"port_id": port["id"]}}).json()["floatingip"]
    assert assoc["router_id"] == router["id"] and assoc["status"] == "ACTIVE"
    assert assoc["fixed_ip_address"] == port["fixed_ips"][0]["ip_address"]
    assert assoc["port_details"]["mac_address"] == port["mac_address"]
    second = member.create("floatingips", "floatingip", floating_network_id=public["id"])
    expect_error(
        member.put(f"/floatingips/{second['id']}", {"floatingip": {"port_id": port["id"]}}),
        409,
        "FloatingIPPortAlreadyAssociated",
    )
    expect_error(
        member.put(f"/routers/{router['id']}/remove_router_interface", {"subnet_id": sub["id"]}),
        409,
        "RouterInterfaceInUseByFloatingIP",
    )
    expect_error(
        member.put(f"/routers/{router['id']}", {"router": {"external_gateway_info": {}}}),
        409,
        "RouterExternalGatewayInUseByFloatingIp",
    )
    filtered = member.get("/floatingips", params={"port_id": port["id"]}).json()["floatingips"]
    assert [f["id"] for f in filtered] == [fip["id"]]
    # deleting the port disassociates its floating IP
    assert member.delete(f"/ports/{port['id']}").status_code == 204
    after = member.get(f"/floatingips/{fip['id']}").json()["floatingip"]
    assert after["port_id"] is None and after["status"] == "DOWN" and after["router_id"] is None
    for f in (fip, second):
        assert member.delete(f"/floatingips/{f['id']}").status_code == 204


def test_floating_ip_errors(member: Neutron) -> None:
    net, _sub = member.network_with_subnet("10.116.0.0/24")  # not routed anywhere
    port = member.port(net["id"])
    public = member.public()
    expect_error(
        member.post("/floatingips", {"floatingip": {"floating_network_id": public["id"], "port_id": port["id"]}}),
        404,
        "ExternalGatewayForFloatingIPNotFound",
    )
    expect_error(member.post("/floatingips", {"floatingip": {"floating_network_id": net["id"]}}), 400, "BadRequest")
    expect_error(
        member.post(
            "/floatingips", {"floatingip": {"floating_network_id": public["id"], "floating_ip_address": "172.24.4.77"}}
        ),
        403,
        "PolicyNotAuthorized",
    )
    expect_error(member.post("/floatingips", {"floatingip": {}}), 400, "HTTPBadRequest")
    expect_error(member.get("/floatingips/8b2d3a1e-0000-4000-8000-000000000012"), 404, "FloatingIPNotFound")
    before = member.get("/floatingips").json()["floatingips"]
    assert member.get("/floatingips").json()["floatingips"] == before  # nothing half-created


def test_admin_picks_a_floating_address(admin: Neutron) -> None:
    public = admin.public()
    # an address no other test of this shared cloud holds now (they draw theirs at random)
    ports = admin.get("/ports", params={"network_id": public["id"]}).json()["ports"]
    used = {f["ip_address"] for p in ports for f in p["fixed_ips"]}
    wanted = next(f"172.24.4.{i}" for i in range(250, 2, -1) if f"172.24.4.{i}" not in used)
    fip = admin.create("floatingips", "floatingip", floating_network_id=public["id"], floating_ip_address=wanted)
    assert fip["floating_ip_address"] == wanted
    again = {"floatingip": {"floating_network_id": public["id"], "floating_ip_address": wanted}}
    expect_error(
        admin.post("/floatingips", again),
        409,
        "IpAddressAlreadyAllocated",
    )
    admin.delete(f"/floatingips/{fip['id']}")


def test_floatingip_pools(member: Neutron, admin: Neutron) -> None:
    pools = admin.get("/floatingip_pools").json()["floatingip_pools"]
    assert {"subnet_id", "subnet_name", "network_id", "cidr", "project_id"} <= set(pools[0])
    assert any(p["cidr"] == "172.24.4.0/24" for p in pools)
