"""/volumes: list, detail, summary, show, create, update, delete, metadata."""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.volume import errors as e
from pocketstack.services.volume import lists
from pocketstack.services.volume import versions as mv
from pocketstack.services.volume.api.common import (
    admin,
    authorize_or_404,
    bool_param,
    check_project,
    clean_name_and_description,
    links,
    since,
    svc,
    target,
    version,
)
from pocketstack.services.volume.listing import check_ascii_keys, drop_invalid, parse_page, reject_invalid
from pocketstack.services.volume.store import strict_bool
from pocketstack.services.volume.views import volumes as views

# cinder/etc/resource_filters.json: what non-admins may filter volumes by
VOLUME_FILTERS = (
    "name", "status", "metadata", "bootable", "migration_status", "availability_zone", "group_id", "size",
    "created_at", "updated_at", "consumes_quota",
)  # fmt: skip
_ADDED = (("3.3", "glance_metadata"), ("3.9", "group_id"), ("3.59", "created_at"), ("3.59", "updated_at"),
          ("3.64", "use_quota"))  # fmt: skip


def extension_attrs(req: ApiRequest) -> frozenset[str]:
    """Which os-vol-* attributes and volume_image_metadata the caller may see."""
    attrs = set()
    for name, rule in (
        ("host", "volume_extension:volume_host_attribute"),
        ("tenant", "volume_extension:volume_tenant_attribute"),
        ("migstat", "volume_extension:volume_mig_status_attribute"),
        ("image", "volume_extension:volume_image_metadata:show"),
    ):
        if req.allowed(rule):
            attrs.add(name)
    return frozenset(attrs)


def render(req: ApiRequest, row: dict[str, Any], attrs: frozenset[str] | None = None) -> dict[str, Any]:
    return views.detail(
        row,
        links(req),
        version(req),
        admin=admin(req),
        attrs=extension_attrs(req) if attrs is None else attrs,
        service_role="service" in req.ctx.roles,
    )


def load(req: ApiRequest, volume_id: str | None = None) -> dict[str, Any]:
    """The volume, visible to the caller and allowed by ``volume:get`` (else its 404)."""
    check_project(req)
    vid = volume_id or req.params["volume_id"]
    with svc(req).db.read() as conn:
        row = svc(req).volumes.visible(conn, vid, req.ctx.project_id, admin(req))
    authorize_or_404(req, "volume:get", row, e.volume_not_found(vid))
    return row


# -- listing -----------------------------------------------------------------------------------


def _filters(req: ApiRequest, page_filters: dict[str, Any]) -> tuple[dict[str, Any], bool, bool]:
    filters = dict(page_filters)
    ver = version(req)
    is_admin = admin(req)
    with_count = False
    if ver >= mv.SUPPORT_COUNT_INFO and "with_count" in filters:
        with_count = strict_bool(filters.pop("with_count"))
    all_projects = is_admin and _truthy(filters.pop("all_tenants", "0"))
    filters.pop("all_tenants", None)
    check_ascii_keys(filters)
    if ver >= mv.RESOURCE_FILTER:
        if not is_admin:
            reject_invalid(filters, VOLUME_FILTERS, like_ok=ver >= mv.LIKE_FILTER)
        if "consumes_quota" in filters:
            filters["use_quota"] = filters.pop("consumes_quota")
        for key in [k for k in filters if k in ("name~", "description~")]:
            filters[f"display_{key}"] = filters.pop(key)
    else:
        for last, name in _ADDED:
            if ver <= last:
                filters.pop(name, None)
        if not is_admin:
            drop_invalid(filters, VOLUME_FILTERS)
    if "name" in filters:
        filters["display_name"] = filters.pop("name")
    for key in list(filters):
        if key.startswith("display_") and key.endswith("~"):
            filters[key[len("display_") :]] = filters.pop(key)
    return filters, with_count, all_projects


def numeric(value: Any) -> int | None:
    """A size the validator accepted, as a string of digits or an integer."""
    return int(value) if isinstance(value, str) else value


def _truthy(value: str) -> bool:
    return str(value).strip().lower() in ("1", "t", "true", "on", "y", "yes")


