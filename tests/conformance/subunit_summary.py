"""Summarise a subunit v2 stream as JSON (one object per test).

Run by the Tempest venv's interpreter (it has python-subunit and testtools); it
imports nothing from pocketstack.  Usage: ``python subunit_summary.py RESULTS``.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def _text(details: dict[str, Any], names: tuple[str, ...]) -> str:
    parts = []
    for name in names:
        content = details.get(name)
        if content is not None:
            parts.append(b"".join(content.iter_bytes()).decode("utf-8", "replace"))
    return "\n".join(p for p in parts if p)


def summarise(path: str) -> list[dict[str, Any]]:
    import subunit
    import testtools

    results: list[dict[str, Any]] = []

    def on_test(test: dict[str, Any]) -> None:
        if test["status"] in ("exists", "inprogress"):
            return
        results.append(
            {
                "id": test["id"],
                "status": test["status"],
                "detail": _text(test["details"], ("reason", "traceback")),
            }
        )

    with open(path, "rb") as fh:
        stream = subunit.ByteStreamToStreamResult(fh, non_subunit_name="stdout")
        result = testtools.StreamToDict(on_test)
        result.startTestRun()
        try:
            stream.run(result)
        finally:
            result.stopTestRun()
    return results


if __name__ == "__main__":
    json.dump(summarise(sys.argv[1]), sys.stdout)
