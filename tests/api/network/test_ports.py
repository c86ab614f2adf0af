"""Ports: fixed IP and MAC allocation, security groups, port security, allowed address
pairs, bindings (admin only), updates and deletion."""

from __future__ import annotations

import re

from tests.api.network.util import Neutron, expect_error


def test_port_defaults(member: Neutron) -> None:
    net, sub = member.network_with_subnet("10.90.0.0/24")
    port = member.port(net["id"], name="p1")
    assert re.fullmatch(r"fa:16:3e(:[0-9a-f]{2}){3}", port["mac_address"])
    (fixed,) = port["fixed_ips"]
    assert fixed["subnet_id"] == sub["id"] and fixed["ip_address"].startswith("10.90.0.")
    assert port["status"] == "DOWN" and port["device_owner"] == "" and port["port_security_enabled"] is True
    default = member.get("/security-groups", params={"name": "default"}).json()["security_groups"]
    assert port["security_groups"] == [default[0]["id"]]
    assert "binding:host_id" not in port and "binding:vif_type" not in port  # admin only
    assert port["binding:vnic_type"] == "normal"
    assert port["dns_assignment"][0]["ip_address"] == fixed["ip_address"]


def test_requested_addresses(member: Neutron) -> None:
    # no DHCP: OVN's metadata port takes no (random) address that could be the one asked for
    net, sub = member.network_with_subnet("10.91.0.0/24", enable_dhcp=False)
    port = member.port(net["id"], fixed_ips=[{"ip_address": "10.91.0.50"}], mac_address="FA-16-3E-00-00-01")
    assert port["fixed_ips"] == [{"subnet_id": sub["id"], "ip_address": "10.91.0.50"}]
    assert port["mac_address"] == "fa:16:3e:00:00:01"
    expect_error(
        member.post("/ports", {"port": {"network_id": net["id"], "fixed_ips": [{"ip_address": "10.91.0.50"}]}}),
        409,
        "IpAddressAlreadyAllocated",
    )
    expect_error(
        member.post("/ports", {"port": {"network_id": net["id"], "mac_address": "fa:16:3e:00:00:01"}}),
        409,
        "MacAddressInUse",
    )
    expect_error(
        member.post("/ports", {"port": {"network_id": net["id"], "fixed_ips": [{"ip_address": "10.99.0.5"}]}}),
        400,
        "InvalidIpForNetwork",
    )
    expect_error(
        member.post(
            "/ports",
            {"port": {"network_id": net["id"], "fixed_ips": [{"subnet_id": sub["id"], "ip_address": "10.91.0.255"}]}},
        ),
        400,
        "InvalidIpForSubnet",
    )
    expect_error(member.post("/ports", {"port": {"network_id": net["id"], "mac_address": "zz"}}), 400, "HTTPBadRequest")
    expect_error(
        member.post("/ports", {"port": {"network_id": net["id"], "fixed_ips": [{"ip_address": "10.91.0.060"}]}}),
        400,
        "HTTPBadRequest",
    )


def test_small_subnet_runs_out(member: Neutron) -> None:
    net, _sub = member.network_with_subnet("10.92.0.0/29")  # .2 - .6: five addresses
    # OVN's metadata port (network:distributed) holds one of them, as on an ML2/OVN cloud
    (meta,) = member.get("/ports", params={"network_id": net["id"], "device_owner": "network:distributed"}).json()[
        "ports"
    ]
    assert meta["device_id"] == f"ovnmeta-{net['id']}" and meta["status"] == "DOWN"
    # on the pool's first address, where a DHCP port usually sits (Tempest counts up from .1)
    assert [f["ip_address"] for f in meta["fixed_ips"]] == ["10.92.0.2"]
    ips = {member.port(net["id"])["fixed_ips"][0]["ip_address"] for _ in range(4)}
    assert ips | {meta["fixed_ips"][0]["ip_address"]} == {f"10.92.0.{i}" for i in range(2, 7)}
    expect_error(member.post("/ports", {"port": {"network_id": net["id"]}}), 409, "IpAddressGenerationFailure")
    assert len(member.get("/ports", params={"network_id": net["id"]}).json()["ports"]) == 5


