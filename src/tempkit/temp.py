"""Temp files and directories: ``TempFilePath`` (and ``OpenTempFile``) and ``TempDirPath``.

Each ``create()`` packs its arguments into one :class:`~tempkit.options.CreateOptions`,
makes the entry under a free name with its backend's exclusive primitive, and
hands it to the lifecycle (:class:`~tempkit.lifecycle.TempPath`), which owns it
from then on.
"""

from __future__ import annotations

import errno
import functools
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import (
    IO,
    TYPE_CHECKING,
    Any,
    AnyStr,
    BinaryIO,
    ClassVar,
    Final,
    Generic,
    Literal,
    TypeVar,
    overload,
)

from tempkit.backends.protocol import Backend, DeleteOnCloseBackend, delete_on_close_backend
from tempkit.errors import CleanupError, os_error
from tempkit.lifecycle import ACTIVE, CLEANED, CleanupPolicy, Remover, TempPath
from tempkit.options import (
    FILE_PERM,
    MAKE_DIR,
    MAKE_FILE,
    CreateOptions,
    OpenArgs,
    create_options,
    open_args,
)
from tempkit.path import BackendPath

if TYPE_CHECKING:
    import io

    from _typeshed import OpenBinaryMode, OpenTextMode

    if sys.version_info >= (3, 11):
        from typing import Self
    else:
        from typing_extensions import Self

# CleanupPolicy and TempPath live in tempkit.lifecycle; they are named here too
# because they were defined here before.
__all__ = ["CleanupPolicy", "OpenTempFile", "TempDirPath", "TempFilePath", "TempPath"]

_NOT_THE_FILE: Final = "a directory is at the temp file's name now; it is not the temp file: left"

# The file object an OpenTempFile holds, by mode (see create_open's overloads).
FileT = TypeVar("FileT", bound="io.IOBase | IO[Any]")


def _check_delete_on_close(delete_on_close: bool, policy: CleanupPolicy) -> bool:
    if not isinstance(delete_on_close, bool):
        raise TypeError(f"delete_on_close must be bool, not {type(delete_on_close).__name__}")
    if delete_on_close and policy != "always":
        raise ValueError(
            f"delete_on_close=True removes the file when it is closed; "
            f"it cannot be combined with cleanup={policy!r}"
        )
    return delete_on_close


def _delete_on_close_opener(
    args: OpenArgs, *, emulated: bool
) -> Callable[[Backend], Callable[[str], IO[Any]]]:
    """A maker that opens with delete-on-close where the backend does it natively.

    Elsewhere it opens normally if ``emulated`` (closing the OpenTempFile then
    removes the file) and refuses with ValueError, before anything is made, if not.
    """

    def opener(backend: Backend) -> Callable[[str], IO[Any]]:
        native = delete_on_close_backend(backend)
        if native is not None:
            mode, buffering, encoding, errors, newline = args[1:]
            delete_on_close: DeleteOnCloseBackend = native

            def open_new(path: str) -> IO[Any]:
                return delete_on_close.open_delete_on_close(
                    path, mode, buffering, encoding, errors, newline, perm=FILE_PERM
                )

            return open_new
        if emulated:
            return args.opener(backend)
        raise ValueError(
            "delete_on_close=True needs a backend that removes files when they are "
            f"closed (capabilities.delete_on_close); {backend!r} cannot. Use "
            "create_open(delete_on_close=True), which emulates it by removing the "
            "file when you close it"
        )

    return opener


def _close_holder(holder: IO[Any] | None, backend: Backend, raw: str, ignore_errors: bool) -> None:
    """Finalizer of a delete-on-close file: closing the last handle is the removal."""
    if holder is not None:
        holder.close()


