"""``POST /servers/{server_id}/action``: one handler per action key, as Nova's."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.core.errors import ApiError, BadRequest, Conflict, NotFound
from pocketstack.core.validation import Versioned
from pocketstack.services.compute import states as st
from pocketstack.services.compute.api import netproxies
from pocketstack.services.compute.api.common import action_name, authorize, can, is_admin, svc, v
from pocketstack.services.compute.api.servers import catch_up, load, mutation_body, normalize_ipv6
from pocketstack.services.compute.create import generate_password
from pocketstack.services.compute.schemas import servers as s
from pocketstack.services.compute.validation import Schema, as_bool, validate_body

P = "os_compute_api:servers:"
Handler = Callable[[ApiRequest, dict[str, Any], Any], Reply]


def _validate(req: ApiRequest, schema: Schema | Versioned) -> None:
    spec = schema.for_version(req.version) if isinstance(schema, Versioned) else schema
    if spec is not None:
        validate_body(spec, req.body)


def _target(inst: dict[str, Any], user: bool = False) -> dict[str, Any]:
    out = {"project_id": inst["project_id"]}
    if user:
        out["user_id"] = inst["user_id"]
    return out


def _args(req: ApiRequest) -> dict[str, Any]:
    return {"admin": is_admin(req), "request_id": req.request_id}


# -- lifecycle ---------------------------------------------------------------------------


def _simple(policy: str, user: bool = False) -> Handler:
    def handler(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
        authorize(req, policy, _target(inst, user))
        svc(req).actions.simple(req.ctx, inst["uuid"], action_name(req.body), **_args(req))
        return Reply(202)

    return handler


def reboot(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
    authorize(req, P + "reboot", _target(inst, True))
    svc(req).actions.reboot(req.ctx, inst["uuid"], body["type"].upper() == "HARD", **_args(req))
    return Reply(202)


def lock(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
    authorize(req, "os_compute_api:os-lock-server:lock", _target(inst, True))
    reason = (body or {}).get("locked_reason") if v(req, "2.73") and isinstance(body, dict) else None
    svc(req).actions.lock(req.ctx, inst["uuid"], reason, **_args(req))
    return Reply(202)


def unlock(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
    authorize(req, "os_compute_api:os-lock-server:unlock", _target(inst, True))

    def override() -> bool:
        return can(req, "os_compute_api:os-lock-server:unlock:unlock_override", _target(inst))

    svc(req).actions.unlock(req.ctx, inst["uuid"], override=override, **_args(req))
    return Reply(202)


def rescue(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
    password = (body or {}).get("adminPass") or generate_password()
    authorize(req, "os_compute_api:os-rescue", _target(inst, True))
    image_ref = (body or {}).get("rescue_image_ref")
    if image_ref and svc(req).integration.get_image(req.ctx, image_ref) is None:
        raise BadRequest(f"Image {image_ref} could not be found.", kind="ImageNotFound")
    if not inst["image_ref"] and not v(req, "2.87"):
        raise BadRequest(
            f"Instance {inst['uuid']} cannot be rescued: Cannot rescue a volume-backed instance",
            kind="InstanceNotRescuable",
        )
    svc(req).actions.rescue(req.ctx, inst["uuid"], **_args(req))
    return Reply(200, {"adminPass": password})


def change_password(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
    authorize(req, "os_compute_api:os-admin-password", _target(inst, True))
    svc(req).actions.change_password(req.ctx, inst["uuid"], **_args(req))
    return Reply(202)


def resize(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
    authorize(req, P + "resize", _target(inst, True))
    flavor_ref = str(body["flavorRef"]).rstrip("/").rsplit("/", 1)[-1]
    try:
        flavor = svc(req).flavors.get_for_project(flavor_ref, req.ctx.project_id, is_admin(req))
    except NotFound:
        raise BadRequest(f"Unable to find flavor '{flavor_ref}'", kind="FlavorNotFound") from None
    if flavor["disabled"]:
        raise BadRequest(f"Unable to find flavor '{flavor_ref}'", kind="FlavorNotFound")
    svc(req).actions.resize(req.ctx, inst["uuid"], flavor, disk_config=body.get("OS-DCF:diskConfig"), **_args(req))
    return Reply(202)


def confirm_resize(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
    authorize(req, P + "confirm_resize", _target(inst, True))
    svc(req).actions.confirm_or_revert(req.ctx, inst["uuid"], False, **_args(req))
    return Reply(204)


def revert_resize(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
    authorize(req, P + "revert_resize", _target(inst, True))
    svc(req).actions.confirm_or_revert(req.ctx, inst["uuid"], True, **_args(req))
    return Reply(202)


def migrate(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
    host = (body or {}).get("host") if v(req, "2.56") and isinstance(body, dict) else None
    authorize(req, "os_compute_api:os-migrate-server:migrate" + (":host" if host else ""), _target(inst))
    svc(req).actions.resize(req.ctx, inst["uuid"], None, host=host, **_args(req))
    return Reply(202)


def live_migrate(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
    host = body.get("host")
    authorize(req, "os_compute_api:os-migrate-server:migrate_live" + (":host" if host else ""), _target(inst))
    if host:
        from pocketstack.services.compute.api.servers import _check_host

        try:
            _check_host(req, host, None)
        except BadRequest as exc:
            raise BadRequest(exc.message, kind="ComputeHostNotFound") from None
    svc(req).actions.live_migrate(req.ctx, inst["uuid"], host, **_args(req))
    return Reply(202)


def rebuild(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
    authorize(req, P + "rebuild", _target(inst, True))
    if v(req, "2.63") and "trusted_image_certificates" in body:
        authorize(req, P + "rebuild:trusted_certs", _target(inst, True))
    password = body.get("adminPass") or generate_password()
    changes: dict[str, Any] = {}
    mapping = {
        "name": "display_name",
        "metadata": "metadata",
        "accessIPv4": "access_ip_v4",
        "accessIPv6": "access_ip_v6",
    }
    if v(req, "2.19"):
        mapping["description"] = "display_description"
    for key, column in mapping.items():
        if key in body:
            changes[column] = body[key]
    if changes.get("access_ip_v6"):
        changes["access_ip_v6"] = normalize_ipv6(changes["access_ip_v6"])
    if "OS-DCF:diskConfig" in body:
        changes["auto_disk_config"] = body["OS-DCF:diskConfig"] == "AUTO"
    if v(req, "2.54") and "key_name" in body:
        changes["key_name"] = body["key_name"]
    if v(req, "2.57") and "user_data" in body:
        changes["user_data"] = body["user_data"]
    if v(req, "2.63") and "trusted_image_certificates" in body:
        changes["trusted_certs"] = body["trusted_image_certificates"]
    if v(req, "2.90") and "hostname" in body:
        changes["hostname"] = body["hostname"]
    image_ref = str(body["imageRef"]).rstrip("/").rsplit("/", 1)[-1]
    if not inst["image_ref"] and not v(req, "2.93"):
        raise BadRequest(
            "Rebuilding a volume-backed server is only supported from microversion 2.93", kind="InvalidVolume"
        )
    files = [(f["path"], f["contents"]) for f in body.get("personality") or []]
    svc(req).ops.rebuild(req.ctx, inst["uuid"], image_ref, changes, files=files, **_args(req))
    fresh = load(req)
    out = mutation_body(req, fresh, user_data=False, keypair=v(req, "2.54"))
    out["adminPass"] = password
    if v(req, "2.57"):
        out["user_data"] = fresh["user_data"]
    return Reply(202, {"server": out}, headers={"Location": f"{req.service_url}/v2.1/servers/{inst['uuid']}"})


def create_image(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
    authorize(req, P + "create_image", _target(inst))
    if svc(req).volumes.is_volume_backed(inst):
        authorize(req, P + "create_image:allow_volume_backed", _target(inst))
    image = svc(req).ops.snapshot(req.ctx, inst["uuid"], body["name"], body.get("metadata") or {}, **_args(req))
    if v(req, "2.45"):
        return Reply(202, {"image_id": image["id"]})
    return Reply(202, headers={"Location": f"{req.base_url}/image/v2/images/{image['id']}"})


def create_backup(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
    authorize(req, "os_compute_api:os-create-backup", _target(inst))
    backup = {"backup_type": body["backup_type"], "rotation": int(body["rotation"])}
    image = svc(req).ops.snapshot(
        req.ctx, inst["uuid"], body["name"], body.get("metadata") or {}, backup=backup, **_args(req)
    )
    if v(req, "2.45"):
        return Reply(202, {"image_id": image["id"]})
    return Reply(202, headers={"Location": f"{req.base_url}/image/v2/images/{image['id']}"})


def shelve(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
    authorize(req, "os_compute_api:os-shelve:shelve", _target(inst, True))
    svc(req).ops.shelve(req.ctx, inst["uuid"], **_args(req))
    return Reply(202)


def shelve_offload(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
    authorize(req, "os_compute_api:os-shelve:shelve_offload", _target(inst))
    svc(req).ops.shelve_offload(req.ctx, inst["uuid"], **_args(req))
    return Reply(202)


def unshelve(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
    authorize(req, "os_compute_api:os-shelve:unshelve", _target(inst))
    kwargs: dict[str, Any] = {}
    if isinstance(body, dict):
        if v(req, "2.77") and "availability_zone" in body:
            kwargs["availability_zone"] = body["availability_zone"]
        if v(req, "2.91") and body.get("host"):
            authorize(req, "os_compute_api:os-shelve:unshelve_to_host", _target(inst))
            if inst["vm_state"] != st.SHELVED_OFFLOADED:
                raise Conflict("The host parameter can only be specified when the server is shelved offloaded.")
            kwargs["host"] = body["host"]
    svc(req).ops.unshelve(req.ctx, inst["uuid"], **_args(req), **kwargs)
    return Reply(202)


def reset_state(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
    authorize(req, "os_compute_api:os-admin-actions:reset_state", _target(inst))
    svc(req).ops.reset_state(req.ctx, inst["uuid"], body["state"], request_id=req.request_id)
    return Reply(202)


def inject_network_info(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
    authorize(req, "os_compute_api:os-admin-actions:inject_network_info", _target(inst))
    return Reply(202)


def force_delete(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
    authorize(req, "os_compute_api:os-deferred-delete:force", _target(inst, True))
    svc(req).ops.delete(req.ctx, inst["uuid"], force=True, **_args(req))
    return Reply(202)


def restore(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
    authorize(req, "os_compute_api:os-deferred-delete:restore", _target(inst))
    from pocketstack.services.compute.actions import GUARDS, check

    check(inst, GUARDS["restore"], admin=is_admin(req))
    return Reply(202)


def evacuate(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
    authorize(req, "os_compute_api:os-evacuate", _target(inst, True))
    host = body.get("host")
    if v(req, "2.29") and not v(req, "2.68") and as_bool(body.get("force", False)) and not host:
        raise BadRequest("Can't force to a non-provided destination")
    password = body.get("adminPass") or generate_password()
    if host is not None:
        from pocketstack.services.compute.api.servers import _check_host

        try:
            _check_host(req, host, None)
        except BadRequest:
            raise NotFound(f"Compute host {host} not found.") from None
        if host == inst["host"]:
            raise BadRequest("The target host can't be the same one.")
    svc(req).actions.evacuate(req.ctx, inst["uuid"], host, v(req, "2.95"), **_args(req))
    if v(req, "2.14"):
        return Reply(200)
    return Reply(200, {"adminPass": password})


# -- networking --------------------------------------------------------------------------


def _security_group(add: bool) -> Handler:
    def handler(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
        authorize(req, "os_compute_api:os-security-groups:" + ("add" if add else "remove"), _target(inst))
        name = (body.get("name") or "").strip()
        if not name:
            raise BadRequest("Security group name cannot be empty")
        network = svc(req).integration.network()
        if network is None:
            raise NotFound(f"Security group {name} not found for project {inst['project_id']}.")
        fn = network.add_security_group if add else network.remove_security_group
        try:
            fn(req.ctx, server_id=inst["uuid"], group=name)
        except ApiError as exc:
            if exc.status == 404:
                raise NotFound(f"Security group {name} not found for project {inst['project_id']}.") from None
            if exc.status == 409:
                raise Conflict(exc.message) from None
            raise BadRequest(exc.message) from None
        return Reply(202)

    return handler


# -- consoles --------------------------------------------------------------------------------


def console_output(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
    authorize(req, "os_compute_api:os-console-output", _target(inst))
    length = body.get("length")
    if inst["vm_state"] == st.BUILDING or not inst["host"]:
        raise Conflict(f"Instance {inst['uuid']} is not ready", kind="InstanceNotReady")
    lines = console_lines(inst)
    if length is not None and int(length) >= 0:
        lines = lines[-int(length) :] if int(length) else []
    output = "\n".join(lines)
    return Reply(200, {"output": re.sub("[\x00-\x08\x0b-\x1f]", "", output)})


def console_lines(inst: dict[str, Any]) -> list[str]:
    """A simulated serial console: what a cirros boot prints, with this server's details."""
    name = inst["hostname"] or inst["display_name"]
    return [
        "[    0.000000] Linux version 5.15.0-71-generic (simulated by pocketstack)",
        "[    0.000000] Command line: BOOT_IMAGE=/vmlinuz root=LABEL=cirros-rootfs ro console=tty1 console=ttyS0",
        f"[    1.204311] EXT4-fs ({inst['root_device_name'] or '/dev/vda'}1): mounted filesystem",
        "checking http://169.254.169.254/2009-04-04/instance-id",
        f"successful after 1/20 tries: up 2.10. iid={inst['uuid']}",
        f"=== system information === Platform: OpenStack Foundation OpenStack Nova ({inst['uuid']})",
        f"=== cirros: current=0.6.2 uptime=3.41 === hostname {name}",
        "login as 'cirros' user. default password: 'gocubsgo'. use 'sudo' for root.",
        f"{name} login: ",
    ]


