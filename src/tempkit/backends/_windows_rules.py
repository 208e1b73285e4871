r"""What Windows does differently, in one place for every Windows-flavoured backend.

The local :class:`~tempkit.backends.windows.WindowsBackend`, the Windows flavour
of the MemoryBackend (``_memory_windows``) and the naming layer share these rules,
so a rule changes once and the real disk and its in-memory model cannot drift:

- names: characters and DOS device names Windows refuses (``check_name_part``
  for the naming layer, ``is_reserved_name`` and ``device_error`` for creation);
- error codes and messages: the ``winerror`` values removal meets, the sharing
  violation error and the hint a plain open of a delete-on-close file gets;
- the temp-dir list of CPython's ``tempfile`` on Windows (``windows_temp_dirs``);
- removal: :class:`WindowsTreeOps`, which treats junctions and directory links
  as links (removed, never entered) and retries sharing violations with a
  growing, jittered delay until one deadline for the whole tree.

Only cheap modules are imported here: the naming layer loads this module with
``import tempkit``.
"""

from __future__ import annotations

import errno
import ntpath
import os
import stat
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Final

from tempkit.backends._rmtree import BackendTreeOps

if TYPE_CHECKING:
    from tempkit.backends.protocol import Backend

__all__ = [
    "DEFAULT_SHARING_TIMEOUT",
    "ERROR_ACCESS_DENIED",
    "ERROR_SHARING_VIOLATION",
    "FORBIDDEN",
    "REOPEN_HINT",
    "WindowsTreeOps",
    "check_name_part",
    "checked_sharing_timeout",
    "device_error",
    "file_attributes",
    "is_link_like",
    "is_reserved_name",
    "sharing_violation",
    "windows_temp_dirs",
    "winerror",
]

# -- names ----------------------------------------------------------------------------------

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


def device_error(path: str) -> FileExistsError:
    """The error for creating ``path`` when its final name is a device.

    A device name exists in every directory, so "create it exclusively" fails
    as for any taken name; the naming layer then simply picks another name.
    """
    return FileExistsError(errno.EEXIST, "name is a reserved Windows device", path)


def check_reserved(path: str) -> None:
    """Raise :func:`device_error` if the final name of ``path`` is a device."""
    if is_reserved_name(ntpath.basename(path)):
        raise device_error(path)


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


# -- error codes and messages -----------------------------------------------------------------

ERROR_ACCESS_DENIED: Final = 5
ERROR_SHARING_VIOLATION: Final = 32
ERROR_DIR_NOT_EMPTY: Final = 145
# Errors that a file still open elsewhere (or a deletion still pending there)
# causes; they go away once the other handle closes.
TRANSIENT: Final = frozenset((ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION, ERROR_DIR_NOT_EMPTY))

REOPEN_HINT: Final = (
    "the file is open with delete_on_close, so Windows refuses to open it "
    "again without FILE_SHARE_DELETE; use TempFilePath.reopen(), or create it with "
    "delete_on_close=False to hand it to another program"
)
_IN_USE: Final = "The process cannot access the file because it is being used by another process"


def winerror(exc: OSError) -> int | None:
    """The Windows error code of ``exc`` (None where there is none)."""
    value: int | None = getattr(exc, "winerror", None)
    return value


def sharing_violation(path: str, detail: str | None = None) -> PermissionError:
    """The PermissionError Windows raises for a file opened without the sharing asked for."""
    error = PermissionError(errno.EACCES, detail or _IN_USE, path)
    error.winerror = ERROR_SHARING_VIOLATION  # type: ignore[attr-defined,unused-ignore]
    return error


# -- the temp-dir list ------------------------------------------------------------------------


def windows_temp_dirs(environ: Mapping[str, str]) -> tuple[str, ...]:
    r"""The platform temp directories of Windows, in CPython's tempfile order.

    ``~\AppData\Local\Temp`` and ``%SYSTEMROOT%\Temp`` are left out when the
    variables they need are unset, instead of probing a literal ``%SYSTEMROOT%``.
    """
    env = {key.upper(): value for key, value in environ.items()}
    found: list[str] = []
    home = env.get("USERPROFILE") or (
        env.get("HOMEDRIVE", "") + env["HOMEPATH"] if env.get("HOMEPATH") else ""
    )
    if home:
        found.append(ntpath.join(home, "AppData", "Local", "Temp"))
    if env.get("SYSTEMROOT"):
        found.append(ntpath.join(env["SYSTEMROOT"], "Temp"))
    found.extend(("c:\\temp", "c:\\tmp", "\\temp", "\\tmp"))
    return tuple(found)


# -- removal ----------------------------------------------------------------------------------

