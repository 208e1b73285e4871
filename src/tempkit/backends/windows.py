r"""The local Windows backend: tempkit's primitives as ``os`` calls with Windows rules.

What differs from POSIX, and how this module copes:

- Files are created with ``O_EXCL|O_BINARY|O_NOINHERIT`` and directories with
  ``os.mkdir(path, 0o700)``, which CPython (3.13, and the 3.12.4 / 3.11.10
  security releases) turns into an owner-only ACL.
- A path longer than the classic ``MAX_PATH`` limit is handed to the OS in its
  ``\\?\`` form, so deep temp trees can be created and removed.
- Delete-on-close: ``open_delete_on_close`` opens with ``O_TEMPORARY`` and the
  OS removes the file when its last handle closes, even if the process is
  killed. Such a file can only be opened again with ``FILE_SHARE_DELETE``:
  ``open_shared`` does that; a plain open gets a PermissionError that says so.
- Removal copes with the read-only attribute (cleared, then retried), with
  files still open elsewhere (sharing violations are retried with a growing,
  jittered delay for a bounded time, as Go's ``testing.TempDir`` does, then
  reported once), and with junctions and directory symlinks (the link is
  removed, its target never entered).
"""

from __future__ import annotations

import errno
import io
import ntpath
import os
import stat
import sys
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import IO, Any, Final

from tempkit._flavour import WINDOWS, Flavour
from tempkit.backends._rmtree import remove_tree
from tempkit.backends._windows_rules import (
    DEFAULT_SHARING_TIMEOUT,
    ERROR_ACCESS_DENIED,
    FILE_ATTRIBUTE_NORMAL,
    FILE_ATTRIBUTE_READONLY,
    REOPEN_HINT,
    WindowsTreeOps,
    check_reserved,
    checked_sharing_timeout,
    file_attributes,
    is_link_like,
    windows_temp_dirs,
    winerror,
)
from tempkit.backends.base import BaseBackend
from tempkit.backends.modes import OpenRequest, parse_mode
from tempkit.backends.protocol import Capabilities, DirEntry

__all__ = [
    "WindowsBackend",
    "WindowsTreeOps",
    "checked_sharing_timeout",
    "is_link_like",
    "long_path",
    "windows_temp_dirs",
]

if sys.platform == "win32":
    import _winapi
    import msvcrt

    _CREATE_FLAGS: Final = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_BINARY | os.O_NOINHERIT
    _O_TEMPORARY: Final = os.O_TEMPORARY
    _O_BINARY: Final = os.O_BINARY

    def _open_sharing_delete(path: str, request: OpenRequest) -> int:
        """A descriptor on an existing file opened with every share mode, DELETE included."""
        reading, writing = request.readable, request.writable
        access = (_winapi.GENERIC_READ if reading else 0) | (
            _winapi.GENERIC_WRITE if writing else 0
        )
        handle = _winapi.CreateFile(
            path,
            access,
            _SHARE_ALL,
            0,  # no security attributes: the handle is not inheritable
            _winapi.OPEN_EXISTING,
            FILE_ATTRIBUTE_NORMAL,
            0,
        )
        flags = (os.O_RDWR if reading else os.O_WRONLY) if writing else os.O_RDONLY
        if request.append:
            flags |= os.O_APPEND
        try:
            fd = msvcrt.open_osfhandle(handle, flags | os.O_BINARY | os.O_NOINHERIT)
        except OSError:
            _winapi.CloseHandle(handle)
            raise
        if request.truncate:
            os.ftruncate(fd, 0)
        return fd

    def _set_readonly_no_follow(path: str, *, readonly: bool) -> None:
        """Set or clear the read-only attribute of ``path`` itself, as CPython 3.13's lchmod does.

        The handle is opened with ``FILE_FLAG_OPEN_REPARSE_POINT``, so a symlink or
        junction is opened as itself; the attribute is changed through that handle.
        """
        # Only removal on Windows before 3.13 comes here, so only it pays for ctypes.
        import ctypes  # noqa: PLC0415
        from ctypes import wintypes  # noqa: PLC0415

        class BasicInfo(ctypes.Structure):  # FILE_BASIC_INFO
            _fields_ = (
                ("times", ctypes.c_int64 * 4),  # zero: "leave unchanged"
                ("attributes", wintypes.DWORD),
            )

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = _winapi.CreateFile(
            path,
            _FILE_READ_ATTRIBUTES | _FILE_WRITE_ATTRIBUTES,
            _SHARE_ALL,
            0,
            _winapi.OPEN_EXISTING,
            _FILE_FLAG_OPEN_REPARSE_POINT | _FILE_FLAG_BACKUP_SEMANTICS,
            0,
        )
        try:
            info = BasicInfo()
            size = ctypes.sizeof(info)
            ok = kernel32.GetFileInformationByHandleEx(
                wintypes.HANDLE(handle), _FILE_BASIC_INFO, ctypes.byref(info), size
            )
            if ok:
                attributes = info.attributes & ~FILE_ATTRIBUTE_READONLY
                if readonly:
                    attributes |= FILE_ATTRIBUTE_READONLY
                # Zero would mean "leave the attributes unchanged"; NORMAL means none.
                info.attributes = attributes or FILE_ATTRIBUTE_NORMAL
                info.times[:] = [0, 0, 0, 0]
                ok = kernel32.SetFileInformationByHandle(
                    wintypes.HANDLE(handle), _FILE_BASIC_INFO, ctypes.byref(info), size
                )
            if not ok:
                code = ctypes.get_last_error()
                message = ctypes.FormatError(code)
                raise OSError(None, message, path, code)
        finally:
            _winapi.CloseHandle(handle)

