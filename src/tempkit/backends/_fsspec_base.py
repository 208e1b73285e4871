"""What every kind of FsspecBackend shares: paths, environment, listings, stat, open.

:class:`FsspecBase` holds the filesystem and the root, turns backend paths into
the filesystem's own, lists directories, builds stat results from fsspec's
``info`` and layers text on the binary files each kind opens. It also carries
the operations both kinds of store without symlinks share (a store of keys,
whether its directories are real or marker objects): stat from ``info``,
lexical realpath, ``unlink``, renames by copy and delete. The local kind
(``_fsspec_local``) replaces those with the local disk's own.

The kinds: ``_fsspec_local`` (the local disk), ``_fsspec_dirs`` (directory
filesystems such as memory), ``_fsspec_store`` (object stores such as S3).
``fsspec.py`` picks one for the filesystem it is given.
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
from typing import IO, TYPE_CHECKING, Any, ClassVar, Final, cast

from tempkit._flavour import POSIX, Flavour
from tempkit.backends._fsspec_errors import translated
from tempkit.backends._fsspec_io import FIRST_CHUNK, GuardedFile, RangeReader, WholeFile
from tempkit.backends.base import BaseBackend
from tempkit.backends.modes import parse_mode
from tempkit.backends.protocol import Capabilities, DirEntry
from tempkit.errors import os_error

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

__all__ = ["OBJECT_STORE_PROTOCOLS", "FsspecBase", "import_fsspec", "protocols_of"]

# Protocols whose "directories" are only key prefixes.
OBJECT_STORE_PROTOCOLS: Final = frozenset(
    {"s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "adl", "oss", "r2", "b2"}
)
# Object stores whose exclusive write is a real conditional request (and tested here).
_CONDITIONAL_WRITE_PROTOCOLS: Final = frozenset({"s3", "s3a"})
_EMPTY_ENV: Final[Mapping[str, str]] = {}


def import_fsspec() -> Any:
    """The fsspec module, or an ImportError that says how to install it."""
    try:
        import fsspec  # noqa: PLC0415 - optional dependency, loaded on first use
    except ImportError as exc:
        raise ImportError(
            "FsspecBackend needs fsspec: pip install 'tempkit[fsspec]' (or 'tempkit[s3]' for S3)"
        ) from exc
    return fsspec


def protocols_of(fs: AbstractFileSystem) -> set[str]:
    """The protocol names a filesystem answers to."""
    return {fs.protocol} if isinstance(fs.protocol, str) else set(fs.protocol)


class FsspecBase(BaseBackend):
    """Temp objects on an fsspec filesystem: what every kind shares (see the module docstring).

    The public class is :class:`tempkit.FsspecBackend`, whose constructor picks
    the kind; its arguments are documented there.

    Attributes:
        name: "fsspec".
        flavour: POSIX paths from the filesystem's root.
        capabilities: derived from the filesystem: never permission bits or
            descriptors; symlinks and local paths on the local disk only; real
            directories except on object stores; atomic exclusive creation where
            the store has a conditional write (or ``atomic_create`` says so).
        local_files: whether paths name real local files (the local kind).
        fs: the fsspec filesystem (a private store for a ``MemoryFileSystem``).
        root: where temp objects go by default, as an absolute POSIX path.

    """

    name: str = "fsspec"
    flavour: Flavour = POSIX
    capabilities: Capabilities
    # Paths name real local files: symlinks, os.PathLike, ".." resolved by the OS.
    local_files: ClassVar[bool] = False

    def __init__(
        self,
        fs: AbstractFileSystem,
        *,
        root: str,
        object_store: bool | None = None,
        atomic_create: bool | None = None,
    ) -> None:
        fsspec = import_fsspec()
        from fsspec.implementations.memory import MemoryFileSystem  # noqa: PLC0415

        if not isinstance(fs, fsspec.AbstractFileSystem):
            raise TypeError(f"expected an fsspec filesystem, got {type(fs).__name__}")
        if not isinstance(root, str):
            raise TypeError(f"root must be str, not {type(root).__name__}")
        if "\0" in root:
            raise ValueError("root must not contain NUL")
        protocols = protocols_of(fs)
        memory = isinstance(fs, MemoryFileSystem)
        if memory and fs.store is MemoryFileSystem.store:
            # fsspec shares one memory store per process; a backend gets its own.
            fs = MemoryFileSystem(skip_instance_cache=True)
            fs.store = {}
            fs.pseudo_dirs = [""]
        self.fs: AbstractFileSystem = fs
        # Private memory stores are told apart by identity: fsspec's token may not.
        self._fs_key: object = id(fs) if memory else fs
        if object_store is None:
            object_store = bool(protocols & OBJECT_STORE_PROTOCOLS)
        if atomic_create is None:
            atomic_create = (
                self.local_files or memory or bool(protocols & _CONDITIONAL_WRITE_PROTOCOLS)
            )
        self.capabilities = Capabilities(
            permissions=False,
            symlinks=self.local_files,
            descriptors=False,
            atomic_exclusive_create=atomic_create,
            local_paths=self.local_files,
            real_directories=not object_store,
            atomic_rename=self.local_files,  # elsewhere a rename is copy-then-delete
        )
        # Serialises check-then-act sequences on stores (and makes exclusive
        # creation atomic on a private memory store).
        self._lock = threading.RLock()
        # Plain writes stream to the store, except on MemoryFileSystem, whose file
        # objects never close: there the whole file is kept and stored.
        self._streams_writes = not memory
        stripped = fs._strip_protocol(root) if root else ""
        self.root: str = posixpath.normpath("/" + stripped.lstrip("/")) if stripped else "/"
        if self.root.startswith("//"):
            self.root = "/" + self.root.lstrip("/")
        self._root_fs = self._fs_path(self.root).rstrip("/")
        if memory:
            with translated(self.root):
                self.fs.makedirs(self._fs_path(self.root), exist_ok=True)

    def __repr__(self) -> str:
        return f"FsspecBackend({type(self.fs).__name__}, root={self.root!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FsspecBase) or type(other) is not type(self):
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
        if not self.local_files:
            # Keys have no symlinks, so ".." is resolved by the text alone.
            path = posixpath.normpath(path)
        return self.fs.root_marker + path.lstrip("/")

    def url(self, path: str) -> str:
        """The fsspec URL of ``path`` ("s3://bucket/key"), for tools that take one.

        For a private memory store the URL names the path only: other fsspec
        code opening it reaches fsspec's shared store, not this backend's.

        Args:
            path: a path on this backend (relative ones start at ``root``).

        Returns:
            The URL, with the filesystem's protocol.

        Raises:
            ValueError: ``path`` contains NUL.

        Examples:
            >>> import fsspec
            >>> from tempkit import FsspecBackend
            >>> backend = FsspecBackend(fsspec.filesystem("memory"), root="/scratch")
            >>> backend.url("/scratch/report.csv")
            'memory:///scratch/report.csv'

        """
        return self.fs.unstrip_protocol(self._fs_path(path))

    # -- environment -------------------------------------------------------------------
    def environ(self) -> Mapping[str, str]:
        """No environment: the temp directory is ``root``.

        Returns:
            An empty mapping.

        """
        return _EMPTY_ENV

    def platform_temp_dirs(self) -> Sequence[str]:
        """``root`` is the one place temp objects go by default.

        Returns:
            ``(root,)``.

        """
        return (self.root,)

    def getcwd(self) -> str:
        """Relative paths are relative to ``root``.

        Returns:
            ``root``.

        """
        return self.root

    def fspath(self, path: str) -> str:
        """Refused: the path is not on this machine's disk (see :meth:`url`).

        Args:
            path: the path, in this backend's flavour.

        Returns:
            Nothing: it always raises (the local kind overrides it).

        Raises:
            TypeError: always: the filesystem is not this machine's disk.

        """
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
        """ENOENT or ENOTDIR unless the parent of ``fs_path`` is a directory."""
        parent = posixpath.dirname(fs_path) or self.fs.root_marker
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

    def _listed_stat(
        self, info: dict[str, Any], path: str, *, follow_symlinks: bool
    ) -> os.stat_result:
        """The stat result of a listed entry, from its listing where that says enough."""
        if info.get("type") not in ("file", "directory"):
            return self.stat(path, follow_symlinks=follow_symlinks)
        return self._stat_result(info, self._fs_path(path))

    # -- creation --------------------------------------------------------------------------
    def _claim(self, fs_path: str, path: str) -> None:
        """Create an empty file at ``fs_path``, failing with FileExistsError if it exists."""
        raise NotImplementedError

    def create_file(self, path: str, perm: int = 0o600) -> None:
        """Create an empty file exclusively (``perm`` is not applied: no permissions).

        Args:
            path: where to create the file.
            perm: ignored: fsspec filesystems take no permission bits.

        Raises:
            FileExistsError: something is at ``path`` already, a symlink included.
            FileNotFoundError: the parent directory is missing.
            OSError: any other refusal (PermissionError...).

        """
        self._claim(self._fs_path(path), path)

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

        fsspec's files are buffered already, so the text layer goes directly on
        them. On object stores a streaming write is stored when the file is
        closed, and ``+``/append modes hold the file in memory and store it on
        flush and close.

        Args:
            path: the path, in this backend's flavour.
            mode: as for ``open()`` ("r", "wb", "x+b"...); "x" modes create exclusively and refuse
                a symlink at ``path``.
            buffering: as for ``open()``.
            encoding: the text encoding (text modes), as for ``open()``.
            errors: the encoding error handler (text modes).
            newline: newline translation (text modes), as for ``open()``.
            perm: ignored: fsspec filesystems take no permission bits.

        Returns:
            A file object, as the builtin ``open`` returns for these arguments.

        Raises:
            ValueError: an argument the builtin ``open`` refuses.
            FileNotFoundError: the file (to read) or its directory is missing.
            FileExistsError: an "x" mode, and something is at ``path``.
            IsADirectoryError: ``path`` is a directory.

        """
        parsed = parse_mode(mode, buffering, encoding, errors, newline)
        if parsed.kindless:
            raise ValueError(f"invalid mode: {mode!r}")
        if not parsed.binary and parsed.buffering == 0:
            raise ValueError("can't have unbuffered text I/O")
        fs_path = self._fs_path(path)
        raw = self._open_binary(fs_path, path, parsed.request.kind, parsed.updating)
        if parsed.binary:
            return raw
        return io.TextIOWrapper(raw, encoding, errors, newline)

    def _open_binary(self, fs_path: str, path: str, kind: str, plus: bool) -> IO[bytes]:
        """A binary file on a store: ranged reads, streamed writes, or a whole file in memory."""
        if kind == "r" and not plus:
            return self._open_reader(fs_path, path)
        if self._streams_writes and not plus and kind in "wx":
            if kind == "x":
                self._claim(fs_path, path)
            else:
                self._check_writable(fs_path, path)
            with translated(path):
                return cast("IO[bytes]", GuardedFile(self.fs.open(fs_path, "wb"), path))
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
        """POSIX refusals for writing ``fs_path``: a missing parent, a directory in the way."""
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
                self._check_writable(fs_path, path)
                self._store(fs_path, path, b"")
        else:
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
        """Stat ``path``; on stores the mode is nominal (0o666 files, 0o777 dirs).

        Args:
            path: the path, in this backend's flavour.
            follow_symlinks: False to stat a final symlink itself (``lstat``).

        Returns:
            The entry's ``os.stat_result``.

        Raises:
            FileNotFoundError: nothing is at ``path``.
            OSError: any other failure (NotADirectoryError, PermissionError...).

        """
        fs_path = self._fs_path(path)
        return self._stat_result(self._info(fs_path, path), fs_path)

    def scandir(self, path: str) -> Iterator[DirEntry]:
        """The entries of a directory (listed at call time).

        Args:
            path: the directory to list.

        Yields:
            One entry per name in the directory.

        Raises:
            FileNotFoundError: the directory is missing.
            NotADirectoryError: ``path`` is not a directory.

        """
        fs_path = self._fs_path(path)
        prefix = path.rstrip("/")
        entries = [
            _Entry(self, name, f"{prefix}/{name}", info) for name, info in self._list(fs_path, path)
        ]
        return iter(entries)

    def realpath(self, path: str, *, strict: bool = False) -> str:
        """``path`` made absolute; without symlinks that is lexical.

        Args:
            path: the path, in this backend's flavour.
            strict: raise when the resolved path does not exist.

        Returns:
            ``path`` absolute against ``root``, with ".." resolved by the text alone.

        Raises:
            FileNotFoundError: with ``strict``, nothing is at the resolved path.

        """
        resolved = posixpath.normpath(posixpath.join(self.root, path))
        if strict:
            self.stat(resolved)
        return resolved

    # -- mutation --------------------------------------------------------------------------------
    def unlink(self, path: str) -> None:
        """Remove a file (IsADirectoryError for a directory, as on Linux).

        Args:
            path: the file or symlink to remove (a symlink's target is untouched).

        Raises:
            FileNotFoundError: nothing is at ``path``.
            IsADirectoryError: ``path`` is a directory.

        """
        fs_path = self._fs_path(path)
        with self._lock:
            if self._info(fs_path, path).get("type") == "directory":
                raise os_error(errno.EISDIR, path)
            with translated(path):
                self.fs.rm_file(fs_path)

    def replace(self, src: str, dst: str) -> None:
        """Rename, replacing ``dst`` if it is a file or an empty directory.

        Off the local disk this is copy-then-delete, so it is not atomic.

        Args:
            src: the entry to move.
            dst: its new path.

        Raises:
            OSError: ``src`` is missing, ``dst`` is a non-empty directory or of another kind
                (IsADirectoryError, NotADirectoryError), or on another filesystem (EXDEV).

        """
        self._move(src, dst, overwrite=True)

    def rename_noreplace(self, src: str, dst: str) -> None:
        """Rename, failing with FileExistsError if ``dst`` exists.

        Off the local disk ``dst`` is first claimed with an exclusive create (an
        exclusive mkdir for a directory), so two movers can never both win.

        Args:
            src: the entry to move.
            dst: its new path.

        Raises:
            FileExistsError: something is at ``dst``; nothing moved.
            OSError: any other refusal (``src`` missing, another filesystem...).

        """
        self._move(src, dst, overwrite=False)

    def rmdir(self, path: str) -> None:
        """Remove an empty directory (ENOTEMPTY, as on Linux, for one with entries).

        Args:
            path: the empty directory to remove.

        Raises:
            OSError: the directory is not empty (ENOTEMPTY), is missing (FileNotFoundError) or is
                not a directory (NotADirectoryError).

        """
        fs_path = self._fs_path(path)
        with self._lock:
            if self._list(fs_path, path):
                raise os_error(errno.ENOTEMPTY, path)
            with translated(path):
                self._remove_empty_dir(fs_path)

    def _remove_empty_dir(self, fs_path: str) -> None:
        """Remove the directory at ``fs_path``, known to be empty."""
        self.fs.rmdir(fs_path)

    def _check_new_parent(self, fs_path: str, path: str) -> None:
        """What a rename checks about the new name's parent (a directory must hold it)."""
        self._require_parent_dir(fs_path, path)

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
            else:
                self._check_new_parent(dst_fs, dst)
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
        """Refused: fsspec filesystems do not take permission bits from tempkit.

        Args:
            path: the path, in this backend's flavour.
            mode: the new permission bits.
            follow_symlinks: False to change a final symlink itself, where the platform can.

        Raises:
            OSError: always, with ENOTSUP.

        """
        raise os_error(errno.ENOTSUP, path, f"{type(self.fs).__name__} has no permission bits")

    def symlink(self, target: str, path: str, *, target_is_directory: bool = False) -> None:
        """Refused: only the local filesystem has symlinks.

        Args:
            target: what the link points to, stored as given (it may be relative or dangle).
            path: where to create the link.
            target_is_directory: on Windows, make a directory link.

        Raises:
            OSError: always, with ENOTSUP.

        """
        raise os_error(errno.ENOTSUP, path, f"{type(self.fs).__name__} has no symbolic links")


class _Entry:
    """A directory entry built from an fsspec listing."""

    __slots__ = ("_backend", "_info", "name", "path")

    def __init__(self, backend: FsspecBase, name: str, path: str, info: dict[str, Any]) -> None:
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
        return self._backend._listed_stat(self._info, self.path, follow_symlinks=follow_symlinks)


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
