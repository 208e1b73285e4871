r"""The Windows flavour of MemoryBackend: ``MemoryBackend(flavour="windows")``.

The same in-memory tree with the rules a program meets on a Windows disk, so
Windows behaviour can be tested on any machine:

- paths: drive letters (``C:\work``), ``\`` and ``/`` as separators, names
  compared case-insensitively and listed as written, ``<>:"|?*`` and control
  characters refused (EINVAL), device names (CON, NUL.txt ...) taken everywhere;
- share modes: a plain open does not share delete access, so while it is open
  the file can be neither deleted nor renamed (PermissionError, winerror 32);
- delete-on-close: ``open_delete_on_close`` removes the file when the last
  handle closes, and refuses plain opens meanwhile; ``open_shared`` works;
- the read-only attribute: ``chmod`` without the write bit makes a file
  read-only (writes refused); ``unlink`` and ``rmdir`` clear it first, as
  :class:`~tempkit.backends.windows.WindowsBackend` does;
- cleanup retries sharing violations for ``sharing_timeout`` seconds with the
  very walker the Windows backend uses.

Simplifications, said plainly: one tree holds every drive (``\x`` without a
drive means ``C:\x``), UNC paths and ``C:x`` drive-relative paths are not
modelled, directories have no read-only attribute (``chmod`` on one changes
nothing, as under wine), and no path length limit applies.
"""

from __future__ import annotations

import errno
import ntpath
import os
import stat
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any, Final

from tempkit._flavour import WINDOWS, Flavour
from tempkit._winnames import FORBIDDEN, is_reserved_name
from tempkit.backends._memory_files import MemoryFileIO, ParsedMode, open_stack, refuse_kindless
from tempkit.backends._memory_names import (
    MAX_NAME_BYTES,
    PathFailure,
    SplitPath,
    check_path_text,
)
from tempkit.backends._memory_nodes import FileNode
from tempkit.backends._rmtree import remove_tree
from tempkit.backends.memory import MemoryBackend
from tempkit.backends.protocol import Capabilities
from tempkit.backends.windows import (
    DEFAULT_SHARING_TIMEOUT,
    WindowsTreeOps,
    checked_sharing_timeout,
    windows_temp_dirs,
)
from tempkit.errors import os_error

__all__ = ["WindowsMemoryBackend", "WindowsNames"]

_DEFAULT_DRIVE: Final = "C:"
_ERROR_SHARING_VIOLATION: Final = 32
_FILE_MODE_WRITABLE: Final = 0o666
_FILE_MODE_READONLY: Final = 0o444


class WindowsNames:
    """Windows path syntax for the memory tree: the drive is the first component."""

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

    def key(self, name: str) -> str:
        """Names that differ only in case are the same entry."""
        return name.lower()

    def text(self, path: str) -> str:
        """Windows paths are UTF-16 text: any string, lone surrogates included, is kept as is."""
        return path

    def check_name(self, name: str) -> None:
        """Refuse what Windows refuses in a name (a drive is only ever a first component)."""
        if len(name) == 2 and name[1] == ":" and name[0].isalpha():
            return
        if set(name) & FORBIDDEN:
            raise PathFailure(errno.EINVAL)
        if len(name) > MAX_NAME_BYTES:
            raise PathFailure(errno.ENAMETOOLONG)


@dataclass
class _Shares:
    """Who has a file open: plain handles (no delete sharing) and delete-on-close ones."""

    path: str
    plain: int = 0
    delete_on_close: int = 0
    doomed: bool = False  # a delete-on-close handle was opened: the last close removes it


def _sharing_violation(path: str, detail: str | None = None) -> PermissionError:
    message = (
        detail or "The process cannot access the file because it is being used by another process"
    )
    error = PermissionError(errno.EACCES, message, path)
    # What Windows reports; WindowsTreeOps retries on it.
    error.winerror = _ERROR_SHARING_VIOLATION  # type: ignore[attr-defined,unused-ignore]
    return error


_REOPEN_HINT: Final = (
    "the file is open with delete_on_close, so Windows refuses to open it again "
    "without FILE_SHARE_DELETE; use TempFilePath.reopen(), or create it with "
    "delete_on_close=False to hand it to another program"
)


class _WindowsFileIO(MemoryFileIO):
    """A raw memory file that tells its backend when it closes (share modes, delete-on-close)."""

    def __init__(
        self,
        node: FileNode,
        name: str,
        parsed: ParsedMode,
        lock: threading.RLock,
        on_close: Any,
    ) -> None:
        super().__init__(node, name, parsed, lock)
        self._on_close = on_close

    def close(self) -> None:
        """Close, then let the backend release the share and delete on the last close."""
        if self.closed:
            return
        try:
            super().close()
        finally:
            on_close, self._on_close = self._on_close, None
            if on_close is not None:
                on_close()


