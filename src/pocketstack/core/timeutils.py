"""UTC timestamps in the formats upstream services emit.

Times are stored as timezone-naive UTC ``datetime`` values (SQLAlchemy ``DateTime``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def utcnow() -> datetime:
    """Now, as a naive UTC datetime (what the database stores)."""
    return datetime.now(UTC).replace(tzinfo=None)


def from_timestamp(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC).replace(tzinfo=None)


def to_timestamp(dt: datetime) -> float:
    return dt.replace(tzinfo=UTC).timestamp()


def iso_micro_z(dt: datetime | None) -> str | None:
    """Keystone's token times: ``2015-08-27T09:49:58.000000Z``."""
    if dt is None:
        return None
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_z(dt: datetime | None) -> str | None:
    """Nova/Neutron/Glance: ``2017-02-14T19:23:59Z``."""
    if dt is None:
        return None
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_micro(dt: datetime | None) -> str | None:
    """Cinder and Nova's usage/actions: ``2013-02-25T02:40:21.000000`` (no zone)."""
    if dt is None:
        return None
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%f")


def iso_offset(dt: datetime | None) -> str | None:
    """Keystone's resource times and Nova's ``updated``: ``2017-02-14T19:23:59+00:00``."""
    if dt is None:
        return None
    return dt.replace(microsecond=0).isoformat() + "+00:00"


def parse_iso(text: str) -> datetime:
    """Parse an ISO 8601 time (``Z`` or offset or naive-as-UTC) into naive UTC."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt


__all__ = [
    "datetime",
    "from_timestamp",
    "iso_micro",
    "iso_micro_z",
    "iso_offset",
    "iso_z",
    "parse_iso",
    "timedelta",
    "to_timestamp",
    "utcnow",
]
