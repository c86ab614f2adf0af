"""Request bodies derived from a route's JSON Schema.

:class:`Sampler` builds a plausible valid instance (required properties only, ids taken
from the scratch resources where a property names one), then :func:`mutations` yields
that instance with one property replaced by something bad: a value of the wrong type,
null, a huge string, a value out of range, nested garbage, an odd string — plus an
unknown key and a missing required key.  All choices come from the ``random.Random``
the caller seeds.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema

from tests.api.fuzz import values as v

Schema = Mapping[str, Any]
Path = tuple[tuple[str | int, Schema], ...]

# Body properties that name a resource: the path parameter whose scratch id fits them.
PROPERTY_IDS: dict[str, str] = {
    "imageRef": "image_id",
    "image_id": "image_id",
    "image": "image_id",
    "flavorRef": "flavor_id",
    "flavor_id": "flavor_id",
    "uuid": "network_id",
    "network_id": "network_id",
    "net_id": "network_id",
    "floating_network_id": "network_id",
    "object_id": "network_id",
    "port": "port_id",
    "port_id": "port_id",
    "subnet_id": "subnet_id",
    "subnetpool_id": "subnetpool_id",
    "router_id": "router_id",
    "security_group_id": "security_group_id",
    "remote_group_id": "security_group_id",
    "parent_group_id": "security_group_id",
    "volume_id": "volume_id",
    "volumeId": "volume_id",
    "volume_uuid": "volume_id",
    "source_volid": "volume_id",
    "snapshot_id": "snapshot_id",
    "backup_id": "backup_id",
    "instance_uuid": "server_id",
    "server_id": "server_id",
    "group_id": "group_id",
    "group_type": "group_type_id",
    "group_snapshot_id": "group_snapshot_id",
    "source_group_id": "group_id",
    "project_id": "project_id",
    "tenant_id": "project_id",
    "target_tenant": "project_id",
    "project": "project_id",
    "tenant": "project_id",
    "parent_id": "project_id",
    "domain_id": "domain_id",
    "user_id": "user_id",
    "trustee_user_id": "user_id",
    "trustor_user_id": "self_user_id",
    "role_id": "role_id",
    "region_id": "region_id",
    "parent_region_id": "region_id",
    "service_id": "service_id",
    "endpoint_id": "endpoint_id",
    "member": "project_id",
    "qos_specs_id": "qos_id",
    "volume_type": "type_id",
    "volume_types": "type_id",
    "new_type": "type_id",
    "namespace": "namespace",
}

# Values that make sense for properties of these names (used when the schema allows them).
NAME_HINTS: dict[str, Any] = {
    "availability_zone": "nova",
    "size": 1,
    "new_size": 2,
    "cidr": "10.9.8.0/24",
    "ip_version": 4,
    "protocol": "tcp",
    "ip_protocol": "tcp",
    "ethertype": "IPv4",
    "direction": "ingress",
    "disk_format": "raw",
    "container_format": "bare",
    "visibility": "private",
    "interface": "public",
    "url": "http://fuzz.example.invalid",
    "mountpoint": "/dev/vdb",
    "ram": 64,
    "vcpus": 1,
    "disk": 1,
    "from_port": 22,
    "to_port": 22,
    "status": "available",
    "type": "HARD",
    "consumer": "back-end",
    "blob": '{"access": "fuzz", "secret": "fuzz"}',
    "password": "fuzz-secret-2",
    "original_password": "fuzz-secret-1",
    "resource_name": "fuzz",
    "adminPass": "fuzz-secret-2",
    "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAhfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz fuzz",
}
# Booleans are sampled false (no special behaviour), except these.
TRUE_BOOLEANS = frozenset({"enabled", "admin_state_up", "is_public", "public"})

_TYPE_ORDER = ("object", "array", "string", "integer", "number", "boolean", "null")
_PATTERN_CANDIDATES = (
    "fuzz",
    "fuzz1",
    "1",
    "fuzz-name",
    "a",
    "10.9.8.0/24",
    "2030-01-01T00:00:00Z",
    "public",
    "x86_64",
    "hw:cpu_policy",
    "0.1",
)


def types_of(schema: Schema) -> list[str]:
    t = schema.get("type")
    if isinstance(t, str):
        return [t]
    if isinstance(t, list):
        return [str(x) for x in t]
    if "enum" in schema:
        return sorted({_json_type(x) for x in schema["enum"]})
    if "properties" in schema or "patternProperties" in schema:
        return ["object"]
    if "items" in schema:
        return ["array"]
    return []


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def merge(a: Schema, b: Schema) -> dict[str, Any]:
    out = {**a, **b}
    if "properties" in a and "properties" in b:
        out["properties"] = {**a["properties"], **b["properties"]}
    if "required" in a and "required" in b:
        out["required"] = [*a["required"], *[r for r in b["required"] if r not in a["required"]]]
    return out


def _strip(schema: Schema, *keys: str) -> dict[str, Any]:
    return {k: val for k, val in schema.items() if k not in keys}


class Sampler:
    """Plausible valid instances of schemas, aimed at existing resources."""

    def __init__(self, ids: Mapping[str, str], rng: random.Random) -> None:
        self.ids = ids
        self.rng = rng

    def sample(self, schema: Any, name: str = "", full: bool = False, depth: int = 0) -> Any:
        if not isinstance(schema, Mapping) or depth > 8:
            return "fuzz"
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            choices = [x for x in schema["enum"] if x is not None] or list(schema["enum"])
            return choices[0] if choices else None
        resolved: Schema = schema
        for part in schema.get("allOf", ()):
            resolved = merge(resolved, part)
        branches = resolved.get("oneOf") or resolved.get("anyOf")
        if branches:
            base = _strip(resolved, "oneOf", "anyOf", "allOf")
            first: Any = None
            for i, branch in enumerate(branches):
                candidate = self.sample(merge(base, branch), name, full, depth + 1)
                if i == 0:
                    first = candidate
                if _valid(schema, candidate):
                    return candidate
            return first
        if name in NAME_HINTS and _valid(resolved, NAME_HINTS[name]):
            return NAME_HINTS[name]
        types = [t for t in types_of(resolved) if t != "null"] or types_of(resolved)
        kind = next((t for t in _TYPE_ORDER if t in types), None)
        if kind is None:
            return {} if depth == 0 else "fuzz"
        return getattr(self, f"_{kind}")(resolved, name, full, depth)

    # -- one per JSON type ---------------------------------------------------------------

    def _object(self, schema: Schema, name: str, full: bool, depth: int) -> dict[str, Any]:
        props: Mapping[str, Any] = schema.get("properties", {})
        keys = list(props) if full else list(schema.get("required", ()))
        out: dict[str, Any] = {}
        for key in keys:
            out[key] = self.sample(props.get(key, {}), key, full, depth + 1)
        want = int(schema.get("minProperties", 0))
        for key in props:
            if len(out) >= want:
                break
            out.setdefault(key, self.sample(props[key], key, full, depth + 1))
        if len(out) < want:
            extra = next(iter(schema.get("patternProperties", {}).values()), None)
            if extra is None and isinstance(schema.get("additionalProperties"), Mapping):
                extra = schema["additionalProperties"]
            while len(out) < want:
                out[f"fuzzkey{len(out)}"] = self.sample(extra or {"type": "string"}, "", full, depth + 1)
        return out

    def _array(self, schema: Schema, name: str, full: bool, depth: int) -> list[Any]:
        prefix = schema.get("prefixItems")
        if prefix:
            return [self.sample(s, name, full, depth + 1) for s in prefix]
        items = schema.get("items", {})
        if isinstance(items, list):
            return [self.sample(s, name, full, depth + 1) for s in items]
        count = int(schema.get("minItems", 1 if full else 0))
        out = [self.sample(items, name, full, depth + 1) for _ in range(count)]
        if schema.get("uniqueItems") and len(out) > 1:
            out = [f"{x}-{i}" if isinstance(x, str) else x for i, x in enumerate(out)]
        return out

    def _string(self, schema: Schema, name: str, full: bool, depth: int) -> str:
        fmt = schema.get("format")
        text: str
        if name in PROPERTY_IDS and PROPERTY_IDS[name] in self.ids:
            text = self.ids[PROPERTY_IDS[name]]
        elif fmt == "uuid":
            text = v.MISSING_UUID
        elif fmt == "ipv4":
            text = "10.9.8.7"
        elif fmt == "ipv6":
            text = "fd00::7"
        elif fmt == "date-time":
            text = "2030-01-01T00:00:00Z"
        elif fmt == "base64":
            text = "ZnV6eg=="
        elif fmt == "cidr":
            text = "10.9.8.0/24"
        elif fmt == "az_name":
            text = "nova"
        else:
            text = f"fuzz-{self.rng.randrange(10**6)}"
        pattern = schema.get("pattern")
        if pattern and not _matches(pattern, text):
            text = next((c for c in _PATTERN_CANDIDATES if _matches(pattern, c)), text)
        low, high = int(schema.get("minLength", 0)), schema.get("maxLength")
        if len(text) < low:
            text = text + "x" * (low - len(text))
        if high is not None and len(text) > int(high):
            text = text[: int(high)]
        return text

    def _integer(self, schema: Schema, name: str, full: bool, depth: int) -> int:
        value = max(int(schema.get("minimum", 1)), 1)
        if "exclusiveMinimum" in schema and not isinstance(schema["exclusiveMinimum"], bool):
            value = max(value, int(schema["exclusiveMinimum"]) + 1)
        if "maximum" in schema:
            value = min(value, int(schema["maximum"]))
        return value

    def _number(self, schema: Schema, name: str, full: bool, depth: int) -> float:
        return float(self._integer(schema, name, full, depth))

    def _boolean(self, schema: Schema, name: str, full: bool, depth: int) -> bool:
        return name in TRUE_BOOLEANS

    def _null(self, schema: Schema, name: str, full: bool, depth: int) -> None:
        return None


def _matches(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return True


def _valid(schema: Schema, instance: Any) -> bool:
    try:
        return bool(jsonschema.Draft7Validator(schema).is_valid(instance))
    except Exception:
        return False


# -- where a value can go --------------------------------------------------------------------


def paths(schema: Schema, depth: int = 0, prefix: Path = ()) -> Iterator[tuple[Path, Schema]]:
    """Every place in an instance of ``schema`` a property value sits, with its schema."""
    if depth > 5 or not isinstance(schema, Mapping):
        return
    resolved: Schema = schema
    for part in schema.get("allOf", ()):
        resolved = merge(resolved, part)
    for branch in (resolved.get("oneOf") or resolved.get("anyOf") or ())[:4]:
        if isinstance(branch, Mapping) and ("properties" in branch or "items" in branch):
            yield from paths(merge(_strip(resolved, "oneOf", "anyOf"), branch), depth + 1, prefix)
    for key, sub in resolved.get("properties", {}).items():
        step = (*prefix, (key, sub))
        yield step, sub
        yield from paths(sub, depth + 1, step)
    for sub in list(resolved.get("patternProperties", {}).values())[:1]:
        step = (*prefix, ("fuzzkey", sub))
        yield step, sub
        yield from paths(sub, depth + 1, step)
    items = resolved.get("items")
    if isinstance(items, Mapping):
        step = (*prefix, (0, items))
        yield step, items
        yield from paths(items, depth + 1, step)


def put(base: Any, path: Path, value: Any, sampler: Sampler) -> Any:
    """``base`` (a fresh copy is made) with ``value`` at ``path``, building what's missing."""
    import copy

    root = copy.deepcopy(base)
    if not path:
        return value
    if not isinstance(root, dict | list):
        root = [] if isinstance(path[0][0], int) else {}
    cur: Any = root
    for i, (key, sub) in enumerate(path):
        last = i == len(path) - 1
        nxt_is_index = not last and isinstance(path[i + 1][0], int)
        if isinstance(cur, list):
            if not cur:
                cur.append(None)
            if last:
                cur[0] = value
                break
            if not isinstance(cur[0], dict | list):
                cur[0] = _container(sub, sampler, nxt_is_index)
            cur = cur[0]
        else:
            if last:
                cur[key] = value
                break
            if not isinstance(cur.get(key), dict | list):
                cur[key] = _container(sub, sampler, nxt_is_index)
            cur = cur[key]
    return root


