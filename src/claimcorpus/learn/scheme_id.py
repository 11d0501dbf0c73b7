"""The identity of an annotation scheme, the same whether read from a release or a project.

A model learns one scheme's labels; predicting into a corpus of another scheme (other
labels, no stance, another version) would write records its checks reject or, worse, that
score silently wrong. The digest is the sha256 of the scheme version and the ClassLabel
names a release of it declares, which a project's ``schema/scheme.yaml`` gives as well.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from claimcorpus.core.io import read_json
from claimcorpus.core.problems import InputError
from claimcorpus.core.scheme import Scheme
from claimcorpus.evaluate.layer import class_names
from claimcorpus.evaluate.target import class_label_names

ClassNames = Mapping[str, Mapping[str, Sequence[str]]]


def digest(version: str, names: ClassNames) -> str:
    canon = {k: {f: list(v) for f, v in sorted(d.items())} for k, d in sorted(names.items())}
    blob = json.dumps({"version": version, "class_names": canon}, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def release_scheme(release: Path) -> dict:
    """{"dataset", "version", "digest", "class_names"} of a release folder."""
    summary = release / "build_summary.json"
    try:
        version = str(read_json(summary)["scheme_version"])
        dataset = str(read_json(release / "croissant.json").get("name", ""))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{summary}: cannot read the release's scheme version: {exc}") from exc
    names = class_label_names(release)
    return {
        "dataset": dataset,
        "version": version,
        "digest": digest(version, names),
        "class_names": {k: {f: list(v) for f, v in d.items()} for k, d in names.items()},
    }


def project_digest(scheme: Scheme) -> str:
    """The digest of a project's scheme (``schema/scheme.yaml``)."""
    return digest(scheme.version, class_names(scheme))
