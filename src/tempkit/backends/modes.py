"""The arguments of ``open()``, read once for every backend and every temp object.

``open(path, mode, buffering, encoding, errors, newline)`` is checked here in the
order ``io.open`` checks it, with the builtin's exception types and messages, so a
bad argument is refused before any file is touched, whatever the backend. What a
backend's binary core receives is an :class:`OpenRequest`: the ``open(2)`` flags
the mode stands for (see :meth:`tempkit.backends.base.BaseBackend.open_raw`).

Temp files take a mode as ``NamedTemporaryFile`` does ("w+b", "w+"); they are
always created exclusively, and :func:`temp_file_mode` turns such a mode into
its exclusive-create equivalent.
"""

from __future__ import annotations

import codecs
import functools
import operator
import sys
import warnings
from typing import Final, NamedTuple, NoReturn

__all__ = [
    "C_INT_MAX",
    "C_INT_MIN",
    "OpenRequest",
    "ParsedMode",
    "c_int",
    "check_new_file",
    "parse_mode",
    "refuse_kindless",
    "temp_file_mode",
]

_UNIVERSAL_MODE: Final = sys.version_info < (3, 11)  # "U" was removed in 3.11
_KINDLESS_MESSAGE: Final = (
    "Must have exactly one of create/read/write/append mode and at most one plus"
)
_NEWLINES: Final = frozenset(("", "\n", "\r", "\r\n"))
C_INT_MIN: Final = -(2**31)
C_INT_MAX: Final = 2**31 - 1


class OpenRequest(NamedTuple):
    """The ``open(2)`` flags of one open: what the builtin ``open`` derives from a mode.

    Attributes:
        readable: O_RDONLY or O_RDWR.
        writable: O_WRONLY or O_RDWR.
        create: O_CREAT.
        exclusive: O_EXCL: fail if the name exists, never follow a final symlink.
        truncate: O_TRUNC.
        append: O_APPEND: every write goes to the end.

    """

    readable: bool
    writable: bool
    create: bool = False
    exclusive: bool = False
    truncate: bool = False
    append: bool = False

    @property
    def kind(self) -> str:
        """The letter of the mode this request stands for: "x", "a", "w" or "r"."""
        if self.exclusive:
            return "x"
        if self.append:
            return "a"
        if self.truncate:
            return "w"
        return "r"

    @property
    def raw_mode(self) -> str:
        """What ``io.FileIO`` reports as its ``mode`` for these flags ("rb", "wb", "xb+"...)."""
        plus = "+" if self.readable and self.writable else ""
        if self.exclusive:
            return "xb" + plus
        if self.append:
            return "ab" + plus
        if self.truncate and not plus:
            return "wb"
        return "rb+" if plus else "rb"


