"""CI's guard on conformance: every test on a service's expected-pass list passes.

``expected/<service>.txt`` lists the Tempest tests known to pass against pocketstack;
the list only grows.  One test per running service that has a list: it runs the
conformance runner (its own server, Tempest at concurrency 2) on exactly that list.
"""

from __future__ import annotations

import pytest

from pocketstack.services import SERVICES
from tests.conformance import run, selection

WITH_LISTS = [s for s in SERVICES if selection.expected_file(s).exists()]


@pytest.mark.conformance
@pytest.mark.slow
@pytest.mark.parametrize("service", WITH_LISTS)
def test_expected_tempest_tests_pass(service: str) -> None:
    path = selection.expected_file(service)
    outcome = run.run([service], path, concurrency=2, log=False)
    assert not outcome.unknown, f"tests on {path.name} that this Tempest does not have: {outcome.unknown}"
    assert outcome.results, f"no test of expected/{path.name} ran"
    not_passing = [r for r in outcome.results.values() if r.status not in ("success", "xfail")]
    assert not not_passing, (
        f"{len(not_passing)} of the {len(outcome.results)} tests on expected/{path.name} did not pass:\n"
        + outcome.report()
    )