class TempFilePath(TempPath):
    """A temp file: created empty, exclusively, with mode 0o600.

    Make one with :meth:`create` (a path to a new empty file) or
    :meth:`create_open` (the file already open, like ``NamedTemporaryFile``).
    It is a path (``read_text``, ``open``, ``/``...) that owns its file: the
    ``with`` block, :meth:`cleanup`, or the finalizer of a forgotten object
    removes it.
    """

    __slots__ = ("_delete_on_close", "_holder")

    _kind: ClassVar[str] = "temp file"
    _delete_on_close: bool
    _holder: IO[Any] | None

    @staticmethod
    def _remove(backend: Backend, raw: str, ignore_errors: bool) -> None:
        # The common case costs one unlink. Anything else (a read-only attribute or
        # a sharing violation on Windows) goes through rmtree, so a file gets the
        # same care as a tree and a CleanupError on failure.
        try:
            backend.unlink(raw)
        except FileNotFoundError:
            return
        except OSError:
            try:
                mode = backend.stat(raw, follow_symlinks=False).st_mode
            except FileNotFoundError:
                return
            except OSError:
                mode = 0
            if stat.S_ISDIR(mode):
                # A directory at the file's name was put there by someone else (who
                # may have renamed one of the owner's directories to it): its tree
                # is not the temp file's, so it is left alone.
                if not ignore_errors:
                    why = os_error(errno.EISDIR, raw, _NOT_THE_FILE)
                    raise CleanupError(raw, [(raw, why)]) from None
                return
            backend.rmtree(raw, ignore_errors=ignore_errors)

    @classmethod
    def _adopt_file(
        cls,
        raw: str,
        backend: Backend,
        policy: CleanupPolicy,
        delete_on_close: bool = False,
        holder: IO[Any] | None = None,
    ) -> Self:
        """Adopt the file just made at ``raw``, with the handle tempkit holds, if any."""
        remover: Remover | None = None
        if delete_on_close and delete_on_close_backend(backend):
            remover = functools.partial(_close_holder, holder)
        self = cls._adopt(raw, backend, policy, remover)
        self._delete_on_close = delete_on_close
        self._holder = holder
        return self

    @property
    def delete_on_close(self) -> bool:
        """True when the file goes away as soon as it is closed (see :meth:`create`)."""
        return self._delete_on_close

    def cleanup(self, *, ignore_errors: bool = False) -> None:
        """Remove the file; calling it again does nothing.

        For a delete-on-close file on a backend that does it natively, this
        closes the handle tempkit holds and the OS removes the file once every
        other handle (``reopen()``, another program) is closed too.

        Args:
            ignore_errors: raise nothing when the file cannot be removed.

        Raises:
            CleanupError: the file could not be removed (unless ``ignore_errors``);
                it stays managed.

        """
        if self._state != ACTIVE:
            return
        if self._delete_on_close and delete_on_close_backend(self._backend):
            if self._holder is not None:
                self._holder.close()
        else:
            self._remove(self._backend, self._raw, ignore_errors)
        self._release(CLEANED)

    def _check_policy(self, policy: CleanupPolicy) -> None:
        if self._delete_on_close:
            _check_delete_on_close(True, policy)

    def _refuse_if_delete_on_close(self, what: str) -> None:
        if self._delete_on_close and self._state == ACTIVE:
            raise ValueError(
                f"cannot {what} {self!r}: it is removed when its last handle closes; "
                "create it with delete_on_close=False to keep or persist it"
            )

    def keep(self) -> BackendPath:
        """Stop managing the file and return it as a plain path (not for delete-on-close files).

        Returns:
            The same path, as a plain :class:`~tempkit.BackendPath` that owns nothing.

        Raises:
            ValueError: the file is delete-on-close: the OS removes it when it is
                closed, so it cannot be kept.

        """
        self._refuse_if_delete_on_close("keep")
        return super().keep()

    def persist(
        self, target: str | os.PathLike[str], *, overwrite: bool = False, perm: int | None = None
    ) -> BackendPath:
        """Atomically move the file to ``target`` and stop managing it (not if delete-on-close).

        As :meth:`TempPath.persist`: one rename on the backend, never replacing
        an existing ``target`` unless ``overwrite``, and never losing the file.

        Args:
            target: where the file goes: a path on the same backend, or text.
            overwrite: replace an existing file at ``target``.
            perm: the mode bits of the persisted file (default: it stays 0o600).

        Returns:
            The new location as a plain, absolute :class:`~tempkit.BackendPath`.

        Raises:
            PersistError: the move failed (also an instance of the underlying
                OSError type, such as FileExistsError); ``error.temp`` is this
                file, still managed.
            ValueError: the file is delete-on-close, no longer managed, or
                ``target`` is on another backend.

        Examples:
            >>> from tempkit import TempDirPath, TempFilePath
            >>> with TempDirPath.create() as out, TempFilePath.create(dir=out) as tmp:
            ...     _ = tmp.write_text("report", encoding="utf-8")
            ...     final = tmp.persist(out / "report.txt")
            ...     final.read_text(encoding="utf-8"), tmp.managed
            ('report', False)

        """
        self._refuse_if_delete_on_close("persist")
        return super().persist(target, overwrite=overwrite, perm=perm)

    def reopen(
        self,
        mode: str = "rb",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> IO[Any]:
        """Open the file again by name, also while a delete-on-close handle is open.

        On Windows a file opened with delete-on-close can only be opened again
        with ``FILE_SHARE_DELETE``, which the builtin ``open`` never asks for:
        this method does. Elsewhere it is the ordinary ``open``.

        Args:
            mode: r, w or a, with + and b or t, as for ``open()`` ("w"
                truncates; the file is never created). Default "rb".
            buffering: as for ``open()``.
            encoding: the text encoding (text modes; default the locale's, or
                UTF-8 in UTF-8 mode).
            errors: the encoding error handler (text modes).
            newline: newline translation (text modes), as for ``open()``.

        Returns:
            A new file object on the same file; closing it is the caller's job.

        Raises:
            ValueError: an "x" mode, or one ``open()`` refuses.
            TypeError: an argument of a type ``open()`` refuses (a mode that is not a str...).
            FileNotFoundError: the file is gone (cleaned up, or closed while
                delete-on-close).

        """
        if not isinstance(mode, str):
            raise TypeError(f"reopen() argument 'mode' must be str, not {type(mode).__name__}")
        if "x" in mode:
            raise ValueError(f"reopen needs an existing-file mode (r, w, a, +, b, t): {mode!r}")
        native = delete_on_close_backend(self._backend)
        if native is None:
            return self.open(mode, buffering, encoding, errors, newline)
        if "b" not in mode and encoding is None:
            encoding = "utf-8" if sys.flags.utf8_mode else "locale"
        return native.open_shared(self._raw, mode, buffering, encoding, errors, newline)

    @classmethod
    def create(
        cls,
        *,
        prefix: str | None = None,
        suffix: str | None = None,
        dir: str | os.PathLike[str] | None = None,
        backend: Backend | None = None,
        cleanup: CleanupPolicy = "always",
        template: str | None = None,
        length: int | None = None,
        delete_on_close: bool = False,
    ) -> Self:
        """Create a fresh empty file (O_EXCL, O_NOFOLLOW, non-inheritable, mode 0o600).

        The name is ``prefix + random + suffix`` in ``dir`` (default: the
        resolved temp dir of the backend). ``template`` ("buildXXXXXX") sets the
        prefix and the random length at once. A name that is taken is never
        reused: another random name is tried.

        With ``delete_on_close=True`` (backends with
        ``capabilities.delete_on_close``: Windows, ``MemoryBackend(flavour="windows")``)
        the file is opened with ``O_TEMPORARY`` and the handle is held by this
        object: the OS removes the file when that handle and every other one
        are closed, by ``cleanup()`` or by the process dying, even if killed.
        Read or write it through :meth:`reopen`. Other backends raise
        ValueError; there, ``create_open(delete_on_close=True)`` emulates it.

        Args:
            prefix: the start of the name (default "tmp"); no separator or NUL.
            suffix: the end of the name (default ""), such as ".txt".
            dir: the directory to create it in (default: the backend's temp dir,
                see :func:`tempkit.gettempdir`); a path on a backend fixes the backend.
            backend: the backend (default: that of a ``dir`` path, else the
                current one, see :func:`tempkit.use_backend`).
            cleanup: what leaving the ``with`` block does: "always" (default),
                "on_success" (keep it if the block raised) or "never" (see
                :data:`~tempkit.CleanupPolicy`).
            template: a mktemp-style template, "buildXXXXXX": the prefix, then one
                random character per trailing X (at least three); not with
                ``prefix`` or ``length``.
            length: how many random characters (default 8, at least 3).
            delete_on_close: let the OS remove the file when its last handle
                closes (see above); only with ``cleanup="always"``.

        Returns:
            The new file, managed: leaving the ``with`` block applies ``cleanup``.

        Raises:
            ValueError: a bad ``cleanup``; a ``prefix``, ``suffix`` or ``template``
                holding a separator or NUL; a template with fewer than three
                trailing X, or given with ``prefix``/``length``; ``length`` below 3;
                a ``dir`` path on another backend than ``backend``.
            TypeError: a name part that is not text, a ``length`` that is not an
                int, a ``dir`` that is neither text nor a path, a ``cleanup``
                that is not a str.
            FileNotFoundError: ``dir`` does not exist, or no temp dir is usable.
            FileExistsError: every fresh name tried was taken (a bounded number).
            OSError: the backend refused (PermissionError for an unwritable ``dir``...).

        Examples:
            >>> from tempkit import TempFilePath
            >>> with TempFilePath.create(suffix=".json") as tmp:
            ...     _ = tmp.write_text('{"ok": true}', encoding="utf-8")
            ...     tmp.name.endswith(".json"), tmp.read_text(encoding="utf-8")
            (True, '{"ok": true}')
            >>> tmp.exists()
            False

        """
        options = create_options(dir, backend, prefix, suffix, template, length, cleanup)
        if delete_on_close is not False:
            return cls._create_delete_on_close(options, delete_on_close)
        backend, raw, _ = options.make(MAKE_FILE)
        return cls._adopt_file(raw, backend, options.policy)

    @classmethod
    def _create_delete_on_close(cls, options: CreateOptions, delete_on_close: bool) -> Self:
        """``create(delete_on_close=...)``: the file is opened with O_TEMPORARY and held."""
        _check_delete_on_close(delete_on_close, options.policy)
        opener = _delete_on_close_opener(OpenArgs("w+b", "x+b", 0), emulated=False)
        backend, raw, holder = options.make(opener)
        return cls._adopt_file(raw, backend, options.policy, delete_on_close=True, holder=holder)

    # By mode, as typeshed types open(). The buffered and unbuffered binary overloads
    # overlap the last two as typeshed's do, with types that are not BinaryIO: fsspec's
    # buffered file is a BufferedIOBase, not a BufferedRandom, so that is the type.
    @overload
    @classmethod
    def create_open(
        cls,
        mode: OpenTextMode,
        buffering: int = -1,
        encoding: str | None = None,
        newline: str | None = None,
        errors: str | None = None,
        *,
        prefix: str | None = None,
        suffix: str | None = None,
        dir: str | os.PathLike[str] | None = None,
        backend: Backend | None = None,
        cleanup: CleanupPolicy = "always",
        template: str | None = None,
        length: int | None = None,
        delete_on_close: bool = False,
    ) -> OpenTempFile[str, io.TextIOWrapper]: ...

    @overload
    @classmethod
    def create_open(  # type: ignore[overload-overlap]
        cls,
        mode: OpenBinaryMode = "w+b",
        buffering: Literal[-1, 1] = -1,
        encoding: None = None,
        newline: None = None,
        errors: None = None,
        *,
        prefix: str | None = None,
        suffix: str | None = None,
        dir: str | os.PathLike[str] | None = None,
        backend: Backend | None = None,
        cleanup: CleanupPolicy = "always",
        template: str | None = None,
        length: int | None = None,
        delete_on_close: bool = False,
    ) -> OpenTempFile[bytes, io.BufferedIOBase]: ...

    @overload
    @classmethod
    def create_open(  # type: ignore[overload-overlap]
        cls,
        mode: OpenBinaryMode,
        buffering: Literal[0],
        encoding: None = None,
        newline: None = None,
        errors: None = None,
        *,
        prefix: str | None = None,
        suffix: str | None = None,
        dir: str | os.PathLike[str] | None = None,
        backend: Backend | None = None,
        cleanup: CleanupPolicy = "always",
        template: str | None = None,
        length: int | None = None,
        delete_on_close: bool = False,
    ) -> OpenTempFile[bytes, io.RawIOBase]: ...

    @overload
    @classmethod
    def create_open(
        cls,
        mode: OpenBinaryMode,
        buffering: int,
        encoding: None = None,
        newline: None = None,
        errors: None = None,
        *,
        prefix: str | None = None,
        suffix: str | None = None,
        dir: str | os.PathLike[str] | None = None,
        backend: Backend | None = None,
        cleanup: CleanupPolicy = "always",
        template: str | None = None,
        length: int | None = None,
        delete_on_close: bool = False,
    ) -> OpenTempFile[bytes, BinaryIO]: ...

    @overload
    @classmethod
    def create_open(
        cls,
        mode: str,
        buffering: int = -1,
        encoding: str | None = None,
        newline: str | None = None,
        errors: str | None = None,
        *,
        prefix: str | None = None,
        suffix: str | None = None,
        dir: str | os.PathLike[str] | None = None,
        backend: Backend | None = None,
        cleanup: CleanupPolicy = "always",
        template: str | None = None,
        length: int | None = None,
        delete_on_close: bool = False,
    ) -> OpenTempFile[Any, IO[Any]]: ...

    @classmethod
    def create_open(
        cls,
        mode: str = "w+b",
        buffering: int = -1,
        encoding: str | None = None,
        newline: str | None = None,
        errors: str | None = None,
        *,
        prefix: str | None = None,
        suffix: str | None = None,
        dir: str | os.PathLike[str] | None = None,
        backend: Backend | None = None,
        cleanup: CleanupPolicy = "always",
        template: str | None = None,
        length: int | None = None,
        delete_on_close: bool = False,
    ) -> OpenTempFile[Any, Any]:
        """Create a temp file and return it already open, like NamedTemporaryFile.

        The file is created and opened in one exclusive step. Leaving the
        ``with`` block closes the file and applies the cleanup policy.

        ``delete_on_close=True`` removes the file as soon as it is closed. On
        Windows (and ``MemoryBackend(flavour="windows")``) the OS does it with
        ``O_TEMPORARY`` when the last handle closes, even if the process is
        killed; while it is open, only :meth:`TempFilePath.reopen` can open it
        again. Elsewhere tempkit emulates it: ``close()`` on the returned object
        removes the file (not a crash, nor closing ``.file`` directly). With
        ``False`` (the default) the file outlives ``close()`` until cleanup,
        so it can be handed to another program by name.

        Args:
            mode: "w+b" (default) or another writing mode such as "w+" or "wb";
                the file is always new (the mode's exclusive form is used), so
                read-only and append modes are refused.
            buffering: as for ``open()``.
            encoding: the text encoding (text modes), as for ``open()``.
            newline: newline translation (text modes), as for ``open()``.
            errors: the encoding error handler (text modes).
            prefix: the start of the name (default "tmp"); no separator or NUL.
            suffix: the end of the name (default ""), such as ".txt".
            dir: the directory to create it in (default: the backend's temp dir,
                see :func:`tempkit.gettempdir`); a path on a backend fixes the backend.
            backend: the backend (default: that of a ``dir`` path, else the
                current one, see :func:`tempkit.use_backend`).
            cleanup: what leaving the ``with`` block does: "always" (default),
                "on_success" (keep it if the block raised) or "never" (see
                :data:`~tempkit.CleanupPolicy`).
            template: a mktemp-style template, "buildXXXXXX": the prefix, then one
                random character per trailing X (at least three); not with
                ``prefix`` or ``length``.
            length: how many random characters (default 8, at least 3).
            delete_on_close: remove the file as soon as it is closed (see above);
                only with ``cleanup="always"``.

        Returns:
            The open file (it forwards the file object's methods) with the
            owning :class:`TempFilePath` as its ``path``.

        Raises:
            ValueError: a mode that cannot make a new file, or one ``open()``
                refuses; a bad ``cleanup``; a ``prefix``, ``suffix`` or ``template``
                holding a separator or NUL; a template with fewer than three
                trailing X, or given with ``prefix``/``length``; ``length`` below 3;
                a ``dir`` path on another backend than ``backend``.
            TypeError: a name part that is not text, a ``length`` that is not an
                int, a ``dir`` that is neither text nor a path, a ``cleanup``
                that is not a str.
            FileNotFoundError: ``dir`` does not exist, or no temp dir is usable.
            FileExistsError: every fresh name tried was taken (a bounded number).
            OSError: the backend refused (PermissionError for an unwritable ``dir``...).

        Examples:
            >>> from tempkit import TempFilePath
            >>> with TempFilePath.create_open("w+", encoding="utf-8") as f:
            ...     _ = f.write("hello")
            ...     _ = f.seek(0)
            ...     f.read(), f.path.read_text(encoding="utf-8")
            ('hello', 'hello')

        """
        options = create_options(dir, backend, prefix, suffix, template, length, cleanup)
        doc = _check_delete_on_close(delete_on_close, options.policy)
        args = open_args(mode, buffering, encoding, errors, newline)
        backend, raw, file = options.make(
            _delete_on_close_opener(args, emulated=True) if doc else args.opener
        )
        return OpenTempFile(cls._adopt_file(raw, backend, options.policy, doc), file)


if TYPE_CHECKING:

    class _FileAPI(Generic[AnyStr]):
        """The file API an OpenTempFile forwards to its file, as the type checker sees it."""

        @property
        def closed(self) -> bool: ...
        @property
        def mode(self) -> str: ...
        def write(self, data: AnyStr, /) -> int: ...
        def writelines(self, lines: Iterable[AnyStr], /) -> None: ...
        def read(self, size: int | None = -1, /) -> AnyStr: ...
        def readline(self, size: int | None = -1, /) -> AnyStr: ...
        def readlines(self, hint: int = -1, /) -> list[AnyStr]: ...
        def seek(self, offset: int, whence: int = 0, /) -> int: ...
        def tell(self) -> int: ...
        def truncate(self, size: int | None = None, /) -> int: ...
        def flush(self) -> None: ...
        def fileno(self) -> int: ...
        def readable(self) -> bool: ...
        def writable(self) -> bool: ...
        def seekable(self) -> bool: ...

else:

    class _FileAPI(Generic[AnyStr]):
        # Nothing at run time: OpenTempFile.__getattr__ forwards each to the file.
        __slots__ = ()


class OpenTempFile(_FileAPI[AnyStr], Generic[AnyStr, FileT]):
    """An open temp file: the file object plus the :class:`TempFilePath` it lives at.

    It behaves as the file object (attributes are forwarded) and ``path`` is the
    owner. Closing the ``with`` block closes the file, then applies the policy.
    Made by :meth:`TempFilePath.create_open`.

    For type checkers it is generic in what it reads and writes (``str`` or
    ``bytes``) and in the type of :attr:`file`, which ``create_open`` sets by
    mode as typeshed types ``open()``: ``OpenTempFile[str, io.TextIOWrapper]``
    for a text mode, ``OpenTempFile[bytes, io.BufferedIOBase]`` for a buffered
    binary one (``BufferedRandom`` on the disk and in memory, fsspec's own
    buffered file there), ``OpenTempFile[bytes, io.RawIOBase]`` with
    ``buffering=0``.

    Args:
        path: the temp file that owns the file on the backend.
        file: the open file object.

    Attributes:
        path: the owner: a :class:`TempFilePath` (``keep()``, ``persist()``...).
        file: the underlying file object, as ``open()`` returned it.

    """

    __slots__ = ("file", "path")

    file: FileT
    path: TempFilePath

    def __init__(self, path: TempFilePath, file: FileT) -> None:
        self.path = path
        self.file = file

    @property
    def name(self) -> str:
        """The file's path as a string, as ``NamedTemporaryFile().name`` is."""
        return str(self.path)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.file, attribute)

    def __iter__(self) -> Iterator[AnyStr]:
        lines: Iterator[AnyStr] = iter(self.file)  # type: ignore[arg-type]  # AnyStr is the file's
        return lines

    def __repr__(self) -> str:
        return f"<OpenTempFile {str(self.path)!r} mode={getattr(self.file, 'mode', '?')!r}>"

    def close(self) -> None:
        """Close the file object; the path stays managed unless it is delete-on-close."""
        self.file.close()
        if self.path.delete_on_close:
            self.path.cleanup()

    def cleanup(self, *, ignore_errors: bool = False) -> None:
        """Close the file and remove it; calling it again does nothing more.

        Args:
            ignore_errors: raise nothing when the file cannot be removed.

        Raises:
            CleanupError: the file could not be removed (unless ``ignore_errors``).

        """
        self.file.close()
        self.path.cleanup(ignore_errors=ignore_errors)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.file.close()
        finally:
            self.path.__exit__(exc_type, exc, tb)


