"""The ``tempkit`` command line tool."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from tempkit.backends._current import get_backend
from tempkit.backends.protocol import Backend
from tempkit.resolver import resolver_for
from tempkit.temp import TempDirPath

__all__ = ["main"]


def _backend_named(name: str | None) -> Backend:
    if name is None:
        return get_backend()
    if name == "posix":
        from tempkit.backends.posix import PosixBackend  # noqa: PLC0415

        return PosixBackend()
    raise ValueError(f"unknown backend {name!r}")


def _cmd_where(args: argparse.Namespace) -> int:
    resolution = resolver_for(_backend_named(args.backend)).explain()
    if args.json:
        sys.stdout.write(json.dumps(resolution.as_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(str(resolution) + "\n")
    return 0 if resolution.chosen is not None else 1


def _cmd_demo(args: argparse.Namespace) -> int:
    out = sys.stdout
    with TempDirPath.create(prefix="tempkit-demo-") as tmp:
        out.write(f"created {tmp}\n")
        (tmp / "src" / "pkg").mkdir(parents=True)
        (tmp / "src" / "pkg" / "__init__.py").write_text("VALUE = 1\n", encoding="utf-8")
        (tmp / "README.txt").write_text("a demo tree\n", encoding="utf-8")
        for path in sorted(tmp.rglob("*")):
            kind = "dir " if path.is_dir() else "file"
            mode = path.stat().st_mode & 0o777
            out.write(f"  {kind} {oct(mode)}  {path.relative_to(tmp)}\n")
    out.write(f"cleaned up: {tmp} exists -> {tmp.exists()}\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="tempkit", description="Temporary files and directories, done right."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    where = sub.add_parser("where", help="show the resolved temp dir and why it was chosen")
    where.add_argument("--json", action="store_true", help="print the explanation as JSON")
    where.add_argument("--backend", choices=["posix"], help="backend to resolve on")
    where.set_defaults(func=_cmd_where)

    demo = sub.add_parser("demo", help="create, show and clean up a small temp tree")
    demo.set_defaults(func=_cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line tool; returns the exit status."""
    args = build_parser().parse_args(argv)
    status: int = args.func(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
