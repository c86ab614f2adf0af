"""Quotas: show, set, details, defaults, reset, and OverQuota on create."""

from __future__ import annotations

from tests.api.network.util import Neutron, expect_error, fresh_member
from tests.server import Server


def test_show_set_details_reset(server: Server, admin_token: str, admin: Neutron) -> None:
    project, member = fresh_member(server, admin_token)
    defaults = admin.get(f"/quotas/{project}/default").json()["quota"]
    assert defaults == {
        "network": 100,
        "subnet": 100,
        "subnetpool": -1,
        "port": 500,
        "router": 10,
        "floatingip": 50,
        "security_group": 10,
        "security_group_rule": 100,
        "rbac_policy": 10,
    }
    assert member.get(f"/quotas/{project}").json()["quota"] == defaults
    updated = admin.put(f"/quotas/{project}", {"quota": {"network": 2, "port": 7}}).json()["quota"]
    assert updated["network"] == 2 and updated["port"] == 7
    listed = admin.get("/quotas").json()["quotas"]
    assert any(q["project_id"] == project and q["network"] == 2 for q in listed)
    member.network()
    details = member.get(f"/quotas/{project}/details").json()["quota"]
    assert details["network"] == {"limit": 2, "used": 1, "reserved": 0}
    member.network()
    msg = expect_error(member.post("/networks", {"network": {"name": "third"}}), 409, "OverQuota")
    assert msg == "Quota exceeded for resources: ['network']."
    msg = expect_error(admin.put(f"/quotas/{project}", {"quota": {"network": 1}}), 400, "HTTPBadRequest")
    assert "must be greater than or equal to already used 2" in msg
    assert admin.put(f"/quotas/{project}", {"quota": {"network": 1, "force": True}}).status_code == 200
    assert admin.delete(f"/quotas/{project}").status_code == 204
    assert admin.get(f"/quotas/{project}").json()["quota"]["network"] == 100
    assert member.get("/quotas/project").json() == {"project": {"project_id": project}}
    member.close()


def test_quota_permissions_and_bad_input(server: Server, admin_token: str, admin: Neutron, alt: Neutron) -> None:
    project, member = fresh_member(server, admin_token)
    expect_error(member.put(f"/quotas/{project}", {"quota": {"network": 5}}), 403, "PolicyNotAuthorized")
    expect_error(alt.get(f"/quotas/{project}"), 403, "PolicyNotAuthorized")
    expect_error(alt.get(f"/quotas/{project}/details"), 403, "AdminRequired")
    expect_error(member.get("/quotas"), 403, "PolicyNotAuthorized")
    expect_error(member.delete(f"/quotas/{project}"), 403, "PolicyNotAuthorized")
    expect_error(admin.put(f"/quotas/{project}", {"quota": {"bogus": 5}}), 400, "HTTPBadRequest")
    expect_error(admin.put(f"/quotas/{project}", {"quota": {"network": "lots"}}), 400, "InvalidInput")
    expect_error(admin.put(f"/quotas/{project}", {"quota": {"network": -2}}), 400, "HTTPBadRequest")
    member.close()


def test_port_quota_counts_every_port(server: Server, admin_token: str, admin: Neutron) -> None:
    project, member = fresh_member(server, admin_token)
    admin.put(f"/quotas/{project}", {"quota": {"port": 2}})
    net, _sub = member.network_with_subnet("10.120.0.0/24")
    # the network's metadata port is one of them (usage counts it, as upstream's does)
    member.port(net["id"])
    expect_error(member.post("/ports", {"port": {"network_id": net["id"]}}), 409, "OverQuota")
    bulk = member.post("/ports", {"ports": [{"network_id": net["id"]}]})
    expect_error(bulk, 409, "OverQuota")
    assert len(member.get("/ports", params={"network_id": net["id"]}).json()["ports"]) == 2
    member.close()
