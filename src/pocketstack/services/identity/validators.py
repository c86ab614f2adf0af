"""Checks the JSON schemas cannot express (values that arrive in the path)."""

from __future__ import annotations

from pocketstack.core.errors import ValidationFailed


def check_tag(tag: str) -> None:
    if not tag or len(tag) > 255 or "," in tag or "/" in tag:
        raise ValidationFailed(
            f"Invalid input for field 'tags': tag '{tag}' must be 1 to 255 characters and may not contain ',' or '/'.",
            field="tags",
        )
