"""Flavor extra specs are validated from microversion 2.86: known namespaces only take the
keys and values Nova knows; other keys pass; before 2.86 anything goes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.server import Server

F = "/compute/v2.1/flavors"
V286 = {"OpenStack-API-Version": "compute 2.86"}
V285 = {"OpenStack-API-Version": "compute 2.85"}


@pytest.fixture(scope="module")
def flavor(server: Server) -> Iterator[tuple[httpx.Client, str]]:
    with server.http(server.token("admin", "admin")) as c:
        body = {"flavor": {"name": f"es-{uuid.uuid4().hex[:8]}", "ram": 64, "vcpus": 1, "disk": 1}}
        fid = c.post(F, json=body).json()["flavor"]["id"]
        yield c, fid
        c.delete(f"{F}/{fid}")


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        ({"hw:cpu_policy": "sometimes"}, "Validation failed; 'sometimes' is not one of: dedicated, shared, mixed."),
        ({"hw:numa_nodes": "x"}, "Validation failed; 'x' is not a valid integer value."),
        ({"hw:numa_nodes": "0"}, "Validation failed; '0' is less than the min value of '1'."),
        ({"hw:no_such_thing": "1"}, "Validation failed; extra spec 'hw:no_such_thing' does not appear to be a valid "
                                    "extra spec."),
        ({"hw:mem_encryption": "maybe"}, "Validation failed; 'maybe' is not a valid boolean-like value."),
    ],
)  # fmt: skip
def test_rejected_at_2_86(flavor: tuple[httpx.Client, str], specs: dict[str, str], message: str) -> None:
    c, fid = flavor
    r = c.post(f"{F}/{fid}/os-extra_specs", json={"extra_specs": specs}, headers=V286)
    assert r.status_code == 400, r.text
    assert r.json()["badRequest"]["message"] == message
    assert c.post(f"{F}/{fid}/os-extra_specs", json={"extra_specs": specs}, headers=V285).status_code == 200
    key = next(iter(specs))
    assert c.delete(f"{F}/{fid}/os-extra_specs/{key}").status_code == 200


def test_accepted_at_2_86(flavor: tuple[httpx.Client, str]) -> None:
    c, fid = flavor
    specs = {"hw:cpu_policy": "shared", "foo:bar": "baz", "plain": "x", "hw:numa_cpus.0": "0,1",
             "resources:VCPU": "2", "trait:HW_CPU_X86_AVX2": "required", "quota:cpu_quota": "10000"}  # fmt: skip
    r = c.post(f"{F}/{fid}/os-extra_specs", json={"extra_specs": specs}, headers=V286)
    assert r.status_code == 200, r.text
    r = c.put(f"{F}/{fid}/os-extra_specs/hw:cpu_policy", json={"hw:cpu_policy": "bogus"}, headers=V286)
    assert r.status_code == 400
    assert c.get(f"{F}/{fid}/os-extra_specs").json()["extra_specs"] == specs
