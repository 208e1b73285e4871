"""MemoryBackend: a faithful POSIX filesystem in process memory, for tests.

Each instance is its own filesystem, isolated from every other, safe to use
from several threads, and indistinguishable from the local disk for the code
above the backend: same errors (builtin OSError subclasses with errno and
file names as Linux gives them), same permission enforcement (as for a user
who is not root), same open-file objects. Only the escape hatch to the real
OS is closed: ``os.fspath()`` of a memory path raises TypeError.
"""

from __future__ import annotations

import itertools
import os
import stat
import threading
import weakref
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from typing import IO, Any, Final

from tempkit._flavour import POSIX, WINDOWS, Flavour
from tempkit.backends._memory_files import (
    MemoryFileIO,
    open_stack,
    parse_mode,
    refuse_kindless,
)
from tempkit.backends._memory_names import Names, PathFailure, PosixNames
from tempkit.backends._memory_nodes import Node, now_ns, stat_of
from tempkit.backends._memory_rmtree import MemoryTreeOps
from tempkit.backends._memory_tree import MemoryTree, OpenRequest
from tempkit.backends._rmtree import remove_tree
from tempkit.backends.protocol import Capabilities
from tempkit.errors import os_error

__all__ = ["MemoryBackend", "MemoryDirEntry"]

_PLATFORM_TEMP_DIRS: Final[Mapping[str, tuple[str, ...]]] = {
    # CPython's tempfile list for every POSIX system.
    "posix": ("/tmp", "/var/tmp", "/usr/tmp"),
    "linux": ("/tmp", "/var/tmp", "/usr/tmp"),
    "darwin": ("/tmp", "/var/tmp", "/usr/tmp"),
}
_TEMP_DIR_MODE: Final = 0o1777  # /tmp: world-writable and sticky
_SYSTEM_DIR_MODE: Final = 0o755

# Distinct st_dev per instance: two memory filesystems never share an inode.
_devices = itertools.count(0x7E0000)


