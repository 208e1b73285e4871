"""The inodes of the in-memory filesystem: files, directories and symlinks.

A node is what a Linux inode is: type and permission bits, a link count and
three timestamps. Names live in the directories, not in the nodes, so a file
that is unlinked while open simply stops being reachable and lives on for as
long as its handles do.

Permission checks are those the kernel makes for the owner of every entry who
is not root: only the owner bits count (``r`` 0o400, ``w`` 0o200, ``x`` 0o100).
"""

from __future__ import annotations

import itertools
import os
import stat
import time
from collections.abc import Callable
from typing import Final

__all__ = [
    "BLOCK_SIZE",
    "DirNode",
    "FileNode",
    "LinkNode",
    "Node",
    "may",
    "stat_of",
]

READ: Final = stat.S_IRUSR
WRITE: Final = stat.S_IWUSR
EXEC: Final = stat.S_IXUSR
SEARCH_AND_WRITE: Final = WRITE | EXEC

# What ext4 reports: 4 KiB blocks, and a directory occupies one block (its
# st_size) until it holds far more entries than temp trees usually do.
BLOCK_SIZE: Final = 4096
DIRECTORY_SIZE: Final = 4096

_UID: Final = os.getuid() if hasattr(os, "getuid") else 0
_GID: Final = os.getgid() if hasattr(os, "getgid") else 0


class Node:
    """What every inode has: mode (type and permission bits), links and times."""

    __slots__ = ("atime_ns", "ctime_ns", "ino", "mode", "mtime_ns", "nlink")

    def __init__(self, ino: int, mode: int, now: int) -> None:
        self.ino = ino
        self.mode = mode
        self.nlink = 1
        self.atime_ns = self.mtime_ns = self.ctime_ns = now

    def size(self) -> int:
        """``st_size``."""
        return 0

    def touch_changed(self, now: int) -> None:
        """The inode changed (chmod, rename, link count): ``st_ctime``."""
        self.ctime_ns = now

    def touch_modified(self, now: int) -> None:
        """The contents changed: ``st_mtime`` and ``st_ctime``."""
        self.mtime_ns = self.ctime_ns = now


class FileNode(Node):
    """A regular file: its bytes, and how many open handles still use it.

    ``handles`` is what lets an unlinked file stay readable, and what a Windows
    flavour will need to refuse removing or renaming an open file.
    """

    __slots__ = ("data", "handles")

    def __init__(self, ino: int, mode: int, now: int) -> None:
        # Node's fields set here, not through super(): with the next one, 3-5% of the memory cycle.
        self.ino = ino
        self.mode = stat.S_IFREG | mode
        self.nlink = 1
        self.atime_ns = self.mtime_ns = self.ctime_ns = now
        self.data = bytearray()
        self.handles = 0

    def size(self) -> int:
        """The byte count."""
        return len(self.data)

    def drop_privileges_on_write(self) -> None:
        """Writing or truncating clears set-user-ID (and set-group-ID with group x), as Linux does.

        The kernel does this for every writer without CAP_FSETID, which is the
        user this filesystem behaves as.
        """
        mode = self.mode
        kill = mode & stat.S_ISUID
        if mode & stat.S_ISGID and mode & stat.S_IXGRP:
            kill |= stat.S_ISGID
        if kill:
            self.mode = mode & ~kill


class DirNode(Node):
    """A directory: its entries, keyed by the namespace's lookup key.

    Each entry is ``(name as created, node)``, so a case-insensitive namespace
    can fold the key and still list the name as it was written. ``parent`` is
    what ``..`` leads to (the root is its own parent); a removed directory keeps
    it but is marked ``removed`` so nothing new can be created in it.
    ``searched`` and ``route_key`` are the tree's lookup cache's bookkeeping: whether a
    remembered route ran through this directory, and the key of the route that ends here.
    """

    __slots__ = ("entries", "parent", "removed", "route_key", "searched")

    def __init__(self, ino: int, mode: int, now: int, parent: DirNode | None) -> None:
        # Node's fields set here, not through super(): see FileNode.
        self.ino = ino
        self.mode = stat.S_IFDIR | mode
        self.nlink = 2
        self.atime_ns = self.mtime_ns = self.ctime_ns = now
        self.entries: dict[str, tuple[str, Node]] = {}
        self.parent: DirNode = self if parent is None else parent
        self.removed = False
        self.searched = False
        self.route_key: str | None = None

    def size(self) -> int:
        """A directory's st_size as ext4 reports it for small directories."""
        return DIRECTORY_SIZE


