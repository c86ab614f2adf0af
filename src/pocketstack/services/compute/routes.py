"""The compute API's route table (Nova v2.1), relative to ``/compute``."""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import NO_BODY, ApiRequest, Handler, Route
from pocketstack.core.errors import NotFound
from pocketstack.services.compute.api import (
    admin,
    discovery,
    extensions,
    flavors,
    groups,
    keypairs,
    legacy,
    netproxies,
    proxies,
    quotas,
    server_actions,
    server_resources,
    servers,
    volproxies,
)
from pocketstack.services.compute.schemas import admin as ads
from pocketstack.services.compute.schemas import flavors as fs
from pocketstack.services.compute.schemas import keypairs as ks
from pocketstack.services.compute.schemas import proxies as ps
from pocketstack.services.compute.schemas import quotas as qs
from pocketstack.services.compute.schemas import resources as rs
from pocketstack.services.compute.schemas import servers as ss

V = "/v2.1"


def _exact(handler: Handler) -> Handler:
    """Nova's router matches paths exactly: ``/v2.1/servers/`` is not ``/v2.1/servers`` (404)."""

    def run(req: ApiRequest) -> Any:
        if len(req.raw_path) > 1 and req.raw_path.endswith("/"):
            raise NotFound("The resource could not be found.")
        return handler(req)

    run.__name__ = run.__qualname__ = getattr(handler, "__name__", "handler")
    run.__doc__ = handler.__doc__
    return run


def _until(maximum: str, handler: Handler) -> Handler:
    """An alias that later microversions removed (os-volumes_boot ends at 2.102)."""

    def run(req: ApiRequest) -> Any:
        if req.version is not None and req.version > maximum:
            raise NotFound("The resource could not be found.", kind="VersionNotFoundForAPIMethod")
        return handler(req)

    run.__name__ = run.__qualname__ = getattr(handler, "__name__", "handler")
    return run


def R(method: str, path: str, handler: Handler, **kw: Any) -> Route:
    """A route; all but the version documents match their path exactly."""
    return Route(method, path, handler if path in ("/", "/v2", V) else _exact(handler), **kw)


def _server_resources(base: str) -> list[Route]:
    r = server_resources
    return [
        R("GET", base + "/metadata", r.list_metadata),
        R("POST", base + "/metadata", r.create_metadata, body=rs.metadata_create),
        R("PUT", base + "/metadata", r.replace_metadata, body=rs.metadata_create),
        R("GET", base + "/metadata/{key}", r.show_metadata_item),
        R("PUT", base + "/metadata/{key}", r.set_metadata_item, body=rs.metadata_item),
        R("DELETE", base + "/metadata/{key}", r.delete_metadata_item),
        R("GET", base + "/tags", r.list_tags),
        R("PUT", base + "/tags", r.replace_tags, body=rs.tags_replace),
        R("DELETE", base + "/tags", r.delete_tags),
        R("GET", base + "/tags/{tag}", r.check_tag),
        R("PUT", base + "/tags/{tag}", r.add_tag, body=NO_BODY),
        R("DELETE", base + "/tags/{tag}", r.delete_tag),
        R("GET", base + "/ips", r.list_ips),
        R("GET", base + "/ips/{network_label}", r.show_ips),
        R("GET", base + "/os-instance-actions", r.list_instance_actions),
        R("GET", base + "/os-instance-actions/{request_id}", r.show_instance_action),
        R("GET", base + "/diagnostics", r.diagnostics),
        R("POST", base + "/remote-consoles", r.create_remote_console, body=rs.remote_console),
        R("GET", base + "/os-interface", r.list_interfaces),
        R("POST", base + "/os-interface", r.create_interface, body=rs.interface_create),
        R("GET", base + "/os-interface/{port_id}", r.show_interface),
        R("DELETE", base + "/os-interface/{port_id}", r.delete_interface),
        R("GET", base + "/os-volume_attachments", r.list_volume_attachments),
        R("POST", base + "/os-volume_attachments", r.create_volume_attachment, body=rs.volume_attach),
        R("GET", base + "/os-volume_attachments/{volume_id}", r.show_volume_attachment),
        R("PUT", base + "/os-volume_attachments/{volume_id}", r.update_volume_attachment, body=rs.volume_update),
        R("DELETE", base + "/os-volume_attachments/{volume_id}", r.delete_volume_attachment),
        R("GET", base + "/os-server-password", r.show_password),
        R("DELETE", base + "/os-server-password", r.clear_password),
        R("GET", base + "/topology", r.topology),
    ]


