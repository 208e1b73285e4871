"""The standard library's ``tempfile`` API, built on tempkit.

``import tempkit.tempfile as tempfile`` is the whole migration: this module has
exactly the public names of the running interpreter's ``tempfile``, with the
same signatures and defaults (``delete_on_close`` and
``TemporaryDirectory(delete=)`` from Python 3.12), the same str/bytes rules,
exceptions, warnings and documented behaviour; CPython's own test suite for
``tempfile`` runs against it (see docs/migrating-from-tempfile.md).

Underneath it is tempkit: names from the OS CSPRNG and the temp directory from
tempkit's resolver, creation by the current backend (``tempkit.use_backend``),
removal by the backend's ``rmtree`` (relative to directory descriptors, so a
directory swapped for a symlink cannot redirect it), and implicit cleanup that
acts only in the process that created the object. Objects hand over the tempkit
object behind them: ``NamedTemporaryFile(...).path`` is its
:class:`~tempkit.TempFilePath`, ``TemporaryDirectory().path`` its
:class:`~tempkit.TempDirPath`, and a ``SpooledTemporaryFile`` is a
:class:`~tempkit.SpooledTempPath`.

On a backend whose paths are not on this machine (``MemoryBackend``, most
fsspec filesystems) whatever would hand out an OS path or descriptor
(``mkstemp``, ``mkdtemp``, ``mktemp``, ``gettempdir``, the ``name`` of a
``NamedTemporaryFile`` or ``TemporaryDirectory``) raises TypeError naming the
tempkit call to use instead; ``TemporaryFile`` and ``SpooledTemporaryFile``
work there.

PYTEST_DONT_REWRITE: pytest's assertion rewriting (which the tempkit plugin's
package gets) would add public names to this module's namespace, which must
hold exactly the standard library's.
"""

import _thread
import errno as _errno
import io as _io
import os as _os
import sys  # for the version checks mypy understands; deleted at the end
import sys as _sys
import types as _types
from collections.abc import Callable as _Callable
from types import TracebackType as _TracebackType
from typing import IO as _IO
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any
from typing import AnyStr as _AnyStr
from typing import Generic as _Generic
from typing import overload as _overload

# tempkit's own layers are imported by the first call that needs them (``_load``),
# not here: ``import tempkit.tempfile`` then costs about what ``import tempfile``
# does, for the many programs that import it at start-up and seldom call it.
if _TYPE_CHECKING:
    from tempkit import naming as _naming
    from tempkit._temp_internals import adopt as _adopt
    from tempkit._temp_internals import finalize_forgotten as _finalize_forgotten
    from tempkit._temp_internals import placement as _placement
    from tempkit._tempfile_wrapper import TemporaryFileWrapper as _TemporaryFileWrapper
    from tempkit._tempfile_wrapper import open_named as _open_named
    from tempkit.backends._current import get_backend as _get_backend
    from tempkit.backends.protocol import Backend as _Backend
    from tempkit.backends.protocol import DescriptorBackend as _DescriptorBackend
    from tempkit.backends.protocol import descriptor_backend as _descriptor_backend_of
    from tempkit.backends.protocol import unnamed_file_backend as _unnamed_file_backend
    from tempkit.errors import CleanupError as _CleanupError
    from tempkit.options import DIR_PERM as _DIR_PERM
    from tempkit.options import FILE_PERM as _FILE_PERM
    from tempkit.path import BackendPath as _BackendPath
    from tempkit.resolver import TempDirResolver as _TempDirResolver
    from tempkit.resolver import gettempdir as _backend_tempdir
    from tempkit.temp import TempDirPath as _TempDirPath
    from tempkit.unnamed import open_unnamed_fallback as _open_unnamed_fallback
else:

    def _get_backend() -> "_Backend":
        # Every public function asks for the backend first: the first ask loads
        # the layers, which also binds the real get_backend in this one's place.
        _load()
        return _get_backend()


