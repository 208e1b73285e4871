"""BaseBackend: the whole backend protocol derived from a small core.

A backend written on this class supplies the few primitives of
:class:`~tempkit.backends.protocol.BackendCore` (its name, flavour and
capabilities, its environment, a binary open of a raw file, stat, scandir,
mkdir, unlink, rmdir and the two rename primitives) and inherits the rest:

- ``open`` with the builtin's semantics: the arguments are checked by
  :mod:`tempkit.backends.modes`, the raw file comes from ``open_raw``, and the
  very ``io`` classes the builtin uses are stacked on it (buffer, then text);
- ``create_file``: an exclusive ``open_raw``, closed at once;
- ``rename``: ``replace`` on POSIX, ``rename_noreplace`` with Windows rules;
- ``realpath`` from ``stat``, ``readlink`` and ``getcwd``;
- ``rmtree``: the shared removal walker of :mod:`tempkit.backends._rmtree`,
  by path through the backend's own primitives;
- what a backend without the capability answers: ``readlink`` (EINVAL),
  ``symlink`` and ``chmod`` (ENOTSUP), ``utime`` (the store keeps the times),
  ``fspath`` (TypeError unless ``capabilities.local_paths``).

Any of them may be overridden, for speed (the local backends keep the builtin
``open`` and ``os`` calls) or for a backend's own rules. As in httpx's
``BaseTransport``, the core methods raise NotImplementedError until written.

Two pieces serve backends that keep files in memory or list names only:
:class:`BytesRawFile` (what ``open_raw`` can return for a file held in a
``bytearray``) and :class:`StatDirEntry` (what ``scandir`` can yield when a
listing has names only).
"""

from __future__ import annotations

import errno
import io
import ntpath
import os
import stat
from collections.abc import Iterator, Mapping, Sequence
from typing import IO, Any, Final

from tempkit._flavour import WINDOWS, Flavour
from tempkit.backends._rmtree import BackendTreeOps, remove_tree
from tempkit.backends.modes import OpenRequest, ParsedMode, parse_mode, refuse_kindless
from tempkit.backends.protocol import Capabilities, DirEntry
from tempkit.errors import os_error

__all__ = ["CREATE_EXCLUSIVE", "BaseBackend", "BytesRawFile", "StatDirEntry", "open_layers"]

# open(O_RDWR | O_CREAT | O_EXCL), which never follows a symlink at the name.
CREATE_EXCLUSIVE: Final = OpenRequest(readable=True, writable=True, create=True, exclusive=True)

# Linux follows at most 40 symlinks in one lookup; realpath stops there too.
_MAX_SYMLINKS: Final = 40


