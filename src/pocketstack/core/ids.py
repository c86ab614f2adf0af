"""Identifier formats as upstream uses them."""

from __future__ import annotations

import secrets
import uuid


def hex_id() -> str:
    """Keystone's ids: 32 hex digits, no dashes."""
    return uuid.uuid4().hex


def uuid_id() -> str:
    """Nova, Neutron, Cinder and Glance ids: a dashed UUID4."""
    return str(uuid.uuid4())


def request_id() -> str:
    return f"req-{uuid.uuid4()}"


def secret(nbytes: int = 48) -> str:
    return secrets.token_urlsafe(nbytes)


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return False
    return True
