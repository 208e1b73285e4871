"""Robust removal of a temp tree, shared by every backend.

One walker holds the policy (never follow a symlink, fix permissions once and
retry, collect every failure and report them together); small "tree ops"
objects supply the mechanics. Local POSIX uses directory descriptors, so a
directory swapped for a symlink mid-walk cannot redirect the removal outside
the tree (the same defence ``shutil.rmtree`` uses). Backends without
descriptors walk by path through their own primitives.

The walk is iterative so a very deep tree cannot exhaust the recursion limit,
and it holds at most ``_MAX_OPEN`` directory handles: deeper down, a parent's
handle is released and later taken back through its child's ``..``, checked to
be the same directory, so depth is not limited by the descriptor limit either.
"""

from __future__ import annotations

import errno
import functools
import os
import stat
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from tempkit.errors import CleanupError

if TYPE_CHECKING:
    from tempkit.backends.protocol import Backend

__all__ = ["BackendTreeOps", "FdTreeOps", "TreeOps", "remove_tree"]

H = TypeVar("H")
_PRIVATE_DIR = stat.S_IRWXU
# Directory handles held at once. Far below common descriptor limits (1024),
# and deep enough that ordinary trees never release and reacquire a handle.
_MAX_OPEN = 64


class TreeOps(Protocol[H]):
    """The mechanics the walker needs; ``H`` is a handle on an open directory."""

    def lstat_mode(self, path: str) -> int:
        """``st_mode`` of ``path`` without following a final symlink."""

    def open_top(self, path: str) -> H:
        """Open the tree's root directory."""

    def open_child(self, parent: H, name: str, path: str) -> H:
        """Open a subdirectory, refusing to follow a symlink put in its place."""

    def entries(self, handle: H, path: str) -> list[tuple[str, bool]]:
        """(name, is_directory) for each entry; symlinks are never directories."""

    def unlink(self, parent: H | None, name: str, path: str) -> None:
        """Remove a non-directory entry (``parent`` is None for a lone root entry)."""

    def rmdir(self, parent: H | None, name: str, path: str) -> None:
        """Remove an emptied directory (``parent`` is None for the root)."""

    def make_writable(self, handle: H, path: str) -> None:
        """Give the owner full access to an open directory."""

    def make_child_accessible(self, parent: H, name: str, path: str) -> None:
        """Give the owner full access to a subdirectory that could not be opened."""

    def close(self, handle: H) -> None:
        """Release a handle from ``open_top``/``open_child``."""

    def release(self, handle: H, path: str) -> object:
        """Close a handle for now; the token returned lets ``reacquire`` verify it."""

    def reacquire(self, child: H, token: object, path: str) -> H:
        """Reopen the released parent of ``child`` (its ``..``), checked against ``token``."""


def _is_access_error(exc: OSError) -> bool:
    return isinstance(exc, PermissionError)


class _Frame(Generic[H]):
    __slots__ = ("entries", "fixed", "handle", "name", "path", "token")

    def __init__(self, handle: H, path: str, name: str) -> None:
        self.handle = handle
        self.path = path
        self.name = name
        self.fixed = False
        self.entries: list[tuple[str, bool]] = []
        # Set while the handle is released (see _MAX_OPEN).
        self.token: object | None = None


