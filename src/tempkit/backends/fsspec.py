"""FsspecBackend: temp objects on any fsspec filesystem (local, memory, S3, GCS, Azure...).

Paths are POSIX paths from the filesystem's root: ``/bucket/scratch/tmpab12cd34`` on
S3, ``/tmp/x`` on the local disk. ``root`` is where temp objects go when no ``dir=``
is given (it is the backend's temp directory and its current directory).

Filesystems come in three kinds, and the backend adapts to each:

local (``LocalFileSystem``)
    Real files. fsspec does creation, listing and removal; what fsspec cannot say
    exactly (lstat, rename without replacing, symlinks, removing a tree without
    following links) goes to :class:`~tempkit.backends.posix.PosixBackend`.

directory filesystems (memory, and any fsspec filesystem that is not an object store)
    Directories exist on their own. The backend checks what POSIX would refuse
    (a missing parent, writing over a directory) before each change, under a lock.
    A ``MemoryFileSystem`` always gets a store of its own: fsspec's default is one
    store shared by every instance in the process.

object stores (s3, gs, az...)
    There are only keys. A directory is a prefix made real by a marker object (the
    empty key ``"dir/"``, as the S3 console writes it), so ``mkdir`` is exclusive and
    an empty directory can be listed. Files are written without checking their parent
    (one request per write), so writing under a missing directory creates the prefix
    implicitly. Removing a tree deletes every key under ``"dir/"``, in bulk.

Exclusive creation uses the store's conditional write where it has one (S3
``If-None-Match``, a local ``O_EXCL``); otherwise ``capabilities.atomic_exclusive_create``
is false and creation is check-then-write. No fsspec filesystem lets tempkit choose
permission bits, so ``capabilities.permissions`` is always false.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import posixpath
import stat
import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any, Final, cast

from tempkit._flavour import POSIX, Flavour
from tempkit.backends._fsspec_errors import translated
from tempkit.backends._fsspec_io import FIRST_CHUNK, GuardedFile, RangeReader, WholeFile
from tempkit.backends._rmtree import BackendTreeOps, remove_tree
from tempkit.backends.posix import PosixBackend
from tempkit.backends.protocol import Capabilities, DirEntry
from tempkit.errors import CleanupError, os_error

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

__all__ = ["FsspecBackend"]

# Protocols whose "directories" are only key prefixes.
OBJECT_STORE_PROTOCOLS: Final = frozenset(
    {"s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "adl", "oss", "r2", "b2"}
)
# Object stores whose exclusive write is a real conditional request (and tested here).
_CONDITIONAL_WRITE_PROTOCOLS: Final = frozenset({"s3", "s3a"})
# Keys that glob-expanding bulk operations would misread.
_GLOB_MAGIC: Final = frozenset("*?[")
# How often cleanup re-lists a prefix that another writer keeps filling.
_SWEEPS: Final = 3
_EMPTY_ENV: Final[Mapping[str, str]] = {}


def _import_fsspec() -> Any:
    try:
        import fsspec  # noqa: PLC0415 - optional dependency, loaded on first use
    except ImportError as exc:
        raise ImportError(
            "FsspecBackend needs fsspec: pip install 'tempkit[fsspec]' (or 'tempkit[s3]' for S3)"
        ) from exc
    return fsspec


class FsspecBackend:
    """Temp objects on an fsspec filesystem.

    ``FsspecBackend(s3fs.S3FileSystem(), root="s3://bucket/scratch")`` puts temp
    objects under that prefix; ``FsspecBackend.from_url("s3://bucket/scratch")``
    builds the filesystem too. ``root`` may carry the protocol or not.

    ``object_store`` and ``atomic_create`` override what the backend infers from
    the filesystem's protocol: say ``atomic_create=True`` only for a filesystem
    whose ``pipe_file(path, data, mode="create")`` is a real conditional write.

    Paths are not ``os.PathLike`` unless the filesystem is the local disk;
    :meth:`url` gives the fsspec URL of a path for tools that take one.
    """

    name: str = "fsspec"
    flavour: Flavour = POSIX
    capabilities: Capabilities

    def __init__(
        self,
        fs: AbstractFileSystem,
        *,
        root: str,
        object_store: bool | None = None,
        atomic_create: bool | None = None,
    ) -> None:
        fsspec = _import_fsspec()
        from fsspec.implementations.local import LocalFileSystem  # noqa: PLC0415
        from fsspec.implementations.memory import MemoryFileSystem  # noqa: PLC0415

        if not isinstance(fs, fsspec.AbstractFileSystem):
            raise TypeError(f"expected an fsspec filesystem, got {type(fs).__name__}")
        if not isinstance(root, str):
            raise TypeError(f"root must be str, not {type(root).__name__}")
        if "\0" in root:
            raise ValueError("root must not contain NUL")
        protocols = {fs.protocol} if isinstance(fs.protocol, str) else set(fs.protocol)
        self._local = isinstance(fs, LocalFileSystem)
        memory = isinstance(fs, MemoryFileSystem)
        if memory and fs.store is MemoryFileSystem.store:
            # fsspec shares one memory store per process; a backend gets its own.
            fs = MemoryFileSystem(skip_instance_cache=True)
            fs.store = {}
            fs.pseudo_dirs = [""]
        self.fs: AbstractFileSystem = fs
        # Private memory stores are told apart by identity: fsspec's token may not.
        self._fs_key: object = id(fs) if memory else fs
        self._object_store = (
            bool(protocols & OBJECT_STORE_PROTOCOLS) if object_store is None else object_store
        )
        if atomic_create is None:
            atomic_create = self._local or memory or bool(protocols & _CONDITIONAL_WRITE_PROTOCOLS)
        self.capabilities = Capabilities(
            permissions=False,
            symlinks=self._local,
            descriptors=False,
            atomic_exclusive_create=atomic_create,
            local_paths=self._local,
            real_directories=not self._object_store,
        )
        self._posix = PosixBackend() if self._local else None
        # Serialises check-then-act sequences on directory filesystems (and makes
        # exclusive creation atomic on a private memory store).
        self._lock = threading.RLock()
        stripped = fs._strip_protocol(root) if root else ""
        self.root: str = posixpath.normpath("/" + stripped.lstrip("/")) if stripped else "/"
        if self.root.startswith("//"):
            self.root = "/" + self.root.lstrip("/")
        self._root_fs = self._fs_path(self.root).rstrip("/")
        if memory:
            with translated(self.root):
                self.fs.makedirs(self._fs_path(self.root), exist_ok=True)

    @classmethod
    def from_url(cls, url: str, **storage_options: Any) -> FsspecBackend:
        """A backend for ``url`` ("s3://bucket/scratch", "memory://tmp", a local path)."""
        fsspec = _import_fsspec()
        fs, root = fsspec.url_to_fs(url, **storage_options)
        return cls(fs, root=root)

    def __repr__(self) -> str:
        return f"FsspecBackend({type(self.fs).__name__}, root={self.root!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FsspecBackend) or type(other) is not type(self):
            return NotImplemented
        return self._fs_key == other._fs_key and self.root == other.root

    def __hash__(self) -> int:
        return hash((type(self), self._fs_key, self.root))

    # -- paths -------------------------------------------------------------------------
    def _fs_path(self, path: str) -> str:
        """The filesystem's own spelling of a backend path."""
        if "\0" in path:
            raise ValueError(f"embedded null byte in path {path!r}")
        if not path.startswith("/"):
            path = posixpath.join(self.root, path)
        if not self._local:
            # Keys have no symlinks, so ".." is resolved by the text alone.
            path = posixpath.normpath(path)
        return self.fs.root_marker + path.lstrip("/")

    def url(self, path: str) -> str:
        """The fsspec URL of ``path`` ("s3://bucket/key"), for tools that take one.

        For a private memory store the URL names the path only: other fsspec
        code opening it reaches fsspec's shared store, not this backend's.
        """
        return self.fs.unstrip_protocol(self._fs_path(path))

    # -- environment -------------------------------------------------------------------
    def environ(self) -> Mapping[str, str]:
        """No environment: the temp directory is ``root``."""
        return _EMPTY_ENV

    def platform_temp_dirs(self) -> Sequence[str]:
        """``root`` is the one place temp objects go by default."""
        return (self.root,)

    def getcwd(self) -> str:
        """Relative paths are relative to ``root``."""
        return self.root

    def fspath(self, path: str) -> str:
        """The OS path on the local filesystem; TypeError anywhere else.

        A relative path is made absolute against ``root``, where this backend
        resolves it, not against the process's current directory.
        """
        if self._local:
            return self._fs_path(path)
        raise TypeError(
            f"{path!r} is on {self!r}, not on this machine's disk, so it has no OS path; "
            "use backend.url(path) for an fsspec URL"
        )

    # -- inspection helpers --------------------------------------------------------------
    def _info(self, fs_path: str, path: str) -> dict[str, Any]:
        # Listings cached by another call (or stale after another process wrote)
        # must not answer for the store.
        self.fs.invalidate_cache(fs_path)
        with translated(path):
            return self.fs.info(fs_path)

    def _info_or_none(self, fs_path: str, path: str) -> dict[str, Any] | None:
        try:
            return self._info(fs_path, path)
        except (FileNotFoundError, NotADirectoryError):
            return None

    def _size(self, fs_path: str, path: str) -> int:
        return int(self._info(fs_path, path).get("size") or 0)

    def _require_parent_dir(self, fs_path: str, path: str) -> None:
        parent = posixpath.dirname(fs_path) or self.fs.root_marker
        if self._object_store and (self._root_fs + "/").startswith(parent.rstrip("/") + "/"):
            # On an object store the root prefix (and what is above it) needs no
            # marker: prefixes exist without being made, and a missing bucket is
            # reported by the write itself.
            return
        info = self._info_or_none(parent, path)
        if info is None:
            raise os_error(errno.ENOENT, path)
        if info.get("type") != "directory":
            raise os_error(errno.ENOTDIR, path)

    def _list(self, fs_path: str, path: str) -> list[tuple[str, dict[str, Any]]]:
        """(name, info) of each entry of a directory, markers left out."""
        self.fs.invalidate_cache(fs_path)
        with translated(path):
            infos = self.fs.ls(fs_path, detail=True)
        base = fs_path.rstrip("/")
        entries: list[tuple[str, dict[str, Any]]] = []
        for info in infos:
            raw_name = str(info.get("name", ""))
            name = raw_name.rstrip("/")
            if name == base:
                if not raw_name.endswith("/") and info.get("type") != "directory":
                    # fsspec lists a file as itself; POSIX says it is no directory.
                    raise os_error(errno.ENOTDIR, path)
                continue  # this directory's own marker
            child = name.rsplit("/", 1)[-1]
            if child:
                entries.append((child, info))
        return entries

    def _stat_result(self, info: Mapping[str, Any], fs_path: str) -> os.stat_result:
        is_dir = info.get("type") == "directory"
        mode = (stat.S_IFDIR | 0o777) if is_dir else (stat.S_IFREG | 0o666)
        when = _timestamp(info)
        seconds = int(when)
        nanoseconds = int(when * 1e9)
        ids = (_stable_id(fs_path), _stable_id(self.fs.unstrip_protocol("")))
        uid = os.getuid() if hasattr(os, "getuid") else 0
        gid = os.getgid() if hasattr(os, "getgid") else 0
        size = int(info.get("size") or 0)
        return os.stat_result(
            (mode, ids[0], ids[1], 1, uid, gid, size, seconds, seconds, seconds),
            {
                "st_atime": when,
                "st_mtime": when,
                "st_ctime": when,
                "st_atime_ns": nanoseconds,
                "st_mtime_ns": nanoseconds,
                "st_ctime_ns": nanoseconds,
            },
        )

    # -- creation --------------------------------------------------------------------------
    def _claim(self, fs_path: str, path: str) -> None:
        """Create an empty file at ``fs_path``, failing with FileExistsError if it exists."""
        if self._local:
            with translated(path):
                self.fs.open(fs_path, "xb").close()
            return
        if self._object_store:
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
            return
        with self._lock:
            self._require_parent_dir(fs_path, path)
            if self._info_or_none(fs_path, path) is not None:
                raise os_error(errno.EEXIST, path)
            with translated(path):
                self.fs.pipe_file(fs_path, b"", mode="create")

    def create_file(self, path: str, perm: int = 0o600) -> None:
        """Create an empty file exclusively (``perm`` is not applied: no permissions)."""
        self._claim(self._fs_path(path), path)

    def mkdir(self, path: str, perm: int = 0o700) -> None:
        """Create a directory exclusively (on object stores: its marker object)."""
        fs_path = self._fs_path(path)
        if self._local:
            with translated(path):
                self.fs.mkdir(fs_path, create_parents=False, mode=perm)
            return
        if self._object_store:
            self._mkdir_marker(fs_path, path)
            return
        with self._lock:
            self._require_parent_dir(fs_path, path)
            if self._info_or_none(fs_path, path) is not None:
                raise os_error(errno.EEXIST, path)
            with translated(path):
                self.fs.mkdir(fs_path, create_parents=False)

    def _mkdir_marker(self, fs_path: str, path: str) -> None:
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

    # -- open ----------------------------------------------------------------------------------
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
        """Open like the builtin ``open``; mode "x" creates exclusively.

        On object stores a streaming write is stored when the file is closed, and
        ``+``/append modes hold the file in memory and store it on flush and close.
        """
        kind, plus, binary = _parse_mode(mode)
        if binary:
            if encoding is not None or errors is not None or newline is not None:
                raise ValueError("binary mode doesn't take an encoding, errors or newline argument")
        elif buffering == 0:
            raise ValueError("can't have unbuffered text I/O")
        fs_path = self._fs_path(path)
        raw = self._open_binary(fs_path, path, kind, plus)
        if binary:
            return raw
        return io.TextIOWrapper(raw, encoding, errors, newline)

    def _open_binary(self, fs_path: str, path: str, kind: str, plus: bool) -> IO[bytes]:
        if self._local:
            with translated(path):
                return self.fs.open(fs_path, kind + ("+" if plus else "") + "b")
        if kind == "r" and not plus:
            return self._open_reader(fs_path, path)
        streaming = self._object_store or not _is_memory(self.fs)
        if streaming and not plus and kind in "wx":
            if kind == "x":
                self._claim(fs_path, path)
            elif not self._object_store:
                self._check_writable(fs_path, path)
            with translated(path):
                return cast(IO[bytes], GuardedFile(self.fs.open(fs_path, "wb"), path))
        return self._open_whole(fs_path, path, kind, plus)

    def _open_reader(self, fs_path: str, path: str) -> IO[bytes]:
        try:
            reader = RangeReader(self.fs, fs_path, path, lambda: self._size(fs_path, path))
        except FileNotFoundError:
            info = self._info_or_none(fs_path, path)
            if info is not None and info.get("type") == "directory":
                raise os_error(errno.EISDIR, path) from None
            raise
        buffer_size = io.DEFAULT_BUFFER_SIZE if reader._size is not None else FIRST_CHUNK
        return io.BufferedReader(reader, buffer_size)

    def _check_writable(self, fs_path: str, path: str) -> None:
        """POSIX refusals for writing ``fs_path`` on a directory filesystem."""
        with self._lock:
            self._require_parent_dir(fs_path, path)
            info = self._info_or_none(fs_path, path)
            if info is not None and info.get("type") == "directory":
                raise os_error(errno.EISDIR, path)

    def _open_whole(self, fs_path: str, path: str, kind: str, plus: bool) -> IO[bytes]:
        initial = b""
        if kind == "x":
            self._claim(fs_path, path)
        elif kind in ("r", "a"):
            try:
                with translated(path):
                    initial = self.fs.cat_file(fs_path)
            except FileNotFoundError:
                if kind == "r":
                    raise
                if not self._object_store:
                    self._check_writable(fs_path, path)
                self._store(fs_path, path, b"")
        else:
            if not self._object_store:
                self._check_writable(fs_path, path)
            self._store(fs_path, path, b"")  # "w" truncates at open, as open() does
        return WholeFile(
            initial,
            lambda data: self._store(fs_path, path, data),
            name=path,
            readable=plus or kind == "r",
            append=kind == "a",
        )

    def _store(self, fs_path: str, path: str, data: bytes) -> None:
        with translated(path):
            self.fs.pipe_file(fs_path, data)

    # -- inspection ------------------------------------------------------------------------------
    def stat(self, path: str, *, follow_symlinks: bool = True) -> os.stat_result:
        """Stat ``path``; on remote stores the mode is nominal (0o666 files, 0o777 dirs)."""
        fs_path = self._fs_path(path)
        if self._posix is not None:
            return self._posix.stat(fs_path, follow_symlinks=follow_symlinks)
        return self._stat_result(self._info(fs_path, path), fs_path)

    def scandir(self, path: str) -> Iterator[DirEntry]:
        """The entries of a directory (listed at call time)."""
        fs_path = self._fs_path(path)
        prefix = path.rstrip("/")
        entries = [
            _Entry(self, name, f"{prefix}/{name}", info) for name, info in self._list(fs_path, path)
        ]
        return iter(entries)

    def readlink(self, path: str) -> str:
        """The target of a symlink (only the local filesystem has them)."""
        if self._posix is not None:
            return self._posix.readlink(self._fs_path(path))
        self.stat(path)
        raise os_error(errno.EINVAL, path)

    def realpath(self, path: str, *, strict: bool = False) -> str:
        """``path`` made absolute; without symlinks that is lexical."""
        if self._posix is not None:
            return self._posix.realpath(self._fs_path(path), strict=strict)
        resolved = posixpath.normpath(posixpath.join(self.root, path))
        if strict:
            self.stat(resolved)
        return resolved

    # -- mutation --------------------------------------------------------------------------------
    def unlink(self, path: str) -> None:
        """Remove a file (IsADirectoryError for a directory, as on Linux)."""
        fs_path = self._fs_path(path)
        if self._local:
            with translated(path):
                self.fs.rm_file(fs_path)
            return
        with self._lock:
            if self._info(fs_path, path).get("type") == "directory":
                raise os_error(errno.EISDIR, path)
            with translated(path):
                self.fs.rm_file(fs_path)

    def rmdir(self, path: str) -> None:
        """Remove an empty directory (on object stores: its marker)."""
        fs_path = self._fs_path(path)
        if self._local:
            with translated(path):
                self.fs.rmdir(fs_path)
            return
        with self._lock:
            if self._list(fs_path, path):
                raise os_error(errno.ENOTEMPTY, path)
            with translated(path):
                if self._object_store:
                    self.fs.rm_file(fs_path + "/")
                else:
                    self.fs.rmdir(fs_path)

    def rename(self, src: str, dst: str) -> None:
        """Rename, replacing a file or an empty directory at ``dst`` (POSIX rules)."""
        self.replace(src, dst)

    def replace(self, src: str, dst: str) -> None:
        """Rename, replacing ``dst`` if it is a file or an empty directory.

        Off the local disk this is copy-then-delete, so it is not atomic.
        """
        if self._posix is not None:
            self._posix.replace(self._fs_path(src), self._fs_path(dst))
            return
        self._move(src, dst, overwrite=True)

    def rename_noreplace(self, src: str, dst: str) -> None:
        """Rename, failing with FileExistsError if ``dst`` exists.

        Off the local disk ``dst`` is first claimed with an exclusive create (an
        exclusive mkdir for a directory), so two movers can never both win.
        """
        if self._posix is not None:
            self._posix.rename_noreplace(self._fs_path(src), self._fs_path(dst))
            return
        self._move(src, dst, overwrite=False)

    def _move(self, src: str, dst: str, *, overwrite: bool) -> None:
        src_fs, dst_fs = self._fs_path(src), self._fs_path(dst)
        with self._lock:
            is_dir = self._info(src_fs, src).get("type") == "directory"
            if src_fs == dst_fs:
                return
            if is_dir and (dst_fs + "/").startswith(src_fs + "/"):
                raise os_error(errno.EINVAL, src, "cannot move a directory into itself", dst)
            target = self._info_or_none(dst_fs, dst)
            if target is not None:
                if not overwrite:
                    raise os_error(errno.EEXIST, src, None, dst)
                target_is_dir = target.get("type") == "directory"
                if is_dir and not target_is_dir:
                    raise os_error(errno.ENOTDIR, src, None, dst)
                if not is_dir and target_is_dir:
                    raise os_error(errno.EISDIR, src, None, dst)
                if is_dir:
                    self.rmdir(dst)
            elif not self._object_store:
                self._require_parent_dir(dst_fs, dst)
            if is_dir:
                self._move_tree(src, dst)
                return
            if target is None and not overwrite:
                self._claim(dst_fs, dst)
            with translated(src, dst):
                self.fs.cp_file(src_fs, dst_fs)
                self.fs.rm_file(src_fs)

    def _move_tree(self, src: str, dst: str) -> None:
        self.mkdir(dst)
        for name, info in self._list(self._fs_path(src), src):
            child_src, child_dst = f"{src}/{name}", f"{dst}/{name}"
            if info.get("type") == "directory":
                self._move_tree(child_src, child_dst)
            else:
                with translated(child_src, child_dst):
                    self.fs.cp_file(self._fs_path(child_src), self._fs_path(child_dst))
                    self.fs.rm_file(self._fs_path(child_src))
        self.rmdir(src)

    def chmod(self, path: str, mode: int, *, follow_symlinks: bool = True) -> None:
        """Refused: fsspec filesystems do not take permission bits from tempkit."""
        raise os_error(errno.ENOTSUP, path, f"{type(self.fs).__name__} has no permission bits")

    def symlink(self, target: str, path: str, *, target_is_directory: bool = False) -> None:
        """Create a symlink (local filesystem only)."""
        if self._posix is None:
            raise os_error(errno.ENOTSUP, path, f"{type(self.fs).__name__} has no symbolic links")
        self._posix.symlink(target, self._fs_path(path), target_is_directory=target_is_directory)

    def utime(self, path: str) -> None:
        """Set the times to now locally; elsewhere times are the store's, so only check."""
        if self._posix is not None:
            self._posix.utime(self._fs_path(path))
            return
        self.stat(path)

    def rmtree(self, path: str, *, ignore_errors: bool = False) -> None:
        """Remove a directory and everything in it; a missing ``path`` is fine.

        On object stores this deletes every key under the directory's prefix (in
        bulk) and its markers, then lists again in case another writer added
        objects meanwhile. A plain object of the same name is not part of the tree.
        """
        if self._posix is not None:
            self._posix.rmtree(self._fs_path(path), ignore_errors=ignore_errors)
        elif self._object_store:
            self._remove_prefix(path, ignore_errors)
        else:
            remove_tree(BackendTreeOps(self), path, "/", ignore_errors=ignore_errors)

    def _remove_prefix(self, path: str, ignore_errors: bool) -> None:
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


