"""A pathlib-compatible path bound to one backend.

The pure part (parsing, joining, names, matching) is done by the backend's
flavour, as CPython's pathlib does with ``posixpath``/``ntpath``; every I/O
method goes through the backend. Paths on a local backend are ``os.PathLike``;
on any other backend ``os.fspath()`` raises TypeError, so a memory path can
never silently reach the real disk.
"""

from __future__ import annotations

import errno
import os
import stat as stat_module
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any, BinaryIO, TextIO, overload

from tempkit._flavour import Flavour
from tempkit._whole_files import decode_with, encode_text, text_codec, whole_file_backend
from tempkit.backends._current import check_backend, get_backend
from tempkit.backends.protocol import Backend
from tempkit.errors import os_error

if TYPE_CHECKING:
    from _typeshed import OpenBinaryMode, OpenTextMode

    if sys.version_info >= (3, 11):
        from typing import Self
    else:
        from typing_extensions import Self

__all__ = ["BackendPath"]

if sys.version_info >= (3, 11):
    import io

    # Bound to a name of this module (not only imported) so atomic.py can share it.
    _text_encoding = io.text_encoding
else:

    def _text_encoding(encoding: str | None, stacklevel: int = 2) -> str:
        return "locale" if encoding is None else encoding


class BackendPath:
    r"""A path on a tempkit backend, with the API of ``pathlib.Path``.

    ``BackendPath("/tmp/x")`` is on the current backend; pass ``backend=`` to
    choose one. Joining (``/``, ``joinpath``, ``parent``...) keeps the backend.
    Derived paths are always plain ``BackendPath`` objects: a child of a temp
    directory does not own anything, but it keeps the temp directory alive (see
    ``_owner``), so the tree cannot be removed implicitly while the path is in use.

    The pure methods (``name``, ``with_suffix``, ``relative_to``, ``match``...)
    follow the backend's flavour, POSIX or Windows, as ``PurePosixPath`` or
    ``PureWindowsPath`` would; the I/O methods go through the backend and raise
    the builtin ``OSError`` subclasses with ``errno`` and ``filename`` set.

    Args:
        *segments: path segments, joined as ``pathlib`` joins them (an absolute
            one starts over); text, ``os.PathLike`` objects or paths on the same
            backend. No segment at all is the current directory, ".".
        backend: the backend; default that of the first ``BackendPath`` among
            ``segments``, else the current one (see :func:`tempkit.use_backend`).

    Raises:
        TypeError: a segment is neither text nor ``os.PathLike`` (of text).
        ValueError: a segment is a path on another backend.

    Examples:
        >>> from tempkit import BackendPath, MemoryBackend
        >>> memory = MemoryBackend()
        >>> report = BackendPath("/tmp", "reports", "q1.csv", backend=memory)
        >>> report.parent.mkdir()
        >>> report.write_text("a,b\n", encoding="utf-8")
        4
        >>> report.name, report.suffix, report.parent
        ('q1.csv', '.csv', BackendPath('/tmp/reports', backend=MemoryBackend(dev=...)))
        >>> [p.name for p in report.parent.iterdir()]
        ['q1.csv']

    """

    __slots__ = ("_backend", "_owner", "_parsed", "_raw", "_str_normcase")

    _backend: Backend
    _raw: str
    _parsed: tuple[str, str, list[str]] | None
    _str_normcase: str | None
    # The temp object whose tree this path lies in (lexically: the temp object's own
    # text or below it), held only so that its finalizer cannot run while this path is
    # reachable; None when no temp object owns it. A temp object answers itself.
    _owner: BackendPath | None

    def __init__(self, *segments: str | os.PathLike[str], backend: Backend | None = None) -> None:
        if backend is None:
            backend = _backend_of(segments) or get_backend()
        self._backend = backend
        try:
            flavour = backend.flavour
        except AttributeError:
            check_backend(backend)  # not a backend at all: a TypeError that says so
            raise
        raw = _join_segments(flavour, segments, backend)
        self._parsed = parsed = flavour.parse(raw)
        self._raw = raw = flavour.format(*parsed)
        self._str_normcase = None
        self._owner = _owner_among(segments, raw, flavour.sep)

    @classmethod
    def _from_normalized(cls, raw: str, backend: Backend) -> Self:
        """Build a path from a string already in canonical form (no re-parsing)."""
        self = cls.__new__(cls)
        self._backend = backend
        self._raw = raw
        self._parsed = None
        self._str_normcase = None
        self._owner = None
        return self

    # A path is an immutable value on a shared filesystem: a copy, even a deep
    # one, is the same path on the same backend (copying a MemoryBackend would
    # make a second filesystem). A pickle carries the text and the backend.
    def __copy__(self) -> BackendPath:
        return self._plain(self)

    def __deepcopy__(self, memo: dict[int, object]) -> BackendPath:
        return self._plain(self)

    def __reduce__(self) -> tuple[Callable[[str, Backend], BackendPath], tuple[str, Backend]]:
        return (_plain_path, (self._raw, self._backend))

    def _derive(
        self, drive: str, root: str, parts: list[str], raw: str | None = None, inside: bool = False
    ) -> BackendPath:
        """A new plain path on the same backend from parsed pieces (and their string).

        It keeps this path's owner when it lies in the owner's tree; ``inside``
        says the caller knows it does (it names an entry of the same tree), and
        skips the check.
        """
        backend = self._backend
        path = BackendPath.__new__(BackendPath)
        path._backend = backend
        path._parsed = (drive, root, parts)
        path._raw = text = backend.flavour.format(drive, root, parts) if raw is None else raw
        path._str_normcase = None
        owner = self._owner
        if owner is not None and not inside and not _within(owner._raw, text, backend.flavour.sep):
            owner = None  # a parent above the tree, a sibling named by with_name()
        path._owner = owner
        return path

    def with_segments(self, *segments: str | os.PathLike[str]) -> BackendPath:
        """A new path on the same backend from ``segments`` (pathlib 3.12 hook).

        Args:
            *segments: path segments, as for the constructor.

        Returns:
            A plain path on this path's backend.

        """
        return BackendPath(*segments, backend=self._backend)

    # -- identity --------------------------------------------------------------
    @property
    def backend(self) -> Backend:
        """The backend this path lives on."""
        return self._backend

    # The path's text has two spellings. ``_raw`` is the canonical text as stored
    # ("" for the current directory); reading it never does any work. ``str()`` is
    # the text to hand to the backend ("." for the current directory); a subclass
    # may do work first (a SpooledTempPath rolls over to get one). Methods call
    # ``self.__str__()``: a plain method call, without the dispatch of the str
    # builtin, which costs about as much again on every I/O call.
    def __str__(self) -> str:
        return self._raw or "."

    def _pieces(self) -> tuple[str, str, list[str]]:
        parsed = self._parsed
        if parsed is None:
            parsed = self._parsed = self._backend.flavour.parse(self.__str__())
        return parsed

    def __fspath__(self) -> str:
        return self._backend.fspath(self.__str__())

    def __repr__(self) -> str:
        backend = "" if self._backend.capabilities.local_paths else f", backend={self._backend!r}"
        return f"{type(self).__name__}({str(self)!r}{backend})"

    def __bytes__(self) -> bytes:
        return os.fsencode(self.__fspath__())

    def _key(self) -> str:
        key = self._str_normcase
        if key is None:
            key = self._str_normcase = self._backend.flavour.normcase(str(self))
        return key

    def _parts_key(self) -> list[str]:
        # pathlib 3.12+ orders by the case-normalised string split on the
        # separator, so "/b" sorts before "a" and "a" before "a/b".
        return self._key().split(self._backend.flavour.sep)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BackendPath):
            return NotImplemented
        return self._backend == other._backend and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _comparable(self, other: object) -> BackendPath | None:
        if isinstance(other, BackendPath) and self._backend == other._backend:
            return other
        return None

    def __lt__(self, other: object) -> bool:
        peer = self._comparable(other)
        if peer is None:
            return NotImplemented
        return self._parts_key() < peer._parts_key()

    def __le__(self, other: object) -> bool:
        peer = self._comparable(other)
        if peer is None:
            return NotImplemented
        return self._parts_key() <= peer._parts_key()

    def __gt__(self, other: object) -> bool:
        peer = self._comparable(other)
        if peer is None:
            return NotImplemented
        return self._parts_key() > peer._parts_key()

    def __ge__(self, other: object) -> bool:
        peer = self._comparable(other)
        if peer is None:
            return NotImplemented
        return self._parts_key() >= peer._parts_key()

    # -- pure path API -----------------------------------------------------------
    def __truediv__(self, other: str | os.PathLike[str]) -> BackendPath:
        if type(other) is str:  # joinpath's own shortcut, one call sooner
            child = self._append(other)
            if child is not None:
                return child
        try:
            return self.joinpath(other)
        except TypeError:
            return NotImplemented

    def __rtruediv__(self, other: str | os.PathLike[str]) -> BackendPath:
        try:
            return BackendPath(other, self, backend=self._backend)
        except TypeError:
            return NotImplemented

    def joinpath(self, *segments: str | os.PathLike[str]) -> BackendPath:
        """Join ``segments`` onto this path; an absolute segment starts over.

        ``path / "x"`` is ``path.joinpath("x")``.

        Args:
            *segments: text, ``os.PathLike`` objects or paths on the same backend.

        Returns:
            The joined path, on this path's backend.

        Raises:
            TypeError: a segment is neither text nor ``os.PathLike``.
            ValueError: a segment is a path on another backend.

        """
        if len(segments) == 1 and type(segments[0]) is str:
            child = self._append(segments[0])
            if child is not None:
                return child
        return BackendPath(self, *segments, backend=self._backend)

    def _append(self, name: str) -> BackendPath | None:
        """``self / name`` by string concatenation when ``name`` is one plain part.

        ``tmp / "file.txt"`` is the join people write most, so it skips the
        parser; None when the full join rules are needed (a separator, ".", a
        drive-like name, or a bare Windows drive on the left).
        """
        backend = self._backend
        flavour = backend.flavour
        if not name or name == "." or flavour.has_separator(name):
            return None
        raw = self._raw
        sep = flavour.sep
        if flavour.has_drives and (
            name[1:2] == ":" or (raw and raw[-1] != sep and not self._pieces()[2])
        ):
            return None
        # Built in place (no classmethod call): this is the hottest constructor.
        child = BackendPath.__new__(BackendPath)
        child._backend = backend
        if not raw:
            child._raw = name
        elif raw[-1] == sep:  # an anchor with a root: "/", "c:\\", "\\\\server\\share\\"
            child._raw = raw + name
        else:
            child._raw = raw + sep + name
        child._parsed = None
        child._str_normcase = None
        child._owner = self._owner  # one more part: still in the owner's tree
        return child

    @property
    def drive(self) -> str:
        """The drive letter or UNC share (Windows flavour), else ``""``."""
        return self._pieces()[0]

    @property
    def root(self) -> str:
        """The root separator, or ``""`` for a relative path."""
        return self._pieces()[1]

    @property
    def anchor(self) -> str:
        """Drive and root together."""
        drive, root, _ = self._pieces()
        return drive + root

    @property
    def parts(self) -> tuple[str, ...]:
        """The anchor followed by each component."""
        drive, root, parts = self._pieces()
        anchor = drive + root
        return (anchor, *parts) if anchor else tuple(parts)

    @property
    def name(self) -> str:
        """The final component, or ``""``."""
        parts = self._pieces()[2]
        return parts[-1] if parts else ""

    @property
    def suffix(self) -> str:
        """The final component's last extension, like ``".gz"``."""
        name = self.name
        i = name.rfind(".")
        return name[i:] if 0 < i < len(name) - 1 else ""

    @property
    def suffixes(self) -> list[str]:
        """Every extension of the final component, like ``[".tar", ".gz"]``."""
        name = self.name
        if name.endswith("."):
            return []
        name = name.lstrip(".")
        return ["." + s for s in name.split(".")[1:]]

    @property
    def stem(self) -> str:
        """The final component without its last extension."""
        name = self.name
        i = name.rfind(".")
        return name[:i] if 0 < i < len(name) - 1 else name

    @property
    def parent(self) -> BackendPath:
        """The logical parent; the anchor (or ``.``) is its own parent."""
        drive, root, parts = self._pieces()
        if not parts:
            return self._derive(drive, root, [])
        return self._derive(drive, root, parts[:-1])

    @property
    def parents(self) -> Sequence[BackendPath]:
        """The logical ancestors, nearest first."""
        drive, root, parts = self._pieces()
        return tuple(self._derive(drive, root, parts[:i]) for i in range(len(parts) - 1, -1, -1))

    def is_absolute(self) -> bool:
        r"""Whether the path has a root (and a drive, on Windows).

        On the Windows flavour a UNC or device drive is absolute too, and a
        bare ``\x`` is not (it depends on the current drive), as in 3.13.

        Returns:
            True for an absolute path.

        """
        drive, root, _ = self._pieces()
        return self._backend.flavour.is_absolute(drive, root)

    def as_posix(self) -> str:
        """The path with forward slashes.

        Returns:
            The path's text with each separator as "/".

        """
        return str(self).replace(self._backend.flavour.sep, "/")

    def with_name(self, name: str) -> BackendPath:
        """This path with its final component replaced by ``name``.

        Args:
            name: the new final component.

        Returns:
            A new path; nothing is renamed.

        Raises:
            ValueError: ``name`` is empty, ``"."`` or holds a separator, or this
                path has no name (an anchor or ``.``).

        """
        if not name or name == "." or self._backend.flavour.has_separator(name):
            raise ValueError(f"Invalid name {name!r}")
        drive, root, parts = self._pieces()
        if not parts:
            raise ValueError(f"{self!r} has an empty name")
        return self._derive(drive, root, [*parts[:-1], name])

    def with_stem(self, stem: str) -> BackendPath:
        """This path with the stem of its final component replaced.

        Args:
            stem: the new final component without its suffix.

        Returns:
            A new path with the same suffix; nothing is renamed.

        Raises:
            ValueError: the result would be a bare suffix (``"" + ".txt"``), or
                as :meth:`with_name`.

        """
        suffix = self.suffix
        if suffix and not stem:
            raise ValueError(f"{self!r} has a non-empty suffix")
        return self.with_name(stem + suffix)

    def with_suffix(self, suffix: str) -> BackendPath:
        """This path with its last extension replaced (``""`` removes it).

        Args:
            suffix: the new extension, such as ".txt", or "" to remove it.

        Returns:
            A new path; nothing is renamed.

        Raises:
            ValueError: ``suffix`` is not ``""`` and not ``"."`` followed by at
                least one character, or the path has no stem.

        """
        stem = self.stem
        if not stem:
            raise ValueError(f"{self!r} has an empty name")
        if suffix and not (suffix.startswith(".") and len(suffix) > 1):
            raise ValueError(f"Invalid suffix {suffix!r}")
        return self.with_name(stem + suffix)

    def relative_to(self, other: str | os.PathLike[str], *, walk_up: bool = False) -> BackendPath:
        """This path relative to ``other``; ``walk_up`` allows ``..`` steps.

        ``walk_up`` has the 3.12+ meaning on every interpreter: the result may
        climb out of ``other`` with ``..`` parts, which is refused (ValueError)
        when the part of ``other`` to climb out of contains ``..`` itself. As
        for pathlib this is pure: symlinks are not resolved.

        Args:
            other: the base: text or a path on the same backend.
            walk_up: allow ``..`` parts when this path is not below ``other``.

        Returns:
            A relative path.

        Raises:
            ValueError: the anchors differ; this path is not below ``other`` and
                ``walk_up`` is false; or ``other`` is on another backend.

        """
        base = self._coerce(other)
        normcase = self._backend.flavour.normcase
        drive, root, parts = self._pieces()
        bdrive, broot, bparts = base._pieces()
        if normcase(drive + root) != normcase(bdrive + broot):
            raise ValueError(f"{str(self)!r} and {str(base)!r} have different anchors")
        common = 0
        for mine, theirs in zip(parts, bparts, strict=False):
            if normcase(mine) != normcase(theirs):
                break
            common += 1
        if common < len(bparts):
            if not walk_up:
                raise ValueError(f"{str(self)!r} is not in the subpath of {str(base)!r}")
            if ".." in bparts[common:]:
                raise ValueError(f"cannot walk up through '..' in {str(base)!r}")
        ups = [".."] * (len(bparts) - common)
        # It names the same entry from ``other``: it keeps the owner, as a child does.
        return self._derive("", "", ups + parts[common:], inside=True)

    def is_relative_to(self, other: str | os.PathLike[str]) -> bool:
        """Whether this path is ``other`` or below it (pure: no I/O).

        Args:
            other: the base: text or a path on the same backend.

        Returns:
            True when :meth:`relative_to` would succeed without ``walk_up``.

        """
        try:
            self.relative_to(other)
        except ValueError:
            return False
        return True

    def match(self, pattern: str | os.PathLike[str], *, case_sensitive: bool | None = None) -> bool:
        """Match against a glob pattern from the right (whole path when it is absolute).

        Semantics of pathlib 3.12/3.13 on every interpreter: each pattern part
        matches one path part, ``**`` is an ordinary wildcard (same as ``*``),
        a relative pattern may match the drive of a drive-relative path, and an
        anchor is only matched by the same anchor.

        Args:
            pattern: a glob pattern ("*.txt", "/tmp/*/out").
            case_sensitive: match case; default the flavour's rule (POSIX
                sensitive, Windows not).

        Returns:
            True when the path matches.

        Raises:
            ValueError: the pattern is empty.

        """
        flavour = self._backend.flavour
        sensitive = flavour.case_sensitive if case_sensitive is None else case_sensitive
        raw = str(pattern) if isinstance(pattern, BackendPath) else os.fspath(pattern)
        pdrive, proot, pparts = flavour.parse(raw)
        panchor = pdrive + proot
        drive, root, parts = self._pieces()
        anchor = drive + root
        pattern_parts = [panchor, *pparts] if panchor else pparts
        path_parts = [anchor, *parts] if anchor else parts
        if not pattern_parts:
            raise ValueError("empty pattern")
        if len(path_parts) < len(pattern_parts):
            return False
        if len(path_parts) > len(pattern_parts) and panchor:
            return False
        from tempkit._flavour import _compile_part  # noqa: PLC0415 - shared regex cache

        for part, pat in zip(reversed(path_parts), reversed(pattern_parts), strict=False):
            if flavour.has_separator(part) or flavour.has_separator(pat):
                # An anchor with a root or a UNC share: wildcards never match a
                # separator, so only the same anchor matches.
                if part != pat and (sensitive or part.lower() != pat.lower()):
                    return False
            elif not _compile_part(pat, sensitive).match(part):
                return False
        return True

    def as_uri(self) -> str:
        """The path as a ``file:`` URI, percent-encoded.

        Returns:
            ``file:///tmp/x`` (``file:///c:/x`` on the Windows flavour).

        Raises:
            ValueError: the path is relative.

        """
        if not self.is_absolute():
            raise ValueError("relative path can't be expressed as a file URI")
        from urllib.parse import quote_from_bytes  # noqa: PLC0415 - rarely used

        drive = self.drive
        if len(drive) == 2 and drive[1] == ":":
            prefix, rest = "file:///" + drive, self.as_posix()[2:]
        elif drive:
            prefix, rest = "file:", self.as_posix()
        else:
            prefix, rest = "file://", self.as_posix()
        return prefix + quote_from_bytes(os.fsencode(rest))

    def _coerce(self, other: str | os.PathLike[str]) -> BackendPath:
        if isinstance(other, BackendPath):
            if other._backend != self._backend:
                raise ValueError(f"{other!r} is on a different backend than {self!r}")
            return other
        return BackendPath(other, backend=self._backend)

    def _plain(self, other: str | os.PathLike[str]) -> BackendPath:
        """``other`` as a plain path on this backend.

        A temp object becomes a plain path that owns nothing but keeps the temp
        object alive, as every path derived from it does.
        """
        path = self._coerce(other)
        if type(path) is BackendPath:
            return path
        plain = BackendPath._from_normalized(path.__str__(), path._backend)
        plain._owner = path._owner
        return plain

    # -- I/O: inspection -------------------------------------------------------------
    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        """Stat this path through its backend, as ``os.stat`` does.

        Args:
            follow_symlinks: False to stat a final symlink itself (``lstat``).

        Returns:
            The entry's ``os.stat_result``.

        Raises:
            FileNotFoundError: nothing is there (or a dangling symlink, when
                following symlinks).
            OSError: any other failure (PermissionError...).

        """
        return self._backend.stat(self.__str__(), follow_symlinks=follow_symlinks)

    def lstat(self) -> os.stat_result:
        """Stat this path without following a final symlink.

        Returns:
            The ``os.stat_result`` of the entry, or of the symlink itself.

        Raises:
            FileNotFoundError: nothing is there.

        """
        return self._backend.stat(self.__str__(), follow_symlinks=False)

    def _is_kind(self, kind: Callable[[int], bool], follow_symlinks: bool = True) -> bool:
        """Whether the entry's mode passes ``kind``; False when it cannot be stat'ed.

        Every error counts as "no", a NUL in the path too, as ``os.path.exists``
        and pathlib 3.13 have it.
        """
        try:
            mode = self._backend.stat(self.__str__(), follow_symlinks=follow_symlinks).st_mode
        except (OSError, ValueError):
            return False
        return kind(mode)

    def exists(self, *, follow_symlinks: bool = True) -> bool:
        """Whether the path names an existing entry.

        Every error (a permission problem, a NUL in the path) counts as no,
        as in ``os.path.exists``.

        Args:
            follow_symlinks: False to count a dangling symlink as existing.

        Returns:
            True when the entry exists.

        """
        return self._is_kind(_any_kind, follow_symlinks)

    def is_file(self, *, follow_symlinks: bool = True) -> bool:
        """Whether the path is a regular file (or a symlink to one, when following symlinks).

        Args:
            follow_symlinks: False to answer for a final symlink itself.

        Returns:
            True for a regular file; False when it is anything else, or
            cannot be examined.

        """
        return self._is_kind(stat_module.S_ISREG, follow_symlinks)

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        """Whether the path is a directory (or a symlink to one, when following symlinks).

        Args:
            follow_symlinks: False to answer for a final symlink itself.

        Returns:
            True for a directory; False when it is anything else, or cannot be
            examined.

        """
        return self._is_kind(stat_module.S_ISDIR, follow_symlinks)

    def is_symlink(self) -> bool:
        """Whether the path is a symbolic link.

        Returns:
            True if it is; False when it is anything else, or cannot be examined.

        """
        return self._is_kind(stat_module.S_ISLNK, follow_symlinks=False)

    def is_fifo(self) -> bool:
        """Whether the path is a named pipe (or a symlink to one).

        Returns:
            True if it is; False when it is anything else, or cannot be examined.

        """
        return self._is_kind(stat_module.S_ISFIFO)

    def is_socket(self) -> bool:
        """Whether the path is a Unix socket (or a symlink to one).

        Returns:
            True if it is; False when it is anything else, or cannot be examined.

        """
        return self._is_kind(stat_module.S_ISSOCK)

    def is_block_device(self) -> bool:
        """Whether the path is a block device (or a symlink to one).

        Returns:
            True if it is; False when it is anything else, or cannot be examined.

        """
        return self._is_kind(stat_module.S_ISBLK)

    def is_char_device(self) -> bool:
        """Whether the path is a character device (or a symlink to one).

        Returns:
            True if it is; False when it is anything else, or cannot be examined.

        """
        return self._is_kind(stat_module.S_ISCHR)

    def samefile(self, other: str | os.PathLike[str]) -> bool:
        """Whether both paths name the same file (same device and inode).

        Args:
            other: text or a path on the same backend.

        Returns:
            True when both entries, symlinks followed, are one file.

        Raises:
            FileNotFoundError: either entry does not exist.

        """
        mine = self.stat()
        theirs = self._coerce(other).stat()
        return mine.st_ino == theirs.st_ino and mine.st_dev == theirs.st_dev

    def iterdir(self) -> Iterator[BackendPath]:
        """The entries of this directory as paths (no ``.`` or ``..``).

        The directory is read when ``iterdir()`` is called, as in pathlib
        3.13, so a missing directory raises here rather than at the first
        ``next()``, and no directory handle stays open while you iterate.

        Returns:
            An iterator over one path per entry, in the backend's order.

        Raises:
            FileNotFoundError: the directory does not exist.
            NotADirectoryError: the path is not a directory.

        """
        names = [entry.name for entry in self._backend.scandir(self.__str__())]
        return map(self._child, names)

    def _child(self, name: str) -> BackendPath:
        """The entry ``name`` (one part, from a listing) of this directory, already parsed."""
        drive, root, parts = self._pieces()
        backend = self._backend
        # Built in place, as in _append: iterdir, glob and walk make one per entry.
        child = BackendPath.__new__(BackendPath)
        child._backend = backend
        child._parsed = (drive, root, [*parts, name])
        if parts:
            child._raw = self._raw + backend.flavour.sep + name
        elif root:
            child._raw = self._raw + name  # the anchor ends with its separator
        else:  # "." or a bare drive: format() knows the rules
            child._raw = backend.flavour.format(*child._parsed)
        child._str_normcase = None
        child._owner = self._owner  # one more part: still in the owner's tree
        return child

    def readlink(self) -> BackendPath:
        """The target of this symbolic link, as a path.

        Returns:
            The link's target as stored (it may be relative, or dangle).

        Raises:
            OSError: not a symlink (EINVAL), or nothing is there.

        """
        return BackendPath(self._backend.readlink(self.__str__()), backend=self._backend)

    def absolute(self) -> BackendPath:
        r"""This path made absolute against the backend's current directory.

        No ``..`` is collapsed and no symlink resolved (that is ``resolve()``).
        A Windows drive-relative path on another drive than the current one
        (``d:x`` while in ``C:\work``) is taken from that drive's root: a
        backend has one current directory, not one per drive.

        Returns:
            An absolute path (this path itself when it is absolute already).

        """
        drive, root, parts = self._pieces()
        flavour = self._backend.flavour
        if flavour.is_absolute(drive, root):
            return self._derive(drive, root, parts)
        cwd = self._backend.getcwd()
        if drive and flavour.normcase(drive) != flavour.normcase(flavour.parse(cwd)[0]):
            return self._derive(drive, flavour.sep, parts)
        return BackendPath(cwd, self, backend=self._backend)

    def resolve(self, strict: bool = False) -> BackendPath:
        """This path made absolute with symlinks resolved and ``..`` collapsed.

        It keeps the temp object this path lies in alive: it names the same
        entry (or what a link in the tree points to).

        Args:
            strict: raise when a component does not exist or a link loops;
                otherwise what cannot be resolved is kept as it is.

        Returns:
            The absolute, resolved path.

        Raises:
            OSError: with ``strict``, a missing component (FileNotFoundError) or
                a symlink loop.

        """
        backend = self._backend
        resolved = backend.realpath(str(self.absolute()), strict=strict)
        return self._derive(*backend.flavour.parse(resolved), inside=True)

    # -- I/O: glob and walk ------------------------------------------------------------
    def glob(
        self,
        pattern: str | os.PathLike[str],
        *,
        case_sensitive: bool | None = None,
        recurse_symlinks: bool = False,
    ) -> Iterator[BackendPath]:
        """Yield existing paths below this one that match a relative glob pattern.

        pathlib 3.13 semantics on every interpreter: ``**`` recurses (without
        entering symlinks unless ``recurse_symlinks``), a trailing separator
        selects directories only, hidden files match.

        Args:
            pattern: a relative glob pattern ("*.txt", "**/*.py", "data/").
            case_sensitive: match case; default the flavour's rule (POSIX
                sensitive, Windows not).
            recurse_symlinks: let ``**`` enter symlinks to directories.

        Yields:
            Each matching path below this one.

        Raises:
            NotImplementedError: the pattern is absolute.
            ValueError: the pattern is empty.

        Examples:
            >>> from tempkit import TempDirPath
            >>> with TempDirPath.create() as tmp:
            ...     (tmp / "src").mkdir()
            ...     for name in ("a.py", "src/b.py", "src/c.txt"):
            ...         _ = (tmp / name).write_text("", encoding="utf-8")
            ...     sorted(p.relative_to(tmp).as_posix() for p in tmp.glob("**/*.py"))
            ['a.py', 'src/b.py']

        """
        raw = str(pattern) if isinstance(pattern, BackendPath) else os.fspath(pattern)
        return self._glob(raw, case_sensitive, recurse_symlinks)

    def rglob(
        self,
        pattern: str | os.PathLike[str],
        *,
        case_sensitive: bool | None = None,
        recurse_symlinks: bool = False,
    ) -> Iterator[BackendPath]:
        """``glob("**/" + pattern)``: match at any depth below this path.

        Args:
            pattern: a relative glob pattern ("*.txt").
            case_sensitive: match case; default the flavour's rule.
            recurse_symlinks: let ``**`` enter symlinks to directories.

        Yields:
            Each matching path below this one.

        Raises:
            NotImplementedError: the pattern is absolute.

        """
        raw = str(pattern) if isinstance(pattern, BackendPath) else os.fspath(pattern)
        raw = self._backend.flavour.join("**", raw)
        return self._glob(raw, case_sensitive, recurse_symlinks)

    def _glob(
        self, raw: str, case_sensitive: bool | None, recurse_symlinks: bool
    ) -> Iterator[BackendPath]:
        from tempkit._glob import select  # noqa: PLC0415 - glob machinery is loaded on use

        flavour = self._backend.flavour
        drive, root, parts = flavour.parse(raw)
        if drive or root:
            raise NotImplementedError("Non-relative patterns are unsupported")
        if not parts:
            raise ValueError(f"Unacceptable pattern: {raw!r}")
        if flavour.has_separator(raw[-1]):
            parts.append("")  # a trailing separator: directories only
        return select(
            self._plain(self),  # a temp object yields plain paths, itself included
            parts,
            case_sensitive=flavour.case_sensitive if case_sensitive is None else case_sensitive,
            case_pedantic=case_sensitive is not None,
            recurse_symlinks=recurse_symlinks,
        )

    def walk(
        self,
        top_down: bool = True,
        on_error: Callable[[OSError], object] | None = None,
        follow_symlinks: bool = False,
    ) -> Iterator[tuple[BackendPath, list[str], list[str]]]:
        """Walk the tree below this directory, like ``os.walk`` (pathlib 3.12 API).

        Top-down, the caller may prune ``dirnames`` in place to skip them.

        Args:
            top_down: yield a directory before (True) or after (False) its
                subdirectories.
            on_error: called with the OSError of a directory that cannot be
                listed; by default such errors are ignored.
            follow_symlinks: descend into symlinks to directories.

        Yields:
            ``(dirpath, dirnames, filenames)`` for each directory, ``dirpath``
            a path and the names as text.

        """
        pending: list[BackendPath | tuple[BackendPath, list[str], list[str]]] = [self]
        while pending:
            item = pending.pop()
            if isinstance(item, tuple):
                yield item
                continue
            try:
                entries = list(self._backend.scandir(item.__str__()))
            except OSError as exc:
                if on_error is not None:
                    on_error(exc)
                continue
            dirnames: list[str] = []
            filenames: list[str] = []
            for entry in entries:
                try:
                    is_dir = entry.is_dir(follow_symlinks=follow_symlinks)
                except OSError:
                    is_dir = False
                (dirnames if is_dir else filenames).append(entry.name)
            if top_down:
                yield item, dirnames, filenames
            else:
                pending.append((item, dirnames, filenames))
            pending.extend(item._child(name) for name in reversed(dirnames))

    # -- I/O: mutation -------------------------------------------------------------------
    def mkdir(self, mode: int = 0o777, parents: bool = False, exist_ok: bool = False) -> None:
        """Create this directory; ``parents`` creates missing ancestors.

        As with ``mkdir -p`` and pathlib, missing ancestors get the default
        mode (0o777 less the umask); ``mode`` applies to this directory only.

        Args:
            mode: the permission bits, less the umask (default 0o777).
            parents: create missing ancestors too.
            exist_ok: accept an existing directory (never an existing file).

        Raises:
            FileExistsError: the path exists (and is not a directory, or
                ``exist_ok`` is false).
            FileNotFoundError: the parent is missing and ``parents`` is false.

        """
        try:
            self._backend.mkdir(self.__str__(), mode)
        except FileNotFoundError:
            if not parents or self.parent == self:
                raise
            self.parent.mkdir(parents=True, exist_ok=True)
            self.mkdir(mode, parents=False, exist_ok=exist_ok)
        except OSError:
            # Not only EEXIST: the OS may report EACCES or EROFS first for an
            # existing directory, so ask whether it is there.
            if not exist_ok or not self.is_dir():
                raise

    def touch(self, mode: int = 0o666, exist_ok: bool = True) -> None:
        """Create this file, or update its times if it exists and ``exist_ok``.

        Like pathlib: with ``exist_ok`` a dangling symlink gets its target
        created.

        Args:
            mode: the permission bits of a new file, less the umask (default 0o666).
            exist_ok: accept an existing entry (update its times).

        Raises:
            FileExistsError: the entry exists and ``exist_ok`` is false.
            FileNotFoundError: the parent directory is missing.

        """
        path = self.__str__()
        if not exist_ok:
            self._backend.create_file(path, mode)
            return
        try:
            self._backend.utime(path)
        except OSError:
            # Missing, or not ours to stamp: open for writing creates it if
            # needed (following a symlink, as O_CREAT without O_EXCL does).
            self._backend.open(path, "ab", perm=mode).close()

    def unlink(self, missing_ok: bool = False) -> None:
        """Remove this file or symlink (a symlink's target is untouched).

        Args:
            missing_ok: do nothing when the path does not exist.

        Raises:
            FileNotFoundError: nothing is there and ``missing_ok`` is false.
            IsADirectoryError: the path is a directory (PermissionError on some
                systems, as ``os.unlink`` raises it there).

        """
        try:
            self._backend.unlink(self.__str__())
        except FileNotFoundError:
            if not missing_ok:
                raise

    def rmdir(self) -> None:
        """Remove this empty directory.

        Raises:
            OSError: the directory is not empty (ENOTEMPTY), is missing, or is
                not a directory.

        """
        self._backend.rmdir(self.__str__())

    def rename(self, target: str | os.PathLike[str]) -> BackendPath:
        """Rename to ``target`` (platform ``os.rename`` rules) and return the new path.

        A relative ``target`` is taken against the current directory, not
        against this path's parent, and is returned relative, as in pathlib.
        On POSIX an existing file at ``target`` is replaced; on Windows it is
        an error. On a temp object this moves the entry without giving up
        ownership: use ``persist()`` to hand it over.

        Args:
            target: the new path: text or a path on the same backend.

        Returns:
            The new path, as a plain path.

        Raises:
            FileExistsError: ``target`` exists (Windows).
            FileNotFoundError: ``target`` is the empty string, as for ``os.rename``.
            OSError: the platform refuses (a missing directory, another
                filesystem: EXDEV...).

        """
        new = self._rename_target(target)
        self._backend.rename(self.__str__(), new.__str__())
        return new

    def replace(self, target: str | os.PathLike[str]) -> BackendPath:
        """Rename to ``target``, replacing it if it exists, and return the new path.

        Args:
            target: the new path: text or a path on the same backend.

        Returns:
            The new path, as a plain path.

        Raises:
            FileNotFoundError: ``target`` is the empty string, as for ``os.replace``.
            OSError: the platform refuses (``target`` is a non-empty directory,
                another filesystem...).

        """
        new = self._rename_target(target)
        self._backend.replace(self.__str__(), new.__str__())
        return new

    def _rename_target(self, target: str | os.PathLike[str]) -> BackendPath:
        """``target`` of a rename as a plain path; the empty string names nothing.

        A path made of "" is the current directory, but pathlib hands "" itself
        to ``os.rename``, which refuses it (ENOENT, or the error of looking up
        the source's directory): so is it refused here, rather than becoming a
        rename onto ".".
        """
        if isinstance(target, str) and not target:
            # rename(2) looks up the source's directory first: its error comes first.
            source = self.__str__()
            try:
                found = self._backend.stat(self.parent.__str__())
            except OSError as exc:
                code = exc.errno or errno.ENOENT
            else:
                code = errno.ENOENT if stat_module.S_ISDIR(found.st_mode) else errno.ENOTDIR
            raise os_error(code, source, None, target)
        return self._plain(target)

    def chmod(self, mode: int, *, follow_symlinks: bool = True) -> None:
        """Change permission bits.

        Args:
            mode: the new bits (0o600...).
            follow_symlinks: False to change a final symlink itself, where the
                platform can (see :meth:`lchmod`).

        Raises:
            OSError: the entry is missing, or the backend has no permission
                bits (ENOTSUP; see ``capabilities.permissions``).
            NotImplementedError: ``follow_symlinks=False`` where the platform
                cannot change a symlink's own mode (Linux).

        """
        self._backend.chmod(self.__str__(), mode, follow_symlinks=follow_symlinks)

    def lchmod(self, mode: int) -> None:
        """Change permission bits of a symlink itself.

        Args:
            mode: the new bits.

        Raises:
            NotImplementedError: the platform cannot change a symlink's own mode
                (Linux, and the memory backend, which behaves as Linux), as
                ``pathlib`` raises it.
            OSError: as :meth:`chmod`.

        """
        self.chmod(mode, follow_symlinks=False)

    def symlink_to(self, target: str | os.PathLike[str], target_is_directory: bool = False) -> None:
        """Make this path a symbolic link to ``target``.

        Args:
            target: what the link points to, stored as given (it may be relative).
            target_is_directory: on Windows, make a directory link.

        Raises:
            FileExistsError: the path exists.
            OSError: the backend has no symlinks (ENOTSUP; see ``capabilities.symlinks``).

        """
        if isinstance(target, BackendPath):
            target_str = str(self._coerce(target))
        else:
            target_str = os.fspath(target)
        self._backend.symlink(target_str, self.__str__(), target_is_directory=target_is_directory)

    # -- I/O: contents --------------------------------------------------------------------
    @overload
    def open(
        self,
        mode: OpenTextMode = "r",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> TextIO: ...

    @overload
    def open(
        self,
        mode: OpenBinaryMode,
        buffering: int = -1,
        encoding: None = None,
        errors: None = None,
        newline: None = None,
    ) -> BinaryIO: ...

    @overload
    def open(
        self,
        mode: str,
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> IO[Any]: ...

    def open(
        self,
        mode: str = "r",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> IO[Any]:
        r"""Open the file this path names, like the builtin ``open``.

        Args:
            mode: as for ``open()`` ("r", "wb", "x", "a+"...); "x" creates
                exclusively and refuses a final symlink.
            buffering: as for ``open()``.
            encoding: the text encoding (text modes); default the locale's, as
                for ``open()`` (with an EncodingWarning under ``-X warn_default_encoding``).
            errors: the encoding error handler (text modes).
            newline: newline translation (text modes), as for ``open()``.

        Returns:
            A file object; use it in a ``with`` block.

        Raises:
            ValueError: a mode or argument ``open()`` refuses.
            FileNotFoundError: reading a file that does not exist.
            OSError: what the backend raises (IsADirectoryError,
                PermissionError...).

        Examples:
            >>> from tempkit import TempDirPath
            >>> with TempDirPath.create() as tmp:
            ...     with (tmp / "log.txt").open("w", encoding="utf-8") as f:
            ...         _ = f.write("line 1\n")
            ...     with (tmp / "log.txt").open(encoding="utf-8") as f:
            ...         f.readline()
            'line 1\n'

        """
        if "b" not in mode:
            encoding = _text_encoding(encoding)
        return self._backend.open(self.__str__(), mode, buffering, encoding, errors, newline)

    def read_bytes(self) -> bytes:
        """The file's contents as bytes.

        Returns:
            Everything in the file.

        Raises:
            FileNotFoundError: the file does not exist.
            IsADirectoryError: the path is a directory.

        """
        whole = whole_file_backend(self._backend)
        if whole is not None:
            return whole.read_whole_file(self.__str__())
        with self.open("rb") as f:
            return f.read()

    def read_text(
        self, encoding: str | None = None, errors: str | None = None, newline: str | None = None
    ) -> str:
        r"""The file's contents decoded as text (``newline`` as in ``open``, 3.13).

        Args:
            encoding: the text encoding; default the locale's, as for ``open()``.
            errors: the decoding error handler ("strict" by default).
            newline: newline translation, as for ``open()`` (default: universal
                newlines, every line ending read as "\n").

        Returns:
            The decoded contents.

        Raises:
            FileNotFoundError: the file does not exist.
            UnicodeDecodeError: the bytes are not valid in ``encoding``.

        Examples:
            >>> from tempkit import TempFilePath
            >>> with TempFilePath.create() as tmp:
            ...     _ = tmp.write_bytes(b"one\r\ntwo")
            ...     tmp.read_text(encoding="utf-8")
            'one\ntwo'

        """
        encoding = _text_encoding(encoding)
        whole = whole_file_backend(self._backend)
        if whole is not None:
            # The coding first: arguments the io stack refuses never read the file.
            codec = text_codec(encoding, errors, newline)
            if codec is not None:
                text = decode_with(whole.read_whole_file(self.__str__()), codec, errors, newline)
                if text is not None:
                    return text
        with self.open("r", encoding=encoding, errors=errors, newline=newline) as f:
            return f.read()

    def write_bytes(self, data: bytes | bytearray | memoryview) -> int:
        """Replace the file's contents with ``data``, creating the file if needed.

        Args:
            data: the new contents (any bytes-like object).

        Returns:
            How many bytes were written.

        Raises:
            FileNotFoundError: the parent directory is missing.
            IsADirectoryError: the path is a directory.

        """
        view = memoryview(data)
        whole = whole_file_backend(self._backend)
        if whole is not None:
            whole.write_whole_file(self.__str__(), view)
            return view.nbytes
        with self.open("wb") as f:
            return f.write(view)

    def write_text(
        self,
        data: str,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> int:
        r"""Replace the file's contents with ``data`` as text, creating the file if needed.

        Args:
            data: the new contents.
            encoding: the text encoding; default the locale's, as for ``open()``.
            errors: the encoding error handler ("strict" by default).
            newline: as for ``open()``: None (default) writes each "\n" as
                ``os.linesep``, "" and "\n" write it as is, "\r\n" or "\r"
                translate it to that.

        Returns:
            How many characters were written (``len(data)``).

        Raises:
            TypeError: ``data`` is not a str.
            FileNotFoundError: the parent directory is missing.
            UnicodeEncodeError: ``data`` cannot be encoded in ``encoding``.

        Examples:
            >>> from tempkit import TempDirPath
            >>> with TempDirPath.create() as tmp:
            ...     (tmp / "notes.txt").write_text("café", encoding="utf-8")
            ...     (tmp / "notes.txt").read_bytes()
            4
            b'caf\xc3\xa9'

        """
        if not isinstance(data, str):
            raise TypeError(f"data must be str, not {type(data).__name__}")
        encoding = _text_encoding(encoding)
        whole = whole_file_backend(self._backend)
        if whole is not None:
            encoded = encode_text(data, encoding, errors, newline)
            if encoded is not None:
                whole.write_whole_file(self.__str__(), encoded)
                return len(data)
        with self.open("w", encoding=encoding, errors=errors, newline=newline) as f:
            return f.write(data)


def _any_kind(mode: int) -> bool:
    return True


def _backend_of(segments: Sequence[object]) -> Backend | None:
    for segment in segments:
        if isinstance(segment, BackendPath):
            return segment._backend
    return None


def _join_segments(
    flavour: Flavour, segments: Sequence[str | os.PathLike[str]], backend: Backend
) -> str:
    strings: list[str] = []
    for segment in segments:
        if isinstance(segment, BackendPath):
            if segment._backend != backend:
                raise ValueError(f"cannot join {segment!r} onto a path on {backend!r}")
            text = segment.__str__()  # through str(): a SpooledTempPath rolls over first
            # The current directory joins as "", as in pathlib: "." would be a name
            # (on Windows, a bare server name joined with "." would name a share ".").
            strings.append("" if text == "." else text)
        elif isinstance(segment, str):
            strings.append(segment)
        elif isinstance(segment, os.PathLike):
            value = segment.__fspath__()
            if not isinstance(value, str):
                raise TypeError(f"expected a str path, got {type(value).__name__}")
            strings.append(value)
        else:
            raise TypeError(
                "argument should be a str or an os.PathLike object returning str, "
                f"not {type(segment).__name__}"
            )
    if not strings:
        return ""
    if len(strings) == 1:
        return strings[0]
    return flavour.join(*strings)


def _within(top: str, raw: str, sep: str) -> bool:
    """True when ``raw`` is ``top`` or lexically below it (both canonical texts)."""
    if not raw.startswith(top):
        return False
    end = len(top)
    return len(raw) == end or raw[end] == sep or top[-1:] == sep


def _owner_among(
    segments: Sequence[str | os.PathLike[str]], raw: str, sep: str
) -> BackendPath | None:
    """The owner a path joined from ``segments`` keeps: the last segment's that holds it."""
    for segment in reversed(segments):
        if isinstance(segment, BackendPath):
            owner = segment._owner
            if owner is not None and _within(owner._raw, raw, sep):
                return owner
    return None


def _plain_path(raw: str, backend: Backend) -> BackendPath:
    """Rebuild a pickled path (its text is already canonical)."""
    return BackendPath._from_normalized(raw, backend)
