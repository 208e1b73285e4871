"""``tempkit mktemp``: GNU coreutils ``mktemp`` on tempkit's naming layer.

Options, defaults, diagnostics and exit statuses follow GNU mktemp (coreutils
9), so ``tempkit mktemp`` can stand in for it in shell scripts:

- the template's random part is the run of at least three ``X`` just before the
  suffix (``--suffix``, or whatever follows the last ``X``), and it is filled
  in place with GNU's alphabet ``[A-Za-z0-9]`` -- so a name has the same
  directory, length, prefix and suffix as GNU's, and the same character class;
- the name is printed as built from the template (a relative template gives a
  relative name), and nothing is left behind when creating or printing fails;
- ``-q`` silences only creation failures; template errors are always reported;
- the command line parses as GNU's does (options after the template, long
  options abbreviated, ``--tmpdir`` taking DIR only after ``=``), and a
  mistake is reported in GNU's words with ``Try 'tempkit mktemp --help' for
  more information.`` and exit status 1.

A shell script pays the start-up of one process per call, so this module
loads only the naming layer: no argparse, no typing, no backend layer. Like
GNU mktemp it works on the local disk, with the three system calls it needs
made here directly (see ``_create_file``).
"""

from __future__ import annotations

import errno
import os
import sys

from tempkit import naming
from tempkit.cli._getopt import (
    NO_ARGUMENT,
    OPTIONAL_ARGUMENT,
    REQUIRED_ARGUMENT,
    LongOption,
    UsageError,
    parse,
)
from tempkit.cli._output import error, quote, silence_stdout, usage_error

TYPE_CHECKING = False  # not typing's, which would cost this command a sizeable part of its start
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Final

__all__ = ["DEFAULT_TEMPLATE", "GNU_ALPHABET", "main"]

DEFAULT_TEMPLATE: Final = "tmp.XXXXXXXXXX"
GNU_ALPHABET: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
# GNU mktemp's fallback when neither the option nor $TMPDIR names a directory.
FALLBACK_DIR: Final = "/tmp"


HELP: Final = f"""\
Usage: tempkit mktemp [OPTION]... [TEMPLATE]
Create a temporary file or directory, safely, and print its name.
TEMPLATE must contain at least {naming.MIN_TEMPLATE_XS} consecutive 'X's in last component.
If TEMPLATE is not specified, use {DEFAULT_TEMPLATE}, and --tmpdir is implied.
Files are created u+rw, and directories u+rwx, minus umask restrictions.

  -d, --directory     create a directory, not a file
  -u, --dry-run       do not create anything; merely print a name (unsafe)
  -q, --quiet         suppress diagnostics about file/dir-creation failure
      --suffix=SUFF   append SUFF to TEMPLATE; SUFF must not contain a slash.
                        This option is implied if TEMPLATE does not end in X
  -p DIR, --tmpdir[=DIR]  interpret TEMPLATE relative to DIR; if DIR is not
                        specified, use $TMPDIR if set, else /tmp.  With
                        this option, TEMPLATE must not be an absolute name;
                        unlike with -t, TEMPLATE may contain slashes, but
                        mktemp creates only the final component
  -t                  interpret TEMPLATE as a single file name component,
                        relative to a directory: $TMPDIR, if set; else the
                        directory specified via -p; else /tmp [deprecated]
      --help          display this help and exit
      --version       output version information and exit

Behaves like GNU coreutils mktemp. Exit status 0 on success, 1 on failure
(a bad command line, a bad template, or a name that could not be created).
"""

# GNU mktemp's options: short ones in getopt syntax, long ones with their short key.
SHORT_OPTIONS: Final = "dp:qtuV"
LONG_OPTIONS: Final = (
    LongOption("directory", NO_ARGUMENT, "d"),
    LongOption("quiet", NO_ARGUMENT, "q"),
    LongOption("dry-run", NO_ARGUMENT, "u"),
    LongOption("suffix", REQUIRED_ARGUMENT, "suffix"),
    LongOption("tmpdir", OPTIONAL_ARGUMENT, "p"),
    LongOption("help", NO_ARGUMENT, "help"),
    LongOption("version", NO_ARGUMENT, "V"),
)


class _Options:
    """The parsed command line (``tmpdir`` is "" for a bare ``--tmpdir``)."""

    __slots__ = ("deprecated_t", "directory", "dry_run", "quiet", "suffix", "template", "tmpdir")

    def __init__(self, template: str | None, seen: dict[str, str | None]) -> None:
        self.template = template
        self.directory = "d" in seen
        self.dry_run = "u" in seen
        self.quiet = "q" in seen
        self.suffix = seen.get("suffix")
        self.tmpdir = seen["p"] or "" if "p" in seen else None
        self.deprecated_t = "t" in seen


def main(args: Sequence[str]) -> int:
    """Run ``tempkit mktemp ARGS``; returns the exit status."""
    permute = "POSIXLY_CORRECT" not in os.environ
    try:
        # GNU acts on --help and --version as soon as getopt returns them: what
        # follows them on the command line is never read, mistakes included.
        parsed, operands = parse(
            args, SHORT_OPTIONS, LONG_OPTIONS, permute=permute, stop_at=("help", "V")
        )
    except UsageError as exc:
        usage_error("mktemp", str(exc))
        return 1
    seen: dict[str, str | None] = {}
    for key, value in parsed:
        if key == "help":
            sys.stdout.write(HELP)
            return 0
        if key == "V":
            from tempkit import __version__  # noqa: PLC0415 - only --version needs it

            sys.stdout.write(f"tempkit mktemp {__version__}\n")
            return 0
        seen[key] = value  # the last one wins, as with GNU
    if len(operands) > 1:
        usage_error("mktemp", "too many templates")
        return 1
    return _make(_Options(operands[0] if operands else None, seen))


