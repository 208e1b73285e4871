"""FsspecBackend: temp objects on any fsspec filesystem (local, memory, S3, GCS, Azure...).

Paths are POSIX paths from the filesystem's root: ``/bucket/scratch/tmpab12cd34`` on
S3, ``/tmp/x`` on the local disk. ``root`` is where temp objects go when no ``dir=``
is given (it is the backend's temp directory and its current directory).

Filesystems come in three kinds, one module each, on a shared base (``_fsspec_base``):

local (``LocalFileSystem``; ``_fsspec_local``)
    Real files. fsspec does creation, listing and removal; what fsspec cannot say
    exactly (lstat, rename without replacing, symlinks, removing a tree without
    following links) goes to :class:`~tempkit.backends.posix.PosixBackend`.

directory filesystems (memory, and any fsspec filesystem that is not an object
store; ``_fsspec_dirs``)
    Directories exist on their own. The backend checks what POSIX would refuse
    (a missing parent, writing over a directory) before each change, under a lock.
    A ``MemoryFileSystem`` always gets a store of its own: fsspec's default is one
    store shared by every instance in the process.

object stores (s3, gs, az...; ``_fsspec_store``)
    There are only keys. A directory is a prefix made real by a marker object (the
    empty key ``"dir/"``, as the S3 console writes it), so ``mkdir`` is exclusive and
    an empty directory can be listed. Files are written without checking their parent
    (one request per write), so writing under a missing directory creates the prefix
    implicitly. Removing a tree deletes every key under ``"dir/"``, in bulk.

Exclusive creation uses the store's conditional write where it has one (S3
``If-None-Match``, a local ``O_EXCL``); otherwise ``capabilities.atomic_exclusive_create``
is false and creation is check-then-write. No fsspec filesystem lets tempkit choose
permission bits, so ``capabilities.permissions`` is always false.

This module is where the kinds meet: :class:`FsspecBackend` picks one for the
filesystem it is given, so the kinds need not know each other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tempkit.backends._fsspec_base import (
    OBJECT_STORE_PROTOCOLS,
    FsspecBase,
    import_fsspec,
    protocols_of,
)
from tempkit.backends._fsspec_dirs import DirectoryFsspec
from tempkit.backends._fsspec_local import LocalFsspec
from tempkit.backends._fsspec_store import ObjectStoreFsspec

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

__all__ = ["OBJECT_STORE_PROTOCOLS", "FsspecBackend"]


class FsspecBackend(FsspecBase):
    """Temp objects on an fsspec filesystem.

    ``FsspecBackend(s3fs.S3FileSystem(), root="s3://bucket/scratch")`` puts temp
    objects under that prefix; ``FsspecBackend.from_url("s3://bucket/scratch")``
    builds the filesystem too. ``root`` may carry the protocol or not.

    ``object_store`` and ``atomic_create`` override what the backend infers from
    the filesystem's protocol: say ``atomic_create=True`` only for a filesystem
    whose ``pipe_file(path, data, mode="create")`` is a real conditional write.

    Paths are not ``os.PathLike`` unless the filesystem is the local disk;
    :meth:`url` gives the fsspec URL of a path for tools that take one.

    Args:
        fs: the fsspec filesystem.
        root: where temp objects go by default (and what relative paths start from).
        object_store: whether directories are only key prefixes (default: from
            the protocol: s3, gs, az...).
        atomic_create: whether exclusive creation is atomic (default: the local
            disk, memory and S3's conditional writes).

    Raises:
        TypeError: ``fs`` is not an fsspec filesystem, or ``root`` is not a str.
        ValueError: ``root`` contains NUL.
        ImportError: fsspec is not installed.

    """

    def __new__(
        cls,
        fs: AbstractFileSystem,
        *,
        root: str,
        object_store: bool | None = None,
        atomic_create: bool | None = None,
    ) -> FsspecBackend:
        """Make the kind of backend ``fs`` needs (see ``_kind_class``)."""
        return super().__new__(_kind_class(cls, fs, object_store))

    @classmethod
    def from_url(cls, url: str, **storage_options: Any) -> FsspecBackend:
        """A backend for ``url`` ("s3://bucket/scratch", "memory://tmp", a local path).

        Args:
            url: where temp objects go: the filesystem's protocol and the root.
            **storage_options: passed to fsspec to make the filesystem
                (credentials, ``endpoint_url``...).

        Returns:
            The backend on the filesystem fsspec makes for ``url``, with the
            URL's path as ``root``.

        Raises:
            ImportError: fsspec, or the protocol's package (s3fs...), is not installed.
            ValueError: fsspec does not know the protocol.

        Examples:
            >>> from tempkit import FsspecBackend, TempDirPath
            >>> backend = FsspecBackend.from_url("memory://scratch")
            >>> with TempDirPath.create(backend=backend) as tmp:
            ...     _ = (tmp / "part-0.csv").write_text("a,b", encoding="utf-8")
            ...     print(tmp.parent, backend.url(str(tmp)).startswith("memory:///scratch/tmp"))
            /scratch True

        """
        fsspec = import_fsspec()
        fs, root = fsspec.url_to_fs(url, **storage_options)
        return cls(fs, root=root)


class LocalFsspecBackend(LocalFsspec, FsspecBackend):
    """``FsspecBackend`` on the local disk (``_fsspec_local``)."""


class DirectoryFsspecBackend(DirectoryFsspec, FsspecBackend):
    """``FsspecBackend`` on a directory filesystem such as memory (``_fsspec_dirs``)."""


class ObjectStoreFsspecBackend(ObjectStoreFsspec, FsspecBackend):
    """``FsspecBackend`` on an object store such as S3 (``_fsspec_store``)."""


def _kind_class(cls: type[FsspecBackend], fs: object, object_store: object) -> type[FsspecBackend]:
    """The class ``FsspecBackend(fs, ...)`` makes: one per kind of filesystem."""
    if cls is not FsspecBackend:
        return cls
    fsspec = import_fsspec()
    from fsspec.implementations.local import LocalFileSystem  # noqa: PLC0415

    if isinstance(fs, LocalFileSystem):
        return LocalFsspecBackend
    if not isinstance(fs, fsspec.AbstractFileSystem):
        return DirectoryFsspecBackend  # whose constructor refuses it with TypeError
    if object_store is None:
        object_store = bool(protocols_of(fs) & OBJECT_STORE_PROTOCOLS)
    return ObjectStoreFsspecBackend if object_store else DirectoryFsspecBackend