class MemoryBackend:
    """A POSIX filesystem in memory: ``/``, ``/tmp`` and the current directory to start with.

    Args:
        environ: the environment variables this world has (default: none),
            which is where the resolver looks for TMPDIR, TEMP and TMP.
        platform: whose conventional temp directories ``platform_temp_dirs()``
            lists: "posix" (also "linux", "darwin").
        cwd: the absolute current directory; created (with its parents) if missing.
        flavour: path syntax, "posix" (default) or a :class:`~tempkit._flavour.Flavour`;
            "windows" makes a Windows world (drives, case-insensitive names, share
            modes, delete-on-close: see ``_memory_windows``), which also takes
            ``sharing_timeout``, has platform "windows" and starts in drive C.
        umask: applied to the modes of new files and directories, as the
            process umask is on the disk.

    Example:
        >>> from tempkit import MemoryBackend, TempDirPath
        >>> memory = MemoryBackend(environ={"TMPDIR": "/tmp"})
        >>> with TempDirPath.create(backend=memory) as tmp:
        ...     (tmp / "a.txt").write_text("hi", encoding="utf-8")
        2

    """

    name: str = "memory"
    capabilities: Capabilities = Capabilities(
        permissions=True,
        symlinks=True,
        descriptors=False,
        atomic_exclusive_create=True,
        local_paths=False,
        real_directories=True,
        delete_on_close=False,
    )

    def __new__(cls, *args: Any, **kwargs: Any) -> MemoryBackend:
        """``flavour="windows"`` makes the subclass that adds the Windows file rules."""
        flavour = kwargs.get("flavour")
        if cls is MemoryBackend and (flavour == "windows" or flavour is WINDOWS):
            from tempkit.backends._memory_windows import WindowsMemoryBackend  # noqa: PLC0415

            return super().__new__(WindowsMemoryBackend)
        return super().__new__(cls)

    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        platform: str = "posix",
        cwd: str = "/",
        *,
        flavour: Flavour | str | None = None,
        umask: int = 0o022,
        sharing_timeout: float | None = None,
    ) -> None:
        if sharing_timeout is not None:
            # Only the Windows flavour (a subclass, made by __new__) has share modes.
            raise TypeError("sharing_timeout applies to MemoryBackend(flavour='windows') only")
        names = _names_for(flavour)
        self.flavour: Flavour = names.flavour
        if platform not in _PLATFORM_TEMP_DIRS:
            known = ", ".join(sorted(_PLATFORM_TEMP_DIRS))
            raise ValueError(f"unknown platform {platform!r}; expected one of: {known}")
        self.platform = platform
        self._environ = _copy_environ(environ)
        if not isinstance(umask, int) or not 0 <= umask <= 0o777:
            raise ValueError(f"umask must be an int between 0 and 0o777, not {umask!r}")
        if not isinstance(cwd, str) or not cwd or not names.split(cwd).absolute:
            raise ValueError(f"cwd must be an absolute path, not {cwd!r}")
        self._lock = threading.RLock()
        # Whole-file reads and writes may bypass open() unless a subclass (the
        # Windows flavour, with share modes) has rules of its own for opening.
        self._plain_open = type(self).open is MemoryBackend.open
        self._device = next(_devices)
        self._tree = MemoryTree(names, umask=umask)
        self._tree.install_directory("/tmp", _TEMP_DIR_MODE)
        self._tree.cwd = self._tree.install_directory(cwd, _SYSTEM_DIR_MODE)
        _instances.add(self)

    def __repr__(self) -> str:
        return f"MemoryBackend(dev={self._device:#x})"

    @property
    def umask(self) -> int:
        """The mask applied to new entries' modes."""
        return self._tree.umask

    # -- environment -----------------------------------------------------------
    def environ(self) -> MutableMapping[str, str]:
        """This world's environment variables (a dict; changing it changes the world)."""
        return self._environ

    def platform_temp_dirs(self) -> Sequence[str]:
        """The conventional temp directories of ``platform``, in preference order."""
        return _PLATFORM_TEMP_DIRS[self.platform]

    def getcwd(self) -> str:
        """The current directory; FileNotFoundError once it has been removed."""
        with self._lock:
            try:
                names = self._tree.getcwd()
            except PathFailure as failure:
                raise OSError(failure.code, os.strerror(failure.code)) from None
        sep = self.flavour.sep
        return sep + sep.join(names)

    def fspath(self, path: str) -> str:
        """Refuse: a memory path has no OS path, so it can never reach the real disk."""
        raise TypeError(
            f"{path!r} is a path on a MemoryBackend and has no OS path: use the path's own "
            "methods (open(), read_bytes(), write_text(), ...) instead of os.fspath(), "
            "open() or subprocess, or use a real-disk backend for this code "
            "(tempkit.use_backend(tempkit.PosixBackend()))"
        )

    # -- creation ---------------------------------------------------------------
    def create_file(self, path: str, perm: int = 0o600) -> None:
        """Create an empty file exclusively (a symlink at ``path`` counts as existing)."""
        with self._lock:
            try:
                self._tree.open(path, _CREATE_EXCLUSIVE, perm)
            except PathFailure as failure:
                raise os_error(failure.code, path) from None

    def mkdir(self, path: str, perm: int = 0o700) -> None:
        """Create a directory exclusively; ``perm`` is masked by the umask."""
        # acquire/release rather than ``with``: 0.1 us less per call on 3.13, and
        # mkdir, the whole-file read and write and rmtree are each one step of
        # every temp directory's life.
        self._lock.acquire()
        try:
            self._tree.mkdir(path, perm)
        except PathFailure as failure:
            raise os_error(failure.code, path) from None
        finally:
            self._lock.release()

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
        """Open like the builtin ``open``: the same io classes over an in-memory raw file."""
        parsed = parse_mode(mode, buffering, encoding, errors, newline)
        if parsed.kindless:
            refuse_kindless(parsed, lambda: self._tree.check_text(path))
        with self._lock:
            try:
                node = self._tree.open(path, parsed.request, perm)
            except PathFailure as failure:
                raise os_error(failure.code, path) from None
            raw = MemoryFileIO(node, path, parsed, self._lock)
        return open_stack(raw, parsed, mode, encoding, errors, newline)

    # -- whole files (see tempkit._whole_files) -------------------------------------
    def read_whole_file(self, path: str) -> bytes:
        """``open(path, "rb").read()`` in one step: the same checks and errors, no file object."""
        if not self._plain_open:
            # A subclass with rules of its own for opening (Windows share modes) keeps them.
            with self.open(path, "rb") as file:
                data: bytes = file.read()
                return data
        self._lock.acquire()  # not ``with``: see mkdir
        try:
            node = self._tree.open_for_reading(path)
            node.atime_ns = now_ns()
            return bytes(node.data)
        except PathFailure as failure:
            raise os_error(failure.code, path) from None
        finally:
            self._lock.release()

    def write_whole_file(self, path: str, data: bytes | bytearray | memoryview) -> None:
        """``open(path, "wb")`` and one write of ``data``, in one step (same checks and errors)."""
        if self._plain_open and (type(data) is bytes or type(data) is bytearray):
            self._replace_contents(path, data)
            return
        view = memoryview(data)
        if not self._plain_open or not view.c_contiguous:
            with self.open(path, "wb") as file:
                file.write(view)
            return
        with view, view.cast("B") as source:
            self._replace_contents(path, source)

    def _replace_contents(self, path: str, source: bytes | bytearray | memoryview) -> None:
        self._lock.acquire()  # not ``with``: see mkdir
        try:
            node = self._tree.open_for_replacing(path)
            if source:  # set-ID bits went with the truncation, as on the disk
                node.data[:] = source
                node.touch_modified(now_ns())
        except PathFailure as failure:
            raise os_error(failure.code, path) from None
        finally:
            self._lock.release()

    # -- inspection -----------------------------------------------------------
    def stat(self, path: str, *, follow_symlinks: bool = True) -> os.stat_result:
        """``os.stat`` / ``os.lstat`` of an in-memory entry."""
        with self._lock:
            try:
                node = self._tree.resolve(path, follow=follow_symlinks)
            except PathFailure as failure:
                raise os_error(failure.code, path) from None
            return stat_of(node, self._device)

    def scandir(self, path: str) -> Iterator[MemoryDirEntry]:
        """The entries of a directory, read when the iteration starts (needs ``r``)."""
        with self._lock:
            try:
                listing = self._tree.listdir(path)
            except PathFailure as failure:
                raise os_error(failure.code, path) from None
        sep = self.flavour.sep
        prefix = path if path.endswith(sep) else path + sep
        for name, node in listing:
            yield MemoryDirEntry(self, name, prefix + name, node)

    def readlink(self, path: str) -> str:
        """The target of a symlink; EINVAL for anything else."""
        with self._lock:
            try:
                return self._tree.readlink(path)
            except PathFailure as failure:
                raise os_error(failure.code, path) from None

    def realpath(self, path: str, *, strict: bool = False) -> str:
        """``os.path.realpath`` over this filesystem (Python 3.13 semantics)."""
        with self._lock:
            return _realpath(self, path, strict=strict)

    # -- mutation -------------------------------------------------------------
    def unlink(self, path: str) -> None:
        """Remove a file or symlink; open handles keep working."""
        with self._lock:
            try:
                self._tree.unlink(path)
            except PathFailure as failure:
                raise os_error(failure.code, path) from None

    def rmdir(self, path: str) -> None:
        """Remove an empty directory."""
        with self._lock:
            try:
                self._tree.rmdir(path)
            except PathFailure as failure:
                raise os_error(failure.code, path) from None

    def _rename(self, src: str, dst: str, *, noreplace: bool) -> None:
        with self._lock:
            try:
                self._tree.rename(src, dst, noreplace=noreplace)
            except PathFailure as failure:
                raise os_error(failure.code, src, None, dst) from None

    def rename(self, src: str, dst: str) -> None:
        """``os.rename`` with Linux rules (never EXDEV: one filesystem)."""
        self._rename(src, dst, noreplace=False)

    def replace(self, src: str, dst: str) -> None:
        """``os.replace``: on POSIX the same as rename."""
        self._rename(src, dst, noreplace=False)

    def rename_noreplace(self, src: str, dst: str) -> None:
        """Atomic no-clobber rename: FileExistsError if ``dst`` exists."""
        self._rename(src, dst, noreplace=True)

    def chmod(self, path: str, mode: int, *, follow_symlinks: bool = True) -> None:
        """Change permission bits (a symlink's own mode cannot change, as on Linux)."""
        with self._lock:
            try:
                self._tree.chmod(path, mode, follow=follow_symlinks)
            except PathFailure as failure:
                raise os_error(failure.code, path) from None

    def symlink(self, target: str, path: str, *, target_is_directory: bool = False) -> None:
        """Create a symlink; errors name ``target`` and ``path`` as ``os.symlink`` does."""
        with self._lock:
            try:
                self._tree.symlink(target, path)
            except PathFailure as failure:
                raise os_error(failure.code, target, None, path) from None

    def utime(self, path: str) -> None:
        """Set access, modification and change times to now."""
        with self._lock:
            try:
                self._tree.utime(path)
            except PathFailure as failure:
                raise os_error(failure.code, path) from None

    def rmtree(self, path: str, *, ignore_errors: bool = False) -> None:
        """Remove a tree as the local disk does (see ``_rmtree`` and ``_memory_rmtree``).

        The common case, a tree whose directories all grant the owner rwx, goes
        in one step under the lock; anything else takes the shared walker over
        directory handles, which opens up read-only directories and names what
        it cannot remove.
        """
        self._lock.acquire()  # not ``with``: see mkdir
        try:
            if self._tree.remove_open_tree(path):
                return
        finally:
            self._lock.release()
        remove_tree(MemoryTreeOps(self), path, self.flavour.sep, ignore_errors=ignore_errors)