class WindowsMemoryBackend(MemoryBackend):
    r"""MemoryBackend with Windows paths and Windows file rules (see the module docstring).

    Made by ``MemoryBackend(flavour="windows", ...)``; ``platform`` is always
    "windows" and ``cwd`` defaults to ``C:\``.
    """

    capabilities: Capabilities = Capabilities(
        permissions=False,
        symlinks=True,
        descriptors=False,
        atomic_exclusive_create=True,
        local_paths=False,
        real_directories=True,
        delete_on_close=True,
    )

    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        platform: str = "windows",
        cwd: str = "C:\\",
        *,
        flavour: Flavour | str | None = "windows",
        umask: int = 0o022,
        sharing_timeout: float | None = DEFAULT_SHARING_TIMEOUT,
    ) -> None:
        if platform != "windows":
            raise ValueError(
                f"a windows-flavoured MemoryBackend has platform 'windows', not {platform!r}"
            )
        timeout = checked_sharing_timeout(
            DEFAULT_SHARING_TIMEOUT if sharing_timeout is None else sharing_timeout
        )
        super().__init__(environ, "posix", cwd, flavour=flavour, umask=umask)
        self.platform = "windows"
        self.sharing_timeout = timeout
        self._shares: dict[int, _Shares] = {}

    def __repr__(self) -> str:
        return f"MemoryBackend(flavour='windows', dev={self._device:#x})"

    # -- environment -----------------------------------------------------------
    def platform_temp_dirs(self) -> Sequence[str]:
        """The Windows list, from this world's USERPROFILE and SYSTEMROOT."""
        return windows_temp_dirs(self._environ)

    def getcwd(self) -> str:
        r"""The current directory as a Windows path (``C:\work``)."""
        with self._lock:
            try:
                names = self._tree.getcwd()
            except PathFailure as failure:
                raise OSError(failure.code, os.strerror(failure.code)) from None
        return names[0] + "\\" + "\\".join(names[1:])

    def realpath(self, path: str, *, strict: bool = False) -> str:
        """``path`` absolute and normalised, each symlink resolved (bounded, like ELOOP)."""
        with self._lock:
            current = ntpath.normpath(ntpath.join(self.getcwd(), path))
            for _ in range(40):
                drive, root, tail = WINDOWS.splitroot(current)
                resolved = drive + root
                parts = [p for p in tail.split("\\") if p]
                for index, part in enumerate(parts):
                    candidate = ntpath.join(resolved, part)
                    try:
                        is_link = stat.S_ISLNK(self.stat(candidate, follow_symlinks=False).st_mode)
                    except OSError:
                        if strict:
                            raise
                        is_link = False
                    if is_link:
                        target = ntpath.join(resolved, self.readlink(candidate))
                        current = ntpath.normpath(ntpath.join(target, *parts[index + 1 :]))
                        break
                    resolved = candidate
                else:
                    return resolved
            if strict:
                raise os_error(errno.ELOOP, path)
            return current

    # -- share modes -----------------------------------------------------------
    def _file_at(self, path: str) -> FileNode | None:
        try:
            node = self._tree.resolve(path, follow=False)
        except (PathFailure, ValueError):
            return None
        return node if isinstance(node, FileNode) else None

    def _register(self, node: FileNode, path: str, kind: str) -> Any:
        shares = self._shares.setdefault(id(node), _Shares(path))
        if kind == "plain":
            shares.plain += 1
        elif kind == "delete_on_close":
            shares.delete_on_close += 1
            shares.doomed = True
            shares.path = path

        def release() -> None:
            with self._lock:
                if kind == "plain":
                    shares.plain -= 1
                elif kind == "delete_on_close":
                    shares.delete_on_close -= 1
                if node.handles:
                    return
                del self._shares[id(node)]
                if shares.doomed:
                    self._delete_closed(node, shares.path)

        return release

    def _delete_closed(self, node: FileNode, path: str) -> None:
        """The last handle of a delete-on-close file closed: remove its name."""
        if self._file_at(path) is node:
            self._tree.unlink(path)

    def _check_deletable(self, path: str) -> None:
        node = self._file_at(path)
        if node is not None:
            shares = self._shares.get(id(node))
            if shares is not None and shares.plain:
                raise _sharing_violation(path)

    def _open_raw(
        self, path: str, mode: str, parsed: ParsedMode, perm: int, kind: str
    ) -> MemoryFileIO:
        with self._lock:
            if parsed.request.exclusive and is_reserved_name(ntpath.basename(path)):
                raise FileExistsError(errno.EEXIST, "name is a reserved Windows device", path)
            existing = self._file_at(path)
            if existing is not None and kind == "plain":
                shares = self._shares.get(id(existing))
                if shares is not None and shares.delete_on_close:
                    raise _sharing_violation(path, _REOPEN_HINT)
            try:
                node = self._tree.open(path, parsed.request, perm)
            except PathFailure as failure:
                raise os_error(failure.code, path) from None
            raw = _WindowsFileIO(node, path, parsed, self._lock, None)
            raw._on_close = self._register(node, path, kind)
            return raw

    # -- creation and opening --------------------------------------------------
    def create_file(self, path: str, perm: int = 0o600) -> None:
        """Create an empty file exclusively; a device name counts as taken."""
        self.open(path, "xb", buffering=0, perm=perm).close()

    def mkdir(self, path: str, perm: int = 0o700) -> None:
        """Create a directory exclusively; a device name counts as taken."""
        if is_reserved_name(ntpath.basename(path)):
            raise FileExistsError(errno.EEXIST, "name is a reserved Windows device", path)
        super().mkdir(path, perm)

    def open(
        self,
        path: str,
        mode: str = "r",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
        *,
        perm: int = 0o666,
    ) -> IO[Any]:
        """Open without sharing delete access, as the builtin ``open`` does on Windows."""
        parsed = ParsedMode(mode, buffering, encoding, errors, newline)
        refuse_kindless(parsed, lambda: None)  # Windows takes any text as a path
        raw = self._open_raw(path, mode, parsed, perm, "plain")
        return open_stack(raw, parsed, mode, encoding, errors, newline)

    def open_delete_on_close(
        self,
        path: str,
        mode: str = "x+b",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
        *,
        perm: int = 0o600,
    ) -> IO[Any]:
        """Create ``path`` exclusively; it is removed when its last handle closes."""
        parsed = ParsedMode(mode, buffering, encoding, errors, newline)
        refuse_kindless(parsed, lambda: None)  # Windows takes any text as a path
        if not parsed.request.exclusive:
            raise ValueError(
                f"delete-on-close files are created exclusively; mode needs 'x': {mode!r}"
            )
        raw = self._open_raw(path, mode, parsed, perm, "delete_on_close")
        return open_stack(raw, parsed, mode, encoding, errors, newline)

    def open_shared(
        self,
        path: str,
        mode: str = "rb",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> IO[Any]:
        """Open an existing file sharing delete access (never creates it)."""
        parsed = ParsedMode(mode, buffering, encoding, errors, newline)
        refuse_kindless(parsed, lambda: None)  # Windows takes any text as a path
        if parsed.request.exclusive:
            raise ValueError(
                f"open_shared opens an existing file; mode 'x' makes no sense: {mode!r}"
            )
        with self._lock:
            if self._file_at(path) is None:
                self.stat(path)  # the right error for a missing path or a directory
                raise os_error(errno.EISDIR, path)
            raw = self._open_raw(path, mode, parsed, 0o666, "shared")
        return open_stack(raw, parsed, mode, encoding, errors, newline)

    # -- mutation --------------------------------------------------------------
    def _make_writable(self, path: str) -> None:
        node = self._file_at(path)
        if node is not None and not node.mode & stat.S_IWUSR:
            node.mode = stat.S_IFREG | _FILE_MODE_WRITABLE

    def unlink(self, path: str) -> None:
        """Remove a file: refused while a plain handle is open; read-only is no obstacle."""
        with self._lock:
            self._check_deletable(path)
            self._make_writable(path)
            super().unlink(path)

    def _rename(self, src: str, dst: str, *, noreplace: bool) -> None:
        with self._lock:
            self._check_deletable(src)
            if not noreplace:
                self._check_deletable(dst)
            moving = self._file_at(src)
            super()._rename(src, dst, noreplace=noreplace)
            shares = None if moving is None else self._shares.get(id(moving))
            if shares is not None:
                shares.path = dst

    def rename(self, src: str, dst: str) -> None:
        """``os.rename`` on Windows: never replaces; refused while ``src`` is open plainly."""
        self._rename(src, dst, noreplace=True)

    def chmod(self, path: str, mode: int, *, follow_symlinks: bool = True) -> None:
        """Only the write bit of a file counts: without it the file is read-only."""
        with self._lock:
            try:
                node = self._tree.resolve(path, follow=follow_symlinks)
            except PathFailure as failure:
                raise os_error(failure.code, path) from None
            if isinstance(node, FileNode):
                bits = _FILE_MODE_WRITABLE if mode & stat.S_IWRITE else _FILE_MODE_READONLY
                node.mode = stat.S_IFREG | bits

    def rmtree(self, path: str, *, ignore_errors: bool = False) -> None:
        """Remove a tree with the Windows walker: read-only cleared, sharing violations retried."""
        ops = WindowsTreeOps(self, self.sharing_timeout)
        remove_tree(ops, path, "\\", ignore_errors=ignore_errors)
