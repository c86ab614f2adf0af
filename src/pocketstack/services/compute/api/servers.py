"""Servers: list, detail, show, create, update, delete (``/servers``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from pocketstack.core import timeutils
from pocketstack.core.api import ApiRequest, Reply
from pocketstack.core.errors import BadRequest, Forbidden
from pocketstack.services.compute import blockdev
from pocketstack.services.compute import states as st
from pocketstack.services.compute.api.common import (
    authorize,
    can,
    is_admin,
    limit_and_marker,
    next_links,
    query,
    self_link,
    svc,
    v,
)
from pocketstack.services.compute.create import CreateRequest
from pocketstack.services.compute.models import services as services_table
from pocketstack.services.compute.schemas import servers as s
from pocketstack.services.compute.servers import ListQuery
from pocketstack.services.compute.validation import as_bool
from pocketstack.services.compute.views import servers as views

P = "os_compute_api:servers:"
TAG_FILTERS = ("tags", "tags-any", "not-tags", "not-tags-any")
PAGING = ("sort_key", "sort_dir", "limit", "marker")


def catch_up(req: ApiRequest) -> None:
    """Apply transitions that fell due, so a read shows the state it should (delay mode)."""
    driver = svc(req).driver
    if driver.mode != "instant":
        driver.apply_due()


# -- bodies -----------------------------------------------------------------------------


def extras(req: ApiRequest, servers: list[dict[str, Any]], *, detail: bool = True) -> views.Extras:
    s_ = svc(req)
    ids = [i["uuid"] for i in servers]
    live = [i["uuid"] for i in servers if not i["deleted"]]
    groups: dict[str, list[dict[str, Any]] | None] = {}
    found = s_.integration.security_groups_bulk(live) if live else None
    if found is not None:
        groups.update(found)
    admin = is_admin(req)
    x = views.Extras(
        addresses=s_.integration.addresses(live) if ids else {},
        security_groups=groups,
        extended=can(req, "os_compute_api:os-extended-server-attributes", _target(req, servers)),
        extra_specs=v(req, "2.47") and can(req, P + "show:flavor-extra-specs", _target(req, servers)),
        admin=admin,
    )
    if v(req, "2.16") and can(req, P + "show:host_status", _target(req, servers)):
        x.host_status_visible = True
        x.host_status = host_statuses(req, servers)
    return x


def _target(req: ApiRequest, servers: list[dict[str, Any]]) -> dict[str, Any]:
    if len(servers) == 1:
        return {"project_id": servers[0]["project_id"]}
    return {"project_id": req.ctx.project_id}


def host_statuses(req: ApiRequest, servers: list[dict[str, Any]]) -> dict[str, str]:
    with svc(req).db.read() as conn:
        rows = {
            r.host: r for r in conn.execute(sa.select(services_table).where(services_table.c.binary == "nova-compute"))
        }
    out = {}
    for inst in servers:
        service = rows.get(inst["host"]) if inst["host"] else None
        if service is None:
            out[inst["uuid"]] = ""
        elif service.forced_down:
            out[inst["uuid"]] = "DOWN"
        elif service.disabled:
            out[inst["uuid"]] = "MAINTENANCE"
        else:
            out[inst["uuid"]] = "UP"
    return out


def server_body(req: ApiRequest, inst: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return views.show(req, inst, extras(req, [inst]), **kw)


def load(req: ApiRequest, server_id: str | None = None, *, deleted: bool = False) -> dict[str, Any]:
    """The server the URL names, as the caller may see it (404 for another project's)."""
    scope = None if is_admin(req) else req.ctx.project_id
    return svc(req).servers.get(server_id or req.params["server_id"], project_id=scope, deleted=deleted)


# -- list ---------------------------------------------------------------------------------


def _list_query(req: ApiRequest) -> None:
    if v(req, "2.75"):
        query(req, s.index_query_v275)
    elif v(req, "2.73"):
        query(req, s.index_query_v273)
    elif v(req, "2.66"):
        query(req, s.index_query_v266)
    elif v(req, "2.26"):
        query(req, s.index_query_v226)
    else:
        query(req, s.index_query)


def _allowed_options(req: ApiRequest) -> set[str]:
    opts = {"reservation_id", "name", "status", "image", "flavor", "ip", "changes-since", "all_tenants"}
    if v(req, "2.5"):
        opts.add("ip6")
    if v(req, "2.26"):
        opts.update(TAG_FILTERS)
    if v(req, "2.66"):
        opts.add("changes-before")
    if v(req, "2.73"):
        opts.add("locked")
    if v(req, "2.83"):
        opts.update(
            {"availability_zone", "config_drive", "key_name", "created_at", "launched_at", "terminated_at",
             "power_state", "task_state", "vm_state", "progress", "user_id"}
        )  # fmt: skip
    if v(req, "2.90"):
        opts.add("hostname")
    return opts


def _parse_time(raw: str, name: str) -> datetime:
    try:
        return timeutils.parse_iso(raw)
    except ValueError:
        raise BadRequest(f"Invalid filter field: {name}.") from None


def _bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "t", "true", "on", "y", "yes"):
        return True
    if lowered in ("0", "f", "false", "off", "n", "no"):
        return False
    raise BadRequest(
        f"Unrecognized value '{raw}', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', "
        "'t', 'true', 'y', 'yes'",
        kind="InvalidInput",
    )


