"""The block-storage proxy APIs of microversions up to 2.35: os-volumes and os-snapshots.

Nova answers them by calling Cinder (v3, microversion 3.0) with the caller's token and
renaming the fields (``displayName``, ``availabilityZone``…); errors come back in Nova's
words: a missing volume is Nova's VolumeNotFound, Cinder's 400s are InvalidInput, an
exhausted Cinder quota is a 403.
"""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.core.errors import ApiError, BadRequest, Forbidden, NotFound
from pocketstack.services.compute.api.common import MAX_LIMIT, authorize, query, require_version
from pocketstack.services.compute.cinder import Cinder
from pocketstack.services.compute.schemas import proxies as ps
from pocketstack.services.compute.validation import as_bool, validate_body

PROXY_MAX = "2.35"
VOL = "os_compute_api:os-volumes:"


def _relay(req: ApiRequest, exc: ApiError, not_found: str | None) -> ApiError:
    """Nova's translate_*_exception: Cinder's error as Nova's API reports it."""
    if exc.status == 404:
        return NotFound(not_found or exc.message, kind="VolumeNotFound" if not_found else "NotFound")
    if exc.status == 413:
        return Forbidden(exc.message, kind="OverQuota")
    text = f"{exc.message} (HTTP {exc.status}) (Request-ID: {req.request_id})"
    if exc.status == 400:
        return BadRequest(f"Invalid input received: {text}", kind="InvalidInput")
    if exc.status == 403:
        return Forbidden(text)
    return exc


def _call(req: ApiRequest, method: str, template: str, not_found: str | None = None, **kw: Any) -> Any:
    try:
        return Cinder(req).call(method, template, **kw)
    except ApiError as exc:
        raise _relay(req, exc, not_found) from None


def _limited(req: ApiRequest, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Nova's common.limited: ``offset`` then ``limit`` (0 or absent: max_limit)."""
    query(req, ps.offset_limit_query)
    offset = int(req.q("offset") or 0)
    limit = min(int(req.q("limit") or 0) or MAX_LIMIT, MAX_LIMIT)
    return items[offset : offset + limit]


# -- volumes ----------------------------------------------------------------------------------


def _volume(vol: dict[str, Any]) -> dict[str, Any]:
    attachments = vol.get("attachments") or []
    attached: list[dict[str, Any]] = [{}]
    if attachments:
        first = attachments[0]
        attached = [{"id": vol["id"], "volumeId": vol["id"], "serverId": first.get("server_id")}]
        if first.get("device"):
            attached[0]["device"] = first["device"]
    return {
        "id": vol["id"],
        "status": vol["status"],
        "size": vol["size"],
        "availabilityZone": vol.get("availability_zone"),
        "createdAt": vol.get("created_at"),
        "attachments": attached,
        "displayName": vol.get("name"),
        "displayDescription": vol.get("description"),
        "volumeType": vol.get("volume_type"),
        "snapshotId": vol.get("snapshot_id"),
        "metadata": vol.get("metadata") or {},
    }


def _volume_list(req: ApiRequest, rule: str) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    authorize(req, VOL + rule)
    body = _call(req, "GET", "/volumes/detail")
    volumes = _limited(req, body.get("volumes", []))
    return Reply(200, {"volumes": [_volume(v) for v in volumes]})


def list_volumes(req: ApiRequest) -> Reply:
    return _volume_list(req, "list")


def list_volumes_detail(req: ApiRequest) -> Reply:
    return _volume_list(req, "detail")


def show_volume(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    authorize(req, VOL + "show")
    volume_id = req.params["volume_id"]
    missing = f"Volume {volume_id} could not be found."
    body = _call(req, "GET", "/volumes/{volume_id}", missing, params={"volume_id": volume_id})
    return Reply(200, {"volume": _volume(body["volume"])})


def create_volume(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    authorize(req, VOL + "create")
    validate_body(ps.volume_create, req.body)
    asked: dict[str, Any] = req.body["volume"]
    snapshot_id = asked.get("snapshot_id")
    if snapshot_id is not None:
        missing = f"Snapshot {snapshot_id} could not be found."
        _call(req, "GET", "/snapshots/{snapshot_id}", missing, params={"snapshot_id": snapshot_id})
    volume: dict[str, Any] = {"size": int(asked["size"]), "metadata": asked.get("metadata") or {}}
    for ours, theirs in (
        ("snapshot_id", "snapshot_id"),
        ("volume_type", "volume_type"),
        ("availability_zone", "availability_zone"),
        ("display_name", "name"),
        ("display_description", "description"),
    ):
        if asked.get(ours) is not None:
            volume[theirs] = asked[ours]
    created = _call(req, "POST", "/volumes", body={"volume": volume})["volume"]
    location = f"{req.service_url}/v2.1/os-volumes/{created['id']}"
    return Reply(200, {"volume": _volume(created)}, headers={"Location": location})


def delete_volume(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    authorize(req, VOL + "delete")
    volume_id = req.params["volume_id"]
    missing = f"Volume {volume_id} could not be found."
    _call(req, "DELETE", "/volumes/{volume_id}", missing, params={"volume_id": volume_id})
    return Reply(202)


# -- snapshots --------------------------------------------------------------------------------


def _snapshot(snap: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": snap["id"],
        "volumeId": snap.get("volume_id"),
        "status": snap["status"],
        "size": snap.get("size"),
        "createdAt": snap.get("created_at"),
        "displayName": snap.get("name"),
        "displayDescription": snap.get("description"),
    }


def _snapshot_list(req: ApiRequest, rule: str) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    authorize(req, VOL + "snapshots:" + rule)
    body = _call(req, "GET", "/snapshots/detail")
    snapshots = _limited(req, body.get("snapshots", []))
    return Reply(200, {"snapshots": [_snapshot(s) for s in snapshots]})


def list_snapshots(req: ApiRequest) -> Reply:
    return _snapshot_list(req, "list")


def list_snapshots_detail(req: ApiRequest) -> Reply:
    return _snapshot_list(req, "detail")


def show_snapshot(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    authorize(req, VOL + "snapshots:show")
    snapshot_id = req.params["snapshot_id"]
    missing = f"Snapshot {snapshot_id} could not be found."
    body = _call(req, "GET", "/snapshots/{snapshot_id}", missing, params={"snapshot_id": snapshot_id})
    return Reply(200, {"snapshot": _snapshot(body["snapshot"])})


def create_snapshot(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    authorize(req, VOL + "snapshots:create")
    validate_body(ps.snapshot_create, req.body)
    asked: dict[str, Any] = req.body["snapshot"]
    volume_id = asked["volume_id"]
    snapshot: dict[str, Any] = {"volume_id": volume_id, "force": as_bool(asked.get("force", False)), "metadata": {}}
    if asked.get("display_name") is not None:
        snapshot["name"] = asked["display_name"]
    if asked.get("display_description") is not None:
        snapshot["description"] = asked["display_description"]
    missing = f"Volume {volume_id} could not be found."
    created = _call(req, "POST", "/snapshots", missing, body={"snapshot": snapshot})["snapshot"]
    return Reply(200, {"snapshot": _snapshot(created)})


def delete_snapshot(req: ApiRequest) -> Reply:
    require_version(req, "2.1", PROXY_MAX)
    authorize(req, VOL + "snapshots:delete")
    snapshot_id = req.params["snapshot_id"]
    missing = f"Snapshot {snapshot_id} could not be found."
    _call(req, "DELETE", "/snapshots/{snapshot_id}", missing, params={"snapshot_id": snapshot_id})
    return Reply(202)
