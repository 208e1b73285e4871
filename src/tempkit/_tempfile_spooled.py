"""``tempkit.tempfile.SpooledTemporaryFile``: a SpooledTempPath with the standard library's face.

Loaded on first use of the name (``tempkit.spooled`` costs more to import than
the rest of ``tempkit.tempfile``).
"""

from __future__ import annotations

import math
import numbers
import operator
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, AnyStr, cast, overload

from tempkit.backends._current import get_backend
from tempkit.backends.protocol import Backend
from tempkit.spooled import SpooledTempPath

if TYPE_CHECKING:
    from _typeshed import OpenBinaryModeUpdating, OpenTextModeUpdating

__all__ = ["SpooledTemporaryFile", "spooled_parts"]

# What the standard library's prefix, suffix and dir become for tempkit (and the
# directory, if one is known yet). tempkit.tempfile sets it when it loads this
# module: it reads that module's tempdir and template, and this module must not
# import that one back.
spooled_parts: Callable[[object, object, object, Backend], tuple[str, str, Any]] | None = None


def stdlib_limit(max_size: object) -> int:
    """The int limit that rolls over exactly where the standard library's ``max_size`` does.

    The standard library never checks ``max_size``: it rolls over once
    ``max_size`` is true and the position is beyond it. So None (or NaN, or
    infinity) never rolls over by size, a negative limit rolls over at the first
    write, and a float is compared as it is, which for an int position is the
    same as comparing with its floor.

    Args:
        max_size: what the caller passed.

    Returns:
        0 (never by size), -1 (at the first write) or the limit itself.

    Raises:
        TypeError: ``max_size`` is not a real number or None (the standard
            library fails at the first write instead).

    """
    if max_size is None:
        return 0
    if isinstance(max_size, (int, numbers.Integral)):
        return operator.index(max_size)
    if isinstance(max_size, numbers.Real):
        number = float(max_size)
        if math.isnan(number) or number == math.inf:
            return 0
        return -1 if number < 0 else math.floor(number)
    raise TypeError(f"max_size must be a number or None, not {type(max_size).__name__}")


