"""Temp objects: paths that own what they name.

A ``TempPath`` is a :class:`~tempkit.path.BackendPath` plus a lifecycle:
``cleanup()`` removes it (idempotently), ``keep()`` stops managing it,
``persist()`` moves it into place, and a finalizer (the contract of
``weakref.finalize``, see ``_finalizer``) removes a forgotten one with a
ResourceWarning that names it. The cleanup policy decides what leaving a
``with`` block does.
"""

from __future__ import annotations

import functools
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, ClassVar, Final, Literal

from tempkit import crashsafe, naming
from tempkit._finalizer import Finalizer, finalize
from tempkit.backends._current import get_backend
from tempkit.backends.modes import temp_file_mode
from tempkit.backends.protocol import Backend, DeleteOnCloseBackend, delete_on_close_backend
from tempkit.errors import persist_error
from tempkit.path import BackendPath
from tempkit.resolver import gettempdir

if TYPE_CHECKING:
    import logging

    if sys.version_info >= (3, 11):
        from typing import Self
    else:
        from typing_extensions import Self

__all__ = ["CleanupPolicy", "OpenTempFile", "TempDirPath", "TempFilePath", "TempPath"]


def _logger() -> logging.Logger:
    # Imported on first use: logging costs more than the rest of ``import tempkit``
    # and only the rare "kept because the block raised" message needs it.
    import logging  # noqa: PLC0415

    return logging.getLogger("tempkit")


CleanupPolicy = Literal["always", "on_success", "never"]
_POLICIES: Final = frozenset(("always", "on_success", "never"))

_ACTIVE: Final = "active"
_CLEANED: Final = "cleaned"
_KEPT: Final = "kept"
_PERSISTED: Final = "persisted"

_FILE_PERM: Final = 0o600
_DIR_PERM: Final = 0o700
_DEFAULT_PREFIX: Final = "tmp"

Remover = Callable[[Backend, str, bool], None]

# The pid that owns new temp objects. os.getpid() is a system call and create()
# needs the pid every time, but only a fork changes it.
_pid = os.getpid()


def _refresh_pid() -> None:
    global _pid
    _pid = os.getpid()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_refresh_pid)


def _finalize(
    remove: Remover, backend: Backend, raw: str, kind: str, owner: int | None = None
) -> None:
    # A forked child inherits the object, not the entry: its exit or its garbage
    # collection must not remove what the parent (``owner``) still uses.
    if owner is not None and owner != os.getpid():
        return
    # Remove first: under "error::ResourceWarning" the warning raises, and the
    # tree must be gone whatever happens to the warning.
    try:
        remove(backend, raw, True)
        if crashsafe.leased:
            crashsafe.released(raw)
    finally:
        warnings.warn(
            f"implicitly cleaning up {kind} {raw!r}; call cleanup() or use a with block",
            ResourceWarning,
            stacklevel=2,
        )


def _record_or_remove(remove: Remover, backend: Backend, raw: str) -> None:
    """Record a new object in this process's lease; if that fails, remove it and re-raise."""
    try:
        crashsafe.created(backend, raw)
    except BaseException:
        remove(backend, raw, True)
        raise


