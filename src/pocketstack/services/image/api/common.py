"""Helpers shared by the image handlers."""

from __future__ import annotations

from pocketstack.core.api import ApiRequest
from pocketstack.services.image.service import ImageService


def svc(req: ApiRequest) -> ImageService:
    service: ImageService = req.svc
    return service
