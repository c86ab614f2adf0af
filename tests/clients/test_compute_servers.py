"""The real ``openstack`` CLI and openstacksdk against a real server: servers and their lifecycle."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.server import Server

IMAGE = "cirros-0.6.3-x86_64-disk"


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _image(server: Server) -> str:
    rows = server.openstack("image", "list")
    return next(r["ID"] for r in rows if r["Name"].startswith("cirros"))


def _create(server: Server, name: str, *extra: str, cloud: str = "pocketstack") -> dict[str, Any]:
    args = ["server", "create", name, "--image", _image(server), "--flavor", "m1.nano", "--wait", *extra]
    if server.openstack("network", "list", cloud=cloud, check=False, json_output=False).returncode == 0 and not any(
        a.startswith("--n") for a in extra
    ):
        args += ["--network", "private"] if _has_private(server, cloud) else ["--nic", "none"]
    elif not any(a.startswith("--n") for a in extra):
        args += ["--nic", "none"]
    return server.openstack(*args, cloud=cloud)


def _flavor(shown: dict[str, Any]) -> str:
    flavor = shown["flavor"]
    if isinstance(flavor, dict):
        return str(flavor.get("original_name") or flavor.get("name"))
    return str(flavor).split(" ")[0]


def _has_private(server: Server, cloud: str) -> bool:
    rows = server.openstack("network", "list", cloud=cloud)
    return any(r["Name"] == "private" for r in rows)


def test_server_create_wait_show_list_delete(server: Server) -> None:
    name = _name("vm")
    created = _create(server, name)
    assert created["status"] == "ACTIVE"
    assert created["OS-EXT-STS:vm_state"] == "active"
    assert created["adminPass"]
    shown = server.openstack("server", "show", name, cloud="pocketstack")
    assert shown["id"] == created["id"] and _flavor(shown) == "m1.nano"
    listed = server.openstack("server", "list", "--name", name, cloud="pocketstack")
    assert [r["Name"] for r in listed] == [name]
    long = server.openstack("server", "list", "--long", "--name", name, cloud="pocketstack")
    assert long[0]["Status"] == "ACTIVE" and long[0]["Power State"] in (1, "Running")
    # admins see the host; the member does not
    admin_view = server.openstack("server", "show", created["id"])
    assert admin_view["OS-EXT-SRV-ATTR:host"].startswith("compute")
    assert shown.get("OS-EXT-SRV-ATTR:host") is None
    # another project's member gets 404
    other = server.openstack("server", "show", created["id"], cloud="pocketstack-alt", check=False, json_output=False)
    assert other.returncode != 0 and "No Server found" in other.stderr
    server.openstack("server", "delete", "--wait", name, cloud="pocketstack", json_output=False)
    assert not server.openstack("server", "list", "--name", name, cloud="pocketstack")


def test_every_action(server: Server) -> None:
    name = _name("act")
    sid = _create(server, name)["id"]

    def status() -> str:
        return str(server.openstack("server", "show", sid, cloud="pocketstack")["status"])

    def run(*args: str, cloud: str = "pocketstack") -> None:
        server.openstack("server", *args, sid, cloud=cloud, json_output=False)

    run("stop")
    assert status() == "SHUTOFF"
    # stopping a stopped server is Nova's 409
    proc = server.openstack("server", "stop", sid, cloud="pocketstack", check=False, json_output=False)
    assert proc.returncode != 0 and "while it is in vm_state stopped" in proc.stderr
    run("start")
    assert status() == "ACTIVE"
    run("reboot", "--hard")
    run("reboot")
    assert status() == "ACTIVE"
    run("pause")
    assert status() == "PAUSED"
    run("unpause")
    run("suspend")
    assert status() == "SUSPENDED"
    run("resume")
    server.openstack("server", "lock", "--reason", "maintenance", sid, cloud="pocketstack", json_output=False,
                     env={"OS_COMPUTE_API_VERSION": "2.73"})  # fmt: skip
    shown = server.openstack("server", "show", sid, "--os-compute-api-version", "2.73", cloud="pocketstack")
    assert shown["locked"] is True and shown["locked_reason"] == "maintenance"
    run("unlock")
    run("rescue")
    assert status() == "RESCUE"
    run("unrescue")
    server.openstack("server", "set", "--root-password", sid, cloud="pocketstack", check=False, json_output=False)
    run("shelve")
    assert status() == "SHELVED_OFFLOADED"
    run("unshelve")
    assert status() == "ACTIVE"
    server.openstack(
        "server", "rebuild", "--image", _image(server), "--wait", sid, cloud="pocketstack", json_output=False
    )
    assert status() == "ACTIVE"
    console = server.openstack("console", "log", "show", sid, cloud="pocketstack", json_output=False).stdout
    assert "login" in console
    url = server.openstack("console", "url", "show", sid, cloud="pocketstack")
    assert url["url"].startswith("http") and url["type"] == "novnc"
    # admin only: reset state, migrate, live migrate
    server.openstack("server", "set", "--auto-approve", "--state", "error", sid, json_output=False)
    assert status() == "ERROR"
    server.openstack("server", "set", "--auto-approve", "--state", "active", sid, json_output=False)
    before = server.openstack("server", "show", sid)["OS-EXT-SRV-ATTR:host"]
    server.openstack("server", "migrate", "--live-migration", "--wait", sid, json_output=False)
    after = server.openstack("server", "show", sid)["OS-EXT-SRV-ATTR:host"]
    assert after != before
    server.openstack("server", "migrate", "--wait", sid, json_output=False)
    assert status() == "VERIFY_RESIZE"
    server.openstack("server", "resize", "confirm", sid, json_output=False)
    assert status() == "ACTIVE"
    actions = server.openstack("server", "event", "list", sid, cloud="pocketstack")
    names = [a["Action"] for a in actions]
    for expected in (
        "create",
        "stop",
        "start",
        "reboot",
        "pause",
        "suspend",
        "rescue",
        "shelve",
        "unshelve",
        "rebuild",
    ):
        assert expected in names
    server.openstack("server", "delete", "--wait", sid, cloud="pocketstack", json_output=False)


def test_resize_confirm_and_revert(server: Server) -> None:
    sid = _create(server, _name("rsz"))["id"]
    server.openstack("server", "resize", "--flavor", "m1.micro", "--wait", sid, cloud="pocketstack", json_output=False)
    shown = server.openstack("server", "show", sid, cloud="pocketstack")
    assert shown["status"] == "VERIFY_RESIZE" and _flavor(shown) == "m1.micro"
    server.openstack("server", "resize", "revert", sid, cloud="pocketstack", json_output=False)
    shown = server.openstack("server", "show", sid, cloud="pocketstack")
    assert shown["status"] == "ACTIVE" and _flavor(shown) == "m1.nano"
    server.openstack("server", "resize", "--flavor", "m1.micro", "--wait", sid, cloud="pocketstack", json_output=False)
    server.openstack("server", "resize", "confirm", sid, cloud="pocketstack", json_output=False)
    shown = server.openstack("server", "show", sid, cloud="pocketstack")
    assert shown["status"] == "ACTIVE" and _flavor(shown) == "m1.micro"
    server.openstack("server", "delete", sid, cloud="pocketstack", json_output=False)


def test_snapshot_to_image(server: Server) -> None:
    sid = _create(server, _name("snap"))["id"]
    image_name = _name("img")
    image = server.openstack("server", "image", "create", "--name", image_name, "--wait", sid, cloud="pocketstack")
    assert image["name"] == image_name
    shown = server.openstack("image", "show", image_name, cloud="pocketstack")
    assert shown["status"] == "active"
    assert shown["properties"]["instance_uuid"] == sid
    server.openstack("image", "delete", image_name, cloud="pocketstack", json_output=False)
    server.openstack("server", "delete", sid, cloud="pocketstack", json_output=False)


def test_metadata_tags_and_sdk(server: Server) -> None:
    conn = server.sdk("pocketstack")
    image = conn.image.find_image(IMAGE) or next(iter(conn.image.images()))
    flavor = conn.compute.find_flavor("m1.nano")
    created = conn.compute.create_server(
        name=_name("sdk"), image_id=image.id, flavor_id=flavor.id, networks="none", metadata={"a": "1"}
    )
    srv = conn.compute.wait_for_server(created, wait=60)
    assert srv.status == "ACTIVE"
    conn.compute.set_server_metadata(srv, b="2")
    assert dict(conn.compute.get_server_metadata(srv).metadata) == {"a": "1", "b": "2"}
    conn.compute.delete_server_metadata(srv, ["a"])
    assert dict(conn.compute.get_server_metadata(srv).metadata) == {"b": "2"}
    server.openstack("server", "set", "--tag", "blue", "--tag", "green", srv.id, cloud="pocketstack", json_output=False)
    tagged = server.openstack("server", "list", "--tags", "blue", cloud="pocketstack")
    assert srv.id in {r["ID"] for r in tagged}
    conn.compute.delete_server(srv)
    conn.compute.wait_for_delete(srv, wait=60)


def test_usage_and_limits(server: Server) -> None:
    sid = _create(server, _name("use"))["id"]
    limits = {r["Name"]: r["Value"] for r in server.openstack("limits", "show", "--absolute", cloud="pocketstack")}
    assert limits["total_instances_used"] >= 1 and limits["max_total_instances"] == 10
    usage = server.openstack("usage", "list")
    assert any(float(r["CPU Hours"]) > 0 for r in usage)  # Nova details servers only for detailed=1
    mine = server.openstack("usage", "show", cloud="pocketstack")
    assert sid in {s["instance_id"] for s in mine["Servers"]} and float(mine["RAM MB-Hours"]) > 0
    server.openstack("server", "delete", sid, cloud="pocketstack", json_output=False)


def test_hypervisors_services_zones(server: Server) -> None:
    hyps = server.openstack("hypervisor", "list")
    assert len(hyps) >= 3 and all(h["State"] == "up" for h in hyps)
    services = server.openstack("compute", "service", "list")
    assert {s["Binary"] for s in services} >= {"nova-compute", "nova-scheduler", "nova-conductor"}
    zones = server.openstack("availability", "zone", "list", "--compute")
    assert any(z["Zone Name"] == "nova" for z in zones)
    agg = server.openstack("aggregate", "create", _name("agg"), "--zone", "zone-b")
    server.openstack("aggregate", "add", "host", str(agg["id"]), "compute3", json_output=False)
    zones = {z["Zone Name"] for z in server.openstack("availability", "zone", "list", "--compute")}
    assert "zone-b" in zones
    server.openstack("aggregate", "remove", "host", str(agg["id"]), "compute3", json_output=False)
    server.openstack("aggregate", "delete", str(agg["id"]), json_output=False)


def test_microversions(server: Server, member_token: str) -> None:
    with server.http(member_token) as c:
        low = c.get("/compute/v2.1/flavors/42", headers={"OpenStack-API-Version": "compute 2.1"})
        assert low.status_code == 200 and low.headers["OpenStack-API-Version"] == "compute 2.1"
        assert "description" not in low.json()["flavor"]
        high = c.get("/compute/v2.1/flavors/42", headers={"OpenStack-API-Version": "compute latest"})
        assert high.headers["OpenStack-API-Version"] == "compute 2.104"
        assert "description" in high.json()["flavor"] and "rxtx_factor" not in high.json()["flavor"]
        legacy = c.get("/compute/v2.1/flavors/42", headers={"X-OpenStack-Nova-API-Version": "2.55"})
        assert legacy.headers["X-OpenStack-Nova-API-Version"] == "2.55"
        out = c.get("/compute/v2.1/flavors/42", headers={"OpenStack-API-Version": "compute 2.999"})
        assert out.status_code == 406
        assert out.json()["computeFault"]["code"] == 406
        versions = httpx.get(f"{server.url}/compute/").json()["versions"]
        assert versions[1]["version"] == "2.104" and versions[1]["min_version"] == "2.1"
