"""Sending the cases and judging the answers: status < 500, the owning service's error
shape, and no traceback in the server's log while the route was being tried."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.api.fuzz import shapes
from tests.api.fuzz.cases import Case
from tests.api.fuzz.routes import RouteInfo

TRACEBACK = "Traceback (most recent call last)"
# 5xx answers upstream gives on purpose, in the service's shape (a crash is always a 500):
# Nova's 501 "Virt driver does not implement host …", Cinder's 503 for a manage request
# naming an unknown host, Neutron's 503 MacAddressGenerationFailure.
DELIBERATE = (501, 503)
_LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d ")  # a new record of the server's log
_REQUEST_ID = re.compile(r"\b(req-[0-9a-f-]{36})\b")


@dataclass
class Failure:
    case: Case
    status: int | None
    why: str
    body: str = ""
    request_id: str = ""

    def describe(self) -> str:
        c = self.case
        where = c.path + (f"?{c.query}" if c.query else "")
        if len(where) > 160:
            where = where[:157] + "..."
        body = (c.content or b"")[:160]
        return (
            f"  [{c.label}] {c.method} {where} -> {self.status}: {self.why}\n"
            f"      request body: {body!r}\n      response: {self.body[:300]}"
        )


class LogWatch:
    """The part of the server's log written since :meth:`mark`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0

    def mark(self) -> None:
        self.offset = self.path.stat().st_size

    def since_mark(self) -> str:
        with self.path.open("rb") as f:
            f.seek(self.offset)
            return f.read().decode("utf-8", "replace")

    @staticmethod
    def tracebacks(text: str) -> list[str]:
        """Each log record (a dated line and the lines under it) that holds a traceback."""
        records: list[list[str]] = []
        for line in text.splitlines():
            if _LOG_LINE.match(line) or not records:
                records.append([line])
            else:
                records[-1].append(line)
        return ["\n".join(r) for r in records if any(TRACEBACK in line for line in r)]


def _content(case: Case) -> bytes | Iterator[bytes] | None:
    if case.content is None or not case.chunked:
        return case.content
    data = case.content
    return iter([data[i : i + 16384] for i in range(0, len(data), 16384)])


def send(client: httpx.Client, case: Case) -> httpx.Response:
    headers = {k: val for k, val in case.headers.items() if val != ""}
    if case.headers.get("X-Auth-Token") == "":
        headers.pop("X-Auth-Token", None)
    url = case.path + (f"?{case.query}" if case.query else "")
    request = client.build_request(case.method, url, headers=headers, content=_content(case))
    return client.send(request)


def run(client: httpx.Client, route: RouteInfo, cases: list[Case]) -> list[Failure]:
    failures = []
    for case in cases:
        try:
            resp = send(client, case)
        except httpx.HTTPError as exc:
            failures.append(Failure(case, None, f"no answer: {exc!r}"))
            continue
        rid = resp.headers.get("x-openstack-request-id", "")
        wrong = shapes.problem(route.service, resp, case.method)
        if resp.status_code >= 500 and not (resp.status_code in DELIBERATE and wrong is None):
            failures.append(Failure(case, resp.status_code, "server error", resp.text, rid))
            continue
        if wrong:
            failures.append(Failure(case, resp.status_code, wrong, resp.text, rid))
    return failures


def summarize(traceback: str) -> str:
    """The request line, where the first exception was raised (pocketstack's deepest frame
    and the last one) and the exceptions (the cause first, when chained)."""
    first = re.split(r"\n(?:The above exception|During handling of the above exception)", traceback)[0]
    lines = [ln for ln in first.splitlines() if ln.strip()]
    all_lines = [ln for ln in traceback.splitlines() if ln.strip()]
    frames = [ln.strip() for ln in lines if ln.strip().startswith("File ")]
    ours = [f for f in frames if "/pocketstack/" in f]
    where = [f for f in (ours[-1] if ours else "", frames[-1] if frames else "") if f]
    exceptions = [lines[-1] if lines else "", all_lines[-1] if all_lines else ""]
    return "\n      ".join([all_lines[0] if all_lines else "", *dict.fromkeys(where), *dict.fromkeys(exceptions)])


def request_ids(text: str) -> set[str]:
    return set(_REQUEST_ID.findall(text))