def remove_tree(ops: TreeOps[H], path: str, sep: str, *, ignore_errors: bool) -> None:
    """Remove ``path`` and everything below it through ``ops``.

    A missing ``path`` is fine (cleanup is idempotent). A symlink or file at
    ``path`` is removed itself; nothing it points to is touched.
    """
    errors: list[tuple[str, OSError]] = []
    try:
        mode = ops.lstat_mode(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        errors.append((path, exc))
    else:
        if stat.S_ISDIR(mode):
            _walk(ops, path, sep, errors)
        else:
            _attempt(errors, path, lambda: _unlink_path(ops, path))
    if errors and not ignore_errors:
        raise CleanupError(path, errors)


def _unlink_path(ops: TreeOps[H], path: str) -> None:
    ops.unlink(None, path, path)


def _attempt(errors: list[tuple[str, OSError]], path: str, action: Callable[[], None]) -> bool:
    try:
        action()
    except FileNotFoundError:
        return True
    except OSError as exc:
        errors.append((path, exc))
        return False
    return True


def _walk(ops: TreeOps[H], root: str, sep: str, errors: list[tuple[str, OSError]]) -> None:
    try:
        handle = ops.open_top(root)
    except FileNotFoundError:
        return
    except OSError as exc:
        errors.append((root, exc))
        return
    stack: list[_Frame[H]] = [_Frame(handle, root, root)]
    if not _load_entries(ops, stack[0], errors):
        stack[0].entries = []
    while stack:
        frame = stack[-1]
        descended = False
        while frame.entries:
            name, is_dir = frame.entries.pop()
            child_path = (
                frame.path + sep + name if not frame.path.endswith(sep) else frame.path + name
            )
            if is_dir:
                child = _open_child(ops, frame, name, child_path, errors)
                if child is not None:
                    stack.append(child)
                    if len(stack) > _MAX_OPEN:
                        _release(ops, stack[-_MAX_OPEN - 1])
                    descended = True
                    break
            else:
                _retry_fixed(frame, errors, child_path, ops.make_writable, ops.unlink, name)
        if descended:
            continue
        stack.pop()
        if stack and stack[-1].token is not None and not _reacquire(ops, stack[-1], frame, errors):
            # The way back up is lost (the tree moved): stop rather than guess.
            ops.close(frame.handle)
            for left in stack:
                if left.token is None:
                    ops.close(left.handle)
            return
        ops.close(frame.handle)
        if stack:
            parent = stack[-1]
            _retry_fixed(parent, errors, frame.path, ops.make_writable, ops.rmdir, frame.name)
        else:
            _attempt(errors, frame.path, functools.partial(ops.rmdir, None, frame.name, frame.path))


def _release(ops: TreeOps[H], frame: _Frame[H]) -> None:
    if frame.token is None:
        frame.token = ops.release(frame.handle, frame.path)


def _reacquire(
    ops: TreeOps[H], parent: _Frame[H], child: _Frame[H], errors: list[tuple[str, OSError]]
) -> bool:
    """Take the parent's handle back through the child's ``..``; False if that fails."""
    # The child had subdirectories opened through it, so it is searchable.
    try:
        parent.handle = ops.reacquire(child.handle, parent.token, parent.path)
    except OSError as exc:
        errors.append((parent.path, exc))
        return False
    parent.token = None
    return True


def _retry_fixed(
    frame: _Frame[H],
    errors: list[tuple[str, OSError]],
    path: str,
    make_writable: Callable[[H, str], None],
    remove: Callable[[H, str, str], None],
    name: str,
) -> None:
    """Remove ``name`` from ``frame``; on a permission error open the directory up once, retry."""
    action = functools.partial(remove, frame.handle, name, path)
    try:
        action()
        return
    except FileNotFoundError:
        return
    except OSError as exc:
        if frame.fixed or not _is_access_error(exc):
            errors.append((path, exc))
            return
        refusal = exc
    frame.fixed = True
    if _attempt(errors, frame.path, functools.partial(make_writable, frame.handle, frame.path)):
        _attempt(errors, path, action)
    else:
        # The directory could not be opened up, so the entry stays: name it too.
        errors.append((path, refusal))


def _open_child(
    ops: TreeOps[H], frame: _Frame[H], name: str, path: str, errors: list[tuple[str, OSError]]
) -> _Frame[H] | None:
    try:
        handle = ops.open_child(frame.handle, name, path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if not _is_access_error(exc):
            errors.append((path, exc))
            return None
        # A directory without r/x for its owner: open it up, then try once more.
        try:
            if not frame.fixed:
                frame.fixed = True
                ops.make_writable(frame.handle, frame.path)
            ops.make_child_accessible(frame.handle, name, path)
            handle = ops.open_child(frame.handle, name, path)
        except FileNotFoundError:
            return None
        except OSError as retry_exc:
            errors.append((path, retry_exc))
            return None
    child = _Frame(handle, path, name)
    if not _load_entries(ops, child, errors):
        child.entries = []
    return child


def _load_entries(ops: TreeOps[H], frame: _Frame[H], errors: list[tuple[str, OSError]]) -> bool:
    try:
        frame.entries = ops.entries(frame.handle, frame.path)
        return True
    except FileNotFoundError:
        return False
    except OSError as exc:
        if not _is_access_error(exc) or frame.fixed:
            errors.append((frame.path, exc))
            return False
    frame.fixed = True
    try:
        ops.make_writable(frame.handle, frame.path)
        frame.entries = ops.entries(frame.handle, frame.path)
    except OSError as exc:
        errors.append((frame.path, exc))
        return False
    return True


_DIR_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_DIRECTORY", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


class FdTreeOps:
    """Removal relative to directory descriptors (POSIX with ``dir_fd`` support).

    Each directory is opened with O_NOFOLLOW and checked against the lstat that
    named it, so a directory swapped for a symlink is refused, never followed.
    """

    __slots__ = ("_top",)

    def __init__(self) -> None:
        # The root as the walker's first lstat saw it: open_top checks the directory
        # it opens against that, rather than asking the kernel the same thing again.
        self._top: tuple[str, os.stat_result] | None = None

    def lstat_mode(self, path: str) -> int:
        """``st_mode`` from ``os.lstat``."""
        seen = os.lstat(path)
        self._top = (path, seen)
        return seen.st_mode

    def open_top(self, path: str) -> int:
        """Open the root directory, opening up its mode once if the owner lacks access."""
        top = self._top
        before = top[1] if top is not None and top[0] == path else os.lstat(path)
        try:
            fd = os.open(path, _DIR_OPEN_FLAGS)
        except PermissionError:
            _chmod_proven(path, None, before, path)
            fd = os.open(path, _DIR_OPEN_FLAGS)
        return _checked(fd, before, path)

    def open_child(self, parent: int, name: str, path: str) -> int:
        """Open a subdirectory by name relative to its parent's descriptor."""
        before = os.lstat(name, dir_fd=parent)
        if not stat.S_ISDIR(before.st_mode):
            raise NotADirectoryError(20, "entry changed while removing the tree", path)
        return _checked(os.open(name, _DIR_OPEN_FLAGS, dir_fd=parent), before, path)

    def entries(self, handle: int, path: str) -> list[tuple[str, bool]]:
        """List a directory through its descriptor."""
        with os.scandir(handle) as it:
            return [(e.name, e.is_dir(follow_symlinks=False)) for e in it]

    def unlink(self, parent: int | None, name: str, path: str) -> None:
        """Unlink relative to the parent descriptor."""
        if parent is None:
            os.unlink(path)
        else:
            os.unlink(name, dir_fd=parent)

    def rmdir(self, parent: int | None, name: str, path: str) -> None:
        """Remove an emptied directory relative to its parent descriptor."""
        if parent is None:
            os.rmdir(path)
        else:
            os.rmdir(name, dir_fd=parent)

    def make_writable(self, handle: int, path: str) -> None:
        """``fchmod`` the open directory to 0o700."""
        # os.chmod on a descriptor is fchmod; os.fchmod itself is missing from
        # Windows before 3.13, which mypy --platform win32 would flag.
        os.chmod(handle, _PRIVATE_DIR)

    def make_child_accessible(self, parent: int, name: str, path: str) -> None:
        """Give a subdirectory 0o700, only if it is still the directory the walk saw.

        The open that failed and this call are two steps: a directory swapped for
        a symlink in between must not have its target's mode changed, so the mode
        is changed through a descriptor of the entry itself (see ``_chmod_proven``).
        """
        _chmod_proven(name, parent, os.lstat(name, dir_fd=parent), path)

    def close(self, handle: int) -> None:
        """Close the directory descriptor."""
        os.close(handle)

    def release(self, handle: int, path: str) -> os.stat_result:
        """Close the descriptor, remembering which directory it was."""
        identity = os.fstat(handle)
        os.close(handle)
        return identity

    def reacquire(self, child: int, token: object, path: str) -> int:
        """Open the child's ``..``, refusing anything but the directory released earlier."""
        if not isinstance(token, os.stat_result):
            raise TypeError(f"expected the token from release(), got {type(token).__name__}")
        return _checked(os.open("..", _DIR_OPEN_FLAGS, dir_fd=child), token, path)


# O_PATH opens the entry itself without needing any permission on it, and with
# O_NOFOLLOW a symlink put in its place is opened as the link, never its target.
_O_PATH = getattr(os, "O_PATH", 0)
_PROOF_FLAGS = _O_PATH | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def _chmod_proven(name: str, parent: int | None, seen: os.stat_result, path: str) -> None:
    """``chmod`` a directory to 0o700 only if it is provably the one that was seen.

    A by-name chmod follows a symlink, so an attacker who can write into the tree
    could swap the directory for a link to one of the victim's directories in
    the moment between a failed open and the chmod. Instead the entry is opened
    with ``O_PATH | O_NOFOLLOW``, its ``fstat`` must match ``seen``, and the
    mode is changed through ``/proc/self/fd/N``, which names that inode and no
    other. Without ``O_PATH`` or ``/proc`` the mode is changed by name with
    ``follow_symlinks=False`` (``fchmodat(AT_SYMLINK_NOFOLLOW)``), which refuses
    a symlink; where the OS cannot promise even that, the directory is reported
    as not removable. Either way nothing outside the tree is ever changed.
    """
    if not stat.S_ISDIR(seen.st_mode):
        raise NotADirectoryError(errno.ENOTDIR, "entry changed while removing the tree", path)
    if _O_PATH:
        fd = os.open(name, _PROOF_FLAGS, dir_fd=parent)
        try:
            if not os.path.samestat(seen, os.fstat(fd)):
                raise NotADirectoryError(
                    errno.ENOTDIR, "directory was replaced while removing the tree", path
                )
            try:
                os.chmod(f"/proc/self/fd/{fd}", _PRIVATE_DIR)
                return
            except FileNotFoundError:
                pass  # /proc is not mounted
        finally:
            os.close(fd)
    chmod_no_follow(name, _PRIVATE_DIR, path, dir_fd=parent)


def chmod_no_follow(name: str, mode: int, path: str, *, dir_fd: int | None = None) -> None:
    """``chmod`` that never follows a symlink at ``name``; PermissionError where it cannot."""
    try:
        os.chmod(name, mode, dir_fd=dir_fd, follow_symlinks=False)
    except (NotImplementedError, ValueError):
        # Linux refuses a symlink here; some systems (Linux with dir_fd) refuse the flag.
        raise PermissionError(
            errno.EACCES, "cannot change the mode without following a symlink", path
        ) from None


def _checked(fd: int, before: os.stat_result, path: str) -> int:
    after = os.fstat(fd)
    if not os.path.samestat(before, after):
        os.close(fd)
        raise NotADirectoryError(20, "directory was replaced while removing the tree", path)
    return fd


class BackendTreeOps:
    """Removal by path through a backend's primitives (memory, fsspec, no ``dir_fd``)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.fix_modes = backend.capabilities.permissions

    def lstat_mode(self, path: str) -> int:
        """``st_mode`` of the entry itself."""
        return self.backend.stat(path, follow_symlinks=False).st_mode

    def open_top(self, path: str) -> str:
        """The handle is the path itself."""
        return path

    def open_child(self, parent: str, name: str, path: str) -> str:
        """Re-check that the entry is still a real directory before descending."""
        if not stat.S_ISDIR(self.lstat_mode(path)):
            raise NotADirectoryError(20, "entry changed while removing the tree", path)
        return path

    def entries(self, handle: str, path: str) -> list[tuple[str, bool]]:
        """List a directory by path."""
        return [(e.name, e.is_dir(follow_symlinks=False)) for e in self.backend.scandir(path)]

    def unlink(self, parent: str | None, name: str, path: str) -> None:
        """Remove a file or symlink."""
        self.backend.unlink(path)

    def rmdir(self, parent: str | None, name: str, path: str) -> None:
        """Remove an emptied directory."""
        self.backend.rmdir(path)

    def make_writable(self, handle: str, path: str) -> None:
        """``chmod`` the directory to 0o700 where modes mean something, never through a link."""
        if not self.fix_modes:
            raise PermissionError(13, "permission denied and modes cannot be changed", path)
        try:
            self.backend.chmod(path, _PRIVATE_DIR, follow_symlinks=False)
        except NotImplementedError:
            # The directory was swapped for a symlink, whose mode cannot be changed.
            raise PermissionError(
                errno.EACCES, "cannot change the mode without following a symlink", path
            ) from None

    def make_child_accessible(self, parent: str, name: str, path: str) -> None:
        """``chmod`` a subdirectory to 0o700, never through a link."""
        self.make_writable(path, path)

    def close(self, handle: str) -> None:
        """Nothing to release for a path handle."""

    def release(self, handle: str, path: str) -> str:
        """A path handle holds nothing; the token is the path."""
        return handle

    def reacquire(self, child: str, token: object, path: str) -> str:
        """The parent's handle is its path."""
        return path