def _load() -> None:
    """Bind the names this module takes from tempkit's layers, importing them.

    Safe to run twice and from several threads at once: imports are locked,
    and every thread binds the same objects.
    """
    # Function-level imports on purpose (see above); every module named points down.
    from tempkit import (  # noqa: PLC0415
        _temp_internals,
        _tempfile_wrapper,
        errors,
        naming,
        options,
        path,
        resolver,
        temp,
        unnamed,
    )
    from tempkit.backends import _current, protocol  # noqa: PLC0415

    globals().update(
        _naming=naming,
        _adopt=_temp_internals.adopt,
        _placement=_temp_internals.placement,
        _finalize_forgotten=_temp_internals.finalize_forgotten,
        _TemporaryFileWrapper=_tempfile_wrapper.TemporaryFileWrapper,
        _open_named=_tempfile_wrapper.open_named,
        _get_backend=_current.get_backend,
        _Backend=protocol.Backend,
        _DescriptorBackend=protocol.DescriptorBackend,
        _descriptor_backend_of=protocol.descriptor_backend,
        _unnamed_file_backend=protocol.unnamed_file_backend,
        _CleanupError=errors.CleanupError,
        _DIR_PERM=options.DIR_PERM,
        _FILE_PERM=options.FILE_PERM,
        _BackendPath=path.BackendPath,
        _TempDirResolver=resolver.TempDirResolver,
        _backend_tempdir=resolver.gettempdir,
        _TempDirPath=temp.TempDirPath,
        _open_unnamed_fallback=unnamed.open_unnamed_fallback,
    )


if _TYPE_CHECKING:
    from _typeshed import BytesPath as _BytesPath
    from _typeshed import StrPath as _StrPath

    from tempkit._tempfile_spooled import SpooledTemporaryFile

__all__ = [
    "TMP_MAX",
    "NamedTemporaryFile",
    "SpooledTemporaryFile",
    "TemporaryDirectory",
    "TemporaryFile",
    "gettempdir",
    "gettempdirb",
    "gettempprefix",
    "gettempprefixb",
    "mkdtemp",
    "mkstemp",
    "mktemp",
    "tempdir",
]

# -- the module's data, as the standard library has it ------------------------------------

TMP_MAX: int = getattr(_os, "TMP_MAX", 10000)
"""The standard library's bound on names tried; tempkit gives up after ``naming.MAX_TRIES``."""

template: str = "tmp"
"""The default prefix (read when ``prefix=None``); the standard library documents it as private."""

tempdir: "str | bytes | None" = None
"""The default directory: computed on first use, recomputed when set back to None."""

# The open(2) flags of mkstemp's descriptors on the local disk, as the standard
# library spells them (the local backends' create_descriptor opens with these,
# plus the non-inheritable flag os.open adds anyway).
_text_openflags: int = _os.O_RDWR | _os.O_CREAT | _os.O_EXCL | getattr(_os, "O_NOFOLLOW", 0)
_bin_openflags: int = _text_openflags | getattr(_os, "O_BINARY", 0)

# io.text_encoding is in Python 3.10, but typeshed lists it from 3.11 only.
_text_encoding: _Callable[..., str] = vars(_io)["text_encoding"]
_once_lock = _thread.allocate_lock()
# The value of ``tempdir`` this module computed, and for which backend: when the
# current backend changes, a computed value is recomputed; a value the user set
# is kept.
_computed: "str | None" = None
_computed_for: "_Backend | None" = None
# A ``tempdir`` the user set, the backend, and the absolute directory it gave, when
# that did not depend on the current directory: placing it again costs a parse.
_placed: "tuple[object, _Backend, str] | None" = None


# SpooledTemporaryFile subclasses SpooledTempPath, whose module costs more to
# import than everything else here (it loads logging); it is loaded on first use
# (PEP 562), and handed the one function of this module it needs, so that it
# never imports this module back.
def __getattr__(name: str) -> object:
    if name.startswith("_") and not name.startswith("__"):
        # A name _load() binds (``_TemporaryFileWrapper``, which the standard
        # library's tests use), asked for before any call made it.
        _load()
        if name in globals():
            return globals()[name]
    if name != "SpooledTemporaryFile":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    _load()  # its name parts are checked by this module's helpers
    from tempkit import _tempfile_spooled  # noqa: PLC0415 - see above

    _tempfile_spooled.spooled_parts = _spooled_parts
    cls = _tempfile_spooled.SpooledTemporaryFile
    globals()[name] = cls
    return cls


def __dir__() -> list[str]:
    return sorted({*globals(), "SpooledTemporaryFile"})


# -- str or bytes ---------------------------------------------------------------------------


