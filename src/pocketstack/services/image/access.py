"""Who may see and do what to an image, the way Glance layers it.

First the database layer hides images the caller can't see (another project's private
image is a 404); then each action's policy rule runs against an image target, and a
refusal is a 404 when the caller may not even ``get_image`` it, a 403 otherwise.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core.context import RequestContext
from pocketstack.core.errors import PolicyDenied
from pocketstack.core.policy import PolicyEngine
from pocketstack.services.image import errors
from pocketstack.services.image import models as m
from pocketstack.services.image.repo import Image

# what Glance's default image rules look at (plus the owner, which project_id is)
_SIMPLE_KEYS = {"project_id", "member_id", "visibility", "owner"}


class Access:
    def __init__(self, policy: PolicyEngine) -> None:
        self.policy = policy

    def is_admin(self, ctx: RequestContext) -> bool:
        return self.policy.check("context_is_admin", ctx, {})

    # -- the database layer -------------------------------------------------------------

    def visible(self, conn: Connection, ctx: RequestContext, row: dict[str, Any]) -> bool:
        """Glance's ``is_image_visible``: any membership status lets a member see it."""
        if self.is_admin(ctx) or row["owner"] is None or row["visibility"] in ("public", "community"):
            return True
        if ctx.project_id is None:
            return False
        if ctx.project_id == row["owner"]:
            return True
        if row["visibility"] == "shared":
            found = conn.execute(
                sa.select(m.members.c.id).where(m.members.c.image_id == row["id"], m.members.c.member == ctx.project_id)
            ).first()
            return found is not None
        return False

    # -- policy ---------------------------------------------------------------------------

    @staticmethod
    def target(ctx: RequestContext, image: Image) -> dict[str, Any]:
        """Glance's ImageTarget: the image's attributes and properties, owner as project_id,
        and the caller's project as ``member_id`` when it sees a shared image it doesn't own."""
        row = image.row
        member = None
        if row["visibility"] == "shared" and ctx.project_id != row["owner"]:
            member = ctx.project_id
        return {
            **image.props,
            **{k: v for k, v in row.items() if k not in ("location", "revision")},
            "image_id": row["id"],
            "tags": list(image.tags),
            "project_id": row["owner"],
            "member_id": member,
            "member": member,
        }

    @staticmethod
    def proposed_target(ctx: RequestContext, owner: str | None, visibility: str | None) -> dict[str, Any]:
        return {"project_id": owner, "owner": owner, "visibility": visibility or "private", "member_id": None}

    def check(self, rule: str, ctx: RequestContext, image: Image) -> bool:
        return self.policy.check(rule, ctx, self.target(ctx, image))

    def check_many(self, rule: str, ctx: RequestContext, images: list[Image]) -> list[Image]:
        """The images ``rule`` allows; one policy check per distinct (owner, visibility)
        while the rule looks at nothing else (as Glance's default rules don't)."""
        if not self._simple(rule):
            return [i for i in images if self.check(rule, ctx, i)]
        verdicts: dict[tuple[Any, Any], bool] = {}
        out = []
        for image in images:
            key = (image["owner"], image["visibility"])
            if key not in verdicts:
                verdicts[key] = self.check(rule, ctx, image)
            if verdicts[key]:
                out.append(image)
        return out

    def _simple(self, rule: str) -> bool:
        check = self.policy.enforcer.rules.get(rule)
        if check is None:
            return False
        text = str(check)
        seen: set[str] = set()
        for _ in range(10):  # follow rule:name references a few levels deep
            names = set(re.findall(r"rule:([\w.-]+)", text)) - seen
            if not names:
                break
            seen |= names
            text += " ".join(str(self.policy.enforcer.rules.get(n, "")) for n in names)
        return set(re.findall(r"%\(([^)]+)\)s", text)) <= _SIMPLE_KEYS

    def enforce(self, rule: str, ctx: RequestContext, image: Image) -> None:
        """Allow, or 404 when the caller can't even see the image, or 403."""
        if self.check(rule, ctx, image):
            return
        if rule == "get_image" or not self.check("get_image", ctx, image):
            raise errors.not_found()
        raise PolicyDenied(rule)

    def enforce_visibility(self, ctx: RequestContext, visibility: Any, target: dict[str, Any]) -> None:
        if visibility == "public" and not self.policy.check("publicize_image", ctx, target):
            raise PolicyDenied("publicize_image")
        if visibility == "community" and not self.policy.check("communitize_image", ctx, target):
            raise PolicyDenied("communitize_image")