def _container(schema: Schema, sampler: Sampler, want_list: bool) -> Any:
    made = sampler.sample(schema)
    if want_list:
        return made if isinstance(made, list) else []
    return made if isinstance(made, dict) else {}


# -- what goes there ---------------------------------------------------------------------------


def bad_values(schema: Schema, rng: random.Random, sampler: Sampler) -> dict[str, Any]:
    """Bad values for a place whose schema is ``schema``, by kind."""
    allowed = set(types_of(schema))
    out: dict[str, Any] = {}
    if allowed:
        wrong = [t for t in v.BY_TYPE if t not in allowed and not (t == "integer" and "number" in allowed)]
        wrong = [t for t in wrong if t != "null"]
        if wrong:
            out["wrong-type"] = v.BY_TYPE[rng.choice(wrong)]
    if "null" not in allowed:
        out["null"] = None
    out["huge-string"] = v.HUGE_STRING
    out["out-of-range"] = _out_of_range(schema, allowed, rng, sampler)
    out["nested-garbage"] = v.NESTED
    out["odd-string"] = rng.choice(v.ODD_STRINGS)
    return out


def _out_of_range(schema: Schema, allowed: set[str], rng: random.Random, sampler: Sampler) -> Any:
    if "enum" in schema:
        return "not-one-of-the-enum"
    if allowed & {"integer", "number"}:
        choices: list[Any] = [*v.BIG_INTS, 1e308, -1, 0.5]
        if "minimum" in schema:
            choices.append(schema["minimum"] - 1)
        if "maximum" in schema:
            choices.append(schema["maximum"] + 1)
        return rng.choice(choices)
    if "array" in allowed:
        n = int(schema.get("maxItems", 100)) + 1
        item = sampler.sample(schema.get("items", {}))
        return [item] * n
    if schema.get("format") == "uuid":
        return "not-a-uuid"
    if "maxLength" in schema:
        return "x" * (int(schema["maxLength"]) + 1)
    if int(schema.get("minLength", 0)) > 0:
        return ""
    return rng.choice(v.BIG_INTS)


