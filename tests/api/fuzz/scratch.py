"""Scratch resources for the fuzzer to aim at, so bad input reaches past the lookups.

Each persona gets a map path-parameter name -> an id that exists (its own resources
where it may create them, the admin's otherwise).  A resource that can't be made (a
service being reworked) is simply left out: its parameter then gets a missing id.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

log = logging.getLogger(__name__)

TAG = "fuzztag"
KEY = "fuzzkey"
CINDER = {"OpenStack-API-Version": "volume 3.71"}
NOVA = {"OpenStack-API-Version": "compute 2.1"}


class Builder:
    def __init__(self, http: httpx.Client, project_id: str, user_id: str, admin: bool) -> None:
        self.http = http
        self.project_id = project_id
        self.user_id = user_id
        self.admin = admin
        self.ids: dict[str, str] = {}
        self.failed: list[str] = []

    # -- plumbing --------------------------------------------------------------------------

    def call(self, method: str, path: str, body: Any = None, **kw: Any) -> Any:
        r = self.http.request(method, path, json=body, **kw)
        if r.status_code not in (200, 201, 202, 204):
            raise RuntimeError(f"{method} {path}: {r.status_code} {r.text[:300]}")
        return r.json() if r.content and r.headers.get("content-type", "").startswith("application/json") else None

    def step(self, name: str, fn: Callable[[], None]) -> None:
        try:
            fn()
        except Exception as exc:  # a service under rework: aim at missing ids instead
            self.failed.append(f"{name}: {exc}")
            log.warning("scratch %s failed: %s", name, exc)

    def wait(self, path: str, key: str, status: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
        deadline = time.monotonic() + 30
        while True:
            body = self.call("GET", path, headers=headers)[key]
            if str(body.get("status", "")).lower() == status.lower():
                return dict(body)
            if time.monotonic() > deadline or str(body.get("status", "")).lower() == "error":
                raise RuntimeError(f"{path} stuck in {body.get('status')}")
            time.sleep(0.05)

    # -- identity (admin) ---------------------------------------------------------------------

    def identity(self) -> None:
        ids = self.ids
        ids["domain_id"] = self.call("POST", "/v3/domains", {"domain": {"name": "fuzz-domain"}})["domain"]["id"]
        ids["project_id"] = self.call("POST", "/v3/projects", {"project": {"name": "fuzz-project"}})["project"]["id"]
        user = {"name": "fuzz-user", "password": "fuzz-secret-1", "default_project_id": ids["project_id"]}
        ids["user_id"] = self.call("POST", "/v3/users", {"user": user})["user"]["id"]
        ids["group_id"] = self.call("POST", "/v3/groups", {"group": {"name": "fuzz-group"}})["group"]["id"]
        self.call("PUT", f"/v3/groups/{ids['group_id']}/users/{ids['user_id']}")
        ids["role_id"] = self.call("POST", "/v3/roles", {"role": {"name": "fuzz-role"}})["role"]["id"]
        ids["prior_role_id"] = ids["role_id"]
        ids["implied_role_id"] = self.call("POST", "/v3/roles", {"role": {"name": "fuzz-implied"}})["role"]["id"]
        self.call("PUT", f"/v3/roles/{ids['role_id']}/implies/{ids['implied_role_id']}")
        member = next(r["id"] for r in self.call("GET", "/v3/roles", params={"name": "member"})["roles"])
        self.call("PUT", f"/v3/projects/{ids['project_id']}/users/{ids['user_id']}/roles/{member}")
        self.call("PUT", f"/v3/projects/{ids['project_id']}/tags/{TAG}")
        ids["value"] = TAG
        ids["region_id"] = self.call("POST", "/v3/regions", {"region": {"description": "fuzz"}})["region"]["id"]
        service = {"type": "fuzz", "name": "fuzz-service"}
        ids["service_id"] = self.call("POST", "/v3/services", {"service": service})["service"]["id"]
        endpoint = {
            "service_id": ids["service_id"],
            "interface": "public",
            "url": "http://fuzz.example.invalid",
            "region_id": ids["region_id"],
        }
        ids["endpoint_id"] = self.call("POST", "/v3/endpoints", {"endpoint": endpoint})["endpoint"]["id"]
        group = {"name": "fuzz-eg", "filters": {"interface": "public"}}
        ids["endpoint_group_id"] = self.call("POST", "/v3/OS-EP-FILTER/endpoint_groups", {"endpoint_group": group})[
            "endpoint_group"
        ]["id"]
        policy = {"blob": "{}", "type": "application/json"}
        ids["policy_id"] = self.call("POST", "/v3/policies", {"policy": policy})["policy"]["id"]
        credential = {
            "blob": '{"access": "fuzz-access", "secret": "fuzz-secret"}',
            "type": "ec2",
            "user_id": ids["user_id"],
            "project_id": ids["project_id"],
        }
        ids["credential_id"] = self.call("POST", "/v3/credentials", {"credential": credential})["credential"]["id"]
        registered = {"service_id": ids["service_id"], "resource_name": "fuzz", "default_limit": 5}
        ids["registered_limit_id"] = self.call("POST", "/v3/registered_limits", {"registered_limits": [registered]})[
            "registered_limits"
        ][0]["id"]
        limit = {**registered, "project_id": ids["project_id"], "resource_limit": 3}
        limit.pop("default_limit")
        ids["limit_id"] = self.call("POST", "/v3/limits", {"limits": [limit]})["limits"][0]["id"]
        trust = {
            "trustor_user_id": self.user_id,
            "trustee_user_id": ids["user_id"],
            "project_id": self.project_id,
            "impersonation": False,
            "roles": [{"name": "member"}],
        }
        ids["trust_id"] = self.call("POST", "/v3/OS-TRUST/trusts", {"trust": trust})["trust"]["id"]

    def app_credential(self) -> None:
        """One for the scratch user (made with its own token), with an access rule."""
        auth = {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {"user": {"id": self.ids["user_id"], "password": "fuzz-secret-1"}},
                },
                "scope": {"project": {"id": self.ids["project_id"]}},
            }
        }
        r = self.http.post("/v3/auth/tokens", json=auth, headers={"X-Auth-Token": ""})
        if r.status_code != 201:
            raise RuntimeError(f"scratch user token: {r.status_code} {r.text[:200]}")
        headers = {"X-Auth-Token": r.headers["X-Subject-Token"]}
        cred = {"name": "fuzz-cred", "access_rules": [{"service": "compute", "method": "GET", "path": "/v2.1/servers"}]}
        path = f"/v3/users/{self.ids['user_id']}/application_credentials"
        made = self.call("POST", path, {"application_credential": cred}, headers=headers)["application_credential"]
        self.ids["application_credential_id"] = made["id"]
        self.ids["access_rule_id"] = made["access_rules"][0]["id"]

    # -- image -------------------------------------------------------------------------------

    def image(self) -> None:
        body = {"name": "fuzz-image", "disk_format": "raw", "container_format": "bare", "visibility": "shared"}
        image = self.call("POST", "/image/v2/images", body)
        self.ids["image_id"] = image["id"]
        self.call(
            "PUT",
            f"/image/v2/images/{image['id']}/file",
            None,
            content=b"fuzz" * 256,
            headers={"Content-Type": "application/octet-stream"},
        )
        self.call("PUT", f"/image/v2/images/{image['id']}/tags/{TAG}")
        self.ids["tag_value"] = TAG

    def image_member(self, member_project: str) -> None:
        self.call("POST", f"/image/v2/images/{self.ids['image_id']}/members", {"member": member_project})
        self.ids["member_id"] = member_project

    def metadefs(self) -> None:
        ns = "fuzz-namespace"
        self.call("POST", "/image/v2/metadefs/namespaces", {"namespace": ns, "visibility": "public"})
        self.ids["namespace"] = ns
        base = f"/image/v2/metadefs/namespaces/{ns}"
        self.call("POST", base + "/objects", {"name": "fuzz-object"})
        self.ids["object_name"] = "fuzz-object"
        self.call("POST", base + "/properties", {"name": "fuzz-property", "title": "fuzz", "type": "string"})
        self.ids["property_name"] = "fuzz-property"
        self.call("POST", base + f"/tags/{TAG}")
        self.ids["tag_name"] = TAG
        self.call("POST", base + "/resource_types", {"name": "OS::Glance::Image"})
        self.ids["resource_type"] = "OS::Glance::Image"

    # -- network -----------------------------------------------------------------------------

    def network(self) -> None:
        ids, n = self.ids, "/networking/v2.0"
        ids["network_id"] = self.call("POST", f"{n}/networks", {"network": {"name": "fuzz-net"}})["network"]["id"]
        ids["network_label"] = "fuzz-net"
        cidr = "10.250.0.0/24" if self.admin else "10.251.0.0/24"
        subnet = {"network_id": ids["network_id"], "cidr": cidr, "ip_version": 4, "name": "fuzz-subnet"}
        ids["subnet_id"] = self.call("POST", f"{n}/subnets", {"subnet": subnet})["subnet"]["id"]
        ids["port_id"] = self.call("POST", f"{n}/ports", {"port": {"network_id": ids["network_id"]}})["port"]["id"]
        sg = self.call("POST", f"{n}/security-groups", {"security_group": {"name": "fuzz-sg"}})["security_group"]
        ids["security_group_id"] = sg["id"]
        rule = {"security_group_id": sg["id"], "direction": "ingress", "protocol": "tcp", "port_range_min": 22,
                "port_range_max": 22}  # fmt: skip
        ids["security_group_rule_id"] = self.call("POST", f"{n}/security-group-rules", {"security_group_rule": rule})[
            "security_group_rule"
        ]["id"]
        public = self.call("GET", f"{n}/networks", params={"router:external": "true"})["networks"][0]["id"]
        router = {"name": "fuzz-router", "external_gateway_info": {"network_id": public}}
        ids["router_id"] = self.call("POST", f"{n}/routers", {"router": router})["router"]["id"]
        self.call("PUT", f"{n}/routers/{ids['router_id']}/add_router_interface", {"subnet_id": ids["subnet_id"]})
        fip = self.call("POST", f"{n}/floatingips", {"floatingip": {"floating_network_id": public}})["floatingip"]
        ids["floatingip_id"] = ids["floating_ip_id"] = fip["id"]
        pool = {"name": "fuzz-pool", "prefixes": ["10.252.0.0/16" if self.admin else "10.253.0.0/16"]}
        ids["subnetpool_id"] = self.call("POST", f"{n}/subnetpools", {"subnetpool": pool})["subnetpool"]["id"]
        ids["tag"] = TAG
        for collection in ("networks", "subnets", "ports", "routers", "security-groups", "floatingips", "subnetpools"):
            ident = {
                "networks": "network_id",
                "subnets": "subnet_id",
                "ports": "port_id",
                "routers": "router_id",
                "security-groups": "security_group_id",
                "floatingips": "floatingip_id",
                "subnetpools": "subnetpool_id",
            }[collection]
            self.call("PUT", f"{n}/{collection}/{ids[ident]}/tags/{TAG}")

    def network_admin(self) -> None:
        n = "/networking/v2.0"
        agents = self.call("GET", f"{n}/agents")["agents"]
        if agents:
            self.ids["agent_id"] = agents[0]["id"]
        self.ids["alias"] = "router"
        target = self.ids.get("project_id", self.project_id)
        policy = {"object_type": "network", "object_id": self.ids["network_id"], "action": "access_as_shared",
                  "target_tenant": target}  # fmt: skip
        self.ids["rbac_policy_id"] = self.call("POST", f"{n}/rbac-policies", {"rbac_policy": policy})["rbac_policy"][
            "id"
        ]

    # -- volume ------------------------------------------------------------------------------

    def volume(self) -> None:
        ids, v = self.ids, f"/volume/v3/{self.project_id}"
        h = CINDER

        def volume(name: str, **extra: Any) -> str:
            body = {"volume": {"size": 1, "name": name, **extra}}
            made = self.call("POST", f"{v}/volumes", body, headers=h)["volume"]
            self.wait(f"{v}/volumes/{made['id']}", "volume", "available", h)
            return str(made["id"])

        ids["volume_id"] = volume("fuzz-volume", metadata={KEY: "v"})
        ids["key"] = KEY
        for prefix in ("", "action:"):  # the action routes get their own (a bad action may still act)
            snap = {"snapshot": {"volume_id": ids["volume_id"], "name": "fuzz-snap", "metadata": {KEY: "v"}}}
            made = self.call("POST", f"{v}/snapshots", snap, headers=h)["snapshot"]["id"]
            self.wait(f"{v}/snapshots/{made}", "snapshot", "available", h)
            ids[f"{prefix}snapshot_id"] = made
            backup = {"backup": {"volume_id": ids["volume_id"], "name": "fuzz-backup"}}
            made = self.call("POST", f"{v}/backups", backup, headers=h)["backup"]["id"]
            self.wait(f"{v}/backups/{made}", "backup", "available", h)
            ids[f"{prefix}backup_id"] = made
        attached = volume("fuzz-attach")
        attachment = {"attachment": {"volume_uuid": attached, "instance_uuid": "f0220000-0000-4000-8000-00000000000a"}}
        ids["attachment_id"] = self.call("POST", f"{v}/attachments", attachment, headers=h)["attachment"]["id"]
        transfer = {"transfer": {"volume_id": volume("fuzz-transfer"), "name": "fuzz-transfer"}}
        ids["transfer_id"] = self.call("POST", f"{v}/volume-transfers", transfer, headers=h)["transfer"]["id"]
        # volumes of their own for the action route and for bodies that use a volume up
        ids["action:volume_id"] = volume("fuzz-action-volume")
        ids["transfer:volume_id"] = volume("fuzz-transfer-body")
        ids["attach:volume_id"] = volume("fuzz-attach-body")
        messages = self.call("GET", f"{v}/messages", headers=h)["messages"]
        if messages:
            ids["message_id"] = messages[0]["id"]

    def volume_admin(self) -> None:
        ids, v = self.ids, f"/volume/v3/{self.project_id}"
        h = CINDER
        vtype = self.call("POST", f"{v}/types", {"volume_type": {"name": "fuzz-type"}}, headers=h)["volume_type"]
        ids["type_id"] = vtype["id"]
        self.call("POST", f"{v}/types/{vtype['id']}/extra_specs", {"extra_specs": {KEY: "v"}}, headers=h)
        gtype = self.call("POST", f"{v}/group_types", {"group_type": {"name": "fuzz-gtype"}}, headers=h)["group_type"]
        ids["group_type_id"] = gtype["id"]
        self.call("POST", f"{v}/group_types/{gtype['id']}/group_specs", {"group_specs": {KEY: "v"}}, headers=h)
        qos = {"qos_specs": {"name": "fuzz-qos", "consumer": "back-end", KEY: "v"}}
        ids["qos_id"] = self.call("POST", f"{v}/qos-specs", qos, headers=h)["qos_specs"]["id"]
        for prefix in ("volume:", "action:"):
            group = {"group": {"name": "fuzz-group", "group_type": gtype["id"], "volume_types": [vtype["id"]]}}
            made = self.call("POST", f"{v}/groups", group, headers=h)["group"]["id"]
            self.wait(f"{v}/groups/{made}", "group", "available", h)
            ids[f"{prefix}group_id"] = made
            gsnap = {"group_snapshot": {"group_id": made, "name": "fuzz-gsnap"}}
            made = self.call("POST", f"{v}/group_snapshots", gsnap, headers=h)["group_snapshot"]["id"]
            ids["group_snapshot_id" if prefix == "volume:" else "action:group_snapshot_id"] = made
        hosts = self.call("GET", f"{v}/os-hosts", headers=h)["hosts"]
        if hosts:
            ids["volume:host_name"] = hosts[0]["host_name"]
        ids["class_name"] = "default"
        ids["action"] = "enable"

    # -- compute -----------------------------------------------------------------------------

    def compute_admin(self) -> None:
        ids, c = self.ids, "/compute/v2.1"
        flavor = {"flavor": {"name": "fuzz-flavor", "ram": 64, "vcpus": 1, "disk": 1}}
        ids["flavor_id"] = self.call("POST", f"{c}/flavors", flavor, headers=NOVA)["flavor"]["id"]
        specs = {"extra_specs": {"hw:cpu_policy": "shared"}}
        self.call("POST", f"{c}/flavors/{ids['flavor_id']}/os-extra_specs", specs, headers=NOVA)
        ids["compute:extra_spec"] = "hw:cpu_policy"
        agg = {"aggregate": {"name": "fuzz-aggregate"}}
        ids["aggregate_id"] = str(self.call("POST", f"{c}/os-aggregates", agg, headers=NOVA)["aggregate"]["id"])
        hypervisors = self.call("GET", f"{c}/os-hypervisors", headers=NOVA)["hypervisors"]
        ids["hypervisor_id"] = str(hypervisors[0]["id"])
        ids["hypervisor_hostname_pattern"] = hypervisors[0]["hypervisor_hostname"]
        hosts = self.call("GET", f"{c}/os-hosts", headers=NOVA)["hosts"]
        ids["compute:host_name"] = next(h["host_name"] for h in hosts if h["service"] == "compute")
        services = self.call("GET", f"{c}/os-services", headers={"OpenStack-API-Version": "compute 2.53"})["services"]
        ids["compute:service_id"] = str(services[0]["id"])
        ids["compute:alias"] = "os-keypairs"
        ids["before_timestamp"] = "2030-01-01 00:00:00"

    def compute(self) -> None:
        ids, c = self.ids, "/compute/v2.1"
        kp = {"keypair": {"name": f"fuzz-keypair-{'admin' if self.admin else 'member'}"}}
        ids["keypair_name"] = self.call("POST", f"{c}/os-keypairs", kp, headers=NOVA)["keypair"]["name"]
        group = {"server_group": {"name": "fuzz-group", "policies": ["affinity"]}}
        ids["server_group_id"] = self.call("POST", f"{c}/os-server-groups", group, headers=NOVA)["server_group"]["id"]
        ids["tenant_id"] = ids.get("project_id", self.project_id)

    def action_server(self, image_id: str, flavor_id: str) -> None:
        """A server of its own for the action route (bad actions may still act)."""
        c = "/compute/v2.1"
        server = {"name": "fuzz-action-server", "imageRef": image_id, "flavorRef": flavor_id,
                  "networks": [{"uuid": self.ids["network_id"]}]}  # fmt: skip
        made = self.call("POST", f"{c}/servers", {"server": server}, headers=NOVA)["server"]
        self.wait(f"{c}/servers/{made['id']}", "server", "ACTIVE", NOVA)
        self.ids["action:server_id"] = made["id"]

    def server(self, image_id: str, flavor_id: str) -> None:
        ids, c = self.ids, "/compute/v2.1"
        server = {
            "name": "fuzz-server",
            "imageRef": image_id,
            "flavorRef": flavor_id,
            "networks": [{"uuid": ids["network_id"]}],
            "metadata": {KEY: "v"},
        }
        made = self.call("POST", f"{c}/servers", {"server": server}, headers=NOVA)["server"]
        ids["server_id"] = made["id"]
        self.wait(f"{c}/servers/{made['id']}", "server", "ACTIVE", NOVA)
        self.call("PUT", f"{c}/servers/{made['id']}/tags/{TAG}", headers={"OpenStack-API-Version": "compute 2.26"})
        actions = self.call("GET", f"{c}/servers/{made['id']}/os-instance-actions", headers=NOVA)["instanceActions"]
        ids["request_id"] = actions[0]["request_id"]
        ports = self.call("GET", f"{c}/servers/{made['id']}/os-interface", headers=NOVA)["interfaceAttachments"]
        ids["compute:port_id"] = ports[0]["port_id"]
        volume_id = self.ids.get("compute:volume_to_attach")
        if volume_id:
            attach = {"volumeAttachment": {"volumeId": volume_id}}
            self.call("POST", f"{c}/servers/{made['id']}/os-volume_attachments", attach, headers=NOVA)
            ids["compute:attached_volume"] = volume_id

    def volume_to_attach(self) -> None:
        v = f"/volume/v3/{self.project_id}"
        made = self.call("POST", f"{v}/volumes", {"volume": {"size": 1, "name": "fuzz-server-vol"}}, headers=CINDER)
        self.wait(f"{v}/volumes/{made['volume']['id']}", "volume", "available", CINDER)
        self.ids["compute:volume_to_attach"] = made["volume"]["id"]


def unlimited(admin: Builder, project_id: str) -> None:
    """No quota runs out while the fuzzer's sample bodies create things."""
    cinder = ("volumes", "snapshots", "backups", "gigabytes", "backup_gigabytes", "groups")
    admin.call(
        "PUT",
        f"/volume/v3/{admin.project_id}/os-quota-sets/{project_id}",
        {"quota_set": dict.fromkeys(cinder, -1)},
        headers=CINDER,
    )
    nova = ("instances", "cores", "ram", "key_pairs", "server_groups", "server_group_members", "metadata_items")
    admin.call("PUT", f"/compute/v2.1/os-quota-sets/{project_id}", {"quota_set": dict.fromkeys(nova, -1)}, headers=NOVA)
    neutron = ("network", "subnet", "port", "router", "floatingip", "security_group", "security_group_rule",
               "subnetpool", "rbac_policy")  # fmt: skip
    admin.call("PUT", f"/networking/v2.0/quotas/{project_id}", {"quota": dict.fromkeys(neutron, -1)})


