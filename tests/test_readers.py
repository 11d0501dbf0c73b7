"""Readers: HTML pages, WARC crawls, JSONL and Parquet manifests, through `claimcorpus ingest`.

WARC files are written with warcio (the reference writer) from the hand-written pages in
fixtures/html; the corpus is a throwaway copy of the project's (the `project` fixture).
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import require, run_cli, tree_digest

from claimcorpus.ingest.readers.record import url_doc_id
from claimcorpus.ingest.readers.warc import read_warc

HTML = Path(__file__).parent / "fixtures" / "html"
EXPECT = json.loads((HTML / "expect.json").read_text(encoding="utf-8"))
PAGES = sorted(EXPECT)
# warcio, a test extra, writes the WARC files: missing, the module skips (fails under CI)
StatusAndHeaders = require("warcio.statusandheaders").StatusAndHeaders
WARCWriter = require("warcio.warcwriter").WARCWriter


def write_warc(path: Path, records: list[tuple[str, str, bytes]], gz: bool = True) -> list[int]:
    """A WARC of response records (url, content type, body); returns each record's offset."""
    offsets = []
    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=gz)
        for url, ctype, body in records:
            offsets.append(f.tell())
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http)
            w.write_record(rec)
    return offsets


def crawl_records() -> list[tuple[str, str, bytes]]:
    out = [
        (f"https://crawl.example/{p}", "text/html; charset=utf-8", (HTML / p).read_bytes())
        for p in PAGES
    ]
    out.insert(1, ("https://crawl.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n0000"))
    return out


def metas(root: Path) -> dict[str, dict]:
    docs = (root / "corpus" / "docs").glob("*.json")
    return {p.stem: json.loads(p.read_text())["meta"] for p in docs}


def new_docs(root: Path) -> dict[str, dict]:
    return {d: m for d, m in metas(root).items() if "provenance" in m}


def text_of(root: Path, doc_id: str) -> str:
    return json.loads((root / "corpus/docs" / f"{doc_id}.json").read_text())["normalized"]["text"]


@pytest.mark.parametrize("page", PAGES)
def test_an_html_page_gives_its_main_text_and_declared_metadata(project: Path, page: str):
    r = run_cli("ingest", str(HTML / page), root=project)
    assert r.returncode == 0, r.stderr
    ((doc_id, meta),) = new_docs(project).items()
    want = EXPECT[page]
    for key, value in want["meta"].items():
        assert meta[key] == value, key
    text = text_of(project, doc_id)
    for line in want["text"]:
        assert line in text.split("\n\n"), line
    for junk in want["absent"]:
        assert junk not in text + "\n", junk
    assert "<" not in text
    assert meta["provenance"]["extractor"].startswith("trafilatura ")
    if meta["url"]:
        assert doc_id == url_doc_id(meta["url"])


def test_a_txt_file_that_is_html_is_read_as_html_not_ingested_with_tags(project, tmp_path):
    f = tmp_path / "saved page.txt"
    f.write_bytes((HTML / "north-wire.html").read_bytes())
    r = run_cli("ingest", str(f), root=project)
    assert r.returncode == 0, r.stderr
    ((doc_id, meta),) = new_docs(project).items()
    text = text_of(project, doc_id)
    assert "<" not in text and "baseless and irresponsible" in text
    assert meta["provenance"]["reader"] == "html"


def test_a_txt_file_that_is_a_jsonl_crawl_is_refused_and_says_so(project, tmp_path):
    f = tmp_path / "crawl.txt"
    f.write_text('{"url": "https://a.example/x", "text": "One."}\n{"text": "Two."}\n')
    before = tree_digest(project)
    r = run_cli("ingest", str(f), root=project)
    assert r.returncode == 1
    assert "crawl.txt" in r.stderr and "JSONL" in r.stderr and ".jsonl" in r.stderr
    assert tree_digest(project) == before


def test_an_html_page_with_no_main_text_is_refused_and_changes_nothing(project):
    before = tree_digest(project)
    r = run_cli("ingest", str(HTML / "no-main-text.html"), root=project)
    assert r.returncode == 1
    assert "no-main-text.html" in r.stderr and "no main text" in r.stderr
    assert tree_digest(project) == before