class BaseBackend:
    """A backend built from :class:`~tempkit.backends.protocol.BackendCore`; subclass it.

    Set ``name``, ``flavour`` and ``capabilities`` as class attributes and write
    the core methods; everything else has a working default. The default
    capabilities promise nothing optional (no permission bits, symlinks,
    descriptors or local paths): declare what your backend does.

    See docs/writing-a-backend.md for a complete backend in under 150 lines.

    Attributes:
        name: a short name for messages and ``repr``; set it.
        flavour: the path syntax, the ``POSIX`` or the ``WINDOWS`` flavour; set it.
        capabilities: what the backend promises; the default promises nothing
            optional.

    """

    name: str
    flavour: Flavour
    capabilities: Capabilities = Capabilities(
        permissions=False, symlinks=False, descriptors=False, local_paths=False
    )

    # -- the core: a backend writes these ------------------------------------------
    def environ(self) -> Mapping[str, str]:
        """Environment variables as this backend's world sees them (TMPDIR, TEMP, TMP).

        Returns:
            The variables of this backend's world (TMPDIR, TEMP and TMP are read from it).

        """
        raise NotImplementedError(f"{type(self).__name__} must define environ()")

    def platform_temp_dirs(self) -> Sequence[str]:
        """The conventional temp directories of this backend's world, in preference order.

        Returns:
            Absolute directories, the most preferred first.

        """
        raise NotImplementedError(f"{type(self).__name__} must define platform_temp_dirs()")

    def getcwd(self) -> str:
        """The current directory, absolute: where relative paths start.

        Returns:
            The absolute path relative paths start from.

        """
        raise NotImplementedError(f"{type(self).__name__} must define getcwd()")

    def open_raw(self, path: str, request: OpenRequest, perm: int) -> io.RawIOBase:
        """Open ``path`` with the ``open(2)`` flags of ``request``: an unbuffered binary file.

        The file needs ``readinto``, ``write``, ``seek``, ``tell``, ``readable``,
        ``writable``, ``seekable`` and ``close`` as ``io.FileIO`` has them (an
        ``io.RawIOBase`` subclass gets the rest). ``request.exclusive`` must be
        atomic and must not follow a symlink at ``path``; a created file gets
        ``perm`` where ``capabilities.permissions`` is true. Errors are builtin
        OSErrors with ``filename`` set to ``path``.

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
        raise NotImplementedError(f"{type(self).__name__} must define open_raw()")

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
        raise NotImplementedError(f"{type(self).__name__} must define stat()")

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
        raise NotImplementedError(f"{type(self).__name__} must define scandir()")

    def mkdir(self, path: str, perm: int = 0o700) -> None:
        """Create a directory exclusively (FileExistsError for any existing entry).

        Args:
            path: the directory to create.
            perm: its permission bits (less the umask, where there is one).

        Raises:
            FileExistsError: something is at ``path`` already.
            FileNotFoundError: the parent directory is missing.
            OSError: any other refusal (PermissionError...).

        """
        raise NotImplementedError(f"{type(self).__name__} must define mkdir()")

    def unlink(self, path: str) -> None:
        """Remove a file or a symlink.

        Args:
            path: the file or symlink to remove (a symlink's target is untouched).

        Raises:
            FileNotFoundError: nothing is at ``path``.
            IsADirectoryError: ``path`` is a directory (PermissionError on Windows).

        """
        raise NotImplementedError(f"{type(self).__name__} must define unlink()")

    def rmdir(self, path: str) -> None:
        """Remove an empty directory.

        Args:
            path: the empty directory to remove.

        Raises:
            OSError: the directory is not empty (ENOTEMPTY), is missing (FileNotFoundError) or is
                not a directory (NotADirectoryError).

        """
        raise NotImplementedError(f"{type(self).__name__} must define rmdir()")

    def replace(self, src: str, dst: str) -> None:
        """Rename, replacing ``dst`` if it is a file or an empty directory.

        Args:
            src: the entry to move.
            dst: its new path.

        Raises:
            OSError: ``src`` is missing, ``dst`` is a non-empty directory or of another kind
                (IsADirectoryError, NotADirectoryError), or on another filesystem (EXDEV).

        """
        raise NotImplementedError(f"{type(self).__name__} must define replace()")

    def rename_noreplace(self, src: str, dst: str) -> None:
        """Rename, failing with FileExistsError if ``dst`` exists.

        Args:
            src: the entry to move.
            dst: its new path.

        Raises:
            FileExistsError: something is at ``dst``; nothing moved.
            OSError: any other refusal (``src`` missing, another filesystem...).

        """
        raise NotImplementedError(f"{type(self).__name__} must define rename_noreplace()")

    # -- derived from the core ------------------------------------------------------
    def fspath(self, path: str) -> str:
        """``path`` itself where ``capabilities.local_paths``; TypeError anywhere else.

        Args:
            path: the path, in this backend's flavour.

        Returns:
            The path to give to ``os`` functions, ``open()`` or a subprocess.

        Raises:
            TypeError: the path is not on this machine's disk (``capabilities.local_paths`` is
                false).

        """
        if self.capabilities.local_paths:
            return path
        raise TypeError(
            f"{path!r} is on {self!r}, not on this machine's disk, so it has no OS path"
        )

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
        self.open_raw(path, CREATE_EXCLUSIVE, perm).close()

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
        """Open like the builtin ``open``: ``open_raw`` with the builtin's io layers on top.

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
        parsed = parse_mode(mode, buffering, encoding, errors, newline)
        if parsed.kindless:
            self._check_path_text(path)
            refuse_kindless()
        raw = self.open_raw(path, parsed.request, perm)
        return open_layers(raw, parsed, encoding, errors, newline)

    def _check_path_text(self, path: str) -> None:
        """Refuse text this backend could never take as a path, as ``os`` does first.

        Only reached for a mode ``FileIO`` refuses after converting the path;
        the default accepts any text.
        """

    def rename(self, src: str, dst: str) -> None:
        """``os.rename``: replaces ``dst`` on POSIX, never on Windows.

        Args:
            src: the entry to move.
            dst: its new path.

        Raises:
            FileExistsError: ``dst`` exists, on Windows.
            OSError: any other refusal: ``src`` missing, ``dst`` a non-empty directory, another
                filesystem (EXDEV)...

        """
        if self.flavour is WINDOWS:
            self.rename_noreplace(src, dst)
        else:
            self.replace(src, dst)

    def readlink(self, path: str) -> str:
        """The target of a symlink; without symlinks, EINVAL for any existing entry.

        Args:
            path: the symbolic link.

        Returns:
            The link's target, as stored.

        Raises:
            OSError: ``path`` is not a symlink (EINVAL), or is missing (FileNotFoundError).

        """
        self.stat(path, follow_symlinks=False)
        raise os_error(errno.EINVAL, path)

    def symlink(self, target: str, path: str, *, target_is_directory: bool = False) -> None:
        """Refused (ENOTSUP) unless the backend has symlinks and overrides this.

        Args:
            target: what the link points to, stored as given (it may be relative or dangle).
            path: where to create the link.
            target_is_directory: on Windows, make a directory link.

        Raises:
            OSError: always, with ENOTSUP: this backend has no symlinks.

        """
        raise os_error(errno.ENOTSUP, path, f"{self.name} backend has no symbolic links")

    def chmod(self, path: str, mode: int, *, follow_symlinks: bool = True) -> None:
        """Refused (ENOTSUP) unless the backend has permission bits and overrides this.

        Args:
            path: the path, in this backend's flavour.
            mode: the new permission bits.
            follow_symlinks: False to change a final symlink itself, where the platform can.

        Raises:
            OSError: always, with ENOTSUP: this backend has no permission bits.

        """
        raise os_error(errno.ENOTSUP, path, f"{self.name} backend has no permission bits")

    def utime(self, path: str) -> None:
        """Check that ``path`` exists; times are the store's unless overridden.

        Args:
            path: the entry whose access and modification times to set; here it
                only has to exist.

        Raises:
            FileNotFoundError: nothing is at ``path``.

        """
        self.stat(path)

    def realpath(self, path: str, *, strict: bool = False) -> str:
        """``os.path.realpath`` (3.13 semantics) from ``stat``, ``readlink`` and ``getcwd``.

        Args:
            path: the path, in this backend's flavour.
            strict: raise for a missing component or a symlink loop; otherwise such a component is
                kept as it is.

        Returns:
            The absolute path with every symlink resolved and no ".." left.

        Raises:
            OSError: with ``strict``: a missing component (FileNotFoundError) or a loop.

        """
        if self.flavour is WINDOWS:
            return _windows_realpath(self, path, strict=strict)
        return _posix_realpath(self, path, strict=strict)

    def rmtree(self, path: str, *, ignore_errors: bool = False) -> None:
        """Remove ``path`` and everything below it, never following a symlink.

        The shared walker removes entry by entry through this backend's own
        primitives, makes directories writable where ``capabilities.permissions``
        allows it, treats a missing ``path`` as done, and raises the remaining
        failures together as one :class:`tempkit.CleanupError`.

        Args:
            path: the root of the tree: a directory, a file or a symlink.
            ignore_errors: remove what can be removed and raise nothing.

        Raises:
            CleanupError: some entries could not be removed (unless ``ignore_errors``); it names
                each one with its error.

        """
        remove_tree(BackendTreeOps(self), path, self.flavour.sep, ignore_errors=ignore_errors)