def _infer_return_type(*args: object) -> type:
    """Str or bytes, from the arguments (and ``tempdir`` when they are all None).

    The standard library's rule: mixing str and bytes is a TypeError. A
    tempkit path counts as str, whatever its backend.
    """
    return_type: type | None = None
    for given in args:
        if given is None:
            continue
        arg = given
        if isinstance(arg, _BackendPath):
            arg = ""
        elif isinstance(arg, _os.PathLike):
            arg = _os.fspath(arg)
        if isinstance(arg, bytes):
            if return_type is str:
                raise TypeError("Can't mix bytes and non-bytes in path components.")
            return_type = bytes
        else:
            if return_type is bytes:
                raise TypeError("Can't mix bytes and non-bytes in path components.")
            return_type = str
    if return_type is None:
        return str if tempdir is None or isinstance(tempdir, str) else bytes
    return return_type


def _affix(value: object, what: str, backend: "_Backend") -> str:
    if isinstance(value, bytes):
        value = _os.fsdecode(value)
    return _naming.validate_affix(value, what, backend.flavour)  # type: ignore[arg-type]


def _affixes(prefix: object, suffix: object, backend: "_Backend") -> tuple[str, str]:
    """The name's prefix and suffix as str, checked (``template`` for no prefix)."""
    return (
        _os.fsdecode(template) if prefix is None else _affix(prefix, "prefix", backend),
        "" if suffix is None else _affix(suffix, "suffix", backend),
    )


def _parts(
    prefix: object, suffix: object, dir: object, backend: "_Backend"
) -> tuple[str, str, str, type]:
    """Prefix, suffix and absolute parent directory as str, and the type results are given in."""
    if prefix is None and suffix is None and dir is None:
        # The common call, with nothing to check.
        current = tempdir
        kind: type = str if current is None or isinstance(current, str) else bytes
        default = template if type(template) is str else _os.fsdecode(template)
        return default, "", _default_dir(backend), kind
    output_type = _infer_return_type(prefix, suffix, dir)
    prefix, suffix = _affixes(prefix, suffix, backend)
    if dir is None:
        directory = _default_dir(backend)
    elif isinstance(dir, _BackendPath):
        directory = _placement(dir, backend)[1]
    else:
        directory = _placement(_os.fsdecode(dir), backend)[1]  # type: ignore[arg-type]
    return prefix, suffix, directory, output_type


def _spooled_parts(
    prefix: object, suffix: object, dir: object, backend: "_Backend"
) -> "tuple[str, str, str | _BackendPath | None]":
    """SpooledTemporaryFile's name parts now, and its directory if one is known yet.

    The directory is only needed at roll-over, and found then: ``dir``, else
    ``tempdir`` if set, else the backend's temp directory (tempkit's resolver).
    """
    _infer_return_type(prefix, suffix, dir)  # str and bytes mixed: refused now
    prefix, suffix = _affixes(prefix, suffix, backend)
    if dir is None:
        current = tempdir
        if current is None or not backend.capabilities.local_paths:
            return prefix, suffix, None
        dir = current
    if not isinstance(dir, _BackendPath):
        dir = _os.fsdecode(dir)  # type: ignore[arg-type]
    return prefix, suffix, dir


def _as(output_type: type, path: str) -> "str | bytes":
    return path if output_type is str else _os.fsencode(path)


def _audit(event: str, path: str, output_type: type) -> None:
    _sys.audit(event, _as(output_type, path))


# -- the temp directory -----------------------------------------------------------------------


def _refuse_without_local_paths(backend: "_Backend", what: str, instead: str) -> None:
    if not backend.capabilities.local_paths:
        raise TypeError(
            f"tempfile.{what} hands out an OS path, and {backend!r} has no paths on this "
            f"machine's disk; use tempkit.{instead} instead (or a local backend)"
        )


def _gettempdir(backend: "_Backend | None" = None) -> "str | bytes":
    """``tempdir``, computed first if it is None (or was computed for another backend)."""
    global tempdir, _computed, _computed_for
    if backend is None:
        backend = _get_backend()
    _refuse_without_local_paths(backend, "gettempdir()", "gettempdir() or TempDirPath.create()")
    current = tempdir
    if current is not None and (
        current is not _computed or backend is _computed_for or backend == _computed_for
    ):
        return current
    with _once_lock:
        if tempdir is None or (tempdir is _computed and backend != _computed_for):
            # A fresh resolver: probed now, as the standard library does whenever
            # tempdir is None, without touching tempkit's own cached choice.
            tempdir = _computed = _TempDirResolver(backend).resolve()
            _computed_for = backend
        return tempdir


