"""/os-volume-manage, /os-snapshot-manage and (3.8+) /manageable_volumes,
/manageable_snapshots: list what the backend holds, manage existing storage."""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.core.errors import ServiceUnavailable
from pocketstack.core.microversion import APIVersion
from pocketstack.core.validation import Versioned
from pocketstack.services.volume import errors as e
from pocketstack.services.volume import manage as logic
from pocketstack.services.volume import versions as mv
from pocketstack.services.volume.api.common import admin, check, links, since, svc, target, version
from pocketstack.services.volume.api.volumes import load as load_volume
from pocketstack.services.volume.listing import MAX_LIMIT
from pocketstack.services.volume.schemas import parts as p
from pocketstack.services.volume.store import strict_bool
from pocketstack.services.volume.views import snapshots as snapshot_views
from pocketstack.services.volume.views import volumes as volume_views

LEGACY = APIVersion.parse("3.0")  # the manage response ignores microversions (a Cinder FIXME)

_volume_manage = {
    "description": p.description,
    "availability_zone": p.name_allow_zero_min_length,
    "bootable": p.boolean,
    "volume_type": p.name_allow_zero_min_length,
    "name": p.name_allow_zero_min_length,
    "host": p.cinder_host,
    "ref": {"type": ["object", "string"]},
    "metadata": p.metadata_allows_null,
}
_volume_manage_v316 = {**_volume_manage, "cluster": {"type": ["string", "null"], "minLength": 0, "maxLength": 255}}
VOLUME_MANAGE = Versioned(
    ("3.0", "3.15", p.obj({"volume": p.obj(_volume_manage, ("ref",))}, ("volume",))),
    ("3.16", None, p.obj({"volume": p.obj(_volume_manage_v316, ("ref",))}, ("volume",))),
)
SNAPSHOT_MANAGE = p.obj(
    {
        "snapshot": p.obj(
            {
                "description": p.description,
                "metadata": p.metadata_allows_null,
                "name": p.name_allow_zero_min_length,
                "volume_id": p.uuid,
                "ref": {"type": ["object", "null", "string"]},
            },
            ("ref", "volume_id"),
        )
    },
    ("snapshot",),
)


def _host(req: ApiRequest, params: dict[str, Any], cluster_version: str | None) -> str:
    """``common.get_cluster_host``: exactly one of host and cluster (cluster from a version on)."""
    if cluster_version is not None and version(req) >= cluster_version:
        cluster, message = params.get("cluster"), "One and only one of cluster and host must be set."
    else:
        cluster, message = None, "Host field is missing."
    host = params.get("host")
    if bool(cluster) == bool(host):
        raise e.invalid_input(message)
    if cluster:
        # one backend, no clusters: no cluster service exists
        raise ServiceUnavailable(f"Cluster '{cluster}' not found")
    return str(host)


# -- managing ------------------------------------------------------------------------------------


def manage_volume(req: ApiRequest) -> Reply:
    check(req, VOLUME_MANAGE)
    req.authorize("volume_extension:volume_manage")
    body = req.body["volume"]
    host = _host(req, body, mv.VOLUME_MIGRATE_CLUSTER)
    s_ = svc(req)
    with s_.db.write() as conn:
        requested = body.get("volume_type")
        if requested:
            try:
                vtype = s_.types.get_by_name_or_id(conn, requested, req.ctx.project_id, True)
            except e.NotFound:
                raise e.invalid_volume_type(f"Cannot find requested '{requested}' volume type") from None
        else:
            vtype = s_.types.default(conn, req.ctx.project_id)
        row = s_.manageable.manage_volume(
            conn,
            req.ctx,
            host=host,
            ref=body["ref"],
            name=body["name"].strip() if body.get("name") else None,
            description=body["description"].strip() if body.get("description") else None,
            volume_type=vtype,
            metadata=body.get("metadata"),
            availability_zone=body.get("availability_zone"),
            bootable=strict_bool(body.get("bootable", False)),
        )
        # as the request left it (an instant backend may already have finished)
        row = s_.volumes.decorate(conn, [dict(row)])[0]
    body_out = volume_views.detail(row, links(req), LEGACY, admin=admin(req), attrs=frozenset())
    return Reply(202, {"volume": body_out})


