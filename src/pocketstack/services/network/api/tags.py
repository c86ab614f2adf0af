"""``…/{id}/tags``: the tag API of every resource with standard attributes.

As upstream, the resource is looked up whoever asks (a missing one is a 404) and the
``<action>_<resource>:tags`` rule then decides (403 when refused).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from pocketstack.core.api import ApiRequest, Reply
from pocketstack.services.network import models as m
from pocketstack.services.network.api.common import svc
from pocketstack.services.network.errors import bad_request, neutron
from pocketstack.services.network.store import bump, set_tags, tags_for
from pocketstack.services.network.validators import string, unique_strings

MAX_TAGS = 50
MAX_TAG_LEN = 255

# URL collection -> (resource name, table, id parameter)
TAGGED: dict[str, tuple[str, sa.Table, str]] = {
    "networks": ("network", m.networks, "network_id"),
    "subnets": ("subnet", m.subnets, "subnet_id"),
    "ports": ("port", m.ports, "port_id"),
    "subnetpools": ("subnetpool", m.subnetpools, "subnetpool_id"),
    "routers": ("router", m.routers, "router_id"),
    "floatingips": ("floatingip", m.floatingips, "floatingip_id"),
    "security-groups": ("security_group", m.security_groups, "security_group_id"),
    "qos/policies": ("policy", m.qos_policies, "policy_id"),
    "trunks": ("trunk", m.trunks, "trunk_id"),
}


def _collection(req: ApiRequest) -> str:
    """The tagged collection a path names (``networks``, ``qos/policies``)."""
    rest = req.path.split("/v2.0/", 1)[1]
    first = rest.split("/", 1)[0]
    return "qos/policies" if first == "qos" else first


def _resource(req: ApiRequest) -> tuple[str, sa.Table, str, dict[str, Any]]:
    collection = _collection(req)
    name, table, param = TAGGED[collection]
    resource_id = req.params[param]
    with svc(req).db.read() as conn:
        row = conn.execute(sa.select(table).where(table.c.id == resource_id)).mappings().first()
    if row is None:
        resource = collection.rsplit("/", 1)[-1].replace("-", "_")
        raise neutron("TagResourceNotFound", resource=resource, resource_id=resource_id)
    return name, table, resource_id, dict(row)


def _authorize(req: ApiRequest, action: str, name: str, row: dict[str, Any]) -> None:
    target = {**row, "tenant_id": row["project_id"]}
    svc(req).access.enforce(req.ctx, f"{action}_{name}:tags", target)


def _tag(value: str) -> str:
    reason = string(value, MAX_TAG_LEN)
    if reason:
        raise neutron("InvalidInput", error_message=reason)
    return value


def _body_tags(req: ApiRequest, collection: str) -> list[str]:
    body = req.body
    if not isinstance(body, dict) or "tags" not in body:
        raise neutron("InvalidInput", error_message="Invalid tags body")
    reason = unique_strings(body["tags"], MAX_TAG_LEN)
    if reason:
        raise neutron("InvalidInput", error_message=reason)
    return list(body["tags"])


def _limit(collection: str, tags: list[str]) -> None:
    if len(set(tags)) > MAX_TAGS:
        raise bad_request(collection, f"The number of tags exceed the per-resource limit of {MAX_TAGS}")


def _current(req: ApiRequest, resource_id: str) -> list[str]:
    with svc(req).db.read() as conn:
        return tags_for(conn, [resource_id])[resource_id]


def list_tags(req: ApiRequest) -> Reply:
    name, _table, resource_id, row = _resource(req)
    _authorize(req, "get", name, row)
    return Reply(200, {"tags": _current(req, resource_id)})


def check_tag(req: ApiRequest) -> Reply:
    tag = _tag(req.params["tag"])
    name, _table, resource_id, row = _resource(req)
    _authorize(req, "get", name, row)
    if tag not in _current(req, resource_id):
        raise neutron("TagNotFound", tag=tag)
    return Reply(204)


def _store(req: ApiRequest, table: sa.Table, resource_id: str, tags: list[str]) -> list[str]:
    collection = _collection(req)
    with svc(req).db.write() as conn:
        set_tags(conn, collection, resource_id, tags)
        bump(conn, table, resource_id)
        return tags_for(conn, [resource_id])[resource_id]


def replace_tags(req: ApiRequest) -> Reply:
    collection = _collection(req)
    tags = _body_tags(req, collection)
    name, table, resource_id, row = _resource(req)
    _authorize(req, "update", name, {**row, "tags": tags})
    _limit(collection, tags)
    return Reply(200, {"tags": _store(req, table, resource_id, tags)})


def add_tags(req: ApiRequest) -> Reply:
    """``POST …/tags`` (tag-creation): add tags, keep the others."""
    collection = _collection(req)
    tags = _body_tags(req, collection)
    name, table, resource_id, row = _resource(req)
    _authorize(req, "create", name, {**row, "tags": tags})
    merged = list(dict.fromkeys([*_current(req, resource_id), *tags]))
    _limit(collection, merged)
    return Reply(201, {"tags": _store(req, table, resource_id, merged)})


def add_tag(req: ApiRequest) -> Reply:
    tag = _tag(req.params["tag"])
    collection = _collection(req)
    name, table, resource_id, row = _resource(req)
    _authorize(req, "update", name, {**row, "tags": [tag]})
    current = _current(req, resource_id)
    if tag not in current:
        _limit(collection, [*current, tag])
        _store(req, table, resource_id, [*current, tag])
    return Reply(201)


def delete_tags(req: ApiRequest) -> Reply:
    name, table, resource_id, row = _resource(req)
    _authorize(req, "delete", name, row)
    _store(req, table, resource_id, [])
    return Reply(204)


def delete_tag(req: ApiRequest) -> Reply:
    tag = _tag(req.params["tag"])
    name, table, resource_id, row = _resource(req)
    _authorize(req, "delete", name, row)
    current = _current(req, resource_id)
    if tag not in current:
        raise neutron("TagNotFound", tag=tag)
    _store(req, table, resource_id, [t for t in current if t != tag])
    return Reply(204)
