"""Issue 4: SpooledTempPath before roll-over against tempfile.SpooledTemporaryFile.

One operation is one spooled file: create it, 10,000 small writes, seek to the
start, read everything back, close. ``max_size`` is far above what is written,
so both stay in memory the whole time (checked: a roll-over would be a
benchmark bug, and it raises).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import Any

from benchmarks._harness import Case, ComparisonCase, Config, Contestant, Target
from tempkit import SpooledTempPath

WRITES = 10_000
MAX_SIZE = 1 << 20
CHUNK_BYTES = b"0123456789abcde\n"
CHUNK_TEXT = "0123456789abcd\u00e9\n"


def cases(config: Config) -> list[Case]:
    """Binary and text mode, each against the standard library."""
    files = config.pick(full=20, quick=2)
    return [
        _case("spooled binary", "w+b", CHUNK_BYTES, files),
        _case("spooled text", "w+", CHUNK_TEXT, files),
    ]


def _case(name: str, mode: str, chunk: bytes | str, files: int) -> Case:
    expected = chunk * WRITES
    encoding = None if "b" in mode else "utf-8"
    unit = "bytes" if encoding is None else "chars"

    def run_with(make: Callable[[], Any], rolled: Callable[[Any], bool]) -> Callable[[], None]:
        def run() -> None:
            for _ in range(files):
                f = make()
                write = f.write
                for _ in range(WRITES):
                    write(chunk)
                f.seek(0)
                data = f.read()
                if data != expected or rolled(f):
                    raise RuntimeError(f"{name}: wrong data or rolled over ({type(f).__name__})")
                f.close()

        return run

    def tempkit_file() -> Any:
        return SpooledTempPath.create(MAX_SIZE, mode, encoding=encoding)

    def stdlib_file() -> Any:
        return tempfile.SpooledTemporaryFile(MAX_SIZE, mode, encoding=encoding)

    return ComparisonCase(
        name=name,
        title=f"create, {WRITES:,} writes of {len(chunk)} {unit}, read all, close (in memory)",
        ops=files,
        unit="file",
        contestants=[
            Contestant("tempkit", run_with(tempkit_file, lambda f: bool(f.rolled))),
            Contestant("stdlib", run_with(stdlib_file, lambda f: bool(f._rolled))),
        ],
        targets=[Target("stdlib", 1.1)],
        notes=["stdlib = tempfile.SpooledTemporaryFile with the same max_size, mode and encoding"],
    )
