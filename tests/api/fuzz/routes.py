"""Every route of every service, as the running code declares them.

The tables come from :func:`pocketstack.app.create_cloud` on a scratch data directory, so
a route added to any ``routes.py`` is walked without touching the tests.
"""

from __future__ import annotations

import functools
import re
import shutil
import tempfile
from dataclasses import dataclass
from typing import Any

from pocketstack.core.api import NO_BODY, RAW_BODY
from pocketstack.core.microversion import APIVersion, VersionRange
from pocketstack.core.validation import Versioned

PARAM = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True)
class RouteInfo:
    service: str
    method: str
    template: str  # relative to the service prefix, as in routes.py
    prefix: str
    body: Any  # a schema, Versioned, NO_BODY, RAW_BODY or None
    auth: bool
    versions: VersionRange | None

    @property
    def path(self) -> str:
        return self.prefix + self.template

    @property
    def key(self) -> str:
        """``compute POST /compute/v2.1/servers/{server_id}/action``: the id of its test."""
        return f"{self.service} {self.method} {self.path}"

    @property
    def params(self) -> list[str]:
        return PARAM.findall(self.template)

    @property
    def takes_body(self) -> bool:
        return self.body is not None and self.body is not NO_BODY

    @property
    def raw_body(self) -> bool:
        return self.body is RAW_BODY

    def schemas(self) -> list[tuple[APIVersion | None, dict[str, Any]]]:
        """(a microversion that selects it, schema) for each body schema the route has."""
        if isinstance(self.body, Versioned):
            return [(lo, dict(s)) for lo, _hi, s in self.body.ranges if s is not None]
        if isinstance(self.body, dict):
            return [(None, self.body)]
        return []

    @property
    def is_action(self) -> bool:
        """A dispatcher on the body's one key (``…/action``)."""
        return self.template.endswith("/action") and self.method == "POST"


@functools.cache
def all_routes() -> tuple[RouteInfo, ...]:
    from pocketstack.app import create_cloud
    from pocketstack.settings import load_settings

    data_dir = tempfile.mkdtemp(prefix="pocketstack-routes-")
    cloud = create_cloud(load_settings({"data_dir": data_dir}, env={}))
    out = []
    for api in cloud.apis.values():
        for route in api.routes:
            out.append(
                RouteInfo(
                    service=api.name,
                    method=route.method,
                    template=route.path,
                    prefix=api.prefix,
                    body=route.body,
                    auth=route.auth,
                    versions=api.versions if route.microversioned else None,
                )
            )
    cloud.db.dispose()
    shutil.rmtree(data_dir, ignore_errors=True)
    return tuple(out)
