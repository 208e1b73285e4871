"""What every subcommand writes: one-line diagnostics, quoted names, a stdout that failed."""

from __future__ import annotations

import os
import sys

__all__ = ["error", "quote", "silence_stdout", "usage_error"]


def quote(text: str) -> str:
    """``'text'`` as GNU tools quote names; escaped when it would break the line."""
    if text.isprintable() and "'" not in text:
        return f"'{text}'"
    return repr(text)


def error(command: str, message: str) -> None:
    """Write ``tempkit COMMAND: message`` to stderr as exactly one line."""
    line = " ".join(f"tempkit {command}: {message}".splitlines())
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def usage_error(command: str, message: str) -> None:
    """Report a command line that does not parse, in the two lines of GNU tools.

    ``tempkit COMMAND: message``, then where to find help; the caller exits
    with its command's status for bad usage.
    """
    error(command, message)
    sys.stderr.write(f"Try 'tempkit {command} --help' for more information.\n")
    sys.stderr.flush()


def silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again.

    After a write to stdout failed (a closed pipe, a full disk) the unwritten
    bytes stay buffered; without this Python reports them at exit on a second
    line of stderr and changes the exit status to 120.
    """
    if sys.stdout is None:
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)
