"""``tempkit run``: run a command inside a fresh temp dir, then remove the dir.

The dir is the command's working directory and its ``TMPDIR``. The exit
status is the command's own, with the conventions of ``env`` and the shells
for everything else:

====== ==========================================================
status meaning
====== ==========================================================
N      the command exited with N
128+n  the command was killed by signal n
125    tempkit itself failed: bad usage, or no temp dir could be created
126    the command was found but could not be started
127    the command was not found
====== ==========================================================

Bad usage exits with 125 too, as with ``env``: 2 is a status many commands
return themselves, and a script must be able to tell tempkit's failure from
the command's.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Final, NoReturn

from tempkit import naming
from tempkit.backends._current import get_backend
from tempkit.cli._output import error, quote, usage_error
from tempkit.cli._signals import SignalRelay
from tempkit.errors import CleanupError
from tempkit.temp import TempDirPath

__all__ = ["DEFAULT_PREFIX", "EXIT_CANNOT_RUN", "EXIT_NOT_FOUND", "EXIT_TEMPKIT_FAILED", "main"]

DEFAULT_PREFIX: Final = "tempkit-run-"
EXIT_TEMPKIT_FAILED: Final = 125
EXIT_CANNOT_RUN: Final = 126
EXIT_NOT_FOUND: Final = 127


class _RunParser(argparse.ArgumentParser):
    """argparse, but bad usage is reported as ``env`` does and exits with 125."""

    def error(self, message: str) -> NoReturn:
        """Report ``message`` in two lines on stderr and exit with 125."""
        usage_error("run", message)
        sys.exit(EXIT_TEMPKIT_FAILED)


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``tempkit run``."""
    parser = _RunParser(
        prog="tempkit run",
        usage="tempkit run [-h] [--keep | --keep-on-failure] [--prefix P] [--] CMD [ARGS...]",
        description="Run CMD with a fresh private temp dir as its working directory and "
        "as its TMPDIR, pass its exit status through (128+N when killed by signal N), and "
        "remove the dir afterwards. SIGINT, SIGTERM and SIGHUP are passed on to CMD, and "
        "the dir is removed when it dies from them. Exit status 125 when tempkit itself "
        "fails (bad usage, no temp dir), 126 when CMD cannot be run, 127 when it is not "
        "found.",
    )
    keep = parser.add_mutually_exclusive_group()
    keep.add_argument(
        "--keep", action="store_true", help="keep the dir afterwards (its path goes to stderr)"
    )
    keep.add_argument(
        "--keep-on-failure",
        action="store_true",
        help="keep the dir only when CMD fails (exit status not 0)",
    )
    parser.add_argument(
        "--prefix",
        type=_prefix,
        default=DEFAULT_PREFIX,
        metavar="P",
        help=f"start the dir's name with P (default {DEFAULT_PREFIX!r})",
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser


def _prefix(value: str) -> str:
    try:
        return naming.validate_affix(value, "prefix", get_backend().flavour)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(args: Sequence[str]) -> int:
    """Run ``tempkit run ARGS``; returns the exit status (see the module docstring)."""
    parser = build_parser()
    options = parser.parse_args(args)
    command: list[str] = options.command
    if command[:1] == ["--"]:
        command = command[1:]
    if not command:
        parser.error("no command given")
    return _run(command, options)


def _run(command: list[str], args: argparse.Namespace) -> int:
    with SignalRelay() as relay:
        try:
            tmp = TempDirPath.create(prefix=args.prefix)
        except OSError as exc:
            error("run", f"cannot create a temp dir: {exc.strerror or exc}")
            return EXIT_TEMPKIT_FAILED
        try:
            status = _run_child(command, str(tmp), relay)
        except BaseException:
            tmp.cleanup(ignore_errors=True)
            raise
        if args.keep or (args.keep_on_failure and status != 0):
            tmp.keep()
            error("run", f"kept {tmp}")
            return status
        try:
            tmp.cleanup()
        except CleanupError as exc:
            error("run", f"could not remove {tmp}: {exc}")
        return status


def _run_child(command: list[str], directory: str, relay: SignalRelay) -> int:
    import subprocess  # noqa: PLC0415 - only `run` needs it; mktemp starts faster without

    env = dict(os.environ)
    env["TMPDIR"] = directory
    # A relative "./tool" means the caller's ./tool, not one in the fresh dir
    # (Popen looks for a relative executable relative to its cwd argument).
    program = command[0]
    executable = os.path.abspath(program) if os.sep in program else None
    try:
        child = subprocess.Popen(command, executable=executable, cwd=directory, env=env)
    except OSError as exc:
        error("run", f"cannot run {quote(program)}: {exc.strerror or exc}")
        return EXIT_NOT_FOUND if isinstance(exc, FileNotFoundError) else EXIT_CANNOT_RUN
    returncode = relay.wait(child)
    return 128 - returncode if returncode < 0 else returncode
