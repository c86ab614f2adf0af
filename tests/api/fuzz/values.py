"""Odd values: path segments, query strings, headers, raw bodies and JSON values of the
wrong kind.  Everything here is data; the choice among them is seeded by the caller."""

from __future__ import annotations

import uuid
from typing import Any

# A uuid that names nothing (fixed, so runs repeat).
MISSING_UUID = str(uuid.UUID(int=0xF022_0000_0000_4000_8000_0000_0000_0001))

# Path segments as they go on the wire (already percent-encoded where needed).
PATH_VALUES: dict[str, str] = {
    "missing-uuid": MISSING_UUID,
    "long": "a" * 1000,
    "unicode": "%C3%BCn%C3%AF%C2%A9%C3%B8d%C3%A9-%F0%9F%99%82",
    "nul": "x%00y",
    "dotdot": "%2e%2e",
    "space": "a%20b",
    "bad-escape": "%zz",
    "big-int": "99999999999999999999999",
    "negative": "-1",
    "zero": "0",
    "quote": "%27%22%3B--",
    "encoded-slash": "a%2Fb",
    "rtl": "%E2%80%AEevil",
}
# Always tried, for every path parameter: the rest are sampled.
PATH_ALWAYS = ("missing-uuid", "big-int")

# Query strings (raw).
QUERY_VALUES: dict[str, str] = {
    "unknown-key": "bogus_key=1",
    "repeated-keys": "limit=1&limit=2&name=a&name=b",
    "limit-nan": "limit=abc",
    "limit-negative": "limit=-1",
    "limit-zero": "limit=0",
    "limit-huge": "limit=99999999999999999999",
    "limit-float": "limit=1.5",
    "marker-missing": f"marker={MISSING_UUID}",
    "marker-garbage": "marker=%00%27",
    "sort": "sort_key=bogus&sort_dir=sideways",
    "sort-dir-only": "sort_dir=up",
    "sort-key-bogus": "sort_key=bogus&sort_dir=asc",
    "sort-key-many": "sort_key=name&sort_key=id&sort_key=bogus&sort_dir=asc",
    "sort-cinder": "sort=bogus:sideways,name:asc",
    "fields-empty": "fields=",
    "fields-bogus": "fields=bogus&fields=id",
    "bool-garbage": "all_tenants=maybe&is_public=maybe&enabled=maybe&deleted=maybe&with_count=maybe",
    "since-garbage": "changes-since=yesterday&changes-before=tomorrow&created_at=gte:nope",
    "status-bogus": "status=BOGUS&visibility=bogus&member_status=bogus",
    "tags-odd": "tags=,&tags-any=%00&not-tags=" + "t" * 300,
    "project-filters": f"project_id={MISSING_UUID}&tenant_id=%00&user_id=&domain_id=x",
    "include": "include_names=maybe&effective=maybe&include_subtree=maybe",
    "unicode": "name=%F0%9F%99%82%00&description=%E2%80%AE",
    "no-value": "limit&marker&name",
    "bad-escape": "name=%zz&limit=%",
    "offset": "offset=99999999999999999999&limit=1",
    "offset-negative": "offset=-1",
    "marker-big": "marker=99999999999999999999&limit=1",
    "size-range": "size_min=99999999999999999999&size_max=-1&min_disk=1e999",
    "page-reverse": "page_reverse=maybe&limit=1&marker=x",
    "numeric-filters": "&".join(
        f"{k}={v}"
        for k, v in (
            ("minDisk", "99999999999999999999"),
            ("minRam", "-99999999999999999999"),
            ("ip_version", "1.5"),
            ("offset", "1.5"),
            ("size", "99999999999999999999"),
            ("min_disk", "99999999999999999999"),
            ("mtu", "99999999999999999999"),
            ("revision_number", "99999999999999999999"),
            ("port_range_min", "1.5"),
            ("default_limit", "99999999999999999999"),
            ("resource_limit", "-1.5"),
            ("priority", "x"),
        )
    ),
}
# Filter keys the services read, and garbage for them (one key=value per request).
FILTER_KEYS = (
    "name", "status", "all_tenants", "deleted", "changes-since", "changes-before", "ip", "ip6", "image", "flavor",
    "host", "node", "tenant_id", "project_id", "user_id", "domain_id", "is_public", "visibility", "member_status",
    "owner", "tag", "tags", "tags-any", "not-tags", "created_at", "updated_at", "size_min", "size_max", "offset",
    "with_count", "detailed", "start", "end", "since", "type", "binary", "zone", "cascade", "allow_expired",
    "include_names", "effective", "scope.project.id", "user.id", "role.id", "group.id", "parent_id",
    "password_expires_at", "page_reverse", "minDisk", "minRam", "sort", "network_id", "device_id", "fixed_ips",
    "router:external", "shared", "admin_state_up", "mac_address", "cidr", "ip_version", "protocol",
    "availability_zone", "bootable", "metadata", "glance_metadata", "migration_type", "instance_uuid",
    "hypervisor_hostname_pattern", "resource_type", "with_servers", "locked", "key_name", "description",
    "power_state", "task_state", "vm_state", "os_hidden", "protected", "disk_format", "id", "resource_id",
    "parent_region_id", "interface", "service_id", "region_id", "enabled", "is_domain", "trustor_user_id",
)  # fmt: skip
FILTER_GARBAGE = (
    "", "x", "-1", "99999999999999999999", "%00", "(", "[", "*", "gte:nope", "%F0%9F%99%82" * 20,
    "%7B%22a%22%3A1%7D", "1.5", "true,false", "in:", "neq:%00", "1970-13-45T99:99:99",
)  # fmt: skip
QUERY_ALWAYS = (
    "limit-nan", "limit-negative", "limit-huge", "marker-missing", "sort", "fields-empty", "unknown-key",
    "size-range", "offset", "marker-big", "numeric-filters", "since-garbage", "sort-key-bogus",
)  # fmt: skip

