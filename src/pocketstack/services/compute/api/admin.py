"""Admin views of the simulated cloud: os-hypervisors, os-services, os-availability-zone
and os-aggregates."""

from __future__ import annotations

import re
import uuid
from typing import Any

import sqlalchemy as sa

from pocketstack.core import timeutils
from pocketstack.core.api import ApiRequest, Reply
from pocketstack.core.errors import BadRequest, Conflict, NotFound
from pocketstack.core.ids import is_uuid
from pocketstack.services.compute import hosts
from pocketstack.services.compute.api.common import (
    action_name,
    authorize,
    limit_and_marker,
    next_links,
    require_version,
    svc,
    v,
)
from pocketstack.services.compute.flavors import validate_integer
from pocketstack.services.compute.models import (
    aggregate_hosts,
    aggregate_metadata,
    aggregates,
    compute_nodes,
    instances,
    services,
)
from pocketstack.services.compute.schemas import admin as s
from pocketstack.services.compute.validation import as_bool, validate_body

HV = "os_compute_api:os-hypervisors:"
BOOT_TIME = " 08:32:11 up 93 days, 18:25, 12 users,  load average: 0.20, 0.12, 0.14"


def _db(req: ApiRequest) -> Any:
    return svc(req).db


# -- hypervisors ----------------------------------------------------------------------------


def _nodes(req: ApiRequest) -> list[dict[str, Any]]:
    with _db(req).read() as conn:
        rows = conn.execute(
            sa.select(compute_nodes, services.c.uuid.label("service_uuid"), services.c.disabled,
                      services.c.disabled_reason, services.c.forced_down)
            .join(services, services.c.id == compute_nodes.c.service_id)
            .order_by(compute_nodes.c.id)
        )  # fmt: skip
        return [dict(r._mapping) for r in rows]


def _servers_on(req: ApiRequest, host: str) -> list[dict[str, str]]:
    with _db(req).read() as conn:
        rows = conn.execute(
            sa.select(instances.c.uuid, instances.c.display_name)
            .where(instances.c.host == host, instances.c.deleted.is_(False))
            .order_by(instances.c.id)
        )
        return [{"name": r.display_name, "uuid": r.uuid} for r in rows]


def _hypervisor(req: ApiRequest, n: dict[str, Any], detail: bool, servers: list[dict[str, str]] | None = None,
                with_servers: bool = False) -> dict[str, Any]:  # fmt: skip
    ids = v(req, "2.53")
    out: dict[str, Any] = {
        "id": n["uuid"] if ids else n["id"],
        "hypervisor_hostname": n["hypervisor_hostname"],
        "state": "down" if n["forced_down"] else "up",
        "status": "disabled" if n["disabled"] else "enabled",
    }
    if detail:
        out["hypervisor_type"] = n["hypervisor_type"]
        out["hypervisor_version"] = n["hypervisor_version"]
        out["host_ip"] = n["host_ip"]
        out["service"] = {
            "id": n["service_uuid"] if ids else n["service_id"],
            "host": n["host"],
            "disabled_reason": n["disabled_reason"],
        }
        if not v(req, "2.88"):
            out.update(
                vcpus=n["vcpus"],
                memory_mb=n["memory_mb"],
                local_gb=n["local_gb"],
                vcpus_used=n["vcpus_used"],
                memory_mb_used=n["memory_mb_used"],
                local_gb_used=n["local_gb_used"],
                free_ram_mb=n["memory_mb"] - n["memory_mb_used"],
                free_disk_gb=n["local_gb"] - n["local_gb_used"],
                current_workload=0,
                running_vms=n["running_vms"],
                disk_available_least=n["local_gb"] - n["local_gb_used"],
            )
            import json

            out["cpu_info"] = dict(n["cpu_info"] or {}) if v(req, "2.28") else json.dumps(n["cpu_info"] or {})
        else:
            out["uptime"] = BOOT_TIME
    if servers:
        out["servers"] = servers
    elif with_servers and v(req, "2.75"):
        out["servers"] = []
    return out


