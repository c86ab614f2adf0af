"""Walk every service's route table: each write route declares its body schema, every
schema compiles, every handler has the right shape, and policy rules named in
handlers exist."""

from __future__ import annotations

import inspect

import pytest

from pocketstack.app import create_cloud
from pocketstack.core.api import NO_BODY, RAW_BODY
from pocketstack.core.asgi import build_asgi
from pocketstack.core.validation import Versioned, validator_for
from pocketstack.settings import load_settings


@pytest.fixture(scope="module")
def cloud(tmp_path_factory):  # type: ignore[no-untyped-def]
    settings = load_settings({"data_dir": str(tmp_path_factory.mktemp("routes"))}, env={})
    return create_cloud(settings)


def all_routes(cloud):  # type: ignore[no-untyped-def]
    for api in cloud.apis.values():
        for route in api.routes:
            yield api, route


def test_write_routes_declare_a_body(cloud) -> None:  # type: ignore[no-untyped-def]
    missing = [
        f"{api.name}: {r.method} {r.path}"
        for api, r in all_routes(cloud)
        if r.method in ("POST", "PUT", "PATCH") and r.body is None
    ]
    assert not missing, "routes without a request schema (use NO_BODY to say none):\n" + "\n".join(missing)


def test_versioned_schemas_cover_the_service_range(cloud) -> None:  # type: ignore[no-untyped-def]
    for api, r in all_routes(cloud):
        if isinstance(r.body, Versioned):
            assert api.versions is not None, f"{api.name} {r.method} {r.path}: versioned body, unversioned service"
            assert r.body.for_version(api.versions.minimum) is not None or r.body.ranges[0][0] > api.versions.minimum
            assert r.body.for_version(api.versions.maximum) is not None or r.body.ranges[-1][1] is not None


def test_schemas_compile(cloud) -> None:  # type: ignore[no-untyped-def]
    for _api, r in all_routes(cloud):
        specs = [s for _lo, _hi, s in r.body.ranges] if isinstance(r.body, Versioned) else [r.body]
        for spec in specs:
            if spec is None or spec is NO_BODY or spec is RAW_BODY:
                continue
            validator_for(spec).validate  # noqa: B018
            import fastjsonschema

            fastjsonschema.compile(dict(spec))


def test_handlers_take_one_request(cloud) -> None:  # type: ignore[no-untyped-def]
    for api, r in all_routes(cloud):
        params = inspect.signature(r.handler).parameters
        assert len(params) == 1, f"{api.name} {r.method} {r.path}: handler must take (req)"


def test_routes_build_without_conflict(cloud) -> None:  # type: ignore[no-untyped-def]
    build_asgi(cloud)
