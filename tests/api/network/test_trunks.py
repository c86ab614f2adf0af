"""Trunks over raw HTTP: a parent port with VLAN subports, status as OVN reports it,
subports added and removed, trunk_details on the parent, the rules that keep ports in
a trunk, validation and Neutron's error types."""

from __future__ import annotations

from typing import Any

from tests.api.network.util import Neutron, expect_error, name

T = "/trunks"


def _ports(member: Neutron, count: int, cidr: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    net, _sub = member.network_with_subnet(cidr)
    return net, [member.port(net["id"], name=name("tp")) for _ in range(count)]


def test_trunk_lifecycle(member: Neutron) -> None:
    _net, (parent, sub1, sub2, sub3) = _ports(member, 4, "10.180.0.0/24")
    trunk = member.create(
        "trunks", "trunk", name="t1", port_id=parent["id"],
        sub_ports=[{"port_id": sub1["id"], "segmentation_type": "vlan", "segmentation_id": 100}],
    )  # fmt: skip
    assert trunk["status"] == "ACTIVE" and trunk["admin_state_up"] is True and trunk["port_id"] == parent["id"]
    assert trunk["sub_ports"] == [{"segmentation_id": 100, "segmentation_type": "vlan", "port_id": sub1["id"]}]
    assert {"tags", "description", "revision_number", "created_at", "project_id"} <= set(trunk)
    subport = member.get(f"/ports/{sub1['id']}").json()["port"]
    assert subport["device_owner"] == "trunk:subport"
    details = member.get(f"/ports/{parent['id']}").json()["port"]["trunk_details"]
    assert details["trunk_id"] == trunk["id"]
    assert details["sub_ports"][0]["mac_address"] == sub1["mac_address"]
    added = member.put(f"{T}/{trunk['id']}/add_subports", {"sub_ports": [
        {"port_id": sub2["id"], "segmentation_type": "vlan", "segmentation_id": 200},
    ]})  # fmt: skip
    assert added.status_code == 200, added.text
    assert len(added.json()["trunk"]["sub_ports"]) == 2
    listed = member.get(f"{T}/{trunk['id']}/get_subports").json()["sub_ports"]
    assert {s["segmentation_id"] for s in listed} == {100, 200}
    dup = member.put(f"{T}/{trunk['id']}/add_subports", {"sub_ports": [
        {"port_id": sub3["id"], "segmentation_type": "vlan", "segmentation_id": 200},
    ]})  # fmt: skip
    expect_error(dup, 409, "DuplicateSubPort")
    again = member.put(f"{T}/{trunk['id']}/add_subports", {"sub_ports": [
        {"port_id": sub2["id"], "segmentation_type": "vlan", "segmentation_id": 300},
    ]})  # fmt: skip
    expect_error(again, 409, "TrunkPortInUse")
    # ports in a trunk stay
    expect_error(member.delete(f"/ports/{parent['id']}"), 409, "PortInUseAsTrunkParent")
    expect_error(member.delete(f"/ports/{sub1['id']}"), 409, "PortInUseAsSubPort")
    removed = member.put(f"{T}/{trunk['id']}/remove_subports", {"sub_ports": [{"port_id": sub1["id"]}]})
    assert [s["port_id"] for s in removed.json()["trunk"]["sub_ports"]] == [sub2["id"]]
    assert member.get(f"/ports/{sub1['id']}").json()["port"]["device_owner"] == ""
    missing = member.put(f"{T}/{trunk['id']}/remove_subports", {"sub_ports": [{"port_id": sub1["id"]}]})
    expect_error(missing, 404, "SubPortNotFound")
    # a disabled trunk cannot change
    member.put(f"{T}/{trunk['id']}", {"trunk": {"admin_state_up": False, "name": "t2"}})
    expect_error(member.put(f"{T}/{trunk['id']}/remove_subports", {"sub_ports": [{"port_id": sub2["id"]}]}), 409,
                 "TrunkDisabled")  # fmt: skip
    expect_error(member.delete(f"{T}/{trunk['id']}"), 409, "TrunkDisabled")
    member.put(f"{T}/{trunk['id']}", {"trunk": {"admin_state_up": True}})
    assert member.put(f"{T}/{trunk['id']}/tags", {"tags": ["blue"]}).json()["tags"] == ["blue"]
    assert [x["id"] for x in member.get(T, params={"tags": "blue"}).json()["trunks"]] == [trunk["id"]]
    assert member.delete(f"{T}/{trunk['id']}").status_code == 204
    assert member.get(f"/ports/{sub2['id']}").json()["port"]["device_owner"] == ""
    assert "trunk_details" not in member.get(f"/ports/{parent['id']}").json()["port"]
    assert member.delete(f"/ports/{parent['id']}").status_code == 204
    expect_error(member.get(f"{T}/{trunk['id']}"), 404, "TrunkNotFound")


def test_trunk_validation(member: Neutron, alt: Neutron) -> None:
    _net, (parent, sub, other) = _ports(member, 3, "10.181.0.0/24")
    trunk = member.create("trunks", "trunk", port_id=parent["id"])
    assert trunk["sub_ports"] == [] and trunk["name"] == ""
    expect_error(member.post(T, {"trunk": {"port_id": parent["id"]}}), 409, "ParentPortInUse")

    def add(*subs: dict[str, Any]) -> Any:
        return member.put(f"{T}/{trunk['id']}/add_subports", {"sub_ports": list(subs)})

    expect_error(add({"port_id": sub["id"], "segmentation_type": "vlan", "segmentation_id": 5000}), 400,
                 "InvalidInput")  # fmt: skip
    expect_error(add({"port_id": sub["id"], "segmentation_type": "vxlan", "segmentation_id": 5}), 400,
                 "InvalidInput")  # fmt: skip
    expect_error(add({"port_id": sub["id"], "segmentation_type": "vlan"}), 400, "InvalidInput")
    expect_error(add({"port_id": "not-a-uuid", "segmentation_type": "vlan", "segmentation_id": 5}), 400,
                 "InvalidInput")  # fmt: skip
    expect_error(add({"port_id": parent["id"], "segmentation_type": "vlan", "segmentation_id": 5}), 409,
                 "ParentPortInUse")  # fmt: skip
    expect_error(add({"port_id": sub["id"], "segmentation_type": "vlan", "segmentation_id": 5},
                     {"port_id": other["id"], "segmentation_type": "vlan", "segmentation_id": 5}), 400,
                 "InvalidInput")  # fmt: skip
    # inherit takes the network's segmentation: geneve is not something OVN trunks carry
    expect_error(add({"port_id": sub["id"], "segmentation_type": "inherit"}), 400, "InvalidInput")
    # a port bound to a device cannot become a subport
    member.put(f"/ports/{other['id']}", {"port": {"device_id": "some-device"}})
    expect_error(add({"port_id": other["id"], "segmentation_type": "vlan", "segmentation_id": 7}), 409, "PortInUse")
    # a subport on a network with a bigger MTU than the parent's
    big, _s = member.network_with_subnet("10.182.0.0/24")
    small = member.network(mtu=1300)
    member.subnet(small["id"], "10.183.0.0/24")
    small_parent = member.port(small["id"])
    big_port = member.port(big["id"])
    small_trunk = member.create("trunks", "trunk", port_id=small_parent["id"])
    bad = member.put(f"{T}/{small_trunk['id']}/add_subports", {"sub_ports": [
        {"port_id": big_port["id"], "segmentation_type": "vlan", "segmentation_id": 9},
    ]})  # fmt: skip
    expect_error(bad, 409, "SubPortMtuGreaterThanTrunkPortMtu")
    # nothing of another project's
    expect_error(alt.get(f"{T}/{trunk['id']}"), 404, "TrunkNotFound")
    expect_error(alt.post(T, {"trunk": {"port_id": sub["id"]}}), 404, "PortNotFound")
    expect_error(alt.put(f"{T}/{trunk['id']}/add_subports", {"sub_ports": []}), 404, "TrunkNotFound")
    expect_error(member.post(T, {"trunk": {"port_id": sub["id"], "sub_ports": "x"}}), 400, "HTTPBadRequest")


def test_parent_binding_drives_status(admin: Neutron) -> None:
    _net, (parent, sub) = _ports(admin, 2, "10.184.0.0/24")
    trunk = admin.create("trunks", "trunk", port_id=parent["id"], sub_ports=[
        {"port_id": sub["id"], "segmentation_type": "vlan", "segmentation_id": 42},
    ])  # fmt: skip
    assert admin.get(f"/ports/{sub['id']}").json()["port"]["status"] == "DOWN"  # as its unbound parent
    admin.put(f"/ports/{parent['id']}", {"port": {"binding:host_id": "compute1", "device_owner": "compute:nova",
                                                    "device_id": name("vm")}})  # fmt: skip
    assert admin.get(f"{T}/{trunk['id']}").json()["trunk"]["status"] == "ACTIVE"
    assert admin.get(f"/ports/{sub['id']}").json()["port"]["status"] == "ACTIVE"
    admin.put(f"/ports/{parent['id']}", {"port": {"binding:host_id": ""}})
    assert admin.get(f"{T}/{trunk['id']}").json()["trunk"]["status"] == "DOWN"
    assert admin.get(f"/ports/{sub['id']}").json()["port"]["status"] == "DOWN"
    admin.put(f"/ports/{parent['id']}", {"port": {"binding:host_id": "compute2"}})
    assert admin.get(f"{T}/{trunk['id']}").json()["trunk"]["status"] == "ACTIVE"
