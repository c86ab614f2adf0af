"""Image data on disk: ``<data_dir>/images/<image_id>``, staged data under ``staging/``.

Uploads stream into a temporary file (hashing as they go, never whole in memory) that
is renamed into place only once the upload succeeded, so a failed or abandoned upload
leaves no file behind.  Files are shared by every process using the data dir.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from pocketstack.services.image.formats import HEAD_BYTES

CHUNK = 4 << 20
HASH_ALGO = "sha512"


class Reader(Protocol):
    async def read(self, size: int = -1) -> bytes: ...


class TooLarge(Exception):
    pass


class Incomplete(Exception):
    """The body ended before the announced length (the client went away)."""


@dataclass
class Received:
    """Data written to a temporary file, with what Glance records about it."""

    path: Path
    size: int = 0
    md5: Any = field(default_factory=hashlib.md5)
    sha: Any = field(default_factory=lambda: hashlib.new(HASH_ALGO))
    head: bytearray = field(default_factory=bytearray)

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        self.md5.update(chunk)
        self.sha.update(chunk)
        if len(self.head) < HEAD_BYTES:
            self.head += chunk[: HEAD_BYTES - len(self.head)]

    async def add_parallel(self, fh: IO[bytes], block: bytes) -> None:
        """Hash (md5 and sha512 at once: hashlib lets go of the GIL) and write one block."""
        self.size += len(block)
        if len(self.head) < HEAD_BYTES:
            self.head += block[: HEAD_BYTES - len(self.head)]
        await asyncio.gather(
            asyncio.to_thread(self.md5.update, block),
            asyncio.to_thread(self.sha.update, block),
            asyncio.to_thread(fh.write, block),
        )

    @property
    def checksum(self) -> str:
        return str(self.md5.hexdigest())

    @property
    def hash_value(self) -> str:
        return str(self.sha.hexdigest())


class ImageStore:
    def __init__(self, data_path: Path) -> None:
        self.root = data_path / "images"
        self.staging = self.root / "staging"
        self.incoming = self.root / ".incoming"

    def _ensure(self) -> None:
        for d in (self.root, self.staging, self.incoming):
            d.mkdir(parents=True, exist_ok=True)

    def path(self, location: str) -> Path:
        return self.root / location

    def staged_path(self, image_id: str) -> Path:
        return self.staging / image_id

    def _temp(self, image_id: str = "data") -> Path:
        self._ensure()
        return self.incoming / f"{image_id}.{uuid.uuid4().hex}.part"

    def busy_images(self, newer_than: float) -> set[str]:
        """Images whose data is being written (a temporary file touched since ``newer_than``)."""
        if not self.incoming.exists():
            return set()
        return {p.name.split(".", 1)[0] for p in self.incoming.glob("*.part") if _mtime(p) >= newer_than}

    def sweep(self, older_than: float) -> int:
        """Remove temporary files nobody has written since ``older_than`` (a crashed upload's)."""
        if not self.incoming.exists():
            return 0
        stale = [p for p in self.incoming.glob("*.part") if _mtime(p) < older_than]
        for p in stale:
            self.discard(p)
        return len(stale)

    # -- writing ---------------------------------------------------------------------

    async def receive(self, stream: Reader, *, limit: int, expected: int | None, image_id: str = "data") -> Received:
        """Stream a request body into a temporary file; the caller commits or discards it."""
        got = Received(self._temp(image_id))
        fh = await asyncio.to_thread(got.path.open, "wb")
        try:
            pending: list[bytes] = []
            pending_len = 0
            while True:
                chunk = await stream.read(CHUNK)
                if chunk:
                    pending.append(chunk)
                    pending_len += len(chunk)
                    if got.size + pending_len > limit:
                        raise TooLarge()
                if pending and (not chunk or pending_len >= CHUNK):
                    block = b"".join(pending)
                    pending, pending_len = [], 0
                    await got.add_parallel(fh, block)
                if not chunk:
                    break
            if expected is not None and got.size < expected:
                raise Incomplete()
            await asyncio.to_thread(_close, fh)
        except BaseException:
            fh.close()
            self.discard(got.path)
            raise
        return got

    def write_bytes(self, data: bytes) -> Received:
        got = Received(self._temp())
        with got.path.open("wb") as fh:
            _write(fh, got, data)
        return got

    def copy(self, location: str) -> Received:
        """A fresh temporary copy of stored data (hashes recomputed on the way)."""
        got = Received(self._temp())
        with self.path(location).open("rb") as src, got.path.open("wb") as dst:
            while block := src.read(CHUNK):
                _write(dst, got, block)
        return got

    def commit(self, temp: Path, location: str) -> None:
        self._ensure()
        os.replace(temp, self.path(location))

    def stage(self, temp: Path, image_id: str) -> None:
        self._ensure()
        os.replace(temp, self.staged_path(image_id))

    def take_staged(self, image_id: str) -> Received | None:
        """Hash staged data into a temporary file ready to commit (None: nothing staged)."""
        staged = self.staged_path(image_id)
        if not staged.exists():
            return None
        got = Received(self._temp(image_id))
        with staged.open("rb") as src, got.path.open("wb") as dst:
            while block := src.read(CHUNK):
                _write(dst, got, block)
        return got

    @staticmethod
    def discard(path: Path) -> None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()

    def delete(self, location: str | None) -> None:
        if location:
            self.discard(self.path(location))

    def unstage(self, image_id: str) -> None:
        self.discard(self.staged_path(image_id))

    # -- reading ---------------------------------------------------------------------

    def open(self, location: str) -> IO[bytes]:
        return self.path(location).open("rb")

    @staticmethod
    async def iterate(fh: IO[bytes], offset: int, length: int) -> AsyncIterator[bytes]:
        try:
            await asyncio.to_thread(fh.seek, offset)
            remaining = length
            while remaining > 0:
                block = await asyncio.to_thread(fh.read, min(CHUNK, remaining))
                if not block:
                    break
                remaining -= len(block)
                yield block
        finally:
            fh.close()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return float("inf")  # just committed or discarded: not stale


def _write(fh: IO[bytes], got: Received, block: bytes) -> None:
    got.add(block)
    fh.write(block)


def _close(fh: IO[bytes]) -> None:
    fh.flush()
    fh.close()
