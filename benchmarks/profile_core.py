"""Where the Python time of create + cleanup goes: ``python -m benchmarks.profile_core``.

The backend's system calls are stubbed out (a PosixBackend whose primitives do
nothing), so only tempkit's own code is timed; ``tempfile.mkstemp`` is timed the same
way, with its ``os.open`` stubbed, for comparison. ``--cprofile`` adds a cProfile of
the loop. Not part of the suite (it patches things); docs/performance.md quotes it.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
import types
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from tempkit import BackendPath, TempFilePath, naming
from tempkit._finalizer import finalize
from tempkit.backends import PosixBackend

LOOPS = 20_000
NOWHERE = "/nonexistent-tempkit-profile"


class NoSyscalls(PosixBackend):
    """The local backend with every primitive on the hot path doing nothing."""

    def environ(self) -> Mapping[str, str]:
        return {"TMPDIR": NOWHERE}

    def create_file(self, path: str, perm: int = 0o600) -> None:
        return None

    def unlink(self, path: str) -> None:
        return None

    def rmtree(self, path: str, *, ignore_errors: bool = False) -> None:
        return None


def per_call_ns(work: Callable[[], object], rounds: int = 9) -> float:
    """Median CPU nanoseconds of one call of ``work`` over ``rounds`` rounds."""
    times = []
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(LOOPS):
            work()
        times.append((time.process_time() - start) / LOOPS * 1e9)
    return statistics.median(times)


@contextmanager
def mkstemp_without_syscalls() -> Iterator[None]:
    """``tempfile.mkstemp`` with its ``os.open`` answering at once (restored afterwards)."""
    real = tempfile._os  # type: ignore[attr-defined]
    stub = types.SimpleNamespace(**{k: getattr(os, k) for k in dir(os) if not k.startswith("__")})
    stub.open = lambda *args, **kwargs: -1
    tempfile._os = stub  # type: ignore[attr-defined]
    try:
        yield
    finally:
        tempfile._os = real  # type: ignore[attr-defined]


class Thing:
    """Something to hang finalizers on."""


def main(argv: list[str] | None = None) -> int:
    """Print the breakdown; see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_core")
    parser.add_argument("--cprofile", action="store_true", help="also print a cProfile")
    args = parser.parse_args(argv)
    backend = NoSyscalls()
    create = TempFilePath.create
    thing = Thing()

    def noop() -> None:
        return None

    def tempkit_cycle() -> None:
        create(backend=backend).cleanup()

    def raw_python() -> None:
        os.path.join(NOWHERE, "tmp" + os.urandom(6).hex())

    def mkstemp_cycle() -> None:
        tempfile.mkstemp(dir=NOWHERE)

    rows: list[tuple[str, Callable[[], object]]] = [
        ("TempFilePath.create() + cleanup()", tempkit_cycle),
        (
            "  same with cleanup='never' (no finalizer)",
            lambda: create(backend=backend, cleanup="never").cleanup(),
        ),
        ("  random_name()", naming.random_name),
        (
            "  create_unique() (name loop + create call)",
            lambda: naming.create_unique(NOWHERE, "/", "tmp", "", 8, backend.create_file),
        ),
        (
            "  path object only (_from_normalized)",
            lambda: BackendPath._from_normalized(NOWHERE + "/x", backend),
        ),
        ("  tempkit finalizer register + detach", lambda: finalize(thing, noop).detach()),
        (
            "  weakref.finalize register + detach",
            lambda: weakref.finalize(thing, noop).detach(),
        ),
        ("raw loop's own Python (name + join)", raw_python),
    ]
    print(f"Python {sys.version.split()[0]}, CPU ns per call, system calls stubbed out")
    for label, work in rows:
        print(f"  {label:46} {per_call_ns(work):7.0f}")
    with mkstemp_without_syscalls():
        print(f"  {'tempfile.mkstemp()':46} {per_call_ns(mkstemp_cycle):7.0f}")
    if args.cprofile:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(LOOPS):
            tempkit_cycle()
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
