"""SHA256SUMS of a release folder: written last, read by every check."""

from __future__ import annotations

from pathlib import Path

from claimcorpus.core.io import sha256_file


def write_checksums(folder: Path) -> None:
    lines = [
        f"{sha256_file(p)}  {p.relative_to(folder).as_posix()}"
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "SHA256SUMS"
    ]
    (folder / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_checksums(folder: Path) -> dict[str, str]:
    out = {}
    for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        out[name] = digest
    return out
