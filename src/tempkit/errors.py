"""Exceptions tempkit raises beyond the builtin ``OSError`` family."""

from __future__ import annotations

import errno
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tempkit.temp import TempPath

__all__ = ["CleanupError", "PersistError", "os_error", "persist_error"]


def os_error(code: int, path: str, detail: str | None = None, path2: str | None = None) -> OSError:
    """Build the builtin OSError subclass that matches ``code``, with errno and filename set.

    ``OSError(code, ...)`` picks the subclass (FileNotFoundError, ...) from the errno,
    exactly as the os module does, so every backend raises the same types.
    """
    message = detail if detail is not None else os.strerror(code)
    if path2 is None:
        return OSError(code, message, path)
    return OSError(code, message, path, None, path2)


class CleanupError(OSError):
    """Removing a temp tree failed for one or more entries.

    ``errors`` holds one ``(path, exception)`` pair per entry that could not be
    removed; the message names each of them.
    """

    def __init__(self, root: str, errors: Sequence[tuple[str, OSError]]) -> None:
        self.errors: list[tuple[str, OSError]] = list(errors)
        lines = "; ".join(f"{path}: {exc.strerror or exc}" for path, exc in self.errors)
        first = self.errors[0][1].errno if self.errors else None
        super().__init__(
            first if first is not None else errno.EIO,
            f"could not remove {len(self.errors)} entr{'y' if len(self.errors) == 1 else 'ies'} "
            f"of the temp tree ({lines})",
            root,
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.filename, self.errors))


class PersistError(OSError):
    """``persist()`` could not move the temp object into place.

    The temp object is untouched and still owned: ``temp`` hands it back, so the
    caller can retry, copy it elsewhere, or let it be cleaned up.
    """

    def __init__(self, temp: TempPath, target: str, cause: OSError) -> None:
        self.temp = temp
        self.cause = cause
        code = cause.errno if cause.errno is not None else errno.EIO
        if code == errno.EXDEV:
            why = "the target is on another filesystem; copy the data instead"
        elif code == errno.EEXIST:
            why = "the target exists; pass overwrite=True to replace it"
        else:
            why = cause.strerror or str(cause)
        super().__init__(code, f"cannot persist temp object: {why}", str(temp), None, target)


_persist_types: dict[type[OSError], type[PersistError]] = {OSError: PersistError}


def persist_error(temp: TempPath, target: str, cause: OSError) -> PersistError:
    """A PersistError that is also an instance of ``cause``'s type.

    ``except FileExistsError`` then still catches a refused no-clobber persist,
    and ``except PersistError`` catches every persist failure.
    """
    kind = type(cause)
    error_type = _persist_types.get(kind)
    if error_type is None:
        error_type = type(f"Persist{kind.__name__}", (PersistError, kind), {})
        _persist_types[kind] = error_type
    return error_type(temp, target, cause)
