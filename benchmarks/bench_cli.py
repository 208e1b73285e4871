"""The command line tool (issues 7 and 19): what one ``tempkit mktemp`` process costs.

A shell script pays a whole process per call, so the unit is one process from
start to exit, run as users run it: the installed ``tempkit`` console script.
The target is against a bare ``python -c pass`` of the same interpreter, the
floor of any Python command: ``tempkit mktemp`` may cost at most twice that.
GNU mktemp (C, no interpreter to start) is shown for scale, and a ``python -c``
one-liner that makes the file with the tempkit library shows what the CLI
layer costs next to the library. Every contestant creates a file in the same
scratch directory, and each round checks that each made exactly its files.

Every interpreter reads bytecode from one private cache, filled in the warm-up
round, as after any install: with ``PYTHONDONTWRITEBYTECODE`` (set in some
shells) an editable install would otherwise compile tempkit from source on
every call while the standard library loads from its caches.

On a busy machine ``--clock cpu`` times the CPU the processes used (user +
system), which other load does not inflate.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from benchmarks._harness import Case, ComparisonCase, Config, Contestant, Target, children_cpu

TEMPKIT_ONE_LINER = (
    "import sys; from tempkit import TempFilePath; "
    "print(TempFilePath.create(prefix='tmp.', dir=sys.argv[1]).keep())"
)


def _spawner(argv: list[str], ops: int, env: dict[str, str]) -> Callable[[], None]:
    def run() -> None:
        for _ in range(ops):
            subprocess.run(argv, stdout=subprocess.DEVNULL, check=True, env=env)

    return run


def cases(config: Config) -> list[Case]:
    """The one case: ``tempkit mktemp`` against ``python -c pass`` and GNU mktemp."""
    ops = config.pick(full=20, quick=2)
    directory = config.scratch("cli-mktemp")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(config.scratch("cli-pycache"))

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
            _spawner([*command, "mktemp", "-p", str(directory)], ops, env),
            empty,
            check(ops),
        ),
        Contestant(
            "python -c pass",
            _spawner([sys.executable, "-c", "pass"], ops, env),
            empty,
            check(0),
        ),
    ]
    gnu = shutil.which("mktemp")
    if gnu is not None:
        contestants.append(
            Contestant(
                "GNU mktemp", _spawner([gnu, "-p", str(directory)], ops, env), empty, check(ops)
            )
        )
    contestants.append(
        Contestant(
            "python -c TempFilePath.create",
            _spawner([sys.executable, "-c", TEMPKIT_ONE_LINER, str(directory)], ops, env),
            empty,
            check(ops),
        )
    )
    return [
        ComparisonCase(
            name="cli-mktemp",
            title="CLI: one `tempkit mktemp` process, start to exit",
            ops=ops,
            unit="call",
            contestants=contestants,
            targets=[Target("python -c pass", 2.0)],
            timer=children_cpu if config.clock == "cpu" else None,
            clock_name="CPU time" if config.clock == "cpu" else None,
            notes=[
                f"tempkit mktemp runs as `{' '.join(Path(c).name for c in command)}`.",
                "The target bounds the whole command against the interpreter's own start.",
                "GNU mktemp (C, no interpreter) and the library one-liner are for scale.",
            ],
        )
    ]
