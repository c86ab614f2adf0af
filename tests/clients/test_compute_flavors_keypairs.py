"""The real ``openstack`` CLI and openstacksdk against a real server: flavors and keypairs."""

from __future__ import annotations

import uuid

from tests.server import Server


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_devstack_flavors_bootstrapped(server: Server) -> None:
    rows = server.openstack("flavor", "list", "--all")
    by_id = {r["ID"]: r for r in rows}
    assert by_id["42"]["Name"] == "m1.nano"
    assert by_id["84"]["Name"] == "m1.micro"
    assert by_id["1"]["Name"] == "m1.tiny"
    nano = server.openstack("flavor", "show", "m1.nano")
    assert nano["ram"] == 192 and nano["vcpus"] == 1 and nano["disk"] == 1
    assert nano["properties"] == {"hw_rng:allowed": "True"}


def test_flavor_lifecycle_with_properties_and_access(server: Server) -> None:
    name = _name("flv")
    flavor = server.openstack(
        "flavor", "create", name, "--ram", "256", "--vcpus", "2", "--disk", "3", "--private",
        "--property", "hw:cpu_policy=shared", "--description", "a test flavor",
    )  # fmt: skip
    assert flavor["os-flavor-access:is_public"] is False
    assert flavor["description"] == "a test flavor"
    server.openstack("flavor", "set", flavor["id"], "--property", "quota:disk_read_bytes_sec=1000", json_output=False)
    server.openstack("flavor", "set", flavor["id"], "--project", "demo", json_output=False)
    shown = server.openstack("flavor", "show", flavor["id"])
    assert shown["properties"]["quota:disk_read_bytes_sec"] == "1000"
    assert shown["access_project_ids"]
    # the demo member now sees the private flavor in its list; alt_demo does not
    demo = {r["Name"] for r in server.openstack("flavor", "list", cloud="pocketstack")}
    assert name in demo
    alt = {r["Name"] for r in server.openstack("flavor", "list", cloud="pocketstack-alt")}
    assert name not in alt
    server.openstack("flavor", "unset", flavor["id"], "--property", "hw:cpu_policy", json_output=False)
    server.openstack("flavor", "unset", flavor["id"], "--project", "demo", json_output=False)
    assert "hw:cpu_policy" not in server.openstack("flavor", "show", flavor["id"])["properties"]
    server.openstack("flavor", "delete", flavor["id"], json_output=False)
    proc = server.openstack("flavor", "show", flavor["id"], check=False, json_output=False)
    assert proc.returncode != 0


def test_member_cannot_create_flavor(server: Server) -> None:
    proc = server.openstack(
        "flavor", "create", _name("x"), "--ram", "1", "--vcpus", "1", "--disk", "0",
        cloud="pocketstack", check=False, json_output=False,
    )  # fmt: skip
    assert proc.returncode != 0
    assert "403" in proc.stderr or "Policy" in proc.stderr


def test_keypair_generate_import_and_per_user(server: Server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    name = _name("kp")
    private = tmp_path / "id"
    created = server.openstack("keypair", "create", name, "--private-key", str(private), cloud="pocketstack")
    assert created["fingerprint"].count(":") == 15
    assert "PRIVATE KEY" in private.read_text()
    shown = server.openstack("keypair", "show", name, cloud="pocketstack")
    assert shown["type"] == "ssh" and shown["fingerprint"] == created["fingerprint"]
    # another user does not see it
    proc = server.openstack("keypair", "show", name, cloud="pocketstack-alt", check=False, json_output=False)
    assert proc.returncode != 0
    # import the public key under another name
    pub = server.openstack("keypair", "show", name, "--public-key", cloud="pocketstack", json_output=False).stdout
    pubfile = tmp_path / "id.pub"
    pubfile.write_text(pub)
    imported = server.openstack("keypair", "create", name + "-imp", "--public-key", str(pubfile), cloud="pocketstack")
    assert imported["fingerprint"] == created["fingerprint"]
    names = {r["Name"] for r in server.openstack("keypair", "list", cloud="pocketstack")}
    assert {name, name + "-imp"} <= names
    dup = server.openstack("keypair", "create", name, cloud="pocketstack", check=False, json_output=False)
    assert dup.returncode != 0 and "409" in dup.stderr
    server.openstack("keypair", "delete", name, name + "-imp", cloud="pocketstack", json_output=False)
    assert name not in {r["Name"] for r in server.openstack("keypair", "list", cloud="pocketstack")}


def test_keypairs_with_sdk_and_admin_for_other_user(server: Server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    conn = server.sdk("pocketstack")
    name = _name("sdk")
    kp = conn.compute.create_keypair(name=name, type="x509")
    assert kp.private_key and kp.type == "x509"
    assert conn.compute.get_keypair(name).fingerprint == kp.fingerprint
    conn.compute.delete_keypair(name)
    # an admin creates and lists keypairs of another user (2.10)
    admin = server.openstack
    demo_id = server.openstack("user", "show", "demo")["id"]
    other = _name("adm")
    key = str(tmp_path / "k")
    admin("keypair", "create", other, "--user", demo_id, "--private-key", key, "--os-compute-api-version", "2.10")
    rows = admin("keypair", "list", "--user", demo_id, "--os-compute-api-version", "2.10")
    assert other in {r["Name"] for r in rows}
    admin("keypair", "delete", other, "--user", demo_id, "--os-compute-api-version", "2.10", json_output=False)
