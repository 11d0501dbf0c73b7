"""``claimcorpus init DIR [--scheme FILE]``: a new, empty corpus root.

A root is the folder every command works on (``--root DIR``, or run from inside it):
``corpus/``, ``annotations/`` (gold, the guidelines template), ``schema/`` (the scheme and
its derived JSON Schema), ``releases/`` and a README stub. The default scheme and the
guidelines template ship inside the package (``claimcorpus/corpora/data/``), so ``init``
works from a plain ``pip install`` with no checkout. The root is assembled in a temporary
folder beside DIR and renamed into place: a refused scheme leaves nothing behind.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from importlib import metadata, resources
from pathlib import Path

from claimcorpus.core.io import atomic_write_bytes
from claimcorpus.core.problems import InputError
from claimcorpus.core.scheme import (
    JSON_SCHEMA_PATH,
    SCHEME_PATH,
    Scheme,
    annotation_json_schema,
    load_scheme_file,
)

DATA = resources.files("claimcorpus.corpora") / "data"
FOLDERS = ("corpus", "annotations/gold", "releases")
# schemes shipped with the package, by the name `init --scheme` accepts
SCHEMES = {"default": "scheme.yaml", "polnear": "polnear-scheme.yaml"}


def package_file(name: str) -> bytes:
    """A file shipped in the package's data folder (default scheme, templates)."""
    return (DATA / name).read_bytes()


def _version() -> str:
    try:
        return metadata.version("claimcorpus")
    except metadata.PackageNotFoundError:
        return "unknown"


def write_scheme(root: Path, scheme: bytes) -> Scheme:
    """Write a root's scheme and its derived JSON Schema (as `schema --write` does); the
    scheme is checked first and nothing is written when it is refused."""
    tmp = Path(tempfile.mkdtemp(prefix=".scheme.", dir=root))
    try:
        atomic_write_bytes(tmp / SCHEME_PATH, scheme)
        loaded = load_scheme_file(tmp / SCHEME_PATH)
    finally:
        shutil.rmtree(tmp)
    atomic_write_bytes(root / SCHEME_PATH, scheme)
    text = json.dumps(annotation_json_schema(loaded), indent=2, ensure_ascii=False) + "\n"
    atomic_write_bytes(root / JSON_SCHEMA_PATH, text.encode("utf-8"))
    return loaded


def init_root(target: Path, scheme: bytes | None = None) -> Path:
    """Create the corpus root ``target`` (absent or empty) with ``scheme`` (default: ours)."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError(f"{target}: exists and is not an empty folder; init needs a new one")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for folder in FOLDERS:
            (tmp / folder).mkdir(parents=True)
        try:
            loaded = write_scheme(tmp, scheme or package_file("scheme.yaml"))
        except InputError as exc:
            where = str(tmp / SCHEME_PATH)
            raise InputError(f"--scheme: {str(exc).replace(where, 'the scheme')}") from None
        atomic_write_bytes(tmp / "annotations" / "GUIDELINES.md", package_file("GUIDELINES.md"))
        readme = package_file("README-root.md").decode("utf-8")
        readme = readme.replace("{name}", loaded.name).replace("{package_version}", _version())
        atomic_write_bytes(tmp / "README.md", readme.encode("utf-8"))
        if target.exists():
            target.rmdir()
        tmp.rename(target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return target


def _run(args: argparse.Namespace) -> int:
    try:
        name = SCHEMES.get(args.scheme or "default")
        scheme = package_file(name) if name else Path(args.scheme).read_bytes()
        root = init_root(Path(args.dir), scheme)
    except (InputError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"initialized corpus root {root}")
    print(f"  next: claimcorpus --root {root} ingest ARTICLES/   (or: import brat DIR --map ...)")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "init",
        help="create a new, empty corpus root",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("dir", help="the new root (absent or an empty folder)")
    p.add_argument(
        "--scheme",
        help=f"a scheme YAML file, or one shipped with the package: {', '.join(SCHEMES)} "
        "(default: default)",
    )
    p.set_defaults(func=_run)
