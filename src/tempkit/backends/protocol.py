"""The backend protocol: the few filesystem primitives everything above is built on.

A backend knows nothing about temp objects. Paths cross this boundary as plain
strings in the backend's own flavour, already absolute where that matters.
Every failure is a builtin ``OSError`` subclass with ``errno`` and ``filename``
set, whatever the backend, so the layers above handle one set of errors.

What a backend cannot do is declared in :class:`Capabilities` rather than
discovered by catching an exception halfway through an operation. What a backend
can do beyond the protocol is an optional capability, signalled one way: a flag
in :class:`Capabilities` says the backend offers it, and a sub-protocol types the
methods that come with it. The layers above ask the flag through one accessor
per capability (:func:`delete_on_close_backend`, :func:`whole_file_backend`,
:func:`unnamed_file_backend`, :func:`descriptor_backend`) and never probe for
methods. Adding a capability is three steps here: a flag, a
sub-protocol, an accessor.

Writing a backend: subclass :class:`tempkit.backends.base.BaseBackend`, which
derives most of :class:`Backend` from the few methods of :class:`BackendCore`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, NamedTuple, Protocol, runtime_checkable

from tempkit._flavour import Flavour

if TYPE_CHECKING:
    import io

    from tempkit.backends.modes import OpenRequest

__all__ = [
    "Backend",
    "BackendCore",
    "Capabilities",
    "DeleteOnCloseBackend",
    "DescriptorBackend",
    "DirEntry",
    "FsyncBackend",
    "UnnamedFileBackend",
    "WholeFileBackend",
    "delete_on_close_backend",
    "descriptor_backend",
    "fsync_backend",
    "unnamed_file_backend",
    "whole_file_backend",
]


# A NamedTuple, not a dataclass: importing dataclasses (and inspect with it) would
# more than double the cost of ``import tempkit``.
class Capabilities(NamedTuple):
    """What a backend can promise; the layers above adapt instead of failing.

    Attributes:
        permissions: mode bits are stored and enforced (``chmod`` means something).
        symlinks: symbolic links can be created and are reported by ``lstat``.
        descriptors: files have OS descriptors (``fileno()``) and removal can be
            done relative to directory descriptors; the backend is a
            :class:`DescriptorBackend` (a new file's descriptor, for the
            standard library's API).
        atomic_exclusive_create: "create this exact name, fail if it exists" is
            atomic, so concurrent creators can never both win.
        local_paths: paths name real files on this machine, so they are
            ``os.PathLike`` and can be given to ``open()`` or ``subprocess``.
        real_directories: directories exist on their own; object stores only
            have key prefixes, so an empty directory may not be observable.
        delete_on_close: files can be opened so that the OS removes them when the
            last handle closes (Windows ``O_TEMPORARY``); the backend is a
            :class:`DeleteOnCloseBackend`.
        whole_files: a whole file can be read or replaced in one call; the
            backend is a :class:`WholeFileBackend`.
        in_process: every operation works on this process's own memory and
            returns without waiting for a device, another process, the network
            or a timer (at most for a lock another thread holds briefly), so an
            event loop may call it directly instead of in a worker thread
            (``tempkit.aio`` does). Never true together with ``local_paths``.
        unnamed_files: a file can exist with no name at all (Linux ``O_TMPFILE``,
            or an inode no directory names), so nothing is left behind even if
            the process is killed; the backend is an :class:`UnnamedFileBackend`.
        atomic_rename: ``replace`` and ``rename_noreplace`` swap a name in one
            step: a reader sees the old entry or the new one, never neither nor
            a part (false on object stores, where a rename is copy-then-delete).
            ``tempkit.atomic_write`` needs it.
        fsync: written data and a directory's entries can be forced to stable
            storage; the backend is an :class:`FsyncBackend`. Without it there
            is nothing to force (memory) or no way to.

    """

    permissions: bool = True
    symlinks: bool = True
    descriptors: bool = True
    atomic_exclusive_create: bool = True
    local_paths: bool = True
    real_directories: bool = True
    delete_on_close: bool = False
    whole_files: bool = False
    in_process: bool = False
    unnamed_files: bool = False
    atomic_rename: bool = True
    fsync: bool = False


class DirEntry(Protocol):
    """The part of ``os.DirEntry`` the layers above use."""

    @property
    def name(self) -> str:
        """The entry's name inside its directory."""

    @property
    def path(self) -> str:
        """The directory's path joined with ``name``."""

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        """True for a directory (or a link to one when following links).

        Args:
            follow_symlinks: False to answer for a symlink itself.

        Returns:
            True for a directory (or a symlink to one when following symlinks).

        """

    def is_file(self, *, follow_symlinks: bool = True) -> bool:
        """True for a regular file (or a link to one when following links).

        Args:
            follow_symlinks: False to answer for a symlink itself.

        Returns:
            True for a regular file (or a symlink to one when following symlinks).

        """

    def is_symlink(self) -> bool:
        """True for a symbolic link.

        Returns:
            True for a symbolic link.

        """

    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        """The entry's stat result.

        Args:
            follow_symlinks: False to stat a symlink itself.

        Returns:
            The entry's ``os.stat_result``, as it is now.

        Raises:
            FileNotFoundError: the entry is gone (or, following symlinks, dangles).

        """


@runtime_checkable
class Backend(Protocol):
    """The filesystem primitives a backend offers to tempkit.

    All paths are strings in ``flavour``. Creation primitives are exclusive: they
    fail with ``FileExistsError`` when the name exists, never follow a symlink
    at the final component, and create private entries (``perm`` is applied
    where ``capabilities.permissions`` is true). Every failure is a builtin
    ``OSError`` subclass with ``errno`` and ``filename`` set.

    ``isinstance(obj, Backend)`` checks that ``obj`` has these members (a
    runtime-checkable protocol); a backend need not inherit from it.

    Attributes:
        name: a short name for messages and ``repr`` ("posix", "memory"...).
        flavour: the path syntax, the ``POSIX`` or the ``WINDOWS`` flavour (see
            docs/writing-a-backend.md).
        capabilities: what the backend can promise (see :class:`Capabilities`).

    """

    name: str
    flavour: Flavour
    capabilities: Capabilities

    # -- environment: everything the resolver needs comes from here -------------
    def environ(self) -> Mapping[str, str]:
        """Environment variables as this backend's world sees them.

        Returns:
            The variables of this backend's world (TMPDIR, TEMP and TMP are read from it).

        """

    def platform_temp_dirs(self) -> Sequence[str]:
        """The platform's conventional temp directories, in preference order.

        Returns:
            Absolute directories, the most preferred first.

        """

    def getcwd(self) -> str:
        """The current directory, absolute.

        Returns:
            The absolute path relative paths start from.

        """

    def fspath(self, path: str) -> str:
        """Return the OS path for ``path``, or raise TypeError if it is not on this machine.

        Args:
            path: the path, in this backend's flavour.

        Returns:
            The path to give to ``os`` functions, ``open()`` or a subprocess.

        Raises:
            TypeError: the path is not on this machine's disk (``capabilities.local_paths`` is
                false).

        """

    # -- creation ------------------------------------------------------------------
    def create_file(self, path: str, perm: int = 0o600) -> None:
        """Create an empty file exclusively, not following a symlink at ``path``.

        Args:
            path: where to create the file.
            perm: its permission bits (less the umask, where there is one).

        Raises:
            FileExistsError: something is at ``path`` already, a symlink included.
            FileNotFoundError: the parent directory is missing.
            OSError: any other refusal (PermissionError...).

        """

    def mkdir(self, path: str, perm: int = 0o700) -> None:
        """Create a directory exclusively.

        Args:
            path: the directory to create.
            perm: its permission bits (less the umask, where there is one).

        Raises:
            FileExistsError: something is at ``path`` already.
            FileNotFoundError: the parent directory is missing.
            OSError: any other refusal (PermissionError...).

        """

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
        """Open like the builtin ``open``; mode "x" creates exclusively with ``perm``.

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

    # -- inspection ---------------------------------------------------------------
    def stat(self, path: str, *, follow_symlinks: bool = True) -> os.stat_result:
        """Stat ``path``; with ``follow_symlinks=False`` this is lstat.

        Args:
            path: the path, in this backend's flavour.
            follow_symlinks: False to stat a final symlink itself (``lstat``).

        Returns:
            The entry's ``os.stat_result``.

        Raises:
            FileNotFoundError: nothing is at ``path``.
            OSError: any other failure (NotADirectoryError, PermissionError...).

        """

    def scandir(self, path: str) -> Iterator[DirEntry]:
        """Iterate over the entries of a directory (no "." or "..").

        Args:
            path: the directory to list.

        Yields:
            One entry per name in the directory.

        Raises:
            FileNotFoundError: the directory is missing.
            NotADirectoryError: ``path`` is not a directory.

        """

    def readlink(self, path: str) -> str:
        """The target of a symbolic link.

        Args:
            path: the symbolic link.

        Returns:
            The link's target, as stored.

        Raises:
            OSError: ``path`` is not a symlink (EINVAL), or is missing (FileNotFoundError).

        """

    def realpath(self, path: str, *, strict: bool = False) -> str:
        """``path`` made absolute with every symlink resolved.

        Args:
            path: the path, in this backend's flavour.
            strict: raise for a missing component or a symlink loop; otherwise such a component is
                kept as it is.

        Returns:
            The absolute path with every symlink resolved and no ".." left.

        Raises:
            OSError: with ``strict``: a missing component (FileNotFoundError) or a loop.

        """

    # -- mutation -----------------------------------------------------------------
    def unlink(self, path: str) -> None:
        """Remove a file or a symlink.

        Args:
            path: the file or symlink to remove (a symlink's target is untouched).

        Raises:
            FileNotFoundError: nothing is at ``path``.
            IsADirectoryError: ``path`` is a directory (PermissionError on Windows).

        """

    def rmdir(self, path: str) -> None:
        """Remove an empty directory.

        Args:
            path: the empty directory to remove.

        Raises:
            OSError: the directory is not empty (ENOTEMPTY), is missing (FileNotFoundError) or is
                not a directory (NotADirectoryError).

        """

    def rename(self, src: str, dst: str) -> None:
        """Rename with the platform's ``os.rename`` rules.

        Args:
            src: the entry to move.
            dst: its new path.

        Raises:
            FileExistsError: ``dst`` exists, on Windows.
            OSError: any other refusal: ``src`` missing, ``dst`` a non-empty directory, another
                filesystem (EXDEV)...

        """

    def replace(self, src: str, dst: str) -> None:
        """Rename, replacing ``dst`` if it is a file or an empty directory.

        Args:
            src: the entry to move.
            dst: its new path.

        Raises:
            OSError: ``src`` is missing, ``dst`` is a non-empty directory or of another kind
                (IsADirectoryError, NotADirectoryError), or on another filesystem (EXDEV).

        """

    def rename_noreplace(self, src: str, dst: str) -> None:
        """Rename, failing with FileExistsError if ``dst`` exists.

        Args:
            src: the entry to move.
            dst: its new path.

        Raises:
            FileExistsError: something is at ``dst``; nothing moved.
            OSError: any other refusal (``src`` missing, another filesystem...).

        """

    def chmod(self, path: str, mode: int, *, follow_symlinks: bool = True) -> None:
        """Change permission bits.

        Args:
            path: the path, in this backend's flavour.
            mode: the new permission bits.
            follow_symlinks: False to change a final symlink itself, where the platform can.

        Raises:
            OSError: nothing is at ``path``, or the backend has no permission bits (ENOTSUP).
            NotImplementedError: ``follow_symlinks=False`` where a symlink's own mode cannot change
                (Linux).

        """

    def symlink(self, target: str, path: str, *, target_is_directory: bool = False) -> None:
        """Create a symbolic link at ``path`` pointing to ``target``.

        Args:
            target: what the link points to, stored as given (it may be relative or dangle).
            path: where to create the link.
            target_is_directory: on Windows, make a directory link.

        Raises:
            FileExistsError: something is at ``path``.
            OSError: the backend has no symlinks (ENOTSUP), or any other refusal.

        """

    def utime(self, path: str) -> None:
        """Set access and modification times to now.

        Args:
            path: the entry whose access and modification times to set.

        Raises:
            FileNotFoundError: nothing is at ``path``.

        """

    def rmtree(self, path: str, *, ignore_errors: bool = False) -> None:
        """Remove ``path`` and everything below it, never leaving the tree.

        Symlinks inside are removed, not followed; read-only entries are made
        writable as needed. A missing ``path`` is not an error. Remaining
        failures are raised together as one :class:`tempkit.CleanupError`.

        Args:
            path: the root of the tree: a directory, a file or a symlink.
            ignore_errors: remove what can be removed and raise nothing.

        Raises:
            CleanupError: some entries could not be removed (unless ``ignore_errors``); it names
                each one with its error.

        """


class BackendCore(Protocol):
    """What a backend built on :class:`~tempkit.backends.base.BaseBackend` must write itself.

    Everything else in :class:`Backend` is derived from these by the base class
    (and may still be overridden, for speed or for a backend's own rules).

    Attributes:
        name: a short name for messages and ``repr``.
        flavour: the path syntax, POSIX or Windows.
        capabilities: what the backend can promise (see :class:`Capabilities`).

    """

    name: str
    flavour: Flavour
    capabilities: Capabilities

    def environ(self) -> Mapping[str, str]:
        """Environment variables as this backend's world sees them.

        Returns:
            The variables of this backend's world (TMPDIR, TEMP and TMP are read from it).

        """

    def platform_temp_dirs(self) -> Sequence[str]:
        """The platform's conventional temp directories, in preference order.

        Returns:
            Absolute directories, the most preferred first.

        """

    def getcwd(self) -> str:
        """The current directory, absolute.

        Returns:
            The absolute path relative paths start from.

        """

    def open_raw(self, path: str, request: OpenRequest, perm: int) -> io.RawIOBase:
        """Open ``path`` as an unbuffered binary file with the ``open(2)`` flags ``request``.

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

    def stat(self, path: str, *, follow_symlinks: bool = True) -> os.stat_result:
        """Stat ``path``; with ``follow_symlinks=False`` this is lstat.

        Args:
            path: the path, in this backend's flavour.
            follow_symlinks: False to stat a final symlink itself (``lstat``).

        Returns:
            The entry's ``os.stat_result``.

        Raises:
            FileNotFoundError: nothing is at ``path``.
            OSError: any other failure (NotADirectoryError, PermissionError...).

        """

    def scandir(self, path: str) -> Iterator[DirEntry]:
        """Iterate over the entries of a directory (no "." or "..").

        Args:
            path: the directory to list.

        Yields:
            One entry per name in the directory.

        Raises:
            FileNotFoundError: the directory is missing.
            NotADirectoryError: ``path`` is not a directory.

        """

    def mkdir(self, path: str, perm: int = 0o700) -> None:
        """Create a directory exclusively.

        Args:
            path: the directory to create.
            perm: its permission bits (less the umask, where there is one).

        Raises:
            FileExistsError: something is at ``path`` already.
            FileNotFoundError: the parent directory is missing.
            OSError: any other refusal (PermissionError...).

        """

    def unlink(self, path: str) -> None:
        """Remove a file or a symlink.

        Args:
            path: the file or symlink to remove (a symlink's target is untouched).

        Raises:
            FileNotFoundError: nothing is at ``path``.
            IsADirectoryError: ``path`` is a directory (PermissionError on Windows).

        """

    def rmdir(self, path: str) -> None:
        """Remove an empty directory.

        Args:
            path: the empty directory to remove.

        Raises:
            OSError: the directory is not empty (ENOTEMPTY), is missing (FileNotFoundError) or is
                not a directory (NotADirectoryError).

        """

    def replace(self, src: str, dst: str) -> None:
        """Rename, replacing ``dst`` if it is a file or an empty directory.

        Args:
            src: the entry to move.
            dst: its new path.

        Raises:
            OSError: ``src`` is missing, ``dst`` is a non-empty directory or of another kind
                (IsADirectoryError, NotADirectoryError), or on another filesystem (EXDEV).

        """

    def rename_noreplace(self, src: str, dst: str) -> None:
        """Rename, failing with FileExistsError if ``dst`` exists.

        Args:
            src: the entry to move.
            dst: its new path.

        Raises:
            FileExistsError: something is at ``dst``; nothing moved.
            OSError: any other refusal (``src`` missing, another filesystem...).

        """


# -- optional capabilities: a flag in Capabilities, a sub-protocol, one accessor each ---


@runtime_checkable
class DeleteOnCloseBackend(Backend, Protocol):
    """The two extra primitives of a backend whose ``capabilities.delete_on_close`` is true.

    Kept apart from :class:`Backend` so that backends without the feature need
    not implement anything; see :func:`delete_on_close_backend`.
    """

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
        """Create ``path`` exclusively and open it so it is removed when its last handle closes.

        While such a handle is open, a plain ``open`` of the file fails with
        PermissionError (as on Windows); ``open_shared`` succeeds.

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

    def open_shared(
        self,
        path: str,
        mode: str = "rb",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> IO[Any]:
        """Open an existing file sharing delete access (works next to a delete-on-close handle).

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


def delete_on_close_backend(backend: Backend) -> DeleteOnCloseBackend | None:
    """``backend`` typed as a :class:`DeleteOnCloseBackend` if it declares the capability.

    Args:
        backend: any backend.

    Returns:
        ``backend`` itself when ``capabilities.delete_on_close`` is true, else None.

    """
    # The flag is the promise the sub-protocol types (no cast() call: this runs per open).
    if backend.capabilities.delete_on_close:
        return backend  # type: ignore[return-value]
    return None


class WholeFileBackend(Backend, Protocol):
    """The two extra primitives of a backend whose ``capabilities.whole_files`` is true.

    Each has exactly the semantics of going through ``open()`` (the same checks,
    the same errors in the same order); the path layer's ``read_bytes`` and
    friends use them to skip building a file object.
    """

    def read_whole_file(self, path: str) -> bytes:
        """``open(path, "rb").read()`` in one step.

        Args:
            path: the file to read.

        Returns:
            Its whole contents.

        Raises:
            FileNotFoundError: the file is missing.
            IsADirectoryError: ``path`` is a directory.

        """

    def write_whole_file(self, path: str, data: bytes | bytearray | memoryview) -> None:
        """``open(path, "wb")`` then one write of ``data``, in one step.

        Args:
            path: the file to replace (created if missing, as ``open(path, "wb")`` does).
            data: its new contents.

        Raises:
            FileNotFoundError: the parent directory is missing.
            IsADirectoryError: ``path`` is a directory.

        """


def whole_file_backend(backend: Backend) -> WholeFileBackend | None:
    """``backend`` typed as a :class:`WholeFileBackend` if it declares the capability.

    Args:
        backend: any backend.

    Returns:
        ``backend`` itself when ``capabilities.whole_files`` is true, else None.

    """
    if backend.capabilities.whole_files:
        return backend  # type: ignore[return-value]
    return None


class UnnamedFileBackend(Backend, Protocol):
    """The two extra primitives of a backend whose ``capabilities.unnamed_files`` is true."""

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
        """Open a new file in ``directory`` that has no name, as the builtin ``open`` would.

        The arguments after ``directory`` are checked as ``open`` checks them,
        before anything is created.

        Args:
            directory: the directory whose filesystem holds the file.
            mode: a read-write mode of ``open()`` ("w+b" by default, or "w+" and the like).
            buffering: as for ``open()``.
            encoding: the text encoding (text modes), as for ``open()``.
            errors: the encoding error handler (text modes).
            newline: newline translation (text modes), as for ``open()``.
            perm: the permission bits of the file.
            linkable: allow :meth:`link_unnamed` to give the file a name later.

        Returns:
            The open file, or None when this directory's filesystem cannot make
            unnamed files (Linux without ``O_TMPFILE`` support there); the caller
            then creates a name and removes it at once.

        Raises:
            FileNotFoundError: ``directory`` is missing.
            ValueError: a mode or argument ``open()`` refuses.

        """

    def link_unnamed(self, file: IO[Any], path: str) -> None:
        """Give the unnamed file open as ``file`` the name ``path``, atomically.

        Args:
            file: a file from :meth:`open_unnamed` with ``linkable=True``.
            path: its new name, in this backend's flavour.

        Raises:
            FileExistsError: ``path`` exists (it is never replaced).
            OSError: the parent of ``path`` is missing, or on another filesystem
                than the file (EXDEV).

        """


def unnamed_file_backend(backend: Backend) -> UnnamedFileBackend | None:
    """``backend`` typed as an :class:`UnnamedFileBackend` if it declares the capability.

    Args:
        backend: any backend.

    Returns:
        ``backend`` itself when ``capabilities.unnamed_files`` is true, else None.

    """
    if backend.capabilities.unnamed_files:
        return backend  # type: ignore[return-value]
    return None


class FsyncBackend(Backend, Protocol):
    """The two extra primitives of a backend whose ``capabilities.fsync`` is true."""

    def fsync_file(self, file: IO[Any]) -> None:
        """Force what was written to ``file`` (flushed already) to stable storage.

        Args:
            file: a file this backend opened, for writing.

        Raises:
            OSError: the device reports a write error (EIO), and the like.

        """

    def fsync_directory(self, path: str) -> None:
        """Force the entries of the directory ``path`` (a rename, a new link) to stable storage.

        Args:
            path: an existing directory.

        Raises:
            OSError: ``path`` is missing or not a directory, or the device fails.

        """


def fsync_backend(backend: Backend) -> FsyncBackend | None:
    """``backend`` typed as an :class:`FsyncBackend` if it declares the capability.

    Args:
        backend: any backend.

    Returns:
        ``backend`` itself when ``capabilities.fsync`` is true, else None.

    """
    if backend.capabilities.fsync:
        return backend  # type: ignore[return-value]
    return None


class DescriptorBackend(Backend, Protocol):
    """The extra primitive of a backend whose ``capabilities.descriptors`` is true.

    It is what the standard library's API (``mkstemp`` and friends, see
    ``tempkit.tempfile``) needs: a descriptor, not a file object.
    """

    def create_descriptor(
        self, path: str, perm: int = 0o600, *, text: bool = False, delete_on_close: bool = False
    ) -> int:
        """Create ``path`` exclusively and return a read-write OS descriptor on it.

        The same promises as ``create_file`` (exclusive, no symlink followed at
        ``path``, ``perm`` applied) and the descriptor is not inheritable.

        Args:
            path: the file to create, in this backend's flavour.
            perm: the permission bits of the new file.
            text: open in text mode where the platform has one (Windows).
            delete_on_close: have the OS remove the file when its last handle
                closes (only with ``capabilities.delete_on_close``).

        Returns:
            The descriptor; the caller closes it.

        Raises:
            FileExistsError: something is at ``path``.
            ValueError: ``delete_on_close`` on a backend that cannot.

        """


def descriptor_backend(backend: Backend) -> DescriptorBackend | None:
    """``backend`` typed as a :class:`DescriptorBackend` if it declares the capability.

    Args:
        backend: any backend.

    Returns:
        ``backend`` itself when ``capabilities.descriptors`` is true, else None.

    """
    if backend.capabilities.descriptors:
        return backend  # type: ignore[return-value]
    return None
