"""The compute API's route table (Nova v2.1), relative to ``/compute``."""

from __future__ import annotations

from pocketstack.core.api import NO_BODY, Route
from pocketstack.services.compute.api import discovery, flavors, keypairs, server_actions, servers
from pocketstack.services.compute.schemas import flavors as fs
from pocketstack.services.compute.schemas import keypairs as ks
from pocketstack.services.compute.schemas import servers as ss

R = Route
V = "/v2.1"

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
]

__all__ = ["NO_BODY", "ROUTES"]
