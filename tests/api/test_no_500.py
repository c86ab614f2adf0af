"""Bad input never gets a 500, anywhere.

Every route of every service (read from the route tables the server itself builds) is
sent, as the admin (project scope) and as a plain member: path parameters that don't
exist or are malformed, odd query strings, odd microversion headers, bogus tokens,
malformed JSON, JSON of the wrong top-level type, empty and oversized bodies, and
bodies derived from the route's schema with one property made bad at a time (or, where
the handler validates, a schema borrowed from Glance's documents, Neutron's attribute
maps or tests/api/fuzz/hints.py).  Each answer must be below 500 — 501/503 only as the
deliberate, upstream answers they are, in the service's shape — and, when an error, in
the owning service's error shape; the server's log must show no traceback while the
route is tried.  Paths no route matches and methods no route has get the same checks.

The sample per route is seeded by the route (both personas get the same bad input), so a
run repeats itself; ``POCKETSTACK_FUZZ_SEED=<n>`` draws another sample, for exploring.
The requests aim at scratch resources made first (tests/api/fuzz/scratch.py), so they get
past the lookups into the handlers' own checks.

A route whose failures are known while being worked on may be listed in ``XFAIL``, by
case (strict: once none of them fails, the entry must go).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.api.fuzz import hints, runner, scratch, shapes
from tests.api.fuzz.cases import Planner
from tests.api.fuzz.routes import RouteInfo, all_routes
from tests.server import Server

PERSONAS = ("admin", "member")


class KnownFailure(Exception):
    """Raised when a route's only failures are the cases ``XFAIL`` lists for it."""


@dataclass(frozen=True)
class Known:
    """Cases of a route (regexes over their labels) that fail now, in a service being reworked."""

    reason: str
    cases: tuple[str, ...]


# "<service> <METHOD> <path> [<persona>]" -> the cases known to fail there.  Any other
# failure on the route still fails the test; strict: once none of the listed cases
# fails, the entry goes.  Empty now: add an entry only for a failure being worked on.
# (For the default sample: POCKETSTACK_FUZZ_SEED draws others, for exploring.)
XFAIL: dict[str, Known] = {}


@dataclass
class Env:
    server: Server
    client: httpx.Client
    tokens: dict[str, str]
    ids: dict[str, dict[str, str]]
    hints: dict[str, dict[str, object]]
    log: runner.LogWatch


def _whoami(server: Server, token: str) -> tuple[str, str]:
    r = httpx.get(f"{server.url}/v3/auth/tokens", headers={"X-Auth-Token": token, "X-Subject-Token": token}, timeout=30)
    body = r.json()["token"]
    return body["project"]["id"], body["user"]["id"]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    server = Server(tmp_path_factory.mktemp("fuzz-cloud")).start()
    try:
        tokens = {"admin": server.token("admin", "admin"), "member": server.token("demo", "demo")}
        admin_project, admin_user = _whoami(server, tokens["admin"])
        member_project, member_user = _whoami(server, tokens["member"])
        with server.http(tokens["admin"]) as a, server.http(tokens["member"]) as m:
            built = scratch.build(a, m, admin_project, admin_user, member_project, member_user)
        ids = {"admin": built["admin"], "member": built["member"]}
        assert server.log_path is not None
        with httpx.Client(base_url=server.url, timeout=60) as client:
            hinted = hints.build(client, tokens["admin"])
            yield Env(server, client, tokens, ids, hinted, runner.LogWatch(server.log_path))
    finally:
        server.stop()


def _params() -> Iterator[object]:
    for route in all_routes():
        for persona in PERSONAS:
            known = XFAIL.get(f"{route.key} [{persona}]")
            marks = [pytest.mark.xfail(strict=True, raises=KnownFailure, reason=known.reason)] if known else []
            yield pytest.param(route, persona, id=f"{route.key} [{persona}]", marks=marks)


