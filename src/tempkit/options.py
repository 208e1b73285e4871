"""One set of create options: where a temp object goes, what it is called, how it ends.

``TempFilePath.create``, ``TempFilePath.create_open``, ``TempDirPath.create`` and
``SpooledTempPath.create`` take the same keyword arguments for placement
(``dir``, ``backend``), name parts (``prefix``, ``suffix``, ``template``,
``length``) and policy (``cleanup``), and the file makers take the same
``open()`` arguments. Each packs them into one :class:`CreateOptions` with
:func:`create_options`, which checks every argument before anything touches a
backend, in a fixed order (policy, placement, name parts, so a call with
several bad arguments always gets the same error), and fixes the backend.

The value then answers what a maker needs, when it needs it, as the Rust
``tempfile`` crate's ``Builder`` does: :meth:`CreateOptions.directory` resolves
the parent directory (a spooled file asks only at roll-over),
:meth:`CreateOptions.make` makes a fresh entry under a free name with whatever
primitive it is given, and :meth:`OpenArgs.open` opens a new file exclusively.
Whatever else wants a temp entry builds on the same three steps: a
``tempfile``-style function packs its arguments into the same value, an atomic
write makes its file with ``dir=`` next to the target, an async face runs them
in a worker thread (the value is immutable), and the lifecycle (``TempPath._adopt``)
takes ownership of what ``make`` returned.
"""

from __future__ import annotations

import operator
import os
from collections.abc import Callable
from typing import IO, Any, Final, NamedTuple, TypeVar

from tempkit import naming
from tempkit.backends._current import get_backend
from tempkit.backends.modes import check_new_file, temp_file_mode
from tempkit.backends.protocol import Backend
from tempkit.lifecycle import CleanupPolicy, check_policy
from tempkit.path import BackendPath
from tempkit.resolver import gettempdir

__all__ = [
    "DEFAULTS",
    "DEFAULT_PREFIX",
    "DIR_PERM",
    "FILE_PERM",
    "MAKE_DIR",
    "MAKE_FILE",
    "CreateOptions",
    "OpenArgs",
    "create_options",
    "exclusive_mode",
    "open_args",
]

FILE_PERM: Final = 0o600
DIR_PERM: Final = 0o700
DEFAULT_PREFIX: Final = "tmp"

T = TypeVar("T")


class OpenArgs(NamedTuple):
    """The ``open()`` arguments of a file that is made open.

    ``mode`` is what the caller gave ("w+b"); ``open_mode`` is its
    exclusive-create form ("x+b"), which makes the new file and opens it in one
    step. Make it with ``open_args``, which checks the mode.

    Attributes:
        mode: the mode the caller gave ("w+b", "w+").
        open_mode: its exclusive-create form ("x+b", "x+"), used to open.
        buffering: as for ``open()``.
        encoding: as for ``open()`` (text modes).
        errors: as for ``open()`` (text modes).
        newline: as for ``open()`` (text modes).

    """

    mode: str
    open_mode: str
    buffering: int = -1
    encoding: str | None = None
    errors: str | None = None
    newline: str | None = None

    def opener(self, backend: Backend) -> Callable[[str], IO[Any]]:
        """A maker for :meth:`CreateOptions.make`: create a path exclusively (0o600) and open it.

        Args:
            backend: the backend the file is made on.

        Returns:
            A function of one path that creates the file there exclusively, with
            mode 0o600, and returns it open with these arguments.

        """
        mode, buffering, encoding, errors, newline = self[1:]

        def open_new(path: str) -> IO[Any]:
            return backend.open(path, mode, buffering, encoding, errors, newline, perm=FILE_PERM)

        return open_new


def open_args(
    mode: str,
    buffering: int = -1,
    encoding: str | None = None,
    errors: str | None = None,
    newline: str | None = None,
) -> OpenArgs:
    """Check a NamedTemporaryFile-style ``mode`` and the other ``open()`` arguments; pack them.

    Every argument is checked here, before a file is made, also those ``open()``
    refuses only once it has created the file (unbuffered text, an unknown
    encoding, an illegal newline): a refused argument leaves nothing behind.
    """
    parsed = temp_file_mode(mode)
    check_new_file(parsed, buffering, encoding, errors, newline)
    return OpenArgs(mode, parsed.mode, buffering, encoding, errors, newline)