else:
    _CREATE_FLAGS: Final = os.O_RDWR | os.O_CREAT | os.O_EXCL
    _O_TEMPORARY: Final = 0
    _O_BINARY: Final = 0

    def _set_readonly_no_follow(path: str, *, readonly: bool) -> None:
        raise OSError(errno.ENOTSUP, "file attributes exist only on Windows", path)

    def _open_sharing_delete(path: str, request: OpenRequest) -> int:
        raise OSError(errno.ENOTSUP, "share modes exist only on Windows", path)


_SHARE_ALL: Final = 0x1 | 0x2 | 0x4  # FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE
_FILE_READ_ATTRIBUTES: Final = 0x80
_FILE_WRITE_ATTRIBUTES: Final = 0x100
_FILE_FLAG_OPEN_REPARSE_POINT: Final = 0x00200000
_FILE_FLAG_BACKUP_SEMANTICS: Final = 0x02000000  # needed to open a directory
_FILE_BASIC_INFO: Final = 0  # FILE_INFO_BY_HANDLE_CLASS.FileBasicInfo

# CreateDirectory stops at MAX_PATH - 12 (room for an 8.3 name), files at
# MAX_PATH - 1; the smaller bound covers both.
_CLASSIC_LIMIT: Final = 248
_LONG_PREFIX: Final = "\\\\?\\"


def long_path(path: str) -> str:
    r"""``path`` in the ``\\?\`` form when it is too long for the classic Windows APIs.

    The prefix switches off Win32 path normalisation, so the path is normalised
    first. Short, relative and already-prefixed paths are returned unchanged.
    """
    if len(path) < _CLASSIC_LIMIT or path.startswith(("\\\\?\\", "\\\\.\\")):
        return path
    normal = ntpath.normpath(path)
    drive, root, _ = WINDOWS.splitroot(normal)
    if not (drive and root):
        return path
    if drive.startswith("\\\\"):
        return _LONG_PREFIX + "UNC\\" + normal[2:]
    return _LONG_PREFIX + normal


