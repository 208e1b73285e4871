"""Where tempkit.aio runs each call, and what cancellation and concurrency leave behind.

Thread hops are counted by wrapping ``anyio.to_thread.run_sync`` (the ``hops``
fixture): the wrapped call still runs in a worker thread, only the count is added.
The gated backend (``tests.support.aio.GatedBackend``) is the real disk with the
start of one operation held back, so a call is provably in progress when the test
cancels its task or runs another one.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import anyio
import anyio.lowlevel
import pytest

from tempkit import MemoryBackend, PosixBackend, use_backend
from tempkit.aio import (
    AsyncPath,
    AsyncSpooledTempPath,
    AsyncTempDirPath,
    AsyncTempFilePath,
    runs_inline,
)
from tempkit.backends.memory import MemoryBackend as _Memory
from tests.support.aio import GatedBackend, Hops, no_resource_warning, wait_for

pytestmark = pytest.mark.anyio


# -- inline or in a thread -----------------------------------------------------------------------


def test_only_in_process_backends_without_local_paths_run_inline() -> None:
    assert runs_inline(MemoryBackend())
    assert not runs_inline(PosixBackend())
    # Its cleanup waits out sharing violations, so it declares in_process false.
    assert not runs_inline(_Memory(flavour="windows"))


async def test_nothing_on_the_memory_backend_reaches_a_worker_thread(
    memory: MemoryBackend, hops: Hops
) -> None:
    loop_thread = threading.get_ident()
    with use_backend(memory):
        async with AsyncTempDirPath.create() as tmp:
            sub = tmp / "sub"
            await sub.mkdir()
            await (sub / "a.txt").write_text("a", encoding="utf-8")
            assert await (sub / "a.txt").read_text(encoding="utf-8") == "a"
            await (sub / "b").write_bytes(b"b")
            assert await (sub / "b").read_bytes() == b"b"
            assert await (sub / "b").exists()
            assert (await (sub / "b").stat()).st_size == 1
            assert sorted([p.name async for p in sub.iterdir()]) == ["a.txt", "b"]
            async with (sub / "c").open("w+b") as f:
                await f.write(b"ccc")
                await f.seek(0)
                assert await f.read() == b"ccc"
            await (sub / "a.txt").unlink()
            await (await (sub / "b").rename(sub / "d")).unlink()
            async with AsyncTempFilePath.create(dir=sub) as file:
                await file.write_bytes(b"f")
                await file.persist(sub / "persisted")
            async with AsyncSpooledTempPath.create(8) as spooled:
                await spooled.write(b"0123456789")  # rolls over: onto the memory backend
                assert spooled.rolled
                await spooled.seek(0)
                assert await spooled.read() == b"0123456789"
                await (await spooled.path()).exists()
            kept = await (await AsyncTempDirPath.create(dir=sub)).keep()
            await kept.rmdir()
    assert hops.calls == []
    assert threading.get_ident() == loop_thread
    assert [e.name for e in memory.scandir("/tmp")] == []


async def test_a_spooled_file_in_memory_makes_no_hop_and_its_roll_over_makes_one(
    scratch: Path, hops: Hops
) -> None:
    async with AsyncSpooledTempPath.create(100, dir=scratch) as f:
        for _ in range(9):
            await f.write(b"0123456789")
        await f.writelines([b"x"] * 10)  # 100 bytes: not beyond max_size
        await f.seek(0)
        assert len(await f.read()) == 100
        assert await f.readline() == b""
        assert await f.readlines() == []
        assert await f.tell() == 100
        await f.truncate(100)
        await f.flush()
        assert [line async for line in f] == []
        assert hops.calls == []  # nothing left the event loop so far

        await f.write(b"!")  # 101: the roll-over, in a worker thread
        assert f.rolled
        assert hops.calls == ["SpooledTempPath.rollover"]
        await f.seek(0)  # now a real file: every call goes to a thread
        assert len(hops) == 2
    assert len(hops) == 3  # and so does the cleanup
    assert os.listdir(scratch) == []


async def test_in_text_mode_too_a_spooled_file_makes_no_hop_in_memory(
    scratch: Path, hops: Hops
) -> None:
    async with AsyncSpooledTempPath.create(64, "w+", encoding="utf-8", dir=scratch) as f:
        for _ in range(10):
            await f.write("\u00e9t\u00e9\n")
        await f.seek(0)
        assert await f.readline() == "\u00e9t\u00e9\n"
        assert hops.calls == []
        await f.write("x" * 64)
        assert hops.calls == ["SpooledTempPath.rollover"]


async def test_every_blocking_call_on_the_disk_runs_in_a_worker_thread(
    scratch: Path, hops: Hops
) -> None:
    gate = GatedBackend("mkdir")
    gate.release.set()  # not holding anything back: recording which thread ran it
    async with AsyncTempDirPath.create(dir=scratch, backend=gate) as tmp:
        await (tmp / "f").write_bytes(b"x")
        await (tmp / "f").read_bytes()
    assert len(hops) == 4  # create, write, read, cleanup
    assert gate.threads and gate.threads[0] != threading.get_ident()
    assert os.listdir(scratch) == []


async def test_a_long_cleanup_does_not_stall_the_event_loop(scratch: Path) -> None:
    # The removal waits until another task on the same loop releases it: if the
    # cleanup ran on the loop, that task could never run and the removal would
    # time out (TimeoutError from the backend).
    gate = GatedBackend("rmtree", timeout=5)
    tmp = await AsyncTempDirPath.create(dir=scratch, backend=gate)
    await (tmp / "f").write_bytes(b"x")
    ran_meanwhile: list[bool] = []

    async def other_task() -> None:
        await wait_for(gate.entered.is_set)
        ran_meanwhile.append(True)
        gate.release.set()

    async with anyio.create_task_group() as group:
        group.start_soon(other_task)
        await tmp.cleanup()
    assert ran_meanwhile == [True]
    assert os.listdir(scratch) == []


# -- cancellation --------------------------------------------------------------------------------


async def test_cancelled_during_create_gets_nothing_and_leaves_nothing(scratch: Path) -> None:
    gate = GatedBackend("mkdir")
    body_ran: list[AsyncTempDirPath] = []

    async def create() -> None:
        async with AsyncTempDirPath.create(dir=scratch, backend=gate) as tmp:
            body_ran.append(tmp)

    with no_resource_warning():
        async with anyio.create_task_group() as group:
            group.start_soon(create)
            await wait_for(gate.entered.is_set)  # the mkdir is in progress in a thread
            group.cancel_scope.cancel()
            gate.release.set()  # the directory is made now, after the cancellation
    assert body_ran == []
    assert os.listdir(scratch) == []


async def test_cancelled_during_an_awaited_create_raises_and_leaves_nothing(
    scratch: Path,
) -> None:
    gate = GatedBackend("mkdir")
    got: list[AsyncTempDirPath] = []

    async def create() -> None:
        got.append(await AsyncTempDirPath.create(dir=scratch, backend=gate))

    with no_resource_warning():
        async with anyio.create_task_group() as group:
            group.start_soon(create)
            await wait_for(gate.entered.is_set)
            group.cancel_scope.cancel()
            gate.release.set()
    assert got == []
    assert os.listdir(scratch) == []


async def test_cancelled_during_open_leaves_no_file_open(scratch: Path) -> None:
    f = await AsyncTempFilePath.create(dir=scratch)
    with no_resource_warning(), anyio.CancelScope() as scope:
        scope.cancel()  # pending before the open even starts
        await f.open("rb")
    assert scope.cancelled_caught
    await f.cleanup()


async def test_cancelled_during_cleanup_still_removes_the_whole_tree(
    scratch: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("untouched", encoding="utf-8")
    gate = GatedBackend("rmtree")
    after_cleanup: list[bool] = []

    async def work() -> None:
        async with AsyncTempDirPath.create(dir=scratch, backend=gate) as tmp:
            await (tmp / "a" / "b").mkdir(parents=True)
            await (tmp / "a" / "b" / "f").write_bytes(b"x")
            os.symlink(outside, tmp / "a" / "link")  # removed, its target is not
        await anyio.lowlevel.checkpoint()  # the cancellation lands here
        after_cleanup.append(True)

    async with anyio.create_task_group() as group:
        group.start_soon(work)
        await wait_for(gate.entered.is_set)  # the removal is in progress
        group.cancel_scope.cancel()
        gate.release.set()
    assert after_cleanup == []
    assert os.listdir(scratch) == []
    assert outside.read_text(encoding="utf-8") == "untouched"
    assert sorted(os.listdir(tmp_path)) == ["outside.txt", "scratch", "temp-root"]


async def test_a_task_cancelled_inside_the_block_still_removes_the_tree(scratch: Path) -> None:
    # __aexit__ then runs with the cancellation pending: only a shielded cleanup
    # gets to run at all.
    entered = anyio.Event()

    async def work() -> None:
        async with AsyncTempDirPath.create(dir=scratch) as tmp:
            await (tmp / "f").write_bytes(b"x")
            entered.set()
            await anyio.sleep_forever()

    with no_resource_warning():
        async with anyio.create_task_group() as group:
            group.start_soon(work)
            await entered.wait()
            group.cancel_scope.cancel()
    assert os.listdir(scratch) == []


async def test_a_cancelled_spooled_file_still_removes_its_file(scratch: Path) -> None:
    entered = anyio.Event()

    async def work() -> None:
        async with AsyncSpooledTempPath.create(2, dir=scratch) as f:
            await f.write(b"rolled over")
            entered.set()
            await anyio.sleep_forever()

    with no_resource_warning():
        async with anyio.create_task_group() as group:
            group.start_soon(work)
            await entered.wait()
            assert len(os.listdir(scratch)) == 1
            group.cancel_scope.cancel()
    assert os.listdir(scratch) == []


# -- concurrency -------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["disk", "memory"])
async def test_many_tasks_in_one_directory_never_collide_and_leave_nothing(
    where: str, scratch: Path, memory: MemoryBackend
) -> None:
    parent = AsyncPath("/tmp", backend=memory) if where == "memory" else AsyncPath(scratch)
    names: list[str] = []
    tasks = 150

    async def one(i: int) -> None:
        async with AsyncTempDirPath.create(dir=parent, length=3) as d:
            await (d / "n").write_text(str(i), encoding="utf-8")
            async with AsyncTempFilePath.create(dir=parent, length=3) as f:
                await f.write_text(str(i), encoding="utf-8")
                async with AsyncSpooledTempPath.create(4, dir=parent, length=3) as s:
                    await s.write(b"%05d" % i)  # 5 bytes: rolls over into parent
                    await anyio.lowlevel.checkpoint()  # let the others interleave
                    names.extend([d.name, f.name, os.path.basename(s.name or "")])
                    assert await (d / "n").read_text(encoding="utf-8") == str(i)
                    assert await f.read_text(encoding="utf-8") == str(i)
                    await s.seek(0)
                    assert await s.read() == b"%05d" % i

    async with anyio.create_task_group() as group:
        for i in range(tasks):
            group.start_soon(one, i)
    assert len(names) == 3 * tasks
    assert len(set(names)) == 3 * tasks  # three random characters: retries, no collision
    assert [p async for p in parent.iterdir()] == []
