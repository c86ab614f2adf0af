"""``GET /v2/images``: Glance's filters, sorting and keyset pagination.

One query per page: the caller's visibility (public and community images, its own,
and shared images it is a member of with the asked ``member_status``), the filters,
then ``WHERE (sort keys) after (marker) ORDER BY … LIMIT n``, so a page costs the same
however many images the cloud holds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core.pagination import SortKey, after_marker, order_by
from pocketstack.core.timeutils import parse_iso
from pocketstack.services.image import errors
from pocketstack.services.image import models as m

SORT_KEYS = ("name", "status", "container_format", "disk_format", "size", "id", "created_at", "updated_at")
DEFAULT_SORT_DIR = "desc"
_OPERATOR_COLUMNS = ("name", "id", "status", "container_format", "disk_format")
_RANGE_COLUMNS = ("size", "virtual_size", "min_ram", "min_disk")
_PLAIN_COLUMNS = (
    "owner",
    "checksum",
    "os_hash_algo",
    "os_hash_value",
    "size",
    "virtual_size",
    "min_ram",
    "min_disk",
    "deleted_at",
)
_NOT_FILTERS = ("limit", "marker", "member_status", "tag", "sort", "sort_key", "sort_dir")


@dataclass
class ListQuery:
    limit: int
    marker: str | None
    member_status: str
    sort_keys: list[str]
    sort_dirs: list[str]
    filters: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)


def _sorting(query: Mapping[str, Sequence[str]]) -> tuple[list[str], list[str]]:
    def key_ok(key: str) -> str:
        if key not in SORT_KEYS:
            raise errors.bad_request(
                f"Invalid sort key: {key}. It must be one of the following: {', '.join(SORT_KEYS)}."
            )
        return key

    def dir_ok(direction: str) -> str:
        if direction not in ("asc", "desc"):
            raise errors.bad_request(f"Invalid sort direction: {direction}")
        return direction

    keys: list[str] = []
    dirs: list[str] = []
    if "sort" in query:
        if "sort_key" in query or "sort_dir" in query:
            raise errors.bad_request("Old and new sorting syntax cannot be combined")
        for part in query["sort"][-1].strip().split(","):
            key, _, direction = part.partition(":")
            keys.append(key_ok(key.strip()))
            dirs.append(dir_ok((direction or DEFAULT_SORT_DIR).strip()))
    else:
        keys = [key_ok(k.strip()) for k in query.get("sort_key", [])]
        dirs = [dir_ok(d.strip()) for d in query.get("sort_dir", [])]
        if len(dirs) > 1 and len(dirs) != len(keys):
            raise errors.bad_request("Number of sort dirs does not match the number of sort keys")
    return keys or ["created_at"], dirs or [DEFAULT_SORT_DIR]


def parse(query: Mapping[str, Sequence[str]], default_limit: int, max_limit: int) -> ListQuery:
    """Glance's index deserializer and controller checks on the query string."""
    raw_limit = query.get("limit", [None])[-1]
    limit = default_limit
    if raw_limit is not None:
        try:
            limit = int(raw_limit)
        except ValueError:
            raise errors.bad_request("limit param must be an integer") from None
        if limit < 0:
            raise errors.bad_request("limit param must be positive")
    member_status = query.get("member_status", ["accepted"])[-1]
    if member_status not in ("pending", "accepted", "rejected", "all"):
        raise errors.bad_request(f"Invalid status: {member_status}")
    filters = {k: vs[-1] for k, vs in query.items() if k not in _NOT_FILTERS and vs}
    visibility = filters.get("visibility")
    if visibility and visibility not in ("community", "public", "private", "shared", "all"):
        raise errors.bad_request(f"Invalid visibility value: {visibility}")
    if filters.get("changes-since"):
        raise errors.bad_request('The "changes-since" filter is no longer available on v2.')
    hidden = filters.get("os_hidden", "false").lower()
    if hidden not in ("true", "false"):
        raise errors.bad_request(
            f"Invalid value '{hidden}' for 'os_hidden' filter. Valid values are 'true' or 'false'."
        )
    protected = filters.get("protected")
    if protected is not None and protected not in ("true", "false"):
        raise errors.bad_request(
            f"Invalid value '{protected}' for 'protected' filter. Valid values are 'true' or 'false'."
        )
    keys, dirs = _sorting(query)
    return ListQuery(
        limit=min(limit, max_limit),
        marker=query.get("marker", [None])[-1],
        member_status=member_status,
        sort_keys=keys,
        sort_dirs=dirs,
        filters=filters,
        tags=[t.strip() for t in query.get("tag", [])],
    )


def _split_op(expression: str) -> tuple[str, str]:
    left, sep, right = expression.partition(":")
    if not sep:
        return "eq", left
    try:
        parse_iso(expression)
    except ValueError:
        return left, right
    return "eq", expression


