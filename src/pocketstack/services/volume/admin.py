"""The deployment as admins see it: services, hosts, pools, capabilities, zones.

One simulated deployment: a scheduler, a backup service and one volume service with
one LVM-like pool, all in the backend's availability zone.  Service rows are stored
(so enable/disable/freeze survive restarts and are shared by all processes); their
heartbeat is "now", since they live as long as the API does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import ids
from pocketstack.core.errors import NotFound
from pocketstack.core.timeutils import utcnow
from pocketstack.services.volume import errors as e
from pocketstack.services.volume import models as m
from pocketstack.services.volume import scheduler
from pocketstack.services.volume.drivers.base import Backend
from pocketstack.services.volume.queries import host_filter
from pocketstack.services.volume.store import Store, many, one
from pocketstack.services.volume.volumes import Volumes

svc = m.services


class Deployment(Store):
    def __init__(self, volumes: Volumes, backend: Backend) -> None:
        super().__init__(volumes.db)
        self.volumes = volumes
        self.backend = backend
        self.backends = volumes.backends

    # -- services ------------------------------------------------------------------------------

    def ensure_services(self) -> None:
        """Register this deployment's services (idempotent)."""
        hostname = self.backend.host.split("@")[0]
        wanted = [
            ("cinder-scheduler", hostname),
            *[("cinder-volume", backend.host) for backend in self.backends],
            ("cinder-backup", hostname),
        ]
        with self.db.write() as conn:
            for binary, host in wanted:
                exists = one(conn, sa.select(svc.c.id).where(svc.c.binary == binary, svc.c.host == host))
                if exists is None:
                    conn.execute(
                        svc.insert().values(
                            binary=binary,
                            host=host,
                            availability_zone=self.backend.availability_zone,
                            disabled=False,
                            disabled_reason=None,
                            frozen=False,
                            uuid=ids.uuid_id(),
                            created_at=utcnow(),
                            updated_at=utcnow(),
                        )
                    )

    def services(self, conn: Connection, host: str | None = None, binary: str | None = None) -> list[dict[str, Any]]:
        stmt = sa.select(svc).order_by(svc.c.id)
        if host:
            stmt = stmt.where(host_filter(svc.c.host, host))
        if binary:
            stmt = stmt.where(svc.c.binary == binary)
        return many(conn, stmt)

    def service(self, conn: Connection, host: str, binary: str) -> dict[str, Any]:
        row = one(conn, sa.select(svc).where(svc.c.host == host, svc.c.binary == binary))
        if row is None:
            raise NotFound(f"Service {binary} could not be found on host {host}.", kind="ServiceNotFound")
        return row

    def set_service(self, conn: Connection, host: str, binary: str, **values: Any) -> dict[str, Any]:
        row = self.service(conn, host, binary)
        conn.execute(svc.update().where(svc.c.id == row["id"]).values(updated_at=utcnow(), **values))
        return self.service(conn, host, binary)

    def volume_service(self, conn: Connection, host: str | None) -> dict[str, Any]:
        """The cinder-volume service a host (or backend host, or pool) names; for freeze/thaw."""
        base = (host or "").split("#")[0]
        row = one(conn, sa.select(svc).where(svc.c.binary == "cinder-volume", svc.c.host == base))
        if row is None:
            raise e.invalid_input(f"Service {host} could not be found.")
        return row

    def volume_service_usable(self, conn: Connection) -> bool:
        row = one(conn, sa.select(svc).where(svc.c.binary == "cinder-volume", svc.c.host == self.backend.host))
        return row is not None and not row["disabled"] and not row["frozen"]

    # -- hosts (os-hosts, deprecated upstream but still served) ---------------------------------

    def host_usage(self, conn: Connection, host: str) -> list[dict[str, Any]]:
        if one(conn, sa.select(svc.c.id).where(svc.c.host == host, svc.c.binary == "cinder-volume")) is None:
            raise NotFound(f"Host {host} could not be found.", kind="HostNotFound")
        v, s = m.volumes, m.snapshots
        on_host = sa.or_(v.c.host == host, v.c.host.startswith(host + "#"))
        per_project: dict[str, dict[str, int]] = {}
        for pid, count, size in conn.execute(
            sa.select(v.c.project_id, sa.func.count(), sa.func.coalesce(sa.func.sum(v.c.size), 0))
            .where(on_host)
            .group_by(v.c.project_id)
        ):
            per_project[pid] = {"volume_count": int(count), "total_volume_gb": int(size), "snapshot_count": 0,
                                "total_snapshot_gb": 0}  # fmt: skip
        snaps = (
            sa.select(s.c.project_id, sa.func.count(), sa.func.coalesce(sa.func.sum(s.c.volume_size), 0))
            .join(v, v.c.id == s.c.volume_id)
            .where(on_host)
            .group_by(s.c.project_id)
        )
        for pid, count, size in conn.execute(snaps):
            entry = per_project.setdefault(
                pid, {"volume_count": 0, "total_volume_gb": 0, "snapshot_count": 0, "total_snapshot_gb": 0}
            )
            entry["snapshot_count"] = int(count)
            entry["total_snapshot_gb"] = int(size)
        total = {
            key: sum(p[key] for p in per_project.values())
            for key in ("volume_count", "total_volume_gb", "snapshot_count", "total_snapshot_gb")
        }
        rows = [{"project": "(total)", **total}]
        rows.extend({"project": pid, **vals} for pid, vals in sorted(per_project.items()))
        return rows

    # -- pools ---------------------------------------------------------------------------------

    def pools(self, conn: Connection, filters: Mapping[str, str]) -> list[dict[str, Any]]:
        name = filters.get("name")
        backend_name = None
        vtype_ref = filters.get("volume_type")
        if vtype_ref:
            vtype = self.volumes.types.get_by_name_or_id(conn, vtype_ref)
            backend_name = (vtype.get("extra_specs") or {}).get("volume_backend_name")
        out = []
        for b in self.backends:
            if (name and name != b.pool) or (backend_name and backend_name != b.name):
                continue
            out.append({"name": b.pool, "capabilities": scheduler.capabilities(conn, b)})
        return out

    def capabilities(self, conn: Connection, host: str) -> dict[str, Any]:
        b = next((x for x in self.backends if x.host == host.split("#")[0]), None)
        if b is None:
            raise NotFound(f"Service {host} could not be found.", kind="ServiceNotFound")
        return {
            "namespace": f"OS::Storage::Capabilities::{b.host}",
            "vendor_name": b.vendor_name,
            "volume_backend_name": b.name,
            "pool_name": None,
            "driver_version": b.driver_version,
            "storage_protocol": b.storage_protocol,
            "display_name": None,
            "description": None,
            "visibility": None,
            "replication_targets": [],
            "properties": {
                "compression": {"title": "Compression", "description": "Enables compression.", "type": "boolean"},
                "qos": {"title": "QoS", "description": "Enables QoS.", "type": "boolean"},
                "replication_enabled": {
                    "title": "Replication",
                    "description": "Enables replication.",
                    "type": "boolean",
                },
                "thin_provisioning": {
                    "title": "Thin Provisioning",
                    "description": "Sets thin provisioning.",
                    "type": "boolean",
                },
            },
        }

    # -- availability zones ----------------------------------------------------------------------

    def availability_zones(self, conn: Connection) -> list[dict[str, Any]]:
        zones: dict[str, bool] = {}
        for row in self.services(conn, binary="cinder-volume"):
            zones[row["availability_zone"]] = zones.get(row["availability_zone"], False) or not row["disabled"]
        return [{"name": name, "available": up} for name, up in sorted(zones.items())]
