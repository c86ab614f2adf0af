"""DevStack's image: a small public ``cirros-0.6.3-x86_64-disk`` (qcow2, bare).

Its data is a tiny valid qcow2 generated here (the same bytes every time), stored like
any upload, so clients and Tempest have an image to boot.  Idempotent.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid

from pocketstack.core.context import RequestContext
from pocketstack.core.errors import Conflict
from pocketstack.services.image import repo
from pocketstack.services.image.service import ImageService

CIRROS_NAME = "cirros-0.6.3-x86_64-disk"
CIRROS_VIRTUAL_SIZE = 117440512  # what the real cirros 0.6.3 image reports
# One id in every pocketstack cloud (two processes bootstrapping at once create it once).
CIRROS_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "pocketstack:image:" + CIRROS_NAME))


def bootstrap(svc: ImageService, admin_project_id: str | None) -> None:
    svc.metadefs.seed_resource_types()
    svc.data.recover()
    if not svc.config.bootstrap_image:
        return
    with svc.db.read() as conn:
        if repo.get_row(conn, CIRROS_ID, include_deleted=True) is not None:
            return  # there, or deleted on purpose: a restart does not bring it back
    ctx = RequestContext(
        user_id="pocketstack-bootstrap",
        user_name="admin",
        user_domain_id="default",
        user_domain_name="Default",
        roles=("admin", "member", "reader"),
        project_id=admin_project_id,
        project_name="admin",
    )
    with contextlib.suppress(Conflict):  # another process sharing the data dir created it first
        _create(svc, ctx)


def _create(svc: ImageService, ctx: RequestContext) -> None:
    from pocketstack.services.image.formats import tiny_qcow2

    data = tiny_qcow2(CIRROS_VIRTUAL_SIZE)
    svc.create_image(
        ctx,
        image_id=CIRROS_ID,
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
