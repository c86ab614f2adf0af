"""Admin and informational endpoints: os-services, os-hosts, pools, capabilities, zones,
messages, extensions, resource filters, and version discovery."""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.volume import errors as e
from pocketstack.services.volume import lists
from pocketstack.services.volume import versions as mv
from pocketstack.services.volume.api.common import (
    admin,
    bool_param,
    check,
    check_project,
    links,
    since,
    svc,
    target,
    version,
)
from pocketstack.services.volume.listing import check_ascii_keys, parse_page, reject_invalid
from pocketstack.services.volume.messages import message_not_found
from pocketstack.services.volume.schemas import resources as rs
from pocketstack.services.volume.views import admin as views

# -- os-services ------------------------------------------------------------------------------------


def list_services(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:services:index")
    with svc(req).db.read() as conn:
        rows = svc(req).deployment.services(conn, req.q("host"), req.q("binary"))
    return Reply(200, {"services": [views.service(r, version(req)) for r in rows]})


_SERVICE_SCHEMAS = {
    "enable": rs.service_enable,
    "disable": rs.service_enable,
    "disable-log-reason": rs.service_disable_reason,
    "freeze": rs.service_freeze,
    "thaw": rs.service_freeze,
    "failover_host": rs.service_failover,
    "set-log": rs.service_log,
    "get-log": rs.service_log,
}


def _service_target(req: ApiRequest) -> tuple[str, str, str, str]:
    body = req.body or {}
    host = body.get("host")
    if not host:
        raise e.invalid_input("Host field is missing.")
    service = body.get("service", "")
    binary = body.get("binary", "")
    return host, service, binary, binary or service


def update_service(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:services:update")
    action = req.params["action"]
    schema = _SERVICE_SCHEMAS.get(action)
    if schema is not None:
        check(req, schema)
    dep = svc(req).deployment
    if action in ("enable", "disable", "disable-log-reason"):
        host, service, binary, key = _service_target(req)
        disabled = action != "enable"
        reason = (req.body or {}).get("disabled_reason") if action == "disable-log-reason" else None
        if reason is not None and not reason.strip():
            raise e.invalid_input(f"disabled_reason has {len(reason.strip())} characters, less than 1.")
        with svc(req).db.write() as conn:
            values: dict[str, Any] = {"disabled": disabled}
            if action == "enable":
                values["disabled_reason"] = None
            elif reason:
                values["disabled_reason"] = reason
            dep.set_service(conn, host, key, **values)
        body: dict[str, Any] = {
            "host": host,
            "service": service,
            "binary": binary,
            "status": "disabled" if disabled else "enabled",
            "disabled": disabled,
        }
        if action == "disable-log-reason":
            body["disabled_reason"] = reason
        return Reply(200, body)
    if action in ("freeze", "thaw"):
        req.authorize(f"volume:{action}_host")
        with svc(req).db.write() as conn:
            row = dep.volume_service(conn, (req.body or {}).get("host"))
            dep.set_service(conn, row["host"], row["binary"], frozen=action == "freeze")
        return Reply(200)
    if action == "failover_host":
        req.authorize("volume:failover_host")
        with svc(req).db.read() as conn:
            dep.volume_service(conn, (req.body or {}).get("host"))
        raise e.invalid_input("Host does not support replication.")
    if action in ("get-log", "set-log"):
        since(req, "3.32")
        if action == "get-log":
            return Reply(200, {"log_levels": []})
        return Reply(202)
    raise e.NotFound("Unknown action", kind="HTTPNotFound")


# -- os-hosts ------------------------------------------------------------------------------------------


def list_hosts(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:hosts")
    zone = req.q("service")
    with svc(req).db.read() as conn:
        rows = svc(req).deployment.services(conn)
    hosts = [views.host_entry(r) for r in rows if zone is None or r["availability_zone"] == zone]
    return Reply(200, {"hosts": hosts})


def show_host(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:hosts")
    host = req.params["host_name"]
    with svc(req).db.read() as conn:
        rows = svc(req).deployment.host_usage(conn, host)
    return Reply(200, views.host_usage(host, rows))


# -- pools, capabilities, zones -----------------------------------------------------------------------


def get_pools(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("scheduler_extension:scheduler_stats:get_pools")
    detail = bool_param(req, "detail")
    filters = {k: v[-1] for k, v in req.query.items() if k != "detail"}
    ver = version(req)
    if ver >= mv.RESOURCE_FILTER:
        check_ascii_keys(filters)
        reject_invalid(filters, ("name", "volume_type"), like_ok=ver >= mv.LIKE_FILTER)
    elif ver < mv.POOL_FILTER:
        filters = {}
    if ver < mv.POOL_TYPE_FILTER:
        filters.pop("volume_type", None)
    with svc(req).db.read() as conn:
        pools = svc(req).deployment.pools(conn, filters)
    return Reply(200, {"pools": [views.pool(p, detail) for p in pools]})


def capabilities(req: ApiRequest) -> Reply:
    check_project(req)
    req.authorize("volume_extension:capabilities")
    with svc(req).db.read() as conn:
        body = svc(req).deployment.capabilities(conn, req.params["host_name"])
    return Reply(200, body)


def availability_zones(req: ApiRequest) -> Reply:
    check_project(req)
    with svc(req).db.read() as conn:
        zones = svc(req).deployment.availability_zones(conn)
    return Reply(200, views.zones(zones))


# -- messages (3.3+) ------------------------------------------------------------------------------------

MESSAGE_FILTERS = ("resource_uuid", "resource_type", "event_id", "request_id", "message_level")


def list_messages(req: ApiRequest) -> Reply:
    check_project(req)
    since(req, mv.MESSAGES)
    req.authorize("message:get_all")
    ver = version(req)
    page = parse_page(req.query) if ver >= mv.MESSAGES_PAGINATION else parse_page({})
    filters = dict(page.filters) if ver >= mv.MESSAGES_PAGINATION else {}
    if ver >= mv.RESOURCE_FILTER and not admin(req):
        reject_invalid(filters, MESSAGE_FILTERS, like_ok=ver >= mv.LIKE_FILTER)
    with svc(req).db.read() as conn:
        scope = None if admin(req) else lists.MESSAGES.table.c.project_id == req.ctx.project_id
        rows, _ = lists.run(conn, lists.MESSAGES, scope, filters, page, message_not_found)
    lk = links(req)
    body: dict[str, Any] = {"messages": [views.message(r, lk) for r in rows]}
    from pocketstack.services.volume.views.common import collection_links

    next_links = collection_links(lk, "messages", rows, req.query, page.limit)
    if next_links:
        body["messages_links"] = next_links
    return Reply(200, body)


def _message(req: ApiRequest) -> dict[str, Any]:
    check_project(req)
    since(req, mv.MESSAGES)
    with svc(req).db.read() as conn:
        return svc(req).messages.get(conn, req.params["message_id"], req.ctx.project_id, admin(req))


def show_message(req: ApiRequest) -> Reply:
    row = _message(req)
    req.authorize("message:get", target(row))
    return Reply(200, {"message": views.message(row, links(req))})


def delete_message(req: ApiRequest) -> Reply:
    row = _message(req)
    req.authorize("message:delete", target(row))
    with svc(req).db.write() as conn:
        svc(req).messages.delete(conn, row["id"])
    return Reply(204)


# -- extensions, resource filters ---------------------------------------------------------------------

# (alias, name, updated, description) of the Cinder API extensions this service implements
EXTENSIONS = (
    ("os-admin-actions", "AdminActions", "2012-08-25T00:00:00+00:00", "Enable admin actions."),
    ("os-availability-zone", "AvailabilityZones", "2013-06-27T00:00:00+00:00", "Describe Availability Zones."),
    ("backups", "Backups", "2012-12-12T00:00:00+00:00", "Backups support."),
    ("capabilities", "Capabilities", "2015-08-31T00:00:00+00:00", "Capabilities support."),
    ("os-extended-services", "ExtendedServices", "2014-01-10T00:00:00-00:00", "Extended services support."),
    ("os-extended-snapshot-attributes", "ExtendedSnapshotAttributes", "2012-06-19T00:00:00+00:00",
     "Extended SnapshotAttributes support."),
    ("os-hosts", "Hosts", "2011-06-29T00:00:00+00:00", "Admin-only host administration."),
    ("qos-specs", "Qos_specs_manage", "2013-08-02T00:00:00+00:00", "QoS specs support."),
    ("os-quota-class-sets", "QuotaClasses", "2012-03-12T00:00:00+00:00", "Quota classes management support."),
    ("os-quota-sets", "Quotas", "2011-08-08T00:00:00+00:00", "Quota management support."),
    ("OS-SCH-HNT", "SchedulerHints", "2013-04-18T00:00:00+00:00", "Pass arbitrary key/value pairs to the scheduler."),
    ("scheduler-stats", "Scheduler_stats", "2014-09-07T00:00:00+00:00", "Scheduler stats support."),
    ("os-services", "Services", "2012-10-28T00:00:00-00:00", "Services support."),
    ("os-snapshot-actions", "SnapshotActions", "2013-07-16T00:00:00+00:00", "Enable snapshot manager actions."),
    ("os-snapshot-unmanage", "SnapshotUnmanage", "2014-12-31T00:00:00+00:00", "Enable volume unmanage operation."),
    ("os-types-extra-specs", "TypesExtraSpecs", "2011-08-24T00:00:00+00:00", "Type extra specs support."),
    ("os-types-manage", "TypesManage", "2011-08-24T00:00:00+00:00", "Types manage support."),
    ("os-used-limits", "UsedLimits", "2013-10-03T00:00:00+00:00",
     "Provide data on limited resources that are being used."),
    ("os-volume-actions", "VolumeActions", "2012-05-31T00:00:00+00:00", "Enable volume actions."),
    ("os-vol-host-attr", "VolumeHostAttribute", "2011-11-03T00:00:00+00:00",
     "Expose host as an attribute of a volume."),
    ("os-vol-image-meta", "VolumeImageMetadata", "2012-12-07T00:00:00+00:00",
     "Show image metadata associated with the volume."),
    ("os-vol-mig-status-attr", "VolumeMigStatusAttribute", "2013-08-08T00:00:00+00:00",
     "Expose migration_status as an attribute of a volume."),
    ("os-vol-tenant-attr", "VolumeTenantAttribute", "2011-11-03T00:00:00+00:00",
     "Expose the internal project_id as an attribute of a volume."),
    ("os-volume-transfer", "VolumeTransfer", "2013-05-29T00:00:00+00:00", "Volume transfer management support."),
    ("os-volume-type-access", "VolumeTypeAccess", "2014-06-26T00:00:00Z", "Volume type access support."),
    ("os-volume-unmanage", "VolumeUnmanage", "2012-05-31T00:00:00+00:00", "Enable volume unmanage operation."),
)  # fmt: skip


def list_extensions(req: ApiRequest) -> Reply:
    check_project(req)
    items = [{"alias": a, "name": n, "updated": u, "description": d, "links": []} for a, n, u, d in EXTENSIONS]
    return Reply(200, {"extensions": items})


RESOURCE_FILTERS = {
    "volume": ["name", "status", "metadata", "bootable", "migration_status", "availability_zone", "group_id",
               "size", "created_at", "updated_at", "consumes_quota"],
    "backup": ["name", "status", "volume_id"],
    "snapshot": ["name", "status", "volume_id", "metadata", "availability_zone", "consumes_quota"],
    "group": ["name"],
    "group_snapshot": ["name", "status", "group_id"],
    "attachment": ["volume_id", "status", "instance_id", "attach_status"],
    "message": ["resource_uuid", "resource_type", "event_id", "request_id", "message_level"],
    "pool": ["name", "volume_type"],
    "volume_type": ["is_public", "extra_specs"],
}  # fmt: skip


def resource_filters(req: ApiRequest) -> Reply:
    check_project(req)
    since(req, mv.RESOURCE_FILTER_CONFIG)
    wanted = req.q("resource")
    items = [
        {"resource": name, "filters": filters}
        for name, filters in RESOURCE_FILTERS.items()
        if wanted is None or wanted == name
    ]
    return Reply(200, {"resource_filters": items})


# -- version discovery ------------------------------------------------------------------------------------


def _version(req: ApiRequest) -> dict[str, Any]:
    return {
        "id": "v3.0",
        "status": "CURRENT",
        "version": mv.MAX_VERSION,
        "min_version": mv.MIN_VERSION,
        "updated": mv.UPDATED,
        "links": [
            {"rel": "describedby", "type": "text/html", "href": "https://docs.openstack.org/"},
            {"rel": "self", "href": f"{req.service_url}/v3/"},
        ],
        "media-types": [{"base": "application/json", "type": "application/vnd.openstack.volume+json;version=3"}],
    }


def versions(req: ApiRequest) -> Reply:
    return Reply(300, {"versions": [_version(req)]})


def version_v3(req: ApiRequest) -> Reply:
    return Reply(200, {"versions": [_version(req)]})


# -- the simulated backend (pocketstack's own, admin only) ------------------------------------------


def _transition(t: dict[str, Any]) -> dict[str, Any]:
    from pocketstack.services.volume.views.common import ts

    return {
        "id": t["id"],
        "resource": t["resource"],
        "resource_id": t["resource_id"],
        "kind": t["action"],
        "due_at": ts(t["due_at"]),
        "held": t["due_at"] is None,
        "created_at": ts(t["created_at"]),
    }


def list_transitions(req: ApiRequest) -> Reply:
    """Pending backend transitions (``manual`` timing holds them until released)."""
    req.authorize("context_is_admin")
    s_ = svc(req)
    rows = s_.tasks.all_pending(req.q("resource_id"))
    return Reply(200, {"mode": s_.settings.build_mode, "transitions": [_transition(t) for t in rows]})


def release_transitions(req: ApiRequest) -> Reply:
    req.authorize("context_is_admin")
    resource_id = (req.body or {}).get("resource_id")
    return Reply(200, {"released": svc(req).release(resource_id)})