class TempPath(BackendPath):
    """A path that owns the file or directory it names.

    Create instances with the ``create()`` class methods of the subclasses.
    """

    __slots__ = ("__weakref__", "_finalizer", "_policy", "_state")

    _kind: ClassVar[str] = "temp path"
    _finalizer: Finalizer | None
    _policy: CleanupPolicy
    _state: str

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise TypeError(f"use {type(self).__name__}.create() to make a temp object")

    @staticmethod
    def _remove(backend: Backend, raw: str, ignore_errors: bool) -> None:
        raise NotImplementedError

    @classmethod
    def _adopt(
        cls, raw: str, backend: Backend, policy: CleanupPolicy, remover: Remover | None = None
    ) -> Self:
        """Take ownership of an entry just created at ``raw``.

        ``remover`` replaces ``cls._remove`` for the finalizer of this object.
        """
        self = cls._from_normalized(raw, backend)
        self._policy = policy
        self._state = _ACTIVE
        if crashsafe.recording and policy != "never":
            _record_or_remove(remover or cls._remove, backend, raw)
        self._finalizer = (
            None
            if policy == "never"
            else finalize(self, _finalize, remover or cls._remove, backend, raw, cls._kind, _pid)
        )
        return self

    # -- lifecycle -----------------------------------------------------------------------
    @property
    def policy(self) -> CleanupPolicy:
        """What leaving a ``with`` block does: "always", "on_success" or "never"."""
        return self._policy

    @property
    def managed(self) -> bool:
        """True until the object is cleaned up, kept or persisted."""
        return self._state == _ACTIVE

    def _release(self, state: str) -> None:
        self._state = state
        finalizer = self._finalizer
        if finalizer is not None:
            finalizer.detach()
            self._finalizer = None
        if crashsafe.leased:
            crashsafe.released(self._raw)

    def cleanup(self, *, ignore_errors: bool = False) -> None:
        """Remove the temp object; calling it again does nothing.

        Raises :class:`tempkit.CleanupError` naming every entry that could not
        be removed (unless ``ignore_errors``); the object then stays managed.
        """
        if self._state != _ACTIVE:
            return
        # _raw, not the _path property: SpooledTempPath, whose _path does work,
        # has a cleanup of its own.
        self._remove(self._backend, self._raw, ignore_errors)
        # What _release(_CLEANED) does, written out: this runs on every cleanup.
        self._state = _CLEANED
        finalizer = self._finalizer
        if finalizer is not None:
            finalizer.detach()
            self._finalizer = None
        if crashsafe.leased:
            crashsafe.released(self._raw)

    def keep(self) -> BackendPath:
        """Stop managing the temp object and return it as a plain path."""
        if self._state == _ACTIVE:
            self._release(_KEPT)
        return BackendPath._from_normalized(self._path, self._backend)

    def persist(self, target: str | os.PathLike[str], *, overwrite: bool = False) -> BackendPath:
        """Atomically move the temp object to ``target`` and stop managing it.

        Without ``overwrite`` an existing ``target`` is never replaced
        (FileExistsError). On any failure a :class:`tempkit.PersistError` (also
        an instance of the underlying OSError type) is raised and the temp object
        is untouched and still managed: ``error.temp`` is this object.
        """
        if self._state != _ACTIVE:
            raise ValueError(f"{self!r} is no longer managed ({self._state})")
        destination = self._coerce(target).absolute()
        try:
            if overwrite:
                self._backend.replace(self._path, str(destination))
            else:
                self._backend.rename_noreplace(self._path, str(destination))
        except OSError as exc:
            raise persist_error(self, str(destination), exc) from exc
        self._release(_PERSISTED)
        return destination

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._state != _ACTIVE or self._policy == "never":
            return
        if self._policy == "on_success" and exc_type is not None:
            self._release(_KEPT)
            _logger().warning(
                "kept %s %s because the with block raised %s",
                self._kind,
                self._path,
                exc_type.__name__,
                extra={"tempkit_path": self._path},
            )
            return
        self.cleanup()


def _check_policy(policy: str) -> CleanupPolicy:
    if policy not in _POLICIES:
        raise ValueError(f"cleanup must be one of 'always', 'on_success', 'never': {policy!r}")
    return policy  # type: ignore[return-value]


def _placement(
    directory: str | os.PathLike[str] | None, backend: Backend | None
) -> tuple[Backend, str]:
    """The backend and the absolute parent directory for a new temp object."""
    if directory is None:
        if backend is None:
            backend = get_backend()
        return backend, gettempdir(backend)
    if isinstance(directory, BackendPath):
        if backend is not None and directory.backend != backend:
            raise ValueError(f"dir {directory!r} is on a different backend than {backend!r}")
        return directory.backend, str(directory.absolute())
    if backend is None:
        backend = get_backend()
    if not isinstance(directory, (str, os.PathLike)):
        raise TypeError(f"dir must be a str or os.PathLike, not {type(directory).__name__}")
    return backend, str(BackendPath(directory, backend=backend).absolute())


def _name_parts(
    prefix: str | None,
    suffix: str | None,
    template: str | None,
    length: int | None,
    backend: Backend,
) -> tuple[str, str, int]:
    if prefix is None and suffix is None and template is None and length is None:
        return _DEFAULT_PREFIX, "", naming.DEFAULT_LENGTH  # the common call: nothing to check
    flavour = backend.flavour
    if template is not None:
        if prefix is not None or length is not None:
            raise ValueError("give either template or prefix/length, not both")
        prefix, length = naming.parse_template(template, flavour)
    elif length is None:
        length = naming.DEFAULT_LENGTH
    elif not isinstance(length, int) or isinstance(length, bool):
        raise TypeError(f"length must be int, not {type(length).__name__}")
    elif length < naming.MIN_TEMPLATE_XS:
        raise ValueError(f"length must be at least {naming.MIN_TEMPLATE_XS}: {length}")
    return (
        _DEFAULT_PREFIX if prefix is None else naming.validate_affix(prefix, "prefix", flavour),
        naming.validate_affix(suffix, "suffix", flavour),
        length,
    )


