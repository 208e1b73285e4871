"""FsspecBackend on a directory filesystem: memory, and any fsspec filesystem not an object store.

Directories exist on their own. The backend checks what POSIX would refuse (a
missing parent, writing over a directory, removing a full directory) before
each change, under a lock, so the answers are the local disk's. Removing a
tree is the shared walker of the base class, entry by entry.
"""

from __future__ import annotations

import errno

from tempkit.backends._fsspec_base import FsspecBase
from tempkit.backends._fsspec_errors import translated
from tempkit.errors import os_error

__all__ = ["DirectoryFsspec"]


class DirectoryFsspec(FsspecBase):
    """The directory kind: check-then-act under the backend's lock."""

    def _claim(self, fs_path: str, path: str) -> None:
        with self._lock:
            self._require_parent_dir(fs_path, path)
            if self._info_or_none(fs_path, path) is not None:
                raise os_error(errno.EEXIST, path)
            with translated(path):
                self.fs.pipe_file(fs_path, b"", mode="create")

    def mkdir(self, path: str, perm: int = 0o700) -> None:
        """Create a directory exclusively (``perm`` is not applied: no permissions)."""
        fs_path = self._fs_path(path)
        with self._lock:
            self._require_parent_dir(fs_path, path)
            if self._info_or_none(fs_path, path) is not None:
                raise os_error(errno.EEXIST, path)
            with translated(path):
                self.fs.mkdir(fs_path, create_parents=False)
