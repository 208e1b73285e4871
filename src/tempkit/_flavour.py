"""Pure path arithmetic for one path flavour (POSIX or Windows).

A flavour wraps ``posixpath`` or ``ntpath`` and adds the few things pathlib
needs that those modules only gained in later Pythons (``splitroot`` is 3.12+).
The Windows rules (drives, UNC shares, device paths, joining) are implemented
here with Python 3.13 semantics, so a path means the same thing on every
supported interpreter. A flavour never touches a filesystem, so every backend
can share it.
"""

from __future__ import annotations

import fnmatch
import functools
import ntpath
import posixpath
import re
from types import ModuleType
from typing import Final

__all__ = ["POSIX", "WINDOWS", "Flavour"]


class Flavour:
    """Path syntax of one platform: separators, roots, case rules and matching."""

    __slots__ = ("altsep", "case_sensitive", "has_drives", "module", "name", "sep")

    def __init__(self, name: str, module: ModuleType, *, case_sensitive: bool) -> None:
        self.name: Final = name
        self.module: Final = module
        # Which syntax this is comes from the name, never from the module: a fake
        # filesystem (pyfakefs) swaps the ``posixpath``/``os.path`` other modules
        # see (even in ``sys.modules`` while it runs), and tempkit must still
        # read and write POSIX paths as POSIX paths next to it. Drive letters and
        # UNC shares exist on Windows: a name like "c:x" or a bare drive on the
        # left changes what joining means.
        self.has_drives: Final = name == "windows"
        self.sep: Final[str] = "\\" if self.has_drives else "/"
        self.altsep: Final[str | None] = "/" if self.has_drives else None
        self.case_sensitive: Final = case_sensitive

    def __repr__(self) -> str:
        return f"<Flavour {self.name}>"

    def splitroot(self, path: str) -> tuple[str, str, str]:
        """Split ``path`` into (drive, root, tail), like ``os.path.splitroot`` (3.12+).

        The root is a single separator (POSIX keeps exactly two leading
        slashes, which POSIX allows to mean something special); on POSIX the
        tail loses any further leading slashes.
        """
        if not self.has_drives:
            if path[:1] != "/":
                return "", "", path
            if path[1:2] == "/" and path[2:3] != "/":
                return "", "//", path[2:]
            return "", "/", path.lstrip("/")
        return _nt_splitroot(path.replace("/", "\\"))

    def normcase(self, path: str) -> str:
        """Return the key two paths must share to be the same path on this flavour."""
        return path if self.case_sensitive else path.lower()

    def parse(self, raw: str) -> tuple[str, str, list[str]]:
        """Parse ``raw`` into (drive, root, parts), dropping empty and ``.`` parts."""
        if self.altsep:
            raw = raw.replace(self.altsep, self.sep)
        drive, root, tail = self.splitroot(raw)
        if not root and drive[:1] == "\\" and drive[-1:] != "\\":
            # A complete UNC share (\\server\share, \\?\UNC\server\share) is
            # always rooted, as pathlib treats it; a device drive (\\?\c:,
            # \\.\pipe) or an incomplete share is not.
            pieces = drive.split("\\")
            if (len(pieces) == 4 and pieces[2] not in ("", "?", ".")) or len(pieces) == 6:
                root = "\\"
        parts = [p for p in tail.split(self.sep) if p and p != "."]
        return drive, root, parts

    def format(self, drive: str, root: str, parts: list[str]) -> str:
        """Join parsed pieces back into the canonical string form."""
        if drive or root:
            return drive + root + self.sep.join(parts)
        if parts and self.has_drives and _nt_splitroot(parts[0])[0]:
            # "c:" as a relative first part would otherwise read as a drive.
            return "." + self.sep + self.sep.join(parts)
        return self.sep.join(parts)

    def join(self, *paths: str) -> str:
        """Join path strings as ``os.path.join`` does (Windows: 3.13 rules)."""
        if self.has_drives:
            return _nt_join(paths)
        return _posix_join(paths)

    def is_absolute(self, drive: str, root: str) -> bool:
        r"""True for a parsed path that does not depend on a current directory.

        Windows follows ``ntpath.isabs`` of 3.13: a drive with a root, or any
        UNC or device drive; a bare ``\x`` is relative to the current drive.
        """
        if not self.has_drives:
            return bool(root)
        return bool(drive and root) or drive[:2] == "\\\\"

    def is_canonical_absolute(self, path: str) -> bool:
        """True when ``path`` is absolute and already in the form ``format(*parse(path))`` gives.

        A quick test for text that needs no parsing (the ``dir=`` people
        write); False means "parse it to know", never "it is not absolute".
        POSIX only: every Windows path takes the long way.
        """
        if self.has_drives or path[:1] != "/":
            return False
        # Canonical: no empty part (a doubled or trailing slash) and no "." part.
        return path == "/" or (
            "//" not in path and "/./" not in path and path[-1] != "/" and path[-2:] != "/."
        )

    def has_separator(self, text: str) -> bool:
        """True when ``text`` contains a separator of this flavour."""
        return self.sep in text or (self.altsep is not None and self.altsep in text)


