"""Keystone's policy store (``/v3/policies``): blobs of any type, kept for other services.

Keystone never interprets them (its own rules come from oslo.policy), and neither do we.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from pocketstack.core import ids
from pocketstack.services.identity import models as m
from pocketstack.services.identity.errors import invalid, not_found
from pocketstack.services.identity.store import Store, apply_filters, many, one

pt = m.policies
_CORE = ("id", "type", "blob", "links")


class PolicyStore(Store):
    def get(self, policy_id: str) -> dict[str, Any]:
        with self.reading() as conn:
            row = one(conn, sa.select(pt).where(pt.c.id == policy_id))
        if row is None:
            raise not_found("policy", policy_id)
        return row

    def list(self, query: Mapping[str, Any]) -> list[dict[str, Any]]:
        stmt = apply_filters(sa.select(pt), pt, query, exact=("type",), booleans=(), inexact=("type",))
        with self.reading() as conn:
            return many(conn, stmt.order_by(pt.c.id))

    def create(self, body: Mapping[str, Any]) -> dict[str, Any]:
        policy_id = ids.hex_id()
        with self.changing() as conn:
            conn.execute(
                pt.insert().values(
                    id=policy_id,
                    type=body["type"],
                    blob=body["blob"],
                    extra={k: v for k, v in body.items() if k not in _CORE},
                )
            )
        return self.get(policy_id)

    def update(self, policy_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        with self.changing() as conn:
            current = one(conn, sa.select(pt).where(pt.c.id == policy_id))
            if current is None:
                raise not_found("policy", policy_id)
            if "id" in body and body["id"] != policy_id:
                raise invalid("Cannot change policy ID")
            values: dict[str, Any] = {k: body[k] for k in ("type", "blob") if k in body}
            extra = {k: v for k, v in body.items() if k not in _CORE}
            if extra:
                values["extra"] = {**(current["extra"] or {}), **extra}
            if values:
                conn.execute(pt.update().where(pt.c.id == policy_id).values(**values))
        return self.get(policy_id)

    def delete(self, policy_id: str) -> None:
        with self.changing() as conn:
            if not conn.execute(pt.delete().where(pt.c.id == policy_id)).rowcount:
                raise not_found("policy", policy_id)