def _default_dir(backend: "_Backend") -> str:
    """Where objects go without ``dir=``: ``tempdir`` on the local disk, else the backend's."""
    global _placed
    current = tempdir
    if current is _computed and backend is _computed_for and current is not None:
        return current  # computed here for this backend: a str, absolute already
    placed = _placed
    if placed is not None and placed[0] is current and placed[1] is backend:
        return placed[2]
    if not backend.capabilities.local_paths:
        return _backend_tempdir(backend)
    current = _gettempdir(backend)
    if current is _computed:
        return current  # computed here: a str, absolute already
    text = _os.fsdecode(current)
    directory = _placement(text, backend)[1]
    if directory == text:  # absolute already: the same whatever the current directory
        _placed = (current, backend, directory)
    return directory


def gettempdir() -> str:
    """The default directory for temporary files, as str.

    The first call finds it (TMPDIR, TEMP, TMP, the platform's list, then the
    current directory; the first one where a file can be created) and stores
    it in ``tempdir``; later calls return that same object until ``tempdir``
    changes. Set ``tempdir = None`` to have it found again.

    Returns:
        The absolute path of the directory.

    Raises:
        FileNotFoundError: no usable directory.
        TypeError: the current backend has no paths on this machine's disk.

    """
    return _os.fsdecode(_gettempdir())


def gettempdirb() -> bytes:
    """:func:`gettempdir` as bytes.

    Returns:
        The absolute path of the directory, encoded with ``os.fsencode``.

    Raises:
        FileNotFoundError: no usable directory.
        TypeError: the current backend has no paths on this machine's disk.

    """
    return _os.fsencode(_gettempdir())


def gettempprefix() -> str:
    """The default prefix of temporary names, as str.

    Returns:
        ``template`` ("tmp" unless changed).

    """
    return _os.fsdecode(template)


def gettempprefixb() -> bytes:
    """The default prefix of temporary names, as bytes.

    Returns:
        ``template`` ("tmp" unless changed), encoded with ``os.fsencode``.

    """
    return _os.fsencode(template)


# -- low level: mkstemp, mkdtemp, mktemp --------------------------------------------------------


def _descriptor_backend(backend: "_Backend", what: str, instead: str) -> "_DescriptorBackend":
    creator = _descriptor_backend_of(backend)
    if creator is not None and backend.capabilities.local_paths:
        return creator
    raise TypeError(
        f"tempfile.{what} hands out an OS descriptor and path, and {backend!r} has no "
        f"descriptors on this machine; use tempkit.{instead} instead (or a local backend)"
    )


@_overload
def mkstemp(
    suffix: "str | None" = None,
    prefix: "str | None" = None,
    dir: "_StrPath | None" = None,
    text: bool = False,
) -> tuple[int, str]: ...
@_overload
def mkstemp(
    suffix: "bytes | None" = None,
    prefix: "bytes | None" = None,
    dir: "_BytesPath | None" = None,
    text: bool = False,
) -> tuple[int, bytes]: ...
def mkstemp(
    suffix: "str | bytes | None" = None,
    prefix: "str | bytes | None" = None,
    dir: "_StrPath | _BytesPath | None" = None,
    text: bool = False,
) -> "tuple[int, str | bytes]":
    """Create a new file and return ``(descriptor, absolute path)``; the caller removes it.

    Args:
        suffix: the end of the name (default none).
        prefix: the start of the name (default ``template``, "tmp").
        dir: where to create it (default :func:`gettempdir`).
        text: open in text mode where the platform has one (Windows).

    The name is prefix + 8 random characters + suffix. The file is readable
    and writable by its owner only (0o600), created exclusively without
    following a symlink, and the descriptor is not inheritable. The path is
    bytes when any of ``suffix``, ``prefix``, ``dir`` is (or, with all three
    None, when ``tempdir`` is), else str.

    Returns:
        The open descriptor (the caller closes it) and the file's absolute path.

    Raises:
        TypeError: str and bytes mixed; or the backend has no OS descriptors
            (use ``tempkit.TempFilePath.create_open()``).
        ValueError: a prefix or suffix with a path separator or NUL.
        OSError: the directory is missing or not writable, ...

    """
    backend = _get_backend()
    creator = _descriptor_backend(backend, "mkstemp()", "TempFilePath.create_open()")
    prefix, suffix, directory, output_type = _parts(prefix, suffix, dir, backend)

    def make(path: str) -> int:
        _audit("tempfile.mkstemp", path, output_type)
        return creator.create_descriptor(path, _FILE_PERM, text=bool(text))

    raw, fd = _naming.create_unique(
        directory, backend.flavour.sep, prefix, suffix, _naming.DEFAULT_LENGTH, make
    )
    return fd, _as(output_type, raw)


