"""Address scopes over raw HTTP: scopes and the subnet pools that join them (IP version,
prefix conflicts, ownership), a network's ipv4/ipv6 address scopes, sharing (also by
RBAC), in-use refusals and Neutron's error types."""

from __future__ import annotations

from typing import Any

from tests.api.network.util import Neutron, expect_error, name

A = "/address-scopes"


def me(client: Neutron) -> str:
    return str(client.get("/quotas/project").json()["project"]["project_id"])


def pool(client: Neutron, prefix: str, **attrs: Any) -> dict[str, Any]:
    attrs.setdefault("default_prefixlen", 24)
    return client.create("subnetpools", "subnetpool", name=name("pool"), prefixes=[prefix], **attrs)


def test_scope_pools_and_networks(member: Neutron) -> None:
    scope = member.create("address-scopes", "address_scope", name=name("scope"), ip_version=4)
    assert set(scope) == {"id", "name", "tenant_id", "project_id", "shared", "ip_version"}
    assert scope["shared"] is False and scope["ip_version"] == 4
    first = pool(member, "10.200.0.0/16", address_scope_id=scope["id"])
    assert first["address_scope_id"] == scope["id"]
    expect_error(member.post("/subnetpools", {"subnetpool": {"name": "x", "prefixes": ["10.200.128.0/20"],
                                                             "address_scope_id": scope["id"]}}), 409,
                 "AddressScopePrefixConflict")  # fmt: skip
    v6 = member.post("/subnetpools", {"subnetpool": {"name": "x", "prefixes": ["fd00:1::/48"],
                                                     "address_scope_id": scope["id"]}})  # fmt: skip
    expect_error(v6, 400, "IllegalSubnetPoolIpVersionAssociationToAddressScope")
    second = pool(member, "10.201.0.0/16")
    joined = member.put(f"/subnetpools/{second['id']}", {"subnetpool": {"address_scope_id": scope["id"]}})
    assert joined.json()["subnetpool"]["address_scope_id"] == scope["id"]
    grow = member.put(f"/subnetpools/{second['id']}/add_prefixes", {"prefixes": ["10.200.5.0/24"]})
    expect_error(grow, 409, "AddressScopePrefixConflict")
    net = member.network()
    sub = member.create("subnets", "subnet", network_id=net["id"], ip_version=4, subnetpool_id=first["id"])
    shown = member.get(f"/networks/{net['id']}").json()["network"]
    assert shown["ipv4_address_scope"] == scope["id"] and shown["ipv6_address_scope"] is None
    expect_error(member.delete(f"{A}/{scope['id']}"), 409, "AddressScopeInUse")
    assert member.delete(f"/subnets/{sub['id']}").status_code == 204
    assert member.get(f"/networks/{net['id']}").json()["network"]["ipv4_address_scope"] is None
    for p in (first, second):
        assert member.put(f"/subnetpools/{p['id']}", {"subnetpool": {"address_scope_id": None}}).status_code == 200
    renamed = member.put(f"{A}/{scope['id']}", {"address_scope": {"name": "renamed"}}).json()["address_scope"]
    assert renamed["name"] == "renamed"
    expect_error(member.put(f"{A}/{scope['id']}", {"address_scope": {"ip_version": 6}}), 400, "HTTPBadRequest")
    assert member.delete(f"{A}/{scope['id']}").status_code == 204
    expect_error(member.get(f"{A}/{scope['id']}"), 404, "AddressScopeNotFound")


def test_sharing(admin: Neutron, member: Neutron, alt: Neutron) -> None:
    expect_error(member.post(A, {"address_scope": {"ip_version": 4, "shared": True}}), 403, "PolicyNotAuthorized")
    shared = admin.create("address-scopes", "address_scope", name=name("shared"), ip_version=6, shared=True)
    assert member.get(f"{A}/{shared['id']}").json()["address_scope"]["shared"] is True
    mine = pool(member, "fd00:2::/48", default_prefixlen=64, address_scope_id=shared["id"])
    assert mine["address_scope_id"] == shared["id"]
    # a pool in a scope someone else owns cannot be changed by its project
    expect_error(member.put(f"/subnetpools/{mine['id']}", {"subnetpool": {"name": "x"}}), 400,
                 "IllegalSubnetPoolUpdate")  # fmt: skip
    expect_error(admin.put(f"{A}/{shared['id']}", {"address_scope": {"shared": False}}), 400,
                 "AddressScopeUpdateError")  # fmt: skip
    private = admin.create("address-scopes", "address_scope", name=name("priv"), ip_version=4)
    expect_error(alt.get(f"{A}/{private['id']}"), 404, "AddressScopeNotFound")
    bad = alt.post("/subnetpools", {"subnetpool": {"name": "x", "prefixes": ["10.202.0.0/16"],
                                                   "address_scope_id": private["id"]}})  # fmt: skip
    expect_error(bad, 400, "IllegalSubnetPoolAssociationToAddressScope")
    admin.create("rbac-policies", "rbac_policy", object_type="address_scope", object_id=private["id"],
                 action="access_as_shared", target_tenant=me(alt))  # fmt: skip
    theirs = pool(alt, "10.202.0.0/16", address_scope_id=private["id"])
    (entry,) = admin.get("/rbac-policies", params={"object_id": private["id"]}).json()["rbac_policies"]
    expect_error(admin.delete(f"/rbac-policies/{entry['id']}"), 409, "RbacPolicyInUse")
    assert alt.delete(f"/subnetpools/{theirs['id']}").status_code == 204
    assert admin.delete(f"/rbac-policies/{entry['id']}").status_code == 204
    assert admin.delete(f"/subnetpools/{mine['id']}").status_code == 204
    for scope in (shared, private):
        assert admin.delete(f"{A}/{scope['id']}").status_code == 204
