"""The types users see, checked by mypy --strict and pyright (strict), and run on both loops.

``scripts/test`` type-checks this file with mypy (as part of ``tests``) and with
pyright (the ``30-pyright`` hook); ``assert_type`` fails either checker when an
inferred type differs. At run time ``assert_type`` does nothing, and the test runs
the same calls for real.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tempkit import BackendPath, MemoryBackend, SpooledTempPath, TempDirPath, TempFilePath
from tempkit.aio import (
    AsyncFile,
    AsyncPath,
    AsyncSpooledTempPath,
    AsyncTempDirPath,
    AsyncTempFilePath,
    Pending,
)

if sys.version_info >= (3, 11):
    from typing import assert_type
else:
    from typing_extensions import assert_type

pytestmark = pytest.mark.anyio


def a_mode() -> str:
    """A mode known only at run time."""
    return "rb"


async def test_temp_objects_and_paths_have_exact_types(scratch: Path) -> None:
    pending = AsyncTempDirPath.create(dir=scratch)
    assert_type(pending, Pending[AsyncTempDirPath])
    async with pending as tmp:
        assert_type(tmp, AsyncTempDirPath)
        assert_type(tmp.sync, TempDirPath)
        child = tmp / "a.txt"
        assert_type(child, AsyncPath)
        assert_type(child.sync, BackendPath)
        assert_type(await child.write_text("x", encoding="utf-8"), int)
        assert_type(await child.read_text(encoding="utf-8"), str)
        assert_type(await child.read_bytes(), bytes)
        assert_type(await child.exists(), bool)
        assert_type(tmp.iterdir(), AsyncIterator[AsyncPath])
        assert_type([p async for p in tmp.iterdir()], list[AsyncPath])
        async with child.open("rb") as binary:
            assert_type(binary, AsyncFile[bytes])
            assert_type(await binary.read(), bytes)
        async with child.open("r", encoding="utf-8") as text:
            assert_type(text, AsyncFile[str])
            assert_type(await text.readline(), str)
            assert_type([line async for line in text], list[str])
        assert_type(child.open(a_mode()), Pending[AsyncFile[Any]])
        kept = await (await AsyncTempDirPath.create(dir=tmp)).keep()
        assert_type(kept, AsyncPath)
        await kept.rmdir()

    file = await AsyncTempFilePath.create(dir=scratch)
    assert_type(file, AsyncTempFilePath)
    assert_type(file.sync, TempFilePath)
    assert_type(await file.persist(scratch / "final"), AsyncPath)
    assert_type(await file.cleanup(), None)


async def test_spooled_files_are_typed_by_mode(scratch: Path) -> None:
    async with AsyncSpooledTempPath.create(10, dir=scratch) as binary:
        assert_type(binary, AsyncSpooledTempPath[bytes])
        assert_type(binary.sync, SpooledTempPath[bytes])
        assert_type(await binary.write(b"abc"), int)
        assert_type(await binary.read(), bytes)
        assert_type(binary.name, str | None)
        assert_type(await binary.path(), AsyncPath)
    async with AsyncSpooledTempPath.create(10, "w+", encoding="utf-8", dir=scratch) as text:
        assert_type(text, AsyncSpooledTempPath[str])
        assert_type(await text.write("\u00e9"), int)
        assert_type(await text.readlines(), list[str])
    assert_type(AsyncSpooledTempPath.create(mode="w+"), Pending[AsyncSpooledTempPath[str]])


async def test_paths_take_any_path_like_and_keep_the_backend() -> None:
    memory = MemoryBackend()
    path = AsyncPath("/tmp", backend=memory)
    assert_type(path.parent, AsyncPath)
    assert_type(path.joinpath("a", BackendPath("b", backend=memory)), AsyncPath)
    assert_type("/x" / path, AsyncPath)
    assert_type(path.backend.capabilities.in_process, bool)
    assert (path / "a").backend is memory