def _list_hypervisors(req: ApiRequest, detail: bool) -> Reply:
    authorize(req, HV + ("list-detail" if detail else "list"), {})
    nodes = _nodes(req)
    pattern = req.q("hypervisor_hostname_pattern") if v(req, "2.53") else None
    with_servers = _with_servers(req)
    links = v(req, "2.33")
    limit: int | None = None
    if pattern is not None:
        if "limit" in req.query or req.q("marker"):
            raise BadRequest(
                "Paging over hypervisors with the hypervisor_hostname_pattern query parameter is not supported."
            )
        nodes = [n for n in nodes if pattern in n["hypervisor_hostname"]]
        if not nodes:
            raise NotFound(f"No hypervisor matching '{pattern}' could be found.")
        links = False
    elif v(req, "2.33"):
        limit, marker = limit_and_marker(req)
        if marker is not None:
            key = "uuid" if v(req, "2.53") else "id"
            index = next((i for i, n in enumerate(nodes) if str(n[key]) == marker), None)
            if index is None:
                raise BadRequest(f"marker [{marker}] not found")
            nodes = nodes[index + 1 :]
        nodes = nodes[:limit]
    body: dict[str, Any] = {
        "hypervisors": [
            _hypervisor(req, n, detail, _servers_on(req, n["host"]) if with_servers else None, with_servers)
            for n in nodes
        ]
    }
    if links and nodes:
        ident = "uuid" if v(req, "2.53") else "id"
        nxt = next_links(
            req, "os-hypervisors/detail" if detail else "os-hypervisors", nodes, limit, str(nodes[-1][ident])
        )
        if nxt:
            body["hypervisors_links"] = nxt
    return Reply(200, body)


def _with_servers(req: ApiRequest) -> bool:
    if not v(req, "2.53"):
        return False
    raw = req.q("with_servers")
    if raw is None:
        return False
    lowered = raw.strip().lower()
    if lowered in ("1", "t", "true", "on", "y", "yes"):
        return True
    if lowered in ("0", "f", "false", "off", "n", "no"):
        return False
    raise BadRequest(f"Invalid input for query parameters with_servers. Value: {raw}.")


def list_hypervisors(req: ApiRequest) -> Reply:
    return _list_hypervisors(req, False)


def list_hypervisors_detail(req: ApiRequest) -> Reply:
    return _list_hypervisors(req, True)


def _find_node(req: ApiRequest, ident: str) -> dict[str, Any]:
    if v(req, "2.53"):
        if not is_uuid(ident):
            raise BadRequest(f"Invalid uuid {ident}")
        key = "uuid"
    else:
        key = "id"
        try:
            int(ident)
        except ValueError:
            raise NotFound(f"Hypervisor with ID '{ident}' could not be found.") from None
    for n in _nodes(req):
        if str(n[key]) == ident:
            return n
    raise NotFound(f"Hypervisor with ID '{ident}' could not be found.")


def show_hypervisor(req: ApiRequest) -> Reply:
    authorize(req, HV + "show", {})
    n = _find_node(req, req.params["hypervisor_id"])
    with_servers = _with_servers(req)
    servers = _servers_on(req, n["host"]) if with_servers else None
    return Reply(200, {"hypervisor": _hypervisor(req, n, True, servers, with_servers)})


def hypervisor_uptime(req: ApiRequest) -> Reply:
    require_version(req, "2.1", "2.87")
    authorize(req, HV + "uptime", {})
    n = _find_node(req, req.params["hypervisor_id"])
    out = _hypervisor(req, n, False)
    out["uptime"] = BOOT_TIME
    return Reply(200, {"hypervisor": out})


def search_hypervisors(req: ApiRequest) -> Reply:
    require_version(req, "2.1", "2.52")
    authorize(req, HV + "search", {})
    pattern = req.params["hypervisor_hostname_pattern"]
    found = [n for n in _nodes(req) if pattern in n["hypervisor_hostname"]]
    if not found:
        raise NotFound(f"No hypervisor matching '{pattern}' could be found.")
    return Reply(200, {"hypervisors": [_hypervisor(req, n, False) for n in found]})


def hypervisor_servers(req: ApiRequest) -> Reply:
    require_version(req, "2.1", "2.52")
    authorize(req, HV + "servers", {})
    pattern = req.params["hypervisor_hostname_pattern"]
    found = [n for n in _nodes(req) if pattern in n["hypervisor_hostname"]]
    if not found:
        raise NotFound(f"No hypervisor matching '{pattern}' could be found.")
    return Reply(200, {"hypervisors": [_hypervisor(req, n, False, _servers_on(req, n["host"])) for n in found]})


