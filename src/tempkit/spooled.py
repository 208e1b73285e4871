"""SpooledTempPath: a temp file that lives in memory until it grows.

A spooled temp file is a file object and a :class:`~tempkit.temp.TempPath` at
once. It keeps its data in an ``io.BytesIO`` (binary) or an
``io.TextIOWrapper`` over one (text), doing no I/O at all, until it *rolls
over*: then a private file (exclusive create, 0o600) is made on the backend,
the data and the exact position are copied into it, and every later call goes
to that file. From then on it has a path like any :class:`TempFilePath`.

The write path is kept thin on purpose: ``write`` calls the underlying
buffer's bound ``write`` directly and compares one integer, so an in-memory
spooled file costs about what ``tempfile.SpooledTemporaryFile`` costs.
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import operator
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, AnyStr, ClassVar, Final, Generic, cast, overload

from tempkit import naming
from tempkit.backends._current import check_backend, get_backend
from tempkit.backends.modes import check_new_file, temp_file_mode
from tempkit.backends.protocol import Backend
from tempkit.lifecycle import ACTIVE, CLEANED, KEPT, CleanupPolicy, TempPath
from tempkit.options import CreateOptions, OpenArgs, create_options
from tempkit.path import BackendPath
from tempkit.temp import TempFilePath

if TYPE_CHECKING:
    from _typeshed import OpenBinaryModeUpdating, OpenTextModeUpdating, WriteableBuffer

    if sys.version_info >= (3, 11):
        from typing import Self
    else:
        from typing_extensions import Self

__all__ = ["SpooledTempPath"]

logger = logging.getLogger("tempkit")

_IN_MEMORY: Final = "<in memory>"


class _SpoolBuffer(io.BytesIO):
    """The in-memory bytes, with the ``truncate`` of a real file.

    ``BytesIO.truncate(n)`` never grows the buffer, while a file grows to
    ``n`` with zero bytes. A spooled file must read the same before and after
    it rolls over, so truncating beyond the end pads with zeros here.
    """

    def truncate(self, size: int | None = None) -> int:
        with self.getbuffer() as view:  # released at once: an export blocks resizing
            end = view.nbytes
        target = self.tell() if size is None else operator.index(size)
        if target > end:
            position = self.tell()
            self.seek(end)
            self.write(bytes(target - end))
            self.seek(position)
            return target
        return super().truncate(target)


def _check_max_size(max_size: int) -> int:
    if isinstance(max_size, bool) or not isinstance(max_size, int):
        raise TypeError(f"max_size must be int, not {type(max_size).__name__}")
    if max_size < 0:
        raise ValueError(f"max_size must be >= 0 (0 never rolls over by size): {max_size}")
    return max_size


def _check_open_args(
    mode: str,
    buffering: int,
    encoding: str | None,
    errors: str | None,
    newline: str | None,
) -> str:
    """Validate the ``open()``-style arguments now; return the exclusive mode for roll-over.

    Everything ``open()`` would refuse at roll-over time is refused here, so a
    bad argument never waits in memory to fail later.
    """
    parsed = temp_file_mode(mode)
    if not parsed.updating:
        raise ValueError(f"a spooled temp file is read-write; use 'w+b' or 'w+', not {mode!r}")
    check_new_file(parsed, buffering, encoding, errors, newline)
    return parsed.mode


def _close_quietly(file: IO[Any]) -> None:
    # A detached TextIOWrapper refuses even close() with ValueError; whoever
    # took its buffer owns that now. OSError is a failed final flush of data
    # that is being thrown away anyway.
    with contextlib.suppress(OSError, ValueError):
        file.close()


def _discard_memory(file: IO[Any], backend: Backend, raw: str, ignore_errors: bool) -> None:
    """Finalizer remover while in memory: there is nothing on the backend."""
    _close_quietly(file)


def _close_and_remove(file: IO[Any], backend: Backend, raw: str, ignore_errors: bool) -> None:
    """Finalizer remover after roll-over: close the handle, then remove the file."""
    _close_quietly(file)
    TempFilePath._remove(backend, raw, ignore_errors)


def _is_open(file: IO[Any]) -> bool:
    try:
        return not file.closed
    except ValueError:  # a detached TextIOWrapper: whoever took its buffer owns it
        return False


def _write_all(stream: IO[bytes], data: memoryview) -> None:
    # An unbuffered FileIO (buffering=0) may write less than asked.
    while data:
        data = data[stream.write(data) :]


class SpooledTempPath(TempPath, Generic[AnyStr]):
    """A temp file object that stays in memory until it grows past ``max_size``.

    It is a file object (the io surface: read, write, seek, iteration, ``with``)
    and a :class:`~tempkit.TempPath` (cleanup, keep, persist, finalizer,
    policy). Create it with :meth:`create`.

    It *rolls over* to a private file on its backend when a write leaves the
    position beyond ``max_size``, on ``truncate(n)`` with ``n > max_size``, on
    ``fileno()``, on :meth:`rollover`, or when its path is asked for
    (``str()``, ``os.fspath()``, ``keep()``, ``persist()``, any path method).
    Before that it has no path; ``repr()`` shows ``<in memory>`` and never
    rolls it over. ``max_size=0`` never rolls over by size.

    Differences from a plain path, on purpose: ``name`` is the file-object
    ``name`` (the full path string after roll-over, ``None`` before; use
    ``.path.name`` for the final component), and equality and hashing are by
    identity, because the path only exists once it rolls over and a hash
    must not change.
    """

    __slots__ = (
        "_file",
        "_limit",
        "_max_size",
        "_open_args",
        "_options",
        "_position",
        "_rolled",
        "_text",
        "_write",
    )

    _kind: ClassVar[str] = "spooled temp file"
    _file: IO[AnyStr]
    _text: io.TextIOWrapper | None
    _write: Callable[[AnyStr], int]
    _position: Callable[[], int]
    _limit: int
    _max_size: int
    _open_args: OpenArgs
    _options: CreateOptions
    _rolled: bool

    # -- creation ------------------------------------------------------------------------
    @overload
    @classmethod
    def create(
        cls,
        max_size: int = 0,
        mode: OpenBinaryModeUpdating = "w+b",
        buffering: int = -1,
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
    ) -> SpooledTempPath[bytes]: ...

    @overload
    @classmethod
    def create(
        cls,
        max_size: int,
        mode: OpenTextModeUpdating,
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
    ) -> SpooledTempPath[str]: ...

    @overload
    @classmethod
    def create(
        cls,
        max_size: int = 0,
        *,
        mode: OpenTextModeUpdating,
        buffering: int = -1,
        encoding: str | None = None,
        newline: str | None = None,
        errors: str | None = None,
        prefix: str | None = None,
        suffix: str | None = None,
        dir: str | os.PathLike[str] | None = None,
        backend: Backend | None = None,
        cleanup: CleanupPolicy = "always",
        template: str | None = None,
        length: int | None = None,
    ) -> SpooledTempPath[str]: ...

    @overload
    @classmethod
    def create(
        cls,
        max_size: int = 0,
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
    ) -> SpooledTempPath[Any]: ...

    @classmethod
    def create(
        cls,
        max_size: int = 0,
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
    ) -> SpooledTempPath[Any]:
        """Make an empty spooled temp file; nothing touches the backend until roll-over.

        ``mode`` is "w+b" (bytes) or "w+" (text; ``encoding``, ``errors`` and
        ``newline`` as for ``open()``). ``buffering``, ``prefix``, ``suffix``,
        ``template``, ``length`` and ``dir`` describe the file made at roll-over,
        as for :meth:`TempFilePath.create_open`. The backend is fixed now (the
        current one unless ``backend``/a ``dir`` path says otherwise); the
        directory is resolved at roll-over. Every argument is checked here, so
        a bad one never waits in memory to fail at roll-over.

        Args:
            max_size: roll over once a write leaves the position beyond this
                many bytes (characters' bytes in text mode); 0 (default) never
                rolls over by size.
            mode: "w+b" (default, bytes) or "w+" (text); a spooled file is
                always read-write.
            buffering: the buffer size of the file made at roll-over, as for
                ``open()``.
            encoding: the text encoding (text mode), as for ``open()``.
            newline: newline translation (text mode), as for ``open()``.
            errors: the encoding error handler (text mode).
            prefix: the start of the file's name at roll-over (default "tmp").
            suffix: the end of the file's name at roll-over (default "").
            dir: the directory of the file made at roll-over (default: the
                backend's temp dir, resolved then).
            backend: the backend of the file made at roll-over (default: that
                of a ``dir`` path, else the current one, fixed now).
            cleanup: "always" (default), "on_success" or "never", as for
                :meth:`TempFilePath.create`; with "never" leaving the ``with``
                block rolls the data over and keeps the file.
            template: a mktemp-style template ("buildXXXXXX") for the name, not
                with ``prefix`` or ``length``.
            length: how many random characters in the name (default 8).

        Returns:
            The spooled file, empty, in memory, at position 0.

        Raises:
            ValueError: a read-only or append ``mode``, or one ``open()`` refuses;
                ``encoding``/``errors``/``newline`` in binary mode; unbuffered
                text; a negative ``max_size``; a bad name part, ``template``,
                ``length`` or ``cleanup`` (as :meth:`TempFilePath.create`).
            TypeError: ``max_size`` is not an int; an ``open()`` argument of a
                type ``open()`` refuses (``buffering`` not an int, ``encoding``
                not a str...); ``backend`` is not a Backend; a name part is not text;
                ``cleanup`` is not a str.
            LookupError: an unknown encoding, or one that is not a text encoding.

        Examples:
            >>> from tempkit import SpooledTempPath
            >>> with SpooledTempPath.create(max_size=1024) as f:
            ...     _ = f.write(b"small")
            ...     print(f.rolled)  # still in memory
            ...     _ = f.write(b"x" * 2048)  # past max_size: now a file on the backend
            ...     print(f.rolled, f.path.stat().st_size)
            False
            True 2053

        """
        limit = _check_max_size(max_size)
        open_mode = _check_open_args(mode, buffering, encoding, errors, newline)
        if backend is not None:
            # The file is made later, far from this call: a wrong object is refused now.
            check_backend(backend)
        options = create_options(dir, backend, prefix, suffix, template, length, cleanup)
        backend = options.backend
        if backend is None:  # fixed now, whatever is current at roll-over
            backend = get_backend()
            options = options._replace(backend=backend)
        if dir is not None and not isinstance(dir, BackendPath):
            # What roll-over would refuse about the text is refused now.
            naming.check_directory_text(dir, backend.flavour)
        text: io.TextIOWrapper | None = None
        file: IO[Any]
        if "b" in mode:
            file = _SpoolBuffer()
        else:
            if sys.version_info >= (3, 11):
                encoding = io.text_encoding(encoding, 3)
            elif encoding is None:
                encoding = "locale"
            file = text = io.TextIOWrapper(
                _SpoolBuffer(), encoding=encoding, errors=errors, newline=newline
            )

        self = cls.__new__(cls)
        self._backend = backend
        self._parsed = None
        self._str_normcase = None
        self._policy = options.policy
        self._state = ACTIVE
        self._options = options
        self._open_args = OpenArgs(mode, open_mode, buffering, encoding, errors, newline)
        self._max_size = limit
        self._rolled = False
        self._raw = ""  # the path, once it has one (at roll-over)
        self._file = cast("IO[AnyStr]", file)
        self._text = text
        self._write = cast("Callable[[AnyStr], int]", file.write)
        # Bound methods of the file, never of self: no reference cycle, so a
        # forgotten object is finalized as soon as it is dropped.
        self._position = file.tell
        self._limit = limit
        # Nothing is on the backend yet: dropped now, it only closes the buffer.
        self._manage(_IN_MEMORY, functools.partial(_discard_memory, file), on_backend=False)
        return self

    # -- state ---------------------------------------------------------------------------
    @property
    def rolled(self) -> bool:
        """True once the data lives in a file on the backend rather than in memory."""
        return self._rolled

    @property
    def max_size(self) -> int:
        """The size beyond which a write rolls the file over (0: never by size)."""
        return self._max_size

    def rollover(self) -> None:
        """Move the data into a file on the backend now (nothing happens if it already has).

        All or nothing: if making or filling the file fails, the data stays in
        memory with its position and the error is raised.

        Raises:
            OSError: the file could not be made or written (the temp dir is
                missing or full...).
            ValueError: the file object is closed.

        """
        if not self._rolled:
            self._roll()

    def _roll(
        self, directory: str | os.PathLike[str] | None = None, cookie: int | None = None
    ) -> None:
        """Copy the data and the position into a new private file, then switch to it.

        All or nothing: if anything fails, the new file is removed and the data
        stays in memory, position untouched. ``cookie`` is a known text
        position (the write path passes one; ``tell()`` may be disabled there).
        """
        memory = self._file
        if memory.closed:
            raise ValueError(
                f"I/O operation on closed file: {self!r} has no data left to roll over"
            )
        text = self._text
        if text is None:
            spool = cast("_SpoolBuffer", memory)
            position = spool.tell()
        else:
            position = text.tell() if cookie is None else cookie
            text.flush()
            spool = cast("_SpoolBuffer", text.buffer)
        options = self._options if directory is None else self._options._replace(dir=directory)
        backend, raw, file = options.make(self._open_args.opener)
        try:
            with spool.getbuffer() as data:
                _write_all(file.buffer if text is not None else file, data)  # type: ignore[attr-defined]
            file.seek(position)  # flushes: a full disk shows up here, not later
        except BaseException:
            _close_quietly(file)
            TempFilePath._remove(backend, raw, True)
            raise

        self._file = file
        self._text = file if text is not None else None  # type: ignore[assignment]
        self._write = file.write
        self._position = file.tell
        self._limit = 0
        self._raw = raw
        self._rolled = True
        self._manage(raw, functools.partial(_close_and_remove, file))
        memory.close()
        logger.debug("rolled %s over to %s", self._kind, raw, extra={"tempkit_path": raw})

    # -- the path: only after roll-over ----------------------------------------------------
    def __str__(self) -> str:
        # Asking for the path rolls over; the file at that path then holds
        # everything written so far, for whoever opens it by name.
        if not self._rolled:
            self._roll()
        else:
            self._flush_if_open()
        return self._raw

    def _append(self, name: str) -> BackendPath | None:
        # The join fast path reads the stored text, which is empty until roll-over.
        self.__str__()
        return super()._append(name)

    def _flush_if_open(self) -> None:
        if _is_open(self._file):
            self._file.flush()

    @property
    def path(self) -> BackendPath:
        """The file as a plain path (rolls over first).

        It does not own the file, but keeps this object alive, as every path
        derived from a temp object does.
        """
        return self._plain(self)

    @property
    def name(self) -> str | None:  # type: ignore[override]
        """The file-object ``name``: the path string after roll-over, ``None`` before.

        Reading it does not roll over (libraries probe ``f.name``). The final
        path component is ``.path.name``.
        """
        return self._raw if self._rolled else None

    @property
    def suffix(self) -> str:
        """The final component's last extension (rolls over)."""
        return self.path.suffix

    @property
    def suffixes(self) -> list[str]:
        """Every extension of the final component (rolls over)."""
        return self.path.suffixes

    @property
    def stem(self) -> str:
        """The final component without its last extension (rolls over)."""
        return self.path.stem

    def with_suffix(self, suffix: str) -> BackendPath:
        """This path with its last extension replaced (rolls over).

        Args:
            suffix: the new extension, such as ".txt" ("" removes it).

        Returns:
            A plain path next to this file; nothing is renamed.

        Raises:
            ValueError: ``suffix`` is not "" and not "." followed by a name.

        """
        return self.path.with_suffix(suffix)

    # An open file is not a value: like the builtin file objects, it refuses to
    # be copied or pickled (a copy as a plain path would force the roll-over).
    def __copy__(self) -> BackendPath:
        raise TypeError(f"cannot copy {type(self).__name__}: it is an open file")

    def __deepcopy__(self, memo: dict[int, object]) -> BackendPath:
        raise TypeError(f"cannot copy {type(self).__name__}: it is an open file")

    def __reduce__(self) -> Any:
        raise TypeError(f"cannot pickle {type(self).__name__}: it is an open file")

    def __repr__(self) -> str:
        where = repr(self._raw) if self._rolled else _IN_MEMORY
        backend = "" if self._backend.capabilities.local_paths else f", backend={self._backend!r}"
        return (
            f"{type(self).__name__}({where}, max_size={self._max_size}, "
            f"mode={self._open_args.mode!r}{backend})"
        )

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return object.__hash__(self)

    # -- lifecycle -----------------------------------------------------------------------
    def cleanup(self, *, ignore_errors: bool = False) -> None:
        """Close the file and, while it is managed, remove it; calling it again does nothing.

        It removes the file whatever the policy (also after a ``with`` block
        that kept it); after ``keep()`` or ``persist()`` this only closes the
        file object. Data still in memory is simply dropped.

        Args:
            ignore_errors: raise nothing when the rolled-over file cannot be removed.

        Raises:
            CleanupError: the rolled-over file could not be removed (unless
                ``ignore_errors``).

        """
        if self._state != ACTIVE:
            if _is_open(self._file):
                self._file.close()  # a failed flush here loses kept data: let it raise
            return
        _close_quietly(self._file)
        if self._rolled:
            TempFilePath._remove(self._backend, self._raw, ignore_errors)
        self._release(CLEANED)

    def close(self) -> None:
        """Close the file and end its life as a ``with`` block that succeeded would.

        With the default policy ("always", and "on_success") that removes it,
        as ``SpooledTemporaryFile.close()`` does; with "never" the data is
        rolled over and kept (still owned: ``cleanup()`` removes it). After
        ``keep()``/``persist()`` only the file object is closed.
        """
        self.__exit__(None, None, None)

    def keep(self) -> BackendPath:
        """Roll over, stop managing the file and return its path.

        The file object stays open: later writes go to the kept file.

        Returns:
            The file's path, as a plain :class:`~tempkit.BackendPath` that owns nothing.

        Raises:
            OSError: the roll-over failed (the data stays in memory, still managed).

        """
        raw = self.__str__()
        if self._state == ACTIVE:
            self._release(KEPT)
        return BackendPath._from_normalized(raw, self._backend)

    def persist(
        self, target: str | os.PathLike[str], *, overwrite: bool = False, perm: int | None = None
    ) -> BackendPath:
        """Atomically move the file to ``target`` (data still in memory is written out first).

        An in-memory file rolls over into ``target``'s directory, so the final
        rename stays on one filesystem. If that directory refuses the file, it
        rolls over into the usual temp directory and the rename reports why
        (a :class:`tempkit.PersistError`, the object still managed and intact).
        The file object stays open on the persisted file.

        Args:
            target: where the file goes: a path on the same backend, or text.
            overwrite: replace an existing file at ``target``.
            perm: the mode bits of the persisted file (default: it stays 0o600).

        Returns:
            The new location as a plain, absolute :class:`~tempkit.BackendPath`.

        Raises:
            PersistError: the move failed (also an instance of the underlying
                OSError type, such as FileExistsError); ``error.temp`` is this
                object, still managed, its data intact.
            ValueError: the object is no longer managed, or ``target`` is on
                another backend.

        """
        if self._state != ACTIVE:
            raise ValueError(f"{self!r} is no longer managed ({self._state})")
        if not self._rolled:
            destination = self._coerce(target).absolute()
            try:
                self._roll(destination.parent)
            except OSError:
                self._roll()
        self._flush_if_open()
        return super().persist(target, overwrite=overwrite, perm=perm)

    def __enter__(self) -> Self:
        if self._file.closed:
            raise ValueError("Cannot enter context with closed file")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        retained = False
        try:
            if self._keeps_on_exit(exc_type):
                retained = self._retain_on_exit(exc_type)
        finally:
            if not retained:
                self.cleanup()
            elif _is_open(self._file):
                self._file.close()  # a failed flush here loses kept data: let it raise

    def _keeps_on_exit(self, exc_type: type[BaseException] | None) -> bool:
        """Whether leaving a ``with`` block (that raised ``exc_type``) keeps the data, by policy."""
        return self._state == ACTIVE and (
            self._policy == "never" or (self._policy == "on_success" and exc_type is not None)
        )

    def _retain_on_exit(self, exc_type: type[BaseException] | None) -> bool:
        """Leave the data in its file, still owned (``cleanup()`` removes it); False if lost."""
        try:
            raw = self.__str__()  # rolls over
        except OSError:
            if exc_type is None:
                raise
            logger.warning(
                "could not keep %s after the with block raised %s; its data is lost",
                self._kind,
                exc_type.__name__,
                exc_info=True,
            )
            return False
        self._implicit_cleanup_off()
        if exc_type is not None:
            logger.warning(
                "kept %s %s because the with block raised %s",
                self._kind,
                raw,
                exc_type.__name__,
                extra={"tempkit_path": raw},
            )
        return True

    # -- the file object -------------------------------------------------------------------
    def write(self, data: AnyStr) -> int:
        """Write ``data`` at the position; roll over if that leaves it beyond ``max_size``.

        Args:
            data: bytes (binary mode) or str (text mode).

        Returns:
            How many bytes or characters were written.

        Raises:
            TypeError: str in binary mode, or bytes in text mode.
            ValueError: the file is closed.
            OSError: the roll-over failed (the data written stays in memory).

        """
        written = self._write(data)
        limit = self._limit
        if limit:
            try:
                position = self._position()
            except OSError:  # text mode: iteration has disabled tell()
                position = self._byte_position()
            if position > limit:
                self._roll(cookie=position)
        return written

    def _byte_position(self) -> int:
        """The byte position of the buffer under the file.

        In text mode, right after a write (no decoder state left) this is
        exactly the cookie ``tell()`` would return, and unlike ``tell()`` it
        works while iteration has disabled telling; it is also where
        ``TextIOWrapper.truncate()`` cuts.
        """
        text = self._text
        if text is None:
            return self._file.tell()
        text.flush()
        return cast("IO[bytes]", text.buffer).tell()

    def writelines(self, lines: Iterable[AnyStr]) -> None:
        """Write each item of ``lines``, checking ``max_size`` after every one.

        Args:
            lines: bytes or str items, as for :meth:`write` (no newlines are added).

        Raises:
            ValueError: the file is closed.

        """
        if self._file.closed:
            raise ValueError("I/O operation on closed file.")
        write = self.write
        for line in lines:
            write(line)

    def read(self, size: int | None = -1) -> AnyStr:
        """Read up to ``size`` bytes or characters (all of them by default).

        Args:
            size: the most to read; negative or None reads to the end.

        Returns:
            What was read: bytes or str, empty at the end.

        """
        return self._file.read(size)  # type: ignore[arg-type]

    def read1(self, size: int = -1) -> bytes:
        """Read up to ``size`` bytes with at most one underlying read (binary mode).

        Args:
            size: the most to read; negative reads what one read gives.

        Returns:
            The bytes read, empty at the end.

        Raises:
            io.UnsupportedOperation: the file is in text mode.

        """
        return self._binary("read1").read1(size)

    def readinto(self, buffer: WriteableBuffer) -> int:
        """Read bytes into ``buffer`` and return how many (binary mode).

        Args:
            buffer: a writable buffer (``bytearray``, ``memoryview``...).

        Returns:
            How many bytes were read into ``buffer``; 0 at the end.

        Raises:
            io.UnsupportedOperation: the file is in text mode.

        """
        return self._binary("readinto").readinto(buffer)

    def readinto1(self, buffer: WriteableBuffer) -> int:
        """``readinto`` with at most one underlying read (binary mode).

        Args:
            buffer: a writable buffer (``bytearray``, ``memoryview``...).

        Returns:
            How many bytes were read into ``buffer``; 0 at the end.

        Raises:
            io.UnsupportedOperation: the file is in text mode.

        """
        return self._binary("readinto1").readinto1(buffer)

    def _binary(self, method: str) -> io.BufferedIOBase:
        if self._text is not None:
            raise io.UnsupportedOperation(f"{method}() needs binary mode; this file is text")
        return cast("io.BufferedIOBase", self._file)

    def readline(self, size: int | None = -1) -> AnyStr:
        """Read one line (at most ``size`` bytes or characters).

        Args:
            size: the most to read; negative or None reads the whole line.

        Returns:
            The line with its line ending; empty at the end.

        """
        return self._file.readline(size)  # type: ignore[arg-type]

    def readlines(self, hint: int | None = -1) -> list[AnyStr]:
        """Read lines until their total size reaches ``hint`` (all by default).

        Args:
            hint: stop once this many bytes or characters were read; negative
                or None reads every line.

        Returns:
            The lines read, each with its line ending.

        """
        return self._file.readlines(hint)  # type: ignore[arg-type]

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """Move the position; text mode takes only ``tell()`` cookies, as TextIOWrapper.

        Seeking past the end does not roll over; a write there does when it
        leaves the position beyond ``max_size``.

        Args:
            offset: the new position relative to ``whence``.
            whence: ``os.SEEK_SET`` (default), ``SEEK_CUR`` or ``SEEK_END``.

        Returns:
            The new absolute position.

        Raises:
            ValueError: the file is closed, or a negative position in memory.
            OSError: a negative position after roll-over (EINVAL), as for any file.

        """
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        """The position (an opaque cookie in text mode, as TextIOWrapper).

        Returns:
            The position: a byte offset in binary mode.

        """
        return self._file.tell()

    def truncate(self, size: int | None = None) -> int:
        """Resize to ``size`` (default: the position), padding with zeros when it grows.

        Rolls over first when the new size is beyond ``max_size``. The position
        does not move.

        Args:
            size: the new size in bytes; None for the current position.

        Returns:
            The new size.

        Raises:
            OSError: the roll-over failed (nothing changed).

        """
        if self._limit:
            # Without a size both BytesIO and TextIOWrapper cut at the byte
            # position of the buffer (for text: after read-ahead, not tell()).
            target = self._byte_position() if size is None else operator.index(size)
            if target > self._limit:
                self._roll()
        elif size is not None:
            size = operator.index(size)
        return self._file.truncate(size)

    def flush(self) -> None:
        """Flush write buffers (nothing to do while in memory)."""
        self._file.flush()

    def fileno(self) -> int:
        """Roll over and return the file descriptor.

        Returns:
            The descriptor of the file on the backend.

        Raises:
            io.UnsupportedOperation: the backend has no descriptors
                (``capabilities.descriptors`` is false); the data stays in memory.

        """
        if not self._rolled:
            if not self._backend.capabilities.descriptors:
                raise io.UnsupportedOperation(f"{self._backend!r} has no file descriptors")
            self._roll()
        return self._file.fileno()

    def isatty(self) -> bool:
        """Whether the file is a terminal, which it never is.

        Returns:
            False.

        """
        return self._file.isatty()

    def readable(self) -> bool:
        """Whether the file can be read, which a spooled file always can.

        Returns:
            True.

        Raises:
            ValueError: the file is closed.

        """
        return self._file.readable()

    def writable(self) -> bool:
        """Whether the file can be written, which a spooled file always can.

        Returns:
            True.

        Raises:
            ValueError: the file is closed.

        """
        return self._file.writable()

    def seekable(self) -> bool:
        """Whether the file can seek, which a spooled file always can.

        Returns:
            True.

        Raises:
            ValueError: the file is closed.

        """
        return self._file.seekable()

    @property
    def closed(self) -> bool:
        """True once the file object is closed."""
        return self._file.closed

    @property
    def mode(self) -> str:
        """The mode given to ``create()``, before and after roll-over."""
        return self._open_args.mode

    @property
    def encoding(self) -> str:
        """The text encoding (text mode; AttributeError in binary mode, as for binary files)."""
        return self._text_file("encoding").encoding

    @property
    def errors(self) -> str | None:
        """The encoding error handler (text mode)."""
        return self._text_file("errors").errors

    @property
    def newlines(self) -> str | tuple[str, ...] | None:
        """The newlines read so far (text mode); counting restarts at roll-over."""
        return self._text_file("newlines").newlines

    def _text_file(self, attribute: str) -> io.TextIOWrapper:
        if self._text is None:
            raise AttributeError(f"binary {self._kind} has no attribute {attribute!r}")
        return self._text

    def detach(self) -> io.RawIOBase | IO[bytes]:
        """Separate and return the underlying stream, as the current file object does.

        The object is unusable afterwards; cleanup still removes a rolled-over
        file.

        Returns:
            In text mode the binary buffer (a ``BytesIO`` while in memory); in
            binary mode, after roll-over, the raw file.

        Raises:
            io.UnsupportedOperation: binary mode while still in memory.

        """
        return cast("io.BufferedIOBase", self._file).detach()

    def __iter__(self) -> Iterator[AnyStr]:
        iter(self._file)  # ValueError once closed, as for any file
        return self

    def __next__(self) -> AnyStr:
        return next(self._file)


io.IOBase.register(SpooledTempPath)
