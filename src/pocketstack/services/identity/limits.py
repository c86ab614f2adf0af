"""Unified limits (Keystone's ``flat`` model): registered (default) limits and overrides.

A registered limit names a resource of a service (optionally in a region) with its
default; a limit overrides it for one project or one domain.  Keystone's rules: one
registered limit per (service, region, resource), one limit per (registered limit,
project or domain), a limit needs its registered limit, and a registered limit with
limits may be neither changed nor deleted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import ids
from pocketstack.core.errors import Forbidden, NotFound
from pocketstack.services.identity import models as m
from pocketstack.services.identity.errors import duplicate, invalid
from pocketstack.services.identity.resource import get_domain_row, get_project_row
from pocketstack.services.identity.store import Store, many, one

rl = m.registered_limits
lt = m.limits
MODEL = {
    "name": "flat",
    "description": "Limit enforcement and validation does not take project hierarchy into consideration.",
}
_SUFFIX = (
    ". The server could not comply with the request since it is either malformed or otherwise "
    "incorrect. The client is assumed to be in error."
)


def _expecting(attribute: str, target: str) -> Exception:
    return invalid(f"Expecting to find {attribute} in {target}" + _SUFFIX)


def _limits_with_registered() -> sa.Select[Any]:
    return sa.select(
        lt,
        rl.c.service_id,
        rl.c.region_id,
        rl.c.resource_name,
    ).join(rl, rl.c.id == lt.c.registered_limit_id)


class Limits(Store):
    # -- checks shared by both kinds -----------------------------------------------------

    @staticmethod
    def _assert_refs(conn: Connection, body: dict[str, Any], target: str) -> None:
        """Named service, region, project and domain exist (a domain given as project is one)."""
        if body.get("service_id") is not None and not one(
            conn, sa.select(m.services.c.id).where(m.services.c.id == body["service_id"])
        ):
            raise _expecting("service_id", target)
        if body.get("region_id") is not None and not one(
            conn, sa.select(m.regions.c.id).where(m.regions.c.id == body["region_id"])
        ):
            raise _expecting("region_id", target)
        if body.get("project_id") is not None and get_project_row(conn, body["project_id"]) is None:
            if get_domain_row(conn, body["project_id"]) is None:
                raise _expecting("project_id", target)
            body["domain_id"] = body.pop("project_id")  # a domain, as Keystone reads it
        if body.get("domain_id") is not None and get_domain_row(conn, body["domain_id"]) is None:
            raise _expecting("domain_id", target)

    # -- registered limits -------------------------------------------------------------------

    def get_registered(self, limit_id: str) -> dict[str, Any]:
        with self.reading() as conn:
            return self._registered(conn, limit_id)

    @staticmethod
    def _registered(conn: Connection, limit_id: str) -> dict[str, Any]:
        row = one(conn, sa.select(rl).where(rl.c.id == limit_id))
        if row is None:
            raise NotFound(f"Could not find registered limit for {limit_id}.")
        return row

    def list_registered(self, query: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
        stmt = sa.select(rl)
        for key in ("service_id", "region_id", "resource_name"):
            if key in query:
                stmt = stmt.where(rl.c[key] == query[key][-1])
        with self.reading() as conn:
            return many(conn, stmt.order_by(rl.c.service_id, rl.c.resource_name, rl.c.id))

    def create_registered(self, bodies: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        created = []
        with self.changing() as conn:
            for raw in bodies:
                body = dict(raw)
                self._assert_refs(conn, body, "registered_limit")
                self._unique_registered(conn, body)
                limit_id = ids.hex_id()
                conn.execute(
                    rl.insert().values(
                        id=limit_id,
                        service_id=body["service_id"],
                        region_id=body.get("region_id"),
                        resource_name=body["resource_name"],
                        default_limit=body["default_limit"],
                        description=body.get("description"),
                    )
                )
                created.append(self._registered(conn, limit_id))
        return created

    @staticmethod
    def _unique_registered(conn: Connection, body: Mapping[str, Any], exclude: str | None = None) -> None:
        region = body.get("region_id")
        stmt = sa.select(rl.c.id).where(
            rl.c.service_id == body["service_id"],
            rl.c.resource_name == body["resource_name"],
            rl.c.region_id.is_(None) if region is None else rl.c.region_id == region,
        )
        if exclude:
            stmt = stmt.where(rl.c.id != exclude)
        if one(conn, stmt):
            raise duplicate("registered_limit", "Duplicate entry")

    def update_registered(self, limit_id: str, raw: Mapping[str, Any]) -> dict[str, Any]:
        body = dict(raw)
        with self.changing() as conn:
            current = self._registered(conn, limit_id)
            self._assert_refs(conn, body, "registered_limit")
            self._not_referenced(conn, limit_id)
            merged = {**current, **body}
            if body.get("service_id") or "region_id" in body or body.get("resource_name"):
                self._unique_registered(conn, merged, exclude=limit_id)
            values = {
                k: body[k]
                for k in ("service_id", "region_id", "resource_name", "default_limit", "description")
                if k in body
            }
            if values:
                conn.execute(rl.update().where(rl.c.id == limit_id).values(**values))
            return self._registered(conn, limit_id)

    def delete_registered(self, limit_id: str) -> None:
        with self.changing() as conn:
            self._registered(conn, limit_id)
            self._not_referenced(conn, limit_id)
            conn.execute(rl.delete().where(rl.c.id == limit_id))

    @staticmethod
    def _not_referenced(conn: Connection, limit_id: str) -> None:
        if one(conn, sa.select(lt.c.id).where(lt.c.registered_limit_id == limit_id).limit(1)):
            raise Forbidden(
                f"Unable to update or delete registered limit {limit_id} because there are project "
                "limits associated with it."
            )

    # -- limits ------------------------------------------------------------------------------------

    def get(self, limit_id: str) -> dict[str, Any]:
        with self.reading() as conn:
            return self._limit(conn, limit_id)

    def find(self, limit_id: str) -> dict[str, Any] | None:
        with self.reading() as conn:
            return one(conn, _limits_with_registered().where(lt.c.id == limit_id))

    @staticmethod
    def _limit(conn: Connection, limit_id: str) -> dict[str, Any]:
        row = one(conn, _limits_with_registered().where(lt.c.id == limit_id))
        if row is None:
            raise NotFound(f"Could not find limit for {limit_id}.")
        return row

    def list_limits(
        self,
        query: Mapping[str, Sequence[str]],
        project_ids: set[str] | None = None,
        domain_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Limits matching the filters; ``project_ids``/``domain_id`` bound what a caller sees."""
        stmt = _limits_with_registered()
        columns = {
            "service_id": rl.c.service_id,
            "region_id": rl.c.region_id,
            "resource_name": rl.c.resource_name,
            "project_id": lt.c.project_id,
            "domain_id": lt.c.domain_id,
        }
        for key, column in columns.items():
            if key in query:
                stmt = stmt.where(column == query[key][-1])
        if project_ids is not None:
            visible = lt.c.project_id.in_(project_ids) if project_ids else sa.false()
            stmt = stmt.where(sa.or_(visible, lt.c.domain_id == domain_id) if domain_id else visible)
        with self.reading() as conn:
            return many(conn, stmt.order_by(lt.c.id))

    def create(self, bodies: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        created = []
        with self.changing() as conn:
            for raw in bodies:
                body = dict(raw)
                self._assert_refs(conn, body, "limit")
                region = body.get("region_id")
                registered = one(
                    conn,
                    sa.select(rl.c.id).where(
                        rl.c.service_id == body["service_id"],
                        rl.c.resource_name == body["resource_name"],
                        rl.c.region_id.is_(None) if region is None else rl.c.region_id == region,
                    ),
                )
                if registered is None:
                    raise Forbidden("Unable to create a limit that has no corresponding registered limit.")
                owner = (
                    lt.c.project_id == body["project_id"]
                    if body.get("project_id")
                    else lt.c.domain_id == body.get("domain_id")
                )
                if one(conn, sa.select(lt.c.id).where(lt.c.registered_limit_id == registered["id"], owner)):
                    raise duplicate("limit", "Duplicate entry")
                limit_id = ids.hex_id()
                conn.execute(
                    lt.insert().values(
                        id=limit_id,
                        project_id=body.get("project_id"),
                        domain_id=body.get("domain_id"),
                        registered_limit_id=registered["id"],
                        resource_limit=body["resource_limit"],
                        description=body.get("description"),
                    )
                )
                created.append(self._limit(conn, limit_id))
        return created

    def update(self, limit_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        with self.changing() as conn:
            self._limit(conn, limit_id)
            values = {k: body[k] for k in ("resource_limit", "description") if k in body}
            if values:
                conn.execute(lt.update().where(lt.c.id == limit_id).values(**values))
            return self._limit(conn, limit_id)

    def delete(self, limit_id: str) -> None:
        with self.changing() as conn:
            self._limit(conn, limit_id)
            conn.execute(lt.delete().where(lt.c.id == limit_id))
