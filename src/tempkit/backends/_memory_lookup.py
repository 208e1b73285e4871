"""Path lookup in the in-memory filesystem: where a path leads, as Linux's namei finds it.

The same lookup as Linux's for one non-root user who owns every entry: ``.``,
``..`` (physical), symlinks followed anywhere in a path and counted against a
limit of 40, search permission checked on every directory walked, trailing
separators. :meth:`MemoryLookup.locate` gives where a path ends (the directory
holding its last component, and what is there); the operations of
``_memory_tree`` start from it. ``PathFailure`` carries the errno; the backend
names the files. Not locked here: the backend holds its lock around every call.
"""

from __future__ import annotations

import errno
from typing import Final

from tempkit._flavour import POSIX
from tempkit.backends._memory_names import MAX_PATH_BYTES, SHORT_NAME, Names, PathFailure
from tempkit.backends._memory_nodes import EXEC, DirNode, LinkNode, Node, next_inode, now_ns
from tempkit.backends._memory_routes import Route, RouteTable

__all__ = ["DOT", "DOTDOT", "MAX_SYMLINKS", "NORMAL", "ROOT", "Last", "MemoryLookup", "fail"]

# Linux follows at most 40 symlinks in one lookup; the 41st is ELOOP.
MAX_SYMLINKS: Final = 40

# What the last component of a path is.
NORMAL: Final = 0
DOT: Final = 1
DOTDOT: Final = 2
ROOT: Final = 3

# A path of fewer characters cannot exceed PATH_MAX bytes (a character is at most 4).
_SHORT_PATH: Final = MAX_PATH_BYTES // 4

# Where a path ends, as ``locate`` finds it:
#   (parent, name, key, kind, trailing, node, hops, route)
# the directory holding the final component, that component, the key it has in
# the directory (names.key_of, computed once per lookup: every change of the
# entry uses it), its kind (NORMAL, DOT, DOTDOT, ROOT), whether a separator
# follows it, the node found there (None if nothing), the symlinks followed so
# far, and the route to ``parent`` when the lookup took it from the route table
# (else None). A plain tuple, unpacked by every caller: as a NamedTuple (even
# made with tuple.__new__) locate took 0.45 us more, a quarter of the memory cycle.
Last = tuple[DirNode, str, str, int, bool, "Node | None", int, "Route | None"]


def fail(code: int) -> PathFailure:
    """The failure of a lookup or an operation with ``code``."""
    return PathFailure(code)


