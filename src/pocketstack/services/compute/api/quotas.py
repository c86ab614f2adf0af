"""os-quota-sets, os-quota-class-sets, /limits and os-simple-tenant-usage."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from pocketstack.core import timeutils
from pocketstack.core.api import ApiRequest, Reply
from pocketstack.core.errors import BadRequest
from pocketstack.services.compute import quotas
from pocketstack.services.compute.api.common import (
    authorize,
    limit_and_marker,
    next_links,
    svc,
    v,
)
from pocketstack.services.compute.models import instances
from pocketstack.services.compute.validation import as_bool

QS = "os_compute_api:os-quota-sets:"


def _visible(req: ApiRequest, kind: str = "set") -> list[str]:
    return quotas.visible(lambda version: v(req, version), kind)


def _values(req: ApiRequest, project_id: str, user_id: str | None = None, usage: bool = False) -> dict[str, Any]:
    with svc(req).db.read() as conn:
        limits = quotas.limits(conn, project_id)
        used = quotas.usage(conn, project_id, user_id) if usage else {}
    out: dict[str, Any] = {}
    for r in _visible(req):
        if usage:
            out[r] = {"limit": limits.get(r, -1), "in_use": used.get(r, 0), "reserved": 0}
        else:
            out[r] = limits.get(r, -1)
    return out


def show_quota_set(req: ApiRequest) -> Reply:
    project_id = req.params["tenant_id"]
    authorize(req, QS + "show", {"project_id": project_id})
    svc(req).verify_project_id(project_id)
    return Reply(200, {"quota_set": {"id": project_id, **_values(req, project_id, req.q("user_id"))}})


def show_quota_detail(req: ApiRequest) -> Reply:
    project_id = req.params["tenant_id"]
    authorize(req, QS + "detail", {"project_id": project_id})
    svc(req).verify_project_id(project_id)
    return Reply(200, {"quota_set": {"id": project_id, **_values(req, project_id, req.q("user_id"), usage=True)}})


def show_quota_defaults(req: ApiRequest) -> Reply:
    project_id = req.params["tenant_id"]
    authorize(req, QS + "defaults", {"project_id": project_id})
    svc(req).verify_project_id(project_id)
    with svc(req).db.read() as conn:
        defaults = quotas.store.class_limits(conn)
    return Reply(200, {"quota_set": {"id": project_id, **{r: defaults.get(r, -1) for r in _visible(req)}}})


def update_quota_set(req: ApiRequest) -> Reply:
    project_id = req.params["tenant_id"]
    authorize(req, QS + "update", {"project_id": project_id})
    svc(req).verify_project_id(project_id)
    body = req.body["quota_set"]
    force = as_bool(body.get("force", False))
    values = {k: int(val) for k, val in body.items() if k != "force" and (val or val == 0)}
    with svc(req).db.write() as conn:
        quotas.store.lock(conn, project_id)
        used = quotas.usage(conn, project_id)
        if not force:
            for resource, limit in values.items():
                minimum = used.get(resource, 0)
                if limit != -1 and limit < minimum:
                    raise BadRequest(
                        f"Quota limit {limit} for {resource} must be greater than or equal to already used and "
                        f"reserved {minimum}."
                    )
        quotas.store.set(conn, project_id, values)
    return Reply(200, {"quota_set": _values(req, project_id)})


def delete_quota_set(req: ApiRequest) -> Reply:
    project_id = req.params["tenant_id"]
    authorize(req, QS + "delete", {"project_id": project_id})
    with svc(req).db.write() as conn:
        quotas.store.reset(conn, project_id)
    return Reply(202)


# -- quota classes -------------------------------------------------------------------------


def _class_values(req: ApiRequest, name: str) -> dict[str, int]:
    with svc(req).db.read() as conn:
        limits = quotas.store.class_limits(conn, name)
        if name != "default":
            defaults = quotas.store.class_limits(conn)
            limits = {**defaults, **limits}
    return {r: limits.get(r, -1) for r in _visible(req, "class")}


def show_quota_class(req: ApiRequest) -> Reply:
    authorize(req, "os_compute_api:os-quota-class-sets:show", {})
    name = req.params["id"]
    return Reply(200, {"quota_class_set": {"id": name, **_class_values(req, name)}})


def update_quota_class(req: ApiRequest) -> Reply:
    authorize(req, "os_compute_api:os-quota-class-sets:update", {})
    name = req.params["id"]
    if not 1 <= len(name) <= 255:
        raise BadRequest("quota_class_name has a length outside 1 to 255", kind="InvalidInput")
    values = {k: int(val) for k, val in req.body["quota_class_set"].items()}
    with svc(req).db.write() as conn:
        quotas.store.set_class(conn, name, values)
    return Reply(200, {"quota_class_set": _class_values(req, name)})


# -- limits ----------------------------------------------------------------------------------

LIMIT_NAMES = {
    "ram": ["maxTotalRAMSize"],
    "instances": ["maxTotalInstances"],
    "cores": ["maxTotalCores"],
    "key_pairs": ["maxTotalKeypairs"],
    "floating_ips": ["maxTotalFloatingIps"],
    "metadata_items": ["maxServerMeta", "maxImageMeta"],
    "injected_files": ["maxPersonality"],
    "injected_file_content_bytes": ["maxPersonalitySize"],
    "security_groups": ["maxSecurityGroups"],
    "security_group_rules": ["maxSecurityGroupRules"],
    "server_groups": ["maxServerGroups"],
    "server_group_members": ["maxServerGroupMembers"],
}
USED_NAMES = {
    "totalRAMUsed": "ram",
    "totalCoresUsed": "cores",
    "totalInstancesUsed": "instances",
    "totalFloatingIpsUsed": "floating_ips",
    "totalSecurityGroupsUsed": "security_groups",
    "totalServerGroupsUsed": "server_groups",
}


def limits(req: ApiRequest) -> Reply:
    authorize(req, "os_compute_api:limits", {})
    project_id = req.ctx.project_id or ""
    if "tenant_id" in req.query:
        project_id = req.q("tenant_id") or ""
        authorize(req, "os_compute_api:limits:other_project")
    filtered: list[str] = []
    if v(req, "2.57"):
        filtered = [
            "floating_ips",
            "security_groups",
            "security_group_rules",
            "injected_files",
            "injected_file_content_bytes",
        ]
    elif v(req, "2.36"):
        filtered = ["floating_ips", "security_groups", "security_group_rules"]
    with svc(req).db.read() as conn:
        limit_values = quotas.limits(conn, project_id)
        used = quotas.usage(conn, project_id)
    absolute: dict[str, int] = {}
    for resource, names in LIMIT_NAMES.items():
        if resource in filtered:
            continue
        for name in names:
            if name == "maxImageMeta" and v(req, "2.39"):
                continue
            absolute[name] = limit_values.get(resource, -1)
    for name, resource in USED_NAMES.items():
        if resource not in filtered:
            absolute[name] = used.get(resource, 0)
    return Reply(200, {"limits": {"rate": [], "absolute": absolute}})


# -- simple tenant usage ------------------------------------------------------------------------


def _parse(raw: str | None) -> datetime:
    if not raw:
        return timeutils.utcnow()
    for fmt in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%d %H:%M:%S.%f"):
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            continue
    raise BadRequest("Invalid datetime string: Datetime is in invalid format", kind="InvalidStrTime")


def _period(req: ApiRequest) -> tuple[datetime, datetime, bool]:
    start, stop = _parse(req.q("start")), _parse(req.q("end"))
    if not start < stop:
        raise BadRequest("Invalid start time. The start time cannot occur after the end time.")
    now = timeutils.utcnow()
    return start, min(stop, now), req.q("detailed", "0") == "1"


def _hours(inst: dict[str, Any], start: datetime, stop: datetime) -> float:
    launched, terminated = inst["launched_at"], inst["terminated_at"]
    if terminated and terminated < start:
        return 0
    if not launched or launched > stop:
        return 0
    begin = max(launched, start)
    end = min(stop, terminated) if terminated else stop
    return (end - begin).total_seconds() / 3600.0


def _usage(
    req: ApiRequest, start: datetime, stop: datetime, project_id: str | None, limit: int | None, marker: str | None
) -> list[dict[str, Any]]:
    t = instances
    query = sa.select(t).where(sa.or_(t.c.terminated_at.is_(None), t.c.terminated_at > start), t.c.launched_at < stop)
    if project_id:
        query = query.where(t.c.project_id == project_id)
    with svc(req).db.read() as conn:
        if marker is not None:
            m = conn.execute(sa.select(t).where(t.c.uuid == marker)).first()
            if m is None:
                raise BadRequest(f"Marker {marker} could not be found.", kind="MarkerNotFound")
            query = query.where(
                sa.or_(t.c.project_id > m.project_id, sa.and_(t.c.project_id == m.project_id, t.c.uuid > m.uuid))
            )
        query = query.order_by(t.c.project_id, t.c.uuid)
        if limit is not None:
            query = query.limit(limit)
        return [dict(r._mapping) for r in conn.execute(query)]


def _summaries(
    rows: list[dict[str, Any]], start: datetime, stop: datetime, detailed: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    out: dict[str, dict[str, Any]] = {}
    servers: list[dict[str, Any]] = []
    now = timeutils.utcnow()
    for inst in rows:
        f = inst["flavor"] or {}
        hours = _hours(inst, start, stop)
        ended = inst["terminated_at"]
        info = {
            "hours": hours,
            "flavor": f.get("name", ""),
            "instance_id": inst["uuid"],
            "name": inst["display_name"],
            "tenant_id": inst["project_id"],
            "memory_mb": f.get("memory_mb", 0),
            "local_gb": f.get("root_gb", 0) + f.get("ephemeral_gb", 0),
            "vcpus": f.get("vcpus", 0),
            "started_at": timeutils.iso_micro(inst["launched_at"]),
            "ended_at": timeutils.iso_micro(ended),
            "state": "terminated" if ended else inst["vm_state"],
            "uptime": int(((ended or now) - inst["launched_at"]).total_seconds()),
        }
        summary = out.get(inst["project_id"])
        if summary is None:
            summary = out[inst["project_id"]] = {"tenant_id": inst["project_id"]}
            if detailed:
                summary["server_usages"] = []
            summary.update(
                total_local_gb_usage=0,
                total_vcpus_usage=0,
                total_memory_mb_usage=0,
                total_hours=0,
                start=timeutils.iso_micro(start),
                stop=timeutils.iso_micro(stop),
            )
        summary["total_local_gb_usage"] += info["local_gb"] * hours
        summary["total_vcpus_usage"] += info["vcpus"] * hours
        summary["total_memory_mb_usage"] += info["memory_mb"] * hours
        summary["total_hours"] += hours
        servers.append(info)
        if detailed:
            summary["server_usages"].append(info)
    return list(out.values()), servers


def list_usage(req: ApiRequest) -> Reply:
    authorize(req, "os_compute_api:os-simple-tenant-usage:list")
    start, stop, detailed = _period(req)
    limit: int | None = None
    marker = None
    if v(req, "2.40"):
        limit, marker = limit_and_marker(req)
    rows = _usage(req, start, stop, None, limit, marker)
    usages, servers = _summaries(rows, start, stop, detailed)
    body: dict[str, Any] = {"tenant_usages": usages}
    if v(req, "2.40") and servers:
        nxt = next_links(req, "os-simple-tenant-usage", servers, limit, servers[-1]["instance_id"])
        if nxt:
            body["tenant_usages_links"] = nxt
    return Reply(200, body)


def show_usage(req: ApiRequest) -> Reply:
    project_id = req.params["tenant_id"]
    authorize(req, "os_compute_api:os-simple-tenant-usage:show", {"project_id": project_id})
    start, stop, _detailed = _period(req)
    limit: int | None = None
    marker = None
    if v(req, "2.40"):
        limit, marker = limit_and_marker(req)
    rows = _usage(req, start, stop, project_id, limit, marker)
    usages, servers = _summaries(rows, start, stop, True)
    body: dict[str, Any] = {"tenant_usage": usages[0] if usages else {}}
    if v(req, "2.40") and servers:
        nxt = next_links(req, f"os-simple-tenant-usage/{project_id}", servers, limit, servers[-1]["instance_id"])
        if nxt:
            body["tenant_usage_links"] = nxt
    return Reply(200, body)


__all__ = ["UTC"]
