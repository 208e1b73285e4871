"""tempkit.tempfile against the standard library's tempfile, call for call (issue 14).

Each case runs the same default call shape (no ``dir=``) through
``tempkit.tempfile`` and through ``tempfile``, end to end with every system
call, in one fresh directory of its own on the run's filesystem: both modules'
``tempdir`` points there while a contestant runs, so what other cases leave in
the run's temp dir cannot fail this one's leftover check. The unnamed file is
timed against the raw system calls it is made of.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import tempkit.tempfile
from benchmarks._harness import (
    Case,
    ComparisonCase,
    Config,
    Contestant,
    Skip,
    Target,
    children_cpu,
)
from tempkit import UnnamedTempFile
from tempkit.backends import posix

SMALL_WRITES = 10_000


def cases(config: Config) -> list[Case]:
    """One case per function the issue names, then the import and the unnamed file."""
    if os.name != "posix":
        raise Skip("compares the POSIX paths of tempfile and tempkit.tempfile")
    return [
        _mkstemp_case(config),
        _mkdtemp_case(config),
        _named_case(config),
        _temporary_file_case(config),
        _directory_case(config),
        _spooled_case(config),
        _import_case(config),
        _first_call_case(config),
        _unnamed_case(config),
    ]


def _in(directory: Path) -> Callable[[], None]:
    """Setup: both modules' default directory is ``directory``."""

    def setup() -> None:
        tempfile.tempdir = str(directory)
        tempkit.tempfile.tempdir = str(directory)

    return setup


def _expect_empty(directory: Path) -> Callable[[], None]:
    """Teardown: nothing left in ``directory``; both modules find their directory again."""

    def check() -> None:
        tempfile.tempdir = None
        tempkit.tempfile.tempdir = None
        leftovers = os.listdir(directory)
        if leftovers:
            raise RuntimeError(f"{len(leftovers)} entries left behind: {sorted(leftovers)[:5]}")

    return check


def _pair(
    config: Config,
    name: str,
    title: str,
    ops: int,
    make: Callable[[object], Callable[[], None]],
    limit: float = 1.0,
) -> ComparisonCase:
    """tempkit.tempfile first, the standard library second, ``make(module)`` the workload."""
    directory = config.scratch(name)
    setup, check = _in(directory), _expect_empty(directory)
    ours = Contestant(f"tempkit.tempfile: {title}", make(tempkit.tempfile), setup, check)
    theirs = Contestant(f"tempfile: {title}", make(tempfile), setup, check)
    return ComparisonCase(
        name=name,
        title=f"tempfile drop-in: {title}",
        ops=ops,
        contestants=[ours, theirs],
        targets=[Target(theirs.name, limit)],
    )


def _mkstemp_case(config: Config) -> Case:
    ops = config.pick(full=2000, quick=20)

    def make(module: object) -> Callable[[], None]:
        mkstemp = module.mkstemp  # type: ignore[attr-defined]

        def run() -> None:
            for _ in range(ops):
                fd, name = mkstemp()
                os.close(fd)
                os.unlink(name)

        return run

    return _pair(config, "tempfile-mkstemp", "mkstemp() + close + unlink", ops, make)


def _mkdtemp_case(config: Config) -> Case:
    ops = config.pick(full=2000, quick=20)

    def make(module: object) -> Callable[[], None]:
        mkdtemp = module.mkdtemp  # type: ignore[attr-defined]

        def run() -> None:
            for _ in range(ops):
                os.rmdir(mkdtemp())

        return run

    return _pair(config, "tempfile-mkdtemp", "mkdtemp() + rmdir", ops, make)


def _named_case(config: Config) -> Case:
    ops = config.pick(full=2000, quick=20)

    def make(module: object) -> Callable[[], None]:
        named = module.NamedTemporaryFile  # type: ignore[attr-defined]

        def run() -> None:
            for _ in range(ops):
                named().close()

        return run

    return _pair(config, "tempfile-named", "NamedTemporaryFile().close()", ops, make)


def _temporary_file_case(config: Config) -> Case:
    ops = config.pick(full=2000, quick=20)

    def make(module: object) -> Callable[[], None]:
        temporary = module.TemporaryFile  # type: ignore[attr-defined]

        def run() -> None:
            for _ in range(ops):
                temporary().close()

        return run

    return _pair(config, "tempfile-temporary", "TemporaryFile().close()", ops, make)


