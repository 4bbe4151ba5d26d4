"""Compact storage of events: one blob per (batch, event type), in columns.

Layout of a blob: a format byte, then zlib of [u16 header length][header JSON][columns]. The
header holds only the tables of free-form strings (field ids, page marks) that the row uses.
Each column is, in ``FIELDS`` order: numbers as int32 in tenths (delta-encoded for ``f``
fields, so smooth paths become small numbers), integers as int32, booleans and vocabulary codes
as uint8, strings as uint16 indexes into the header's table. Columns are byte-shuffled (all
low bytes, then the next...) before zlib, which is what makes a mousemove cost a few bytes.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from botsieve.engine.vocab import INPUT_TYPES, VOCABULARIES
from botsieve.sessions.event_schema import FIELDS, FieldKind

FORMAT_VERSION = 1
MISSING_NUMBER = -0x8000_0000  # int32's minimum
MISSING_STRING = 0xFFFF
_VOCAB_CODES = {name: {value: i for i, value in enumerate(v)} for name, v in VOCABULARIES.items()}
_STORED_DTYPE: dict[FieldKind, Any] = {
    "f": np.int32,
    "i": np.int32,
    "b": np.uint8,
    "v": np.uint8,
    "s": np.uint16,
}


@dataclass(frozen=True)
class EncodedRow:
    event_type: str
    first_t: float
    count: int
    data: bytes


# Encoding runs per request on the ingestion path, mostly on a handful of events, where numpy's
# per-call overhead is most of the cost; plain struct packing is several times faster there.
_SAFE = 0x4000_0000  # differences of numbers within +-2**30 fit int32
_STRUCT_CODE: dict[FieldKind, str] = {"f": "i", "i": "i", "b": "B", "v": "B", "s": "H"}


def _int32(value: int) -> int:
    """``value`` wrapped to int32, as numpy's int32 arithmetic wraps (the decoder relies on it)."""
    return ((value + 0x8000_0000) & 0xFFFF_FFFF) - 0x8000_0000


def _shuffled(kind: FieldKind, codes: list[int]) -> bytes:
    code = _STRUCT_CODE[kind]
    raw = struct.pack(f"<{len(codes)}{code}", *codes)
    size = struct.calcsize(code)
    # Byte plane i holds byte i of every value: the low bytes first, which zlib loves.
    return raw if size == 1 else b"".join(raw[i::size] for i in range(size))


def _vocab_code(field: str, value: str) -> int:
    codes = _VOCAB_CODES[field]
    # Unknown input types are kept as "other"; the other vocabularies are closed by validation.
    return codes.get(value, codes.get(INPUT_TYPES[0], 0) if field == "input_type" else 0)


def _deltas(values: Sequence[float | None]) -> list[int]:
    tenths = [MISSING_NUMBER if v is None else round(v * 10) for v in values]
    if min(tenths) > -_SAFE and max(tenths) < _SAFE:
        # No value near int32's limits (the usual case): no difference can wrap.
        return [b - a for a, b in zip([0, *tenths], tenths, strict=False)]
    out = []
    previous = 0
    for value in tenths:
        value = _int32(value)
        out.append(_int32(value - previous))
        previous = value
    return out


# What a free string is stored as (field name, value -> stored value); see privacy/strings.py.
StringPolicy = Callable[[str, str], str]


def _as_sent(_field: str, value: str) -> str:
    return value


def _codes(
    field: str,
    kind: FieldKind,
    values: Sequence[Any],
    strings: list[str],
    policy: StringPolicy = _as_sent,
) -> list[int]:
    if kind == "f":
        return _deltas(values)
    if kind == "i":
        return [-1 if v is None else v for v in values]
    if kind == "b":
        return [1 if v else 0 for v in values]
    if kind == "v":
        return [_vocab_code(field, v) for v in values]
    index: dict[str, int] = {}
    codes = []
    for v in values:
        if v is None:
            codes.append(MISSING_STRING)
            continue
        v = policy(field, v)
        if v not in index:
            index[v] = len(strings)
            strings.append(v)
        codes.append(index[v])
    return codes


def encode_rows(event_type: str, events: Sequence[Any], policy: StringPolicy = _as_sent) -> bytes:
    """Encode events of one type (objects with the type's fields as attributes)."""
    header: dict[str, list[str]] = {}
    parts = []
    for field, kind in FIELDS[event_type]:
        values = [getattr(e, field) for e in events]
        strings: list[str] = []
        parts.append(_shuffled(kind, _codes(field, kind, values, strings, policy)))
        if strings:
            header[field] = strings
    header_bytes = json.dumps(header, separators=(",", ":")).encode() if header else b""
    payload = struct.pack("<H", len(header_bytes)) + header_bytes + b"".join(parts)
    return bytes([FORMAT_VERSION]) + zlib.compress(payload, 6)


