"""``scripts/eval_boilerplate.py``: recall, body loss and titles on labelled pages (here a
small invented set written into tmp_path), and a clear error on a malformed row."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from conftest import REPO

PAGE = """### gazette | https://harbourgazette.example/a
B	Skip to main content
B	Menu
T	Harbour board rejects claims over dredging contract
K	The harbour board on Tuesday rejected claims that it had handed a dredging contract to a friend.
K	"Every bid was opened in public," said Mara Vell, who chairs the board.
B	Share this article
?	Ports
### ledger
K	Officials met on Monday to discuss the new export rules for machine tools.
K	Officials met on Monday to discuss the new export rules for machine tools.
B	Comments are closed.
"""


def _script():
    spec = importlib.util.spec_from_file_location("eval_bp", REPO / "scripts/eval_boilerplate.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # its dataclasses look their module up while being made
    spec.loader.exec_module(mod)
    return mod


def test_counts_every_labelled_line_against_the_exclusions(tmp_path: Path, capsys):
    (tmp_path / "set").mkdir()
    (tmp_path / "set" / "pages.txt").write_text(PAGE, encoding="utf-8")
    assert _script().main(["--json", str(tmp_path / "set")]) == 0
    total = json.loads(capsys.readouterr().out)["total"]
    # 4 boilerplate lines, all removed; of 5 article lines the repeated sentence is lost
    assert total == {
        "pages": 2,
        "boilerplate_lines": 4,
        "boilerplate_removed": 4,
        "recall": 1.0,
        "article_lines": 5,
        "article_lines_removed": 1,
        "titles": 1,
        "titles_right": 1,
    }


def test_lists_misses_and_refuses_a_row_without_a_label(tmp_path: Path, capsys):
    good = tmp_path / "good.txt"
    good.write_text(PAGE, encoding="utf-8")
    assert _script().main(["-v", str(good)]) == 0
    out = capsys.readouterr().out
    assert "ledger: LOST [duplicate-line] Officials met on Monday" in out
    bad = tmp_path / "bad.txt"
    bad.write_text("### p\nno label here\n", encoding="utf-8")
    assert _script().main([str(bad)]) == 1
    assert f"{bad}:2: expected 'B|K|T|?<TAB>line'" in capsys.readouterr().err


def test_justext_is_scored_on_the_same_lines_as_a_comparison(tmp_path: Path, capsys):
    good = tmp_path / "good.txt"
    good.write_text(PAGE, encoding="utf-8")
    assert _script().main(["-v", "--justext", str(good)]) == 0
    out = capsys.readouterr().out
    # jusText's final class names what it removed; the short sentence of the ledger page is
    # one it takes (jusText drops short paragraphs the normalizer keeps as text)
    assert "[justext:" in out and "[duplicate-line]" not in out
    assert "ledger: LOST [justext:bad] Officials met on Monday" in out
    assert "gazette: KEPT  Menu" not in out


def _outlet_page(n: int, story: str) -> str:
    """One invented page of the outlet "vale-courier": its story between a kicker line and
    a closing line that are the same on every page and that no rule names on one page."""
    return (
        f"### vale-courier | https://valecourier.example/{n}\n"
        "B\tThe Vale Courier, serving the upper valley since 1911.\n"
        f"T\t{story} approved after long debate\n"
        f"K\tThe district council on Monday approved the {story.lower()} after a debate of "
        "four hours.\n"
        f"K\tCouncillors said the cost of the {story.lower()} would be shared with two towns.\n"
        "B\tThe Vale Courier, serving the upper valley since 1911.\n"
    )


def test_site_mode_lets_an_outlets_pages_count_each_others_lines(tmp_path: Path, capsys):
    pages = tmp_path / "outlet.txt"
    stories = ("New bridge plan", "School budget", "Harbour dredging")
    pages.write_text("".join(_outlet_page(i, s) for i, s in enumerate(stories)), "utf-8")
    assert _script().main(["--json", str(pages)]) == 0
    alone = json.loads(capsys.readouterr().out)["total"]
    assert _script().main(["--json", "--site", str(pages)]) == 0
    crawl = json.loads(capsys.readouterr().out)["total"]
    # one page alone: the tagline's first copy is a sentence that no rule names (the second
    # is a duplicate); with the outlet's three pages it is a line of every page: repeated
    assert alone["boilerplate_removed"] == 3
    assert crawl["boilerplate_removed"] == 6
    assert alone["article_lines_removed"] == crawl["article_lines_removed"] == 0
