"""Security groups and rules: the default group, template rules, rule validation,
duplicates and in-use conflicts."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.network.util import Neutron, expect_error


def test_default_group_and_its_rules(member: Neutron) -> None:
    (default,) = member.get("/security-groups", params={"name": "default"}).json()["security_groups"]
    assert default["description"] == "Default security group" and default["stateful"] is True
    rules = {(r["direction"], r["ethertype"], r["remote_group_id"]) for r in default["security_group_rules"]}
    assert rules == {
        ("egress", "IPv4", None),
        ("egress", "IPv6", None),
        ("ingress", "IPv4", default["id"]),
        ("ingress", "IPv6", default["id"]),
    }
    assert all(r["belongs_to_default_sg"] for r in default["security_group_rules"])
    expect_error(member.delete(f"/security-groups/{default['id']}"), 409, "SecurityGroupCannotRemoveDefault")
    expect_error(
        member.put(f"/security-groups/{default['id']}", {"security_group": {"name": "x"}}),
        409,
        "SecurityGroupCannotUpdateDefault",
    )
    expect_error(
        member.post("/security-groups", {"security_group": {"name": "default"}}),
        409,
        "SecurityGroupDefaultAlreadyExists",
    )


def test_group_crud(member: Neutron) -> None:
    sg = member.security_group(description="web tier")
    assert [r["direction"] for r in sg["security_group_rules"]] == ["egress", "egress"]
    assert not any(r["belongs_to_default_sg"] for r in sg["security_group_rules"])
    renamed = member.put(f"/security-groups/{sg['id']}", {"security_group": {"name": "web2"}}).json()["security_group"]
    assert renamed["name"] == "web2"
    assert member.delete(f"/security-groups/{sg['id']}").status_code == 204
    expect_error(member.get(f"/security-groups/{sg['id']}"), 404, "SecurityGroupNotFound")


def test_rules(member: Neutron) -> None:
    sg = member.security_group()
    tcp = member.rule(sg["id"], protocol="tcp", port_range_min=22, port_range_max=22, remote_ip_prefix="10.0.0.5")
    assert tcp["remote_ip_prefix"] == "10.0.0.5/32" and tcp["normalized_cidr"] == "10.0.0.5/32"
    assert tcp["ethertype"] == "IPv4" and tcp["protocol"] == "tcp"
    numeric = member.rule(sg["id"], protocol="17", port_range_min=53, port_range_max=53)
    assert numeric["protocol"] == "17"
    icmp6 = member.rule(sg["id"], protocol="icmp", ethertype="ipv6", port_range_min=128, port_range_max=0)
    assert icmp6["protocol"] == "ipv6-icmp" and icmp6["ethertype"] == "IPv6"
    whole = member.rule(sg["id"], protocol="udp", port_range_min=1, port_range_max=65535)
    assert whole["port_range_min"] is None and whole["port_range_max"] is None
    host_bits = member.rule(
        sg["id"], protocol="tcp", port_range_min=80, port_range_max=80, remote_ip_prefix="10.1.2.3/16"
    )
    assert host_bits["remote_ip_prefix"] == "10.1.2.3/16" and host_bits["normalized_cidr"] == "10.1.0.0/16"
    remote = member.rule(sg["id"], remote_group_id=sg["id"], protocol="tcp", port_range_min=443, port_range_max=443)
    assert remote["remote_group_id"] == sg["id"]
    shown = member.get(f"/security-group-rules/{tcp['id']}").json()["security_group_rule"]
    assert shown == tcp
    listed = member.get("/security-group-rules", params={"security_group_id": sg["id"]}).json()["security_group_rules"]
    assert len(listed) == 2 + 6
    expect_error(
        member.post(
            "/security-group-rules",
            {
                "security_group_rule": {
                    "security_group_id": sg["id"],
                    "direction": "ingress",
                    "protocol": "tcp",
                    "port_range_min": 22,
                    "port_range_max": 22,
                    "remote_ip_prefix": "10.0.0.5/32",
                }
            },
        ),
        409,
        "SecurityGroupRuleExists",
    )
    assert member.delete(f"/security-group-rules/{tcp['id']}").status_code == 204
    expect_error(member.get(f"/security-group-rules/{tcp['id']}"), 404, "SecurityGroupRuleNotFound")


@pytest.mark.parametrize(
    ("attrs", "kind"),
    [
        ({"protocol": "bogus"}, "SecurityGroupRuleInvalidProtocol"),
        ({"protocol": "300"}, "SecurityGroupRuleInvalidProtocol"),
        ({"ethertype": "IPv5"}, "SecurityGroupRuleInvalidEtherType"),
        ({"direction": "sideways"}, "HTTPBadRequest"),
        ({"protocol": "tcp", "port_range_min": 100, "port_range_max": 10}, "SecurityGroupInvalidPortRange"),
        ({"protocol": "tcp", "port_range_min": 70000, "port_range_max": 70001}, "SecurityGroupInvalidPortValue"),
        ({"port_range_min": 22, "port_range_max": 22}, "SecurityGroupProtocolRequiredWithPorts"),
        ({"protocol": "icmp", "port_range_min": 300}, "SecurityGroupInvalidIcmpValue"),
        ({"protocol": "icmp", "port_range_max": 3}, "SecurityGroupMissingIcmpType"),
        ({"protocol": "gre", "port_range_min": 1, "port_range_max": 2}, "SecurityGroupInvalidProtocolForPort"),
        ({"remote_ip_prefix": "10.0.0.0/33"}, "InvalidCIDR"),
        ({"remote_ip_prefix": "2001:db8::/64"}, "SecurityGroupRuleParameterConflict"),
        ({"protocol": "ipv6-icmp", "ethertype": "IPv4"}, "SecurityGroupEthertypeConflictWithProtocol"),
        ({"remote_ip_prefix": "10.0.0.0/8", "remote_group_id": "SELF"}, "SecurityGroupMultipleRemoteEntites"),
        ({"remote_group_id": "8b2d3a1e-0000-4000-8000-000000000020"}, "SecurityGroupNotFound"),
    ],
)
def test_bad_rules(member: Neutron, group: dict[str, Any], attrs: dict[str, object], kind: str) -> None:
    sg = group
    body = {"security_group_id": sg["id"], "direction": "ingress", **attrs}
    if body.get("remote_group_id") == "SELF":
        body["remote_group_id"] = sg["id"]
    resp = member.post("/security-group-rules", {"security_group_rule": body})
    assert resp.status_code in (400, 404), resp.text
    expect_error(resp, resp.status_code, kind)
    assert len(member.get(f"/security-groups/{sg['id']}").json()["security_group"]["security_group_rules"]) == 2


@pytest.fixture(scope="module")
def group(member: Neutron) -> dict[str, Any]:
    return member.security_group()


def test_rule_on_missing_group(member: Neutron) -> None:
    expect_error(
        member.post(
            "/security-group-rules",
            {
                "security_group_rule": {
                    "security_group_id": "8b2d3a1e-0000-4000-8000-0000000000aa",
                    "direction": "ingress",
                }
            },
        ),
        404,
        "SecurityGroupNotFound",
    )


def test_bulk_rules_are_atomic(member: Neutron) -> None:
    sg = member.security_group()
    rule = {
        "security_group_id": sg["id"],
        "direction": "ingress",
        "protocol": "tcp",
        "port_range_min": 8080,
        "port_range_max": 8080,
    }
    dup = member.post("/security-group-rules", {"security_group_rules": [rule, rule]})
    expect_error(dup, 409, "DuplicateSecurityGroupRuleInPost")
    ok = member.post(
        "/security-group-rules",
        {"security_group_rules": [rule, {**rule, "port_range_min": 8081, "port_range_max": 8081}]},
    )
    assert ok.status_code == 201 and len(ok.json()["security_group_rules"]) == 2
