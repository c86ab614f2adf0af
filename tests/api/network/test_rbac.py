"""RBAC policies over raw HTTP: sharing networks (as shared and as external), security
groups and subnet pools with one project or all, what the target then sees and may use,
in-use refusals, validation and Neutron's error types."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.api.network.util import Neutron, expect_error, fresh_member, name
from tests.server import Server

R = "/rbac-policies"


@pytest.fixture(scope="module")
def third(server: Server, admin_token: str) -> Iterator[tuple[str, Neutron]]:
    project, client = fresh_member(server, admin_token, "third")
    yield project, client
    client.close()


def me(client: Neutron) -> str:
    return str(client.get("/quotas/project").json()["project"]["project_id"])


def share(client: Neutron, object_id: str, target: str, object_type: str = "network",
          action: str = "access_as_shared") -> dict[str, Any]:  # fmt: skip
    return client.create(
        "rbac-policies",
        "rbac_policy",
        object_type=object_type,
        object_id=object_id,
        action=action,
        target_tenant=target,
    )


def test_network_shared_with_one_project(member: Neutron, alt: Neutron, third: tuple[str, Neutron]) -> None:
    net, subnet = member.network_with_subnet("10.140.0.0/24")
    expect_error(alt.get(f"/networks/{net['id']}"), 404, "NetworkNotFound")
    policy = share(member, net["id"], me(alt))
    assert set(policy) == {"id", "project_id", "tenant_id", "object_type", "object_id", "target_tenant", "action"}
    assert policy["target_tenant"] == me(alt) and policy["project_id"] == me(member)
    # the target sees the network (shared for it), its subnet, and may create ports on it
    seen = alt.get(f"/networks/{net['id']}").json()["network"]
    assert seen["shared"] is True
    assert [n["id"] for n in alt.get("/networks", params={"shared": "true"}).json()["networks"]] == [net["id"]]
    assert alt.get(f"/subnets/{subnet['id']}").status_code == 200
    port = alt.port(net["id"])
    # the owner's view: not shared with everyone; a third project sees nothing
    assert member.get(f"/networks/{net['id']}").json()["network"]["shared"] is False
    _project, other = third
    expect_error(other.get(f"/networks/{net['id']}"), 404, "NetworkNotFound")
    expect_error(other.get(f"/subnets/{subnet['id']}"), 404, "SubnetNotFound")
    # the policy is the owner's: the target does not see it
    expect_error(alt.get(f"{R}/{policy['id']}"), 404, "RbacPolicyNotFound")
    assert [p["id"] for p in member.get(R, params={"object_id": net["id"]}).json()["rbac_policies"]] == [policy["id"]]
    # the target's port depends on the policy
    message = expect_error(member.delete(f"{R}/{policy['id']}"), 409, "RbacPolicyInUse")
    assert net["id"] in message
    moved = member.put(f"{R}/{policy['id']}", {"rbac_policy": {"target_tenant": me(member)}})
    expect_error(moved, 409, "RbacPolicyInUse")
    assert alt.delete(f"/ports/{port['id']}").status_code == 204
    assert member.delete(f"{R}/{policy['id']}").status_code == 204
    expect_error(alt.get(f"/networks/{net['id']}"), 404, "NetworkNotFound")
    expect_error(member.get(f"{R}/{policy['id']}"), 404, "RbacPolicyNotFound")


def test_shared_attribute_is_the_wildcard_entry(admin: Neutron, alt: Neutron) -> None:
    net = admin.network(shared=True)
    (entry,) = admin.get(R, params={"object_id": net["id"]}).json()["rbac_policies"]
    assert entry["target_tenant"] == "*" and entry["action"] == "access_as_shared"
    assert alt.get(f"/networks/{net['id']}").json()["network"]["shared"] is True
    admin.subnet(net["id"], "10.141.0.0/24")
    port = alt.port(net["id"])
    # unsharing would strand the other project's port
    expect_error(admin.put(f"/networks/{net['id']}", {"network": {"shared": False}}), 409, "InvalidSharedSetting")
    expect_error(admin.delete(f"{R}/{entry['id']}"), 409, "RbacPolicyInUse")
    # an entry of its own keeps the project's access: now the wildcard may go
    own = share(admin, net["id"], me(alt))
    unshared = admin.put(f"/networks/{net['id']}", {"network": {"shared": False}}).json()["network"]
    assert unshared["shared"] is False
    assert [p["id"] for p in admin.get(R, params={"object_id": net["id"]}).json()["rbac_policies"]] == [own["id"]]
    assert alt.get(f"/networks/{net['id']}").json()["network"]["shared"] is True
    assert alt.delete(f"/ports/{port['id']}").status_code == 204
    # a wildcard entry made through the API is what shared=True reads
    wildcard = share(admin, net["id"], "*")
    assert admin.get(f"/networks/{net['id']}").json()["network"]["shared"] is True
    assert admin.delete(f"{R}/{wildcard['id']}").status_code == 204
    assert admin.get(f"/networks/{net['id']}").json()["network"]["shared"] is False
    assert admin.delete(f"/networks/{net['id']}").status_code == 204
    assert admin.get(R, params={"object_id": net["id"]}).json()["rbac_policies"] == []


def test_network_shared_as_external(admin: Neutron, alt: Neutron, third: tuple[str, Neutron]) -> None:
    net = admin.network()
    admin.subnet(net["id"], "10.142.0.0/24")
    policy = share(admin, net["id"], me(alt), action="access_as_external")
    # sharing as external made the network external, for that project only
    assert admin.get(f"/networks/{net['id']}").json()["network"]["router:external"] is True
    seen = alt.get(f"/networks/{net['id']}").json()["network"]
    assert seen["router:external"] is True and seen["shared"] is False
    _project, other = third
    expect_error(other.get(f"/networks/{net['id']}"), 404, "NetworkNotFound")
    # the pools of a network one cannot see are not listed either
    assert net["id"] not in {p["network_id"] for p in other.get("/floatingip_pools").json()["floatingip_pools"]}
    router = alt.router(external_gateway_info={"network_id": net["id"]})
    expect_error(admin.delete(f"{R}/{policy['id']}"), 409, "RbacPolicyInUse")
    assert alt.put(f"/routers/{router['id']}", {"router": {"external_gateway_info": None}}).status_code == 200
    assert admin.delete(f"{R}/{policy['id']}").status_code == 204
    # the last external entry gone: no longer external
    assert admin.get(f"/networks/{net['id']}").json()["network"]["router:external"] is False
    assert admin.delete(f"/networks/{net['id']}").status_code == 204


def test_external_attribute_and_default_network(admin: Neutron) -> None:
    net = admin.network(**{"router:external": True})
    (entry,) = admin.get(R, params={"object_id": net["id"], "action": "access_as_external"}).json()["rbac_policies"]
    assert entry["target_tenant"] == "*"
    off = admin.put(f"/networks/{net['id']}", {"network": {"router:external": False}}).json()["network"]
    assert off["router:external"] is False
    assert admin.get(R, params={"object_id": net["id"]}).json()["rbac_policies"] == []
    assert admin.delete(f"/networks/{net['id']}").status_code == 204


def test_validation_and_errors(member: Neutron, alt: Neutron) -> None:
    net = member.network()
    base = {"object_type": "network", "object_id": net["id"], "action": "access_as_shared", "target_tenant": me(alt)}

    def post(**changes: Any) -> Any:
        return member.post(R, {"rbac_policy": {**base, **changes}})

    expect_error(post(object_type="bogus"), 400, "InvalidInput")
    msg = expect_error(post(action="access_as_anything"), 400, "InvalidActionForType")
    assert "Valid actions" in msg
    expect_error(post(target_tenant="not a project"), 400, "InvalidInput")
    expect_error(post(target_tenant="*"), 403, "PolicyNotAuthorized")  # wildcards are the admin's
    expect_error(post(object_id="not-a-uuid"), 400, "HTTPBadRequest")
    expect_error(post(colour="red"), 400, "HTTPBadRequest")
    first = post()
    assert first.status_code == 201
    expect_error(post(), 409, "DuplicateRbacPolicy")
    # another project's network cannot be shared by a member (upstream: InvalidInput)
    alt_net = alt.network()
    expect_error(post(object_id=alt_net["id"]), 400, "InvalidInput")
    # nor an object type whose object is not there
    expect_error(post(object_type="security_group", object_id=net["id"]), 400, "InvalidInput")
    expect_error(member.get(f"{R}/{net['id']}"), 404, "RbacPolicyNotFound")
    expect_error(member.get(R, params={"sort_key": "id", "sort_dir": "asc"}), 400, "HTTPBadRequest")
    expect_error(member.get(R, params={"colour": "red"}), 400, "HTTPBadRequest")
    # updating: only the target, never to a wildcard as a member
    policy_id = first.json()["rbac_policy"]["id"]
    expect_error(member.put(f"{R}/{policy_id}", {"rbac_policy": {"action": "x"}}), 400, "HTTPBadRequest")
    expect_error(member.put(f"{R}/{policy_id}", {"rbac_policy": {"target_tenant": "*"}}), 403, "PolicyNotAuthorized")
    other = uuid_hex()
    moved = member.put(f"{R}/{policy_id}", {"rbac_policy": {"target_tenant": other}}).json()["rbac_policy"]
    assert moved["target_tenant"] == other
    assert member.delete(f"{R}/{policy_id}").status_code == 204


def uuid_hex() -> str:
    return uuid.uuid4().hex


def test_bulk_is_all_or_nothing_and_quota(server: Server, admin_token: str, admin: Neutron) -> None:
    project, member = fresh_member(server, admin_token, "rbacq")
    net = member.network()
    items = [
        {"object_type": "network", "object_id": net["id"], "action": "access_as_shared", "target_tenant": uuid_hex()}
        for _ in range(3)
    ]
    bad = [*items, {**items[0], "target_tenant": items[0]["target_tenant"]}]
    expect_error(member.post(R, {"rbac_policies": bad}), 409, "DuplicateRbacPolicy")
    assert member.get(R).json()["rbac_policies"] == []
    created = member.post(R, {"rbac_policies": items})
    assert created.status_code == 201 and len(created.json()["rbac_policies"]) == 3
    admin.put(f"/quotas/{project}", {"quota": {"rbac_policy": 3}})
    expect_error(member.post(R, {"rbac_policy": {**items[0], "target_tenant": uuid_hex()}}), 409, "OverQuota")
    member.close()


def test_security_group_shared(member: Neutron, alt: Neutron) -> None:
    group = member.security_group()
    expect_error(alt.get(f"/security-groups/{group['id']}"), 404, "SecurityGroupNotFound")
    policy = share(member, group["id"], me(alt), object_type="security_group")
    seen = alt.get(f"/security-groups/{group['id']}").json()["security_group"]
    assert seen["shared"] is True
    assert group["id"] in {
        g["id"] for g in alt.get("/security-groups", params={"shared": "true"}).json()["security_groups"]
    }
    assert member.get(f"/security-groups/{group['id']}").json()["security_group"]["shared"] is False
    # the target may not change it, but may put its ports in it
    expect_error(
        alt.put(f"/security-groups/{group['id']}", {"security_group": {"name": "x"}}), 403, "PolicyNotAuthorized"
    )
    net, _subnet = alt.network_with_subnet("10.143.0.0/24")
    port = alt.port(net["id"], security_groups=[group["id"]])
    assert port["security_groups"] == [group["id"]]
    expect_error(member.delete(f"{R}/{policy['id']}"), 409, "RbacPolicyInUse")
    assert alt.delete(f"/ports/{port['id']}").status_code == 204
    assert member.delete(f"{R}/{policy['id']}").status_code == 204
    expect_error(alt.get(f"/security-groups/{group['id']}"), 404, "SecurityGroupNotFound")
    # security groups have no external access
    bad = member.post(R, {"rbac_policy": {"object_type": "security_group", "object_id": group["id"],
                                          "action": "access_as_external", "target_tenant": me(alt)}})  # fmt: skip
    expect_error(bad, 400, "InvalidActionForType")
    # deleting the group takes its policies along
    share(member, group["id"], me(alt), object_type="security_group")
    assert member.delete(f"/security-groups/{group['id']}").status_code == 204
    assert member.get(R, params={"object_id": group["id"]}).json()["rbac_policies"] == []


def test_subnetpool_shared(member: Neutron, alt: Neutron) -> None:
    pool = member.create("subnetpools", "subnetpool", name=name("pool"), prefixes=["10.150.0.0/16"],
                         default_prefixlen=24)  # fmt: skip
    policy = share(member, pool["id"], me(alt), object_type="subnetpool")
    assert alt.get(f"/subnetpools/{pool['id']}").json()["subnetpool"]["shared"] is True
    net = alt.network()
    subnet = alt.create("subnets", "subnet", network_id=net["id"], ip_version=4, subnetpool_id=pool["id"])
    assert subnet["cidr"].startswith("10.150.")
    expect_error(member.delete(f"{R}/{policy['id']}"), 409, "RbacPolicyInUse")
    assert alt.delete(f"/subnets/{subnet['id']}").status_code == 204
    assert member.delete(f"{R}/{policy['id']}").status_code == 204
    expect_error(alt.get(f"/subnetpools/{pool['id']}"), 404, "SubnetPoolNotFound")


def test_admin_sees_every_policy_member_only_its_own(admin: Neutron, member: Neutron, alt: Neutron) -> None:
    net = member.network()
    policy = share(member, net["id"], me(alt))
    assert admin.get(f"{R}/{policy['id']}").status_code == 200
    assert policy["id"] not in {p["id"] for p in alt.get(R).json()["rbac_policies"]}
    assert policy["id"] in {p["id"] for p in member.get(R, params={"object_type": "network"}).json()["rbac_policies"]}
    assert member.get(R, params={"object_type": "subnetpool", "object_id": net["id"]}).json()["rbac_policies"] == []
    # deleting the network takes its policies along
    assert member.delete(f"/networks/{net['id']}").status_code == 204
    expect_error(member.get(f"{R}/{policy['id']}"), 404, "RbacPolicyNotFound")