def exclusive_mode(mode: str) -> str:
    """Turn a NamedTemporaryFile-style mode into its exclusive-create equivalent ("w+b" -> "x+b").

    The one parser of open() modes (``backends.modes``) decides what is valid.
    """
    return temp_file_mode(mode).mode


class CreateOptions(NamedTuple):
    """The checked arguments of one ``create()``: placement, name parts, policy.

    Make it with :func:`create_options`. ``backend`` is fixed, except in the
    all-defaults value (None: the backend current when an entry is made);
    ``dir`` is kept as given (None: the backend's temp dir) and resolved when
    an entry is made. A new entry is named ``prefix`` + ``length`` random
    characters + ``suffix``. A NamedTuple: an immutable value, which
    ``create_options`` builds with ``tuple.__new__`` and the makers read by
    unpacking (both in C: no Python frame, no attribute lookups).

    Attributes:
        backend: the backend entries are made on (None: the current one then).
        dir: the parent directory as given (None: the backend's temp dir).
        prefix: the start of each new name.
        suffix: the end of each new name.
        length: how many random characters go between them.
        policy: the cleanup policy of the object made.

    Examples:
        >>> from tempkit import MemoryBackend
        >>> from tempkit.options import MAKE_DIR, create_options
        >>> options = create_options(backend=MemoryBackend(), template="jobXXXX")
        >>> options.prefix, options.length, options.policy
        ('job', 4, 'always')
        >>> backend, path, _ = options.make(MAKE_DIR)
        >>> path.startswith("/tmp/job"), backend.stat(path).st_mode & 0o777 == 0o700
        (True, True)

    """

    backend: Backend | None
    dir: str | os.PathLike[str] | None
    prefix: str
    suffix: str
    length: int
    policy: CleanupPolicy

    def place(self) -> tuple[Backend, str]:
        """The backend and the absolute directory a new entry goes in, resolved now.

        ``dir`` is made absolute against the backend's current directory;
        without one, the backend's temp dir is resolved (see ``resolver``).

        Returns:
            ``(backend, directory)``: the backend (the current one when the
            options leave it open) and the directory's absolute path.

        Raises:
            FileNotFoundError: no ``dir`` was given and no temp dir is usable.

        """
        backend, directory, _, _, _, _ = self
        if backend is None:
            backend = get_backend()
        if directory is None:
            return backend, gettempdir(backend)
        flavour = backend.flavour
        if not isinstance(directory, BackendPath):
            # The usual dir=: text that parsing and absolute() would give back unchanged
            # (skipping them saves about 2 us of a create() in a real loop).
            if type(directory) is str and flavour.is_canonical_absolute(directory):
                return backend, directory
            directory = BackendPath(directory, backend=backend)
        text = str(directory)
        if flavour.is_canonical_absolute(text):
            return backend, text
        return backend, str(directory.absolute())

    def make(self, maker: Callable[[Backend], Callable[[str], T]]) -> tuple[Backend, str, T]:
        """Make a fresh entry where the options place it, under a free name.

        ``maker(backend)`` is the call that makes one entry exclusively, given
        its path (``backend.create_file``, ``backend.mkdir``, an opener); it is
        called with fresh names until one is free (only ``FileExistsError`` is
        retried, a bounded number of times: see ``naming.create_unique``).

        Args:
            maker: given the backend, returns the call that makes one entry at
                a path, exclusively (``MAKE_FILE``, ``MAKE_DIR``, ``OpenArgs.opener``).

        Returns:
            The backend, the path made, and what the call returned.

        Raises:
            FileExistsError: every name tried was taken.
            OSError: anything else the maker raised (the first error, not retried).

        """
        _, _, prefix, suffix, length, _ = self
        backend, directory = self.place()
        path, made = naming.create_unique(
            directory, backend.flavour.sep, prefix, suffix, length, maker(backend)
        )
        return backend, path, made


