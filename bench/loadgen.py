"""A small closed-loop HTTP/1.1 load generator (keep-alive, pre-encoded requests).

Light enough that a Python client does not become the bottleneck before the server:
each connection sends one request, reads one response, repeats.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Result:
    requests: int = 0
    seconds: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def encode(method: str, url: str, headers: dict[str, str] | None = None, body: bytes = b"") -> bytes:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"{method} {path} HTTP/1.1", f"Host: {parts.netloc}", "Connection: keep-alive"]
    for k, v in (headers or {}).items():
        lines.append(f"{k}: {v}")
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        lname = name.strip().lower()
        if lname == b"content-length":
            length = int(value)
        elif lname == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status


async def _worker(url: str, make: Callable[[int], bytes], deadline: float, result: Result, wid: int) -> None:
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    i = 0
    try:
        while time.perf_counter() < deadline:
            writer.write(make(wid * 1_000_000 + i))
            status = await _read_response(reader)
            result.statuses[status] += 1
            result.requests += 1
            i += 1
    finally:
        writer.close()


async def _run(url: str, make: Callable[[int], bytes], concurrency: int, seconds: float) -> Result:
    result = Result()
    start = time.perf_counter()
    deadline = start + seconds
    await asyncio.gather(*(_worker(url, make, deadline, result, w) for w in range(concurrency)))
    result.seconds = time.perf_counter() - start
    return result


def run(url: str, make: Callable[[int], bytes], concurrency: int = 8, seconds: float = 5.0) -> Result:
    """Hammer ``url`` with the requests ``make(i)`` builds; returns counts and the rate."""
    return asyncio.run(_run(url, make, concurrency, seconds))
