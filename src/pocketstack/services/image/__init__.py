"""Glance v2: images, their data, sharing, and DevStack's cirros image."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pocketstack.core.api import ServiceApi
from pocketstack.core.policy import PolicyEngine

if TYPE_CHECKING:
    from pocketstack.core.cloud import Cloud


def build(cloud: Cloud) -> ServiceApi:
    from pocketstack.services.image import bootstrap, policies
    from pocketstack.services.image.errors import render_error
    from pocketstack.services.image.routes import ROUTES
    from pocketstack.services.image.service import ImageService

    policy = PolicyEngine("image", policies.DEFAULTS, cloud.settings.data_path)
    service = ImageService(cloud.db, cloud.settings, policy)

    def _bootstrap() -> None:
        admin_project = None
        if cloud.has("identity"):
            admin_project = cloud.service("identity").project_id_by_name("admin")
        bootstrap.bootstrap(service, admin_project)

    return ServiceApi(
        name="image",
        service_type="image",
        prefix="/image",
        routes=ROUTES,
        render_error=render_error,
        policy=policy,
        service=service,
        bootstrap=_bootstrap,
    )
