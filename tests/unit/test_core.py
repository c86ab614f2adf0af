from __future__ import annotations

import pytest

from pocketstack.core.errors import NotAcceptable, ValidationFailed
from pocketstack.core.microversion import APIVersion, VersionRange
from pocketstack.core.policy import flatten
from pocketstack.core.validation import obj, string, validate
from pocketstack.settings import SettingsError, load_settings


def test_version_compare_and_negotiate() -> None:
    v = APIVersion.parse("2.47")
    assert v >= "2.47" and v > "2.9" and v < "2.100" and v.matches("2.1", "2.47")
    rng = VersionRange.of("compute", "2.1", "2.96", "X-OpenStack-Nova-API-Version")
    assert rng.negotiate({}) == APIVersion(2, 1)
    assert rng.negotiate({"openstack-api-version": "compute latest"}) == APIVersion(2, 96)
    assert rng.negotiate({"openstack-api-version": "volume 3.5, compute 2.10"}) == APIVersion(2, 10)
    assert rng.negotiate({"x-openstack-nova-api-version": "2.3"}) == APIVersion(2, 3)
    with pytest.raises(NotAcceptable):
        rng.negotiate({"openstack-api-version": "compute 2.999"})


def test_validation_names_the_field() -> None:
    schema = obj({"user": obj({"name": string(1, 5)}, required=["name"])}, required=["user"])
    validate(schema, {"user": {"name": "abc"}})
    with pytest.raises(ValidationFailed) as err:
        validate(schema, {"user": {"name": 7}})
    assert err.value.field == "user/name"
    assert "user/name" in err.value.message
    with pytest.raises(ValidationFailed) as err:
        validate(schema, {"user": {}})
    assert err.value.field == "user/name"


def test_flatten_targets() -> None:
    assert flatten({"target": {"user": {"id": "u"}}})["target.user.id"] == "u"


def test_settings_env_and_nested(tmp_path) -> None:  # type: ignore[no-untyped-def]
    s = load_settings(
        env={
            "POCKETSTACK_PORT": "1234",
            "POCKETSTACK_IDENTITY__TOKEN_EXPIRATION": "60",
            "POCKETSTACK_DATA_DIR": str(tmp_path),
        }
    )
    assert s.port == 1234 and s.identity.token_expiration == 60
    (tmp_path / "pocketstack.toml").write_text("[identity.security_compliance]\nlockout_failure_attempts = 3\n")
    s = load_settings(env={"POCKETSTACK_DATA_DIR": str(tmp_path)})
    assert s.identity.security_compliance.lockout_failure_attempts == 3
    (tmp_path / "pocketstack.toml").write_text("bogus = 1\n")
    with pytest.raises(SettingsError):
        load_settings(env={"POCKETSTACK_DATA_DIR": str(tmp_path)})


def test_header_values_are_made_ascii() -> None:
    from pocketstack.core.asgi import header_value

    assert header_value("http://h/v3/projects/p/tags/a b") == "http://h/v3/projects/p/tags/a b"
    assert header_value("http://h/tags/\u202eevil-\u00fc") == "http://h/tags/%E2%80%AEevil-%C3%BC"
    assert header_value("a\x00b\r\nSet-Cookie: x") == "a%00b%0D%0ASet-Cookie: x"


def test_bodies_with_integers_past_64_bits_serialize() -> None:
    from pocketstack.core.asgi import dumps

    assert dumps({"a": 1}) == b'{"a":1}'
    assert dumps({"n": 10**30, "s": "\u00fc"}) == '{"n":1000000000000000000000000000000,"s":"\u00fc"}'.encode()