def test_port_without_addresses(member: Neutron) -> None:
    net, _sub = member.network_with_subnet("10.93.0.0/24")
    port = member.port(net["id"], fixed_ips=[])
    assert port["fixed_ips"] == []


def test_update_fixed_ips(member: Neutron) -> None:
    net, sub = member.network_with_subnet("10.94.0.0/24", enable_dhcp=False)  # no metadata port address
    port = member.port(net["id"], fixed_ips=[{"ip_address": "10.94.0.10"}])
    moved = member.put(
        f"/ports/{port['id']}", {"port": {"fixed_ips": [{"ip_address": "10.94.0.11"}, {"ip_address": "10.94.0.10"}]}}
    )
    assert {f["ip_address"] for f in moved.json()["port"]["fixed_ips"]} == {"10.94.0.10", "10.94.0.11"}
    kept = member.put(f"/ports/{port['id']}", {"port": {"fixed_ips": [{"subnet_id": sub["id"]}]}}).json()["port"]
    assert len(kept["fixed_ips"]) == 1
    other = member.port(net["id"])
    taken = other["fixed_ips"][0]["ip_address"]
    expect_error(
        member.put(f"/ports/{port['id']}", {"port": {"fixed_ips": [{"ip_address": taken}]}}),
        409,
        "IpAddressAlreadyAllocated",
    )


def test_security_groups_and_port_security(member: Neutron) -> None:
    net, _sub = member.network_with_subnet("10.95.0.0/24")
    sg = member.security_group()
    port = member.port(net["id"], security_groups=[sg["id"]])
    assert port["security_groups"] == [sg["id"]]
    expect_error(
        member.put(f"/ports/{port['id']}", {"port": {"port_security_enabled": False}}),
        409,
        "PortSecurityPortHasSecurityGroup",
    )
    off = member.put(f"/ports/{port['id']}", {"port": {"port_security_enabled": False, "security_groups": []}})
    assert off.json()["port"]["security_groups"] == [] and off.json()["port"]["port_security_enabled"] is False
    expect_error(
        member.put(f"/ports/{port['id']}", {"port": {"allowed_address_pairs": [{"ip_address": "10.95.0.200"}]}}),
        409,
        "AddressPairAndPortSecurityRequired",
    )
    expect_error(
        member.post(
            "/ports", {"port": {"network_id": net["id"], "port_security_enabled": False, "security_groups": [sg["id"]]}}
        ),
        400,
        "PortSecurityAndIPRequiredForSecurityGroups",
    )
    expect_error(
        member.post(
            "/ports", {"port": {"network_id": net["id"], "security_groups": ["8b2d3a1e-0000-4000-8000-00000000000f"]}}
        ),
        404,
        "SecurityGroupNotFound",
    )
    user = member.port(net["id"], security_groups=[sg["id"]])
    expect_error(member.delete(f"/security-groups/{sg['id']}"), 409, "SecurityGroupInUse")
    assert member.delete(f"/ports/{user['id']}").status_code == 204
    assert member.delete(f"/security-groups/{sg['id']}").status_code == 204


def test_allowed_address_pairs(member: Neutron) -> None:
    net, _sub = member.network_with_subnet("10.96.0.0/24")
    port = member.port(
        net["id"],
        allowed_address_pairs=[
            {"ip_address": "10.96.0.100"},
            {"ip_address": "10.96.1.0/24", "mac_address": "fa:16:3e:aa:bb:cc"},
        ],
    )
    pairs = port["allowed_address_pairs"]
    assert pairs[0] == {"ip_address": "10.96.0.100", "mac_address": port["mac_address"]}
    assert pairs[1]["mac_address"] == "fa:16:3e:aa:bb:cc"
    expect_error(
        member.post(
            "/ports",
            {"port": {"network_id": net["id"], "allowed_address_pairs": [{"mac_address": "fa:16:3e:00:00:00"}]}},
        ),
        400,
        "AllowedAddressPairsMissingIP",
    )


