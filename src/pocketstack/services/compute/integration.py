"""Nova's side of the other services: images (Glance), ports (Neutron), volumes (Cinder).

Calls go through ``cloud.service(name)`` (DEVELOPERS.md, "Cross-service contracts")
and never run inside a compute write transaction.  Errors of the other services are
turned into the error Nova's API answers with in the same situation.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pocketstack.core.context import RequestContext
from pocketstack.core.errors import ApiError, BadRequest, Conflict, NotFound

if TYPE_CHECKING:
    from pocketstack.core.cloud import Cloud

T = TypeVar("T")

# Neutron error types -> (status, Nova message template) when Nova's API relays them.
_NETWORK_ERRORS: dict[str, tuple[int, str]] = {
    "NetworkNotFound": (400, "Network {id} could not be found."),
    "PortNotFound": (400, "Port id {id} could not be found."),
    "PortInUse": (409, "Port {id} is still in use."),
    "IpAddressInUse": (400, "Fixed IP address {ip} is already in use on instance {server}."),
    "IpAddressAlreadyAllocated": (400, "Fixed IP address {ip} is already in use on instance {server}."),
    "IpAddressGenerationFailure": (400, "No fixed IP addresses available for network: {id}"),
    "SecurityGroupNotFound": (400, "Security group {group} not found."),
    "InvalidIpForNetwork": (400, "Fixed IP {ip} is not a valid ip address for network {id}."),
    "InvalidIpForSubnet": (400, "Fixed IP {ip} is not a valid ip address for network {id}."),
    "InvalidInput": (400, "{message}"),
    "OverQuota": (403, "Maximum number of ports exceeded"),
    "NetworkAmbiguous": (
        409,
        "More than one possible network found. Specify network ID(s) to select which one(s) to connect to.",
    ),
    "UnableToAutoAllocateNetwork": (400, "Unable to automatically allocate a network for project {project}"),
}


class Integration:
    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud

    def has(self, name: str) -> bool:
        return self.cloud.has(name)

    def _svc(self, name: str) -> Any:
        return self.cloud.service(name)

    # -- images --------------------------------------------------------------------------

    def get_image(self, ctx: RequestContext, image_id: str) -> dict[str, Any] | None:
        """The image, or None when it does not exist for the caller."""
        if not self.has("image"):
            return None
        try:
            image: dict[str, Any] = self._svc("image").get_image(ctx, image_id)
        except NotFound:
            return None
        return image

    def create_image(self, ctx: RequestContext, **kwargs: Any) -> dict[str, Any]:
        if not self.has("image"):
            raise BadRequest("The image service is not available.")
        image: dict[str, Any] = self._svc("image").create_image(ctx, **kwargs)
        return image

    def list_images(
        self, ctx: RequestContext, filters: dict[str, str], limit: int = 1000, marker: str | None = None
    ) -> list[dict[str, Any]]:
        """Images the caller sees, newest first; ``filters`` on fields and properties."""
        if not self.has("image"):
            return []
        from pocketstack.services.image import listing
        from pocketstack.services.image.views import contract_image

        query = listing.ListQuery(
            limit=limit,
            marker=marker,
            member_status="accepted",
            sort_keys=["created_at"],
            sort_dirs=["desc"],
            filters=dict(filters),
        )
        rows, _next = self._svc("image").list_images(ctx, query)
        return [contract_image(r) for r in rows]

    def delete_image(self, ctx: RequestContext, image_id: str) -> None:
        if self.has("image"):
            with contextlib.suppress(ApiError):
                self._svc("image").delete_image(ctx, image_id)

    # -- networks ----------------------------------------------------------------------

    def network_call(self, fn: Callable[[], T], **names: Any) -> T:
        """Run a network call, answering its errors the way Nova relays them."""
        try:
            return fn()
        except ApiError as exc:
            mapped = _NETWORK_ERRORS.get(exc.kind)
            if mapped is None:
                raise
            status, template = mapped
            values = {k: v for k, v in exc.extra.items() if isinstance(v, str)}
            values.update({"message": exc.message, **{k: str(v) for k, v in names.items()}})
            try:
                message = template.format(**values)
            except (KeyError, IndexError):
                message = exc.message  # Neutron's own words when we lack the ids Nova would name
            if status == 409:
                raise Conflict(message, kind=exc.kind) from None
            if status == 403:
                from pocketstack.core.errors import Forbidden

                raise Forbidden(message, kind=exc.kind) from None
            raise BadRequest(message, kind=exc.kind) from None

    def get_network(self, ctx: RequestContext, network_id: str) -> dict[str, Any]:
        if not self.has("network"):
            raise BadRequest(f"Network {network_id} could not be found.", kind="NetworkNotFound")
        try:
            network: dict[str, Any] = self._svc("network").get_network(ctx, network_id)
        except NotFound:
            raise BadRequest(f"Network {network_id} could not be found.", kind="NetworkNotFound") from None
        return network

    def allocate(
        self,
        ctx: RequestContext,
        *,
        server_id: str,
        project_id: str,
        requests: Any,
        host: str | None,
        security_groups: list[str],
    ) -> list[dict[str, Any]]:
        if not self.has("network") or requests == "none":
            return []
        implicit = requests is None  # before 2.37 no networks means: the one there is, if any
        extra: dict[str, Any] = {"auto_allocate": True} if requests == "auto" else {}
        try:
            ports: list[dict[str, Any]] = self.network_call(
                lambda: self._svc("network").allocate_for_server(
                    ctx,
                    server_id=server_id,
                    project_id=project_id,
                    requests="auto" if implicit else requests,
                    host=host,
                    security_groups=security_groups,
                    **extra,
                ),
                project=project_id,
            )
        except BadRequest as exc:
            if implicit and exc.kind == "UnableToAutoAllocateNetwork":
                return []
            raise
        return ports

    def check_auto_allocate(self, ctx: RequestContext, project_id: str) -> None:
        """Nova's API-time check of ``networks: "auto"`` (2.37): a network is there, or
        Neutron could build the auto-allocated topology."""
        network = self.network()
        check = getattr(network, "can_auto_allocate", None)
        if check is not None and not check(ctx, project_id=project_id):
            raise BadRequest(
                f"Unable to automatically allocate a network for project {project_id}",
                kind="UnableToAutoAllocateNetwork",
            )

    def deallocate(self, ctx: RequestContext, server_id: str) -> None:
        if self.has("network"):
            self._svc("network").deallocate_for_server(ctx, server_id=server_id)

    def addresses(self, server_ids: list[str]) -> dict[str, dict[str, list[dict[str, Any]]]]:
        if not self.has("network") or not server_ids:
            return {}
        out: dict[str, dict[str, list[dict[str, Any]]]] = self._svc("network").addresses_for_servers(server_ids)
        return out

    def servers_with_ip(self, ctx: RequestContext, addresses: list[str]) -> list[str]:
        """Nova's _ip_filter_using_neutron: the device ids of the ports (that the caller sees)
        with a fixed IP containing any of ``addresses``."""
        network = self.network()
        found: list[str] = []
        if network is None:
            return found
        caller = network.access.caller(ctx)
        for address in addresses:
            if not address:
                continue
            try:
                rows = network.ports.search(caller, filters={"fixed_ips": {"ip_address_substr": [address]}})
            except ApiError:
                continue  # Nova logs the error and filters with what it has
            found.extend(str(r["device_id"]) for r in rows if r.get("device_id"))
        return list(dict.fromkeys(found))

    def ports(self, server_id: str) -> list[dict[str, Any]]:
        if not self.has("network"):
            return []
        out: list[dict[str, Any]] = self._svc("network").ports_for_server(server_id)
        return out

    def security_groups_bulk(self, server_ids: list[str]) -> dict[str, list[dict[str, Any]]] | None:
        """Every server's groups at once, when the networking service offers it in bulk."""
        network = self.network()
        if network is None:
            return None
        bulk = getattr(network, "security_groups_for_servers", None)
        if bulk is not None:
            found: dict[str, list[dict[str, Any]]] = bulk(server_ids)
            return {i: found.get(i, []) for i in server_ids}
        return {i: network.security_groups_for_server(i) for i in server_ids}

    def security_groups(self, server_id: str) -> list[dict[str, Any]] | None:
        """The groups of the server's ports; None when there is no networking service."""
        if not self.has("network"):
            return None
        out: list[dict[str, Any]] = self._svc("network").security_groups_for_server(server_id)
        return out

    # -- volumes ---------------------------------------------------------------------------

    def get_volume(self, ctx: RequestContext, volume_id: str) -> dict[str, Any]:
        if not self.has("volume"):
            raise NotFound(f"Volume {volume_id} could not be found.", kind="VolumeNotFound")
        volume: dict[str, Any] = self._svc("volume").get_volume(ctx, volume_id)
        return volume

    def get_snapshot(self, ctx: RequestContext, snapshot_id: str) -> dict[str, Any]:
        if not self.has("volume"):
            raise NotFound(f"Snapshot {snapshot_id} could not be found.", kind="SnapshotNotFound")
        snapshot: dict[str, Any] = self._svc("volume").get_snapshot(ctx, snapshot_id)
        return snapshot

    def create_snapshot(
        self, ctx: RequestContext, *, volume_id: str, name: str | None, description: str | None
    ) -> dict[str, Any]:
        """Nova's create_snapshot_force."""
        if not self.has("volume"):
            raise NotFound(f"Volume {volume_id} could not be found.", kind="VolumeNotFound")
        snapshot: dict[str, Any] = self._svc("volume").create_snapshot(
            ctx, volume_id=volume_id, name=name, description=description
        )
        return snapshot

    def delete_snapshot(self, ctx: RequestContext, snapshot_id: str) -> None:
        if self.has("volume"):
            with contextlib.suppress(ApiError):
                self._svc("volume").delete_snapshot(ctx, snapshot_id)

    def find_volume_type(self, ctx: RequestContext, name_or_id: str) -> dict[str, Any] | None:
        if not self.has("volume"):
            return None
        found: dict[str, Any] | None = self._svc("volume").find_volume_type(ctx, name_or_id)
        return found

    def volume(self) -> Any:
        return self._svc("volume") if self.has("volume") else None

    def network(self) -> Any:
        return self._svc("network") if self.has("network") else None