def build(
    admin_http: httpx.Client,
    member_http: httpx.Client,
    admin_project: str,
    admin_user: str,
    member_project: str,
    member_user: str,
) -> dict[str, dict[str, str]]:
    """{"admin": ids, "member": ids}: what each persona's requests aim at."""
    a = Builder(admin_http, admin_project, admin_user, admin=True)
    a.step("admin quotas", lambda: unlimited(a, admin_project))
    a.step("member quotas", lambda: unlimited(a, member_project))
    a.step("identity", a.identity)
    a.step("application credential", a.app_credential)
    a.step("image", a.image)
    a.step("image member", lambda: a.image_member(member_project))
    a.step("metadefs", a.metadefs)
    a.step("network", a.network)
    a.step("network admin", a.network_admin)
    a.step("volume admin", a.volume_admin)
    a.step("volume", a.volume)
    a.step("compute admin", a.compute_admin)
    a.step("compute", a.compute)
    a.step("volume to attach", a.volume_to_attach)
    if "image_id" in a.ids and "flavor_id" in a.ids and "network_id" in a.ids:
        a.step("server", lambda: a.server(a.ids["image_id"], a.ids["flavor_id"]))
        a.step("action server", lambda: a.action_server(a.ids["image_id"], a.ids["flavor_id"]))

    m = Builder(member_http, member_project, member_user, admin=False)
    m.ids.update({k: val for k, val in a.ids.items()})
    for own in ("image_id", "tag_value", "member_id", "volume_id", "snapshot_id", "backup_id", "attachment_id",
                "transfer_id", "server_id", "keypair_name", "server_group_id", "action:volume_id",
                "transfer:volume_id", "attach:volume_id", "action:server_id", "action:snapshot_id",
                "action:backup_id"):  # fmt: skip
        m.ids.pop(own, None)
    m.step("image", m.image)
    m.step("network", m.network)
    m.step("volume", m.volume)
    m.step("compute", m.compute)
    m.step("volume to attach", m.volume_to_attach)
    if "flavor_id" in m.ids and "network_id" in m.ids and "image_id" in m.ids:
        m.step("server", lambda: m.server(m.ids["image_id"], m.ids["flavor_id"]))
        m.step("action server", lambda: m.action_server(m.ids["image_id"], m.ids["flavor_id"]))
    a.ids["project_id:own"], a.ids["self_user_id"] = admin_project, admin_user
    m.ids["project_id:own"], m.ids["self_user_id"] = member_project, member_user
    return {"admin": a.ids, "member": m.ids, "failed": {"admin": "; ".join(a.failed), "member": "; ".join(m.failed)}}
