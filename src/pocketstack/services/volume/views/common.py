"""Links and collection envelopes shared by every view."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from pocketstack.core.timeutils import iso_micro

ts = iso_micro  # Cinder's times: 2013-02-25T02:40:21.000000


@dataclass(frozen=True)
class Links:
    """Where a resource lives: ``<base>/v3[/<project>]/<collection>/<id>``.

    Cinder puts the project id in links only when the request URL had it.
    """

    service: str  # http://host:port/volume
    project: str  # "" or the project id

    @classmethod
    def for_project(cls, base_url: str, project_id: str | None) -> Links:
        return cls(f"{base_url}/volume", project_id or "")

    def _join(self, root: str, *parts: str) -> str:
        segments = [root] + ([self.project] if self.project else []) + list(parts)
        return "/".join(segments)

    def self_and_bookmark(self, collection: str, ident: str) -> list[dict[str, str]]:
        return [
            {"rel": "self", "href": self._join(f"{self.service}/v3", collection, ident)},
            {"rel": "bookmark", "href": self._join(self.service, collection, ident)},
        ]

    def next(self, collection: str, query: Mapping[str, Sequence[str]], marker: str) -> str:
        params = [(k, val) for k, vals in query.items() if k != "marker" for val in vals]
        params.append(("marker", marker))
        return f"{self._join(f'{self.service}/v3', collection)}?{urlencode(params)}"


def collection_links(
    links: Links,
    collection: str,
    items: Sequence[Mapping[str, Any]],
    query: Mapping[str, Sequence[str]],
    limit: int,
    count: int | None = None,
) -> list[dict[str, str]]:
    """Cinder's ``_get_collection_links``: a next link when the page is full."""
    item_count = count or len(items)
    if items and limit <= item_count:
        return [{"rel": "next", "href": links.next(collection, query, str(items[-1]["id"]))}]
    return []