class LinkNode(Node):
    """A symbolic link: ``lrwxrwxrwx`` and the target text, never interpreted here."""

    __slots__ = ("target",)

    def __init__(self, ino: int, target: str, now: int) -> None:
        super().__init__(ino, stat.S_IFLNK | 0o777, now)
        self.target = target

    def size(self) -> int:
        """The length of the target in bytes, as ``lstat`` reports it."""
        return len(os.fsencode(self.target))


def may(node: Node, bits: int) -> bool:
    """True when the owner bits of ``node`` grant every bit of ``bits``."""
    return node.mode & bits == bits


# Called for every entry made or changed, so both are C callables (no Python frame).
# next_inode(): a fresh inode number, unique in the process, hence in every tree.
next_inode: Final[Callable[[], int]] = itertools.count(2).__next__
# now_ns(): the current time for timestamps.
now_ns: Final[Callable[[], int]] = time.time_ns


def stat_of(node: Node, device: int) -> os.stat_result:
    """The ``os.stat_result`` of ``node`` on the device numbered ``device``."""
    size = node.size()
    atime, mtime, ctime = node.atime_ns, node.mtime_ns, node.ctime_ns
    blocks = 0 if isinstance(node, LinkNode) else -(-size // BLOCK_SIZE) * (BLOCK_SIZE // 512)
    # The ten fields of the stat tuple, then _EXTRA_FIELDS in their order.
    fields = (
        node.mode,
        node.ino,
        device,
        node.nlink,
        _UID,
        _GID,
        size,
        atime // 1_000_000_000,
        mtime // 1_000_000_000,
        ctime // 1_000_000_000,
        atime / 1e9,
        mtime / 1e9,
        ctime / 1e9,
        atime,
        mtime,
        ctime,
        BLOCK_SIZE,
        blocks,
        0,
    )
    if _LINUX_LAYOUT:
        # Every field in one tuple, in the order os.stat_result keeps them here:
        # about half the time of the keyword dict below, and stat is what exists(),
        # is_file(), is_dir() and friends all call.
        return os.stat_result(fields)
    return os.stat_result(
        fields[:10],
        {
            name: value
            for name, value in zip(_EXTRA_FIELDS, fields[10:], strict=True)
            if name in _PLATFORM_STAT_FIELDS
        },
    )


# The fields stat_of fills after the ten of the stat tuple, in its order.
_EXTRA_FIELDS: Final = (
    "st_atime",
    "st_mtime",
    "st_ctime",
    "st_atime_ns",
    "st_mtime_ns",
    "st_ctime_ns",
    "st_blksize",
    "st_blocks",
    "st_rdev",
)
# Those this platform's os.stat_result has (a Windows interpreter has no st_blksize,
# st_blocks or st_rdev, and refuses them).
_PLATFORM_STAT_FIELDS: Final = frozenset(
    name for name in _EXTRA_FIELDS if hasattr(os.stat_result, name)
)


def _has_linux_layout() -> bool:
    """Whether ``os.stat_result`` holds exactly the fields ``stat_of`` fills, in its order."""
    if os.stat_result.n_fields != 10 + len(_EXTRA_FIELDS):
        return False
    probe = os.stat_result(tuple(range(os.stat_result.n_fields)))
    found = [getattr(probe, name) for name in _EXTRA_FIELDS]
    return found == list(range(10, 10 + len(_EXTRA_FIELDS)))


_LINUX_LAYOUT: Final = _has_linux_layout()
