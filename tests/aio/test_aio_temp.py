"""Async temp directories and files: creation, path I/O, policies, persist, finalizer, bad input.

Each behaviour is the synchronous temp object's, reached through the async face:
these tests check that it arrives intact (on the real disk, and on a MemoryBackend).
"""

from __future__ import annotations

import gc
import logging
import os
import stat
from pathlib import Path

import anyio
import pytest

from tempkit import (
    BackendPath,
    MemoryBackend,
    PersistError,
    TempDirPath,
    TempFilePath,
    use_backend,
)
from tempkit.aio import AsyncFile, AsyncPath, AsyncTempDirPath, AsyncTempFilePath
from tests.support.aio import no_resource_warning

pytestmark = pytest.mark.anyio


def mode_of(path: str | os.PathLike[str]) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


# -- creation ----------------------------------------------------------------------------------


async def test_async_with_creates_a_private_directory_and_removes_the_tree(scratch: Path) -> None:
    async with AsyncTempDirPath.create(dir=scratch, prefix="job-") as tmp:
        assert isinstance(tmp, AsyncTempDirPath)
        assert isinstance(tmp.sync, TempDirPath)
        assert tmp.name.startswith("job-")
        assert Path(tmp).parent == scratch
        assert mode_of(tmp) == 0o700
        await (tmp / "sub").mkdir()
        await (tmp / "sub" / "deep.txt").write_text("x", encoding="utf-8")
        os.chmod(tmp / "sub", 0o500)  # a read-only entry: cleanup copes, as the sync one
    assert os.listdir(scratch) == []
    assert not tmp.managed


async def test_await_hands_the_directory_over_until_cleanup(scratch: Path) -> None:
    tmp = await AsyncTempDirPath.create(dir=scratch)
    assert os.path.isdir(tmp)
    assert tmp.managed
    await tmp.cleanup()
    await tmp.cleanup()  # idempotent
    assert os.listdir(scratch) == []


async def test_temp_file_is_empty_private_and_opened_as_an_async_file(scratch: Path) -> None:
    async with AsyncTempFilePath.create(dir=scratch, suffix=".bin") as f:
        assert isinstance(f.sync, TempFilePath)
        assert mode_of(f) == 0o600
        assert f.suffix == ".bin"
        assert await f.read_bytes() == b""
        async with f.open("wb") as out:
            assert isinstance(out, AsyncFile)
            assert await out.write(b"abc") == 3
            await out.writelines([b"d", b"e"])
        assert out.closed
        handle = await f.open("rb")
        assert await handle.read(2) == b"ab"
        assert await handle.tell() == 2
        assert await handle.seek(0) == 0
        assert [line async for line in handle] == [b"abcde"]
        await handle.aclose()
    assert os.listdir(scratch) == []


async def test_default_placement_is_the_resolved_temp_dir(temp_root: Path) -> None:
    async with AsyncTempDirPath.create() as tmp:
        assert Path(tmp).parent == temp_root


async def test_use_backend_in_a_task_picks_the_memory_backend(memory: MemoryBackend) -> None:
    with use_backend(memory):
        async with AsyncTempFilePath.create() as f:
            assert f.backend is memory
            await f.write_text("in memory", encoding="utf-8")
            assert memory.read_whole_file(str(f)) == b"in memory"
            with pytest.raises(TypeError):
                os.fspath(f)  # a memory path never reaches the real disk
    assert [e.name for e in memory.scandir("/tmp")] == []


async def test_a_directory_given_as_a_path_object_decides_the_backend(
    memory: MemoryBackend,
) -> None:
    parent = AsyncPath("/tmp", backend=memory) / "work"
    await parent.mkdir()
    async with AsyncTempDirPath.create(dir=parent) as tmp:
        assert tmp.backend is memory
        assert tmp.parent == parent
    async with AsyncTempDirPath.create(dir=parent.sync) as tmp:
        assert tmp.backend is memory
    assert [p async for p in parent.iterdir()] == []


