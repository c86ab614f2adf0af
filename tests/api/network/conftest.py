from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.network.util import Neutron, fresh_member
from tests.server import Server


@pytest.fixture(scope="module")
def admin(server: Server, admin_token: str) -> Iterator[Neutron]:
    client = Neutron(server, admin_token)
    yield client
    client.close()


@pytest.fixture(scope="module")
def member(server: Server, admin_token: str) -> Iterator[Neutron]:
    """A member of a project of its own (per test module), so quotas never collide."""
    _project, client = fresh_member(server, admin_token)
    yield client
    client.close()


@pytest.fixture(scope="module")
def alt(server: Server, admin_token: str) -> Iterator[Neutron]:
    """A member of another project."""
    _project, client = fresh_member(server, admin_token, "alt")
    yield client
    client.close()
