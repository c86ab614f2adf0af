"""Regions, services and endpoints, and the service catalog built from them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import ids
from pocketstack.core.errors import BadRequest, Forbidden
from pocketstack.services.identity import models as m
from pocketstack.services.identity.errors import duplicate, not_found
from pocketstack.services.identity.store import REVISION, Store, apply_filters, many, one

rg = m.regions
sv = m.services
ep = m.endpoints
_SERVICE_CORE = ("id", "type", "name", "description", "enabled")
_ENDPOINT_CORE = ("id", "service_id", "interface", "url", "region_id", "region", "enabled")
_REGION_CORE = ("id", "description", "parent_region_id")


class Catalog(Store):
    _cache: tuple[int, list[dict[str, Any]]] | None = None
    # OS-EP-FILTER, set by the service: which endpoints a project's catalog is limited to
    endpoint_filter: Any = None

    # -- regions ----------------------------------------------------------------

    def get_region(self, region_id: str) -> dict[str, Any]:
        with self.reading() as conn:
            return self._region(conn, region_id)

    def _region(self, conn: Connection, region_id: str) -> dict[str, Any]:
        row = one(conn, sa.select(rg).where(rg.c.id == region_id))
        if row is None:
            raise not_found("region", region_id)
        return row

    def list_regions(self, query: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
        stmt = apply_filters(sa.select(rg), rg, query, exact=("parent_region_id", "id"), inexact=())
        with self.reading() as conn:
            return many(conn, stmt.order_by(rg.c.id))

    def create_region(self, body: Mapping[str, Any], region_id: str | None = None) -> dict[str, Any]:
        region_id = region_id or body.get("id") or ids.hex_id()
        with self.changing() as conn:
            if one(conn, sa.select(rg.c.id).where(rg.c.id == region_id)):
                raise duplicate("region", f"Duplicate ID, {region_id}")
            parent = body.get("parent_region_id")
            if parent:
                self._check_parent(conn, region_id, parent)
            conn.execute(
                rg.insert().values(
                    id=region_id,
                    description=body.get("description") or "",
                    parent_region_id=parent,
                    extra={k: v for k, v in body.items() if k not in _REGION_CORE},
                )
            )
            return self._region(conn, region_id)

    def _check_parent(self, conn: Connection, region_id: str, parent_id: str) -> None:
        try:
            self._region(conn, parent_id)
        except Exception:
            raise BadRequest(f"Could not find region: {parent_id}.") from None
        cursor: str | None = parent_id
        while cursor:
            if cursor == region_id:
                raise BadRequest(f"The specified parent region {parent_id} would create a circular region hierarchy.")
            row = one(conn, sa.select(rg.c.parent_region_id).where(rg.c.id == cursor))
            cursor = row["parent_region_id"] if row else None

    def update_region(self, region_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        with self.changing() as conn:
            current = self._region(conn, region_id)
            values: dict[str, Any] = {}
            if "description" in body:
                values["description"] = body["description"] or ""
            if "parent_region_id" in body:
                if body["parent_region_id"]:
                    self._check_parent(conn, region_id, body["parent_region_id"])
                values["parent_region_id"] = body["parent_region_id"]
            extra = {k: v for k, v in body.items() if k not in _REGION_CORE}
            if extra:
                values["extra"] = {**(current["extra"] or {}), **extra}
            if values:
                conn.execute(rg.update().where(rg.c.id == region_id).values(**values))
            return self._region(conn, region_id)

    def delete_region(self, region_id: str) -> None:
        with self.changing() as conn:
            self._region(conn, region_id)
            if one(conn, sa.select(rg.c.id).where(rg.c.parent_region_id == region_id)):
                raise Forbidden(
                    f"Unable to delete region {region_id} because it or its child regions have associated endpoints."
                )
            if one(conn, sa.select(ep.c.id).where(ep.c.region_id == region_id)):
                raise Forbidden(
                    f"Unable to delete region {region_id} because it or its child regions have associated endpoints."
                )
            conn.execute(rg.delete().where(rg.c.id == region_id))

    # -- services ------------------------------------------------------------------

    def get_service(self, service_id: str) -> dict[str, Any]:
        with self.reading() as conn:
            return self._service(conn, service_id)

    def _service(self, conn: Connection, service_id: str) -> dict[str, Any]:
        row = one(conn, sa.select(sv).where(sv.c.id == service_id))
        if row is None:
            raise not_found("service", service_id)
        return row

    def list_services(self, query: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
        stmt = apply_filters(sa.select(sv), sv, query, exact=("type", "name", "id"))
        with self.reading() as conn:
            return many(conn, stmt.order_by(sv.c.type))

    def create_service(self, body: Mapping[str, Any]) -> dict[str, Any]:
        service_id = ids.hex_id()
        with self.changing() as conn:
            conn.execute(
                sv.insert().values(
                    id=service_id,
                    type=body["type"],
                    name=body.get("name"),
                    description=body.get("description"),
                    enabled=body.get("enabled", True),
                    extra={k: v for k, v in body.items() if k not in _SERVICE_CORE},
                )
            )
            return self._service(conn, service_id)

    def update_service(self, service_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        with self.changing() as conn:
            current = self._service(conn, service_id)
            values = {k: body[k] for k in ("type", "name", "description", "enabled") if k in body}
            extra = {k: v for k, v in body.items() if k not in _SERVICE_CORE}
            if extra:
                values["extra"] = {**(current["extra"] or {}), **extra}
            if values:
                conn.execute(sv.update().where(sv.c.id == service_id).values(**values))
            return self._service(conn, service_id)

    def delete_service(self, service_id: str) -> None:
        with self.changing() as conn:
            self._service(conn, service_id)
            conn.execute(ep.delete().where(ep.c.service_id == service_id))
            conn.execute(sv.delete().where(sv.c.id == service_id))

    # -- endpoints ------------------------------------------------------------------

    def get_endpoint(self, endpoint_id: str) -> dict[str, Any]:
        with self.reading() as conn:
            return self._endpoint(conn, endpoint_id)

    def _endpoint(self, conn: Connection, endpoint_id: str) -> dict[str, Any]:
        row = one(conn, sa.select(ep).where(ep.c.id == endpoint_id))
        if row is None:
            raise not_found("endpoint", endpoint_id)
        return row

    def list_endpoints(self, query: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
        q = dict(query)
        if "region" in q and "region_id" not in q:
            q["region_id"] = q.pop("region")
        stmt = apply_filters(sa.select(ep), ep, q, exact=("interface", "service_id", "region_id", "id"), inexact=())
        with self.reading() as conn:
            return many(conn, stmt.order_by(ep.c.id))

    def create_endpoint(self, body: Mapping[str, Any]) -> dict[str, Any]:
        endpoint_id = ids.hex_id()
        region_id = body.get("region_id") or body.get("region")
        with self.changing() as conn:
            self._service_for_endpoint(conn, body["service_id"])
            self._endpoint_region(conn, body)
            conn.execute(
                ep.insert().values(
                    id=endpoint_id,
                    service_id=body["service_id"],
                    interface=body["interface"],
                    url=body["url"],
                    region_id=region_id,
                    enabled=body.get("enabled", True),
                    bootstrap=False,
                    extra={k: v for k, v in body.items() if k not in _ENDPOINT_CORE},
                )
            )
            return self._endpoint(conn, endpoint_id)

    @staticmethod
    def _endpoint_region(conn: Connection, body: Mapping[str, Any]) -> None:
        """``region_id`` must name a region; the legacy ``region`` creates it if missing (as Keystone)."""
        region_id = body.get("region_id")
        if region_id is None and body.get("region") is not None:
            if not one(conn, sa.select(rg.c.id).where(rg.c.id == body["region"])):
                conn.execute(rg.insert().values(id=body["region"], description="", parent_region_id=None, extra={}))
            return
        if region_id and not one(conn, sa.select(rg.c.id).where(rg.c.id == region_id)):
            raise BadRequest(f"Could not find region: {region_id}.")

    def _service_for_endpoint(self, conn: Connection, service_id: str) -> None:
        if not one(conn, sa.select(sv.c.id).where(sv.c.id == service_id)):
            raise BadRequest(f"Could not find service: {service_id}.")

    def update_endpoint(self, endpoint_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        with self.changing() as conn:
            current = self._endpoint(conn, endpoint_id)
            values = {k: body[k] for k in ("service_id", "interface", "url", "enabled") if k in body}
            if "service_id" in values:
                self._service_for_endpoint(conn, values["service_id"])
            region_id = body.get("region_id", body.get("region", current["region_id"]))
            if region_id != current["region_id"]:
                self._endpoint_region(conn, body)
                values["region_id"] = region_id
            extra = {k: v for k, v in body.items() if k not in _ENDPOINT_CORE}
            if extra:
                values["extra"] = {**(current["extra"] or {}), **extra}
            if values:
                conn.execute(ep.update().where(ep.c.id == endpoint_id).values(**values))
            return self._endpoint(conn, endpoint_id)

    def delete_endpoint(self, endpoint_id: str) -> None:
        with self.changing() as conn:
            self._endpoint(conn, endpoint_id)
            conn.execute(ep.delete().where(ep.c.id == endpoint_id))

    # -- the catalog -------------------------------------------------------------------

    def catalog(self, project_id: str | None = None) -> list[dict[str, Any]]:
        """The token catalog: enabled services with their enabled endpoints.

        Cached per process and rebuilt when the identity revision moves.
        """
        rev = self.db.revision(REVISION)
        cached = self._cache
        if cached is not None and cached[0] == rev:
            entries = cached[1]
        else:
            with self.reading() as conn:
                rev = self.db.revision(REVISION, conn)
                services = many(conn, sa.select(sv).where(sv.c.enabled.is_(True)).order_by(sv.c.type))
                endpoints = many(conn, sa.select(ep).where(ep.c.enabled.is_(True)).order_by(ep.c.interface))
            entries = []
            for s in services:
                entries.append(
                    {
                        "endpoints": [
                            {
                                "id": e["id"],
                                "interface": e["interface"],
                                "region": e["region_id"],
                                "region_id": e["region_id"],
                                "url": e["url"],
                            }
                            for e in endpoints
                            if e["service_id"] == s["id"]
                        ],
                        "id": s["id"],
                        "type": s["type"],
                        "name": s["name"] or "",
                    }
                )
            self._cache = (rev, entries)
        if project_id is None:
            return entries
        visible = self.endpoint_filter.visible_endpoints(project_id) if self.endpoint_filter else None
        if visible is not None:  # the project's endpoint associations decide, as in Keystone
            entries = [
                {**e, "endpoints": [x for x in e["endpoints"] if x["id"] in visible]}
                for e in entries
                if any(x["id"] in visible for x in e["endpoints"])
            ]
        return [
            {**e, "endpoints": [{**x, "url": _substitute(x["url"], project_id)} for x in e["endpoints"]]}
            for e in entries
        ]


def _substitute(url: str, project_id: str) -> str:
    """Endpoint URLs may name the project as ``$(project_id)s``/``%(tenant_id)s``."""
    for token in ("$(project_id)s", "$(tenant_id)s", "%(project_id)s", "%(tenant_id)s"):
        url = url.replace(token, project_id)
    return url
