"""UnnamedTempFile: a temp file that has no name at all.

The counterpart of ``tempfile.TemporaryFile`` for path users. A file with no
name needs no cleanup: it goes with its last handle, whatever happens to the
process (even SIGKILL), and no other process can find it by name. Each
backend makes it the best way it has:

- Linux: ``open(dir, O_TMPFILE)``; the file never has a name. Where the
  kernel or the directory's filesystem cannot, a name is created and removed
  at once, as CPython's ``TemporaryFile`` falls back.
- Windows: a file created with ``O_TEMPORARY``: it has a name while open, and
  the OS removes it when the last handle closes, even if the process is killed.
- MemoryBackend: an inode no directory names.

An ``O_TMPFILE`` file (and a memory one) can be given a name later,
atomically and never replacing anything: :meth:`UnnamedTempFile.link`. Write
the data, then link it into place, and no reader ever sees a partial file.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import IO, Any

from tempkit import naming
from tempkit._temp_internals import exclusive_mode, placement
from tempkit.backends.protocol import (
    Backend,
    DescriptorBackend,
    delete_on_close_backend,
    descriptor_backend,
    unnamed_file_backend,
)
from tempkit.path import BackendPath

__all__ = ["UnnamedTempFile", "open_unnamed_fallback", "open_unnamed_file"]

_FILE_PERM = 0o600


def open_unnamed_file(
    backend: Backend,
    directory: str,
    mode: str = "w+b",
    buffering: int = -1,
    encoding: str | None = None,
    errors: str | None = None,
    newline: str | None = None,
    *,
    linkable: bool = False,
) -> tuple[IO[Any], bool] | None:
    """Open a file with no name in ``directory``, the best way ``backend`` has.

    Returns the open file and whether it can be given a name later, or None
    when the backend has no way at all (nothing is created then). The
    arguments of ``open`` are checked before anything is created, as ``open``
    checks them. (``tempkit.tempfile.TemporaryFile`` makes the same two steps
    itself: it names the fallback's short-lived file by its own arguments.)
    """
    maker = unnamed_file_backend(backend)
    if maker is not None:
        file = maker.open_unnamed(
            directory,
            mode,
            buffering,
            encoding,
            errors,
            newline,
            perm=_FILE_PERM,
            linkable=linkable,
        )
        if file is not None:
            return file, linkable
    return open_unnamed_fallback(
        backend, directory, (mode, buffering, encoding, errors, newline), "tmp", "", None
    )


def open_unnamed_fallback(
    backend: Backend,
    directory: str,
    open_args: tuple[str, int, str | None, str | None, str | None],
    prefix: str,
    suffix: str,
    audit: Callable[[str], object] | None,
) -> tuple[IO[Any], bool] | None:
    """:func:`open_unnamed_file` where the backend's own unnamed files cannot be had.

    A name removed at once (POSIX), or a file the OS removes when it is closed
    (Windows, a backend with ``delete_on_close``); None when there is no way.
    The file can never be given a name later.
    """
    sep = backend.flavour.sep
    length = naming.DEFAULT_LENGTH
    creator = descriptor_backend(backend)
    if creator is not None:
        return _open_by_descriptor(creator, directory, open_args, prefix, suffix, audit)
    native = delete_on_close_backend(backend)
    if native is not None:
        mode, buffering, encoding, errors, newline = open_args
        open_mode = exclusive_mode(mode)

        def make(path: str) -> IO[Any]:
            if audit is not None:
                audit(path)
            return native.open_delete_on_close(
                path, open_mode, buffering, encoding, errors, newline, perm=_FILE_PERM
            )

        _, opened = naming.create_unique(directory, sep, prefix, suffix, length, make)
        return opened, False
    return None


def _open_by_descriptor(
    backend: DescriptorBackend,
    directory: str,
    open_args: tuple[str, int, str | None, str | None, str | None],
    prefix: str,
    suffix: str,
    audit: Callable[[str], object] | None,
) -> tuple[IO[Any], bool]:
    """The fallback on the local disk, as CPython's: a name that is gone before anyone sees it.

    On POSIX the name is removed as soon as the file exists; on Windows, where
    an open file cannot lose its name, it is created ``O_TEMPORARY`` instead.
    """
    mode, buffering, encoding, errors, newline = open_args
    delete_on_close = backend.capabilities.delete_on_close
    fd = -1

    def make(path: str) -> int:
        if audit is not None:
            audit(path)
        return backend.create_descriptor(path, _FILE_PERM, delete_on_close=delete_on_close)

    def opener(name: str, flags: int) -> int:
        # Called by open() only once the mode and the other arguments are known good.
        nonlocal fd
        raw, fd = naming.create_unique(
            directory, backend.flavour.sep, prefix, suffix, naming.DEFAULT_LENGTH, make
        )
        if not delete_on_close:
            try:
                backend.unlink(raw)
            except BaseException:
                os.close(fd)
                raise
        return fd

    file = open(directory, mode, buffering, encoding, errors, newline, opener=opener)  # noqa: SIM115
    raw: Any = getattr(file, "buffer", file)
    raw = getattr(raw, "raw", raw)
    raw.name = fd  # as CPython's TemporaryFile: the descriptor is the only name it has
    return file, False


class UnnamedTempFile:
    """An open temp file with no name: nothing to clean up, nothing left behind.

    Make one with :meth:`create`. It behaves as the file object (attributes are
    forwarded to ``file``) and closing it is the end of the file. :meth:`link`
    gives it a name, for keeps.

    Attributes:
        file: the open file object itself (as the builtin ``open`` returns it).

    """

    __slots__ = ("_backend", "_directory", "_linkable", "file")

    _backend: Backend
    _directory: str
    _linkable: bool
    file: IO[Any]

    def __init__(self, *args: object, **kwargs: object) -> None:
        """Refused: an unnamed file is opened by :meth:`create`, never wrapped.

        Args:
            *args: ignored.
            **kwargs: ignored.

        Raises:
            TypeError: always.

        """
        raise TypeError("use UnnamedTempFile.create() to make an unnamed temp file")

    @classmethod
    def create(
        cls,
        mode: str = "w+b",
        buffering: int = -1,
        encoding: str | None = None,
        newline: str | None = None,
        errors: str | None = None,
        *,
        dir: str | os.PathLike[str] | None = None,
        backend: Backend | None = None,
    ) -> UnnamedTempFile:
        """Open a new file with no name in ``dir`` (default: the backend's temp directory).

        The arguments before ``dir`` are those of the builtin ``open``, checked
        before anything is created.

        Args:
            mode: a read-write mode of ``open()`` ("w+b" by default, or "w+" and the like).
            buffering: as for ``open()``.
            encoding: the text encoding (text modes), as for ``open()``.
            newline: newline translation (text modes), as for ``open()``.
            errors: the encoding error handler (text modes).
            dir: the directory whose filesystem holds the file (default: the
                backend's temp directory); :meth:`link` names it on that filesystem.
            backend: the backend (default: the current one, or that of a
                tempkit path given as ``dir``).

        Returns:
            The open file, with no name on Linux (``O_TMPFILE``) and in memory;
            :attr:`linkable` says whether :meth:`link` can name it.

        Raises:
            ValueError: the backend can make no file without a lasting name
                (neither ``capabilities.unnamed_files`` nor ``delete_on_close``;
                ``TempFilePath.create_open(delete_on_close=True)`` emulates one).
            OSError: the directory is missing or not writable, and the like.

        Examples:
            >>> from tempkit import TempDirPath, UnnamedTempFile
            >>> with TempDirPath.create() as out, UnnamedTempFile.create(dir=out) as tmp:
            ...     _ = tmp.write(b"all or nothing")
            ...     [p.name for p in out.iterdir()]  # no name while it is being written
            ...     final = tmp.link(out / "report.bin") if tmp.linkable else None
            []
            >>> final is None or final.name == "report.bin"
            True

        """
        backend, directory = placement(dir, backend)
        opened = open_unnamed_file(
            backend, directory, mode, buffering, encoding, errors, newline, linkable=True
        )
        if opened is None:
            raise ValueError(
                f"{backend!r} cannot make a file without a lasting name "
                "(capabilities.unnamed_files and delete_on_close are false); use "
                "TempFilePath.create_open(delete_on_close=True), which removes the file "
                "when you close it"
            )
        self = object.__new__(cls)
        self.file, self._linkable = opened
        self._backend = backend
        self._directory = directory
        return self

    @property
    def backend(self) -> Backend:
        """The backend the file lives on."""
        return self._backend

    @property
    def directory(self) -> BackendPath:
        """The directory the file was made in (its filesystem is the one :meth:`link` works on)."""
        return BackendPath._from_normalized(self._directory, self._backend)

    @property
    def linkable(self) -> bool:
        """True when :meth:`link` can give the file a name.

        False where the file was made by a fallback (a filesystem without
        ``O_TMPFILE``, Windows), or on a backend without ``link_unnamed``.
        """
        return self._linkable

    def link(self, target: str | os.PathLike[str]) -> BackendPath:
        """Give the file the name ``target``, atomically, never replacing anything.

        The data written so far is flushed first; the file stays open and
        every later write shows under the new name. The file is no longer
        temporary: it stays when closed. ``target`` must be on the same
        filesystem as :attr:`directory`.

        Args:
            target: the new name (a plain path, or a tempkit path of the same backend).

        Returns:
            ``target`` as an absolute plain path.

        Raises:
            FileExistsError: ``target`` exists (it is left as it was).
            io.UnsupportedOperation: the file cannot be named (see :attr:`linkable`).
            ValueError: ``target`` is a tempkit path of another backend.
            OSError: the target directory is missing, on another filesystem, ...

        """
        if not self._linkable:
            raise io.UnsupportedOperation(
                f"this unnamed file cannot be given a name on {self._backend!r}: it was made "
                "by a fallback (no O_TMPFILE on this filesystem, or Windows); write it to "
                "TempFilePath.create_open() and persist() it instead"
            )
        backend = self._backend
        if isinstance(target, BackendPath):
            if target.backend != backend:
                raise ValueError(f"{target!r} is on a different backend than {backend!r}")
            destination = target.absolute()
        else:
            destination = BackendPath(target, backend=backend).absolute()
        self.file.flush()
        linker = unnamed_file_backend(backend)
        assert linker is not None  # linkable files come from unnamed-file backends only
        linker.link_unnamed(self.file, str(destination))
        return destination

    # -- the file object -------------------------------------------------------------------
    @property
    def closed(self) -> bool:
        """True once the file is closed (and gone, unless it was linked)."""
        return self.file.closed

    def close(self) -> None:
        """Close the file; with no name left, it is gone."""
        self.file.close()

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.file, attribute)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.file)

    def __enter__(self) -> UnnamedTempFile:
        if self.file.closed:
            raise ValueError("I/O operation on closed file.")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.file.close()

    def __repr__(self) -> str:
        state = "closed" if self.file.closed else f"mode={getattr(self.file, 'mode', '?')!r}"
        return f"<UnnamedTempFile in {self._directory!r} {state}>"