class BytesRawFile(io.RawIOBase):
    """An unbuffered file over a ``bytearray``, with the semantics of a file descriptor.

    Every handle on one file shares the file's ``bytearray``, so what one
    writes the others read, and a file removed while open lives on in its
    handles. Writes go to the position (to the end with ``request.append``);
    a hole left by seeking past the end reads as zeros.

    Args:
        data: the file's contents, changed in place by writes.
        request: the open's flags (which operations are allowed, append).
        name: what the file's ``name`` attribute says (the path).

    Attributes:
        name: the path the file was opened by.
        mode: the mode ``io.FileIO`` would report for the same flags ("rb", "xb+"...).

    """

    def __init__(self, data: bytearray, request: OpenRequest, name: str) -> None:
        super().__init__()
        self.name = name
        self.mode = request.raw_mode
        self._data = data
        self._request = request
        self._position = len(data) if request.append else 0

    def readable(self) -> bool:
        """Whether the file was opened for reading.

        Returns:
            True when the open's flags allow reading.

        """
        return self._request.readable

    def writable(self) -> bool:
        """Whether the file was opened for writing.

        Returns:
            True when the open's flags allow writing.

        """
        return self._request.writable

    def seekable(self) -> bool:
        """Whether the file can seek, which it always can.

        Returns:
            True.

        """
        return True

    def readinto(self, buffer: Any) -> int:
        """Copy bytes from the position into ``buffer``; 0 at the end.

        Args:
            buffer: a writable bytes-like object.

        Returns:
            How many bytes were copied.

        Raises:
            io.UnsupportedOperation: the file was not opened for reading.

        """
        if not self._request.readable:
            raise io.UnsupportedOperation("File not open for reading")
        with memoryview(buffer) as view, view.cast("B") as target:
            chunk = self._data[self._position : self._position + len(target)]
            target[: len(chunk)] = chunk
        self._position += len(chunk)
        return len(chunk)

    def readall(self) -> bytes:
        """Everything from the position to the end.

        Returns:
            The bytes read; the position moves to the end.

        Raises:
            OSError: the file was not opened for reading (EBADF, as ``FileIO`` says).

        """
        if not self._request.readable:
            # As FileIO: readall does not check the mode, read(2) fails on the descriptor.
            raise OSError(errno.EBADF, os.strerror(errno.EBADF))
        chunk = bytes(self._data[self._position :])
        self._position += len(chunk)
        return chunk

    def write(self, data: Any) -> int:
        """Write all of ``data`` at the position (at the end when appending).

        Args:
            data: a bytes-like object.

        Returns:
            How many bytes were written: all of them.

        Raises:
            io.UnsupportedOperation: the file was not opened for writing.

        """
        if not self._request.writable:
            raise io.UnsupportedOperation("File not open for writing")
        with memoryview(data) as view, view.cast("B") as source:
            start = len(self._data) if self._request.append else self._position
            if start > len(self._data):
                self._data.extend(bytes(start - len(self._data)))
            self._data[start : start + len(source)] = source
            self._position = start + len(source)
            return len(source)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """Move the position (SEEK_SET, SEEK_CUR, SEEK_END); EINVAL before the start.

        Args:
            offset: the new position relative to ``whence``.
            whence: ``os.SEEK_SET`` (default), ``os.SEEK_CUR`` or ``os.SEEK_END``.

        Returns:
            The new absolute position (it may be past the end).

        Raises:
            OSError: EINVAL for an unknown ``whence`` or a position before the start.

        """
        bases = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: len(self._data)}
        if whence not in bases or bases[whence] + offset < 0:
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        self._position = bases[whence] + offset
        return self._position

    def tell(self) -> int:
        """The position.

        Returns:
            The offset from the start of the file, in bytes.

        """
        return self._position

    def truncate(self, size: int | None = None) -> int:
        """Cut or zero-extend the file to ``size`` (default: the position).

        Args:
            size: the new size in bytes; None for the position.

        Returns:
            The new size.

        Raises:
            io.UnsupportedOperation: the file was not opened for writing.
            OSError: EINVAL for a negative size.

        """
        if not self._request.writable:
            raise io.UnsupportedOperation("File not open for writing")
        size = self._position if size is None else size
        if size < 0:
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        del self._data[size:]
        self._data.extend(bytes(size - len(self._data)))
        return size


