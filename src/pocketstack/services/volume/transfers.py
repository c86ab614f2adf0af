"""Volume transfers: offer a volume to another project, which accepts it with a key."""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import ids
from pocketstack.core.context import RequestContext
from pocketstack.core.errors import BadRequest, NotFound
from pocketstack.core.timeutils import utcnow
from pocketstack.services.volume import errors as e
from pocketstack.services.volume import models as m
from pocketstack.services.volume.store import Store, many, one
from pocketstack.services.volume.volumes import Volumes

t = m.transfers
SALT_LENGTH = 8  # volume_transfer_salt_length
KEY_LENGTH = 16  # volume_transfer_key_length


def transfer_not_found(transfer_id: str) -> NotFound:
    return NotFound(f"Transfer {transfer_id} could not be found.", kind="TransferNotFound")


def _random(length: int) -> str:
    out = ""
    while len(out) < length:
        out += hashlib.sha224(os.urandom(255)).hexdigest()
    return out[:length]


def _hash(salt: str, key: str) -> str:
    return hmac.new(salt.encode(), str(key).encode(), hashlib.sha1).hexdigest()


class Transfers(Store):
    def __init__(self, volumes: Volumes) -> None:
        super().__init__(volumes.db)
        self.volumes = volumes

    def visible(self, conn: Connection, transfer_id: str, project_id: str | None, admin: bool) -> dict[str, Any]:
        row = one(conn, sa.select(t).where(t.c.id == transfer_id))
        if row is None:
            raise transfer_not_found(transfer_id)
        if not admin:
            vol = self.volumes.row(conn, row["volume_id"])
            if vol is None or vol["project_id"] != project_id:
                raise transfer_not_found(transfer_id)
        return row

    def search(
        self, conn: Connection, project_id: str | None, all_projects: bool, name: str | None
    ) -> list[dict[str, Any]]:
        stmt = sa.select(t).order_by(t.c.created_at, t.c.id)
        if not all_projects:
            v = m.volumes
            stmt = stmt.join(v, v.c.id == t.c.volume_id).where(v.c.project_id == project_id)
        if name is not None:
            stmt = stmt.where(t.c.name == name)
        return many(conn, stmt.where(t.c.accepted.is_(False)))

    def create(
        self, conn: Connection, volume: Mapping[str, Any], name: str | None, no_snapshots: bool
    ) -> dict[str, Any]:
        if volume["status"] != "available":
            raise e.bad_request("Invalid volume: status must be available")
        if not no_snapshots:
            for snap in many(conn, sa.select(m.snapshots).where(m.snapshots.c.volume_id == volume["id"])):
                if snap["status"] != "available":
                    raise e.bad_request(f"Invalid snapshot: snapshot: {snap['id']} status must be available")
        salt, key = _random(SALT_LENGTH), _random(KEY_LENGTH)
        row = {
            "id": ids.uuid_id(),
            "volume_id": volume["id"],
            "name": name,
            "salt": salt,
            "crypt_hash": _hash(salt, key),
            "source_project_id": volume["project_id"],
            "destination_project_id": None,
            "accepted": False,
            "no_snapshots": no_snapshots,
            "created_at": utcnow(),
            "updated_at": None,
        }
        conn.execute(t.insert().values(row))
        conn.execute(
            m.volumes.update()
            .where(m.volumes.c.id == volume["id"])
            .values(status="awaiting-transfer", updated_at=utcnow())
        )
        return {**row, "auth_key": key}

    def delete(self, conn: Connection, transfer: Mapping[str, Any]) -> None:
        conn.execute(t.delete().where(t.c.id == transfer["id"]))
        conn.execute(
            m.volumes.update()
            .where(m.volumes.c.id == transfer["volume_id"], m.volumes.c.status == "awaiting-transfer")
            .values(status="available", updated_at=utcnow())
        )

    def accept(self, conn: Connection, ctx: RequestContext, transfer_id: str, auth_key: Any) -> dict[str, Any]:
        transfer = one(conn, sa.select(t).where(t.c.id == transfer_id, t.c.accepted.is_(False)))
        if transfer is None:
            raise transfer_not_found(transfer_id)
        if _hash(transfer["salt"], str(auth_key)) != transfer["crypt_hash"]:
            raise BadRequest(
                f"Invalid auth key: Attempt to transfer {transfer_id} with invalid auth key.", kind="InvalidAuthKey"
            )
        volume = self.volumes.row(conn, transfer["volume_id"])
        if volume is None:
            raise e.volume_not_found(transfer["volume_id"])
        project_id = ctx.project_id or ""
        quotas = self.volumes.quotas
        type_name = self.volumes.types.names(conn, [volume["volume_type_id"]]).get(volume["volume_type_id"])
        quotas.check(
            conn, project_id, quotas.volume_deltas(type_name, volume["size"]), kind="volumes", size=volume["size"]
        )
        snaps = (
            []
            if transfer["no_snapshots"]
            else many(conn, sa.select(m.snapshots).where(m.snapshots.c.volume_id == volume["id"]))
        )
        if snaps:
            size = sum(s["volume_size"] for s in snaps)
            deltas = {"snapshots": len(snaps), "gigabytes": size}
            if type_name:
                deltas.update({f"snapshots_{type_name}": len(snaps), f"gigabytes_{type_name}": size})
            quotas.check(conn, project_id, deltas, kind="snapshots", size=size)
        now = utcnow()
        conn.execute(
            m.volumes.update()
            .where(m.volumes.c.id == volume["id"])
            .values(status="available", project_id=project_id, user_id=ctx.user_id, updated_at=now)
        )
        for snap in snaps:
            conn.execute(
                m.snapshots.update()
                .where(m.snapshots.c.id == snap["id"])
                .values(project_id=project_id, user_id=ctx.user_id, updated_at=now)
            )
        conn.execute(
            t.update()
            .where(t.c.id == transfer_id)
            .values(accepted=True, destination_project_id=project_id, updated_at=now)
        )
        return {"id": transfer_id, "name": transfer["name"], "volume_id": volume["id"]}
