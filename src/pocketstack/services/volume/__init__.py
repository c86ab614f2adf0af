"""Cinder v3: volumes, attachments, snapshots, backups, types, QoS, quotas (block-storage)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pocketstack.core.api import ServiceApi

if TYPE_CHECKING:
    from pocketstack.core.cloud import Cloud


def build(cloud: Cloud) -> ServiceApi:
    from pocketstack.services.volume import bootstrap, policies, versions
    from pocketstack.services.volume.errors import render_error
    from pocketstack.services.volume.routes import ROUTES
    from pocketstack.services.volume.service import VolumeService
    from pocketstack.services.volume.validation import validate_body

    service = VolumeService(cloud)
    policy = policies.VolumePolicyEngine("volume", policies.DEFAULTS, cloud.settings.data_path)
    service.policy = policy
    return ServiceApi(
        name="volume",
        service_type="block-storage",
        prefix="/volume",
        routes=ROUTES,
        render_error=render_error,
        policy=policy,
        service=service,
        versions=versions.RANGE,
        bootstrap=lambda: bootstrap.bootstrap(service),
        background=service.background,
        validate_body=validate_body,
    )
