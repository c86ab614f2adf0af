"""Nova's quota resources, defaults and usage counting.

Limits are stored in the shared ``core_quotas``/``core_quota_classes`` tables (service
``compute``).  Usage is counted from the compute tables inside the caller's
transaction, so a create that checks quota in its write transaction cannot overshoot.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core.errors import ApiError
from pocketstack.core.quotas import Over, QuotaStore
from pocketstack.services.compute import errors
from pocketstack.services.compute.models import instances, keypairs, server_group_members, server_groups

# Nova's [quota] defaults; the four nova-network ones have no option and read -1.
DEFAULTS: dict[str, int] = {
    "instances": 10,
    "cores": 20,
    "ram": 50 * 1024,
    "metadata_items": 128,
    "injected_files": 5,
    "injected_file_content_bytes": 10 * 1024,
    "injected_file_path_bytes": 255,
    "key_pairs": 100,
    "server_groups": 10,
    "server_group_members": 10,
    "fixed_ips": -1,
    "floating_ips": -1,
    "security_groups": -1,
    "security_group_rules": -1,
}
RESOURCES = sorted(DEFAULTS)
NETWORK_QUOTAS = ["fixed_ips", "floating_ips", "security_group_rules", "security_groups"]
FILE_QUOTAS = ["injected_files", "injected_file_content_bytes", "injected_file_path_bytes"]
SERVER_GROUP_QUOTAS = ["server_groups", "server_group_members"]


def _error(overs: list[Over]) -> ApiError:
    names = ", ".join(o.resource for o in overs)
    return errors.over_quota(f"Quota exceeded for resources: [{names!r}]")


store = QuotaStore("compute", DEFAULTS, _error)


def instance_usage(conn: Connection, project_id: str, user_id: str | None = None) -> dict[str, int]:
    t = instances
    query = sa.select(
        sa.func.count(t.c.id),
        sa.func.coalesce(sa.func.sum(t.c.vcpus), 0),
        sa.func.coalesce(sa.func.sum(t.c.memory_mb), 0),
    ).where(t.c.project_id == project_id, t.c.deleted.is_(False))
    if user_id is not None:
        query = query.where(t.c.user_id == user_id)
    count, cores, ram = conn.execute(query).one()
    return {"instances": int(count), "cores": int(cores), "ram": int(ram)}


def keypair_count(conn: Connection, user_id: str) -> int:
    return int(conn.execute(sa.select(sa.func.count()).where(keypairs.c.user_id == user_id)).scalar() or 0)


def server_group_count(conn: Connection, project_id: str) -> int:
    return int(conn.execute(sa.select(sa.func.count()).where(server_groups.c.project_id == project_id)).scalar() or 0)


def group_member_count(conn: Connection, group_id: int) -> int:
    return int(
        conn.execute(sa.select(sa.func.count()).where(server_group_members.c.group_id == group_id)).scalar() or 0
    )


def usage(conn: Connection, project_id: str, user_id: str | None = None) -> dict[str, int]:
    """In-use counts as Nova's quota detail reports them."""
    out = {r: 0 for r in RESOURCES}
    out.update(instance_usage(conn, project_id, user_id))
    out["server_groups"] = server_group_count(conn, project_id)
    if user_id is not None:
        out["key_pairs"] = keypair_count(conn, user_id)
    return out


def limits(conn: Connection, project_id: str) -> dict[str, int]:
    return store.limits(conn, project_id)


def visible(version_at_least: Any, kind: str = "set") -> list[str]:
    """The resources a quota body shows at a microversion.

    ``kind`` "set" for os-quota-sets (network ones gone from 2.36, files from 2.57);
    "class" for os-quota-class-sets (network ones gone and server groups added at 2.50).
    """
    hidden: list[str] = []
    if kind == "class":
        if version_at_least("2.50"):
            hidden += NETWORK_QUOTAS
        else:
            hidden += SERVER_GROUP_QUOTAS
    elif version_at_least("2.36"):
        hidden += NETWORK_QUOTAS
    if version_at_least("2.57"):
        hidden += FILE_QUOTAS
    return [r for r in RESOURCES if r not in hidden]


def over_instances_message(
    requested: Mapping[str, Any], limits_: Mapping[str, int], used: Mapping[str, int], overs: list[str]
) -> str:
    """TooManyInstances: ``Quota exceeded for cores, ram: Requested 2, 1024, but already used …``."""
    reqs = ", ".join(str(requested[r]) for r in overs)
    useds = ", ".join(str(used[r]) for r in overs)
    alloweds = ", ".join(str(limits_[r]) for r in overs)
    names = ", ".join(overs)
    return f"Quota exceeded for {names}: Requested {reqs}, but already used {useds} of {alloweds} {names}"


def check_file_quota(limits: dict[str, int], files: list[tuple[str, str]]) -> None:
    """Nova's _check_injected_file_quota: the number of files, then the longest path and
    the longest contents (as sent, base64) against the project's limits."""
    if not files:
        return
    allowed = limits.get("injected_files", -1)
    if 0 <= allowed < len(files):
        raise errors.over_quota("Personality file limit exceeded")
    path_limit = limits.get("injected_file_path_bytes", -1)
    if 0 <= path_limit < max(len(path) for path, _ in files):
        raise errors.over_quota(f"Personality file path exceeds maximum {path_limit}")
    content_limit = limits.get("injected_file_content_bytes", -1)
    if 0 <= content_limit < max(len(contents) for _, contents in files):
        raise errors.over_quota(f"Personality file content exceeds maximum {content_limit}")
