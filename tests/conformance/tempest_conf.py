"""``tempest.conf`` for a running pocketstack, one function per service section.

``build(cloud, services)`` merges the common sections with each present service's
sections.  To add a service, fill in its function below (it gets a :class:`CloudInfo`
to discover ids through the cloud's own API) and register it in ``SECTIONS``; keep
feature flags in step with what the service really implements, so that Tempest skips
what does not apply instead of counting it as a failure.
"""

from __future__ import annotations

import configparser
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

Sections = dict[str, dict[str, str]]

# Keystone's [security_compliance] for the conformance cloud; Tempest is told the same
# values ([identity] user_lockout_* …) so its security-compliance tests know what to expect.
LOCKOUT_FAILURE_ATTEMPTS = 2
LOCKOUT_DURATION = 5
UNIQUE_LAST_PASSWORD_COUNT = 2
MINIMUM_PASSWORD_AGE = 0
IMAGE_FORMAT_ENFORCEMENT = False

SERVER_CONFIG = f"""
[identity.security_compliance]
lockout_failure_attempts = {LOCKOUT_FAILURE_ATTEMPTS}
lockout_duration = {LOCKOUT_DURATION}
unique_last_password_count = {UNIQUE_LAST_PASSWORD_COUNT}
minimum_password_age = {MINIMUM_PASSWORD_AGE}

[image]
# Glance's [image_format] require_image_format_match, off so that Tempest's image tests
# that upload random bytes as any disk format run (image_format_enforcement below)
require_image_format_match = {str(IMAGE_FORMAT_ENFORCEMENT).lower()}

[compute]
# servers, their actions and snapshots take a moment, as on a real cloud (Tempest polls
# each second; some of its tests look for the states in between, e.g. an image SAVING)
build_mode = "delay"
build_delay = 0.3

[volume]
# DevStack's multi-backend job: two LVM backends (lvmdriver-1, lvmdriver-2)
backends = 2
"""


def on(flag: bool) -> str:
    return "true" if flag else "false"


@dataclass
class CloudInfo:
    """The cloud under test, and an admin's view of its API for discovery."""

    url: str  # http://127.0.0.1:PORT
    admin_password: str
    services: tuple[str, ...]  # pocketstack service names that are running
    workdir: Path
    region: str = "RegionOne"
    _token: str | None = field(default=None, repr=False)

    @property
    def auth_url(self) -> str:
        return f"{self.url}/v3"

    def token(self) -> str:
        if self._token is None:
            body = {
                "auth": {
                    "identity": {
                        "methods": ["password"],
                        "password": {
                            "user": {"name": "admin", "domain": {"id": "default"}, "password": self.admin_password}
                        },
                    },
                    "scope": {"project": {"name": "admin", "domain": {"id": "default"}}},
                }
            }
            r = httpx.post(f"{self.auth_url}/auth/tokens", json=body, timeout=30)
            r.raise_for_status()
            self._token = r.headers["X-Subject-Token"]
        return self._token

    def get(self, path: str, **params: Any) -> Any:
        """GET ``path`` (relative to the cloud's root) as the admin; the JSON body."""
        r = httpx.get(f"{self.url}{path}", params=params, headers={"X-Auth-Token": self.token()}, timeout=30)
        r.raise_for_status()
        return r.json()

    def has(self, service: str) -> bool:
        return service in self.services


# -- common --------------------------------------------------------------------------------


def common(cloud: CloudInfo) -> Sections:
    return {
        "DEFAULT": {
            "log_dir": str(cloud.workdir),
            "log_file": "tempest.log",
            "debug": "true",
            "use_stderr": "false",
        },
        "oslo_concurrency": {"lock_path": str(cloud.workdir / "locks")},
        "auth": {
            "use_dynamic_credentials": "true",
            "admin_username": "admin",
            "admin_password": cloud.admin_password,
            "admin_project_name": "admin",
            "admin_domain_name": "Default",
            "admin_user_domain_name": "Default",
            "admin_project_domain_name": "Default",
            "default_credentials_domain_name": "Default",
            "tempest_roles": "member",
            "create_isolated_networks": on(cloud.has("network")),
        },
        "service_available": {
            "nova": on(cloud.has("compute")),
            "neutron": on(cloud.has("network")),
            "cinder": on(cloud.has("volume")),
            "glance": on(cloud.has("image")),
            "swift": "false",
            "horizon": "false",
        },
        "validation": {"run_validation": "false"},
        # pocketstack enforces every service's policy scope types (oslo.policy's default)
        "enforce_scope": {name: "true" for name in ("keystone", "nova", "neutron", "glance", "cinder")},
    }


# -- one function per service ---------------------------------------------------------------


