"""Bulk creates are all or nothing: one bad item and none of the others is left."""

from __future__ import annotations

from tests.api.network.util import Neutron, expect_error, name


def test_bulk_security_groups_and_pools(member: Neutron) -> None:
    label = name("bulk")
    groups = [{"name": f"{label}-a"}, {"name": f"{label}-b"}, {"name": "default"}]
    expect_error(member.post("/security-groups", {"security_groups": groups}), 409, "SecurityGroupDefaultAlreadyExists")
    assert not [g for g in member.get("/security-groups").json()["security_groups"] if g["name"].startswith(label)]
    pools = [
        {"name": f"{label}-p1", "prefixes": ["10.230.0.0/16"]},
        {"name": f"{label}-p2", "prefixes": ["10.231.0.0/16"], "is_default": True},  # an admin's call
    ]
    expect_error(member.post("/subnetpools", {"subnetpools": pools}), 403, "PolicyNotAuthorized")
    pools[1].pop("is_default")
    pools[1]["min_prefixlen"] = 30
    pools[1]["max_prefixlen"] = 20
    expect_error(member.post("/subnetpools", {"subnetpools": pools}), 400, "IllegalSubnetPoolPrefixBounds")
    assert not [p for p in member.get("/subnetpools").json()["subnetpools"] if p["name"].startswith(label)]


def test_bulk_segments_and_scopes(admin: Neutron) -> None:
    net = admin.network()
    good = {"network_id": net["id"], "network_type": "vlan", "physical_network": "public", "segmentation_id": 2601}
    bad = {**good, "segmentation_id": 5000}
    expect_error(admin.post("/segments", {"segments": [good, bad]}), 400, "InvalidInput")
    assert len(admin.get("/segments", params={"network_id": net["id"]}).json()["segments"]) == 1
    label = name("scope")
    scopes = [{"name": label, "ip_version": 4}, {"name": label, "ip_version": 4, "project_id": "x" * 300}]
    expect_error(admin.post("/address-scopes", {"address_scopes": scopes}), 400, "HTTPBadRequest")
    assert not [s for s in admin.get("/address-scopes").json()["address_scopes"] if s["name"] == label]
    assert admin.delete(f"/networks/{net['id']}").status_code == 204
