"""DevStack's image: a small public ``cirros-0.6.3-x86_64-disk`` (qcow2, bare).

Its data is a tiny valid qcow2 generated here (the same bytes every time), stored like
any upload, so clients and Tempest have an image to boot.  Idempotent.
"""

from __future__ import annotations

import hashlib

from pocketstack.core.context import RequestContext
from pocketstack.services.image.service import ImageService

CIRROS_NAME = "cirros-0.6.3-x86_64-disk"
CIRROS_VIRTUAL_SIZE = 117440512  # what the real cirros 0.6.3 image reports


def bootstrap(svc: ImageService, admin_project_id: str | None) -> None:
    from pocketstack.services.image.formats import tiny_qcow2

    svc.metadefs.seed_resource_types()
    if not svc.config.bootstrap_image or svc.image_id_by_name(CIRROS_NAME) is not None:
        return
    ctx = RequestContext(
        user_id="pocketstack-bootstrap",
        user_name="admin",
        user_domain_id="default",
        user_domain_name="Default",
        roles=("admin", "member", "reader"),
        project_id=admin_project_id,
        project_name="admin",
    )
    data = tiny_qcow2(CIRROS_VIRTUAL_SIZE)
    svc.create_image(
        ctx,
        name=CIRROS_NAME,
        container_format="bare",
        disk_format="qcow2",
        visibility="public",
        data=data,
        # what DevStack's `openstack image create` (openstacksdk) records
        properties={
            "hw_rng_model": "virtio",
            "owner_specified.openstack.md5": hashlib.md5(data).hexdigest(),
            "owner_specified.openstack.sha256": hashlib.sha256(data).hexdigest(),
            "owner_specified.openstack.object": f"images/{CIRROS_NAME}",
        },
    )
