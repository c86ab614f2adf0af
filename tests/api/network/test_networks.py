"""Networks over raw HTTP: fields, filters, sorting, pagination links, tags, errors."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.api.network.util import Neutron, error_type, expect_error, name


def test_discovery(member: Neutron) -> None:
    root = member.client.get("/networking/")
    assert root.status_code == 200
    (version,) = root.json()["versions"]
    assert version["id"] == "v2.0" and version["status"] == "CURRENT"
    assert version["links"][0]["href"].endswith("/networking/v2.0/")
    resources = member.get("/").json()["resources"]
    assert {r["collection"] for r in resources} == {"networks", "subnets", "subnetpools", "ports"}


def test_extensions_list_and_show(member: Neutron) -> None:
    extensions = member.get("/extensions").json()["extensions"]
    aliases = {e["alias"] for e in extensions}
    for alias in ("security-group", "router", "external-net", "quotas", "standard-attr-tag", "binding", "provider"):
        assert alias in aliases
    assert set(extensions[0]) == {"name", "alias", "description", "updated", "links"}
    assert member.get("/extensions/router").json()["extension"]["alias"] == "router"
    expect_error(member.get("/extensions/no-such-thing"), 404, "HTTPNotFound")


def test_create_show_update_delete(member: Neutron) -> None:
    net = member.network(description="d1")
    for key in (
        "id",
        "name",
        "tenant_id",
        "project_id",
        "admin_state_up",
        "mtu",
        "status",
        "subnets",
        "shared",
        "router:external",
        "port_security_enabled",
        "availability_zones",
        "availability_zone_hints",
        "tags",
        "created_at",
        "updated_at",
        "revision_number",
        "description",
    ):
        assert key in net, key
    assert net["status"] == "ACTIVE" and net["mtu"] == 1442 and net["shared"] is False
    assert net["project_id"] == net["tenant_id"]
    assert "provider:network_type" not in net  # admin only
    shown = member.get(f"/networks/{net['id']}").json()["network"]
    assert shown == net
    updated = member.put(f"/networks/{net['id']}", {"network": {"name": "renamed", "mtu": 1400}}).json()["network"]
    assert updated["name"] == "renamed" and updated["mtu"] == 1400
    assert updated["revision_number"] == net["revision_number"] + 1
    assert member.delete(f"/networks/{net['id']}").status_code == 204
    expect_error(member.get(f"/networks/{net['id']}"), 404, "NetworkNotFound")


def test_admin_sees_provider_attributes(admin: Neutron) -> None:
    net = admin.network(
        **{"provider:network_type": "vlan", "provider:physical_network": "public", "provider:segmentation_id": 1234}
    )
    assert net["provider:network_type"] == "vlan" and net["provider:segmentation_id"] == 1234 and net["mtu"] == 1500
    clash = admin.post(
        "/networks",
        {
            "network": {
                "provider:network_type": "vlan",
                "provider:physical_network": "public",
                "provider:segmentation_id": 1234,
            }
        },
    )
    expect_error(clash, 400, "InvalidInput")
    expect_error(
        admin.post(
            "/networks",
            {
                "network": {
                    "provider:network_type": "vlan",
                    "provider:segmentation_id": 5000,
                    "provider:physical_network": "public",
                }
            },
        ),
        400,
        "InvalidInput",
    )
    expect_error(admin.post("/networks", {"network": {"provider:network_type": "bogus"}}), 400, "InvalidInput")
    admin.delete(f"/networks/{net['id']}")


def test_mtu_above_the_segment_is_refused(member: Neutron) -> None:
    msg = expect_error(member.post("/networks", {"network": {"mtu": 9000}}), 400, "InvalidInput")
    assert "maximum is 1442" in msg


def test_fields(member: Neutron) -> None:
    net = member.network()
    listed = member.get("/networks", params={"fields": ["id", "name"], "id": net["id"]}).json()["networks"]
    assert listed == [{"id": net["id"], "name": net["name"]}]
    shown = member.get(f"/networks/{net['id']}", params={"fields": "status"}).json()["network"]
    assert shown == {"status": "ACTIVE"}


def test_filters_booleans_and_lists(member: Neutron) -> None:
    a, b = member.network(), member.network(admin_state_up=False)
    ids = {n["id"] for n in member.get("/networks", params={"admin_state_up": "false"}).json()["networks"]}
    assert b["id"] in ids and a["id"] not in ids
    both = member.get("/networks", params={"name": [a["name"], b["name"]]}).json()["networks"]
    assert {n["id"] for n in both} == {a["id"], b["id"]}
    external = member.get("/networks", params={"router:external": "True"}).json()["networks"]
    assert [n["name"] for n in external] == ["public"]


def test_unknown_filter_and_sort_key_are_400(member: Neutron) -> None:
    expect_error(member.get("/networks", params={"bogus": "x"}), 400, "HTTPBadRequest")
    expect_error(member.get("/networks", params={"sort_key": "bogus", "sort_dir": "asc"}), 400, "HTTPBadRequest")
    expect_error(member.get("/networks", params={"sort_key": "name"}), 400, "HTTPBadRequest")
    expect_error(member.get("/networks", params={"sort_key": "name", "sort_dir": "up"}), 400, "HTTPBadRequest")
    expect_error(member.get("/networks", params={"limit": "-1"}), 400, "BadRequest")
    expect_error(member.get("/networks", params={"limit": "x"}), 400, "BadRequest")


def test_sort_and_paginate_with_links(member: Neutron) -> None:
    tag = name("page")
    created = [member.network(name=f"{tag}-{i}") for i in range(5)]
    for net in created:
        assert member.put(f"/networks/{net['id']}/tags/{tag}").status_code == 201
    seen: list[str] = []
    params: dict[str, str | list[str]] = {"tags": tag, "limit": "2", "sort_key": "name", "sort_dir": "desc"}
    for _ in range(5):
        body = member.get("/networks", params=params).json()
        page = body["networks"]
        seen += [n["name"] for n in page]
        nxt = [link for link in body.get("networks_links", []) if link["rel"] == "next"]
        if len(page) < 2:
            break
        query = parse_qs(urlparse(nxt[0]["href"]).query)
        assert query["limit"] == ["2"] and query["marker"] == [page[-1]["id"]]
        params = {k: v for k, v in query.items()}  # type: ignore[misc]
    assert seen == sorted((n["name"] for n in created), reverse=True)
    first = member.get("/networks", params={"tags": tag, "limit": "2", "sort_key": "name", "sort_dir": "asc"}).json()
    assert {link["rel"] for link in first["networks_links"]} == {"next", "previous"}
    assert "networks_links" not in member.get("/networks", params={"tags": tag}).json()
    back = member.get(
        "/networks",
        params={
            "tags": tag,
            "limit": "2",
            "sort_key": "name",
            "sort_dir": "asc",
            "marker": first["networks"][0]["id"],
            "page_reverse": "True",
        },
    ).json()
    assert back["networks"] == []


def test_unknown_marker_is_404(member: Neutron) -> None:
    expect_error(
        member.get("/networks", params={"limit": "1", "marker": "8b2d3a1e-0000-4000-8000-000000000000"}),
        404,
        "NetworkNotFound",
    )


def test_tags(member: Neutron) -> None:
    net = member.network()
    path = f"/networks/{net['id']}/tags"
    assert member.put(path, {"tags": ["red", "blue"]}).json() == {"tags": ["blue", "red"]}
    assert member.put(f"{path}/green").status_code == 201
    assert member.get(f"{path}/green").status_code == 204
    expect_error(member.get(f"{path}/nope"), 404, "TagNotFound")
    assert sorted(member.get(path).json()["tags"]) == ["blue", "green", "red"]
    assert member.post(path, {"tags": ["red", "yellow"]}).status_code == 201
    listed = member.get("/networks", params={"tags-any": "yellow,nothing", "fields": "id"}).json()["networks"]
    assert {"id": net["id"]} in listed
    assert member.get("/networks", params={"not-tags": "red", "id": net["id"]}).json()["networks"] == []
    assert member.delete(f"{path}/red").status_code == 204
    assert member.delete(path).status_code == 204
    assert member.get(path).json() == {"tags": []}
    expect_error(member.put(path, {"tags": "notalist"}), 400, "InvalidInput")
    expect_error(member.put(path, {"tags": [f"t{i}" for i in range(51)]}), 400, "BadRequest")
    expect_error(member.get("/networks/8b2d3a1e-0000-4000-8000-000000000001/tags"), 404, "TagResourceNotFound")


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ({"network": {"bogus": 1}}, "HTTPBadRequest"),
        ({"network": {"id": "8b2d3a1e-0000-4000-8000-000000000002"}}, "HTTPBadRequest"),
        ({"network": {"admin_state_up": "maybe"}}, "InvalidInput"),
        ({"network": {"name": 5}}, "HTTPBadRequest"),
        ({"network": "x"}, "HTTPBadRequest"),
        ({"networks": []}, "HTTPBadRequest"),
        ({}, "HTTPBadRequest"),
        ({"net": {}}, "HTTPBadRequest"),
        ({"network": {"tenant_id": "a", "project_id": "b"}}, "HTTPBadRequest"),
        ({"network": {"project_id": "someone-else"}}, "HTTPBadRequest"),
    ],
)
def test_bad_create_bodies(member: Neutron, body: object, kind: str) -> None:
    before = len(member.get("/networks", params={"fields": "id"}).json()["networks"])
    expect_error(member.post("/networks", body), 400, kind)
    assert len(member.get("/networks", params={"fields": "id"}).json()["networks"]) == before


def test_malformed_json(member: Neutron) -> None:
    resp = member.request("POST", "/networks", content=b"{not json", headers={"Content-Type": "application/json"})
    expect_error(resp, 400, "HTTPBadRequest")


def test_read_only_attribute_on_update(member: Neutron) -> None:
    net = member.network()
    msg = expect_error(member.put(f"/networks/{net['id']}", {"network": {"status": "DOWN"}}), 400, "HTTPBadRequest")
    assert msg == "Cannot update read-only attribute status"


def test_bulk_create_is_all_or_nothing(member: Neutron) -> None:
    tag = name("bulk")
    good = member.post("/networks", {"networks": [{"name": f"{tag}-a"}, {"name": f"{tag}-b"}]})
    assert good.status_code == 201 and len(good.json()["networks"]) == 2
    bad = member.post("/networks", {"networks": [{"name": f"{tag}-c"}, {"name": f"{tag}-d", "mtu": 99999}]})
    assert bad.status_code == 400, bad.text
    names = {n["name"] for n in member.get("/networks", params={"fields": "name"}).json()["networks"]}
    assert f"{tag}-c" not in names


def test_delete_network_with_ports_is_409(member: Neutron) -> None:
    net, _subnet = member.network_with_subnet()
    port = member.port(net["id"])
    msg = expect_error(member.delete(f"/networks/{net['id']}"), 409, "NetworkInUse")
    assert port["id"] in msg
    assert member.delete(f"/ports/{port['id']}").status_code == 204
    assert member.delete(f"/networks/{net['id']}").status_code == 204


def test_unauthenticated_is_keystone_401(server: object) -> None:
    resp = Neutron(server, None).get("/networks")  # type: ignore[arg-type]
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == 401
    assert resp.headers["WWW-Authenticate"].startswith("Keystone uri=")


def test_method_not_allowed(member: Neutron) -> None:
    resp = member.request("PATCH", "/networks")
    assert resp.status_code == 405
    assert error_type(resp) == "HTTPMethodNotAllowed"


def test_if_match_revision_constraint(member: Neutron) -> None:
    net = member.network()
    path = f"/networks/{net['id']}"
    stale = {"If-Match": f"revision_number={net['revision_number'] + 5}"}
    resp = member.request("PUT", path, json={"network": {"name": "x"}}, headers=stale)
    msg = expect_error(resp, 412, "RevisionNumberConstraintFailed")
    assert msg == f"Constrained to {net['revision_number'] + 5}, but current revision is {net['revision_number']}"
    fresh = {"If-Match": f"revision_number={net['revision_number']}"}
    assert member.request("PUT", path, json={"network": {"name": "y"}}, headers=fresh).status_code == 200
    expect_error(member.request("DELETE", path, headers=fresh), 412, "RevisionNumberConstraintFailed")
    bad = {"If-Match": "revision_number=abc"}
    expect_error(member.request("DELETE", path, headers=bad), 400, "BadRequest")