def identity(cloud: CloudInfo) -> Sections:
    return {
        "identity": {
            "uri_v3": cloud.auth_url,
            "auth_version": "v3",
            "catalog_type": "identity",
            "region": cloud.region,
            "v3_endpoint_type": "public",
            "admin_role": "admin",
            "default_domain_id": "default",
            "user_lockout_failure_attempts": str(LOCKOUT_FAILURE_ATTEMPTS),
            "user_lockout_duration": str(LOCKOUT_DURATION),
            "user_unique_last_password_count": str(UNIQUE_LAST_PASSWORD_COUNT),
            "user_minimum_password_age": str(MINIMUM_PASSWORD_AGE),
        },
        "identity-feature-enabled": {
            "api_v2": "false",
            "api_v2_admin": "false",
            "api_v3": "true",
            "trust": "true",
            # the Keystone API extensions pocketstack implements (Tempest checks these names)
            "api_extensions": "OS-INHERIT, OS-EC2, OS-EP-FILTER, OS-TRUST",
            "domain_specific_drivers": "false",
            "security_compliance": "true",
            "access_rules": "true",
            "immutable_user_source": "false",
        },
    }


def compute(cloud: CloudInfo) -> Sections:
    """Nova as pocketstack simulates it: DevStack's tempest flavors, several simulated
    hosts (so migrations run), no metadata service, no guest validation."""
    root = cloud.get("/compute/")
    versions = root.get("versions", [root.get("version", {})])
    current: dict[str, Any] = next((v for v in versions if v.get("id") == "v2.1"), {})
    images = cloud.get("/image/v2/images", status="active").get("images", []) if cloud.has("image") else []
    flavors = sorted(cloud.get("/compute/v2.1/flavors/detail").get("flavors", []), key=lambda f: f.get("ram", 0))
    opts = {
        "catalog_type": "compute",
        "region": cloud.region,
        "endpoint_type": "publicURL",
        "min_microversion": current.get("min_version") or "2.1",
        "max_microversion": current.get("version") or "latest",
        "build_timeout": "60",
        "build_interval": "1",
    }
    if images:
        opts["image_ref"] = images[0]["id"]
        opts["image_ref_alt"] = images[1]["id"] if len(images) > 1 else images[0]["id"]
    if flavors:
        ids = {f["id"] for f in flavors}
        # DevStack's lib/tempest flavors (m1.nano, m1.micro) when present
        opts["flavor_ref"] = "42" if "42" in ids else flavors[0]["id"]
        opts["flavor_ref_alt"] = "84" if "84" in ids else (flavors[1]["id"] if len(flavors) > 1 else flavors[0]["id"])
    hypervisors = cloud.get("/compute/v2.1/os-hypervisors").get("hypervisors", [])
    opts["min_compute_nodes"] = str(max(1, len(hypervisors)))
    opts["hypervisor_type"] = "QEMU"
    features = {
        # what the simulated compute really does (the rest stays off so Tempest skips it)
        "change_password": "true",
        "resize": "true",
        "pause": "true",
        "suspend": "true",
        "shelve": "true",
        "shelve_migrate": "true",
        "cold_migration": "true",
        "live_migration": "true",
        "volume_backed_live_migration": "true",
        "live_migrate_back_and_forth": "true",
        "block_migration_for_live_migration": "true",
        "vnc_console": "true",
        "spice_console": "false",
        "serial_console": "false",
        "rescue": "true",
        "stable_rescue": "true",
        "console_output": "true",
        "interface_attach": "true",
        "snapshot": "true",
        "config_drive": "true",
        "metadata_service": "false",
        "personality": "true",
        "enable_instance_password": "true",
        "attach_encrypted_volume": "false",
        "swap_volume": "false",
        # DevStack's ENABLE_VOLUME_MULTIATTACH: the volume service has its multiattach type
        "volume_multiattach": on(_multiattach_type(cloud) is not None),
        "disk_config": "true",
        "scheduler_enabled_filters": "AvailabilityZoneFilter, ComputeFilter, ComputeCapabilitiesFilter, "
        "ImagePropertiesFilter, ServerGroupAntiAffinityFilter, ServerGroupAffinityFilter, SameHostFilter, "
        "DifferentHostFilter",
        "nova_policy_roles": "admin, manager, member, reader",
    }
    return {"compute": opts, "compute-feature-enabled": features}


def _multiattach_type(cloud: CloudInfo) -> str | None:
    """The volume type DevStack makes for multiattach (``multiattach="<is> True"``), if any."""
    if not cloud.has("volume"):
        return None
    for vtype in cloud.get("/volume/v3/types").get("volume_types", []):
        if (vtype.get("extra_specs") or {}).get("multiattach") == "<is> True":
            return str(vtype["name"])
    return None


