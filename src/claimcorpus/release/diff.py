"""``claimcorpus diff A B``: what changed between two release folders, for humans and CHANGELOG.md.

Reads the Parquet files with pyarrow (not ``load_dataset``, whose cache can serve stale rows
for a rewritten version) and the ClassLabel names from each file's own schema metadata, so
labels are compared by name even when a scheme change shifted their ids. Documents are
matched by ``doc_id``, spans and attributions by ``doc_id`` + their id; a text change is a
changed ``text_sha256``. ``A`` may be ``none`` to describe a first release from scratch.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from claimcorpus.core.problems import InputError
from claimcorpus.core.scheme import CONFIGS
from claimcorpus.release.splits import STANDARD

NONE = "none"
_DOC_COLS = ("doc_id", "text_sha256", "annotated", "spans", "attributions")


def _features(folder: Path, config: str) -> Any:
    from datasets import Features

    files = sorted((folder / "data" / config).glob("*.parquet"))
    return Features.from_arrow_schema(pq.read_schema(files[0])) if files else None


def _names(rec: dict[str, Any], struct: dict[str, Any]) -> dict[str, Any]:
    from datasets import ClassLabel

    return {
        k: struct[k].int2str(v) if isinstance(struct.get(k), ClassLabel) and v is not None else v
        for k, v in rec.items()
    }


def load_release(folder: Path | None) -> dict[str, Any]:
    """The parts of a release a diff needs; ``None`` is the empty release."""
    out: dict[str, Any] = {"docs": {}, "features": {}, "splits": {}, "summary": {}, "path": None}
    if folder is None:
        return out
    if not (folder / "data" / "documents").is_dir():
        raise InputError(f"{folder}: not a release folder (no data/documents/)")
    out["path"] = str(folder)
    out["features"] = {c: _features(folder, c) for c in CONFIGS}
    for name, key in (("splits.json", "splits"), ("build_summary.json", "summary")):
        if (folder / name).exists():
            out[key] = json.loads((folder / name).read_text(encoding="utf-8"))
    feats = out["features"]["documents"]
    for split in STANDARD:
        for f in sorted((folder / "data" / "documents").glob(f"{split}-*.parquet")):
            cols = [c for c in _DOC_COLS if c in pq.read_schema(f).names]
            for row in pq.read_table(f, columns=cols).to_pylist():
                out["docs"][row["doc_id"]] = {
                    "split": split,
                    "text_sha256": row.get("text_sha256"),
                    "annotated": row.get("annotated"),
                    **{
                        kind: {r["id"]: _names(r, feats[kind].feature) for r in row.get(kind) or []}
                        for kind in ("spans", "attributions")
                    },
                }
    return out


def _records(a: dict, b: dict, kind: str, shared: list[str]) -> dict[str, list]:
    added, removed, changed = [], [], []
    for d in shared:
        ra, rb = a[d][kind], b[d][kind]
        removed += [{"doc_id": d, **ra[i]} for i in sorted(set(ra) - set(rb))]
        added += [{"doc_id": d, **rb[i]} for i in sorted(set(rb) - set(ra))]
        for i in sorted(set(ra) & set(rb)):
            fields = {
                k: [ra[i].get(k), rb[i].get(k)]
                for k in sorted(set(ra[i]) | set(rb[i]))
                if ra[i].get(k) != rb[i].get(k)
            }
            if fields:
                changed.append({"doc_id": d, "id": i, "fields": fields})
    return {"added": added, "removed": removed, "changed": changed}


def _flat(feats: Any, prefix: str = "") -> dict[str, Any]:
    from datasets import List

    out: dict[str, Any] = {}
    for k, v in (feats or {}).items():
        inner = v.feature if isinstance(v, List) else v
        path = prefix + k + ("[]" if isinstance(v, List) else "")
        out.update(_flat(inner, path + ".") if isinstance(inner, dict) else {path: inner})
    return out


def _scheme(a: dict, b: dict) -> dict[str, Any]:
    from datasets import ClassLabel

    out: dict[str, Any] = {
        "version": [a["summary"].get("scheme_version"), b["summary"].get("scheme_version")]
    }
    for config in CONFIGS:
        fa, fb = _flat(a["features"].get(config)), _flat(b["features"].get(config))
        c: dict[str, Any] = {
            "columns_added": sorted(set(fb) - set(fa)),
            "columns_removed": sorted(set(fa) - set(fb)),
            "labels": {},
            "type_changed": [],
        }
        for k in sorted(set(fa) & set(fb)):
            x, y = fa[k], fb[k]
            if isinstance(x, ClassLabel) and isinstance(y, ClassLabel):
                if x.names != y.names:
                    c["labels"][k] = {
                        "added": [n for n in y.names if n not in x.names],
                        "removed": [n for n in x.names if n not in y.names],
                        "ids_changed": [
                            n for n in x.names if n in y.names and x.str2int(n) != y.str2int(n)
                        ],
                    }
            elif repr(x) != repr(y):
                c["type_changed"].append({"column": k, "from": repr(x), "to": repr(y)})
        out[config] = c
    return out


def _views(v: dict[str, list[str]]) -> set[str]:
    return {x for names in v.values() for x in names}


def _splits(a: dict, b: dict, shared: list[str]) -> dict[str, Any]:
    va, vb = (_views(r["splits"].get("views", {})) for r in (a, b))
    return {
        "moved": [
            {"doc_id": d, "from": a["docs"][d]["split"], "to": b["docs"][d]["split"]}
            for d in shared
            if a["docs"][d]["split"] != b["docs"][d]["split"]
        ],
        "views_added": sorted(vb - va),
        "views_removed": sorted(va - vb),
        "method_changed": bool(a["splits"])
        and a["splits"].get("method") != b["splits"].get("method"),
    }


def _counts(r: dict) -> dict[str, int]:
    docs = r["docs"].values()
    n = {k: sum(len(d[k]) for d in docs) for k in ("spans", "attributions")}
    return {"documents": len(docs), "annotated": sum(bool(d["annotated"]) for d in docs), **n}


def _brief(docs: dict[str, Any], d: str) -> dict[str, Any]:
    n = {k: len(docs[d][k]) for k in ("spans", "attributions")}
    return {"doc_id": d, "split": docs[d]["split"], **n}


def diff_releases(a: Path | None, b: Path) -> dict[str, Any]:
    """Everything that differs from release ``a`` (``None``: nothing) to release ``b``."""
    ra, rb = load_release(a), load_release(b)
    da, db = ra["docs"], rb["docs"]
    shared = sorted(set(da) & set(db))
    return {
        "a": {"path": ra["path"], "version": ra["summary"].get("version"), "counts": _counts(ra)},
        "b": {"path": rb["path"], "version": rb["summary"].get("version"), "counts": _counts(rb)},
        "documents": {
            "added": [_brief(db, d) for d in sorted(set(db) - set(da))],
            "removed": [_brief(da, d) for d in sorted(set(da) - set(db))],
            "text_changed": [d for d in shared if da[d]["text_sha256"] != db[d]["text_sha256"]],
            "newly_annotated": [d for d in shared if db[d]["annotated"] and not da[d]["annotated"]],
            "no_longer_annotated": [
                d for d in shared if da[d]["annotated"] and not db[d]["annotated"]
            ],
        },
        "spans": _records(da, db, "spans", shared),
        "attributions": _records(da, db, "attributions", shared),
        "scheme": _scheme(ra, rb),
        "splits": _splits(ra, rb, shared),
    }


def _clip(items: list[str], n: int = 20) -> list[str]:
    return items[:n] + ([f"… and {len(items) - n} more"] if len(items) > n else [])


def _record(kind: str, r: dict[str, Any]) -> str:
    what = f"{r['label']} [{r['start']}, {r['end']})" if "label" in r else r.get("stance")
    return f"{kind} `{r['id']}` in `{r['doc_id']}` ({what})"


def _lines(d: dict[str, Any]) -> dict[str, list[str]]:
    """Changelog bullets by Keep-a-Changelog heading."""
    add: list[str] = []
    rm: list[str] = []
    ch: list[str] = []
    docs, s, sp, later = d["documents"], d["scheme"], d["splits"], bool(d["a"]["path"])
    add += [f"document `{x['doc_id']}` ({x['split']}; {x['spans']} spans)" for x in docs["added"]]
    rm += [f"document `{x['doc_id']}` (was {x['split']})" for x in docs["removed"]]
    ch += [f"text of `{x}` (new text_sha256)" for x in docs["text_changed"]]
    add += [f"annotations for `{x}`" for x in docs["newly_annotated"]]
    rm += [f"annotations of `{x}`" for x in docs["no_longer_annotated"]]
    for kind in ("spans", "attributions"):
        one, r = kind[:-1], d[kind]
        add += _clip([_record(one, x) for x in r["added"]])
        rm += _clip([_record(one, x) for x in r["removed"]])
        ch += _clip([f"{one} `{c['id']}` in `{c['doc_id']}`: {_fields(c)}" for c in r["changed"]])
    if not later:
        add.append(f"annotation scheme {s['version'][1]}")
    elif s["version"][0] != s["version"][1]:
        ch.append(f"annotation scheme {s['version'][0]} → {s['version'][1]}")
    for config in CONFIGS:
        c = s[config]
        add += [f"column `{config}.{k}`" for k in c["columns_added"] if later]
        rm += [f"column `{config}.{k}`" for k in c["columns_removed"]]
        ch += [
            f"type of `{config}.{t['column']}`: {t['from']} → {t['to']}" for t in c["type_changed"]
        ]
        for k, lab in c["labels"].items():
            add += [f"label `{n}` in `{config}.{k}`" for n in lab["added"]]
            rm += [f"label `{n}` from `{config}.{k}`" for n in lab["removed"]]
            ch += [f"ClassLabel ids of `{config}.{k}`: {', '.join(lab['ids_changed'])}"] * bool(
                lab["ids_changed"]
            )
    ch += [f"`{m['doc_id']}` moved from {m['from']} to {m['to']}" for m in sp["moved"]]
    add += [f"split view `{v}`" for v in sp["views_added"] if later]
    rm += [f"split view `{v}`" for v in sp["views_removed"]]
    ch += ["split method (see splits.json `method`)"] * sp["method_changed"]
    return {"Added": add, "Removed": rm, "Changed": ch}


def _fields(c: dict[str, Any]) -> str:
    return "; ".join(f"{k} {v[0]} → {v[1]}" for k, v in c["fields"].items())


def counts_line(d: dict[str, Any]) -> str:
    a, b = d["a"]["counts"], d["b"]["counts"]
    return ", ".join(f"{k} {a[k]} → {b[k]}" if d["a"]["path"] else f"{k} {b[k]}" for k in b)


def markdown(d: dict[str, Any]) -> str:
    """A CHANGELOG.md section (Keep a Changelog) for release B."""
    parts = [f"## [{d['b']['version'] or 'Unreleased'}]", "", f"Counts: {counts_line(d)}."]
    for head, items in _lines(d).items():
        if items:
            parts += ["", f"### {head}", "", *[f"- {i}" for i in items]]
    return "\n".join(parts) + "\n"


def report(d: dict[str, Any]) -> str:
    """Plain-text report for the terminal."""
    head = f"claimcorpus diff {d['a']['version'] or NONE} → {d['b']['version']}"
    body = [f"  {h.lower()}: {i}" for h, items in _lines(d).items() for i in items]
    return "\n".join([head, f"  counts: {counts_line(d)}", *(body or ["  no differences"])]) + "\n"


def _resolve(arg: str, base: Path) -> Path | None:
    if arg == NONE:
        return None
    p = Path(arg)
    folder = p if p.is_dir() and (p / "data").is_dir() else base / arg
    if not folder.is_dir():
        raise InputError(f"{arg}: no release folder {folder}")
    return folder


def diff_command(args: argparse.Namespace) -> int:
    base = Path(args.releases_dir) if args.releases_dir else Path(args.root) / "releases"
    try:
        d = diff_releases(_resolve(args.a, base), _resolve(args.b, base))
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(d, ensure_ascii=False, indent=2))
    else:
        print(markdown(d) if args.markdown else report(d), end="")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "diff",
        help="compare two releases (documents, spans, attributions, scheme, splits)",
        description="Compare release VERSION_A with VERSION_B (versions under --releases-dir, or "
        f"folders). VERSION_A may be `{NONE}` to describe a first release.",
    )
    p.add_argument("a", metavar="VERSION_A")
    p.add_argument("b", metavar="VERSION_B")
    p.add_argument("--releases-dir", help="where releases are (default: releases/)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--markdown", action="store_true", help="print a CHANGELOG.md section")
    out.add_argument("--json", action="store_true", help="print the full diff as JSON")
    p.set_defaults(func=diff_command)
