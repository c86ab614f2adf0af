"""The proxy APIs Nova kept until 2.35 (images until 2.35, image metadata until 2.38):
``/images``, ``/os-security-groups``, ``/os-security-group-rules`` and a server's
security groups, answered from the image and network services."""

from __future__ import annotations

import ipaddress
from typing import Any

from pocketstack.core import timeutils
from pocketstack.core.api import ApiRequest, Reply
from pocketstack.core.errors import ApiError, BadRequest, Forbidden, NotFound
from pocketstack.core.ids import is_uuid
from pocketstack.services.compute.api.common import (
    authorize,
    bookmark_link,
    limit_and_marker,
    links,
    require_version,
    self_link,
    svc,
)
from pocketstack.services.compute.api.servers import load
from pocketstack.services.compute.validation import validate_body

PROXY_MAX = "2.35"

# -- images -----------------------------------------------------------------------------------

_STATUS = {
    "active": "ACTIVE",
    "queued": "SAVING",
    "saving": "SAVING",
    "importing": "SAVING",
    "uploading": "SAVING",
    "deleted": "DELETED",
    "pending_delete": "DELETED",
    "killed": "ERROR",
    "deactivated": "ERROR",
}
_PROGRESS = {"queued": 25, "saving": 50, "importing": 50, "uploading": 50, "active": 100}


def _images(req: ApiRequest) -> Any:
    if not svc(req).integration.has("image"):
        raise NotFound("Image not found.")
    return svc(req).cloud.service("image")


def _image(req: ApiRequest, image_id: str) -> dict[str, Any]:
    image = svc(req).integration.get_image(req.ctx, image_id)
    if image is None:
        raise NotFound("Image not found.")
    return image


def _image_links(req: ApiRequest, image_id: str) -> list[dict[str, str]]:
    out = links(req, "images", image_id)
    out.append(
        {
            "rel": "alternate",
            "type": "application/vnd.openstack.image",
            "href": f"{req.base_url}/image/images/{image_id}",
        }
    )
    return out


def _image_show(req: ApiRequest, image: dict[str, Any]) -> dict[str, Any]:
    props = dict(image.get("properties") or {})
    out: dict[str, Any] = {
        "id": image["id"],
        "name": image.get("name"),
        "minRam": int(image.get("min_ram") or 0),
        "minDisk": int(image.get("min_disk") or 0),
        "metadata": props,
        "created": _z(image.get("created_at")),
        "updated": _z(image.get("updated_at")),
        "status": _STATUS.get(image.get("status") or "", "UNKNOWN"),
        "progress": _PROGRESS.get(image.get("status") or "", 0),
        "OS-EXT-IMG-SIZE:size": image.get("size"),
        "links": _image_links(req, image["id"]),
    }
    server = props.get("instance_uuid")
    if server is not None:
        out["server"] = {
            "id": server,
            "links": [
                {"rel": "self", "href": self_link(req, "servers", server)},
                {"rel": "bookmark", "href": bookmark_link(req, "servers", server)},
            ],
        }
    if "auto_disk_config" in props:
        out["OS-DCF:diskConfig"] = (
            "AUTO" if str(props["auto_disk_config"]).lower() in ("1", "true", "yes", "on") else "MANUAL"
        )
    return out


def _z(value: Any) -> str | None:
    if not value:
        return None
    if isinstance(value, str):
        return timeutils.iso_z(timeutils.parse_iso(value))
    return timeutils.iso_z(value)


def _list_images(req: ApiRequest) -> list[dict[str, Any]]:
    _images(req)
    filters: dict[str, str] = {}
    for param, target in (("name", "name"), ("status", "status"), ("minRam", "min_ram"), ("minDisk", "min_disk")):
        if req.q(param) is not None:
            filters[target] = (req.q(param) or "").lower() if param == "status" else req.q(param) or ""
    if req.q("server"):
        filters["instance_uuid"] = (req.q("server") or "").rsplit("/", 1)[-1]
    if req.q("type"):
        filters["image_type"] = req.q("type") or ""
    for key, values in req.query.items():
        if key.startswith("property-") and values:
            filters[key[len("property-") :]] = values[-1]
    limit, marker = limit_and_marker(req)
    try:
        return svc(req).integration.list_images(req.ctx, filters, limit or 1000, marker)
    except ApiError as exc:
        raise BadRequest(exc.message) from None


