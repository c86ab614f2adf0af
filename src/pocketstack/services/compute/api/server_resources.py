"""Sub-resources of a server: metadata, tags, ips, instance actions, diagnostics,
consoles, interfaces, volume attachments, migrations, password and topology."""

from __future__ import annotations

from typing import Any

from pocketstack.core import timeutils
from pocketstack.core.api import ApiRequest, Reply
from pocketstack.core.errors import ApiError, BadRequest, Conflict, Forbidden, NotFound
from pocketstack.services.compute import instance_actions as ia
from pocketstack.services.compute import states as st
from pocketstack.services.compute.actions import GUARDS, check, check_state
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
from pocketstack.services.compute.api.server_actions import console_url
from pocketstack.services.compute.api.servers import catch_up, load
from pocketstack.services.compute.schemas import resources as rs
from pocketstack.services.compute.validation import as_bool, validate_body
from pocketstack.services.compute.views import servers as server_views

_strict = rs.strict_query


def _strict_2102(req: ApiRequest) -> None:
    if v(req, "2.102"):
        query(req, _strict)


def _server(req: ApiRequest, rule: str, *, user: bool = False, deleted: bool = False) -> dict[str, Any]:
    inst = load(req, deleted=deleted)
    target = {"project_id": inst["project_id"]}
    if user:
        target["user_id"] = inst["user_id"]
    authorize(req, rule, target)
    return inst


# -- metadata --------------------------------------------------------------------------------

M = "os_compute_api:server-metadata:"


def list_metadata(req: ApiRequest) -> Reply:
    _strict_2102(req)
    inst = _server(req, M + "index")
    return Reply(200, {"metadata": dict(inst["metadata"] or {})})


def create_metadata(req: ApiRequest) -> Reply:
    inst = _server(req, M + "create")
    meta = svc(req).ops.set_metadata(req.ctx, inst["uuid"], req.body["metadata"], replace=False, admin=is_admin(req))
    return Reply(200, {"metadata": meta})


def replace_metadata(req: ApiRequest) -> Reply:
    inst = _server(req, M + "update_all")
    meta = svc(req).ops.set_metadata(req.ctx, inst["uuid"], req.body["metadata"], replace=True, admin=is_admin(req))
    return Reply(200, {"metadata": meta})


def show_metadata_item(req: ApiRequest) -> Reply:
    _strict_2102(req)
    inst = _server(req, M + "show")
    key = req.params["key"]
    meta = inst["metadata"] or {}
    if key not in meta:
        raise NotFound("Metadata item was not found")
    return Reply(200, {"meta": {key: meta[key]}})


def set_metadata_item(req: ApiRequest) -> Reply:
    inst = _server(req, M + "update")
    item = req.body["meta"]
    if req.params["key"] not in item:
        raise BadRequest("Request body and URI mismatch")
    svc(req).ops.set_metadata(req.ctx, inst["uuid"], item, replace=False, admin=is_admin(req))
    return Reply(200, {"meta": item})


def delete_metadata_item(req: ApiRequest) -> Reply:
    inst = _server(req, M + "delete")
    svc(req).ops.delete_metadata(req.ctx, inst["uuid"], req.params["key"], admin=is_admin(req))
    return Reply(204)


# -- tags -------------------------------------------------------------------------------------

T = "os_compute_api:os-server-tags:"


def list_tags(req: ApiRequest) -> Reply:
    require_version(req, "2.26")
    _strict_2102(req)
    inst = _server(req, T + "index")
    return Reply(200, {"tags": list(inst["tags"])})


def check_tag(req: ApiRequest) -> Reply:
    require_version(req, "2.26")
    inst = _server(req, T + "show")
    tag = req.params["tag"]
    if tag not in inst["tags"]:
        raise NotFound(f"Server {inst['uuid']} has no tag '{tag}'")
    return Reply(204)


def replace_tags(req: ApiRequest) -> Reply:
    require_version(req, "2.26")
    inst = _server(req, T + "update_all")
    tags = svc(req).ops.set_tags(req.ctx, inst["uuid"], req.body["tags"], admin=is_admin(req))
    return Reply(200, {"tags": tags})


