"""The simulated hypervisors: nova-compute services, their compute nodes, capacity.

Each simulated host has a ``nova-compute`` service and one compute node with the
configured vCPUs, RAM and disk.  What servers take from a node is kept as allocations
(Placement's model) and summed on the node row in the same transaction, so the
scheduler reads a handful of rows whatever the number of servers.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import timeutils
from pocketstack.core.db import Database
from pocketstack.services.compute.models import (
    aggregate_hosts,
    aggregate_metadata,
    aggregates,
    allocations,
    compute_nodes,
    services,
)

DEFAULT_AZ = "nova"  # [DEFAULT] default_availability_zone
INTERNAL_AZ = "internal"  # [DEFAULT] internal_service_availability_zone
CONTROLLER = "controller"
CPU_ALLOCATION_RATIO = 4.0  # [DEFAULT] initial_cpu_allocation_ratio
RAM_ALLOCATION_RATIO = 1.0
DISK_ALLOCATION_RATIO = 1.0
HYPERVISOR_TYPE = "QEMU"
HYPERVISOR_VERSION = 8002000
SERVICE_VERSION = 68


def host_name(i: int) -> str:
    return f"compute{i}"


@dataclass(frozen=True)
class Resources:
    vcpus: int
    memory_mb: int
    disk_gb: int

    @classmethod
    def of_flavor(cls, flavor: Mapping[str, Any]) -> Resources:
        swap_gb = (int(flavor.get("swap") or 0) + 1023) // 1024
        return cls(
            int(flavor["vcpus"]),
            int(flavor["memory_mb"]),
            int(flavor["root_gb"]) + int(flavor.get("ephemeral_gb") or 0) + swap_gb,
        )


def bootstrap(db: Database, count: int, vcpus: int, ram_mb: int, disk_gb: int) -> None:
    """Create the controller services and ``count`` compute hosts (idempotent)."""
    now = timeutils.utcnow()
    with db.write() as conn:
        have = {(r.host, r.binary) for r in conn.execute(sa.select(services.c.host, services.c.binary))}
        wanted = [(CONTROLLER, "nova-scheduler", "scheduler"), (CONTROLLER, "nova-conductor", "conductor")]
        wanted += [(host_name(i), "nova-compute", "compute") for i in range(1, count + 1)]
        for host, binary, topic in wanted:
            if (host, binary) in have:
                continue
            service_id = conn.execute(
                services.insert().values(
                    uuid=str(uuid.uuid4()),
                    host=host,
                    binary=binary,
                    topic=topic,
                    disabled=False,
                    forced_down=False,
                    version=SERVICE_VERSION,
                    created_at=now,
                    updated_at=now,
                )
            ).inserted_primary_key[0]  # type: ignore[index]
            if binary == "nova-compute":
                index = int(host.removeprefix("compute"))
                conn.execute(
                    compute_nodes.insert().values(
                        uuid=str(uuid.uuid4()),
                        service_id=service_id,
                        host=host,
                        hypervisor_hostname=host,
                        hypervisor_type=HYPERVISOR_TYPE,
                        hypervisor_version=HYPERVISOR_VERSION,
                        host_ip=f"192.168.122.{10 + index}",
                        vcpus=vcpus,
                        memory_mb=ram_mb,
                        local_gb=disk_gb,
                        cpu_info=_cpu_info(vcpus),
                        vcpus_used=0,
                        memory_mb_used=0,
                        local_gb_used=0,
                        running_vms=0,
                        created_at=now,
                        updated_at=now,
                    )
                )


def _cpu_info(vcpus: int) -> dict[str, Any]:
    return {
        "arch": "x86_64",
        "model": "Nehalem",
        "vendor": "Intel",
        "features": ["pge", "clflush", "sep", "syscall", "vme", "msr", "cmov", "fpu", "pat", "lm", "tsc"],
        "topology": {"cores": vcpus, "threads": 1, "sockets": 1},
    }


# -- availability zones ---------------------------------------------------------------


def host_azs(conn: Connection) -> dict[str, str]:
    """Each host's availability zone (an aggregate's ``availability_zone``, else nova)."""
    rows = conn.execute(
        sa.select(aggregate_hosts.c.host, aggregate_metadata.c.value).join(
            aggregate_metadata,
            (aggregate_metadata.c.aggregate_id == aggregate_hosts.c.aggregate_id)
            & (aggregate_metadata.c.key == "availability_zone"),
        )
    )
    zones: dict[str, list[str]] = {}
    for host, zone in rows:
        zones.setdefault(host, []).append(zone)
    return {h: ",".join(sorted(set(z))) for h, z in zones.items()}


def az_of(conn: Connection, host: str | None) -> str | None:
    if not host:
        return None
    return host_azs(conn).get(host, DEFAULT_AZ)


def aggregate_ids(conn: Connection) -> dict[str, int]:
    return {r.name: r.id for r in conn.execute(sa.select(aggregates.c.id, aggregates.c.name))}


# -- nodes and allocations ---------------------------------------------------------------


def nodes(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(
        sa.select(compute_nodes, services.c.disabled, services.c.forced_down)
        .join(services, services.c.id == compute_nodes.c.service_id)
        .order_by(compute_nodes.c.id)
    )
    return [dict(r._mapping) for r in rows]


def allocate(conn: Connection, consumer: str, host: str, res: Resources, *, new: bool = False) -> None:
    """Record that ``consumer`` takes ``res`` on ``host`` (replacing what it held, unless
    the caller knows it is a new consumer)."""
    if not new:
        free(conn, consumer)
    conn.execute(
        allocations.insert(),
        {
            "consumer_uuid": consumer,
            "host": host,
            "vcpus": res.vcpus,
            "memory_mb": res.memory_mb,
            "disk_gb": res.disk_gb,
        },
    )
    _adjust(conn, host, res.vcpus, res.memory_mb, res.disk_gb, 1)


def free(conn: Connection, consumer: str) -> None:
    row = conn.execute(sa.select(allocations).where(allocations.c.consumer_uuid == consumer)).first()
    if row is None:
        return
    conn.execute(allocations.delete().where(allocations.c.consumer_uuid == consumer))
    _adjust(conn, row.host, -row.vcpus, -row.memory_mb, -row.disk_gb, -1)


def move(conn: Connection, old_consumer: str, new_consumer: str) -> None:
    """Hand an allocation to another consumer (a resize's source side to its migration)."""
    conn.execute(
        allocations.update().where(allocations.c.consumer_uuid == old_consumer).values(consumer_uuid=new_consumer)
    )


def allocation(conn: Connection, consumer: str) -> dict[str, Any] | None:
    row = conn.execute(sa.select(allocations).where(allocations.c.consumer_uuid == consumer)).first()
    return dict(row._mapping) if row else None


def _adjust(conn: Connection, host: str, vcpus: int, ram: int, disk: int, vms: int) -> None:
    t = compute_nodes
    conn.execute(
        t.update()
        .where(t.c.host == host)
        .values(
            vcpus_used=t.c.vcpus_used + vcpus,
            memory_mb_used=t.c.memory_mb_used + ram,
            local_gb_used=t.c.local_gb_used + disk,
            running_vms=t.c.running_vms + vms,
        )
    )


def fits(node: Mapping[str, Any], res: Resources, pending: Resources | None = None) -> bool:
    """Whether ``res`` fits on the node next to what it holds (and ``pending`` picks)."""
    p = pending or Resources(0, 0, 0)
    return (
        node["vcpus_used"] + p.vcpus + res.vcpus <= node["vcpus"] * CPU_ALLOCATION_RATIO
        and node["memory_mb_used"] + p.memory_mb + res.memory_mb <= node["memory_mb"] * RAM_ALLOCATION_RATIO
        and node["local_gb_used"] + p.disk_gb + res.disk_gb <= node["local_gb"] * DISK_ALLOCATION_RATIO
    )
