"""Running the real ``tempkit`` command in a subprocess, for the CLI tests."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tests.support.processes import run_forked

# `python -m tempkit` with the interpreter under test; the console script is
# checked once in test_cli.py.
TEMPKIT = (sys.executable, "-m", "tempkit")


def tempkit(
    *args: str, cwd: str | os.PathLike[str] | None = None, **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    """Run ``tempkit ARGS`` to completion, capturing text stdout and stderr."""
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("timeout", 120)  # a hang guard, not a speed check
    return subprocess.run([*TEMPKIT, *args], cwd=cwd, text=True, check=False, **kwargs)


def is_gnu_coreutils(program: str | None) -> bool:
    """Whether ``program`` is the GNU coreutils tool, which the CLI tests compare against."""
    if program is None:
        return False
    version = subprocess.run([program, "--version"], capture_output=True, text=True, check=False)
    return "GNU coreutils" in version.stdout


def tree(root: Path) -> set[str]:
    """Every path below ``root``, relative to it."""
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def run_main_in_child(
    args: Sequence[str], cwd: str, env: Mapping[str, str]
) -> tuple[int, str, str]:
    """Run ``tempkit.cli.main(args)`` in a forked child: (exit status, stdout, stderr).

    For tests that have dropped root in a forked child: the unprivileged user
    cannot execute the interpreter (it lives under the 0o700 /root), so the
    command runs in a fork of the already-running interpreter instead of a new
    one. Everything from argument parsing to the exit status is the real CLI;
    only the interpreter start-up is skipped.
    """

    def call() -> tuple[int, str, str]:
        from tempkit.cli import main

        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        out, err = io.StringIO(), io.StringIO()
        sys.stdout, sys.stderr = out, err
        try:
            status = main(list(args))
        except SystemExit as exc:  # argparse's exit on bad usage
            status = exc.code if isinstance(exc.code, int) else 1
        return status, out.getvalue(), err.getvalue()

    return run_forked(call)