class SpooledTemporaryFile(SpooledTempPath[AnyStr]):
    """A temporary file kept in memory until it grows past ``max_size`` or needs a descriptor.

    The standard library's constructor over tempkit's
    :class:`~tempkit.SpooledTempPath`: everything a ``SpooledTempPath`` does
    (roll-over, ``keep()``, ``persist()``, the path API after roll-over) works
    on it, and ``SpooledTemporaryFile[bytes]`` is a generic alias.

    What differs from the standard library: it rolls over into a file with a
    name (so ``name`` is that path, as on Windows, rather than a descriptor),
    every argument is checked when it is made, and the mode must be a
    read-write one ("w+b", "w+"). ``close()`` removes the file.
    """

    __slots__ = ()

    __class_getitem__ = classmethod(types.GenericAlias)  # type: ignore[var-annotated]

    def __new__(
        cls,
        max_size: int = 0,
        mode: str = "w+b",
        buffering: int = -1,
        encoding: str | None = None,
        newline: str | None = None,
        suffix: str | bytes | None = None,
        prefix: str | bytes | None = None,
        dir: Any = None,
        *,
        errors: str | None = None,
    ) -> SpooledTemporaryFile[Any]:
        """Make the object whole here (the arguments are documented on ``__init__``)."""
        backend = get_backend()
        parts = spooled_parts
        if parts is None:
            raise TypeError("use tempkit.tempfile.SpooledTemporaryFile")
        limit = stdlib_limit(max_size)
        prefix, suffix, directory = parts(prefix, suffix, dir, backend)
        self: SpooledTempPath[Any] = SpooledTempPath.create(
            max(limit, 0),
            mode,
            buffering,
            encoding,
            newline,
            errors,
            prefix=prefix,
            suffix=suffix,
            dir=directory,
            backend=backend,
        )
        if limit < 0:
            # tempkit's own API refuses a negative limit; the standard library's
            # rolls over at the first write, and so does -1 in the write check.
            self._max_size = self._limit = limit
        # create() builds a SpooledTempPath; this class only adds methods, so the
        # object can become one of ours without being built twice.
        self.__class__ = cls
        return cast("SpooledTemporaryFile[Any]", self)

    @overload
    def __init__(
        self: SpooledTemporaryFile[bytes],
        max_size: int = 0,
        mode: OpenBinaryModeUpdating = "w+b",
        buffering: int = -1,
        encoding: None = None,
        newline: None = None,
        suffix: str | bytes | None = None,
        prefix: str | bytes | None = None,
        dir: Any = None,
        *,
        errors: None = None,
    ) -> None: ...
    @overload
    def __init__(
        self: SpooledTemporaryFile[str],
        max_size: int,
        mode: OpenTextModeUpdating,
        buffering: int = -1,
        encoding: str | None = None,
        newline: str | None = None,
        suffix: str | bytes | None = None,
        prefix: str | bytes | None = None,
        dir: Any = None,
        *,
        errors: str | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self: SpooledTemporaryFile[str],
        max_size: int = 0,
        *,
        mode: OpenTextModeUpdating,
        buffering: int = -1,
        encoding: str | None = None,
        newline: str | None = None,
        suffix: str | bytes | None = None,
        prefix: str | bytes | None = None,
        dir: Any = None,
        errors: str | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self: SpooledTemporaryFile[Any],
        max_size: int = 0,
        mode: str = "w+b",
        buffering: int = -1,
        encoding: str | None = None,
        newline: str | None = None,
        suffix: str | bytes | None = None,
        prefix: str | bytes | None = None,
        dir: Any = None,
        *,
        errors: str | None = None,
    ) -> None: ...
    def __init__(
        self,
        max_size: int = 0,
        mode: str = "w+b",
        buffering: int = -1,
        encoding: str | None = None,
        newline: str | None = None,
        suffix: str | bytes | None = None,
        prefix: str | bytes | None = None,
        dir: Any = None,
        *,
        errors: str | None = None,
    ) -> None:
        """Make the file (in memory: nothing touches the disk until it rolls over).

        ``__new__`` has made the object whole; this only documents the arguments.

        Args:
            max_size: roll over once the data goes past this many bytes or
                characters (0 or None: only when asked, by ``fileno()`` or
                ``rollover()``; negative: at the first write). A float is
                taken as the standard library takes it.
            mode: "w+b" (bytes, default) or "w+" (text).
            buffering: as for ``open()``, for the file made at roll-over.
            encoding: as for ``open()`` (text mode).
            newline: as for ``open()`` (text mode).
            suffix: as for ``tempfile.mkstemp``, for the file made at roll-over.
            prefix: as for ``tempfile.mkstemp``, for the file made at roll-over.
            dir: as for ``tempfile.mkstemp``; default ``tempfile.tempdir`` if
                set, else the backend's temp directory, found at roll-over.
            errors: as for ``open()`` (text mode).

        Raises:
            TypeError, ValueError: a bad argument (checked now, not at roll-over;
                ``max_size`` that is no number is a TypeError here, where the
                standard library fails at the first write).

        """

    @property
    def name(self) -> str | None:  # type: ignore[override]
        """The path of the file after roll-over, None before (and on a backend without OS paths)."""
        if not self.rolled or not self.backend.capabilities.local_paths:
            return None
        return SpooledTempPath.name.fget(self)  # type: ignore[attr-defined,no-any-return]

    @property
    def mode(self) -> str:
        """The mode given, as the standard library reports it ("rb+" once a binary file rolled)."""
        mode: str = SpooledTempPath.mode.fget(self)  # type: ignore[attr-defined]
        if self.rolled and "b" in mode:
            return "rb+"  # what FileIO says of a read-write file
        return mode
