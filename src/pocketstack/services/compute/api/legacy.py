"""Admin APIs of older Nova kept for compatibility: os-hosts (until 2.42),
os-instance_usage_audit_log, os-server-external-events."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from pocketstack.core import timeutils
from pocketstack.core.api import ApiRequest, Reply
from pocketstack.core.errors import ApiError, BadRequest, NotFound, NotImplementedYet
from pocketstack.services.compute import hosts
from pocketstack.services.compute.api.common import authorize, require_version, svc
from pocketstack.services.compute.lifecycle import system_ctx
from pocketstack.services.compute.models import instances, services

H = "os_compute_api:os-hosts:"


def _services(req: ApiRequest) -> list[dict[str, Any]]:
    with svc(req).db.read() as conn:
        rows = [dict(r._mapping) for r in conn.execute(sa.select(services).order_by(services.c.id))]
        zones = hosts.host_azs(conn)
    for r in rows:
        r["zone"] = hosts.INTERNAL_AZ if r["binary"] != "nova-compute" else zones.get(r["host"], hosts.DEFAULT_AZ)
    return rows


def list_hosts(req: ApiRequest) -> Reply:
    require_version(req, "2.1", "2.42")
    authorize(req, H + "list", {})
    zone = req.q("zone")
    rows = [r for r in _services(req) if not r["disabled"] and (not zone or r["zone"] == zone)]
    return Reply(200, {"hosts": [{"host_name": r["host"], "service": r["topic"], "zone": r["zone"]} for r in rows]})


def _node(req: ApiRequest, host: str) -> dict[str, Any]:
    with svc(req).db.read() as conn:
        for n in hosts.nodes(conn):
            if n["host"] == host:
                return n
    raise NotFound(f"Compute host {host} could not be found.", kind="ComputeHostNotFound")


def show_host(req: ApiRequest) -> Reply:
    require_version(req, "2.1", "2.42")
    authorize(req, H + "show", {})
    name = req.params["host_name"]
    node = _node(req, name)
    with svc(req).db.read() as conn:
        rows = conn.execute(
            sa.select(instances.c.project_id, instances.c.vcpus, instances.c.memory_mb, instances.c.root_gb,
                      instances.c.ephemeral_gb)
            .where(instances.c.host == name, instances.c.deleted.is_(False))
        ).all()  # fmt: skip

    def resource(project: str, cpu: int, ram: int, disk: int) -> dict[str, Any]:
        return {"resource": {"host": name, "project": project, "cpu": cpu, "memory_mb": ram, "disk_gb": disk}}

    out = [
        resource("(total)", node["vcpus"], node["memory_mb"], node["local_gb"]),
        resource("(used_now)", node["vcpus_used"], node["memory_mb_used"], node["local_gb_used"]),
        resource(
            "(used_max)",
            sum(r.vcpus for r in rows),
            sum(r.memory_mb for r in rows),
            sum(r.root_gb + r.ephemeral_gb for r in rows),
        ),
    ]
    per: dict[str, list[int]] = {}
    for r in rows:
        total = per.setdefault(r.project_id, [0, 0, 0])
        total[0] += r.vcpus
        total[1] += r.memory_mb
        total[2] += r.root_gb + r.ephemeral_gb
    out += [resource(p, *t) for p, t in per.items()]
    return Reply(200, {"host": out})


def update_host(req: ApiRequest) -> Reply:
    require_version(req, "2.1", "2.42")
    authorize(req, H + "update", {})
    _node(req, req.params["host_name"])
    # the libvirt driver Nova runs in DevStack implements neither
    raise NotImplementedYet("Virt driver does not implement host disabled status.")


def _power(action: str) -> Any:
    def handler(req: ApiRequest) -> Reply:
        require_version(req, "2.1", "2.42")
        authorize(req, H + {"startup": "start"}.get(action, action), {})
        _node(req, req.params["host_name"])
        raise NotImplementedYet("Virt driver does not implement host power management.")

    handler.__name__ = f"host_{action}"
    return handler


host_reboot = _power("reboot")
host_shutdown = _power("shutdown")
host_startup = _power("startup")


# -- instance usage audit log -------------------------------------------------------------------


def _period(before: datetime | None = None) -> tuple[datetime, datetime]:
    """Nova's last completed audit period, monthly (instance_usage_audit_period)."""
    now = before or timeutils.utcnow()
    end = datetime(now.year, now.month, 1)
    if end >= now:
        end = datetime(now.year - 1, 12, 1) if now.month == 1 else datetime(now.year, now.month - 1, 1)
    begin = datetime(end.year - 1, 12, 1) if end.month == 1 else datetime(end.year, end.month - 1, 1)
    return begin, end


def _audit(req: ApiRequest, before: datetime | None = None) -> dict[str, Any]:
    begin, end = _period(before)
    computes = sorted({r["host"] for r in _services(req) if r["binary"] == "nova-compute"})
    return {
        "period_beginning": str(begin),
        "period_ending": str(end),
        "num_hosts": len(computes),
        "num_hosts_done": 0,
        "num_hosts_running": 0,
        "num_hosts_not_run": len(computes),
        "hosts_not_run": computes,
        "total_instances": 0,
        "total_errors": 0,
        "overall_status": f"0 of {len(computes)} hosts done. 0 errors.",
        "log": {},
    }


def list_audit_logs(req: ApiRequest) -> Reply:
    authorize(req, "os_compute_api:os-instance-usage-audit-log:list", {})
    return Reply(200, {"instance_usage_audit_logs": _audit(req)})


def show_audit_log(req: ApiRequest) -> Reply:
    authorize(req, "os_compute_api:os-instance-usage-audit-log:show", {})
    raw = req.params["before_timestamp"]
    try:
        before = datetime.strptime(raw, "%Y-%m-%d %H:%M:%S.%f" if "." in raw else "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise BadRequest(f"Invalid timestamp for date {raw}") from None
    return Reply(200, {"instance_usage_audit_log": _audit(req, before)})


# -- external events ----------------------------------------------------------------------------


def create_external_events(req: ApiRequest) -> Reply:
    authorize(req, "os_compute_api:os-server-external-events:create", {})
    events = req.body["events"]
    s_ = svc(req)
    sizes = _volume_sizes(req, {str(e["tag"]) for e in events if e["name"] == "volume-extended" and e.get("tag")})
    with s_.db.write() as conn:
        status, out = s_.events.accept(
            conn, events, user_id=req.ctx.user_id, project_id=req.ctx.project_id, request_id=req.request_id,
            sizes=sizes,
        )  # fmt: skip
    return Reply(status, {"events": out})


def _volume_sizes(req: ApiRequest, volume_ids: set[str]) -> dict[str, int]:
    """What Nova's compute reads from Cinder when a volume-extended event arrives."""
    volume = svc(req).integration.volume()
    sizes: dict[str, int] = {}
    if volume is None:
        return sizes
    ctx = system_ctx(None)
    for volume_id in volume_ids:
        with contextlib.suppress(ApiError):
            sizes[volume_id] = int(volume.get_volume(ctx, volume_id)["size"])
    return sizes
