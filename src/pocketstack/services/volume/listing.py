"""Cinder's list conventions: limit/marker/offset, sort keys, and query filters.

Pages are keyset queries on the sort keys (``created_at``, ``id`` unless asked
otherwise), so a page costs the same however many rows the table holds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core.errors import BadRequest
from pocketstack.core.pagination import SortKey, after_marker, order_by
from pocketstack.services.volume import errors as e
from pocketstack.services.volume.store import one

MAX_LIMIT = 1000  # osapi_max_limit
DB_MAX_INT = 0x7FFFFFFF
_PAGING = ("limit", "marker", "offset", "sort", "sort_key", "sort_dir")


@dataclass
class Page:
    marker: str | None = None
    limit: int = MAX_LIMIT
    offset: int = 0
    sort: list[tuple[str, str]] = field(default_factory=list)  # (key, "asc"|"desc")
    filters: dict[str, str] = field(default_factory=dict)


def parse_page(query: Mapping[str, Sequence[str]], default_key: str = "created_at", default_dir: str = "desc") -> Page:
    params = {k: v[-1] for k, v in query.items()}
    page = Page()
    raw_limit = params.get("limit")
    if raw_limit is not None:
        try:
            limit = int(raw_limit)
        except ValueError:
            raise e.bad_request("limit param must be an integer") from None
        if limit < 0:
            raise e.bad_request("limit param must be positive")
        page.limit = min(limit, MAX_LIMIT)
    page.marker = params.get("marker")
    raw_offset = params.get("offset", "0")
    try:
        offset = int(raw_offset)
    except ValueError:
        raise e.bad_request("offset must be an integer") from None
    if offset < 0:
        raise e.bad_request("offset must be >= 0")
    if offset > DB_MAX_INT:
        raise e.bad_request(f"offset must be <= {DB_MAX_INT}")
    page.offset = offset
    if "sort" in params and ("sort_key" in params or "sort_dir" in params):
        raise e.bad_request(
            "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter."
        )
    if "sort" in params:
        for item in params["sort"].strip().split(","):
            key, _sep, direction = item.partition(":")
            page.sort.append((key.strip(), (direction or default_dir).strip()))
    else:
        page.sort.append((params.get("sort_key", default_key).strip(), params.get("sort_dir", default_dir).strip()))
    page.filters = {k: v for k, v in params.items() if k not in _PAGING}
    return page


def sort_keys(page: Page, table: sa.Table, aliases: Mapping[str, str] | None = None) -> list[SortKey]:
    """The page's sort keys as columns, with ``created_at`` and ``id`` appended (Cinder's defaults)."""
    aliases = aliases or {}
    keys: list[SortKey] = []
    seen: set[str] = set()
    first_dir = page.sort[0][1] if page.sort else "desc"
    for key, direction in page.sort:
        if direction not in ("asc", "desc"):
            raise e.invalid_input("Unknown sort direction, must be 'desc' or 'asc'.")
        column = aliases.get(key, key)
        if column not in table.c:
            raise e.invalid_input("Invalid sort key")
        if column in seen:
            continue
        seen.add(column)
        keys.append(SortKey(table.c[column], direction == "desc"))
    for column in ("created_at", "id"):
        if column not in seen:
            keys.append(SortKey(table.c[column], first_dir == "desc"))
    return keys


def paginate(
    conn: Connection,
    stmt: sa.Select[Any],
    table: sa.Table,
    keys: list[SortKey],
    page: Page,
    not_found: Callable[[str], Exception],
    marker_where: sa.ColumnElement[bool] | None = None,
) -> list[dict[str, Any]]:
    """Apply marker, order, offset and limit; an unknown marker is the resource's 404."""
    if page.marker is not None:
        mstmt = sa.select(table).where(table.c.id == page.marker)
        if marker_where is not None:
            mstmt = mstmt.where(marker_where)
        marker = one(conn, mstmt)
        if marker is None:
            raise not_found(page.marker)
        stmt = stmt.where(after_marker(keys, marker))
    stmt = stmt.order_by(*order_by(keys))
    if page.offset:
        stmt = stmt.offset(page.offset)
    stmt = stmt.limit(page.limit)
    return [dict(r) for r in conn.execute(stmt).mappings()]


def like(column: sa.ColumnElement[Any], value: str) -> sa.ColumnElement[bool]:
    """Cinder's ``key~`` filter: a substring match."""
    return column.contains(value, autoescape=True)


def check_ascii_keys(filters: Mapping[str, Any]) -> None:
    for key in filters:
        try:
            key.encode("ascii")
        except UnicodeEncodeError:
            raise BadRequest("Filter keys can only contain ASCII characters.", kind="HTTPBadRequest") from None


def reject_invalid(filters: dict[str, Any], allowed: Sequence[str], like_ok: bool) -> None:
    """Cinder's configured resource filters (3.31+) for non-admins: anything else is a 400."""
    invalid = []
    for key in list(filters):
        base = key[:-1] if like_ok and key.endswith("~") else key
        if key in allowed or (like_ok and (base in allowed or f"{base}~" in allowed)):
            continue
        invalid.append(key)
    if "all_tenants" in invalid:
        invalid.remove("all_tenants")
        filters.pop("all_tenants", None)
    if invalid:
        raise BadRequest(f"Invalid filters {','.join(invalid)} are found in query options.", kind="HTTPBadRequest")


def drop_invalid(filters: dict[str, Any], allowed: Sequence[str]) -> None:
    """Before 3.31 non-admins' unknown filters are silently dropped."""
    for key in list(filters):
        if key not in allowed:
            del filters[key]