def _list(req: ApiRequest, detail: bool) -> Reply:
    check_project(req)
    req.authorize("volume:get_all")
    page = parse_page(req.query)
    filters, with_count, all_projects = _filters(req, page.filters)
    ver = version(req)
    s = svc(req)
    with s.db.read() as conn:
        scope = lists.project_scope(lists.VOLUMES.table, req.ctx.project_id, all_projects)
        rows, count = lists.run(
            conn,
            lists.VOLUMES,
            scope,
            filters,
            page,
            e.volume_not_found,
            with_count=with_count,
            strict_booleans=ver >= mv.VOLUME_LIST_BOOTABLE,
            time_filters=ver >= mv.VOLUME_TIME_COMPARISON_FILTER,
        )
        if detail:
            rows = s.volumes.decorate(conn, rows)
    lk = links(req)
    if detail:
        attrs = extension_attrs(req)
        items = [render(req, r, attrs) for r in rows]
    else:
        items = [views.summary(r, lk) for r in rows]
    collection = "volumes/detail" if detail else "volumes"
    return Reply(200, views.listing(items, lk, collection, req.query, page.limit, ver, count))


def list_volumes(req: ApiRequest) -> Reply:
    return _list(req, detail=False)


def list_volumes_detail(req: ApiRequest) -> Reply:
    return _list(req, detail=True)


def summary(req: ApiRequest) -> Reply:
    check_project(req)
    since(req, mv.VOLUME_SUMMARY)
    req.authorize("volume:get_all")
    all_projects = admin(req) and _truthy(req.q("all_tenants", "0") or "0")
    count, size, metadata = svc(req).volumes.summary(req.ctx.project_id, all_projects)
    meta = metadata if version(req) >= mv.VOLUME_SUMMARY_METADATA else None
    return Reply(200, views.quick_summary(count, size, meta))


# -- one volume ----------------------------------------------------------------------------------


def show(req: ApiRequest) -> Reply:
    row = load(req)
    with svc(req).db.read() as conn:
        row = svc(req).volumes.decorate(conn, [row])[0]
    return Reply(200, {"volume": render(req, row)})


def create(req: ApiRequest) -> Reply:
    check_project(req)
    body = dict(req.body["volume"])
    clean_name_and_description(body)
    name = body.get("name", body.get("display_name"))
    description = body.get("description", body.get("display_description"))
    image_ref = body.get("imageRef", body.get("image_id"))
    s = svc(req)
    is_admin = admin(req)
    image = None
    if image_ref is not None:
        image = _resolve_image(req, image_ref)
    if body.get("multiattach") is not None and strict_bool(body["multiattach"]):
        raise e.bad_request(
            "multiattach parameter has been removed. The default behavior is to use multiattach enabled volume "
            "types. Contact your administrator to create a multiattach enabled volume type and use it to create "
            "multiattach volumes."
        )
    rule = "volume:create_from_image" if image is not None else "volume:create"
    req.authorize(rule, {"project_id": req.ctx.project_id})
    size = numeric(body.get("size"))
    group_id = None
    for key in ("consistencygroup_id", "group_id"):
        if body.get(key) is not None:
            # Cinder reads either as a generic group (group:get applies)
            with s.db.read() as conn:
                group = s.groups.visible(conn, body[key], req.ctx.project_id, is_admin)
            req.authorize("group:get", target(group))
            group_id = group["id"]
    row = s.volumes.create(
        req.ctx,
        is_admin,
        size=size,
        name=name,
        description=description,
        volume_type=body.get("volume_type") or None,
        metadata=body.get("metadata"),
        snapshot_id=body.get("snapshot_id"),
        source_volid=body.get("source_volid"),
        image=image,
        backup_id=body.get("backup_id"),
        availability_zone=body.get("availability_zone"),
        group_id=group_id,
        request_id=req.request_id,
    )
    # os-vol-* attributes and volume_image_metadata extend show and detail only
    return Reply(202, {"volume": render(req, row, frozenset())})


def _resolve_image(req: ApiRequest, image_ref: str) -> dict[str, Any]:
    """Cinder's ``_image_uuid_from_ref``: an id (or URL ending in one), else a unique name."""
    s = svc(req)
    images = s._image_service()
    uuid = str(image_ref).rstrip("/").split("/")[-1]
    if images is not None:
        try:
            return dict(images.get_image(req.ctx, uuid))
        except Exception:  # any failure means "not usable", as in Cinder
            pass
        finder = getattr(images, "find_images", None)
        if finder is not None:
            try:
                found = list(finder(req.ctx, name=image_ref))
            except Exception:
                found = []
            if len(found) > 1:
                raise e.Conflict(f"Multiple matches found for '{image_ref}', use an ID to be more specific.")
            if found:
                return dict(found[0])
    raise e.bad_request("Invalid image identifier or unable to access requested image.")


