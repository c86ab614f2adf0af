"""Network proxy APIs of microversions up to 2.35 (2.43 for the floating IP actions):
os-networks, os-tenant-networks, os-floating-ips, os-floating-ip-pools and the
addFloatingIp/removeFloatingIp server actions, answered from the network service."""

from __future__ import annotations

import ipaddress
from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.core.errors import ApiError, BadRequest, Conflict, Forbidden, NotFound
from pocketstack.core.ids import is_uuid
from pocketstack.services.compute.api.common import authorize, is_admin, require_version, svc

PROXY_MAX = "2.35"
FIP = "os_compute_api:os-floating-ips:"
_ADMIN_FIELDS = (
    "created_at", "updated_at", "deleted_at", "deleted", "injected", "bridge", "vlan", "vpn_public_address",
    "vpn_public_port", "vpn_private_address", "dhcp_start", "project_id", "host", "bridge_interface", "multi_host",
    "priority", "rxtx_base", "mtu", "dhcp_server", "enable_dhcp", "share_address",
)  # fmt: skip
_FIELDS = ("id", "cidr", "netmask", "gateway", "broadcast", "dns1", "dns2", "cidr_v6", "gateway_v6", "label",
           "netmask_v6")  # fmt: skip


def _net(req: ApiRequest) -> Any:
    network = svc(req).integration.network()
    if network is None:
        raise NotFound("The resource could not be found.")
    return network


def _caller(req: ApiRequest) -> Any:
    return _net(req).access.caller(req.ctx)


# -- networks ----------------------------------------------------------------------------------


def _network_dict(req: ApiRequest, n: dict[str, Any]) -> dict[str, Any]:
    fields = _FIELDS + (_ADMIN_FIELDS if is_admin(req) else ())
    out: dict[str, Any] = dict.fromkeys(fields)
    out["id"] = n["id"]
    out["label"] = n["name"]
    return out


def _networks(req: ApiRequest) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = _net(req).networks.search(_caller(req), filters={})
    return rows


def _network(req: ApiRequest) -> dict[str, Any]:
    try:
        row: dict[str, Any] = _net(req).networks.get(_caller(req), req.params["network_id"])
    except ApiError:
        raise NotFound("Network not found") from None
    return row


