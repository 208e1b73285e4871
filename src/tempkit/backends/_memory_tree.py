"""The in-memory filesystem: every namespace operation, with Linux's checks in Linux's order.

This is a model of the Linux VFS for one non-root user who owns every entry: for
each operation the same checks in the same order as Linux, so the first error
found is the one Linux reports. Where a path leads is ``_memory_lookup``'s job;
each operation starts from its ``locate``. ``PathFailure`` carries the errno;
the backend names the files.

The tree is not locked here: the backend holds its lock around every call.
"""

from __future__ import annotations

import errno
from typing import Final

from tempkit.backends._memory_lookup import DOT, DOTDOT, NORMAL, ROOT, MemoryLookup, fail
from tempkit.backends._memory_names import Names, PathFailure
from tempkit.backends._memory_nodes import (
    EXEC,
    READ,
    SEARCH_AND_WRITE,
    WRITE,
    DirNode,
    FileNode,
    LinkNode,
    Node,
    may,
    next_inode,
    now_ns,
)
from tempkit.backends.modes import C_INT_MAX, C_INT_MIN, OpenRequest, c_int

__all__ = ["MemoryTree"]

_ALL_PERMISSIONS: Final = 0o7777
_DIRECTORY_PERMISSIONS: Final = 0o1777  # mkdir keeps the sticky bit, never set-ID bits
_SETGID: Final = 0o2000
_OPEN_DIRECTORY: Final = READ | SEARCH_AND_WRITE  # list it and remove its entries

_READ_ONLY: Final = OpenRequest(readable=True, writable=False)
_WRITE_REPLACE: Final = OpenRequest(readable=False, writable=True, create=True, truncate=True)