ROUTES: list[Route] = [
    # discovery
    R("GET", "/", discovery.versions_index, auth=False, microversioned=False),
    R("GET", "/v2", discovery.version_v2, auth=False, microversioned=False),
    R("GET", V, discovery.version_v21, auth=False, microversioned=False),
    # flavors
    R("GET", V + "/flavors", flavors.list_flavors),
    R("POST", V + "/flavors", flavors.create_flavor, body=fs.create),
    R("GET", V + "/flavors/detail", flavors.list_flavors_detail),
    R("GET", V + "/flavors/{flavor_id}", flavors.show_flavor),
    R("PUT", V + "/flavors/{flavor_id}", flavors.update_flavor, body=fs.update),
    R("DELETE", V + "/flavors/{flavor_id}", flavors.delete_flavor),
    R("POST", V + "/flavors/{flavor_id}/action", flavors.flavor_action, body=fs.action),
    R("GET", V + "/flavors/{flavor_id}/os-flavor-access", flavors.list_access),
    R("GET", V + "/flavors/{flavor_id}/os-extra_specs", flavors.list_extra_specs),
    R("POST", V + "/flavors/{flavor_id}/os-extra_specs", flavors.create_extra_specs, body=fs.extra_specs_create),
    R("GET", V + "/flavors/{flavor_id}/os-extra_specs/{id}", flavors.show_extra_spec),
    R("PUT", V + "/flavors/{flavor_id}/os-extra_specs/{id}", flavors.update_extra_spec, body=fs.extra_specs_update),
    R("DELETE", V + "/flavors/{flavor_id}/os-extra_specs/{id}", flavors.delete_extra_spec),
    # keypairs
    R("GET", V + "/os-keypairs", keypairs.list_keypairs),
    R("POST", V + "/os-keypairs", keypairs.create_keypair, body=ks.create),
    R("GET", V + "/os-keypairs/{keypair_name}", keypairs.show_keypair),
    R("DELETE", V + "/os-keypairs/{keypair_name}", keypairs.delete_keypair),
    # servers
    R("GET", V + "/servers", servers.list_servers),
    R("POST", V + "/servers", servers.create_server, body=ss.create),
    R("GET", V + "/servers/detail", servers.list_servers_detail),
    R("GET", V + "/servers/{server_id}", servers.show_server),
    R("PUT", V + "/servers/{server_id}", servers.update_server, body=ss.update),
    R("DELETE", V + "/servers/{server_id}", servers.delete_server),
    R("POST", V + "/servers/{server_id}/action", server_actions.server_action, body=ss.action),
    *_server_resources(V + "/servers/{server_id}"),
    # os-volumes_boot: the servers API under its old name, until 2.102
    R("GET", V + "/os-volumes_boot", _until("2.102", servers.list_servers)),
    R("POST", V + "/os-volumes_boot", _until("2.102", servers.create_server), body=ss.create),
    R("GET", V + "/os-volumes_boot/detail", _until("2.102", servers.list_servers_detail)),
    R("GET", V + "/os-volumes_boot/{server_id}", _until("2.102", servers.show_server)),
    R("PUT", V + "/os-volumes_boot/{server_id}", _until("2.102", servers.update_server), body=ss.update),
    R("DELETE", V + "/os-volumes_boot/{server_id}", _until("2.102", servers.delete_server)),
    R("POST", V + "/os-volumes_boot/{server_id}/action", _until("2.102", server_actions.server_action), body=ss.action),
    R("GET", V + "/servers/{server_id}/migrations", groups.list_server_migrations),
    R("GET", V + "/servers/{server_id}/migrations/{migration_id}", groups.show_server_migration),
    R("DELETE", V + "/servers/{server_id}/migrations/{migration_id}", groups.abort_server_migration),
    R(
        "POST",
        V + "/servers/{server_id}/migrations/{migration_id}/action",
        groups.force_complete_migration,
        body=ss.action,
    ),
    # server groups
    R("GET", V + "/os-server-groups", groups.list_groups),
    R("POST", V + "/os-server-groups", groups.create_group, body=qs.server_group_create),
    R("GET", V + "/os-server-groups/{server_group_id}", groups.show_group),
    R("DELETE", V + "/os-server-groups/{server_group_id}", groups.delete_group),
    # quotas, limits, usage
    R("GET", V + "/os-quota-sets/{tenant_id}", quotas.show_quota_set),
    R("PUT", V + "/os-quota-sets/{tenant_id}", quotas.update_quota_set, body=qs.quota_set_update),
    R("DELETE", V + "/os-quota-sets/{tenant_id}", quotas.delete_quota_set),
    R("GET", V + "/os-quota-sets/{tenant_id}/defaults", quotas.show_quota_defaults),
    R("GET", V + "/os-quota-sets/{tenant_id}/detail", quotas.show_quota_detail),
    R("GET", V + "/os-quota-class-sets/{id}", quotas.show_quota_class),
    R("PUT", V + "/os-quota-class-sets/{id}", quotas.update_quota_class, body=qs.quota_class_update),
    R("GET", V + "/limits", quotas.limits),
    R("GET", V + "/os-simple-tenant-usage", quotas.list_usage),
    R("GET", V + "/os-simple-tenant-usage/{tenant_id}", quotas.show_usage),
    # hypervisors, services, zones, aggregates, migrations
    R("GET", V + "/os-hypervisors", admin.list_hypervisors),
    R("GET", V + "/os-hypervisors/detail", admin.list_hypervisors_detail),
    R("GET", V + "/os-hypervisors/statistics", admin.hypervisor_statistics),
    R("GET", V + "/os-hypervisors/{hypervisor_id}", admin.show_hypervisor),
    R("GET", V + "/os-hypervisors/{hypervisor_id}/uptime", admin.hypervisor_uptime),
    R("GET", V + "/os-hypervisors/{hypervisor_hostname_pattern}/search", admin.search_hypervisors),
    R("GET", V + "/os-hypervisors/{hypervisor_hostname_pattern}/servers", admin.hypervisor_servers),
    R("GET", V + "/os-services", admin.list_services),
    R("PUT", V + "/os-services/{service_id}", admin.update_service, body=ads.service_update),
    R("DELETE", V + "/os-services/{service_id}", admin.delete_service),
    R("GET", V + "/os-availability-zone", admin.list_azs),
    R("GET", V + "/os-availability-zone/detail", admin.list_azs_detail),
    R("GET", V + "/os-aggregates", admin.list_aggregates),
    R("POST", V + "/os-aggregates", admin.create_aggregate, body=ads.aggregate_create),
    R("GET", V + "/os-aggregates/{aggregate_id}", admin.show_aggregate),
    R("PUT", V + "/os-aggregates/{aggregate_id}", admin.update_aggregate, body=ads.aggregate_update),
    R("DELETE", V + "/os-aggregates/{aggregate_id}", admin.delete_aggregate),
    R("POST", V + "/os-aggregates/{aggregate_id}/action", admin.aggregate_action, body=ads.action),
    R("POST", V + "/os-aggregates/{aggregate_id}/images", admin.aggregate_images, body=ads.aggregate_images),
    R("GET", V + "/os-migrations", groups.list_migrations),
    # the proxy APIs of old microversions
    R("GET", V + "/images", proxies.list_images),
    R("GET", V + "/images/detail", proxies.list_images_detail),
    R("GET", V + "/images/{image_id}", proxies.show_image),
    R("DELETE", V + "/images/{image_id}", proxies.delete_image),
    R("GET", V + "/images/{image_id}/metadata", proxies.image_metadata),
    R("POST", V + "/images/{image_id}/metadata", proxies.create_image_metadata, body=ps.image_metadata),
    R("PUT", V + "/images/{image_id}/metadata", proxies.replace_image_metadata, body=ps.image_metadata),
    R("GET", V + "/images/{image_id}/metadata/{key}", proxies.image_metadata_item),
    R("PUT", V + "/images/{image_id}/metadata/{key}", proxies.set_image_metadata_item, body=ps.image_meta_item),
    R("DELETE", V + "/images/{image_id}/metadata/{key}", proxies.delete_image_metadata_item),
    R("GET", V + "/os-security-groups", proxies.list_security_groups),
    R("POST", V + "/os-security-groups", proxies.create_security_group, body=ps.any_body),
    R("GET", V + "/os-security-groups/{security_group_id}", proxies.show_security_group),
    R("PUT", V + "/os-security-groups/{security_group_id}", proxies.update_security_group, body=ps.any_body),
    R("DELETE", V + "/os-security-groups/{security_group_id}", proxies.delete_security_group),
    R("POST", V + "/os-security-group-rules", proxies.create_security_group_rule, body=ps.any_body),
    R("DELETE", V + "/os-security-group-rules/{security_group_rule_id}", proxies.delete_security_group_rule),
    R("GET", V + "/servers/{server_id}/os-security-groups", proxies.server_security_groups),
    R("GET", V + "/os-volumes", volproxies.list_volumes),
    R("POST", V + "/os-volumes", volproxies.create_volume, body=ps.any_body),
    R("GET", V + "/os-volumes/detail", volproxies.list_volumes_detail),
    R("GET", V + "/os-volumes/{volume_id}", volproxies.show_volume),
    R("DELETE", V + "/os-volumes/{volume_id}", volproxies.delete_volume),
    R("GET", V + "/os-snapshots", volproxies.list_snapshots),
    R("POST", V + "/os-snapshots", volproxies.create_snapshot, body=ps.any_body),
    R("GET", V + "/os-snapshots/detail", volproxies.list_snapshots_detail),
    R("GET", V + "/os-snapshots/{snapshot_id}", volproxies.show_snapshot),
    R("DELETE", V + "/os-snapshots/{snapshot_id}", volproxies.delete_snapshot),
    R("GET", V + "/os-networks", netproxies.list_networks),
    R("GET", V + "/os-networks/{network_id}", netproxies.show_network),
    R("GET", V + "/os-tenant-networks", netproxies.list_tenant_networks),
    R("GET", V + "/os-tenant-networks/{network_id}", netproxies.show_tenant_network),
    R("GET", V + "/os-floating-ips", netproxies.list_floating_ips),
    R("POST", V + "/os-floating-ips", netproxies.create_floating_ip, body=ps.any_body),
    R("GET", V + "/os-floating-ips/{floating_ip_id}", netproxies.show_floating_ip),
    R("DELETE", V + "/os-floating-ips/{floating_ip_id}", netproxies.delete_floating_ip),
    R("GET", V + "/os-floating-ip-pools", netproxies.list_pools),
    # older admin APIs
    R("GET", V + "/extensions", extensions.list_extensions),
    R("GET", V + "/extensions/{alias}", extensions.show_extension),
    R("GET", V + "/os-hosts", legacy.list_hosts),
    R("GET", V + "/os-hosts/{host_name}", legacy.show_host),
    R("PUT", V + "/os-hosts/{host_name}", legacy.update_host, body=ads.host_update),
    R("GET", V + "/os-hosts/{host_name}/reboot", legacy.host_reboot),
    R("GET", V + "/os-hosts/{host_name}/shutdown", legacy.host_shutdown),
    R("GET", V + "/os-hosts/{host_name}/startup", legacy.host_startup),
    R("GET", V + "/os-instance_usage_audit_log", legacy.list_audit_logs),
    R("GET", V + "/os-instance_usage_audit_log/{before_timestamp}", legacy.show_audit_log),
    R("POST", V + "/os-server-external-events", legacy.create_external_events, body=ads.external_events),
    # pocketstack's extension: the simulated driver's pending transitions (admin only)
    R("GET", V + "/os-pocketstack/transitions", groups.list_transitions),
    R("POST", V + "/os-pocketstack/transitions/release", groups.release_transitions, body=ss.action),
]

__all__ = ["NO_BODY", "ROUTES"]
