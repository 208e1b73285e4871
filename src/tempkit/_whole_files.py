"""Whole-file reads and writes in one backend call, for the path's read_*/write_* methods.

``read_text()`` and friends open the file, stack a buffer and a text layer on it,
read or write once and close: on an in-memory backend that costs several times
what the data does. A backend that can hand over or replace a file's whole
contents in one step declares ``capabilities.whole_files`` and offers
``read_whole_file``/``write_whole_file`` (``protocol.WholeFileBackend``), with exactly
the semantics of ``open(path, "rb").read()`` and of ``open(path, "wb")`` followed
by one write (the same errors, in the same order; the file is created or
truncated first). The text layer is then replaced by ``bytes.decode``/
``str.encode`` plus the newline translation of ``io.TextIOWrapper``, for the
arguments where the two are known to agree; for anything else (stateful or
unusual codecs, a bad argument, an encoding error) the callers go the usual
way, so errors and edge cases come from the io stack itself.

``encoding="locale"`` (what ``read_text()`` without an encoding asks for) is
the codec ``TextIOWrapper`` itself picks for it at that moment: the C function
it calls, exposed by ``_locale`` (it follows ``setlocale`` and UTF-8 mode as
the io stack does).
"""

from __future__ import annotations

import _locale
import codecs
import os
import sys
from collections.abc import Callable
from typing import Any, Final

# The capability itself (a flag, a sub-protocol and its accessor) is declared with
# the backend protocol; the path layer takes the accessor from here with the coding.
from tempkit.backends.protocol import WholeFileBackend, whole_file_backend

__all__ = [
    "WholeFileBackend",
    "decode_text",
    "decode_with",
    "encode_text",
    "text_codec",
    "whole_file_backend",
]

# Codecs whose one-shot encode/decode equals TextIOWrapper's incremental one
# (stateless; a BOM, if any, only at the start of the file).
_PLAIN_CODECS: Final = frozenset({"utf-8", "utf-8-sig", "ascii", "iso8859-1", "cp1252"})
_NEWLINES: Final = (None, "", "\n", "\r", "\r\n")


# What TextIOWrapper(encoding="locale") uses: _Py_GetLocaleEncodingObject, which is
# _locale.getencoding on 3.11+ and _locale._get_locale_encoding on 3.10 (where it
# also answers "UTF-8" in UTF-8 mode, as the 3.10 io stack does).
if sys.version_info >= (3, 11):
    _locale_encoding: Final[Callable[[], str]] = _locale.getencoding
else:
    _locale_encoding: Final[Callable[[], str]] = _locale._get_locale_encoding  # type: ignore[attr-defined]


def _plain(encoding: Any, errors: Any, newline: Any) -> str | None:
    """The codec name to encode or decode with, when one-shot coding equals the io stack's."""
    if type(encoding) is not str or not (errors is None or type(errors) is str):
        return None
    if newline not in _NEWLINES or (newline is not None and type(newline) is not str):
        return None
    if encoding == "locale":
        encoding = _locale_encoding()
    plain = _plain_encodings.get(encoding)
    if plain is None:
        try:
            plain = codecs.lookup(encoding).name in _PLAIN_CODECS
        except LookupError:
            return None  # not remembered: a codec may be registered later
        if len(_plain_encodings) < _REMEMBERED_ENCODINGS:
            _plain_encodings[encoding] = plain
    return encoding if plain else None


# Encoding name -> whether it is a plain codec, so codecs.lookup runs once per name.
_plain_encodings: dict[str, bool] = {}
_REMEMBERED_ENCODINGS: Final = 64


def text_codec(encoding: Any, errors: Any, newline: Any) -> str | None:
    """The codec to decode a whole file with, or None when only the io stack can say.

    Asked before the file is read: for an argument the io stack refuses (of the
    wrong type, say) it is None, so the open refuses it as it refuses it on any
    backend, before looking at the file.
    """
    return _plain(encoding, errors, newline)


def decode_text(data: bytes, encoding: str, errors: str | None, newline: str | None) -> str | None:
    """What reading ``data`` through ``open(..., "r", encoding, errors, newline)`` gives.

    None when only the io stack can say (then it also raises the right error).
    """
    codec = _plain(encoding, errors, newline)
    if codec is None:
        return None
    return decode_with(data, codec, errors, newline)


def decode_with(data: bytes, codec: str, errors: str | None, newline: str | None) -> str | None:
    """``data`` decoded with a codec from :func:`text_codec`; None on a decoding error."""
    try:
        text = data.decode(codec, "strict" if errors is None else errors)
    except UnicodeError:
        return None
    if newline is None and "\r" in text:
        # Universal newlines: "\r\n" and a lone "\r" both read as "\n".
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def encode_text(text: str, encoding: str, errors: str | None, newline: str | None) -> bytes | None:
    """The bytes ``open(..., "w", encoding, errors, newline).write(text)`` stores.

    None when only the io stack can say (then it also raises the right error).
    """
    codec = _plain(encoding, errors, newline)
    if codec is None:
        return None
    if newline != "":
        # As TextIOWrapper: "\n" is written as the newline given, or os.linesep.
        separator = newline or os.linesep
        if separator != "\n":
            text = text.replace("\n", separator)
    try:
        return text.encode(codec, "strict" if errors is None else errors)
    except UnicodeError:
        return None
