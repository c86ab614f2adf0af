"""Placing volumes: the pool's capabilities and Cinder's scheduler filters over them.

Cinder's default filters are AvailabilityZoneFilter, CapacityFilter and
CapabilitiesFilter; a volume no backend passes ends in ``error`` with a user message
("No valid backend").  Of the backends that pass, the CapacityWeigher picks the one with
the most free room.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core.timeutils import utcnow
from pocketstack.services.volume import models as m
from pocketstack.services.volume.drivers.base import Backend
from pocketstack.services.volume.store import loose_bool


def allocated_gb(conn: Connection, backend: Backend) -> int:
    v = m.volumes
    total = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(v.c.size), 0)).where(v.c.host == backend.pool)).scalar()
    return int(total or 0)


def capabilities(conn: Connection, backend: Backend, allocated: int | None = None) -> dict[str, Any]:
    """The pool as its driver reports it (what get_pools shows and the filters test)."""
    v = m.volumes
    if allocated is None:
        allocated = allocated_gb(conn, backend)
    total_volumes = int(conn.execute(sa.select(sa.func.count()).where(v.c.host == backend.pool)).scalar() or 0)
    capacity = backend.capacity_gb()
    return {
        "pool_name": backend.name,
        "total_capacity_gb": float(capacity),
        "free_capacity_gb": float(max(0, capacity - allocated)),
        "reserved_percentage": 0,
        "location_info": f"LVMVolumeDriver:{backend.host.split('@')[0]}:stack-volumes-{backend.name}:thin:0",
        "QoS_support": False,
        "provisioned_capacity_gb": float(allocated),
        "max_over_subscription_ratio": "20.0",
        "thin_provisioning_support": True,
        "thick_provisioning_support": False,
        "total_volumes": total_volumes,
        "filter_function": None,
        "goodness_function": None,
        "multiattach": True,
        "backend_state": "up",
        "allocated_capacity_gb": allocated,
        "cacheable": True,
        "online_extend_support": True,
        "volume_backend_name": backend.name,
        "storage_protocol": backend.storage_protocol,
        "vendor_name": backend.vendor_name,
        "driver_version": backend.driver_version,
        "timestamp": utcnow(),
    }


def _bool(x: Any, y: Any) -> bool:
    return loose_bool(x) is loose_bool(y)


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda x, y: float(x) >= float(y),
    "<in>": lambda x, y: y in x,
    "<is>": _bool,
    "==": lambda x, y: float(x) == float(y),
    "!=": lambda x, y: float(x) != float(y),
    ">=": lambda x, y: float(x) >= float(y),
    "<=": lambda x, y: float(x) <= float(y),
    "s==": operator.eq,
    "s!=": operator.ne,
    "s<": operator.lt,
    "s<=": operator.le,
    "s>": operator.gt,
    "s>=": operator.ge,
}


def spec_matches(value: Any, req: str | None) -> bool:
    """Cinder's ``extra_specs_ops.match``."""
    if req is None:
        return value is None
    words = req.split()
    op = words.pop(0) if words else None
    method = _OPS.get(op) if op else None
    if op != "<or>" and method is None:
        return bool(value == req)
    if value is None:
        return False
    if op == "<or>":
        while words:
            if words.pop(0) == value:
                return True
            if not words:
                break
            words.pop(0)
        return False
    try:
        return bool(words) and method is not None and method(value, words[0])
    except (ValueError, TypeError):
        return False


def satisfies(caps: Mapping[str, Any], extra_specs: Mapping[str, Any]) -> bool:
    """CapabilitiesFilter: unscoped and ``capabilities:`` specs must match the pool."""
    for key, req in extra_specs.items():
        scope = key.split(":")
        if len(scope) > 1 and scope[0] != "capabilities":
            continue
        if scope[0] == "capabilities":
            scope = scope[1:]
        cap: Any = caps
        for part in scope:
            try:
                cap = cap[part]
            except (TypeError, KeyError):
                return False
        values = cap if isinstance(cap, list) else [cap]
        if not any(spec_matches(value, req) for value in values):
            return False
    return True


def backend_passes(
    conn: Connection, backend: Backend, *, size_increase: int, extra_specs: Mapping[str, Any], zone: str | None
) -> bool:
    if zone is not None and zone != backend.availability_zone:
        return False
    allocated = allocated_gb(conn, backend)
    if allocated + size_increase > backend.capacity_gb():
        return False
    if not extra_specs:
        return True
    return satisfies(capabilities(conn, backend, allocated), extra_specs)


def choose(
    conn: Connection,
    backends: Sequence[Backend],
    *,
    size_increase: int,
    extra_specs: Mapping[str, Any],
    zone: str | None,
) -> Backend | None:
    """The filter scheduler: the passing backend with the most free capacity (first on ties)."""
    best: Backend | None = None
    best_free = -1
    for backend in backends:
        if not backend_passes(conn, backend, size_increase=size_increase, extra_specs=extra_specs, zone=zone):
            continue
        if len(backends) == 1:
            return backend  # nothing to weigh
        free = backend.capacity_gb() - allocated_gb(conn, backend)
        if free > best_free:
            best, best_free = backend, free
    return best


def backend_of(backends: Sequence[Backend], host: str | None) -> Backend:
    """The backend a volume's ``host@backend#pool`` names (the first when unplaced)."""
    base = (host or "").split("#", 1)[0]
    for backend in backends:
        if backend.host == base:
            return backend
    return backends[0]
