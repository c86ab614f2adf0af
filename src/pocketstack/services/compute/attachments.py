"""Attaching ports (os-interface) and volumes (os-volume_attachments) to running
servers, recorded as instance actions as Nova does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from pocketstack.core import timeutils
from pocketstack.core.context import RequestContext
from pocketstack.core.errors import ApiError, BadRequest, Conflict, NotFound
from pocketstack.services.compute import instance_actions
from pocketstack.services.compute.models import instances, virtual_interfaces

if TYPE_CHECKING:
    from pocketstack.services.compute.service import ComputeService


class Attachments:
    def __init__(self, svc: ComputeService) -> None:
        self.svc = svc
        self.db = svc.db

    def _record(self, ctx: RequestContext, inst: dict[str, Any], action: str, request_id: str) -> None:
        with self.db.write() as conn:
            now = timeutils.utcnow()
            action_id = instance_actions.start(
                conn,
                instance_uuid=inst["uuid"],
                action=action,
                request_id=request_id,
                user_id=ctx.user_id,
                project_id=ctx.project_id,
                now=now,
            )
            instance_actions.finish(conn, action_id, action, host=inst["host"], started=now)
            conn.execute(instances.update().where(instances.c.uuid == inst["uuid"]).values(updated_at=now))

    # -- interfaces --------------------------------------------------------------------------

    def tags(self, server_id: str) -> dict[str, str | None]:
        with self.db.read() as conn:
            rows = conn.execute(
                sa.select(virtual_interfaces.c.port_id, virtual_interfaces.c.tag).where(
                    virtual_interfaces.c.instance_uuid == server_id
                )
            )
            return {r.port_id: r.tag for r in rows}

    def attach(
        self,
        ctx: RequestContext,
        inst: dict[str, Any],
        *,
        net_id: str | None,
        port_id: str | None,
        ip: str | None,
        tag: str | None,
        request_id: str,
    ) -> dict[str, Any]:
        network = self.svc.integration.network()
        if network is None:
            raise BadRequest(
                f"Failed to allocate the network(s), not rescheduling. No network found for {inst['uuid']}",
                kind="InterfaceAttachFailedNoNetwork",
            )
        try:
            port: dict[str, Any] = network.attach_interface(
                ctx,
                server_id=inst["uuid"],
                project_id=inst["project_id"],
                host=inst["host"],
                net_id=net_id,
                port_id=port_id,
                fixed_ips=[{"ip_address": ip}] if ip else None,
            )
        except ApiError as exc:
            if exc.kind in ("NetworkNotFound", "PortNotFound") or exc.status == 404:
                if port_id:
                    raise NotFound(f"Port id {port_id} could not be found.", kind="PortNotFound") from None
                raise NotFound(f"Network {net_id} could not be found.", kind="NetworkNotFound") from None
            if exc.kind in ("PortInUse", "IpAddressInUse", "IpAddressAlreadyAllocated") or exc.status == 409:
                raise Conflict(exc.message, kind=exc.kind) from None
            raise BadRequest(exc.message, kind=exc.kind) from None
        with self.db.write() as conn:
            conn.execute(
                virtual_interfaces.delete().where(
                    virtual_interfaces.c.instance_uuid == inst["uuid"], virtual_interfaces.c.port_id == port["id"]
                )
            )
            conn.execute(virtual_interfaces.insert().values(instance_uuid=inst["uuid"], port_id=port["id"], tag=tag))
        self._record(ctx, inst, "attach_interface", request_id)
        return port

    def detach(self, ctx: RequestContext, inst: dict[str, Any], port_id: str, *, request_id: str) -> None:
        network = self.svc.integration.network()
        ports = self.svc.integration.ports(inst["uuid"])
        if network is None or not any(p["id"] == port_id for p in ports):
            raise NotFound(f"Port {port_id} is not attached", kind="PortNotFound")
        network.detach_interface(ctx, server_id=inst["uuid"], port_id=port_id)
        with self.db.write() as conn:
            conn.execute(
                virtual_interfaces.delete().where(
                    virtual_interfaces.c.instance_uuid == inst["uuid"], virtual_interfaces.c.port_id == port_id
                )
            )
        self._record(ctx, inst, "detach_interface", request_id)

    # -- volumes --------------------------------------------------------------------------------

    def attach_volume(
        self,
        ctx: RequestContext,
        inst: dict[str, Any],
        volume_id: str,
        *,
        device: str | None,
        tag: str | None,
        delete_on_termination: bool,
        request_id: str,
        multiattach_ok: bool = False,
    ) -> dict[str, Any]:
        bdm = self.svc.volumes.attach(
            ctx,
            inst,
            volume_id,
            device=device,
            tag=tag,
            delete_on_termination=delete_on_termination,
            multiattach_ok=multiattach_ok,
        )
        self._record(ctx, inst, "attach_volume", request_id)
        return bdm

    def detach_volume(self, ctx: RequestContext, inst: dict[str, Any], volume_id: str, *, request_id: str) -> None:
        self.svc.volumes.detach(ctx, inst, volume_id)
        self._record(ctx, inst, "detach_volume", request_id)

    # -- password ---------------------------------------------------------------------------------

    def clear_password(self, server_id: str) -> None:
        with self.db.write() as conn:
            row = conn.execute(sa.select(instances.c.system_metadata).where(instances.c.uuid == server_id)).first()
            if row is None:
                return
            meta = {k: v for k, v in (row[0] or {}).items() if k != "password"}
            conn.execute(instances.update().where(instances.c.uuid == server_id).values(system_metadata=meta))
