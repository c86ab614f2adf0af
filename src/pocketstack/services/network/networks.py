"""Networks, with ML2/OVN-like segments: project networks are ``geneve`` (MTU 1442)
with a segmentation id allocated from the database; admins may create ``flat`` and
``vlan`` provider networks on the ``public`` physical network."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from pocketstack.core import ids
from pocketstack.services.network import metadata, quotas, rbac
from pocketstack.services.network import models as m
from pocketstack.services.network.access import Caller
from pocketstack.services.network.errors import invalid_input, neutron
from pocketstack.services.network.store import (
    Listing,
    Row,
    bump,
    check_revision,
    delete_tags,
    list_page,
    many,
    new_standard,
    one,
    tags_for,
)
from pocketstack.services.network.validators import is_set

if TYPE_CHECKING:
    from pocketstack.services.network.service import NetworkService

AVAILABILITY_ZONE = "nova"
PHYSICAL_NETWORKS = ("public",)
TENANT_NETWORK_TYPE = "geneve"
MTU = {"geneve": 1442, "vxlan": 1450, "flat": 1500, "vlan": 1500, "local": 1500}
SEGMENT_RANGES = {"geneve": (1, 65535), "vxlan": (1, 65535), "vlan": (1, 4094)}
# ports Neutron removes by itself when their network goes (AUTO_DELETE_PORT_OWNERS)
AUTO_DELETE_OWNERS = ("network:dhcp", "network:distributed")

t = m.networks
_BY_ID = sa.select(t).where(t.c.id == sa.bindparam("id"))
LISTING = Listing(
    t,
    columns={
        "router:external": t.c.external,
        "provider:network_type": t.c.network_type,
        "provider:physical_network": t.c.physical_network,
        "provider:segmentation_id": t.c.segmentation_id,
    },
)


def visible_to(caller: Caller) -> ColumnElement[bool] | None:
    """Own networks, and those shared with the caller's project (or everyone) as shared or
    as external networks (upstream's RBAC query hook)."""
    if caller.is_admin:
        return None
    return sa.or_(t.c.project_id == caller.project_id, accessible(t.c.id, caller.project_id))


def accessible(id_col: ColumnElement[Any], project_id: str | None) -> ColumnElement[bool]:
    """``id_col`` is a network shared with the project (or everyone) as shared or external."""
    return rbac.granted("network", id_col, project_id, (rbac.SHARED, rbac.EXTERNAL))


class Networks:
    def __init__(self, svc: NetworkService) -> None:
        self.svc = svc
        self.db = svc.db

    # -- reading --------------------------------------------------------------------------

    def row(self, conn: Connection, caller: Caller, network_id: str) -> Row:
        scope = visible_to(caller)
        if scope is None:
            row = one(conn, _BY_ID, {"id": network_id})
        else:
            row = one(conn, sa.select(t).where(t.c.id == network_id, scope))
        if row is None:
            raise neutron("NetworkNotFound", net_id=network_id)
        return row

    def expand(self, conn: Connection, rows: list[Row], caller: Caller | None = None) -> list[Row]:
        """Rows with their subnets and tags; ``shared`` as the caller reads it (shared with
        its project or with everyone)."""
        if not rows:
            return rows
        net_ids = [r["id"] for r in rows]
        shared = rbac.shared_with(conn, "network", net_ids, caller.project_id if caller else None)
        qos = self.svc.qos.network_policies(conn, net_ids)
        segments = self.svc.segments.for_networks(conn, net_ids)
        scopes = self.svc.address_scopes.scopes_of_networks(conn, net_ids)
        subnets: dict[str, list[str]] = {i: [] for i in net_ids}
        s = m.subnets
        for sid, nid in conn.execute(
            sa.select(s.c.id, s.c.network_id).where(s.c.network_id.in_(net_ids)).order_by(s.c.created_at, s.c.id)
        ):
            subnets[nid].append(sid)
        tags = tags_for(conn, net_ids)
        return [
            {**r, "subnets": subnets[r["id"]], "tags": tags[r["id"]], "shared": r["id"] in shared,
             "qos_policy_id": qos.get(r["id"]), "segments": segments[r["id"]], "address_scopes": scopes[r["id"]]}
            for r in rows
        ]  # fmt: skip

    def get(self, caller: Caller, network_id: str) -> Row:
        with self.db.read() as conn:
            return self.expand(conn, [self.row(conn, caller, network_id)], caller)[0]

    def search(self, caller: Caller, **kw: Any) -> list[Row]:
        filters = dict(kw.pop("filters", None) or {})
        extra = list(kw.pop("extra", ()))
        if "shared" in filters:
            extra.append(rbac.shared_filter("network", t.c.id, caller, filters.pop("shared")))
        with self.db.read() as conn:
            marker = kw.pop("marker", None)
            marker_row = self.row(conn, caller, marker) if marker and kw.get("limit") else None
            rows = list_page(
                conn, LISTING, scope=visible_to(caller), filters=filters, extra=extra, marker=marker_row, **kw
            )
            return self.expand(conn, rows, caller)

    def brief(self, network_id: str, caller: Caller | None = None) -> Row:
        """Owner and sharing (as ``caller`` reads it) of a network whoever asks (for policy
        targets); NetworkNotFound."""
        with self.db.read() as conn:
            row = one(conn, sa.select(t.c.id, t.c.project_id, t.c.external).where(t.c.id == network_id))
            if row is None:
                raise neutron("NetworkNotFound", net_id=network_id)
            project = caller.project_id if caller else None
            return {**row, "shared": bool(rbac.shared_with(conn, "network", [network_id], project))}

    def by_ids(self, conn: Connection, network_ids: list[str]) -> dict[str, Row]:
        if not network_ids:
            return {}
        return {r["id"]: r for r in many(conn, sa.select(t).where(t.c.id.in_(set(network_ids))))}

    # -- writing --------------------------------------------------------------------------

    def create(self, caller: Caller, body: dict[str, Any]) -> Row:
        with self.db.write() as conn:
            network_id = self.create_in(conn, body, caller)
            return self.expand(conn, [self.row(conn, Caller.system(), network_id)], caller)[0]

    def create_many(self, caller: Caller, bodies: list[dict[str, Any]]) -> list[Row]:
        """Create networks (a bulk request) in one transaction: all or none."""
        for body in bodies:
            self.svc.secgroups.ensure_default_now(body["project_id"])
        with self.db.write() as conn:
            created = [self.create_in(conn, body, caller) for body in bodies]
            return self.expand(conn, [self.row(conn, Caller.system(), i) for i in created], caller)

    def create_in(self, conn: Connection, body: dict[str, Any], caller: Caller | None = None) -> str:
        project_id = body["project_id"]
        quotas.check(conn, project_id, {"network": 1})
        network_id = ids.uuid_id()
        wanted = self._requested_segments(body)
        segment = self.validate_segment(conn, wanted[0])
        mtu = self._mtu(segment[0], body.get("mtu") or 0)
        for hint in body.get("availability_zone_hints") or []:
            if hint != AVAILABILITY_ZONE:
                raise neutron("AvailabilityZoneNotFound", availability_zone=hint)
        conn.execute(
            t.insert().values(
                id=network_id,
                project_id=project_id,
                name=body.get("name") or "",
                admin_state_up=body.get("admin_state_up", True),
                status="ACTIVE",
                shared=bool(body.get("shared")),
                external=bool(body.get("router:external")),
                is_default=False,
                mtu=mtu,
                port_security_enabled=body.get("port_security_enabled", True),
                network_type=segment[0],
                physical_network=segment[1],
                segmentation_id=segment[2],
                availability_zone_hints=list(body.get("availability_zone_hints") or []),
                dns_domain=body.get("dns_domain") or "",
                **new_standard(body.get("description")),
            )
        )
        self.svc.segments.add_in(conn, network_id, segment)
        for more in wanted[1:]:
            extra = self.validate_segment(conn, more)
            self.svc.segments.add_in(conn, network_id, extra)
            mtu = min(mtu, MTU[extra[0]])
        if len(wanted) > 1:
            conn.execute(t.update().where(t.c.id == network_id).values(mtu=mtu))
        if body.get("shared"):
            rbac.add(conn, object_type="network", object_id=network_id, project_id=project_id)
        if body.get("router:external"):
            rbac.add(conn, object_type="network", object_id=network_id, project_id=project_id, action=rbac.EXTERNAL)
            if body.get("is_default"):
                self._set_default(conn, network_id, True)
        net = {"id": network_id, "project_id": project_id}
        self.svc.qos.bind_network(conn, caller or Caller.system(), net, body.get("qos_policy_id"), creating=True)
        metadata.ensure_port(self.svc, conn, network_id, project_id)
        return network_id

    @staticmethod
    def _set_default(conn: Connection, network_id: str, is_default: bool) -> None:
        """``is_default`` of an external network (auto-allocated-topology): one default at most."""
        if is_default:
            other = conn.execute(
                sa.select(t.c.id).where(t.c.is_default.is_(True), t.c.external.is_(True), t.c.id != network_id)
            ).scalar()
            if other is not None:
                raise neutron("DefaultExternalNetworkExists", net_id=other)
        conn.execute(t.update().where(t.c.id == network_id).values(is_default=is_default))

    @staticmethod
    def _requested_segments(body: dict[str, Any]) -> list[dict[str, Any]]:
        """The segments a create asks for: its provider attributes, or its ``segments``
        (multi-provider; not both, no duplicates)."""
        keys = ("provider:network_type", "provider:physical_network", "provider:segmentation_id")
        listed = body.get("segments")
        if any(is_set(body.get(k)) for k in keys):
            if is_set(listed):
                raise neutron("SegmentsSetInConjunctionWithProviders")
            return [body]
        if not is_set(listed) or not listed:
            return [body]
        seen = [tuple(sorted((k, repr(v)) for k, v in seg.items() if is_set(v))) for seg in listed]
        if len(set(seen)) != len(seen):
            raise neutron("SegmentsContainDuplicateEntry")
        for seg in listed:
            if not is_set(seg.get("provider:network_type")):
                raise invalid_input("network_type required")
        return list(listed)

    def segments_changed(self, conn: Connection, network_id: str) -> None:
        """The network's provider columns follow its first segment."""
        first = one(
            conn,
            sa.select(m.network_segments)
            .where(m.network_segments.c.network_id == network_id)
            .order_by(m.network_segments.c.segment_index)
            .limit(1),
        )
        values = {"network_type": None, "physical_network": None, "segmentation_id": None}
        if first is not None:
            values = {k: first[k] for k in values}
        bump(conn, t, network_id, **values)

    def validate_segment(self, conn: Connection, body: dict[str, Any]) -> tuple[str, str | None, int | None]:
        """A segment (``provider:*`` keys) as the type drivers accept it, its id allocated
        when not given."""
        kind = body.get("provider:network_type")
        physnet = body.get("provider:physical_network")
        seg_id = body.get("provider:segmentation_id")
        kind = kind if is_set(kind) else None
        physnet = physnet if is_set(physnet) else None
        seg_id = seg_id if is_set(seg_id) else None
        if kind is None:
            if physnet is not None or seg_id is not None:
                raise invalid_input("network_type required")
            kind = TENANT_NETWORK_TYPE
        if kind not in MTU:
            raise invalid_input(f"network_type value '{kind}' not supported")
        if kind == "flat":
            if physnet is None:
                raise invalid_input("physical_network required for flat provider network")
            if seg_id is not None:
                raise invalid_input("segmentation_id prohibited for flat provider network")
            self._check_physnet(physnet, "flat")
            return kind, physnet, None
        if kind == "vlan":
            if physnet is None and seg_id is not None:
                raise invalid_input("segmentation_id requires physical_network for VLAN provider network")
            physnet = physnet or PHYSICAL_NETWORKS[0]
            self._check_physnet(physnet, "VLAN")
        elif kind in ("geneve", "vxlan") and physnet is not None:
            raise invalid_input(f"provider:physical_network specified for {kind} network")
        if kind == "local":
            return kind, None, None
        lo, hi = SEGMENT_RANGES[kind]
        if seg_id is not None:
            if not lo <= seg_id <= hi:
                raise invalid_input(f"segmentation_id out of range ({lo} through {hi})")
            if self._segment_taken(conn, kind, seg_id):
                raise neutron("InvalidInput", error_message=f"Segmentation ID {seg_id} is in use")
            return kind, physnet, seg_id
        return kind, physnet, self._free_segment(conn, kind, lo, hi)

    @staticmethod
    def _check_physnet(physnet: str, kind: str) -> None:
        if physnet not in PHYSICAL_NETWORKS:
            raise invalid_input(f"physical_network '{physnet}' unknown for {kind} provider network")

    @staticmethod
    def _segment_taken(conn: Connection, kind: str, seg_id: int) -> bool:
        s = m.segments
        stmt = sa.select(s.c.network_id).where(s.c.network_type == kind, s.c.segmentation_id == seg_id)
        return conn.execute(stmt).first() is not None

    @staticmethod
    def _free_segment(conn: Connection, kind: str, lo: int, hi: int) -> int:
        s = m.segments
        top = conn.execute(sa.select(sa.func.max(s.c.segmentation_id)).where(s.c.network_type == kind)).scalar()
        if top is None or top < hi:
            return max(lo, (top or 0) + 1)
        used = {v for (v,) in conn.execute(sa.select(s.c.segmentation_id).where(s.c.network_type == kind))}
        for value in range(lo, hi + 1):
            if value not in used:
                return value
        raise neutron("NoNetworkAvailable")

    @staticmethod
    def _mtu(kind: str, requested: int) -> int:
        limit = MTU[kind]
        if requested and requested > limit:
            raise invalid_input(f"Requested MTU is too big, maximum is {limit}")
        return requested or limit

    def update(self, caller: Caller, network_id: str, body: dict[str, Any], revision: int | None = None) -> Row:
        with self.db.write() as conn:
            row = self.row(conn, caller, network_id)
            check_revision(row, revision)
            values: dict[str, Any] = {}
            for key in ("name", "admin_state_up", "dns_domain", "port_security_enabled", "description"):
                if key in body:
                    values[key] = body[key]
            if is_set(body.get("segments")):
                raise invalid_input(
                    "Plugin does not support updating the following provider network attributes: segments"
                )
            provider = {"provider:network_type": "network_type", "provider:physical_network": "physical_network"}
            for key, column in provider.items():
                if is_set(body.get(key)) and body[key] != row[column]:
                    raise invalid_input(
                        "Plugin does not support updating the following provider network attributes: "
                        "provider:physical_network, provider:network_type"
                    )
            if (
                is_set(body.get("provider:segmentation_id"))
                and body["provider:segmentation_id"] != row["segmentation_id"]
            ):
                values["segmentation_id"] = self._new_segmentation_id(conn, row, body["provider:segmentation_id"])
            if "mtu" in body:
                values["mtu"] = self._mtu(row["network_type"] or TENANT_NETWORK_TYPE, body["mtu"])
            if "shared" in body:
                self._set_shared(conn, row, bool(body["shared"]))
            if "qos_policy_id" in body:
                self.svc.qos.bind_network(conn, caller, row, body["qos_policy_id"], creating=False)
            if "router:external" in body and bool(body["router:external"]) != bool(row["external"]):
                self.set_external_flag(conn, network_id, bool(body["router:external"]), allow_all=True)
            external = row["external"] or body.get("router:external")
            if is_set(body.get("is_default")) and external and bool(body["is_default"]) != bool(row["is_default"]):
                self._set_default(conn, network_id, bool(body["is_default"]))
            bump(conn, t, network_id, **values)
            return self.expand(conn, [self.row(conn, Caller.system(), network_id)], caller)[0]

    def _set_shared(self, conn: Connection, row: Row, shared: bool) -> None:
        """``shared`` is the wildcard ``access_as_shared`` entry (upstream's update_network)."""
        entry = rbac.has_entry(conn, "network", row["id"], rbac.SHARED)
        if shared and not entry:
            rbac.add(conn, object_type="network", object_id=row["id"], project_id=row["project_id"])
        elif not shared and entry:
            self._check_unshare(conn, row)
            rbac.remove(conn, "network", row["id"], action=rbac.SHARED, target=rbac.WILDCARD)
        conn.execute(t.update().where(t.c.id == row["id"]).values(shared=shared))

    def set_external_flag(self, conn: Connection, network_id: str, external: bool, allow_all: bool = False) -> None:
        """``router:external`` on or off (``_process_l3_update``): on, with the wildcard
        ``access_as_external`` entry when ``allow_all``; off, unless router gateways use it,
        with every external entry and the default flag dropped."""
        row = one(conn, sa.select(t).where(t.c.id == network_id))
        if row is None:
            raise neutron("NetworkNotFound", net_id=network_id)
        if external:
            if allow_all and not rbac.has_entry(conn, "network", network_id, rbac.EXTERNAL):
                rbac.add(
                    conn, object_type="network", object_id=network_id, project_id=row["project_id"],
                    action=rbac.EXTERNAL,
                )  # fmt: skip
            conn.execute(t.update().where(t.c.id == network_id).values(external=True))
            return
        gw = m.ports
        in_use = conn.execute(
            sa.select(gw.c.id).where(gw.c.network_id == network_id, gw.c.device_owner == "network:router_gateway")
        ).first()
        if in_use is not None:
            raise neutron("ExternalNetworkInUse", net_id=network_id)
        rbac.remove(conn, "network", network_id, action=rbac.EXTERNAL)
        conn.execute(t.update().where(t.c.id == network_id).values(external=False, is_default=False))

    def _new_segmentation_id(self, conn: Connection, row: Row, seg_id: int) -> int:
        seg = m.network_segments
        count = conn.execute(sa.select(sa.func.count()).select_from(seg).where(seg.c.network_id == row["id"])).scalar()
        if (count or 0) > 1:
            raise invalid_input(
                "Provider network attributes can be updated only in provider networks with a single segment."
            )
        kind = row["network_type"]
        if kind not in SEGMENT_RANGES:
            raise invalid_input(f"segmentation_id prohibited for {kind} provider network")
        lo, hi = SEGMENT_RANGES[kind]
        if not lo <= seg_id <= hi:
            raise invalid_input(f"segmentation_id out of range ({lo} through {hi})")
        if self._segment_taken(conn, kind, seg_id):
            raise invalid_input(f"Segmentation ID {seg_id} is in use")
        s = m.segments
        conn.execute(s.delete().where(s.c.network_id == row["id"]))
        conn.execute(s.insert().values(network_type=kind, segmentation_id=seg_id, network_id=row["id"]))
        conn.execute(seg.update().where(seg.c.network_id == row["id"]).values(segmentation_id=seg_id))
        return seg_id

    @staticmethod
    def _check_unshare(conn: Connection, row: Row) -> None:
        """Unsharing leaves no port or subnet of a project that has no entry of its own."""
        p, s = m.ports, m.subnets
        allowed = {e["target_project"] for e in rbac.entries(conn, "network", row["id"], rbac.SHARED)}
        allowed = (allowed - {rbac.WILDCARD}) | {row["project_id"]}
        users = {
            pid
            for (pid,) in conn.execute(
                sa.select(p.c.project_id).where(
                    p.c.network_id == row["id"], sa.not_(p.c.device_owner.startswith("network:"))
                )
            )
        } | {pid for (pid,) in conn.execute(sa.select(s.c.project_id).where(s.c.network_id == row["id"]))}
        if users - allowed:
            raise neutron("InvalidSharedSetting", network=row["name"])

    def delete(self, caller: Caller, network_id: str, revision: int | None = None) -> None:
        with self.db.write() as conn:
            check_revision(self.row(conn, caller, network_id), revision)
            self.delete_in(conn, network_id)

    def delete_in(self, conn: Connection, network_id: str) -> None:
        p, f = m.ports, m.floatingips
        # floating IPs nobody uses go with their external network (upstream's L3 hook)
        for fip in many(conn, sa.select(f).where(f.c.floating_network_id == network_id, f.c.fixed_port_id.is_(None))):
            self.svc.floatingips.delete_in(conn, fip)
        busy = [
            pid
            for (pid,) in conn.execute(
                sa.select(p.c.id).where(p.c.network_id == network_id, p.c.device_owner.not_in(AUTO_DELETE_OWNERS))
            )
        ]
        if busy:
            raise neutron(
                "NetworkInUse",
                net_id=network_id,
                reason="There are one or more ports still in use on the network, id for these ports is: "
                + ",".join(busy),
            )
        conn.execute(p.delete().where(p.c.network_id == network_id))
        s = m.subnets
        subnet_ids = [sid for (sid,) in conn.execute(sa.select(s.c.id).where(s.c.network_id == network_id))]
        for sid in subnet_ids:
            delete_tags(conn, sid)
        conn.execute(s.delete().where(s.c.network_id == network_id))
        conn.execute(m.segments.delete().where(m.segments.c.network_id == network_id))
        rbac.remove(conn, "network", network_id)
        delete_tags(conn, network_id)
        conn.execute(t.delete().where(t.c.id == network_id))