class MemoryDirEntry:
    """One entry of ``MemoryBackend.scandir``, with the API of ``os.DirEntry``.

    The entry type is known from the listing (as ``d_type`` is); ``stat()``
    looks the name up when first asked and caches the answer, as os.DirEntry does.
    """

    __slots__ = ("_backend", "_lstat", "_mode", "_node", "_stat", "name", "path")

    def __init__(self, backend: MemoryBackend, name: str, path: str, node: Node) -> None:
        self._backend = backend
        self.name = name
        self.path = path
        self._node = node
        self._mode = node.mode
        self._stat: os.stat_result | None = None
        self._lstat: os.stat_result | None = None

    def __repr__(self) -> str:
        return f"<MemoryDirEntry {self.name!r}>"

    def __fspath__(self) -> str:
        return self._backend.fspath(self.path)

    def inode(self) -> int:
        """The entry's inode number."""
        return self._node.ino

    def is_symlink(self) -> bool:
        """True for a symbolic link."""
        return stat.S_ISLNK(self._mode)

    def _test_mode(self, test: Any, follow_symlinks: bool) -> bool:
        if follow_symlinks and self.is_symlink():
            try:
                return bool(test(self.stat().st_mode))
            except FileNotFoundError:
                return False
        return bool(test(self._mode))

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        """True for a directory, or a symlink to one when following links."""
        return self._test_mode(stat.S_ISDIR, follow_symlinks)

    def is_file(self, *, follow_symlinks: bool = True) -> bool:
        """True for a regular file, or a symlink to one when following links."""
        return self._test_mode(stat.S_ISREG, follow_symlinks)

    def is_junction(self) -> bool:
        """Never: junctions are a Windows thing (``os.DirEntry`` API, 3.12+)."""
        return False

    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        """The entry's stat result, looked up once and cached."""
        if follow_symlinks and self.is_symlink():
            if self._stat is None:
                self._stat = self._backend.stat(self.path)
            return self._stat
        if self._lstat is None:
            self._lstat = self._backend.stat(self.path, follow_symlinks=False)
        return self._lstat


