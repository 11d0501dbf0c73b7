"""The local engine: batch normalization in this process or on a pool of worker processes.

Why ProcessPoolExecutor and not ``multiprocessing.Pool.imap``: when a Pool worker dies
(killed, ``os._exit``, out of memory) the task it held is lost and ``imap`` waits forever;
the executor raises ``BrokenProcessPool`` instead, which fails the run cleanly. Batches are
submitted with a bounded look-ahead and results are taken in submission order, so output
order is the input order and memory stays flat however long the input is. Each batch's rows
are written to ``documents/part-<batch>.parquet`` by the process that normalized them; the
parent gets back only ids, hints and errors; story grouping reads the parts.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from claimcorpus.engines.output import (
    EngineError,
    check_unique,
    finish,
    staged_output,
    story_inputs,
)
from claimcorpus.ingest.batch import FAULT_ENV, normalize_batch
from claimcorpus.ingest.sites import Repeated
from claimcorpus.stories.components import group


def _ordered(fn: Callable[..., Any], calls: Iterable[tuple], workers: int) -> Iterator[Any]:
    """``fn(*args)`` for each args tuple, results in call order: in-process for one worker,
    else on worker processes with a bounded look-ahead (memory stays flat)."""
    if workers <= 1:
        for args in calls:
            yield fn(*args)
        return
    # fork starts fast and needs no `if __name__ == "__main__"` guard, but forking a process
    # that runs other threads can deadlock the child: then use forkserver (which needs it)
    method = "fork" if threading.active_count() == 1 and os.name == "posix" else "forkserver"
    ex = ProcessPoolExecutor(workers, mp_context=mp.get_context(method))
    pending: deque[Future] = deque()
    try:
        for args in calls:
            pending.append(ex.submit(fn, *args))
            if len(pending) > 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BrokenProcessPool as exc:
        raise EngineError(f"a worker process died mid-run ({exc}); no output was written") from None
    finally:
        ex.shutdown(wait=True, cancel_futures=True)


INDEX_COLUMNS = ["doc_id", "story", "error_kind"]  # what the parent needs besides the parts


def normalize_part(
    batch: pa.RecordBatch,
    documents: str,
    seq: int,
    fault: str | None = None,
    repeated: Repeated | None = None,
) -> pa.RecordBatch:
    """Normalize one batch, write its rows to ``documents/part-<seq>.parquet`` (temp name,
    then rename) and return only what grouping needs. Why here and not in the parent: with
    the parent encoding every row to Parquet, 2 workers ran 1.60-1.74x one process."""
    out = normalize_batch(batch, fault, repeated)
    final = Path(documents) / f"part-{seq:06d}.parquet"
    tmp = final.with_name(f".{final.name}.tmp")
    pq.write_table(pa.Table.from_batches([out]), tmp, compression="zstd")
    os.replace(tmp, final)
    return out.select(INDEX_COLUMNS)


def build(
    input_path: str | Path,
    out: str | Path,
    workers: int = 1,
    batch_size: int = 500,
    timings: dict[str, float] | None = None,
    repeated: Repeated | None = None,
) -> dict[str, Any]:
    """Normalize ``input_path`` (Parquet) and group stories; write the engines' output folder.

    ``repeated``: each site's repeated lines (``batch.input_repeated``), as ingest uses them.

    ``timings`` (optional) receives wall seconds per phase, kept out of the output so that
    the output stays byte-identical across runs and engines.
    """
    timings = {} if timings is None else timings
    t0 = time.perf_counter()
    source = pq.ParquetFile(input_path)
    ids: list[str] = []
    hints: dict[str, str | None] = {}
    excluded: Counter[str] = Counter()
    records = 0
    with staged_output(Path(out)) as tmp:
        documents = tmp / "documents"
        documents.mkdir()
        fault = os.environ.get(FAULT_ENV)
        calls = (
            (b, str(documents), seq, fault, repeated)
            for seq, b in enumerate(source.iter_batches(batch_size))
        )
        # disable=None: the bar is shown on a terminal only
        bar = tqdm(total=source.metadata.num_rows, unit="doc", desc="normalize", disable=None)
        try:
            for b in _ordered(normalize_part, calls, workers):
                bar.update(b.num_rows)
                records += b.num_rows
                d = b.to_pydict()
                excluded.update(k for k in d["error_kind"] if k)
                ok = [i for i, k in enumerate(d["error_kind"]) if k is None]
                ids.extend(d["doc_id"][i] for i in ok)
                hints.update((d["doc_id"][i], d["story"][i]) for i in ok)
        finally:
            bar.close()
        timings["normalize_s"] = time.perf_counter() - t0
        check_unique(ids)
        near, feats = story_inputs(documents, ids)
        story_of, edges = group(ids, near, feats, hints)
        timings["group_s"] = time.perf_counter() - t0 - timings["normalize_s"]
        counts = {
            "records": records,
            "normalized": len(ids),
            "excluded": dict(sorted(excluded.items())),
        }
        return finish(tmp, story_of, edges, counts)
