"""Metadef records: namespaces (visible to the admin, their owner, or everyone when
public) and what they contain.  Each operation is one transaction; policy runs against
the namespace as Glance's MetadefAPIPolicy does (a refusal is a 404 when the caller may
not even read the namespace)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core.context import RequestContext
from pocketstack.core.db import Database
from pocketstack.core.errors import NotFound, PolicyDenied
from pocketstack.core.pagination import SortKey, after_marker, order_by
from pocketstack.core.timeutils import utcnow
from pocketstack.services.image import errors
from pocketstack.services.image import models as m
from pocketstack.services.image.access import Access

Row = dict[str, Any]
# resource types Glance's metadefs associate namespaces with (seeded, protected)
SEEDED_RESOURCE_TYPES = (
    "OS::Glance::Image",
    "OS::Cinder::Volume",
    "OS::Nova::Flavor",
    "OS::Nova::Aggregate",
    "OS::Nova::Server",
    "OS::Trove::Instance",
)
NS_SORT_KEYS = ("namespace", "display_name", "description", "visibility", "owner", "created_at", "updated_at", "id")
_CHILD_TABLES = {"object": m.md_objects, "property": m.md_properties, "tag": m.md_tags}
_NOT_FOUND = {
    "object": "The metadata definition object with name={name} was not found in namespace={ns}.",
    "property": "The metadata definition property with name={name} was not found in namespace={ns}.",
    "tag": "The metadata definition tag with name={name} was not found in namespace={ns}.",
}
_DUPLICATE = {
    "object": "A metadata definition object with name={name} already exists in namespace={ns}.",
    "property": "A metadata definition property with name={name} already exists in namespace={ns}.",
    "tag": "A metadata tag with name={name} already exists in namespace={ns}. "
    "(Please note that metadata tag names are case insensitive).",
}
_PROTECTED = {
    "object": "Metadata definition object {name} is protected and cannot be deleted.",
    "property": "Metadata definition property {name} is protected and cannot be deleted.",
    "tag": "Metadata definition tag {name} is protected and cannot be deleted.",
}


def _insert(conn: Connection, stmt: Any) -> int:
    key = conn.execute(stmt).inserted_primary_key
    assert key is not None
    return int(key[0])


def _one(conn: Connection, stmt: Any) -> Row | None:
    row = conn.execute(stmt).first()
    return dict(row._mapping) if row is not None else None


class MetadefStore:
    def __init__(self, db: Database, access: Access) -> None:
        self.db = db
        self.access = access

    # -- namespaces: visibility and policy --------------------------------------------------

    def _visible(self, ctx: RequestContext, ns: Row) -> bool:
        return (
            self.access.is_admin(ctx)
            or ns["owner"] is None
            or ns["visibility"] == "public"
            or (ctx.project_id is not None and ctx.project_id == ns["owner"])
        )

    @staticmethod
    def target(ns: Row | None, ctx: RequestContext) -> dict[str, Any]:
        if ns is None:
            return {"project_id": ctx.project_id}
        return {"project_id": ns["owner"], "visibility": ns["visibility"]}

    def enforce(self, rule: str, ctx: RequestContext, ns: Row | None) -> None:
        policy = self.access.policy
        if policy.check(rule, ctx, self.target(ns, ctx)):
            return
        if ns is not None and (
            rule == "get_metadef_namespace" or not policy.check("get_metadef_namespace", ctx, self.target(ns, ctx))
        ):
            raise errors.not_found()
        raise PolicyDenied(rule)

    def namespace_row(self, conn: Connection, name: str) -> Row | None:
        return _one(conn, sa.select(m.md_namespaces).where(m.md_namespaces.c.namespace == name))

    def find(self, conn: Connection, ctx: RequestContext, name: str) -> Row:
        """A namespace the caller can see, else Glance's "Namespace <name> not found"."""
        ns = self.namespace_row(conn, name)
        if ns is None or not self._visible(ctx, ns):
            raise errors.not_found(f"Namespace {name} not found")
        return ns

    # -- namespaces ---------------------------------------------------------------------------

    def list_namespaces(
        self,
        ctx: RequestContext,
        *,
        limit: int,
        marker: str | None,
        sort_key: str,
        sort_dir: str,
        filters: Mapping[str, str],
    ) -> tuple[list[Row], str | None]:
        t = m.md_namespaces
        with self.db.read() as conn:
            conds: list[Any] = []
            if not self.access.is_admin(ctx):
                conds.append(sa.or_(t.c.visibility == "public", t.c.owner == ctx.project_id, t.c.owner.is_(None)))
            if filters.get("visibility"):
                conds.append(t.c.visibility == filters["visibility"])
            if filters.get("resource_types"):
                names = filters["resource_types"].split(",")
                a, r = m.md_associations, m.md_resource_types
                conds.append(
                    sa.exists().where(a.c.namespace_id == t.c.id, a.c.resource_type_id == r.c.id, r.c.name.in_(names))
                )
            if sort_key not in NS_SORT_KEYS:
                raise errors.bad_request("Sort key supplied was not valid.")
            keys = [SortKey(t.c[k], sort_dir == "desc") for k in dict.fromkeys([sort_key, "created_at", "id"])]
            stmt = sa.select(t).where(*conds)
            if marker is not None:
                marker_row = self.namespace_row(conn, marker)
                if marker_row is None or not self._visible(ctx, marker_row):
                    raise errors.not_found(f"Metadata definition namespace={marker} was not found.")
                stmt = stmt.where(after_marker(keys, marker_row))
            rows = [dict(r._mapping) for r in conn.execute(stmt.order_by(*order_by(keys)).limit(limit))]
            rows = [r for r in rows if self.access.policy.check("get_metadef_namespace", ctx, self.target(r, ctx))]
            for row in rows:
                row["resource_type_associations"] = self._associations(conn, row["id"])
        next_marker = rows[-1]["namespace"] if rows and len(rows) == limit else None
        return rows, next_marker

    def create_namespace(self, ctx: RequestContext, body: Mapping[str, Any]) -> Row:
        now = utcnow()
        with self.db.write() as conn:
            if self.namespace_row(conn, body["namespace"]) is not None:
                raise errors.conflict(f"The metadata definition namespace={body['namespace']} already exists.")
            values = {
                "namespace": body["namespace"],
                "display_name": body.get("display_name"),
                "description": body.get("description"),
                "visibility": body.get("visibility") or "private",
                "protected": bool(body.get("protected", False)),
                "owner": body.get("owner") or ctx.project_id,
                "created_at": now,
                "updated_at": now,
            }
            ns_id = _insert(conn, m.md_namespaces.insert().values(**values))
            for assoc in body.get("resource_type_associations") or []:
                self._associate(conn, ns_id, body["namespace"], assoc)
            for obj in body.get("objects") or []:
                self._insert_child(conn, "object", ns_id, body["namespace"], _object_values(obj))
            for name, schema in (body.get("properties") or {}).items():
                self._insert_child(conn, "property", ns_id, body["namespace"], _property_values(name, schema))
            for tag in body.get("tags") or []:
                self._insert_child(conn, "tag", ns_id, body["namespace"], {"name": tag["name"]})
        return {**values, "id": ns_id}

    def update_namespace(self, ctx: RequestContext, name: str, body: Mapping[str, Any]) -> Row:
        with self.db.write() as conn:
            ns = self.find(conn, ctx, name)
            self.enforce("modify_metadef_namespace", ctx, ns)
            new_name = body["namespace"]
            if new_name != name and self.namespace_row(conn, new_name) is not None:
                raise errors.conflict(
                    f"Invalid update. It would result in a duplicate metadata definition namespace with the same "
                    f"name of {new_name}"
                )
            values = {
                "namespace": new_name,
                "display_name": body.get("display_name"),
                "description": body.get("description"),
                "visibility": body.get("visibility") or "private",
                "protected": bool(body.get("protected") or False),
                "owner": body.get("owner") or ctx.project_id,
                "updated_at": utcnow(),
            }
            conn.execute(m.md_namespaces.update().where(m.md_namespaces.c.id == ns["id"]).values(**values))
        return {**ns, **values}

    def delete_namespace(self, ctx: RequestContext, name: str, what: str | None = None) -> None:
        """Delete the namespace, or (``what``) all its objects, properties or tags."""
        with self.db.write() as conn:
            ns = self.find(conn, ctx, name)
            self.enforce("delete_metadef_namespace", ctx, ns)
            if ns["protected"]:
                raise errors.forbidden(f"Metadata definition namespace {name} is protected and cannot be deleted.")
            if what is None:
                conn.execute(m.md_namespaces.delete().where(m.md_namespaces.c.id == ns["id"]))
            else:
                table = _CHILD_TABLES[what]
                conn.execute(table.delete().where(table.c.namespace_id == ns["id"]))

    def show_namespace(self, ctx: RequestContext, name: str) -> dict[str, Any]:
        with self.db.read() as conn:
            ns = self.namespace_row(conn, name)
            if ns is None:
                raise errors.not_found(f"Metadata definition namespace={name} was not found.")
            if not self._visible(ctx, ns):
                raise errors.not_found()
            self.enforce("get_metadef_namespace", ctx, ns)
            for rule in ("list_metadef_resource_types", "get_metadef_objects", "get_metadef_properties"):
                self.enforce(rule, ctx, ns)
            self.enforce("get_metadef_tags", ctx, ns)
            return {
                "namespace": ns,
                "objects": self.children(conn, "object", ns["id"]),
                "associations": self._associations(conn, ns["id"]),
                "properties": self.children(conn, "property", ns["id"]),
                "tags": self.children(conn, "tag", ns["id"]),
            }

    # -- objects, properties, tags ----------------------------------------------------------

    def children(self, conn: Connection, kind: str, ns_id: int, limit: int | None = None, **sort: Any) -> list[Row]:
        table = _CHILD_TABLES[kind]
        stmt = sa.select(table).where(table.c.namespace_id == ns_id)
        if sort:
            if sort["sort_key"] not in table.c:  # oslo.db's paginate_query: InvalidSortKey
                raise errors.bad_request("Sort key supplied was not valid.")
            keys = [SortKey(table.c[k], sort["sort_dir"] == "desc") for k in dict.fromkeys([sort["sort_key"], "id"])]
            if sort.get("marker_row") is not None:
                stmt = stmt.where(after_marker(keys, sort["marker_row"]))
            stmt = stmt.order_by(*order_by(keys))
        else:
            stmt = stmt.order_by(table.c.name)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [dict(r._mapping) for r in conn.execute(stmt)]

    def _child(self, conn: Connection, kind: str, ns: Row, name: str) -> Row:
        table = _CHILD_TABLES[kind]
        match = sa.func.lower(table.c.name) == name.lower() if kind == "tag" else table.c.name == name
        row = _one(conn, sa.select(table).where(table.c.namespace_id == ns["id"], match))
        if row is None:
            raise NotFound(_NOT_FOUND[kind].format(name=name, ns=ns["namespace"]))
        return row

    def _insert_child(self, conn: Connection, kind: str, ns_id: int, ns_name: str, values: Mapping[str, Any]) -> Row:
        table = _CHILD_TABLES[kind]
        name = values["name"]
        match = sa.func.lower(table.c.name) == name.lower() if kind == "tag" else table.c.name == name
        if _one(conn, sa.select(table.c.id).where(table.c.namespace_id == ns_id, match)) is not None:
            raise errors.conflict(_DUPLICATE[kind].format(name=name, ns=ns_name))
        now = utcnow()
        row = {**values, "namespace_id": ns_id, "created_at": now, "updated_at": now}
        row["id"] = _insert(conn, table.insert().values(**row))
        return row

    def read_child(self, ctx: RequestContext, kind: str, ns_name: str, name: str, rule: str) -> Row:
        with self.db.read() as conn:
            ns = self.find(conn, ctx, ns_name)
            self.enforce(rule, ctx, ns)
            return self._child(conn, kind, ns, name)

    def list_children(self, ctx: RequestContext, kind: str, ns_name: str, rule: str, **paging: Any) -> list[Row]:
        with self.db.read() as conn:
            ns = self.find(conn, ctx, ns_name)
            self.enforce(rule, ctx, ns)
            if not paging:
                return self.children(conn, kind, ns["id"])
            marker = paging.pop("marker", None)
            if marker is not None:
                paging["marker_row"] = self._child(conn, kind, ns, marker)
            return self.children(conn, kind, ns["id"], **paging)

    def create_child(self, ctx: RequestContext, kind: str, ns_name: str, values: Mapping[str, Any], rule: str) -> Row:
        with self.db.write() as conn:
            ns = self.find(conn, ctx, ns_name)
            self.enforce(rule, ctx, ns)
            return self._insert_child(conn, kind, ns["id"], ns_name, values)

    def replace_tags(self, ctx: RequestContext, ns_name: str, names: list[str], append: bool) -> list[Row]:
        with self.db.write() as conn:
            ns = self.find(conn, ctx, ns_name)
            self.enforce("add_metadef_tags", ctx, ns)
            if not append:
                conn.execute(m.md_tags.delete().where(m.md_tags.c.namespace_id == ns["id"]))
            return [self._insert_child(conn, "tag", ns["id"], ns_name, {"name": n}) for n in names]

    def update_child(
        self, ctx: RequestContext, kind: str, ns_name: str, name: str, values: Mapping[str, Any], rule: str
    ) -> Row:
        table = _CHILD_TABLES[kind]
        with self.db.write() as conn:
            ns = self.find(conn, ctx, ns_name)
            self.enforce(rule, ctx, ns)
            row = self._child(conn, kind, ns, name)
            new_name = values.get("name", name)
            if new_name != row["name"]:
                clash = _one(
                    conn, sa.select(table.c.id).where(table.c.namespace_id == ns["id"], table.c.name == new_name)
                )
                if clash is not None:
                    raise errors.conflict(
                        f"Invalid update. It would result in a duplicate metadata definition {kind} with the same "
                        f"name={new_name} in namespace={ns_name}."
                    )
            changes = {**values, "updated_at": utcnow()}
            conn.execute(table.update().where(table.c.id == row["id"]).values(**changes))
            return {**row, **changes}

    def delete_child(self, ctx: RequestContext, kind: str, ns_name: str, name: str, rule: str) -> None:
        table = _CHILD_TABLES[kind]
        with self.db.write() as conn:
            ns = self.find(conn, ctx, ns_name)
            self.enforce(rule, ctx, ns)
            row = self._child(conn, kind, ns, name)
            if ns["protected"]:
                raise errors.forbidden(_PROTECTED[kind].format(name=row["name"]))
            conn.execute(table.delete().where(table.c.id == row["id"]))

    # -- resource types ---------------------------------------------------------------------

    def seed_resource_types(self) -> None:
        now = utcnow()
        with self.db.write() as conn:
            have = set(conn.execute(sa.select(m.md_resource_types.c.name)).scalars())
            for name in SEEDED_RESOURCE_TYPES:
                if name not in have:
                    conn.execute(
                        m.md_resource_types.insert().values(name=name, protected=True, created_at=now, updated_at=now)
                    )

    def resource_types(self, ctx: RequestContext) -> list[Row]:
        self.enforce("list_metadef_resource_types", ctx, None)
        with self.db.read() as conn:
            rows = conn.execute(sa.select(m.md_resource_types).order_by(m.md_resource_types.c.name))
            return [dict(r._mapping) for r in rows]

    def _associations(self, conn: Connection, ns_id: int) -> list[Row]:
        a, r = m.md_associations, m.md_resource_types
        rows = conn.execute(
            sa.select(r.c.name, a.c.prefix, a.c.properties_target, a.c.created_at, a.c.updated_at)
            .where(a.c.namespace_id == ns_id, a.c.resource_type_id == r.c.id)
            .order_by(r.c.name)
        )
        return [dict(x._mapping) for x in rows]

    def _associate(self, conn: Connection, ns_id: int, ns_name: str, values: Mapping[str, Any]) -> Row:
        r, a = m.md_resource_types, m.md_associations
        now = utcnow()
        found = _one(conn, sa.select(r.c.id).where(r.c.name == values["name"]))
        if found is None:
            rt_id = _insert(
                conn, r.insert().values(name=values["name"], protected=False, created_at=now, updated_at=now)
            )
        else:
            rt_id = found["id"]
        if _one(conn, sa.select(a.c.namespace_id).where(a.c.namespace_id == ns_id, a.c.resource_type_id == rt_id)):
            raise errors.conflict(
                f"The metadata definition resource-type association of resource-type={values['name']} to "
                f"namespace={ns_name} already exists."
            )
        row = {
            "resource_type_id": rt_id,
            "namespace_id": ns_id,
            "prefix": values.get("prefix"),
            "properties_target": values.get("properties_target"),
            "created_at": now,
            "updated_at": now,
        }
        conn.execute(a.insert().values(**row))
        return {"name": values["name"], **row}

    def associations(self, ctx: RequestContext, ns_name: str) -> list[Row]:
        with self.db.read() as conn:
            ns = self.find(conn, ctx, ns_name)
            self.enforce("list_metadef_resource_types", ctx, ns)
            return self._associations(conn, ns["id"])

    def associate(self, ctx: RequestContext, ns_name: str, values: Mapping[str, Any]) -> Row:
        with self.db.write() as conn:
            ns = self.find(conn, ctx, ns_name)
            self.enforce("add_metadef_resource_type_association", ctx, ns)
            return self._associate(conn, ns["id"], ns_name, values)

    def dissociate(self, ctx: RequestContext, ns_name: str, rt_name: str) -> None:
        r, a = m.md_resource_types, m.md_associations
        with self.db.write() as conn:
            ns = self.find(conn, ctx, ns_name)
            self.enforce("remove_metadef_resource_type_association", ctx, ns)
            found = _one(conn, sa.select(r.c.id).where(r.c.name == rt_name))
            gone = (
                found is None
                or not conn.execute(
                    a.delete().where(a.c.namespace_id == ns["id"], a.c.resource_type_id == found["id"])
                ).rowcount
            )
            if gone:
                raise errors.not_found(f"Failed to find resource type {rt_name} to delete")
            if ns["protected"]:
                raise errors.forbidden(
                    f"Metadata definition resource-type-association {rt_name} is protected and cannot be deleted."
                )


def _object_values(body: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": body["name"],
        "description": body.get("description"),
        "required": body.get("required"),
        "json_schema": body.get("properties") or {},
    }


def _property_values(name: str, schema: Mapping[str, Any]) -> dict[str, Any]:
    return {"name": name, "json_schema": {k: v for k, v in schema.items() if k != "name"}}


object_values: Callable[[Mapping[str, Any]], dict[str, Any]] = _object_values
property_values: Callable[[str, Mapping[str, Any]], dict[str, Any]] = _property_values
