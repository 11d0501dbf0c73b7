"""One ingest-index shard held as its file's lines, an entry parsed only when it is asked for.

At 100,000 articles a run of 2,000 files touches all 256 shards (index.py); parsing each
whole (``json.loads``, a dict per entry) and keeping its key lists cost 75-140 us per
article, against ~190 us for the rest of its ingest, and grew with the corpus (issue 14).
A shard in the layout the writer writes (shard_json.py: a key per line, keys sorted) is
split into its lines only (in C); a lookup is a bisect over the raw lines (a key's line
starts with ``    "<key>": ``, and lines of one part are kept sorted, which is checked
when the file is read); a change is kept aside and spliced into the lines when the shard
is written. So what a run costs in Python grows with what it adds, not with the corpus.
A file in any other layout (hand-edited) is parsed whole and written anew the writer's way
(same content; ``index --check`` compares content).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from json.decoder import scanstring
from pathlib import Path
from typing import Any

from claimcorpus.core.problems import InputError
from claimcorpus.ingest.shard_json import _enc, _line, dumps_shard

PARTS = ("digests", "docs")  # in the order the writer writes them (sorted)
_ENTRY = b'    "'


class CorruptIndex(InputError):
    """A shard or the journal cannot be read."""


def _probe(key: str) -> bytes:
    return f"    {_enc(key)}: ".encode()


def _key(line: bytes) -> tuple[str, int]:
    """An entry line's key and the byte offset just past its closing quote."""
    text = line.decode("utf-8")
    key, end = scanstring(text, 5)
    return key, len(text[:end].encode("utf-8"))


_NOT_PLAIN = re.compile(r'[\x00-"\\]')  # a character at or below '"', or a backslash


def _plain(key: str) -> bool:
    """True when a key's line sorts as the key does (no character at or below '"' nor a
    backslash: the only ones json escapes or that sort below the closing quote)."""
    return _NOT_PLAIN.search(key) is None


class Part:
    """One part's entry lines (each ending with a comma), sorted, and the changes since."""

    def __init__(self, lines: list[bytes]) -> None:
        self.lines = lines
        self.changes: dict[str, Any] = {}  # key -> new value, None: removed

    def get(self, key: str, path: Path) -> Any:
        if key in self.changes:
            return self.changes[key]
        probe = _probe(key)
        i = bisect_left(self.lines, probe)
        if i < len(self.lines) and self.lines[i].startswith(probe):
            try:
                return json.loads(self.lines[i][len(probe) : -1])
            except ValueError as exc:
                raise CorruptIndex(
                    f"{path}: the entry {key!r} cannot be read ({exc}); "
                    "run `claimcorpus index --rebuild`"
                ) from None
        return None

    def fits(self, key: str) -> bool:
        """True when ``key`` is present, or its place among the lines is its place among
        the keys (the neighbours' keys sort below and above it)."""
        if key in self.changes:
            return True
        probe = _probe(key)
        i = bisect_left(self.lines, probe)
        n = len(self.lines)
        if i < n and self.lines[i].startswith(probe):
            return True
        try:
            below = i == 0 or _key(self.lines[i - 1])[0] < key
            return below and (i == n or key < _key(self.lines[i])[0])
        except ValueError:  # not a line the writer wrote: read whole (and named if bad)
            return False

    def flush(self) -> list[bytes]:
        """The lines with the changes spliced in (they become the part's lines)."""
        edits = []
        for k, v in self.changes.items():
            probe = _probe(k)
            i = bisect_left(self.lines, probe)
            present = i < len(self.lines) and self.lines[i].startswith(probe)
            edits.append((i, present, k, v))
        lines = self.lines
        # from the end, so indices stay valid; new keys at one index: the largest first
        for i, present, k, v in sorted(edits, key=lambda e: (e[0], e[2]), reverse=True):
            new = (_line(k, v) + ",").encode() if v is not None else None
            if present and new is None:
                del lines[i]
            elif present:
                lines[i] = new
            elif new is not None:
                lines.insert(i, new)
        self.changes.clear()
        return lines


