"""Async spooled files: the synchronous SpooledTempPath's rules, reached without thread hops.

The async object makes its synchronous file with ``max_size=0`` and checks the size
itself; these tests hold it to the synchronous object's behaviour by running the same
operations on both and comparing what they see.
"""

from __future__ import annotations

import gc
import io
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest

from tempkit import MemoryBackend, PersistError, SpooledTempPath
from tempkit.aio import AsyncPath, AsyncSpooledTempPath
from tests.support.aio import no_resource_warning

pytestmark = pytest.mark.anyio

# A script of file operations: (method, args). Run on the sync and the async object.
Script = list[tuple[str, tuple[Any, ...]]]

BINARY_SCRIPT: Script = [
    ("write", (b"0123456789",)),
    ("tell", ()),
    ("seek", (4,)),
    ("read", (3,)),
    ("write", (b"ABCDEFGHIJ",)),  # position 17 > 16: rolls over
    ("seek", (0,)),
    ("read", ()),
    ("truncate", (5,)),
    ("seek", (0,)),
    ("readline", ()),
]
TRUNCATE_SCRIPT: Script = [
    ("write", (b"abc",)),
    ("truncate", (12,)),  # grows with zeros, still in memory
    ("seek", (0,)),
    ("read", ()),
    ("truncate", (40,)),  # beyond max_size: rolls over first
    ("seek", (0,)),
    ("read", ()),
]
SEEK_SCRIPT: Script = [
    ("seek", (30,)),
    ("write", (b"z",)),  # position 31: rolls over, with the hole
    ("seek", (0,)),
    ("read", ()),
]
TEXT_SCRIPT: Script = [
    ("write", ("h\u00e9llo\n",)),
    ("write", ("w\u00f6rld\n",)),  # 14 bytes, not beyond 16
    ("seek", (0,)),
    ("readline", ()),
    ("readlines", ()),
    ("write", ("\u20ac",)),  # 17 bytes: rolls over
    ("seek", (0,)),
    ("read", ()),
]


Seen = list[tuple[str, object, bool]]  # (method, result, rolled over afterwards)


async def run_both(mode: str, script: Script, directory: Path, **kwargs: Any) -> tuple[Seen, Seen]:
    """Run ``script`` on a sync and an async spooled file (max_size=16); what each saw."""
    encoding = None if "b" in mode else "utf-8"
    sync = SpooledTempPath.create(16, mode, encoding=encoding, dir=directory, **kwargs)
    seen_sync: Seen = []
    seen_async: Seen = []
    async with AsyncSpooledTempPath.create(
        16, mode, encoding=encoding, dir=directory, **kwargs
    ) as f:
        with sync:
            for method, args in script:
                seen_sync.append((method, getattr(sync, method)(*args), sync.rolled))
                seen_async.append((method, await getattr(f, method)(*args), f.rolled))
    return seen_sync, seen_async


@pytest.mark.parametrize(
    ("mode", "script"),
    [("w+b", BINARY_SCRIPT), ("w+b", TRUNCATE_SCRIPT), ("w+b", SEEK_SCRIPT), ("w+", TEXT_SCRIPT)],
    ids=["binary", "truncate", "seek", "text"],
)
async def test_same_data_and_same_roll_over_as_the_synchronous_file(
    mode: str, script: Script, scratch: Path
) -> None:
    seen_sync, seen_async = await run_both(mode, script, scratch)
    assert seen_async == seen_sync
    assert any(rolled for _, _, rolled in seen_sync)  # the script crosses max_size
    assert os.listdir(scratch) == []


async def test_in_memory_until_it_grows_then_a_private_file(scratch: Path) -> None:
    async with AsyncSpooledTempPath.create(max_size=8, dir=scratch, prefix="up-") as f:
        assert repr(f) == "AsyncSpooledTempPath(<in memory>, max_size=8, mode='w+b')"
        await f.write(b"12345678")
        assert not f.rolled
        assert f.name is None
        assert os.listdir(scratch) == []
        await f.write(b"9")
        assert f.rolled
        assert f.max_size == 8
        assert f.name is not None
        assert os.listdir(scratch) == [os.path.basename(f.name)]
        assert os.path.basename(f.name).startswith("up-")
        assert os.stat(f.name).st_mode & 0o777 == 0o600
        assert repr(f) == f"AsyncSpooledTempPath({f.name!r}, max_size=8, mode='w+b')"
        await f.write(b"more")
        await f.seek(0)
        assert await f.read() == b"123456789more"
    assert f.closed
    assert os.listdir(scratch) == []


