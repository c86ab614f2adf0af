"""Helpers shared by the block storage handlers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pocketstack.core.api import ApiRequest
from pocketstack.core.errors import BadRequest, PolicyDenied
from pocketstack.core.microversion import APIVersion
from pocketstack.core.validation import Schema, Versioned
from pocketstack.services.volume import errors as e
from pocketstack.services.volume.service import VolumeService
from pocketstack.services.volume.validation import validate_body
from pocketstack.services.volume.views.common import Links

_PROJECT = re.compile(r"^[0-9a-f\-]+$")


def svc(req: ApiRequest) -> VolumeService:
    return req.svc


def admin(req: ApiRequest) -> bool:
    """Cinder's ``context.is_admin`` (the ``context_is_admin`` rule)."""
    return bool(req.api.policy.is_admin(req.ctx))  # type: ignore[attr-defined]


def version(req: ApiRequest) -> APIVersion:
    assert req.version is not None
    return req.version


def links(req: ApiRequest) -> Links:
    """Links carry the project id when the request URL did (as Cinder's do)."""
    project = req.params.get("project_id") or ""
    return Links(req.service_url, project)


def target(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"project_id": row.get("project_id"), "user_id": row.get("user_id")}


def check_project(req: ApiRequest) -> None:
    """A project id in the URL must look like one and be the caller's (else 404 / 400);
    every resource handler calls this first."""
    if req.raw_path.endswith("/"):
        # Cinder's routes match no trailing slash: /volumes/ is not the volume list
        raise e.resource_not_found()
    project = req.params.get("project_id")
    if project is None:
        return
    if not _PROJECT.match(project):
        raise e.resource_not_found()
    if project != req.ctx.project_id:
        raise e.malformed_url()


def since(req: ApiRequest, minimum: str) -> None:
    """A method added in ``minimum``: older microversions see a 404, as in Cinder."""
    if version(req) < minimum:
        raise e.resource_not_found()


def authorize_or_404(req: ApiRequest, rule: str, row: Mapping[str, Any], not_found: Exception) -> None:
    """Cinder hides what ``get`` policy refuses behind the resource's 404."""
    try:
        req.authorize(rule, target(row))
    except PolicyDenied:
        raise not_found from None


def action_of(req: ApiRequest) -> tuple[str, Any]:
    """The one action a ``…/action`` body names (Cinder: exactly one key)."""
    body = req.body
    if not isinstance(body, dict) or len(body) != 1:
        raise BadRequest("Malformed request body", kind="MalformedRequestBody")
    name = next(iter(body))
    return name, body[name]


def no_such_action(name: str) -> BadRequest:
    return BadRequest(
        f"There is no such action: {name}. Verify the request body and Content-Type header and try again.",
        kind="HTTPBadRequest",
    )


def check(req: ApiRequest, schema: Schema | Versioned) -> None:
    spec = schema.for_version(req.version) if isinstance(schema, Versioned) else schema
    if spec is not None:
        validate_body(spec, req.body)


def bool_param(req: ApiRequest, name: str, default: bool = False) -> bool:
    """``utils.get_bool_param``: strict boolean spellings, else a 400."""
    from pocketstack.services.volume.store import strict_bool

    raw = req.q(name)
    if raw is None:
        return default
    try:
        return strict_bool(raw, name)
    except BadRequest:
        raise BadRequest(f"Value '{raw}' for '{name}' is not a boolean.", kind="InvalidParameterValue") from None


def stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def clean_name_and_description(body: dict[str, Any]) -> None:
    """Cinder strips names and descriptions and checks their length (255)."""
    from pocketstack.services.volume.volumes import check_length

    for key, label in (("name", "name"), ("display_name", "name"), ("description", "description"),
                       ("display_description", "description")):  # fmt: skip
        if isinstance(body.get(key), str):
            check_length(body[key], label)
            body[key] = body[key].strip()
