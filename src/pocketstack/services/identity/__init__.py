"""Keystone v3: authentication, tokens, the catalog, and who may do what."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pocketstack.core.api import ServiceApi
from pocketstack.core.policy import PolicyEngine

if TYPE_CHECKING:
    from pocketstack.core.cloud import Cloud


def build(cloud: Cloud) -> ServiceApi:
    from pocketstack.services.identity import bootstrap, policies
    from pocketstack.services.identity.errors import render_error
    from pocketstack.services.identity.routes import ROUTES
    from pocketstack.services.identity.service import IdentityService

    service = IdentityService(cloud.db, cloud.settings)
    passwords = bootstrap.PasswordWork(cloud.db, cloud.settings)  # bcrypt, in a thread, from now on
    cloud.tokens = service
    api = ServiceApi(
        name="identity",
        service_type="identity",
        prefix="",
        routes=ROUTES,
        render_error=render_error,
        policy=PolicyEngine("identity", policies.DEFAULTS, cloud.settings.data_path),
        service=service,
        auto_head=True,
        bootstrap=lambda: bootstrap.bootstrap(cloud.db, cloud.settings, cloud.base_url, passwords),
    )
    return api
