"""Segments and multi-provider networks over raw HTTP: every network's segment, segments
added to a network (which then lists ``segments`` instead of ``provider:*``), subnets on
segments, the rules binding them, and admin-only access."""

from __future__ import annotations

from tests.api.network.util import Neutron, expect_error

S = "/segments"


def test_every_network_has_its_segment(admin: Neutron) -> None:
    net = admin.network(**{"provider:network_type": "vlan", "provider:physical_network": "public",
                           "provider:segmentation_id": 2201})  # fmt: skip
    (segment,) = admin.get(S, params={"network_id": net["id"]}).json()["segments"]
    assert segment["network_type"] == "vlan" and segment["segmentation_id"] == 2201
    assert segment["physical_network"] == "public" and segment["name"] is None
    assert set(segment) == {"id", "network_id", "name", "description", "physical_network", "network_type",
                            "segmentation_id", "created_at", "updated_at", "revision_number"}  # fmt: skip
    shown = admin.get(f"{S}/{segment['id']}").json()["segment"]
    assert shown == segment
    renamed = admin.put(f"{S}/{segment['id']}", {"segment": {"name": "seg-a", "description": "rack 1"}}).json()
    assert renamed["segment"]["name"] == "seg-a" and renamed["segment"]["description"] == "rack 1"
    expect_error(admin.put(f"{S}/{segment['id']}", {"segment": {"network_type": "flat"}}), 400, "HTTPBadRequest")
    assert admin.delete(f"/networks/{net['id']}").status_code == 204
    expect_error(admin.get(f"{S}/{segment['id']}"), 404, "SegmentNotFound")


def test_routed_network_with_segments_and_subnets(admin: Neutron) -> None:
    net = admin.network(**{"provider:network_type": "vlan", "provider:physical_network": "public",
                           "provider:segmentation_id": 2202})  # fmt: skip
    first = admin.get(S, params={"network_id": net["id"]}).json()["segments"][0]
    second = admin.create("segments", "segment", network_id=net["id"], network_type="vlan",
                          physical_network="public", segmentation_id=2203, name="seg-b")  # fmt: skip
    shown = admin.get(f"/networks/{net['id']}").json()["network"]
    assert "provider:network_type" not in shown
    assert shown["segments"] == [
        {"provider:network_type": "vlan", "provider:physical_network": "public", "provider:segmentation_id": 2202},
        {"provider:network_type": "vlan", "provider:physical_network": "public", "provider:segmentation_id": 2203},
    ]
    clash = admin.post(S, {"segment": {"network_id": net["id"], "network_type": "vlan",
                                       "physical_network": "public", "segmentation_id": 2203}})  # fmt: skip
    assert clash.status_code in (400, 409), clash.text
    sub_a = admin.subnet(net["id"], "10.190.0.0/24", segment_id=first["id"])
    assert sub_a["segment_id"] == first["id"]
    sub_b = admin.subnet(net["id"], "10.190.1.0/24", segment_id=second["id"])
    # all subnets on segments or none
    no_segment = admin.post("/subnets", {"subnet": {"network_id": net["id"], "cidr": "10.190.2.0/24",
                                                    "ip_version": 4}})  # fmt: skip
    expect_error(no_segment, 400, "SubnetsNotAllAssociatedWithSegments")
    other = admin.network()
    wrong = admin.post("/subnets", {"subnet": {"network_id": other["id"], "cidr": "10.190.3.0/24",
                                               "ip_version": 4, "segment_id": first["id"]}})  # fmt: skip
    expect_error(wrong, 400, "NetworkIdsDontMatch")
    moved = admin.put(f"/subnets/{sub_b['id']}", {"subnet": {"segment_id": first["id"]}})
    expect_error(moved, 400, "SubnetSegmentAssociationChangeNotAllowed")
    # a segment with subnets stays; provider attributes of a multi-segment network stay
    msg = expect_error(admin.delete(f"{S}/{second['id']}"), 409, "SegmentInUse")
    assert sub_b["id"] in msg
    change = admin.put(f"/networks/{net['id']}", {"network": {"provider:segmentation_id": 2299}})
    expect_error(change, 400, "InvalidInput")
    assert admin.delete(f"/subnets/{sub_b['id']}").status_code == 204
    assert admin.delete(f"{S}/{second['id']}").status_code == 204
    back = admin.get(f"/networks/{net['id']}").json()["network"]
    assert back["provider:segmentation_id"] == 2202 and "segments" not in back
    # the id the deleted segment held is free again
    again = admin.create("segments", "segment", network_id=net["id"], network_type="vlan",
                         physical_network="public", segmentation_id=2203)  # fmt: skip
    assert again["segmentation_id"] == 2203
    admin.delete(f"/subnets/{sub_a['id']}")
    assert admin.delete(f"/networks/{net['id']}").status_code == 204
    assert admin.delete(f"/networks/{other['id']}").status_code == 204


def test_multi_provider_create(admin: Neutron) -> None:
    net = admin.network(segments=[
        {"provider:network_type": "vlan", "provider:physical_network": "public", "provider:segmentation_id": 2211},
        {"provider:network_type": "geneve"},
    ])  # fmt: skip
    kinds = [s["provider:network_type"] for s in net["segments"]]
    assert kinds == ["vlan", "geneve"] and net["mtu"] == 1442  # the smallest segment MTU
    assert isinstance(net["segments"][1]["provider:segmentation_id"], int)
    both = admin.post("/networks", {"network": {"provider:network_type": "geneve",
                                                "segments": [{"provider:network_type": "geneve"}]}})  # fmt: skip
    expect_error(both, 400, "SegmentsSetInConjunctionWithProviders")
    dup = {"provider:network_type": "vlan", "provider:physical_network": "public", "provider:segmentation_id": 2212}
    expect_error(admin.post("/networks", {"network": {"segments": [dup, dict(dup)]}}), 400,
                 "SegmentsContainDuplicateEntry")  # fmt: skip
    bad = admin.post("/networks", {"network": {"segments": [{"provider:network_type": "vlan", "colour": "red"}]}})
    expect_error(bad, 400, "HTTPBadRequest")
    assert admin.delete(f"/networks/{net['id']}").status_code == 204


def test_segments_are_the_admins(admin: Neutron, member: Neutron) -> None:
    net = member.network()
    assert member.get(S).json()["segments"] == []  # none the member may see
    denied = member.post(S, {"segment": {"network_id": net["id"], "network_type": "geneve"}})
    expect_error(denied, 403, "PolicyNotAuthorized")
    sub = member.subnet(net["id"], "10.191.0.0/24")
    assert "segment_id" not in sub  # admin only
    assert "segments" not in member.get(f"/networks/{net['id']}").json()["network"]
