"""What ``tempkit.tempfile.NamedTemporaryFile`` returns: an open file, its name and its owner.

The standard library's ``_TemporaryFileWrapper`` keeps a "closer" that closes
and removes the file when the wrapper is collected. Here the owner is the
:class:`~tempkit.TempFilePath` behind the file (``wrapper.path``): its
implicit cleanup closes the file and, with ``delete``, removes it, quietly as
the standard library does, and only in the process that created it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Iterator
from types import TracebackType
from typing import IO, Any, AnyStr, Generic

from tempkit import naming
from tempkit._temp_internals import adopt, delete_on_close_opener, released
from tempkit._temp_internals import open_args as pack_open_args
from tempkit.backends.protocol import Backend, descriptor_backend
from tempkit.lifecycle import CleanupPolicy
from tempkit.options import FILE_PERM as _FILE_PERM
from tempkit.temp import TempFilePath

__all__ = ["TemporaryFileWrapper", "open_named"]


def _remove_quietly(backend: Backend, raw: str) -> None:
    with contextlib.suppress(OSError):
        backend.unlink(raw)


def _implicit_cleanup(payload: object, backend: Backend, raw: str) -> None:
    """What collection (or interpreter exit) does: close the file, then remove it if ``delete``.

    A forked child never runs it (its copy of the object is not the owner).
    """
    file: IO[Any]
    remove: bool
    file, remove = payload  # type: ignore[misc]
    try:
        with contextlib.suppress(OSError, ValueError):  # a final flush of data being dropped
            file.close()
    finally:
        if remove:
            _remove_quietly(backend, raw)
            released(raw)


def open_named(
    backend: Backend,
    directory: str,
    prefix: str,
    suffix: str,
    open_args: tuple[str, int, str | None, str | None, str | None],
    output_type: type,
    *,
    delete: bool,
    delete_on_close: bool,
) -> TemporaryFileWrapper[Any]:
    """Create a file with a name in ``directory`` and open it, as NamedTemporaryFile does.

    On a backend with OS descriptors the file is created as ``mkstemp`` creates
    it and opened by ``open()`` over that descriptor, so any mode ``open()``
    takes works and the arguments are checked before anything is created;
    elsewhere the backend opens it with the exclusive form of ``mode``.
    ``output_type`` (str or bytes) is the type of ``name``. Where the backend
    can, ``delete`` with ``delete_on_close`` has the OS remove the file when
    it is closed (Windows ``O_TEMPORARY``).
    """
    mode, buffering, encoding, errors, newline = open_args
    capabilities = backend.capabilities
    native = delete and delete_on_close and capabilities.delete_on_close
    sep = backend.flavour.sep
    length = naming.DEFAULT_LENGTH

    def audit(path: str) -> None:
        sys.audit("tempfile.mkstemp", path if output_type is str else os.fsencode(path))

    created: str | None = None
    creator = descriptor_backend(backend)
    by_descriptor = creator is not None
    if creator is not None:

        def make_descriptor(path: str) -> int:
            audit(path)
            return creator.create_descriptor(path, _FILE_PERM, delete_on_close=native)

        def opener(name: str, flags: int) -> int:
            # Called by open() only once the mode and the other arguments are known good.
            nonlocal created
            created, fd = naming.create_unique(
                directory, sep, prefix, suffix, length, make_descriptor
            )
            return fd

        try:
            file = open(directory, mode, buffering, encoding, errors, newline, opener=opener)  # noqa: SIM115
        except BaseException:
            if created is not None and not native:
                _remove_quietly(backend, created)
            raise
    else:
        args = pack_open_args(*open_args)  # checks the mode before anything is made
        maker = delete_on_close_opener(args, emulated=False) if native else args.opener
        open_new = maker(backend)

        def make_file(path: str) -> IO[Any]:
            audit(path)
            return open_new(path)

        created, file = naming.create_unique(directory, sep, prefix, suffix, length, make_file)
    assert created is not None
    try:
        name: str | bytes | None = None
        if capabilities.local_paths:
            name = created if output_type is str else os.fsencode(created)
        if by_descriptor:
            raw: Any = getattr(file, "buffer", file)
            raw = getattr(raw, "raw", raw)
            raw.name = name  # as the standard library: the descriptor's file shows the path
        policy: CleanupPolicy = "always" if delete else "never"
        remove = delete and not native
        owner = adopt(TempFilePath, created, backend, policy, _implicit_cleanup, (file, remove))
        return TemporaryFileWrapper(file, name, owner, delete, delete_on_close)
    except BaseException:
        file.close()
        if not native:
            _remove_quietly(backend, created)
        raise


class TemporaryFileWrapper(Generic[AnyStr]):
    """An open temporary file with a name; attributes not found here are the file's.

    ``file`` is the file object, ``name`` its path (str or bytes) and ``path``
    the :class:`~tempkit.TempFilePath` that owns it. ``close()`` closes it (and
    with ``delete`` and ``delete_on_close`` removes it); leaving the ``with``
    block closes it and, with ``delete``, removes it.
    """

    file: IO[AnyStr]
    name: AnyStr
    path: TempFilePath
    delete: bool

    def __init__(
        self,
        file: IO[AnyStr],
        name: AnyStr | None,
        path: TempFilePath,
        delete: bool = True,
        delete_on_close: bool = True,
    ) -> None:
        self.file = file
        if name is not None:
            self.name = name
        self.path = path
        self.delete = delete
        self._delete_on_close = delete_on_close
        self._close_called = False
        self._cleanup_called = False

    def __getattr__(self, attribute: str) -> Any:
        # Attributes of the file, methods and non-numbers cached (the standard
        # library's rule: "closed" and the like must stay live).
        if attribute == "name" and "path" in self.__dict__:
            raise TypeError(
                f"NamedTemporaryFile.name would be an OS path, and {self.path.backend!r} has "
                "none; use .path (a tempkit TempFilePath) instead"
            )
        file = self.__dict__["file"]
        value = getattr(file, attribute)
        if callable(value):
            method = value

            @functools.wraps(method)
            def forward(*args: Any, **kwargs: Any) -> Any:
                return method(*args, **kwargs)

            # A method taken from the wrapper keeps the owner, and so the open
            # file, alive after the wrapper is gone (CPython issue #18879).
            forward._closer = self.path  # type: ignore[attr-defined]
            value = forward
        if not isinstance(value, int):
            setattr(self, attribute, value)
        return value

    def __enter__(self) -> TemporaryFileWrapper[AnyStr]:
        self.file.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        result = self.file.__exit__(exc_type, exc, tb)
        self._cleanup()
        return result

    def close(self) -> None:
        """Close the file; with ``delete`` and ``delete_on_close``, remove it too."""
        if self._close_called:
            return
        self._close_called = True
        try:
            self.file.close()
        finally:
            if self.delete and self._delete_on_close:
                self._cleanup()

    def _cleanup(self) -> None:
        if self._cleanup_called:
            return
        self._cleanup_called = True
        try:
            if not self._close_called:
                self._close_called = True
                self.file.close()
        finally:
            if self.delete:
                self.path.cleanup()

    def __iter__(self) -> Iterator[AnyStr]:
        # A generator keeps this wrapper, and so the file, alive while the
        # iteration lasts (CPython issue #23700). Not ``yield from``: closing the
        # generator would close the file too.
        for line in self.file:  # noqa: UP028
            yield line