def update(req: ApiRequest) -> Reply:
    row = load(req)
    req.authorize("volume:update", target(row))
    body = dict(req.body["volume"])
    clean_name_and_description(body)
    changes: dict[str, Any] = {}
    if "name" in body or "display_name" in body:
        changes["name"] = body.get("name", body.get("display_name"))
    if "description" in body or "display_description" in body:
        changes["description"] = body.get("description", body.get("display_description"))
    if "metadata" in body:
        changes["metadata"] = body["metadata"]
    updated = svc(req).volumes.update(row["id"], req.ctx.project_id, admin(req), changes)
    return Reply(200, {"volume": render(req, updated, frozenset())})


def delete(req: ApiRequest) -> Reply:
    row = load(req)
    cascade = bool_param(req, "cascade")
    force = bool_param(req, "force") if version(req) >= mv.VOLUME_DELETE_FORCE else False
    req.authorize("volume:delete", target(row))
    if force:
        req.authorize("volume:force_delete", target(row))
    svc(req).volumes.delete(row["id"], req.ctx.project_id, admin(req), cascade=cascade, force=force)
    return Reply(202)


# -- metadata ------------------------------------------------------------------------------------


def get_metadata(req: ApiRequest) -> Reply:
    row = load(req)
    req.authorize("volume:get_volume_metadata", target(row))
    return Reply(200, {"metadata": svc(req).volumes.metadata(row["id"], req.ctx.project_id, admin(req))})


def create_metadata(req: ApiRequest) -> Reply:
    row = load(req)
    req.authorize("volume:create_volume_metadata", target(row))
    meta = svc(req).volumes.set_metadata(row["id"], req.ctx.project_id, admin(req), req.body["metadata"], False)
    return Reply(200, {"metadata": meta})


def replace_metadata(req: ApiRequest) -> Reply:
    row = load(req)
    req.authorize("volume:update_volume_metadata", target(row))
    meta = svc(req).volumes.set_metadata(row["id"], req.ctx.project_id, admin(req), req.body["metadata"], True)
    return Reply(200, {"metadata": meta})


def get_metadata_item(req: ApiRequest) -> Reply:
    row = load(req)
    req.authorize("volume:get_volume_metadata", target(row))
    key = req.params["key"]
    meta = svc(req).volumes.metadata(row["id"], req.ctx.project_id, admin(req))
    if key not in meta:
        raise e.NotFound(f"Volume {row['id']} has no metadata with key {key}.", kind="VolumeMetadataNotFound")
    return Reply(200, {"meta": {key: meta[key]}})


def update_metadata_item(req: ApiRequest) -> Reply:
    row = load(req)
    req.authorize("volume:update_volume_metadata", target(row))
    key = req.params["key"]
    meta = req.body["meta"]
    if key not in meta:
        raise e.bad_request("Request body and URI mismatch")
    svc(req).volumes.set_metadata(row["id"], req.ctx.project_id, admin(req), meta, False)
    return Reply(200, {"meta": meta})


def delete_metadata_item(req: ApiRequest) -> Reply:
    row = load(req)
    req.authorize("volume:delete_volume_metadata", target(row))
    svc(req).volumes.delete_metadata(row["id"], req.ctx.project_id, admin(req), req.params["key"])
    return Reply(200)


# -- encryption metadata -------------------------------------------------------------------------


def encryption_metadata(req: ApiRequest) -> Reply:
    row = load(req)
    req.authorize("volume_extension:volume_encryption_metadata", target(row))
    with svc(req).db.read() as conn:
        enc = svc(req).types.encryption(conn, row["volume_type_id"])
    body: dict[str, Any] = {"encryption_key_id": row["encryption_key_id"]}
    if enc is not None:
        body.update({k: enc[k] for k in ("control_location", "cipher", "key_size", "provider")})
    return Reply(200, body)


def encryption_metadata_item(req: ApiRequest) -> Reply:
    body = encryption_metadata(req).body
    key = req.params["key"]
    if key not in body:
        raise e.NotFound("The resource could not be found.", kind="KeyError")
    return Reply(200, body[key])
