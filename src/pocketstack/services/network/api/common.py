"""The request flow every Neutron collection shares.

list: parse filters/sort/pagination -> scoped query -> policy per item (hidden when
refused) -> attribute policies -> ``fields`` -> ``<collection>_links``.
show: scoped fetch -> ``get_<resource>`` (404 when refused) -> attribute policies.
create/update/delete: body prepared from the attribute map -> policy on the target
(the parent's owner included) -> the manager -> the view.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.network import attributes as attrs
from pocketstack.services.network.access import Caller, Memo
from pocketstack.services.network.attributes import Resource
from pocketstack.services.network.errors import bad_request, not_found
from pocketstack.services.network.service import NetworkService

Row = Mapping[str, Any]
View = Callable[[Row], dict[str, Any]]
Target = Callable[[dict[str, Any], Row], dict[str, Any]]


def svc(req: ApiRequest) -> NetworkService:
    service: NetworkService = req.svc
    return service


def caller(req: ApiRequest) -> Caller:
    return svc(req).access.caller(req.ctx)


def can_set_project(req: ApiRequest) -> bool:
    access = svc(req).access
    return access.allowed(req.ctx, "context_is_admin", {}) or access.allowed(req.ctx, "service_api", {})


def own_target(view: dict[str, Any], _row: Row) -> dict[str, Any]:
    return view


def network_target(view: dict[str, Any], row: Row) -> dict[str, Any]:
    """Subnets and ports: their network's owner and sharing join the target."""
    owner = row.get("network_project_id")
    shared = row.get("network_shared", row.get("shared"))
    return {**view, "network:project_id": owner, "network:tenant_id": owner, "shared": bool(shared)}


def self_url(req: ApiRequest) -> str:
    return req.base_url + req.path


@dataclass(frozen=True)
class Spec:
    resource: Resource
    manager: str  # attribute of NetworkService
    view: View
    target: Target = own_target
    paginated: bool = True  # False: limit/marker ignored, no links (allow_pagination=False)

    @property
    def name(self) -> str:
        return self.resource.name

    def mgr(self, req: ApiRequest) -> Any:
        return getattr(svc(req), self.manager)


def select(view: dict[str, Any], hidden: set[str], fields: Sequence[str]) -> dict[str, Any]:
    if fields:
        return {k: view[k] for k in fields if k in view and k not in hidden}
    return {k: v for k, v in view.items() if k not in hidden}


def pagination_links(req: ApiRequest, collection: str, items: list[dict[str, Any]], ids: list[str]) -> list[Any]:
    """Upstream's rule: with a limit, a ``next`` link unless a short forward page, a
    ``previous`` link unless a short reverse page."""
    limit = attrs.limit_param(req.query)
    if not limit:
        return []
    reverse = attrs.page_reverse_param(req.query)
    base = self_url(req)
    params = [(k, v) for k, vs in req.query.items() for v in vs if k not in ("marker", "page_reverse")]
    links = []
    if not (len(items) < limit and not reverse):
        marker = [("marker", ids[-1])] if ids else []
        links.append({"rel": "next", "href": f"{base}?{urlencode(params + marker)}"})
    if not (len(items) < limit and reverse):
        marker = [("marker", ids[0])] if ids else []
        links.append({"rel": "previous", "href": f"{base}?{urlencode(params + marker + [('page_reverse', 'True')])}"})
    return links


def render_list(req: ApiRequest, spec: Spec, rows: Sequence[Row], collection: str | None = None) -> Reply:
    access = svc(req).access
    ctx = req.ctx
    rule = f"get_{spec.name}"
    memo = Memo()
    items = []
    for row in rows:
        view = spec.view(row)
        if access.allowed_memo(ctx, rule, spec.target(view, row), memo):
            items.append((view, row))
    hidden = access.hidden(ctx, spec.name, spec.target(*items[0]), memo) if items else set()
    fields = attrs.fields_param(req.query)
    key = collection or spec.resource.collection
    body: dict[str, Any] = {key: [select(v, hidden, fields) for v, _ in items]}
    links = pagination_links(req, key, body[key], [str(v["id"]) for v, _ in items]) if spec.paginated else []
    if links:
        body[f"{key}_links"] = links
    return Reply(200, body)


def list_resources(req: ApiRequest, spec: Spec, **extra: Any) -> Reply:
    q = req.query
    limit = attrs.limit_param(q)
    marker = q["marker"][-1] if limit and q.get("marker") else None
    rows = spec.mgr(req).search(
        caller(req),
        filters=spec.resource.filters(q),
        sorts=spec.resource.sorts(q),
        limit=limit,
        marker=marker,
        page_reverse=attrs.page_reverse_param(q),
        **extra,
    )
    return render_list(req, spec, rows)