def _realpath(backend: MemoryBackend, path: str, *, strict: bool) -> str:
    """``posixpath.realpath`` (3.13 algorithm) with this backend's lstat and readlink.

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
        try:
            is_link = stat.S_ISLNK(backend.stat(candidate, follow_symlinks=False).st_mode)
        except OSError:
            if strict:
                raise
            is_link = False
        if not is_link:
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


def _names_for(flavour: Flavour | str | None) -> Names:
    if flavour is None or flavour == "posix" or flavour is POSIX:
        return PosixNames()
    if flavour == "windows" or flavour is WINDOWS:
        from tempkit.backends._memory_windows import WindowsNames  # noqa: PLC0415

        return WindowsNames()
    raise ValueError(f"flavour must be 'posix' or 'windows', not {flavour!r}")


def _copy_environ(environ: Mapping[str, str] | None) -> dict[str, str]:
    if environ is None:
        return {}
    if not isinstance(environ, Mapping):
        raise TypeError(f"environ must be a mapping of str to str, not {type(environ).__name__}")
    copied = dict(environ)
    for key, value in copied.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(f"environ must map str to str, got {key!r}: {value!r}")
    return copied


# open(O_RDWR | O_CREAT | O_EXCL), which never follows a symlink at the name.
_CREATE_EXCLUSIVE: Final = OpenRequest(readable=True, writable=True, create=True, exclusive=True)

# A fork while another thread holds an instance's lock would leave the child's
# copy locked forever; give every copy a fresh lock in the child.
_instances: weakref.WeakSet[MemoryBackend] = weakref.WeakSet()


def _reset_locks_after_fork() -> None:
    # In place, so the open files of each instance, which share its lock, are freed too.
    for backend in list(_instances):
        backend._lock._at_fork_reinit()  # type: ignore[attr-defined]


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_locks_after_fork)
