"""Credentials (``/v3/credentials``) and the EC2 view of them (``OS-EC2``).

As in Keystone, a credential's blob is a string (for ``ec2``, a JSON object with
``access`` and ``secret``) kept encrypted at rest, here with the identity Fernet keys
(which are never removed, so every stored blob stays readable).  An ``ec2``
credential's id is the SHA-256 of its access key, so it can be found by that key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import InvalidToken
from sqlalchemy.engine import Connection

from pocketstack.core import ids
from pocketstack.core.db import Database
from pocketstack.services.identity import models as m
from pocketstack.services.identity.errors import duplicate, invalid, not_found
from pocketstack.services.identity.store import Store, many, one
from pocketstack.services.identity.tokens import KeyRing
from pocketstack.settings import Settings

c = m.credentials
EC2 = "ec2"
_CORE = ("id", "user_id", "project_id", "type", "blob", "links")
# an ec2 blob's delegation keys may never change once set (Keystone's rule)
_FIXED_EC2_KEYS = ("trust_id", "app_cred_id", "access_token_id", "access_id")


def hash_access_key(access: str) -> str:
    return hashlib.sha256(access.encode("utf-8")).hexdigest()


def dumps_blob(blob: Mapping[str, Any]) -> str:
    return json.dumps(dict(blob))


def ec2_blob(blob: str) -> dict[str, Any]:
    """The parsed blob of an ec2 credential, with Keystone's errors when it is not one."""
    try:
        parsed = json.loads(blob)
    except (TypeError, ValueError):
        raise invalid("Invalid blob in credential") from None
    if not parsed or not isinstance(parsed, dict):
        raise _expecting("blob")
    if parsed.get("access") is None:
        raise _expecting("access")
    return parsed


def _expecting(attribute: str) -> Exception:
    return invalid(
        f"Expecting to find {attribute} in credential. The server could not comply with the "
        "request since it is either malformed or otherwise incorrect. The client is assumed "
        "to be in error."
    )


class Credentials(Store):
    def __init__(self, db: Database, settings: Settings, keys: KeyRing) -> None:
        super().__init__(db, settings)
        self.keys = keys

    # -- blob encryption --------------------------------------------------------------

    def _seal(self, blob: str) -> str:
        return self.keys.fernet().encrypt(blob.encode("utf-8")).decode("ascii")

    def _open(self, sealed: str) -> str:
        try:
            return self.keys.fernet().decrypt(sealed.encode("ascii")).decode("utf-8")
        except InvalidToken:
            return self.keys.fernet(reload=True).decrypt(sealed.encode("ascii")).decode("utf-8")

    def _row(self, row: Mapping[str, Any]) -> dict[str, Any]:
        return {**row, "blob": self._open(row["blob"])}

    # -- reads --------------------------------------------------------------------------

    def get(self, credential_id: str) -> dict[str, Any]:
        with self.reading() as conn:
            row = one(conn, sa.select(c).where(c.c.id == credential_id))
        if row is None:
            raise not_found("credential", credential_id)
        return self._row(row)

    def find(self, credential_id: str) -> dict[str, Any] | None:
        with self.reading() as conn:
            row = one(conn, sa.select(c).where(c.c.id == credential_id))
        return self._row(row) if row is not None else None

    def list(self, user_id: str | None = None, type: str | None = None) -> list[dict[str, Any]]:
        stmt = sa.select(c)
        if user_id is not None:
            stmt = stmt.where(c.c.user_id == user_id)
        if type is not None:
            stmt = stmt.where(c.c.type == type)
        with self.reading() as conn:
            rows = many(conn, stmt.order_by(c.c.id))
        return [self._row(r) for r in rows]

    # -- writes -------------------------------------------------------------------------

    def create(self, body: Mapping[str, Any], delegation: Mapping[str, str | None] | None = None) -> dict[str, Any]:
        """Store a credential; ``delegation`` (trust_id/app_cred_id) is recorded in an ec2 blob."""
        blob = body["blob"]
        if body["type"].lower() == EC2:
            parsed = ec2_blob(blob)
            credential_id = hash_access_key(parsed["access"])
            extra_keys = {k: v for k, v in (delegation or {}).items() if v is not None}
            if extra_keys:
                blob = json.dumps({**parsed, **extra_keys})
        else:
            credential_id = body.get("id") or ids.hex_id()
        with self.changing() as conn:
            if one(conn, sa.select(c.c.id).where(c.c.id == credential_id)):
                raise duplicate("credential", f"Duplicate ID, {credential_id}")
            conn.execute(
                c.insert().values(
                    id=credential_id,
                    user_id=body["user_id"],
                    project_id=body.get("project_id"),
                    type=body["type"],
                    blob=self._seal(blob),
                    extra={k: v for k, v in body.items() if k not in _CORE},
                )
            )
            return self._row(self._get_row(conn, credential_id))

    def update(self, credential_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        with self.changing() as conn:
            current = self._row(self._get_row(conn, credential_id))
            if "id" in body and body["id"] != credential_id:
                raise invalid("Cannot change ID")
            new_type = body.get("type", current["type"])
            if current["type"].lower() == EC2 and "blob" in body:
                old, new = ec2_blob(current["blob"]), ec2_blob(body["blob"])
                for key in _FIXED_EC2_KEYS:
                    if old.get(key) != new.get(key):
                        raise invalid(f"{key} can not be updated for credential")
            if new_type.lower() == EC2 and not body.get("project_id") and not current["project_id"]:
                raise _expecting("project_id")
            values: dict[str, Any] = {k: body[k] for k in ("user_id", "project_id", "type") if k in body}
            if "blob" in body:
                values["blob"] = self._seal(body["blob"])
            extra = {k: v for k, v in body.items() if k not in _CORE}
            if extra:
                values["extra"] = {**(current["extra"] or {}), **extra}
            if values:
                conn.execute(c.update().where(c.c.id == credential_id).values(**values))
            return self._row(self._get_row(conn, credential_id))

    def delete(self, credential_id: str) -> None:
        with self.changing() as conn:
            if not conn.execute(c.delete().where(c.c.id == credential_id)).rowcount:
                raise not_found("credential", credential_id)

    @staticmethod
    def _get_row(conn: Connection, credential_id: str) -> dict[str, Any]:
        row = one(conn, sa.select(c).where(c.c.id == credential_id))
        if row is None:
            raise not_found("credential", credential_id)
        return row