class WindowsBackend(BaseBackend):
    r"""Real files on the local disk of a Windows system.

    It is the local backend on Windows: ``create()`` uses it unless told
    otherwise. Paths may be longer than ``MAX_PATH`` (they are passed on with
    the ``\\?\`` prefix), files are created with ``O_NOINHERIT``, and
    delete-on-close files (``O_TEMPORARY``) are offered.
    ``MemoryBackend(flavour="windows")`` reproduces its rules on any system.

    Args:
        sharing_timeout: how long cleanup keeps retrying an entry that another
            process still holds open, in seconds (default 2, as Go's
            ``testing.TempDir``); 0 tries once.

    Raises:
        OSError: ENOTSUP, when made anywhere but on Windows.
        ValueError: a negative (or NaN) ``sharing_timeout``.
        TypeError: ``sharing_timeout`` is not a number.

    Attributes:
        name: "windows".
        flavour: Windows paths (drives, ``\`` and ``/``, case-insensitive names).
        capabilities: symlinks, descriptors, atomic exclusive creation, local
            paths, real directories and delete-on-close; no permission bits
            (mode bits only toggle the read-only attribute).
        sharing_timeout: the ``sharing_timeout`` it was made with.

    """

    name: str = "windows"
    flavour: Flavour = WINDOWS
    # Mode bits on Windows only toggle the read-only attribute, so they promise
    # nothing about access: permissions=False.
    capabilities: Capabilities = Capabilities(permissions=False, delete_on_close=True, fsync=True)

    def __init__(self, *, sharing_timeout: float = DEFAULT_SHARING_TIMEOUT) -> None:
        if sys.platform != "win32":
            raise OSError(
                errno.ENOTSUP,
                "WindowsBackend works only on Windows; "
                "MemoryBackend(flavour='windows') reproduces its rules elsewhere",
            )
        self.sharing_timeout: float = checked_sharing_timeout(sharing_timeout)
        # Files this backend opened with O_TEMPORARY, so that a plain open of
        # one can say why it failed and what to do instead.
        self._delete_on_close: weakref.WeakValueDictionary[str, IO[Any]] = (
            weakref.WeakValueDictionary()
        )

    def __repr__(self) -> str:
        if self.sharing_timeout == DEFAULT_SHARING_TIMEOUT:
            return "WindowsBackend()"
        return f"WindowsBackend(sharing_timeout={self.sharing_timeout!r})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.sharing_timeout == self.sharing_timeout

    def __hash__(self) -> int:
        return hash((type(self), self.sharing_timeout))

    # -- environment -----------------------------------------------------------
    def environ(self) -> Mapping[str, str]:
        """The process environment.

        Returns:
            The variables of this backend's world (TMPDIR, TEMP and TMP are read from it).

        """
        return os.environ

    def platform_temp_dirs(self) -> Sequence[str]:
        r"""``~\AppData\Local\Temp``, ``%SYSTEMROOT%\Temp``, ``c:\temp``, ... ``\tmp``.

        Returns:
            Absolute directories, the most preferred first.

        """
        return windows_temp_dirs(os.environ)

    def getcwd(self) -> str:
        """``os.getcwd()``.

        Returns:
            The absolute path relative paths start from.

        """
        return os.getcwd()

    # -- creation --------------------------------------------------------------
    def create_file(self, path: str, perm: int = 0o600) -> None:
        """``open(O_CREAT|O_EXCL|O_BINARY|O_NOINHERIT)`` then close.

        Args:
            path: where to create the file.
            perm: its permission bits (less the umask, where there is one).

        Raises:
            FileExistsError: something is at ``path`` already, a symlink included.
            FileNotFoundError: the parent directory is missing.
            OSError: any other refusal (PermissionError...).

        """
        check_reserved(path)
        os.close(os.open(long_path(path), _CREATE_FLAGS, perm))

    def mkdir(self, path: str, perm: int = 0o700) -> None:
        """``os.mkdir``: exclusive; ``0o700`` gives an owner-only ACL on current CPython.

        Args:
            path: the directory to create.
            perm: its permission bits (less the umask, where there is one).

        Raises:
            FileExistsError: something is at ``path`` already.
            FileNotFoundError: the parent directory is missing.
            OSError: any other refusal (PermissionError...).

        """
        check_reserved(path)
        os.mkdir(long_path(path), perm)

    def create_descriptor(
        self, path: str, perm: int = 0o600, *, text: bool = False, delete_on_close: bool = False
    ) -> int:
        """``open(O_CREAT|O_EXCL|O_NOINHERIT)``: binary unless ``text``, O_TEMPORARY if asked.

        Args:
            path: the file to create.
            perm: the permission bits of the new file.
            text: open in text mode where the platform has one (the C runtime's).
            delete_on_close: have the OS remove the file when its last handle
                closes (``O_TEMPORARY``).

        Returns:
            The descriptor; the caller closes it.

        Raises:
            FileExistsError: something is at ``path``, or its name is a reserved device.
            OSError: any other refusal (PermissionError...).

        """
        check_reserved(path)
        flags = _CREATE_FLAGS
        if text:
            flags &= ~_O_BINARY
        if delete_on_close:
            flags |= _O_TEMPORARY
        return os.open(long_path(path), flags, perm)

    def open_raw(self, path: str, request: OpenRequest, perm: int) -> io.FileIO:
        """``io.FileIO`` with the flags of ``request`` (``open`` itself is the builtin).

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
        if request.exclusive:
            check_reserved(path)

        def opener(name: str, flags: int) -> int:
            return os.open(name, flags, perm)

        return io.FileIO(long_path(path), request.raw_mode, opener=opener)

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
        """The builtin ``open`` (which adds O_BINARY and O_NOINHERIT itself).

        Opening a file that is open with delete-on-close fails with a
        PermissionError that points to ``open_shared``.

        Args:
            path: the path, in this backend's flavour.
            mode: as for ``open()`` ("r", "wb", "x+b"...); "x" modes create exclusively and refuse
                a symlink at ``path``.
            buffering: as for ``open()``.
            encoding: the text encoding (text modes), as for ``open()``.
            errors: the encoding error handler (text modes).
            newline: newline translation (text modes), as for ``open()``.
            perm: the permission bits of a file the open creates (less the umask).

        Returns:
            A file object, as the builtin ``open`` returns for these arguments.

        Raises:
            ValueError: an argument the builtin ``open`` refuses.
            FileNotFoundError: the file (to read) or its directory is missing.
            FileExistsError: an "x" mode, and something is at ``path``.
            IsADirectoryError: ``path`` is a directory.

        """
        if parse_mode(mode).request.exclusive:
            check_reserved(path)
        opener: Callable[[str, int], int] | None = None
        if perm != 0o666:

            def opener(name: str, flags: int) -> int:
                return os.open(name, flags, perm)

        try:
            return open(long_path(path), mode, buffering, encoding, errors, newline, opener=opener)
        except PermissionError as exc:
            holder = self._delete_on_close.get(self.flavour.normcase(path))
            if holder is None or holder.closed:
                raise
            raise PermissionError(errno.EACCES, REOPEN_HINT, path) from exc

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
        """Create ``path`` exclusively with ``O_TEMPORARY``: removed when the last handle closes.

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
        if not parse_mode(mode).request.exclusive:
            raise ValueError(
                f"delete-on-close files are created exclusively; mode needs 'x': {mode!r}"
            )
        check_reserved(path)

        def opener(name: str, flags: int) -> int:
            return os.open(name, flags | _O_TEMPORARY, perm)

        file = open(  # noqa: SIM115 - the caller owns the open file
            long_path(path), mode, buffering, encoding, errors, newline, opener=opener
        )
        self._delete_on_close[self.flavour.normcase(path)] = file
        return file

    def open_shared(
        self,
        path: str,
        mode: str = "rb",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> IO[Any]:
        """Open an existing file sharing read, write *and delete* access.

        This is the one way to open a file again while a delete-on-close handle
        on it is open. Modes: r, w, a, with + and b/t; "w" truncates.

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
        request = parse_mode(mode).request
        if request.exclusive:
            raise ValueError(
                f"open_shared opens an existing file; mode 'x' makes no sense: {mode!r}"
            )
        fd = _open_sharing_delete(long_path(path), request)
        try:
            return open(fd, mode, buffering, encoding, errors, newline)
        except BaseException:
            os.close(fd)
            raise

    # -- inspection ------------------------------------------------------------
    def stat(self, path: str, *, follow_symlinks: bool = True) -> os.stat_result:
        """``os.stat`` / ``os.lstat``.

        Args:
            path: the path, in this backend's flavour.
            follow_symlinks: False to stat a final symlink itself (``lstat``).

        Returns:
            The entry's ``os.stat_result``.

        Raises:
            FileNotFoundError: nothing is at ``path``.
            OSError: any other failure (NotADirectoryError, PermissionError...).

        """
        return os.stat(long_path(path), follow_symlinks=follow_symlinks)

    def scandir(self, path: str) -> Iterator[DirEntry]:
        """``os.scandir``, closed when the iteration ends or is abandoned.

        Args:
            path: the directory to list.

        Yields:
            One entry per name in the directory.

        Raises:
            FileNotFoundError: the directory is missing.
            NotADirectoryError: ``path`` is not a directory.

        """
        with os.scandir(long_path(path)) as entries:
            yield from entries

    def readlink(self, path: str) -> str:
        """``os.readlink``.

        Args:
            path: the symbolic link.

        Returns:
            The link's target, as stored.

        Raises:
            OSError: ``path`` is not a symlink (EINVAL), or is missing (FileNotFoundError).

        """
        return os.readlink(long_path(path))

    def realpath(self, path: str, *, strict: bool = False) -> str:
        """``os.path.realpath``.

        Args:
            path: the path, in this backend's flavour.
            strict: raise for a missing component or a symlink loop; otherwise such a component is
                kept as it is.

        Returns:
            The absolute path with every symlink resolved and no ".." left.

        Raises:
            OSError: with ``strict``: a missing component (FileNotFoundError) or a loop.

        """
        return os.path.realpath(path, strict=strict)

    # -- mutation --------------------------------------------------------------
    def unlink(self, path: str) -> None:
        """``os.unlink``; a read-only file is made writable first.

        POSIX removes a file whatever its own mode, so on Windows the read-only
        attribute (what ``chmod(0o400)`` sets) does not stop removal either.

        Args:
            path: the file or symlink to remove (a symlink's target is untouched).

        Raises:
            FileNotFoundError: nothing is at ``path``.
            PermissionError: ``path`` is a directory, or the file is open in
                another process without delete sharing (a sharing violation).

        """
        _unlink_entry(long_path(path))

    def rmdir(self, path: str) -> None:
        """``os.rmdir``; a read-only directory is made writable first, as ``unlink`` does.

        Args:
            path: the empty directory to remove.

        Raises:
            OSError: the directory is not empty (ENOTEMPTY), is missing (FileNotFoundError) or is
                not a directory (NotADirectoryError).

        """
        _rmdir_entry(long_path(path))

    def fsync_file(self, file: IO[Any]) -> None:
        """``FlushFileBuffers`` of the file (``os.fsync``).

        Args:
            file: a file this backend opened (anything with ``fileno()``).

        Raises:
            OSError: the device reports a write error, and the like.

        """
        os.fsync(file.fileno())

    def fsync_directory(self, path: str) -> None:
        """Nothing to do: Windows has no directory fsync; NTFS journals the rename itself.

        Args:
            path: the directory (not touched).

        """

    def replace(self, src: str, dst: str) -> None:
        """``os.replace``.

        Args:
            src: the entry to move.
            dst: its new path.

        Raises:
            OSError: ``src`` is missing, ``dst`` is a non-empty directory or of another kind
                (IsADirectoryError, NotADirectoryError), or on another filesystem (EXDEV).

        """
        os.replace(long_path(src), long_path(dst))

    def rename_noreplace(self, src: str, dst: str) -> None:
        """``os.rename``: MoveFileEx without REPLACE_EXISTING is atomic and no-clobber.

        Args:
            src: the entry to move.
            dst: its new path.

        Raises:
            FileExistsError: something is at ``dst``; nothing moved.
            OSError: any other refusal (``src`` missing, another filesystem...).

        """
        os.rename(long_path(src), long_path(dst))

    def chmod(self, path: str, mode: int, *, follow_symlinks: bool = True) -> None:
        """``os.chmod``: only the write bit means something (the read-only attribute).

        With ``follow_symlinks=False`` the attribute of a link or junction itself
        is changed, never its target's, on every supported Python (CPython offers
        that only from 3.13 on; before, tempkit does it through the Win32 API).

        Args:
            path: the path, in this backend's flavour.
            mode: the new permission bits.
            follow_symlinks: False to change a final symlink itself, where the platform can.

        Raises:
            OSError: nothing is at ``path`` (FileNotFoundError), or Windows refuses.

        """
        if follow_symlinks or _CHMOD_NO_FOLLOW:
            os.chmod(long_path(path), mode, follow_symlinks=follow_symlinks)
        else:
            _set_readonly_no_follow(long_path(path), readonly=not mode & stat.S_IWRITE)

    def symlink(self, target: str, path: str, *, target_is_directory: bool = False) -> None:
        """``os.symlink`` (needs the privilege or developer mode on Windows).

        Args:
            target: what the link points to, stored as given (it may be relative or dangle).
            path: where to create the link.
            target_is_directory: on Windows, make a directory link.

        Raises:
            FileExistsError: something is at ``path``.
            OSError: the process may not create symlinks (neither the privilege
                nor developer mode), or any other refusal.

        """
        os.symlink(target, long_path(path), target_is_directory)

    def utime(self, path: str) -> None:
        """``os.utime`` to now.

        Args:
            path: the entry whose access and modification times to set.

        Raises:
            FileNotFoundError: nothing is at ``path``.

        """
        os.utime(long_path(path))

    def rmtree(self, path: str, *, ignore_errors: bool = False) -> None:
        """Remove a tree, clearing read-only attributes and waiting out sharing violations.

        Args:
            path: the root of the tree: a directory, a file or a symlink.
            ignore_errors: remove what can be removed and raise nothing.

        Raises:
            CleanupError: some entries could not be removed (unless ``ignore_errors``); it names
                each one with its error.

        """
        remove_tree(
            WindowsTreeOps(self, self.sharing_timeout), path, "\\", ignore_errors=ignore_errors
        )


def _clear_readonly(path: str, st: os.stat_result) -> bool:
    """Clear the read-only attribute of ``path`` itself; False if it was not set."""
    if not file_attributes(st) & FILE_ATTRIBUTE_READONLY:
        return False
    # Never by a call that follows links: the entry may have been swapped for a
    # link since it was stat-ed, and the link's target is outside the tree.
    if _CHMOD_NO_FOLLOW:
        os.chmod(path, stat.S_IWRITE | stat.S_IREAD, follow_symlinks=False)
    else:
        _set_readonly_no_follow(path, readonly=False)
    return True


# CPython changes a link's own attributes (follow_symlinks=False) on Windows from 3.13.
_CHMOD_NO_FOLLOW: Final = os.chmod in os.supports_follow_symlinks or sys.platform != "win32"


def _unlink_entry(path: str) -> None:
    """Remove a non-directory entry, junctions and directory links included."""
    st = os.lstat(path)
    # os.unlink removes directory links only from Python 3.13 on; rmdir removes
    # the link itself (never its target) everywhere.
    junction = stat.S_ISDIR(st.st_mode) and is_link_like(st.st_mode, file_attributes(st))
    remove = os.rmdir if junction else os.unlink
    try:
        remove(path)
    except PermissionError as exc:
        if winerror(exc) != ERROR_ACCESS_DENIED or not _clear_readonly(path, st):
            raise
        remove(path)


def _rmdir_entry(path: str) -> None:
    """Remove an empty directory, clearing its read-only attribute if that is in the way."""
    try:
        os.rmdir(path)
    except PermissionError as exc:
        if winerror(exc) != ERROR_ACCESS_DENIED or not _clear_readonly(path, os.lstat(path)):
            raise
        os.rmdir(path)
