"""Server groups (``/os-server-groups``), server migrations, os-migrations, and
pocketstack's own admin extension to release held transitions."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from pocketstack.core import timeutils
from pocketstack.core.api import ApiRequest, Reply
from pocketstack.core.errors import BadRequest, Forbidden, NotFound
from pocketstack.services.compute import quotas
from pocketstack.services.compute.api.common import (
    authorize,
    can,
    is_admin,
    limit_and_marker,
    next_links,
    query,
    require_version,
    svc,
    v,
)
from pocketstack.services.compute.api.servers import load
from pocketstack.services.compute.models import instances, server_group_members, server_groups
from pocketstack.services.compute.schemas import proxies as ps

SG = "os_compute_api:os-server-groups:"


def _members(conn: Any, group_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {g: [] for g in group_ids}
    if not group_ids:
        return out
    rows = conn.execute(
        sa.select(server_group_members.c.group_id, server_group_members.c.instance_uuid)
        .join(instances, instances.c.uuid == server_group_members.c.instance_uuid)
        .where(server_group_members.c.group_id.in_(group_ids), instances.c.deleted.is_(False))
        .order_by(instances.c.id)
    )
    for gid, member in rows:
        out[gid].append(member)
    return out


def _group(req: ApiRequest, g: Any, members: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": g.uuid, "name": g.name}
    if v(req, "2.64"):
        out["policy"] = g.policy
        out["rules"] = dict(g.rules or {})
    else:
        out["policies"] = [g.policy]
        out["metadata"] = {}
    out["members"] = members
    if v(req, "2.13"):
        out["project_id"] = g.project_id
        out["user_id"] = g.user_id
    return out


def _load(req: ApiRequest, conn: Any) -> Any:
    gid = req.params["server_group_id"]
    row = conn.execute(sa.select(server_groups).where(server_groups.c.uuid == gid)).first()
    if row is None:
        raise NotFound(f"Instance group {gid} could not be found.", kind="InstanceGroupNotFound")
    return row


def list_groups(req: ApiRequest) -> Reply:
    project_id = req.ctx.project_id
    query(req, ps.offset_limit_query)
    authorize(req, SG + "index", {"project_id": project_id})
    stmt = sa.select(server_groups).order_by(server_groups.c.id)
    if "all_projects" in req.query and is_admin(req):
        authorize(req, SG + "index:all_projects", {"project_id": project_id})
    else:
        stmt = stmt.where(server_groups.c.project_id == project_id)
    limit, _marker = limit_and_marker(req)
    offset = int(req.q("offset") or 0)
    with svc(req).db.read() as conn:
        rows = conn.execute(stmt).all()
        rows = rows[offset : offset + limit] if limit else rows[offset:]
        members = _members(conn, [r.id for r in rows])
        return Reply(200, {"server_groups": [_group(req, r, members[r.id]) for r in rows]})


def show_group(req: ApiRequest) -> Reply:
    with svc(req).db.read() as conn:
        row = _load(req, conn)
        authorize(req, SG + "show", {"project_id": row.project_id})
        return Reply(200, {"server_group": _group(req, row, _members(conn, [row.id])[row.id])})


def create_group(req: ApiRequest) -> Reply:
    project_id = req.ctx.project_id or ""
    authorize(req, SG + "create", {"project_id": project_id})
    body = req.body["server_group"]
    if v(req, "2.64"):
        policy = body["policy"]
        rules = body.get("rules") or {}
        if policy != "anti-affinity" and rules:
            raise BadRequest("Only anti-affinity policy supports rules.")
        rules = {k: int(val) for k, val in rules.items()}
    else:
        policy = body["policies"][0]
        rules = {}
    with svc(req).db.write() as conn:
        limit = quotas.limits(conn, project_id).get("server_groups", -1)
        if limit >= 0 and quotas.server_group_count(conn, project_id) + 1 > limit:
            raise Forbidden("Quota exceeded, too many server groups.", kind="OverQuota")
        group_uuid = str(uuid.uuid4())
        conn.execute(
            server_groups.insert().values(
                uuid=group_uuid,
                name=body["name"],
                project_id=project_id,
                user_id=req.ctx.user_id,
                policy=policy,
                rules=rules,
                created_at=timeutils.utcnow(),
            )
        )
        row = conn.execute(sa.select(server_groups).where(server_groups.c.uuid == group_uuid)).one()
        return Reply(200, {"server_group": _group(req, row, [])})


def delete_group(req: ApiRequest) -> Reply:
    with svc(req).db.write() as conn:
        row = _load(req, conn)
        authorize(req, SG + "delete", {"project_id": row.project_id})
        conn.execute(server_group_members.delete().where(server_group_members.c.group_id == row.id))
        conn.execute(server_groups.delete().where(server_groups.c.id == row.id))
    return Reply(204)


# -- migrations ----------------------------------------------------------------------------------

LIVE_IN_PROGRESS = {"queued", "preparing", "running", "post-migrating"}


def _migration(
    req: ApiRequest, m: dict[str, Any], *, links: bool, uuid_: bool, user_project: bool, hosts: bool = True
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": m["id"],
        "source_compute": m["source_compute"] if hosts else None,
        "dest_compute": m["dest_compute"] if hosts else None,
        "source_node": m["source_node"] if hosts else None,
        "dest_node": m["dest_node"] if hosts else None,
        "dest_host": m["dest_host"] if hosts else None,
        "old_instance_type_id": m["old_flavor_id"],
        "new_instance_type_id": m["new_flavor_id"],
        "instance_uuid": m["instance_uuid"],
        "status": m["status"],
        "created_at": timeutils.iso_micro(m["created_at"]),
        "updated_at": timeutils.iso_micro(m["updated_at"]),
    }
    if links:
        out["migration_type"] = m["migration_type"]
        if m["migration_type"] == "live-migration" and m["status"] in LIVE_IN_PROGRESS:
            base = f"{req.service_url}/v2.1/servers/{m['instance_uuid']}/migrations/{m['id']}"
            out["links"] = [
                {"rel": "self", "href": base},
                {"rel": "bookmark", "href": base.replace("/v2.1/", "/")},
            ]
    if uuid_:
        out["uuid"] = m["uuid"]
    if user_project:
        out["user_id"] = m["user_id"]
        out["project_id"] = m["project_id"]
    return out


def list_migrations(req: ApiRequest) -> Reply:
    authorize(req, "os_compute_api:os-migrations:index")
    project_id = req.q("project_id")
    if not project_id or project_id != req.ctx.project_id:
        authorize(req, "os_compute_api:os-migrations:index:all_projects")
    show_hosts = can(req, "os_compute_api:os-migrations:index:host")
    if v(req, "2.59"):
        query(req, ps.migrations_query)
    host = req.q("host")
    limit: int | None = None
    marker = None
    if v(req, "2.59"):
        limit, marker = limit_and_marker(req)
    rows = svc(req).migrations.index(
        instance_uuid=req.q("instance_uuid"),
        project_id=project_id,
        user_id=req.q("user_id") if v(req, "2.80") else None,
        host=host,
        status=req.q("status"),
        migration_type=req.q("migration_type"),
        changes_since=timeutils.parse_iso(req.q("changes-since") or "")
        if v(req, "2.59") and req.q("changes-since")
        else None,
        changes_before=timeutils.parse_iso(req.q("changes-before") or "")
        if v(req, "2.66") and req.q("changes-before")
        else None,
        limit=limit,
        marker=marker,
    )
    items = [
        _migration(req, m, links=v(req, "2.23"), uuid_=v(req, "2.59"), user_project=v(req, "2.80"), hosts=show_hosts)
        for m in rows
    ]
    body: dict[str, Any] = {"migrations": items}
    if v(req, "2.59") and rows:
        nxt = next_links(req, "os-migrations", rows, limit, rows[-1]["uuid"])
        if nxt:
            body["migrations_links"] = nxt
    return Reply(200, body)


def list_server_migrations(req: ApiRequest) -> Reply:
    require_version(req, "2.23")
    inst = load(req)
    authorize(req, "os_compute_api:servers:migrations:index", {"project_id": inst["project_id"]})
    rows = svc(req).migrations.index(instance_uuid=inst["uuid"], migration_type="live-migration", in_progress=True)
    hosts = can(req, "os_compute_api:servers:migrations:index:host", {"project_id": inst["project_id"]})
    return Reply(200, {"migrations": [_server_migration(req, m, hosts) for m in rows]})


def _server_migration(req: ApiRequest, m: dict[str, Any], hosts: bool = True) -> dict[str, Any]:
    out = {
        "created_at": timeutils.iso_micro(m["created_at"]),
        "dest_compute": m["dest_compute"] if hosts else None,
        "dest_host": m["dest_host"] if hosts else None,
        "dest_node": m["dest_node"] if hosts else None,
        "disk_processed_bytes": 0,
        "disk_remaining_bytes": 0,
        "disk_total_bytes": 0,
        "id": m["id"],
        "memory_processed_bytes": 0,
        "memory_remaining_bytes": 0,
        "memory_total_bytes": 0,
        "server_uuid": m["instance_uuid"],
        "source_compute": m["source_compute"] if hosts else None,
        "source_node": m["source_node"] if hosts else None,
        "status": m["status"],
        "updated_at": timeutils.iso_micro(m["updated_at"]),
    }
    if v(req, "2.59"):
        out["uuid"] = m["uuid"]
    if v(req, "2.80"):
        out["user_id"] = m["user_id"]
        out["project_id"] = m["project_id"]
    return out


def show_server_migration(req: ApiRequest) -> Reply:
    require_version(req, "2.23")
    inst = load(req)
    authorize(req, "os_compute_api:servers:migrations:show", {"project_id": inst["project_id"]})
    mid = req.params["migration_id"]
    rows = svc(req).migrations.index(instance_uuid=inst["uuid"])
    m = next((r for r in rows if str(r["id"]) == mid), None)
    if m is None:
        raise NotFound(f"Migration {mid} could not be found.", kind="MigrationNotFound")
    if m["migration_type"] != "live-migration" or m["status"] not in LIVE_IN_PROGRESS:
        raise NotFound(f"In-progress live migration {mid} is not found for server {inst['uuid']}.")
    return Reply(200, {"migration": _server_migration(req, m)})


def abort_server_migration(req: ApiRequest) -> Reply:
    require_version(req, "2.24")
    inst = load(req)
    authorize(req, "os_compute_api:servers:migrations:delete", {"project_id": inst["project_id"]})
    raise BadRequest(
        f"Migration {req.params['migration_id']} state of instance {inst['uuid']} is completed. Cannot abort "
        "migration in completed state."
    )


def force_complete_migration(req: ApiRequest) -> Reply:
    require_version(req, "2.22")
    inst = load(req)
    authorize(req, "os_compute_api:servers:migrations:force_complete", {"project_id": inst["project_id"]})
    svc(req).actions.force_complete(
        req.ctx, inst["uuid"], req.params["migration_id"], admin=is_admin(req), request_id=req.request_id
    )
    return Reply(202, None)


# -- pocketstack's transitions extension ------------------------------------------------------------


def _transition(t: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": t["id"],
        "server_id": t["instance_uuid"],
        "kind": t["kind"],
        "due_at": timeutils.iso_z(t["due_at"]),
        "held": t["due_at"] is None,
        "claimed": bool(t["claimed_by"]),
        "created_at": timeutils.iso_z(t["created_at"]),
    }


def list_transitions(req: ApiRequest) -> Reply:
    authorize(req, "context_is_admin", {})
    driver = svc(req).driver
    return Reply(
        200, {"mode": driver.mode, "transitions": [_transition(t) for t in driver.pending(req.q("server_id"))]}
    )


def release_transitions(req: ApiRequest) -> Reply:
    authorize(req, "context_is_admin", {})
    server_id = (req.body or {}).get("server_id")
    done = svc(req).driver.release_manual(server_id)
    return Reply(200, {"released": done})
