"""Inline CSS, JavaScript and page shell of the static viewer (see viewer.py).

Everything a page needs is inlined, so a page opens from disk with no network. The page's
Content-Security-Policy allows only these exact inline blocks (by sha256), so even a missed
escape could not run injected script or fetch anything; escaping is still the first defence.
The script reads only ``data-*`` attributes and toggles classes: it never writes HTML.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re

from claimcorpus.core.scheme import Scheme

STANCE_COLORS = {"support": "#1e8e3e", "refute": "#d93025", "neutral": "#80868b"}
FALLBACK = ("#f4b400", "#4285f4", "#0f9d58", "#ab47bc", "#ff7043", "#00acc1")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_TOKEN = re.compile(r"[^A-Za-z0-9_-]")

SCRIPT = """(function () {
  "use strict";
  var marks = Array.prototype.slice.call(document.querySelectorAll("[data-span-id]"));
  var items = Array.prototype.slice.call(document.querySelectorAll("li.attr"));
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input.filter"));
  var byId = new Map();
  marks.forEach(function (m) { byId.set(m.dataset.spanId, m); });
  var pinned = null;
  function clear() {
    document.querySelectorAll(".linked, .active").forEach(function (el) {
      el.classList.remove("linked", "active");
    });
  }
  function show(claimId) {
    clear();
    if (!claimId) { return; }
    var c = byId.get(claimId);
    if (c) { c.classList.add("active"); }
    items.forEach(function (li) {
      if (li.dataset.claim !== claimId) { return; }
      li.classList.add("active");
      ["source", "cue"].forEach(function (k) {
        var el = byId.get(li.dataset[k]);
        if (el) { el.classList.add("linked"); }
      });
    });
  }
  function claimOf(target) {
    var el = target && target.closest ? target.closest('[data-label="CLAIM"], li.attr') : null;
    if (!el) { return null; }
    return el.tagName === "LI" ? el.dataset.claim : el.dataset.spanId;
  }
  function hover(e) { if (pinned === null) { show(claimOf(e.target)); } }
  document.addEventListener("mouseover", hover);
  document.addEventListener("focusin", hover);
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("input, label, a")) { return; }
    var id = claimOf(e.target);
    pinned = id === null || id === pinned ? null : id;
    show(pinned);
    var c = pinned && byId.get(pinned);
    if (c && e.target.closest("li.attr")) { c.scrollIntoView({block: "center"}); }
  });
  function apply() {
    var on = {label: new Set(), type: new Set()};
    boxes.forEach(function (b) { if (b.checked) { on[b.dataset.kind].add(b.value); } });
    marks.forEach(function (m) {
      var ts = m.dataset.types ? m.dataset.types.split("|") : [];
      var typeOk = ts.length === 0 || ts.some(function (t) { return on.type.has(t); });
      m.classList.toggle("off", !(on.label.has(m.dataset.label) && typeOk));
    });
    items.forEach(function (li) { li.hidden = !on.type.has(li.dataset.sourceType); });
  }
  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  apply();
})();
"""

BASE_CSS = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #202124; background: #fff; }
header, nav, .filters, main, .index { padding: 0 1.5rem; }
nav { padding-top: .8rem; }
h1 { font-size: 1.4rem; margin: .6rem 0; }
h2 { font-size: 1.05rem; margin: 1rem 0 .4rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: 0; }
dl.meta dt { color: #5f6368; }
dl.meta dd { margin: 0; }
.filters fieldset { display: inline-block; border: 1px solid #dadce0; margin: .5rem .5rem 0 0; }
.filters label { margin-right: .8rem; white-space: nowrap; }
main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1.5rem; }
.text { white-space: pre-wrap; line-height: 1.9; font-size: 16px; }
mark.span { color: inherit; background: transparent; padding: 1px 0; border-radius: 2px; }
mark.span.active, mark.span.linked, li.attr.active { outline: 2px solid #202124; }
mark.span.lab-CLAIM { border-bottom: 3px solid #80868b; }
mark.span.lab-CLAIM.st-mixed { border-bottom-style: dashed; }
.swatch { display: inline-block; width: .9em; height: .9em; vertical-align: middle; }
ol.attrs { padding-left: 1.4rem; }
li.attr { margin: .3rem 0; padding: .1rem .3rem; cursor: pointer; }
li.attr .arrow { font-weight: 600; }
li.attr .meta { color: #5f6368; font-size: 13px; }
.badge { border-radius: 3px; padding: 0 .3rem; color: #fff; background: #80868b; font-size: 13px; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #dadce0; padding: .2rem .5rem; text-align: left; }
td.n { text-align: right; }
.muted { color: #5f6368; }
tr.unannotated td { color: #5f6368; background: #f8f9fa; }
.notice { border-left: 4px solid #80868b; padding: .2rem .6rem; background: #f1f3f4; }
nav.pages a, nav.pages strong { margin-right: .4rem; }
"""


def token(name: str) -> str:
    """A class-name-safe form of a scheme name (labels and stances come from YAML)."""
    return _TOKEN.sub("_", name)


def label_colors(scheme: Scheme) -> dict[str, str]:
    """Scheme colours, with a fixed fallback palette for a label without a valid #rrggbb."""
    out = {}
    for i, lab in enumerate(scheme.span_labels):
        c = scheme.colors.get(lab, "")
        out[lab] = c if _HEX.match(c) else FALLBACK[i % len(FALLBACK)]
    return out


def _rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


def stylesheet(scheme: Scheme) -> str:
    """Base CSS plus one rule per label and stance colour; ``.off`` rules last so they win."""
    rules = [BASE_CSS]
    for lab, c in label_colors(scheme).items():
        t = token(lab)
        rules.append(f"mark.span.lab-{t} {{ background-color: {_rgba(c, 0.28)}; }}")
        strong = _rgba(c, 0.6)
        rules.append(
            f"mark.span.lab-{t}.active, mark.span.lab-{t}.linked {{ background: {strong}; }}"
        )
        rules.append(f".swatch.lab-{t} {{ background: {c}; }}")
    for st in scheme.stances:
        c = STANCE_COLORS.get(st, "#80868b")
        t = token(st)
        rules.append(f"mark.span.lab-CLAIM.st-{t} {{ border-bottom-color: {c}; }}")
        rules.append(f".st-{t} .arrow {{ color: {c}; }}")
        rules.append(f".badge.st-{t} {{ background: {c}; color: #fff; }}")
    rules.append(
        "mark.span.off, mark.span.off.active, mark.span.off.linked "
        "{ background: none; border-bottom: none; outline: none; }"
    )
    return "\n".join(rules) + "\n"


def _sha(block: str) -> str:
    return (
        "'sha256-" + base64.b64encode(hashlib.sha256(block.encode("utf-8")).digest()).decode() + "'"
    )


def page(title: str, body: str, css: str, script: bool) -> str:
    """A whole HTML document; ``title`` is escaped here, ``body`` must be escaped already."""
    policy = f"default-src 'none'; style-src {_sha(css)}"
    if script:
        policy += f"; script-src {_sha(SCRIPT)}"
    js = f"<script>{SCRIPT}</script>\n" if script else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
        f"{body}\n{js}</body>\n</html>\n"
    )
