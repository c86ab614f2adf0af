"""Attaching volumes: the attachments API (3.27+) and the older os-* actions.

Attachment states are Cinder's: ``reserved`` (created without a connector) →
``attaching`` (connector given, connection made) → ``attached`` (completed);
``detached`` rows are deleted.  A volume's status follows its attachments the way
Cinder's ``_get_statuses_from_attachments`` derives it.  These calls are
synchronous upstream too (RPC calls to the volume service), so nothing here waits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import ids
from pocketstack.core.errors import BadRequest, Conflict
from pocketstack.core.timeutils import utcnow
from pocketstack.services.volume import errors as e
from pocketstack.services.volume import models as m
from pocketstack.services.volume.drivers.base import Backend
from pocketstack.services.volume.store import Store, many, one
from pocketstack.services.volume.volumes import MIGRATION_OK, Volumes, or_str

a = m.attachments
v = m.volumes
_STATUS_OF = {"attached": "in-use", "detached": "available"}


def volume_statuses(conn: Connection, volume_id: str) -> tuple[str, str]:
    """(status, attach_status) implied by the remaining attachments (errors ignored)."""
    attach_status = conn.execute(
        sa.select(a.c.attach_status)
        .where(a.c.volume_id == volume_id, sa.not_(a.c.attach_status.startswith("error_")))
        .order_by(a.c.attach_status.asc())
        .limit(1)
    ).scalar()
    attach_status = attach_status or "detached"
    return _STATUS_OF.get(attach_status, attach_status), attach_status


class Attachments(Store):
    def __init__(self, volumes: Volumes, backend: Backend, server_in_use: Callable[[str], bool]) -> None:
        super().__init__(volumes.db)
        self.volumes = volumes
        self.backend = backend
        # does the compute service hold this server (Cinder asks Nova before letting a
        # user delete an attachment a server is using)
        self.server_in_use = server_in_use

    # -- reading ---------------------------------------------------------------------------

    @staticmethod
    def row(conn: Connection, attachment_id: str) -> dict[str, Any] | None:
        return one(conn, sa.select(a).where(a.c.id == attachment_id))

    def visible(self, conn: Connection, attachment_id: str, project_id: str | None, admin: bool) -> dict[str, Any]:
        row = self.row(conn, attachment_id)
        if row is None or (not admin and row["project_id"] != project_id):
            raise e.attachment_not_found(f"attachment_id = {attachment_id}")
        return row

    def for_volume(self, conn: Connection, volume_id: str) -> list[dict[str, Any]]:
        return many(conn, sa.select(a).where(a.c.volume_id == volume_id).order_by(a.c.created_at, a.c.id))

    # -- the attachments API ---------------------------------------------------------------

    def create(
        self,
        conn: Connection,
        volume: Mapping[str, Any],
        *,
        instance_uuid: str | None,
        connector: Mapping[str, Any] | None,
        mode: str = "null",
    ) -> dict[str, Any]:
        if "error" in volume["status"]:
            raise e.invalid_volume(
                "Volume attachments can not be created if the volume is in an error state. "
                f"The Volume {volume['id']} currently has a status of: {volume['status']} "
            )
        attachment = self._reserve(conn, volume, instance_uuid)
        if (volume.get("admin_metadata") or {}).get("readonly") == "True":
            mode = "ro"
        conn.execute(a.update().where(a.c.id == attachment["id"]).values(attach_mode=mode))
        attachment["attach_mode"] = mode
        if connector:
            self._connect(conn, volume, attachment, dict(connector))
        return self.row(conn, attachment["id"]) or attachment

    def _reserve(self, conn: Connection, volume: Mapping[str, Any], instance_uuid: str | None) -> dict[str, Any]:
        statuses = ("available", "in-use", "downloading") if volume["multiattach"] else ("available", "downloading")
        if volume["status"] in statuses:
            conn.execute(v.update().where(v.c.id == volume["id"]).values(status="reserved", updated_at=utcnow()))
        else:
            override = False
            if instance_uuid and volume["status"] in ("in-use", "reserved"):
                override = any(x["instance_uuid"] == instance_uuid for x in self.for_volume(conn, volume["id"]))
            if not override:
                raise e.invalid_volume(
                    f"Volume {volume['id']} status must be {or_str(list(statuses))} to reserve, "
                    f"but the current status is {volume['status']}."
                )
        now = utcnow()
        row = {
            "id": ids.uuid_id(),
            "volume_id": volume["id"],
            "project_id": volume["project_id"],
            "instance_uuid": instance_uuid,
            "attached_host": None,
            "mountpoint": None,
            "attach_mode": "null",
            "attach_status": "reserved",
            "connector": None,
            "connection_info": None,
            "attach_time": None,
            "detach_time": None,
            "created_at": now,
            "updated_at": now,
        }
        conn.execute(a.insert().values(row))
        return row

    def _connect(
        self, conn: Connection, volume: Mapping[str, Any], attachment: Mapping[str, Any], connector: dict[str, Any]
    ) -> dict[str, Any]:
        """The volume service's attachment_update: make the connection, mark ``attaching``."""
        mode = connector.get("mode", "rw")
        if attachment["attach_mode"] not in (None, "null"):
            mode = attachment["attach_mode"]
            connector["mode"] = mode
        info = self.backend.connection_info(volume, connector)
        info["data"]["access_mode"] = mode
        info["attachment_id"] = attachment["id"]
        now = utcnow()
        conn.execute(
            a.update()
            .where(a.c.id == attachment["id"])
            .values(
                connector=connector,
                connection_info=info,
                mountpoint=connector.get("mountpoint", "na"),
                attached_host=connector.get("host", ""),
                attach_mode=mode,
                attach_status="attaching",
                attach_time=now,
                updated_at=now,
            )
        )
        conn.execute(
            v.update()
            .where(v.c.id == volume["id"])
            .values(status="attaching", attach_status="attaching", updated_at=now)
        )
        return info

    def update(self, conn: Connection, attachment: Mapping[str, Any], connector: Mapping[str, Any]) -> dict[str, Any]:
        volume = self.volumes.row(conn, attachment["volume_id"])
        if volume is None:
            raise e.volume_not_found(attachment["volume_id"])
        if "error" in volume["status"]:
            raise Conflict(
                "Resource conflict: Volume attachments can not be updated if the volume is in an error state. "
                f"The Volume {volume['id']} currently has a status of: {volume['status']} ",
                kind="ResourceConflict",
            )
        others = self.for_volume(conn, volume["id"])
        if len(others) > 1 and not volume["multiattach"]:
            hosts = {(x["connector"] or {}).get("host") for x in others if x["connection_info"]}
            if hosts:
                raise Conflict(
                    f"Resource conflict: duplicate connectors detected on volume {volume['id']}",
                    kind="ResourceConflict",
                )
        self._connect(conn, volume, attachment, dict(connector))
        return self.row(conn, attachment["id"]) or dict(attachment)

    def complete(self, conn: Connection, attachment: Mapping[str, Any]) -> None:
        now = utcnow()
        conn.execute(a.update().where(a.c.id == attachment["id"]).values(attach_status="attached", updated_at=now))
        conn.execute(
            v.update()
            .where(v.c.id == attachment["volume_id"])
            .values(status="in-use", attach_status="attached", updated_at=now)
        )

    def check_user_may_delete(self, attachment: Mapping[str, Any]) -> None:
        """Cinder refuses a user's delete of an attachment a server still uses (bug 2004555)."""
        server_id = attachment.get("instance_uuid")
        if server_id and attachment.get("connection_info") and self.server_in_use(server_id):
            raise Conflict(
                f"ConflictNovaUsingAttachment: Detach volume from instance {server_id} using the Compute API",
                kind="ConflictNovaUsingAttachment",
            )

    def delete(self, conn: Connection, attachment: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Remove the attachment; the volume's status follows what is left.  Returns the rest."""
        self.finish_detach(conn, attachment["volume_id"], attachment["id"])
        return self.for_volume(conn, attachment["volume_id"])

    def finish_detach(self, conn: Connection, volume_id: str, attachment_id: str | None) -> None:
        if attachment_id is not None:
            conn.execute(a.delete().where(a.c.id == attachment_id))
        volume = self.volumes.row(conn, volume_id)
        if volume is None:
            return
        status, attach_status = volume_statuses(conn, volume_id)
        values: dict[str, Any] = {"attach_status": attach_status, "updated_at": utcnow()}
        if attach_status != "detached" or (not volume["migration_status"] and volume["status"] != "uploading"):
            values["status"] = status
        admin_meta = dict(volume["admin_metadata"] or {})
        admin_meta.pop("attached_mode", None)
        values["admin_metadata"] = admin_meta
        conn.execute(v.update().where(v.c.id == volume_id).values(values))

    # -- the os-* volume actions -----------------------------------------------------------

    def reserve(self, conn: Connection, volume: Mapping[str, Any]) -> None:
        statuses = ("available", "in-use") if volume["multiattach"] else ("available",)
        if volume["status"] not in statuses:
            raise e.invalid_volume(
                f"Volume status must be {or_str(list(statuses))} to reserve, but the status is {volume['status']}."
            )
        conn.execute(v.update().where(v.c.id == volume["id"]).values(status="attaching", updated_at=utcnow()))

    def unreserve(self, conn: Connection, volume: Mapping[str, Any]) -> None:
        if volume["status"] != "attaching":
            return
        has = conn.execute(sa.select(a.c.id).where(a.c.volume_id == volume["id"]).limit(1)).first() is not None
        conn.execute(
            v.update()
            .where(v.c.id == volume["id"])
            .values(status="in-use" if has else "available", updated_at=utcnow())
        )

    def begin_detaching(self, conn: Connection, volume: Mapping[str, Any]) -> None:
        if not (
            volume["status"] == "in-use"
            and volume["attach_status"] == "attached"
            and volume["migration_status"] in MIGRATION_OK
        ):
            raise e.invalid_volume(
                "Unable to detach volume. Volume status must be 'in-use' and attach_status must be "
                "'attached' to detach."
            )
        conn.execute(v.update().where(v.c.id == volume["id"]).values(status="detaching", updated_at=utcnow()))

    def roll_detaching(self, conn: Connection, volume: Mapping[str, Any]) -> None:
        if volume["status"] == "detaching":
            conn.execute(v.update().where(v.c.id == volume["id"]).values(status="in-use", updated_at=utcnow()))

    def attach(
        self,
        conn: Connection,
        volume: Mapping[str, Any],
        *,
        instance_uuid: str | None,
        host_name: str | None,
        mountpoint: str,
        mode: str,
    ) -> dict[str, Any]:
        """The legacy os-attach: record the attachment and mark the volume ``in-use``."""
        if volume["status"] == "maintenance":
            raise e.invalid_volume("The volume cannot be attached in maintenance mode.")
        admin_meta = dict(volume["admin_metadata"] or {})
        if admin_meta.get("readonly", "False") == "True" and mode != "ro":
            raise BadRequest(
                f"Invalid attaching mode '{mode}' for volume {volume['id']}.", kind="InvalidVolumeAttachMode"
            )
        if volume["status"] == "attaching" and admin_meta.get("attached_mode") not in (None, mode):
            raise e.invalid_volume("being attached by different mode")
        existing = [
            x
            for x in self.for_volume(conn, volume["id"])
            if (instance_uuid and x["instance_uuid"] == instance_uuid)
            or (not instance_uuid and host_name and x["attached_host"] == host_name)
        ]
        now = utcnow()
        if existing:
            conn.execute(v.update().where(v.c.id == volume["id"]).values(status="in-use", updated_at=now))
            return existing[0]
        if volume["status"] == "in-use" and not volume["multiattach"] and not volume["migration_status"]:
            raise e.invalid_volume("volume is already attached and multiple attachments are not enabled")
        admin_meta["attached_mode"] = mode
        row = {
            "id": ids.uuid_id(),
            "volume_id": volume["id"],
            "project_id": volume["project_id"],
            "instance_uuid": instance_uuid,
            "attached_host": host_name,
            "mountpoint": mountpoint,
            "attach_mode": mode,
            "attach_status": "attached",
            "connector": None,
            "connection_info": None,
            "attach_time": now,
            "detach_time": None,
            "created_at": now,
            "updated_at": now,
        }
        conn.execute(a.insert().values(row))
        conn.execute(
            v.update()
            .where(v.c.id == volume["id"])
            .values(status="in-use", attach_status="attached", admin_metadata=admin_meta, updated_at=now)
        )
        return row

    def detach(self, conn: Connection, volume: Mapping[str, Any], attachment_id: str | None) -> None:
        if volume["status"] == "maintenance":
            raise e.invalid_volume("The volume cannot be detached in maintenance mode.")
        attachments = self.for_volume(conn, volume["id"])
        if attachment_id:
            if not any(x["id"] == attachment_id for x in attachments):
                self.finish_detach(conn, volume["id"], None)
                return
            self.finish_detach(conn, volume["id"], attachment_id)
            return
        if len(attachments) > 1:
            raise e.invalid_volume("Detach volume failed: More than one attachment, but no attachment_id provided.")
        if not attachments:
            conn.execute(
                v.update()
                .where(v.c.id == volume["id"])
                .values(status="available", attach_status="detached", updated_at=utcnow())
            )
            return
        self.finish_detach(conn, volume["id"], attachments[0]["id"])

    def initialize_connection(self, conn: Connection, volume: Mapping[str, Any], connector: Any) -> dict[str, Any]:
        if volume["status"] == "maintenance":
            raise e.invalid_volume("The volume connection cannot be initialized in maintenance mode.")
        if not isinstance(connector, Mapping):
            raise e.invalid_input("Connector doesn't have required information: initiator")
        info = self.backend.connection_info(volume, connector)
        mode = "ro" if (volume.get("admin_metadata") or {}).get("readonly") == "True" else "rw"
        info["data"]["access_mode"] = mode
        return info

    def terminate_connection(self, conn: Connection, volume: Mapping[str, Any]) -> None:
        self.unreserve(conn, volume)
