"""The services of the cloud, each built from a ``build(cloud) -> ServiceApi``.

The order matters only for bootstrap: identity first (projects and users the others
use), then image (the cirros image), network (DevStack's networks), volume, compute.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pocketstack.core.api import ServiceApi
    from pocketstack.core.cloud import Cloud

SERVICES = ("identity", "image", "network", "volume", "compute")


def builders() -> Iterator[Callable[[Cloud], ServiceApi]]:
    for name in SERVICES:
        yield importlib.import_module(f"pocketstack.services.{name}").build