def add_tag(req: ApiRequest) -> Reply:
    require_version(req, "2.26")
    inst = _server(req, T + "update")
    tag = req.params["tag"]
    if not tag or len(tag) > 60 or "/" in tag or "," in tag:
        reason = "'' is too short" if not tag else f"{tag!r} does not match '^[^,/]*$'"
        if len(tag) > 60:
            reason = f"{tag!r} is too long"
        raise BadRequest(
            f"Tag '{tag}' is invalid. It must be a non empty string without characters '/' and ','. "
            f"Validation error message: {reason}"
        )
    created = svc(req).ops.add_tag(req.ctx, inst["uuid"], tag, admin=is_admin(req))
    if not created:
        return Reply(204)
    location = f"{req.service_url}/v2.1/servers/{inst['uuid']}/tags/{tag}"
    return Reply(201, headers={"Location": location})


def delete_tag(req: ApiRequest) -> Reply:
    require_version(req, "2.26")
    inst = _server(req, T + "delete")
    svc(req).ops.delete_tag(req.ctx, inst["uuid"], req.params["tag"], admin=is_admin(req))
    return Reply(204)


def delete_tags(req: ApiRequest) -> Reply:
    require_version(req, "2.26")
    inst = _server(req, T + "delete_all")
    svc(req).ops.set_tags(req.ctx, inst["uuid"], None, admin=is_admin(req))
    return Reply(204)


# -- ips ----------------------------------------------------------------------------------------


