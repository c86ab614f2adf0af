"""Lists: keyset pages with next links, sorting, Cinder's filters, counts and summary."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from tests.api.volume.util import Cinder, client, fresh_member
from tests.server import Server


@pytest.fixture(scope="module")
def demo(server: Server) -> Cinder:
    return fresh_member(server)


@pytest.fixture(scope="module")
def batch(demo: Cinder) -> dict[str, object]:
    """Five volumes named <tag>-0..4, sizes 1..5, alternating metadata, one snapshot."""
    tag = uuid.uuid4().hex[:8]
    ids = []
    for i in range(5):
        meta = {"parity": "even" if i % 2 == 0 else "odd", "tag": tag}
        ids.append(demo.create_volume(i + 1, name=f"{tag}-{i}", metadata=meta)["id"])
    for vid in ids:
        demo.wait("volume", vid, "available")
    return {"tag": tag, "ids": ids}


def _names(body: dict[str, object], key: str = "volumes") -> list[str]:
    return [v["name"] for v in body[key]]  # type: ignore[attr-defined,index]


def test_pages_follow_next_links(demo: Cinder, batch: dict[str, object]) -> None:
    tag = batch["tag"]
    seen: list[str] = []
    r = demo.get(f"/volumes/detail?metadata={{'tag':'{tag}'}}&limit=2&sort=name:asc")
    while True:
        body = r.json()
        seen += _names(body)
        links = body.get("volumes_links")
        if not links:
            break
        (nxt,) = links
        assert nxt["rel"] == "next" and "/volumes/detail?" in nxt["href"]
        query = parse_qs(urlparse(nxt["href"]).query)
        assert query["limit"] == ["2"] and query["marker"]
        r = _follow(demo, nxt["href"])
    assert seen == [f"{tag}-{i}" for i in range(5)]


def _follow(demo: Cinder, href: str) -> httpx.Response:
    return httpx.get(href, headers={"X-Auth-Token": demo.token or "", "OpenStack-API-Version": "volume 3.71"})


def test_sorting_and_offset(demo: Cinder, batch: dict[str, object]) -> None:
    tag = batch["tag"]
    base = f"/volumes?metadata={{'tag':'{tag}'}}"
    assert _names(demo.get(base + "&sort=size:desc").json()) == [f"{tag}-{i}" for i in (4, 3, 2, 1, 0)]
    assert _names(demo.get(base + "&sort_key=name&sort_dir=asc").json())[:2] == [f"{tag}-0", f"{tag}-1"]
    assert _names(demo.get(base + "&sort=name:asc&offset=3").json()) == [f"{tag}-3", f"{tag}-4"]
    # the default order is newest first
    assert _names(demo.get(base).json())[0] == f"{tag}-4"


def test_filters(demo: Cinder, batch: dict[str, object]) -> None:
    tag = batch["tag"]
    meta = f"metadata={{'tag':'{tag}','parity':'odd'}}"
    assert sorted(_names(demo.get(f"/volumes?{meta}").json())) == [f"{tag}-1", f"{tag}-3"]
    assert _names(demo.get(f"/volumes?name={tag}-2").json()) == [f"{tag}-2"]
    assert _names(demo.get(f"/volumes?name~={tag}-&sort=name:asc").json()) == [f"{tag}-{i}" for i in range(5)]
    assert _names(demo.get(f"/volumes/detail?metadata={{'tag':'{tag}'}}&size=3").json()) == [f"{tag}-2"]
    assert demo.get(f"/volumes?name={tag}-2&status=error").json()["volumes"] == []
    assert demo.get("/volumes?status=no-such-status").json()["volumes"] == []
    r = demo.get(f"/volumes?metadata={{'tag':'{tag}'}}&with_count=true&limit=1").json()
    assert r["count"] == 5 and len(r["volumes"]) == 1


def test_summary(demo: Cinder, batch: dict[str, object]) -> None:
    summary = demo.get("/volumes/summary").json()["volume-summary"]
    assert summary["total_count"] >= 5 and summary["total_size"] >= 15
    assert batch["tag"] in summary["metadata"]["tag"]
    assert "metadata" not in demo.get("/volumes/summary", version="3.35").json()["volume-summary"]


def test_other_projects_are_invisible(server: Server, demo: Cinder, batch: dict[str, object]) -> None:
    alt = client(server, "alt_demo", "alt_demo")
    vid = batch["ids"][0]  # type: ignore[index]
    assert alt.get(f"/volumes/{vid}").status_code == 404
    assert vid not in [v["id"] for v in alt.get("/volumes").json()["volumes"]]
    # a member's all_tenants is ignored; an admin's shows everyone's
    assert vid not in [v["id"] for v in alt.get("/volumes?all_tenants=1").json()["volumes"]]
    admin = client(server, "admin", "admin")
    assert vid in [v["id"] for v in admin.get("/volumes?all_tenants=1&limit=1000").json()["volumes"]]
    assert vid not in [v["id"] for v in admin.get("/volumes?limit=1000").json()["volumes"]]
    detail = admin.get(f"/volumes/{vid}").json()["volume"]
    assert detail["os-vol-host-attr:host"].endswith("@lvmdriver-1#lvmdriver-1")
    assert "os-vol-host-attr:host" not in demo.get(f"/volumes/{vid}").json()["volume"]


def test_snapshot_and_backup_lists(demo: Cinder, batch: dict[str, object]) -> None:
    vid = batch["ids"][1]  # type: ignore[index]
    snaps = [demo.post("/snapshots", {"snapshot": {"volume_id": vid, "name": f"s{i}"}}).json() for i in range(3)]
    for s in snaps:
        demo.wait("snapshot", s["snapshot"]["id"], "available")
    body = demo.get(f"/snapshots/detail?volume_id={vid}&sort=name:asc&limit=2").json()
    assert _names(body, "snapshots") == ["s0", "s1"] and body["snapshots_links"][0]["rel"] == "next"
    assert demo.get(f"/snapshots?volume_id={vid}&with_count=true").json()["count"] == 3
    backup = demo.post("/backups", {"backup": {"volume_id": vid, "name": "bk"}}).json()["backup"]
    demo.wait("backup", backup["id"], "available")
    assert _names(demo.get(f"/backups/detail?volume_id={vid}").json(), "backups") == ["bk"]