@pytest.mark.slow
@pytest.mark.parametrize(("route", "persona"), list(_params()))
def test_bad_input_never_500(env: Env, route: RouteInfo, persona: str) -> None:
    planner = Planner(
        route, persona, env.ids[persona], env.tokens[persona], full=persona == "admin", hint=env.hints.get(route.key)
    )
    cases = planner.plan()
    env.log.mark()
    failures = runner.run(env.client, route, cases)
    time.sleep(0.01)  # let the server's last log lines land
    tracebacks = runner.LogWatch.tracebacks(env.log.since_mark())
    known = XFAIL.get(f"{route.key} [{persona}]")
    expected = [f for f in failures if known and any(re.fullmatch(p, f.case.label) for p in known.cases)]
    expected_ids = {f.request_id for f in expected if f.request_id}
    unexpected = [f for f in failures if f not in expected]
    stray = [tb for tb in tracebacks if not any(rid in tb for rid in expected_ids)]
    if not failures and not tracebacks:
        return
    report = _report(route, persona, len(cases), unexpected or expected, stray or tracebacks)
    if unexpected or stray:
        pytest.fail(report, pytrace=False)
    raise KnownFailure(report)


def _report(route: RouteInfo, persona: str, sent: int, failures: list[runner.Failure], tbs: list[str]) -> str:
    lines = [f"{route.key} as {persona}: {len(failures)} of {sent} requests failed"]
    lines += [f.describe() for f in failures[:25]]
    if len(failures) > 25:
        lines.append(f"  … and {len(failures) - 25} more")
    if tbs:
        lines.append(f"server log: {len(tbs)} traceback(s); the first ones:")
        lines += ["  " + runner.summarize(tb) for tb in tbs[:5]]
    return "\n".join(lines)


# Paths no route matches, under each service's prefix: the service's own 404/405.
ODD_PATHS = {
    "identity": ["/v3/bogus", "/v3/users/a/b/c/d/e", "//v3//users", "/v3/%00", "/bogus%2F..%2F"],
    "compute": ["/compute/v2.1/bogus", "/compute/v2.1/servers/detail/extra", "/compute/v2.1/%2e%2e/%2e%2e/v3/users"],
    "network": ["/networking/v2.0/bogus", "/networking/v2.0/networks.json", "/networking/v3.0/networks"],
    "volume": ["/volume/v3/bogus/x/y", "/volume/v3/%00/volumes", "/volume/v2/volumes"],
    "image": ["/image/v2/bogus", "/image/v2/images/", "/image/v1/images"],
}


@pytest.mark.slow
@pytest.mark.parametrize("service", sorted(ODD_PATHS))
def test_unmatched_paths_and_methods(env: Env, service: str) -> None:
    problems = []
    env.log.mark()
    for path in ODD_PATHS[service]:
        for method in ("GET", "POST", "PROPFIND", "TRACE", "CHECKOUT"):
            r = env.client.request(method, path, headers={"X-Auth-Token": env.tokens["admin"]}, content=b"{}")
            wrong = shapes.problem(service, r, method)
            if r.status_code >= 500 or wrong:
                problems.append(f"{method} {path} -> {r.status_code} {wrong or ''}: {r.text[:200]}")
    tracebacks = runner.LogWatch.tracebacks(env.log.since_mark())
    assert not problems and not tracebacks, "\n".join(problems + [runner.summarize(t) for t in tracebacks])


def test_every_service_is_walked() -> None:
    services = {r.service for r in all_routes()}
    assert services >= {"identity", "compute", "network", "volume", "image"}
    assert all(r.key.count("{") == len(r.params) for r in all_routes())


def test_log_watch_finds_tracebacks(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.write_text("2024-01-01 00:00:00,000 INFO pocketstack.access req-x GET / 200 1.0ms\n")
    watch = runner.LogWatch(log)
    watch.mark()
    with log.open("a") as f:
        f.write(
            "2024-01-01 00:00:01,000 ERROR pocketstack.errors req-y GET /v3 failed:\n"
            "Traceback (most recent call last):\n"
            '  File "x.py", line 1, in f\n'
            "    boom()\n"
            "ValueError: boom\n"
            "2024-01-01 00:00:02,000 INFO pocketstack.access req-y GET /v3 500 1.0ms\n"
        )
    found = runner.LogWatch.tracebacks(watch.since_mark())
    assert len(found) == 1 and found[0].endswith("ValueError: boom")