@_overload
def mkdtemp(
    suffix: "str | None" = None, prefix: "str | None" = None, dir: "_StrPath | None" = None
) -> str: ...
@_overload
def mkdtemp(
    suffix: "bytes | None" = None, prefix: "bytes | None" = None, dir: "_BytesPath | None" = None
) -> bytes: ...
def mkdtemp(
    suffix: "str | bytes | None" = None,
    prefix: "str | bytes | None" = None,
    dir: "_StrPath | _BytesPath | None" = None,
) -> "str | bytes":
    """Create a new directory (0o700) and return its absolute path; the caller removes it.

    Args:
        suffix: the end of the name (default none).
        prefix: the start of the name (default ``template``, "tmp").
        dir: where to create it (default :func:`gettempdir`).

    Returns:
        The directory's absolute path: bytes when any argument is (or, with all
        three None, when ``tempdir`` is), else str.

    Raises:
        TypeError: str and bytes mixed; or the backend has no paths on this
            machine (use ``tempkit.TempDirPath.create()``).
        ValueError: a prefix or suffix with a path separator or NUL.
        OSError: the directory is missing or not writable, ...

    """
    backend = _get_backend()
    _refuse_without_local_paths(backend, "mkdtemp()", "TempDirPath.create()")
    prefix, suffix, directory, output_type = _parts(prefix, suffix, dir, backend)
    return _as(output_type, _make_directory(backend, directory, prefix, suffix, output_type))


def _make_directory(
    backend: "_Backend", directory: str, prefix: str, suffix: str, output_type: type
) -> str:
    mkdir = backend.mkdir

    def make(path: str) -> None:
        _audit("tempfile.mkdtemp", path, output_type)
        mkdir(path, _DIR_PERM)

    raw, _ = _naming.create_unique(
        directory, backend.flavour.sep, prefix, suffix, _naming.DEFAULT_LENGTH, make
    )
    return raw


def mktemp(suffix: str = "", prefix: str = template, dir: "_StrPath | None" = None) -> str:
    """Return an absolute path that did not exist a moment ago, creating nothing.

    Unsafe, as in the standard library: another process can take the name
    before you create it. Use :func:`mkstemp` or ``NamedTemporaryFile(delete=False)``.

    Args:
        suffix: the end of the name (default none).
        prefix: the start of the name (default "tmp").
        dir: the directory of the name (default :func:`gettempdir`).

    Returns:
        An absolute path, always str.

    Raises:
        FileExistsError: no free name was found.
        TypeError: the backend has no paths on this machine; a prefix or
            suffix that is not a str (None included, as in the standard library).
        ValueError: a prefix or suffix with a path separator or NUL.

    """
    backend = _get_backend()
    _refuse_without_local_paths(backend, "mktemp()", "TempFilePath.create()")
    flavour = backend.flavour
    if prefix is None or suffix is None:
        # Not "the default" here, as it is for the other functions: the standard
        # library's mktemp adds the parts as they are, and None is a TypeError.
        raise TypeError("mktemp() takes prefix and suffix as str, not None")
    prefix = _naming.validate_affix(prefix, "prefix", flavour)
    suffix = _naming.validate_affix(suffix, "suffix", flavour)
    directory = _placement(gettempdir() if dir is None else dir, backend)[1]
    base = directory if directory.endswith(flavour.sep) else directory + flavour.sep
    for _ in range(_naming.MAX_TRIES):
        path = base + prefix + _naming.random_name() + suffix
        try:
            backend.stat(path, follow_symlinks=False)
        except OSError:
            return path
    raise FileExistsError(_errno.EEXIST, "No usable temporary filename found")


# -- high level: files ----------------------------------------------------------------------------


def _named_file(
    mode: str,
    buffering: int,
    encoding: "str | None",
    newline: "str | None",
    suffix: object,
    prefix: object,
    dir: object,
    delete: bool,
    errors: "str | None",
    delete_on_close: bool,
) -> "_TemporaryFileWrapper[_Any]":
    backend = _get_backend()
    prefix, suffix, directory, output_type = _parts(prefix, suffix, dir, backend)
    return _open_named(
        backend,
        directory,
        prefix,
        suffix,
        (mode, buffering, encoding, errors, newline),
        output_type,
        delete=bool(delete),
        delete_on_close=bool(delete_on_close),
    )


