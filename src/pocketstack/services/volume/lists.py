"""The list endpoints' queries: scope, filters, sort, keyset page, optional count."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.services.volume import errors as e
from pocketstack.services.volume import models as m
from pocketstack.services.volume.listing import Page, paginate, sort_keys
from pocketstack.services.volume.queries import Filterable, NoMatch, apply

VOLUMES = Filterable(
    m.volumes,
    booleans=("bootable", "multiattach", "use_quota", "shared_targets"),
    renames=(("display_name", "name"), ("display_description", "description"), ("consumes_quota", "use_quota")),
    metadata=(m.volume_metadata, "volume_id"),
    glance=(m.glance_metadata, "volume_id"),
)
SNAPSHOTS = Filterable(
    m.snapshots,
    booleans=("use_quota",),
    renames=(("display_name", "name"), ("display_description", "description"), ("consumes_quota", "use_quota")),
    metadata=(m.snapshot_metadata, "snapshot_id"),
)
BACKUPS = Filterable(
    m.backups,
    booleans=("is_incremental",),
    renames=(("display_name", "name"), ("display_description", "description")),
)
ATTACHMENTS = Filterable(m.attachments, renames=(("instance_id", "instance_uuid"), ("status", "attach_status")))
MESSAGES = Filterable(m.messages)
GROUPS = Filterable(m.groups)
GROUP_SNAPSHOTS = Filterable(m.group_snapshots)
NAME_SORT = {"display_name": "name", "display_description": "description"}


def run(
    conn: Connection,
    spec: Filterable,
    scope: sa.ColumnElement[bool] | None,
    filters: Mapping[str, Any],
    page: Page,
    not_found: Callable[[str], Exception],
    *,
    with_count: bool = False,
    strict_booleans: bool = True,
    time_filters: bool = False,
    sort_aliases: Mapping[str, str] | None = None,
) -> tuple[list[dict[str, Any]], int | None]:
    t = spec.table
    keys = sort_keys(page, t, sort_aliases or NAME_SORT)
    base = sa.select(t)
    if scope is not None:
        base = base.where(scope)
    try:
        filtered = apply(base, spec, filters, strict_booleans=strict_booleans, time_filters=time_filters)
    except NoMatch:
        return [], (0 if with_count else None)
    rows = paginate(conn, filtered, t, keys, page, not_found, scope)
    count = None
    if with_count:
        count = int(conn.execute(sa.select(sa.func.count()).select_from(filtered.subquery())).scalar() or 0)
    return rows, count


def project_scope(table: sa.Table, project_id: str | None, all_projects: bool) -> sa.ColumnElement[bool] | None:
    return None if all_projects else table.c.project_id == project_id


def not_found_for(kind: str) -> Callable[[str], Exception]:
    return {
        "volume": e.volume_not_found,
        "snapshot": e.snapshot_not_found,
        "backup": e.backup_not_found,
    }.get(kind, lambda ident: e.attachment_not_found(f"id = {ident}"))
