"""The annotation guidelines as the project's instructions (``expert_instruction``).

Why HTML: Label Studio renders the instructions as HTML; Markdown given as text showed as
one raw ``<pre>`` block 2,900 px wide in a 536 px pane. ``annotations/GUIDELINES.md`` is
rendered with markdown-it-py (CommonMark plus tables), with raw HTML in the Markdown
escaped, not passed through. No ``style=`` attributes: Label Studio strips them, and the
stored text would then differ from ours and every push would look like an update.
"""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt

GUIDELINES_PATH = Path("annotations") / "GUIDELINES.md"


def render(markdown: str) -> str:
    """Markdown -> HTML (tables on, raw HTML off so it shows as text)."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    return md.render(markdown)


def expert_instruction(root: str | Path) -> str:
    """The guidelines shown to annotators, as HTML ("" when the project has none)."""
    path = Path(root) / GUIDELINES_PATH
    if not path.exists():
        return ""
    return render(path.read_text(encoding="utf-8"))
