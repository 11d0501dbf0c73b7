"""The index shard writer (ingest/shard_json.py) writes dumps_document's bytes, whether it
encodes a shard anew or splices a run's changes into the file it read."""

from __future__ import annotations

import hashlib
from pathlib import Path

from conftest import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from claimcorpus.ingest import index as idx
from claimcorpus.ingest.shard_json import dumps_shard
from claimcorpus.ingest.store import dumps_document

# doc ids as ingest makes them, and odd keys (quotes, escapes, non-ASCII) a hand edit may add
IDS = st.one_of(
    st.from_regex(r"[a-z0-9_.-]{1,12}", fullmatch=True),
    st.text(min_size=0, max_size=6),
)
SHA = st.binary(min_size=1, max_size=4).map(lambda b: hashlib.sha256(b).hexdigest())
DOC = st.fixed_dictionaries({"raw_sha256": SHA, "source_file": IDS})
# values of the index's two shapes, and others a hand-edited shard may hold
ODD = st.one_of(
    st.integers(),
    st.none(),
    st.lists(st.integers(), max_size=3),
    st.lists(DOC, min_size=1, max_size=2),
    st.dictionaries(IDS, st.integers(), max_size=2),
    st.lists(st.lists(st.integers(), max_size=2), min_size=1, max_size=2),
)
DOCS = st.dictionaries(IDS, st.one_of(DOC, DOC, DOC, ODD), max_size=12)
DIGESTS = st.dictionaries(
    SHA,
    st.one_of(st.lists(IDS, min_size=1, max_size=3), st.lists(IDS, max_size=0), ODD),
    max_size=12,
)
SHARD = st.fixed_dictionaries({"docs": DOCS, "digests": DIGESTS})


def _canonical(shard: dict) -> str:
    return dumps_document(shard, expand=1)


@settings(max_examples=300, deadline=None)
@given(SHARD)
def test_a_shard_encoded_anew_is_dumps_documents_bytes(shard: dict):
    assert dumps_shard(shard) == _canonical(shard)
    as_index_holds_it = {  # Index keeps a loaded shard's doc_id lists as tuples
        "docs": shard["docs"],
        "digests": {h: tuple(v) if type(v) is list else v for h, v in shard["digests"].items()},
    }
    assert dumps_shard(as_index_holds_it) == _canonical(shard)


def test_ingest_writes_shards_with_the_bytes_of_a_rebuild(project: Path, tmp_path: Path):
    """Shards spliced by ingest runs (new files, a replaced one) are the bytes that
    ``index --rebuild`` (every shard encoded anew from the documents) writes."""
    folder = tmp_path / "new"
    folder.mkdir()
    for i in range(40):
        (folder / f"splice_{i:02d}.txt").write_text(
            f"Officials said on day {i} that the talks had failed.\nThey said more.\n",
            encoding="utf-8",
        )
    assert run_cli("ingest", str(folder), root=project).returncode == 0
    one = tmp_path / "splice_00.txt"
    one.write_text("Officials said the talks resumed.\nThey said more.\n", encoding="utf-8")
    r = run_cli("ingest", "--force", str(one), root=project)
    assert r.returncode == 0 and "1 replaced" in r.stdout, r.stderr
    shards = project / "corpus" / "index"
    spliced = {p.name: p.read_bytes() for p in sorted(shards.glob("*.json"))}
    assert len(spliced) > 40
    idx.rebuild(project)
    assert {p.name: p.read_bytes() for p in sorted(shards.glob("*.json"))} == spliced
