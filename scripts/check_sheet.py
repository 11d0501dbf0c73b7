"""Check an authoring sheet against a text file: every quote placed once, ids resolve.

Usage: python scripts/check_sheet.py SHEET.yaml ARTICLE.txt
Prints counts, or every problem found; exit 1 on problems.
"""

import sys
from collections import Counter
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from claimcorpus.annotate.anchor import AnchorError, anchor_sheet

sheet = yaml.safe_load(Path(sys.argv[1]).read_text(encoding="utf-8"))
text = Path(sys.argv[2]).read_text(encoding="utf-8")
try:
    rec = anchor_sheet(sheet, text, where=sys.argv[1])
except AnchorError as exc:
    print(exc)
    sys.exit(1)
ids = Counter(s["id"] for s in rec["spans"])
problems = [f"duplicate span id {k}" for k, n in ids.items() if n > 1]
by_id = {s["id"]: s for s in rec["spans"]}
for a in rec["attributions"]:
    for role, want in (("claim", "CLAIM"), ("source", "SOURCE"), ("cue", "CUE")):
        ref = a[role]
        if ref is None:
            continue
        if ref not in by_id:
            problems.append(f"attribution {a['id']}: {role} {ref!r} is not a span id")
        elif by_id[ref]["label"] != want:
            problems.append(f"attribution {a['id']}: {role} {ref!r} is a {by_id[ref]['label']}")
for s in rec["spans"]:
    if s["antecedent"] and s["antecedent"] not in by_id:
        problems.append(f"span {s['id']}: antecedent {s['antecedent']!r} missing")
if "\n" in "".join(s["text"] for s in rec["spans"]):
    problems.append("a span crosses a line break")
for p in problems:
    print(p)
print(Counter(s["label"] for s in rec["spans"]), len(rec["attributions"]), "attributions")
print(Counter(a["stance"] for a in rec["attributions"]))
sys.exit(1 if problems else 0)