def list_networks(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    authorize(req, "os_compute_api:os-networks:list")
    return Reply(200, {"networks": [_network_dict(req, n) for n in _networks(req)]})


def show_network(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    authorize(req, "os_compute_api:os-networks:show")
    return Reply(200, {"network": _network_dict(req, _network(req))})


def list_tenant_networks(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    authorize(req, "os_compute_api:os-tenant-networks:list")
    rows = _networks(req)
    return Reply(200, {"networks": [{"id": n["id"], "cidr": "None", "label": n["name"]} for n in rows]})


def show_tenant_network(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    authorize(req, "os_compute_api:os-tenant-networks:show")
    n = _network(req)
    return Reply(200, {"network": {"id": n["id"], "cidr": "None", "label": n["name"]}})


# -- floating IPs ------------------------------------------------------------------------------


def _pools(req: ApiRequest) -> dict[str, dict[str, Any]]:
    """External networks, by id (Nova names a pool by its network's name or id)."""
    rows = _net(req).networks.search(_caller(req), filters={"router:external": [True]})
    return {r["id"]: r for r in rows if r.get("external", r.get("router:external"))}


def _fip(req: ApiRequest, row: dict[str, Any], pools: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    port = row.get("port")
    pools = pools if pools is not None else _pools(req)
    network = pools.get(row["floating_network_id"])
    return {
        "fixed_ip": row.get("fixed_ip_address"),
        "id": row["id"],
        "instance_id": port["device_id"] if port else None,
        "ip": row["floating_ip_address"],
        "pool": (network["name"] if network else None) or row["floating_network_id"],
    }


def _get_fip(req: ApiRequest, fip_id: str) -> dict[str, Any]:
    try:
        row: dict[str, Any] = _net(req).floatingips.get(_caller(req), fip_id)
    except ApiError:
        raise NotFound(f"Floating IP not found for ID {fip_id}") from None
    return row


def _by_address(req: ApiRequest, address: str) -> dict[str, Any]:
    rows = _net(req).floatingips.search(_caller(req), filters={"floating_ip_address": [address]})
    if not rows:
        raise NotFound(f"Floating IP not found for address {address}.", kind="FloatingIpNotFoundForAddress")
    row: dict[str, Any] = rows[0]
    return row


def list_floating_ips(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    authorize(req, FIP + "list")
    rows = _net(req).floatingips.search(_caller(req), filters={"project_id": [req.ctx.project_id]})
    pools = _pools(req)
    return Reply(200, {"floating_ips": [_fip(req, r, pools) for r in rows]})


def show_floating_ip(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    authorize(req, FIP + "show")
    fip_id = req.params["floating_ip_id"]
    if not is_uuid(fip_id):
        raise NotFound(f"Floating IP not found for ID {fip_id}")
    return Reply(200, {"floating_ip": _fip(req, _get_fip(req, fip_id))})


def create_floating_ip(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    authorize(req, FIP + "create")
    pool = (req.body or {}).get("pool")
    pools = _pools(req)
    if pool:
        network = next((n for n in pools.values() if n["name"] == pool or n["id"] == pool), None)
        if network is None:
            raise NotFound("Floating IP pool not found.", kind="FloatingIpPoolNotFound")
    else:
        if not pools:
            raise NotFound("No more floating IPs available.")
        network = next(iter(pools.values()))
    body = {"floating_network_id": network["id"], "project_id": req.ctx.project_id}
    try:
        row = _net(req).floatingips.create(_caller(req), body)
    except ApiError as exc:
        if exc.kind == "OverQuota":
            raise Forbidden(
                f"IP allocation over quota in pool {pool}." if pool else "IP allocation over quota."
            ) from None
        if exc.kind == "IpAddressGenerationFailure":
            raise NotFound(
                f"No more floating IPs in pool {pool}." if pool else "No more floating IPs available."
            ) from None
        raise BadRequest(exc.message) from None
    return Reply(200, {"floating_ip": _fip(req, _net(req).floatingips.get(_caller(req), row["id"]), pools)})


def delete_floating_ip(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    authorize(req, FIP + "delete")
    fip_id = req.params["floating_ip_id"]
    if not is_uuid(fip_id):
        raise NotFound(f"Floating IP not found for ID {fip_id}")
    _get_fip(req, fip_id)
    try:
        _net(req).floatingips.delete(_caller(req), fip_id)
    except ApiError as exc:
        if exc.status == 404:
            raise NotFound(exc.message) from None
        raise Forbidden() from None
    return Reply(202)


def list_pools(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    authorize(req, "os_compute_api:os-floating-ip-pools", {})
    return Reply(200, {"floating_ip_pools": [{"name": n["name"] or n["id"]} for n in _pools(req).values()]})


# -- the server actions ---------------------------------------------------------------------------


def add_floating_ip(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
    authorize(req, FIP + "add", {"project_id": inst["project_id"]})
    address = body["address"]
    ports = svc(req).integration.ports(inst["uuid"])
    fixed = [(p, f["ip_address"]) for p in ports for f in p.get("fixed_ips") or []]
    if not fixed:
        raise BadRequest("Instance network is not ready yet")
    wanted = body.get("fixed_address")
    if wanted:
        match = next(((p, ip) for p, ip in fixed if ip == wanted), None)
        if match is None:
            raise BadRequest("Specified fixed address not assigned to instance")
    else:
        match = next(((p, ip) for p, ip in fixed if ipaddress.ip_address(ip).version == 4), None)
        if match is None:
            raise BadRequest(
                f"Unable to associate floating IP {address} to any fixed IPs for instance {inst['uuid']}. "
                "Instance has no fixed IPv4 addresses to associate."
            )
    fip = _by_address(req, address)
    port, ip = match  # an associated address moves to this server, as Neutron allows
    try:
        _net(req).floatingips.update(_caller(req), fip["id"], {"port_id": port["id"], "fixed_ip_address": ip})
    except ApiError as exc:
        raise BadRequest(
            f"Unable to associate floating IP {address} to fixed IP {ip} for instance {inst['uuid']}. "
            f"Error: {exc.message}"
        ) from None
    return Reply(202)


def remove_floating_ip(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
    authorize(req, FIP + "remove", {"project_id": inst["project_id"]})
    address = body["address"]
    fip = _by_address(req, address)
    port = fip.get("port")
    if not port or port.get("device_id") != inst["uuid"]:
        raise Conflict(f"Floating IP {address} is not associated with instance {inst['uuid']}.")
    _net(req).floatingips.update(_caller(req), fip["id"], {"port_id": None})
    return Reply(202)
