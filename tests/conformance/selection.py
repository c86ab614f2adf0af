"""Which Tempest tests to run: lists of test ids, matched by their idempotent id.

A list line is a Tempest test id, ``tempest.api.….Class.test_name[id-<uuid>,…]``;
blank lines and ``#`` comments are ignored, and so is anything after whitespace
(room for a reason).  A line is matched against the installed Tempest by its
``id-<uuid>`` (which survives renames and moves), or by its bare name when it has none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXPECTED_DIR = HERE / "expected"
EXCLUDED_DIR = HERE / "excluded"

# pocketstack service name -> the Tempest package that tests it
PACKAGES = {
    "identity": "tempest.api.identity",
    "compute": "tempest.api.compute",
    "network": "tempest.api.network",
    "volume": "tempest.api.volume",
    "image": "tempest.api.image",
}

_UUID = re.compile(r"id-([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})")


def idempotent_id(test_id: str) -> str | None:
    match = _UUID.search(test_id)
    return match.group(1).lower() if match else None


def bare_name(test_id: str) -> str:
    """``a.b.C.test_x[id-…,smoke]`` → ``a.b.C.test_x``."""
    return test_id.split("[", 1)[0]


def strip_attrs(test_id: str) -> str:
    """``…test_x[id-<uuid>,smoke]`` → ``…test_x[id-<uuid>]`` (the form the lists use)."""
    uuid = idempotent_id(test_id)
    return f"{bare_name(test_id)}[id-{uuid}]" if uuid else bare_name(test_id)


def key(test_id: str) -> str:
    return idempotent_id(test_id) or bare_name(test_id)


def read_list(path: Path) -> list[str]:
    """The test ids of a list file (comments, blank lines and trailing notes dropped)."""
    out: list[str] = []
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            out.append(line.split()[0])
    return out


def package_regex(services: Iterable[str]) -> str:
    names = [re.escape(PACKAGES[s]) for s in services]
    return rf"^(?:{'|'.join(names)})\."


def expected_file(service: str) -> Path:
    return EXPECTED_DIR / f"{service}.txt"


def excluded_file(service: str) -> Path:
    return EXCLUDED_DIR / f"{service}.txt"


@dataclass
class Selection:
    tests: list[str]  # full Tempest ids to run
    unknown: list[str] = field(default_factory=list)  # requested ids Tempest does not have
    excluded: list[str] = field(default_factory=list)  # not applicable to pocketstack


def resolve(lines: Iterable[str], tests: Sequence[str]) -> tuple[list[str], list[str]]:
    """The tests a list names, and the lines that name none.

    A line names the test of the same name; failing that (a renamed or moved test), every
    test with its idempotent id.  Tempest reuses one id in the subclasses that inherit a
    test (the IPv4 and IPv6 variants of a network test), so an id alone may name several.
    """
    by_name = {bare_name(t): t for t in tests}
    by_id: dict[str, list[str]] = {}
    for t in tests:
        uuid = idempotent_id(t)
        if uuid:
            by_id.setdefault(uuid, []).append(t)
    found: dict[str, None] = {}
    unmatched: list[str] = []
    for line in dict.fromkeys(lines):
        name, uuid = bare_name(line), idempotent_id(line)
        if name in by_name:
            found[by_name[name]] = None
        elif uuid and uuid in by_id:
            found.update(dict.fromkeys(by_id[uuid]))
        else:
            unmatched.append(line)
    return list(found), unmatched


def choose(
    available: Sequence[str],
    services: Sequence[str],
    wanted: Sequence[str] | None = None,
    regex: str | None = None,
    excluded: Sequence[str] = (),
) -> Selection:
    """Pick from ``available`` (Tempest's full ids) the tests of ``services``.

    ``wanted`` (ids from a list file) narrows to those tests, and runs them even when
    they are on the not-applicable list; without it, that list's tests are left out.
    ``regex`` narrows further.
    """
    scope = re.compile(package_regex(services))
    pool = [t for t in available if scope.search(t)]
    if regex:
        pattern = re.compile(regex)
        pool = [t for t in pool if pattern.search(t)]
    if wanted is not None:
        chosen, _ = resolve(wanted, pool)
        _, unknown = resolve(wanted, available)
        return Selection(chosen, unknown=unknown)
    skipped, _ = resolve(excluded, pool)
    skip = set(skipped)
    return Selection([t for t in pool if t not in skip], excluded=skipped)
