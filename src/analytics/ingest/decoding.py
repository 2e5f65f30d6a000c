"""Bytes to text: a BOM, UTF-8 or BOM-less UTF-16, charset-normalizer's guess, fallbacks.

Binary data (NUL bytes, many control characters) and empty files are refused with a
reason for the load report; the encoding read is kept so the report can mention it.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import NamedTuple

import charset_normalizer

from analytics.ingest.report import SkippedFile

# Controls counted when telling binary from text: C1 codes too, which text never holds
# but high-byte noise read as latin-1 is full of.
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# More than this share of control characters means the file is not text.
_MAX_CONTROL_SHARE = 0.05


class Decoded(NamedTuple):
    """A file's text and the encoding it was read with (Python codec name)."""

    text: str
    encoding: str


# Encodings whose text needs no mention in the load report.
PLAIN_ENCODINGS = ("utf-8", "utf-8-sig", "ascii")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Bytes looked at to tell UTF-16 without a BOM and binary data from text.
_SNIFF_BYTES = 65536


def _decode(data: bytes) -> Decoded:
    """Bytes to text: a BOM, then UTF-8 (or BOM-less UTF-16), then charset-normalizer's
    best guess, then Windows-1252 and latin-1; binary data is refused."""
    if not data.strip():
        raise SkippedFile("empty file")
    decoded = _decode_by_bom(data) or _decode_utf16_without_bom(data)
    if decoded is None:
        try:
            decoded = Decoded(data.decode("utf-8"), "utf-8")
        except UnicodeDecodeError:
            decoded = _decode_detected(data) or _decode_fallback(data)
    text = decoded.text
    sample = text[:_SNIFF_BYTES]
    if len(_BINARY_CONTROL.findall(sample)) > _MAX_CONTROL_SHARE * len(sample):
        kind = "NUL bytes" if "\x00" in sample else "control characters"
        raise SkippedFile(f"binary file ({kind})")
    if not text.strip():
        raise SkippedFile("empty file")
    return decoded


def _decode_by_bom(data: bytes) -> Decoded | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError as error:
                raise SkippedFile(f"undecodable {encoding} text ({error.reason})") from None
    return None


def _decode_utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 text without a BOM: NUL bytes on one side of most characters only."""
    sample = data[:_SNIFF_BYTES]
    half = len(sample) // 2
    if half < 2 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for encoding, mostly, rarely in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        # Mostly-ASCII UTF-16 has a NUL in every other byte; binary data has them anywhere.
        if mostly > 0.3 * half and rarely < 0.02 * half:
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError:
                return None
    return None


def _decode_detected(data: bytes) -> Decoded | None:
    """charset-normalizer's guess, or Windows-1252 when a reading that scores as well as the
    guess reads the bytes as Windows-1252 does."""
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    # Detection cannot tell Western text from a Central European (or Urdu) reading of the
    # same bytes when both score alike ("España" read as cp1250 is "Espańa"); a tie is
    # read as Windows-1252, the Western default, and named as such.
    for match in matches:
        tied = (
            match.percent_chaos <= best.percent_chaos
            and match.percent_coherence >= best.percent_coherence
        )
        if tied and western is not None and str(match) == western:
            return Decoded(western, "cp1252")
    return Decoded(str(best), codecs.lookup(best.encoding).name)


def _decode_fallback(data: bytes) -> Decoded:
    try:
        return Decoded(data.decode("cp1252"), "cp1252")
    except UnicodeDecodeError:
        return Decoded(data.decode("latin-1"), "latin-1")


def read_text(path: Path) -> Decoded:
    """A file's text and encoding; ``SkippedFile`` when it cannot be read as text."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SkippedFile(f"unreadable: {error.strerror or type(error).__name__}") from None
    return _decode(data)