DEFAULT_SHARING_TIMEOUT: Final = 2.0
FILE_ATTRIBUTE_READONLY: Final = 0x1
FILE_ATTRIBUTE_NORMAL: Final = 0x80
FILE_ATTRIBUTE_REPARSE_POINT: Final = 0x400


def checked_sharing_timeout(value: object) -> float:
    """``value`` as seconds to keep retrying sharing violations; TypeError/ValueError if bad."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"sharing_timeout must be a number, not {type(value).__name__}")
    if not value >= 0:
        raise ValueError(f"sharing_timeout must be >= 0: {value!r}")
    return float(value)


def file_attributes(result: os.stat_result) -> int:
    """``st_file_attributes`` of a stat result, 0 where there is none."""
    # Absent off Windows, and None in a stat_result built by hand (MemoryBackend).
    value: int | None = getattr(result, "st_file_attributes", None)
    return value or 0


def is_link_like(mode: int, attributes: int) -> bool:
    """True for an entry that must be removed as a link, never descended into.

    Symlinks, and any directory carrying a reparse point: junctions (which
    ``os.lstat`` reports as directories from Python 3.12 on) and mount points.
    """
    return stat.S_ISLNK(mode) or (
        stat.S_ISDIR(mode) and bool(attributes & FILE_ATTRIBUTE_REPARSE_POINT)
    )


class WindowsTreeOps(BackendTreeOps):
    """Tree removal by path with Windows rules, for :func:`~tempkit.backends._rmtree.remove_tree`.

    Works through any backend with Windows semantics (the local disk, the
    memory flavour): a failure is transient when its ``winerror`` says so.

    Links of every kind (symlinks, junctions) are reported as non-directories,
    so the walker removes them without entering them. Sharing violations are
    retried until one deadline for the whole tree, so a tree full of held
    files costs ``sharing_timeout`` once, not once per file.
    """

    def __init__(self, backend: Backend, sharing_timeout: float) -> None:
        super().__init__(backend)
        self.sharing_timeout = sharing_timeout
        self._deadline: float | None = None
        self._delay = 0.001

    def _retrying(self, path: str, action: Callable[[], None]) -> None:
        while True:
            try:
                action()
                return
            except OSError as exc:
                if winerror(exc) not in TRANSIENT:
                    raise
                now = time.monotonic()
                if self._deadline is None:
                    self._deadline = now + self.sharing_timeout
                if now + self._delay > self._deadline:
                    raise OSError(
                        exc.errno,
                        f"{exc.strerror} (still so after retrying for {self.sharing_timeout:g} s; "
                        "close every handle on it, then clean up again)",
                        path,
                        winerror(exc),
                    ) from exc
                self._wait(path, exc)

    def _wait(self, path: str, exc: OSError) -> None:
        # Only a tree still in use elsewhere gets here: it alone pays for logging and random.
        import logging  # noqa: PLC0415
        import random  # noqa: PLC0415

        logging.getLogger("tempkit").debug(
            "cannot remove %s yet (%s); retrying", path, exc.strerror
        )
        time.sleep(self._delay)
        # Grow by a random fraction, as Go's testing.TempDir does, so competing
        # cleaners do not retry in lockstep.
        self._delay += random.uniform(0, self._delay)

    def lstat_mode(self, path: str) -> int:
        """``st_mode``, with junctions and directory links reported as links."""
        st = self.backend.stat(path, follow_symlinks=False)
        if is_link_like(st.st_mode, file_attributes(st)):
            return stat.S_IFLNK
        return st.st_mode

    def entries(self, handle: str, path: str) -> list[tuple[str, bool]]:
        """List a directory; only plain directories (no reparse point) count as directories."""
        return [
            (
                entry.name,
                entry.is_dir(follow_symlinks=False)
                and not file_attributes(entry.stat(follow_symlinks=False))
                & FILE_ATTRIBUTE_REPARSE_POINT,
            )
            for entry in self.backend.scandir(path)
        ]

    def unlink(self, parent: str | None, name: str, path: str) -> None:
        """Remove a file or link (read-only too), waiting out sharing violations."""
        self._retrying(path, lambda: self.backend.unlink(path))

    def rmdir(self, parent: str | None, name: str, path: str) -> None:
        """Remove an emptied directory (deletions pending elsewhere are waited for)."""
        self._retrying(path, lambda: self.backend.rmdir(path))

    def make_writable(self, handle: str, path: str) -> None:
        """Clear the directory's read-only attribute (ACL denials cannot be fixed here)."""
        st = self.backend.stat(path, follow_symlinks=False)
        if st.st_mode & stat.S_IWRITE or is_link_like(st.st_mode, file_attributes(st)):
            raise PermissionError(errno.EACCES, "access denied and not read-only", path)
        self.backend.chmod(path, stat.S_IREAD | stat.S_IWRITE, follow_symlinks=False)
