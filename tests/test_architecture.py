"""The package's import structure: no cycles, and each package imports only the ones below it.

The layers, from the ground up, are in ``LAYERS`` (and in docs/ARCHITECTURE.md). Every
``claimcorpus`` import counts, also one inside a function: a cycle is a cycle wherever its
import statement sits.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PKG = SRC / "claimcorpus"
# ground floor first; a package may import core/ and any package listed before it
LAYERS = [
    "core",
    "normalize",
    "stories",
    "ingest",
    "engines",
    "annotate",
    "release",
    "corpora",
    "evaluate",
    "baseline",
    "learn",
    "labelstudio",
    "report",
]
TOP = {"cli", "pipeline", "__main__", "__init__"}  # the command line: may import anything


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every claimcorpus module that ``path`` imports (relative imports resolved)."""
    mod = module_name(path)
    base = mod.split(".") if path.name == "__init__.py" else mod.split(".")[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("claimcorpus")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - (node.level - 1)]
                target = ".".join(anchor + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("claimcorpus"):
                continue
            for a in node.names:  # `from pkg import module` imports the module
                sub = f"{target}.{a.name}"
                path_of = SRC / Path(*sub.split("."))
                is_module = (
                    path_of.with_suffix(".py").exists() or (path_of / "__init__.py").exists()
                )
                out.add(sub if is_module else target)
    return out


def graph() -> dict[str, set[str]]:
    mods = {module_name(p): p for p in PKG.rglob("*.py")}
    return {m: {i for i in imports_of(p) if i in mods and i != m} for m, p in mods.items()}


def find_cycle(g: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for n in sorted(g.get(m, ())):
            if state.get(n) == 1:
                return stack[stack.index(n) :] + [n]
            if n not in state and (c := visit(n)):
                return c
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(g):
        if m not in state and (c := visit(m)):
            return c
    return None


def layer_of(mod: str) -> str:
    parts = mod.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_the_package_has_no_import_cycle():
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_planted_cycle():
    g = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(g) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_every_top_level_module_is_a_known_layer():
    names = {
        p.stem if p.is_file() else p.name
        for p in PKG.iterdir()
        if p.suffix == ".py" or (p / "__init__.py").exists()
    }
    assert names <= set(LAYERS) | TOP, sorted(names - set(LAYERS) - TOP)


@pytest.mark.parametrize("layer", LAYERS)
def test_a_package_imports_only_the_packages_below_it(layer):
    allowed = set(LAYERS[: LAYERS.index(layer) + 1]) | {"core"}
    bad = sorted(
        f"{m} imports {i}"
        for m, deps in graph().items()
        if layer_of(m) == layer
        for i in deps
        if layer_of(i) not in allowed
    )
    assert not bad, "\n".join(bad)
