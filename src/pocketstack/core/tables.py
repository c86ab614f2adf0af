"""Every table the core owns (Alembic branch ``core``)."""

from pocketstack.core import quotas as _quotas  # noqa: F401  (registers the quota tables)
from pocketstack.core.db import core_metadata as metadata

__all__ = ["metadata"]