class StatDirEntry:
    """A ``scandir`` entry that asks its backend's ``stat`` whenever it is asked.

    For backends whose listings give names only. Nothing is cached, so each
    answer describes the entry as it is at that moment.

    Args:
        backend: the backend whose ``stat`` answers.
        path: the entry's full path.

    Attributes:
        name: the entry's name (the last part of ``path``).
        path: the entry's full path.

    """

    __slots__ = ("_backend", "name", "path")

    def __init__(self, backend: BaseBackend, path: str) -> None:
        self._backend = backend
        self.path = path
        self.name = backend.flavour.module.basename(path)

    def __repr__(self) -> str:
        return f"<StatDirEntry {self.name!r}>"

    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        """The entry's stat result.

        Args:
            follow_symlinks: False to stat a symlink itself.

        Returns:
            The entry's ``os.stat_result``, as it is now.

        Raises:
            FileNotFoundError: the entry is gone (or, following symlinks, dangles).

        """
        return self._backend.stat(self.path, follow_symlinks=follow_symlinks)

    def _mode(self, follow_symlinks: bool) -> int:
        try:
            return self.stat(follow_symlinks=follow_symlinks).st_mode
        except FileNotFoundError:  # gone, or a dangling link: no kind, as os.DirEntry says
            return 0

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        """True for a directory (or a link to one when following links).

        Args:
            follow_symlinks: False to answer for a symlink itself.

        Returns:
            True for a directory (or a symlink to one when following symlinks).

        """
        return stat.S_ISDIR(self._mode(follow_symlinks))

    def is_file(self, *, follow_symlinks: bool = True) -> bool:
        """True for a regular file (or a link to one when following links).

        Args:
            follow_symlinks: False to answer for a symlink itself.

        Returns:
            True for a regular file (or a symlink to one when following symlinks).

        """
        return stat.S_ISREG(self._mode(follow_symlinks))

    def is_symlink(self) -> bool:
        """True for a symbolic link.

        Returns:
            True for a symbolic link.

        """
        return stat.S_ISLNK(self._mode(False))


