"""What Windows refuses in a file name, checked before anything is created.

Used by the naming layer for every backend with the Windows flavour (the
local Windows disk and ``MemoryBackend(flavour="windows")``), so bad prefixes
and suffixes fail the same way with or without a real Windows underneath.
"""

from __future__ import annotations

from typing import Final

__all__ = ["check_name_part", "is_reserved_name"]

# Wildcards, redirection, the drive and stream colon, and the ASCII control
# range; separators are refused by the caller for every flavour.
FORBIDDEN: Final = frozenset('<>:"|?*') | frozenset(map(chr, range(32)))
# DOS device names, which also take any extension ("nul.txt"); the superscript
# digits are devices too, since Windows folds them to 1, 2 and 3.
DEVICES: Final = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {port + digit for port in ("COM", "LPT") for digit in "123456789\u00b9\u00b2\u00b3"}
)


def is_reserved_name(name: str) -> bool:
    """True when Windows reads the file name ``name`` as a device (CON, nul.txt, COM1 ...).

    Such a name exists in every directory, so no file can be created under it.
    """
    return name.partition(".")[0].rstrip(" ").upper() in DEVICES


def check_name_part(text: str, what: str, *, final: bool) -> None:
    """Raise ValueError if ``text`` cannot be part of a Windows file name.

    Refused anywhere: ``<>:"|?*`` and control characters, and a device name
    (checked conservatively, on the part before the first dot). A trailing dot
    or space is refused only when ``text`` ends the name (``final``), since
    Windows silently strips it and the file would get another name.
    """
    bad = sorted(set(text) & FORBIDDEN)
    if bad:
        shown = " ".join(repr(c) for c in bad)
        raise ValueError(f"{what} contains characters Windows forbids in names ({shown}): {text!r}")
    if is_reserved_name(text):
        raise ValueError(f"{what} is a reserved Windows device name: {text!r}")
    if final and text[-1:] in (".", " "):
        raise ValueError(f"{what} must not end in a dot or space on Windows: {text!r}")