def _nt_splitroot(path: str) -> tuple[str, str, str]:
    """``ntpath.splitroot`` of Python 3.13: slices of ``path``, found on its backslash form."""
    norm = path.replace("/", "\\")
    if norm[:2] == "\\\\":
        # UNC share (\\server\share, \\?\UNC\server\share) or device (\\.\pipe,
        # \\?\c:): the drive runs up to the separator after the second name.
        start = 8 if norm[:8].upper() == "\\\\?\\UNC\\" else 2
        first = norm.find("\\", start)
        second = -1 if first == -1 else norm.find("\\", first + 1)
        if second == -1:
            return path, "", ""
        return path[:second], path[second], path[second + 1 :]
    if norm[:1] == "\\":
        return "", path[0], path[1:]
    if norm[1:2] == ":":
        if norm[2:3] == "\\":
            return path[:2], path[2], path[3:]
        return path[:2], "", path[2:]
    return "", "", path


def _posix_join(paths: tuple[str, ...]) -> str:
    """``posixpath.join`` of str paths: an absolute piece restarts, "/" is added between."""
    path = paths[0]
    for piece in paths[1:]:
        if piece[:1] == "/":
            path = piece
        elif not path or path[-1] == "/":
            path += piece
        else:
            path += "/" + piece
    return path


def _nt_join(paths: tuple[str, ...]) -> str:
    """``ntpath.join`` of Python 3.13: a rooted piece restarts, another drive replaces."""
    drive, root, rest = _nt_splitroot(paths[0])
    for path in paths[1:]:
        p_drive, p_root, p_rest = _nt_splitroot(path)
        if p_root:
            if p_drive or not drive:
                drive = p_drive
            root, rest = p_root, p_rest
            continue
        if p_drive and p_drive != drive:
            if p_drive.lower() != drive.lower():
                drive, root, rest = p_drive, p_root, p_rest
                continue
            drive = p_drive
        if rest and rest[-1] not in "\\/":
            rest += "\\"
        rest += p_rest
    if rest and not root and drive and drive[-1] not in ":\\/":
        # A UNC drive needs a separator before a relative remainder.
        return drive + "\\" + rest
    return drive + root + rest


@functools.lru_cache(maxsize=256)
def _compile_part(pattern: str, case_sensitive: bool) -> re.Pattern[str]:
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(fnmatch.translate(pattern), flags | re.DOTALL)


# ``module`` is what callers may use for the rest of os.path's pure functions; the
# flavour itself never calls it (see Flavour.__init__).
POSIX: Final = Flavour("posix", posixpath, case_sensitive=True)
WINDOWS: Final = Flavour("windows", ntpath, case_sensitive=False)
