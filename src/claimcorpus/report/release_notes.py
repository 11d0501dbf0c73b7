"""What ``claimcorpus build --version`` regenerates beside a new release: the CHANGELOG entry
and the datasheet's account of who annotated what.

Why at build time: both describe a release, and by hand they drift (a campaign adjudicated,
a release built, the datasheet still naming the old annotators). The CHANGELOG section is
``claimcorpus diff PREVIOUS NEW --markdown`` (release/diff.py), inserted above the newest
section once, never over a section that exists (those are edited by hand to say why). The
datasheet block, between ``<!-- BEGIN generated: annotators -->`` and its END mark, is
rewritten from the gold records (``annotator``), the adjudication logs (voters, adjudicator)
and the campaigns (annotations/campaigns/*.yaml); a datasheet without the block gets it
after the "Who was involved?" paragraph.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import yaml

from claimcorpus.annotate.adjudication_io import load_logs
from claimcorpus.core.io import atomic_write_bytes
from claimcorpus.core.layers import ANNOTATIONS_DIR, load_layer
from claimcorpus.release.diff import diff_releases, markdown

BEGIN = "<!-- BEGIN generated: annotators -->"
END = "<!-- END generated: annotators -->"
VERSION = re.compile(r"^\d+\.\d+\.\d+$")


def _key(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split("."))


def previous(releases: Path, version: str) -> Path | None:
    """The highest release below ``version`` in ``releases``, or None (a first release)."""
    older = (
        [
            p.name
            for p in releases.iterdir()
            if p.is_dir() and VERSION.match(p.name) and _key(p.name) < _key(version)
        ]
        if releases.is_dir()
        else []
    )
    return releases / max(older, key=_key) if older else None


def update_changelog(path: Path, releases: Path, version: str) -> bool:
    """Insert the diff section for ``version`` above the newest one; False if it is there."""
    if not path.exists():
        return False
    text = path.read_text(encoding="utf-8")
    if re.search(rf"^## \[{re.escape(version)}\]", text, re.M):
        return False
    section = markdown(diff_releases(previous(releases, version), releases / version))
    m = re.search(r"^## \[", text, re.M)
    at = m.start() if m else len(text)
    new = text[:at] + section + ("\n" if m else "") + text[at:]
    atomic_write_bytes(path, new.encode("utf-8"))
    return True


def _who(name: str) -> str:
    """A layer name as people read it: raw/campaign-x-alice/alice -> alice (campaign-x-alice)."""
    folder, _, person = name.rpartition("/")
    return f"{person} ({folder})" if folder else person


def annotators_block(root: str | Path) -> str:
    """Markdown: who made each gold record, by what route, and the campaigns behind them."""
    root = Path(root)
    gold = load_layer(root, "gold")
    logs = load_logs(root)
    rows = ["| document | gold made by | annotators (voters) | adjudicator |", "|---|---|---|---|"]
    routes: Counter[str] = Counter()
    for doc_id, rec in sorted(gold.items()):
        made = str(rec.get("annotator") or "unknown")
        log = logs.get(doc_id) if made.startswith("adjudication") else None
        voters = ", ".join(_who(v) for v in (log or {}).get("annotators") or []) or "-"
        judge = (log or {}).get("adjudicator")
        routes["adjudicated" if judge else "merged by vote" if log else "hand-made"] += 1
        rows.append(f"| `{doc_id}` | {made} | {voters} | {_who(judge) if judge else '-'} |")
    lines = [
        f"Gold for {len(gold)} documents: "
        + ", ".join(f"{n} {k}" for k, n in sorted(routes.items()))
        + ".",
        "",
        *rows,
    ]
    for path in sorted((root / ANNOTATIONS_DIR / "campaigns").glob("*.yaml")):
        c = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        lines += [
            "",
            f"Campaign `{c.get('name')}` (created {c.get('created')}): "
            f"{len(c.get('documents') or {})} documents, each to {c.get('overlap')} of "
            f"{', '.join(c.get('annotators') or {})}, pre-annotation {c.get('preannotate')}.",
        ]
    return "\n".join(lines)


def update_datasheet(path: Path, root: str | Path) -> bool:
    """Rewrite the annotators block (or add it); False when the file is absent or unchanged."""
    if not path.exists():
        return False
    text = path.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{annotators_block(root)}\n{END}"
    if BEGIN in text and END in text:
        new = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) :]
    else:
        m = re.search(r"^\*\*Who was involved\?\*\*.*?\n\n", text, re.M | re.S)
        at = m.end() if m else len(text)
        new = text[:at] + block + "\n\n" + text[at:]
    if new == text:
        return False
    atomic_write_bytes(path, new.encode("utf-8"))
    return True