class _Entry:
    """A directory entry built from an fsspec listing."""

    __slots__ = ("_backend", "_info", "name", "path")

    def __init__(self, backend: FsspecBackend, name: str, path: str, info: dict[str, Any]) -> None:
        self._backend = backend
        self._info = info
        self.name = name
        self.path = path

    def __repr__(self) -> str:
        return f"<DirEntry {self.name!r}>"

    def _followed_mode(self) -> int:
        try:
            return self._backend.stat(self.path).st_mode
        except OSError:
            return 0

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        """True for a directory (or a link to one when following links)."""
        if self.is_symlink():
            return follow_symlinks and stat.S_ISDIR(self._followed_mode())
        return self._info.get("type") == "directory"

    def is_file(self, *, follow_symlinks: bool = True) -> bool:
        """True for a regular file (or a link to one when following links)."""
        if self.is_symlink():
            return follow_symlinks and stat.S_ISREG(self._followed_mode())
        return self._info.get("type") == "file"

    def is_symlink(self) -> bool:
        """True for a symbolic link (local filesystem only)."""
        return bool(self._info.get("islink"))

    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        """The entry's stat result (from the listing where it has one)."""
        backend = self._backend
        if backend._local or self._info.get("type") not in ("file", "directory"):
            return backend.stat(self.path, follow_symlinks=follow_symlinks)
        return backend._stat_result(self._info, backend._fs_path(self.path))


