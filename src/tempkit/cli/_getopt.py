"""Command-line parsing by GNU ``getopt_long`` rules, for commands that stand in for coreutils.

Shell scripts are written against the exact behaviour of GNU tools: options
may follow operands, long options may be abbreviated, ``--opt=ARG`` and
``--opt ARG`` both work, and a mistake is reported as one line in GNU's words
followed by ``Try 'PROG --help' for more information.``, with exit status 1.
argparse differs in each of these, and importing it costs a few milliseconds
that a command run once per shell-script line should not pay.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: `tempkit mktemp` starts faster without it
if TYPE_CHECKING:
    from collections.abc import Container, Sequence
    from typing import Final

__all__ = [
    "NO_ARGUMENT",
    "OPTIONAL_ARGUMENT",
    "REQUIRED_ARGUMENT",
    "LongOption",
    "UsageError",
    "parse",
]

NO_ARGUMENT: Final = 0
REQUIRED_ARGUMENT: Final = 1
OPTIONAL_ARGUMENT: Final = 2  # only as ``--name=ARG``, never from the next argument


class LongOption:
    """A ``--name`` option: how it takes an argument, and the key it is reported under."""

    __slots__ = ("argument", "key", "name")

    def __init__(self, name: str, argument: int, key: str) -> None:
        self.name = name
        self.argument = argument
        self.key = key


class UsageError(Exception):
    """A command line that does not parse; the message is GNU getopt's wording."""


def parse(
    args: Sequence[str],
    short: str,
    long: Sequence[LongOption],
    *,
    permute: bool = True,
    stop_at: Container[str] = (),
) -> tuple[list[tuple[str, str | None]], list[str]]:
    """Split ``args`` into options and operands as GNU ``getopt_long`` does.

    Args:
        args: The arguments after the program name.
        short: The short options in getopt's syntax: a letter, followed by ``:``
            when it takes an argument (``"dp:q"``).
        long: The long options.
        permute: Whether options may follow operands, as GNU allows unless
            ``POSIXLY_CORRECT`` is set; when false the first operand ends the
            options.
        stop_at: Keys of options that end parsing where they stand (``--help``,
            ``--version``): a GNU tool acts on them as getopt returns them, so
            a mistake further on is never reported.

    Returns:
        ``(options, operands)``: each option as ``(key, argument)`` in command-line
        order, where ``key`` is the letter of a short option or the ``key`` of a
        long one; the operands in order. Everything after ``--`` is an operand.
        After a ``stop_at`` option, the last one in ``options``, nothing more
        is read.

    Raises:
        UsageError: An unknown or ambiguous option, a missing argument, or an
            argument given to an option that takes none.

    """
    options: list[tuple[str, str | None]] = []
    operands: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if arg == "--":
            operands.extend(args[index:])
            break
        if arg.startswith("--"):
            name, equals, attached = arg[2:].partition("=")
            option = _find_long(name, arg[2:], long)
            value: str | None = attached if equals else None
            if option.argument == NO_ARGUMENT and value is not None:
                raise UsageError(f"option '--{option.name}' doesn't allow an argument")
            if option.argument == REQUIRED_ARGUMENT and value is None:
                if index == len(args):
                    raise UsageError(f"option '--{option.name}' requires an argument")
                value = args[index]
                index += 1
            options.append((option.key, value))
            if option.key in stop_at:
                break
        elif arg.startswith("-") and arg != "-":
            position = 1
            while position < len(arg):
                letter = arg[position]
                position += 1
                spec = short.find(letter)
                if letter == ":" or spec < 0:
                    raise UsageError(f"invalid option -- '{letter}'")
                if short[spec + 1 : spec + 2] != ":":
                    options.append((letter, None))
                    if letter in stop_at:
                        return options, operands
                    continue
                if position < len(arg):  # -pDIR
                    options.append((letter, arg[position:]))
                elif index < len(args):  # -p DIR
                    options.append((letter, args[index]))
                    index += 1
                else:
                    raise UsageError(f"option requires an argument -- '{letter}'")
                break
        elif permute:
            operands.append(arg)
        else:
            operands.extend(args[index - 1 :])
            break
    return options, operands


def _find_long(name: str, text: str, long: Sequence[LongOption]) -> LongOption:
    """The option ``name`` is, exactly or as the one option it abbreviates.

    ``text`` is the whole argument after ``--``, which GNU quotes in its errors.
    """
    for option in long:
        if option.name == name:
            return option
    matches = [option for option in long if option.name.startswith(name)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UsageError(f"unrecognized option '--{text}'")
    choices = " ".join(f"'--{option.name}'" for option in matches)
    raise UsageError(f"option '--{text}' is ambiguous; possibilities: {choices}")