class _TemplateError(Exception):
    """A template GNU mktemp refuses before touching the disk (reported even with -q)."""


class _Template:
    """A full template, split the way GNU mktemp fills it in.

    ``path`` is the name as it will be printed, with ``x_count`` X's just
    before the last ``suffix_len`` characters.
    """

    __slots__ = ("path", "suffix_len", "x_count")

    def __init__(self, path: str, x_count: int, suffix_len: int) -> None:
        self.path = path
        self.x_count = x_count
        self.suffix_len = suffix_len

    @property
    def directory(self) -> str:
        """Everything up to and including the last slash ("" for a bare name)."""
        return self.path[: self.path.rfind("/") + 1]

    @property
    def prefix(self) -> str:
        """The last component's text before the random part."""
        return self.path[len(self.directory) : len(self.path) - self.suffix_len - self.x_count]

    @property
    def suffix(self) -> str:
        """The text after the random part."""
        return self.path[len(self.path) - self.suffix_len :]


def _join(directory: str, name: str) -> str:
    """GNU's ``file_name_concat``: exactly one slash between a directory and a name."""
    stem = directory.rstrip("/")
    if not stem:  # "/" (or "//") stays as it is
        return directory + name
    return f"{stem}/{name}"


def _parse_template(args: _Options, environ: Mapping[str, str]) -> _Template:
    """Apply GNU mktemp's template rules, in its order, to the parsed options."""
    template = args.template
    use_dir = args.tmpdir is not None or args.deprecated_t
    if template is None:
        template, use_dir = DEFAULT_TEMPLATE, True
    if args.suffix is not None:
        if not template.endswith("X"):
            raise _TemplateError(f"with --suffix, template {quote(template)} must end in X")
        stem, suffix = template, args.suffix
    elif "X" in template:
        cut = template.rindex("X") + 1
        stem, suffix = template[:cut], template[cut:]
    else:
        stem, suffix = template, ""
    if "/" in suffix:
        raise _TemplateError(f"invalid suffix {quote(suffix)}, contains directory separator")
    full = stem + suffix
    x_count = len(stem) - len(stem.rstrip("X"))
    if x_count < naming.MIN_TEMPLATE_XS:
        raise _TemplateError(f"too few X's in template {quote(full)}")
    if use_dir:
        env_dir = environ.get("TMPDIR") or ""
        if args.deprecated_t:
            directory = env_dir or args.tmpdir or FALLBACK_DIR
            if "/" in full.rstrip("/"):
                raise _TemplateError(
                    f"invalid template, {quote(full)}, contains directory separator"
                )
        else:
            directory = args.tmpdir or env_dir or FALLBACK_DIR
            if full.startswith("/"):
                raise _TemplateError(
                    f"invalid template, {quote(full)}; with --tmpdir, it may not be absolute"
                )
        full = _join(directory, full)
    return _Template(full, x_count, len(suffix))


# The local disk, through `os` as GNU mktemp uses it. The flags are
# PosixBackend.create_file's: exclusive, never through a symlink, not inherited
# by child processes (O_NOINHERIT and O_BINARY are Windows' spellings).
_CREATE_FLAGS: Final = (
    os.O_RDWR
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOINHERIT", 0)
    | getattr(os, "O_BINARY", 0)
)


def _create_file(path: str) -> None:
    """Create ``path`` as an empty file, mode 0o600 minus the umask, or fail."""
    os.close(os.open(path, _CREATE_FLAGS, 0o600))


def _create_dir(path: str) -> None:
    """Create ``path`` as a directory, mode 0o700 minus the umask, or fail."""
    os.mkdir(path, 0o700)


def _check_absent(path: str) -> None:
    """For ``-u``: "make" a name by checking that nothing (not even a dangling link) has it."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return
    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), path)


def _make(args: _Options) -> int:
    try:
        template = _parse_template(args, os.environ)
    except _TemplateError as exc:
        error("mktemp", str(exc))
        return 1

    kind = "directory" if args.directory else "file"
    if args.dry_run:
        make: Callable[[str], None] = _check_absent
    elif args.directory:
        make = _create_dir
    else:
        make = _create_file
    try:
        # Names are made absolute; the name is printed as the template gave it.
        where = os.path.join(os.getcwd(), template.directory)
        created, _ = naming.create_unique(
            where,
            os.sep,
            template.prefix,
            template.suffix,
            template.x_count,
            make,
            alphabet=GNU_ALPHABET,
        )
    except OSError as exc:
        if not args.quiet:
            reason = exc.strerror or str(exc)
            what = f"{kind} via template {quote(template.path)}"
            error("mktemp", f"failed to create {what}: {reason}")
        return 1

    name = template.directory + created.rpartition(os.sep)[2]
    try:
        if sys.stdout is None:  # started with stdout closed
            raise OSError(errno.EBADF, os.strerror(errno.EBADF))
        sys.stdout.write(name + "\n")
        sys.stdout.flush()
    except OSError as exc:
        # Nobody learnt the name, so nobody would ever remove what it names.
        if not args.dry_run:
            _remove_quietly(created, args.directory)
        silence_stdout()
        if not args.quiet:
            error("mktemp", f"write error: {exc.strerror or exc}")
        return 1
    return 0


def _remove_quietly(path: str, is_dir: bool) -> None:
    try:
        if is_dir:
            os.rmdir(path)
        else:
            os.unlink(path)
    except OSError:
        pass
