"""Version discovery, extensions, availability zones, floating IP pools and IP availability."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.network import agents, ipam, validators, views
from pocketstack.services.network import models as m
from pocketstack.services.network.api.common import caller, select, svc
from pocketstack.services.network.attributes import fields_param
from pocketstack.services.network.errors import http, neutron
from pocketstack.services.network.extensions import EXTENSIONS, view

# JSON numbers are written as 64-bit integers; an IPv6 /64 alone nearly fills that
MAX_COUNT = (1 << 64) - 1
CORE = (("network", "networks"), ("subnet", "subnets"), ("subnetpool", "subnetpools"), ("port", "ports"))


def versions(req: ApiRequest) -> Reply:
    href = f"{req.service_url}/v2.0/"
    return Reply(200, {"versions": [{"id": "v2.0", "status": "CURRENT", "links": [{"rel": "self", "href": href}]}]})


def version_v2(req: ApiRequest) -> Reply:
    base = f"{req.service_url}/v2.0/"
    resources = [
        {"name": name, "collection": collection, "links": [{"rel": "self", "href": base + collection}]}
        for name, collection in CORE
    ]
    return Reply(200, {"resources": resources})


def list_extensions(req: ApiRequest) -> Reply:
    return Reply(200, {"extensions": [view(alias) for alias in EXTENSIONS]})


def show_extension(req: ApiRequest) -> Reply:
    alias = req.params["alias"]
    if alias not in EXTENSIONS:
        raise http(404, f"Extension with alias {alias} does not exist")
    return Reply(200, {"extension": view(alias)})


def list_availability_zones(req: ApiRequest) -> Reply:
    items = [views.availability_zone("network"), views.availability_zone("router")]
    access = svc(req).access
    wanted = {k: set(v) for k, v in req.query.items() if k in ("name", "resource", "state")}
    unknown = [k for k in req.query if k not in ("name", "resource", "state", "fields")]
    if unknown:
        raise http(400, f"{unknown} is invalid attribute for filtering")
    out = [
        select(item, set(), fields_param(req.query))
        for item in items
        if all(item[k] in vals for k, vals in wanted.items()) and access.allowed(req.ctx, "get_availability_zone", item)
    ]
    return Reply(200, {"availability_zones": out})


def list_floatingip_pools(req: ApiRequest) -> Reply:
    s = svc(req)
    rows = s.floatingips.pools(caller(req))
    items = [views.floatingip_pool(r) for r in rows]
    items = [i for i in items if s.access.allowed(req.ctx, "get_floatingip_pool", i)]
    return Reply(200, {"floatingip_pools": [select(i, set(), fields_param(req.query)) for i in items]})


# -- network IP availability --------------------------------------------------------------------


def _availability(network_ids: list[str] | None, req: ApiRequest) -> list[dict[str, Any]]:
    n, s, a = m.networks, m.subnets, m.ip_allocations
    with svc(req).db.read() as conn:
        stmt = sa.select(n).order_by(n.c.id)
        if network_ids is not None:
            stmt = stmt.where(n.c.id.in_(network_ids))
        for key, column in (("network_name", n.c.name), ("project_id", n.c.project_id), ("tenant_id", n.c.project_id)):
            if key in req.query:
                stmt = stmt.where(column.in_(req.query[key]))
        nets = [dict(r) for r in conn.execute(stmt).mappings()]
        subnets = [dict(r) for r in conn.execute(sa.select(s).order_by(s.c.created_at)).mappings()]
        used: dict[str, int] = dict(
            conn.execute(sa.select(a.c.subnet_id, sa.func.count()).group_by(a.c.subnet_id)).all()
        )
    versions = {validators.to_int(x) for x in req.query.get("ip_version", [])}
    out = []
    for net in nets:
        entries = []
        for sub in subnets:
            if sub["network_id"] != net["id"] or (versions and sub["ip_version"] not in versions):
                continue
            total = sum(int(ipam.addr(p["end"])) - int(ipam.addr(p["start"])) + 1 for p in sub["allocation_pools"])
            entries.append(
                {
                    "subnet_id": sub["id"],
                    "subnet_name": sub["name"],
                    "cidr": sub["cidr"],
                    "ip_version": sub["ip_version"],
                    "total_ips": min(total, MAX_COUNT),
                    "used_ips": int(used.get(sub["id"], 0)),
                }
            )
        if versions and not entries:
            continue
        out.append(
            {
                "network_id": net["id"],
                "network_name": net["name"],
                "tenant_id": net["project_id"],
                "project_id": net["project_id"],
                "total_ips": min(sum(e["total_ips"] for e in entries), MAX_COUNT),
                "used_ips": sum(e["used_ips"] for e in entries),
                "subnet_ip_availability": entries,
            }
        )
    return out


def list_ip_availabilities(req: ApiRequest) -> Reply:
    access = svc(req).access
    ids = req.query.get("network_id")
    items = [i for i in _availability(ids, req) if access.allowed(req.ctx, "get_network_ip_availability", i)]
    fields = fields_param(req.query)
    return Reply(200, {"network_ip_availabilities": [select(i, set(), fields) for i in items]})


def show_ip_availability(req: ApiRequest) -> Reply:
    network_id = req.params["network_id"]
    items = _availability([network_id], req)
    if not items:
        raise neutron("NetworkNotFound", net_id=network_id)
    if not svc(req).access.allowed(req.ctx, "get_network_ip_availability", items[0]):
        raise http(404, "The resource could not be found.")
    return Reply(200, {"network_ip_availability": select(items[0], set(), fields_param(req.query))})


# -- agents -----------------------------------------------------------------------------------

_AGENT_FILTERS = ("id", "agent_type", "binary", "topic", "host", "admin_state_up", "alive", "description",
                  "availability_zone")  # fmt: skip


def _agent_view(agent: dict[str, Any]) -> dict[str, Any]:
    out = dict(agent)
    for key in ("created_at", "started_at", "heartbeat_timestamp"):
        out[key] = agent[key].strftime("%Y-%m-%d %H:%M:%S")
    return out


def list_agents(req: ApiRequest) -> Reply:
    s = svc(req)
    unknown = [k for k in req.query if k not in (*_AGENT_FILTERS, "fields", "limit", "marker", "sort_key", "sort_dir")]
    if unknown:
        raise http(400, f"{unknown} is invalid attribute for filtering")
    items = []
    for agent in agents.agents(s.settings, s.started):
        view_ = _agent_view(agent)
        wanted = {k: {v.lower() for v in vals} for k, vals in req.query.items() if k in _AGENT_FILTERS}
        matches = all(str(view_[k]).lower() in vals for k, vals in wanted.items())
        if matches and s.access.allowed(req.ctx, "get_agent", view_):
            items.append(select(view_, set(), fields_param(req.query)))
    return Reply(200, {"agents": items})


def show_agent(req: ApiRequest) -> Reply:
    s = svc(req)
    for agent in agents.agents(s.settings, s.started):
        if agent["id"] == req.params["agent_id"]:
            view_ = _agent_view(agent)
            if not s.access.allowed(req.ctx, "get_agent", view_):
                break
            return Reply(200, {"agent": select(view_, set(), fields_param(req.query))})
    raise neutron("AgentNotFound", id=req.params["agent_id"])


# -- service providers -------------------------------------------------------------------------

# What ML2/OVN registers: the OVN L3 driver as the default router provider.
SERVICE_PROVIDERS = ({"service_type": "L3_ROUTER_NAT", "name": "ovn", "default": True},)


def list_service_providers(req: ApiRequest) -> Reply:
    access = svc(req).access
    items = [dict(p) for p in SERVICE_PROVIDERS if access.allowed(req.ctx, "get_service_provider", p)]
    wanted = {k: set(v) for k, v in req.query.items() if k in ("service_type", "name")}
    items = [i for i in items if all(str(i[k]) in vals for k, vals in wanted.items())]
    return Reply(200, {"service_providers": [select(i, set(), fields_param(req.query)) for i in items]})
