"""Domains and projects (one table, as Keystone: a domain is a project with ``is_domain``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import ids
from pocketstack.core.errors import BadRequest, Forbidden
from pocketstack.core.timeutils import utcnow
from pocketstack.services.identity import models as m
from pocketstack.services.identity.errors import duplicate, forbidden_action, not_found
from pocketstack.services.identity.store import DOMAIN_ROOT, Store, apply_filters, many, one

p = m.projects
DEFAULT_DOMAIN_ID = "default"
_CORE = ("id", "name", "description", "enabled", "domain_id", "parent_id", "is_domain", "options", "tags")


def split_extra(body: Mapping[str, Any], core: Sequence[str]) -> dict[str, Any]:
    """Attributes Keystone keeps as free-form extras (returned as top-level keys)."""
    return {k: v for k, v in body.items() if k not in core and k != "links"}


def get_project_row(conn: Connection, project_id: str) -> dict[str, Any] | None:
    return one(conn, sa.select(p).where(p.c.id == project_id, p.c.is_domain.is_(False)))


def get_domain_row(conn: Connection, domain_id: str) -> dict[str, Any] | None:
    return one(conn, sa.select(p).where(p.c.id == domain_id, p.c.is_domain.is_(True)))


def tags_for(conn: Connection, project_ids: Sequence[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {pid: [] for pid in project_ids}
    if project_ids:
        rows = conn.execute(
            sa.select(m.project_tags.c.project_id, m.project_tags.c.name)
            .where(m.project_tags.c.project_id.in_(list(project_ids)))
            .order_by(m.project_tags.c.name)
        )
        for pid, name in rows:
            out[pid].append(name)
    return out


def ancestors(conn: Connection, project_id: str) -> list[dict[str, Any]]:
    """Parent projects from the nearest up (domains excluded)."""
    out: list[dict[str, Any]] = []
    row = get_project_row(conn, project_id)
    seen = {project_id}
    while row is not None and row["parent_id"] and row["parent_id"] not in seen:
        seen.add(row["parent_id"])
        row = get_project_row(conn, row["parent_id"])
        if row is not None:
            out.append(row)
    return out


def descendants(conn: Connection, project_id: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    frontier = [project_id]
    while frontier:
        children = many(conn, sa.select(p).where(p.c.parent_id.in_(frontier), p.c.is_domain.is_(False)))
        out.extend(children)
        frontier = [c["id"] for c in children]
    return out


class Resources(Store):
    # -- domains -----------------------------------------------------------------

    def get_domain(self, domain_id: str) -> dict[str, Any]:
        with self.reading() as conn:
            return self._domain(conn, domain_id)

    def _domain(self, conn: Connection, domain_id: str) -> dict[str, Any]:
        row = get_domain_row(conn, domain_id)
        if row is None:
            raise not_found("domain", domain_id)
        row["tags"] = tags_for(conn, [domain_id])[domain_id]
        return row

    def domain_by_name(self, conn: Connection, name: str) -> dict[str, Any]:
        row = one(conn, sa.select(p).where(p.c.name == name, p.c.is_domain.is_(True)))
        if row is None:
            raise not_found("domain", name)
        return row

    def list_domains(self, query: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
        with self.reading() as conn:
            stmt = apply_filters(sa.select(p).where(p.c.is_domain.is_(True)), p, query, exact=("name", "id")).order_by(
                p.c.name
            )
            rows = many(conn, stmt)
            tags = tags_for(conn, [r["id"] for r in rows])
        for r in rows:
            r["tags"] = tags[r["id"]]
        return rows

    def create_domain(self, body: Mapping[str, Any]) -> dict[str, Any]:
        domain_id = body.get("explicit_domain_id") or body.get("id") or ids.hex_id()
        with self.changing() as conn:
            if one(conn, sa.select(p.c.id).where(p.c.id == domain_id)):
                raise duplicate("domain", f"Duplicate ID, {domain_id}")
            self._check_domain_name(conn, body["name"])
            self._insert(conn, domain_id, body, is_domain=True, domain_id=DOMAIN_ROOT, parent_id=None)
            return self._domain(conn, domain_id)

    def _check_domain_name(self, conn: Connection, name: str, exclude: str | None = None) -> None:
        stmt = sa.select(p.c.id).where(sa.func.lower(p.c.name) == name.lower(), p.c.is_domain.is_(True))
        if exclude:
            stmt = stmt.where(p.c.id != exclude)
        if one(conn, stmt):
            raise duplicate("domain", f"Duplicate entry found with name {name}")

    def update_domain(self, domain_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        with self.changing() as conn:
            current = self._domain(conn, domain_id)
            if "name" in body and body["name"] != current["name"]:
                self._check_domain_name(conn, body["name"], exclude=domain_id)
            self._update(conn, current, body)
            return self._domain(conn, domain_id)

    def delete_domain(self, domain_id: str) -> None:
        with self.changing() as conn:
            domain = self._domain(conn, domain_id)
            if domain["enabled"]:
                raise forbidden_action("Cannot delete a domain that is enabled, please disable it first")
            project_ids = [r["id"] for r in many(conn, sa.select(p.c.id).where(p.c.domain_id == domain_id))]
            self._drop_assignments(conn, "project", project_ids)
            self._drop_assignments(conn, "domain", [domain_id])
            user_ids = [r[0] for r in conn.execute(sa.select(m.users.c.id).where(m.users.c.domain_id == domain_id))]
            group_ids = [r[0] for r in conn.execute(sa.select(m.groups.c.id).where(m.groups.c.domain_id == domain_id))]
            a = m.assignments
            if user_ids or group_ids:
                conn.execute(a.delete().where(a.c.actor_id.in_(user_ids + group_ids)))
            conn.execute(m.users.delete().where(m.users.c.domain_id == domain_id))
            conn.execute(m.groups.delete().where(m.groups.c.domain_id == domain_id))
            conn.execute(m.roles.delete().where(m.roles.c.domain_id == domain_id))
            conn.execute(p.delete().where(p.c.domain_id == domain_id))
            conn.execute(p.delete().where(p.c.id == domain_id))

    # -- projects ------------------------------------------------------------------

    def get_project(self, project_id: str) -> dict[str, Any]:
        with self.reading() as conn:
            return self._project(conn, project_id)

    def _project(self, conn: Connection, project_id: str) -> dict[str, Any]:
        row = get_project_row(conn, project_id)
        if row is None:
            raise not_found("project", project_id)
        row["tags"] = tags_for(conn, [project_id])[project_id]
        return row

    def get_project_any(self, project_id: str) -> dict[str, Any]:
        """A project or a domain (Keystone's projects API reaches both)."""
        with self.reading() as conn:
            row = one(conn, sa.select(p).where(p.c.id == project_id))
            if row is None:
                raise not_found("project", project_id)
            row["tags"] = tags_for(conn, [project_id])[project_id]
            return row

    def project_by_name(self, conn: Connection, name: str, domain_id: str) -> dict[str, Any]:
        row = one(
            conn,
            sa.select(p).where(p.c.name == name, p.c.domain_id == domain_id, p.c.is_domain.is_(False)),
        )
        if row is None:
            raise not_found("project", name)
        return row

    def list_projects(
        self, query: Mapping[str, Sequence[str]], only_ids: set[str] | None = None
    ) -> list[dict[str, Any]]:
        stmt = sa.select(p)
        is_domain = query.get("is_domain")
        if is_domain and is_domain[-1].lower() in ("true", "1"):
            stmt = stmt.where(p.c.is_domain.is_(True))
        else:
            stmt = stmt.where(p.c.is_domain.is_(False))
        stmt = apply_filters(stmt, p, query, exact=("name", "domain_id", "parent_id", "id"))
        if only_ids is not None:
            stmt = stmt.where(p.c.id.in_(only_ids))
        stmt = self._tag_filters(stmt, query).order_by(p.c.name)
        with self.reading() as conn:
            rows = many(conn, stmt)
            tags = tags_for(conn, [r["id"] for r in rows])
        for r in rows:
            r["tags"] = tags[r["id"]]
        return rows

    @staticmethod
    def _tag_filters(stmt: sa.Select[Any], query: Mapping[str, Sequence[str]]) -> sa.Select[Any]:
        t = m.project_tags

        def having(tag: str) -> Any:
            return sa.exists().where(t.c.project_id == p.c.id, t.c.name == tag)

        for key, values in query.items():
            wanted = [x for x in values[-1].split(",") if x]
            if not wanted:
                continue
            if key == "tags":
                stmt = stmt.where(sa.and_(*[having(x) for x in wanted]))
            elif key == "tags-any":
                stmt = stmt.where(sa.or_(*[having(x) for x in wanted]))
            elif key == "not-tags":
                stmt = stmt.where(sa.not_(sa.and_(*[having(x) for x in wanted])))
            elif key == "not-tags-any":
                stmt = stmt.where(sa.not_(sa.or_(*[having(x) for x in wanted])))
        return stmt

    def create_project(self, body: Mapping[str, Any], default_domain: str) -> dict[str, Any]:
        if body.get("is_domain"):
            return self.create_domain(body)
        project_id = ids.hex_id()
        with self.changing() as conn:
            parent_id = body.get("parent_id")
            domain_id = body.get("domain_id")
            if parent_id:
                parent = get_project_row(conn, parent_id) or get_domain_row(conn, parent_id)
                if parent is None:
                    raise not_found("project", parent_id)
                parent_domain = parent["id"] if parent["is_domain"] else parent["domain_id"]
                if domain_id and domain_id != parent_domain:
                    raise BadRequest(
                        "Cannot create project, since it specifies its domain_id "
                        f"{domain_id}, but specifies a parent in a different domain "
                        f"({parent_domain})."
                    )
                domain_id = parent_domain
            domain_id = domain_id or default_domain
            domain = get_domain_row(conn, domain_id)
            if domain is None:
                raise not_found("domain", domain_id)
            self._check_project_name(conn, body["name"], domain_id)
            self._insert(
                conn,
                project_id,
                body,
                is_domain=False,
                domain_id=domain_id,
                parent_id=parent_id or domain_id,
            )
            return self._project(conn, project_id)

    def _check_project_name(self, conn: Connection, name: str, domain_id: str, exclude: str | None = None) -> None:
        stmt = sa.select(p.c.id).where(
            sa.func.lower(p.c.name) == name.lower(), p.c.domain_id == domain_id, p.c.is_domain.is_(False)
        )
        if exclude:
            stmt = stmt.where(p.c.id != exclude)
        if one(conn, stmt):
            raise duplicate(
                "project",
                f"it is not permitted to have two projects with the same name in the same domain : {name}",
            )

    def update_project(self, project_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        with self.changing() as conn:
            current = self._project(conn, project_id)
            if "domain_id" in body and body["domain_id"] != current["domain_id"]:
                raise BadRequest("Cannot change Domain ID")
            if "parent_id" in body and body["parent_id"] != current["parent_id"]:
                raise forbidden_action("Update of `parent_id` is not allowed")
            if "is_domain" in body and bool(body["is_domain"]) != current["is_domain"]:
                raise BadRequest("Cannot change is_domain attribute of a project")
            if "name" in body and body["name"] != current["name"]:
                self._check_project_name(conn, body["name"], current["domain_id"], exclude=project_id)
            self._update(conn, current, body)
            return self._project(conn, project_id)

    def delete_project(self, project_id: str, cascade: bool = False) -> list[str]:
        """Delete a project (and with ``cascade`` its subtree); returns the deleted ids."""
        with self.changing() as conn:
            self._project(conn, project_id)
            below = descendants(conn, project_id)
            if below and not cascade:
                raise Forbidden(
                    f"Cannot delete the project {project_id} since it is not a leaf in the "
                    "hierarchy. Use the cascade option if you want to delete a whole subtree."
                )
            gone = [project_id, *(r["id"] for r in below)]
            self._drop_assignments(conn, "project", gone)
            conn.execute(m.app_creds.delete().where(m.app_creds.c.project_id.in_(gone)))
            conn.execute(m.credentials.delete().where(m.credentials.c.project_id.in_(gone)))
            conn.execute(m.trusts.delete().where(m.trusts.c.project_id.in_(gone)))
            conn.execute(m.limits.delete().where(m.limits.c.project_id.in_(gone)))
            conn.execute(m.project_endpoints.delete().where(m.project_endpoints.c.project_id.in_(gone)))
            conn.execute(m.project_endpoint_groups.delete().where(m.project_endpoint_groups.c.project_id.in_(gone)))
            conn.execute(p.delete().where(p.c.id.in_(gone)))
            return gone

    # -- tags --------------------------------------------------------------------------

    def set_tags(self, project_id: str, tags: Sequence[str]) -> list[str]:
        with self.changing() as conn:
            self._project_or_domain(conn, project_id)
            self._write_tags(conn, project_id, tags)
            return tags_for(conn, [project_id])[project_id]

    def add_tag(self, project_id: str, tag: str) -> list[str]:
        with self.changing() as conn:
            self._project_or_domain(conn, project_id)
            current = tags_for(conn, [project_id])[project_id]
            if tag not in current:
                if len(current) >= 80:
                    raise BadRequest("The number of tags exceeds the limit of 80.")
                conn.execute(m.project_tags.insert().values(project_id=project_id, name=tag))
            return tags_for(conn, [project_id])[project_id]

    def delete_tag(self, project_id: str, tag: str | None) -> None:
        t = m.project_tags
        with self.changing() as conn:
            self._project_or_domain(conn, project_id)
            stmt = t.delete().where(t.c.project_id == project_id)
            if tag is not None:
                if not conn.execute(stmt.where(t.c.name == tag)).rowcount:
                    raise not_found("tag", tag)
                return
            conn.execute(stmt)

    def _project_or_domain(self, conn: Connection, project_id: str) -> dict[str, Any]:
        row = one(conn, sa.select(p).where(p.c.id == project_id))
        if row is None:
            raise not_found("project", project_id)
        return row

    # -- shared ---------------------------------------------------------------------------

    def _write_tags(self, conn: Connection, project_id: str, tags: Sequence[str]) -> None:
        conn.execute(m.project_tags.delete().where(m.project_tags.c.project_id == project_id))
        for tag in dict.fromkeys(tags):
            conn.execute(m.project_tags.insert().values(project_id=project_id, name=tag))

    def _insert(
        self,
        conn: Connection,
        row_id: str,
        body: Mapping[str, Any],
        *,
        is_domain: bool,
        domain_id: str,
        parent_id: str | None,
    ) -> None:
        conn.execute(
            p.insert().values(
                id=row_id,
                name=body["name"],
                description=body.get("description") or "",
                enabled=body.get("enabled", True),
                is_domain=is_domain,
                domain_id=domain_id,
                parent_id=parent_id,
                extra=split_extra(body, (*_CORE, "explicit_domain_id")),
                options=body.get("options") or {},
                created_at=utcnow(),
            )
        )
        if body.get("tags"):
            self._write_tags(conn, row_id, body["tags"])

    def _update(self, conn: Connection, current: dict[str, Any], body: Mapping[str, Any]) -> None:
        values: dict[str, Any] = {}
        for key in ("name", "enabled"):
            if key in body:
                values[key] = body[key]
        if "description" in body:
            values["description"] = body["description"] or ""
        if "options" in body:
            options = dict(current["options"] or {})
            for k, v in (body["options"] or {}).items():
                if v is None:
                    options.pop(k, None)
                else:
                    options[k] = v
            values["options"] = options
        extra = split_extra(body, _CORE)
        if extra:
            values["extra"] = {**(current["extra"] or {}), **extra}
        if values:
            conn.execute(p.update().where(p.c.id == current["id"]).values(**values))
        if "tags" in body:
            self._write_tags(conn, current["id"], body["tags"] or [])

    @staticmethod
    def _drop_assignments(conn: Connection, target_type: str, target_ids: Sequence[str]) -> None:
        if target_ids:
            a = m.assignments
            conn.execute(a.delete().where(a.c.target_type == target_type, a.c.target_id.in_(list(target_ids))))
