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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from botsieve.engine.vocab import INPUT_TYPES, VOCABULARIES
from botsieve.sessions.event_schema import FIELDS, FieldKind

FORMAT_VERSION = 1
MISSING_NUMBER = np.iinfo(np.int32).min
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


def _shuffle(column: np.ndarray) -> bytes:
    raw = np.ascontiguousarray(column).view(np.uint8)
    return raw.reshape(-1, column.dtype.itemsize).T.tobytes()


def _unshuffle(raw: bytes, dtype: Any, count: int) -> np.ndarray:
    itemsize = np.dtype(dtype).itemsize
    planes = np.frombuffer(raw, dtype=np.uint8).reshape(itemsize, count)
    return np.ascontiguousarray(planes.T).view(dtype).reshape(count)


def _vocab_code(field: str, value: str) -> int:
    codes = _VOCAB_CODES[field]
    # Unknown input types are kept as "other"; the other vocabularies are closed by validation.
    return codes.get(value, codes.get(INPUT_TYPES[0], 0) if field == "input_type" else 0)


def _column(field: str, kind: FieldKind, values: Sequence[Any], strings: list[str]) -> np.ndarray:
    if kind == "f":
        quantized = np.array(
            [MISSING_NUMBER if v is None else round(v * 10) for v in values], dtype=np.int64
        ).astype(np.int32)
        return np.diff(quantized, prepend=np.int32(0)).astype(np.int32)
    if kind == "i":
        return np.array([-1 if v is None else v for v in values], dtype=np.int32)
    if kind == "b":
        return np.array(values, dtype=np.uint8)
    if kind == "v":
        return np.array([_vocab_code(field, v) for v in values], dtype=np.uint8)
    index: dict[str, int] = {}
    codes = []
    for v in values:
        if v is None:
            codes.append(MISSING_STRING)
            continue
        if v not in index:
            index[v] = len(strings)
            strings.append(v)
        codes.append(index[v])
    return np.array(codes, dtype=np.uint16)


def encode_rows(event_type: str, events: Sequence[Any]) -> bytes:
    """Encode events of one type (objects with the type's fields as attributes)."""
    header: dict[str, list[str]] = {}
    parts = []
    for field, kind in FIELDS[event_type]:
        values = [getattr(e, field) for e in events]
        strings: list[str] = []
        parts.append(_shuffle(_column(field, kind, values, strings)))
        if strings:
            header[field] = strings
    header_bytes = json.dumps(header, separators=(",", ":")).encode() if header else b""
    payload = struct.pack("<H", len(header_bytes)) + header_bytes + b"".join(parts)
    return bytes([FORMAT_VERSION]) + zlib.compress(payload, 6)


def encode_batch(events: Iterable[Any]) -> list[EncodedRow]:
    """Group a validated batch by type and encode each group."""
    by_type: dict[str, list[Any]] = {}
    for event in events:
        by_type.setdefault(event.type, []).append(event)
    return [
        EncodedRow(event_type, min(e.t for e in group), len(group), encode_rows(event_type, group))
        for event_type, group in by_type.items()
    ]


def decode_row(event_type: str, count: int, blob: bytes) -> tuple[dict[str, np.ndarray], dict]:
    """Columns of one stored row, and its string tables (row-local string codes)."""
    if not blob or blob[0] != FORMAT_VERSION:
        raise ValueError(f"unknown event storage format {blob[:1]!r}")
    payload = zlib.decompress(blob[1:])
    (header_len,) = struct.unpack_from("<H", payload)
    offset = 2 + header_len
    header = json.loads(payload[2:offset]) if header_len else {}
    columns: dict[str, np.ndarray] = {}
    for field, kind in FIELDS[event_type]:
        dtype = _STORED_DTYPE[kind]
        size = np.dtype(dtype).itemsize * count
        stored = _unshuffle(payload[offset : offset + size], dtype, count)
        offset += size
        if kind == "f":
            ints = np.cumsum(stored, dtype=np.int32)
            values = ints.astype(np.float64) / 10.0
            values[ints == MISSING_NUMBER] = np.nan
            columns[field] = values
        elif kind == "b":
            columns[field] = stored.astype(bool)
        else:
            columns[field] = stored.astype(np.int64)
    return columns, header


@dataclass
class DecodedEvents:
    events: dict[str, dict[str, np.ndarray]]
    labels: dict[str, tuple[str, ...]]


def decode_session(rows: Iterable[tuple[str, int, bytes]]) -> DecodedEvents:
    """All of a session's rows as the engine's columns: per type, sorted by ``t``.

    Free-form strings get session-wide codes in first-seen order; the strings are in ``labels``.
    """
    parts: dict[str, list[dict[str, np.ndarray]]] = {}
    global_strings: dict[str, dict[str, int]] = {}
    for event_type, count, blob in rows:
        columns, header = decode_row(event_type, count, blob)
        for field, table in header.items():
            index = global_strings.setdefault(field, {})
            remap = np.array([index.setdefault(s, len(index)) for s in table], dtype=np.int64)
            local = columns[field]
            missing = local == MISSING_STRING
            columns[field] = np.where(missing, -1, remap[np.where(missing, 0, local)])
        for field, kind in FIELDS[event_type]:
            if kind == "s" and field not in header:
                columns[field] = np.full(count, -1, dtype=np.int64)
        parts.setdefault(event_type, []).append(columns)
    events: dict[str, dict[str, np.ndarray]] = {}
    for event_type, chunks in parts.items():
        merged = {f: np.concatenate([c[f] for c in chunks]) for f in chunks[0]}
        order = np.argsort(merged["t"], kind="stable")
        events[event_type] = {f: v[order] for f, v in merged.items()}
    labels = {field: tuple(index) for field, index in global_strings.items()}
    return DecodedEvents(events, labels)
