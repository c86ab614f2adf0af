"""The real ``openstack`` CLI against a real server: QoS policies and rules
(``openstack network qos …``) bound to networks and ports, and trunks
(``openstack network trunk …``, ``openstack network subport list``)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.server import Server

MEMBER, ADMIN = "pocketstack", "pocketstack-admin"


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _os(server: Server, *args: str, cloud: str = ADMIN) -> Any:
    return server.openstack(*args, cloud=cloud)


def _ok(server: Server, *args: str, cloud: str = ADMIN) -> None:
    server.openstack(*args, cloud=cloud, json_output=False)


def test_qos_policy_rules_and_bindings(server: Server) -> None:
    policy = _name("qos")
    created = _os(server, "network", "qos", "policy", "create", policy, "--share", "--description", "gold")
    assert created["shared"] is True and created["rules"] == []
    limit = _os(server, "network", "qos", "rule", "create", "--type", "bandwidth-limit", "--max-kbps", "1000",
                "--max-burst-kbits", "100", "--egress", policy)  # fmt: skip
    assert limit["max_kbps"] == 1000 and limit["direction"] == "egress"
    _os(server, "network", "qos", "rule", "create", "--type", "dscp-marking", "--dscp-mark", "26", policy)
    _os(server, "network", "qos", "rule", "create", "--type", "minimum-bandwidth", "--min-kbps", "500", "--egress",
        policy)  # fmt: skip
    rules = _os(server, "network", "qos", "rule", "list", policy)
    assert {r["Type"] for r in rules} == {"bandwidth_limit", "dscp_marking", "minimum_bandwidth"}
    _ok(server, "network", "qos", "rule", "set", "--max-kbps", "2000", policy, limit["id"])
    assert _os(server, "network", "qos", "rule", "show", policy, limit["id"])["max_kbps"] == 2000
    types = {t["Type"] for t in _os(server, "network", "qos", "rule", "type", "list")}
    assert types == {"bandwidth_limit", "dscp_marking", "minimum_bandwidth"}
    detail = _os(server, "network", "qos", "rule", "type", "show", "dscp_marking")
    assert detail["drivers"][0]["name"] == "ovn"
    # the demo member sees the shared policy and puts its network and port under it
    net = _os(server, "network", "create", _name("qos-net"), "--qos-policy", policy, cloud=MEMBER)
    shown = _os(server, "network", "qos", "policy", "show", policy, cloud=MEMBER)
    assert net["qos_policy_id"] == shown["id"]
    _os(server, "subnet", "create", _name("qos-sub"), "--network", net["id"], "--subnet-range", "192.168.90.0/24",
        cloud=MEMBER)  # fmt: skip
    port = _os(server, "port", "create", _name("qos-port"), "--network", net["id"], "--qos-policy", policy,
               cloud=MEMBER)  # fmt: skip
    assert port["qos_policy_id"] == shown["id"] and port["qos_network_policy_id"] == shown["id"]
    busy = server.openstack("network", "qos", "policy", "delete", policy, cloud=ADMIN, check=False, json_output=False)
    assert busy.returncode != 0 and "is used by" in busy.stderr
    _ok(server, "port", "unset", "--qos-policy", port["id"], cloud=MEMBER)
    _ok(server, "port", "delete", port["id"], cloud=MEMBER)
    _ok(server, "network", "delete", net["id"], cloud=MEMBER)
    _ok(server, "network", "qos", "rule", "delete", policy, limit["id"])
    _ok(server, "network", "qos", "policy", "set", "--no-share", "--name", f"{policy}-2", policy)
    assert _os(server, "network", "qos", "policy", "show", f"{policy}-2")["shared"] is False
    _ok(server, "network", "qos", "policy", "delete", f"{policy}-2")


def test_default_qos_policy(server: Server) -> None:
    project = _os(server, "project", "create", _name("qos-default"))["id"]
    policy = _os(server, "network", "qos", "policy", "create", _name("qosd"), "--project", project, "--default")
    assert policy["is_default"] is True
    net = _os(server, "network", "create", _name("qosd-net"), "--project", project)
    assert net["qos_policy_id"] == policy["id"]
    _ok(server, "network", "delete", net["id"])
    _ok(server, "network", "qos", "policy", "set", "--no-default", policy["id"])
    assert _os(server, "network", "qos", "policy", "show", policy["id"])["is_default"] is False
    _ok(server, "network", "qos", "policy", "delete", policy["id"])
    _ok(server, "project", "delete", project)


def test_trunk_with_subports(server: Server) -> None:
    net = _os(server, "network", "create", _name("trunk-net"), cloud=MEMBER)
    _os(server, "subnet", "create", _name("trunk-sub"), "--network", net["id"], "--subnet-range", "192.168.91.0/24",
        cloud=MEMBER)  # fmt: skip
    parent, sub1, sub2 = (
        _os(server, "port", "create", _name(label), "--network", net["id"], cloud=MEMBER)
        for label in ("parent", "sub1", "sub2")
    )
    trunk = _name("trunk")
    created = _os(server, "network", "trunk", "create", trunk, "--parent-port", parent["id"], "--subport",
                  f"port={sub1['id']},segmentation-type=vlan,segmentation-id=100", cloud=MEMBER)  # fmt: skip
    assert created["status"] == "ACTIVE" and created["port_id"] == parent["id"]
    _ok(server, "network", "trunk", "set", "--subport", f"port={sub2['id']},segmentation-type=vlan,segmentation-id=200",
        trunk, cloud=MEMBER)  # fmt: skip
    subports = _os(server, "network", "subport", "list", "--trunk", trunk, cloud=MEMBER)
    assert {s["Segmentation ID"] for s in subports} == {100, 200}
    assert _os(server, "port", "show", sub1["id"], cloud=MEMBER)["device_owner"] == "trunk:subport"
    busy = server.openstack("port", "delete", parent["id"], cloud=MEMBER, check=False, json_output=False)
    assert busy.returncode != 0
    _ok(server, "network", "trunk", "unset", "--subport", sub1["id"], trunk, cloud=MEMBER)
    shown = _os(server, "network", "trunk", "show", trunk, cloud=MEMBER)
    assert [s["port_id"] for s in shown["sub_ports"]] == [sub2["id"]]
    _ok(server, "network", "trunk", "set", "--disable", trunk, cloud=MEMBER)
    disabled = _os(server, "network", "trunk", "show", trunk, cloud=MEMBER)
    assert disabled.get("admin_state_up", disabled.get("is_admin_state_up")) in (False, "DOWN"), disabled
    _ok(server, "network", "trunk", "set", "--enable", trunk, cloud=MEMBER)
    listed = _os(server, "network", "trunk", "list", cloud=MEMBER)
    assert trunk in {t["Name"] for t in listed}
    _ok(server, "network", "trunk", "delete", trunk, cloud=MEMBER)
    for port in (parent, sub1, sub2):
        _ok(server, "port", "delete", port["id"], cloud=MEMBER)
    _ok(server, "network", "delete", net["id"], cloud=MEMBER)


def test_segments_of_a_routed_network(server: Server) -> None:
    name = _name("routed")
    net = _os(server, "network", "create", name, "--provider-network-type", "vlan", "--provider-physical-network",
              "public", "--provider-segment", "2401")  # fmt: skip
    (first,) = _os(server, "network", "segment", "list", "--network", name)
    assert first["Network Type"] == "vlan" and first["Segment"] == 2401
    seg = _os(server, "network", "segment", "create", "--network", name, "--network-type", "vlan",
              "--physical-network", "public", "--segment", "2402", _name("seg"))  # fmt: skip
    assert seg["segmentation_id"] == 2402 and seg["network_id"] == net["id"]
    _ok(server, "network", "segment", "set", "--description", "rack 2", seg["id"])
    assert _os(server, "network", "segment", "show", seg["id"])["description"] == "rack 2"
    shown = _os(server, "network", "show", name)
    assert len(shown["segments"]) == 2
    subnet = _os(server, "subnet", "create", _name("seg-sub"), "--network", name, "--network-segment", seg["id"],
                 "--subnet-range", "192.168.92.0/24")  # fmt: skip
    assert subnet["segment_id"] == seg["id"]
    _ok(server, "subnet", "delete", subnet["id"])
    _ok(server, "network", "segment", "delete", seg["id"])
    assert len(_os(server, "network", "segment", "list", "--network", name)) == 1
    _ok(server, "network", "delete", name)