def hypervisor_statistics(req: ApiRequest) -> Reply:
    require_version(req, "2.1", "2.87")
    authorize(req, HV + "statistics", {})
    nodes = _nodes(req)
    total = {
        "count": len(nodes),
        "vcpus": sum(n["vcpus"] for n in nodes),
        "memory_mb": sum(n["memory_mb"] for n in nodes),
        "local_gb": sum(n["local_gb"] for n in nodes),
        "vcpus_used": sum(n["vcpus_used"] for n in nodes),
        "memory_mb_used": sum(n["memory_mb_used"] for n in nodes),
        "local_gb_used": sum(n["local_gb_used"] for n in nodes),
        "free_ram_mb": sum(n["memory_mb"] - n["memory_mb_used"] for n in nodes),
        "free_disk_gb": sum(n["local_gb"] - n["local_gb_used"] for n in nodes),
        "current_workload": 0,
        "running_vms": sum(n["running_vms"] for n in nodes),
        "disk_available_least": sum(n["local_gb"] - n["local_gb_used"] for n in nodes),
    }
    return Reply(200, {"hypervisor_statistics": total})


# -- services -------------------------------------------------------------------------------


def _service_rows(req: ApiRequest) -> list[dict[str, Any]]:
    with _db(req).read() as conn:
        rows = [dict(r._mapping) for r in conn.execute(sa.select(services).order_by(services.c.id))]
        zones = hosts.host_azs(conn)
    for r in rows:
        r["zone"] = hosts.INTERNAL_AZ if r["binary"] != "nova-compute" else zones.get(r["host"], hosts.DEFAULT_AZ)
    return rows


def _service(req: ApiRequest, r: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "binary": r["binary"],
        "host": r["host"],
        "id": r["uuid"] if v(req, "2.53") else r["id"],
        "zone": r["zone"],
        "status": "disabled" if r["disabled"] else "enabled",
        "state": "down" if r["forced_down"] else "up",
        # simulated services report in all the time
        "updated_at": timeutils.iso_micro(timeutils.utcnow()),
        "disabled_reason": r["disabled_reason"],
    }
    if v(req, "2.11"):
        out["forced_down"] = bool(r["forced_down"])
    return out


def list_services(req: ApiRequest) -> Reply:
    authorize(req, "os_compute_api:os-services:list", {})
    rows = _service_rows(req)
    if req.q("host"):
        rows = [r for r in rows if r["host"] == req.q("host")]
    if req.q("binary"):
        rows = [r for r in rows if r["binary"] == req.q("binary")]
    return Reply(200, {"services": [_service(req, r) for r in rows]})


def _update_service(req: ApiRequest, where: Any, values: dict[str, Any]) -> None:
    with _db(req).write() as conn:
        conn.execute(services.update().where(where).values(updated_at=timeutils.utcnow(), **values))


def update_service(req: ApiRequest) -> Reply:
    ident = req.params["service_id"]
    body = req.body or {}
    if v(req, "2.53"):
        return _update_v253(req, ident, body)
    authorize(req, "os_compute_api:os-services:update", {})
    actions = {"enable", "disable", "disable-log-reason"} | ({"force-down"} if v(req, "2.11") else set())
    if ident not in actions:
        raise NotFound("Unknown action")
    host, binary = body["host"], body["binary"]
    if ident == "disable-log-reason" and "disabled_reason" not in body:
        raise BadRequest("Missing disabled reason field")
    if ident == "force-down" and "forced_down" not in body:
        raise BadRequest("Missing forced_down field")
    if binary != "nova-compute":
        raise BadRequest(f"Updating a {binary} service is not supported. Only nova-compute services can be updated.")
    rows = [r for r in _service_rows(req) if r["host"] == host and r["binary"] == binary]
    if not rows:
        raise NotFound(f"Compute host {host} could not be found.", kind="HostBinaryNotFound")
    where = (services.c.host == host) & (services.c.binary == binary)
    out: dict[str, Any] = {"host": host, "binary": binary}
    if ident == "enable":
        _update_service(req, where, {"disabled": False, "disabled_reason": None})
        out["status"] = "enabled"
    elif ident in ("disable", "disable-log-reason"):
        reason = body.get("disabled_reason") if ident == "disable-log-reason" else None
        _update_service(req, where, {"disabled": True, "disabled_reason": reason})
        out["status"] = "disabled"
        if reason:
            out["disabled_reason"] = reason
    else:
        forced = as_bool(body["forced_down"])
        _update_service(req, where, {"forced_down": forced})
        out["forced_down"] = forced
    return Reply(200, {"service": out})