def test_a_warc_crawl_ingests_its_html_responses_and_lists_the_rest(project, tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    offsets = write_warc(warc, crawl_records())
    r = run_cli("ingest", str(warc), root=project)
    assert r.returncode == 0, r.stderr  # an image in a crawl is not an error
    assert f"[not-html] {warc}: record at byte {offsets[1]}" in r.stderr
    assert "image/png" in r.stderr
    docs = new_docs(project)
    assert len(docs) == len(PAGES)
    valley = [m for m in docs.values() if m["title"] == "Council approves new bus routes"]
    # no canonical URL in the page: the crawl's target URI names it, never the file stem
    assert valley[0]["url"] == "https://crawl.example/valley-post.html"
    assert valley[0]["doc_id"] == url_doc_id("https://crawl.example/valley-post.html")
    assert all(m["provenance"]["reader"] == "warc" for m in docs.values())
    check = run_cli("validate", root=project)
    assert "corpus-" not in check.stdout + check.stderr and "raw-" not in check.stdout


def test_fastwarc_and_the_plain_warc_agree_on_offsets(tmp_path):
    for gz in (True, False):
        warc = tmp_path / ("c.warc.gz" if gz else "c.warc")
        offsets = write_warc(warc, crawl_records(), gz=gz)
        got = [r.origin for r in read_warc(warc)]
        assert got == [f"{warc}: record at byte {o}" for o in offsets]


def test_a_truncated_gzip_warc_keeps_the_whole_records_and_names_the_cut_one(project, tmp_path):
    warc = tmp_path / "cut.warc.gz"
    offsets = write_warc(warc, crawl_records()[:3])
    data = warc.read_bytes()
    warc.write_bytes(data[: offsets[2] + (len(data) - offsets[2]) // 2])
    r = run_cli("ingest", str(warc), root=project)
    assert r.returncode == 1
    assert f"[truncated] {warc}: record at byte {offsets[2]}" in r.stderr
    assert len(new_docs(project)) == 1  # the first page; the image is not an article
    assert "1 added" in r.stdout and "truncated 1" in r.stdout


def test_a_malformed_warc_record_is_named_and_the_file_reading_stops_there(project, tmp_path):
    warc = tmp_path / "bad.warc"
    offsets = write_warc(warc, crawl_records()[:1] + crawl_records()[2:4], gz=False)
    data = bytearray(warc.read_bytes())
    second = data.index(b"Content-Length:", offsets[1])
    data[second : second + 20] = b"Content-Length: x9z\r"
    warc.write_bytes(bytes(data))
    r = run_cli("ingest", str(warc), root=project)
    assert r.returncode == 1
    assert f"{warc}: record at byte {offsets[1]}" in r.stderr
    assert "[malformed-" in r.stderr
    assert len(new_docs(project)) == 1


def test_a_jsonl_manifest_skips_and_names_its_bad_lines(project, tmp_path):
    page = (HTML / "daily-ledger.html").read_text(encoding="utf-8")
    lines = [
        {
            "url": "https://wire.example/a",
            "text": "Officials said on Monday that the talks had ended.\n",
            "published": "2024-05-02",
            "outlet": "Wire",
            "language": "en",
        },
        "this line is not JSON",
        {"url": "https://wire.example/b", "title": "No body"},
        {"text": page, "licence": "CC BY 4.0"},  # a page in the text field
        {"url": "https://wire.example/c", "text": "A second text.\n", "published": "2 May 2024"},
        {"url": "https://wire.example/d", "text": "A third text here.\n", "language": "english"},
        {"url": "https://wire.example/e", "text": "A fourth.\n", "byline": "X"},
    ]
    f = tmp_path / "feed.jsonl"
    f.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n")
    r = run_cli("ingest", str(f), root=project)
    assert r.returncode == 1
    err = r.stderr
    assert f"[bad-json] {f}: line 2: not JSON" in err
    assert f"[no-text] {f}: line 3: the record has neither 'text' nor 'html'" in err
    assert f"[bad-metadata] {f}: line 5: " in err and "'published'" in err and "2 May 2024" in err
    assert f"[bad-metadata] {f}: line 6: " in err and "'language'" in err
    assert f"[unknown-field] {f}: line 7: " in err and "byline" in err
    docs = new_docs(project)
    assert len(docs) == 2
    wire = docs[url_doc_id("https://wire.example/a")]
    assert (wire["published"], wire["outlet"], wire["language"]) == ("2024-05-02", "Wire", "en")
    ledger = [m for m in docs.values() if m["outlet"] == "Daily Ledger"][0]
    assert ledger["licence"] == "CC BY 4.0" and ledger["published"] == "2024-03-02"
    assert "<" not in text_of(project, ledger["doc_id"])


def test_a_truncated_gzip_jsonl_keeps_the_lines_before_the_cut(project, tmp_path):
    f = tmp_path / "feed.jsonl.gz"
    rows = [
        {"url": f"https://wire.example/{i}", "text": f"Story {i} says officials met again today.\n"}
        for i in range(200)
    ]
    data = gzip.compress(("\n".join(json.dumps(x) for x in rows) + "\n").encode())
    f.write_bytes(data[: len(data) - 40])
    r = run_cli("ingest", str(f), root=project)
    assert r.returncode == 1
    assert "[truncated]" in r.stderr and "feed.jsonl.gz" in r.stderr
    assert 0 < len(new_docs(project)) < 200


def test_a_parquet_manifest_is_read_by_rows_and_an_unknown_column_refuses_it(project, tmp_path):
    good = tmp_path / "m.parquet"
    pq.write_table(
        pa.table(
            {
                "text": ["The minister said the rules would change in June.\n", None],
                "html": [None, (HTML / "valley-post.html").read_text(encoding="utf-8")],
                "url": ["https://wire.example/p1", "https://valley.example/bus"],
                "published": ["2024-06-01T10:00:00+02:00", "2024-06-01T10:00"],
            }
        ),
        good,
    )
    r = run_cli("ingest", str(good), root=project)
    assert r.returncode == 1
    assert f"[bad-metadata] {good}: row 1: " in r.stderr and "offset" in r.stderr
    assert list(new_docs(project)) == [url_doc_id("https://wire.example/p1")]
    bad = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"text": ["x"], "body": ["y"]}), bad)
    before = tree_digest(project)
    r = run_cli("ingest", str(bad), root=project)
    assert r.returncode == 1 and "unknown column(s) ['body']" in r.stderr
    assert tree_digest(project) == before


