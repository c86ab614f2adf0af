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


def select(conn: Connection, req: Request) -> dict[str, Any]:
    """The node to use; raises NoValidHost when none passes the filters."""
    candidates = _filtered(conn, req)
    if not candidates:
        raise NoValidHost()
    members = Counter(req.group_hosts)

    def weight(node: Mapping[str, Any]) -> tuple[float, float]:
        free_ram = node["memory_mb"] * hosts.RAM_ALLOCATION_RATIO - node["memory_mb_used"]
        group = 0.0
        if req.group_policy == "soft-affinity":
            group = members[node["host"]]
        elif req.group_policy == "soft-anti-affinity":
            group = -members[node["host"]]
        return (group, free_ram)

    return max(candidates, key=weight)


def _filtered(conn: Connection, req: Request) -> list[dict[str, Any]]:
    zones = hosts.host_azs(conn) if req.availability_zone else {}
    members = Counter(req.group_hosts)
    out = []
    for node in hosts.nodes(conn):
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
        if not hosts.fits(node, req.resources):
            continue
        if req.group_policy == "affinity" and members and name not in members:
            continue
        if req.group_policy == "anti-affinity":
            limit = int(req.group_rules.get("max_server_per_host", 1))
            if members[name] >= limit:
                continue
        out.append(node)
    return out