def manage_volume_v38(req: ApiRequest) -> Reply:
    since(req, mv.MANAGE_EXISTING_LIST)
    return manage_volume(req)


def manage_snapshot(req: ApiRequest) -> Reply:
    check(req, SNAPSHOT_MANAGE)
    body = req.body["snapshot"]
    volume = load_volume(req, body["volume_id"])
    req.authorize("snapshot_extension:snapshot_manage", target(volume))
    s_ = svc(req)
    with s_.db.write() as conn:
        fresh = s_.volumes.visible(conn, volume["id"], req.ctx.project_id, admin(req))
        row = s_.manageable.manage_snapshot(
            conn,
            req.ctx,
            fresh,
            ref=body["ref"],
            name=body.get("name"),
            description=body.get("description"),
            metadata=body.get("metadata"),
        )
    return Reply(202, {"snapshot": snapshot_views.summary(row)})


def manage_snapshot_v38(req: ApiRequest) -> Reply:
    since(req, mv.MANAGE_EXISTING_LIST)
    return manage_snapshot(req)


# -- what the backend holds ------------------------------------------------------------------------


def _listing(req: ApiRequest, kind: str, detail: bool) -> Reply:
    req.authorize(f"{'volume' if kind == 'volume' else 'snapshot'}_extension:list_manageable")
    params = {k: vals[-1] for k, vals in req.query.items()}
    host = _host(req, params, mv.MANAGE_EXISTING_CLUSTER)
    limit = _int(params.get("limit"), "limit", MAX_LIMIT)
    offset = _int(params.get("offset"), "offset", 0)
    keys = [k.strip() for k in params.get("sort_key", "reference").split(",")]
    dirs = [d.strip() for d in params.get("sort_dir", "desc").split(",")]
    sort = [(k, dirs[i] if i < len(dirs) else dirs[-1]) for i, k in enumerate(keys)]
    if "sort" in params:
        sort = []
        for part in params["sort"].split(","):
            key, _, direction = part.partition(":")
            sort.append((key.strip(), (direction or "desc").strip()))
    with svc(req).db.read() as conn:
        entries = svc(req).manageable.listing(conn, kind, host)
    page = logic.paginate(entries, params.get("marker"), min(limit, MAX_LIMIT), offset, sort)
    fields = ["reference", "size", "safe_to_manage"]
    if detail:
        fields += ["reason_not_safe", "cinder_id", "extra_info"]
    if kind == "snapshot":
        fields.append("source_reference")
    items = [{f: entry[f] for f in fields} for entry in page]
    return Reply(200, {f"manageable-{kind}s": items})


def _int(raw: str | None, name: str, default: int) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise e.bad_request(f"{name} param must be an integer") from None
    if value < 0:
        raise e.bad_request(f"{name} param must be positive")
    return value


def list_volumes(req: ApiRequest) -> Reply:
    return _listing(req, "volume", detail=False)


def list_volumes_detail(req: ApiRequest) -> Reply:
    return _listing(req, "volume", detail=True)


def list_snapshots(req: ApiRequest) -> Reply:
    return _listing(req, "snapshot", detail=False)


def list_snapshots_detail(req: ApiRequest) -> Reply:
    return _listing(req, "snapshot", detail=True)


def list_volumes_v38(req: ApiRequest) -> Reply:
    since(req, mv.MANAGE_EXISTING_LIST)
    return list_volumes(req)


def list_volumes_detail_v38(req: ApiRequest) -> Reply:
    since(req, mv.MANAGE_EXISTING_LIST)
    return list_volumes_detail(req)


def list_snapshots_v38(req: ApiRequest) -> Reply:
    since(req, mv.MANAGE_EXISTING_LIST)
    return list_snapshots(req)


def list_snapshots_detail_v38(req: ApiRequest) -> Reply:
    since(req, mv.MANAGE_EXISTING_LIST)
    return list_snapshots_detail(req)
