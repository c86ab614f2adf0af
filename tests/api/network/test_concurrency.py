"""Address allocation and quotas under concurrency: 100 simultaneous port creates,
spread over two server processes that share one database."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.api.network.util import BASE, Neutron, fresh_member
from tests.server import Server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server]]:
    """Two processes serving one data directory (one database), a cloud of their own
    (the second rewrites the catalog's addresses, which other tests must not see)."""
    data = tmp_path_factory.mktemp("pair")
    first = Server(data).start()
    second = Server(data).start()
    yield first, second
    second.stop()
    first.stop()


def _create_ports(servers: list[Server], token: str, network_id: str, count: int) -> list[httpx.Response]:
    clients = [httpx.Client(base_url=s.url, headers={"X-Auth-Token": token}, timeout=120) for s in servers]

    def create(i: int) -> httpx.Response:
        return clients[i % len(clients)].post(f"{BASE}/ports", json={"port": {"network_id": network_id}})

    try:
        with ThreadPoolExecutor(max_workers=32) as pool:
            return list(pool.map(create, range(count)))
    finally:
        for c in clients:
            c.close()


def _kinds(responses: list[httpx.Response]) -> Counter[Any]:
    return Counter(r.status_code if r.status_code == 201 else r.json()["NeutronError"]["type"] for r in responses)


def test_parallel_ports_on_a_small_subnet(pair: tuple[Server, Server]) -> None:
    server, second = pair
    _project, member = fresh_member(server, server.token("admin", "admin"), "conc")
    net, sub = member.network_with_subnet("10.200.0.0/26")  # pool .2-.62: 61 addresses, one the metadata port's
    token = member.client.headers["X-Auth-Token"]
    responses = _create_ports([server, second], token, net["id"], 100)
    kinds = _kinds(responses)
    assert kinds == Counter({201: 60, "IpAddressGenerationFailure": 40}), kinds
    ports = member.get("/ports", params={"network_id": net["id"]}).json()["ports"]
    ips = [p["fixed_ips"][0]["ip_address"] for p in ports]
    macs = [p["mac_address"] for p in ports]
    assert len(ports) == 61 and len(set(ips)) == 61 and len(set(macs)) == 61
    assert set(ips) == {f"10.200.0.{i}" for i in range(2, 63)}
    assert all(p["fixed_ips"][0]["subnet_id"] == sub["id"] for p in ports)
    member.close()


def test_parallel_ports_never_exceed_the_quota(pair: tuple[Server, Server]) -> None:
    server, second = pair
    admin = Neutron(server, server.token("admin", "admin"))
    project, member = fresh_member(server, server.token("admin", "admin"), "concq")
    assert admin.put(f"/quotas/{project}", {"quota": {"port": 30}}).status_code == 200
    net, _sub = member.network_with_subnet("10.201.0.0/24")
    token = member.client.headers["X-Auth-Token"]
    kinds = _kinds(_create_ports([server, second], token, net["id"], 100))
    assert kinds == Counter({201: 29, "OverQuota": 71}), kinds  # the metadata port is the 30th
    details = member.get(f"/quotas/{project}/details").json()["quota"]["port"]
    assert details["used"] == 30 and details["limit"] == 30
    member.close()


def test_if_match_is_checked_where_the_change_is_made(pair: tuple[Server, Server]) -> None:
    """Parallel updates all constrained to one revision (over two processes): exactly one
    wins, the others are refused with 412, as the check runs in the update's transaction."""
    server, second = pair
    _project, member = fresh_member(server, server.token("admin", "admin"), "ifm")
    net = member.network()
    token = member.client.headers["X-Auth-Token"]
    clients = [httpx.Client(base_url=s.url, headers={"X-Auth-Token": token}, timeout=120) for s in (server, second)]
    header = {"If-Match": f"revision_number={net['revision_number']}"}

    def rename(i: int) -> httpx.Response:
        body = {"network": {"name": f"n{i}"}}
        return clients[i % 2].put(f"{BASE}/networks/{net['id']}", json=body, headers=header)

    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            responses = list(pool.map(rename, range(24)))
    finally:
        for c in clients:
            c.close()
    kinds = Counter(r.status_code if r.status_code == 200 else r.json()["NeutronError"]["type"] for r in responses)
    assert kinds == Counter({200: 1, "RevisionNumberConstraintFailed": 23}), kinds
    shown = member.get(f"/networks/{net['id']}").json()["network"]
    assert shown["revision_number"] == net["revision_number"] + 1
    member.close()
