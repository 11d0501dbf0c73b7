"""croissant.json: validates with mlcroissant and its records are the Parquet rows."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import mlcroissant as mlc
import pyarrow.parquet as pq
import pytest

from claimcorpus.core.scheme import load_scheme
from claimcorpus.release.build import build_release
from claimcorpus.release.croissant import write_croissant

MLCROISSANT = Path(sys.executable).parent / "mlcroissant"


@pytest.fixture()
def release(project: Path, tmp_path: Path) -> Path:
    folder, _ = build_release(project, "9.9.9", tmp_path / "releases")
    summary = json.loads((folder / "build_summary.json").read_text())
    write_croissant(folder, "9.9.9", load_scheme(project), summary)
    return folder


def _text(v: bytes | str | None) -> str | None:
    return v.decode("utf-8") if isinstance(v, bytes) else v


def _rows(release: Path, config: str, split: str) -> list[dict]:
    return pq.read_table(release / f"data/{config}/{split}-00000-of-00001.parquet").to_pylist()


def test_mlcroissant_validate_passes(release: Path):
    r = subprocess.run(
        [str(MLCROISSANT), "validate", "--jsonld", "croissant.json"],
        cwd=release,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert "error(s)" not in r.stderr


def test_metadata_describes_every_file_licence_and_labels(release: Path):
    meta = json.loads((release / "croissant.json").read_text())
    assert meta["conformsTo"] == "http://mlcommons.org/croissant/1.1"
    assert meta["version"] == "9.9.9" and "9.9.9" in meta["citeAs"]
    assert "url" not in meta
    assert "creativecommons.org/licenses/by/4.0" in json.dumps(meta["license"])
    assert "publishers" in json.dumps(meta["license"])
    files = {f["contentUrl"]: f["sha256"] for f in meta["distribution"]}
    parquet = sorted(p.relative_to(release).as_posix() for p in release.rglob("*.parquet"))
    assert sorted(files) == parquet and len(parquet) == 9
    sums = dict(
        line.split("  ")[::-1] for line in (release / "SHA256SUMS").read_text().splitlines()
    )
    assert all(files[f] == sums[f] for f in files)
    sets = {rs["@id"]: rs for rs in meta["recordSet"]}
    spans = next(f for f in sets["documents/train"]["field"] if f["name"] == "spans")
    assert spans["isArray"] and "source" not in spans
    label = next(f for f in spans["subField"] if f["name"] == "label")
    assert label["source"]["transform"] == {"jsonPath": "label"}
    assert "0=CLAIM, 1=SOURCE, 2=CUE" in label["description"]
    tokens = {f["name"] for f in sets["tokens/test"]["field"]}
    assert {"tokens", "token_starts", "claim_tags"} <= tokens


def test_records_match_parquet_rows(release: Path, project: Path):
    ds = mlc.Dataset(jsonld=str(release / "croissant.json"))
    for split in ("train", "validation", "test"):
        want = _rows(release, "documents", split)
        got = list(ds.records(f"documents/{split}"))
        p = f"documents/{split}"
        assert [_text(r[f"{p}/doc_id"]) for r in got] == [w["doc_id"] for w in want]
        for g, w in zip(got, want, strict=True):
            assert _text(g[f"{p}/text"]) == w["text"]
            assert [_text(s[f"{p}/spans/text"]) for s in g[f"{p}/spans"]] == [
                s["text"] for s in w["spans"]
            ]
            assert [s[f"{p}/spans/start"] for s in g[f"{p}/spans"]] == [
                s["start"] for s in w["spans"]
            ]
            assert [a[f"{p}/attributions/stance"] for a in g[f"{p}/attributions"]] == [
                a["stance"] for a in w["attributions"]
            ]
            assert list(g[f"{p}/offset_map"][f"{p}/offset_map/norm"]) == w["offset_map"]["norm"]
        want = _rows(release, "claims", split)
        got = list(ds.records(f"claims/{split}"))
        p = f"claims/{split}"
        assert len(got) == len(want) > 0
        assert [(_text(g[f"{p}/attribution_id"]), _text(g[f"{p}/claim"])) for g in got] == [
            (w["attribution_id"], w["claim"]) for w in want
        ]
    names = [_text(r["labels/span_label/name"]) for r in ds.records("labels/span_label")]
    assert names == load_scheme(project).span_labels


def test_loading_checks_the_file_hashes(release: Path):
    f = release / "data/claims/test-00000-of-00001.parquet"
    table = pq.read_table(f)
    pq.write_table(table.slice(0, 1), f)  # a different file under the recorded sha256
    ds = mlc.Dataset(jsonld=str(release / "croissant.json"))
    with pytest.raises(Exception, match="Download") as exc:
        list(ds.records("claims/test"))
    chain, e = [], exc.value
    while e is not None:
        chain.append(str(e))
        e = e.__cause__ or e.__context__
    assert any("Hash of downloaded file" in m for m in chain), chain
    assert (
        len(list(ds.records("documents/test")))
        == pq.read_metadata(release / "data/documents/test-00000-of-00001.parquet").num_rows
    )
