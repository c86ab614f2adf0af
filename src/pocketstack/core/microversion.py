"""Microversion negotiation (``OpenStack-API-Version: <service> X.Y``).

Each service keeps its history and maximum in its own ``versions.py`` and passes a
:class:`VersionRange` here; only schemas and views branch on the result.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from pocketstack.core.errors import BadRequest, NotAcceptable

_VERSION = re.compile(r"^([1-9]\d*)\.([1-9]\d*|0)$")


@dataclass(frozen=True, slots=True, order=False)
class APIVersion:
    """``X.Y``; compares with other versions and with ``"X.Y"`` strings."""

    major: int
    minor: int

    @classmethod
    def parse(cls, text: str) -> APIVersion:
        match = _VERSION.match(text.strip())
        if not match:
            raise BadRequest(f"Invalid API version format: {text}", kind="InvalidAPIVersionString")
        return cls(int(match.group(1)), int(match.group(2)))

    @staticmethod
    def _key(other: object) -> tuple[int, int]:
        if isinstance(other, str):
            other = APIVersion.parse(other)
        if not isinstance(other, APIVersion):
            raise TypeError(f"cannot compare APIVersion with {type(other).__name__}")
        return (other.major, other.minor)

    def __lt__(self, other: object) -> bool:
        return (self.major, self.minor) < self._key(other)

    def __le__(self, other: object) -> bool:
        return (self.major, self.minor) <= self._key(other)

    def __gt__(self, other: object) -> bool:
        return (self.major, self.minor) > self._key(other)

    def __ge__(self, other: object) -> bool:
        return (self.major, self.minor) >= self._key(other)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"

    def matches(self, lo: str | APIVersion, hi: str | APIVersion | None = None) -> bool:
        """Whether ``lo <= self <= hi`` (``hi`` None: no upper bound)."""
        return self >= lo and (hi is None or self <= hi)


@dataclass(frozen=True)
class VersionRange:
    service_type: str  # the token in OpenStack-API-Version, e.g. "compute", "volume"
    minimum: APIVersion
    maximum: APIVersion
    legacy_header: str | None = None  # e.g. "X-OpenStack-Nova-API-Version"

    @classmethod
    def of(cls, service_type: str, minimum: str, maximum: str, legacy_header: str | None = None) -> VersionRange:
        return cls(service_type, APIVersion.parse(minimum), APIVersion.parse(maximum), legacy_header)

    def negotiate(self, headers: Mapping[str, str]) -> APIVersion:
        """Pick the version a request asked for; the minimum when it asked for none."""
        requested = self._requested(headers)
        if requested is None:
            return self.minimum
        if requested.lower() == "latest":
            return self.maximum
        version = APIVersion.parse(requested)
        if not (self.minimum <= version <= self.maximum):
            raise NotAcceptable(
                f"Version {version} is not supported by the API. Minimum is {self.minimum} "
                f"and maximum is {self.maximum}.",
                kind="InvalidGlobalAPIVersion",
            )
        return version

    def _requested(self, headers: Mapping[str, str]) -> str | None:
        value = headers.get("openstack-api-version")
        if value:
            for item in value.split(","):
                parts = item.strip().split()
                if len(parts) == 2 and parts[0].lower() == self.service_type:
                    return parts[1]
        if self.legacy_header:
            legacy = headers.get(self.legacy_header.lower())
            if legacy:
                return legacy.strip()
        return None

    def response_headers(self, version: APIVersion) -> dict[str, str]:
        headers = {
            "OpenStack-API-Version": f"{self.service_type} {version}",
            "Vary": "OpenStack-API-Version",
        }
        if self.legacy_header:
            headers[self.legacy_header] = str(version)
            headers["Vary"] = f"OpenStack-API-Version, {self.legacy_header}"
        return headers
