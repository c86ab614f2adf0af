"""openstacksdk against a real server: RBAC policies, auto-allocated topologies, QoS
policies and rules, trunks, address scopes and segments through the network proxy."""

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


def test_rbac_policy(member: Any, admin: Any) -> None:
    alt = admin.identity.find_project("alt_demo")
    net = member.network.create_network(name=_name("sdk-rbac"))
    policy = member.network.create_rbac_policy(
        object_type="network", object_id=net.id, action="access_as_shared", target_project_id=alt.id
    )
    assert policy.target_project_id == alt.id and policy.object_id == net.id
    assert policy.id in {p.id for p in member.network.rbac_policies(object_type="network")}
    member.network.delete_rbac_policy(policy)
    member.network.delete_network(net)


def test_auto_allocated_topology(admin: Any) -> None:
    project = admin.identity.create_project(name=_name("sdk-auto"), domain_id="default")
    topo = admin.network.get_auto_allocated_topology(project.id)
    assert topo.project_id == project.id
    net = admin.network.get_network(topo.id)
    assert net.name == "auto_allocated_network"
    admin.network.delete_auto_allocated_topology(project.id)
    with pytest.raises(exceptions.NotFoundException):
        admin.network.get_network(topo.id)
    admin.identity.delete_project(project)


def test_qos_policy_and_rules(admin: Any) -> None:
    policy = admin.network.create_qos_policy(name=_name("sdk-qos"), description="gold")
    limit = admin.network.create_qos_bandwidth_limit_rule(policy, max_kbps=1000, max_burst_kbps=100)
    assert limit.max_kbps == 1000 and limit.direction == "egress"
    dscp = admin.network.create_qos_dscp_marking_rule(policy, dscp_mark=26)
    minimum = admin.network.create_qos_minimum_bandwidth_rule(policy, min_kbps=100)
    fetched = admin.network.get_qos_policy(policy.id)
    assert {r["type"] for r in fetched.rules} == {"bandwidth_limit", "dscp_marking", "minimum_bandwidth"}
    admin.network.update_qos_bandwidth_limit_rule(limit, policy, max_kbps=2000)
    assert admin.network.get_qos_bandwidth_limit_rule(limit, policy).max_kbps == 2000
    assert {t.type for t in admin.network.qos_rule_types()} == {"bandwidth_limit", "dscp_marking",
                                                                "minimum_bandwidth"}  # fmt: skip
    for rule, delete in ((dscp, admin.network.delete_qos_dscp_marking_rule),
                         (minimum, admin.network.delete_qos_minimum_bandwidth_rule),
                         (limit, admin.network.delete_qos_bandwidth_limit_rule)):  # fmt: skip
        delete(rule, policy)
    admin.network.delete_qos_policy(policy)


def test_trunk(member: Any) -> None:
    net = member.network.create_network(name=_name("sdk-trunk"))
    member.network.create_subnet(network_id=net.id, ip_version=4, cidr="192.168.93.0/24")
    parent, sub = (member.network.create_port(network_id=net.id) for _ in range(2))
    trunk = member.network.create_trunk(port_id=parent.id, name=_name("trunk"))
    assert trunk.status == "ACTIVE" and trunk.sub_ports == []
    member.network.add_trunk_subports(trunk, [{"port_id": sub.id, "segmentation_type": "vlan", "segmentation_id": 77}])
    subports = member.network.get_trunk_subports(trunk)["sub_ports"]
    assert [s["segmentation_id"] for s in subports] == [77]
    member.network.delete_trunk_subports(trunk, [{"port_id": sub.id}])
    member.network.delete_trunk(trunk)
    for port in (parent, sub):
        member.network.delete_port(port)
    member.network.delete_network(net)


def test_address_scope_and_segment(admin: Any) -> None:
    scope = admin.network.create_address_scope(name=_name("sdk-scope"), ip_version=4)
    pool = admin.network.create_subnet_pool(name=_name("scoped"), prefixes=["10.175.0.0/16"],
                                            address_scope_id=scope.id)  # fmt: skip
    assert pool.address_scope_id == scope.id
    admin.network.delete_subnet_pool(pool)
    admin.network.delete_address_scope(scope)
    net = admin.network.create_network(name=_name("sdk-seg"), provider_network_type="vlan",
                                       provider_physical_network="public", provider_segmentation_id=2501)  # fmt: skip
    segment = admin.network.create_segment(network_id=net.id, network_type="vlan", physical_network="public",
                                           segmentation_id=2502, name="two")  # fmt: skip
    assert {s.segmentation_id for s in admin.network.segments(network_id=net.id)} == {2501, 2502}
    admin.network.delete_segment(segment)
    admin.network.delete_network(net)