async def test_writelines_checks_the_size_after_every_line(scratch: Path) -> None:
    async with AsyncSpooledTempPath.create(4, dir=scratch) as f:
        await f.writelines([b"ab", b"cd"])
        assert not f.rolled
        await f.writelines([b"e"])
        assert f.rolled
        await f.seek(0)
        assert [line async for line in f] == [b"abcde"]


async def test_max_size_zero_never_rolls_over_by_size(scratch: Path) -> None:
    async with AsyncSpooledTempPath.create(dir=scratch) as f:
        await f.write(b"x" * 100_000)
        assert not f.rolled
        await f.rollover()
        assert f.rolled
        await f.rollover()  # nothing more
        await f.seek(0)
        assert len(await f.read()) == 100_000


async def test_path_rolls_over_flushes_and_names_the_file(scratch: Path) -> None:
    async with AsyncSpooledTempPath.create(1024, "w+", encoding="utf-8", dir=scratch) as f:
        await f.write("by name")
        path = await f.path()
        assert isinstance(path, AsyncPath)
        assert f.rolled
        assert await path.read_text(encoding="utf-8") == "by name"
        await f.write(" and more")
        assert await (await f.path()).read_text(encoding="utf-8") == "by name and more"
    assert os.listdir(scratch) == []


async def test_keep_rolls_over_and_leaves_the_file(scratch: Path) -> None:
    async with AsyncSpooledTempPath.create(1024, dir=scratch) as f:
        await f.write(b"keep me")
        kept = await f.keep()
        assert not f.managed
        await f.write(b"!")  # later writes go to the kept file
    assert f.closed
    assert await kept.read_bytes() == b"keep me!"


async def test_persist_writes_out_memory_into_the_target_directory(
    scratch: Path, tmp_path: Path
) -> None:
    target = tmp_path / "final.bin"
    async with AsyncSpooledTempPath.create(1024, dir=scratch) as f:
        await f.write(b"payload")
        moved = await f.persist(target)
        assert moved.sync == AsyncPath(target).sync
    assert target.read_bytes() == b"payload"
    assert os.listdir(scratch) == []

    async with AsyncSpooledTempPath.create(1024, dir=scratch) as g:
        await g.write(b"other")
        with pytest.raises(FileExistsError) as caught:
            await g.persist(target)
        assert isinstance(caught.value, PersistError)
        assert caught.value.temp is g.sync
        assert g.managed
        await g.seek(0)
        assert await g.read() == b"other"
    assert os.listdir(scratch) == []
    assert target.read_bytes() == b"payload"


@pytest.mark.parametrize("policy", ["never", "on_success"])
async def test_policies_that_keep_roll_over_and_keep_the_data(
    policy: str, scratch: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="tempkit"), pytest.raises(KeyError):
        async with AsyncSpooledTempPath.create(1024, dir=scratch, cleanup=policy) as f:  # type: ignore[call-overload]
            await f.write(b"evidence")
            raise KeyError("boom")
    assert f.closed
    assert f.name is not None
    assert Path(f.name).read_bytes() == b"evidence"
    assert "because the with block raised KeyError" in caplog.text


async def test_aclose_ends_it_like_a_successful_block(scratch: Path) -> None:
    f = await AsyncSpooledTempPath.create(4, dir=scratch)
    await f.write(b"rolled over")
    assert f.rolled
    await f.aclose()
    assert f.closed
    assert not f.managed
    assert os.listdir(scratch) == []
    await f.cleanup()  # nothing more to do
    with pytest.raises(ValueError, match="closed"):
        async with f:
            pass


async def test_cleanup_removes_a_rolled_over_file(scratch: Path) -> None:
    f = await AsyncSpooledTempPath.create(2, dir=scratch)
    await f.write(b"abc")
    await f.cleanup()
    assert f.closed
    assert os.listdir(scratch) == []


async def test_a_forgotten_spooled_file_is_cleaned_up_with_a_resource_warning(
    scratch: Path,
) -> None:
    f = await AsyncSpooledTempPath.create(2, dir=scratch)
    await f.write(b"abc")  # rolled over, in a worker thread
    # An idle AnyIO worker keeps its last job (here the roll-over, and so the file)
    # referenced until it runs the next one; the most recently idle worker takes it.
    await anyio.to_thread.run_sync(int)
    with pytest.warns(ResourceWarning, match="implicitly cleaning up spooled temp file"):
        del f
        gc.collect()
    assert os.listdir(scratch) == []


