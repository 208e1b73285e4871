"""What the parts of each memory call shape cost: ``python -m benchmarks.profile_memory_shapes``.

``bench_memory_shapes`` times whole shapes against fsspec, the disk and pyfakefs;
this times their parts, alone, so the floor a target meets can be read off:
the temp dir cycle every cycle shape pays, the path objects a listing builds,
the stock ``io`` layers an ``open()`` stacks (also over an ``io.BytesIO``, with no
filesystem at all), a ``stat`` on memory and on the disk, and fsspec's own calls.
Each figure is the best of several rounds (the least disturbed by other jobs),
in microseconds per call. Not part of the suite; docs/performance.md quotes it.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import timeit
from collections.abc import Callable
from typing import Any

from tempkit import BackendPath, MemoryBackend, TempDirPath, use_backend

TEXT = "hello"
ENTRIES = 100


def best(call: Callable[[], object], number: int, rounds: int) -> float:
    """The fastest of ``rounds`` rounds of ``number`` calls, in microseconds per call."""
    call()  # warm: a glob pattern is compiled on its first use
    return min(timeit.repeat(call, number=number, repeat=rounds)) / number * 1e6


def _memory_parts(number: int, rounds: int) -> list[tuple[str, float]]:
    backend = MemoryBackend()
    with use_backend(backend):
        directory = TempDirPath.create()
        file = directory / "a.txt"
        file.write_text(TEXT)
        names = [f"f{n}.txt" for n in range(ENTRIES)]
        listing = TempDirPath.create()
        for name in names:
            (listing / name).write_text(TEXT)
        raw = str(file)

        def cycle() -> None:
            TempDirPath.create().cleanup()

        def open_write() -> None:
            with file.open("w") as out:
                out.write(TEXT)

        def open_read() -> None:
            with file.open() as back:
                back.read()

        def open_append() -> None:
            with file.open("a") as out:
                out.write(TEXT)

        child = listing._child
        parts = [
            ("memory: TempDirPath.create() + cleanup()", best(cycle, number, rounds)),
            ('memory: d / "a.txt"', best(lambda: directory / "a.txt", number, rounds)),
            ("memory: write_text(s)", best(lambda: file.write_text(TEXT), number, rounds)),
            ("memory: read_text()", best(file.read_text, number, rounds)),
            ("memory: write_bytes(b)", best(lambda: file.write_bytes(b"hello"), number, rounds)),
            ("memory: read_bytes()", best(file.read_bytes, number, rounds)),
            ('memory: with p.open("w") as f: f.write(s)', best(open_write, number, rounds)),
            ("memory: with p.open() as f: f.read()", best(open_read, number, rounds)),
            ('memory: with p.open("a") as f: f.write(s)', best(open_append, number, rounds)),
            ("memory: p.stat()", best(file.stat, number, rounds)),
            ("memory: backend.stat(text)", best(lambda: backend.stat(raw), number, rounds)),
            (
                f"memory: backend.scandir of {ENTRIES} entries",
                best(lambda: list(backend.scandir(str(listing))), number // 50, rounds),
            ),
            (
                f"paths: {ENTRIES} child paths (what iterdir or glob builds)",
                best(lambda: list(map(child, names)), number // 50, rounds),
            ),
            (
                f"memory: list(d.iterdir()), {ENTRIES}",
                best(lambda: list(listing.iterdir()), number // 50, rounds),
            ),
            (
                f'memory: list(d.glob("*.txt")), {ENTRIES}',
                best(lambda: list(listing.glob("*.txt")), number // 50, rounds),
            ),
        ]  # fmt: skip
        listing.cleanup()
        directory.cleanup()
    return parts


def _io_parts(number: int, rounds: int) -> list[tuple[str, float]]:
    """The stock io layers alone: what any open() over them costs, whatever the raw file."""

    def text_write() -> None:
        with io.TextIOWrapper(io.BufferedWriter(io.BytesIO()), encoding=None) as out:
            out.write(TEXT)

    def text_read() -> None:
        with io.TextIOWrapper(io.BufferedReader(io.BytesIO(b"hello")), encoding=None) as back:
            back.read()

    return [
        ("io: TextIOWrapper(BufferedWriter(BytesIO())), write", best(text_write, number, rounds)),
        ("io: TextIOWrapper(BufferedReader(BytesIO(b))), read", best(text_read, number, rounds)),
    ]


def _disk_parts(number: int, rounds: int) -> list[tuple[str, float]]:
    with tempfile.TemporaryDirectory() as raw:
        path = BackendPath(raw) / "a.txt"
        path.write_text(TEXT)
        text = str(path)
        return [
            ("disk: p.stat() (tempkit, local backend)", best(path.stat, number, rounds)),
            ("disk: os.stat(text)", best(lambda: os.stat(text), number, rounds)),
        ]


def _fsspec_parts(number: int, rounds: int) -> list[tuple[str, float]]:
    try:
        from fsspec.implementations.memory import MemoryFileSystem
    except ImportError:
        return []
    # Typed as Any: fsspec's own annotations leave out the methods its base class
    # adds at run time (write_text, read_text) and type open() as binary.
    fs: Any = MemoryFileSystem(skip_instance_cache=True)
    fs.store = {}
    fs.pseudo_dirs = [""]
    fs.mkdir("/tmp")
    fs.mkdir("/tmp/x", create_parents=False)
    fs.pipe_file("/tmp/x/a.txt", b"hello")

    def mkdir_rm() -> None:
        fs.mkdir("/tmp/y", create_parents=False)
        fs.rm("/tmp/y", recursive=True)

    def open_write() -> None:
        with fs.open("/tmp/x/a.txt", "w") as out:
            out.write(TEXT)

    def open_read() -> None:
        with fs.open("/tmp/x/a.txt", "r") as back:
            back.read()

    return [
        ("fsspec: mkdir + rm(recursive=True)", best(mkdir_rm, number // 10, rounds)),
        ("fsspec: write_text", best(lambda: fs.write_text("/tmp/x/a.txt", TEXT), number, rounds)),
        ("fsspec: read_text", best(lambda: fs.read_text("/tmp/x/a.txt"), number, rounds)),
        ('fsspec: with fs.open(p, "w") as f: f.write(s)', best(open_write, number, rounds)),
        ('fsspec: with fs.open(p, "r") as f: f.read()', best(open_read, number, rounds)),
        ("fsspec: info(p)", best(lambda: fs.info("/tmp/x/a.txt"), number, rounds)),
    ]


def main(argv: list[str] | None = None) -> int:
    """Print each part's best time per call."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_memory_shapes")
    parser.add_argument("--number", type=int, default=5000, help="calls per round (default 5000)")
    parser.add_argument("--rounds", type=int, default=7, help="rounds, best taken (default 7)")
    args = parser.parse_args(argv)
    if args.number < 50 or args.rounds < 1:
        parser.error("--number must be at least 50 and --rounds at least 1")
    version = sys.version.split()[0]
    sys.stdout.write(f"Python {version}: best of {args.rounds} rounds, us per call\n")
    for collect in (_memory_parts, _io_parts, _disk_parts, _fsspec_parts):
        for label, value in collect(args.number, args.rounds):
            sys.stdout.write(f"  {value:9.2f}  {label}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
