"""Reading files in whatever encoding they come in; writing what Windows expects."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

BATCH_ENCODING = "cp932"


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # codec name as Python knows it
    bom: bool


def decode_bytes(data: bytes) -> DecodedText:
    """BOM first (UTF-8, UTF-16 LE/BE), then strict UTF-8, then cp932.

    Raises UnicodeDecodeError when the bytes are none of these.
    """
    if data.startswith(codecs.BOM_UTF8):
        return DecodedText(data[3:].decode("utf-8"), "utf-8", True)
    if data.startswith(codecs.BOM_UTF16_LE):
        return DecodedText(data[2:].decode("utf-16-le"), "utf-16-le", True)
    if data.startswith(codecs.BOM_UTF16_BE):
        return DecodedText(data[2:].decode("utf-16-be"), "utf-16-be", True)
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", False)
    except UnicodeDecodeError:
        return DecodedText(data.decode(BATCH_ENCODING), BATCH_ENCODING, False)


def looks_binary(data: bytes) -> bool:
    """A NUL byte outside UTF-16 text means the file is not text."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\x00" in data[:8192]


def to_crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def encode_batch(text: str) -> bytes:
    """Batch files: code page 932 and CRLF, whatever the template used."""
    return to_crlf(text).encode(BATCH_ENCODING)
