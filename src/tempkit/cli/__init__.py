"""The ``tempkit`` command line tool (console script ``tempkit``, or ``python -m tempkit``).

One module per subcommand, each with a ``register(subparsers)`` that adds its
parser and sets ``func`` to the function that runs it and returns the exit
status. Bad usage is argparse's business: a short message and status 2.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence

from tempkit.cli import _demo, _mktemp, _run, _where
from tempkit.cli._output import silence_stdout

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    from tempkit import __version__  # noqa: PLC0415 - the package is initialised by now

    parser = argparse.ArgumentParser(
        prog="tempkit", description="Temporary files and directories, done right."
    )
    parser.add_argument("--version", action="version", version=f"tempkit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _mktemp.register(sub)
    _run.register(sub)
    _where.register(sub)
    _demo.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line tool; returns the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["mktemp"]:
        args_list[1:] = _mktemp.normalize_args(args_list[1:])
    # Paths are bytes to the OS: print undecodable ones back as the same bytes.
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="surrogateescape")
    args = build_parser().parse_args(args_list)
    try:
        status: int = args.func(args)
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (``tempkit where | head -1``): stop quietly, and
        # point stdout at /dev/null so the interpreter's final flush cannot fail.
        silence_stdout()
        return 1
    return status
