"""The real ``openstack`` CLI against a real server: RBAC sharing (``openstack network
rbac …``) of networks, security groups and subnet pools, as the demo member and as
the admin."""

from __future__ import annotations

import uuid
from typing import Any

from tests.server import Server

MEMBER, ALT, ADMIN = "pocketstack", "pocketstack-alt", "pocketstack-admin"


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _os(server: Server, *args: str, cloud: str = MEMBER) -> Any:
    return server.openstack(*args, cloud=cloud)


def _ok(server: Server, *args: str, cloud: str = MEMBER) -> None:
    server.openstack(*args, cloud=cloud, json_output=False)


def _fails(server: Server, *args: str, cloud: str = MEMBER) -> str:
    proc = server.openstack(*args, cloud=cloud, check=False, json_output=False)
    assert proc.returncode != 0, proc.stdout
    return str(proc.stderr)


def _project_id(server: Server, name: str) -> str:
    return str(_os(server, "project", "show", name, cloud=ADMIN)["id"])


def test_share_a_network_with_one_project(server: Server) -> None:
    alt = _project_id(server, "alt_demo")
    net = _os(server, "network", "create", _name("rbac-net"))
    _os(server, "subnet", "create", _name("rbac-sub"), "--network", net["id"], "--subnet-range", "192.168.80.0/24")
    assert "No Network found" in _fails(server, "network", "show", net["id"], cloud=ALT)
    policy = _os(
        server, "network", "rbac", "create", net["id"], "--type", "network", "--action", "access_as_shared",
        "--target-project", alt,
    )  # fmt: skip
    assert policy["target_project_id"] == alt and policy["object_id"] == net["id"]
    assert _os(server, "network", "show", net["id"], cloud=ALT)["shared"] is True
    listed = _os(server, "network", "rbac", "list", "--type", "network", "--long")
    assert policy["id"] in {p["ID"] for p in listed}
    port = _os(server, "port", "create", _name("alt-port"), "--network", net["id"], cloud=ALT)
    assert "cannot be removed" in _fails(server, "network", "rbac", "delete", policy["id"])
    _ok(server, "port", "delete", port["id"], cloud=ALT)
    me = _project_id(server, "demo")
    _ok(server, "network", "rbac", "set", "--target-project", me, policy["id"])
    assert _os(server, "network", "rbac", "show", policy["id"])["target_project_id"] == me
    _ok(server, "network", "rbac", "delete", policy["id"])
    assert "No Network found" in _fails(server, "network", "show", net["id"], cloud=ALT)
    _ok(server, "network", "delete", net["id"])


def test_admin_shares_with_everyone_and_as_external(server: Server) -> None:
    net = _os(server, "network", "create", _name("rbac-all"), cloud=ADMIN)
    _os(server, "network", "rbac", "create", net["id"], "--type", "network", "--action", "access_as_shared",
        "--target-all-projects", cloud=ADMIN)  # fmt: skip
    assert _os(server, "network", "show", net["id"], cloud=ADMIN)["shared"] is True
    assert _os(server, "network", "show", net["id"], cloud=ALT)["shared"] is True
    alt = _project_id(server, "alt_demo")
    _os(server, "network", "rbac", "create", net["id"], "--type", "network", "--action", "access_as_external",
        "--target-project", alt, cloud=ADMIN)  # fmt: skip
    assert _os(server, "network", "show", net["id"], cloud=ADMIN)["router:external"] is True
    # a member cannot share with everyone
    own = _os(server, "network", "create", _name("rbac-own"))
    denied = _fails(server, "network", "rbac", "create", own["id"], "--type", "network", "--action",
                    "access_as_shared", "--target-all-projects")  # fmt: skip
    assert "403" in denied or "disallowed" in denied
    _ok(server, "network", "delete", own["id"])
    _ok(server, "network", "delete", net["id"], cloud=ADMIN)
    assert not _os(server, "network", "rbac", "list", "--long", cloud=ADMIN) or all(
        p["Object ID"] != net["id"] for p in _os(server, "network", "rbac", "list", "--long", cloud=ADMIN)
    )