def test_a_bad_sidecar_value_refuses_the_file_naming_sidecar_and_field(project, tmp_path):
    f = tmp_path / "story.txt"
    f.write_text("Officials said the talks would go on.\n")
    (tmp_path / "story.meta.json").write_text(json.dumps({"url": "www.example.com/a"}))
    before = tree_digest(project)
    r = run_cli("ingest", str(f), root=project)
    assert r.returncode == 1
    assert "story.meta.json" in r.stderr and "'url'" in r.stderr and "http(s)" in r.stderr
    assert tree_digest(project) == before


def test_index_pages_of_two_sites_get_distinct_url_ids_never_the_stem(project, tmp_path):
    for site in ("alpha", "beta"):
        d = tmp_path / site / "2024" / "05"
        d.mkdir(parents=True)
        page = (HTML / "valley-post.html").read_text(encoding="utf-8")
        page = page.replace(
            "<head>", f'<head><link rel="canonical" href="https://{site}.example/2024/05/">'
        )
        page = page.replace("seven", site).replace("7 to 2", f"7 to 2 in {site}")
        (d / "index.html").write_text(page, encoding="utf-8")
    r = run_cli("ingest", str(tmp_path), root=project)  # the folder, read recursively
    assert r.returncode == 0, r.stderr
    ids = sorted(new_docs(project))
    assert ids == sorted(
        [url_doc_id("https://alpha.example/2024/05/"), url_doc_id("https://beta.example/2024/05/")]
    )
    assert not any(i == "index" or i.startswith("index") for i in ids)


def test_one_url_with_two_texts_is_a_collision_refused_even_with_force(project, tmp_path):
    f = tmp_path / "feed.jsonl"
    rows = [
        {"url": "https://wire.example/same", "text": "The first version of the story.\n"},
        {"url": "https://wire.example/same", "text": "A different text under the same address.\n"},
    ]
    f.write_text("\n".join(json.dumps(x) for x in rows) + "\n")
    r = run_cli("ingest", str(f), "--force", root=project)
    assert r.returncode == 1
    assert "collides with" in r.stderr and "line 1" in r.stderr
    (meta,) = new_docs(project).values()
    assert text_of(project, meta["doc_id"]) == "The first version of the story."


