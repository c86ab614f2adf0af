"""QoS specs and their association with volume types."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import ids
from pocketstack.core.errors import BadRequest, Conflict, NotFound
from pocketstack.core.timeutils import utcnow
from pocketstack.services.volume import errors as e
from pocketstack.services.volume import models as m
from pocketstack.services.volume.store import Store, many, one

q = m.qos_specs
CONSUMERS = ("front-end", "back-end", "both")


class QosSpecs(Store):
    def get(self, conn: Connection, specs_id: str) -> dict[str, Any]:
        row = one(conn, sa.select(q).where(q.c.id == specs_id))
        if row is None:
            raise e.qos_not_found(specs_id)
        return row

    def search(self, conn: Connection, filters: Mapping[str, str]) -> list[dict[str, Any]]:
        stmt = sa.select(q)
        for key in ("id", "name", "consumer"):
            if key in filters:
                stmt = stmt.where(q.c[key] == filters[key])
        return many(conn, stmt)

    def create(self, conn: Connection, name: str, specs: Mapping[str, Any]) -> dict[str, Any]:
        specs = dict(specs)
        consumer = specs.pop("consumer", None) or "back-end"
        if consumer not in CONSUMERS:
            raise e.invalid_qos(f"Valid consumer of QoS specs are: {list(CONSUMERS)}")
        for key, value in specs.items():
            _check_length(key, value)
        if one(conn, sa.select(q.c.id).where(q.c.name == name)) is not None:
            raise Conflict(f"QoS Specs {name} already exists.", kind="QoSSpecsExists")
        row = {
            "id": ids.uuid_id(),
            "name": name,
            "consumer": consumer,
            "specs": {k: str(v) for k, v in specs.items()},
            "created_at": utcnow(),
            "updated_at": None,
        }
        conn.execute(q.insert().values(row))
        return row

    def update(self, conn: Connection, specs_id: str, changes: Mapping[str, Any]) -> None:
        row = self.get(conn, specs_id)
        specs = dict(row["specs"] or {})
        consumer = row["consumer"]
        for key, value in changes.items():
            if key == "consumer":
                if value not in CONSUMERS:
                    raise e.invalid_qos(f"Valid consumer of QoS specs are: {list(CONSUMERS)}")
                consumer = value
            elif value is None:
                specs.pop(key, None)
            else:
                specs[key] = str(value)
        conn.execute(q.update().where(q.c.id == specs_id).values(specs=specs, consumer=consumer, updated_at=utcnow()))

    def delete_keys(self, conn: Connection, specs_id: str, keys: Sequence[str]) -> None:
        row = self.get(conn, specs_id)
        specs = dict(row["specs"] or {})
        for key in keys:
            if key not in specs:
                raise NotFound(f"QoS spec {specs_id} has no spec with key {key}.", kind="QoSSpecsKeyNotFound")
            del specs[key]
        conn.execute(q.update().where(q.c.id == specs_id).values(specs=specs, updated_at=utcnow()))

    def delete(self, conn: Connection, specs_id: str, force: bool) -> None:
        self.get(conn, specs_id)
        if self.associations(conn, specs_id):
            if not force:
                raise BadRequest("Qos specs still in use.", kind="QoSSpecsInUse")
            self.disassociate_all(conn, specs_id)
        conn.execute(q.delete().where(q.c.id == specs_id))

    def associations(self, conn: Connection, specs_id: str) -> list[dict[str, Any]]:
        t = m.volume_types
        rows = conn.execute(sa.select(t.c.id, t.c.name).where(t.c.qos_specs_id == specs_id).order_by(t.c.name))
        return [{"association_type": "volume_type", "name": n, "id": i} for i, n in rows]

    def associate(self, conn: Connection, specs_id: str, type_id: str) -> None:
        self.get(conn, specs_id)
        t = m.volume_types
        current = one(conn, sa.select(t.c.qos_specs_id).where(t.c.id == type_id))
        if current is None:
            raise e.type_not_found(type_id)
        if current["qos_specs_id"] and current["qos_specs_id"] != specs_id:
            raise e.invalid_volume_type(
                f"Type {type_id} is already associated with another qos specs: {current['qos_specs_id']}"
            )
        conn.execute(t.update().where(t.c.id == type_id).values(qos_specs_id=specs_id))

    def disassociate(self, conn: Connection, specs_id: str, type_id: str) -> None:
        self.get(conn, specs_id)
        t = m.volume_types
        if one(conn, sa.select(t.c.id).where(t.c.id == type_id)) is None:
            raise e.type_not_found(type_id)
        conn.execute(t.update().where(t.c.id == type_id, t.c.qos_specs_id == specs_id).values(qos_specs_id=None))

    def disassociate_all(self, conn: Connection, specs_id: str) -> None:
        t = m.volume_types
        conn.execute(t.update().where(t.c.qos_specs_id == specs_id).values(qos_specs_id=None))


def _check_length(key: str, value: Any) -> None:
    for what, text in (("key", key), ("value", value)):
        if not isinstance(text, str):
            continue
        if len(text) > 255:
            raise e.invalid_input(f"{what} {text} should be between 0 and 255 characters")
