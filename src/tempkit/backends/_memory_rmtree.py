"""Tree removal on the memory backend, through directory handles as on a real disk.

The shared walker (``_rmtree.remove_tree``) holds the policy; this supplies
the mechanics the way ``FdTreeOps`` does for the local disk: a handle is the
directory node itself, as a descriptor is the directory's inode, so removal
inside it does not depend on the path that led there. A path that goes
through ``..`` or through a directory the walk itself removes, or a directory
renamed mid-walk, gives exactly what the descriptor-based walk gives on Linux.
"""

from __future__ import annotations

import errno
import os
import stat
import threading
from collections.abc import Callable
from typing import TypeVar

from tempkit.backends._memory_names import PathFailure
from tempkit.backends._memory_nodes import DirNode, Node
from tempkit.backends._memory_tree import MemoryTree

__all__ = ["MemoryTreeOps"]

_PRIVATE_DIR = stat.S_IRWXU
T = TypeVar("T")


class MemoryTreeOps:
    """``TreeOps`` over the directory nodes of ``tree``, each call under ``lock``.

    Errors carry the file name the matching ``os`` call would: the path for
    path-based calls, the entry name for calls relative to a directory handle.
    """

    def __init__(self, tree: MemoryTree, lock: threading.RLock) -> None:
        self.tree = tree
        self.lock = lock

    def _run(self, filename: str, action: Callable[[], T]) -> T:
        with self.lock:
            try:
                return action()
            except PathFailure as failure:
                raise OSError(failure.code, os.strerror(failure.code), filename) from None

    def lstat_mode(self, path: str) -> int:
        """``st_mode`` from lstat."""
        tree = self.tree
        return self._run(path, lambda: tree.resolve(path, follow=False)).mode

    def open_top(self, path: str) -> DirNode:
        """Open the root directory, opening up its mode once if the owner may not read it."""
        tree = self.tree
        before = self._run(path, lambda: tree.resolve(path, follow=False))
        try:
            handle = self._run(path, lambda: tree.open_directory(path))
        except PermissionError:
            self._run(path, lambda: self._chmod_proven(tree.resolve(path, follow=False), before))
            handle = self._run(path, lambda: tree.open_directory(path))
        return _checked(handle, before, path)

    def open_child(self, parent: DirNode, name: str, path: str) -> DirNode:
        """Open a subdirectory by name, refusing anything that is not a directory now."""
        tree = self.tree
        before = self._run(name, lambda: tree.lookup_at(parent, name))
        if not isinstance(before, DirNode):
            raise NotADirectoryError(errno.ENOTDIR, "entry changed while removing the tree", path)
        return _checked(self._run(name, lambda: tree.open_directory_at(parent, name)), before, path)

    def entries(self, handle: DirNode, path: str) -> list[tuple[str, bool]]:
        """The entries of an open directory (read permission was checked when it was opened)."""
        with self.lock:
            return [(name, isinstance(node, DirNode)) for name, node in handle.entries.values()]

    def unlink(self, parent: DirNode | None, name: str, path: str) -> None:
        """Remove a file relative to the parent handle (unlinkat; by path for a lone top entry)."""
        if parent is None:
            self._run(path, lambda: self.tree.unlink(path))
        else:
            self._run(name, lambda: self.tree.unlink_at(parent, name))

    def rmdir(self, parent: DirNode | None, name: str, path: str) -> None:
        """Remove a directory relative to the parent handle (by path for the top)."""
        if parent is None:
            self._run(path, lambda: self.tree.rmdir(path))
        else:
            self._run(name, lambda: self.tree.rmdir_at(parent, name))

    def make_writable(self, handle: DirNode, path: str) -> None:
        """Give the open directory mode 0o700 (fchmod)."""
        self._run(path, lambda: self.tree.chmod_node(handle, _PRIVATE_DIR))

    def make_child_accessible(self, parent: DirNode, name: str, path: str) -> None:
        """Give a subdirectory mode 0o700, never following a symlink put in its place."""
        tree = self.tree
        self._run(name, lambda: self._chmod_proven(tree.lookup_at(parent, name), None))

    def _chmod_proven(self, node: Node, seen: Node | None) -> None:
        # Called under the lock: the entry found is the one changed, and only a
        # real directory (the one seen first, where there was one) is changed.
        if not isinstance(node, DirNode) or (seen is not None and node is not seen):
            raise PathFailure(errno.ENOTDIR)
        self.tree.chmod_node(node, _PRIVATE_DIR)

    def close(self, handle: DirNode) -> None:
        """Nothing to release: a node handle holds no resource."""

    def release(self, handle: DirNode, path: str) -> DirNode:
        """The token is the directory itself."""
        return handle

    def reacquire(self, child: DirNode, token: object, path: str) -> DirNode:
        """The child's ``..``, which must still be the directory released earlier."""
        with self.lock:
            parent = child.parent
        return _checked(parent, token, path)


def _checked(handle: DirNode, before: object, path: str) -> DirNode:
    if handle is not before:
        raise NotADirectoryError(
            errno.ENOTDIR, "directory was replaced while removing the tree", path
        )
    return handle
