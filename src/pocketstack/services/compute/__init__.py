"""Nova v2.1 with microversions: flavors, keypairs, servers and their lifecycle on
simulated hypervisors, quotas and usage."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pocketstack.core.api import ServiceApi

if TYPE_CHECKING:
    from pocketstack.core.cloud import Cloud


def build(cloud: Cloud) -> ServiceApi:
    from pocketstack.services.compute import policies, versions
    from pocketstack.services.compute.errors import render_error
    from pocketstack.services.compute.policy import NovaPolicyEngine
    from pocketstack.services.compute.routes import ROUTES
    from pocketstack.services.compute.service import ComputeService
    from pocketstack.services.compute.validation import validate_body

    service = ComputeService(cloud)
    return ServiceApi(
        name="compute",
        service_type="compute",
        prefix="/compute",
        routes=ROUTES,
        render_error=render_error,
        policy=NovaPolicyEngine("compute", policies.DEFAULTS, cloud.settings.data_path),
        service=service,
        versions=versions.RANGE,
        request_id_headers=("x-openstack-request-id", "x-compute-request-id"),
        bootstrap=service.bootstrap,
        background=service.background,
        validate_body=validate_body,
    )
