"""The requests sent to one route as one persona: a seeded, representative sample of bad
path parameters, query strings, headers, tokens and bodies (not their product)."""

from __future__ import annotations

import os
import random
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import orjson

from tests.api.fuzz import actions, bodies
from tests.api.fuzz import values as v
from tests.api.fuzz.routes import RouteInfo

MAX_BODY = 114688  # settings.max_request_body_size
PATCH_TYPE = "application/openstack-images-v2.1-json-patch"

# Glance's PATCH takes JSON-patch documents (RAW_BODY: the handler parses them).
IMAGE_PATCHES: dict[str, Any] = {
    "op-bogus": [{"op": "bogus", "path": "/name", "value": "x"}],
    "name-nested": [{"op": "replace", "path": "/name", "value": v.NESTED}],
    "min-ram-huge": [{"op": "replace", "path": "/min_ram", "value": 2**63}],
    "min-disk-negative": [{"op": "replace", "path": "/min_disk", "value": -1}],
    "visibility-null": [{"op": "replace", "path": "/visibility", "value": None}],
    "remove-id": [{"op": "remove", "path": "/id"}],
    "nul-path": [{"op": "add", "path": "/fuzz\u0000", "value": "x"}],
    "long-path": [{"op": "add", "path": "/" + "p" * 300, "value": "x"}],
    "tags-garbage": [{"op": "replace", "path": "/tags", "value": [1, None, {}]}],
    "locations": [{"op": "replace", "path": "/locations", "value": [{"url": "file:///etc/passwd", "metadata": {}}]}],
    "no-path": [{"op": "add", "value": "x"}],
    "path-not-string": [{"op": "add", "path": 7, "value": "x"}],
    "op-not-object": ["x", 1, None],
    "not-a-list": {"op": "add", "path": "/name", "value": "x"},
    "deep-path": [{"op": "add", "path": "/a/b/c/d", "value": "x"}],
    "huge-value": [{"op": "add", "path": "/fuzzprop", "value": v.HUGE_STRING}],
    "protected-string": [{"op": "replace", "path": "/protected", "value": "maybe"}],
    "os-hidden": [{"op": "replace", "path": "/os_hidden", "value": "maybe"}],
}


@dataclass
class Case:
    label: str
    method: str
    path: str  # on the wire: the prefix and template with parameters filled (percent-encoded)
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None
    chunked: bool = False


# Another seed samples other cases (exploring locally); CI runs the default one.
SEED = os.environ.get("POCKETSTACK_FUZZ_SEED", "")


def seed(*parts: str) -> int:
    return zlib.crc32("|".join((*parts, SEED) if SEED else parts).encode())


def destructive(route: RouteInfo) -> bool:
    """Routes that would remove or disable the scratch resources if aimed at them."""
    return route.method == "DELETE" or route.template.endswith(
        ("/shutdown", "/reboot", "/startup", "/disassociate_all", "/disassociate")
    )


# Routes whose bodies would use up the resource they name get one of their own:
# template suffix -> {id key: the scratch id key to use instead}.
BODY_IDS: dict[str, dict[str, str]] = {
    "/os-volume-transfer": {"volume_id": "transfer:volume_id"},
    "/volume-transfers": {"volume_id": "transfer:volume_id"},
    "/attachments": {"volume_id": "attach:volume_id", "server_id": "attach:server_id"},
}


def body_ids(route: RouteInfo, ids: Mapping[str, str]) -> dict[str, str]:
    """The ids a route's bodies name: the service's own first (``volume:group_id``)."""
    out = dict(ids)
    scope = f"{route.service}:"
    out.update({k[len(scope) :]: val for k, val in ids.items() if k.startswith(scope)})
    for suffix, swaps in BODY_IDS.items():
        if route.template.endswith(suffix):
            out.update({key: ids[alt] for key, alt in swaps.items() if alt in ids})
    return out


