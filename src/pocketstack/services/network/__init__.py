"""Neutron v2.0: networks, subnets, ports, routers, floating IPs, security groups, quotas."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pocketstack.core.api import ServiceApi
from pocketstack.core.policy import PolicyEngine

if TYPE_CHECKING:
    from pocketstack.core.cloud import Cloud


def build(cloud: Cloud) -> ServiceApi:
    from pocketstack.services.network import bootstrap, policies
    from pocketstack.services.network.errors import render_error
    from pocketstack.services.network.routes import ROUTES
    from pocketstack.services.network.service import NetworkService

    policy = PolicyEngine("network", policies.DEFAULTS, cloud.settings.data_path)
    service = NetworkService(cloud, policy)
    return ServiceApi(
        name="network",
        service_type="network",
        prefix="/networking",
        routes=ROUTES,
        render_error=render_error,
        policy=policy,
        service=service,
        bootstrap=lambda: bootstrap.bootstrap(cloud, service),
    )