if sys.version_info >= (3, 12):

    def NamedTemporaryFile(
        mode: str = "w+b",
        buffering: int = -1,
        encoding: "str | None" = None,
        newline: "str | None" = None,
        suffix: "str | bytes | None" = None,
        prefix: "str | bytes | None" = None,
        dir: "_StrPath | _BytesPath | None" = None,
        delete: bool = True,
        *,
        errors: "str | None" = None,
        delete_on_close: bool = True,
    ) -> "_TemporaryFileWrapper[_Any]":
        """Create and open a temporary file with a name.

        Args:
            mode: the mode of ``open()`` (default "w+b").
            buffering: as for ``open()``.
            encoding: as for ``open()`` (text modes).
            newline: as for ``open()`` (text modes).
            suffix: as for :func:`mkstemp`.
            prefix: as for :func:`mkstemp`.
            dir: as for :func:`mkstemp`.
            delete: remove the file automatically (when closed, or see
                ``delete_on_close``); False leaves it to the caller.
            errors: as for ``open()`` (text modes).
            delete_on_close: with ``delete``, remove the file as soon as it is
                closed (default); False removes it on leaving the ``with`` block,
                or when the object is collected, so it can be closed and
                reopened by name meanwhile.

        Returns:
            A file-like object whose ``name`` is the path and ``path`` the
            :class:`~tempkit.TempFilePath` that owns it.

        Raises:
            TypeError: str and bytes mixed.
            ValueError: a bad mode, prefix or suffix.
            OSError: the directory is missing or not writable, ...

        """
        if "b" not in mode:
            encoding = _text_encoding(encoding)
        return _named_file(
            mode, buffering, encoding, newline, suffix, prefix, dir, delete, errors, delete_on_close
        )

else:

    def NamedTemporaryFile(
        mode: str = "w+b",
        buffering: int = -1,
        encoding: "str | None" = None,
        newline: "str | None" = None,
        suffix: "str | bytes | None" = None,
        prefix: "str | bytes | None" = None,
        dir: "_StrPath | _BytesPath | None" = None,
        delete: bool = True,
        *,
        errors: "str | None" = None,
    ) -> "_TemporaryFileWrapper[_Any]":
        """Create and open a temporary file with a name, removed when closed if ``delete``.

        Args:
            mode: the mode of ``open()`` (default "w+b").
            buffering: as for ``open()``.
            encoding: as for ``open()`` (text modes).
            newline: as for ``open()`` (text modes).
            suffix: as for :func:`mkstemp`.
            prefix: as for :func:`mkstemp`.
            dir: as for :func:`mkstemp`.
            delete: remove the file when it is closed (default); False leaves
                it to the caller.
            errors: as for ``open()`` (text modes).

        Returns:
            A file-like object whose ``name`` is the path and ``path`` the
            :class:`~tempkit.TempFilePath` that owns it.

        Raises:
            TypeError: str and bytes mixed.
            ValueError: a bad mode, prefix or suffix.
            OSError: the directory is missing or not writable, ...

        """
        if "b" not in mode:
            encoding = _text_encoding(encoding)
        return _named_file(
            mode, buffering, encoding, newline, suffix, prefix, dir, delete, errors, True
        )


if _os.name != "posix" or _sys.platform == "cygwin":
    # As in the standard library: where an open file cannot lose its name, the
    # unnamed file is a named one the OS removes when it is closed.
    TemporaryFile = NamedTemporaryFile