class MemoryLookup:
    """One filesystem's root, current directory and names, and how paths resolve in it."""

    def __init__(self, names: Names) -> None:
        self.names = names
        self.root = DirNode(next_inode(), 0o755, now_ns(), None)
        self.cwd = self.root
        self._key_of = names.key_of
        # The route shortcut in locate reads paths with POSIX syntax.
        self._posix = names.flavour is POSIX
        # Directory paths already walked, by their exact text (see locate).
        self._routes = RouteTable()

    # -- lookup --------------------------------------------------------------
    def _lookup(self, directory: DirNode, name: str) -> tuple[str, Node | None]:
        """The key of ``name`` and its entry in ``directory`` (search permission checked)."""
        key = self._key_of(name)
        entry = directory.entries.get(key)
        return key, None if entry is None else entry[1]

    def _walk(
        self,
        directory: Node,
        parts: list[str],
        count: int,
        hops: int,
        searched: list[DirNode] | None = None,
    ) -> tuple[DirNode, int]:
        """Walk the first ``count`` of ``parts``, following every symlink met on the way.

        Every directory searched on the way is appended to ``searched`` if given.
        This is the hot path of every operation, hence written out by hand: the
        components are taken in order, and only a symlink's target components
        go through a stack, ahead of the rest.
        """
        key_of = self._key_of
        pending: list[str] = []  # a symlink target's components, reversed
        index = 0
        while pending or index < count:
            if pending:
                name = pending.pop()
            else:
                name = parts[index]
                index += 1
            if not isinstance(directory, DirNode):
                raise fail(errno.ENOTDIR)
            if not directory.mode & EXEC:
                raise fail(errno.EACCES)
            if searched is not None:
                searched.append(directory)
            if name == ".":
                continue
            if name == "..":
                directory = directory.parent
                continue
            entry = directory.entries.get(key_of(name))
            if entry is None:
                raise fail(errno.ENOENT)
            child = entry[1]
            if isinstance(child, LinkNode):
                hops += 1
                if hops > MAX_SYMLINKS:
                    raise fail(errno.ELOOP)
                target = self.names.split(child.target)
                if target.absolute:
                    directory = self.root
                pending.extend(reversed(target.parts))
                continue
            directory = child
        if not isinstance(directory, DirNode):
            raise fail(errno.ENOTDIR)
        return directory, hops

    def locate(self, path: str, *, start: DirNode | None = None, hops: int = 0) -> Last:
        """Find the directory that holds the last component of ``path``; do not follow it.

        A relative path starts at ``start`` (default: the current directory).

        The common case, an absolute POSIX path ending in a plain name, looks its
        directory up in the route table instead of walking it again (see
        ``_memory_routes``: the table takes out every route an event can change).
        """
        # Non-ASCII text goes the long way, through names.split, which gives it
        # the form the kernel would store.
        if type(path) is str and not hops and path.isascii():
            head, _, name = path.rpartition("/")
            if (
                name
                and name not in {".", ".."}
                and "\0" not in name
                and len(path) < _SHORT_PATH
                and (
                    # Only absolute POSIX directory paths are ever remembered, and
                    # only after a walk that found no NUL in them.
                    (route := self._routes.get(head)) is not None
                    or (self._posix and path.startswith("/"))
                )
            ):
                if route is None:
                    route = self._route(head)
                directory = route[0]
                if not directory.mode & EXEC:
                    raise fail(errno.EACCES)
                # POSIX names are their own keys (the shortcut reads POSIX paths only),
                # and only a long one needs key_of's check: 0.15 us less per lookup.
                if len(name) > SHORT_NAME:
                    self._key_of(name)
                entry = directory.entries.get(name)
                node = None if entry is None else entry[1]
                return (directory, name, name, NORMAL, False, node, route[1], route)
        absolute, parts, trailing = self.names.split(path)
        if not parts:
            return (self.root, "", "", ROOT, False, self.root, hops, None)
        origin: DirNode = self.root if absolute else (self.cwd if start is None else start)
        directory, hops = self._walk(origin, parts, len(parts) - 1, hops)
        if not directory.mode & EXEC:
            raise fail(errno.EACCES)
        name = parts[-1]
        if name == ".":
            return (directory, name, name, DOT, trailing, directory, hops, None)
        if name == "..":
            return (directory, name, name, DOTDOT, trailing, directory.parent, hops, None)
        key, node = self._lookup(directory, name)
        return (directory, name, key, NORMAL, trailing, node, hops, None)

    def check_text(self, *paths: str) -> None:
        """Refuse any of ``paths`` as ``os`` does before the call reaches the kernel.

        Lookups check their path as they split it; this is for calls that must
        refuse bad text before anything else (two-path calls, a bad open mode).
        """
        for path in paths:
            if isinstance(path, str) and not path.isascii():
                self.names.text(path)

    def _route(self, head: str) -> Route:
        """How the directory path ``head`` (absolute, or "" for the root) resolves now.

        Called when the route table has no route for ``head``: walks it.
        """
        if not head:
            return (self.root, 0)
        searched: list[DirNode] = []
        parts = self.names.split(head).parts
        route = self._walk(self.root, parts, len(parts), 0, searched)
        return self._routes.walked(head, route, searched)

    def _follow(self, last: Last) -> Last:
        """Where the symlink found at ``last`` leads (one more hop)."""
        parent, _, _, _, trailing, link, hops, _ = last
        assert isinstance(link, LinkNode)
        hops += 1
        if hops > MAX_SYMLINKS:
            raise fail(errno.ELOOP)
        target = self.locate(link.target, start=parent, hops=hops)
        if trailing and not target[4]:
            return (*target[:4], True, *target[5:])
        return target

    def resolve(self, path: str, *, follow: bool = True) -> Node:
        """The node ``path`` names; a trailing separator always follows and needs a directory."""
        last = self.locate(path)
        while isinstance(last[5], LinkNode) and (follow or last[4]):
            last = self._follow(last)
        _, _, _, _, trailing, node, _, _ = last
        if node is None:
            raise fail(errno.ENOENT)
        if trailing and not isinstance(node, DirNode):
            raise fail(errno.ENOTDIR)
        return node

    def getcwd(self) -> list[str]:
        """The names from the root down to the current directory."""
        names: list[str] = []
        directory = self.cwd
        while directory is not self.root:
            if directory.removed:
                raise fail(errno.ENOENT)
            parent = directory.parent
            names.append(next(n for n, node in parent.entries.values() if node is directory))
            directory = parent
        return names[::-1]
