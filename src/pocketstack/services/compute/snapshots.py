"""The simulated compute's side of createImage and createBackup (image-backed servers).

Nova's API creates the image ``queued`` and sets task_state ``image_snapshot_pending``
(``image_backup``); the compute host then snapshots the disk (``image_snapshot``,
``image_pending_upload``) and uploads it (``image_uploading``, the image ``saving``);
when the upload ends the image is ``active``, the task state cleared and a backup's
rotation runs.  Here that is two timed steps (``[compute] build_mode``): the first
begins the upload, the second ends it; ``instant`` timing does both with the request.
A server deleted meanwhile takes an unfinished image with it; an image deleted
meanwhile just ends the snapshot, as in Nova.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection

from pocketstack.core import timeutils
from pocketstack.core.context import RequestContext
from pocketstack.core.errors import ApiError, NotFound
from pocketstack.services.compute import states as st
from pocketstack.services.compute.drivers.base import Task
from pocketstack.services.compute.models import instances

if TYPE_CHECKING:
    from pocketstack.services.compute.service import ComputeService

SNAPSHOT_STATES = frozenset(
    {st.IMAGE_SNAPSHOT_PENDING, st.IMAGE_SNAPSHOT, st.IMAGE_PENDING_UPLOAD, st.IMAGE_UPLOADING, st.IMAGE_BACKUP}
)


class SnapshotSteps:
    def __init__(self, svc: ComputeService) -> None:
        self.svc = svc

    def _images(self) -> Any:
        return self.svc.cloud.service("image") if self.svc.integration.has("image") else None

    def prepare(self, ctx: RequestContext, task: Task) -> dict[str, Any]:
        """Outside any compute transaction: the image service's part of the step."""
        p = task.payload
        image_id = str(p.get("image_id") or "")
        images = self._images()
        inst = self.svc.servers.get(task.instance_uuid, deleted=True)
        if inst["deleted"] or inst["task_state"] == st.DELETING:
            self._drop_unfinished(ctx, image_id)  # "Instance disappeared during snapshot"
            return {"gone": True}
        if images is None or not image_id:
            return {}
        final = self.svc.driver.mode == "instant" or bool(p.get("uploading"))
        try:
            if not final:
                images.begin_upload(image_id)
                return {"uploading": True}
            images.upload_image(
                ctx, image_id, source_image_id=inst["image_ref"] or None, min_disk=int(inst["root_gb"] or 0)
            )
        except NotFound:
            return {}  # "Image not found during snapshot": the snapshot just ends
        backup = p.get("backup")
        if backup:
            self.svc.ops.rotate(ctx, inst, str(backup["backup_type"]), int(backup["rotation"]))
        return {}

    def _drop_unfinished(self, ctx: RequestContext, image_id: str) -> None:
        images = self._images()
        if images is None or not image_id:
            return
        try:
            image = images.get_image(ctx, image_id)
            if image.get("status") != "active":
                images.delete_image(ctx, image_id)
        except ApiError:
            pass

    def finish(self, conn: Connection, task: Task, extra: dict[str, Any]) -> bool:
        """Inside the step's transaction: the server's task state; True when the upload
        step is still to come (scheduled here, timed like any transition)."""
        row = conn.execute(instances.select().where(instances.c.uuid == task.instance_uuid)).first()
        if row is None or row.deleted:
            return True
        in_snapshot = row.task_state in SNAPSHOT_STATES
        now = timeutils.utcnow()
        if extra.get("uploading") and in_snapshot:
            conn.execute(
                instances.update()
                .where(instances.c.uuid == task.instance_uuid)
                .values(task_state=st.IMAGE_UPLOADING, updated_at=now)
            )
            self.svc.driver.schedule(
                conn,
                instance_uuid=task.instance_uuid,
                kind=task.kind,
                payload={**task.payload, "uploading": True},
                request_id=task.request_id,
            )
            return True
        if in_snapshot:
            conn.execute(
                instances.update().where(instances.c.uuid == task.instance_uuid).values(task_state=None, updated_at=now)
            )
        return False


__all__ = ["SNAPSHOT_STATES", "SnapshotSteps"]