# -- path I/O ----------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["disk", "memory"])
async def test_path_io_matches_the_synchronous_path(
    where: str, scratch: Path, memory: MemoryBackend
) -> None:
    backend = memory if where == "memory" else None
    parent = "/tmp" if where == "memory" else scratch
    async with AsyncTempDirPath.create(dir=parent, backend=backend) as tmp:
        text = tmp / "a.txt"
        assert not await text.exists()
        assert await text.write_text("h\u00e9llo\n", encoding="utf-8") == 6
        assert await text.read_text(encoding="utf-8") == "h\u00e9llo\n"
        assert await text.read_bytes() == "h\u00e9llo\n".encode()
        assert await text.write_bytes(memoryview(b"xyz")) == 3
        assert (await text.stat()).st_size == 3
        assert await text.is_file()
        assert not await text.is_dir()
        assert not await text.is_symlink()
        sub = tmp.joinpath("d", "e")
        await sub.mkdir(parents=True)
        assert await sub.is_dir()
        await (tmp / "t").touch()
        moved = await (tmp / "t").rename(tmp / "u")
        assert moved == tmp / "u"
        assert await (await moved.replace(tmp / "v")).exists()
        names = sorted([p.name async for p in tmp.iterdir()])
        assert names == sorted(p.name for p in tmp.sync.iterdir())
        assert names == ["a.txt", "d", "v"]
        await (tmp / "v").unlink()
        await (tmp / "v").unlink(missing_ok=True)
        with pytest.raises(FileNotFoundError):
            await (tmp / "v").unlink()
        await sub.rmdir()
        with pytest.raises(FileNotFoundError):
            [p async for p in (tmp / "missing").iterdir()]
        async with text.open("r", encoding="utf-8") as f:
            assert await f.readlines() == ["xyz"]
        async with text.open("a+", encoding="utf-8") as f:
            await f.write("\nmore")
            await f.flush()
            await f.seek(0)
            assert await f.readline() == "xyz\n"
            assert await f.truncate(3) == 3
        assert await text.read_text(encoding="utf-8") == "xyz"


async def test_pure_path_api_returns_async_paths_on_the_same_backend(
    memory: MemoryBackend,
) -> None:
    path = AsyncPath("/tmp", "a", "b.tar.gz", backend=memory)
    assert str(path) == "/tmp/a/b.tar.gz"
    assert path.name == "b.tar.gz"
    assert path.stem == "b.tar"
    assert path.suffix == ".gz"
    assert path.suffixes == [".tar", ".gz"]
    assert path.parts == ("/", "tmp", "a", "b.tar.gz")
    assert path.parent == AsyncPath("/tmp/a", backend=memory)
    assert path.with_name("c").sync == BackendPath("/tmp/a/c", backend=memory)
    assert path.with_suffix(".zip").name == "b.tar.zip"
    assert path.relative_to("/tmp") == AsyncPath("a/b.tar.gz", backend=memory)
    assert path.is_absolute()
    assert ("/x" / AsyncPath("y", backend=memory)).sync == BackendPath("/x/y", backend=memory)
    assert path == path.sync
    assert hash(path) == hash(path.sync)
    assert repr(path) == f"AsyncPath('/tmp/a/b.tar.gz', backend={memory!r})"
    assert repr(AsyncPath("/srv")) == "AsyncPath('/srv')"


async def test_a_derived_path_keeps_its_temp_object_alive(scratch: Path) -> None:
    # The promise of the synchronous paths, kept by the async ones too.
    child = (await AsyncTempDirPath.create(dir=scratch)) / "x.txt"
    gc.collect()
    await child.write_text("still here", encoding="utf-8")
    assert await child.read_text(encoding="utf-8") == "still here"
    await anyio.to_thread.run_sync(int)  # see test_a_forgotten_object_is_removed...
    with pytest.warns(ResourceWarning, match="implicitly cleaning up temp directory"):
        del child
        gc.collect()
    assert os.listdir(scratch) == []


# -- lifecycle: policies, keep, persist, finalizer -----------------------------------------------


async def test_on_success_keeps_the_tree_when_the_block_raises_and_says_so(
    scratch: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="tempkit"), pytest.raises(KeyError):
        async with AsyncTempDirPath.create(dir=scratch, cleanup="on_success") as tmp:
            await (tmp / "evidence").write_text("x", encoding="utf-8")
            raise KeyError("boom")
    assert os.listdir(tmp) == ["evidence"]
    assert tmp.managed  # kept for a look, still owned
    assert "because the with block raised KeyError" in caplog.text
    async with AsyncTempDirPath.create(dir=scratch, cleanup="on_success"):
        pass
    assert os.listdir(scratch) == [tmp.name]
    await tmp.cleanup()  # an explicit cleanup always cleans
    assert os.listdir(scratch) == []


async def test_always_removes_the_tree_even_when_the_block_raises(scratch: Path) -> None:
    with pytest.raises(KeyError):
        async with AsyncTempDirPath.create(dir=scratch) as tmp:
            await (tmp / "x").touch()
            raise KeyError("boom")
    assert os.listdir(scratch) == []


async def test_never_leaves_it_and_explicit_cleanup_still_removes_it(scratch: Path) -> None:
    async with AsyncTempFilePath.create(dir=scratch, cleanup="never") as f:
        assert f.policy == "never"
    assert os.listdir(scratch) == [f.name]
    await f.cleanup()  # an explicit cleanup always cleans
    assert os.listdir(scratch) == []


