"""Where the pytest plugin puts temp dirs: one base directory per run and backend, kept or not.

The plugin's ``temp_dir_factory`` is a :class:`TempDirFactory`. On each
backend it gives the run one base directory, made on first use:

- by default a numbered run, ``<temp dir>/tempkit-of-<user>/run-<N>``, under a
  per-user root that must be a real directory of the current user with mode
  0o700 (a symlink, another owner or a looser mode is refused, never repaired:
  whoever could put it there could also have put things inside);
- with ``--basetemp`` (on the local disk), that directory itself; tempkit makes
  it if it does not exist and otherwise only adds to it;
- in a pytest-xdist worker, ``<the controller's base>/<worker id>`` on the disk.

What stays afterwards is the retention policy's choice ("all", "failed" or
"none"; :meth:`TempDirFactory.finish`), and of the numbered runs the newest
``retention_count`` are kept: older ones are claimed by an atomic rename
(so two sessions never remove the same run, pytest-dev/pytest#5456) and
removed with the backend's robust ``rmtree``. A run in use carries a lock
file from the moment it appears (it is built under a private name and renamed
into place), so a concurrent session never takes it for an old one.

Nothing here imports pytest: the plugin passes in what it read from the
configuration.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import getpass
import logging
import os
import re
import stat
import sys
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from tempkit import naming
from tempkit._pytest_retention import POLICIES, RetentionPolicy
from tempkit.backends import Backend, get_backend
from tempkit.backends.posix import os_is_real
from tempkit.errors import CleanupError, os_error
from tempkit.path import BackendPath
from tempkit.resolver import gettempdir
from tempkit.temp import TempDirPath

__all__ = [
    "LOCK_NAME",
    "LOCK_TIMEOUT",
    "POLICIES",
    "RetentionPolicy",
    "TempDirFactory",
    "root_name",
]

LOCK_NAME: Final = ".lock"
# A lock this old belongs to a session that died without removing it (pytest's figure).
LOCK_TIMEOUT: Final = 3 * 24 * 3600.0
# A live session touches its lock at most this often, so a long run never looks dead.
_LOCK_REFRESH: Final = 3600.0
_RUN: Final = re.compile(r"run-(\d+)")
_STAGING_PREFIX: Final = ".new-"
_GARBAGE_PREFIX: Final = "garbage-"
_NUMBERED_TRIES: Final = 10_000


def _logger() -> logging.Logger:
    return logging.getLogger("tempkit")


@functools.cache
def root_name() -> str:
    """The per-user root's name, ``tempkit-of-<user>`` (like pytest's ``pytest-of-<user>``)."""
    try:
        user = getpass.getuser()
    except (ImportError, KeyError, OSError):  # no login name and no passwd entry
        user = f"uid{os.getuid()}" if hasattr(os, "getuid") else "unknown"
    return "tempkit-of-" + re.sub(r"[^\w.-]", "_", user)


def _current_uid() -> int | None:
    return os.geteuid() if hasattr(os, "geteuid") else None


@dataclass
class _Base:
    """One base directory of this run on one backend (strings only: no backend reference)."""

    raw: str
    created: bool  # made by this process in this run: it may be removed as a whole
    lock: str | None = None  # the run's lock file, while this process holds it
    numbered: bool = False  # a run-<N> under the per-user root (retention count applies)
    made: list[str] = field(default_factory=list)  # mktemp entries, when not created
    counters: dict[str, int] = field(default_factory=dict)  # next number per mktemp name
    touched: float = 0.0


class TempDirFactory:
    """Makes temp directories for a pytest run, under one base directory per backend.

    The plugin makes one per session (the ``temp_dir_factory`` fixture, like
    pytest's ``tmp_path_factory``); ``temp_dir`` puts each test's directory in
    the base of the test's backend.

    Args:
        backend: the backend ``mktemp()`` and ``getbasetemp()`` use by default:
            a backend, a callable that makes one (called once, on first use), or
            None for the backend current at first use.
        basetemp: a directory on the local disk to use as the base there, in
            place of a numbered run (pytest's ``--basetemp``).
        retention_count: how many numbered runs to keep, this one included.
        retention_policy: "all" keeps every directory, "failed" those of
            failed tests (all of the run if nothing failed is removed), "none"
            removes the run at the end.
        shared_base: in a pytest-xdist worker, the controller's base on the
            local disk; this worker's base is ``<shared_base>/<worker_id>``.
        worker_id: the pytest-xdist worker id (with ``shared_base``).

    Raises:
        ValueError: an unknown policy or a negative count.
        TypeError: a count that is not an int.

    """

    def __init__(
        self,
        backend: Backend | Callable[[], Backend] | None = None,
        *,
        basetemp: str | os.PathLike[str] | None = None,
        retention_count: int = 3,
        retention_policy: str = "all",
        shared_base: str | None = None,
        worker_id: str | None = None,
    ) -> None:
        if not isinstance(retention_count, int) or isinstance(retention_count, bool):
            raise TypeError(f"retention count must be an int, not {type(retention_count).__name__}")
        if retention_count < 0:
            raise ValueError(f"retention count must be 0 or more, not {retention_count}")
        if retention_policy not in POLICIES:
            raise ValueError(
                f"retention policy must be one of {', '.join(POLICIES)}, not {retention_policy!r}"
            )
        if (shared_base is None) != (worker_id is None):
            raise ValueError("give shared_base and worker_id together")
        self._backend_source = backend
        self._backend: Backend | None = backend if isinstance(backend, Backend) else None
        self._basetemp = None if basetemp is None else os.path.abspath(os.fspath(basetemp))
        self.retention_count = retention_count
        self.retention_policy: RetentionPolicy = retention_policy
        self._shared = None if shared_base is None else (shared_base, worker_id or "")
        # The local disk is one filesystem whichever backend object reaches it; the base
        # on any other backend belongs to that backend object and goes when it goes.
        self._disk: _Base | None = None
        self._disk_backend: Backend | None = None
        self._others: weakref.WeakKeyDictionary[Backend, _Base] = weakref.WeakKeyDictionary()

    # -- public API ----------------------------------------------------------------------------
    @property
    def backend(self) -> Backend:
        """The backend ``mktemp()`` and ``getbasetemp()`` use when not given one."""
        if self._backend is None:
            source = self._backend_source
            self._backend = source() if callable(source) else get_backend()
        return self._backend

    def getbasetemp(self, backend: Backend | None = None) -> BackendPath:
        """This run's base directory on ``backend`` (the factory's own by default).

        Made on first use; later calls return the same directory.

        Raises:
            PermissionError: the per-user root is a symlink, belongs to another
                user, or does not have mode 0o700.
            NotADirectoryError: the per-user root or ``--basetemp`` is not a
                directory.
            OSError: the base could not be made.

        """
        backend = self.backend if backend is None else backend
        return BackendPath(self._base(backend).raw, backend=backend)

    def mktemp(
        self, basename: str, numbered: bool = True, *, backend: Backend | None = None
    ) -> BackendPath:
        """Make a new directory, mode 0o700, in the base on ``backend``.

        Args:
            basename: a single name component (no separator, not "." or "..").
            numbered: add the first free number (``basename0``, ``basename1``...),
                as pytest's ``tmp_path_factory.mktemp`` does; without it the
                directory is ``basename`` itself.
            backend: where to make it (the factory's backend by default).

        Returns:
            The new directory as a plain path: it belongs to the run and stays
            or goes with it, by the retention policy.

        Raises:
            TypeError: ``basename`` is not a str.
            ValueError: ``basename`` is empty, ".", ".." or contains a separator.
            FileExistsError: ``numbered`` is false and the directory exists.

        """
        if not isinstance(basename, str):
            raise TypeError(f"basename must be str, not {type(basename).__name__}")
        backend = self.backend if backend is None else backend
        flavour = backend.flavour
        if basename in ("", ".", "..") or flavour.has_separator(basename) or "\0" in basename:
            raise ValueError(f"basename must be one name, without a path separator: {basename!r}")
        base = self._base(backend)
        prefix = base.raw.rstrip(flavour.sep) + flavour.sep
        if not numbered:
            backend.mkdir(prefix + basename, 0o700)
            return self._made(base, prefix + basename, backend)
        number = base.counters.get(basename, 0)
        for number in range(number, number + _NUMBERED_TRIES):  # noqa: B020 - resumes the count
            try:
                backend.mkdir(f"{prefix}{basename}{number}", 0o700)
            except FileExistsError:
                continue
            base.counters[basename] = number + 1
            return self._made(base, f"{prefix}{basename}{number}", backend)
        raise os_error(errno.EEXIST, prefix + basename, "no free number for this name")

    def make_temp_dir(self, prefix: str, backend: Backend) -> TempDirPath:
        """A fresh ``TempDirPath`` in the base on ``backend``: what ``temp_dir`` is.

        Args:
            prefix: the start of its name (the random part follows).
            backend: where to make it.

        Returns:
            The directory, mode 0o700, managed: the caller keeps or removes it.

        Raises:
            PermissionError: the per-user root is refused (see ``getbasetemp``).
            ValueError: ``prefix`` contains a path separator.

        """
        return TempDirPath.create(prefix=prefix, dir=self._base(backend).raw, backend=backend)

    def finish(self, *, failed: bool) -> None:
        """End the run: apply the retention policy to every base this process made.

        ``failed`` says whether any test of the run failed. "none" (or a count
        of 0) removes the bases; "failed" removes them when nothing failed;
        "all" keeps them. What tempkit did not make (a ``--basetemp`` that
        existed) is never removed, only what tempkit made in it. A base left
        empty is removed, and the lock of a kept run is taken away.
        """
        remove = self.retention_policy == "none" or (
            self.retention_policy == "failed" and not failed
        )
        if self._disk is not None and self._disk_backend is not None:
            self._finish_base(self._disk_backend, self._disk, remove=remove)
            self._disk = None
        for backend, base in list(self._others.items()):
            self._finish_base(backend, base, remove=remove)
        self._others.clear()

    def disk_base_for_workers(self) -> str:
        """The local-disk base that pytest-xdist workers share (made if needed)."""
        from tempkit.backends import local_backend  # noqa: PLC0415 - cheap, already loaded

        return self._base(local_backend()).raw

    # -- bases ------------------------------------------------------------------------------
    def _base(self, backend: Backend) -> _Base:
        if backend.capabilities.local_paths and not os_is_real():
            # pyfakefs's disk: each of its fixtures brings a fresh one that goes with it,
            # so a run is made there for this call and never taken for the real disk's.
            return self._make_run(backend)
        if backend.capabilities.local_paths:
            base = self._disk
            if base is None:
                base = self._make_base(backend, local=True)
                self._disk, self._disk_backend = base, backend
        else:
            base = self._others.get(backend)
            if base is None:
                base = self._others[backend] = self._make_base(backend, local=False)
        if base.lock is not None:
            now = time.time()
            if now - base.touched > _LOCK_REFRESH:
                backend.utime(base.lock)
                base.touched = now
        return base

    def _make_base(self, backend: Backend, *, local: bool) -> _Base:
        if local and self._shared is not None:
            shared, worker_id = self._shared
            return _make_or_reuse(backend, os.path.join(shared, worker_id), "the worker's base")
        if local and self._basetemp is not None:
            return _make_or_reuse(backend, self._basetemp, "--basetemp")
        return self._make_run(backend)

    def _make_run(self, backend: Backend) -> _Base:
        flavour = backend.flavour
        root = gettempdir(backend).rstrip(flavour.sep) + flavour.sep + root_name()
        new_root = _ensure_private_root(backend, root)
        if _process_private(backend):
            # No other session can see this backend: its run needs no lock, and a root
            # made just now has no old runs to look for (each test's fresh MemoryBackend).
            run = _new_run(backend, root, first=new_root)
            if not new_root:
                _remove_old_runs(backend, root, keep=self.retention_count, current=run)
            return _Base(run, created=True, numbered=True)
        run, lock = _new_locked_run(backend, root)
        _remove_old_runs(backend, root, keep=self.retention_count, current=run)
        return _Base(run, created=True, numbered=True, lock=lock, touched=time.time())

    def _made(self, base: _Base, raw: str, backend: Backend) -> BackendPath:
        if not base.created:
            base.made.append(raw)
        return BackendPath(raw, backend=backend)

    def _finish_base(self, backend: Backend, base: _Base, *, remove: bool) -> None:
        remove = remove or (base.numbered and self.retention_count == 0)
        if base.lock is not None:
            _quietly(backend.unlink, base.lock)
            base.lock = None
        if remove:
            targets = [base.raw] if base.created else base.made
            for raw in targets:
                _remove(backend, raw)
        elif base.created:
            _quietly(backend.rmdir, base.raw)  # only succeeds when nothing was kept in it


# -- the per-user root and its runs ------------------------------------------------------------
def _make_or_reuse(backend: Backend, raw: str, what: str) -> _Base:
    """``raw`` as a base: made now (and so ours to remove), or an existing directory to add to."""
    try:
        backend.mkdir(raw, 0o700)
    except FileExistsError:
        if not stat.S_ISDIR(backend.stat(raw).st_mode):
            raise os_error(errno.ENOTDIR, raw, f"{what} is not a directory") from None
        return _Base(raw, created=False)
    return _Base(raw, created=True)


def _ensure_private_root(backend: Backend, root: str) -> bool:
    """Make the per-user root, or accept an existing one only if it is safely ours.

    Returns whether the root was made just now.

    A symlink, another user's directory or a looser mode is refused, never
    followed or repaired (pytest's CVE-2025-71176 and pytest-dev/pytest#13669):
    another user could have made it, and put things in it.
    """
    try:
        backend.mkdir(root, 0o700)
        created = True
    except FileExistsError:
        created = False
    info = backend.stat(root, follow_symlinks=False)
    advice = "remove it, or point TMPDIR or --basetemp somewhere else, and run again"
    if stat.S_ISLNK(info.st_mode):
        raise os_error(
            errno.EACCES,
            root,
            f"tempkit's per-user temp root is a symbolic link; it is never followed: {advice}",
        )
    if not stat.S_ISDIR(info.st_mode):
        raise os_error(
            errno.ENOTDIR, root, f"tempkit's per-user temp root is not a directory: {advice}"
        )
    if not backend.capabilities.permissions:
        return created  # no owners or modes to check (Windows, object stores)
    uid = _current_uid()
    if uid is not None and info.st_uid != uid:
        raise os_error(
            errno.EACCES,
            root,
            f"tempkit's per-user temp root belongs to uid {info.st_uid}, not to this user "
            f"(uid {uid}): {advice}",
        )
    mode = stat.S_IMODE(info.st_mode)
    if mode != 0o700:
        if not created:
            raise os_error(
                errno.EACCES,
                root,
                f"tempkit's per-user temp root has mode {mode:#o}, not 0o700, so others may "
                f"have reached it: {advice}",
            )
        backend.chmod(root, 0o700)  # ours since a moment ago; the umask took bits away
    return created


def _run_numbers(backend: Backend, root: str) -> dict[int, str]:
    numbers: dict[int, str] = {}
    for entry in backend.scandir(root):
        match = _RUN.fullmatch(entry.name)
        if match:
            numbers[int(match.group(1))] = entry.path
    return numbers


def _process_private(backend: Backend) -> bool:
    """Whether ``backend`` is a MemoryBackend, whose files no other process can see."""
    memory = sys.modules.get("tempkit.backends.memory")  # never loaded just to ask
    return memory is not None and isinstance(backend, memory.MemoryBackend)


def _new_run(backend: Backend, root: str, *, first: bool) -> str:
    """Make ``run-<N>``, N one above the highest (0 in a root made just now)."""
    prefix = root + backend.flavour.sep + "run-"
    number = 0 if first else max(_run_numbers(backend, root), default=-1) + 1
    for number in range(number, number + naming.MAX_TRIES):  # noqa: B020 - resumes the count
        try:
            backend.mkdir(f"{prefix}{number}", 0o700)
        except FileExistsError:
            continue
        return f"{prefix}{number}"
    raise os_error(errno.EEXIST, root, f"no free run number after {naming.MAX_TRIES} tries")


def _new_locked_run(backend: Backend, root: str) -> tuple[str, str]:
    """Make ``run-<N>`` (N one above the highest) with its lock already inside.

    The run is built under a private name and renamed into place, so no other
    session ever sees it without its lock.
    """
    sep = backend.flavour.sep
    staging = TempDirPath.create(
        prefix=_STAGING_PREFIX, dir=root, backend=backend, cleanup="never"
    ).keep()
    staged = str(staging)
    try:
        with (staging / LOCK_NAME).open("xb") as lock:
            lock.write(b"%d\n" % os.getpid())
        for _ in range(naming.MAX_TRIES):
            numbers = _run_numbers(backend, root)
            run = f"{root}{sep}run-{max(numbers, default=-1) + 1}"
            try:
                backend.rename_noreplace(staged, run)
            except FileExistsError:
                continue
            except OSError as exc:
                if exc.errno != errno.ENOTEMPTY:  # a plain rename onto a full directory
                    raise
                continue
            return run, run + sep + LOCK_NAME
    except BaseException:
        _remove(backend, staged)
        raise
    _remove(backend, staged)
    raise os_error(errno.EEXIST, root, f"no free run number after {naming.MAX_TRIES} tries")


def _is_live(backend: Backend, run: str) -> bool:
    """Whether ``run`` holds the lock of a session that may still be running."""
    try:
        info = backend.stat(run + backend.flavour.sep + LOCK_NAME, follow_symlinks=False)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: leave it alone
    return time.time() - info.st_mtime < LOCK_TIMEOUT


def _remove_old_runs(backend: Backend, root: str, *, keep: int, current: str) -> None:
    """Remove unlocked runs older than the newest ``keep``, and leftovers of crashed removals."""
    numbers = _run_numbers(backend, root)
    newest = max(numbers, default=0)
    for number, run in sorted(numbers.items()):
        if number > newest - keep or run == current or _is_live(backend, run):
            continue
        _claim_and_remove(backend, root, run)
    now = time.time()
    for entry in list(backend.scandir(root)):
        name = entry.name
        if name.startswith(_GARBAGE_PREFIX):
            _claim_and_remove(backend, root, entry.path)
        elif name.startswith(_STAGING_PREFIX):
            try:
                stale = now - entry.stat(follow_symlinks=False).st_mtime > LOCK_TIMEOUT
            except OSError:
                continue
            if stale:
                _claim_and_remove(backend, root, entry.path)


def _claim_and_remove(backend: Backend, root: str, path: str) -> None:
    """Rename ``path`` to a fresh garbage name, then remove it; someone else's claim wins."""
    try:
        if not stat.S_ISDIR(backend.stat(path, follow_symlinks=False).st_mode):
            return  # not something tempkit made in its root
        garbage, _ = naming.create_unique(
            root,
            backend.flavour.sep,
            _GARBAGE_PREFIX,
            "",
            naming.DEFAULT_LENGTH,
            lambda target: backend.rename_noreplace(path, target),
        )
    except FileNotFoundError:
        return  # another session claimed it first
    _remove(backend, garbage)


def _remove(backend: Backend, raw: str) -> None:
    """Remove a tree tempkit made; a failure is logged, not raised (the run goes on)."""
    try:
        backend.rmtree(raw)
    except FileNotFoundError:
        pass
    except (CleanupError, OSError) as exc:
        _logger().warning("tempkit could not remove %s: %s", raw, exc)


def _quietly(operation: Callable[[str], None], raw: str) -> None:
    with contextlib.suppress(OSError):
        operation(raw)
