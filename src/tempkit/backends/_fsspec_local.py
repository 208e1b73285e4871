"""FsspecBackend on ``LocalFileSystem``: real files, with the local disk's own answers.

fsspec does creation, opening, listing and removal of single entries; what it
cannot say exactly (lstat, rename without replacing, symlinks, realpath,
removing a tree without following links) goes to
:class:`~tempkit.backends.posix.PosixBackend`, on the filesystem's own paths.
"""

from __future__ import annotations

import os
from typing import IO, Any, ClassVar

from tempkit.backends._fsspec_base import FsspecBase
from tempkit.backends._fsspec_errors import translated
from tempkit.backends.posix import PosixBackend

__all__ = ["LocalFsspec"]


class LocalFsspec(FsspecBase):
    """The local kind: paths are OS paths, so they are ``os.PathLike`` and have symlinks."""

    local_files: ClassVar[bool] = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._posix = PosixBackend()

    def fspath(self, path: str) -> str:
        """The OS path; a relative path is made absolute against ``root``, not the process cwd."""
        return self._fs_path(path)

    def _listed_stat(
        self, info: dict[str, Any], path: str, *, follow_symlinks: bool
    ) -> os.stat_result:
        """The disk's own stat: a listing cannot tell a link from its target."""
        return self.stat(path, follow_symlinks=follow_symlinks)

    # -- creation and opening ------------------------------------------------------------
    def _claim(self, fs_path: str, path: str) -> None:
        with translated(path):
            self.fs.open(fs_path, "xb").close()

    def mkdir(self, path: str, perm: int = 0o700) -> None:
        """Create a directory exclusively with ``perm``."""
        with translated(path):
            self.fs.mkdir(self._fs_path(path), create_parents=False, mode=perm)

    def _open_binary(self, fs_path: str, path: str, kind: str, plus: bool) -> IO[bytes]:
        with translated(path):
            file: IO[bytes] = self.fs.open(fs_path, kind + ("+" if plus else "") + "b")
            return file

    # -- inspection ----------------------------------------------------------------------
    def stat(self, path: str, *, follow_symlinks: bool = True) -> os.stat_result:
        """``os.stat`` / ``os.lstat``."""
        return self._posix.stat(self._fs_path(path), follow_symlinks=follow_symlinks)

    def readlink(self, path: str) -> str:
        """``os.readlink``."""
        return self._posix.readlink(self._fs_path(path))

    def realpath(self, path: str, *, strict: bool = False) -> str:
        """``os.path.realpath`` of the OS path."""
        return self._posix.realpath(self._fs_path(path), strict=strict)

    # -- mutation ------------------------------------------------------------------------
    def unlink(self, path: str) -> None:
        """Remove a file or symlink."""
        with translated(path):
            self.fs.rm_file(self._fs_path(path))

    def rmdir(self, path: str) -> None:
        """Remove an empty directory."""
        with translated(path):
            self.fs.rmdir(self._fs_path(path))

    def replace(self, src: str, dst: str) -> None:
        """``os.replace``: atomic."""
        self._posix.replace(self._fs_path(src), self._fs_path(dst))

    def rename_noreplace(self, src: str, dst: str) -> None:
        """Atomic no-clobber rename, as PosixBackend does it."""
        self._posix.rename_noreplace(self._fs_path(src), self._fs_path(dst))

    def symlink(self, target: str, path: str, *, target_is_directory: bool = False) -> None:
        """``os.symlink``."""
        self._posix.symlink(target, self._fs_path(path), target_is_directory=target_is_directory)

    def utime(self, path: str) -> None:
        """Set the times to now."""
        self._posix.utime(self._fs_path(path))

    def rmtree(self, path: str, *, ignore_errors: bool = False) -> None:
        """Remove a tree relative to directory descriptors, never following a link."""
        self._posix.rmtree(self._fs_path(path), ignore_errors=ignore_errors)