def legacy_console(kind: str, protocol: str) -> Handler:
    def handler(req: ApiRequest, inst: dict[str, Any], body: Any) -> Reply:
        authorize(req, "os_compute_api:os-remote-consoles", _target(inst))
        if inst["vm_state"] == st.BUILDING or not inst["host"]:
            raise Conflict(f"Instance {inst['uuid']} is not ready", kind="InstanceNotReady")
        console_type = body["type"]
        return Reply(200, {"console": {"type": console_type, "url": console_url(req, protocol, console_type, inst)}})

    return handler


def console_url(req: ApiRequest, protocol: str, console_type: str, inst: dict[str, Any]) -> str:
    import secrets

    token = secrets.token_hex(16)
    paths = {
        "vnc": "/vnc_auto.html?path=%3Ftoken%3D",
        "spice": "/spice_auto.html?token=",
        "serial": "/?token=",
        "mks": "/?token=",
        "rdp": "/?token=",
    }
    host = req.base_url.split("://", 1)[-1].rsplit(":", 1)[0]
    port = {"vnc": 6080, "spice": 6082, "serial": 6083, "mks": 6090, "rdp": 6083}[protocol]
    scheme = "ws" if protocol == "serial" else "http"
    return f"{scheme}://{host}:{port}{paths[protocol]}{token}"


