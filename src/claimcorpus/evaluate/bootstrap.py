"""Percentile bootstrap over documents, on per-document counts.

Resampling documents (not spans) respects that spans of one article are not independent.
Every metric is a function of summed counts, so a resample is one weighted sum per count
(a matrix product) and no rescoring; all metrics share the same resamples.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import numpy as np

Stat = Callable[[Mapping[str, np.ndarray]], Mapping[str, np.ndarray]]

# Below this many documents an interval is too rough to read as one: it is flagged.
MIN_DOCUMENTS = 5
# Resample rows per chunk are chosen so a weight block stays around this many cells (its
# draws, counts and float copy are 8 bytes a cell each). The draws of consecutive blocks are
# one stream (``Generator.integers`` fills row after row; a test pins it), so the block size
# changes no interval: 1M cells (24 MB of temporaries) gives the intervals 4M gave.
_CELLS = 1_000_000


def resample_weights(
    rng: np.random.Generator, n_docs: int, n_resamples: int
) -> Iterator[np.ndarray]:
    """Blocks of weights (rows: resamples, columns: how often each document was drawn), made
    one at a time as the caller takes them: all of them at once are ``n_resamples x n_docs``
    integers (800 MB for 1,000 resamples of 100,000 documents, the card's peak before)."""
    block = max(1, min(n_resamples, _CELLS // max(n_docs, 1)))
    for lo in range(0, n_resamples, block):
        b = min(block, n_resamples - lo)
        draws = rng.integers(0, n_docs, size=(b, n_docs))
        draws += (np.arange(b) * n_docs)[:, None]
        yield np.bincount(draws.ravel(), minlength=b * n_docs).reshape(b, n_docs)


def few_documents_note(n_docs: int, n_resamples: int) -> str | None:
    """Why the intervals should not be trusted, when they rest on fewer than 5 documents."""
    if n_resamples <= 0 or n_docs >= MIN_DOCUMENTS:
        return None
    if n_docs == 0:
        return "no intervals: there are no documents to resample"
    return (
        f"the intervals rest on {n_docs} document{'s' if n_docs != 1 else ''} "
        f"(fewer than {MIN_DOCUMENTS}): they say little about the spread"
        + ("; one document gives a zero-width interval" if n_docs == 1 else "")
    )


def bootstrap_ci(
    per_doc: Mapping[str, np.ndarray],
    statistic: Stat,
    n_resamples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> dict[str, tuple[float, float]]:
    """Percentile confidence intervals of every metric ``statistic`` returns.

    ``per_doc`` maps names to count arrays whose *last* axis is the document;
    ``statistic`` receives the same names with the document axis summed away and one leading
    resample axis added, and returns metric arrays over that axis. Same seed, same inputs:
    same intervals.
    """
    names = list(per_doc)
    if not names:
        return {}
    n_docs = per_doc[names[0]].shape[-1]
    if n_docs == 0 or n_resamples <= 0:
        return {}
    shapes = {k: per_doc[k].shape[:-1] for k in names}
    bounds = np.cumsum([0] + [int(np.prod(shapes[k], dtype=np.int64)) for k in names])
    # one float64 matrix filled key by key (a concatenated integer copy was one more matrix)
    flat = np.empty((int(bounds[-1]), n_docs), np.float64)
    for i, k in enumerate(names):
        flat[bounds[i] : bounds[i + 1]] = per_doc[k].reshape(-1, n_docs)
    rng = np.random.default_rng(seed)
    collected: dict[str, list[np.ndarray]] = {}
    for weights in resample_weights(rng, n_docs, n_resamples):
        sums = weights.astype(np.float64) @ flat.T  # (b, features); exact for integer counts
        sums = np.rint(sums).astype(np.int64)
        batch = {
            k: sums[:, bounds[i] : bounds[i + 1]].reshape((len(sums),) + shapes[k])
            for i, k in enumerate(names)
        }
        for metric, values in statistic(batch).items():
            collected.setdefault(metric, []).append(np.asarray(values, dtype=np.float64))
    tail = (1.0 - confidence) / 2 * 100
    out = {}
    for metric, chunks in collected.items():
        lo, hi = np.percentile(np.concatenate(chunks), [tail, 100 - tail])
        out[metric] = (float(lo), float(hi))
    return out
