"""Where the work of the memory cycle goes: ``python -m benchmarks.profile_memory``.

The cycle is the one of ``bench_memory`` (create a TempDirPath on a MemoryBackend,
write a 5-byte text file, read it back, clean up). Time per cycle on a shared machine
moves by 10-40% from one minute to the next; the number of bytecode instructions the
interpreter runs per cycle does not, so this counts them, per function, with the
interpreter's opcode trace. It is the figure to compare before and after a change to
the memory backend's hot paths; the benchmark then says what it is worth in time.
``--time`` also prints the best wall time per cycle. Not part of the suite (tracing
is slow); docs/performance.md quotes it.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from types import FrameType
from typing import Any

from benchmarks.bench_memory import run_cycles as cycles
from tempkit import MemoryBackend


def bytecodes_per_cycle(count: int) -> tuple[float, collections.Counter[str]]:
    """Bytecode instructions per cycle, in all and by function (``file:function``)."""
    backend = MemoryBackend()
    cycles(backend, 50)  # warm: resolver cache, name pool, remembered routes
    counts: collections.Counter[str] = collections.Counter()

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        frame.f_trace_opcodes = True
        if event == "opcode":
            code = frame.f_code
            counts[f"{code.co_filename.rsplit('/', 1)[-1]}:{code.co_name}"] += 1
        return trace

    sys.settrace(trace)
    try:
        cycles(backend, count)
    finally:
        sys.settrace(None)
    del counts["bench_memory.py:run_cycles"]  # the loop itself is not the cycle's work
    return sum(counts.values()) / count, counts


def best_time_per_cycle(count: int, rounds: int = 30) -> float:
    """The fastest of ``rounds`` rounds, in microseconds per cycle."""
    backend = MemoryBackend()
    cycles(backend, count)
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        cycles(backend, count)
        best = min(best, (time.perf_counter() - start) / count)
    return best * 1e6


def main(argv: list[str] | None = None) -> int:
    """Print bytecodes per cycle, the functions that run most of them, and optionally time."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_memory")
    parser.add_argument("--cycles", type=int, default=200, help="traced cycles (default 200)")
    parser.add_argument("--top", type=int, default=20, help="functions to list (default 20)")
    parser.add_argument("--time", action="store_true", help="also time 500-cycle rounds")
    args = parser.parse_args(argv)
    if args.cycles < 1 or args.top < 0:
        parser.error("--cycles must be at least 1 and --top at least 0")
    total, counts = bytecodes_per_cycle(args.cycles)
    sys.stdout.write(f"Python {sys.version.split()[0]}: {total:.0f} bytecodes per memory cycle\n")
    for name, count in counts.most_common(args.top):
        sys.stdout.write(f"  {count / args.cycles:6.0f}  {name}\n")
    if args.time:
        best = best_time_per_cycle(500)
        sys.stdout.write(f"best wall time per cycle: {best:.2f} us\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
