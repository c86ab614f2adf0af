"""POST /volumes/{volume_id}/action: one handler per action name, as Cinder's wsgi.action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.core.validation import Versioned
from pocketstack.services.volume import errors as e
from pocketstack.services.volume import versions as mv
from pocketstack.services.volume.actions import check_reset_body
from pocketstack.services.volume.api.common import action_of, admin, check, no_such_action, svc, target, version
from pocketstack.services.volume.api.volumes import load, numeric
from pocketstack.services.volume.schemas import actions as s
from pocketstack.services.volume.store import strict_bool

Handler = Callable[[ApiRequest, dict[str, Any], Any], Reply]
_ACTIONS: dict[str, tuple[Any, str | None, Handler]] = {}


def action(name: str, schema: Any, since: str | None = None) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _ACTIONS[name] = (schema, since, fn)
        return fn

    return register


def dispatch(req: ApiRequest) -> Reply:
    name, _inner = action_of(req)
    entry = _ACTIONS.get(name)
    if entry is None:
        raise no_such_action(name)
    schema, since, fn = entry
    if since is not None and version(req) < since:
        raise e.resource_not_found()
    check(req, schema)
    volume = load(req)
    return fn(req, volume, req.body[name])


def _write(req: ApiRequest, volume: dict[str, Any], fn: Callable[..., Any], *args: Any) -> Any:
    """Run ``fn(conn, fresh_volume_row, *args)`` in one write transaction."""
    s_ = svc(req)
    with s_.db.write() as conn:
        fresh = s_.volumes.visible(conn, volume["id"], req.ctx.project_id, admin(req))
        return fn(conn, fresh, *args)


# -- attaching (the pre-3.27 flow) -------------------------------------------------------------------


@action("os-reserve", s.reserve)
def reserve(req: ApiRequest, volume: dict[str, Any], body: Any) -> Reply:
    req.authorize("volume_extension:volume_actions:reserve", target(volume))
    _write(req, volume, svc(req).attachments.reserve)
    return Reply(202)


@action("os-unreserve", s.unreserve)
def unreserve(req: ApiRequest, volume: dict[str, Any], body: Any) -> Reply:
    req.authorize("volume_extension:volume_actions:unreserve", target(volume))
    _write(req, volume, svc(req).attachments.unreserve)
    return Reply(202)


@action("os-attach", s.attach)
def attach(req: ApiRequest, volume: dict[str, Any], body: dict[str, Any]) -> Reply:
    req.authorize("volume_extension:volume_actions:attach", target(volume))
    mode = body.get("mode", "rw")
    _write(
        req,
        volume,
        lambda conn, fresh: svc(req).attachments.attach(
            conn,
            fresh,
            instance_uuid=body.get("instance_uuid"),
            host_name=body.get("host_name"),
            mountpoint=body["mountpoint"],
            mode=mode,
        ),
    )
    return Reply(202)


@action("os-detach", s.detach)
def detach(req: ApiRequest, volume: dict[str, Any], body: Any) -> Reply:
    req.authorize("volume_extension:volume_actions:detach", target(volume))
    attachment_id = (body or {}).get("attachment_id")
    s_ = svc(req)

    def run(conn: Any, fresh: dict[str, Any]) -> None:
        attachments = s_.attachments.for_volume(conn, fresh["id"])
        chosen = [x for x in attachments if x["id"] == attachment_id] if attachment_id else attachments
        if len(chosen) == 1:
            s_.attachments.check_user_may_delete(chosen[0])
        s_.attachments.detach(conn, fresh, attachment_id)

    _write(req, volume, run)
    return Reply(202)


@action("os-begin_detaching", s.begin_detaching)
def begin_detaching(req: ApiRequest, volume: dict[str, Any], body: Any) -> Reply:
    req.authorize("volume_extension:volume_actions:begin_detaching", target(volume))
    _write(req, volume, svc(req).attachments.begin_detaching)
    return Reply(202)


@action("os-roll_detaching", s.roll_detaching)
def roll_detaching(req: ApiRequest, volume: dict[str, Any], body: Any) -> Reply:
    req.authorize("volume_extension:volume_actions:roll_detaching", target(volume))
    _write(req, volume, svc(req).attachments.roll_detaching)
    return Reply(202)


@action("os-initialize_connection", s.initialize_connection)
def initialize_connection(req: ApiRequest, volume: dict[str, Any], body: dict[str, Any]) -> Reply:
    req.authorize("volume_extension:volume_actions:initialize_connection", target(volume))
    connector = body["connector"]
    info = _write(req, volume, svc(req).attachments.initialize_connection, connector)
    info["enforce_multipath"] = connector.get("enforce_multipath", False) if isinstance(connector, dict) else False
    return Reply(200, {"connection_info": info})


@action("os-terminate_connection", s.terminate_connection)
def terminate_connection(req: ApiRequest, volume: dict[str, Any], body: dict[str, Any]) -> Reply:
    req.authorize("volume_extension:volume_actions:terminate_connection", target(volume))
    s_ = svc(req)

    def run(conn: Any, fresh: dict[str, Any]) -> None:
        attachments = s_.attachments.for_volume(conn, fresh["id"])
        if len(attachments) == 1:
            s_.attachments.check_user_may_delete(attachments[0])
        s_.attachments.terminate_connection(conn, fresh)

    _write(req, volume, run)
    return Reply(202)


# -- size, type, flags ----------------------------------------------------------------------------


@action("os-extend", s.extend)
def extend(req: ApiRequest, volume: dict[str, Any], body: dict[str, Any]) -> Reply:
    new_size = numeric(body["new_size"])
    assert new_size is not None
    attached = version(req) >= mv.VOLUME_EXTEND_INUSE and volume["status"] == "in-use"
    rule = "volume:extend_attached_volume" if attached else "volume:extend"
    req.authorize(rule, target(volume))
    _write(req, volume, svc(req).actions.extend, int(new_size), attached)
    return Reply(202)


@action("os-retype", s.retype)
def retype(req: ApiRequest, volume: dict[str, Any], body: dict[str, Any]) -> Reply:
    req.authorize("volume:retype", target(volume))
    policy = body.get("migration_policy")
    _write(req, volume, lambda conn, fresh: svc(req).actions.retype(conn, req.ctx, fresh, body["new_type"], policy))
    return Reply(202)


@action("os-set_bootable", s.set_bootable)
def set_bootable(req: ApiRequest, volume: dict[str, Any], body: dict[str, Any]) -> Reply:
    req.authorize("volume:update", target(volume))
    _write(req, volume, svc(req).actions.set_bootable, strict_bool(body["bootable"]))
    return Reply(200)


@action("os-update_readonly_flag", s.readonly)
def update_readonly(req: ApiRequest, volume: dict[str, Any], body: dict[str, Any]) -> Reply:
    req.authorize("volume:update_readonly_flag", target(volume))
    _write(req, volume, svc(req).actions.set_readonly, strict_bool(body["readonly"]))
    return Reply(202)


@action("os-volume_upload_image", Versioned(("3.0", "3.0", s.upload_image), ("3.1", None, s.upload_image_v31)))
def upload_image(req: ApiRequest, volume: dict[str, Any], body: dict[str, Any]) -> Reply:
    force = strict_bool(body.get("force", "False"))
    req.authorize("volume_extension:volume_actions:upload_image", {"project_id": req.ctx.project_id})
    visibility = protected = None
    if version(req) >= mv.UPLOAD_IMAGE_PARAMS:
        visibility = body.get("visibility", "private")
        protected = strict_bool(body.get("protected", "False"))
        if visibility == "public":
            req.authorize("volume_extension:volume_actions:upload_public", {"project_id": req.ctx.project_id})
    result = svc(req).actions.upload(
        req.ctx, volume["id"], req.ctx.project_id, admin(req), body, force, visibility, protected
    )
    return Reply(202, {"os-volume_upload_image": result})


# -- image metadata --------------------------------------------------------------------------------


@action("os-show_image_metadata", s.show_image_metadata)
def show_image_metadata(req: ApiRequest, volume: dict[str, Any], body: Any) -> Reply:
    req.authorize("volume:get_volume_metadata", target(volume))
    with svc(req).db.read() as conn:
        return Reply(200, {"metadata": svc(req).actions.image_metadata(conn, volume["id"])})


@action("os-set_image_metadata", s.set_image_metadata)
def set_image_metadata(req: ApiRequest, volume: dict[str, Any], body: dict[str, Any]) -> Reply:
    req.authorize("volume_extension:volume_image_metadata:set", target(volume))
    meta = _write(req, volume, svc(req).actions.set_image_metadata, body["metadata"])
    return Reply(200, {"metadata": meta})


@action("os-unset_image_metadata", s.unset_image_metadata)
def unset_image_metadata(req: ApiRequest, volume: dict[str, Any], body: dict[str, Any]) -> Reply:
    req.authorize("volume_extension:volume_image_metadata:remove", target(volume))
    _write(req, volume, svc(req).actions.unset_image_metadata, body["key"])
    return Reply(200)


# -- admin actions -----------------------------------------------------------------------------------


@action("os-reset_status", s.reset_status)
def reset_status(req: ApiRequest, volume: dict[str, Any], body: dict[str, Any]) -> Reply:
    check_reset_body(body)
    req.authorize("volume_extension:volume_admin_actions:reset_status", target(volume))
    _write(req, volume, svc(req).actions.reset_status, body)
    return Reply(202)


@action("os-force_delete", s.force_delete)
def force_delete(req: ApiRequest, volume: dict[str, Any], body: Any) -> Reply:
    req.authorize("volume_extension:volume_admin_actions:force_delete", target(volume))
    req.authorize("volume:delete", target(volume))
    s_ = svc(req)
    _write(
        req,
        volume,
        lambda conn, fresh: s_.volumes.start_delete(conn, fresh, admin=admin(req), cascade=False, force=True),
    )
    return Reply(202)


@action("os-force_detach", s.force_detach)
def force_detach(req: ApiRequest, volume: dict[str, Any], body: dict[str, Any]) -> Reply:
    req.authorize("volume_extension:volume_admin_actions:force_detach", target(volume))
    s_ = svc(req)

    def run(conn: Any, fresh: dict[str, Any]) -> None:
        s_.attachments.terminate_connection(conn, fresh)
        fresh = s_.volumes.row(conn, fresh["id"]) or fresh
        s_.attachments.detach(conn, fresh, body.get("attachment_id"))

    _write(req, volume, run)
    return Reply(202)


@action("os-migrate_volume", Versioned(("3.0", "3.15", s.migrate), ("3.16", None, s.migrate_v316)))
def migrate(req: ApiRequest, volume: dict[str, Any], body: dict[str, Any]) -> Reply:
    req.authorize("volume_extension:volume_admin_actions:migrate_volume", target(volume))
    host, cluster = body.get("host"), body.get("cluster") if version(req) >= "3.16" else None
    if version(req) >= "3.16" and bool(host) == bool(cluster):
        raise e.invalid_input("One and only one of cluster and host must be set.")
    lock = strict_bool(body.get("lock_volume", False))
    _write(req, volume, svc(req).actions.migrate, host or cluster, lock)
    return Reply(202)


@action("os-migrate_volume_completion", s.migrate_completion)
def migrate_completion(req: ApiRequest, volume: dict[str, Any], body: dict[str, Any]) -> Reply:
    req.authorize("volume_extension:volume_admin_actions:migrate_volume_completion", target(volume))
    load(req, body["new_volume"])
    raise e.invalid_volume("Source volume not mid-migration.")


@action("os-extend_volume_completion", s.extend_completion, since=mv.EXTEND_VOLUME_COMPLETION)
def extend_completion(req: ApiRequest, volume: dict[str, Any], body: dict[str, Any]) -> Reply:
    req.authorize("volume_extension:volume_admin_actions:extend_volume_completion", target(volume))
    _write(req, volume, svc(req).actions.extend_completion, bool(body.get("error")))
    return Reply(202)


@action("revert", s.revert, since=mv.VOLUME_REVERT)
def revert(req: ApiRequest, volume: dict[str, Any], body: dict[str, Any]) -> Reply:
    req.authorize("volume:revert_to_snapshot", target(volume))
    _write(req, volume, svc(req).actions.revert, body.get("snapshot_id"))
    return Reply(202)


@action("os-reimage", s.reimage, since=mv.SUPPORT_REIMAGE_VOLUME)
def reimage(req: ApiRequest, volume: dict[str, Any], body: dict[str, Any]) -> Reply:
    reserved = strict_bool(body.get("reimage_reserved", "False"))
    rule = "volume:reimage_reserved" if volume["status"] == "reserved" else "volume:reimage"
    req.authorize(rule, target(volume))
    image = svc(req).get_image(req.ctx, body["image_id"])
    if image is None:
        raise e.NotFound(f"Image {body['image_id']} could not be found.", kind="ImageNotFound")
    _write(req, volume, svc(req).actions.reimage, image, reserved)
    return Reply(202)


@action("os-unmanage", s.unmanage)
def unmanage(req: ApiRequest, volume: dict[str, Any], body: Any) -> Reply:
    req.authorize("volume_extension:volume_unmanage", target(volume))
    s_ = svc(req)
    _write(
        req,
        volume,
        lambda conn, fresh: s_.volumes.start_delete(conn, fresh, admin=True, cascade=False, force=False, unmanage=True),
    )
    return Reply(202)