def render_one(req: ApiRequest, spec: Spec, row: Row, status: int = 200, check: bool = False) -> Reply:
    access = svc(req).access
    view = spec.view(row)
    target = spec.target(view, row)
    if check and not access.allowed(req.ctx, f"get_{spec.name}", target):
        raise not_found()
    hidden = access.hidden(req.ctx, spec.name, target)
    return Reply(status, {spec.name: select(view, hidden, attrs.fields_param(req.query))})


def show_resource(req: ApiRequest, spec: Spec, resource_id: str) -> Reply:
    row = spec.mgr(req).get(caller(req), resource_id)
    return render_one(req, spec, row, check=True)


def prepare(req: ApiRequest, spec: Spec, create: bool, allow_bulk: bool = False) -> tuple[list[dict[str, Any]], bool]:
    return spec.resource.prepare(
        req.body,
        create=create,
        project_id=req.ctx.project_id,
        can_set_project=can_set_project(req),
        allow_bulk=allow_bulk,
    )


def authorize_create(req: ApiRequest, spec: Spec, target: dict[str, Any]) -> None:
    svc(req).access.enforce(req.ctx, f"create_{spec.name}", target, spec.resource)


def revision_constraint(req: ApiRequest) -> int | None:
    """The ``If-Match: revision_number=N`` a PUT/DELETE is constrained to (revision-if-match)."""
    header = req.header("if-match")
    if not header:
        return None
    found = [tag.strip().strip('"') for tag in header.split(",") if "revision_number=" in tag]
    if len(found) > 1:
        raise bad_request("if-match", "Multiple revision_number etags are not supported.")
    if not found:
        return None
    try:
        return int(found[0].split("revision_number=", 1)[1])
    except ValueError:
        raise bad_request("if-match", "Revision number etag must be in the format of revision_number=<int>") from None


def load_for_change(req: ApiRequest, spec: Spec, action: str, resource_id: str, body: dict[str, Any] | None) -> Row:
    """Fetch what a PUT/DELETE acts on and check ``<action>_<resource>`` (404 for callers who
    may not even see it); the ``If-Match`` revision constraint (412) is then checked by the
    manager inside the transaction that makes the change."""
    row: Row = spec.mgr(req).get(caller(req), resource_id)
    target = spec.target(spec.view(row), row)
    if body is not None:
        target = {**target, **body}
    svc(req).access.enforce(
        req.ctx,
        f"{action}_{spec.name}",
        target,
        spec.resource,
        updated=list(body) if body is not None else None,
        show_action=f"get_{spec.name}",
    )
    return row


def create_resource(req: ApiRequest, spec: Spec, allow_bulk: bool = False) -> Reply:
    """POST: validate, authorize each item, create (a bulk request all in one transaction,
    through the manager's ``create_many``), 201 with the new resources."""
    items, bulk = prepare(req, spec, create=True, allow_bulk=allow_bulk)
    for item in items:
        authorize_create(req, spec, item)
    mgr = spec.mgr(req)
    rows = mgr.create_many(caller(req), items) if allow_bulk else [mgr.create(caller(req), items[0])]
    return render_created(req, spec, rows, bulk)


def update_resource(req: ApiRequest, spec: Spec, resource_id: str) -> Reply:
    (body,), _bulk = prepare(req, spec, create=False)
    load_for_change(req, spec, "update", resource_id, body)
    expected = revision_constraint(req)
    row = spec.mgr(req).update(caller(req), resource_id, body, revision=expected)
    return render_one(req, spec, row)


def delete_resource(req: ApiRequest, spec: Spec, resource_id: str) -> Reply:
    load_for_change(req, spec, "delete", resource_id, None)
    expected = revision_constraint(req)
    spec.mgr(req).delete(caller(req), resource_id, revision=expected)
    return Reply(204)


def render_created(req: ApiRequest, spec: Spec, rows: Sequence[Row], bulk: bool) -> Reply:
    access = svc(req).access
    views = []
    for row in rows:
        view = spec.view(row)
        hidden = access.hidden(req.ctx, spec.name, spec.target(view, row))
        views.append(select(view, hidden, ()))
    if bulk:
        return Reply(201, {spec.resource.collection: views})
    return Reply(201, {spec.name: views[0]})
