"""Helpers for the image tests: raw Glance calls with a token."""

from __future__ import annotations

import os
import uuid
from typing import Any

import httpx

from tests.server import Server

JSON = {"Accept": "application/json"}
PATCH = "application/openstack-images-v2.1-json-patch"


def name(prefix: str = "img") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class Glance:
    """A Glance v2 client on one token (``Accept: application/json`` unless told otherwise)."""

    def __init__(self, server: Server, token: str | None) -> None:
        self.server = server
        self.token = token
        self.base = f"{server.url}/image"

    def request(self, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = {**JSON, **kw.pop("headers", {})}
        if self.token:
            headers["X-Auth-Token"] = self.token
        return httpx.request(method, self.base + path, headers=headers, timeout=60, **kw)

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("GET", path, **kw)

    def create(self, **body: Any) -> dict[str, Any]:
        body.setdefault("name", name())
        r = self.request("POST", "/v2/images", json=body)
        assert r.status_code == 201, r.text
        return dict(r.json())

    def upload(self, image_id: str, data: bytes, **headers: str) -> httpx.Response:
        return self.request(
            "PUT",
            f"/v2/images/{image_id}/file",
            content=data,
            headers={"Content-Type": "application/octet-stream", **headers},
        )

    def active(self, data: bytes | None = None, **body: Any) -> dict[str, Any]:
        """A new image with data (raw/bare unless told otherwise), active."""
        body.setdefault("disk_format", "raw")
        body.setdefault("container_format", "bare")
        image = self.create(**body)
        r = self.upload(image["id"], data if data is not None else os.urandom(4096))
        assert r.status_code == 204, r.text
        return self.show(image["id"])

    def show(self, image_id: str) -> dict[str, Any]:
        r = self.get(f"/v2/images/{image_id}")
        assert r.status_code == 200, r.text
        return dict(r.json())

    def patch(self, image_id: str, ops: list[dict[str, Any]], media: str = PATCH) -> httpx.Response:
        return self.request("PATCH", f"/v2/images/{image_id}", json=ops, headers={"Content-Type": media})

    def delete(self, image_id: str) -> httpx.Response:
        return self.request("DELETE", f"/v2/images/{image_id}")

    def list(self, **params: Any) -> httpx.Response:
        return self.get("/v2/images", params=params)


def project_ids(server: Server) -> dict[str, str]:
    with server.http(server.token()) as c:
        return {p["name"]: p["id"] for p in c.get("/v3/projects").json()["projects"]}
