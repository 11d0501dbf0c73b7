"""The compiled record schema (core/schema_check) agrees with jsonschema on every record, so
the fast path never lets a fault through; jsonschema still words every message, and the
validator is built once per scheme, not once per record."""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

import jsonschema
import pytest
from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from claimcorpus.core import layers
from claimcorpus.core.schema_check import compile_schema
from claimcorpus.core.scheme import annotation_json_schema, load_scheme

DOC = "000_e24865ecb7649ad0"
GOLD = json.loads((REPO / "annotations" / "gold" / f"{DOC}.json").read_text(encoding="utf-8"))
SCHEME = load_scheme(REPO)
FRAGMENTS = dataclasses.replace(SCHEME, fields=SCHEME.fields | {"fragments"})
BARE = dataclasses.replace(SCHEME, fields=frozenset())  # no optional field at all
SCHEMAS = {
    "gold": annotation_json_schema(SCHEME),
    "fragments": annotation_json_schema(FRAGMENTS),
    "bare": annotation_json_schema(BARE),
    "pred": layers.PRED_SCHEMA,
}
# values that sit on every edge the keywords draw: bool against integer, 1.0 as an integer,
# null, empty and pattern-breaking strings, the scheme's own names, arrays and objects
VALUES = st.sampled_from(
    [None, True, False, 0, 1, -1, 1.0, 2.5, "", "x", "bad id!", "s1", "CLAIM", "favor"]
    + ["support", "author", "gold", "pred", "raw", "a" * 64, [], [1, 2], [[1, 2], [3, 4]], {}]
)


def _paths(obj: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a record a mutation can land (keys of objects, items of arrays)."""
    out = [prefix]
    items = (
        obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else []
    )
    for k, v in items:
        out += _paths(v, (*prefix, k))
    return out


def _mutate(rec: Any, path: tuple, how: str, value: Any) -> Any:
    if not path:
        return value
    parent = rec
    for k in path[:-1]:
        parent = parent[k]
    key = path[-1]
    if how == "delete":
        del parent[key]
    elif how == "add" and isinstance(parent[key], dict):
        parent[key]["extra"] = value
    else:
        parent[key] = value
    return rec


@settings(max_examples=400, deadline=None)
@given(
    name=st.sampled_from(sorted(SCHEMAS)),
    picks=st.lists(
        st.tuples(st.integers(0, 10**6), st.sampled_from(["set", "delete", "add"]), VALUES),
        min_size=1,
        max_size=3,
    ),
)
def test_the_compiled_schema_agrees_with_jsonschema(name: str, picks: list) -> None:
    rec: Any = copy.deepcopy(GOLD)
    if name == "pred":
        rec.update(layer="pred", annotator="m")
    for pos, how, value in picks:
        paths = _paths(rec)
        rec = _mutate(rec, paths[pos % len(paths)], how, copy.deepcopy(value))
    schema = SCHEMAS[name]
    want = not any(jsonschema.Draft202012Validator(schema).iter_errors(rec))
    assert compile_schema(schema)(rec) is want


def test_the_committed_gold_passes_the_compiled_schema_and_a_fault_does_not() -> None:
    check = compile_schema(SCHEMAS["gold"])
    assert check(GOLD)
    bad = copy.deepcopy(GOLD)
    bad["spans"][3]["start"] = True  # a bool is no integer, as jsonschema rules
    assert not check(bad)
    bad["spans"][3]["start"] = 4.0  # but an integral float is one
    assert check(bad)


def test_a_keyword_it_does_not_compile_is_refused() -> None:
    with pytest.raises(ValueError, match="anyOf"):
        compile_schema({"anyOf": [{"type": "string"}]})


def test_the_validator_is_built_once_per_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Any] = []
    real = jsonschema.Draft202012Validator

    def counting(schema: Any) -> Any:
        built.append(schema)
        return real(schema)

    monkeypatch.setattr(layers.jsonschema, "Draft202012Validator", counting)
    scheme = dataclasses.replace(SCHEME)  # a scheme object no earlier test compiled
    doc = json.loads((REPO / "corpus" / "docs" / f"{DOC}.json").read_text("utf-8"))
    text = doc["normalized"]["text"]
    for _ in range(3):
        assert not [p for p in layers.check_record(GOLD, text, scheme) if p.level == "error"]
    bad = {**GOLD, "spans": [{**GOLD["spans"][0], "label": "NOPE"}]}
    found = layers.check_record(bad, text, scheme)
    assert len(built) == 1
    assert [(p.id, p.field) for p in found] == [("annotation-schema", "spans/0/label")]
    assert "'NOPE' is not one of ['CLAIM', 'SOURCE', 'CUE']" in found[0].message
