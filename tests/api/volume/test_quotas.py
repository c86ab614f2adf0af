"""Quotas: exact under concurrency, per volume type, Cinder's 413 body; usage and limits."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.api.volume.util import Cinder, client
from tests.server import ADMIN_PASSWORD, Server


def _project_member(server: Server) -> tuple[Cinder, Cinder]:
    """A fresh project with a member user: (member client, admin client)."""
    admin_token = server.token("admin", "admin")
    name = f"q-{uuid.uuid4().hex[:8]}"
    with server.http(admin_token) as c:
        project = c.post("/v3/projects", json={"project": {"name": name, "domain_id": "default"}}).json()["project"]
        user = c.post(
            "/v3/users", json={"user": {"name": name, "password": ADMIN_PASSWORD, "domain_id": "default"}}
        ).json()["user"]
        member = next(r for r in c.get("/v3/roles").json()["roles"] if r["name"] == "member")
        c.put(f"/v3/projects/{project['id']}/users/{user['id']}/roles/{member['id']}")
    admin = client(server, "admin", "admin")
    return Cinder(server, server.token(name, name), project["id"]), admin


@pytest.fixture
def fresh(server: Server) -> tuple[Cinder, Cinder]:
    return _project_member(server)


def test_parallel_creates_end_exactly_at_the_gigabytes_quota(fresh: tuple[Cinder, Cinder]) -> None:
    member, admin = fresh
    r = admin.put(f"/os-quota-sets/{member.project_id}", {"quota_set": {"gigabytes": 10, "volumes": 100}})
    assert r.status_code == 200 and r.json()["quota_set"]["gigabytes"] == 10

    def create(i: int) -> int:
        return member.post("/volumes", {"volume": {"size": 1, "name": f"par-{i}"}}).status_code

    with ThreadPoolExecutor(max_workers=30) as pool:
        codes = list(pool.map(create, range(30)))
    assert codes.count(202) == 10 and codes.count(413) == 20, codes
    listed = member.get("/volumes?with_count=true").json()
    assert listed["count"] == 10
    usage = member.get(f"/os-quota-sets/{member.project_id}?usage=true").json()["quota_set"]
    assert usage["gigabytes"] == {"limit": 10, "in_use": 10, "reserved": 0}
    assert usage["volumes"]["in_use"] == 10

    r = member.post("/volumes", {"volume": {"size": 1}})
    assert r.status_code == 413 and r.headers["Retry-After"] == "0"
    assert r.json() == {
        "overLimit": {
            "code": 413,
            "message": "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes "
            "quota. Requested 1G, quota is 10G and 10G has been consumed.",
            "retryAfter": "0",
        }
    }


def test_volume_count_and_per_type_quotas(fresh: tuple[Cinder, Cinder]) -> None:
    member, admin = fresh
    admin.put(f"/os-quota-sets/{member.project_id}", {"quota_set": {"volumes": 2, "volumes_lvmdriver-1": 1}})
    member.available_volume()
    r = member.post("/volumes", {"volume": {"size": 1}})
    assert r.status_code == 413
    assert r.json()["overLimit"]["message"] == (
        "VolumeLimitExceeded: Maximum number of volumes allowed (1) exceeded for quota 'volumes_lvmdriver-1'."
    )
    # another type still has room under the overall count
    r = member.post("/volumes", {"volume": {"size": 1, "volume_type": "__DEFAULT__"}})
    assert r.status_code == 202, r.text
    r = member.post("/volumes", {"volume": {"size": 1, "volume_type": "__DEFAULT__"}})
    assert r.json()["overLimit"]["message"] == (
        "VolumeLimitExceeded: Maximum number of volumes allowed (2) exceeded for quota 'volumes'."
    )


def test_snapshots_count_against_gigabytes(fresh: tuple[Cinder, Cinder]) -> None:
    member, admin = fresh
    admin.put(f"/os-quota-sets/{member.project_id}", {"quota_set": {"gigabytes": 3, "snapshots": 5}})
    vol = member.available_volume(2)
    r = member.post("/snapshots", {"snapshot": {"volume_id": vol["id"]}})
    assert r.status_code == 413
    assert r.json()["overLimit"]["message"].startswith("VolumeSizeExceedsAvailableQuota: Requested volume or snapshot")
    # and extending beyond the quota is refused, the volume untouched
    r = member.post(f"/volumes/{vol['id']}/action", {"os-extend": {"new_size": 4}})
    assert r.status_code == 413
    assert member.get(f"/volumes/{vol['id']}").json()["volume"]["status"] == "available"


def test_quota_set_validation_and_defaults(fresh: tuple[Cinder, Cinder]) -> None:
    member, admin = fresh
    pid = member.project_id
    r = admin.put(f"/os-quota-sets/{pid}", {"quota_set": {"nonsense": 1}})
    assert r.status_code == 400
    assert r.json()["badRequest"]["message"] == "Invalid input received: Bad key(s) in quota set: nonsense"
    assert admin.put(f"/os-quota-sets/{pid}", {"quota_set": {"volumes": -2}}).status_code == 400
    assert admin.put(f"/os-quota-sets/{pid}", {"quota_set": {"volumes": "ten"}}).status_code == 400
    member.available_volume()
    r = admin.put(f"/os-quota-sets/{pid}", {"quota_set": {"volumes": 0}})
    assert r.status_code == 400 and "must be equal or greater than existing resources" in r.text
    # members may read their own quotas but not change them
    assert member.get(f"/os-quota-sets/{pid}").status_code == 200
    assert member.put(f"/os-quota-sets/{pid}", {"quota_set": {"volumes": 50}}).status_code == 403
    defaults = member.get(f"/os-quota-sets/{pid}/defaults").json()["quota_set"]
    assert defaults["volumes"] == 10 and defaults["gigabytes"] == 1000 and defaults["id"] == pid
    admin.put(f"/os-quota-sets/{pid}", {"quota_set": {"volumes": 5}})
    assert admin.delete(f"/os-quota-sets/{pid}").status_code == 200
    assert member.get(f"/os-quota-sets/{pid}").json()["quota_set"]["volumes"] == 10


def test_limits_show_real_usage(server: Server) -> None:
    member, _admin = _project_member(server)
    member.available_volume(3)
    absolute = member.get("/limits").json()["limits"]["absolute"]
    assert absolute["maxTotalVolumes"] == 10 and absolute["maxTotalVolumeGigabytes"] == 1000
    assert absolute["totalVolumesUsed"] == 1 and absolute["totalGigabytesUsed"] == 3
    assert absolute["totalSnapshotsUsed"] == 0 and absolute["totalBackupsUsed"] == 0


def test_quota_class_defaults(server: Server) -> None:
    admin = client(server, "admin", "admin")
    shown = admin.get("/os-quota-class-sets/default").json()["quota_class_set"]
    assert shown["id"] == "default" and shown["volumes"] >= 1
    r = admin.put("/os-quota-class-sets/gold", {"quota_class_set": {"volumes": 20}})
    assert r.status_code == 200 and r.json()["quota_class_set"]["volumes"] == 20
    assert client(server).get("/os-quota-class-sets/default").status_code == 403
