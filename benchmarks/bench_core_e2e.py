"""Core cases end to end: the call shapes people write against the raw system calls.

A held-out check of issue 8's core targets, built differently from ``bench_core``'s
cases 1 and 2, so that a figure is not an artefact of one harness: each round
interleaves tempkit and the raw calls in short slices (tempkit, raw, raw, tempkit, ...),
so both sides meet the filesystem in the same state (on ext4 without a journal, the
cost of creating an inode grows with the inodes freed in the last half minute, and
other processes' work in the same directory moves it by a factor of ten). Every slice
is timed on the wall clock and on the CPU clock (user + system time of this process)
at once, and both ratios are printed; the targets are judged on the CPU clock, as for
``bench_core``.

The shapes, defaults first: ``TempFilePath.create().cleanup()`` with no ``dir``;
``with TempDirPath.create() as d:``; and both with ``dir=`` a directory given as text.
The raw side makes the same entry with the same system calls (``os.open`` with
``O_EXCL|O_NOFOLLOW|O_CLOEXEC`` and ``os.close``, or ``os.mkdir``; then ``os.unlink`` or
``os.rmdir``) under a random name in the same directory.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks._harness import Case, CaseResult, Config, Row, Target
from tempkit import TempDirPath, TempFilePath, gettempdir

RAW_FILE_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
SLICES = 6  # tempkit and raw slices per round, alternating ABBA


def cases(config: Config) -> list[Case]:
    """One case per call shape."""
    scratch = str(config.scratch("e2e"))
    file_ops = config.pick(full=600, quick=20)
    dir_ops = config.pick(full=240, quick=10)
    return [
        EndToEndCase("e2e file", "TempFilePath.create().cleanup()", file_ops, *_file_shape(None)),
        EndToEndCase("e2e dir", "with TempDirPath.create() as d: pass", dir_ops, *_dir_shape(None)),
        EndToEndCase(
            "e2e file dir=",
            "TempFilePath.create(dir=d).cleanup()",
            file_ops,
            *_file_shape(scratch),
        ),
        EndToEndCase(
            "e2e dir dir=",
            "with TempDirPath.create(dir=d) as d2: pass",
            dir_ops,
            *_dir_shape(scratch),
        ),
    ]


Loop = Callable[[int], None]


def _raw_name(directory: str) -> str:
    return os.path.join(directory, "tmp" + os.urandom(6).hex())


def _file_shape(directory: str | None) -> tuple[Loop, Loop, float]:
    create = TempFilePath.create

    if directory is None:

        def tempkit(n: int) -> None:
            for _ in range(n):
                create().cleanup()
    else:

        def tempkit(n: int) -> None:
            for _ in range(n):
                create(dir=directory).cleanup()

    def raw(n: int) -> None:
        where = gettempdir() if directory is None else directory
        for _ in range(n):
            path = _raw_name(where)
            os.close(os.open(path, RAW_FILE_FLAGS, 0o600))
            os.unlink(path)

    return tempkit, raw, 1.15


def _dir_shape(directory: str | None) -> tuple[Loop, Loop, float]:
    create = TempDirPath.create

    if directory is None:

        def tempkit(n: int) -> None:
            for _ in range(n):
                with create():
                    pass
    else:

        def tempkit(n: int) -> None:
            for _ in range(n):
                with create(dir=directory):
                    pass

    def raw(n: int) -> None:
        where = gettempdir() if directory is None else directory
        for _ in range(n):
            path = _raw_name(where)
            os.mkdir(path, 0o700)
            os.rmdir(path)

    return tempkit, raw, 1.2


@dataclass(frozen=True)
class _Times:
    """Seconds per operation of one side in one round, on both clocks."""

    cpu: float
    wall: float


def _timed(loop: Loop, ops: int) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    loop(ops)
    return time.process_time() - cpu, time.perf_counter() - wall


@dataclass(frozen=True)
class EndToEndCase:
    """tempkit against the raw calls for one call shape, interleaved slice by slice."""

    name: str
    shape: str
    ops: int
    tempkit: Loop
    raw: Loop
    max_ratio: float

    def _round(self) -> tuple[_Times, _Times]:
        per_slice = max(1, self.ops // SLICES)
        totals = {"tempkit": [0.0, 0.0], "raw": [0.0, 0.0]}
        for index in range(SLICES):
            pair = [("tempkit", self.tempkit), ("raw", self.raw)]
            if index % 4 in (1, 2):  # ABBA: neither side always goes first
                pair.reverse()
            for side, loop in pair:
                cpu, wall = _timed(loop, per_slice)
                totals[side][0] += cpu
                totals[side][1] += wall
        ops = per_slice * SLICES
        tempkit, raw = totals["tempkit"], totals["raw"]
        return _Times(tempkit[0] / ops, tempkit[1] / ops), _Times(raw[0] / ops, raw[1] / ops)

    def run(self, config: Config) -> CaseResult:
        """Warm up with one round, then time ``config.rounds`` rounds."""
        self._round()
        rounds = [self._round() for _ in range(config.rounds)]
        ours = [tempkit for tempkit, _ in rounds]
        theirs = [raw for _, raw in rounds]
        target = Target("raw", self.max_ratio)
        result = CaseResult(
            self.name,
            f"{self.shape} against the raw calls ({self.ops} ops/round in {SLICES} "
            f"interleaved slices, {config.rounds} rounds; CPU and wall time per op)",
            columns=("", "median CPU / wall", "CPU spread", "ratio CPU; wall", "target", ""),
        )
        result.rows.append(_row(f"tempkit {self.shape}", ours))
        cpu_ratios = [a.cpu / b.cpu for a, b in zip(ours, theirs, strict=True) if b.cpu > 0]
        wall_ratios = [a.wall / b.wall for a, b in zip(ours, theirs, strict=True)]
        cpu_ratio = statistics.median(cpu_ratios) if cpu_ratios else float("nan")
        wall_ratio = statistics.median(wall_ratios)
        if config.quick:
            verdict = "(quick)"
        elif target.met(cpu_ratio):
            verdict = "ok"
        else:
            verdict = "MISSED"
            result.missed.append(
                f"{self.name}: tempkit / raw = {cpu_ratio:.2f}x CPU, target {target.describe()}"
            )
        raw_row = _row("raw system calls, same directory", theirs)
        result.rows.append(
            Row(
                raw_row.label,
                raw_row.value,
                raw_row.spread,
                f"{_ratio_text(cpu_ratio, cpu_ratios)}; {_ratio_text(wall_ratio, wall_ratios)}",
                target.describe(),
                verdict,
            )
        )
        return result


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:.3g} us"


def _row(label: str, times: list[_Times]) -> Row:
    cpu = [t.cpu for t in times]
    wall = [t.wall for t in times]
    return Row(
        label,
        f"{_us(statistics.median(cpu))} / {_us(statistics.median(wall))}",
        f"{_us(min(cpu))} .. {_us(max(cpu))}",
    )


def _ratio_text(ratio: float, ratios: list[float]) -> str:
    if not ratios:
        return "n/a"
    return f"{ratio:.2f}x [{min(ratios):.2f}..{max(ratios):.2f}]"
