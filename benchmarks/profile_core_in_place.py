"""Where the time of create + cleanup goes with real system calls: a ladder of loops.

``python -m benchmarks.profile_core_in_place [--dir DIR] [--rounds N] [--ops N]``

``profile_core`` stubs the system calls out and so times tempkit's Python warm, in
isolation. In a real loop the same Python runs right after each system call, which
has just evicted the caches it needs, and costs more. This module measures it in
place: each rung of the ladder adds one layer of tempkit on top of the one below, all
with the real system calls, and the rungs run interleaved in short slices (CPU time of
this process), so the difference between two rungs is what that layer costs in a real
loop. Point ``--dir`` at a tmpfs (``/dev/shm``) to hold the kernel's part steady; on
ext4 it moves with the filesystem's state (see docs/performance.md). For where the
time goes inside the kernel and the interpreter, run a rung under
``perf record -e cpu-clock -g`` (``-X perf`` on 3.12+ names the Python functions).
Not part of the suite; docs/performance.md quotes it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable

from tempkit import TempDirPath, TempFilePath, get_backend, gettempdir, naming

FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)

Loop = Callable[[int], None]


def ladder(directory: str) -> list[tuple[str, Loop]]:
    """The rungs, bottom up: each adds one layer to the one before it."""
    backend = get_backend()
    create_file = TempFilePath.create
    create_dir = TempDirPath.create

    def raw_file(n: int) -> None:
        for _ in range(n):
            path = os.path.join(directory, "tmp" + os.urandom(6).hex())
            os.close(os.open(path, FLAGS, 0o600))
            os.unlink(path)

    def name_loop(n: int) -> None:
        make, unlink, unique = backend.create_file, backend.unlink, naming.create_unique
        for _ in range(n):
            path, _ = unique(directory, "/", "tmp", "", naming.DEFAULT_LENGTH, make)
            unlink(path)

    def without_finalizer(n: int) -> None:
        for _ in range(n):
            create_file(cleanup="never").cleanup()

    def whole(n: int) -> None:
        for _ in range(n):
            create_file().cleanup()

    def with_dir(n: int) -> None:
        for _ in range(n):
            create_file(dir=directory).cleanup()

    def raw_dir(n: int) -> None:
        for _ in range(n):
            path = os.path.join(directory, "tmp" + os.urandom(6).hex())
            os.mkdir(path, 0o700)
            os.rmdir(path)

    def whole_dir(n: int) -> None:
        for _ in range(n):
            with create_dir():
                pass

    return [
        ("raw os.open + close + unlink (random name, join)", raw_file),
        ("naming.create_unique + backend.create_file/unlink", name_loop),
        ("TempFilePath.create(cleanup='never').cleanup()", without_finalizer),
        ("TempFilePath.create().cleanup()", whole),
        ("TempFilePath.create(dir=d).cleanup()", with_dir),
        ("raw os.mkdir + os.rmdir", raw_dir),
        ("with TempDirPath.create(): pass", whole_dir),
    ]


def main(argv: list[str] | None = None) -> int:
    """Print the CPU time per operation of each rung and its difference to the raw calls."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_core_in_place")
    parser.add_argument("--dir", help="where to make the entries (default: the temp dir)")
    parser.add_argument("--rounds", type=int, default=21, help="rounds (default 21)")
    parser.add_argument("--ops", type=int, default=2000, help="operations per slice")
    args = parser.parse_args(argv)
    if args.dir is not None:
        os.environ["TMPDIR"] = args.dir  # create() without dir= lands there too
    directory = gettempdir() if args.dir is None else args.dir
    rungs = ladder(directory)
    times: dict[str, list[float]] = {label: [] for label, _ in rungs}
    for _, loop in rungs:
        loop(args.ops)  # warm: name pool, resolver cache, specialised bytecode
    for index in range(args.rounds):
        shift = index % len(rungs)
        for label, loop in rungs[shift:] + rungs[:shift]:
            start = time.process_time()
            loop(args.ops)
            times[label].append((time.process_time() - start) / args.ops)
    print(f"Python {sys.version.split()[0]}, CPU us per operation in {directory}, real calls")
    file_base = statistics.median(times[rungs[0][0]])
    dir_base = statistics.median(times[rungs[5][0]])
    for position, (label, _) in enumerate(rungs):
        median = statistics.median(times[label])
        base = file_base if position < 5 else dir_base
        print(f"  {label:52} {median * 1e6:6.2f}  {(median - base) * 1e6:+6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
