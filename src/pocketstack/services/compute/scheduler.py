"""Placing servers on the simulated hosts, inside the create's write transaction.

Filters as Nova's defaults: the compute service is enabled and up, the host is in the
requested availability zone, the flavor fits (with Nova's allocation ratios), and the
server group policy holds (affinity, anti-affinity with ``max_server_per_host``);
weighers prefer the host with the most free RAM (spreading), and for the soft
policies the host with the most (soft-affinity) or fewest (soft-anti-affinity) members.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from pocketstack.core.errors import ApiError
from pocketstack.services.compute import hosts
from pocketstack.services.compute.hosts import Resources

NO_HOSTS = "There are not enough hosts available."


class NoValidHost(ApiError):
    status = 500
    default_kind = "NoValidHost"

    def __init__(self, reason: str = NO_HOSTS) -> None:
        super().__init__(f"No valid host was found. {reason}")


@dataclass
class Request:
    resources: Resources
    availability_zone: str | None = None
    host: str | None = None  # an admin's forced or requested host
    node: str | None = None
    group_policy: str | None = None
    group_rules: Mapping[str, Any] = field(default_factory=dict)
    group_hosts: list[str] = field(default_factory=list)  # hosts of the group's members
    exclude: set[str] = field(default_factory=set)
    same_host: set[str] = field(default_factory=set)  # hosts the server must share (SameHostFilter)
    different_host: set[str] = field(default_factory=set)  # hosts it must avoid (DifferentHostFilter)
    # picks made earlier in the same request, not yet written as allocations
    pending: dict[str, Resources] = field(default_factory=dict)
    nodes: list[dict[str, Any]] | None = None  # the nodes, when the caller already read them
    zones: dict[str, str] | None = None


def select(conn: Connection, req: Request) -> dict[str, Any]:
    """The node to use; raises NoValidHost when none passes the filters."""
    candidates = _filtered(conn, req)
    if not candidates:
        raise NoValidHost()
    members = Counter(req.group_hosts)

    def weight(node: Mapping[str, Any]) -> tuple[float, float]:
        taken = req.pending.get(node["host"])
        free_ram = (
            node["memory_mb"] * hosts.RAM_ALLOCATION_RATIO - node["memory_mb_used"] - (taken.memory_mb if taken else 0)
        )
        group = 0.0
        if req.group_policy == "soft-affinity":
            group = members[node["host"]]
        elif req.group_policy == "soft-anti-affinity":
            group = -members[node["host"]]
        return (group, free_ram)

    chosen = max(candidates, key=weight)
    taken = req.pending.get(chosen["host"], Resources(0, 0, 0))
    r = req.resources
    req.pending[chosen["host"]] = Resources(
        taken.vcpus + r.vcpus, taken.memory_mb + r.memory_mb, taken.disk_gb + r.disk_gb
    )
    return chosen


def _filtered(conn: Connection, req: Request) -> list[dict[str, Any]]:
    if req.availability_zone and req.zones is None:
        req.zones = hosts.host_azs(conn)
    zones = req.zones or {}
    if req.nodes is None:
        req.nodes = hosts.nodes(conn)
    members = Counter(req.group_hosts)
    out = []
    for node in req.nodes:
        name = node["host"]
        if node["disabled"] and req.host is None:
            continue
        if node["forced_down"] or name in req.exclude:
            continue
        if req.host is not None and name != req.host:
            continue
        if req.node is not None and node["hypervisor_hostname"] != req.node:
            continue
        if req.availability_zone and req.availability_zone not in zones.get(name, hosts.DEFAULT_AZ).split(","):
            continue
        if req.same_host and name not in req.same_host:
            continue
        if name in req.different_host:
            continue
        if not hosts.fits(node, req.resources, req.pending.get(name)):
            continue
        if req.group_policy == "affinity" and members and name not in members:
            continue
        if req.group_policy == "anti-affinity":
            limit = int(req.group_rules.get("max_server_per_host", 1))
            if members[name] >= limit:
                continue
        out.append(node)
    return out