_new_options: Final = tuple.__new__

# What create() with no arguments asks for: the current backend's temp dir, "tmp"
# and 8 random characters, cleanup "always". Shared: nothing to check or build.
DEFAULTS: Final = CreateOptions(None, None, DEFAULT_PREFIX, "", naming.DEFAULT_LENGTH, "always")

# The makers of the two kinds of entry, as C calls (no Python frame on every create).
MAKE_FILE: Final[Callable[[Backend], Callable[[str], None]]] = operator.attrgetter("create_file")
MAKE_DIR: Final[Callable[[Backend], Callable[[str], None]]] = operator.attrgetter("mkdir")


def create_options(
    dir: str | os.PathLike[str] | None = None,
    backend: Backend | None = None,
    prefix: str | None = None,
    suffix: str | None = None,
    template: str | None = None,
    length: int | None = None,
    cleanup: CleanupPolicy = "always",
) -> CreateOptions:
    """Check the arguments every ``create()`` takes and pack them into one value.

    Nothing touches a backend here. The backend is fixed now: ``backend``, else
    that of a ``dir`` path, else the current one; only when no argument is
    given at all is it left to be the current one when the entry is made.

    Args:
        dir: the parent directory (text or a path); None for the backend's temp dir.
        backend: the backend; None for that of a ``dir`` path, else the current one.
        prefix: the start of each name (default "tmp").
        suffix: the end of each name (default "").
        template: a mktemp-style template ("buildXXXXXX"), instead of ``prefix``
            and ``length``.
        length: how many random characters (default 8).
        cleanup: the cleanup policy.

    Returns:
        The checked value (the shared ``DEFAULTS`` when no argument is given).

    Raises:
        ValueError: ``cleanup`` is not a policy; ``dir`` is a path on another
            backend than ``backend``; a name part holds a separator or NUL (or a
            character the backend's flavour refuses), ``template`` has fewer
            than three trailing X, or ``length`` is below three.
        TypeError: ``dir`` is neither text nor a path; a name part is not text;
            ``length`` is not an int; ``cleanup`` is not a str.
        UnicodeEncodeError: a name part cannot be encoded as a POSIX path.

    """
    default_names = prefix is None and suffix is None and template is None and length is None
    if default_names and dir is None and backend is None and cleanup == "always":
        return DEFAULTS  # the call most people write
    policy = check_policy(cleanup)
    if isinstance(dir, BackendPath):
        if backend is not None and dir.backend != backend:
            raise ValueError(f"dir {dir!r} is on a different backend than {backend!r}")
        backend = dir.backend
    elif dir is not None and not isinstance(dir, (str, os.PathLike)):
        raise TypeError(f"dir must be a str or os.PathLike, not {type(dir).__name__}")
    if backend is None:
        backend = get_backend()
    if default_names:
        prefix, suffix, length = DEFAULT_PREFIX, "", naming.DEFAULT_LENGTH
    else:
        prefix, suffix, length = _name_parts(prefix, suffix, template, length, backend)
    # What CreateOptions(...) and _make() do, without their Python-level frames: this
    # runs on every create() that is given an argument.
    return _new_options(CreateOptions, (backend, dir, prefix, suffix, length, policy))


def _name_parts(
    prefix: str | None,
    suffix: str | None,
    template: str | None,
    length: int | None,
    backend: Backend,
) -> tuple[str, str, int]:
    flavour = backend.flavour
    if template is not None:
        if prefix is not None or length is not None:
            raise ValueError("give either template or prefix/length, not both")
        prefix, length = naming.parse_template(template, flavour)
    elif length is None:
        length = naming.DEFAULT_LENGTH
    elif not isinstance(length, int) or isinstance(length, bool):
        raise TypeError(f"length must be int, not {type(length).__name__}")
    elif length < naming.MIN_TEMPLATE_XS:
        raise ValueError(f"length must be at least {naming.MIN_TEMPLATE_XS}: {length}")
    return (
        DEFAULT_PREFIX if prefix is None else naming.validate_affix(prefix, "prefix", flavour),
        naming.validate_affix(suffix, "suffix", flavour),
        length,
    )
