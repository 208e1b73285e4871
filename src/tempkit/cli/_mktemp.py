"""``tempkit mktemp``: GNU coreutils ``mktemp`` on tempkit's naming layer.

Options, defaults, diagnostics and exit statuses follow GNU mktemp (coreutils
9), so ``tempkit mktemp`` can stand in for it in shell scripts:

- the template's random part is the run of at least three ``X`` just before the
  suffix (``--suffix``, or whatever follows the last ``X``), and it is filled
  in place with GNU's alphabet ``[A-Za-z0-9]`` -- so a name has the same
  directory, length, prefix and suffix as GNU's, and the same character class;
- the name is printed as built from the template (a relative template gives a
  relative name), and nothing is left behind when creating or printing fails;
- ``-q`` silences only creation failures; template errors are always reported.

The one deliberate difference: command-line syntax errors (an unknown option,
a missing option argument, two templates) exit with 2 like every tempkit
command, where GNU uses 1.
"""

from __future__ import annotations

import argparse
import errno
import os
import string
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from tempkit import naming
from tempkit.backends._current import get_backend
from tempkit.backends.protocol import Backend
from tempkit.cli._output import error, quote, silence_stdout

__all__ = ["DEFAULT_TEMPLATE", "GNU_ALPHABET", "normalize_args", "register"]

DEFAULT_TEMPLATE: Final = "tmp.XXXXXXXXXX"
GNU_ALPHABET: Final = string.ascii_letters + string.digits
# GNU mktemp's fallback when neither the option nor $TMPDIR names a directory.
FALLBACK_DIR: Final = "/tmp"


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the ``mktemp`` subcommand."""
    from tempkit import __version__  # noqa: PLC0415 - the package is initialised by now

    parser = subparsers.add_parser(
        "mktemp",
        help="create a temporary file or directory and print its name (GNU mktemp)",
        description="Create a temporary file or directory, safely, and print its name. "
        f"TEMPLATE must contain at least {naming.MIN_TEMPLATE_XS} consecutive 'X's in its "
        f"last component. If TEMPLATE is not given, use {DEFAULT_TEMPLATE}, and --tmpdir "
        "is implied. Files are created u+rw, and directories u+rwx, minus umask "
        "restrictions. Behaves like GNU coreutils mktemp; exit status 0 on success, "
        "1 on failure, 2 on bad usage.",
    )
    parser.add_argument(
        "-d", "--directory", action="store_true", help="create a directory, not a file"
    )
    parser.add_argument(
        "-u",
        "--dry-run",
        action="store_true",
        help="do not create anything; merely print a name (unsafe)",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="suppress diagnostics about file/dir-creation failure",
    )
    parser.add_argument(
        "--suffix",
        metavar="SUFF",
        help="append SUFF to TEMPLATE; SUFF must not contain a slash. This option is "
        "implied if TEMPLATE does not end in X",
    )
    parser.add_argument(
        "-p",
        dest="tmpdir",
        metavar="DIR",
        help="interpret TEMPLATE relative to DIR; if DIR is empty, use $TMPDIR if set, "
        "else /tmp. With this option, TEMPLATE must not be an absolute name; unlike "
        "with -t, TEMPLATE may contain slashes, but mktemp creates only the final component",
    )
    parser.add_argument(
        "--tmpdir",
        dest="tmpdir",
        nargs="?",
        const="",
        metavar="DIR",
        help="like -p; DIR is optional and must be attached with '=' (--tmpdir=DIR)",
    )
    parser.add_argument(
        "-t",
        dest="deprecated_t",
        action="store_true",
        help="interpret TEMPLATE as a single file name component, relative to a "
        "directory: $TMPDIR, if set; else the directory specified via -p; else /tmp "
        "[deprecated]",
    )
    parser.add_argument("--version", action="version", version=f"tempkit mktemp {__version__}")
    parser.add_argument("template", nargs="?", metavar="TEMPLATE")
    parser.set_defaults(func=_cmd_mktemp)


def normalize_args(args: Sequence[str]) -> list[str]:
    """Make a bare ``--tmpdir`` (or an abbreviation) mean ``--tmpdir=``.

    GNU's ``--tmpdir`` takes its optional DIR only when attached with ``=``, so
    in ``mktemp --tmpdir foo.XXX`` the template is ``foo.XXX``; argparse would
    take it as DIR. ``--tmpdir=`` (empty DIR) means the same as a bare one.
    """
    out: list[str] = []
    takes_value = False
    for index, arg in enumerate(args):
        if takes_value:
            takes_value = False
        elif arg == "--":
            return out + list(args[index:])
        elif arg.startswith("--") and "=" not in arg and len(arg) > 2:
            if "--tmpdir".startswith(arg):
                out.append("--tmpdir=")
                continue
            takes_value = "--suffix".startswith(arg)
        elif arg.startswith("-") and len(arg) > 1 and not arg.startswith("--"):
            # A cluster of short options: -p takes the rest of it, or the next argument.
            flags = arg[1:]
            takes_value = "p" in flags and flags.index("p") == len(flags) - 1
        out.append(arg)
    return out


class _TemplateError(Exception):
    """A template GNU mktemp refuses before touching the disk (reported even with -q)."""


@dataclass(frozen=True)
class _Template:
    """A full template, split the way GNU mktemp fills it in.

    ``path`` is the name as it will be printed, with ``x_count`` X's just
    before the last ``suffix_len`` characters.
    """

    path: str
    x_count: int
    suffix_len: int

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


def _parse_template(args: argparse.Namespace, environ: Mapping[str, str]) -> _Template:
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


def _absent(backend: Backend) -> Callable[[str], None]:
    """For ``-u``: "make" a name by checking that nothing (not even a dangling link) has it."""

    def check(path: str) -> None:
        try:
            backend.stat(path, follow_symlinks=False)
        except FileNotFoundError:
            return
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), path)

    return check


def _cmd_mktemp(args: argparse.Namespace) -> int:
    backend = get_backend()
    try:
        template = _parse_template(args, backend.environ())
    except _TemplateError as exc:
        error("mktemp", str(exc))
        return 1

    kind = "directory" if args.directory else "file"
    if args.dry_run:
        make: Callable[[str], None] = _absent(backend)
    elif args.directory:
        make = backend.mkdir
    else:
        make = backend.create_file
    try:
        # The library works on absolute paths; the name is printed as the template gave it.
        where = backend.flavour.module.join(backend.getcwd(), template.directory)
        created, _ = naming.create_unique(
            where,
            backend.flavour.sep,
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

    name = template.directory + created.rpartition(backend.flavour.sep)[2]
    try:
        if sys.stdout is None:  # started with stdout closed
            raise OSError(errno.EBADF, os.strerror(errno.EBADF))
        sys.stdout.write(name + "\n")
        sys.stdout.flush()
    except OSError as exc:
        # Nobody learnt the name, so nobody would ever remove what it names.
        if not args.dry_run:
            _remove_quietly(backend, created, args.directory)
        silence_stdout()
        if not args.quiet:
            error("mktemp", f"write error: {exc.strerror or exc}")
        return 1
    return 0


def _remove_quietly(backend: Backend, path: str, is_dir: bool) -> None:
    try:
        if is_dir:
            backend.rmdir(path)
        else:
            backend.unlink(path)
    except OSError:
        pass
