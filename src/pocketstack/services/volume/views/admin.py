"""Bodies of the admin views: services, hosts, pools, zones, quotas, limits, messages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pocketstack.core.microversion import APIVersion
from pocketstack.core.timeutils import utcnow
from pocketstack.services.volume import versions as mv
from pocketstack.services.volume.messages import user_message
from pocketstack.services.volume.views.common import Links, ts

Row = Mapping[str, Any]

_LIMIT_NAMES = {
    "gigabytes": "maxTotalVolumeGigabytes",
    "backup_gigabytes": "maxTotalBackupGigabytes",
    "volumes": "maxTotalVolumes",
    "snapshots": "maxTotalSnapshots",
    "backups": "maxTotalBackups",
}
_USED_NAMES = {
    "volumes": "totalVolumesUsed",
    "gigabytes": "totalGigabytesUsed",
    "snapshots": "totalSnapshotsUsed",
    "backups": "totalBackupsUsed",
    "backup_gigabytes": "totalBackupGigabytesUsed",
}


def service(row: Row, version: APIVersion) -> dict[str, Any]:
    body: dict[str, Any] = {
        "binary": row["binary"],
        "host": row["host"],
        "zone": row["availability_zone"],
        "status": "disabled" if row["disabled"] else "enabled",
        "state": "up",
        "updated_at": ts(utcnow()),
    }
    if version >= mv.BACKEND_STATE_REPORT and row["binary"] == "cinder-volume":
        body["backend_state"] = "up"
    if version >= "3.7":
        body["cluster"] = None
    body["disabled_reason"] = row["disabled_reason"]
    if row["binary"] == "cinder-volume":
        body["replication_status"] = "disabled"
        body["active_backend_id"] = None
        body["frozen"] = bool(row["frozen"])
    return body


def host_entry(row: Row) -> dict[str, Any]:
    return {
        "service-status": "available",
        "service": row["binary"],
        "zone": row["availability_zone"],
        "service-state": "disabled" if row["disabled"] else "enabled",
        "host_name": row["host"],
        "last-update": ts(utcnow()),
    }


def host_usage(host: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "host": [
            {
                "resource": {
                    "host": host,
                    "project": r["project"],
                    "volume_count": str(r["volume_count"]),
                    "total_volume_gb": str(r["total_volume_gb"]),
                    "snapshot_count": str(r["snapshot_count"]),
                    "total_snapshot_gb": str(r["total_snapshot_gb"]),
                }
            }
            for r in rows
        ]
    }


def pool(row: Row, detail: bool) -> dict[str, Any]:
    if not detail:
        return {"name": row["name"]}
    caps = dict(row["capabilities"])
    caps["timestamp"] = ts(caps.get("timestamp"))
    return {"name": row["name"], "capabilities": caps}


def zones(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"availabilityZoneInfo": [{"zoneName": z["name"], "zoneState": {"available": z["available"]}} for z in rows]}


def quota_set(project_id: str, values: Mapping[str, Any]) -> dict[str, Any]:
    return {"quota_set": {**values, "id": project_id}}


def quota_usage(limits: Mapping[str, int], usage: Mapping[str, int]) -> dict[str, Any]:
    return {k: {"limit": v, "in_use": usage.get(k, 0), "reserved": 0} for k, v in limits.items()}


def limits(limit_values: Mapping[str, int], usage: Mapping[str, int] | None) -> dict[str, Any]:
    absolute = {_LIMIT_NAMES[k]: v for k, v in limit_values.items() if k in _LIMIT_NAMES and v is not None}
    if usage is not None:
        absolute.update({_USED_NAMES[k]: usage.get(k, 0) for k in _USED_NAMES})
    return {"limits": {"rate": [], "absolute": absolute}}


def message(row: Row, links: Links) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": row["id"],
        "event_id": row["event_id"],
        "user_message": user_message(row),
        "message_level": row["message_level"],
        "created_at": ts(row["created_at"]),
        "guaranteed_until": ts(row["expires_at"]),
        "request_id": row["request_id"],
        "links": links.self_and_bookmark("messages", row["id"]),
    }
    if row["resource_type"]:
        body["resource_type"] = row["resource_type"]
    if row["resource_uuid"]:
        body["resource_uuid"] = row["resource_uuid"]
    return body