def _list(req: ApiRequest, detail: bool) -> tuple[list[dict[str, Any]], int] | None:
    _list_query(req)
    admin = is_admin(req)
    opts: dict[str, str] = {k: vs[-1] for k, vs in req.query.items() if vs}
    if can(req, P + "allow_all_filters"):
        for key in PAGING:
            opts.pop(key, None)
    else:
        opts = {k: val for k, val in opts.items() if k in _allowed_options(req)}
    for key in opts:
        if key in s.JOINED_TABLE_PARAMS or key.startswith("_"):
            raise BadRequest(f"Invalid filter field: {key}.")
    q = ListQuery()
    if "status" in req.query:
        statuses = req.q_list("status")
        vm_states, task_states = st.states_for_statuses(statuses)
        if not vm_states:
            if v(req, "2.38"):
                raise BadRequest("Invalid status value")
            return None
        q.filters["vm_state"] = vm_states
        if "default" not in task_states:
            q.filters["task_state"] = task_states
        opts.pop("status", None)
    if "changes-since" in opts:
        q.changes_since = _parse_time(opts.pop("changes-since"), "changes-since")
    if "changes-before" in opts:
        q.changes_before = _parse_time(opts.pop("changes-before"), "changes-before")
        if q.changes_since and q.changes_before < q.changes_since:
            raise BadRequest("The value of changes-since must be less than or equal to changes-before.")
    if "deleted" in opts:
        q.deleted = _bool(opts.pop("deleted")) if opts.get("deleted") else False
    elif q.changes_since is not None or q.changes_before is not None:
        q.deleted = None
    if "soft_deleted" in opts:
        q.soft_deleted = _bool(opts.pop("soft_deleted"))
    if q.filters.get("vm_state") == [st.DELETED]:
        if not admin:
            raise Forbidden("Only administrators may list deleted instances")
        q.deleted = True
    if v(req, "2.26"):
        q.tags = opts.pop("tags").split(",") if "tags" in opts else None
        q.tags_any = opts.pop("tags-any").split(",") if "tags-any" in opts else None
        q.not_tags = opts.pop("not-tags").split(",") if "not-tags" in opts else None
        q.not_tags_any = opts.pop("not-tags-any").split(",") if "not-tags-any" in opts else None
    all_tenants = False
    if "all_tenants" in opts:
        raw = opts.pop("all_tenants")
        all_tenants = _bool(raw) if raw else True
    if "locked" in opts:
        q.filters["locked"] = _bool(opts.pop("locked"))
    if all_tenants:
        authorize(req, P + ("detail:get_all_tenants" if detail else "index:get_all_tenants"))
        project = opts.pop("project_id", None) or opts.pop("tenant_id", None)
        if project:
            q.filters["project_id"] = project
    else:
        opts.pop("tenant_id", None)
        opts.pop("project_id", None)
        if req.ctx.project_id:
            q.filters["project_id"] = req.ctx.project_id
        else:
            q.filters["user_id"] = req.ctx.user_id
    if "ip" in opts or "ip6" in opts:
        # Nova with Neutron's ip-substring-filtering: the servers of the ports whose fixed IPs
        # contain the value (either filter), asked of the network service as the caller
        found = svc(req).integration.servers_with_ip(req.ctx, [opts.pop("ip", ""), opts.pop("ip6", "")])
        if not found:
            return None
        if opts.get("uuid") and opts["uuid"] not in found:
            found.append(opts["uuid"])
        opts.pop("uuid", None)
        q.filters["uuid"] = found
    # the remaining options: renamed then exact or regex filters
    renames = {"image": "image_ref", "name": "display_name", "description": "display_description"}
    for key, value in opts.items():
        if key in PAGING:
            continue
        if key == "flavor":
            q.flavor = value
            continue
        key = renames.get(key, key)
        if key in ("vm_state", "task_state", "host", "uuid", "image_ref", "project_id", "user_id"):
            q.filters[key] = value
        else:
            q.filters[key] = value
    limit, marker = limit_and_marker(req)
    q.limit, q.marker = limit, marker
    sort_keys = [k.strip() for k in req.q_list("sort_key")] or ["created_at"]
    sort_dirs = [d.strip() for d in req.q_list("sort_dir")] or ["desc"]
    for key in sort_keys:
        if key in ("host", "node") and not admin:
            raise Forbidden(f"Only administrators can sort servers by {key}")
    ignored = set(s.IGNORED_SORT_KEYS) - ({"locked"} if v(req, "2.73") else set())
    pairs = []
    for i, key in enumerate(sort_keys):
        if key in ignored:
            continue
        direction = sort_dirs[i] if i < len(sort_dirs) else sort_dirs[-1]
        if direction not in ("asc", "desc"):
            raise BadRequest("Unknown sort direction, must be one of: asc, desc")
        pairs.append((key, direction))
    q.sort = pairs or [("created_at", "desc")]
    catch_up(req)
    return svc(req).servers.index(q), limit


