"""How the in-memory filesystem reads a path string: the one seam for path syntax.

The tree walks components; what counts as a component, a root or a trailing
separator, how long a name may be and which names are equal is decided here.
Two flavours exist: :class:`PosixNames` (Linux's rules) and :class:`WindowsNames`
(drives, backslashes, case-insensitive keys, the characters Windows refuses); the
walker asks only for a names object's flavour, to take its POSIX route shortcut.
"""

from __future__ import annotations

import errno
import os
from typing import Final, NamedTuple, Protocol

from tempkit._flavour import POSIX, WINDOWS, Flavour
from tempkit.backends._windows_rules import FORBIDDEN

__all__ = [
    "MAX_NAME_BYTES",
    "MAX_PATH_BYTES",
    "SHORT_NAME",
    "Names",
    "PosixNames",
    "SplitPath",
    "WindowsNames",
    "check_path_text",
]

# Linux: PATH_MAX counts the terminating NUL; NAME_MAX is ext4's limit.
MAX_PATH_BYTES: Final = 4096
MAX_NAME_BYTES: Final = 255
# No name this long or shorter can exceed NAME_MAX: a character is at most 4 bytes.
SHORT_NAME: Final = MAX_NAME_BYTES // 4


class SplitPath(NamedTuple):
    """A path as the kernel sees it before walking it."""

    absolute: bool
    parts: list[str]  # every component, "." and ".." included
    trailing_sep: bool  # the path ends with a separator after its last name


class PathFailure(Exception):
    """A lookup failed with ``code``; the backend adds the file names for the OSError.

    Internal: it never leaves the backend, which turns it into the builtin
    OSError subclass with errno, filename and filename2 set.
    """

    __slots__ = ("code",)

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class Names(Protocol):
    """Path syntax and name rules of one flavour of in-memory filesystem."""

    flavour: Flavour

    def split(self, path: str) -> SplitPath:
        """Split ``path`` into components; raise PathFailure for an unusable path."""

    def key_of(self, name: str) -> str:
        """The key a directory stores ``name`` under (equal keys = same entry).

        Raises PathFailure if ``name`` can be neither looked up nor created.
        """

    def text(self, path: str) -> str:
        """``path`` as this filesystem stores it (raises what ``os`` raises for bad text)."""

    def absolute(self, names: list[str]) -> str:
        """The absolute path of the names from the root down (as ``split`` gives them)."""


def check_path_text(path: str) -> None:
    """What every flavour refuses before splitting: a non-str, a NUL (as ``os`` does), ""."""
    if not isinstance(path, str):
        raise TypeError(f"path must be str, not {type(path).__name__}")
    if "\0" in path:
        raise ValueError("embedded null byte")
    if not path:
        raise PathFailure(errno.ENOENT)


class PosixNames:
    """Linux rules: ``/`` separates, names are case-sensitive bytes, NAME_MAX 255."""

    flavour: Flavour = POSIX

    def split(self, path: str) -> SplitPath:
        """Components of ``path``; "" is ENOENT and overlong paths ENAMETOOLONG, as in Linux.

        A path the OS could not encode raises UnicodeEncodeError, as ``os`` does.
        """
        if isinstance(path, str) and not path.isascii():
            path = self.text(path)
        check_path_text(path)
        if len(path) >= MAX_PATH_BYTES // 4 and len(os.fsencode(path)) >= MAX_PATH_BYTES:
            raise PathFailure(errno.ENAMETOOLONG)
        parts = list(filter(None, path.split("/")))
        return SplitPath(path[0] == "/", parts, bool(parts) and path[-1] == "/")

    def key_of(self, name: str) -> str:
        """The name itself (POSIX compares names as they are), once it is known to fit NAME_MAX."""
        # No name of SHORT_NAME characters or fewer can be too long: most skip the encoding.
        if len(name) > SHORT_NAME and len(os.fsencode(name)) > MAX_NAME_BYTES:
            raise PathFailure(errno.ENAMETOOLONG)
        return name

    def absolute(self, names: list[str]) -> str:
        """``/`` and the names joined by ``/``."""
        return "/" + "/".join(names)

    def text(self, path: str) -> str:
        r"""``path`` as the kernel would store and give it back.

        The kernel sees bytes: ``os`` encodes a path with the filesystem
        encoding and ``surrogateescape``, so a lone surrogate outside the escape
        range is refused (UnicodeEncodeError, before any other check), and an
        escaped byte sequence that is valid UTF-8 names the same entry as the
        character it encodes ("\udcc3\udca9" is "\u00e9"): listings give
        the decoded form.
        """
        return os.fsdecode(os.fsencode(path))


_DEFAULT_DRIVE: Final = "C:"


class WindowsNames:
    """Windows path syntax for the memory tree: the drive is the first component.

    Names that differ only in case are one entry (listed as first written), and
    the characters Windows refuses in a name (``<>:"|?*``, controls) are EINVAL.
    """

    flavour: Flavour = WINDOWS

    def split(self, path: str) -> SplitPath:
        """Components of ``path``, the drive ("C:") first for an absolute path."""
        check_path_text(path)
        drive, root, tail = WINDOWS.splitroot(path.replace("/", "\\"))
        parts = [part for part in tail.split("\\") if part]
        for part in parts:
            if set(part) & FORBIDDEN:
                raise PathFailure(errno.EINVAL)
        trailing = bool(parts) and tail.endswith("\\")
        if root:
            return SplitPath(True, [(drive or _DEFAULT_DRIVE).upper(), *parts], trailing)
        return SplitPath(False, parts, trailing)

    def key_of(self, name: str) -> str:
        """The case-folded name (names that differ only in case are one entry).

        What Windows refuses in a name is EINVAL (a drive is only ever a first
        component), a name over 255 characters ENAMETOOLONG.
        """
        if not (len(name) == 2 and name[1] == ":" and name[0].isalpha()):
            if set(name) & FORBIDDEN:
                raise PathFailure(errno.EINVAL)
            if len(name) > MAX_NAME_BYTES:
                raise PathFailure(errno.ENAMETOOLONG)
        return name.lower()

    def text(self, path: str) -> str:
        """Windows paths are UTF-16 text: any string, lone surrogates included, is kept as is."""
        return path

    def absolute(self, names: list[str]) -> str:
        r"""The drive, ``\``, and the names below it joined by ``\``."""
        return names[0] + "\\" + "\\".join(names[1:])
