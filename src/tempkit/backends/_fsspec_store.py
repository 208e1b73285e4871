"""FsspecBackend on an object store (s3, gs, az...): keys, and directories as marker objects.

There are only keys. A directory is a prefix made real by a marker object (the
empty key ``"dir/"``, as the S3 console writes it), so ``mkdir`` is exclusive and
an empty directory can be listed. Files are written without checking their
parent (one request per write), so writing under a missing directory creates
the prefix implicitly. Exclusive creation is the store's conditional write
(S3 ``If-None-Match``), checked afterwards against a directory of the same name.
Removing a tree deletes every key under ``"dir/"``, in bulk.
"""

from __future__ import annotations

import errno
import posixpath
from typing import Any, Final

from tempkit.backends._fsspec_base import FsspecBase
from tempkit.backends._fsspec_errors import translated
from tempkit.errors import CleanupError, os_error

__all__ = ["ObjectStoreFsspec"]

# Keys that glob-expanding bulk operations would misread.
_GLOB_MAGIC: Final = frozenset("*?[")
# How often cleanup re-lists a prefix that another writer keeps filling.
_SWEEPS: Final = 3


class ObjectStoreFsspec(FsspecBase):
    """The object-store kind: no parent checks on writes, markers for directories."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._streams_writes = True

    def _require_parent_dir(self, fs_path: str, path: str) -> None:
        parent = posixpath.dirname(fs_path) or self.fs.root_marker
        if (self._root_fs + "/").startswith(parent.rstrip("/") + "/"):
            # The root prefix (and what is above it) needs no marker: prefixes
            # exist without being made, and a missing bucket is reported by the
            # write itself.
            return
        super()._require_parent_dir(fs_path, path)

    def _check_writable(self, fs_path: str, path: str) -> None:
        """Nothing to check: a write makes its prefix, and a key is never a directory."""

    def _check_new_parent(self, fs_path: str, path: str) -> None:
        """Nothing to check: a key needs no parent directory."""

    # -- creation ------------------------------------------------------------------------
    def _claim(self, fs_path: str, path: str) -> None:
        with translated(path):
            self.fs.pipe_file(fs_path, b"", mode="create")
            # Claim, then verify: a directory of that name means the name was
            # taken (checking first would race with a concurrent mkdir).
            self.fs.invalidate_cache(fs_path)
            taken = self.fs.isdir(fs_path)
            if taken:
                self.fs.rm_file(fs_path)
        if taken:
            raise os_error(errno.EEXIST, path)

    def mkdir(self, path: str, perm: int = 0o700) -> None:
        """Create a directory exclusively: its marker object."""
        fs_path = self._fs_path(path)
        if "/" not in fs_path.strip("/"):
            raise os_error(
                errno.EPERM,
                path,
                "tempkit does not create buckets; make one with the store's tools",
            )
        self._require_parent_dir(fs_path, path)
        marker = fs_path + "/"
        with translated(path):
            self.fs.pipe_file(marker, b"", mode="create")
        # Claim, then verify: a plain object of that name, or keys under the prefix
        # written without a marker, mean the directory existed already.
        try:
            info = self._info_or_none(fs_path, path)
            taken = info is not None and info.get("type") != "directory"
            if not taken:
                taken = bool(self._list(fs_path, path))
        except BaseException:
            with translated(path):
                self.fs.rm_file(marker)
            raise
        if taken:
            with translated(path):
                self.fs.rm_file(marker)
            raise os_error(errno.EEXIST, path)

    # -- removal -------------------------------------------------------------------------
    def _remove_empty_dir(self, fs_path: str) -> None:
        """An empty directory is its marker object."""
        self.fs.rm_file(fs_path + "/")

    def rmtree(self, path: str, *, ignore_errors: bool = False) -> None:
        """Delete every key under the directory's prefix (in bulk) and its markers.

        Then list again, in case another writer added objects meanwhile. A plain
        object of the same name is not part of the tree; a missing ``path`` is fine.
        """
        fs_path = self._fs_path(path).rstrip("/")
        prefix = fs_path + "/"
        errors: list[tuple[str, OSError]] = []
        for _ in range(_SWEEPS):
            self.fs.invalidate_cache(fs_path)
            try:
                with translated(path):
                    keys = [key for key in self.fs.find(fs_path) if key.startswith(prefix)]
            except FileNotFoundError:
                return
            except OSError as exc:
                errors.append((path, exc))
                break
            if not keys:
                return
            self._delete_keys(keys, path, errors)
            if errors:
                break
        else:
            errors.append((path, os_error(errno.ENOTEMPTY, path, "objects kept appearing")))
        if errors and not ignore_errors:
            raise CleanupError(path, errors)

    def _delete_keys(self, keys: list[str], path: str, errors: list[tuple[str, OSError]]) -> None:
        bulk = [key for key in keys if not key.endswith("/") and not _GLOB_MAGIC & set(key)]
        one_by_one = [key for key in keys if key.endswith("/") or _GLOB_MAGIC & set(key)]
        # Deepest first, so a directory's marker goes after what it holds.
        one_by_one.sort(key=len, reverse=True)
        if bulk:
            try:
                with translated(path):
                    self.fs.rm(bulk)
            except OSError as exc:
                errors.append((path, exc))
        for key in one_by_one:
            try:
                with translated(key):
                    self.fs.rm_file(key)
            except FileNotFoundError:
                pass
            except OSError as exc:
                errors.append((key, exc))
