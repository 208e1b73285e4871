"""The command line tool (issue 7): what one ``tempkit mktemp`` process costs.

A shell script pays a whole process per call, so the unit is one process from
start to exit. The target is against a ``python -c`` one-liner that makes the
same file with the tempkit library: the difference is what the CLI layer
(argparse, GNU's template rules) adds; interpreter start-up and ``import
tempkit`` are in both, and the import has its own case in bench_core. The
``tempfile`` one-liner and GNU mktemp (C, no interpreter: the floor) are shown
for scale, without targets. Every contestant creates a file in the same
scratch directory.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from benchmarks._harness import Case, ComparisonCase, Config, Contestant, Target

TEMPKIT_ONE_LINER = (
    "import sys; from tempkit import TempFilePath; "
    "print(TempFilePath.create(prefix='tmp.', dir=sys.argv[1]).keep())"
)
TEMPFILE_ONE_LINER = (
    "import sys, tempfile, os; "
    "fd, name = tempfile.mkstemp(prefix='tmp.', dir=sys.argv[1]); os.close(fd); print(name)"
)


def _spawner(argv: list[str], ops: int) -> Callable[[], None]:
    def run() -> None:
        for _ in range(ops):
            subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)

    return run


def cases(config: Config) -> list[Case]:
    ops = config.pick(full=10, quick=2)
    directory = config.scratch("cli-mktemp")

    def empty() -> None:
        for entry in Path(directory).iterdir():
            entry.unlink()

    def check(expected: int) -> Callable[[], None]:
        def teardown() -> None:
            found = sum(1 for _ in Path(directory).iterdir())
            if found != expected:
                raise AssertionError(f"expected {expected} files, found {found}")
            empty()

        return teardown

    script = Path(sys.executable).with_name("tempkit")  # what users run
    command = [str(script)] if script.exists() else [sys.executable, "-m", "tempkit"]
    contestants = [
        Contestant(
            "tempkit mktemp",
            _spawner([*command, "mktemp", "-p", str(directory)], ops),
            empty,
            check(ops),
        ),
        Contestant(
            "python -c TempFilePath.create",
            _spawner([sys.executable, "-c", TEMPKIT_ONE_LINER, str(directory)], ops),
            empty,
            check(ops),
        ),
        Contestant(
            "python -c tempfile.mkstemp",
            _spawner([sys.executable, "-c", TEMPFILE_ONE_LINER, str(directory)], ops),
            empty,
            check(ops),
        ),
    ]
    gnu = shutil.which("mktemp")
    if gnu is not None:
        contestants.append(
            Contestant("GNU mktemp", _spawner([gnu, "-p", str(directory)], ops), empty, check(ops))
        )
    return [
        ComparisonCase(
            name="cli-mktemp",
            title="CLI: one `mktemp` process, start to exit",
            ops=ops,
            unit="call",
            contestants=contestants,
            targets=[Target("python -c TempFilePath.create", 1.3)],
            notes=[
                "The target bounds the CLI layer: both start Python and import tempkit.",
                "tempfile and GNU mktemp (C, no interpreter) are for scale, not targets.",
            ],
        )
    ]