class MemoryTree(MemoryLookup):
    """One filesystem: what :class:`MemoryLookup` resolves, the operations, and a umask."""

    def __init__(self, names: Names, *, umask: int) -> None:
        super().__init__(names)
        self.umask = umask

    # -- creation ------------------------------------------------------------
    def _check_create(self, parent: DirNode) -> None:
        """may_create: nothing is created in a removed directory; then w and x are needed."""
        if parent.removed:
            raise fail(errno.ENOENT)
        if parent.mode & SEARCH_AND_WRITE != SEARCH_AND_WRITE:
            raise fail(errno.EACCES)

    def _link(self, parent: DirNode, key: str, name: str, node: Node, now: int) -> None:
        parent.entries[key] = (name, node)
        parent.mtime_ns = parent.ctime_ns = now  # touch_modified inline: ~2% of the memory cycle

    def mkdir(self, path: str, perm: int) -> None:
        """Make a directory (mkdir(2)): EEXIST for any existing entry, even a dangling symlink."""
        if type(perm) is not int or not C_INT_MIN <= perm <= C_INT_MAX:
            perm = c_int(perm)  # as os reads a mode, before the path
        parent, name, key, kind, _, node, hops, route = self.locate(path)
        if kind != NORMAL or node is not None:
            raise fail(errno.EEXIST)
        self._check_create(parent)
        mode = perm & _DIRECTORY_PERMISSIONS & ~self.umask | (parent.mode & _SETGID)
        now = now_ns()
        directory = DirNode(next_inode(), mode, now, parent)
        self._link(parent, key, name, directory, now)
        parent.nlink += 1
        if route is not None:
            # The new directory's own route: its parent's, one step longer.
            self._routes.made(parent, path, (directory, hops))

    def symlink(self, target: str, path: str) -> None:
        """Make a symlink (symlink(2)): ENOENT for an empty target or a new name ending in "/"."""
        self.check_text(target, path)
        if not target:
            raise fail(errno.ENOENT)
        target = self.names.text(target)  # as readlink will give it back
        self.names.split(target)  # refuses NUL and overlong targets
        parent, name, key, kind, trailing, node, _, _ = self.locate(path)
        if kind != NORMAL or node is not None:
            raise fail(errno.EEXIST)
        if trailing:
            raise fail(errno.ENOENT)
        self._check_create(parent)
        now = now_ns()
        self._link(parent, key, name, LinkNode(next_inode(), target, now), now)

    def open(self, path: str, request: OpenRequest, perm: int) -> FileNode:
        """Open a regular file (open(2)): its node, created or truncated as ``request`` says.

        The checks follow Linux's ``open_last_lookups``/``do_open``/``may_open``:
        a final symlink is followed unless the open is exclusive (a dangling
        one is created through), and a new file is opened whatever ``perm`` is.
        """
        if type(perm) is not int or not C_INT_MIN <= perm <= C_INT_MAX:
            perm = c_int(perm)  # as os reads a mode, before the path
        last = self.locate(path)
        parent, name, key, kind, trailing, node, _, _ = last
        create = request.create
        if type(node) is FileNode and not trailing:
            # The common case, an existing regular file named plainly: what the
            # checks below come to for it, without walking through them.
            if create and request.exclusive:
                raise fail(errno.EEXIST)
            return self._open_existing(node, request)
        created = False
        while kind == NORMAL:
            if create and trailing:
                raise fail(errno.EISDIR)
            if node is None:
                if not create:
                    raise fail(errno.ENOENT)
                self._check_create(parent)
                now = now_ns()
                node = FileNode(next_inode(), perm & _ALL_PERMISSIONS & ~self.umask, now)
                self._link(parent, key, name, node, now)
                created = True
            elif isinstance(node, LinkNode) and not request.exclusive:
                last = self._follow(last)
                parent, name, key, kind, trailing, node, _, _ = last
                continue
            break
        assert node is not None
        if create:
            if request.exclusive and not created:
                raise fail(errno.EEXIST)
            if isinstance(node, DirNode):
                raise fail(errno.EISDIR)
        if trailing and not isinstance(node, DirNode):
            raise fail(errno.ENOTDIR)
        if isinstance(node, DirNode):
            # Writing a directory is EISDIR in the kernel. Reading one needs read
            # permission; if granted, Python's FileIO refuses it after the open
            # with the same EISDIR.
            if not request.writable and not may(node, READ):
                raise fail(errno.EACCES)
            raise fail(errno.EISDIR)
        assert isinstance(node, FileNode)
        return node if created else self._open_existing(node, request)

    def make_unnamed(self, directory: str, perm: int) -> FileNode:
        """A new regular file in ``directory`` that has no name (open(2) with ``O_TMPFILE``)."""
        node = self.resolve(directory)
        if not isinstance(node, DirNode):
            raise fail(errno.ENOTDIR)
        self._check_create(node)
        file = FileNode(next_inode(), perm & _ALL_PERMISSIONS & ~self.umask, now_ns())
        file.nlink = 0
        return file

    def link_node(self, node: FileNode, path: str) -> None:
        """Give ``node`` the name ``path`` (linkat(2)): EEXIST for any existing entry."""
        parent, name, key, kind, trailing, existing, _, _ = self.locate(path)
        if kind != NORMAL or existing is not None:
            raise fail(errno.EEXIST)
        if trailing:
            raise fail(errno.ENOENT)
        self._check_create(parent)
        now = now_ns()
        self._link(parent, key, name, node, now)
        node.nlink += 1
        node.touch_changed(now)

    # The two opens of a whole-file read and write (see tempkit._whole_files): what
    # ``open`` does for their requests, with the common case taken first and anything
    # else (a symlink, a directory, a missing parent, a refusal) left to ``open``.
    def open_for_reading(self, path: str) -> FileNode:
        """``open(path, O_RDONLY)`` of a regular file: its node."""
        last = self.locate(path)
        node = last[5]
        if type(node) is FileNode and not last[4] and node.mode & READ:
            return node
        return self.open(path, _READ_ONLY, 0o666)

    def open_for_replacing(self, path: str) -> FileNode:
        """``open(path, O_WRONLY | O_CREAT | O_TRUNC)``: the node, created or emptied."""
        parent, name, key, kind, trailing, node, _, _ = self.locate(path)
        if node is None and kind == NORMAL and not trailing:
            self._check_create(parent)
            now = now_ns()
            node = FileNode(next_inode(), 0o666 & ~self.umask, now)
            self._link(parent, key, name, node, now)
            return node
        if type(node) is FileNode and not trailing and node.mode & WRITE:
            node.drop_privileges_on_write()
            del node.data[:]
            node.mtime_ns = node.ctime_ns = now_ns()
            return node
        return self.open(path, _WRITE_REPLACE, 0o666)

    def _open_existing(self, node: FileNode, request: OpenRequest) -> FileNode:
        """may_open and the truncation for a regular file that was already there."""
        wanted = (READ if request.readable else 0) | (WRITE if request.writable else 0)
        if node.mode & wanted != wanted:
            raise fail(errno.EACCES)
        if request.truncate:
            node.drop_privileges_on_write()
            del node.data[:]
            node.touch_modified(now_ns())
        return node

    # -- inspection ----------------------------------------------------------
    def listdir(self, path: str) -> list[tuple[str, Node]]:
        """List a directory (opendir + readdir): a snapshot of (name, node); needs ``r``."""
        node = self.resolve(path)
        if not isinstance(node, DirNode):
            raise fail(errno.ENOTDIR)
        if not may(node, READ):
            raise fail(errno.EACCES)
        return list(node.entries.values())

    def readlink(self, path: str) -> str:
        """Read a symlink (readlink(2)): EINVAL for anything but a symlink."""
        node = self.resolve(path, follow=False)
        if not isinstance(node, LinkNode):
            raise fail(errno.EINVAL)
        return node.target

    # -- mutation ------------------------------------------------------------
    def unlink(self, path: str) -> None:
        """Remove a name (unlink(2)); the node lives on while open handles use it."""
        parent, _, key, kind, trailing, node, _, _ = self.locate(path)
        if kind != NORMAL:
            raise fail(errno.EISDIR)
        if trailing:
            if node is None:
                raise fail(errno.ENOENT)
            raise fail(errno.EISDIR if isinstance(node, DirNode) else errno.ENOTDIR)
        self._unlink_entry(parent, key, node)

    def _unlink_entry(self, parent: DirNode, key: str, node: Node | None) -> None:
        """The checks and the removal shared by unlink and unlinkat."""
        if node is None:
            raise fail(errno.ENOENT)
        if not may(parent, SEARCH_AND_WRITE):
            raise fail(errno.EACCES)
        if isinstance(node, DirNode):
            raise fail(errno.EISDIR)
        now = now_ns()
        del parent.entries[key]
        parent.touch_modified(now)
        node.nlink -= 1
        node.touch_changed(now)
        self._routes.left(node)

    def rmdir(self, path: str) -> None:
        """Remove an empty directory (rmdir(2)): "." is EINVAL, ".." ENOTEMPTY, "/" EBUSY."""
        parent, _, key, kind, _, node, _, _ = self.locate(path)
        if kind == DOT:
            raise fail(errno.EINVAL)
        if kind == DOTDOT:
            raise fail(errno.ENOTEMPTY)
        if kind == ROOT:
            raise fail(errno.EBUSY)
        self._rmdir_entry(parent, key, node)

    def _rmdir_entry(self, parent: DirNode, key: str, node: Node | None) -> None:
        """The checks and the removal shared by rmdir and unlinkat(AT_REMOVEDIR)."""
        if node is None:
            raise fail(errno.ENOENT)
        if not may(parent, SEARCH_AND_WRITE):
            raise fail(errno.EACCES)
        if not isinstance(node, DirNode):
            raise fail(errno.ENOTDIR)
        if node.entries:
            raise fail(errno.ENOTEMPTY)
        now = now_ns()
        del parent.entries[key]
        parent.nlink -= 1
        parent.touch_modified(now)
        node.removed = True
        node.nlink = 0
        node.touch_changed(now)
        self._routes.left(node)

    # -- relative to an open directory (the *at calls), for tree removal --------
    def lookup_at(self, directory: DirNode, name: str) -> Node:
        """fstatat(AT_SYMLINK_NOFOLLOW) of one name: needs search permission."""
        if not directory.mode & EXEC:
            raise fail(errno.EACCES)
        node = self._lookup(directory, name)[1]
        if node is None:
            raise fail(errno.ENOENT)
        return node

    def unlink_at(self, directory: DirNode, name: str) -> None:
        """unlinkat(dirfd, name, 0)."""
        if not directory.mode & EXEC:
            raise fail(errno.EACCES)
        self._unlink_entry(directory, *self._lookup(directory, name))

    def rmdir_at(self, directory: DirNode, name: str) -> None:
        """unlinkat(dirfd, name, AT_REMOVEDIR)."""
        if not directory.mode & EXEC:
            raise fail(errno.EACCES)
        self._rmdir_entry(directory, *self._lookup(directory, name))

    def open_directory(self, path: str) -> DirNode:
        """open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW): the directory, like a descriptor.

        A final symlink is ELOOP, unless a trailing separator makes the lookup follow it.
        """
        last = self.locate(path)
        while isinstance(last[5], LinkNode) and last[4]:
            last = self._follow(last)
        return self._open_directory_node(last[5])

    def open_directory_at(self, directory: DirNode, name: str) -> DirNode:
        """openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)."""
        return self._open_directory_node(self.lookup_at(directory, name))

    def _open_directory_node(self, node: Node | None) -> DirNode:
        if node is None:
            raise fail(errno.ENOENT)
        if isinstance(node, LinkNode):
            raise fail(errno.ELOOP)
        if not isinstance(node, DirNode):
            raise fail(errno.ENOTDIR)
        if not may(node, READ):
            raise fail(errno.EACCES)
        return node

    def chmod_node(self, node: Node, mode: int) -> None:
        """fchmod: the owner always may."""
        node.mode = (node.mode & ~_ALL_PERMISSIONS) | (mode & _ALL_PERMISSIONS)
        self._routes.mode_changed(node)
        node.touch_changed(now_ns())

    def remove_open_tree(self, path: str) -> bool:
        """Remove the directory tree at ``path`` at once if nothing in it stands in the way.

        That is: ``path`` names a directory (not through a final symlink), its
        parent lets the owner remove entries, and every directory below grants
        the owner r, w and x. Then the result is exactly what unlinking and
        rmdir-ing entry by entry gives, at a fraction of the cost; otherwise
        nothing is touched and False is returned, so the caller's walker can fix
        permissions and report errors with file names.
        """
        try:
            parent, _, key, kind, trailing, top, _, _ = self.locate(path)
        except PathFailure:
            return False
        if (
            kind != NORMAL
            or trailing
            or not isinstance(top, DirNode)
            or parent.mode & SEARCH_AND_WRITE != SEARCH_AND_WRITE
        ):
            return False
        directories = [top]
        others: list[Node] = []
        for directory in directories:  # grows while iterating: breadth first, no recursion
            if directory.mode & _OPEN_DIRECTORY != _OPEN_DIRECTORY:
                return False
            for _, node in directory.entries.values():
                if isinstance(node, DirNode):
                    directories.append(node)
                else:
                    others.append(node)
        now = now_ns()
        for node in others:
            node.nlink -= 1
            node.ctime_ns = now
        for directory in directories:
            if directory.entries:
                directory.entries.clear()
                directory.mtime_ns = now
            directory.removed = True
            directory.nlink = 0
            directory.ctime_ns = now
            self._routes.left(directory)  # symlinks below were reached through top
        del parent.entries[key]
        parent.nlink -= 1
        parent.mtime_ns = parent.ctime_ns = now
        return True

    def chmod(self, path: str, mode: int, *, follow: bool) -> None:
        """Change permission bits (chmod(2)): the owner always may."""
        mode = c_int(mode)  # as os reads a mode, before the path
        node = self.resolve(path, follow=follow)
        if isinstance(node, LinkNode):
            # What CPython raises on Linux, where a symlink has no mode of its own.
            raise NotImplementedError("chmod: follow_symlinks unavailable on this platform")
        self.chmod_node(node, mode)

    def utime(self, path: str) -> None:
        """Set all times to now (utime(2)): the owner always may."""
        node = self.resolve(path)
        now = now_ns()
        node.atime_ns = node.mtime_ns = node.ctime_ns = now

    def rename(self, src: str, dst: str, *, noreplace: bool) -> None:
        """Rename (rename(2), renameat2 RENAME_NOREPLACE) with Linux's checks in its order."""
        self.check_text(src, dst)
        old_parent, _, old_key, old_kind, old_trailing, old, _, _ = self.locate(src)
        new_parent, new_name, new_key, new_kind, new_trailing, new, _, _ = self.locate(dst)
        if old_kind != NORMAL:
            raise fail(errno.EBUSY)
        if new_kind != NORMAL:
            raise fail(errno.EEXIST if noreplace else errno.EBUSY)
        if old is None:
            raise fail(errno.ENOENT)
        if noreplace and new is not None:
            raise fail(errno.EEXIST)
        moving_dir = isinstance(old, DirNode)
        if not moving_dir and (old_trailing or new_trailing):
            raise fail(errno.ENOTDIR)
        trap = _trap(old_parent, new_parent)
        if trap is not None:
            if old is trap:
                raise fail(errno.EINVAL)  # a directory into its own subtree
            if new is trap:
                raise fail(errno.ENOTEMPTY)  # over one of the source's ancestors
        if old is new:
            return
        if not may(old_parent, SEARCH_AND_WRITE):
            raise fail(errno.EACCES)
        if new is None:
            self._check_create(new_parent)
        else:
            if not may(new_parent, SEARCH_AND_WRITE):
                raise fail(errno.EACCES)
            if moving_dir and not isinstance(new, DirNode):
                raise fail(errno.ENOTDIR)
            if not moving_dir and isinstance(new, DirNode):
                raise fail(errno.EISDIR)
        if moving_dir and new_parent is not old_parent and not may(old, WRITE):
            raise fail(errno.EACCES)  # its ".." entry must be rewritten
        if isinstance(new, DirNode) and new.entries:
            raise fail(errno.ENOTEMPTY)
        self._move(old_parent, old_key, old, new_parent, new_key, new_name, new)

    def _move(
        self,
        old_parent: DirNode,
        old_key: str,
        old: Node,
        new_parent: DirNode,
        new_key: str,
        new_name: str,
        new: Node | None,
    ) -> None:
        now = now_ns()
        del old_parent.entries[old_key]
        self._routes.left(old)
        if new is not None:
            self._routes.left(new)
            del new_parent.entries[new_key]
            if isinstance(new, DirNode):
                new.removed = True
                new.nlink = 0
                new_parent.nlink -= 1
            else:
                new.nlink -= 1
            new.touch_changed(now)
        new_parent.entries[new_key] = (new_name, old)
        if isinstance(old, DirNode) and new_parent is not old_parent:
            old_parent.nlink -= 1
            new_parent.nlink += 1
            old.parent = new_parent
        old.touch_changed(now)
        old_parent.touch_modified(now)
        new_parent.touch_modified(now)

    # -- setup ---------------------------------------------------------------
    def install_directory(self, path: str, mode: int) -> DirNode:
        """Create ``path`` and its missing parents with exactly ``mode`` (no checks, no umask).

        Only for building the initial world (``/tmp``, the cwd), as an OS image would.
        """
        directory = self.root
        for name in self.names.split(path).parts:
            if name in (".", ".."):
                raise ValueError(f"setup paths must be normalized: {path!r}")
            key, child = self._lookup(directory, name)
            if child is None:
                now = now_ns()
                child = DirNode(next_inode(), mode, now, directory)
                self._link(directory, key, name, child, now)
                directory.nlink += 1
            if not isinstance(child, DirNode):
                raise NotADirectoryError(errno.ENOTDIR, "not a directory", path)
            directory = child
        return directory


def _ancestor_child(ancestor: DirNode, descendant: DirNode) -> DirNode | None:
    """The child of ``ancestor`` on the way down to ``descendant``, if it is one."""
    node = descendant
    while node.parent is not node:
        if node.parent is ancestor:
            return node
        node = node.parent
    return None


def _trap(old_parent: DirNode, new_parent: DirNode) -> DirNode | None:
    """Linux's ``lock_rename`` trap: the child linking the two parents, if one holds the other."""
    if old_parent is new_parent:
        return None
    return _ancestor_child(old_parent, new_parent) or _ancestor_child(new_parent, old_parent)
