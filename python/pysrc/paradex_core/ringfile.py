"""Read paradex rings with numpy alone: no extension, any CPython >= 3.8 with numpy.

This file is self-contained (standard library + numpy) so it can be copied next to a notebook
on a machine or interpreter where ``paradex_core`` is not installed. It implements layout
version 1 of ``docs/ring-layout.md`` and refuses any other version.

    from ringfile import RingFile
    ring = RingFile("paradex.prod.bbo", start="oldest")
    records = ring.poll()            # structured array, seqlock-checked copies
    ring.lost, ring.writer_status()  # laps and writer liveness

Reads are seqlock-checked: a record is accepted only if its slot stamp equals ``2*seq + 2``
both before and after the copy, so a reader never returns a torn record. On x86-64 numpy's
plain loads are enough for this (see the layout doc).
"""

from __future__ import annotations

import mmap
import os
import time
from typing import Dict, Optional

import numpy as np

LAYOUT_VERSION = 1
MAGIC = 0x00474E4952584450  # b"PDXRING\0" little-endian
DATA_OFFSET = 0x13000
HEADER_WORDS = 16
OFF_WRITER_PID = 0x80
OFF_WRITER_EPOCH = 0x88
OFF_WRITER_STATE = 0x90
OFF_TAIL = 0x100
OFF_HEARTBEAT = 0x180
OFF_HEALTH = 0x200
OFF_SYMBOLS = 0x3000
SYMBOL_ENTRY = 64
SYMBOL_BYTES = 32
MAX_MARKETS = 1024
NULL_PRICE = -(2**63)
PRICE_SCALE = 10**8

HEALTH_NAMES = (
    "messages",
    "reconnects",
    "book_gaps",
    "parse_errors",
    "unknown_templates",
    "malformed_frames",
    "laps_observed",
    "stale_dropped",
)
WRITER_STATES = {0: "none", 1: "live", 2: "closed", 3: "replaced"}

_FIELDS = {
    "bbo": (1, [("ts_exchange", "<i8"), ("ts_recv", "<i8"), ("market_id", "<u4"),
                ("flags", "<u4"), ("bid_px", "<i8"), ("bid_sz", "<i8"), ("ask_px", "<i8"),
                ("ask_sz", "<i8")]),
    "trade": (2, [("ts_exchange", "<i8"), ("ts_recv", "<i8"), ("market_id", "<u4"),
                  ("side", "<u2"), ("trade_type", "<u2"), ("price", "<i8"), ("size", "<i8"),
                  ("seq", "<i8"), ("reserved", "<i8")]),
    "book_level": (3, [("ts_exchange", "<i8"), ("ts_recv", "<i8"), ("market_id", "<u4"),
                       ("side", "<u2"), ("flags", "<u2"), ("price", "<i8"), ("size", "<i8"),
                       ("seq", "<i8"), ("reserved", "<i8")]),
    "mark_funding": (4, [("ts_exchange", "<i8"), ("ts_recv", "<i8"), ("market_id", "<u4"),
                         ("flags", "<u4"), ("mark_px", "<i8"), ("index_px", "<i8"),
                         ("funding_rate", "<i8"), ("open_interest", "<i8")]),
}

#: Price-like columns (i64 mantissas at exponent -8) of each kind.
PRICE_FIELDS = {
    "bbo": ("bid_px", "bid_sz", "ask_px", "ask_sz"),
    "trade": ("price", "size"),
    "book_level": ("price", "size"),
    "mark_funding": ("mark_px", "index_px", "funding_rate", "open_interest"),
}


class RingFileError(Exception):
    """The file is not a readable ring segment (missing, wrong version, corrupt)."""


class LappedError(RingFileError):
    """The writer overwrote records before they were read; ``lost`` is the exact count."""

    def __init__(self, message: str, lost: int, records: np.ndarray):
        super().__init__(message)
        self.lost = lost
        self.records = records