def test_binding_is_admin_only(member: Neutron, admin: Neutron) -> None:
    net, _sub = member.network_with_subnet("10.97.0.0/24")
    expect_error(
        member.post("/ports", {"port": {"network_id": net["id"], "binding:host_id": "compute1"}}),
        403,
        "PolicyNotAuthorized",
    )
    port = member.port(net["id"], device_id="vm-1", device_owner="compute:nova")
    bound = admin.put(f"/ports/{port['id']}", {"port": {"binding:host_id": "compute1"}}).json()["port"]
    assert bound["binding:host_id"] == "compute1" and bound["binding:vif_type"] == "ovs"
    assert bound["status"] == "ACTIVE"
    mine = member.get(f"/ports/{port['id']}").json()["port"]
    assert "binding:host_id" not in mine and mine["status"] == "ACTIVE"
    expect_error(
        admin.put(f"/ports/{port['id']}", {"port": {"mac_address": "fa:16:3e:12:34:56"}}),
        409,
        "PortBound",
    )
    # a member may not delete a port a server uses (device_owner compute:*)
    expect_error(member.delete(f"/ports/{port['id']}"), 403, "PolicyNotAuthorized")
    assert admin.delete(f"/ports/{port['id']}").status_code == 204


def test_filters(member: Neutron) -> None:
    net, sub = member.network_with_subnet("10.98.0.0/24", enable_dhcp=False)  # no metadata port address
    a = member.port(net["id"], fixed_ips=[{"ip_address": "10.98.0.21"}], device_owner="test:a")
    b = member.port(net["id"], fixed_ips=[{"ip_address": "10.98.0.32"}])
    assert [p["id"] for p in member.get("/ports", params={"fixed_ips": "ip_address=10.98.0.21"}).json()["ports"]] == [
        a["id"]
    ]
    by_subnet = member.get("/ports", params={"fixed_ips": f"subnet_id={sub['id']}"}).json()["ports"]
    assert {p["id"] for p in by_subnet if p["device_owner"] != "network:distributed"} == {a["id"], b["id"]}
    substr = member.get("/ports", params={"fixed_ips": "ip_address_substr=98.0.3", "network_id": net["id"]}).json()
    assert [p["id"] for p in substr["ports"]] == [b["id"]]
    assert [p["id"] for p in member.get("/ports", params={"device_owner": "test:a"}).json()["ports"]] == [a["id"]]
    sg_ports = member.get("/ports", params={"security_groups": a["security_groups"][0], "network_id": net["id"]})
    assert len(sg_ports.json()["ports"]) == 2


def test_update_and_delete(member: Neutron) -> None:
    net, _sub = member.network_with_subnet("10.99.0.0/24")
    port = member.port(net["id"])
    updated = member.put(f"/ports/{port['id']}", {"port": {"name": "renamed", "admin_state_up": False}}).json()["port"]
    assert updated["name"] == "renamed" and updated["admin_state_up"] is False
    expect_error(member.put(f"/ports/{port['id']}", {"port": {"network_id": net["id"]}}), 400, "HTTPBadRequest")
    assert member.delete(f"/ports/{port['id']}").status_code == 204
    expect_error(member.delete(f"/ports/{port['id']}"), 404, "PortNotFound")


def test_bulk_ports_and_tags_on_create(member: Neutron) -> None:
    net, _sub = member.network_with_subnet("10.100.0.0/24")
    resp = member.post("/ports", {"ports": [{"network_id": net["id"], "tags": ["x"]}, {"network_id": net["id"]}]})
    assert resp.status_code == 201, resp.text
    ports = resp.json()["ports"]
    assert len(ports) == 2 and ports[0]["tags"] == ["x"]
    assert ports[0]["fixed_ips"][0]["ip_address"] != ports[1]["fixed_ips"][0]["ip_address"]
