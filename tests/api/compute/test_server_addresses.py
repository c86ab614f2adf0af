"""A server's addresses follow what the network API does to its ports: floating IPs
associated and disassociated, fixed IPs changed, ports added and deleted show in the
server views and ``/ips`` at once, and the ``ip``/``ip6`` list filters (Nova asking
Neutron for ports whose fixed IPs contain the value) match the ports as they are now."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.server import Server

S = "/compute/v2.1/servers"
N = "/networking/v2.0"
H = {"OpenStack-API-Version": "compute 2.79"}


@pytest.fixture(scope="module")
def member(server: Server) -> Iterator[httpx.Client]:
    with server.http(server.token("demo", "demo")) as c:
        if c.get(f"{N}/networks").status_code != 200:
            pytest.skip("no network service")
        yield c


@pytest.fixture(scope="module")
def admin(server: Server) -> Iterator[httpx.Client]:
    with server.http(server.token("admin", "admin")) as c:
        yield c


def _network(c: httpx.Client, name: str) -> dict[str, Any]:
    return dict(next(n for n in c.get(f"{N}/networks").json()["networks"] if n["name"] == name))


def _server(c: httpx.Client, network_id: str) -> str:
    image = next(i["id"] for i in c.get("/image/v2/images").json()["images"] if i["name"].startswith("cirros"))
    body = {"server": {"name": f"addr-{uuid.uuid4().hex[:6]}", "imageRef": image, "flavorRef": "42",
                       "networks": [{"uuid": network_id}]}}  # fmt: skip
    r = c.post(S, json=body, headers=H)
    assert r.status_code == 202, r.text
    sid = str(r.json()["server"]["id"])
    for _ in range(300):
        if c.get(f"{S}/{sid}").json()["server"]["status"] == "ACTIVE":
            return sid
        time.sleep(0.05)
    raise AssertionError("server never became ACTIVE")


def _addresses(c: httpx.Client, sid: str) -> set[tuple[str, str]]:
    shown = c.get(f"{S}/{sid}", headers=H).json()["server"]["addresses"]
    detail = next(s for s in c.get(f"{S}/detail", headers=H).json()["servers"] if s["id"] == sid)["addresses"]
    ips = c.get(f"{S}/{sid}/ips").json()["addresses"]
    assert shown == detail
    assert {a["addr"] for net in ips.values() for a in net} == {a["addr"] for net in shown.values() for a in net}
    return {(a["addr"], a["OS-EXT-IPS:type"]) for net in shown.values() for a in net}


def _listed(c: httpx.Client, **params: str) -> set[str]:
    return {s["id"] for s in c.get(S, params=params, headers=H).json()["servers"]}


def _v4(port: dict[str, Any]) -> dict[str, Any]:
    return dict(next(f for f in port["fixed_ips"] if ":" not in f["ip_address"]))


def test_addresses_follow_the_network_api(member: httpx.Client, admin: httpx.Client) -> None:
    private, public = _network(member, "private"), _network(member, "public")
    sid = _server(member, private["id"])
    (port,) = member.get(f"{N}/ports", params={"device_id": sid}).json()["ports"]
    fixed = _v4(port)
    assert (fixed["ip_address"], "fixed") in _addresses(member, sid)
    assert sid in _listed(member, ip=fixed["ip_address"])
    v6 = next(f["ip_address"] for f in port["fixed_ips"] if ":" in f["ip_address"])
    assert sid in _listed(member, ip6=v6)

    # a floating IP associated and disassociated through the network API
    body = {"floatingip": {"floating_network_id": public["id"], "port_id": port["id"]}}
    fip = member.post(f"{N}/floatingips", json=body).json()["floatingip"]
    assert (fip["floating_ip_address"], "floating") in _addresses(member, sid)
    # Nova matches the ports' fixed addresses only
    assert sid not in _listed(member, ip=fip["floating_ip_address"])
    member.put(f"{N}/floatingips/{fip['id']}", json={"floatingip": {"port_id": None}})
    assert (fip["floating_ip_address"], "floating") not in _addresses(member, sid)

    # the port's fixed IP changed through the network API
    new_ip = fixed["ip_address"].rsplit(".", 1)[0] + ".61"
    r = member.put(f"{N}/ports/{port['id']}", json={"port": {"fixed_ips": [{"subnet_id": fixed["subnet_id"],
                                                                           "ip_address": new_ip}]}})  # fmt: skip
    assert r.status_code == 200, r.text
    assert (new_ip, "fixed") in _addresses(member, sid)
    assert (fixed["ip_address"], "fixed") not in _addresses(member, sid)
    assert sid in _listed(member, ip=new_ip)
    assert sid not in _listed(member, ip=fixed["ip_address"] + "$") and sid not in _listed(member, ip="10.9.9.")

    # a port given the server's device id, then deleted, through the network API
    extra = member.post(f"{N}/ports", json={"port": {"network_id": private["id"], "device_id": sid,
                                                     "device_owner": "compute:nova"}}).json()["port"]  # fmt: skip
    extra_ip = _v4(extra)["ip_address"]
    assert (extra_ip, "fixed") in _addresses(member, sid)
    assert sid in _listed(member, ip=extra_ip)
    assert admin.delete(f"{N}/ports/{extra['id']}").status_code == 204
    assert (extra_ip, "fixed") not in _addresses(member, sid)
    assert sid not in _listed(member, ip=extra_ip)


def test_ip_filter_as_nova(member: httpx.Client, admin: httpx.Client) -> None:
    private = _network(member, "private")
    one, two = _server(member, private["id"]), _server(member, private["id"])
    ips = {}
    for sid in (one, two):
        (port,) = member.get(f"{N}/ports", params={"device_id": sid}).json()["ports"]
        ips[sid] = _v4(port)["ip_address"]
    # a substring matches every server whose fixed address contains it
    assert {one, two} <= _listed(member, ip="10.0.")
    assert _listed(member, ip=ips[one]) & {one, two} == {one}
    # nothing matches: an empty list
    assert _listed(member, ip="192.0.2.") == set()
    # another project's servers stay hidden; admins see them with all_tenants
    assert one not in _listed(admin, ip=ips[one])
    assert one in _listed(admin, ip=ips[one], all_tenants="1")