def list_servers(req: ApiRequest) -> Reply:
    authorize(req, P + "index")
    result = _list(req, detail=False)
    if result is None:
        return Reply(200, {"servers": []})
    rows, limit = result
    body: dict[str, Any] = {"servers": [views.basic(req, i) for i in rows]}
    nxt = next_links(req, "servers", rows, limit, rows[-1]["uuid"] if rows else "")
    if nxt:
        body["servers_links"] = nxt
    return Reply(200, body)


def list_servers_detail(req: ApiRequest) -> Reply:
    authorize(req, P + "detail")
    result = _list(req, detail=True)
    if result is None:
        return Reply(200, {"servers": []})
    rows, limit = result
    x = extras(req, rows)
    body: dict[str, Any] = {"servers": [views.show(req, i, x) for i in rows]}
    nxt = next_links(req, "servers/detail", rows, limit, rows[-1]["uuid"] if rows else "")
    if nxt:
        body["servers_links"] = nxt
    return Reply(200, body)


# -- one server --------------------------------------------------------------------------------


def show_server(req: ApiRequest) -> Reply:
    if v(req, "2.102"):
        query(req, s.show_query_v2102)
    catch_up(req)
    inst = load(req)
    authorize(req, P + "show", {"project_id": inst["project_id"]})
    return Reply(200, {"server": server_body(req, inst, server_groups=v(req, "2.71"))})