def open_layers(
    raw: io.RawIOBase,
    parsed: ParsedMode,
    encoding: str | None,
    errors: str | None,
    newline: str | None,
) -> IO[Any]:
    """Stack the buffered and text layers on a raw file, as ``io.open`` does.

    ``raw`` is already open (the file may have been created); as with the
    builtin, errors found from here on (unbuffered text, unknown encoding, bad
    newline) close it again but leave a created file in place.
    """
    result: IO[Any] = raw  # type: ignore[assignment]
    buffering = parsed.buffering
    try:
        line_buffering = False
        if buffering == 1 or (buffering < 0 and raw.isatty()):
            buffering = -1
            line_buffering = True
        if buffering < 0:
            # io.open sizes the buffer by st_blksize, which FileIO keeps as _blksize.
            block: int = getattr(raw, "_blksize", 0)
            buffering = block if block > 1 else io.DEFAULT_BUFFER_SIZE
        if buffering == 0:
            if parsed.binary:
                return result
            raise ValueError("can't have unbuffered text I/O")
        buffer: io.BufferedIOBase
        if parsed.updating:
            buffer = io.BufferedRandom(raw, buffering)
        elif parsed.request.writable:
            buffer = io.BufferedWriter(raw, buffering)
        else:
            buffer = io.BufferedReader(raw, buffering)
        result = buffer
        if parsed.binary:
            return result
        text = io.TextIOWrapper(buffer, encoding, errors, newline, line_buffering)
        result = text
        text.mode = parsed.mode  # type: ignore[misc]  # as io.open sets it
        return result
    except BaseException:
        result.close()
        raise


def _is_link(backend: BaseBackend, path: str, *, strict: bool) -> bool:
    """Whether ``path`` is a symlink; an entry that cannot be examined is not, unless ``strict``."""
    try:
        return stat.S_ISLNK(backend.stat(path, follow_symlinks=False).st_mode)
    except OSError:
        if strict:
            raise
        return False


def _posix_realpath(backend: BaseBackend, path: str, *, strict: bool) -> str:
    """``posixpath.realpath`` (3.13 algorithm) over ``backend``'s lstat and readlink.

    Symlinks are resolved one component at a time; with ``strict`` every error
    is raised, without it a component that cannot be examined is kept as is.
    """
    sep = backend.flavour.sep
    pending: list[str | None] = list(reversed(path.split(sep)))
    resolved = sep if path.startswith(sep) else backend.getcwd()
    # Links being resolved map to None, resolved ones to their real path.
    seen: dict[str, str | None] = {}
    while pending:
        name = pending.pop()
        if name is None:
            link = pending.pop()
            assert link is not None
            seen[link] = resolved
            continue
        if not name or name == ".":
            continue
        if name == "..":
            resolved = resolved[: resolved.rindex(sep)] or sep
            continue
        candidate = resolved + name if resolved == sep else resolved + sep + name
        if not _is_link(backend, candidate, strict=strict):
            resolved = candidate
            continue
        if candidate in seen:
            known = seen[candidate]
            if known is not None:
                resolved = known
                continue
            if strict:
                backend.stat(candidate)  # raises ELOOP
            resolved = candidate
            continue
        seen[candidate] = None
        target = backend.readlink(candidate)
        if target.startswith(sep):
            resolved = sep
        pending.append(candidate)
        pending.append(None)
        pending.extend(target.split(sep)[::-1])
    return resolved


def _windows_realpath(backend: BaseBackend, path: str, *, strict: bool) -> str:
    """``path`` absolute and normalised, each symlink resolved (bounded, like ELOOP).

    Windows normalises ``..`` by the text before the lookup, so the path is
    normalised first and after each link, as ``ntpath.realpath`` does.
    """
    current = ntpath.normpath(ntpath.join(backend.getcwd(), path))
    for _ in range(_MAX_SYMLINKS):
        drive, root, tail = WINDOWS.splitroot(current)
        resolved = drive + root
        parts = [p for p in tail.split("\\") if p]
        for index, part in enumerate(parts):
            candidate = ntpath.join(resolved, part)
            if _is_link(backend, candidate, strict=strict):
                target = ntpath.join(resolved, backend.readlink(candidate))
                current = ntpath.normpath(ntpath.join(target, *parts[index + 1 :]))
                break
            resolved = candidate
        else:
            return resolved
    if strict:
        raise os_error(errno.ELOOP, path)
    return current
