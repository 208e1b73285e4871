"""The life of a temp object: owned, then cleaned up, kept or persisted.

A :class:`TempPath` is a :class:`~tempkit.path.BackendPath` that owns the entry
it names. It is *adopted* when ``create()`` has made the entry and *released*
when it is cleaned up, kept or persisted: those two steps happen in one place
each (``TempPath._adopt`` and ``TempPath._release``), and that is where the
finalizer is attached and detached and where crash-safe mode records and
forgets the object. The cleanup policy decides what leaving a ``with`` block
does; a forgotten object is removed by its finalizer (the contract of
``weakref.finalize``, see ``_finalizer``) with a ResourceWarning that names it.
``persist()`` never loses the object: a :class:`PersistError` hands it back.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import warnings
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, ClassVar, Final, Literal

from tempkit import _finalizer, crashsafe
from tempkit.backends.protocol import Backend
from tempkit.errors import os_error
from tempkit.path import BackendPath

if TYPE_CHECKING:
    import logging

    if sys.version_info >= (3, 11):
        from typing import Self
    else:
        from typing_extensions import Self

__all__ = [
    "ACTIVE",
    "CLEANED",
    "KEPT",
    "PERSISTED",
    "POLICIES",
    "CleanupPolicy",
    "PersistError",
    "Remover",
    "TempPath",
    "check_perm",
    "check_policy",
    "chmod_no_follow",
    "persist_error",
]

CleanupPolicy = Literal["always", "on_success", "never"]
"""What leaving a temp object's ``with`` block does (the ``cleanup=`` argument of ``create()``).

- "always" (the default): remove it, whether the block succeeded or raised;
- "on_success": remove it if the block succeeded, keep it (and log where, on the
  "tempkit" logger) if the block raised, for a look at what went wrong;
- "never": keep it; only an explicit ``cleanup()`` removes it, and it is never
  removed implicitly (no finalizer, no crash-safe record).

