from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.image.util import Glance
from tests.server import Server


def _all_ids(g: Glance) -> set[str]:
    ids: set[str] = set()
    r = g.list(limit=1000, visibility="all")
    while True:
        body = r.json()
        ids |= {i["id"] for i in body["images"]}
        for hidden in g.list(limit=1000, visibility="all", os_hidden="true").json()["images"]:
            ids.add(hidden["id"])
        if "next" not in body:
            return ids
        r = g.get(body["next"])


@pytest.fixture(scope="module", autouse=True)
def _leave_no_images(server: Server) -> Iterator[None]:
    """The session cloud is shared with other services' tests: remove the images a module made."""
    admin = Glance(server, server.token("admin", "admin"))
    before = _all_ids(admin)
    yield
    for image_id in _all_ids(admin) - before:
        admin.patch(image_id, [{"op": "replace", "path": "/protected", "value": False}])
        admin.delete(image_id)
