"""The bad-input guard's own machinery (tests/api/fuzz): samples that validate, mutations
that each break one place, plans that repeat themselves."""

from __future__ import annotations

import random
from typing import Any

import jsonschema

from tests.api.fuzz import bodies
from tests.api.fuzz.cases import Planner
from tests.api.fuzz.routes import all_routes

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "thing": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 8},
                "size": {"type": "integer", "minimum": 1, "maximum": 10},
                "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
            },
            "required": ["name"],
            "additionalProperties": False,
        }
    },
    "required": ["thing"],
}


def test_minimal_samples_of_the_route_schemas_mostly_validate() -> None:
    valid = total = 0
    for route in all_routes():
        for _lo, schema in route.schemas():
            total += 1
            sample = bodies.Sampler({}, random.Random(1)).sample(schema)
            valid += jsonschema.Draft7Validator(schema).is_valid(sample)
    assert total > 100 and valid / total > 0.9, f"{valid} of {total}"


def test_each_mutation_breaks_the_sample_in_one_place() -> None:
    sampler = bodies.Sampler({}, random.Random(2))
    cases = bodies.mutations(SCHEMA, sampler, random.Random(3), budget=40)
    labels = [c.label for c in cases]
    assert labels[:2] == ["sample", "sample-full"]
    check = jsonschema.Draft7Validator(SCHEMA)
    assert check.is_valid(cases[0].body) and check.is_valid(cases[1].body)
    places = {label.split("=")[0].removeprefix("full:") for label in labels[2:] if "=" in label}
    assert places == {"thing", "thing/name", "thing/size", "thing/tags", "thing/tags/0"}
    assert any(not check.is_valid(c.body) for c in cases[2:])
    assert "thing/+unknown-key" in labels and "thing/-name" in labels


def test_put_builds_the_containers_a_path_needs() -> None:
    sampler = bodies.Sampler({}, random.Random(4))
    path = (("thing", SCHEMA["properties"]["thing"]), ("tags", {"type": "array"}), (0, {"type": "string"}))
    built = bodies.put({}, path, 7, sampler)
    assert built["thing"]["tags"] == [7] and isinstance(built["thing"]["name"], str)
    base = {"thing": {"name": "n", "tags": ["a", "b"]}}
    assert bodies.put(base, path, 7, sampler) == {"thing": {"name": "n", "tags": [7, "b"]}}
    assert base == {"thing": {"name": "n", "tags": ["a", "b"]}}


def test_plans_repeat_and_are_the_same_for_every_persona() -> None:
    route = next(r for r in all_routes() if r.key == "identity POST /v3/users")

    def labels(persona: str) -> list[str]:
        return [c.label for c in Planner(route, persona, {}, "token", full=True).plan()]

    assert labels("admin") == labels("admin") == labels("member")
