"""Keypair request schemas."""

from __future__ import annotations

from typing import Any

from pocketstack.core.validation import Versioned
from pocketstack.services.compute import validation as p


def _name(pattern: str) -> dict[str, Any]:
    return {"allOf": [p.name, {"type": "string", "pattern": pattern, "minLength": 1, "maxLength": 255}]}


_name_v21 = _name(r"^[_\- a-zA-Z0-9]+$")
_name_v292 = _name(r"^[_\-\@\. a-zA-Z0-9]+$")
_type = {"type": "string", "enum": ["ssh", "x509"]}


def _create(name: dict[str, Any], extra: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return p.wrapped("keypair", p.obj({"name": name, "public_key": {"type": "string"}, **extra}, required))


create = Versioned(
    ("2.1", "2.1", _create(_name_v21, {}, ["name"])),
    ("2.2", "2.9", _create(_name_v21, {"type": _type}, ["name"])),
    ("2.10", "2.91", _create(_name_v21, {"type": _type, "user_id": {"type": "string"}}, ["name"])),
    ("2.92", None, _create(_name_v292, {"type": _type, "user_id": {"type": "string"}}, ["name", "public_key"])),
)

_user = {"user_id": p.multi({"type": "string"})}
_pages = {"limit": p.multi(p.non_negative_integer), "marker": p.multi({"type": "string"})}
query_v21 = p.obj({}, additional=True)
query_v210 = p.obj(_user, additional=True)
index_query_v235 = p.obj({**_user, **_pages}, additional=True)
index_query_v275 = p.obj({**_user, **_pages})
query_v275 = p.obj(_user)