def _directory_case(config: Config) -> Case:
    ops = config.pick(full=500, quick=10)

    def make(module: object) -> Callable[[], None]:
        directory = module.TemporaryDirectory  # type: ignore[attr-defined]

        def run() -> None:
            for _ in range(ops):
                with directory() as name:
                    sub = os.path.join(name, "sub")
                    os.mkdir(sub)
                    for path in (name, sub):
                        for i in range(3):
                            with open(os.path.join(path, f"f{i}"), "wb") as f:
                                f.write(b"x")

        return run

    return _pair(
        config,
        "tempfile-directory",
        "TemporaryDirectory() with a dir and 6 files, cleaned up",
        ops,
        make,
    )


def _spooled_case(config: Config) -> Case:
    ops = config.pick(full=20, quick=2)

    def make(module: object) -> Callable[[], None]:
        spooled = module.SpooledTemporaryFile  # type: ignore[attr-defined]
        line = b"a small write\n"

        def run() -> None:
            for _ in range(ops):
                with spooled() as f:
                    write = f.write
                    for _ in range(SMALL_WRITES):
                        write(line)

        return run

    return _pair(
        config,
        "tempfile-spooled",
        f"SpooledTemporaryFile() with {SMALL_WRITES:,} small writes",
        ops,
        make,
    )


def _import_case(config: Config) -> Case:
    return _interpreter_case(
        config,
        name="tempfile-import",
        title="tempfile drop-in: import in a fresh interpreter",
        codes=[
            "import tempkit.tempfile",
            "import tempfile",
            "import tempkit.temp",  # the temp layer the drop-in loads on its first call
            "pass",
        ],
        target=Target("python -c 'import tempfile'", 1.2),
    )


def _first_call_case(config: Config) -> Case:
    # The drop-in loads tempkit's layers on its first call, not at import: what a
    # program that imports it and makes one temp file pays in all (no target).
    return _interpreter_case(
        config,
        name="tempfile-first-call",
        title="tempfile drop-in: import and one TemporaryFile in a fresh interpreter",
        codes=[
            "import tempkit.tempfile as t; t.TemporaryFile().close()",
            "import tempfile as t; t.TemporaryFile().close()",
            "pass",
        ],
        target=None,
    )


def _interpreter_case(
    config: Config, name: str, title: str, codes: list[str], target: Target | None
) -> Case:
    """``python -c CODE`` for each code, timed as whole interpreters (the first is the subject)."""
    ops = config.pick(full=10, quick=2)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(config.scratch(f"{name}-pycache"))

    def importer(code: str) -> Callable[[], None]:
        def run() -> None:
            for _ in range(ops):
                subprocess.run([sys.executable, "-c", code], check=True, env=env)

        return run

    return ComparisonCase(
        name=name,
        title=title,
        ops=ops,
        unit="interpreter",
        contestants=[Contestant(f"python -c '{code}'", importer(code)) for code in codes],
        targets=[] if target is None else [target],
        # On the CPU clock, what counts is the child interpreters' time.
        timer=children_cpu if config.clock == "cpu" else None,
        clock_name="CPU time" if config.clock == "cpu" else None,
    )


def _unnamed_case(config: Config) -> Case:
    ops = config.pick(full=2000, quick=20)
    if not posix._tmpfile_works:
        raise Skip("no O_TMPFILE on this kernel")
    scratch = config.scratch("tempfile-unnamed")
    directory = str(scratch)
    flags = os.O_TMPFILE | os.O_RDWR | os.O_CLOEXEC
    create = UnnamedTempFile.create

    def ours() -> None:
        for _ in range(ops):
            create().close()

    def raw() -> None:
        for _ in range(ops):
            os.close(os.open(directory, flags, 0o600))

    both_in, check_both = _in(scratch), _expect_empty(scratch)
    previous = os.environ.get("TMPDIR")

    def setup() -> None:
        # tempkit's own default directory is the scratch one too, for the call users write.
        os.environ["TMPDIR"] = directory
        tempkit.reset_tempdir_cache()
        both_in()

    def check() -> None:
        if previous is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = previous
        tempkit.reset_tempdir_cache()
        check_both()

    contestants = [
        Contestant("tempkit UnnamedTempFile.create().close()", ours, setup, check),
        Contestant("raw os.open(d, O_TMPFILE|O_RDWR) + os.close", raw, setup, check),
        Contestant("tempfile.TemporaryFile().close()", _stdlib_temporary(ops), setup, check),
    ]
    return ComparisonCase(
        name="tempfile-unnamed",
        title="unnamed file: create + close",
        ops=ops,
        contestants=contestants,
        targets=[Target(contestants[1].name, 1.05)],
    )


def _stdlib_temporary(ops: int) -> Callable[[], None]:
    temporary = tempfile.TemporaryFile

    def run() -> None:
        for _ in range(ops):
            temporary().close()

    return run