def create_server(req: ApiRequest) -> Reply:
    body = req.body
    server = body["server"]
    ctx = req.ctx
    az = server.get("availability_zone")
    target = {"project_id": ctx.project_id, "user_id": ctx.user_id, "availability_zone": az}
    authorize(req, P + "create", target)
    if server.get("trusted_image_certificates"):
        authorize(req, P + "create:trusted_certs", target)
    cr = CreateRequest(name=server["name"], flavor_ref=_id_from_href(str(server["flavorRef"])))
    cr.image_ref = _id_from_href(server.get("imageRef") or "")
    cr.description = server.get("description") if v(req, "2.19") else server["name"]
    cr.hostname = server.get("hostname") if v(req, "2.90") else None
    cr.admin_pass = server.get("adminPass")
    cr.metadata = server.get("metadata") or {}
    cr.key_name = server.get("key_name")
    cr.user_data = server.get("user_data")
    cr.config_drive = as_bool(server.get("config_drive", False))
    cr.access_ip_v4 = server.get("accessIPv4")
    cr.access_ip_v6 = normalize_ipv6(server.get("accessIPv6"))
    cr.auto_disk_config = server.get("OS-DCF:diskConfig") == "AUTO"
    cr.trusted_certs = server.get("trusted_image_certificates")
    cr.tags = server.get("tags") or [] if v(req, "2.52") else []
    cr.files = [(f["path"], f["contents"]) for f in server.get("personality") or []]
    cr.multiattach_ok = v(req, "2.60")
    groups = server.get("security_groups")
    if groups is not None:
        cr.security_groups = sorted({g["name"] for g in groups if g.get("name")})
    hints = body.get("os:scheduler_hints") or body.get("OS-SCH-HNT:scheduler_hints") or {}
    cr.scheduler_hints = hints
    cr.min_count = int(server.get("min_count", 1))
    cr.max_count = int(server.get("max_count", cr.min_count))
    if cr.min_count > cr.max_count:
        raise BadRequest("min_count must be <= max_count")
    _availability_zone(req, cr, az, target)
    if v(req, "2.74") and (server.get("host") or server.get("hypervisor_hostname")):
        authorize(req, "compute:servers:create:requested_destination", target)
        cr.host = server.get("host") or cr.host
        cr.node = server.get("hypervisor_hostname") or cr.node
        _check_host(req, cr.host, cr.node)
    _bdms(req, server, cr, target)
    if not cr.image_ref and not cr.bdms:
        raise BadRequest("Missing imageRef attribute")
    cr.networks = _networks(req, server.get("networks"), target)
    created = svc(req).creator.create(
        ctx,
        cr,
        admin=is_admin(req),
        request_id=req.request_id,
        zero_disk_ok=can(req, P + "create:zero_disk_flavor", target),
    )
    if as_bool(server.get("return_reservation_id", False)):
        return Reply(202, {"reservation_id": created.reservation_id})
    first = created.instances[0]
    requested = [{"name": g["name"]} for g in server["security_groups"]] if server.get("security_groups") else None
    out = views.create(req, first, requested)
    out["adminPass"] = created.admin_pass
    return Reply(202, {"server": out}, headers={"Location": self_link(req, "servers", first["uuid"])})


def normalize_ipv6(value: str | None) -> str | None:
    """Nova keeps IPv6 access addresses in their compressed form."""
    import ipaddress

    if not value:
        return value
    return ipaddress.IPv6Address(value).compressed


def _id_from_href(href: str) -> str:
    return href.rstrip("/").rsplit("/", 1)[-1] if "/" in href else href


def _availability_zone(req: ApiRequest, cr: CreateRequest, az: str | None, target: dict[str, Any]) -> None:
    host = node = None
    if az and ":" in az:
        parts = az.count(":")
        if parts == 1:
            az, host = az.split(":")
        elif parts == 2 and "::" in az:
            az, node = az.split("::")
        elif parts == 2:
            az, host, node = az.split(":")
        else:
            raise BadRequest("Invalid input received: Unable to parse availability_zone", kind="InvalidInput")
    cr.availability_zone = az or None
    if host or node:
        authorize(req, P + "create:forced_host", target)
        cr.host, cr.node = host or None, node or None


def _check_host(req: ApiRequest, host: str | None, node: str | None) -> None:
    from pocketstack.services.compute import hosts

    with svc(req).db.read() as conn:
        known = hosts.nodes(conn)
    if host and not any(n["host"] == host for n in known):
        raise BadRequest(f"Compute host {host} could not be found.", kind="ComputeHostNotFound")
    if node and not any(n["hypervisor_hostname"] == node and (not host or n["host"] == host) for n in known):
        raise BadRequest(f"Compute host {node} could not be found.", kind="ComputeHostNotFound")


