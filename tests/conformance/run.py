"""The conformance runner: Tempest against a pocketstack server of its own.

    python -m tests.conformance.run [--service identity|compute|network|volume|image|all]
                                    [--tests-file F | --regex R] [--concurrency N] [--keep]

Installs Tempest (``requirements.txt``, into ``.tempest-venv/``), starts a fresh
pocketstack server (``tests/server.py``) with the settings Tempest needs, writes a
``tempest.conf`` for it (``tempest_conf.py``), runs ``tempest run`` on the chosen
tests and prints ``N passed, N failed, N skipped`` with the failures.

Without ``--tests-file``, every test of the services' Tempest packages runs except
those on ``excluded/<service>.txt`` (features pocketstack does not offer).  Exit
status: 0 when nothing failed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.conformance import selection, tempest_conf
from tests.conformance.tempest_venv import TempestVenv
from tests.server import ADMIN_PASSWORD, Server

HERE = Path(__file__).resolve().parent
SUMMARY_SCRIPT = HERE / "subunit_summary.py"


def running_services() -> tuple[str, ...]:
    from pocketstack.services import SERVICES

    return tuple(SERVICES)


@dataclass
class TestResult:
    id: str
    status: str  # success, fail, skip, xfail, uxsuccess, notrun
    detail: str = ""


@dataclass
class Outcome:
    results: dict[str, TestResult] = field(default_factory=dict)  # by full Tempest id
    fixture_failures: list[TestResult] = field(default_factory=list)  # setUpClass & co.
    unknown: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    workdir: Path | None = None

    def by_status(self, *statuses: str) -> list[TestResult]:
        return [r for r in self.results.values() if r.status in statuses]

    @property
    def passed(self) -> list[TestResult]:
        return self.by_status("success", "xfail")

    @property
    def failed(self) -> list[TestResult]:
        return self.by_status("fail", "uxsuccess", "notrun")

    @property
    def skipped(self) -> list[TestResult]:
        return self.by_status("skip")

    @property
    def ok(self) -> bool:
        return not self.failed and not self.unknown

    def summary_line(self) -> str:
        return f"{len(self.passed)} passed, {len(self.failed)} failed, {len(self.skipped)} skipped"

    def report(self, verbose_failures: bool = True) -> str:
        lines: list[str] = []
        for r in sorted(self.failed, key=lambda x: x.id):
            lines.append(f"FAIL {r.id}")
            if verbose_failures and r.detail:
                lines.extend("    " + x for x in _tail(r.detail, 25).splitlines())
        for r in self.fixture_failures:
            lines.append(f"FIXTURE FAILED {r.id}")
            if verbose_failures and r.detail:
                lines.extend("    " + x for x in _tail(r.detail, 25).splitlines())
        for r in sorted(self.skipped, key=lambda x: x.id):
            reason = r.detail.strip().splitlines()[-1] if r.detail.strip() else ""
            lines.append(f"SKIP {r.id}: {reason}")
        for u in self.unknown:
            lines.append(f"UNKNOWN (not in this Tempest) {u}")
        if self.excluded:
            lines.append(f"{len(self.excluded)} not applicable (excluded/*.txt), not run")
        if self.workdir is not None:
            lines.append(f"workdir: {self.workdir}")
        lines.append(self.summary_line())
        return "\n".join(lines)


def _tail(text: str, n: int) -> str:
    return "\n".join(text.rstrip().splitlines()[-n:])


# -- the steps ----------------------------------------------------------------------------


def list_tests(venv: TempestVenv, workspace: Path, conf: Path, regex: str) -> list[str]:
    if not (workspace / ".stestr").exists():
        subprocess.run([str(venv.path / "bin" / "stestr"), "init"], cwd=workspace, capture_output=True, check=True)
    proc = subprocess.run(
        [str(venv.tempest), "run", "--config-file", str(conf), "--list-tests", "--regex", regex],
        cwd=workspace,
        capture_output=True,
        text=True,
        env=_tempest_env(),
    )
    if proc.returncode != 0:
        raise RuntimeError(f"tempest could not list its tests:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return [line.strip() for line in proc.stdout.splitlines() if line.startswith("tempest.")]


def execute(venv: TempestVenv, workspace: Path, conf: Path, tests: Sequence[str], concurrency: int) -> Path:
    load_list = workspace / "load-list.txt"
    load_list.write_text("".join(t + "\n" for t in tests))
    stream = workspace / "results.subunit"
    with stream.open("wb") as out, (workspace / "tempest-run.log").open("wb") as err:
        subprocess.run(
            [
                str(venv.tempest),
                "run",
                "--config-file",
                str(conf),
                "--load-list",
                str(load_list),
                "--concurrency",
                str(concurrency),
                "--subunit",
            ],
            cwd=workspace,
            stdout=out,
            stderr=err,
            env=_tempest_env(),
        )
    return stream


def summarise(venv: TempestVenv, stream: Path, chosen: Sequence[str]) -> tuple[dict[str, TestResult], list[TestResult]]:
    """Per-test results; a class whose setup was skipped or failed passes that on to its tests."""
    proc = subprocess.run(
        [str(venv.python), str(SUMMARY_SCRIPT), str(stream)], capture_output=True, text=True, check=True
    )
    raw = json.loads(proc.stdout or "[]")
    wanted = {selection.bare_name(t): t for t in chosen}
    results: dict[str, TestResult] = {}
    fixtures: dict[str, TestResult] = {}  # class path -> the result of its fixture
    failed_fixtures: list[TestResult] = []
    for item in raw:
        full = wanted.get(selection.bare_name(item["id"]))
        result = TestResult(full or item["id"], item["status"], item.get("detail", ""))
        if full is not None:
            results[full] = result
            continue
        match = _FIXTURE.search(item["id"])
        if match:
            fixtures[match.group(1)] = result
        if result.status in ("fail", "uxsuccess"):
            failed_fixtures.append(result)
    for t in chosen:  # tests of a class whose setup was skipped or failed never report
        if t not in results:
            fixture = fixtures.get(_class_of(t))
            if fixture is not None and fixture.status == "skip":
                results[t] = TestResult(t, "skip", fixture.detail)
            else:
                cause = fixture.detail if fixture is not None else "not run (did its class fail to set up?)"
                results[t] = TestResult(t, "notrun", cause)
    return results, failed_fixtures


_FIXTURE = re.compile(r"^\w+ \(([\w.]+)\)$")  # "setUpClass (tempest.api.….Class)"


def _class_of(test_id: str) -> str:
    return selection.bare_name(test_id).rsplit(".", 1)[0]


def _tempest_env() -> dict[str, str]:
    # No proxies: every request goes to the loopback server.
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.pop("OS_CLOUD", None)
    return env


# -- the whole run ----------------------------------------------------------------------------


def run(
    services: Sequence[str],
    tests_file: Path | None = None,
    regex: str | None = None,
    concurrency: int = 2,
    keep: bool = False,
    log: bool = True,
    overrides: Sequence[str] = (),
) -> Outcome:
    venv = TempestVenv().ensure(log=log)
    workdir = Path(tempfile.mkdtemp(prefix="pocketstack-tempest-"))
    outcome = Outcome(workdir=workdir)
    server = Server(workdir / "cloud", extra_config=tempest_conf.SERVER_CONFIG)
    try:
        server.start()
        cloud = tempest_conf.CloudInfo(server.url, ADMIN_PASSWORD, running_services(), workdir)
        # every running service's section: tests of one service use the others (compute boots from
        # images on networks), and their feature flags decide what those tests may assume
        sections = tempest_conf.merge(tempest_conf.build(cloud), _parse_overrides(overrides))
        conf = tempest_conf.write(sections, workdir / "etc" / "tempest.conf")
        available = list_tests(venv, workdir, conf, selection.package_regex(services))
        wanted = selection.read_list(tests_file) if tests_file else None
        excluded: list[str] = []
        for s in services:
            path = selection.excluded_file(s)
            if path.exists():
                excluded += selection.read_list(path)
        chosen = selection.choose(available, services, wanted, regex, excluded)
        outcome.unknown, outcome.excluded = chosen.unknown, chosen.excluded
        if log:
            print(f"conformance: running {len(chosen.tests)} Tempest tests in {workdir}", file=sys.stderr, flush=True)
        if chosen.tests:
            stream = execute(venv, workdir, conf, chosen.tests, concurrency)
            outcome.results, outcome.fixture_failures = summarise(venv, stream, chosen.tests)
    finally:
        server.stop()
        if not keep and outcome.ok:
            shutil.rmtree(workdir, ignore_errors=True)
            outcome.workdir = None
    return outcome


def _parse_overrides(items: Sequence[str]) -> tempest_conf.Sections:
    """``section.option=value`` pairs (``--set identity.use_system_token=true``)."""
    out: tempest_conf.Sections = {}
    for item in items:
        target, sep, value = item.partition("=")
        section, dot, option = target.rpartition(".")
        if not sep or not dot or not section or not option:
            raise SystemExit(f"--set wants section.option=value, got {item!r}")
        out.setdefault(section, {})[option] = value
    return out


def _services(choice: str) -> list[str]:
    present = running_services()
    if choice == "all":
        return [s for s in selection.PACKAGES if s in present]
    if choice not in present:
        raise SystemExit(f"service {choice!r} is not part of this pocketstack (services: {', '.join(present)})")
    return [choice]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.conformance.run", description=__doc__.split("\n\n")[1])
    parser.add_argument("--service", default="all", choices=[*selection.PACKAGES, "all"])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--tests-file", type=Path, help="run only the tests listed (ids, one a line)")
    group.add_argument("--regex", help="run only the tests whose id matches")
    parser.add_argument("--expected", action="store_true", help="run the service's expected-pass list")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument(
        "--set", action="append", default=[], metavar="SECTION.OPTION=VALUE", help="override a tempest.conf option"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work dir (tempest.conf, logs) even on success")
    parser.add_argument("--quiet", action="store_true", help="no tracebacks, only the list of failures")
    parser.add_argument(
        "--record", action="store_true", help="add the tests that passed to expected/<service>.txt (it only grows)"
    )
    args = parser.parse_args(argv)
    services = _services(args.service)
    tests_file = args.tests_file
    if args.expected:
        if len(services) != 1:
            parser.error("--expected needs one --service")
        tests_file = selection.expected_file(services[0])
    outcome = run(services, tests_file, args.regex, args.concurrency, keep=args.keep, overrides=args.set)
    print(outcome.report(verbose_failures=not args.quiet))
    if args.record:
        for service in services:
            added = record(service, outcome)
            print(f"expected/{service}.txt: {added} tests added")
    return 0 if outcome.ok else 1


def record(service: str, outcome: Outcome) -> int:
    """Add the service's passing tests to its expected list; returns how many were new."""
    path = selection.expected_file(service)
    current = selection.read_list(path) if path.exists() else []
    known = {selection.bare_name(t) for t in current}
    prefix = selection.PACKAGES[service] + "."
    new = [
        selection.strip_attrs(r.id)
        for r in outcome.passed
        if r.id.startswith(prefix) and selection.bare_name(r.id) not in known
    ]
    if new:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(t + "\n" for t in sorted([*current, *new])))
    return len(new)


if __name__ == "__main__":
    sys.exit(main())
