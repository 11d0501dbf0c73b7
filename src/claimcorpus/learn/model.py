"""A trained model folder: its manifest, its files, and the Extractor it loads as.

Layout of ``models/NAME/``::

    manifest.json          format, scheme (dataset, version, digest, class names), labels,
                           library versions, config, seed, training release and checksum,
                           sha256 of every other file
    crf-<LABEL>.crfsuite   one CRF per span label (spans.py)
    linker.json            the attribution linker's weights (linker.py)
                           (and in the manifest, ``decoding``: how spans become attributions,
                           assemble.py)
    train_log.jsonl        loss per L-BFGS iteration and per step (train.py)

:func:`load_model` checks every file against the manifest before it opens one, so a corrupt
or missing file is an :class:`InputError` naming that file, never a crash deep in crfsuite.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from claimcorpus.baseline.lexicon import guess_source_type
from claimcorpus.core.io import read_json, sha256_file
from claimcorpus.core.problems import InputError
from claimcorpus.learn.assemble import Decoding, assemble
from claimcorpus.learn.linker import Linker, Scorer
from claimcorpus.learn.spans import SpanTagger
from claimcorpus.learn.tokens import sentences_of

FORMAT = "claimcorpus-learned-model"
FORMAT_VERSION = 2  # 2: weak spans, merged fragments, sourced attributions (assemble.py)
MANIFEST = "manifest.json"
LINKER = "linker.json"
LOG = "train_log.jsonl"


@dataclass
class LearnedModel:
    """A loaded model: ``extract`` is a baseline ``Extractor`` (``baseline/run.py``)."""

    name: str
    manifest: dict[str, Any]
    tagger: SpanTagger
    linker: Linker
    folder: Path
    decoding: Decoding = Decoding()

    @property
    def scheme_digest(self) -> str:
        return str(self.manifest["scheme"]["digest"])

    @property
    def with_stance(self) -> bool:
        return "stance" in self.manifest["scheme"]["class_names"].get("attributions", {})

    def extract(
        self, doc_id: str, text: str, sentences: Sequence[tuple[int, int]] | None = None
    ) -> dict[str, Any]:
        """Prediction record (spans with offsets and text, linked attributions)."""
        sents = sentences_of(text, sentences)
        found, weak = self.tagger.tag(sents, self.weak_thresholds)
        return self.record(doc_id, text, [s.start for s in sents], found, weak)

    @property
    def weak_thresholds(self) -> dict[str, float]:
        return {"CLAIM": self.decoding.weak_claim, "SOURCE": self.decoding.weak_source}

    def record(
        self,
        doc_id: str,
        text: str,
        starts: Sequence[int],
        found: Mapping[str, Sequence[tuple[int, int]]],
        weak: Mapping[str, Sequence[tuple[int, int]]] | None = None,
    ) -> dict[str, Any]:
        """The record of spans found by any tagger (label -> spans; ``weak``: spans below
        its best path), made attributions by ``assemble``; ``starts``: the sentence start
        offsets. Its spans: the tagged ones (a merged claim in place of its fragments) and
        the weak ones an attribution uses."""
        starts = sorted(starts) or [0]
        links = assemble(self.linker, text, found, weak or {}, starts, self.decoding)
        used = {"CLAIM": {t[0] for t in links}, "CUE": {t[1] for t in links}}
        used["SOURCE"] = {t[2] for t in links}
        tagged = {label: set(found.get(label, ())) for label in ("CLAIM", "SOURCE", "CUE")}
        hulls = used["CLAIM"] - tagged["CLAIM"]  # merged claims (and weak ones)
        tagged["CLAIM"] = {c for c in tagged["CLAIM"] if not _inside_any(c, hulls)}
        spans: list[dict[str, Any]] = []
        ids: dict[tuple[str, tuple[int, int]], str] = {}
        for label, prefix in (("CLAIM", "c"), ("SOURCE", "s"), ("CUE", "q")):
            for a, b in sorted(tagged[label] | (used[label] - {None})):
                sid = f"{prefix}{len(spans) + 1}"
                ids[(label, (a, b))] = sid
                spans.append({"id": sid, "label": label, "start": a, "end": b, "text": text[a:b]})
        attributions = []
        for n, (claim, cue, source) in enumerate(links, 1):
            att: dict[str, Any] = {
                "id": f"a{n}",
                "claim": ids[("CLAIM", claim)],
                "source": ids[("SOURCE", source)] if source else None,
                "cue": ids[("CUE", cue)] if cue else None,
                "unattributed": False,
            }
            if self.with_stance:
                kind = guess_source_type(text[source[0] : source[1]]) if source else None
                att.update(
                    stance="support",
                    source_type=kind,
                    anonymous_source=kind in ("anonymous_official", "anonymous_other"),
                )
            attributions.append(att)
        return {"doc_id": doc_id, "spans": spans, "attributions": attributions}


def _inside_any(span: tuple[int, int], hulls: Sequence[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in hulls)


def _manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not folder.is_dir():
        raise InputError(f"{folder}: no such model folder (train one with `claimcorpus train`)")
    if not path.is_file():
        raise InputError(f"{path}: missing model manifest (not a model folder?)")
    try:
        manifest = read_json(path)
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InputError(f"{path}: field 'format' is not {FORMAT!r}: not a claimcorpus model")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise InputError(
            f"{path}: field 'format_version' is {manifest.get('format_version')!r}; "
            f"this claimcorpus reads {FORMAT_VERSION} (version 1 models link without weak "
            "spans and would predict other attributions): train the model again"
        )
    for key in ("name", "labels", "scheme", "files", "decoding"):
        if key not in manifest:
            raise InputError(f"{path}: field {key!r} is missing")
    return manifest


def check_files(folder: Path, files: Mapping[str, str]) -> None:
    """Every file the manifest lists exists with its recorded sha256."""
    for name, want in sorted(files.items()):
        path = folder / name
        if not path.is_file():
            raise InputError(f"{path}: missing model file (listed in {folder / MANIFEST})")
        if sha256_file(path) != want:
            raise InputError(
                f"{path}: corrupt model file (sha256 differs from {folder / MANIFEST}); "
                "train the model again"
            )


def load_model(path: str | Path) -> LearnedModel:
    """The model in folder ``path``; :class:`InputError` naming the file for a bad one."""
    folder = Path(path)
    manifest = _manifest(folder)
    check_files(folder, manifest["files"])
    linker_path = folder / LINKER
    try:
        data = read_json(linker_path)
        linker = Linker(Scorer.from_json(data["cue"]), Scorer.from_json(data["source"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{linker_path}: not a linker file: {exc}") from exc
    decoding = decoding_of(manifest["decoding"], folder / MANIFEST)
    tagger = SpanTagger(folder, manifest["labels"])
    return LearnedModel(str(manifest["name"]), manifest, tagger, linker, folder, decoding)


def decoding_of(raw: Any, where: Path) -> Decoding:
    """The manifest's ``decoding`` as a :class:`Decoding`; a wrong field is named."""
    if not isinstance(raw, dict):
        raise InputError(f"{where}: field 'decoding' must be a mapping of settings")
    default = Decoding()
    for key, value in raw.items():
        if key not in {f.name for f in fields(Decoding)}:
            raise InputError(f"{where}: field 'decoding.{key}' is not a decoding setting")
        want = type(getattr(default, key))
        ok = isinstance(value, bool) if want is bool else not isinstance(value, bool)
        if not ok or not isinstance(value, (int, float) if want is float else want):
            raise InputError(f"{where}: field 'decoding.{key}' must be a {want.__name__}")
    return Decoding(**raw)


def check_scheme(model: LearnedModel, digest: str, where: str) -> None:
    """Refuse a model trained on another scheme than the data's (``where`` names it)."""
    if model.scheme_digest != digest:
        trained = model.manifest["scheme"]
        raise InputError(
            f"{model.folder / MANIFEST}: field 'scheme' "
            f"(dataset {trained.get('dataset')!r}, version {trained.get('version')!r}, digest "
            f"{model.scheme_digest[:12]}) is not the scheme of {where} (digest {digest[:12]}): "
            "the model was trained on another annotation scheme"
        )
