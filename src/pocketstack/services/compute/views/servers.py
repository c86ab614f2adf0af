"""Server bodies: create, brief (index), full (show/detail), as each microversion has them."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pocketstack.core import timeutils
from pocketstack.core.api import ApiRequest
from pocketstack.services.compute import states as st
from pocketstack.services.compute.api.common import bookmark_link, links, v

PROGRESS_STATUSES = {"ACTIVE", "BUILD", "REBUILD", "RESIZE", "VERIFY_RESIZE", "MIGRATING"}
FAULT_STATUSES = {"ERROR", "DELETED"}
IMAGE_PROPERTY_PREFIXES = ("hw_", "os_", "img_", "hypervisor_", "vm_mode", "trait:", "architecture")


@dataclass
class Extras:
    """What a server body needs besides its row: from other services and policy."""

    addresses: Mapping[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    security_groups: Mapping[str, list[dict[str, Any]] | None] = field(default_factory=dict)
    host_status: Mapping[str, str] = field(default_factory=dict)
    extended: bool = False  # OS-EXT-SRV-ATTR:* (admin)
    extra_specs: bool = False  # flavor extra specs (2.47+)
    host_status_visible: bool = False  # 2.16 host_status
    admin: bool = False  # fault details


def plain_ip(addr: Mapping[str, Any]) -> dict[str, Any]:
    return {"version": addr["version"], "addr": addr["addr"]}


def host_id(host: str | None, project_id: str) -> str:
    if not host:
        return ""
    return hashlib.sha224((project_id + host).encode()).hexdigest()


def status(inst: Mapping[str, Any]) -> str:
    if inst["deleted"]:
        return "DELETED"
    return st.status(inst["vm_state"], inst["task_state"])


def create(req: ApiRequest, inst: Mapping[str, Any], security_groups: list[dict[str, Any]] | None) -> dict[str, Any]:
    return {
        "id": inst["uuid"],
        "links": links(req, "servers", inst["uuid"]),
        "OS-DCF:diskConfig": "AUTO" if inst["auto_disk_config"] else "MANUAL",
        "security_groups": security_groups if security_groups is not None else [{"name": "default"}],
    }


def basic(req: ApiRequest, inst: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": inst["uuid"], "name": inst["display_name"], "links": links(req, "servers", inst["uuid"])}


def _image(req: ApiRequest, inst: Mapping[str, Any]) -> Any:
    if not inst["image_ref"]:
        return ""
    image: dict[str, Any] = {
        "id": inst["image_ref"],
        "links": [{"rel": "bookmark", "href": bookmark_link(req, "images", inst["image_ref"])}],
    }
    if v(req, "2.98"):
        props = (inst["system_metadata"] or {}).get("image_properties") or {}
        image["properties"] = {
            k: val for k, val in props.items() if k.startswith(IMAGE_PROPERTY_PREFIXES) and val is not None
        }
    return image


def _flavor(req: ApiRequest, inst: Mapping[str, Any], extra_specs: bool) -> dict[str, Any]:
    f = inst["flavor"]
    if v(req, "2.47"):
        out = {
            "vcpus": f["vcpus"],
            "ram": f["memory_mb"],
            "disk": f["root_gb"],
            "ephemeral": f["ephemeral_gb"],
            "swap": f["swap"],
            "original_name": f["name"],
        }
        if extra_specs:
            out["extra_specs"] = dict(f.get("extra_specs") or {})
        return out
    return {
        "id": str(f["flavorid"]),
        "links": [{"rel": "bookmark", "href": bookmark_link(req, "flavors", str(f["flavorid"]))}],
    }


def _fault(inst: Mapping[str, Any], admin: bool) -> dict[str, Any] | None:
    fault = inst.get("fault")
    if not fault:
        return None
    out = {"code": fault["code"], "created": timeutils.iso_z(fault["created_at"]), "message": fault["message"]}
    if fault.get("details") and (admin or fault["code"] != 500):
        out["details"] = fault["details"]
    return out


def show(
    req: ApiRequest,
    inst: Mapping[str, Any],
    x: Extras,
    *,
    server_groups: bool = False,
    user_data: bool = True,
    reduced: bool = False,
    keypair: bool = True,
) -> dict[str, Any]:
    """The full server; ``reduced`` is the PUT/rebuild body before 2.75 (no AZ, config
    drive, usage, security group, status, volume or extended attributes, plain IPs)."""
    uuid_ = inst["uuid"]
    state = status(inst)
    addresses = {} if inst["vm_state"] == st.BUILDING else dict(x.addresses.get(uuid_, {}))
    if reduced:
        addresses = {net: [plain_ip(a) for a in ips] for net, ips in addresses.items()}
    out: dict[str, Any] = {
        "accessIPv4": inst["access_ip_v4"] or "",
        "accessIPv6": inst["access_ip_v6"] or "",
        "addresses": addresses,
        "created": timeutils.iso_z(inst["created_at"]),
        "flavor": _flavor(req, inst, x.extra_specs),
        "hostId": host_id(inst["host"], inst["project_id"]),
        "id": uuid_,
        "image": _image(req, inst),
        "links": links(req, "servers", uuid_),
        "metadata": dict(inst["metadata"] or {}),
        "name": inst["display_name"],
        "status": state,
        "tenant_id": inst["project_id"] or "",
        "user_id": inst["user_id"] or "",
        "updated": timeutils.iso_z(inst["updated_at"] or inst["created_at"]),
        "OS-DCF:diskConfig": "AUTO" if inst["auto_disk_config"] else "MANUAL",
    }
    if state in FAULT_STATUSES:
        fault = _fault(inst, x.admin)
        if fault:
            out["fault"] = fault
    if state in PROGRESS_STATUSES:
        out["progress"] = inst["progress"] or 0
    if not reduced:
        out["OS-EXT-AZ:availability_zone"] = inst["availability_zone"] or ""
        out["config_drive"] = inst["config_drive"] or ""
    if keypair:
        out["key_name"] = inst["key_name"]
    if not reduced:
        out["OS-SRV-USG:launched_at"] = timeutils.iso_micro(inst["launched_at"])
        out["OS-SRV-USG:terminated_at"] = timeutils.iso_micro(inst["terminated_at"])
        groups = x.security_groups.get(uuid_)
        if groups is None:
            groups = [{"name": name} for name in inst["security_groups"] or []]
        if groups:
            out["security_groups"] = groups
    if x.extended and not reduced:
        out["OS-EXT-SRV-ATTR:host"] = inst["host"]
        out["OS-EXT-SRV-ATTR:instance_name"] = f"instance-{inst['id']:08x}"
        out["OS-EXT-SRV-ATTR:hypervisor_hostname"] = inst["node"]
        if v(req, "2.3"):
            out["OS-EXT-SRV-ATTR:hostname"] = inst["hostname"]
            out["OS-EXT-SRV-ATTR:kernel_id"] = inst["kernel_id"] or ""
            out["OS-EXT-SRV-ATTR:launch_index"] = inst["launch_index"]
            out["OS-EXT-SRV-ATTR:ramdisk_id"] = inst["ramdisk_id"] or ""
            out["OS-EXT-SRV-ATTR:reservation_id"] = inst["reservation_id"]
            out["OS-EXT-SRV-ATTR:root_device_name"] = inst["root_device_name"]
            if user_data:
                out["OS-EXT-SRV-ATTR:user_data"] = inst["user_data"]
    if not reduced:
        out["OS-EXT-STS:task_state"] = inst["task_state"]
        out["OS-EXT-STS:vm_state"] = inst["vm_state"]
        out["OS-EXT-STS:power_state"] = inst["power_state"]
        attached = []
        for bdm in inst.get("bdms") or []:
            if bdm.get("volume_id"):
                item: dict[str, Any] = {"id": bdm["volume_id"]}
                if v(req, "2.3"):
                    item["delete_on_termination"] = bool(bdm["delete_on_termination"])
                attached.append(item)
        out["os-extended-volumes:volumes_attached"] = attached
    if v(req, "2.9"):
        out["locked"] = bool(inst["locked"])
    if v(req, "2.16") and x.host_status_visible and not reduced and uuid_ in x.host_status:
        out["host_status"] = x.host_status[uuid_]
    if v(req, "2.19"):
        out["description"] = inst["display_description"]
    if v(req, "2.26"):
        out["tags"] = list(inst.get("tags") or [])
    if v(req, "2.63"):
        out["trusted_image_certificates"] = inst["trusted_certs"]
    if server_groups:
        out["server_groups"] = [inst["server_group"]] if inst.get("server_group") else []
    if v(req, "2.73"):
        out["locked_reason"] = inst["locked_reason"]
    if v(req, "2.90") and (reduced or not x.extended):
        out["OS-EXT-SRV-ATTR:hostname"] = inst["hostname"]
    if v(req, "2.96"):
        out["pinned_availability_zone"] = inst["pinned_az"]
    if v(req, "2.100"):
        out["scheduler_hints"] = dict(inst["scheduler_hints"] or {})
    return out