def network(cloud: CloudInfo) -> Sections:
    """Neutron as pocketstack runs it (ML2/OVN-like): the extensions it lists (RBAC, QoS,
    trunks, segments, auto-allocated topology …; Tempest skips DHCP agent scheduling, DVR,
    metering), IPv6 with address modes, port security, floating IPs on DevStack's
    ``public`` network."""
    nets = cloud.get("/networking/v2.0/networks", **{"router:external": "true"}).get("networks", [])
    extensions = [e["alias"] for e in cloud.get("/networking/v2.0/extensions").get("extensions", [])]
    opts = {
        "catalog_type": "network",
        "region": cloud.region,
        "endpoint_type": "publicURL",
        "build_timeout": "60",
        "build_interval": "1",
    }
    if nets:
        opts["public_network_id"] = nets[0]["id"]
        opts["floating_network_name"] = nets[0]["name"]
    features = {
        "api_extensions": ",".join(extensions),
        "ipv6": "true",
        "ipv6_subnet_attributes": "true",
        "port_security": "true",
        "floating_ips": "true",
        "port_admin_state_change": "true",
    }
    return {"network": opts, "network-feature-enabled": features}


def volume(cloud: CloudInfo) -> Sections:
    """Cinder v3 as pocketstack runs it: LVM-like backends (lvmdriver-1, …), backups,
    snapshots, clones, manage/unmanage, microversions 3.0-3.71; no replication."""
    pools = cloud.get("/volume/v3/scheduler-stats/get_pools", detail="true").get("pools", [])
    names = sorted({p["capabilities"]["volume_backend_name"] for p in pools}) or ["lvmdriver-1"]
    return {
        "volume": {
            "catalog_type": "block-storage",
            "region": cloud.region,
            "endpoint_type": "publicURL",
            "build_timeout": "60",
            "build_interval": "1",
            "min_microversion": "3.0",
            "max_microversion": "3.71",
            "backend_names": ",".join(names),
            "storage_protocol": "iSCSI",
            "vendor_name": "Open Source",
            "disk_format": "raw,qcow2",
            "volume_type_multiattach": _multiattach_type(cloud) or "",
        },
        "volume-feature-enabled": {
            "backup": "true",
            "snapshot": "true",
            "clone": "true",
            "multi_backend": on(len(names) > 1),
            "manage_snapshot": "true",
            "manage_volume": "true",
            "replication": "false",
            # Cinder tells Nova (volume-extended) and Nova records the extend_volume action
            "extend_attached_volume": on(cloud.has("compute")),
            "extend_attached_encrypted_volume": on(cloud.has("compute")),
            "extend_volume_with_snapshot": "true",
        },
    }


def image(cloud: CloudInfo) -> Sections:
    """Glance v2 as pocketstack runs it: one store, no cache, glance-direct import,
    locations hidden, uploads inspected against their disk_format."""
    return {
        "image": {
            "catalog_type": "image",
            "region": cloud.region,
            "endpoint_type": "publicURL",
            "build_timeout": "60",
            "build_interval": "1",
            "image_caching_enabled": "false",
        },
        "image-feature-enabled": {
            "api_v2": "true",
            "import_image": "true",
            "os_glance_reserved": "true",
            "manage_locations": "false",
            "image_conversion": "false",
            "image_format_enforcement": on(IMAGE_FORMAT_ENFORCEMENT),
            "do_secure_hash": "true",
            "http_store_enabled": "false",
        },
    }


SECTIONS: dict[str, Callable[[CloudInfo], Sections]] = {
    "identity": identity,
    "compute": compute,
    "network": network,
    "volume": volume,
    "image": image,
}


# -- assembling and writing --------------------------------------------------------------------


def merge(*parts: Sections) -> Sections:
    out: Sections = {}
    for part in parts:
        for section, options in part.items():
            out.setdefault(section, {}).update(options)
    return out


# the other services' sections a service's Tempest tests read (volume tests boot servers
# from [compute] image_ref and flavor_ref on the cloud's networks)
USES: dict[str, tuple[str, ...]] = {"volume": ("image", "network", "compute")}


def build(cloud: CloudInfo, services: Iterable[str] | None = None) -> Sections:
    """Common sections plus those of ``services`` (default: every running service)."""
    wanted = list(services) if services is not None else list(cloud.services)
    if "identity" not in wanted:
        wanted.insert(0, "identity")  # every test authenticates
    for service in list(wanted):
        wanted += [used for used in USES.get(service, ()) if used not in wanted]
    return merge(common(cloud), *(SECTIONS[s](cloud) for s in wanted if s in SECTIONS and cloud.has(s)))


def write(sections: Sections, path: Path) -> Path:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    for section, options in sections.items():
        if section != "DEFAULT":
            parser.add_section(section)
        for name, value in options.items():
            parser.set(section, name, value)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as fh:
        parser.write(fh)
    return path