async def test_the_policy_can_be_changed_inside_the_block(scratch: Path) -> None:
    async with AsyncTempDirPath.create(dir=scratch) as tmp:
        await (tmp / "result").write_text("keep me", encoding="utf-8")
        tmp.policy = "never"
    assert tmp.policy == tmp.sync.policy == "never"
    assert os.listdir(tmp) == ["result"]
    await tmp.cleanup()
    assert os.listdir(scratch) == []


async def test_keep_returns_a_plain_path_and_stops_managing(scratch: Path) -> None:
    async with AsyncTempDirPath.create(dir=scratch) as tmp:
        kept = await tmp.keep()
    assert type(kept) is AsyncPath
    assert kept == tmp
    assert await kept.is_dir()
    await kept.rmdir()


async def test_persist_moves_the_file_and_never_clobbers(scratch: Path) -> None:
    target = scratch / "final.bin"
    async with AsyncTempFilePath.create(dir=scratch) as f:
        await f.write_bytes(b"payload")
        moved = await f.persist(target)
    assert type(moved) is AsyncPath
    assert target.read_bytes() == b"payload"
    assert sorted(os.listdir(scratch)) == ["final.bin"]

    async with AsyncTempFilePath.create(dir=scratch) as g:
        await g.write_bytes(b"second")
        with pytest.raises(FileExistsError) as caught:
            await g.persist(AsyncPath(target))
        assert isinstance(caught.value, PersistError)
        assert caught.value.temp is g.sync
        assert g.managed
        assert await g.read_bytes() == b"second"
        await g.persist(target, overwrite=True)
    assert target.read_bytes() == b"second"
    assert os.listdir(scratch) == ["final.bin"]
    with pytest.raises(ValueError, match="no longer managed"):
        await g.persist(scratch / "again")


async def test_persist_on_memory(memory: MemoryBackend) -> None:
    async with AsyncTempDirPath.create(backend=memory) as tmp:
        await (tmp / "f").write_bytes(b"1")
        moved = await tmp.persist("/tmp/kept")
    assert [p.name async for p in moved.iterdir()] == ["f"]


async def test_a_forgotten_object_is_removed_with_a_resource_warning(scratch: Path) -> None:
    tmp = await AsyncTempDirPath.create(dir=scratch)
    await (tmp / "f").touch()
    # An idle AnyIO worker keeps its last job referenced until it runs the next one.
    await anyio.to_thread.run_sync(int)
    with pytest.warns(ResourceWarning, match="implicitly cleaning up temp directory"):
        del tmp
        gc.collect()
    assert os.listdir(scratch) == []


# -- bad input ---------------------------------------------------------------------------------


async def test_bad_input_raises_the_right_type_and_leaves_nothing(scratch: Path) -> None:
    with no_resource_warning():
        with pytest.raises(TypeError, match="tempkit Backend"):
            AsyncTempDirPath.create(dir=scratch, backend="disk")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="prefix"):
            await AsyncTempDirPath.create(dir=scratch, prefix="a/b")
        with pytest.raises(ValueError, match="cleanup"):
            await AsyncTempFilePath.create(dir=scratch, cleanup="sometimes")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            await AsyncTempFilePath.create(dir=42)  # type: ignore[arg-type]
        with pytest.raises(FileNotFoundError):
            await AsyncTempDirPath.create(dir=scratch / "missing")
        with pytest.raises(TypeError, match="create"):
            AsyncTempDirPath(scratch)
        with pytest.raises(ValueError, match="different backend"):
            await AsyncTempDirPath.create(
                dir=AsyncPath("/tmp", backend=MemoryBackend()), backend=MemoryBackend()
            )
    assert os.listdir(scratch) == []


async def test_open_refuses_a_bad_mode_and_leaves_no_file_open(scratch: Path) -> None:
    async with AsyncTempFilePath.create(dir=scratch) as f:
        with pytest.raises(ValueError):
            await f.open("rw")
        with pytest.raises(IsADirectoryError):
            await f.parent.open("rb")


async def test_the_pending_object_can_be_awaited_in_a_task_group(scratch: Path) -> None:
    made: list[AsyncTempDirPath] = []

    async def make() -> None:
        made.append(await AsyncTempDirPath.create(dir=scratch))

    async with anyio.create_task_group() as group:
        for _ in range(3):
            group.start_soon(make)
    assert len({str(t) for t in made}) == 3
    for tmp in made:
        await tmp.cleanup()
    assert os.listdir(scratch) == []


async def test_a_pending_creation_is_used_once(scratch: Path) -> None:
    pending = AsyncTempDirPath.create(dir=scratch)
    async with pending as tmp:
        with pytest.raises(RuntimeError, match="already"):
            await pending
        with pytest.raises(RuntimeError, match="already"):
            async with pending:
                pass
        assert os.listdir(scratch) == [tmp.name]
    assert os.listdir(scratch) == []
