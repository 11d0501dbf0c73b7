"""Normalization: boilerplate kept as exclusions, sentence splits, and exact offset maps."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import SEEDS, run_cli, tree_digest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimcorpus import cli
from claimcorpus.normalize.segment import sentences
from claimcorpus.normalize.text import fold, normalize_bytes


def _seed(prefix: str) -> bytes:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_bytes()


def test_seed_boilerplate_lines_become_exclusions_with_rule_ids():
    rules = {
        p: {e["rule"] for e in normalize_bytes(_seed(p)).exclusions}
        for p in ("000", "001", "002", "003", "004")
    }
    assert rules["000"] == {"contact-line"}
    assert rules["001"] == {"language-switcher", "repeated-headline"}
    assert rules["002"] == {"donation-plea"}
    assert {"breadcrumb", "related-teaser", "comment-prompt", "cookie-banner"} <= rules["003"]
    assert {"subscribe-prompt", "source-link", "comment-prompt"} <= rules["004"]


def test_no_boilerplate_text_survives_in_normalized_seeds():
    for p in ("000", "001", "002", "003", "004"):
        text = normalize_bytes(_seed(p)).text
        for junk in (
            "Leave a",
            "cookies",
            "Source link",
            "Dear readers",
            "See also",
            "ua en ru",
            "LiveNews@",
        ):
            assert junk not in text, (p, junk)


def test_every_removed_line_is_recorded_verbatim():
    raw = _seed("002")
    n = normalize_bytes(raw)
    assert len(n.exclusions) == 8
    for e in n.exclusions:
        assert raw[e["raw_start"] : e["raw_end"]].decode() == e["text"]


def test_us_and_dr_do_not_end_a_sentence():
    text = (
        "Dr. Smith met U.S. officials in Washington. They said China helped. U.K. sources agreed."
    )
    got = [text[a:b] for a, b in sentences(text)]
    assert got == [
        "Dr. Smith met U.S. officials in Washington.",
        "They said China helped.",
        "U.K. sources agreed.",
    ]


def test_seed_sentences_never_split_inside_us():
    n = normalize_bytes(_seed("000"))
    for a, b in n.sentences:
        assert not n.text[a:b].endswith("U.S."), n.text[a:b]
    assert any(
        "originate in the U.S. or from its Western allies." in n.text[a:b] for a, b in n.sentences
    )


def test_whitespace_controls_and_nbsp_are_folded_and_typographic_quotes_kept():
    raw = "Title words here now\r\n\r\n\u201cA\u00a0 quote\u200b\u201d\tsaid  him.\x07\r\n".encode()
    n = normalize_bytes(raw)
    assert n.text == "Title words here now\n\n\u201cA quote\u201d said him."
    assert any("CRLF" in x for x in n.notices)


def test_bom_is_dropped_and_reported():
    n = normalize_bytes("\ufeffOfficials said so today.".encode())
    assert n.text == "Officials said so today."
    assert any("byte-order mark" in x for x in n.notices)


def test_nfc_is_applied_and_mapped():
    raw = "Havre\u0301n said it.".encode()
    n = normalize_bytes(raw)
    assert n.text == unicodedata.normalize("NFC", "Havre\u0301n said it.")
    s, e = n.text.index("Havrén"), n.text.index("Havrén") + len("Havrén")
    rs, re_ = n.raw_span(s, e)
    assert raw[rs:re_].decode() == "Havre\u0301n"


_piece = st.sampled_from(
    [
        "China",
        "said",
        "U.S.",
        "\u201cquote\u201d",
        "é",
        "e\u0301",
        " ",
        "  ",
        "\t",
        "\u00a0",
        "\u200b",
        "\x07",
        "\n",
        "\r\n",
        "\n\n",
        "Leave a Comment\n",
        "Source link\n",
        "Лиу",
        "🙂",
        ".",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_piece, min_size=1, max_size=60), st.data())
def test_any_normalized_span_maps_back_to_its_exact_raw_bytes(pieces, data):
    # a first paragraph no rule removes, so the page always keeps text (a page that is all
    # boilerplate is refused: "Officials said   China     China" alone reads as spaced menu items)
    raw = (
        "Officials said on Monday that the talks would go on.\n"
        + "Officials said "
        + "".join(pieces)
    ).encode()
    n = normalize_bytes(raw)
    for a, z in n.paragraphs:
        start = data.draw(st.integers(a, z - 1))
        end = data.draw(st.integers(start + 1, z))
        rs, re_ = n.raw_span(start, end)
        assert fold(raw[rs:re_].decode()) == n.text[start:end]
        # copy characters map one to one: the raw bytes of a single copied char are that char
        k = n.raw_span(start, start + 1)
        chunk = raw[k[0] : k[1]].decode()
        assert (
            fold(chunk) in (n.text[start], " ", "")
            or unicodedata.normalize("NFC", chunk) == n.text[start]
        )


# ----------------------------------------------------------------------------- `normalize`
DOC_003 = "003_d71ccc6e1581c31b"  # its first line is a breadcrumb ("Home » ...")
DOC_000 = "000_e24865ecb7649ad0"
# both breadcrumb rules off: the vocabulary's and the trail that ends in the headline
KEEP_BREADCRUMBS = "b.RULES = tuple(r for r in b.RULES if r.id != 'breadcrumb'); b.TRAIL_WORDS = 0"


def normalize_with(rules: str, *args: str, root: Path) -> subprocess.CompletedProcess:
    """`claimcorpus normalize` run by a normalizer whose boilerplate rules were changed by the
    Python statement ``rules`` (``b`` is claimcorpus.normalize.boilerplate), as a code change would."""
    driver = (
        "import re, sys\n"
        "from claimcorpus.normalize import boilerplate as b\n"
        f"{rules}\n"
        "from claimcorpus.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    cmd = [sys.executable, "-c", driver, "--root", str(root), "normalize", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600)


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _with_raw_layer(root: Path, doc_id: str) -> Path:
    """A raw annotator layer holding a copy of the document's gold (every layer moves)."""
    path = root / "annotations/raw/alice" / f"{doc_id}.json"
    path.parent.mkdir(parents=True)
    shutil.copy(root / "annotations/gold" / f"{doc_id}.json", path)
    return path


