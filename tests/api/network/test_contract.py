"""The NetworkService entry points Nova calls (DEVELOPERS.md, cross-service contracts):
how a server gets its network when none is named, and Nova's ``networks: "auto"``."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from pocketstack.app import bootstrap, create_cloud
from pocketstack.core.context import RequestContext
from pocketstack.core.errors import ApiError
from pocketstack.services.network import models as m
from pocketstack.services.network.access import Caller
from pocketstack.settings import load_settings


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Any:
    settings = load_settings({"data_dir": str(tmp_path_factory.mktemp("netcontract"))}, env={})
    settings.identity.password_hash_rounds = 4
    c = create_cloud(settings)
    bootstrap(c)
    return c


def _ctx(project_id: str) -> RequestContext:
    return RequestContext(
        user_id="u", user_name="u", user_domain_id="default", user_domain_name="Default",
        roles=("member", "reader"), project_id=project_id, project_name="p",
    )  # fmt: skip


def _boot(net: Any, ctx: RequestContext, requests: Any, **kw: Any) -> list[dict[str, Any]]:
    ports: list[dict[str, Any]] = net.allocate_for_server(
        ctx, server_id=str(uuid.uuid4()), project_id=ctx.project_id, requests=requests, host="compute1", **kw
    )
    return ports


def test_a_project_without_networks(cloud: Any) -> None:
    net = cloud.service("network")
    ctx = _ctx(uuid.uuid4().hex)
    # nothing asked for (before 2.37) or "auto" without auto-allocation: no network to pick
    for requests in (None, "auto"):
        with pytest.raises(ApiError) as err:
            _boot(net, ctx, requests)
        assert err.value.kind == "UnableToAutoAllocateNetwork"
    assert _boot(net, ctx, "none") == []
    assert net.can_auto_allocate(ctx, project_id=ctx.project_id) is True
    # Nova's networks: "auto": Neutron's auto-allocated topology, once
    first = _boot(net, ctx, "auto", auto_allocate=True)
    second = _boot(net, ctx, "auto", auto_allocate=True)
    assert len(first) == len(second) == 1 and first[0]["network_id"] == second[0]["network_id"]
    topo = net.auto_allocator.get(Caller.system(), ctx.project_id)
    assert topo["id"] == first[0]["network_id"]
    versions = {4 if "." in f["ip_address"] else 6 for f in first[0]["fixed_ips"]}
    assert versions == {4, 6}
    # now that it has one, an implicit request uses it too
    assert _boot(net, ctx, None)[0]["network_id"] == topo["id"]


def test_several_networks_are_ambiguous(cloud: Any) -> None:
    net = cloud.service("network")
    ctx = _ctx(uuid.uuid4().hex)
    for name in ("a", "b"):
        net.networks.create(Caller(project_id=ctx.project_id, is_admin=False), {"project_id": ctx.project_id,
                                                                                 "name": name})  # fmt: skip
    for requests, kw in ((None, {}), ("auto", {"auto_allocate": True})):
        with pytest.raises(ApiError) as err:
            _boot(net, ctx, requests, **kw)
        assert err.value.kind == "NetworkAmbiguous"


def test_demo_gets_private(cloud: Any) -> None:
    net = cloud.service("network")
    demo = cloud.service("identity").project_id_by_name("demo")
    ctx = _ctx(demo)
    (port,) = _boot(net, ctx, "auto", auto_allocate=True)
    assert port["network_id"] == net.find_network(ctx, "private")["id"]
    # the private network's IPv4 address and its SLAAC IPv6 one
    assert {4 if "." in f["ip_address"] else 6 for f in port["fixed_ips"]} == {4, 6}


def test_no_default_external_network(cloud: Any) -> None:
    net = cloud.service("network")
    ctx = _ctx(uuid.uuid4().hex)
    public = net.find_network(_ctx(uuid.uuid4().hex), "public")["id"]
    with net.db.write() as conn:
        conn.execute(m.networks.update().values(is_default=False))
    try:
        assert net.can_auto_allocate(ctx, project_id=ctx.project_id) is False
        with pytest.raises(ApiError) as err:
            _boot(net, ctx, "auto", auto_allocate=True)
        assert err.value.kind == "UnableToAutoAllocateNetwork"
        assert net.networks.search(Caller.system(), filters={"project_id": [ctx.project_id]}) == []
    finally:
        net.networks.update(Caller.system(), public, {"is_default": True})