An explicit ``cleanup()`` always cleans, whatever the policy.
"""
POLICIES: Final = frozenset(("always", "on_success", "never"))

# The states of a temp object: managed until one of the other three, for good.
ACTIVE: Final = "active"
CLEANED: Final = "cleaned"
KEPT: Final = "kept"
PERSISTED: Final = "persisted"

# Removes the entry at a path on a backend (the bool: ignore errors). A finalizer
# record holds one, never the object: a record that held it would keep it alive.
Remover = Callable[[Backend, str, bool], None]


def check_policy(policy: str) -> CleanupPolicy:
    """``policy`` if it is a cleanup policy; TypeError if it is no str, ValueError otherwise."""
    if not isinstance(policy, str):
        raise TypeError(
            "cleanup must be a str ('always', 'on_success' or 'never'), "
            f"not {type(policy).__name__}"
        )
    if policy not in POLICIES:
        raise ValueError(f"cleanup must be one of 'always', 'on_success', 'never': {policy!r}")
    return policy  # type: ignore[return-value]


def check_perm(perm: int | None) -> int | None:
    """``perm`` if it is None or mode bits (0 to 0o7777); TypeError or ValueError otherwise."""
    if perm is not None:
        if not isinstance(perm, int) or isinstance(perm, bool):
            raise TypeError(f"perm must be int or None, not {type(perm).__name__}")
        if not 0 <= perm <= 0o7777:
            raise ValueError(f"perm must be between 0 and 0o7777, not {perm:#o}")
    return perm


def _logger() -> logging.Logger:
    # Imported on first use: logging costs more than the rest of ``import tempkit``
    # and only the rare "kept because the block raised" message needs it.
    import logging  # noqa: PLC0415

    return logging.getLogger("tempkit")


def finalize_forgotten(
    remove: Remover, backend: Backend, raw: str, kind: str, message: str | None = None
) -> None:
    """The finalizer of a temp object dropped (or alive at exit) while still managed.

    The ResourceWarning names the ``kind`` of object and its path, unless a
    ``message`` of the caller's own replaces that text.
    """
    # Remove first: under "error::ResourceWarning" the warning raises, and the
    # tree must be gone whatever happens to the warning.
    try:
        remove(backend, raw, True)
        if crashsafe.leased:
            crashsafe.released(raw)
    finally:
        if message is None:
            message = f"implicitly cleaning up {kind} {raw!r}; call cleanup() or use a with block"
        warnings.warn(message, ResourceWarning, stacklevel=2)


class TempPath(BackendPath):
    """A path that owns the file or directory it names.

    Create instances with the ``create()`` class methods of the subclasses.
    """

    __slots__ = ("__weakref__", "_idle", "_policy", "_state")

    _kind: ClassVar[str] = "temp path"
    _policy: CleanupPolicy
    _state: str
    # The implicit cleanup (a finalizer record) while it is switched off: under the
    # policy "never", or after a with block raised under "on_success". None while it
    # is on (filed in the finalizer registry) and once the object owns nothing.
    _idle: _finalizer.Record | None

    def __init__(self, *args: object, **kwargs: object) -> None:
        """Refused: a temp object is made by its class's ``create()``.

        Args:
            *args: not used.
            **kwargs: not used.

        Raises:
            TypeError: always.

        """
        raise TypeError(f"use {type(self).__name__}.create() to make a temp object")

    @property
    def _owner(self) -> BackendPath:  # type: ignore[override]  # read only: never stored
        # Every path derived from a temp object holds the temp object itself
        # (BackendPath._owner): a temp object is the owner of its own tree, and
        # answers this without holding a reference to itself (no cycle, so a
        # forgotten object is still finalized as soon as its last path goes).
        return self

    @staticmethod
    def _remove(backend: Backend, raw: str, ignore_errors: bool) -> None:
        raise NotImplementedError

    @classmethod
    def _adopt(
        cls, raw: str, backend: Backend, policy: CleanupPolicy, remover: Remover | None = None
    ) -> Self:
        """Take ownership of the entry just created at ``raw``.

        ``remover`` replaces ``cls._remove`` in the finalizer of this object. If
        crash-safe mode cannot record the object, the entry is removed and the
        error raised: nothing is left that no one owns.
        """
        # Built field by field: a temp object fills no _owner slot (it answers
        # itself), and this runs on every create().
        self = cls.__new__(cls)
        self._backend = backend
        self._raw = raw
        self._parsed = None
        self._str_normcase = None
        self._policy = policy
        self._state = ACTIVE
        self._manage(raw, cls._remove if remover is None else remover)
        return self

    def _manage(self, raw: str, remove: Remover, *, on_backend: bool = True) -> None:
        """Be answerable for the entry at ``raw`` from now on (again, if called twice).

        Crash-safe mode records it (unless ``on_backend`` is false: nothing is
        on the backend yet), and the finalizer removes it with ``remove`` if
        the object is dropped while managed. Under the policy "never" the
        finalizer is only prepared: setting another policy switches it on.
        """
        backend = self._backend
        record = (finalize_forgotten, remove, backend, raw, self._kind)
        if self._policy == "never":
            self._idle = record
            return
        self._idle = None
        if on_backend and crashsafe.recording:
            _record_or_remove(remove, backend, raw)
        _attach_finalizer(id(self), record)

    def _release(self, state: str) -> None:
        """End ownership: the object is cleaned up, kept or persisted."""
        self._state = state
        self._idle = None
        record = _take_finalizer(id(self), None)
        if record is not None and crashsafe.leased:
            # The path the record covers: a spooled file still in memory has none yet.
            crashsafe.released(record[3])

    def _implicit_cleanup_off(self) -> None:
        """Nothing removes the entry implicitly any more; ``cleanup()`` still does."""
        record = _take_finalizer(id(self), None)
        if record is not None:
            self._idle = record
            if crashsafe.leased:
                crashsafe.released(record[3])

    def _implicit_cleanup_on(self) -> None:
        """The finalizer (and crash-safe mode) answer for the entry again."""
        record = self._idle
        if record is None:
            return  # on already
        raw = record[3]
        if crashsafe.recording and raw == self._raw:
            # Not for a spooled file still in memory: nothing is on the backend.
            # Unlike at creation a failure leaves the entry alone: the caller has it.
            crashsafe.created(self._backend, raw)
        self._idle = None
        _attach_finalizer(id(self), record)

    def __del__(
        self,
        _take: Callable[[int, None], _finalizer.Record | None] = _finalizer.take,
        _run: Callable[[_finalizer.Record], None] = _finalizer.run,
    ) -> None:
        # Dropped while still managed: the finalizer's record runs. The helpers are
        # bound now, as module globals may be gone during interpreter teardown.
        record = _take(id(self), None)
        if record is not None:
            _run(record)

    # -- lifecycle -----------------------------------------------------------------------
    @property
    def policy(self) -> CleanupPolicy:
        """What happens implicitly: "always", "on_success" or "never".

        The policy decides what leaving a ``with`` block, garbage collection
        and interpreter exit do ("never": nothing; "on_success": nothing once
        a ``with`` block has raised). An explicit :meth:`cleanup` always
        cleans, whatever the policy. Setting it switches the implicit cleanup
        off ("never") or on again, for example ``temp.policy = "never"`` to
        keep a tree that the end of the ``with`` block would remove.

        Raises:
            ValueError: (when set) not one of the three policies, or a policy
                a delete-on-close file cannot have.
            TypeError: (when set) not a str.

        """
        return self._policy

    @policy.setter
    def policy(self, policy: CleanupPolicy) -> None:
        policy = check_policy(policy)
        self._check_policy(policy)
        if self._state == ACTIVE:
            if policy == "never":
                self._implicit_cleanup_off()
            else:
                self._implicit_cleanup_on()
        self._policy = policy

    def _check_policy(self, policy: CleanupPolicy) -> None:
        """Refuse (ValueError) a policy this object cannot have; any will do here."""

    @property
    def managed(self) -> bool:
        """True until the object is cleaned up, kept or persisted.

        A temp object whose implicit cleanup is off (the policy "never", or a
        ``with`` block that raised under "on_success") is still managed: its
        :meth:`cleanup` removes it.
        """
        return self._state == ACTIVE

    def cleanup(self, *, ignore_errors: bool = False) -> None:
        """Remove the temp object now, whatever the policy; calling it again does nothing.

        The policy only governs implicit cleanup: an explicit call removes the
        object even under "never" or after a ``with`` block raised under
        "on_success". A directory is removed as a whole tree, without following
        symlinks and making read-only entries writable as needed. After
        :meth:`keep` or :meth:`persist` the object owns nothing and this does
        nothing.

        Args:
            ignore_errors: remove what can be removed and raise nothing.

        Raises:
            CleanupError: some entries could not be removed (unless
                ``ignore_errors``); it names each one, and the object stays
                managed so the call can be retried.

        """
        if self._state != ACTIVE:
            return
        self._remove(self._backend, self._raw, ignore_errors)
        self._release(CLEANED)

    def keep(self) -> BackendPath:
        """Stop managing the temp object and return it as a plain path.

        The entry stays where it is: no ``with`` block, finalizer or sweep
        removes it from now on. Calling it again returns the path again.

        Returns:
            The same path, as a plain :class:`BackendPath` that owns nothing.

        """
        if self._state == ACTIVE:
            self._release(KEPT)
        return BackendPath._from_normalized(self._raw, self._backend)

    def persist(
        self, target: str | os.PathLike[str], *, overwrite: bool = False, perm: int | None = None
    ) -> BackendPath:
        """Atomically move the temp object to ``target`` and stop managing it.

        The move is one rename on the backend, so ``target`` must be on the same
        filesystem (to persist to a directory on another one, create the temp
        object there: ``dir=`` the target's directory); a relative ``target`` is
        taken against the current directory.

        Args:
            target: where the entry goes: a path on the same backend, or text.
            overwrite: replace an existing ``target`` (a file, or an empty
                directory for a directory); without it an existing ``target``
                is never replaced, atomically (no check-then-rename race).
            perm: the mode bits the persisted entry gets (a temp file is 0o600,
                a temp directory 0o700); set before the rename, so the entry
                appears with them, on the entry itself (a symlink put in
                its place is refused, never followed). Ignored on a backend
                without ``capabilities.permissions``.

        Returns:
            The new location as a plain, absolute :class:`BackendPath`.

        Raises:
            PersistError: the move failed: ``target`` exists (also a
                FileExistsError), is on another filesystem, its directory is
                missing, it is the empty string (also a FileNotFoundError)... It
                is also an instance of the underlying OSError type, and the temp
                object is untouched (its mode too) and still managed:
                ``error.temp`` is this object.
            ValueError: the object was already cleaned up, kept or persisted,
                ``target`` is a path on another backend, or ``perm`` is out of range.
            TypeError: ``perm`` is not an int.

        """
        if self._state != ACTIVE:
            raise ValueError(f"{self!r} is no longer managed ({self._state})")
        check_perm(perm)
        backend = self._backend
        source = str(self)
        if isinstance(target, str) and not target:
            # "" names nothing (os.rename refuses it), where a path made of it is the
            # current directory, which overwrite=True would replace if it were empty.
            missing = OSError(errno.ENOENT, os.strerror(errno.ENOENT), source, None, target)
            raise persist_error(self, target, missing)
        destination = self._coerce(target).absolute()
        before: int | None = None
        try:
            if perm is not None and backend.capabilities.permissions:
                before = stat.S_IMODE(backend.stat(source, follow_symlinks=False).st_mode)
                chmod_no_follow(backend, source, perm)
            if overwrite:
                backend.replace(source, str(destination))
            else:
                backend.rename_noreplace(source, str(destination))
        except OSError as exc:
            if before is not None:
                with contextlib.suppress(OSError):
                    chmod_no_follow(backend, source, before)  # untouched, mode included
            raise persist_error(self, str(destination), exc) from exc
        self._release(PERSISTED)
        return destination

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._state != ACTIVE or self._policy == "never":
            return
        if self._policy == "on_success" and exc_type is not None:
            # Kept for a look, but still owned: an explicit cleanup() removes it.
            self._implicit_cleanup_off()
            _logger().warning(
                "kept %s %s because the with block raised %s",
                self._kind,
                self._raw,
                exc_type.__name__,
                extra={"tempkit_path": self._raw},
            )
            return
        self.cleanup()


_attach_finalizer = _finalizer.attach
_take_finalizer = _finalizer.take


def chmod_no_follow(backend: Backend, path: str, mode: int) -> None:
    """Change the mode of the entry at ``path`` itself, never of what a symlink there names.

    Whoever can write to a temp entry's directory can swap the entry for a
    symlink to one of the owner's files between two steps; a by-name ``chmod``
    would then change that file's mode (``persist`` and ``atomic_write`` use this).

    Raises:
        OSError: ELOOP when a symlink is at ``path``; whatever ``chmod`` raises.

    """
    try:
        backend.chmod(path, mode, follow_symlinks=False)
    except NotImplementedError:
        # Only a symlink's own mode cannot change: the temp object is no longer there.
        raise os_error(
            errno.ELOOP, path, "the temp entry was replaced by a symbolic link; not followed"
        ) from None


def _record_or_remove(remove: Remover, backend: Backend, raw: str) -> None:
    """Record a new object in this process's lease; if that fails, remove it and re-raise."""
    try:
        crashsafe.created(backend, raw)
    except BaseException:
        remove(backend, raw, True)
        raise


class PersistError(OSError):
    """``persist()`` could not move the temp object into place.

    The temp object is untouched and still owned: ``temp`` hands it back, so the
    caller can retry, copy it elsewhere, or let it be cleaned up. The error
    raised is also an instance of the cause's type (a ``PersistError`` that is a
    ``FileExistsError``, say), with the cause's ``errno``, ``filename`` (the temp
    object) and ``filename2`` (the target).

    Args:
        temp: the temp object that could not be persisted.
        target: where it was to go.
        cause: the error the backend raised.

    Examples:
        >>> from tempkit import MemoryBackend, PersistError, TempFilePath
        >>> memory = MemoryBackend()
        >>> with TempFilePath.create(backend=memory) as tmp:
        ...     _ = (tmp.parent / "taken").write_text("x", encoding="utf-8")
        ...     try:
        ...         tmp.persist("/tmp/taken")
        ...     except FileExistsError as error:  # also a PersistError
        ...         error.temp is tmp, tmp.managed
        (True, True)

    """

    def __init__(self, temp: TempPath, target: str, cause: OSError) -> None:
        self.temp = temp
        """The temp object, still managed: retry, copy it elsewhere, or clean it up."""
        self.cause = cause
        """The error the backend raised."""
        code = cause.errno if cause.errno is not None else errno.EIO
        if code == errno.EXDEV:
            parent = str(BackendPath(target, backend=temp.backend).parent)
            why = (
                f"the {temp._kind} is on another filesystem than the target; create it "
                f"with dir={parent!r} (the target's directory) so that it can be renamed"
            )
        elif code == errno.EEXIST:
            why = "the target exists; pass overwrite=True to replace it"
        else:
            why = cause.strerror or str(cause)
        super().__init__(code, f"cannot persist temp object: {why}", str(temp), None, target)


_persist_types: dict[type[OSError], type[PersistError]] = {OSError: PersistError}


def persist_error(temp: TempPath, target: str, cause: OSError) -> PersistError:
    """A PersistError that is also an instance of ``cause``'s type.

    ``except FileExistsError`` then still catches a refused no-clobber persist,
    and ``except PersistError`` catches every persist failure.
    """
    kind = type(cause)
    error_type = _persist_types.get(kind)
    if error_type is None:
        error_type = type(f"Persist{kind.__name__}", (PersistError, kind), {})
        _persist_types[kind] = error_type
    return error_type(temp, target, cause)
