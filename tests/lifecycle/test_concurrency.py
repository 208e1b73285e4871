"""Many creators in one directory: no two get the same entry, nothing is left behind.

Every creator holds all it made until every other creator is done too, so each
name is checked against all the others alive at the same moment (a name reused
after its cleanup would not be a collision). Throughput is measured by
``benchmarks/`` (case 5); this is the correctness half, with small counts.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.synchronize
import os
import stat
import threading
from pathlib import Path

from tempkit import TempDirPath, TempFilePath, TempPath

WORKERS = 4
PER_WORKER = 150
TIMEOUT = 120.0


def create_many(directory: str, count: int) -> list[TempPath]:
    """``count`` temp objects in ``directory``, files and directories alternating."""
    made: list[TempPath] = []
    for i in range(count):
        kind = TempFilePath if i % 2 == 0 else TempDirPath
        made.append(kind.create(dir=directory))
    return made


def check_all_distinct_and_private(names: list[str], directory: Path) -> None:
    assert len(names) == WORKERS * PER_WORKER
    assert len(set(names)) == len(names), "two creators were handed the same name"
    for name in names:
        info = os.lstat(directory / name)
        if stat.S_ISDIR(info.st_mode):
            assert stat.S_IMODE(info.st_mode) == 0o700, name
        else:
            assert stat.S_ISREG(info.st_mode), name
            assert stat.S_IMODE(info.st_mode) == 0o600, name
        assert info.st_uid == os.getuid()
    assert sorted(os.listdir(directory)) == sorted(names)


def test_threads_share_a_directory_without_collisions_or_leftovers(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    start = threading.Barrier(WORKERS, timeout=TIMEOUT)
    results: list[list[TempPath]] = [[] for _ in range(WORKERS)]
    errors: list[BaseException] = []

    def work(slot: int) -> None:
        try:
            start.wait()
            results[slot] = create_many(str(shared), PER_WORKER)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert errors == []
    made = [tmp for worker in results for tmp in worker]
    check_all_distinct_and_private([tmp.name for tmp in made], shared)

    cleaners = [
        threading.Thread(target=lambda w=worker: [tmp.cleanup() for tmp in w]) for worker in results
    ]
    for thread in cleaners:
        thread.start()
    for thread in cleaners:
        thread.join(TIMEOUT)
    assert os.listdir(shared) == []
    assert not any(tmp.managed for tmp in made)


def process_worker(
    directory: str,
    start: multiprocessing.synchronize.Barrier,
    checked: multiprocessing.synchronize.Event,
    names: multiprocessing.Queue[list[str]],
) -> None:
    """Create, report the names, wait until the parent has checked them, clean up."""
    start.wait()
    made = create_many(directory, PER_WORKER)
    names.put([tmp.name for tmp in made])
    if not checked.wait(TIMEOUT):
        raise TimeoutError("the parent never finished checking")
    for tmp in made:
        tmp.cleanup()


def test_processes_share_a_directory_without_collisions_or_leftovers(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    # spawn: fresh interpreters, each with its own random state and nothing inherited.
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(WORKERS, timeout=TIMEOUT)
    checked = context.Event()
    names: multiprocessing.Queue[list[str]] = context.Queue()
    procs = [
        context.Process(target=process_worker, args=(str(shared), start, checked, names))
        for _ in range(WORKERS)
    ]
    for proc in procs:
        proc.start()
    try:
        reported = [names.get(timeout=TIMEOUT) for _ in range(WORKERS)]
        check_all_distinct_and_private([n for batch in reported for n in batch], shared)
    finally:
        checked.set()
        for proc in procs:
            proc.join(TIMEOUT)
    assert [proc.exitcode for proc in procs] == [0] * WORKERS
    assert os.listdir(shared) == []
