"""``GET /v3/OS-REVOKE/events``: the token revocation events, for services that cache tokens."""

from __future__ import annotations

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.core.timeutils import parse_iso
from pocketstack.services.identity import views
from pocketstack.services.identity.api.common import svc
from pocketstack.services.identity.errors import invalid


def list_events(req: ApiRequest) -> Reply:
    req.authorize("identity:list_revoke_events")
    since = req.q("since")
    last_fetch = None
    if since:
        try:
            last_fetch = parse_iso(since)
        except ValueError:
            raise invalid(f"invalidate date format {since}") from None
    s = svc(req)
    with s.db.read() as conn:
        rows = s.tokens.revoke_events(conn, last_fetch)
    events = [views.revoke_event(r) for r in rows]
    links = {"next": None, "self": f"{req.base_url}/v3/OS-REVOKE/events", "previous": None}
    return Reply(200, {"events": events, "links": links})