def _update_v253(req: ApiRequest, ident: str, body: dict[str, Any]) -> Reply:
    if not is_uuid(ident):
        raise BadRequest(f"Invalid uuid {ident}")
    authorize(req, "os_compute_api:os-services:update", {})
    row = next((r for r in _service_rows(req) if r["uuid"] == ident), None)
    if row is None:
        raise NotFound(f"Service {ident} could not be found.", kind="ServiceNotFound")
    if row["binary"] != "nova-compute":
        raise BadRequest(
            f"Updating a {row['binary']} service is not supported. Only nova-compute services can be updated."
        )
    values: dict[str, Any] = {}
    if "status" in body:
        if body["status"] == "enabled":
            if body.get("disabled_reason"):
                raise BadRequest("Specifying 'disabled_reason' with status 'enabled' is invalid.")
            values.update(disabled=False, disabled_reason=None)
        else:
            values.update(disabled=True, disabled_reason=body.get("disabled_reason"))
    if "forced_down" in body:
        values["forced_down"] = as_bool(body["forced_down"])
    if not values:
        raise BadRequest("No updates were requested. Fields 'status' or 'forced_down' should be specified.")
    _update_service(req, services.c.uuid == ident, values)
    row = next(r for r in _service_rows(req) if r["uuid"] == ident)
    return Reply(200, {"service": _service(req, row)})


def delete_service(req: ApiRequest) -> Reply:
    authorize(req, "os_compute_api:os-services:delete", {})
    ident = req.params["service_id"]
    if v(req, "2.53") and not is_uuid(ident):
        raise BadRequest(f"Invalid uuid {ident}")
    key = "uuid" if v(req, "2.53") else "id"
    row = next((r for r in _service_rows(req) if str(r[key]) == ident), None)
    if row is None:
        raise NotFound(f"Service {ident} not found.", kind="ServiceNotFound")
    with _db(req).write() as conn:
        if row["binary"] == "nova-compute":
            busy = conn.execute(
                sa.select(sa.func.count()).where(instances.c.host == row["host"], instances.c.deleted.is_(False))
            ).scalar()
            if busy:
                raise Conflict(
                    "Unable to delete compute service that is hosting instances. Migrate or delete the instances first."
                )
            conn.execute(compute_nodes.delete().where(compute_nodes.c.service_id == row["id"]))
            conn.execute(aggregate_hosts.delete().where(aggregate_hosts.c.host == row["host"]))
        conn.execute(services.delete().where(services.c.id == row["id"]))
    return Reply(204)


# -- availability zones ------------------------------------------------------------------------


def _zones(req: ApiRequest) -> tuple[list[str], list[str]]:
    rows = _service_rows(req)
    up = sorted({r["zone"] for r in rows if not r["disabled"]})
    down = sorted({r["zone"] for r in rows if r["disabled"]} - set(up))
    return up, down


def list_azs(req: ApiRequest) -> Reply:
    authorize(req, "os_compute_api:os-availability-zone:list", {})
    up, down = _zones(req)
    info = [{"zoneName": z, "zoneState": {"available": True}, "hosts": None} for z in up if z != hosts.INTERNAL_AZ]
    info += [{"zoneName": z, "zoneState": {"available": False}, "hosts": None} for z in down if z != hosts.INTERNAL_AZ]
    return Reply(200, {"availabilityZoneInfo": info})


def list_azs_detail(req: ApiRequest) -> Reply:
    authorize(req, "os_compute_api:os-availability-zone:detail", {})
    rows = _service_rows(req)
    up, down = _zones(req)
    now = timeutils.iso_micro(timeutils.utcnow())
    info: list[dict[str, Any]] = []
    for zone in up:
        zone_hosts: dict[str, dict[str, Any]] = {}
        for r in rows:
            if r["zone"] == zone and not r["disabled"]:
                zone_hosts.setdefault(r["host"], {})[r["binary"]] = {
                    "available": not r["forced_down"],
                    "active": True,
                    "updated_at": now,
                }
        info.append({"zoneName": zone, "zoneState": {"available": True}, "hosts": zone_hosts})
    info += [{"zoneName": z, "zoneState": {"available": False}, "hosts": None} for z in down]
    return Reply(200, {"availabilityZoneInfo": info})