@dataclass(frozen=True)
class BodyCase:
    label: str
    body: Any


def mutations(schema: Schema, sampler: Sampler, rng: random.Random, budget: int = 24) -> list[BodyCase]:
    """The sample with one place made bad at a time (seeded choice of places and kinds)."""
    base = sampler.sample(schema)
    full = sampler.sample(schema, full=True)
    cases = [BodyCase("sample", base), BodyCase("sample-full", full)]
    places = list(paths(schema))
    per_place = 2
    if len(places) * per_place > budget:
        # every property of the resource itself, then a sample of the deeper ones
        shallow = [p for p in places if len(p[0]) <= 2]
        shallow = rng.sample(shallow, min(len(shallow), budget // per_place + 4))
        deeper = [p for p in places if len(p[0]) > 2]
        room = max(0, budget // per_place - len(shallow))
        places = shallow + rng.sample(deeper, min(room, len(deeper)))
    for i, (path, sub) in enumerate(places):
        bad = bad_values(sub, rng, sampler)
        kinds = rng.sample(sorted(bad), min(per_place, len(bad)))
        types = set(types_of(sub))
        if types & {"integer", "number", "array"} and "out-of-range" not in kinds:
            kinds[0] = "out-of-range"  # numbers past what the database holds, arrays past their end
        if types & {"integer", "number"} and "array" not in types:
            bad["out-of-range"] = rng.choice(v.BIG_INTS[:2])
        for kind in kinds:
            where = "/".join(str(k) for k, _ in path)
            # half on the minimal sample, half on the one with every property
            into, tag = (base, "") if i % 2 == 0 else (full, "full:")
            cases.append(BodyCase(f"{tag}{where}={kind}", put(into, path, bad[kind], sampler)))
    inner_key = _envelope(schema, base)
    if inner_key is not None:
        inner = dict(base[inner_key])
        cases.append(BodyCase(f"{inner_key}/+unknown-key", {**base, inner_key: {**inner, "bogus_key": v.NESTED}}))
        required = [r for r in _required(schema, inner_key) if r in inner]
        if required:
            gone = rng.choice(required)
            inner.pop(gone)
            cases.append(BodyCase(f"{inner_key}/-{gone}", {**base, inner_key: inner}))
    elif isinstance(base, dict):
        cases.append(BodyCase("+unknown-key", {**base, "bogus_key": v.NESTED}))
    return cases


def _envelope(schema: Schema, base: Any) -> str | None:
    if isinstance(base, dict) and len(base) == 1:
        key = next(iter(base))
        if isinstance(base[key], dict):
            return key
    return None


def _required(schema: Schema, key: str) -> list[str]:
    sub = schema.get("properties", {}).get(key, {})
    return list(sub.get("required", ())) if isinstance(sub, Mapping) else []
