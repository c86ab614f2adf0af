"""What DevStack leaves in Cinder: its volume types and the running services."""

from __future__ import annotations

from pocketstack.services.volume.drivers.simulated import BACKEND_NAME
from pocketstack.services.volume.groups import CGSNAPSHOT_TYPE
from pocketstack.services.volume.service import DEFAULT_VOLUME_TYPE, VolumeService
from pocketstack.services.volume.vtypes import DEFAULT_TYPE_NAME

MULTIATTACH_TYPE = "multiattach"  # DevStack's VOLUME_TYPE_MULTIATTACH


def bootstrap(service: VolumeService) -> None:
    """Idempotent: the ``__DEFAULT__`` type Cinder creates, DevStack's ``lvmdriver-1``
    (with its backend name, and the configured default), ``multiattach`` (DevStack's
    multiattach type, unless ``[volume] multiattach`` is off), the group type Cinder's schema
    migration adds for consistency groups, and the service records."""
    service.deployment.ensure_services()
    with service.db.write() as conn:
        existing = set(service.quotas.type_names(conn))
        if DEFAULT_TYPE_NAME not in existing:
            service.types.create(
                conn, name=DEFAULT_TYPE_NAME, description="Default Volume Type", is_public=True, extra_specs={}
            )
        if DEFAULT_VOLUME_TYPE not in existing:
            service.types.create(
                conn,
                name=DEFAULT_VOLUME_TYPE,
                description=None,
                is_public=True,
                extra_specs={"volume_backend_name": BACKEND_NAME},
            )
        # DevStack's multi-backend setup makes a type per further backend, named after it
        for backend in service.backends[1:]:
            if backend.name not in existing:
                service.types.create(
                    conn,
                    name=backend.name,
                    description=None,
                    is_public=True,
                    extra_specs={"volume_backend_name": backend.name},
                )
        # DevStack with ENABLE_VOLUME_MULTIATTACH: `volume type create --property
        # multiattach="<is> True" multiattach`
        if service.settings.multiattach and MULTIATTACH_TYPE not in existing:
            service.types.create(
                conn, name=MULTIATTACH_TYPE, description=None, is_public=True, extra_specs={"multiattach": "<is> True"}
            )
        if CGSNAPSHOT_TYPE not in {t["name"] for t in service.groups.type_search(conn, None)}:
            service.groups.type_create(
                conn,
                CGSNAPSHOT_TYPE,
                "Default group type for migrating cgsnapshot",
                True,
                {"consistent_group_snapshot_enabled": "<is> True"},
            )
