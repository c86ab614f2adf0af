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
    expected = {selection.key(t) for t in selection.read_list(path)}
    outcome = run.run([service], path, concurrency=2, log=False)
    passed = {selection.key(r.id) for r in outcome.passed}
    missing = sorted(expected - passed)
    assert not outcome.unknown, f"ids on {path.name} that this Tempest does not have: {outcome.unknown}"
    assert not missing, (
        f"{len(missing)} of the {len(expected)} tests on expected/{path.name} did not pass:\n{outcome.report()}"
    )