def _networks(req: ApiRequest, inst: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    addresses = svc(req).integration.addresses([inst["uuid"]]).get(inst["uuid"], {})
    return {net: [server_views.plain_ip(a) for a in ips] for net, ips in addresses.items()}


def list_ips(req: ApiRequest) -> Reply:
    _strict_2102(req)
    inst = _server(req, "os_compute_api:ips:index")
    return Reply(200, {"addresses": _networks(req, inst)})


def show_ips(req: ApiRequest) -> Reply:
    _strict_2102(req)
    inst = _server(req, "os_compute_api:ips:show")
    networks = _networks(req, inst)
    name = req.params["network_label"]
    if name not in networks:
        raise NotFound("Instance is not a member of specified network")
    return Reply(200, {name: networks[name]})


# -- instance actions -----------------------------------------------------------------------------

IA = "os_compute_api:os-instance-actions:"
ACTION_KEYS = ["action", "instance_uuid", "request_id", "user_id", "project_id", "start_time", "message"]


def _action(req: ApiRequest, row: dict[str, Any]) -> dict[str, Any]:
    out = {k: row[k] for k in ACTION_KEYS}
    out["start_time"] = timeutils.iso_micro(row["start_time"])
    if v(req, "2.58"):
        out["updated_at"] = timeutils.iso_micro(row["updated_at"])
    return out


def list_instance_actions(req: ApiRequest) -> Reply:
    if v(req, "2.66"):
        query(req, rs.actions_query_v266)
    elif v(req, "2.58"):
        query(req, rs.actions_query_v258)
    inst = load(req, deleted=v(req, "2.21"))
    authorize(req, IA + "list", {"project_id": inst["project_id"]})
    limit: int | None = None
    marker = since = before = None
    if v(req, "2.58"):
        limit, marker = limit_and_marker(req)
        if req.q("changes-since"):
            since = timeutils.parse_iso(req.q("changes-since") or "")
        if req.q("changes-before"):
            before = timeutils.parse_iso(req.q("changes-before") or "")
            if since and before < since:
                raise BadRequest("The value of changes-since must be less than or equal to changes-before.")
    with svc(req).db.read() as conn:
        rows = ia.list_actions(
            conn, inst["uuid"], limit=limit, marker=marker, changes_since=since, changes_before=before
        )
    body: dict[str, Any] = {"instanceActions": [_action(req, r) for r in rows]}
    if v(req, "2.58") and rows:
        nxt = next_links(req, f"servers/{inst['uuid']}/os-instance-actions", rows, limit, rows[-1]["request_id"])
        if nxt:
            body["links"] = nxt
    return Reply(200, body)


def show_instance_action(req: ApiRequest) -> Reply:
    _strict_2102(req)
    inst = load(req, deleted=v(req, "2.21"))
    target = {"project_id": inst["project_id"]}
    authorize(req, IA + "show", target)
    with svc(req).db.read() as conn:
        row = ia.get_action(conn, inst["uuid"], req.params["request_id"])
        if row is None:
            raise NotFound(f"Action {req.params['request_id']} not found")
        events = ia.events(conn, row["id"])
    out = _action(req, row)
    show_events = show_traceback = show_host = False
    if can(req, IA + "events", target):
        show_events = show_traceback = True
        show_host = v(req, "2.62")
    elif v(req, "2.51"):
        show_events = True
    if show_events:
        details = v(req, "2.84") and can(req, IA + "events:details", target)
        out["events"] = [
            _event(req, e, row["project_id"] or inst["project_id"], show_traceback, show_host, details) for e in events
        ]
    return Reply(200, {"instanceAction": out})


def _event(
    req: ApiRequest, e: dict[str, Any], project_id: str, traceback: bool, host: bool, details: bool
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "event": e["event"],
        "start_time": timeutils.iso_micro(e["start_time"]),
        "finish_time": timeutils.iso_micro(e["finish_time"]),
        "result": e["result"],
    }
    if traceback:
        out["traceback"] = e["traceback"]
    if host:
        out["host"] = e["host"]
    if v(req, "2.62"):
        out["hostId"] = server_views.host_id(e["host"], project_id)
    if details:
        out["details"] = e["details"]
    return out


# -- diagnostics -------------------------------------------------------------------------------------


def diagnostics(req: ApiRequest) -> Reply:
    _strict_2102(req)
    inst = _server(req, "os_compute_api:os-server-diagnostics")
    if inst["vm_state"] == st.BUILDING or not inst["host"]:
        raise Conflict(f"Instance {inst['uuid']} is not ready", kind="InstanceNotReady")
    ports = svc(req).integration.ports(inst["uuid"])
    flavor = inst["flavor"]
    uptime = int((timeutils.utcnow() - (inst["launched_at"] or inst["created_at"])).total_seconds())
    if not v(req, "2.48"):
        legacy: dict[str, Any] = {"memory": flavor["memory_mb"] * 1024, "memory-actual": flavor["memory_mb"] * 1024}
        for i in range(flavor["vcpus"]):
            legacy[f"cpu{i}_time"] = 17300000000 + i
        for i, port in enumerate(ports):
            for key in ("rx", "rx_drop", "rx_errors", "rx_packets", "tx", "tx_drop", "tx_errors", "tx_packets"):
                legacy[f"tap{port['id'][:11]}_{key}"] = 0 if i else 2070139
        legacy["vda_read"] = 262144
        legacy["vda_read_req"] = 112
        legacy["vda_write"] = 5778432
        legacy["vda_write_req"] = 488
        legacy["vda_errors"] = -1
        return Reply(200, legacy)
    power = {st.RUNNING: "running", st.PAUSED_POWER: "paused", st.SHUTDOWN: "shutdown"}.get(
        inst["power_state"], "pending"
    )
    body = {
        "state": power,
        "driver": "libvirt",
        "hypervisor": "qemu",
        "hypervisor_os": "linux",
        "uptime": uptime,
        "config_drive": bool(inst["config_drive"]),
        "num_cpus": flavor["vcpus"],
        "num_nics": len(ports),
        "num_disks": 1,
        "disk_details": [
            {"read_bytes": 262144, "read_requests": 112, "write_bytes": 5778432, "write_requests": 488,
             "errors_count": -1}
        ],
        "cpu_details": [{"id": i, "time": 17300000000, "utilisation": None} for i in range(flavor["vcpus"])],
        "nic_details": [
            {"mac_address": p.get("mac_address"), "rx_octets": 2070139, "rx_errors": 0, "rx_drop": 0,
             "rx_packets": 26701, "rx_rate": None, "tx_octets": 140208, "tx_errors": 0, "tx_drop": 0,
             "tx_packets": 662, "tx_rate": None}
            for p in ports
        ],
        "memory_details": {"maximum": flavor["memory_mb"] * 1024, "used": 0},
    }  # fmt: skip
    return Reply(200, body)


# -- remote consoles (2.6) --------------------------------------------------------------------------------

_PROTOCOL_TYPES = {
    "vnc": {"novnc", "xvpvnc"},
    "spice": {"spice-html5", "spice-direct"},
    "serial": {"serial"},
    "mks": {"webmks"},
    "rdp": {"rdp-html5"},
}


def create_remote_console(req: ApiRequest) -> Reply:
    require_version(req, "2.6")
    inst = _server(req, "os_compute_api:os-remote-consoles")
    body = req.body["remote_console"]
    protocol, console_type = body["protocol"], body["type"]
    if protocol == "rdp":
        raise BadRequest(f"Unavailable console type {protocol}.")
    if protocol == "mks" and not v(req, "2.8"):
        raise BadRequest(f"Invalid input for field/attribute protocol. Value: {protocol}.")
    if console_type == "spice-direct" and not v(req, "2.99"):
        raise BadRequest(f"Invalid console type {console_type}", kind="ConsoleTypeInvalid")
    if console_type not in _PROTOCOL_TYPES.get(protocol, set()):
        raise BadRequest(f"Invalid console type {console_type}", kind="ConsoleTypeInvalid")
    if inst["vm_state"] == st.BUILDING or not inst["host"]:
        raise Conflict(f"Instance {inst['uuid']} is not ready", kind="InstanceNotReady")
    url = console_url(req, protocol, console_type, inst)
    return Reply(200, {"remote_console": {"protocol": protocol, "type": console_type, "url": url}})


# -- interfaces -----------------------------------------------------------------------------------------

AI = "os_compute_api:os-attach-interfaces:"


def _interface(port: dict[str, Any], tag: Any = ..., show_tag: bool = False) -> dict[str, Any]:
    out = {
        "net_id": port["network_id"],
        "port_id": port["id"],
        "mac_addr": port["mac_address"],
        "port_state": port["status"],
        "fixed_ips": port.get("fixed_ips"),
    }
    if show_tag:
        out["tag"] = None if tag is ... else tag
    return out


def list_interfaces(req: ApiRequest) -> Reply:
    _strict_2102(req)
    inst = _server(req, AI + "list")
    tags = svc(req).interfaces.tags(inst["uuid"])
    ports = svc(req).integration.ports(inst["uuid"])
    return Reply(
        200,
        {"interfaceAttachments": [_interface(p, tags.get(p["id"]), v(req, "2.70")) for p in ports]},
    )


def show_interface(req: ApiRequest) -> Reply:
    _strict_2102(req)
    inst = _server(req, AI + "show")
    port_id = req.params["port_id"]
    port = next((p for p in svc(req).integration.ports(inst["uuid"]) if p["id"] == port_id), None)
    if port is None:
        raise NotFound(f"Instance {inst['uuid']} does not have a port with id {port_id}")
    tags = svc(req).interfaces.tags(inst["uuid"])
    return Reply(200, {"interfaceAttachment": _interface(port, tags.get(port_id), v(req, "2.70"))})


def create_interface(req: ApiRequest) -> Reply:
    inst = _server(req, AI + "create")
    body = (req.body or {}).get("interfaceAttachment") or {}
    net_id, port_id, tag = body.get("net_id"), body.get("port_id"), body.get("tag")
    fixed = body.get("fixed_ips") or []
    req_ip = fixed[0]["ip_address"] if fixed else None
    if net_id and port_id:
        raise BadRequest("Must not input both network_id and port_id")
    if req_ip and not net_id:
        raise BadRequest("Must input network_id when request IP address")
    check(inst, GUARDS["attach_interface"], admin=is_admin(req))
    port = svc(req).interfaces.attach(
        req.ctx, inst, net_id=net_id, port_id=port_id, ip=req_ip, tag=tag, request_id=req.request_id
    )
    return Reply(200, {"interfaceAttachment": _interface(port, tag, v(req, "2.70"))})


def delete_interface(req: ApiRequest) -> Reply:
    inst = _server(req, AI + "delete")
    check(inst, GUARDS["detach_interface"], admin=is_admin(req))
    svc(req).interfaces.detach(req.ctx, inst, req.params["port_id"], request_id=req.request_id)
    return Reply(202)


# -- volume attachments ----------------------------------------------------------------------------------

VA = "os_compute_api:os-volumes-attachments:"


def _attachment(req: ApiRequest, bdm: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not v(req, "2.89"):
        out["id"] = bdm["volume_id"]
    out["volumeId"] = bdm["volume_id"]
    out["serverId"] = bdm["instance_uuid"]
    if bdm.get("device_name"):
        out["device"] = bdm["device_name"]
    if v(req, "2.70"):
        out["tag"] = bdm.get("tag")
    if v(req, "2.79"):
        out["delete_on_termination"] = bool(bdm.get("delete_on_termination"))
    if v(req, "2.89"):
        out["attachment_id"] = bdm.get("attachment_id")
        out["bdm_uuid"] = bdm["uuid"]
    return out


def list_volume_attachments(req: ApiRequest) -> Reply:
    if v(req, "2.75"):
        query(req, rs.attachments_query_v275)
    inst = _server(req, VA + "index")
    bdms = [b for b in svc(req).volumes.bdms(inst["uuid"]) if b["volume_id"]]
    if v(req, "2.89"):
        bdms = [b for b in bdms if b["attachment_id"]]
    limit, _marker = limit_and_marker(req)
    offset = int(req.q("offset") or 0)
    bdms = bdms[offset : offset + limit] if limit else bdms[offset:]
    return Reply(200, {"volumeAttachments": [_attachment(req, b) for b in bdms]})


def show_volume_attachment(req: ApiRequest) -> Reply:
    inst = _server(req, VA + "show")
    bdm = svc(req).volumes.attachment(inst["uuid"], req.params["volume_id"])
    return Reply(200, {"volumeAttachment": _attachment(req, bdm)})


def create_volume_attachment(req: ApiRequest) -> Reply:
    inst = _server(req, VA + "create")
    body = req.body["volumeAttachment"]
    if inst["vm_state"] in (st.SHELVED, st.SHELVED_OFFLOADED) and not v(req, "2.20"):
        raise Conflict(f"Cannot 'attach_volume' instance {inst['uuid']} while it is in vm_state {inst['vm_state']}")
    check(inst, GUARDS["attach_volume"], admin=is_admin(req))
    bdm = svc(req).interfaces.attach_volume(
        req.ctx,
        inst,
        body["volumeId"],
        device=body.get("device"),
        tag=body.get("tag"),
        delete_on_termination=as_bool(body.get("delete_on_termination", False)),
        request_id=req.request_id,
        multiattach_ok=v(req, "2.60"),
    )
    if v(req, "2.101"):
        return Reply(202)
    out: dict[str, Any] = {
        "id": bdm["volume_id"],
        "serverId": inst["uuid"],
        "volumeId": bdm["volume_id"],
        "device": bdm["device_name"],
    }
    if v(req, "2.70"):
        out["tag"] = bdm["tag"]
    if v(req, "2.79"):
        out["delete_on_termination"] = bool(bdm["delete_on_termination"])
    return Reply(200, {"volumeAttachment": out})


def update_volume_attachment(req: ApiRequest) -> Reply:
    inst = load(req)
    body = req.body["volumeAttachment"]
    volume_id = req.params["volume_id"]
    swap = not v(req, "2.85") or body["volumeId"] != volume_id
    if swap:
        authorize(req, VA + "swap", {})
        try:
            svc(req).integration.get_volume(req.ctx, volume_id)
        except NotFound:
            raise NotFound(f"Volume {volume_id} could not be found.", kind="VolumeNotFound") from None
        raise Conflict(f"volume {volume_id} is not migrating; this API should only be called by Cinder")
    authorize(req, VA + "update", {"project_id": inst["project_id"]})
    bdm = svc(req).volumes.attachment(inst["uuid"], volume_id)
    for key, current in (
        ("id", volume_id),
        ("serverId", inst["uuid"]),
        ("device", bdm["device_name"]),
        ("tag", bdm["tag"]),
    ):
        if key in body and body[key] != current:
            raise BadRequest(f"The {key} property is not mutable")
    if "delete_on_termination" in body:
        svc(req).volumes.set_delete_on_termination(inst["uuid"], volume_id, as_bool(body["delete_on_termination"]))
    return Reply(202)


def delete_volume_attachment(req: ApiRequest) -> Reply:
    inst = _server(req, VA + "delete")
    volume_id = req.params["volume_id"]
    if inst["vm_state"] in (st.SHELVED, st.SHELVED_OFFLOADED) and not v(req, "2.20"):
        raise Conflict(f"Cannot 'detach_volume' instance {inst['uuid']} while it is in vm_state {inst['vm_state']}")
    try:
        svc(req).integration.get_volume(req.ctx, volume_id)
    except NotFound:
        raise NotFound(f"Volume {volume_id} could not be found.", kind="VolumeNotFound") from None
    bdm = svc(req).volumes.attachment(inst["uuid"], volume_id)
    if bdm["boot_index"] == 0:
        raise BadRequest("Cannot detach a root device volume")
    check(inst, GUARDS["detach_volume"], admin=is_admin(req))
    svc(req).interfaces.detach_volume(req.ctx, inst, volume_id, request_id=req.request_id)
    return Reply(202)


# -- password and topology --------------------------------------------------------------------------------


def show_password(req: ApiRequest) -> Reply:
    inst = _server(req, "os_compute_api:os-server-password:show")
    return Reply(200, {"password": (inst["system_metadata"] or {}).get("password", "")})


def clear_password(req: ApiRequest) -> Reply:
    inst = _server(req, "os_compute_api:os-server-password:clear")
    svc(req).interfaces.clear_password(inst["uuid"])
    return Reply(204)


def topology(req: ApiRequest) -> Reply:
    require_version(req, "2.78")
    _strict_2102(req)
    _server(req, "compute:server:topology:index")
    # simulated servers have no NUMA topology (no hw:numa_* extra specs are honoured)
    return Reply(200, {"nodes": [], "pagesize_kb": None})


__all__ = ["ApiError", "Forbidden", "catch_up", "check_state", "validate_body"]
