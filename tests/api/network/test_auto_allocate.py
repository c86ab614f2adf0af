"""Auto-allocated topology over raw HTTP: dry run, the topology built once (network,
v4/v6 subnets from the default pools, router to the default external network), admin
and other projects, deletion (refused while a port is in use, nothing touched), and the
default external network (``is_default``)."""

from __future__ import annotations

from typing import Any

from tests.api.network.util import Neutron, expect_error, fresh_member
from tests.server import Server

A = "/auto-allocated-topology"


def me(client: Neutron) -> str:
    return str(client.get("/quotas/project").json()["project"]["project_id"])


def test_dry_run_build_once_and_delete(server: Server, admin_token: str, admin: Neutron) -> None:
    project, member = fresh_member(server, admin_token, "auto")
    check = member.get(f"{A}/{project}", params={"fields": "dry-run"})
    assert check.status_code == 200, check.text
    assert check.json()["auto_allocated_topology"]["id"] == "dry-run=pass"
    assert member.get("/networks", params={"project_id": project}).json()["networks"] == []  # nothing built
    topo = member.get(f"{A}/{project}").json()["auto_allocated_topology"]
    assert set(topo) == {"id", "tenant_id", "project_id"} and topo["project_id"] == project
    net = member.get(f"/networks/{topo['id']}").json()["network"]
    assert net["name"] == "auto_allocated_network" and net["admin_state_up"] is True and net["shared"] is False
    subnets = member.get("/subnets", params={"network_id": net["id"]}).json()["subnets"]
    by_version = {s["ip_version"]: s for s in subnets}
    assert set(by_version) == {4, 6}
    assert by_version[4]["name"] == "auto_allocated_subnet_v4" and by_version[4]["cidr"].endswith("/26")
    assert by_version[6]["cidr"].startswith("fd") and by_version[6]["cidr"].endswith("/64")
    pools = {p["name"]: p["id"] for p in member.get("/subnetpools").json()["subnetpools"]}
    assert by_version[4]["subnetpool_id"] == pools["shared-default-subnetpool-v4"]
    (router,) = member.get("/routers").json()["routers"]
    assert router["name"] == "auto_allocated_router"
    assert router["external_gateway_info"]["network_id"] == member.public()["id"]
    ifaces = member.get("/ports", params={"device_id": router["id"], "device_owner": "network:router_interface"})
    assert {p["fixed_ips"][0]["subnet_id"] for p in ifaces.json()["ports"]} == {s["id"] for s in subnets}
    # asked again (also with the 'None' project and by the admin): the same network
    assert member.get(f"{A}/{project}").json()["auto_allocated_topology"]["id"] == net["id"]
    assert member.get(f"{A}/None").json()["auto_allocated_topology"]["id"] == net["id"]
    assert admin.get(f"{A}/{project}").json()["auto_allocated_topology"]["id"] == net["id"]
    # a port in use keeps it all in place
    port = member.port(net["id"])
    expect_error(member.delete(f"{A}/{project}"), 409, "NetworkInUse")
    assert member.get(f"/routers/{router['id']}").status_code == 200
    assert len(member.get("/ports", params={"device_id": router["id"]}).json()["ports"]) == 2  # the interfaces
    assert member.delete(f"/ports/{port['id']}").status_code == 204
    assert member.delete(f"{A}/{project}").status_code == 204
    expect_error(member.get(f"/networks/{net['id']}"), 404, "NetworkNotFound")
    assert member.get("/routers").json()["routers"] == []
    assert member.delete(f"{A}/{project}").status_code == 204  # none left: still fine
    member.close()


def test_other_projects_and_bad_requests(member: Neutron, alt: Neutron, admin: Neutron) -> None:
    expect_error(member.get(f"{A}/{me(alt)}"), 403, "NotAuthorized")
    expect_error(member.delete(f"{A}/{me(alt)}"), 403, "NotAuthorized")
    expect_error(member.get(f"{A}/{me(member)}", params={"fields": "id"}), 400, "BadRequest")
    admin_view = admin.get(f"{A}/{me(alt)}", params={"fields": "dry-run"})
    assert admin_view.status_code == 200


def test_default_external_network(admin: Neutron, member: Neutron) -> None:
    public = admin.public()
    assert public["is_default"] is True
    plain = admin.network()
    assert "is_default" not in plain  # only external networks say
    other = admin.network(**{"router:external": True})
    assert other["is_default"] is False
    msg = expect_error(
        admin.put(f"/networks/{other['id']}", {"network": {"is_default": True}}), 409, "DefaultExternalNetworkExists"
    )
    assert public["id"] in msg
    clash = admin.post("/networks", {"network": {"router:external": True, "is_default": True}})
    expect_error(clash, 409, "DefaultExternalNetworkExists")
    expect_error(member.post("/networks", {"network": {"is_default": True}}), 403, "PolicyNotAuthorized")
    # without a default external network nothing can be built
    try:
        assert admin.put(f"/networks/{public['id']}", {"network": {"is_default": False}}).status_code == 200
        msg = expect_error(member.get(f"{A}/{me(member)}"), 409, "AutoAllocationFailure")
        assert "No default router:external network" in msg
        expect_error(member.get(f"{A}/{me(member)}", params={"fields": "dry-run"}), 409, "AutoAllocationFailure")
        moved = admin.put(f"/networks/{other['id']}", {"network": {"is_default": True}}).json()["network"]
        assert moved["is_default"] is True
        # the default external network must stay shared with everyone
        (wildcard,) = admin.get("/rbac-policies", params={"object_id": other["id"]}).json()["rbac_policies"]
        expect_error(admin.delete(f"/rbac-policies/{wildcard['id']}"), 409, "RbacPolicyInUse")
        assert admin.put(f"/networks/{other['id']}", {"network": {"is_default": False}}).status_code == 200
    finally:
        restored: Any = admin.put(f"/networks/{public['id']}", {"network": {"is_default": True}})
        assert restored.status_code == 200, restored.text
    for net in (plain, other):
        assert admin.delete(f"/networks/{net['id']}").status_code == 204


def test_reader_may_build_member_may_delete(server: Server, admin_token: str, admin: Neutron) -> None:
    project, member = fresh_member(server, admin_token, "autor")
    with server.http(admin_token) as c:
        roles = {r["name"]: r["id"] for r in c.get("/v3/roles").json()["roles"]}
        user = c.post("/v3/users", json={"user": {"name": f"reader-{project[:8]}", "password": "secret",
                                                   "domain_id": "default"}}).json()["user"]  # fmt: skip
        c.put(f"/v3/projects/{project}/users/{user['id']}/roles/{roles['reader']}")
    reader = Neutron(server, server.token(f"reader-{project[:8]}", None, scope={"project": {"id": project}}))
    built = reader.get(f"{A}/{project}")
    assert built.status_code == 200, built.text
    expect_error(reader.delete(f"{A}/{project}"), 403, "PolicyNotAuthorized")
    assert member.delete(f"{A}/{project}").status_code == 204
    reader.close()
    member.close()