async def test_a_forgotten_spooled_file_in_memory_goes_with_a_resource_warning(
    memory: MemoryBackend,
) -> None:
    f = await AsyncSpooledTempPath.create(2, backend=memory)
    await f.write(b"abc")  # rolled over into memory: no worker thread involved
    assert f.rolled
    with pytest.warns(ResourceWarning, match="implicitly cleaning up spooled temp file"):
        del f
        gc.collect()
    assert [e.name for e in memory.scandir("/tmp")] == []


async def test_on_a_memory_backend_it_rolls_over_into_memory(memory: MemoryBackend) -> None:
    async with AsyncSpooledTempPath.create(4, backend=memory) as f:
        await f.write(b"12345")
        assert f.rolled
        path = await f.path()
        assert path.backend is memory
        assert await path.read_bytes() == b"12345"
    assert [e.name for e in memory.scandir("/tmp")] == []


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda: AsyncSpooledTempPath.create(-1), ValueError),
        (lambda: AsyncSpooledTempPath.create(True), TypeError),
        (lambda: AsyncSpooledTempPath.create("10"), TypeError),  # type: ignore[call-overload]
        (lambda: AsyncSpooledTempPath.create(10, "r"), ValueError),
        (lambda: AsyncSpooledTempPath.create(10, "w+b", encoding="utf-8"), ValueError),
        (lambda: AsyncSpooledTempPath.create(10, prefix="a/b"), ValueError),
        (lambda: AsyncSpooledTempPath.create(10, cleanup="later"), ValueError),  # type: ignore[call-overload]
    ],
    ids=["negative", "bool", "str", "read-only", "binary-encoding", "prefix", "policy"],
)
async def test_bad_arguments_are_refused_when_awaited_and_leave_nothing(
    make: Callable[[], Any], error: type[Exception], scratch: Path
) -> None:
    with no_resource_warning():
        pending = make()
        with pytest.raises(error):
            await pending
    assert os.listdir(scratch) == []


async def test_binary_only_methods_and_closed_files(scratch: Path) -> None:
    async with AsyncSpooledTempPath.create(10, dir=scratch) as f:
        assert f.mode == "w+b"
    with pytest.raises(ValueError, match="closed"):
        await f.write(b"x")
    with pytest.raises(ValueError, match="closed"):
        await f.writelines([])
    with pytest.raises(TypeError, match="create"):
        AsyncSpooledTempPath()


async def test_sync_is_the_wrapped_spooled_file(scratch: Path) -> None:
    async with AsyncSpooledTempPath.create(10, dir=scratch) as f:
        await f.write(b"abc")
        assert isinstance(f.sync, SpooledTempPath)
        assert f.sync.max_size == 0  # the async object checks the size itself
        assert f.sync.tell() == 3
        assert isinstance(f.sync, io.IOBase)


@pytest.mark.parametrize("mode", ["w+b", "w+"])
async def test_writes_follow_a_roll_over_made_through_sync(scratch: Path, mode: str) -> None:
    # Writes in memory go straight to the buffer; once code rolls the synchronous
    # object over itself, they must reach the file, not the old buffer.
    data = b"abc" if "b" in mode else "abc"
    async with AsyncSpooledTempPath.create(100, mode, dir=scratch) as f:
        await f.write(data)
        f.sync.rollover()
        await f.write(data)
        await f.seek(0)
        assert await f.read() == data * 2
        assert Path(f.sync).read_bytes() == b"abcabc"


async def test_a_write_past_max_size_while_iterating_rolls_over_as_the_sync_file_does(
    scratch: Path,
) -> None:
    # Iteration disables tell() on a text file; the size check must not depend on it.
    async with AsyncSpooledTempPath.create(20, "w+", dir=scratch) as f:
        await f.write("a\nb\nc\n")
        await f.seek(0)
        assert next(iter(f.sync)) == "a\n"
        await f.write("x" * 30)
        assert f.rolled
        await f.seek(0)
        # Where the text lands after iteration (past the read-ahead) is the io
        # stack's, as on the synchronous file.
        assert await f.read() == "a\nb\nc\n" + "x" * 30