def test_share_security_group_and_subnet_pool(server: Server) -> None:
    alt = _project_id(server, "alt_demo")
    group = _os(server, "security", "group", "create", _name("rbac-sg"))
    _os(server, "network", "rbac", "create", group["id"], "--type", "security_group", "--action",
        "access_as_shared", "--target-project", alt)  # fmt: skip
    seen = _os(server, "security", "group", "show", group["id"], cloud=ALT)
    assert seen.get("shared", seen.get("is_shared")) is True, seen
    pool = _os(server, "subnet", "pool", "create", _name("rbac-pool"), "--pool-prefix", "10.160.0.0/16",
               "--default-prefix-length", "26")  # fmt: skip
    _os(server, "network", "rbac", "create", pool["id"], "--type", "subnetpool", "--action", "access_as_shared",
        "--target-project", alt)  # fmt: skip
    net = _os(server, "network", "create", _name("pool-net"), cloud=ALT)
    subnet = _os(server, "subnet", "create", _name("from-pool"), "--network", net["id"], "--subnet-pool", pool["id"],
                 cloud=ALT)  # fmt: skip
    assert subnet["cidr"].startswith("10.160.") and subnet["cidr"].endswith("/26")
    port = _os(server, "port", "create", _name("sg-port"), "--network", net["id"], "--security-group", group["id"],
               cloud=ALT)  # fmt: skip
    assert port["security_group_ids"] == [group["id"]]
    _ok(server, "port", "delete", port["id"], cloud=ALT)
    _ok(server, "subnet", "delete", subnet["id"], cloud=ALT)
    _ok(server, "network", "delete", net["id"], cloud=ALT)
    _ok(server, "security", "group", "delete", group["id"])
    _ok(server, "subnet", "pool", "delete", pool["id"])


def test_auto_allocated_topology(server: Server) -> None:
    project = _os(server, "project", "create", _name("auto-topo"), cloud=ADMIN)["id"]
    check = server.openstack(
        "network", "auto", "allocated", "topology", "create", "--project", project, "--check-resources", cloud=ADMIN
    )
    assert "dry_run" in check
    topo = _os(server, "network", "auto", "allocated", "topology", "create", "--project", project, cloud=ADMIN)
    assert topo["project_id"] == project
    net = _os(server, "network", "show", topo["id"], cloud=ADMIN)
    assert net["name"] == "auto_allocated_network" and len(net["subnets"]) == 2
    again = _os(server, "network", "auto", "allocated", "topology", "create", "--project", project, cloud=ADMIN)
    assert again["id"] == topo["id"]
    routers = _os(server, "router", "list", "--project", project, cloud=ADMIN)
    assert [r["Name"] for r in routers] == ["auto_allocated_router"]
    _ok(server, "network", "auto", "allocated", "topology", "delete", "--project", project, cloud=ADMIN)
    assert _os(server, "network", "list", "--project", project, cloud=ADMIN) == []
    assert _os(server, "router", "list", "--project", project, cloud=ADMIN) == []
    _ok(server, "project", "delete", project, cloud=ADMIN)


def test_devstack_pools_and_default_external_network(server: Server) -> None:
    pools = {p["Name"]: p for p in _os(server, "subnet", "pool", "list", "--long")}
    assert {"shared-default-subnetpool-v4", "shared-default-subnetpool-v6"} <= set(pools)
    v4 = _os(server, "subnet", "pool", "show", "shared-default-subnetpool-v4")
    assert v4["prefixes"] == ["10.0.0.0/22"] and v4["is_default"] is True and v4["default_prefixlen"] == 26
    public = _os(server, "network", "show", "public", cloud=ADMIN)
    assert public["is_default"] is True
    # a member builds its own topology from the pools (the demo project has one already: private)
    mine = _os(server, "network", "auto", "allocated", "topology", "create", "--check-resources")
    assert mine is not None


def test_address_scope_with_pools(server: Server) -> None:
    scope = _name("scope")
    created = _os(server, "address", "scope", "create", "--ip-version", "4", scope)
    assert created["ip_version"] == 4 and created["shared"] is False
    pool = _os(server, "subnet", "pool", "create", _name("scoped"), "--pool-prefix", "10.170.0.0/16",
               "--address-scope", scope, "--default-prefix-length", "24")  # fmt: skip
    assert pool["address_scope_id"] == created["id"]
    net = _os(server, "network", "create", _name("scoped-net"))
    _os(server, "subnet", "create", _name("scoped-sub"), "--network", net["id"], "--subnet-pool", pool["id"])
    assert _os(server, "network", "show", net["id"])["ipv4_address_scope"] == created["id"]
    listed = _os(server, "address", "scope", "list")
    assert scope in {s["Name"] for s in listed}
    _ok(server, "address", "scope", "set", "--name", f"{scope}-2", scope)
    assert "in use" in _fails(server, "address", "scope", "delete", f"{scope}-2")
    _ok(server, "network", "delete", net["id"])
    _ok(server, "subnet", "pool", "delete", pool["id"])
    _ok(server, "address", "scope", "delete", f"{scope}-2")
    shared = _os(server, "address", "scope", "create", "--ip-version", "6", "--share", _name("shared"), cloud=ADMIN)
    assert _os(server, "address", "scope", "show", shared["id"])["shared"] is True
    _ok(server, "address", "scope", "delete", shared["id"], cloud=ADMIN)
