"""Temp names: random parts, mktemp-style templates and bounded retries.

Naming lives once, above the backends: a backend only has to make "create this
exact name, fail if it exists" atomic, and this module picks names until one
is free.
"""

from __future__ import annotations

import errno
import functools
import os

# Names for the type checker only: `tempkit mktemp` loads this module on every
# call, and typing and the path-syntax module are most of what it would cost.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Final, TypeVar

    from tempkit._flavour import Flavour

    T = TypeVar("T")

__all__ = [
    "ALPHABET",
    "DEFAULT_LENGTH",
    "MAX_TRIES",
    "check_directory_text",
    "check_encodable",
    "create_unique",
    "parse_template",
    "random_name",
    "validate_affix",
]

ALPHABET: Final = "abcdefghijklmnopqrstuvwxyz0123456789_"
DEFAULT_LENGTH: Final = 8
MIN_TEMPLATE_XS: Final = 3
# Enough that a collision streak this long means a broken name source or an
# attacker filling the directory, not bad luck (37**8 names).
MAX_TRIES: Final = 100


@functools.lru_cache(maxsize=8)
def _translation(alphabet: str) -> tuple[bytes, bytes]:
    """The byte translation table and the bytes to drop for ``alphabet``.

    Random bytes map onto the alphabet through the table; bytes at or above the
    largest multiple of the alphabet size are dropped, so every character is
    equally likely (no modulo bias).
    """
    if not alphabet or len(set(alphabet)) != len(alphabet) or len(alphabet) > 256:
        raise ValueError(f"alphabet must be 1-256 distinct characters: {alphabet!r}")
    if not alphabet.isascii():
        raise ValueError(f"alphabet must be ASCII: {alphabet!r}")
    usable = 256 - 256 % len(alphabet)
    table = bytes(ord(alphabet[i % len(alphabet)]) for i in range(usable)) + bytes(256 - usable)
    return table, bytes(range(usable, 256))


# The default alphabet's table, ready: random_name runs on every create().
_DEFAULT_TRANSLATION: Final = _translation(ALPHABET)

# Default names are drawn in batches: one os.urandom call (a system call, about
# half the cost of a name) serves _BATCH of them. list.pop() hands each one out
# exactly once, whatever the threads, and a forked child empties the batch it
# inherited, so it never repeats its parent's names.
_BATCH: Final = 64
_pool: list[str] = []
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_pool.clear)


def _draw(count: int, length: int, table: bytes, drop: bytes) -> str:
    """``count * length`` characters from the CSPRNG, each equally likely."""
    need = count * length
    # os.urandom is what secrets.token_bytes calls; importing secrets would cost
    # hmac and hashlib at import time for nothing.
    out = os.urandom(need + need // 4 + 8).translate(table, drop)
    while len(out) < need:
        out += os.urandom(need // 4 + 8).translate(table, drop)
    return out[:need].decode("ascii")


def random_name(length: int = DEFAULT_LENGTH, alphabet: str = ALPHABET) -> str:
    """Return ``length`` characters of ``alphabet`` (default ``[a-z0-9_]``) from the OS CSPRNG.

    The bytes come from ``os.urandom``; default names are drawn a batch at a
    time, and a forked child discards the batch it inherited, so it never
    repeats its parent's names.
    """
    if length == DEFAULT_LENGTH and alphabet is ALPHABET:
        while True:
            try:
                return _pool.pop()
            except IndexError:
                text = _draw(_BATCH, length, *_DEFAULT_TRANSLATION)
                _pool.extend([text[i : i + length] for i in range(0, len(text), length)])
    return _draw(1, length, *_translation(alphabet))


def validate_affix(value: str | None, what: str, flavour: Flavour) -> str:
    """Check a prefix or suffix: a string with no path separator and no NUL.

    The Windows flavour adds its own rules (forbidden characters, device
    names, no trailing dot or space at the end of a name).
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be str or None, not {type(value).__name__}")
    if flavour.has_separator(value) or "\0" in value:
        raise ValueError(f"{what} must not contain a path separator or NUL: {value!r}")
    if flavour.name == "windows":
        from tempkit.backends._windows_rules import check_name_part  # noqa: PLC0415 - Windows only

        check_name_part(value, what, final=what == "suffix")
    else:
        check_encodable(value)
    return value


def check_encodable(text: str) -> None:
    """Raise UnicodeEncodeError, as ``os`` would, for text no POSIX path can hold.

    POSIX paths are bytes: ``os`` encodes text with the filesystem encoding and
    ``surrogateescape``, which refuses a lone surrogate outside the escape range.
    Checking when a name part is given means the refusal comes from ``create()``
    on every backend, not later from the first system call that sees it.
    """
    if not text.isascii():
        os.fsencode(text)


def check_directory_text(directory: str | os.PathLike[str], flavour: Flavour) -> str:
    """The text of a ``dir`` argument, refused now as the first system call would refuse it.

    Raises:
        TypeError: ``directory`` is a PathLike whose ``__fspath__`` gives bytes.
        ValueError: it contains NUL.
        UnicodeEncodeError: it cannot be encoded as a POSIX path.

    """
    text = os.fspath(directory)
    if not isinstance(text, str):
        raise TypeError(f"expected a str path, got {type(text).__name__}")
    if "\0" in text:
        raise ValueError(f"embedded null byte in dir: {text!r}")
    if flavour.name != "windows":
        check_encodable(text)
    return text


def parse_template(template: str, flavour: Flavour) -> tuple[str, int]:
    """Split an mktemp-style template into (prefix, random length).

    The random part is the trailing run of ``X`` (at least three), as in
    ``mktemp build.XXXXXX``.
    """
    if not isinstance(template, str):
        raise TypeError(f"template must be str, not {type(template).__name__}")
    stem = template.rstrip("X")
    count = len(template) - len(stem)
    if count < MIN_TEMPLATE_XS:
        raise ValueError(
            f"template must end in at least {MIN_TEMPLATE_XS} 'X' characters: {template!r}"
        )
    return validate_affix(stem, "template", flavour), count


def create_unique(
    directory: str,
    sep: str,
    prefix: str,
    suffix: str,
    length: int,
    make: Callable[[str], T],
    *,
    alphabet: str = ALPHABET,
) -> tuple[str, T]:
    """Call ``make(path)`` on fresh random names until one does not exist yet.

    Only ``FileExistsError`` is retried, a bounded number of times; any other
    error (a missing directory, no write permission) is raised at once. The
    random part is ``length`` characters of ``alphabet``.
    """
    base = directory if directory.endswith(sep) else directory + sep
    for _ in range(MAX_TRIES):
        path = base + prefix + random_name(length, alphabet) + suffix
        try:
            return path, make(path)
        except FileExistsError:
            continue
    raise FileExistsError(
        errno.EEXIST,
        f"no free temporary name found after {MAX_TRIES} tries",
        directory,
    )