def _is_memory(fs: AbstractFileSystem) -> bool:
    from fsspec.implementations.memory import MemoryFileSystem  # noqa: PLC0415

    return isinstance(fs, MemoryFileSystem)


def _parse_mode(mode: str) -> tuple[str, bool, bool]:
    """(kind in "rwxa", plus, binary) for a builtin ``open`` mode, or ValueError."""
    if not isinstance(mode, str):
        raise TypeError(f"open() argument 'mode' must be str, not {type(mode).__name__}")
    kinds = [c for c in mode if c in "rwxa"]
    if (
        len(kinds) != 1
        or set(mode) - set("rwxab+t")
        or len(set(mode)) != len(mode)
        or ("b" in mode and "t" in mode)
    ):
        raise ValueError(f"invalid mode: {mode!r}")
    return kinds[0], "+" in mode, "b" in mode


def _timestamp(info: Mapping[str, Any]) -> float:
    """The modification time an fsspec listing reports, under whichever name it uses."""
    for key in ("mtime", "LastModified", "last_modified", "updated", "modified", "created"):
        value = info.get(key)
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, datetime):
            return value.timestamp()
        if isinstance(value, str):
            try:
                return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
            except ValueError:
                continue
    return 0.0


def _stable_id(text: str) -> int:
    """A 63-bit number that names ``text`` the same way in every process."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1
