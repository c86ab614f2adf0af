from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.server import Server

# The longest test (Tempest's compute run, minutes) goes first: it then overlaps the
# thousands of short tests on the other worker instead of trailing after them.
_LONG_FIRST = ("tests/conformance/test_conformance.py::test_expected_tempest_tests_pass[compute]",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: not item.nodeid.startswith(_LONG_FIRST))  # stable: the rest keep their order


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One running cloud shared by the tests of a worker (tests create their own resources)."""
    srv = Server(tmp_path_factory.mktemp("cloud")).start()
    _lift_admin_volume_quotas(srv)
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def admin_token(server: Server) -> str:
    return server.token("admin", "admin")


@pytest.fixture(scope="session")
def member_token(server: Server) -> str:
    return server.token("demo", "demo")


def _lift_admin_volume_quotas(srv: Server) -> None:
    """Hundreds of tests share the admin project of a worker's cloud; Cinder's default of 10
    volumes would make them fail by the order they happen to run in.  Quota tests use fresh
    projects (or demo's), which keep the defaults."""
    with srv.http(srv.token("admin", "admin")) as admin:
        project = admin.get("/v3/auth/projects").json()["projects"]
        pid = next(p["id"] for p in project if p["name"] == "admin")
        unlimited = {k: -1 for k in ("volumes", "gigabytes", "snapshots", "backups", "backup_gigabytes", "groups")}
        r = admin.put(f"/volume/v3/os-quota-sets/{pid}", json={"quota_set": unlimited})
        assert r.status_code == 200, r.text