# Microversion headers; "latest" is valid and takes the newest shapes.
VERSION_HEADERS: dict[str, dict[str, str]] = {
    "compute-2.999": {"OpenStack-API-Version": "compute 2.999"},
    "volume-garbage": {"OpenStack-API-Version": "volume garbage"},
    "latest": {"OpenStack-API-Version": "compute latest, volume latest"},
    "legacy-garbage": {"X-OpenStack-Nova-API-Version": "2.abc"},
    "volume-3.999": {"OpenStack-API-Version": "volume 3.999"},
    "volume-0.1": {"OpenStack-API-Version": "volume 0.1"},
    "compute-2.0": {"OpenStack-API-Version": "compute 2.0"},
}

# Tokens that are not tokens.
BOGUS_TOKENS: dict[str, str] = {
    "garbage": "garbage",
    "fernet-like": "gAAAAAB" + "A" * 180,
    "long": "t" * 8000,
}

# Raw bodies that are not JSON.
MALFORMED: dict[str, bytes] = {
    "truncated": b'{"a": ',
    "binary": b"\xff\xfe\x00\x01",
    "nan": b'{"a": NaN}',
    "trailing": b'{"a": 1} x',
    "surrogate": b'{"a": "\\ud800"}',
    "deep": b"[" * 5000 + b"]" * 5000,
}

# JSON of the wrong top-level type.
WRONG_TOP: dict[str, Any] = {"list": [], "string": "x", "number": 1, "null": None, "true": True, "float": -1.5}

HUGE_STRING = "\U0001d518\u00f1\u00ef\u202e" * 6000  # ~60 KB of UTF-8, under every body limit
NESTED = {"a": [{"b": None}, [[{}]], "\u0000", 1e300, -(2**63)]}

# One JSON value per JSON type: "a value of the wrong type" picks one the schema refuses.
BY_TYPE: dict[str, Any] = {
    "string": "fuzz",
    "integer": 7,
    "number": 1.5,
    "boolean": True,
    "array": ["x", 1],
    "object": {"k": "v"},
    "null": None,
}
BIG_INTS = (2**63, 2**63 - 1, -(2**63), 2**64 - 1, 2**31, -(2**31) - 1)
ODD_STRINGS = ("", " ", "\u0000", "\u202e\U0001f642<script>", "%00", "a" * 256, "../../etc/passwd", "1e999")