def test_normalize_after_a_rule_change_re_anchors_every_layer_and_validates(project: Path):
    raw_layer = _with_raw_layer(project, DOC_003)
    old_text = _json(project / f"corpus/docs/{DOC_003}.json")["normalized"]["text"]
    old_gold = _json(project / f"annotations/gold/{DOC_003}.json")
    others = {p.name: p.read_bytes() for p in (project / "annotations/gold").glob("*.json")}
    r = normalize_with(KEEP_BREADCRUMBS, root=project)
    assert r.returncode == 0, r.stderr
    assert f"changed   {DOC_003}" in r.stdout and "re-normalized 1 of 5 documents" in r.stdout
    new = _json(project / f"corpus/docs/{DOC_003}.json")["normalized"]
    assert new["text"].startswith("Home »") and new["text"].endswith(old_text)
    shift = len(new["text"]) - len(old_text)
    assert shift > 0
    for layer in (project / f"annotations/gold/{DOC_003}.json", raw_layer):
        moved = _json(layer)
        assert moved["text_sha256"] == new["text_sha256"]
        assert len(moved["spans"]) == len(old_gold["spans"])
        for a, b in zip(old_gold["spans"], moved["spans"], strict=True):
            assert (b["id"], b["start"], b["end"]) == (
                a["id"],
                a["start"] + shift,
                a["end"] + shift,
            )
            assert new["text"][b["start"] : b["end"]] == a["text"]
        assert moved["attributions"] == old_gold["attributions"]
    assert "breadcrumb" not in {
        e["rule"] for e in _json(project / f"corpus/docs/{DOC_003}.json")["exclusions"]
    }
    for name, data in others.items():
        if name != f"{DOC_003}.json":
            assert (project / "annotations/gold" / name).read_bytes() == data, name
    v = run_cli("validate", root=project)
    assert v.returncode == 0, v.stdout + v.stderr
    assert "0 errors" in v.stderr


def test_normalize_check_reports_the_change_and_writes_nothing(project: Path):
    before = tree_digest(project)
    r = normalize_with(KEEP_BREADCRUMBS, "--check", root=project)
    assert r.returncode == 0, r.stderr
    assert f"changed   {DOC_003}" in r.stdout
    assert tree_digest(project) == before


def test_normalize_that_cannot_re_anchor_one_document_writes_nothing_at_all(project: Path):
    """A rule that removes an annotated paragraph of 000 while 003 could move: neither moves."""
    _with_raw_layer(project, DOC_003)
    norm = _json(project / f"corpus/docs/{DOC_000}.json")["normalized"]
    gold = _json(project / f"annotations/gold/{DOC_000}.json")
    para = norm["paragraphs"][1]
    lost = [s for s in gold["spans"] if para["start"] <= s["start"] < para["end"]]
    assert lost, "the paragraph the new rule removes must hold gold spans"
    words = norm["text"][para["start"] : para["end"]].split()[:5]
    pattern = r"\s+".join(map(re.escape, words))
    new_rule = f"b.RULES += (b.Rule('test-rule', 'added by a test', re.compile({pattern!r})),)"
    before = tree_digest(project)
    r = normalize_with(f"{KEEP_BREADCRUMBS}; {new_rule}", root=project)
    assert r.returncode == 1
    assert tree_digest(project) == before
    for s in lost:
        assert f"{DOC_000} gold: span {s['id']} {s['text']!r}" in r.stderr
    assert "nothing was written" in r.stderr


def test_normalize_refuses_a_layer_record_made_on_another_text(project: Path):
    raw_layer = _with_raw_layer(project, DOC_003)
    rec = _json(raw_layer)
    rec["text_sha256"] = "0" * 64
    raw_layer.write_text(json.dumps(rec), encoding="utf-8")
    before = tree_digest(project)
    r = normalize_with(KEEP_BREADCRUMBS, root=project)
    assert r.returncode == 1
    assert tree_digest(project) == before
    assert f"{DOC_003} raw/alice: record was made on another text" in r.stderr


def test_a_stale_record_points_to_commands_that_exist(project: Path, capsys):
    path = project / f"annotations/gold/{DOC_000}.json"
    rec = _json(path)
    rec["text_sha256"] = "0" * 64
    path.write_text(json.dumps(rec), encoding="utf-8")
    r = run_cli("validate", root=project)
    assert r.returncode == 1
    line = next(x for x in r.stdout.splitlines() if "annotation-text-changed" in x)
    quoted = re.findall(r"`claimcorpus ([^`]+)`", line)
    assert quoted, line
    for command in quoted:
        words = command.split()
        with pytest.raises(SystemExit) as exit_:  # the help of the deepest subcommand named
            cli.main([*words, "--help"])
        assert exit_.value.code == 0, command
        usage = capsys.readouterr().out
        assert usage.startswith(f"usage: claimcorpus {' '.join(w for w in words if w[0] != '-')}")
        for option in (w for w in words if w.startswith("--")):
            assert re.search(rf"(?<![\w-]){re.escape(option)}\b", usage), command