# -- dispatch ----------------------------------------------------------------------------------

# action -> (handler, schema, min version, max version)
ACTIONS: dict[str, tuple[Handler, Schema | Versioned, str, str | None]] = {
    "reboot": (reboot, s.reboot, "2.1", None),
    "resize": (resize, s.resize, "2.1", None),
    "confirmResize": (confirm_resize, s.bare("confirmResize"), "2.1", None),
    "revertResize": (revert_resize, s.bare("revertResize"), "2.1", None),
    "rebuild": (rebuild, s.rebuild, "2.1", None),
    "createImage": (create_image, s.create_image, "2.1", None),
    "createBackup": (create_backup, s.create_backup, "2.1", None),
    "os-start": (_simple(P + "start"), s.bare("os-start"), "2.1", None),
    "os-stop": (_simple(P + "stop"), s.bare("os-stop"), "2.1", None),
    "trigger_crash_dump": (_simple(P + "trigger_crash_dump"), s.trigger_crash_dump, "2.17", None),
    "pause": (_simple("os_compute_api:os-pause-server:pause", True), s.bare("pause"), "2.1", None),
    "unpause": (_simple("os_compute_api:os-pause-server:unpause", True), s.bare("unpause"), "2.1", None),
    "suspend": (_simple("os_compute_api:os-suspend-server:suspend", True), s.bare("suspend"), "2.1", None),
    "resume": (_simple("os_compute_api:os-suspend-server:resume", True), s.bare("resume"), "2.1", None),
    "lock": (lock, Versioned(("2.1", "2.72", s.bare("lock")), ("2.73", None, s.lock_v273)), "2.1", None),
    "unlock": (unlock, s.bare("unlock"), "2.1", None),
    "rescue": (rescue, s.rescue, "2.1", None),
    "unrescue": (_simple("os_compute_api:os-unrescue", True), s.bare("unrescue"), "2.1", None),
    "shelve": (shelve, s.bare("shelve"), "2.1", None),
    "shelveOffload": (shelve_offload, s.bare("shelveOffload"), "2.1", None),
    "unshelve": (unshelve, s.unshelve, "2.1", None),
    "changePassword": (change_password, s.change_password, "2.1", None),
    "os-resetState": (reset_state, s.reset_state, "2.1", None),
    "injectNetworkInfo": (inject_network_info, s.bare("injectNetworkInfo"), "2.1", None),
    "migrate": (migrate, s.migrate, "2.1", None),
    "os-migrateLive": (live_migrate, s.live_migrate, "2.1", None),
    "addSecurityGroup": (_security_group(True), s.security_group["addSecurityGroup"], "2.1", None),
    "removeSecurityGroup": (_security_group(False), s.security_group["removeSecurityGroup"], "2.1", None),
    "os-getConsoleOutput": (console_output, s.console_output, "2.1", None),
    "forceDelete": (force_delete, s.bare("forceDelete"), "2.1", None),
    "addFloatingIp": (netproxies.add_floating_ip, s.add_floating_ip, "2.1", "2.43"),
    "removeFloatingIp": (netproxies.remove_floating_ip, s.remove_floating_ip, "2.1", "2.43"),
    "restore": (restore, s.bare("restore"), "2.1", None),
    "evacuate": (evacuate, s.evacuate, "2.1", None),
    "os-getVNCConsole": (legacy_console("novnc", "vnc"), s.legacy_console["os-getVNCConsole"], "2.1", "2.5"),
    "os-getSPICEConsole": (
        legacy_console("spice-html5", "spice"),
        s.legacy_console["os-getSPICEConsole"],
        "2.1",
        "2.5",
    ),
    "os-getSerialConsole": (legacy_console("serial", "serial"), s.legacy_console["os-getSerialConsole"], "2.1", "2.5"),
}


def server_action(req: ApiRequest) -> Reply:
    name = action_name(req.body)
    entry = ACTIONS.get(name)
    if entry is None:
        raise BadRequest(f"There is no such action: {name}")
    handler, schema, lo, hi = entry
    if req.version is not None and (req.version < lo or (hi is not None and req.version > hi)):
        raise NotFound("The resource could not be found.", kind="VersionNotFoundForAPIMethod")
    _validate(req, schema)
    catch_up(req)
    inst = load(req)
    return handler(req, inst, req.body[name])


__all__ = ["ACTIONS", "as_bool", "server_action"]
