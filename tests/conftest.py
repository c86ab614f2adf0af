from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.server import Server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One running cloud shared by the tests of a worker (tests create their own resources)."""
    srv = Server(tmp_path_factory.mktemp("cloud")).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def admin_token(server: Server) -> str:
    return server.token("admin", "admin")


@pytest.fixture(scope="session")
def member_token(server: Server) -> str:
    return server.token("demo", "demo")
