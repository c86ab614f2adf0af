"""Bad input never becomes a 500: every writable attribute of every resource, on create
and on update, replaced by values of the wrong kind, answers a 4xx in Neutron's shape
(or succeeds where upstream would accept the value)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from pocketstack.services.network.resources import RESOURCES
from tests.api.network.util import Neutron, error_type

ODD: list[Any] = [None, 0, -1, 1.5, True, "", "x", "🙂" * 300, [], [1, None], {}, {"a": [1]}, "10.0.0.0/33", "::1"]
URLS = {
    "security_groups": "security-groups",
    "security_group_rules": "security-group-rules",
    "rbac_policies": "rbac-policies",
    "policies": "qos/policies",
    "address_scopes": "address-scopes",
}
# QoS policies and rules are the admin's (or a project manager's)
ADMIN_ONLY = ("policies", "bandwidth_limit_rules", "dscp_marking_rules", "minimum_bandwidth_rules", "segments")


@pytest.fixture(scope="module")
def bases(member: Neutron, admin: Neutron) -> dict[str, tuple[dict[str, Any], str]]:
    """A valid create body and an existing resource id, per collection."""
    net, sub = member.network_with_subnet("10.210.0.0/24")
    port = member.port(net["id"])
    sg = member.security_group()
    rule = member.rule(sg["id"], protocol="tcp", port_range_min=1, port_range_max=2)
    router = member.router()
    pool = member.create("subnetpools", "subnetpool", name="fuzz", prefixes=["10.211.0.0/16"])
    fip = member.create("floatingips", "floatingip", floating_network_id=member.public()["id"])
    share = {"object_type": "network", "object_id": net["id"], "action": "access_as_shared"}
    policy = member.create("rbac-policies", "rbac_policy", **share, target_tenant=uuid.uuid4().hex)
    qos = admin.create("qos/policies", "policy", name="fuzz")
    qos_rules = {}
    for kind, attrs in (("bandwidth_limit", {"max_kbps": 10}), ("dscp_marking", {"dscp_mark": 8}),
                        ("minimum_bandwidth", {"min_kbps": 1})):  # fmt: skip
        made = admin.post(f"/qos/policies/{qos['id']}/{kind}_rules", {f"{kind}_rule": attrs}).json()[f"{kind}_rule"]
        URLS[f"{kind}_rules"] = f"qos/policies/{qos['id']}/{kind}_rules"
        qos_rules[f"{kind}_rules"] = (attrs, made["id"])
    trunk_port = member.port(net["id"])
    trunk = member.create("trunks", "trunk", port_id=member.port(net["id"])["id"])
    routed = admin.network()
    seg_base = {"network_id": routed["id"], "network_type": "vlan", "physical_network": "public"}
    segment = admin.create("segments", "segment", **seg_base)
    scope = member.create("address-scopes", "address_scope", name="fuzz", ip_version=4)
    return {
        **qos_rules,
        "address_scopes": ({"name": "fuzz", "ip_version": 4}, scope["id"]),
        "segments": (seg_base, segment["id"]),
        "policies": ({"name": "fuzz2"}, qos["id"]),
        "trunks": ({"port_id": trunk_port["id"]}, trunk["id"]),
        "networks": ({"name": "fuzz"}, net["id"]),
        "subnets": ({"network_id": net["id"], "cidr": "10.212.0.0/24", "ip_version": 4}, sub["id"]),
        "ports": ({"network_id": net["id"]}, port["id"]),
        "security_groups": ({"name": "fuzz"}, sg["id"]),
        "security_group_rules": ({"security_group_id": sg["id"], "direction": "ingress"}, rule["id"]),
        "routers": ({"name": "fuzz"}, router["id"]),
        "subnetpools": ({"name": "fuzz", "prefixes": ["10.213.0.0/16"]}, pool["id"]),
        "floatingips": ({"floating_network_id": member.public()["id"]}, fip["id"]),
        "rbac_policies": ({**share, "target_tenant": uuid.uuid4().hex}, policy["id"]),
    }


def _check(resp: Any, where: str) -> None:
    assert resp.status_code < 500, f"{where}: {resp.status_code} {resp.text[:300]}"
    if resp.status_code >= 400:
        error_type(resp)


@pytest.mark.parametrize("collection", sorted(RESOURCES))
def test_odd_values_on_create_and_update(
    member: Neutron, admin: Neutron, bases: dict[str, Any], collection: str
) -> None:
    client = admin if collection in ADMIN_ONLY else member
    resource = RESOURCES[collection]
    base, existing = bases[collection]
    url = "/" + URLS.get(collection, collection)
    for attr in resource.attrs.values():
        for value in ODD:
            if attr.post:
                body = {resource.name: {**base, attr.name: value}}
                resp = client.post(url, body)
                _check(resp, f"POST {url} {attr.name}={value!r}")
                if resp.status_code == 201:  # accepted: don't let it pile up (quotas)
                    client.delete(f"{url}/{resp.json()[resource.name]['id']}")
            if attr.put:
                resp = client.put(f"{url}/{existing}", {resource.name: {attr.name: value}})
                _check(resp, f"PUT {url} {attr.name}={value!r}")


@pytest.mark.parametrize("collection", sorted(RESOURCES))
def test_odd_bodies(member: Neutron, admin: Neutron, bases: dict[str, Any], collection: str) -> None:
    client = admin if collection in ADMIN_ONLY else member
    resource = RESOURCES[collection]
    _base, existing = bases[collection]
    url = "/" + URLS.get(collection, collection)
    for body in (
        None,
        [],
        "x",
        5,
        {resource.name: None},
        {resource.name: []},
        {resource.collection: "x"},
        {resource.collection: [None]},
        {resource.collection: [[]]},
    ):
        _check(client.post(url, body), f"POST {url} {body!r}")
        _check(client.put(f"{url}/{existing}", body), f"PUT {url} {body!r}")


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/networks", {"limit": "abc"}),
        ("/networks", {"marker": "x", "limit": "1"}),
        ("/ports", {"fixed_ips": "nonsense"}),
        ("/ports", {"fixed_ips": "ip_address"}),
        ("/networks", {"admin_state_up": "perhaps"}),
        ("/networks", {"mtu": "big"}),
        ("/security-group-rules", {"port_range_min": "x"}),
        ("/networks", {"sort_key": ["name", "id"], "sort_dir": ["asc"]}),
        ("/networks", {"fields": ""}),
        ("/networks", {"tags": ""}),
        ("/networks", {"page_reverse": "maybe", "limit": "2"}),
    ],
)
def test_odd_queries(member: Neutron, path: str, params: dict[str, Any]) -> None:
    _check(member.get(path, params=params), f"GET {path} {params}")


def test_odd_action_bodies(member: Neutron, admin: Neutron, bases: dict[str, Any]) -> None:
    router = bases["routers"][1]
    net = bases["networks"][1]
    pool = bases["subnetpools"][1]
    me = member.get("/quotas/project").json()["project"]["project_id"]
    for body in (
        None,
        [],
        "x",
        {"subnet_id": None},
        {"subnet_id": 5},
        {"port_id": []},
        {"router": {"routes": "x"}},
        {"router": {"routes": [{"destination": None}]}},
        {"tags": None},
        {"tags": [5]},
        {"prefixes": [1]},
        {"quota": None},
        {"quota": {"network": None}},
    ):
        for path in (
            f"/routers/{router}/add_router_interface",
            f"/routers/{router}/remove_router_interface",
            f"/routers/{router}/add_extraroutes",
            f"/routers/{router}/remove_extraroutes",
            f"/networks/{net}/tags",
            f"/subnetpools/{pool}/add_prefixes",
            f"/subnetpools/{pool}/remove_prefixes",
            f"/trunks/{bases['trunks'][1]}/add_subports",
            f"/trunks/{bases['trunks'][1]}/remove_subports",
        ):
            _check(member.put(path, body), f"PUT {path} {body!r}")
        _check(member.post(f"/networks/{net}/tags", body), f"POST tags {body!r}")
        _check(admin.put(f"/quotas/{me}", body), f"PUT quota {body!r}")
