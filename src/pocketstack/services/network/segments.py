"""Network segments (``segment``, ``multi-provider``, ``standard-attr-segment``,
``subnet-segmentid-writable``): every network has its L2 segments, in order (index 0
first); one segment is what its ``provider:*`` attributes show, several are its
``segments`` list.  Admins add segments to a network (a routed provider network),
name them, and put subnets on them; a segment with subnets cannot go."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import ids
from pocketstack.core.timeutils import utcnow
from pocketstack.services.network import models as m
from pocketstack.services.network.access import Caller
from pocketstack.services.network.errors import neutron
from pocketstack.services.network.store import Listing, Row, bump, check_revision, list_page, many, one

if TYPE_CHECKING:
    from pocketstack.services.network.service import NetworkService

t = m.network_segments
LISTING = Listing(t, tagged=False)
Segment = tuple[str, str | None, int | None]  # (network_type, physical_network, segmentation_id)


def provider_view(segment: Row) -> dict[str, Any]:
    return {
        "provider:network_type": segment["network_type"],
        "provider:physical_network": segment["physical_network"],
        "provider:segmentation_id": segment["segmentation_id"],
    }


class Segments:
    def __init__(self, svc: NetworkService) -> None:
        self.svc = svc
        self.db = svc.db

    # -- the segments of networks -------------------------------------------------------------

    def add_in(self, conn: Connection, network_id: str, segment: Segment, *, name: str | None = None,
               description: str | None = None) -> str:  # fmt: skip
        """Record a (validated) segment after the network's others, reserving its id."""
        kind, physnet, seg_id = segment
        top = conn.execute(sa.select(sa.func.max(t.c.segment_index)).where(t.c.network_id == network_id)).scalar()
        segment_id = ids.uuid_id()
        now = utcnow()
        conn.execute(
            t.insert().values(
                id=segment_id,
                network_id=network_id,
                name=name,
                network_type=kind,
                physical_network=physnet,
                segmentation_id=seg_id,
                segment_index=0 if top is None else top + 1,
                description=description,
                created_at=now,
                updated_at=now,
                revision_number=1,
            )
        )
        if seg_id is not None:
            conn.execute(m.segments.insert().values(network_type=kind, segmentation_id=seg_id, network_id=network_id))
        return segment_id

    def for_networks(self, conn: Connection, network_ids: list[str]) -> dict[str, list[Row]]:
        out: dict[str, list[Row]] = {i: [] for i in network_ids}
        if not network_ids:
            return out
        stmt = sa.select(t).where(t.c.network_id.in_(network_ids)).order_by(t.c.network_id, t.c.segment_index)
        for row in many(conn, stmt):
            out[row["network_id"]].append(row)
        return out

    # -- the API --------------------------------------------------------------------------------

    def row(self, conn: Connection, segment_id: str) -> Row:
        found = one(conn, sa.select(t).where(t.c.id == segment_id))
        if found is None:
            raise neutron("SegmentNotFound", segment_id=segment_id)
        return found

    def get(self, caller: Caller, segment_id: str) -> Row:
        with self.db.read() as conn:
            return self.row(conn, segment_id)

    def search(self, caller: Caller, **kw: Any) -> list[Row]:
        with self.db.read() as conn:
            marker = kw.pop("marker", None)
            marker_row = self.row(conn, marker) if marker and kw.get("limit") else None
            return list_page(conn, LISTING, scope=None, marker=marker_row, **kw)

    def create_many(self, caller: Caller, bodies: list[dict[str, Any]]) -> list[Row]:
        """Create segments (one, or a bulk request) in one transaction: all or none."""
        with self.db.write() as conn:
            return [self.create_in(conn, caller, body) for body in bodies]

    def create_in(self, conn: Connection, caller: Caller, body: dict[str, Any]) -> Row:
        net = self.svc.networks.row(conn, caller, body["network_id"])
        provider = {
            "provider:network_type": body["network_type"],
            "provider:physical_network": body.get("physical_network"),
            "provider:segmentation_id": body.get("segmentation_id"),
        }
        segment = self.svc.networks.validate_segment(conn, provider)
        name = body.get("name")
        segment_id = self.add_in(
            conn, net["id"], segment, name=name if isinstance(name, str) else None,
            description=body.get("description") or "",
        )  # fmt: skip
        self.svc.networks.segments_changed(conn, net["id"])
        return self.row(conn, segment_id)

    def update(self, caller: Caller, segment_id: str, body: dict[str, Any], revision: int | None = None) -> Row:
        with self.db.write() as conn:
            check_revision(self.row(conn, segment_id), revision)
            bump(conn, t, segment_id, **{k: body[k] for k in ("name", "description") if k in body})
            return self.row(conn, segment_id)

    def delete(self, caller: Caller, segment_id: str, revision: int | None = None) -> None:
        with self.db.write() as conn:
            row = self.row(conn, segment_id)
            check_revision(row, revision)
            s = m.subnets
            subnets = [x for (x,) in conn.execute(sa.select(s.c.id).where(s.c.segment_id == segment_id))]
            if subnets:
                raise neutron(
                    "SegmentInUse",
                    segment_id=segment_id,
                    reason="The segment is still associated with subnet(s) " + ", ".join(subnets),
                )
            conn.execute(t.delete().where(t.c.id == segment_id))
            if row["segmentation_id"] is not None:
                a = m.segments
                conn.execute(
                    a.delete().where(a.c.network_type == row["network_type"],
                                     a.c.segmentation_id == row["segmentation_id"])
                )  # fmt: skip
            self.svc.networks.segments_changed(conn, row["network_id"])

    # -- subnets on segments ------------------------------------------------------------------------

    def check_subnet(self, conn: Connection, network_id: str, segment_id: str | None, subnet_id: str | None = None,
                     current: str | None = None) -> None:  # fmt: skip
        """A subnet's ``segment_id``: a segment of its network; a network's subnets are all
        on segments or none is; an existing subnet may only be put on the one segment of a
        single-segment network."""
        s = m.subnets
        others = many(conn, sa.select(s.c.id, s.c.segment_id).where(s.c.network_id == network_id))
        others = [o for o in others if o["id"] != subnet_id]
        if segment_id is not None:
            segment = one(conn, sa.select(t).where(t.c.id == segment_id))
            if segment is None:
                raise neutron("SegmentNotFound", segment_id=segment_id)
            if segment["network_id"] != network_id:
                raise neutron("NetworkIdsDontMatch", subnet_network=network_id, segment_id=segment_id)
        if subnet_id is not None:  # an update
            if current is not None and current != segment_id:
                raise neutron("SubnetSegmentAssociationChangeNotAllowed")
            count = conn.execute(sa.select(sa.func.count()).select_from(t).where(t.c.network_id == network_id)).scalar()
            if segment_id is not None and current is None and (count or 0) > 1:
                raise neutron("NoUpdateSubnetWhenMultipleSegmentsOnNetwork", network_id=network_id)
        if others and any((o["segment_id"] is None) != (segment_id is None) for o in others):
            raise neutron("SubnetsNotAllAssociatedWithSegments", network_id=network_id)
