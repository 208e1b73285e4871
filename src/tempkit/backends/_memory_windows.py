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

The rules themselves (names, error codes and messages, the temp-dir list, the
removal walker) come from ``_windows_rules``, shared with the local
:class:`~tempkit.backends.windows.WindowsBackend`; the path syntax is
``_memory_names.WindowsNames``. ``memory.py`` joins this class with
``MemoryBackend`` into the backend ``MemoryBackend(flavour="windows")`` makes.

Simplifications, said plainly: one tree holds every drive (``\x`` without a
drive means ``C:\x``), UNC paths and ``C:x`` drive-relative paths are not
modelled, directories have no read-only attribute (``chmod`` on one changes
nothing, as under wine), and no path length limit applies.
"""

from __future__ import annotations

import errno
import stat
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Any, Final

from tempkit._flavour import Flavour
from tempkit.backends._memory_core import MemoryCore
from tempkit.backends._memory_files import MemoryFileIO
from tempkit.backends._memory_names import PathFailure, WindowsNames
from tempkit.backends._memory_nodes import FileNode
from tempkit.backends._rmtree import remove_tree
from tempkit.backends._windows_rules import (
    DEFAULT_SHARING_TIMEOUT,
    REOPEN_HINT,
    WindowsTreeOps,
    check_reserved,
    checked_sharing_timeout,
    sharing_violation,
    windows_temp_dirs,
)
from tempkit.backends.base import BaseBackend, open_layers
from tempkit.backends.modes import OpenRequest, ParsedMode, c_int, parse_mode, refuse_kindless
from tempkit.backends.protocol import Capabilities
from tempkit.errors import os_error

__all__ = ["WindowsMemoryWorld"]

_FILE_MODE_WRITABLE: Final = 0o666
_FILE_MODE_READONLY: Final = 0o444


class _Shares:
    """Who has a file open: plain handles (no delete sharing) and delete-on-close ones."""

    __slots__ = ("delete_on_close", "doomed", "path", "plain")

    def __init__(self, path: str) -> None:
        self.path = path
        self.plain = 0
        self.delete_on_close = 0
        self.doomed = False  # a delete-on-close handle was opened: the last close removes it


class _WindowsFileIO(MemoryFileIO):
    """A raw memory file that tells its backend when it closes (share modes, delete-on-close)."""

    def __init__(
        self,
        node: FileNode,
        name: str,
        request: OpenRequest,
        lock: threading.RLock,
        on_close: Callable[[], None],
    ) -> None:
        super().__init__(node, name, request, lock)
        self._on_close: Callable[[], None] | None = on_close

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


class WindowsMemoryWorld(MemoryCore):
    r"""The Windows rules over the memory tree (see the module docstring).

    ``MemoryBackend(flavour="windows", ...)`` makes it (``memory.py`` joins it
    with ``MemoryBackend``); ``platform`` is always "windows" and ``cwd``
    defaults to ``C:\``.

    Attributes:
        capabilities: symlinks, atomic exclusive creation, real directories and
            delete-on-close; no permission bits (only the read-only attribute),
            descriptors, local paths or whole-file calls (every open goes
            through the share-mode checks).
        sharing_timeout: how long cleanup retries an entry another handle
            holds open, in seconds.

    """

    capabilities: Capabilities = Capabilities(
        permissions=False,
        symlinks=True,
        descriptors=False,
        atomic_exclusive_create=True,
        local_paths=False,
        real_directories=True,
        delete_on_close=True,
        whole_files=False,  # every open goes through the share-mode checks
        # Cleanup waits out sharing violations (sleeping up to sharing_timeout),
        # so an event loop must not call it directly.
        in_process=False,
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
        # MemoryCore's, not the next class's: that is the POSIX world's constructor.
        MemoryCore.__init__(self, WindowsNames(), environ, platform, cwd, umask=umask)
        self.sharing_timeout = timeout
        self._shares: dict[int, _Shares] = {}

    def __repr__(self) -> str:
        return f"MemoryBackend(flavour='windows', dev={self._device:#x})"

    # -- environment -----------------------------------------------------------
    def platform_temp_dirs(self) -> Sequence[str]:
        """The Windows list, from this world's USERPROFILE and SYSTEMROOT.

        Returns:
            Absolute directories, the most preferred first.

        """
        return windows_temp_dirs(self._environ)

    # -- share modes -----------------------------------------------------------
    def _file_at(self, path: str) -> FileNode | None:
        try:
            node = self._tree.resolve(path, follow=False)
        except (PathFailure, ValueError):
            return None
        return node if isinstance(node, FileNode) else None

    def _register(self, node: FileNode, path: str, kind: str) -> Callable[[], None]:
        shares = self._shares.get(id(node))
        if shares is None:
            shares = self._shares[id(node)] = _Shares(path)
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
                raise sharing_violation(path)

    def _open_tracked(self, path: str, request: OpenRequest, perm: int, kind: str) -> MemoryFileIO:
        """Open under the share-mode rules of ``kind``: plain, shared or delete_on_close."""
        with self._lock:
            if request.exclusive:
                check_reserved(path)
            existing = self._file_at(path)
            if existing is not None and kind == "plain":
                shares = self._shares.get(id(existing))
                if shares is not None and shares.delete_on_close:
                    raise sharing_violation(path, REOPEN_HINT)
            try:
                node = self._tree.open(path, request, perm)
            except PathFailure as failure:
                raise os_error(failure.code, path) from None
            return _WindowsFileIO(node, path, request, self._lock, self._register(node, path, kind))

    def _parsed(
        self,
        mode: str,
        buffering: int,
        encoding: str | None,
        errors: str | None,
        newline: str | None,
    ) -> ParsedMode:
        parsed = parse_mode(mode, buffering, encoding, errors, newline)
        if parsed.kindless:
            refuse_kindless()  # Windows takes any text as a path: nothing to check first
        return parsed

    # -- creation and opening --------------------------------------------------
    # The base class's: an exclusive open_raw, so device names and shares count.
    create_file = BaseBackend.create_file
    """Create an empty file exclusively: an exclusive ``open_raw``, closed at once.

    Device names (CON, NUL.txt...) and share modes count as for any open.
    """

    def open_raw(self, path: str, request: OpenRequest, perm: int) -> MemoryFileIO:
        """Open without sharing delete access, as the builtin ``open`` does on Windows.

        Args:
            path: the path, in this backend's flavour.
            request: the ``open(2)`` flags: read, write, create, exclusive, truncate, append.
            perm: the permission bits of a file the open creates.

        Returns:
            An unbuffered binary file (``io.RawIOBase``) at the start, or at the end for an append.

        Raises:
            FileNotFoundError: the file (without ``request.create``) or its directory is missing.
            FileExistsError: ``request.exclusive``, and something is at ``path``.
            IsADirectoryError: ``path`` is a directory.

        """
        return self._open_tracked(path, request, perm, "plain")

    def mkdir(self, path: str, perm: int = 0o700) -> None:
        """Create a directory exclusively; a device name counts as taken.

        Args:
            path: the directory to create.
            perm: its permission bits (less the umask, where there is one).

        Raises:
            FileExistsError: something is at ``path`` already.
            FileNotFoundError: the parent directory is missing.
            OSError: any other refusal (PermissionError...).

        """
        check_reserved(path)
        super().mkdir(path, perm)

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
        """Create ``path`` exclusively; it is removed when its last handle closes.

        Args:
            path: the path, in this backend's flavour.
            mode: an exclusive-create mode ("x+b" by default, "x+", "xb"...).
            buffering: as for ``open()``.
            encoding: the text encoding (text modes), as for ``open()``.
            errors: the encoding error handler (text modes).
            newline: newline translation (text modes), as for ``open()``.
            perm: the permission bits of the new file.

        Returns:
            The open file; the file is removed when it and every other handle are closed.

        Raises:
            FileExistsError: something is at ``path``.
            ValueError: a mode that does not create exclusively, or one ``open()`` refuses.

        """
        parsed = self._parsed(mode, buffering, encoding, errors, newline)
        if not parsed.request.exclusive:
            raise ValueError(
                f"delete-on-close files are created exclusively; mode needs 'x': {mode!r}"
            )
        raw = self._open_tracked(path, parsed.request, perm, "delete_on_close")
        return open_layers(raw, parsed, encoding, errors, newline)

    def open_shared(
        self,
        path: str,
        mode: str = "rb",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> IO[Any]:
        """Open an existing file sharing delete access (never creates it).

        Args:
            path: the path, in this backend's flavour.
            mode: r, w or a with + and b or t ("rb" by default); the file is never created.
            buffering: as for ``open()``.
            encoding: the text encoding (text modes), as for ``open()``.
            errors: the encoding error handler (text modes).
            newline: newline translation (text modes), as for ``open()``.

        Returns:
            A file object on the existing file.

        Raises:
            FileNotFoundError: the file is missing (or already removed by its delete-on-close
                handle).
            ValueError: an "x" mode, or one ``open()`` refuses.

        """
        parsed = self._parsed(mode, buffering, encoding, errors, newline)
        if parsed.request.exclusive:
            raise ValueError(
                f"open_shared opens an existing file; mode 'x' makes no sense: {mode!r}"
            )
        with self._lock:
            if self._file_at(path) is None:
                self.stat(path)  # the right error for a missing path or a directory
                raise os_error(errno.EISDIR, path)
            raw = self._open_tracked(path, parsed.request, 0o666, "shared")
        return open_layers(raw, parsed, encoding, errors, newline)

    # -- mutation --------------------------------------------------------------
    def _make_writable(self, path: str) -> None:
        node = self._file_at(path)
        if node is not None and not node.mode & stat.S_IWUSR:
            node.mode = stat.S_IFREG | _FILE_MODE_WRITABLE

    def unlink(self, path: str) -> None:
        """Remove a file: refused while a plain handle is open; read-only is no obstacle.

        Args:
            path: the file or symlink to remove (a symlink's target is untouched).

        Raises:
            FileNotFoundError: nothing is at ``path``.
            IsADirectoryError: ``path`` is a directory (PermissionError on Windows).

        """
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

    def chmod(self, path: str, mode: int, *, follow_symlinks: bool = True) -> None:
        """Only the write bit of a file counts: without it the file is read-only.

        Args:
            path: the path, in this backend's flavour.
            mode: the new permission bits.
            follow_symlinks: False to change a final symlink itself, where the platform can.

        Raises:
            OSError: nothing is at ``path``, or the backend has no permission bits (ENOTSUP).
            NotImplementedError: ``follow_symlinks=False`` where a symlink's own mode cannot change
                (Linux).

        """
        mode = c_int(mode)  # as os reads a mode, before the path
        with self._lock:
            try:
                node = self._tree.resolve(path, follow=follow_symlinks)
            except PathFailure as failure:
                raise os_error(failure.code, path) from None
            if isinstance(node, FileNode):
                bits = _FILE_MODE_WRITABLE if mode & stat.S_IWRITE else _FILE_MODE_READONLY
                node.mode = stat.S_IFREG | bits

    def rmtree(self, path: str, *, ignore_errors: bool = False) -> None:
        """Remove a tree with the Windows walker: read-only cleared, sharing violations retried.

        Args:
            path: the root of the tree: a directory, a file or a symlink.
            ignore_errors: remove what can be removed and raise nothing.

        Raises:
            CleanupError: some entries could not be removed (unless ``ignore_errors``); it names
                each one with its error.

        """
        ops = WindowsTreeOps(self, self.sharing_timeout)
        remove_tree(ops, path, "\\", ignore_errors=ignore_errors)
