"""``GET /v2/images``: visibility, filters, sorting and keyset pagination."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.api.image.util import Glance, name, project_ids
from tests.server import Server


@pytest.fixture(scope="module")
def member(server: Server) -> Glance:
    return Glance(server, server.token("demo", "demo"))


@pytest.fixture(scope="module")
def alt(server: Server) -> Glance:
    return Glance(server, server.token("alt_demo", "alt_demo"))


@pytest.fixture(scope="module")
def admin(server: Server) -> Glance:
    return Glance(server, server.token("admin", "admin"))


def ids(r: Any) -> list[str]:
    assert r.status_code == 200, r.text
    return [i["id"] for i in r.json()["images"]]


@pytest.fixture(scope="module")
def family(member: Glance) -> dict[str, Any]:
    """Images of one tag with varied attributes, owned by demo."""
    tag = name("fam")
    made = {
        "a": member.active(b"a" * 100, name=f"{tag}-a", tags=[tag], visibility="private", color="red"),
        "b": member.active(b"b" * 300, name=f"{tag}-b", tags=[tag, "extra"], disk_format="ami", container_format="ami"),
        "c": member.create(name=f"{tag}-c", tags=[tag], protected=True, visibility="community"),
        "d": member.create(name=f"{tag}-d", tags=[tag], os_hidden=True),
    }
    return {"tag": tag, **made}


def test_filters(member: Glance, family: dict[str, Any]) -> None:
    tag = family["tag"]
    a, b, c, d = (family[k]["id"] for k in "abcd")
    assert set(ids(member.list(tag=tag))) == {a, b, c}  # hidden images only on request
    assert ids(member.list(tag=tag, os_hidden="true")) == [d]
    assert ids(member.list(tag=tag, name=f"{tag}-a")) == [a]
    assert set(ids(member.list(tag=tag, name=f'in:{tag}-a,"{tag}-b"'))) == {a, b}
    assert ids(member.list(tag=tag, status="queued")) == [c]
    assert set(ids(member.list(tag=tag, status="in:active,queued"))) == {a, b, c}
    assert ids(member.list(tag=tag, visibility="private")) == [a]
    assert ids(member.list(tag=tag, visibility="community")) == [c]
    assert ids(member.list(tag=tag, disk_format="ami")) == [b]
    assert ids(member.list(tag=tag, container_format="bare")) == [a]
    assert ids(member.list(tag=tag, size_min="200")) == [b]
    assert ids(member.list(tag=tag, size_max="200")) == [a]
    assert ids(member.list(tag=tag, size="300")) == [b]
    assert ids(member.list(tag=tag, protected="true")) == [c]
    assert ids(member.list(tag=tag, color="red")) == [a]
    assert ids(member.get("/v2/images", params=[("tag", tag), ("tag", "extra")])) == [b]
    assert ids(member.list(tag=tag, checksum=family["a"]["checksum"])) == [a]
    owner = family["a"]["owner"]
    assert set(ids(member.list(tag=tag, owner=owner))) == {a, b, c}
    created = family["a"]["created_at"]
    assert a in ids(member.list(tag=tag, created_at=f"gte:{created}"))
    assert ids(member.list(tag=tag, created_at="lt:2000-01-01T00:00:00Z")) == []


def test_sorting(member: Glance, family: dict[str, Any]) -> None:
    tag = family["tag"]
    a, b, c = (family[k]["id"] for k in "abc")
    assert ids(member.list(tag=tag, sort_key="name", sort_dir="asc")) == [a, b, c]
    assert ids(member.list(tag=tag, sort="name:desc")) == [c, b, a]
    assert ids(member.list(tag=tag, sort="status:asc,name:desc")) == [b, a, c]
    assert ids(member.get("/v2/images", params=[("tag", tag), ("sort_key", "size"), ("sort_key", "name"),
                                                 ("sort_dir", "asc"), ("sort_dir", "desc")])) == [c, a, b]  # fmt: skip


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "x"}, "limit param must be an integer"),
        ({"limit": "-1"}, "limit param must be positive"),
        ({"sort_key": "owner"}, "Invalid sort key: owner."),
        ({"sort_dir": "up"}, "Invalid sort direction: up"),
        ({"sort": "name:asc", "sort_key": "name"}, "Old and new sorting syntax cannot be combined"),
        ({"visibility": "everyone"}, "Invalid visibility value: everyone"),
        ({"member_status": "maybe"}, "Invalid status: maybe"),
        ({"os_hidden": "maybe"}, "Invalid value 'maybe' for 'os_hidden' filter."),
        ({"protected": "maybe"}, "Invalid value 'maybe' for 'protected' filter."),
        ({"size_min": "big"}, "Unable to filter on a range with a non-numeric value."),
        ({"created_at": "gte:yesterday"}, 'Bad "created_at" query filter format.'),
        ({"name": "like:x"}, "Unable to filter by unknown operator 'like'."),
        ({"name": 'in:"a'}, 'Invalid filter value "a. The quote is not closed.'),
        ({"changes-since": "2020-01-01"}, 'The "changes-since" filter is no longer available on v2.'),
        ({"marker": "00000000-0000-0000-0000-000000000000"}, "No image found with ID 00000000-0000-0000-0000-"),
    ],
)
def test_bad_list_parameters(member: Glance, params: dict[str, str], message: str) -> None:
    r = member.list(**params)
    assert r.status_code == 400, r.text
    assert r.json()["message"].startswith(message)


def test_pagination_with_next_links(member: Glance) -> None:
    tag = name("page")
    made = [member.create(name=f"{tag}-{i:02d}", tags=[tag])["id"] for i in range(7)]
    seen: list[str] = []
    r = member.list(tag=tag, limit="3", sort="name:asc")
    while True:
        body = r.json()
        assert body["first"].startswith("/v2/images?") and "marker" not in body["first"]
        assert body["schema"] == "/v2/schemas/images"
        seen += [i["id"] for i in body["images"]]
        if "next" not in body:
            break
        assert body["next"].startswith("/v2/images?")
        r = member.get(body["next"])
    assert seen == made
    assert ids(member.list(tag=tag, limit="0")) == []
    assert "next" not in member.list(tag=tag, limit="0").json()


def test_default_order_is_newest_first(member: Glance) -> None:
    tag = name("order")
    first = member.create(tags=[tag])["id"]
    time.sleep(1.1)  # created_at has whole seconds in the view, not in the database
    second = member.create(tags=[tag])["id"]
    assert ids(member.list(tag=tag)) == [second, first]


def test_visibility_rules(server: Server, member: Glance, alt: Glance, admin: Glance) -> None:
    tag = name("vis")
    private = member.create(tags=[tag], visibility="private")["id"]
    shared = member.create(tags=[tag], visibility="shared")["id"]
    community = member.create(tags=[tag], visibility="community")["id"]
    public = admin.create(tags=[tag], visibility="public")["id"]
    assert set(ids(member.list(tag=tag))) == {private, shared, community, public}
    # another project: public only, community when asked for, shared once a member
    assert ids(alt.list(tag=tag)) == [public]
    assert ids(alt.list(tag=tag, visibility="community")) == [community]
    assert set(ids(alt.list(tag=tag, visibility="all"))) == {community, public}
    assert alt.get(f"/v2/images/{private}").status_code == 404
    assert alt.get(f"/v2/images/{shared}").status_code == 404
    assert alt.get(f"/v2/images/{community}").status_code == 200
    alt_project = project_ids(server)["alt_demo"]
    assert member.request("POST", f"/v2/images/{shared}/members", json={"member": alt_project}).status_code == 200
    assert alt.get(f"/v2/images/{shared}").status_code == 200  # a pending member may look
    assert ids(alt.list(tag=tag)) == [public]
    assert set(ids(alt.list(tag=tag, member_status="pending"))) == {shared, public}
    assert set(ids(alt.list(tag=tag, member_status="all"))) == {shared, public}
    # the admin lists every project's images, but others' community ones only on request
    assert set(ids(admin.list(tag=tag))) == {private, shared, public}
    assert set(ids(admin.list(tag=tag, visibility="all"))) == {private, shared, community, public}