def resolve(route: RouteInfo, param: str, ids: Mapping[str, str]) -> str:
    """An id that exists for ``param`` (a missing one for destructive routes)."""
    if destructive(route):
        return v.MISSING_UUID
    svc, t = route.service, route.template
    if route.is_action and f"action:{param}" in ids:
        return ids[f"action:{param}"]  # actions get resources of their own
    if svc == "volume" and param == "project_id":
        return ids.get("project_id:own", v.MISSING_UUID)
    special: str | None = None
    if svc == "compute":
        if param == "id" and "os-extra_specs" in t:
            special = "compute:extra_spec"
        elif param == "id" and "os-quota-class-sets" in t:
            return "default"
        elif param == "volume_id" and "os-volume_attachments" in t:
            special = "compute:attached_volume"
        elif param == "port_id" and "os-interface" in t:
            special = "compute:port_id"
    if special is not None:
        return ids.get(special, v.MISSING_UUID)
    return ids.get(f"{svc}:{param}") or ids.get(param) or v.MISSING_UUID


def fill(route: RouteInfo, ids: Mapping[str, str], override: Mapping[str, str] | None = None) -> str:
    path = route.prefix + route.template
    for param in route.params:
        value = (override or {}).get(param)
        if value is None:
            value = quote(resolve(route, param, ids), safe="")
        path = path.replace("{" + param + "}", value, 1)
    return path


