"""Rules for the suite itself. A test skips only for a missing test dependency, through
conftest.require (or a function that, like it, fails instead when ``CI`` is set): CI
installs every test dependency, so a skip there would hide a test that never ran. Temporary folders come from
pytest's ``tmp_path``, which pytest cleans up, never from ``tempfile`` (which leaks them)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, require

TESTS = REPO / "tests"
SKIPS = {"skip", "importorskip", "skipif", "xfail"}


def _test_files() -> list[Path]:
    return sorted(TESTS.glob("*.py"))


def _fails_under_ci(func: ast.FunctionDef) -> bool:
    """A function that skips only where it would fail under CI: it reads ``CI`` and calls
    ``pytest.fail`` (conftest.missing, ls_fixtures.require_venv, the browser fixture)."""
    names = {n.attr for n in ast.walk(func) if isinstance(n, ast.Attribute)}
    consts = {n.value for n in ast.walk(func) if isinstance(n, ast.Constant)}
    return "fail" in names and "CI" in consts


def _handled_by_missing(handler: ast.ExceptHandler) -> bool:
    """``except ImportError`` that hands over to conftest.missing (conftest.require)."""
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "missing"
        for n in ast.walk(handler)
    )


def _skips_and_import_guards(path: Path) -> list[str]:
    """Every pytest skip/xfail call or mark and every ``except ImportError`` in a file,
    except in a function that fails instead under CI."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed = {
        id(n)
        for f in ast.walk(tree)
        if isinstance(f, ast.FunctionDef) and _fails_under_ci(f)
        for n in ast.walk(f)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in SKIPS and id(node) not in allowed:
            found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            names = {n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)}
            if names & {"ImportError", "ModuleNotFoundError"} and not _handled_by_missing(node):
                found.append(f"{path.name}:{node.lineno}: except {ast.unparse(node.type)}")
    return found


def test_no_test_skips_except_where_ci_would_fail_instead():
    files = _test_files()
    assert len(files) > 20  # the scan really saw the suite
    assert [hit for p in files for hit in _skips_and_import_guards(p)] == []


def test_the_scan_sees_a_skip_and_an_import_guard(tmp_path: Path):
    """The scan above can fail: it finds both kinds of skip it forbids."""
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "import os\nimport pytest\n"
        "pytest.importorskip('x')\n"
        "try:\n    import y\nexcept ImportError:\n    pytest.skip('no y')\n"
        "def skips_in_ci_too():\n    pytest.skip('z')\n"
        "def fails_in_ci():\n"
        "    if os.environ.get('CI'):\n        pytest.fail('z')\n    pytest.skip('z')\n"
    )
    assert sorted(h.split(": ", 1)[1] for h in _skips_and_import_guards(sample)) == [
        "except ImportError",
        "pytest.importorskip",
        "pytest.skip",
        "pytest.skip",
    ]


def _temp_folders(path: Path) -> list[str]:
    """Every use of the ``tempfile`` module in a file (imports and calls)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        if "tempfile" in names:
            found.append(f"{path.name}:{node.lineno}: imports tempfile")
    return found


def test_tests_make_temporary_folders_only_through_tmp_path():
    files = _test_files()
    assert len(files) > 20
    assert [hit for p in files for hit in _temp_folders(p)] == []


def test_the_scan_sees_tempfile(tmp_path: Path):
    sample = tmp_path / "test_sample.py"
    sample.write_text("def f():\n    import tempfile\n\n    return tempfile.mkdtemp()\n")
    assert _temp_folders(sample) == ["test_sample.py:2: imports tempfile"]


def _pytest(target: str, hidden: str | None, tmp_path: Path, ci: bool):
    """Run pytest on ``target`` in a subprocess, with module ``hidden`` made unimportable
    (a package on the path whose import raises: the one fault that cannot be made real
    without uninstalling a shared dependency)."""
    shadow = tmp_path / "shadow"
    if hidden is not None:
        (shadow / hidden).mkdir(parents=True, exist_ok=True)
        (shadow / hidden / "__init__.py").write_text(
            f"raise ModuleNotFoundError('{hidden} hidden by test_skips', name='{hidden}')\n"
        )
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = os.pathsep.join([str(shadow), str(REPO / "src"), str(TESTS)])
    if ci:
        env["CI"] = "true"
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", target]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, env=env, timeout=300)


@pytest.mark.parametrize(
    ("target", "module"),
    [("tests/test_spark.py", "pyspark"), ("tests/test_evaluate_nervaluate.py", "nervaluate")],
)
def test_a_missing_test_dependency_skips_locally_and_fails_under_ci(target, module, tmp_path):
    local = _pytest(target, module, tmp_path, ci=False)
    assert local.returncode in (0, 5), local.stdout + local.stderr  # 5: the module skipped
    assert "skipped" in local.stdout and f"{module} hidden by test_skips" in local.stdout
    ci = _pytest(target, module, tmp_path, ci=True)
    assert ci.returncode not in (0, 5), ci.stdout + ci.stderr
    assert "CI is set: a missing test dependency fails" in ci.stdout
    assert "skipped" not in ci.stdout


def test_a_missing_system_program_fails_under_ci(tmp_path: Path):
    """``require_file`` (Debian's Chromium for the viewer) follows the same rule."""
    sample = tmp_path / "test_needs_program.py"
    sample.write_text(
        "from pathlib import Path\n"
        "from conftest import require_file\n\n"
        "def test_it():\n"
        f"    require_file(Path({str(tmp_path / 'no-such-browser')!r}), 'a browser', 'apt')\n"
    )
    local = _pytest(str(sample), None, tmp_path, ci=False)
    assert local.returncode == 0 and "1 skipped" in local.stdout, local.stdout
    ci = _pytest(str(sample), None, tmp_path, ci=True)
    assert ci.returncode == 1 and "1 failed" in ci.stdout, ci.stdout
    assert "a browser at" in ci.stdout and "no-such-browser" in ci.stdout


def test_the_package_own_modules_are_never_a_reason_to_skip():
    with pytest.raises(ValueError, match="never skipped"):
        require("claimcorpus.baseline.rules")