class TempDirPath(TempPath):
    """A temp directory: created exclusively with mode 0o700, removed as a whole tree.

    Make one with :meth:`create`. It is a path (``tmp / "out.txt"``,
    ``iterdir()``, ``glob()``...) that owns the directory; paths derived from
    it are plain paths. Removal never follows a symlink out of the tree and
    copes with read-only entries.
    """

    __slots__ = ()

    _kind: ClassVar[str] = "temp directory"

    @staticmethod
    def _remove(backend: Backend, raw: str, ignore_errors: bool) -> None:
        backend.rmtree(raw, ignore_errors=ignore_errors)

    @classmethod
    def create(
        cls,
        *,
        prefix: str | None = None,
        suffix: str | None = None,
        dir: str | os.PathLike[str] | None = None,
        backend: Backend | None = None,
        cleanup: CleanupPolicy = "always",
        template: str | None = None,
        length: int | None = None,
    ) -> Self:
        """Create a fresh directory, mode 0o700, in ``dir`` or the resolved temp dir.

        The name is ``prefix + random + suffix``; ``template`` ("buildXXXXXX")
        sets the prefix and the random length at once. The directory is made
        exclusively (``mkdir``), so it is new and private; a name that is taken
        is never reused: another random name is tried.

        Args:
            prefix: the start of the name (default "tmp"); no separator or NUL.
            suffix: the end of the name (default ""), such as ".txt".
            dir: the directory to create it in (default: the backend's temp dir,
                see :func:`tempkit.gettempdir`); a path on a backend fixes the backend.
            backend: the backend (default: that of a ``dir`` path, else the
                current one, see :func:`tempkit.use_backend`).
            cleanup: what leaving the ``with`` block does: "always" (default),
                "on_success" (keep it if the block raised) or "never" (see
                :data:`~tempkit.CleanupPolicy`).
            template: a mktemp-style template, "buildXXXXXX": the prefix, then one
                random character per trailing X (at least three); not with
                ``prefix`` or ``length``.
            length: how many random characters (default 8, at least 3).

        Returns:
            The new directory, managed: leaving the ``with`` block applies
            ``cleanup`` to it and everything in it.

        Raises:
            ValueError: a bad ``cleanup``; a ``prefix``, ``suffix`` or ``template``
                holding a separator or NUL; a template with fewer than three
                trailing X, or given with ``prefix``/``length``; ``length`` below 3;
                a ``dir`` path on another backend than ``backend``.
            TypeError: a name part that is not text, a ``length`` that is not an
                int, a ``dir`` that is neither text nor a path, a ``cleanup``
                that is not a str.
            FileNotFoundError: ``dir`` does not exist, or no temp dir is usable.
            FileExistsError: every fresh name tried was taken (a bounded number).
            OSError: the backend refused (PermissionError for an unwritable ``dir``...).

        Examples:
            >>> from tempkit import TempDirPath
            >>> with TempDirPath.create(template="buildXXXXXX") as tmp:
            ...     _ = (tmp / "out.txt").write_text("hello", encoding="utf-8")
            ...     print(tmp.name[:5], len(tmp.name), [p.name for p in tmp.iterdir()])
            build 11 ['out.txt']
            >>> tmp.exists()  # removed, with everything in it
            False

        """
        options = create_options(dir, backend, prefix, suffix, template, length, cleanup)
        backend, raw, _ = options.make(MAKE_DIR)
        return cls._adopt(raw, backend, options.policy)
