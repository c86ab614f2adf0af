"""Trunks (``trunk``, ``trunk-details``) as ML2/OVN runs them: a parent port carrying
subports told apart by VLAN id (segmentation type ``vlan``, 1-4094, or ``inherit``:
the subport network's own).  OVN makes a trunk ``ACTIVE`` as soon as it is created
or its subports change; subports become ``trunk:subport`` ports bound like their
parent (``parent_name``/``tag`` in their binding profile) and are released when they
leave.  Ports in a trunk cannot be deleted; a disabled trunk cannot be changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from pocketstack.core import ids
from pocketstack.core.timeutils import utcnow
from pocketstack.services.network import models as m
from pocketstack.services.network.access import Caller
from pocketstack.services.network.errors import invalid_input, neutron
from pocketstack.services.network.resources import subports as validate_subports
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
    set_tags,
    tags_for,
)

if TYPE_CHECKING:
    from pocketstack.services.network.service import NetworkService

SUBPORT_OWNER = "trunk:subport"
ACTIVE, DOWN = "ACTIVE", "DOWN"
# what the OVN trunk driver supports: VLAN ids 1-4094
SEGMENTATION_TYPES = {"vlan": (1, 4094)}

t = m.trunks
sp = m.trunk_subports
p = m.ports
LISTING = Listing(t)
_PARENTS = sa.select(t.c.port_id, t.c.id).where(t.c.port_id.in_(sa.bindparam("ids", expanding=True)))


def visible_to(caller: Caller) -> ColumnElement[bool] | None:
    return None if caller.is_admin else t.c.project_id == caller.project_id


class Trunks:
    def __init__(self, svc: NetworkService) -> None:
        self.svc = svc
        self.db = svc.db

    # -- reading ----------------------------------------------------------------------------------

    def row(self, conn: Connection, caller: Caller, trunk_id: str) -> Row:
        stmt = sa.select(t).where(t.c.id == trunk_id)
        scope = visible_to(caller)
        if scope is not None:
            stmt = stmt.where(scope)
        found = one(conn, stmt)
        if found is None:
            raise neutron("TrunkNotFound", trunk_id=trunk_id)
        return found

    def expand(self, conn: Connection, rows: list[Row]) -> list[Row]:
        if not rows:
            return rows
        trunk_ids = [x["id"] for x in rows]
        subs: dict[str, list[Row]] = {i: [] for i in trunk_ids}
        for sub in many(conn, sa.select(sp).where(sp.c.trunk_id.in_(trunk_ids)).order_by(sp.c.created_at)):
            subs[sub["trunk_id"]].append(sub)
        tags = tags_for(conn, trunk_ids)
        return [{**x, "sub_ports": subs[x["id"]], "tags": tags[x["id"]]} for x in rows]

    def get(self, caller: Caller, trunk_id: str) -> Row:
        with self.db.read() as conn:
            return self.expand(conn, [self.row(conn, caller, trunk_id)])[0]

    def search(self, caller: Caller, **kw: Any) -> list[Row]:
        with self.db.read() as conn:
            marker = kw.pop("marker", None)
            marker_row = self.row(conn, caller, marker) if marker and kw.get("limit") else None
            return self.expand(conn, list_page(conn, LISTING, scope=visible_to(caller), marker=marker_row, **kw))

    def details_for_ports(self, conn: Connection, port_ids: list[str]) -> dict[str, dict[str, Any]]:
        """``trunk_details`` of the parent ports among ``port_ids``."""
        if not port_ids:
            return {}
        parents = dict(conn.execute(_PARENTS, {"ids": port_ids}).all())
        if not parents:
            return {}
        out: dict[str, dict[str, Any]] = {pid: {"trunk_id": tid, "sub_ports": []} for pid, tid in parents.items()}
        by_trunk = {tid: pid for pid, tid in parents.items()}
        rows = conn.execute(
            sa.select(sp.c.trunk_id, sp.c.port_id, sp.c.segmentation_type, sp.c.segmentation_id, p.c.mac_address)
            .join(p, p.c.id == sp.c.port_id)
            .where(sp.c.trunk_id.in_(list(by_trunk)))
            .order_by(sp.c.created_at)
        )
        for trunk_id, port_id, kind, seg_id, mac in rows:
            out[by_trunk[trunk_id]]["sub_ports"].append(
                {"segmentation_id": seg_id, "segmentation_type": kind, "port_id": port_id, "mac_address": mac}
            )
        return out

    # -- creating ------------------------------------------------------------------------------------

    def create(self, caller: Caller, body: dict[str, Any]) -> Row:
        with self.db.write() as conn:
            parent = self._parent(conn, caller, body["port_id"])
            subs = self._validate_subports(conn, caller, parent, list(body.get("sub_ports") or []))
            trunk_id = ids.uuid_id()
            conn.execute(
                t.insert().values(
                    id=trunk_id,
                    project_id=body["project_id"],
                    name=body.get("name") or "",
                    admin_state_up=body.get("admin_state_up", True),
                    status=DOWN,
                    port_id=parent["id"],
                    **new_standard(body.get("description")),
                )
            )
            self._attach(conn, trunk_id, parent, subs)
            if body.get("tags"):
                set_tags(conn, "trunks", trunk_id, body["tags"])
            # the OVN driver makes the trunk ACTIVE right away
            conn.execute(t.update().where(t.c.id == trunk_id).values(status=ACTIVE))
            return self.expand(conn, [self.row(conn, Caller.system(), trunk_id)])[0]

    def _parent(self, conn: Connection, caller: Caller, port_id: str) -> Row:
        """``TrunkPortValidator``: the parent is in no trunk yet (OVN trunks bound ports too)."""
        port = self.svc.ports.row(conn, caller, port_id)
        self._not_in_a_trunk(conn, port_id, parent=True)
        return port

    @staticmethod
    def _not_in_a_trunk(conn: Connection, port_id: str, parent: bool) -> None:
        if conn.execute(sa.select(sp.c.port_id).where(sp.c.port_id == port_id)).first() is not None:
            raise neutron("TrunkPortInUse", port_id=port_id)
        if conn.execute(sa.select(t.c.id).where(t.c.port_id == port_id)).first() is not None:
            raise neutron("ParentPortInUse", port_id=port_id)

    def _validate_subports(self, conn: Connection, caller: Caller, parent: Row,
                           subs: list[dict[str, Any]]) -> list[dict[str, Any]]:  # fmt: skip
        """``SubPortsValidator``: each subport exists, is free, not the parent, its network's
        MTU fits the parent's, and has a known segmentation (``inherit`` resolved)."""
        trunk_mtu = self.svc.networks.row(conn, Caller.system(), parent["network_id"])["mtu"]
        out = []
        for sub in subs:
            if sub["port_id"] == parent["id"]:
                raise neutron("ParentPortInUse", port_id=sub["port_id"])
            port = self.svc.ports.row(conn, caller, sub["port_id"])
            net = self.svc.networks.row(conn, Caller.system(), port["network_id"])
            if net["mtu"] > trunk_mtu:
                raise neutron("SubPortMtuGreaterThanTrunkPortMtu", port_id=port["id"], port_mtu=net["mtu"],
                              trunk_id=parent["id"], trunk_mtu=trunk_mtu)  # fmt: skip
            if sub.get("segmentation_type") == "inherit":
                sub = {**sub, "segmentation_type": net["network_type"], "segmentation_id": net["segmentation_id"]}
            if "segmentation_type" not in sub or "segmentation_id" not in sub:
                raise invalid_input(
                    f"Invalid subport details '{sub}': missing segmentation information. Must specify both "
                    "segmentation_id and segmentation_type"
                )
            try:
                seg_id = int(sub["segmentation_id"])
            except (TypeError, ValueError):
                raise invalid_input(
                    f"Invalid subport details: segmentation_id '{sub['segmentation_id']}' is not an integer"
                ) from None
            kind = sub["segmentation_type"]
            if not isinstance(kind, str) or kind not in SEGMENTATION_TYPES:
                raise invalid_input(f"Unknown segmentation_type '{kind}'")
            lo, hi = SEGMENTATION_TYPES[kind]
            if not lo <= seg_id <= hi:
                raise invalid_input(f"Segmentation ID '{seg_id}' is not in range")
            self._not_in_a_trunk(conn, port["id"], parent=False)
            if port["device_id"]:
                raise neutron("PortInUse", net_id=port["network_id"], port_id=port["id"], device_id=port["device_id"])
            out.append({"port_id": port["id"], "segmentation_type": kind, "segmentation_id": seg_id})
        return out

    def _attach(self, conn: Connection, trunk_id: str, parent: Row, subs: list[dict[str, Any]]) -> None:
        for sub in subs:
            clash = conn.execute(
                sa.select(sp.c.port_id).where(
                    sp.c.trunk_id == trunk_id,
                    sp.c.segmentation_type == sub["segmentation_type"],
                    sp.c.segmentation_id == sub["segmentation_id"],
                )
            ).first()
            if clash is not None:
                raise neutron("DuplicateSubPort", segmentation_type=sub["segmentation_type"],
                              segmentation_id=sub["segmentation_id"], trunk_id=trunk_id)  # fmt: skip
            conn.execute(sp.insert().values(trunk_id=trunk_id, created_at=utcnow(), **sub))
            self._bind_subport(conn, sub, parent)

    @staticmethod
    def _bind_subport(conn: Connection, sub: dict[str, Any], parent: Row) -> None:
        """What the OVN trunk driver does to a subport: owner ``trunk:subport``, the
        parent's status, ``parent_name``/``tag`` in its binding profile."""
        port = one(conn, sa.select(p).where(p.c.id == sub["port_id"]))
        if port is None:
            return
        profile = {**(port["binding_profile"] or {}), "parent_name": parent["id"], "tag": sub["segmentation_id"]}
        bump(conn, p, port["id"], device_owner=SUBPORT_OWNER, status=parent["status"], binding_profile=profile,
             binding_vif_type="ovs")  # fmt: skip

    @staticmethod
    def _unbind_subport(conn: Connection, port_id: str) -> None:
        port = one(conn, sa.select(p).where(p.c.id == port_id))
        if port is None:
            return
        profile = {k: v for k, v in (port["binding_profile"] or {}).items() if k not in ("parent_name", "tag")}
        bump(conn, p, port_id, device_owner="", binding_profile=profile, binding_vif_type="unbound")

    # -- updating and deleting ---------------------------------------------------------------------

    def update(self, caller: Caller, trunk_id: str, body: dict[str, Any], revision: int | None = None) -> Row:
        with self.db.write() as conn:
            check_revision(self.row(conn, caller, trunk_id), revision)
            values = {k: body[k] for k in ("name", "description", "admin_state_up") if k in body}
            bump(conn, t, trunk_id, **values)
            return self.expand(conn, [self.row(conn, Caller.system(), trunk_id)])[0]

    def delete(self, caller: Caller, trunk_id: str, revision: int | None = None) -> None:
        with self.db.write() as conn:
            row = self.row(conn, caller, trunk_id)
            check_revision(row, revision)
            self._manageable(row)
            for (port_id,) in conn.execute(sa.select(sp.c.port_id).where(sp.c.trunk_id == trunk_id)):
                self._unbind_subport(conn, port_id)
            conn.execute(sp.delete().where(sp.c.trunk_id == trunk_id))
            delete_tags(conn, trunk_id)
            conn.execute(t.delete().where(t.c.id == trunk_id))

    @staticmethod
    def _manageable(row: Row) -> None:
        if not row["admin_state_up"]:
            raise neutron("TrunkDisabled", trunk_id=row["id"])

    def add_subports(self, caller: Caller, trunk_id: str, body: Any) -> Row:
        subs = self._body_subports(body)
        with self.db.write() as conn:
            row = self.row(conn, caller, trunk_id)
            parent = self.svc.ports.row(conn, Caller.system(), row["port_id"])
            checked = self._validate_subports(conn, caller, parent, subs)
            self._manageable(row)
            if row["status"] == "ERROR":
                raise neutron("TrunkInErrorState", trunk_id=trunk_id)
            self._attach(conn, trunk_id, parent, checked)
            bump(conn, t, trunk_id, status=ACTIVE)
            return self.expand(conn, [self.row(conn, Caller.system(), trunk_id)])[0]

    def remove_subports(self, caller: Caller, trunk_id: str, body: Any) -> Row:
        subs = self._body_subports(body)
        with self.db.write() as conn:
            row = self.row(conn, caller, trunk_id)
            self._manageable(row)
            current = {x for (x,) in conn.execute(sa.select(sp.c.port_id).where(sp.c.trunk_id == trunk_id))}
            for sub in subs:
                if sub["port_id"] not in current:
                    raise neutron("SubPortNotFound", trunk_id=trunk_id, port_id=sub["port_id"])
                current.discard(sub["port_id"])
                conn.execute(sp.delete().where(sp.c.port_id == sub["port_id"]))
                self._unbind_subport(conn, sub["port_id"])
            bump(conn, t, trunk_id, status=ACTIVE)
            return self.expand(conn, [self.row(conn, Caller.system(), trunk_id)])[0]

    @staticmethod
    def _body_subports(body: Any) -> list[dict[str, Any]]:
        subs = body.get("sub_ports") if isinstance(body, dict) else None
        if subs is None:
            raise invalid_input("Invalid data format for subports: 'None' is not a list")
        reason = validate_subports(subs)
        if reason:
            raise invalid_input(reason)
        return list(subs)

    # -- ports ----------------------------------------------------------------------------------------

    @staticmethod
    def parent_changed(conn: Connection, port: Row, values: dict[str, Any]) -> None:
        """A parent port unbound takes its trunk (and subports) DOWN; becoming ACTIVE brings
        them back up."""
        trunk_id = conn.execute(sa.select(t.c.id).where(t.c.port_id == port["id"])).scalar()
        if trunk_id is None:
            return
        vif = values.get("binding_vif_type", port["binding_vif_type"])
        status = values.get("status", port["status"])
        if vif == "unbound" and port["binding_vif_type"] != "unbound":
            new = DOWN
        elif status == ACTIVE and port["status"] != ACTIVE:
            new = ACTIVE
        else:
            return
        bump(conn, t, trunk_id, status=new)
        # OVN brings the subports up and down with their parent's binding on its chassis
        subs = [x for (x,) in conn.execute(sa.select(sp.c.port_id).where(sp.c.trunk_id == trunk_id))]
        for sub_id in subs:
            bump(conn, p, sub_id, status=new)

    @staticmethod
    def check_port_deletion(conn: Connection, port_id: str) -> None:
        """Ports in a trunk cannot go (upstream's enforce_port_deletion_rules)."""
        trunk_id = conn.execute(sa.select(sp.c.trunk_id).where(sp.c.port_id == port_id)).scalar()
        if trunk_id is not None:
            raise neutron("PortInUseAsSubPort", port_id=port_id, trunk_id=trunk_id)
        trunk_id = conn.execute(sa.select(t.c.id).where(t.c.port_id == port_id)).scalar()
        if trunk_id is not None:
            raise neutron("PortInUseAsTrunkParent", port_id=port_id, trunk_id=trunk_id)
