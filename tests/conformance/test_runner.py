"""The conformance runner's own pieces (fast; no Tempest, no server)."""

from __future__ import annotations

import configparser
from pathlib import Path

from tests.conformance import selection, tempest_conf

A = "tempest.api.identity.v3.test_tokens.TokensV3Test.test_create_token[id-6f8e4436-fc96-4282-8122-e41df57197a9,smoke]"
B = "tempest.api.identity.v3.test_users.IdentityV3UsersTest.test_x[id-941784ee-5342-4571-959b-b80dd2cea516]"
C = "tempest.api.compute.servers.test_x.ServersTest.test_y[id-11111111-2222-3333-4444-555555555555]"


def test_lists_match_by_idempotent_id(tmp_path: Path) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text(
        "# a comment\n"
        "tempest.api.identity.v3.test_tokens.Renamed.test_old[id-6f8e4436-fc96-4282-8122-e41df57197a9]  why\n"
        "\n"
        "tempest.api.identity.v3.Gone.test_gone[id-00000000-0000-0000-0000-000000000000]\n"
    )
    wanted = selection.read_list(listing)
    chosen = selection.choose([A, B, C], ["identity"], wanted)
    assert chosen.tests == [A]
    assert chosen.unknown == [wanted[1]]


def test_an_id_shared_by_inherited_variants() -> None:
    v4 = "tempest.api.network.test_x.NetTest.test_y[id-22222222-2222-3333-4444-555555555555]"
    v6 = "tempest.api.network.test_x.NetIpV6Test.test_y[id-22222222-2222-3333-4444-555555555555]"
    assert selection.choose([v4, v6], ["network"], [v6]).tests == [v6]  # the name decides
    renamed = "tempest.api.network.test_x.Old.test_old[id-22222222-2222-3333-4444-555555555555]"
    assert selection.choose([v4, v6], ["network"], [renamed]).tests == [v4, v6]  # else every variant


def test_whole_package_leaves_out_the_not_applicable() -> None:
    chosen = selection.choose(
        [A, B, C], ["identity"], excluded=[B.split("[")[0] + "[id-941784ee-5342-4571-959b-b80dd2cea516]"]
    )
    assert chosen.tests == [A]
    assert chosen.excluded == [B]
    assert selection.choose([A, B, C], ["identity"], regex="test_users").tests == [B]


def test_expected_lists_are_well_formed() -> None:
    for path in selection.EXPECTED_DIR.glob("*.txt"):
        ids = selection.read_list(path)
        names = [selection.bare_name(t) for t in ids]
        assert len(names) == len(set(names)), f"{path.name} lists a test twice"
        package = selection.PACKAGES[path.stem]
        assert all(t.startswith(package + ".") for t in ids), f"{path.name} lists tests of another service"
        assert all(selection.idempotent_id(t) for t in ids), f"{path.name}: every line needs its [id-…]"


def test_tempest_conf_has_identity_and_common_sections(tmp_path: Path) -> None:
    cloud = tempest_conf.CloudInfo("http://127.0.0.1:1", "pw", ("identity",), tmp_path)
    path = tempest_conf.write(tempest_conf.build(cloud), tmp_path / "tempest.conf")
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path)
    assert parser["identity"]["uri_v3"] == "http://127.0.0.1:1/v3"
    assert parser["auth"]["admin_password"] == "pw"
    assert parser["service_available"]["nova"] == "false"
    assert parser["identity"]["user_lockout_failure_attempts"] == str(tempest_conf.LOCKOUT_FAILURE_ATTEMPTS)
    assert "compute" not in parser  # only running services get sections
