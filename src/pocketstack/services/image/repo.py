"""Reading and writing image rows (an image is its row, its properties and its tags)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core.timeutils import utcnow
from pocketstack.services.image import models as m


@dataclass
class Image:
    row: dict[str, Any]
    props: dict[str, str | None] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.row["id"])

    def __getitem__(self, key: str) -> Any:
        return self.row[key]


def get_row(conn: Connection, image_id: str, include_deleted: bool = False) -> dict[str, Any] | None:
    if len(image_id) > 36:
        return None
    stmt = sa.select(m.images).where(m.images.c.id == image_id)
    if not include_deleted:
        stmt = stmt.where(m.images.c.deleted == sa.false())
    row = conn.execute(stmt).first()
    return dict(row._mapping) if row is not None else None


def props_of(conn: Connection, image_ids: Iterable[str]) -> dict[str, dict[str, str | None]]:
    ids = list(image_ids)
    out: dict[str, dict[str, str | None]] = {i: {} for i in ids}
    if ids:
        rows = conn.execute(
            sa.select(m.properties.c.image_id, m.properties.c.name, m.properties.c.value)
            .where(m.properties.c.image_id.in_(ids))
            .order_by(m.properties.c.image_id, m.properties.c.name)
        )
        for image_id, name, value in rows:
            out[image_id][name] = value
    return out


def tags_of(conn: Connection, image_ids: Iterable[str]) -> dict[str, list[str]]:
    ids = list(image_ids)
    out: dict[str, list[str]] = {i: [] for i in ids}
    if ids:
        rows = conn.execute(
            sa.select(m.tags.c.image_id, m.tags.c.value)
            .where(m.tags.c.image_id.in_(ids))
            .order_by(m.tags.c.image_id, m.tags.c.value)
        )
        for image_id, value in rows:
            out[image_id].append(value)
    return out


def load(conn: Connection, image_id: str) -> Image | None:
    row = get_row(conn, image_id)
    if row is None:
        return None
    return Image(row, props_of(conn, [image_id])[image_id], tags_of(conn, [image_id])[image_id])


def load_many(conn: Connection, rows: list[dict[str, Any]]) -> list[Image]:
    ids = [r["id"] for r in rows]
    props, tags = props_of(conn, ids), tags_of(conn, ids)
    return [Image(r, props[r["id"]], tags[r["id"]]) for r in rows]


def member_row(conn: Connection, image_id: str, member: str) -> dict[str, Any] | None:
    row = conn.execute(
        sa.select(m.members).where(m.members.c.image_id == image_id, m.members.c.member == member)
    ).first()
    return dict(row._mapping) if row is not None else None


def insert(conn: Connection, values: Mapping[str, Any], props: Mapping[str, Any], tags: Iterable[str]) -> None:
    conn.execute(m.images.insert(), dict(values))
    if props:
        conn.execute(
            m.properties.insert(), [{"image_id": values["id"], "name": k, "value": v} for k, v in props.items()]
        )
    tag_rows = [{"image_id": values["id"], "value": t} for t in dict.fromkeys(tags)]
    if tag_rows:
        conn.execute(m.tags.insert(), tag_rows)


def update(conn: Connection, image_id: str, **values: Any) -> None:
    values.setdefault("updated_at", utcnow())
    conn.execute(m.images.update().where(m.images.c.id == image_id).values(revision=m.images.c.revision + 1, **values))


def save(conn: Connection, before: Image, after: Image) -> None:
    """Write what changed between two states of one image (bumping ``updated_at``)."""
    changed = {k: v for k, v in after.row.items() if before.row.get(k) != v}
    changed.pop("updated_at", None)
    changed.pop("revision", None)
    update(conn, after.id, **changed)
    gone = [k for k in before.props if k not in after.props]
    if gone:
        conn.execute(m.properties.delete().where(m.properties.c.image_id == after.id, m.properties.c.name.in_(gone)))
    for key, value in after.props.items():
        if key not in before.props:
            conn.execute(m.properties.insert().values(image_id=after.id, name=key, value=value))
        elif before.props[key] != value:
            conn.execute(
                m.properties.update()
                .where(m.properties.c.image_id == after.id, m.properties.c.name == key)
                .values(value=value)
            )
    old_tags, new_tags = set(before.tags), set(after.tags)
    if old_tags - new_tags:
        conn.execute(
            m.tags.delete().where(m.tags.c.image_id == after.id, m.tags.c.value.in_(sorted(old_tags - new_tags)))
        )
    added = [t for t in dict.fromkeys(after.tags) if t not in old_tags]
    if added:
        conn.execute(m.tags.insert(), [{"image_id": after.id, "value": t} for t in added])