else:

    def TemporaryFile(  # type: ignore[misc]
        mode: str = "w+b",
        buffering: int = -1,
        encoding: "str | None" = None,
        newline: "str | None" = None,
        suffix: "str | bytes | None" = None,
        prefix: "str | bytes | None" = None,
        dir: "_StrPath | _BytesPath | None" = None,
        *,
        errors: "str | None" = None,
    ) -> "_IO[_Any]":
        """Create and open a temporary file that has no name; it goes when closed.

        Args:
            mode: the mode of ``open()`` (default "w+b").
            buffering: as for ``open()``.
            encoding: as for ``open()`` (text modes).
            newline: as for ``open()`` (text modes).
            suffix: as for :func:`mkstemp`; it only shapes the name of the
                fallback, below.
            prefix: as for :func:`mkstemp`; the same.
            dir: the directory whose filesystem holds the file, as for :func:`mkstemp`.
            errors: as for ``open()`` (text modes).

        The file is made with ``O_TMPFILE`` where the kernel and the
        filesystem allow it, so it never has a name and nothing is left even
        if the process is killed; elsewhere a name is created and removed at
        once. On a backend that cannot make files without names at all, it is
        a :func:`NamedTemporaryFile` removed when closed. The path-style form is
        ``tempkit.UnnamedTempFile.create()``.

        Returns:
            The file object, whose ``name`` is its descriptor (as in the
            standard library).

        Raises:
            TypeError: str and bytes mixed.
            ValueError: a bad mode, prefix or suffix.
            OSError: the directory is missing or not writable, ...

        """
        if "b" not in mode:
            encoding = _text_encoding(encoding)
        backend = _get_backend()
        prefix, suffix, directory, output_type = _parts(prefix, suffix, dir, backend)
        maker = _unnamed_file_backend(backend)
        if maker is not None:
            # The common case (O_TMPFILE, memory) goes straight to the backend, as
            # unnamed.open_unnamed_file's first step without its call: through it, this
            # measured 1.02-1.03x the standard library's TemporaryFile, against 1.00x.
            file = maker.open_unnamed(
                directory, mode, buffering, encoding, errors, newline, perm=_FILE_PERM
            )
            if file is not None:
                return file

        def audit(path: str) -> None:
            _audit("tempfile.mkstemp", path, output_type)

        opened = _open_unnamed_fallback(
            backend,
            directory,
            (mode, buffering, encoding, errors, newline),
            prefix,
            suffix,
            audit,
        )
        if opened is not None:
            return opened[0]
        # Duck-typed as a file, as the standard library's own TemporaryFile on Windows.
        return _open_named(  # type: ignore[return-value]
            backend,
            directory,
            prefix,
            suffix,
            (mode, buffering, encoding, errors, newline),
            output_type,
            delete=True,
            delete_on_close=True,
        )


# -- high level: directories ----------------------------------------------------------------------


def _dir_implicit_cleanup(message: object, backend: "_Backend", raw: str) -> None:
    """What collection (or interpreter exit) does to a forgotten TemporaryDirectory.

    A forked child never runs it (its copy of the object is not the owner). It
    is a temp directory's own finalizer, with the standard library's warning text.
    """
    _finalize_forgotten(_TempDirPath._remove, backend, raw, "temp directory", str(message))


