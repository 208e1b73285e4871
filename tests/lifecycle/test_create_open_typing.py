"""The types create_open gives by mode, checked by mypy --strict and pyright (strict).

``scripts/test`` type-checks this file with mypy (as part of ``tests``) and with
pyright (the ``30-pyright`` hook, see pyrightconfig.json); ``assert_type`` fails
either checker when an inferred type differs. At run time the same calls run for
real, and the file objects are checked to be what the types say.
"""

from __future__ import annotations

import io
import sys
from typing import IO, Any, BinaryIO

from tempkit import MemoryBackend, OpenTempFile, TempFilePath

if sys.version_info >= (3, 11):
    from typing import assert_type
else:
    from typing_extensions import assert_type


def a_mode() -> str:
    """A mode known only at run time."""
    return "w+b"


def test_text_modes_give_a_text_file_whose_write_takes_str() -> None:
    with TempFilePath.create_open("w+", encoding="utf-8") as opened:
        assert_type(opened, OpenTempFile[str, io.TextIOWrapper])
        assert_type(opened.file, io.TextIOWrapper)
        assert_type(opened.write("zwölf"), int)
        opened.seek(0)
        assert_type(opened.read(), str)
        assert_type(opened.path, TempFilePath)
        assert isinstance(opened.file, io.TextIOWrapper)
    with TempFilePath.create_open("x", encoding="utf-8") as written:
        assert_type(written, OpenTempFile[str, io.TextIOWrapper])


def test_binary_modes_give_a_buffered_binary_file_whose_write_takes_bytes() -> None:
    with TempFilePath.create_open() as default:
        assert_type(default, OpenTempFile[bytes, io.BufferedIOBase])
        assert_type(default.write(b"data"), int)
        default.seek(0)
        assert_type(default.read(), bytes)
        assert_type(list(default), list[bytes])
        assert isinstance(default.file, io.BufferedRandom)
    with TempFilePath.create_open("wb") as writing:
        assert_type(writing.file, io.BufferedIOBase)
        assert isinstance(writing.file, io.BufferedWriter)
    with TempFilePath.create_open("w+b", backend=MemoryBackend()) as memory:
        assert_type(memory, OpenTempFile[bytes, io.BufferedIOBase])
        assert isinstance(memory.file, io.BufferedRandom)


def test_unbuffered_and_unknown_modes() -> None:
    with TempFilePath.create_open("w+b", buffering=0) as raw:
        assert_type(raw, OpenTempFile[bytes, io.RawIOBase])
        assert isinstance(raw.file, io.FileIO)
    size = 4096
    with TempFilePath.create_open("w+b", size) as sized:
        assert_type(sized, OpenTempFile[bytes, BinaryIO])
    with TempFilePath.create_open(a_mode()) as unknown:
        assert_type(unknown, OpenTempFile[Any, IO[Any]])