def _bdms(req: ApiRequest, server: dict[str, Any], cr: CreateRequest, target: dict[str, Any]) -> None:
    legacy = server.get("block_device_mapping") or []
    v2 = server.get("block_device_mapping_v2") or []
    if legacy and v2:
        raise BadRequest("Using different block_device_mapping syntaxes is not allowed in the same request.")
    if legacy:
        items = blockdev.from_legacy(legacy)
    else:
        items = blockdev.from_api(v2, image_uuid_specified=server.get("imageRef") is not None)
    if items:
        authorize(req, P + "create:attach_volume", target)
    kept = []
    for b in items:
        if b["source_type"] == "image" and b["destination_type"] == "local" and b["boot_index"] == 0:
            cr.image_ref = cr.image_ref or b["image_id"]  # the image boot disk, as imageRef
            continue
        kept.append(b)
    cr.bdms = kept


def _networks(req: ApiRequest, requested: Any, target: dict[str, Any]) -> Any:
    if requested is None:
        return None
    if isinstance(requested, str):
        if requested == "auto":
            svc(req).integration.check_auto_allocate(req.ctx, req.ctx.project_id or "")
        return requested
    ports: list[str] = []
    out = []
    for net in requested:
        port = net.get("port")
        fixed = net.get("fixed_ip")
        if port:
            if port in ports:
                raise BadRequest(f"Port ID '{port}' was specified twice: you cannot attach a port multiple times.")
            if fixed is not None:
                raise BadRequest(
                    f"Specified Fixed IP '{fixed}' cannot be used with port '{port}': the two cannot be "
                    "specified together."
                )
            ports.append(port)
            out.append({"port": port, "tag": net.get("tag")})
            continue
        if "uuid" not in net:
            raise BadRequest("Bad network format: missing 'uuid'")
        from pocketstack.core.ids import is_uuid

        if not is_uuid(net["uuid"]):
            raise BadRequest(f"Bad networks format: network uuid is not in proper format ({net['uuid']})")
        out.append({"uuid": net["uuid"], "fixed_ip": fixed, "tag": net.get("tag")})
    if out:
        authorize(req, P + "create:attach_network", target)
    return out


def update_server(req: ApiRequest) -> Reply:
    inst = load(req)
    authorize(req, P + "update", {"user_id": inst["user_id"], "project_id": inst["project_id"]})
    server = req.body["server"]
    values: dict[str, Any] = {}
    if "name" in server:
        values["display_name"] = server["name"]
    if "description" in server:
        values["display_description"] = server["description"]
    if "hostname" in server:
        values["hostname"] = server["hostname"]
    if "accessIPv4" in server:
        values["access_ip_v4"] = server["accessIPv4"]
    if "accessIPv6" in server:
        values["access_ip_v6"] = normalize_ipv6(server["accessIPv6"])
    if "OS-DCF:diskConfig" in server:
        values["auto_disk_config"] = server["OS-DCF:diskConfig"] == "AUTO"
    if v(req, "2.104") and "pinned_availability_zone" in server:
        values["pinned_az"] = server["pinned_availability_zone"]
    svc(req).ops.update(req.ctx, inst["uuid"], values, admin=is_admin(req))
    inst = load(req)
    return Reply(200, {"server": mutation_body(req, inst)})


def mutation_body(
    req: ApiRequest, inst: dict[str, Any], *, user_data: bool = True, keypair: bool = False
) -> dict[str, Any]:
    """PUT and rebuild answer with the full server from 2.75, a reduced one before."""
    full = v(req, "2.75")
    return views.show(
        req,
        inst,
        extras(req, [inst]),
        server_groups=v(req, "2.71"),
        user_data=user_data,
        reduced=not full,
        keypair=full or keypair,
    )


def delete_server(req: ApiRequest) -> Reply:
    inst = load(req)
    authorize(req, P + "delete", {"user_id": inst["user_id"], "project_id": inst["project_id"]})
    svc(req).ops.delete(req.ctx, inst["uuid"], admin=is_admin(req), request_id=req.request_id)
    return Reply(204)
