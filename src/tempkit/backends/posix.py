"""The local POSIX backend: tempkit's primitives as direct ``os`` calls.

Every method the base class could derive is still written here, as the ``os``
call it stands for: the builtin ``open``, ``os.path.realpath`` and removal
relative to directory descriptors are both faster and safer than the derived
versions.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import IO, Any, Final

from tempkit._flavour import POSIX, Flavour
from tempkit.backends._rmtree import BackendTreeOps, FdTreeOps, remove_tree
from tempkit.backends.base import BaseBackend
from tempkit.backends.modes import OpenRequest
from tempkit.backends.protocol import Capabilities, DirEntry

__all__ = ["PosixBackend"]

_NOFOLLOW: Final = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC: Final = getattr(os, "O_CLOEXEC", 0)
_CREATE_FLAGS: Final = os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
# O_TMPFILE (Linux 3.11+) makes a file with no name in a directory; without O_EXCL
# the file can be given a name later (linkat through /proc/self/fd).
_O_TMPFILE: Final = getattr(os, "O_TMPFILE", 0)
_TMPFILE_FLAGS: Final = os.O_RDWR | _O_TMPFILE | _CLOEXEC
_PROC_FD: Final = "/proc/self/fd"
_DIRECTORY: Final = getattr(os, "O_DIRECTORY", 0)

# Removal relative to directory descriptors needs all of these; where one is
# missing the tree is walked by path instead.
_HAVE_FD_WALK: Final = (
    {os.open, os.stat, os.unlink, os.rmdir, os.chmod} <= os.supports_dir_fd
    and os.scandir in os.supports_fd
    and hasattr(os, "fchmod")
)

_AT_FDCWD: Final = -100
_RENAME_NOREPLACE: Final = 1


class PosixBackend(BaseBackend):
    """Real files on the local disk of a POSIX system.

    All instances of one class are equal: they name the same filesystem. A
    subclass (say, one with another environment) is a different backend, so it
    gets its own resolver cache and its paths do not compare equal to ours.

    It is the local backend on every system but Windows: ``create()`` uses it
    unless told otherwise, so most programs never name it.

    Attributes:
        name: "posix".
        flavour: POSIX paths.
        capabilities: everything but the optional capabilities: permission
            bits, symlinks, descriptors, atomic exclusive creation, local paths,
            real directories.

    """

    name: str = "posix"
    flavour: Flavour = POSIX
    capabilities: Capabilities = Capabilities(unnamed_files=True, fsync=True)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    # -- environment -----------------------------------------------------------
    def environ(self) -> Mapping[str, str]:
        """The process environment.

        Returns:
            The variables of this backend's world (TMPDIR, TEMP and TMP are read from it).

        """
        return os.environ

    def platform_temp_dirs(self) -> Sequence[str]:
        """The conventional POSIX temp directories, as CPython's tempfile lists them.

        Returns:
            Absolute directories, the most preferred first.

        """
        return ("/tmp", "/var/tmp", "/usr/tmp")

    def getcwd(self) -> str:
        """``os.getcwd()``.

        Returns:
            The absolute path relative paths start from.

        """
        return os.getcwd()

    def fspath(self, path: str) -> str:
        """Local paths are OS paths (``os.fspath`` of every path on this backend comes here).

        Args:
            path: the path.

        Returns:
            ``path`` itself.

        """
        return path

    # -- creation --------------------------------------------------------------
    def create_file(self, path: str, perm: int = 0o600) -> None:
        """``open(O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC)`` then close.

        Args:
            path: where to create the file.
            perm: its permission bits (less the umask, where there is one).

        Raises:
            FileExistsError: something is at ``path`` already, a symlink included.
            FileNotFoundError: the parent directory is missing.
            OSError: any other refusal (PermissionError...).

        """
        os.close(os.open(path, _CREATE_FLAGS, perm))

    def mkdir(self, path: str, perm: int = 0o700) -> None:
        """``os.mkdir``, which is exclusive and never follows a final symlink.

        Args:
            path: the directory to create.
            perm: its permission bits (less the umask, where there is one).

        Raises:
            FileExistsError: something is at ``path`` already.
            FileNotFoundError: the parent directory is missing.
            OSError: any other refusal (PermissionError...).

        """
        os.mkdir(path, perm)

    def create_descriptor(
        self, path: str, perm: int = 0o600, *, text: bool = False, delete_on_close: bool = False
    ) -> int:
        """``open(O_RDWR|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC)``, left open.

        Args:
            path: the file to create.
            perm: the permission bits of the new file.
            text: open in text mode where the platform has one (not POSIX: ignored).
            delete_on_close: have the OS remove the file when its last handle
                closes (POSIX cannot: refused).

        Returns:
            The descriptor; the caller closes it.

        Raises:
            FileExistsError: something is at ``path``.
            ValueError: ``delete_on_close`` (see above).
            OSError: any other refusal (PermissionError, ELOOP on a symlink...).

        """
        if delete_on_close:
            raise ValueError(
                "PosixBackend cannot remove a file when it is closed "
                "(capabilities.delete_on_close is false)"
            )
        return os.open(path, _CREATE_FLAGS, perm)

    def open_unnamed(
        self,
        directory: str,
        mode: str = "w+b",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
        *,
        perm: int = 0o600,
        linkable: bool = False,
    ) -> IO[Any] | None:
        """``open(directory, O_TMPFILE)`` under the builtin ``open``'s file objects.

        None where this kernel or the directory's filesystem has no
        ``O_TMPFILE`` (the caller falls back to a name removed at once). Any
        error of the directory itself (missing, not writable) then shows up
        in that fallback too, as in CPython's ``TemporaryFile``. As there, the
        raw file's ``name`` is its descriptor.

        Args:
            directory: the directory whose filesystem holds the file.
            mode: a read-write mode of ``open()`` ("w+b" by default, or "w+" and the like).
            buffering: as for ``open()``.
            encoding: the text encoding (text modes), as for ``open()``.
            errors: the encoding error handler (text modes).
            newline: newline translation (text modes), as for ``open()``.
            perm: the permission bits of the file.
            linkable: allow ``link_unnamed`` to give the file a name later.

        Returns:
            The open file, or None where ``O_TMPFILE`` cannot be used here.

        Raises:
            OSError: the file was made but could not be opened as asked.
            ValueError: a mode or argument ``open()`` refuses.

        """
        global _tmpfile_works
        if not _tmpfile_works:
            return None
        flags = _TMPFILE_FLAGS if linkable else _TMPFILE_FLAGS | os.O_EXCL
        fd = -1

        def opener(name: str, _flags: int) -> int:
            nonlocal fd
            fd = os.open(directory, flags, perm)
            return fd

        try:
            file = open(directory, mode, buffering, encoding, errors, newline, opener=opener)  # noqa: SIM115
        except IsADirectoryError:
            if fd >= 0:
                raise
            # Linux before 3.11 reads O_TMPFILE as O_DIRECTORY: never try again.
            _tmpfile_works = False
            return None
        except OSError:
            if fd >= 0:
                raise
            return None  # this filesystem cannot (EOPNOTSUPP), or the fallback will say why
        raw: Any = getattr(file, "buffer", file)
        raw = getattr(raw, "raw", raw)
        raw.name = fd
        return file

    def fsync_file(self, file: IO[Any]) -> None:
        """``fsync(2)`` of the file's descriptor.

        Args:
            file: a file this backend opened (anything with ``fileno()``).

        Raises:
            OSError: the device reports a write error, and the like.

        """
        os.fsync(file.fileno())

    def fsync_directory(self, path: str) -> None:
        """``fsync(2)`` of the directory, opened read-only: its new entries are durable.

        Args:
            path: an existing directory.

        Raises:
            OSError: ``path`` is missing (FileNotFoundError) or not a directory.

        """
        fd = os.open(path, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def link_unnamed(self, file: IO[Any], path: str) -> None:
        """``linkat(/proc/self/fd/N, path, AT_SYMLINK_FOLLOW)``: never replaces ``path``.

        Args:
            file: a file from ``open_unnamed`` with ``linkable=True``.
            path: its new name.

        Raises:
            FileExistsError: ``path`` exists (it is left as it was).
            OSError: the parent of ``path`` is missing, on another filesystem
                (EXDEV), or ``/proc`` is not mounted; ``filename`` is ``path``.

        """
        fd = file.fileno()
        try:
            proc = os.open(_PROC_FD, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
        except OSError as exc:
            raise OSError(
                exc.errno, f"cannot name an unnamed file without {_PROC_FD}: {exc.strerror}", path
            ) from None
        try:
            os.link(str(fd), path, src_dir_fd=proc, follow_symlinks=True)
        except OSError as exc:
            # os.link names the descriptor's number first; the name asked for matters.
            raise OSError(exc.errno, exc.strerror, path) from None
        finally:
            os.close(proc)

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
        """The builtin ``open``; exclusive modes also refuse a symlink at ``path``.

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
        opener: Callable[[str, int], int] | None = None
        if "x" in mode or perm != 0o666:

            def opener(name: str, flags: int) -> int:
                if flags & os.O_EXCL:
                    flags |= _NOFOLLOW
                return os.open(name, flags, perm)

        return open(path, mode, buffering, encoding, errors, newline, opener=opener)

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

        def opener(name: str, flags: int) -> int:
            return os.open(name, flags | _NOFOLLOW if request.exclusive else flags, perm)

        return io.FileIO(path, request.raw_mode, opener=opener)

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
        return os.stat(path, follow_symlinks=follow_symlinks)

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
        with os.scandir(path) as entries:
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
        return os.readlink(path)

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
        """``os.unlink``.

        Args:
            path: the file or symlink to remove (a symlink's target is untouched).

        Raises:
            FileNotFoundError: nothing is at ``path``.
            IsADirectoryError: ``path`` is a directory (PermissionError on macOS).

        """
        os.unlink(path)

    def rmdir(self, path: str) -> None:
        """``os.rmdir``.

        Args:
            path: the empty directory to remove.

        Raises:
            OSError: the directory is not empty (ENOTEMPTY), is missing (FileNotFoundError) or is
                not a directory (NotADirectoryError).

        """
        os.rmdir(path)

    def rename(self, src: str, dst: str) -> None:
        """``os.rename`` (which replaces ``dst`` on POSIX).

        Args:
            src: the entry to move.
            dst: its new path.

        Raises:
            OSError: ``src`` is missing, ``dst`` is a non-empty directory or of another kind,
                or on another filesystem (EXDEV).

        """
        os.rename(src, dst)

    def replace(self, src: str, dst: str) -> None:
        """``os.replace``.

        Args:
            src: the entry to move.
            dst: its new path.

        Raises:
            OSError: ``src`` is missing, ``dst`` is a non-empty directory or of another kind
                (IsADirectoryError, NotADirectoryError), or on another filesystem (EXDEV).

        """
        os.replace(src, dst)

    def rename_noreplace(self, src: str, dst: str) -> None:
        """Atomic no-clobber rename.

        Linux ``renameat2(RENAME_NOREPLACE)`` where the kernel and filesystem
        offer it; otherwise a hard link then unlink for files (also atomic). A
        directory first claims ``dst`` with an empty placeholder directory
        (``mkdir`` is exclusive), which the rename then replaces: only whoever
        may remove that placeholder (its owner, or anyone where the parent is
        writable and not sticky) can slip another entry in between. A file on a
        filesystem without hard links is checked for, then renamed, which can race.

        Args:
            src: the entry to move.
            dst: its new path.

        Raises:
            FileExistsError: something is at ``dst``; nothing moved.
            OSError: any other refusal (``src`` missing, another filesystem...).

        """
        if _renameat2_noreplace(src, dst):
            return
        src_mode = os.lstat(src).st_mode
        if not stat.S_ISDIR(src_mode):
            try:
                os.link(src, dst, follow_symlinks=False)
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EMLINK, errno.ENOSYS):
                    raise
            else:
                os.unlink(src)
                return
        if not stat.S_ISDIR(src_mode):
            if os.path.lexists(dst):
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), src, None, dst)
            os.rename(src, dst)
            return
        # rename(2) replaces an empty directory: claim the name with one of our own.
        try:
            os.mkdir(dst, 0o700)
        except FileExistsError:
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), src, None, dst) from None
        except OSError:
            # The name cannot be claimed (a parent not writable or missing...): nobody
            # else could take it either; the rename itself says what is wrong.
            os.rename(src, dst)
            return
        placeholder = os.lstat(dst)
        try:
            os.rename(src, dst)
        except BaseException:
            with contextlib.suppress(OSError):
                if os.path.samestat(placeholder, os.lstat(dst)):
                    os.rmdir(dst)
            raise

    def chmod(self, path: str, mode: int, *, follow_symlinks: bool = True) -> None:
        """``os.chmod``.

        Args:
            path: the path, in this backend's flavour.
            mode: the new permission bits.
            follow_symlinks: False to change a final symlink itself, where the platform can.

        Raises:
            OSError: nothing is at ``path``, or the OS refuses (PermissionError...).
            NotImplementedError: ``follow_symlinks=False`` and ``path`` is a symlink, whose own
                mode cannot change (Linux).

        """
        if follow_symlinks:
            os.chmod(path, mode)
            return
        try:
            os.chmod(path, mode, follow_symlinks=False)
            return
        except NotImplementedError as exc:
            refused = exc  # raised as it is for a symlink, as os.chmod raises it on Linux
        # C libraries before glibc 2.32 refuse the flag for every file, not only for
        # a symlink: change the entry itself through an O_PATH descriptor.
        if (
            _O_PATH
            and type(os.open) is _BUILTIN_FUNCTION
            and _chmod_entry_itself(path, mode, refused)
        ):
            return
        # Neither (no /proc, or a fake filesystem such as pyfakefs'): refuse a
        # symlink seen now and change anything else by name.
        if stat.S_ISLNK(os.lstat(path).st_mode):
            raise refused
        os.chmod(path, mode)

    def symlink(self, target: str, path: str, *, target_is_directory: bool = False) -> None:
        """``os.symlink``.

        Args:
            target: what the link points to, stored as given (it may be relative or dangle).
            path: where to create the link.
            target_is_directory: on Windows, make a directory link.

        Raises:
            FileExistsError: something is at ``path``.
            OSError: any other refusal (a missing directory, PermissionError...).

        """
        os.symlink(target, path, target_is_directory)

    def utime(self, path: str) -> None:
        """``os.utime`` to now.

        Args:
            path: the entry whose access and modification times to set.

        Raises:
            FileNotFoundError: nothing is at ``path``.

        """
        try:
            os.utime(path)
        except OSError as exc:
            # CPython 3.10 leaves the file name out of utime's errors; the protocol promises it.
            if exc.filename is None:
                raise OSError(exc.errno, exc.strerror, path) from None
            raise

    def rmtree(self, path: str, *, ignore_errors: bool = False) -> None:
        """Remove a tree relative to directory descriptors where the OS allows it.

        Args:
            path: the root of the tree: a directory, a file or a symlink.
            ignore_errors: remove what can be removed and raise nothing.

        Raises:
            CleanupError: some entries could not be removed (unless ``ignore_errors``); it names
                each one with its error.

        """
        # An empty directory (most temp dirs by cleanup time) goes with one rmdir:
        # it never removes a non-empty directory and never follows a symlink, so
        # anything else still takes the careful walk below.
        try:
            os.rmdir(path)
        except FileNotFoundError:
            return
        except OSError:
            pass
        else:
            return
        if _HAVE_FD_WALK:
            remove_tree(FdTreeOps(), path, "/", ignore_errors=ignore_errors)
        else:
            remove_tree(BackendTreeOps(self), path, "/", ignore_errors=ignore_errors)


