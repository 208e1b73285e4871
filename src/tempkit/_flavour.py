"""Pure path arithmetic for one path flavour (POSIX or Windows).

A flavour wraps ``posixpath`` or ``ntpath`` and adds the few things pathlib
needs that those modules only gained in later Pythons (``splitroot`` is 3.12+).
It never touches a filesystem, so every backend can share it.
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

    __slots__ = ("altsep", "case_sensitive", "module", "name", "sep")

    def __init__(self, name: str, module: ModuleType, *, case_sensitive: bool) -> None:
        self.name: Final = name
        self.module: Final = module
        self.sep: Final[str] = module.sep
        self.altsep: Final[str | None] = module.altsep
        self.case_sensitive: Final = case_sensitive

    def __repr__(self) -> str:
        return f"<Flavour {self.name}>"

    def splitroot(self, path: str) -> tuple[str, str, str]:
        """Split ``path`` into (drive, root, tail), like ``os.path.splitroot`` (3.12+)."""
        if self.module is posixpath:
            if path[:1] != "/":
                return "", "", path
            # POSIX lets exactly two leading slashes mean something else, so keep them.
            if path[1:2] == "/" and path[2:3] != "/":
                return "", "//", path[2:]
            return "", "/", path.lstrip("/")
        if self.altsep:
            path = path.replace(self.altsep, self.sep)
        drive, rest = ntpath.splitdrive(path)
        if rest[:1] == "\\":
            return drive, "\\", rest.lstrip("\\")
        return drive, "", rest

    def normcase(self, path: str) -> str:
        """Return the key two paths must share to be the same path on this flavour."""
        return path if self.case_sensitive else path.lower()

    def parse(self, raw: str) -> tuple[str, str, list[str]]:
        """Parse ``raw`` into (drive, root, parts), dropping empty and ``.`` parts."""
        if self.altsep:
            raw = raw.replace(self.altsep, self.sep)
        drive, root, tail = self.splitroot(raw)
        if self.module is ntpath and drive and not root and drive[:2] == "\\\\":
            # A UNC share is always rooted, as pathlib treats it.
            root = "\\"
        parts = [p for p in tail.split(self.sep) if p and p != "."]
        return drive, root, parts

    def format(self, drive: str, root: str, parts: list[str]) -> str:
        """Join parsed pieces back into the canonical string form."""
        if drive or root:
            return drive + root + self.sep.join(parts)
        if parts and self.module is ntpath:
            # "c:" inside a relative first part would otherwise read as a drive.
            first_drive = ntpath.splitdrive(parts[0])[0]
            if first_drive:
                return "." + self.sep + self.sep.join(parts)
        return self.sep.join(parts)

    def match_part(self, pattern: str) -> re.Pattern[str]:
        """Compile one glob component into a full-match regex for this flavour."""
        return _compile_part(pattern, self.case_sensitive)

    def has_separator(self, text: str) -> bool:
        """True when ``text`` contains a separator of this flavour."""
        return self.sep in text or (self.altsep is not None and self.altsep in text)


@functools.lru_cache(maxsize=256)
def _compile_part(pattern: str, case_sensitive: bool) -> re.Pattern[str]:
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(fnmatch.translate(pattern), flags | re.DOTALL)


POSIX: Final = Flavour("posix", posixpath, case_sensitive=True)
WINDOWS: Final = Flavour("windows", ntpath, case_sensitive=False)