class Shard:
    """A shard of the index: ``get``/``put`` an entry of ``docs`` or ``digests``."""

    def __init__(self, path: Path, parts: dict[str, Part]) -> None:
        self.path = path
        self.parts = parts
        self._generic = False  # parts held as dicts (_GenericPart), written anew

    def get(self, part: str, key: str) -> Any:
        return self.parts[part].get(key, self.path)

    def put(self, part: str, key: str, value: Any) -> None:
        # a key whose line may sort elsewhere than the key, or a new key whose neighbours'
        # lines are not in key order (a hand edit): the shard is encoded anew (exact bytes)
        if not self._generic and (not _plain(key) or not self.parts[part].fits(key)):
            self._reparse()
        self.parts[part].changes[key] = value

    def _reparse(self) -> None:
        """Hold the shard as its content encoded anew (keys of any kind, sorted as keys)."""
        if self._generic:
            return
        obj = {p: self._all(p) for p in PARTS}
        self.parts = {p: _GenericPart(obj[p]) for p in PARTS}
        self._generic = True

    def _all(self, part: str) -> dict[str, Any]:
        p = self.parts[part]
        out = {}
        for line in p.lines:
            try:
                k, end = _key(line)
                out[k] = json.loads(line[end + 2 : -1])
            except ValueError as exc:
                raise _corrupt(self.path, exc) from None
        for k, v in p.changes.items():
            if v is None:
                out.pop(k, None)
            else:
                out[k] = v
        return out

    def dump(self) -> bytes:
        """The shard file's bytes (b"" when the shard is empty: no file)."""
        if self._generic:
            obj = {p: self.parts[p].dict() for p in PARTS}
            if not any(obj.values()):
                return b""
            return dumps_shard({p: _listed(v) for p, v in obj.items()}).encode("utf-8")
        blocks = {p: self.parts[p].flush() for p in PARTS}
        if not any(blocks.values()):
            return b""
        items = []
        for p in PARTS:
            lines = blocks[p]
            if lines:
                body = b"\n".join(lines)[:-1]  # the last line without its comma
                items.append(b'  "' + p.encode() + b'": {\n' + body + b"\n  }")
            else:
                items.append(b'  "' + p.encode() + b'": {}')
        return b"{\n" + b",\n".join(items) + b"\n}\n"


class _GenericPart(Part):
    """A part held as a dict (a shard with keys whose lines do not sort as the keys)."""

    def __init__(self, entries: dict[str, Any]) -> None:
        super().__init__([])
        self.entries = entries

    def get(self, key: str, path: Path) -> Any:
        if key in self.changes:
            return self.changes[key]
        return self.entries.get(key)

    def dict(self) -> dict[str, Any]:
        for k, v in self.changes.items():
            if v is None:
                self.entries.pop(k, None)
            else:
                self.entries[k] = v
        self.changes.clear()
        return self.entries


def _listed(entries: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if type(v) is tuple else v for k, v in entries.items()}


def _block(lines: list[bytes], start: int, close: bytes) -> tuple[list[bytes], int] | None:
    """A part's entry lines from ``start`` (after its head) up to its closing line, each
    ending with a comma, when laid out as the writer lays them out; None otherwise."""
    try:
        end = lines.index(close, start)
    except ValueError:
        return None
    block = lines[start:end]
    if not block:
        return None
    joined = b"\n".join(block)
    n = len(block)
    if (
        not block[0].startswith(_ENTRY)
        or joined.count(b"\n" + _ENTRY) != n - 1
        or joined.count(b",\n") != n - 1
        or block[-1].endswith(b",")
    ):
        return None
    block[-1] += b","
    if block != sorted(block):
        return None
    return block, end


def _layout(data: bytes) -> dict[str, list[bytes]] | None:
    """The parts' entry lines of a shard file in the writer's layout, or None."""
    lines = data.split(b"\n")
    if len(lines) < 4 or lines[0] != b"{" or lines[-1] != b"" or lines[-2] != b"}":
        return None
    out: dict[str, list[bytes]] = {}
    i = 1
    for n, part in enumerate(PARTS):
        last = n == len(PARTS) - 1
        head = b'  "' + part.encode() + b'": {'
        comma = b"" if last else b","
        if i < len(lines) and lines[i] == head + b"}" + comma:
            out[part], i = [], i + 1
            continue
        if i >= len(lines) or lines[i] != head:
            return None
        got = _block(lines, i + 1, b"  }" + comma)
        if got is None:
            return None
        out[part], i = got[0], got[1] + 1
    return out if i == len(lines) - 2 else None


def load(path: Path) -> Shard:
    """The shard in ``path`` (empty when there is no file); CorruptIndex when unreadable."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Shard(path, {p: Part([]) for p in PARTS})
    except OSError as exc:
        raise _corrupt(path, exc) from None
    parts = _layout(data)
    if parts is not None:
        return Shard(path, {p: Part(parts[p]) for p in PARTS})
    obj = _parsed(path, data)
    shard = Shard(path, {p: Part([]) for p in PARTS})
    shard.parts = {p: _GenericPart(dict(obj[p])) for p in PARTS}
    shard._generic = True
    return shard


def read_whole(path: Path) -> dict[str, dict[str, Any]]:
    """The shard in ``path`` parsed whole (both parts empty when there is no file), for
    ``index --check``, which compares every entry; CorruptIndex when unreadable."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {p: {} for p in PARTS}
    except OSError as exc:
        raise _corrupt(path, exc) from None
    return _parsed(path, data)


def _parsed(path: Path, data: bytes) -> dict[str, dict[str, Any]]:
    """A shard file's bytes parsed as JSON and checked for its two parts."""
    try:
        obj = json.loads(data)
    except ValueError as exc:
        raise _corrupt(path, exc) from None
    if not (isinstance(obj, dict) and all(isinstance(obj.get(k), dict) for k in PARTS)):
        raise CorruptIndex(
            f"{path}: not an ingest index shard (want an object with 'docs' and 'digests'); "
            "run `claimcorpus index --rebuild`"
        )
    return obj


def _corrupt(path: Path, exc: Exception) -> CorruptIndex:
    return CorruptIndex(
        f"{path}: the ingest index cannot be read ({type(exc).__name__}: {exc}); "
        "run `claimcorpus index --rebuild`"
    )
