"""Atomic writes: the new contents appear at the target complete, or not at all.

:func:`atomic_write` opens a temp file next to the target (in its directory, so
the final rename never crosses filesystems) and hands it to the ``with`` block.
When the block ends normally the file is flushed and forced to storage, given
its final mode, and renamed over the target (or, with ``overwrite=False``,
linked in place without ever replacing anything); then the directory is forced
to storage too. When the block raises, nothing is published and nothing is
left. Where the backend makes unnamed files (Linux ``O_TMPFILE``, memory) the
temp file has no name while it is written, so even a killed process leaves
nothing behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, BinaryIO, Generic, TextIO, TypeVar, overload

from tempkit import naming
from tempkit.backends._current import get_backend
from tempkit.backends.protocol import Backend, fsync_backend, unnamed_file_backend
from tempkit.lifecycle import check_perm, chmod_no_follow
from tempkit.options import open_args
from tempkit.path import BackendPath, _text_encoding

if TYPE_CHECKING:
    from _typeshed import OpenBinaryModeWriting, OpenTextModeWriting

__all__ = ["AtomicWrite", "atomic_write"]

F = TypeVar("F", bound=IO[Any])

# How much of the target's name a named temp file repeats (".report.json.ab12cd34.tmp"):
# enough to tell what it is for, never enough to make the name too long.
_NAME_KEPT = 64
_NEW_FILE_PERM = 0o666  # the backend takes the umask off, as for any new file


@overload
def atomic_write(
    target: str | os.PathLike[str],
    mode: OpenTextModeWriting = "w",
    buffering: int = -1,
    encoding: str | None = None,
    errors: str | None = None,
    newline: str | None = None,
    *,
    overwrite: bool = True,
    perm: int | None = None,
    backend: Backend | None = None,
) -> AtomicWrite[TextIO]: ...


@overload
def atomic_write(
    target: str | os.PathLike[str],
    mode: OpenBinaryModeWriting,
    buffering: int = -1,
    encoding: None = None,
    errors: None = None,
    newline: None = None,
    *,
    overwrite: bool = True,
    perm: int | None = None,
    backend: Backend | None = None,
) -> AtomicWrite[BinaryIO]: ...


@overload
def atomic_write(
    target: str | os.PathLike[str],
    mode: str,
    buffering: int = -1,
    encoding: str | None = None,
    errors: str | None = None,
    newline: str | None = None,
    *,
    overwrite: bool = True,
    perm: int | None = None,
    backend: Backend | None = None,
) -> AtomicWrite[IO[Any]]: ...


def atomic_write(
    target: str | os.PathLike[str],
    mode: str = "w",
    buffering: int = -1,
    encoding: str | None = None,
    errors: str | None = None,
    newline: str | None = None,
    *,
    overwrite: bool = True,
    perm: int | None = None,
    backend: Backend | None = None,
) -> AtomicWrite[Any]:
    """Write a file so that readers see the old contents or the new, never a part.

    Use it as a context manager: it yields the open file, and publishes it at
    ``target`` when the block ends normally::

        with tempkit.atomic_write("config.json") as f:
            json.dump(settings, f)

    The new file gets the mode of the file it replaces, or ``0o666`` less the
    umask for a new target (as ``open()`` would create it), or ``perm`` when
    given. A symlink at ``target`` is replaced, not written through, as a
    rename does.

    Args:
        target: where the file is published (a path on ``backend``).
        mode: a write mode: "w" (text, default), "wb", "w+", "w+b" and the like.
        buffering: as for ``open()``.
        encoding: as for ``open()`` (text modes).
        errors: as for ``open()`` (text modes).
        newline: as for ``open()`` (text modes).
        overwrite: replace an existing ``target`` (default); with False the
            file is linked in place only if ``target`` does not exist.
        perm: the mode bits of the published file, instead of the above.
        backend: the backend of a ``target`` given as text (default: the
            current one; a ``BackendPath`` brings its own).

    Returns:
        A one-use context manager whose ``with`` block gets the file object.

    Raises:
        ValueError: a mode that does not write a new file (read, append, "x":
            use ``overwrite=False``), a target with no name, ``perm`` out of
            range, or a backend that cannot rename atomically
            (``capabilities.atomic_rename``); an ``open()`` argument that
            ``open()`` refuses (unbuffered text, an illegal newline...).
        TypeError: ``overwrite`` not a bool, ``perm`` not an int, an ``open()``
            argument of the wrong type.
        LookupError: an unknown encoding.
        FileNotFoundError: ``target`` is the empty string, as for ``open()``.
        FileExistsError: (on entering or leaving the block) with
            ``overwrite=False``, ``target`` exists; it is left as it was.
        IsADirectoryError: (on entering) ``target`` is a directory.
        OSError: the directory is missing or not writable, and the like.

    """
    if not isinstance(mode, str):
        raise TypeError(f"mode must be str, not {type(mode).__name__}")
    if "w" not in mode or any(c in mode for c in "rax"):
        raise ValueError(
            f"atomic_write writes a whole new file: mode must be 'w', 'wb', 'w+' or 'w+b', "
            f"not {mode!r} (overwrite=False refuses an existing target)"
        )
    # Every open() argument checked now, as open() would check it, not on entering.
    open_mode = open_args(mode, buffering, encoding, errors, newline).open_mode
    if not isinstance(overwrite, bool):
        raise TypeError(f"overwrite must be bool, not {type(overwrite).__name__}")
    check_perm(perm)
    if isinstance(target, BackendPath):
        if backend is not None and backend != target.backend:
            raise ValueError(f"{target!r} is on a different backend than {backend!r}")
        backend = target.backend
    elif backend is None:
        backend = get_backend()
    if isinstance(target, str) and not target:
        # As open(""): the empty string names nothing (as a path it is the current directory).
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), target)
    destination = BackendPath(target, backend=backend).absolute()
    if not destination.name or destination.name == "..":
        raise ValueError(f"atomic_write needs a file name to publish at, not {str(target)!r}")
    if not backend.capabilities.atomic_rename:
        raise ValueError(
            f"{backend!r} cannot rename atomically (capabilities.atomic_rename is false): "
            "readers could see a partial file"
        )
    if "b" not in mode:
        encoding = _text_encoding(encoding)  # an EncodingWarning names the caller's line
    return AtomicWrite(
        backend,
        destination,
        (mode, open_mode, buffering, encoding, errors, newline),
        overwrite,
        perm,
    )


class AtomicWrite(Generic[F]):
    """What :func:`atomic_write` returns: a context manager for one atomic write.

    Entering it opens the temp file (and returns it); leaving it normally
    publishes the file, leaving it with an exception discards it. Made by
    :func:`atomic_write`, which checks the arguments first.

    Args:
        backend: the backend of ``target``.
        target: where the file is published (absolute).
        open_args: the ``open()`` arguments: mode, its exclusive form,
            buffering, encoding, errors, newline.
        overwrite: replace an existing target (else link it in, never clobbering).
        perm: the mode bits of the published file, or None (see :func:`atomic_write`).

    Examples:
        >>> import tempkit
        >>> with tempkit.TempDirPath.create() as out:
        ...     with tempkit.atomic_write(out / "a.txt", encoding="utf-8") as f:
        ...         _ = f.write("all or nothing")
        ...     (out / "a.txt").read_text(encoding="utf-8")
        'all or nothing'

    """

    __slots__ = (
        "_backend",
        "_bits",
        "_file",
        "_open",
        "_overwrite",
        "_perm",
        "_target",
        "_temp_name",
        "_used",
    )

    def __init__(
        self,
        backend: Backend,
        target: BackendPath,
        open_args: tuple[str, str, int, str | None, str | None, str | None],
        overwrite: bool,
        perm: int | None,
    ) -> None:
        self._backend = backend
        self._target = target
        self._open = open_args
        self._overwrite = overwrite
        self._perm = perm
        self._bits: int | None = None  # the mode bits to set before publishing
        self._file: F | None = None
        self._temp_name: str | None = None  # the temp file's name, while it has one
        self._used = False

    @property
    def target(self) -> BackendPath:
        """Where the file is published."""
        return self._target

    def __repr__(self) -> str:
        return f"<AtomicWrite to {str(self._target)!r}>"

    def __enter__(self) -> F:
        if self._used:
            raise RuntimeError("an atomic_write() context manager can be used once")
        self._used = True
        backend = self._backend
        target = str(self._target)
        self._bits = self._final_bits(target)
        mode, open_mode, buffering, encoding, errors, newline = self._open
        create_perm = _NEW_FILE_PERM if self._bits is None else 0o600
        directory = str(self._target.parent)
        file: IO[Any] | None = None
        unnamed = unnamed_file_backend(backend)
        if unnamed is not None:
            file = unnamed.open_unnamed(
                directory,
                mode,
                buffering,
                encoding,
                errors,
                newline,
                perm=create_perm,
                linkable=True,
            )
        if file is None:  # no unnamed files here: a name of its own, removed on failure

            def create(path: str) -> IO[Any]:
                return backend.open(
                    path, open_mode, buffering, encoding, errors, newline, perm=create_perm
                )

            self._temp_name, file = self._unique(directory, create)
        self._file = file  # type: ignore[assignment]
        return file  # type: ignore[return-value]

    def _final_bits(self, target: str) -> int | None:
        """The mode to give the file before publishing; None: as created (0o666 less umask)."""
        try:
            st = self._backend.stat(target, follow_symlinks=False)
        except FileNotFoundError:
            st = None
        if st is not None:
            if stat.S_ISDIR(st.st_mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), target)
            if not self._overwrite:
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), target)
        if not self._backend.capabilities.permissions:
            return None
        if self._perm is not None:
            return self._perm
        if st is not None and stat.S_ISREG(st.st_mode):
            return stat.S_IMODE(st.st_mode)
        return None

    def _unique(self, directory: str, make: Any) -> tuple[str, Any]:
        prefix = "." + self._target.name[:_NAME_KEPT] + "."
        return naming.create_unique(
            directory, self._backend.flavour.sep, prefix, ".tmp", naming.DEFAULT_LENGTH, make
        )

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        file = self._file
        self._file = None
        if file is None:
            return
        if exc_type is not None:
            self._discard(file)
            return
        try:
            self._publish(file)
        except BaseException:
            self._discard(file)
            raise

    def _publish(self, file: IO[Any]) -> None:
        backend = self._backend
        target = str(self._target)
        if file.closed:
            raise ValueError(
                "the file was closed inside the atomic_write() block: nothing was published"
            )
        file.flush()
        syncer = fsync_backend(backend)
        if syncer is not None:
            syncer.fsync_file(file)
        bits = self._bits
        if bits is not None and backend.capabilities.descriptors and sys.platform != "win32":
            # Through the open file, named or not: a by-name chmod would follow a
            # symlink that whoever can write to the directory put at the name.
            os.fchmod(file.fileno(), bits)
            bits = None
        if self._temp_name is None:  # an unnamed file
            linker = unnamed_file_backend(backend)
            assert linker is not None  # only such a backend made it
            if not self._overwrite and bits is None:
                # Straight into place: linkat never replaces (FileExistsError).
                linker.link_unnamed(file, target)
                file.close()
                if syncer is not None:
                    syncer.fsync_directory(str(self._target.parent))
                return
            # linkat cannot replace, and a file without a descriptor is chmod'ed by
            # name: a name of its own first, complete already.
            self._temp_name, _ = self._unique(
                str(self._target.parent), lambda path: linker.link_unnamed(file, path)
            )
        file.close()
        temp = self._temp_name
        assert temp is not None
        if bits is not None:
            chmod_no_follow(backend, temp, bits)
        if self._overwrite:
            backend.replace(temp, target)
        else:
            backend.rename_noreplace(temp, target)
        self._temp_name = None  # published: nothing left to remove
        if syncer is not None:
            syncer.fsync_directory(str(self._target.parent))

    def _discard(self, file: IO[Any]) -> None:
        """Close the file and remove its name, if it has one: nothing is left."""
        # Errors here are not raised: the block's own error is the one to see.
        with contextlib.suppress(Exception):
            file.close()
        temp = self._temp_name
        self._temp_name = None
        if temp is not None:
            with contextlib.suppress(OSError):
                self._backend.unlink(temp)
