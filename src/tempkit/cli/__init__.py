"""The ``tempkit`` command line tool (console script ``tempkit``, or ``python -m tempkit``).

One module per subcommand, each with a ``main(args)`` that parses its own
command line and returns the exit status. :func:`main` picks the module by the
first argument and imports only that one: a shell script pays the start-up of
a whole process for every ``tempkit mktemp``, so that command loads neither
argparse nor the temp-object layer.

Bad usage follows the tool each command stands in for: ``mktemp`` exits with 1
like GNU mktemp, ``run`` with 125 like ``env`` (so a script can tell it from
the command's own status), and ``where``, ``sweep``, ``demo`` and ``tempkit``
itself with argparse's 2.
"""

from __future__ import annotations

import io
import sys

from tempkit.cli._output import silence_stdout

# Not typing's TYPE_CHECKING: `tempkit mktemp` starts faster without typing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence
    from typing import Final

__all__ = ["COMMANDS", "build_parser", "main"]

# Every subcommand and its one-line summary, in the order `tempkit --help` lists them.
COMMANDS: Final = {
    "mktemp": "create a temporary file or directory and print its name (GNU mktemp)",
    "run": "run a command in a fresh temp dir (its cwd and TMPDIR), then remove the dir",
    "where": "show the resolved temp dir and why it was chosen",
    "sweep": "remove what dead processes left in crash-safe mode",
    "demo": "create, show and clean up a small temp tree",
}


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``tempkit`` itself: ``--help``, ``--version`` and the commands.

    Returns:
        A parser whose subcommands only list each command and its summary; a
        command's own options are parsed by that command's module.

    """
    import argparse  # noqa: PLC0415 - `tempkit mktemp` starts faster without it

    from tempkit import __version__  # noqa: PLC0415 - the package is initialised by now

    parser = argparse.ArgumentParser(
        prog="tempkit", description="Temporary files and directories, done right."
    )
    parser.add_argument("--version", action="version", version=f"tempkit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, summary in COMMANDS.items():
        sub.add_parser(name, help=summary, add_help=False)
    return parser


def _command(name: str) -> Callable[[Sequence[str]], int]:
    """The ``main`` of subcommand ``name``, importing its module only now."""
    # One import per branch: each command loads only its own module.
    if name == "mktemp":
        from tempkit.cli._mktemp import main  # noqa: PLC0415
    elif name == "run":
        from tempkit.cli._run import main  # noqa: PLC0415
    elif name == "where":
        from tempkit.cli._where import main  # noqa: PLC0415
    elif name == "sweep":
        from tempkit.cli._sweep import main  # noqa: PLC0415
    else:
        from tempkit.cli._demo import main  # noqa: PLC0415
    return main


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line tool.

    Args:
        argv: The arguments after the program name (default: ``sys.argv[1:]``).

    Returns:
        The exit status. ``--help``, ``--version`` and argparse's usage errors
        raise ``SystemExit`` instead, as argparse does.

    """
    args = list(sys.argv[1:] if argv is None else argv)
    # Paths are bytes to the OS: print undecodable ones back as the same bytes.
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="surrogateescape")
    if args and args[0] in COMMANDS:
        name, rest = args[0], args[1:]
    else:  # --help, --version, a mistake, or options before the command
        namespace, rest = build_parser().parse_known_args(args)
        name = namespace.command
    try:
        status = _command(name)(rest)
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (``tempkit where | head -1``): stop quietly, and
        # point stdout at /dev/null so the interpreter's final flush cannot fail.
        silence_stdout()
        return 1
    return status