class ParsedMode:
    """The arguments of ``open`` checked and decoded in the order ``io.open`` uses.

    Everything here happens before the file is touched, so a bad argument
    never creates or truncates anything. Every open with the same arguments
    can share one (see :func:`parse_mode`): it is never changed once made.

    Args:
        mode: the mode as given to ``open()``.
        buffering: as for ``open()``.
        encoding: as for ``open()``; only checked here (text modes take it).
        errors: as for ``open()``; only checked here.
        newline: as for ``open()``; only checked here.

    Raises:
        TypeError: ``mode`` is not a str, ``buffering`` not an int, or
            ``encoding``/``errors``/``newline`` neither str nor None.
        OverflowError: ``buffering`` does not fit a C int.
        ValueError: a str argument holding NUL; a mode ``open()`` refuses (unknown
            or repeated letters, two kinds, text and binary at once), or
            ``encoding``/``errors``/``newline`` with a binary mode.

    Attributes:
        mode: the mode string as given.
        buffering: the buffer size asked for (-1: the default).
        binary: "b" was given.
        text: "t" was given.
        updating: "+" was given.
        kindless: none of r/w/x/a was given, which ``FileIO`` refuses only after
            checking the path (see :func:`refuse_kindless`).
        request: the open(2) flags.

    """

    __slots__ = ("binary", "buffering", "kindless", "mode", "request", "text", "updating")

    def __init__(
        self,
        mode: str,
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> None:
        # Argument types first, as the builtin's argument parsing does: one argument
        # at a time, a str refused there for a NUL (before the file is touched).
        if not isinstance(mode, str):
            raise TypeError(f"open() argument 'mode' must be str, not {type(mode).__name__}")
        if "\0" in mode:
            raise ValueError("embedded null character")
        self.mode = mode
        self.buffering = c_int(buffering)  # io.open reads it as a C int
        arguments = (("encoding", encoding), ("errors", errors), ("newline", newline))
        for name, value in arguments:
            if value is None:
                continue
            if not isinstance(value, str):
                kind = type(value).__name__
                raise TypeError(f"open() argument '{name}' must be str or None, not {kind}")
            if "\0" in value:
                raise ValueError("embedded null character")
        allowed = "axrwb+tU" if _UNIVERSAL_MODE else "axrwb+t"
        if set(mode) - set(allowed) or len(set(mode)) != len(mode):
            raise ValueError(f"invalid mode: '{mode}'")
        creating, reading, writing, appending = ("x" in mode, "r" in mode, "w" in mode, "a" in mode)
        self.updating = "+" in mode
        self.text = "t" in mode
        self.binary = "b" in mode
        if "U" in mode:
            if creating or writing or appending or self.updating:
                raise ValueError("mode U cannot be combined with 'x', 'w', 'a', or '+'")
            warnings.warn("'U' mode is deprecated", DeprecationWarning, 3)
            reading = True
        if self.text and self.binary:
            raise ValueError("can't have text and binary mode at once")
        if creating + reading + writing + appending > 1:
            raise ValueError("must have exactly one of create/read/write/append mode")
        for name, value in arguments:
            if self.binary and value is not None:
                article = "a" if name == "newline" else "an"
                raise ValueError(f"binary mode doesn't take {article} {name} argument")
        if self.binary and self.buffering == 1:
            warnings.warn(
                "line buffering (buffering=1) isn't supported in binary mode, "
                "the default buffer size will be used",
                RuntimeWarning,
                3,
            )
        # io.open leaves this complaint to FileIO, which words it so and makes it
        # only after turning the path into bytes: see refuse_kindless.
        self.kindless = not (creating or reading or writing or appending)
        self.request = OpenRequest(
            readable=reading or self.updating,
            writable=not reading or self.updating,
            create=not reading,
            exclusive=creating,
            truncate=writing,
            append=appending,
        )


def c_int(value: object) -> int:
    """An argument read as CPython reads a C int: TypeError if no int, OverflowError out of range.

    ``open()``'s buffering and the mode of ``os.mkdir``/``os.chmod``/``os.open``
    are read so, before anything is touched.
    """
    number = operator.index(value)  # type: ignore[arg-type]  # refusing a non-int is the point
    if not C_INT_MIN <= number <= C_INT_MAX:
        raise OverflowError("Python int too large to convert to C int")
    return number


def refuse_kindless() -> NoReturn:
    """Raise FileIO's error for a mode with none of r/w/x/a (call it once the path passed)."""
    raise ValueError(_KINDLESS_MESSAGE)


def parse_mode(
    mode: str,
    buffering: int = -1,
    encoding: str | None = None,
    errors: str | None = None,
    newline: str | None = None,
) -> ParsedMode:
    """``ParsedMode(...)``, shared by every open with the same arguments.

    A ParsedMode is never changed once made, and parsing costs as much as the
    rest of an in-memory open. Arguments of unusual types, and those that warn
    (``buffering=1``, mode "U"), are parsed afresh every time, so errors and
    warnings are exactly those of ``ParsedMode``.

    Args:
        mode: the mode as given to ``open()``.
        buffering: as for ``open()``.
        encoding: as for ``open()``.
        errors: as for ``open()``.
        newline: as for ``open()``.

    Returns:
        The parsed mode, possibly shared with earlier calls.

    Raises:
        TypeError: an argument of the wrong type, as ``open()`` says it.
        ValueError: a mode or argument ``open()`` refuses, as it says it.

    Examples:
        >>> from tempkit.backends.modes import parse_mode
        >>> parsed = parse_mode("w+b")
        >>> parsed.binary, parsed.updating, parsed.request.truncate, parsed.request.raw_mode
        (True, True, True, 'rb+')

    """
    if (
        type(mode) is str
        and type(buffering) is int
        and buffering != 1
        and "U" not in mode
        and (encoding is None or type(encoding) is str)
        and (errors is None or type(errors) is str)
        and (newline is None or type(newline) is str)
    ):
        return _shared_mode(mode, buffering, encoding, errors, newline)
    return ParsedMode(mode, buffering, encoding, errors, newline)


@functools.lru_cache(maxsize=64)
def _shared_mode(
    mode: str, buffering: int, encoding: str | None, errors: str | None, newline: str | None
) -> ParsedMode:
    return ParsedMode(mode, buffering, encoding, errors, newline)


def temp_file_mode(mode: str) -> ParsedMode:
    """The exclusive-create equivalent of a ``NamedTemporaryFile``-style mode, parsed.

    "w+b" becomes "x+b", "w" becomes "x" (the result's ``mode``): a temp file is
    always new. Modes that could not apply to a new file (read-only, append)
    are refused with ValueError, as is anything ``open()`` refuses; a mode that
    is not a str is a TypeError.
    """
    if not isinstance(mode, str):
        raise TypeError(f"mode must be str, not {type(mode).__name__}")
    if "U" in mode:  # Python 3.10's deprecated universal newlines mode reads only
        raise ValueError(f"invalid mode: {mode!r}")
    parsed = parse_mode(mode)
    if parsed.kindless:
        raise ValueError(f"invalid mode: {mode!r}")
    if parsed.request.append or not parsed.request.writable:
        raise ValueError(f"mode {mode!r} makes no sense for a new temp file; use 'w+b' or 'w+'")
    return parse_mode("x" + "".join(c for c in mode if c not in "rwxa"))


def check_new_file(
    parsed: ParsedMode,
    buffering: int = -1,
    encoding: str | None = None,
    errors: str | None = None,
    newline: str | None = None,
) -> None:
    """Refuse now every argument ``open()`` would refuse for a new file in ``parsed``'s mode.

    ``io.open`` (and ``base.open_layers``, which does what it does) opens the raw
    file before it builds the text layer, so an exclusive open that is then
    refused for unbuffered text, an unknown or non-text encoding or an illegal
    newline has already created the file, and leaves it. A temp file's maker
    calls this before it makes anything, so such a refusal leaves nothing.

    Args:
        parsed: the mode the file will be opened with (``temp_file_mode``'s result).
        buffering: as for ``open()``.
        encoding: as for ``open()``.
        errors: as for ``open()``.
        newline: as for ``open()``.

    Raises:
        TypeError: an argument of the wrong type, as ``open()`` says it.
        ValueError: an argument ``open()`` refuses, as it says it.
        LookupError: an unknown encoding, or one that is not a text encoding.

    """
    # open()'s own checks, in its order (buffering=1 in a binary mode only warns,
    # and the open itself will say so: it is not warned about twice).
    size = -1 if buffering == 1 else buffering
    checked = parse_mode(parsed.mode, size, encoding, errors, newline)
    if checked.binary:
        return
    # The text layer's checks, in io.open's and TextIOWrapper's order.
    if checked.buffering == 0:
        raise ValueError("can't have unbuffered text I/O")
    if newline is not None and newline not in _NEWLINES:
        raise ValueError(f"illegal newline value: {newline}")
    if encoding is None or encoding == "locale":
        return
    if not getattr(codecs.lookup(encoding), "_is_text_encoding", True):
        raise LookupError(
            f"{encoding!r} is not a text encoding; use codecs.open() to handle arbitrary codecs"
        )
