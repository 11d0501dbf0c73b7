"""A JSON Schema compiled once into one Python predicate, so a valid record costs little.

Why: ``jsonschema`` interprets the schema anew for every record (a new validator per
keyword and item); a gold record with a hundred spans took 16 ms, and a build checks every
gold record. :func:`compile_schema` turns the keywords the annotation schemas use into
nested closures that answer *valid or not* with jsonschema's semantics (an integer may be
``1.0`` but never ``True``; ``pattern`` is ``re.search``; a keyword only judges the type it
applies to). The messages still come from jsonschema: a record the predicate refuses is
handed to the real validator (``core/layers.schema_problems``), so every error keeps its
text. A schema with a keyword not listed here is refused with ValueError, and the caller
then validates with jsonschema alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], bool]
IGNORED = frozenset({"$schema", "title", "description"})
_TYPES: dict[str, Check] = {
    "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
}


def _equal(value: Any, want: Any) -> bool:
    """jsonschema's equality for scalars: a bool equals only a bool."""
    if isinstance(value, bool) or isinstance(want, bool):
        return isinstance(value, bool) and isinstance(want, bool) and value == want
    if isinstance(value, list | dict):
        return False
    return value == want


def _scalar(values: list[Any]) -> list[Any]:
    if any(isinstance(v, list | dict) for v in values):
        raise ValueError("enum or const of an array or object is not compiled")
    return values


def _type(arg: str | list[str]) -> Check:
    """``type``: a plain isinstance unless a number type makes ``bool`` an exception."""
    names = [arg] if isinstance(arg, str) else list(arg)
    if "integer" in names or "number" in names:
        types = [_TYPES[t] for t in names]
        return lambda v: any(t(v) for t in types)
    plain = {"null": type(None), "boolean": bool, "string": str, "array": list, "object": dict}
    classes = tuple(plain[t] for t in names)
    return lambda v: isinstance(v, classes)


def _enum(wanted: list[Any]) -> Check:
    """``enum``/``const``: a set lookup when the names are strings (and null)."""
    if all(w is None or isinstance(w, str) for w in wanted):
        names, null = frozenset(w for w in wanted if w is not None), None in wanted
        return lambda v: (v is None and null) or (isinstance(v, str) and v in names)
    return lambda v: any(_equal(v, w) for w in wanted)


def _keyword(name: str, arg: Any, schema: Mapping[str, Any]) -> Check:
    """One keyword as a predicate; ValueError for a keyword this module does not know."""
    is_num, is_str = _TYPES["number"], _TYPES["string"]
    is_arr, is_obj = _TYPES["array"], _TYPES["object"]
    if name == "type":
        return _type(arg)
    if name in ("enum", "const"):
        return _enum(_scalar(list(arg) if name == "enum" else [arg]))
    if name == "pattern":
        rx = re.compile(arg)
        return lambda v: not is_str(v) or rx.search(v) is not None
    if name == "minLength":
        return lambda v: not is_str(v) or len(v) >= arg
    if name == "minimum":
        return lambda v: not is_num(v) or v >= arg
    if name == "minItems":
        return lambda v: not is_arr(v) or len(v) >= arg
    if name == "maxItems":
        return lambda v: not is_arr(v) or len(v) <= arg
    if name == "items":
        item = compile_schema(arg)
        return lambda v: not is_arr(v) or all(map(item, v))
    if name == "required":
        keys = list(arg)
        return lambda v: not is_obj(v) or all(k in v for k in keys)
    if name == "properties":
        props = {k: compile_schema(s) for k, s in arg.items()}

        def properties(v: Any) -> bool:
            if not isinstance(v, dict):
                return True
            for k, x in v.items():
                c = props.get(k)
                if c is not None and not c(x):
                    return False
            return True

        return properties
    if name == "additionalProperties" and arg is False and "patternProperties" not in schema:
        allowed = frozenset(schema.get("properties", {}))
        return lambda v: not is_obj(v) or allowed.issuperset(v)
    raise ValueError(f"JSON Schema keyword {name!r} (= {arg!r}) is not compiled")


def compile_schema(schema: Mapping[str, Any]) -> Check:
    """A predicate that is True exactly when jsonschema finds no error in the instance."""
    checks = [_keyword(k, a, schema) for k, a in schema.items() if k not in IGNORED]
    if len(checks) == 1:
        return checks[0]

    def check(v: Any) -> bool:
        for c in checks:
            if not c(v):
                return False
        return True

    return check
