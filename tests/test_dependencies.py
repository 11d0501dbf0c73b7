"""Only what is used: declared dependencies match the imports, and no module-level name is dead.

The installed environment says which distribution provides which module
(``importlib.metadata.packages_distributions``), so these checks read the real imports of
``src/`` against the real ``pyproject.toml``; nothing is listed by hand but the exceptions.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections import Counter
from importlib.metadata import distribution, packages_distributions
from pathlib import Path

from conftest import REPO

SRC = REPO / "src" / "claimcorpus"
# The datasketch reference for story grouping: run by tests and scripts/bench_scale.py only.
TEST_ONLY_MODULES = {SRC / "stories.py"}
# Removed by another point of issue 12 on its own branch (evaluate/overlap.py); drop this
# entry once that branch is merged.


def _dist(name: str) -> str:
    """A requirement's distribution name, normalized as PEP 503 does."""
    bare = re.split(r"[<>=!~;\[ ]", name, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", bare).lower()


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _third_party_imports(path: Path) -> set[str]:
    """Dotted names of every non-stdlib, non-relative import in a file (at any depth)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names = [node.module]
        else:
            continue
        for n in names:
            top = n.split(".")[0]
            if top not in sys.stdlib_module_names and top not in ("claimcorpus", "__future__"):
                out.add(n)
    return out


def _dist_of(module: str, provided: dict[str, list[str]]) -> str:
    """The distribution that installs ``module`` (a namespace package such as ``pyannote``
    is shared by several: the one holding the imported sub-package wins)."""
    parts = module.split(".")
    candidates = provided.get(parts[0], [])
    assert candidates, f"{module} is imported but no installed distribution provides it"
    if len(candidates) > 1 and len(parts) > 1:
        sub = "/".join(parts[:2]) + "/"
        candidates = [
            d for d in candidates if any(str(f).startswith(sub) for f in distribution(d).files)
        ]
    assert len(candidates) == 1, (module, candidates)
    return _dist(candidates[0])


def _dists_of(modules: set[str]) -> set[str]:
    provided = packages_distributions()
    return {_dist_of(m, provided) for m in modules}


def test_runtime_dependencies_are_exactly_what_the_runtime_code_imports():
    project = _pyproject()["project"]
    runtime = {_dist(d) for d in project["dependencies"]}
    # an optional feature's extra (agreement, spark, docs) may serve src/; the test extras may not
    optional = project["optional-dependencies"]
    extras = {_dist(d) for name, group in optional.items() if name != "test" for d in group}
    runtime_files = sorted(set(SRC.rglob("*.py")) - TEST_ONLY_MODULES)
    imported = _dists_of(set().union(*map(_third_party_imports, runtime_files)))
    unused = sorted(runtime - imported)
    assert not unused, f"declared in [project] dependencies but never imported: {unused}"
    undeclared = sorted(imported - runtime - extras)
    assert not undeclared, f"imported by src/ but not a runtime or feature dependency: {undeclared}"


def test_test_only_modules_need_only_the_test_extras():
    project = _pyproject()["project"]
    runtime = {_dist(d) for d in project["dependencies"]}
    test = {_dist(d) for d in project["optional-dependencies"]["test"]}
    for path in TEST_ONLY_MODULES:
        needs = _dists_of(_third_party_imports(path))
        assert needs - runtime <= test, (path.name, sorted(needs - runtime - test))


def _module_level_names(tree: ast.Module) -> list[str]:
    names = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return [n for n in names if not n.startswith("__")]


def _without_all(text: str) -> str:
    """The source minus its ``__all__`` list: being exported is not being used."""
    tree = ast.parse(text)
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return text.replace(ast.get_source_segment(text, node) or "", "")
    return text


def test_every_module_level_name_in_src_is_used_somewhere():
    """A name only its own definition mentions (in src/, tests/ or scripts/) is dead code."""
    files = [p for d in ("src", "tests", "scripts") for p in sorted((REPO / d).rglob("*.py"))]
    texts = {p: _without_all(p.read_text(encoding="utf-8")) for p in files}
    words = Counter(w for t in texts.values() for w in re.findall(r"\w+", t))
    dead = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        for name in _module_level_names(ast.parse(texts[path])):
            if words[name] <= 1:
                dead.append(f"{rel}: {name}")
    assert dead == []