def record_dtype(kind: str) -> np.dtype:
    """The structured dtype of ``kind`` (``bbo``, ``trade``, ``book_level``, ``mark_funding``)."""
    _, fields = _FIELDS[kind]
    offsets, at = [], 0
    for _, fmt in fields:
        offsets.append(at)
        at += np.dtype(fmt).itemsize
    return np.dtype({"names": [n for n, _ in fields], "formats": [f for _, f in fields],
                     "offsets": offsets, "itemsize": at})


def layout_hash(kind: str) -> int:
    """FNV-1a 64 of the layout, as the writer stores it in the header."""
    dtype = record_dtype(kind)
    h = 0xCBF29CE484222325

    def feed(data: bytes) -> None:
        nonlocal h
        for byte in data:
            h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF

    feed(kind.encode())
    feed(dtype.itemsize.to_bytes(8, "little"))
    for name in dtype.names:
        fmt, offset = dtype.fields[name][:2]
        feed(name.encode())
        feed(offset.to_bytes(8, "little"))
        feed(fmt.str.encode())
    return h


def _slot_size(record_size: int) -> int:
    return -(-(8 + record_size) // 64) * 64


class RingFile:
    """A read-only, unregistered reader of one segment, using ``mmap`` + ``np.frombuffer``.

    ``start``: ``"oldest"`` retained record, ``"newest"`` published one, or ``"next"``.
    """

    def __init__(self, name_or_path: str, directory: str = "/dev/shm", start: str = "newest"):
        path = str(name_or_path)
        self.path = path if "/" in path else os.path.join(directory, path)
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError as err:
            raise RingFileError(f"{self.path}: {err.strerror} (is the writer running?)") from err
        try:
            size = os.fstat(fd).st_size
            if size < DATA_OFFSET:
                raise RingFileError(f"{self.path}: {size} bytes, too short for a ring header")
            self._map = mmap.mmap(fd, 0, prot=mmap.PROT_READ)
        finally:
            os.close(fd)
        self._u64 = np.frombuffer(self._map, dtype="<u8", count=DATA_OFFSET // 8)
        self._i64 = self._u64.view("<i8")
        hdr = self._u64[:HEADER_WORDS]
        if int(hdr[0]) != MAGIC:
            raise RingFileError(f"{self.path}: bad magic {int(hdr[0]):#x}: not a ring segment")
        if int(hdr[1]) != LAYOUT_VERSION:
            raise RingFileError(
                f"{self.path}: layout version {int(hdr[1])}, this reader understands "
                f"{LAYOUT_VERSION}: use a matching ringfile.py")
        kind_id = int(hdr[8])
        kinds = {kid: name for name, (kid, _) in _FIELDS.items()}
        if kind_id not in kinds:
            raise RingFileError(f"{self.path}: unknown record kind id {kind_id}")
        self.kind = kinds[kind_id]
        self.dtype = record_dtype(self.kind)
        if int(hdr[2]) != layout_hash(self.kind) or int(hdr[3]) != self.dtype.itemsize:
            raise RingFileError(f"{self.path}: record layout differs from this reader's")
        self.capacity, self.slot_size = int(hdr[5]), int(hdr[4])
        if self.slot_size != _slot_size(self.dtype.itemsize) or int(hdr[7]) != DATA_OFFSET:
            raise RingFileError(f"{self.path}: corrupt header (slot size / data offset)")
        if self.capacity < 2 or self.capacity & (self.capacity - 1) or int(hdr[6]) != size:
            raise RingFileError(f"{self.path}: corrupt header (capacity / size)")
        self._stamps = np.frombuffer(self._map, dtype="<u8", offset=DATA_OFFSET,
                                     count=self.capacity * self.slot_size // 8)[::self.slot_size // 8]
        self._slots = np.ndarray((self.capacity,), dtype=self.dtype, buffer=self._map,
                                 offset=DATA_OFFSET + 8, strides=(self.slot_size,))
        tail = self.published
        self.cursor = {"oldest": max(0, tail - self.capacity), "newest": max(0, tail - 1),
                       "next": tail}[start]
        self.lost = 0

    @property
    def published(self) -> int:
        """Records published over the segment's life (the tail)."""
        return int(self._u64[OFF_TAIL // 8])

    def poll(self, max_records: Optional[int] = None, on_lap: str = "raise") -> np.ndarray:
        """Seqlock-checked copies of the new records (at most ``max_records``).

        A lap raises :class:`LappedError` (with ``.lost`` and ``.records``) unless
        ``on_lap="count"``; either way ``self.lost`` counts it and reading continues.
        """
        chunks, lost, limit = [], 0, max_records if max_records is not None else self.capacity
        while limit > 0:
            tail = self.published
            if tail <= self.cursor:
                break
            first = self.cursor
            n = min(tail - first, limit, self.capacity - first % self.capacity)
            idx = first % self.capacity
            expect = 2 * np.arange(first, first + n, dtype=np.uint64) + 2
            before = self._stamps[idx:idx + n] == expect
            copy = self._slots[idx:idx + n].copy()
            after = self._stamps[idx:idx + n] == expect
            good = before & after
            ok = n if good.all() else int(np.argmin(good))
            if ok:
                chunks.append(copy[:ok])
                self.cursor += ok
                limit -= ok
            if ok < n:  # the first bad slot was overwritten (or is being): lapped
                resume = max(self.cursor + 1, self.published - (self.capacity - 1))
                lost += resume - self.cursor
                self.cursor = resume
        self.lost += lost
        out = np.concatenate(chunks) if chunks else np.empty(0, self.dtype)
        if lost and on_lap == "raise":
            raise LappedError(f"lapped: {lost} records lost", lost, out)
        return out

    def writer_info(self) -> Dict[str, int]:
        """Pid, epoch, state name and heartbeat (``CLOCK_MONOTONIC`` ns) of the writer."""
        return {"pid": int(self._u64[OFF_WRITER_PID // 8]),
                "epoch": int(self._u64[OFF_WRITER_EPOCH // 8]),
                "state": WRITER_STATES.get(int(self._u64[OFF_WRITER_STATE // 8]), "corrupt"),
                "heartbeat_ns": int(self._i64[OFF_HEARTBEAT // 8])}

    def writer_status(self, max_age: float = 5.0) -> str:
        """``alive``, ``stale``, ``dead``, ``closed`` or ``replaced`` (as the Rust reader)."""
        info = self.writer_info()
        if info["state"] in ("closed", "replaced"):
            return info["state"]
        try:
            os.kill(info["pid"], 0)
        except ProcessLookupError:
            return "dead"
        except PermissionError:
            pass
        age_ns = time.monotonic_ns() - info["heartbeat_ns"]
        return "stale" if age_ns > max_age * 1e9 else "alive"

    def health(self) -> Dict[str, int]:
        """Feed-health counters by name."""
        cells = self._u64[OFF_HEALTH // 8: OFF_HEALTH // 8 + len(HEALTH_NAMES)]
        return {name: int(v) for name, v in zip(HEALTH_NAMES, cells)}

    def symbols(self) -> Dict[int, str]:
        """``{market_id: symbol}`` for every entry the writer set (seqlock-checked)."""
        out = {}
        raw = np.frombuffer(self._map, dtype=np.uint8, offset=OFF_SYMBOLS,
                            count=MAX_MARKETS * SYMBOL_ENTRY)
        stamps = self._u64[OFF_SYMBOLS // 8: (OFF_SYMBOLS + MAX_MARKETS * SYMBOL_ENTRY) // 8:8]
        for market in np.nonzero(stamps)[0]:
            for _ in range(100):
                s0 = int(stamps[market])
                at = market * SYMBOL_ENTRY + 8
                name = raw[at:at + SYMBOL_BYTES].tobytes()
                if s0 % 2 == 0 and int(stamps[market]) == s0:
                    out[int(market)] = name.rstrip(b"\0").decode("utf-8", "replace")
                    break
        return out

    def close(self) -> None:
        """Unmaps the file (arrays returned by ``poll`` are copies and stay valid)."""
        self._stamps = self._slots = self._u64 = self._i64 = None
        self._map.close()

    def __enter__(self) -> "RingFile":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