# -- aggregates --------------------------------------------------------------------------------

AG = "os_compute_api:os-aggregates:"


def _aggregate(req: ApiRequest, conn: Any, row: Any, full: bool = True) -> dict[str, Any]:
    meta = {
        r.key: r.value
        for r in conn.execute(sa.select(aggregate_metadata).where(aggregate_metadata.c.aggregate_id == row.id))
    }
    out: dict[str, Any] = {
        "availability_zone": meta.get("availability_zone"),
        "created_at": timeutils.iso_micro(row.created_at),
        "deleted": False,
        "deleted_at": None,
        "id": row.id,
        "name": row.name,
        "updated_at": timeutils.iso_micro(row.updated_at),
    }
    if full:
        out["hosts"] = sorted(
            r.host for r in conn.execute(sa.select(aggregate_hosts).where(aggregate_hosts.c.aggregate_id == row.id))
        )
        out["metadata"] = meta
    if v(req, "2.41"):
        out["uuid"] = row.uuid
    return out


def _agg_row(conn: Any, ident: str) -> Any:
    validate_integer(ident, "id", -(2**31))
    row = conn.execute(sa.select(aggregates).where(aggregates.c.id == int(ident))).first()
    if row is None:
        raise NotFound(f"Aggregate {ident} could not be found.", kind="AggregateNotFound")
    return row


def list_aggregates(req: ApiRequest) -> Reply:
    authorize(req, AG + "index", {})
    with _db(req).read() as conn:
        rows = conn.execute(sa.select(aggregates).order_by(aggregates.c.id)).all()
        return Reply(200, {"aggregates": [_aggregate(req, conn, r) for r in rows]})


def _check_az_name(conn: Any, zone: str | None, aggregate_id: int | None = None) -> None:
    if zone is None:
        return
    if zone == hosts.INTERNAL_AZ:
        raise BadRequest(
            f"Aggregate action update is invalid. Reason: The availability zone {zone} is reserved for internal "
            "services.",
            kind="InvalidAggregateAction",
        )


def create_aggregate(req: ApiRequest) -> Reply:
    authorize(req, AG + "create", {})
    body = req.body["aggregate"]
    name = body["name"]
    zone = body.get("availability_zone")
    now = timeutils.utcnow()
    with _db(req).write() as conn:
        if conn.execute(sa.select(aggregates.c.id).where(aggregates.c.name == name)).first():
            raise Conflict(f"Aggregate {name} already exists.", kind="AggregateNameExists")
        _check_az_name(conn, zone)
        agg_id = conn.execute(
            aggregates.insert().values(uuid=str(uuid.uuid4()), name=name, created_at=now)
        ).inserted_primary_key[0]
        if zone:
            conn.execute(aggregate_metadata.insert().values(aggregate_id=agg_id, key="availability_zone", value=zone))
        row = conn.execute(sa.select(aggregates).where(aggregates.c.id == agg_id)).one()
        return Reply(200, {"aggregate": _aggregate(req, conn, row, full=False)})


def show_aggregate(req: ApiRequest) -> Reply:
    authorize(req, AG + "show", {})
    with _db(req).read() as conn:
        row = _agg_row(conn, req.params["aggregate_id"])
        return Reply(200, {"aggregate": _aggregate(req, conn, row)})


def update_aggregate(req: ApiRequest) -> Reply:
    authorize(req, AG + "update", {})
    body = req.body["aggregate"]
    with _db(req).write() as conn:
        row = _agg_row(conn, req.params["aggregate_id"])
        values: dict[str, Any] = {"updated_at": timeutils.utcnow()}
        if "name" in body:
            name = body["name"].strip()
            clash = conn.execute(
                sa.select(aggregates.c.id).where(aggregates.c.name == name, aggregates.c.id != row.id)
            ).first()
            if clash:
                raise Conflict(f"Aggregate {name} already exists.", kind="AggregateNameExists")
            values["name"] = name
        conn.execute(aggregates.update().where(aggregates.c.id == row.id).values(**values))
        if "availability_zone" in body:
            zone = body["availability_zone"]
            _check_az_name(conn, zone, row.id)
            _set_meta(conn, row.id, {"availability_zone": zone})
        row = conn.execute(sa.select(aggregates).where(aggregates.c.id == row.id)).one()
        return Reply(200, {"aggregate": _aggregate(req, conn, row)})


