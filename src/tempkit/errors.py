"""Exceptions tempkit raises beyond the builtin ``OSError`` family.

This module imports nothing from tempkit, so every layer can use it.
``PersistError``, which carries a temp object, lives with the lifecycle
(``tempkit.lifecycle``).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Sequence

__all__ = ["CleanupError", "os_error"]


def os_error(code: int, path: str, detail: str | None = None, path2: str | None = None) -> OSError:
    """Build the builtin OSError subclass that matches ``code``, with errno and filename set.

    ``OSError(code, ...)`` picks the subclass (FileNotFoundError, ...) from the errno,
    exactly as the os module does, so every backend raises the same types.

    Args:
        code: the errno value (``errno.ENOENT``...).
        path: the path the error is about (``filename``).
        detail: the message; default ``os.strerror(code)``.
        path2: the second path of a two-path call such as a rename (``filename2``).

    Returns:
        The exception, not raised: ``raise os_error(errno.ENOENT, path)``.

    """
    message = detail if detail is not None else os.strerror(code)
    if path2 is None:
        return OSError(code, message, path)
    return OSError(code, message, path, None, path2)


class CleanupError(OSError):
    """Removing a temp tree failed for one or more entries.

    ``errors`` holds one ``(path, exception)`` pair per entry that could not be
    removed; the message names each of them. It is an ``OSError`` whose
    ``errno`` is the first failure's (EIO when that has none) and whose
    ``filename`` is the root of the tree.

    Args:
        root: the path of the tree being removed.
        errors: one ``(path, exception)`` pair per entry that could not be removed.

    Examples:
        >>> import errno
        >>> from tempkit import CleanupError
        >>> denied = PermissionError(errno.EACCES, "Permission denied", "/t/x")
        >>> error = CleanupError("/t", [("/t/x", denied)])
        >>> error.errno == errno.EACCES, error.filename, len(error.errors)
        (True, '/t', 1)

    """

    def __init__(self, root: str, errors: Sequence[tuple[str, OSError]]) -> None:
        self.errors: list[tuple[str, OSError]] = list(errors)
        """One ``(path, exception)`` pair per entry that could not be removed."""
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