def encode_batch(events: Iterable[Any], policy: StringPolicy = _as_sent) -> list[EncodedRow]:
    """Group a validated batch by type and encode each group, free strings through ``policy``."""
    by_type: dict[str, list[Any]] = {}
    for event in events:
        by_type.setdefault(event.type, []).append(event)
    return [
        EncodedRow(
            event_type, min(e.t for e in group), len(group), encode_rows(event_type, group, policy)
        )
        for event_type, group in by_type.items()
    ]


def _payload(blob: bytes) -> tuple[bytes, int, dict[str, list[str]]]:
    """The decompressed payload, where its columns start, and its string tables."""
    if not blob or blob[0] != FORMAT_VERSION:
        raise ValueError(f"unknown event storage format {blob[:1]!r}")
    payload = zlib.decompress(blob[1:])
    (header_len,) = struct.unpack_from("<H", payload)
    start = 2 + header_len
    return payload, start, json.loads(payload[2:start]) if header_len else {}


@dataclass
class DecodedEvents:
    events: dict[str, dict[str, np.ndarray]]
    labels: dict[str, tuple[str, ...]]


class _TypeRows:
    """The rows of one event type, decoded together: one numpy pass per field, not per row.

    Each row's column is stored as ``itemsize`` byte planes; plane ``j`` of every row is joined
    into one buffer, so the whole type unshuffles at once. Delta-encoded fields restart at each
    row, which one cumulative sum corrects by subtracting each row's running total at its start.
    """

    def __init__(self, event_type: str) -> None:
        self.fields = FIELDS[event_type]
        self.counts: list[int] = []
        self.planes: dict[str, list[list[bytes]]] = {
            f: [[] for _ in range(np.dtype(_STORED_DTYPE[k]).itemsize)] for f, k in self.fields
        }
        # Per string field: per row, that row's table already mapped to session-wide codes.
        self.remaps: dict[str, list[np.ndarray | None]] = {
            f: [] for f, k in self.fields if k == "s"
        }

    def add(self, count: int, blob: bytes, strings: dict[str, dict[str, int]]) -> None:
        payload, offset, header = _payload(blob)
        self.counts.append(count)
        for field, kind in self.fields:
            planes = self.planes[field]
            for plane in planes:
                plane.append(payload[offset : offset + count])
                offset += count
            if kind == "s":
                table = header.get(field)
                index = strings.setdefault(field, {})
                self.remaps[field].append(
                    None
                    if table is None
                    else np.array([index.setdefault(v, len(index)) for v in table], np.int64)
                )

    def columns(self) -> dict[str, np.ndarray]:
        counts = np.array(self.counts, dtype=np.int64)
        total = int(counts.sum())
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        out: dict[str, np.ndarray] = {}
        for field, kind in self.fields:
            dtype = _STORED_DTYPE[kind]
            planes = [np.frombuffer(b"".join(p), dtype=np.uint8) for p in self.planes[field]]
            stored = np.ascontiguousarray(np.stack(planes, axis=1)).view(dtype).reshape(total)
            if kind == "f":
                running = np.cumsum(stored, dtype=np.int32)
                before = np.where(starts > 0, running[starts - 1], 0).astype(np.int32)
                ints = running - np.repeat(before, counts)
                values = ints.astype(np.float64) / 10.0
                values[ints == MISSING_NUMBER] = np.nan
                out[field] = values
            elif kind == "b":
                out[field] = stored.astype(bool)
            elif kind == "s":
                out[field] = self._session_codes(field, stored, counts)
            else:
                out[field] = stored.astype(np.int64)
        return out

    def _session_codes(self, field: str, local: np.ndarray, counts: np.ndarray) -> np.ndarray:
        remaps = self.remaps[field]
        tables = [r if r is not None else np.zeros(0, np.int64) for r in remaps]
        offsets = np.concatenate([[0], np.cumsum([len(t) for t in tables])[:-1]])
        combined = np.concatenate([*tables, np.array([-1], np.int64)])
        missing = local == MISSING_STRING
        position = local.astype(np.int64) + np.repeat(offsets, counts)
        return np.where(missing, -1, combined[np.where(missing, len(combined) - 1, position)])


def decode_session(rows: Iterable[tuple[str, int, bytes]]) -> DecodedEvents:
    """All of a session's rows as the engine's columns: per type, sorted by ``t``.

    Free-form strings get session-wide codes in first-seen order; the strings are in ``labels``.
    """
    by_type: dict[str, _TypeRows] = {}
    strings: dict[str, dict[str, int]] = {}
    for event_type, count, blob in rows:
        if event_type not in by_type:
            by_type[event_type] = _TypeRows(event_type)
        by_type[event_type].add(count, blob, strings)
    events: dict[str, dict[str, np.ndarray]] = {}
    for event_type, group in by_type.items():
        merged = group.columns()
        order = np.argsort(merged["t"], kind="stable")
        events[event_type] = {f: v[order] for f, v in merged.items()}
    return DecodedEvents(events, {field: tuple(index) for field, index in strings.items()})