class TemporaryDirectory(_Generic[_AnyStr]):
    """Create a temporary directory; leaving the ``with`` block removes it and all it holds.

    ``with TemporaryDirectory() as name:`` gives its path (str or bytes, by the
    rules of :func:`mkstemp`); ``path`` is the :class:`~tempkit.TempDirPath`
    that owns it (both are also attributes). Removal goes through the backend's ``rmtree``: symlinks
    inside are removed, never followed; read-only entries are made writable;
    on the local disk every step is relative to an open directory, so a
    directory swapped for a symlink cannot send it elsewhere.

    A forgotten object is removed when collected, or at interpreter exit,
    with a ResourceWarning "Implicitly cleaning up ..." (only in the process
    that created it, never in a forked child).

    Attributes:
        name: the directory's absolute path, str or bytes (TypeError on a
            backend whose paths are not on this machine's disk).
        path: the :class:`~tempkit.TempDirPath` that owns the directory.

    """

    __class_getitem__ = classmethod(_types.GenericAlias)  # type: ignore[var-annotated]

    name: _AnyStr
    path: "_TempDirPath"

    if sys.version_info >= (3, 12):

        @_overload
        def __init__(
            self: "TemporaryDirectory[str]",
            suffix: "str | None" = None,
            prefix: "str | None" = None,
            dir: "_StrPath | None" = None,
            ignore_cleanup_errors: bool = False,
            *,
            delete: bool = True,
        ) -> None: ...
        @_overload
        def __init__(
            self: "TemporaryDirectory[bytes]",
            suffix: "bytes | None" = None,
            prefix: "bytes | None" = None,
            dir: "_BytesPath | None" = None,
            ignore_cleanup_errors: bool = False,
            *,
            delete: bool = True,
        ) -> None: ...
        def __init__(
            self,
            suffix: "str | bytes | None" = None,
            prefix: "str | bytes | None" = None,
            dir: "_StrPath | _BytesPath | None" = None,
            ignore_cleanup_errors: bool = False,
            *,
            delete: bool = True,
        ) -> None:
            """Create the directory.

            Args:
                suffix: as for :func:`mkdtemp`.
                prefix: as for :func:`mkdtemp`.
                dir: as for :func:`mkdtemp`.
                ignore_cleanup_errors: make cleanup best-effort and silent; what
                    could not be removed is tried again by the next ``cleanup()``.
                delete: remove the directory on leaving the ``with`` block and
                    when the object is collected; False leaves that to ``cleanup()``.

            """
            self._setup(suffix, prefix, dir, ignore_cleanup_errors, delete)

    else:

        @_overload
        def __init__(
            self: "TemporaryDirectory[str]",
            suffix: "str | None" = None,
            prefix: "str | None" = None,
            dir: "_StrPath | None" = None,
            ignore_cleanup_errors: bool = False,
        ) -> None: ...
        @_overload
        def __init__(
            self: "TemporaryDirectory[bytes]",
            suffix: "bytes | None" = None,
            prefix: "bytes | None" = None,
            dir: "_BytesPath | None" = None,
            ignore_cleanup_errors: bool = False,
        ) -> None: ...
        def __init__(
            self,
            suffix: "str | bytes | None" = None,
            prefix: "str | bytes | None" = None,
            dir: "_StrPath | _BytesPath | None" = None,
            ignore_cleanup_errors: bool = False,
        ) -> None:
            """Create the directory.

            Args:
                suffix: as for :func:`mkdtemp`.
                prefix: as for :func:`mkdtemp`.
                dir: as for :func:`mkdtemp`.
                ignore_cleanup_errors: make cleanup best-effort and silent; what
                    could not be removed is tried again by the next ``cleanup()``.

            """
            self._setup(suffix, prefix, dir, ignore_cleanup_errors, True)

    def _setup(
        self,
        suffix: object,
        prefix: object,
        dir: object,
        ignore_cleanup_errors: bool,
        delete: bool,
    ) -> None:
        backend = _get_backend()
        prefix, suffix, directory, output_type = _parts(prefix, suffix, dir, backend)
        raw = _make_directory(backend, directory, prefix, suffix, output_type)
        if backend.capabilities.local_paths:
            self.name = _as(output_type, raw)  # type: ignore[assignment]
        self._ignore_cleanup_errors = ignore_cleanup_errors
        self._delete = delete
        self._local = backend.capabilities.local_paths
        if delete:
            message = f"Implicitly cleaning up {self._describe(raw, backend)}"
            self.path = _adopt(_TempDirPath, raw, backend, "always", _dir_implicit_cleanup, message)
        else:
            self.path = _adopt(_TempDirPath, raw, backend, "never", None)

    def _describe(self, raw: str, backend: "_Backend") -> str:
        if self._local:
            return f"<{type(self).__name__} {self.name!r}>"
        return f"<{type(self).__name__} {raw!r} on {backend!r}>"

    def __getattr__(self, attribute: str) -> _Any:
        # Reached for ``name`` only where the backend has no local paths.
        if attribute == "name" and "path" in self.__dict__:
            raise TypeError(
                f"TemporaryDirectory.name would be an OS path, and {self.path.backend!r} has "
                "none; use .path (a tempkit TempDirPath) instead"
            )
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {attribute!r}")

    def __repr__(self) -> str:
        return self._describe(str(self.path), self.path.backend)

    def __enter__(self) -> _AnyStr:
        if not self._local:
            self.cleanup()  # the with block could not run: leave nothing behind
        return self.name

    def __exit__(
        self,
        exc_type: "type[BaseException] | None",
        exc: "BaseException | None",
        tb: "_TracebackType | None",
    ) -> None:
        if self._delete:
            self.cleanup()

    def cleanup(self) -> None:
        """Remove the directory and everything in it; calling it again does nothing.

        Raises:
            OSError: the first entry that could not be removed (its
                ``__cause__`` is a :class:`tempkit.CleanupError` naming every
                one), unless ``ignore_cleanup_errors``; either way the rest is
                removed and the next ``cleanup()`` tries again.

        """
        path = self.path
        if not path.managed:
            return
        try:
            path.cleanup()
        except _CleanupError as error:
            if self._ignore_cleanup_errors:
                return
            first = error.errors[0][1] if error.errors else None
            if first is None:
                raise
            raise first from error


del sys  # the module holds exactly the standard library's public names