def test_a_crawled_record_never_overwrites_a_text_file_with_its_id(project, tmp_path):
    doc_id = url_doc_id("https://wire.example/x")
    f = tmp_path / f"{doc_id}.txt"
    f.write_text("A plain text file that happens to carry this name.\n")
    assert run_cli("ingest", str(f), root=project).returncode == 0
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"url": "https://wire.example/x", "text": "Another article.\n"}) + "\n"
    )
    before = tree_digest(project)
    r = run_cli("ingest", str(feed), "--force", root=project)
    assert r.returncode == 1 and "already taken by another article" in r.stderr
    assert tree_digest(project) == before


def test_site_repetition_found_at_ingest_survives_renormalization(project, tmp_path):
    footer = "Harbour Gazette is published by Harbour Media Group. Support our journalism today."
    topics = ["ferries", "cranes", "tankers", "dredging"]
    rows = [
        {
            "url": f"https://harbour.example/news/{t}",
            "outlet": "Harbour Gazette",
            "text": f"Harbour report on {t}\nThe port said on Friday that {t} were its main worry this year.\n{footer}\nMore on {t} next week, the editor said.\n",
        }
        for t in topics
    ]
    f = tmp_path / "harbour.jsonl"
    f.write_text("\n".join(json.dumps(x) for x in rows) + "\n")
    r = run_cli("ingest", str(f), root=project)
    assert r.returncode == 0, r.stderr
    for doc_id in new_docs(project):
        assert footer not in text_of(project, doc_id)
        ex = json.loads((project / "corpus/docs" / f"{doc_id}.json").read_text())["exclusions"]
        assert [e["rule"] for e in ex if e["text"] == footer] == ["repeated-in-site"]
    assert list((project / "corpus" / "repeated").glob("*.json"))
    check = run_cli("normalize", "--check", root=project)
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith("0 of ") and "documents would change" in check.stdout


def test_a_record_whose_bytes_changed_fails_its_digest_and_is_named_corrupt(tmp_path):
    warc = tmp_path / "flip.warc"
    offsets = write_warc(warc, crawl_records()[:1] + crawl_records()[2:3], gz=False)
    data = bytearray(warc.read_bytes())
    at = data.index(b"ambassador", offsets[0])
    data[at] = ord("A")  # same length, different bytes
    warc.write_bytes(bytes(data))
    kinds = [(r.origin, getattr(r, "kind", "article")) for r in read_warc(warc)]
    assert kinds == [
        (f"{warc}: record at byte {offsets[0]}", "corrupt"),
        (f"{warc}: record at byte {offsets[1]}", "article"),
    ]


def test_a_missing_crawl_file_and_an_unknown_kind_are_refused_by_name(project, tmp_path):
    odd = tmp_path / "notes.docx"
    odd.write_bytes(b"PK\x03\x04")
    before = tree_digest(project)
    r = run_cli(
        "ingest",
        str(tmp_path / "gone.jsonl"),
        str(tmp_path / "gone.warc.gz"),
        str(odd),
        root=project,
    )
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"{tmp_path / 'gone.jsonl'}: no such file" in r.stderr
    assert f"{tmp_path / 'gone.warc.gz'}: no such file" in r.stderr
    assert "notes.docx: unknown kind of file" in r.stderr
    assert tree_digest(project) == before


def test_a_broken_repeated_lines_table_stops_ingest_and_normalize_by_name(project, tmp_path):
    table = project / "corpus" / "repeated" / "harbour-0000.json"
    table.parent.mkdir(parents=True, exist_ok=True)
    table.write_text('{"site": "Harbour Gazette", "lines": [1, 2', encoding="utf-8")
    f = tmp_path / "one.jsonl"
    f.write_text(json.dumps({"url": "https://harbour.example/a", "text": "x " * 50}) + "\n")
    before = tree_digest(project)
    for args in (("ingest", str(f)), ("normalize",), ("normalize", "--check")):
        r = run_cli(*args, root=project)
        assert r.returncode == 1 and "Traceback" not in r.stderr, (args, r.stderr)
        assert f"{table}: not a table of repeated lines" in r.stderr, args
        assert "nothing was written" in r.stderr, args
    assert tree_digest(project) == before