class Planner:
    """Builds the cases for one route and persona."""

    def __init__(
        self,
        route: RouteInfo,
        persona: str,
        ids: Mapping[str, str],
        token: str,
        full: bool,
        hint: Mapping[str, Any] | None = None,
    ) -> None:
        self.route = route
        self.hint = hint  # a schema to aim at when the route's own says nothing
        self.persona = persona
        self.ids = ids
        self.token = token
        self.full = full  # the admin run also tries what doesn't depend on who asks
        self._rngs: dict[str, random.Random] = {}
        # each family of cases draws from its own stream, so changing one keeps the others
        self.sampler = bodies.Sampler(body_ids(route, ids), self.rng("body-values"))
        self.default_sampler = bodies.Sampler(body_ids(route, ids), self.rng("default-body"))

    def rng(self, family: str) -> random.Random:
        if family not in self._rngs:
            # the same draws for every persona: each is sent the same bad input
            self._rngs[family] = random.Random(seed(self.route.key, family))
        return self._rngs[family]

    # -- defaults ------------------------------------------------------------------------------

    def headers(self, version: str | None = None, **extra: str) -> dict[str, str]:
        h = {"X-Auth-Token": self.token, "Accept": "application/json"}
        vr = self.route.versions
        if vr is not None:
            h["OpenStack-API-Version"] = f"{vr.service_type} {version or vr.maximum}"
        h.update(extra)
        return h

    def default_body(self, version: str | None = None) -> tuple[bytes | None, dict[str, str]]:
        r = self.route
        if not r.takes_body:
            return None, {}
        if r.raw_body:
            if r.method == "PATCH":
                return b"[]", {"Content-Type": PATCH_TYPE}
            return b"fuzz-data", {"Content-Type": "application/octet-stream"}
        if actions.is_dispatcher(r.service, r.template):
            return b"{}", {"Content-Type": "application/json"}
        schemas = [(None, dict(self.hint))] if self.hint else r.schemas()
        body: Any = self.default_sampler.sample(schemas[-1][1]) if schemas else {}
        return orjson.dumps(body), {"Content-Type": "application/json"}

    def case(self, label: str, **kw: Any) -> Case:
        content, ctype = self.default_body()
        headers = {**self.headers(), **ctype, **kw.pop("headers", {})}
        return Case(
            label=label,
            method=kw.pop("method", self.route.method),
            path=kw.pop("path", fill(self.route, self.ids)),
            query=kw.pop("query", ""),
            headers=headers,
            content=kw.pop("content", content),
            chunked=kw.pop("chunked", False),
        )

    # -- the cases -----------------------------------------------------------------------------

    def plan(self) -> list[Case]:
        cases = [self.case("plain")]
        cases += self.path_cases()
        cases += self.query_cases()
        cases += self.header_cases()
        if self.route.takes_body:
            cases += self.raw_cases() if self.route.raw_body else self.body_cases()
        elif self.full and self.route.method in ("POST", "PUT", "PATCH"):
            cases.append(self.case("ignored-body:malformed", content=v.MALFORMED["truncated"]))
        return cases

    def path_cases(self) -> Iterator[Case]:
        for param in self.route.params:
            others = [k for k in v.PATH_VALUES if k not in v.PATH_ALWAYS]
            for kind in (*v.PATH_ALWAYS, *self.rng("path").sample(others, 3)):
                path = fill(self.route, self.ids, {param: v.PATH_VALUES[kind]})
                yield self.case(f"path:{param}={kind}", path=path)

    def query_cases(self) -> Iterator[Case]:
        others = [k for k in v.QUERY_VALUES if k not in v.QUERY_ALWAYS]
        if self.route.method in ("GET", "HEAD"):
            kinds = [*v.QUERY_ALWAYS, *self.rng("query").sample(others, 5)]
        else:
            kinds = self.rng("query").sample(sorted(v.QUERY_VALUES), 2)
        for kind in kinds:
            yield self.case(f"query:{kind}", query=v.QUERY_VALUES[kind])
        if self.route.method in ("GET", "HEAD"):
            yield self.case("query:regex", query="name=(&ip=[&ip6=*&hostname=%5C")
            rng = self.rng("filters")
            for key in rng.sample(v.FILTER_KEYS, 6):
                query = f"{quote(key, safe='')}={rng.choice(v.FILTER_GARBAGE)}"
                yield self.case(f"query:{key}", query=query)

    def header_cases(self) -> Iterator[Case]:
        vr = self.route.versions
        names = list(v.VERSION_HEADERS) if self.full else ["latest", "compute-2.999", "volume-garbage"]
        for name in names:
            hdrs = self.headers()
            hdrs.pop("OpenStack-API-Version", None)
            hdrs.update(v.VERSION_HEADERS[name])
            content, ctype = self.default_body(None if vr is None else str(vr.maximum))
            yield self.case(f"header:{name}", headers={**hdrs, **ctype}, content=content)
        if not self.full:
            return
        for name, token in v.BOGUS_TOKENS.items():
            yield self.case(f"token:{name}", headers={"X-Auth-Token": token})
        yield self.case("token:none", headers={"X-Auth-Token": ""})
        if self.route.template.startswith("/v3/auth/tokens"):
            yield self.case("subject-token:garbage", headers={"X-Subject-Token": "garbage"})
            yield self.case("subject-token:long", headers={"X-Subject-Token": "s" * 5000})
        yield self.case("accept:odd", headers={"Accept": "text/html;q=0.1, application/xml"})
        yield self.case("method:PROPFIND", method="PROPFIND")
        yield self.case("method:TRACE", method="TRACE", content=None)

    def raw_cases(self) -> Iterator[Case]:
        if self.route.method == "PATCH":
            for name, doc in IMAGE_PATCHES.items():
                yield self.case(f"json-patch:{name}", content=orjson.dumps(doc))
            yield self.case("json-patch:malformed", content=v.MALFORMED["truncated"])
            yield self.case("json-patch:wrong-media-type", headers={"Content-Type": "application/json"})
            yield self.case("json-patch:no-media-type", headers={"Content-Type": ""})
            return
        yield self.case("raw:empty", content=b"")
        yield self.case("raw:json-type", headers={"Content-Type": "application/json"}, content=b'{"a": 1}')
        yield self.case("raw:odd-type", headers={"Content-Type": "multipart/form-data; boundary=x"})
        yield self.case("raw:chunked", content=b"x" * 70000, chunked=True)

    def body_cases(self) -> list[Case]:
        r = self.route
        out: list[Case] = []
        json_type = {"Content-Type": "application/json"}
        if self.full:
            for name, raw in v.MALFORMED.items():
                out.append(self.case(f"malformed:{name}", content=raw, headers=json_type))
            for name, value in v.WRONG_TOP.items():
                out.append(self.case(f"top-level:{name}", content=orjson.dumps(value), headers=json_type))
            out.append(self.case("empty-body", content=b"", headers=json_type))
            out.append(self.case("no-content-type", headers={"Content-Type": ""}))
            out.append(self.case("text-content-type", headers={"Content-Type": "text/plain"}))
            big = b'{"x": "' + b"a" * MAX_BODY + b'"}'
            out.append(self.case("oversized", content=big, headers=json_type))
            out.append(self.case("oversized-chunked", content=big, headers=json_type, chunked=True))
        if r.template.endswith("/os-services/{action}") and r.service == "volume":
            out += self._path_dispatched()
        elif actions.is_dispatcher(r.service, r.template):
            out += self._actions()
        else:
            out += self._mutated()
        return out

    def _versions(self) -> list[tuple[str | None, dict[str, Any]]]:
        """(microversion to send, the schema it selects) for up to three ranges."""
        r = self.route
        found = [(None, dict(self.hint))] if self.hint else r.schemas()
        vr = r.versions
        if len(found) > 3:
            found = [found[0], self.rng("versions").choice(found[1:-1]), found[-1]]
        out: list[tuple[str | None, dict[str, Any]]] = []
        for lo, schema in found:
            version = None if vr is None else str(vr.maximum if lo is None else max(lo, vr.minimum))
            out.append((version, schema))
        return out

    def _with_version(self, version: str | None, label: str, body: Any) -> Case:
        hdrs = self.headers(version, **{"Content-Type": "application/json"})
        return self.case(label, headers=hdrs, content=orjson.dumps(body))

    def _mutated(self) -> list[Case]:
        out = []
        found = self._versions()
        budget = max(10, 32 // max(1, len(found)))
        for version, schema in found:
            for bc in bodies.mutations(schema, self.sampler, self.rng("body"), budget):
                out.append(self._with_version(version, f"body@{version or '-'}:{bc.label}", bc.body))
        return out

    def _actions(self) -> list[Case]:
        r = self.route
        vr = r.versions
        version = str(vr.maximum) if vr is not None else None
        out = [
            self._with_version(version, "action:unknown", {"bogusAction": {}}),
            self._with_version(version, "action:two-keys", {"a": 1, "b": 2}),
            self._with_version(version, "action:empty", {}),
        ]
        known = actions.dispatched(r.service, r.template, vr.maximum if vr is not None else None)
        if vr is not None:
            low = actions.dispatched(r.service, r.template, vr.minimum)
            known += [(n, s) for n, s in low if n not in dict(known)]
        picked = known if len(known) <= 12 else self.rng("actions").sample(known, 12)
        for name, schema in picked:
            if schema is None:
                for label, inner in (("null", None), ("object", {}), ("nested", v.NESTED), ("string", "x")):
                    out.append(self._with_version(version, f"action:{name}={label}", {name: inner}))
                continue
            for bc in bodies.mutations(schema, self.sampler, self.rng("body"), 4):
                if bc.label.startswith("sample"):
                    continue  # a valid action would act on the scratch resources
                out.append(self._with_version(version, f"action:{name}:{bc.label}", bc.body))
        return out

    def _path_dispatched(self) -> list[Case]:
        r = self.route
        vr = r.versions
        version = str(vr.maximum) if vr is not None else None
        out = []
        for name, schema in actions.dispatched(r.service, r.template, vr.maximum if vr else None):
            if name in ("freeze", "failover_host"):
                continue  # would take the simulated backend away from later cases
            path = fill(r, self.ids, {"action": quote(name, safe="")})
            for bc in bodies.mutations(schema or {"type": "object"}, self.sampler, self.rng("body"), 4):
                if bc.label.startswith("sample"):
                    continue
                hdrs = self.headers(version, **{"Content-Type": "application/json"})
                out.append(self.case(f"{name}:{bc.label}", path=path, headers=hdrs, content=orjson.dumps(bc.body)))
        return out