def _native_delete_on_close(backend: Backend) -> DeleteOnCloseBackend | None:
    """``backend`` if it can remove a file when its last handle closes, else None."""
    return delete_on_close_backend(backend)


def _check_delete_on_close(delete_on_close: bool, policy: CleanupPolicy) -> bool:
    if not isinstance(delete_on_close, bool):
        raise TypeError(f"delete_on_close must be bool, not {type(delete_on_close).__name__}")
    if delete_on_close and policy != "always":
        raise ValueError(
            f"delete_on_close=True removes the file when it is closed; "
            f"it cannot be combined with cleanup={policy!r}"
        )
    return delete_on_close


def _close_holder(holder: IO[Any] | None, backend: Backend, raw: str, ignore_errors: bool) -> None:
    """Finalizer of a delete-on-close file: closing the last handle is the removal."""
    if holder is not None:
        holder.close()


class TempFilePath(TempPath):
    """A temp file: created empty, exclusively, with mode 0o600."""

    __slots__ = ("_delete_on_close", "_holder")

    _kind: ClassVar[str] = "temp file"
    _delete_on_close: bool
    _holder: IO[Any] | None

    @staticmethod
    def _remove(backend: Backend, raw: str, ignore_errors: bool) -> None:
        # The common case costs one unlink. Anything else (a read-only attribute or
        # a sharing violation on Windows, a directory put in its place) goes through
        # rmtree, so a file gets the same care as a tree and a CleanupError on failure.
        try:
            backend.unlink(raw)
        except FileNotFoundError:
            return
        except OSError:
            backend.rmtree(raw, ignore_errors=ignore_errors)

    @classmethod
    def _adopt(
        cls,
        raw: str,
        backend: Backend,
        policy: CleanupPolicy,
        remover: Remover | None = None,
        *,
        delete_on_close: bool = False,
        holder: IO[Any] | None = None,
    ) -> Self:
        """Take ownership of ``raw``; a delete-on-close file may come with the handle we hold."""
        if delete_on_close and remover is None and _native_delete_on_close(backend):
            remover = functools.partial(_close_holder, holder)
        self = super()._adopt(raw, backend, policy, remover)
        self._delete_on_close = delete_on_close
        self._holder = holder
        return self

    @property
    def delete_on_close(self) -> bool:
        """True when the file goes away as soon as it is closed (see ``create``)."""
        return self._delete_on_close

    def cleanup(self, *, ignore_errors: bool = False) -> None:
        """Remove the file; calling it again does nothing.

        For a delete-on-close file on a backend that does it natively, this
        closes the handle tempkit holds and the OS removes the file once every
        other handle (``reopen()``, another program) is closed too.
        """
        if (
            self._delete_on_close
            and self._state == _ACTIVE
            and _native_delete_on_close(self._backend)
        ):
            if self._holder is not None:
                self._holder.close()
            self._release(_CLEANED)
            return
        TempPath.cleanup(self, ignore_errors=ignore_errors)  # not super(): hot path

    def _refuse_if_delete_on_close(self, what: str) -> None:
        if self._delete_on_close and self._state == _ACTIVE:
            raise ValueError(
                f"cannot {what} {self!r}: it is removed when its last handle closes; "
                "create it with delete_on_close=False to keep or persist it"
            )

    def keep(self) -> BackendPath:
        """Stop managing the file and return it as a plain path (not for delete-on-close files)."""
        self._refuse_if_delete_on_close("keep")
        return super().keep()

    def persist(self, target: str | os.PathLike[str], *, overwrite: bool = False) -> BackendPath:
        """Move the file to ``target`` as :meth:`TempPath.persist` (not if delete-on-close)."""
        self._refuse_if_delete_on_close("persist")
        return super().persist(target, overwrite=overwrite)

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
        this method does. Elsewhere it is the ordinary ``open``. Modes: r, w, a
        with + and b/t ("w" truncates; the file is never created).
        """
        if not isinstance(mode, str) or "x" in mode:
            raise ValueError(f"reopen needs an existing-file mode (r, w, a, +, b, t): {mode!r}")
        native = _native_delete_on_close(self._backend)
        if native is None:
            return self.open(mode, buffering, encoding, errors, newline)
        if "b" not in mode and encoding is None:
            encoding = "utf-8" if sys.flags.utf8_mode else "locale"
        return native.open_shared(self._path, mode, buffering, encoding, errors, newline)

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
        prefix and the random length at once.

        With ``delete_on_close=True`` (backends with
        ``capabilities.delete_on_close``: Windows, ``MemoryBackend(flavour="windows")``)
        the file is opened with ``O_TEMPORARY`` and the handle is held by this
        object: the OS removes the file when that handle and every other one
        are closed, by ``cleanup()`` or by the process dying, even if killed.
        Read or write it through :meth:`reopen`. Other backends raise
        ValueError; there, ``create_open(delete_on_close=True)`` emulates it.
        """
        policy = _check_policy(cleanup)
        doc = _check_delete_on_close(delete_on_close, policy)
        backend, directory = _placement(dir, backend)
        prefix, suffix, length = _name_parts(prefix, suffix, template, length, backend)
        if not doc:
            raw, _ = naming.create_unique(
                directory, backend.flavour.sep, prefix, suffix, length, backend.create_file
            )
            return cls._adopt(raw, backend, policy)
        native = _native_delete_on_close(backend)
        if native is None:
            raise ValueError(
                "delete_on_close=True needs a backend that removes files when they are "
                f"closed (capabilities.delete_on_close); {backend!r} cannot. Use "
                "create_open(delete_on_close=True), which emulates it by removing the "
                "file when you close it"
            )
        opener: DeleteOnCloseBackend = native

        def make(path: str) -> IO[Any]:
            return opener.open_delete_on_close(path, "x+b", 0, perm=_FILE_PERM)

        raw, holder = naming.create_unique(
            directory, backend.flavour.sep, prefix, suffix, length, make
        )
        return cls._adopt(raw, backend, policy, delete_on_close=True, holder=holder)

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
    ) -> OpenTempFile:
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
        """
        policy = _check_policy(cleanup)
        doc = _check_delete_on_close(delete_on_close, policy)
        open_mode = temp_file_mode(mode).mode
        backend, directory = _placement(dir, backend)
        prefix, suffix, length = _name_parts(prefix, suffix, template, length, backend)
        opener = _native_delete_on_close(backend) if doc else None

        def make(path: str) -> IO[Any]:
            if opener is not None:
                return opener.open_delete_on_close(
                    path, open_mode, buffering, encoding, errors, newline, perm=_FILE_PERM
                )
            return backend.open(
                path, open_mode, buffering, encoding, errors, newline, perm=_FILE_PERM
            )

        raw, file = naming.create_unique(
            directory, backend.flavour.sep, prefix, suffix, length, make
        )
        return OpenTempFile(cls._adopt(raw, backend, policy, delete_on_close=doc), file)


class OpenTempFile:
    """An open temp file: the file object plus the :class:`TempFilePath` it lives at.

    It behaves as the file object (attributes are forwarded) and ``path`` is the
    owner. Closing the ``with`` block closes the file, then applies the policy.
    """

    __slots__ = ("file", "path")

    def __init__(self, path: TempFilePath, file: IO[Any]) -> None:
        self.path = path
        self.file = file

    @property
    def name(self) -> str:
        """The file's path as a string."""
        return str(self.path)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.file, attribute)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.file)

    def __repr__(self) -> str:
        return f"<OpenTempFile {str(self.path)!r} mode={getattr(self.file, 'mode', '?')!r}>"

    def close(self) -> None:
        """Close the file object; the path stays managed unless it is delete-on-close."""
        self.file.close()
        if self.path.delete_on_close:
            self.path.cleanup()

    def cleanup(self, *, ignore_errors: bool = False) -> None:
        """Close the file and remove it."""
        self.file.close()
        self.path.cleanup(ignore_errors=ignore_errors)

    def __enter__(self) -> OpenTempFile:
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
    """A temp directory: created exclusively with mode 0o700, removed as a whole tree."""

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
        """Create a fresh directory, mode 0o700, in ``dir`` or the resolved temp dir."""
        policy = _check_policy(cleanup)
        backend, directory = _placement(dir, backend)
        prefix, suffix, length = _name_parts(prefix, suffix, template, length, backend)
        raw, _ = naming.create_unique(
            directory, backend.flavour.sep, prefix, suffix, length, backend.mkdir
        )
        return cls._adopt(raw, backend, policy)