_tmpfile_works = bool(_O_TMPFILE)

# O_PATH opens an entry without any permission on it; with O_NOFOLLOW a symlink is
# opened as itself, so /proc/self/fd/N names the entry and never a link's target.
_O_PATH: Final = getattr(os, "O_PATH", 0)


def _chmod_entry_itself(path: str, mode: int, refused: NotImplementedError) -> bool:
    """``chmod`` the entry at ``path`` through ``/proc``; False where ``/proc`` is not mounted.

    Raises:
        NotImplementedError: ``refused``, when ``path`` is a symlink (whose own
            mode cannot change on Linux).

    """
    fd = os.open(path, _O_PATH | _NOFOLLOW | _CLOEXEC)
    try:
        if stat.S_ISLNK(os.fstat(fd).st_mode):
            raise refused
        try:
            os.chmod(f"{_PROC_FD}/{fd}", mode)
        except FileNotFoundError:
            return False
        return True
    finally:
        os.close(fd)


_renameat2: Callable[..., int] | None = None
_BUILTIN_FUNCTION: Final[type] = type(len)
_renameat2_state = "unknown" if sys.platform.startswith("linux") else "absent"


def os_is_real() -> bool:
    """Whether this module's ``os`` is the real one right now.

    A fake filesystem (pyfakefs) puts its own ``os`` here while it is active,
    and every path then names an entry on its fake disk.

    Returns:
        False while a fake ``os`` is in place.

    """
    return type(os.rename) is _BUILTIN_FUNCTION


def _renameat2_noreplace(src: str, dst: str) -> bool:
    """Try ``renameat2(RENAME_NOREPLACE)``; False when this system lacks it."""
    global _renameat2, _renameat2_state
    if _renameat2_state == "absent" or not os_is_real():
        # Through ctypes the call goes to the kernel whatever ``os`` is; so only
        # while ``os`` is the real module. A fake filesystem (pyfakefs) puts its own
        # ``os`` here, and the paths then name entries on its fake disk.
        return False
    if _renameat2 is None:
        import ctypes  # noqa: PLC0415 - only persist() pays for ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        function = getattr(libc, "renameat2", None)
        if function is None:
            _renameat2_state = "absent"
            return False
        function.argtypes = (
            ctypes.c_int,
            ctypes.c_char_p,
            ctypes.c_int,
            ctypes.c_char_p,
            ctypes.c_uint,
        )
        function.restype = ctypes.c_int
        _renameat2 = function
        _renameat2_state = "present"
    if _renameat2(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), _RENAME_NOREPLACE) == 0:
        return True
    import ctypes  # noqa: PLC0415 - already loaded above

    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        # The filesystem cannot do it (or the kernel is too old): use the fallback.
        return False
    raise OSError(code, os.strerror(code), src, None, dst)
