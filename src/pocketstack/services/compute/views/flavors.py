"""Flavor bodies (``flavor``, ``flavors``, extra specs and access lists)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pocketstack.core.api import ApiRequest
from pocketstack.services.compute.api.common import links, v


def basic(req: ApiRequest, f: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": f["flavorid"], "name": f["name"], "links": links(req, "flavors", f["flavorid"])}
    if v(req, "2.55"):
        out["description"] = f["description"]
    return out


def show(req: ApiRequest, f: Mapping[str, Any], extra_specs: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": f["flavorid"],
        "name": f["name"],
        "ram": f["memory_mb"],
        "disk": f["root_gb"],
        "swap": (f["swap"] or 0) if v(req, "2.75") else (f["swap"] or ""),
        "OS-FLV-EXT-DATA:ephemeral": f["ephemeral_gb"],
        "vcpus": f["vcpus"],
        "os-flavor-access:is_public": bool(f["is_public"]),
        "links": links(req, "flavors", f["flavorid"]),
    }
    if not v(req, "2.102"):
        out["OS-FLV-DISABLED:disabled"] = bool(f["disabled"])
        out["rxtx_factor"] = f["rxtx_factor"] or ""
    if v(req, "2.55"):
        out["description"] = f["description"]
    if extra_specs:
        out["extra_specs"] = dict(f.get("extra_specs") or {})
    return out


def access(flavorid: str, projects: list[str]) -> dict[str, Any]:
    return {"flavor_access": [{"flavor_id": flavorid, "tenant_id": p} for p in projects]}
