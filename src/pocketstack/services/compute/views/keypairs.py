"""Keypair bodies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pocketstack.core import timeutils

_INDEX = ("name", "public_key", "fingerprint")


def _pick(k: Mapping[str, Any], attrs: tuple[str, ...]) -> dict[str, Any]:
    return {a: k[a] for a in attrs}


def index_item(k: Mapping[str, Any], with_type: bool) -> dict[str, Any]:
    return {"keypair": _pick(k, (*_INDEX, "type") if with_type else _INDEX)}


def create(k: Mapping[str, Any], with_type: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if k.get("private_key") is not None:
        out["private_key"] = k["private_key"]
    if with_type:
        out["type"] = k["type"]
    out.update(_pick(k, (*_INDEX, "user_id")))
    return {"keypair": out}


def show(k: Mapping[str, Any], with_type: bool) -> dict[str, Any]:
    out = _pick(k, (*_INDEX, "user_id"))
    out.update(
        {
            "created_at": timeutils.iso_micro(k["created_at"]),
            "deleted": False,
            "deleted_at": None,
            "id": k["id"],
            "updated_at": timeutils.iso_micro(k["updated_at"]),
        }
    )
    if with_type:
        out["type"] = k["type"]
    return {"keypair": out}