def list_images(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    rows = _list_images(req)
    return Reply(
        200, {"images": [{"id": r["id"], "name": r.get("name"), "links": _image_links(req, r["id"])} for r in rows]}
    )


def list_images_detail(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    return Reply(200, {"images": [_image_show(req, r) for r in _list_images(req)]})


def show_image(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    return Reply(200, {"image": _image_show(req, _image(req, req.params["image_id"]))})


def delete_image(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    service = _images(req)
    _image(req, req.params["image_id"])
    try:
        service.delete_image(req.ctx, req.params["image_id"])
    except ApiError as exc:
        if exc.status == 404:
            raise NotFound("Image not found.") from None
        if exc.status == 403:
            raise Forbidden("You are not allowed to delete the image.") from None
        raise
    return Reply(204)


def _set_properties(req: ApiRequest, image_id: str, props: dict[str, Any], replace: bool) -> dict[str, Any]:
    from pocketstack.services.image import updates
    from pocketstack.services.image.requests import Change

    image = _image(req, image_id)
    current = dict(image.get("properties") or {})
    limit = 128
    merged = dict(props) if replace else {**current, **props}
    if len(merged) > limit:
        raise Forbidden(
            f"Quota exceeded for metadata_items: Requested {len(merged)}, but already used 0 of {limit} metadata_items"
        )
    changes = []
    for key in current:
        if key not in merged:
            changes.append(Change("remove", (key,)))
    for key, value in merged.items():
        changes.append(Change("replace" if key in current else "add", (key,), value))
    try:
        updates.update(_images(req), req.ctx, image_id, changes)
    except ApiError as exc:
        if exc.status == 403:
            raise Forbidden(exc.message) from None
        raise BadRequest(exc.message) from None
    return merged


def image_metadata(req: ApiRequest) -> Reply:
    require_version(req, "2.1", "2.38")
    return Reply(200, {"metadata": dict(_image(req, req.params["image_id"]).get("properties") or {})})


def image_metadata_item(req: ApiRequest) -> Reply:
    require_version(req, "2.1", "2.38")
    props = _image(req, req.params["image_id"]).get("properties") or {}
    key = req.params["key"]
    if key not in props:
        raise NotFound("The resource could not be found.")
    return Reply(200, {"meta": {key: props[key]}})


def create_image_metadata(req: ApiRequest) -> Reply:
    require_version(req, "2.1", "2.38")
    return Reply(200, {"metadata": _set_properties(req, req.params["image_id"], req.body["metadata"], False)})


def replace_image_metadata(req: ApiRequest) -> Reply:
    require_version(req, "2.1", "2.38")
    return Reply(200, {"metadata": _set_properties(req, req.params["image_id"], req.body["metadata"], True)})


def set_image_metadata_item(req: ApiRequest) -> Reply:
    require_version(req, "2.1", "2.38")
    meta = req.body["meta"]
    if req.params["key"] not in meta:
        raise BadRequest("Request body and URI mismatch")
    _set_properties(req, req.params["image_id"], meta, False)
    return Reply(200, {"meta": meta})


def delete_image_metadata_item(req: ApiRequest) -> Reply:
    require_version(req, "2.1", "2.38")
    image_id, key = req.params["image_id"], req.params["key"]
    props = dict(_image(req, image_id).get("properties") or {})
    if key not in props:
        raise NotFound("Invalid metadata key")
    del props[key]
    _set_properties(req, image_id, props, True)
    return Reply(204)


# -- security groups ------------------------------------------------------------------------------

SG = "os_compute_api:os-security-groups:"


def _net(req: ApiRequest) -> Any:
    network = svc(req).integration.network()
    if network is None:
        raise NotFound("The resource could not be found.")
    return network


def _caller(req: ApiRequest) -> Any:
    return _net(req).access.caller(req.ctx)


def _cidr(prefix: str | None) -> str:
    """Nova shows a rule's prefix as given (Neutron keeps it so)."""
    return prefix or "0.0.0.0/0"


def _nova_rule(rule: dict[str, Any], groups: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    proto = rule.get("protocol")
    lo, hi = rule.get("port_range_min"), rule.get("port_range_max")
    if proto and lo is None and hi is None:
        lo, hi = (1, 65535) if proto.upper() in ("TCP", "UDP") else (-1, -1)
    out: dict[str, Any] = {
        "id": rule["id"],
        "parent_group_id": rule["security_group_id"],
        "ip_protocol": proto,
        "from_port": lo,
        "to_port": hi,
        "group": {},
        "ip_range": {},
    }
    remote = rule.get("remote_group_id")
    if remote:
        source = groups.get(remote)
        if source is None:
            return None
        out["group"] = {"name": source["name"], "tenant_id": source["project_id"]}
    else:
        out["ip_range"] = {"cidr": _cidr(rule.get("remote_ip_prefix"))}
    return out


def _nova_group(g: dict[str, Any], groups: dict[str, dict[str, Any]]) -> dict[str, Any]:
    rules = []
    for r in g.get("rules") or []:
        if r["direction"] != "ingress":
            continue
        converted = _nova_rule(r, groups)
        if converted is not None:
            rules.append(converted)
    return {
        "id": g["id"],
        "description": g.get("description") or "",
        "name": g["name"],
        "tenant_id": g["project_id"],
        "rules": rules,
    }


def _get_group(req: ApiRequest, group_id: str) -> dict[str, Any]:
    if not is_uuid(group_id):
        raise BadRequest("Security group id should be uuid")
    try:
        row: dict[str, Any] = _net(req).secgroups.get(_caller(req), group_id)
    except ApiError as exc:
        if exc.status == 404:
            raise NotFound(exc.message, kind="SecurityGroupNotFound") from None
        raise
    return row


def _groups_by_id(req: ApiRequest, rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out = {r["id"]: r for r in rows}
    for r in rows:
        for rule in r.get("rules") or []:
            remote = rule.get("remote_group_id")
            if remote and remote not in out:
                try:
                    out[remote] = _net(req).secgroups.get(_caller(req), remote)
                except ApiError:
                    continue
    return out


def list_security_groups(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    authorize(req, SG + "get")
    caller = _caller(req)
    filters: dict[str, list[Any]] = {}
    if not ("all_tenants" in req.query and caller.is_admin):
        filters["project_id"] = [req.ctx.project_id]
    rows = _net(req).secgroups.search(caller, filters)
    limit, _marker = limit_and_marker(req)
    offset = int(req.q("offset") or 0)
    rows = rows[offset : offset + limit] if limit else rows[offset:]
    groups = _groups_by_id(req, rows)
    result = sorted((_nova_group(r, groups) for r in rows), key=lambda g: (g["tenant_id"], g["name"]))
    return Reply(200, {"security_groups": result})


def show_security_group(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    authorize(req, SG + "show")
    row = _get_group(req, req.params["security_group_id"])
    return Reply(200, {"security_group": _nova_group(row, _groups_by_id(req, [row]))})


def _sg_body(req: ApiRequest) -> dict[str, Any]:
    from pocketstack.services.compute.schemas import proxies as ps

    validate_body(ps.security_group, req.body)
    return dict(req.body["security_group"])


def create_security_group(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    authorize(req, SG + "create")
    body = _sg_body(req)
    try:
        row = _net(req).secgroups.create(
            _caller(req), {"project_id": req.ctx.project_id, "name": body["name"], "description": body["description"]}
        )
    except ApiError as exc:
        if exc.status == 409:
            raise Forbidden(exc.message, kind="SecurityGroupLimitExceeded") from None
        raise BadRequest(exc.message) from None
    return Reply(200, {"security_group": _nova_group(row, _groups_by_id(req, [row]))})


def update_security_group(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    authorize(req, SG + "update")
    group_id = req.params["security_group_id"]
    _get_group(req, group_id)
    body = _sg_body(req)
    try:
        row = _net(req).secgroups.update(
            _caller(req), group_id, {"name": body["name"], "description": body["description"]}
        )
    except ApiError as exc:
        if exc.status == 404:
            raise NotFound(exc.message) from None
        raise BadRequest(exc.message) from None
    return Reply(200, {"security_group": _nova_group(row, _groups_by_id(req, [row]))})


def delete_security_group(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    authorize(req, SG + "delete")
    group_id = req.params["security_group_id"]
    _get_group(req, group_id)
    try:
        _net(req).secgroups.delete(_caller(req), group_id)
    except ApiError as exc:
        if exc.status == 404:
            raise NotFound(exc.message) from None
        raise BadRequest(exc.message) from None
    return Reply(202)


def create_security_group_rule(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    authorize(req, SG + "rule:create")
    from pocketstack.services.compute.schemas import proxies as ps

    validate_body(ps.security_group_rule, req.body)
    body = req.body["security_group_rule"]
    parent = _get_group(req, body["parent_group_id"])
    group_id = body.get("group_id")
    source = _get_group(req, group_id) if group_id is not None else None
    rule = _new_rule(body.get("ip_protocol"), body.get("from_port"), body.get("to_port"), body.get("cidr"), group_id)
    if rule is None:
        raise BadRequest("Not enough parameters to build a valid rule.")
    if "cidr" in rule:
        network = ipaddress.ip_network(rule["cidr"], strict=False)
        if network.prefixlen == 0 and str(network.network_address) not in ("0.0.0.0", "::"):
            raise BadRequest(f"Bad prefix for network in cidr {rule['cidr']}")
    for existing in parent.get("rules") or []:
        if existing["direction"] != "ingress":
            continue
        same = _nova_rule(existing, {group_id: source} if source else {})
        if (
            same
            and same["ip_protocol"] == rule.get("protocol")
            and same["from_port"] == rule.get("from_port")
            and (same["to_port"] == rule.get("to_port"))
            and (existing.get("remote_group_id") == rule.get("group_id"))
            and (group_id or _cidr(existing.get("remote_ip_prefix")) == rule.get("cidr"))
        ):
            raise BadRequest(f"This rule already exists in group {parent['id']}")
    cidr = rule.get("cidr")
    neutron_rule = {
        "project_id": parent["project_id"],
        "security_group_id": parent["id"],
        "direction": "ingress",
        "ethertype": "IPv6" if cidr and ":" in cidr else "IPv4",
        "protocol": (rule.get("protocol") or "").lower() or None,
        "port_range_min": rule.get("from_port") if rule.get("from_port", -1) != -1 else None,
        "port_range_max": rule.get("to_port") if rule.get("to_port", -1) != -1 else None,
        "remote_ip_prefix": cidr,
        "remote_group_id": group_id,
    }
    try:
        created = _net(req).secgroups.create_rules(_caller(req), [neutron_rule])[0]
    except ApiError as exc:
        if exc.status == 404:
            raise NotFound(exc.message) from None
        if exc.status == 409 and exc.kind == "OverQuota":
            raise Forbidden(exc.message) from None
        raise BadRequest(exc.message) from None
    groups = {group_id: source} if source else {}
    return Reply(200, {"security_group_rule": _nova_rule(created, groups)})


def _new_rule(protocol: Any, from_port: Any, to_port: Any, cidr: Any, group_id: str | None) -> dict[str, Any] | None:
    values: dict[str, Any] = {}
    if group_id:
        values["group_id"] = group_id
        upper = str(protocol).upper() if protocol else ""
        if upper == "ICMP" and from_port is None and to_port is None:
            from_port, to_port = -1, -1
        elif upper in ("TCP", "UDP") and from_port is None and to_port is None:
            from_port, to_port = 1, 65535
    else:
        values["cidr"] = _parse_cidr(cidr)
    if protocol and from_port is not None and to_port is not None:
        protocol = str(protocol)
        try:
            lo, hi = int(from_port), int(to_port)
        except (TypeError, ValueError):
            if protocol.upper() == "ICMP":
                raise BadRequest(
                    "Invalid input received: Type and Code must be integers for ICMP protocol type"
                ) from None
            raise BadRequest("Invalid input received: To and From ports must be integers") from None
        upper = protocol.upper()
        if upper not in ("TCP", "UDP", "ICMP"):
            raise BadRequest(f"Invalid IP protocol {protocol}.", kind="InvalidIpProtocol")
        if upper in ("TCP", "UDP") and lo > hi:
            raise BadRequest(
                f"Invalid port range {lo}:{hi}. Former value cannot be greater than the later", kind="InvalidPortRange"
            )
        if upper in ("TCP", "UDP") and (lo < 1 or hi > 65535):
            raise BadRequest(
                f"Invalid port range {lo}:{hi}. Valid {upper} ports should be between 1-65535", kind="InvalidPortRange"
            )
        if upper == "ICMP" and (lo < -1 or lo > 255 or hi < -1 or hi > 255):
            raise BadRequest(
                f"Invalid port range {lo}:{hi}. For ICMP, the type:code must be valid", kind="InvalidPortRange"
            )
        values.update(protocol=protocol, from_port=lo, to_port=hi)
    elif values.get("cidr"):
        return None
    return values


def _parse_cidr(cidr: Any) -> str:
    if not cidr:
        return "0.0.0.0/0"
    try:
        ipaddress.ip_network(str(cidr), strict=False)
    except ValueError:
        raise BadRequest(f"Invalid cidr {cidr}.", kind="InvalidCidr") from None
    if "/" not in str(cidr):
        raise BadRequest(f"Invalid cidr {cidr}.", kind="InvalidCidr")
    return str(cidr)


def delete_security_group_rule(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    authorize(req, SG + "rule:delete")
    rule_id = req.params["security_group_rule_id"]
    if not is_uuid(rule_id):
        raise BadRequest("Security group id should be uuid")
    network = _net(req)
    try:
        rule = network.secgroups.get_rule(rule_id)
        _get_group(req, rule["security_group_id"])
        network.secgroups.delete_rule(rule_id)
    except ApiError as exc:
        if exc.status == 404:
            raise NotFound(exc.message) from None
        raise BadRequest(exc.message) from None
    return Reply(202)


def server_security_groups(req: ApiRequest) -> Reply:
    inst = load(req)
    authorize(req, SG + "list", {"project_id": inst["project_id"]})
    network = svc(req).integration.network()
    if network is None:
        return Reply(200, {"security_groups": []})
    names = {g["name"] for g in network.security_groups_for_server(inst["uuid"])}
    caller = _caller(req)
    rows = [r for r in network.secgroups.search(caller, {"project_id": [inst["project_id"]]}) if r["name"] in names]
    groups = _groups_by_id(req, rows)
    result = sorted((_nova_group(r, groups) for r in rows), key=lambda g: (g["tenant_id"], g["name"]))
    return Reply(200, {"security_groups": result})
