"""Neutron's resource attribute maps, and the request handling they drive.

Each resource is described the way neutron-lib describes it: which attributes a
POST/PUT may carry, their defaults, converters and validators, which are visible,
filterable, sortable, or subject to attribute-level policy.  :meth:`Resource.prepare`
turns a request body into validated values exactly as Neutron's API layer does
(same order of checks, same messages), and the list helpers parse ``fields``,
filters and sort keys.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pocketstack.services.network import validators as v
from pocketstack.services.network.errors import bad_request, http

NO_DEFAULT: Any = object()  # the attribute is required on POST
NOT_SPECIFIED = v.NOT_SPECIFIED


@dataclass(frozen=True)
class Attr:
    name: str
    post: bool = False
    put: bool = False
    default: Any = NO_DEFAULT
    convert: Callable[[Any], Any] | None = None
    validate: Callable[[Any, Any], str | None] | None = None
    arg: Any = None  # the validator's argument (max length, valid values, key specs)
    visible: bool = True
    filter: bool = False
    sort: bool = False
    enforce_policy: bool = False
    required_by_policy: bool = False
    # how a filter value is converted (defaults to ``convert``)
    convert_filter: Callable[[Any], Any] | None = None
    convert_list: Callable[[list[str]], Any] | None = None
    # sub-attribute names policy rules may name (``create_router:external_gateway_info:network_id``)
    sub_attrs: tuple[str, ...] = ()
    # "dict": sub-attributes are the keys of a dict value; "list": keys of a list of dicts
    sub_kind: str = ""


@dataclass
class Resource:
    name: str  # "network"
    collection: str  # "networks"
    attrs: dict[str, Attr] = field(default_factory=dict)

    def __init__(self, name: str, collection: str, attrs: Sequence[Attr]) -> None:
        self.name = name
        self.collection = collection
        self.attrs = {a.name: a for a in attrs}

    # -- request bodies --------------------------------------------------------------

    def prepare(
        self,
        body: Any,
        *,
        create: bool,
        project_id: str | None,
        can_set_project: bool,
        allow_bulk: bool = False,
    ) -> tuple[list[dict[str, Any]], bool]:
        """Validated items of a POST/PUT body, and whether it was a bulk request."""
        if not body:
            raise http(400, "Resource body required")
        if isinstance(body, dict) and self.collection in body:
            if not allow_bulk:
                raise http(400, "Bulk operation not supported")
            items = body[self.collection]
            if not items:
                raise http(400, "Resources required")
            if not isinstance(items, list):
                raise http(400, "Body contains invalid data")
            out = []
            for item in items:
                inner = item if isinstance(item, dict) and self.name in item else {self.name: item}
                out.extend(
                    self.prepare(inner, create=create, project_id=project_id, can_set_project=can_set_project)[0]
                )
            return out, True
        if not isinstance(body, dict):
            raise http(400, "Body contains invalid data")
        res = body.get(self.name)
        if res is None:
            raise http(400, f"Unable to find '{self.name}' in request body")
        if not isinstance(res, dict):
            raise http(400, f"Object '{self.name}' contains invalid data")
        res = dict(res)
        self._populate_project(res, create, project_id, can_set_project)
        unknown = [k for k in res if k not in self.attrs]
        if unknown:
            raise http(400, "Unrecognized attribute(s) '{}'".format(", ".join(unknown)))
        if create:
            for a in self.attrs.values():
                if a.post:
                    if a.default is NO_DEFAULT and a.name not in res:
                        raise http(400, f"Failed to parse request. Required attribute '{a.name}' not specified")
                    if a.name not in res:
                        res[a.name] = a.default
                elif a.name in res:
                    raise http(400, f"Attribute '{a.name}' not allowed in POST")
        else:
            for a in self.attrs.values():
                if a.name in res and not a.put:
                    raise http(400, f"Cannot update read-only attribute {a.name}")
        self.convert(res)
        return [res], False

    def _populate_project(self, res: dict[str, Any], create: bool, project_id: str | None, can_set: bool) -> None:
        if "tenant_id" not in self.attrs:
            return
        if "tenant_id" in res and "project_id" not in res:
            res["project_id"] = res["tenant_id"]
        elif "project_id" in res and "tenant_id" not in res:
            res["tenant_id"] = res["project_id"]
        if res.get("project_id") != res.get("tenant_id"):
            raise http(400, "'project_id' and 'tenant_id' do not match")
        if "project_id" in res and res["project_id"] != project_id and not can_set:
            raise http(
                400,
                "Specifying 'project_id' other than the authenticated project in request is not allowed "
                "for the current user.",
            )
        if create and "project_id" not in res:
            if not project_id:
                raise http(400, "Running without keystone AuthN requires that project_id is specified")
            res["project_id"] = res["tenant_id"] = project_id

    def convert(self, res: dict[str, Any]) -> None:
        for a in self.attrs.values():
            if a.name not in res or res[a.name] is NOT_SPECIFIED:
                continue
            if a.convert is not None:
                res[a.name] = a.convert(res[a.name])
            if a.validate is not None:
                reason = a.validate(res[a.name], a.arg)
                if reason:
                    raise http(400, f"Invalid input for {a.name}. Reason: {reason}.")

    # -- policy helpers ---------------------------------------------------------------

    def explicitly_set(self, target: Mapping[str, Any], updated: Sequence[str] | None) -> list[str]:
        """Attributes of ``target`` that attribute-level policies apply to (upstream's rule)."""
        out = []
        for a in self.attrs.values():
            if not a.enforce_policy or a.name not in target or target[a.name] is NOT_SPECIFIED:
                continue
            if updated is not None:
                if a.name in updated:
                    out.append(a.name)
            elif a.default is NO_DEFAULT or target[a.name] != a.default:
                out.append(a.name)
        return out

    # -- listing ----------------------------------------------------------------------

    def visible(self) -> list[str]:
        return [a.name for a in self.attrs.values() if a.visible]

    def filters(self, query: Mapping[str, list[str]], skip: Sequence[str] = ()) -> dict[str, list[Any]]:
        """Upstream's filter parsing: unknown keys are a 400 (filter-validation); values
        are converted with each attribute's converter; empty values dropped."""
        out: dict[str, list[Any]] = {}
        invalid = []
        for key, raw in query.items():
            if key in LIST_PARAMS or key in skip:
                continue
            values = [x for x in raw if x]
            attr = self.attrs.get(key)
            if attr is None or not attr.filter:
                invalid.append(key)
                continue
            if attr.convert_list is not None:
                converted: Any = attr.convert_list(values)
                if converted:
                    out[key] = converted
                continue
            conv = attr.convert_filter or attr.convert
            if conv is not None:
                values = [conv(x) for x in values]
            if values:
                out[key] = values
        if invalid:
            raise http(400, f"{invalid} is invalid attribute for filtering")
        if "tenant_id" in out and "project_id" not in out:
            out["project_id"] = out.pop("tenant_id")
        elif "tenant_id" in out:
            out.pop("tenant_id")
        return out

    def sorts(self, query: Mapping[str, list[str]]) -> list[tuple[str, bool]]:
        keys = [k for k in query.get("sort_key", []) if k]
        dirs = [d for d in query.get("sort_dir", []) if d]
        if len(keys) != len(dirs):
            raise http(400, "The number of sort_keys and sort_dirs must be same")
        valid = {a.name for a in self.attrs.values() if a.sort}
        if "tenant_id" in valid:
            valid.add("project_id")
        absent = [k for k in keys if k not in valid]
        if absent:
            raise http(400, f"{absent} is invalid attribute for sort_keys")
        bad = [d for d in dirs if d not in ("asc", "desc")]
        if bad:
            raise http(400, f"{bad} is invalid value for sort_dirs, valid value is 'asc' and 'desc'")
        return [(("project_id" if k == "tenant_id" else k), d == "asc") for k, d in zip(keys, dirs, strict=True)]


LIST_PARAMS = ("fields", "sort_key", "sort_dir", "limit", "marker", "page_reverse")


def fields_param(query: Mapping[str, list[str]]) -> list[str]:
    return [f for f in query.get("fields", []) if f]


MAX_LIMIT = 1 << 31


def limit_param(query: Mapping[str, list[str]]) -> int | None:
    raw = (query.get("limit") or ["0"])[-1]
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise bad_request("limit", f"Limit must be an integer 0 or greater and not '{raw}'")
    # no page is ever that long; a bigger number would not fit the database's LIMIT
    return min(value, MAX_LIMIT) or None


def page_reverse_param(query: Mapping[str, list[str]]) -> bool:
    return (query.get("page_reverse") or ["False"])[-1].lower() == "true"


# -- building blocks of the attribute tables ------------------------------------------


def id_attr() -> Attr:
    return Attr("id", validate=v.uuid_, filter=True, sort=True)


def name_attr(default: Any = "") -> Attr:
    return Attr("name", post=True, put=True, default=default, validate=v.name_string, arg=255, filter=True, sort=True)


def project_attrs() -> list[Attr]:
    return [
        Attr("tenant_id", post=True, validate=v.string, arg=255, required_by_policy=True, filter=True, sort=True),
        Attr("project_id", post=True, validate=v.string, arg=255, required_by_policy=True, filter=True, sort=True),
    ]


def standard_attrs(tags: bool = True) -> list[Attr]:
    out = [
        Attr("description", post=True, put=True, default="", validate=v.string, arg=255, filter=True),
        Attr("created_at"),
        Attr("updated_at"),
        Attr("revision_number", default=None, filter=True, convert_filter=v.to_int),
    ]
    if tags:
        out += [
            Attr("tags", filter=True, convert_list=_split_tags),
            Attr("tags-any", visible=False, filter=True, convert_list=_split_tags),
            Attr("not-tags", visible=False, filter=True, convert_list=_split_tags),
            Attr("not-tags-any", visible=False, filter=True, convert_list=_split_tags),
        ]
    return out


def _split_tags(values: list[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        out.extend(t for t in value.split(",") if t)
    return out


def boolean(name: str, default: Any = True, *, post: bool = True, put: bool = True, **kw: Any) -> Attr:
    return Attr(name, post=post, put=put, default=default, convert=v.to_boolean, **kw)
