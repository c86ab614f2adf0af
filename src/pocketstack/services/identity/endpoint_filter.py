"""OS-EP-FILTER: endpoint groups, project-endpoint associations, and the filtered catalog.

A project associated with endpoints (directly or through endpoint groups, whose
``filters`` match endpoint attributes) gets only those endpoints in its tokens'
catalog; a project with none gets the whole catalog (Keystone's default,
``return_all_endpoints_if_no_filter``).  The project → endpoints map is rebuilt
when the identity revision moves, so token issue pays nothing when nothing is filtered.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import ids
from pocketstack.core.errors import NotFound
from pocketstack.services.identity import models as m
from pocketstack.services.identity.errors import invalid, not_found
from pocketstack.services.identity.store import REVISION, Store, apply_filters, many, one

eg = m.endpoint_groups
peg = m.project_endpoint_groups
pe = m.project_endpoints
ep = m.endpoints
FILTER_KEYS = ("service_id", "region_id", "interface")


def _check_filters(filters: Mapping[str, Any] | None) -> None:
    if not filters:
        raise invalid("filters field is required and cannot be empty")
    if any(k not in FILTER_KEYS for k in filters):
        raise invalid(
            f"Expecting to find {' or '.join(FILTER_KEYS)} in endpoint_group. The server could not "
            "comply with the request since it is either malformed or otherwise incorrect. The "
            "client is assumed to be in error."
        )


def _matches(endpoint: Mapping[str, Any], filters: Mapping[str, Any]) -> bool:
    return all(endpoint.get(k) == v for k, v in filters.items())


class EndpointFilter(Store):
    _lock = threading.Lock()
    _cache: tuple[int, dict[str, set[str]]] | None = None

    # -- endpoint groups ----------------------------------------------------------------

    def get_group(self, group_id: str) -> dict[str, Any]:
        with self.reading() as conn:
            return self._group(conn, group_id)

    @staticmethod
    def _group(conn: Connection, group_id: str) -> dict[str, Any]:
        row = one(conn, sa.select(eg).where(eg.c.id == group_id))
        if row is None:
            raise NotFound(f"Could not find Endpoint Group: {group_id}.")
        return row

    def list_groups(self, query: Mapping[str, Any]) -> list[dict[str, Any]]:
        stmt = apply_filters(sa.select(eg), eg, query, exact=("name",), booleans=())
        with self.reading() as conn:
            return many(conn, stmt.order_by(eg.c.name, eg.c.id))

    def create_group(self, body: Mapping[str, Any]) -> dict[str, Any]:
        _check_filters(body.get("filters"))
        group_id = ids.hex_id()
        with self.changing() as conn:
            conn.execute(
                eg.insert().values(
                    id=group_id, name=body["name"], description=body.get("description"), filters=body["filters"]
                )
            )
            return self._group(conn, group_id)

    def update_group(self, group_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        if "filters" in body:
            _check_filters(body["filters"])
        with self.changing() as conn:
            self._group(conn, group_id)
            values = {k: body[k] for k in ("name", "description", "filters") if k in body}
            if values:
                conn.execute(eg.update().where(eg.c.id == group_id).values(**values))
            return self._group(conn, group_id)

    def delete_group(self, group_id: str) -> None:
        with self.changing() as conn:
            self._group(conn, group_id)
            conn.execute(eg.delete().where(eg.c.id == group_id))

    def endpoints_in_group(self, group_id: str) -> list[dict[str, Any]]:
        with self.reading() as conn:
            filters = self._group(conn, group_id)["filters"]
            return [e for e in many(conn, sa.select(ep).order_by(ep.c.id)) if _matches(e, filters)]

    # -- endpoint groups of projects ---------------------------------------------------------

    def add_group_to_project(self, group_id: str, project_id: str) -> None:
        with self.changing() as conn:
            self._group(conn, group_id)
            if not self._group_link(conn, group_id, project_id):
                conn.execute(peg.insert().values(endpoint_group_id=group_id, project_id=project_id))

    def group_in_project(self, group_id: str, project_id: str) -> dict[str, Any]:
        with self.reading() as conn:
            self._group(conn, group_id)
            row = self._group_link(conn, group_id, project_id)
        if row is None:
            raise NotFound("Endpoint Group Project Association not found")
        return row

    def remove_group_from_project(self, group_id: str, project_id: str) -> None:
        with self.changing() as conn:
            self._group(conn, group_id)
            gone = conn.execute(
                peg.delete().where(peg.c.endpoint_group_id == group_id, peg.c.project_id == project_id)
            ).rowcount
        if not gone:
            raise NotFound("Endpoint Group Project Association not found")

    @staticmethod
    def _group_link(conn: Connection, group_id: str, project_id: str) -> dict[str, Any] | None:
        return one(conn, sa.select(peg).where(peg.c.endpoint_group_id == group_id, peg.c.project_id == project_id))

    def groups_for_project(self, project_id: str) -> list[dict[str, Any]]:
        with self.reading() as conn:
            stmt = sa.select(eg).join(peg, peg.c.endpoint_group_id == eg.c.id).where(peg.c.project_id == project_id)
            return many(conn, stmt.order_by(eg.c.name, eg.c.id))

    def projects_for_group(self, group_id: str) -> list[str]:
        with self.reading() as conn:
            self._group(conn, group_id)
            return [r[0] for r in conn.execute(sa.select(peg.c.project_id).where(peg.c.endpoint_group_id == group_id))]

    # -- endpoints of projects -----------------------------------------------------------------

    def add_endpoint_to_project(self, endpoint_id: str, project_id: str) -> None:
        with self.changing() as conn:
            self._endpoint(conn, endpoint_id)
            if not self._endpoint_link(conn, endpoint_id, project_id):
                conn.execute(pe.insert().values(endpoint_id=endpoint_id, project_id=project_id))

    def check_endpoint_in_project(self, endpoint_id: str, project_id: str) -> None:
        with self.reading() as conn:
            self._endpoint(conn, endpoint_id)
            if self._endpoint_link(conn, endpoint_id, project_id) is None:
                raise NotFound(f"Endpoint {endpoint_id} not found in project {project_id}")

    def remove_endpoint_from_project(self, endpoint_id: str, project_id: str) -> None:
        with self.changing() as conn:
            gone = conn.execute(pe.delete().where(pe.c.endpoint_id == endpoint_id, pe.c.project_id == project_id))
        if not gone.rowcount:
            raise NotFound(f"Endpoint {endpoint_id} not found in project {project_id}")

    @staticmethod
    def _endpoint(conn: Connection, endpoint_id: str) -> dict[str, Any]:
        row = one(conn, sa.select(ep).where(ep.c.id == endpoint_id))
        if row is None:
            raise not_found("endpoint", endpoint_id)
        return row

    @staticmethod
    def _endpoint_link(conn: Connection, endpoint_id: str, project_id: str) -> dict[str, Any] | None:
        return one(conn, sa.select(pe).where(pe.c.endpoint_id == endpoint_id, pe.c.project_id == project_id))

    def projects_for_endpoint(self, endpoint_id: str) -> list[str]:
        with self.reading() as conn:
            self._endpoint(conn, endpoint_id)
            return [r[0] for r in conn.execute(sa.select(pe.c.project_id).where(pe.c.endpoint_id == endpoint_id))]

    def endpoints_for_project(self, project_id: str) -> list[dict[str, Any]]:
        """Every endpoint the project is associated with, directly or through its groups."""
        wanted = self._project_map(force=True).get(project_id, set())
        with self.reading() as conn:
            return many(conn, sa.select(ep).where(ep.c.id.in_(wanted)).order_by(ep.c.id)) if wanted else []

    # -- the catalog's view ----------------------------------------------------------------------

    def visible_endpoints(self, project_id: str | None) -> set[str] | None:
        """The endpoint ids a project's catalog is limited to, or None for the whole catalog."""
        if project_id is None:
            return None
        return self._project_map().get(project_id) or None

    def _project_map(self, force: bool = False) -> dict[str, set[str]]:
        revision = self.db.revision(REVISION)
        cached = self._cache
        if cached is not None and cached[0] == revision and not force:
            return cached[1]
        with self.reading() as conn:
            revision = self.db.revision(REVISION, conn)
            direct = conn.execute(sa.select(pe.c.project_id, pe.c.endpoint_id)).all()
            linked = conn.execute(
                sa.select(peg.c.project_id, eg.c.filters).join(eg, eg.c.id == peg.c.endpoint_group_id)
            ).all()
            endpoints = many(conn, sa.select(ep)) if linked else []
        out: dict[str, set[str]] = {}
        for project_id, endpoint_id in direct:
            out.setdefault(project_id, set()).add(endpoint_id)
        for project_id, filters in linked:
            out.setdefault(project_id, set()).update(e["id"] for e in endpoints if _matches(e, filters))
        with self._lock:
            self._cache = (revision, out)
        return out