def _in_values(value: str) -> list[str]:
    """Values of an ``in:`` filter: comma-separated, optionally double-quoted."""
    opening = True
    for i, ch in enumerate(value):
        if ch != '"' or (i and value[i - 1] == "\\"):
            continue
        if opening and i and value[i - 1] != ",":
            raise errors.bad_request(f"Invalid filter value {value}. There is no comma before opening quotation mark.")
        if not opening and i + 1 != len(value) and value[i + 1] != ",":
            raise errors.bad_request(f"Invalid filter value {value}. There is no comma after closing quotation mark.")
        opening = not opening
    if not opening:
        raise errors.bad_request(f"Invalid filter value {value}. The quote is not closed.")
    pattern = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)",?|([^,]+),?|,')
    return [a or b for a, b in pattern.findall(value)]


def _compare(column: Any, op: str, value: Any) -> Any:
    ops = {"gt": "__gt__", "gte": "__ge__", "lt": "__lt__", "lte": "__le__", "neq": "__ne__", "eq": "__eq__"}
    if op not in ops:
        raise errors.bad_request("Unable to filter on a unknown operator.")
    return getattr(column, ops[op])(value)


_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def _in_range(column: Any, bound: int, lower: bool) -> Any:
    """``column >= bound`` (or ``<=``); a bound past what a 64-bit column holds decides alone
    (every row with a value, or none)."""
    if bound > _INT64_MAX:
        return sa.false() if lower else column.is_not(None)
    if bound < _INT64_MIN:
        return column.is_not(None) if lower else sa.false()
    return column >= bound if lower else column <= bound


def conditions(q: ListQuery) -> list[Any]:
    img = m.images.c
    conds: list[Any] = [img.deleted == sa.false(), img.status != "killed"]
    filters = dict(q.filters)
    filters.pop("visibility", None)
    conds.append(img.os_hidden == (filters.pop("os_hidden", "false").lower() == "true"))
    protected = filters.pop("protected", None)
    if protected is not None:
        conds.append(img.protected == (protected == "true"))
    for key, value in filters.items():
        if key.endswith(("_min", "_max")) and key[:-4] in _RANGE_COLUMNS:
            try:
                number = int(value)
            except ValueError:
                raise errors.bad_request("Unable to filter on a range with a non-numeric value.") from None
            conds.append(_in_range(img[key[:-4]], number, key.endswith("_min")))
        elif key in ("created_at", "updated_at"):
            op, text = _split_op(value)
            try:
                when = parse_iso(text)
            except ValueError:
                raise errors.bad_request(f'Bad "{key}" query filter format. Use ISO 8601 DateTime notation.') from None
            conds.append(_compare(img[key], op, when))
        elif key in _OPERATOR_COLUMNS:
            op, text = _split_op(value)
            if op == "in":
                conds.append(img[key].in_(_in_values(text)))
            elif op == "eq":
                conds.append(img[key] == text)
            else:
                raise errors.bad_request(f"Unable to filter by unknown operator '{op}'.")
        elif key in _PLAIN_COLUMNS:
            conds.append(img[key] == value)
        else:
            p = m.properties.alias()
            conds.append(sa.exists().where(p.c.image_id == img.id, p.c.name == key, p.c.value == value))
    for tag in q.tags:
        t = m.tags.alias()
        conds.append(sa.exists().where(t.c.image_id == img.id, t.c.value == tag))
    return conds


def access(q: ListQuery, project_id: str | None, is_admin: bool) -> list[Any]:
    """Which images the caller may list at all, and the ``visibility`` filter."""
    img = m.images.c
    out: list[Any] = []
    if not is_admin:
        mem = m.members.c
        member_conds = [mem.image_id == img.id]
        if project_id is not None:
            member_conds.append(mem.member == project_id)
            if q.member_status != "all":
                member_conds.append(mem.status == q.member_status)
        shared = sa.and_(img.visibility == "shared", sa.exists().where(*member_conds))
        seen = [img.visibility.in_(("public", "community")), shared]
        if project_id is not None:
            seen.append(img.owner == project_id)
        out.append(sa.or_(*seen))
    visibility = q.filters.get("visibility")
    if visibility:
        if visibility != "all":
            out.append(img.visibility == visibility)
    elif project_id is None:
        out.append(img.visibility != "community")
    else:
        out.append(sa.or_(img.owner == project_id, img.visibility != "community"))
    return out


def sort_keys(q: ListQuery) -> list[SortKey]:
    keys = list(q.sort_keys)
    dirs = list(q.sort_dirs)
    default = DEFAULT_SORT_DIR
    if len(dirs) == 1:
        default = dirs[0]
        dirs = dirs * len(keys)
    for extra in ("created_at", "id"):
        if extra not in keys:
            keys.append(extra)
            dirs.append(default)
    return [SortKey(m.images.c[k], d == "desc") for k, d in zip(keys, dirs, strict=False)]


def page(
    conn: Connection,
    q: ListQuery,
    project_id: str | None,
    is_admin: bool,
    marker_row: Mapping[str, Any] | None,
) -> list[dict[str, Any]]:
    keys = sort_keys(q)
    stmt = sa.select(m.images).where(*conditions(q), *access(q, project_id, is_admin))
    if marker_row is not None:
        stmt = stmt.where(after_marker(keys, marker_row))
    stmt = stmt.order_by(*order_by(keys)).limit(q.limit)
    return [dict(r._mapping) for r in conn.execute(stmt)]