def delete_aggregate(req: ApiRequest) -> Reply:
    authorize(req, AG + "delete", {})
    with _db(req).write() as conn:
        row = _agg_row(conn, req.params["aggregate_id"])
        if conn.execute(sa.select(aggregate_hosts).where(aggregate_hosts.c.aggregate_id == row.id)).first():
            raise BadRequest(
                f"Cannot remove host from aggregate {row.id}. Reason: Host aggregate is not empty.",
                kind="InvalidAggregateActionDelete",
            )
        conn.execute(aggregate_metadata.delete().where(aggregate_metadata.c.aggregate_id == row.id))
        conn.execute(aggregates.delete().where(aggregates.c.id == row.id))
    return Reply(200)


def _set_meta(conn: Any, agg_id: int, meta: dict[str, Any]) -> None:
    for key, value in meta.items():
        conn.execute(
            aggregate_metadata.delete().where(
                aggregate_metadata.c.aggregate_id == agg_id, aggregate_metadata.c.key == key
            )
        )
        if value is not None:
            conn.execute(aggregate_metadata.insert().values(aggregate_id=agg_id, key=key, value=str(value)))


def aggregate_action(req: ApiRequest) -> Reply:
    name = action_name(req.body)
    schema = {"add_host": s.add_host, "remove_host": s.remove_host, "set_metadata": s.set_metadata}.get(name)
    if schema is None:
        raise BadRequest(f"There is no such action: {name}")
    validate_body(schema, req.body)
    authorize(req, AG + name, {})
    ident = req.params["aggregate_id"]
    with _db(req).write() as conn:
        row = _agg_row(conn, ident)
        body = req.body[name]
        if name == "add_host":
            host = body["host"]
            if not any(n["host"] == host for n in hosts.nodes(conn)):
                raise NotFound(f"Compute host {host} could not be found.", kind="ComputeHostNotFound")
            exists = conn.execute(
                sa.select(aggregate_hosts).where(
                    aggregate_hosts.c.aggregate_id == row.id, aggregate_hosts.c.host == host
                )
            ).first()
            if exists:
                raise Conflict(f"Aggregate {row.id} already has host {host}.", kind="AggregateHostExists")
            zone = conn.execute(
                sa.select(aggregate_metadata.c.value).where(
                    aggregate_metadata.c.aggregate_id == row.id, aggregate_metadata.c.key == "availability_zone"
                )
            ).scalar()
            current = hosts.host_azs(conn).get(host)
            if zone and current and current != zone:
                raise Conflict(
                    f"Cannot add host to aggregate {row.id}. Reason: One or more hosts already in availability "
                    f"zone(s) ['{current}'].",
                    kind="InvalidAggregateActionAdd",
                )
            conn.execute(aggregate_hosts.insert().values(aggregate_id=row.id, host=host))
        elif name == "remove_host":
            host = body["host"]
            gone = conn.execute(
                aggregate_hosts.delete().where(aggregate_hosts.c.aggregate_id == row.id, aggregate_hosts.c.host == host)
            ).rowcount
            if not gone:
                raise NotFound(f"Cannot remove host {host} in aggregate {row.id}", kind="AggregateHostNotFound")
        else:
            _set_meta(conn, row.id, body["metadata"])
        conn.execute(aggregates.update().where(aggregates.c.id == row.id).values(updated_at=timeutils.utcnow()))
        row = conn.execute(sa.select(aggregates).where(aggregates.c.id == row.id)).one()
        return Reply(200, {"aggregate": _aggregate(req, conn, row)})


def aggregate_images(req: ApiRequest) -> Reply:
    require_version(req, "2.81")
    authorize(req, "compute:aggregates:images", {})
    with _db(req).read() as conn:
        _agg_row(conn, req.params["aggregate_id"])
    for item in req.body["cache"]:
        if svc(req).integration.get_image(req.ctx, item["id"]) is None:
            raise BadRequest(f"Image {item['id']} could not be found.")
    return Reply(202)


__all__ = ["re"]
