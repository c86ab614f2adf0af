"""QoS over raw HTTP: policies (manager's or admin's), bandwidth limit / DSCP marking /
minimum bandwidth rules with upstream's conflict checks, the alias API, rule types,
binding to ports and networks, default policies, sharing, tags and error types."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.api.network.util import Neutron, expect_error, fresh_member, name
from tests.server import ADMIN_PASSWORD, Server

Q = "/qos/policies"


def me(client: Neutron) -> str:
    return str(client.get("/quotas/project").json()["project"]["project_id"])


def policy(admin: Neutron, project: str, **attrs: Any) -> dict[str, Any]:
    attrs.setdefault("name", name("qos"))
    return admin.create("qos/policies", "policy", project_id=project, **attrs)


def rule(client: Neutron, policy_id: str, kind: str, **attrs: Any) -> dict[str, Any]:
    resp = client.post(f"{Q}/{policy_id}/{kind}_rules", {f"{kind}_rule": attrs})
    assert resp.status_code == 201, resp.text
    return dict(resp.json()[f"{kind}_rule"])


@pytest.fixture(scope="module")
def manager(server: Server, admin_token: str) -> Iterator[tuple[str, Neutron]]:
    """A manager of a project of its own (QoS policies are the project manager's)."""
    label = name("qosm")
    with server.http(admin_token) as c:
        project = c.post("/v3/projects", json={"project": {"name": label, "domain_id": "default"}}).json()["project"]
        user = c.post(
            "/v3/users", json={"user": {"name": label, "password": ADMIN_PASSWORD, "domain_id": "default"}}
        ).json()["user"]
        roles = {r["name"]: r["id"] for r in c.get("/v3/roles").json()["roles"]}
        assert c.put(f"/v3/projects/{project['id']}/users/{user['id']}/roles/{roles['manager']}").status_code == 204
    client = Neutron(server, server.token(label, label))
    yield project["id"], client
    client.close()


def test_policy_lifecycle_and_rules(manager: Any, member: Neutron) -> None:
    project, mgr = manager
    created = policy(mgr, project, description="gold")
    assert set(created) >= {"id", "name", "description", "shared", "rules", "is_default", "tags", "project_id",
                            "tenant_id", "created_at", "updated_at", "revision_number"}  # fmt: skip
    assert created["rules"] == [] and created["shared"] is False and created["is_default"] is False
    pid = created["id"]
    limit = rule(mgr, pid, "bandwidth_limit", max_kbps=1000, max_burst_kbps=100)
    assert limit == {"id": limit["id"], "max_kbps": 1000, "max_burst_kbps": 100, "direction": "egress"}
    rule(mgr, pid, "bandwidth_limit", max_kbps=3000, direction="ingress")
    dup = mgr.post(f"{Q}/{pid}/bandwidth_limit_rules", {"bandwidth_limit_rule": {"max_kbps": 5}})
    assert limit["id"] in expect_error(dup, 409, "QoSRulesConflict")
    dscp = rule(mgr, pid, "dscp_marking", dscp_mark=26)
    expect_error(mgr.post(f"{Q}/{pid}/dscp_marking_rules", {"dscp_marking_rule": {"dscp_mark": 10}}), 409,
                 "QoSRulesConflict")  # fmt: skip
    bad = mgr.post(f"{Q}/{pid}/dscp_marking_rules", {"dscp_marking_rule": {"dscp_mark": 3}})
    expect_error(bad, 400, "HTTPBadRequest")
    over = mgr.post(f"{Q}/{pid}/minimum_bandwidth_rules", {"minimum_bandwidth_rule": {"min_kbps": 2000}})
    expect_error(over, 409, "QoSRuleParameterConflict")
    minimum = rule(mgr, pid, "minimum_bandwidth", min_kbps=500)
    assert minimum["direction"] == "egress"
    shown = mgr.get(f"{Q}/{pid}").json()["policy"]
    assert {r["type"] for r in shown["rules"]} == {"bandwidth_limit", "dscp_marking", "minimum_bandwidth"}
    assert all(r["qos_policy_id"] == pid for r in shown["rules"])
    listed = mgr.get(f"{Q}/{pid}/bandwidth_limit_rules", params={"direction": "ingress"}).json()
    assert [r["max_kbps"] for r in listed["bandwidth_limit_rules"]] == [3000]
    got = mgr.get(f"{Q}/{pid}/dscp_marking_rules/{dscp['id']}").json()["dscp_marking_rule"]
    assert got == {"id": dscp["id"], "dscp_mark": 26}
    updated = mgr.put(f"{Q}/{pid}/bandwidth_limit_rules/{limit['id']}", {"bandwidth_limit_rule": {"max_kbps": 2000}})
    assert updated.json()["bandwidth_limit_rule"]["max_kbps"] == 2000
    # the alias API: the rule without its policy
    alias = mgr.get(f"/qos/alias_bandwidth_limit_rules/{limit['id']}").json()["alias_bandwidth_limit_rule"]
    assert alias["max_kbps"] == 2000
    changed = mgr.put(f"/qos/alias_dscp_marking_rules/{dscp['id']}", {"alias_dscp_marking_rule": {"dscp_mark": 18}})
    assert changed.json()["alias_dscp_marking_rule"]["dscp_mark"] == 18
    assert mgr.delete(f"/qos/alias_minimum_bandwidth_rules/{minimum['id']}").status_code == 204
    expect_error(mgr.get(f"/qos/alias_minimum_bandwidth_rules/{minimum['id']}"), 404, "QosRuleNotFound")
    expect_error(mgr.get(f"{Q}/{pid}/bandwidth_limit_rules/{dscp['id']}"), 404, "QosRuleNotFound")
    # a member of another project sees neither the policy nor its rules
    expect_error(member.get(f"{Q}/{pid}"), 404, "QosPolicyNotFound")
    expect_error(member.get(f"{Q}/{pid}/dscp_marking_rules/{dscp['id']}"), 404, "QosPolicyNotFound")
    renamed = mgr.put(f"{Q}/{pid}", {"policy": {"name": "silver", "description": "d"}}).json()["policy"]
    assert renamed["name"] == "silver" and renamed["revision_number"] > created["revision_number"]
    assert mgr.put(f"{Q}/{pid}/tags", {"tags": ["a", "b"]}).json()["tags"] == ["a", "b"]
    assert [p["id"] for p in mgr.get(Q, params={"tags": "a"}).json()["policies"]] == [pid]
    assert mgr.delete(f"{Q}/{pid}").status_code == 204
    expect_error(mgr.get(f"{Q}/{pid}"), 404, "QosPolicyNotFound")


def test_members_may_not_manage_policies(member: Neutron, admin: Neutron) -> None:
    expect_error(member.post(Q, {"policy": {"name": "nope"}}), 403, "PolicyNotAuthorized")
    own = policy(admin, me(member))
    assert member.get(f"{Q}/{own['id']}").status_code == 200  # readers see their project's policies
    expect_error(member.put(f"{Q}/{own['id']}", {"policy": {"name": "x"}}), 403, "PolicyNotAuthorized")
    bad = member.post(f"{Q}/{own['id']}/bandwidth_limit_rules", {"bandwidth_limit_rule": {"max_kbps": 1}})
    expect_error(bad, 403, "PolicyNotAuthorized")
    assert admin.delete(f"{Q}/{own['id']}").status_code == 204


def test_rule_types(member: Neutron, admin: Neutron) -> None:
    types = {t["type"] for t in member.get("/qos/rule-types").json()["rule_types"]}
    assert types == {"bandwidth_limit", "dscp_marking", "minimum_bandwidth"}
    every = {t["type"] for t in member.get("/qos/rule-types", params={"all_rules": "true"}).json()["rule_types"]}
    assert {"packet_rate_limit", "minimum_packet_rate"} <= every
    detail = admin.get("/qos/rule-types/bandwidth_limit").json()["rule_type"]
    (driver,) = detail["drivers"]
    assert driver["name"] == "ovn"
    params = {p["parameter_name"]: p for p in driver["supported_parameters"]}
    assert params["direction"]["parameter_values"] == ["ingress", "egress"]
    assert params["max_kbps"]["parameter_type"] == "range"
    expect_error(member.get("/qos/rule-types/bandwidth_limit"), 403, "NotAuthorized")
    expect_error(member.get("/qos/rule-types", params={"colour": "red"}), 400, "HTTPBadRequest")


def test_bound_to_ports_and_networks(admin: Neutron, member: Neutron, alt: Neutron) -> None:
    project = me(member)
    pol = policy(admin, project)
    rule(admin, pol["id"], "bandwidth_limit", max_kbps=100)
    net = member.network(qos_policy_id=pol["id"])
    assert net["qos_policy_id"] == pol["id"]
    member.subnet(net["id"], "10.170.0.0/24")
    port = member.port(net["id"], qos_policy_id=pol["id"])
    assert port["qos_policy_id"] == pol["id"] and port["qos_network_policy_id"] == pol["id"]
    msg = expect_error(admin.delete(f"{Q}/{pol['id']}"), 409, "QosPolicyInUse")
    assert "port" in msg or "network" in msg
    cleared = member.put(f"/ports/{port['id']}", {"port": {"qos_policy_id": None}}).json()["port"]
    assert cleared["qos_policy_id"] is None and cleared["qos_network_policy_id"] == pol["id"]
    member.put(f"/networks/{net['id']}", {"network": {"qos_policy_id": None}})
    # another project's policy cannot be used; shared through RBAC it can
    other = policy(admin, me(alt))
    expect_error(member.put(f"/ports/{port['id']}", {"port": {"qos_policy_id": other["id"]}}), 404,
                 "QosPolicyNotFound")  # fmt: skip
    admin.create("rbac-policies", "rbac_policy", object_type="qos_policy", object_id=other["id"],
                 action="access_as_shared", target_tenant=project)  # fmt: skip
    assert member.get(f"{Q}/{other['id']}").json()["policy"]["shared"] is True
    bound = member.put(f"/ports/{port['id']}", {"port": {"qos_policy_id": other["id"]}}).json()["port"]
    assert bound["qos_policy_id"] == other["id"]
    (entry,) = admin.get("/rbac-policies", params={"object_id": other["id"]}).json()["rbac_policies"]
    expect_error(admin.delete(f"/rbac-policies/{entry['id']}"), 409, "RbacPolicyInUse")
    assert member.delete(f"/ports/{port['id']}").status_code == 204
    assert admin.delete(f"{Q}/{pol['id']}").status_code == 204
    assert admin.delete(f"{Q}/{other['id']}").status_code == 204
    assert admin.get("/rbac-policies", params={"object_id": other["id"]}).json()["rbac_policies"] == []


def test_default_policy_applies_to_new_networks(server: Server, admin_token: str, admin: Neutron) -> None:
    project, member = fresh_member(server, admin_token, "qosd")
    default = policy(admin, project, is_default=True)
    assert default["is_default"] is True
    second = admin.post(Q, {"policy": {"name": "two", "project_id": project, "is_default": True}})
    assert project in expect_error(second, 409, "QoSPolicyDefaultAlreadyExists")
    net = member.network()
    assert net["qos_policy_id"] == default["id"]
    assert [p["id"] for p in admin.get(Q, params={"is_default": "true", "project_id": project}).json()["policies"]] == [
        default["id"]
    ]
    admin.put(f"{Q}/{default['id']}", {"policy": {"is_default": False}})
    assert member.network()["qos_policy_id"] is None
    member.close()


def test_minimum_bandwidth_is_placement_tracked(admin: Neutron) -> None:
    project = me(admin)
    pol = policy(admin, project)
    net, _sub = admin.network_with_subnet("10.171.0.0/24")
    admin.port(net["id"], qos_policy_id=pol["id"], device_owner="compute:nova", device_id=name("vm"),
               **{"binding:host_id": "compute1"})  # fmt: skip
    refused = admin.post(f"{Q}/{pol['id']}/minimum_bandwidth_rules", {"minimum_bandwidth_rule": {"min_kbps": 10}})
    assert refused.status_code == 501, refused.text
    assert admin.get(f"{Q}/{pol['id']}").json()["policy"]["rules"] == []
    assert rule(admin, pol["id"], "dscp_marking", dscp_mark=8)["dscp_mark"] == 8


def test_shared_attribute(admin: Neutron, alt: Neutron) -> None:
    pol = policy(admin, me(admin), shared=True)
    assert alt.get(f"{Q}/{pol['id']}").json()["policy"]["shared"] is True
    (entry,) = admin.get("/rbac-policies", params={"object_id": pol["id"]}).json()["rbac_policies"]
    assert entry["object_type"] == "qos_policy" and entry["target_tenant"] == "*"
    assert admin.put(f"{Q}/{pol['id']}", {"policy": {"shared": False}}).json()["policy"]["shared"] is False
    expect_error(alt.get(f"{Q}/{pol['id']}"), 404, "QosPolicyNotFound")
    assert admin.delete(f"{Q}/{pol['id']}").status_code == 204
