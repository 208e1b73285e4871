"""``tempkit demo``: create, show and clean up a small temp tree."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from tempkit.temp import TempDirPath

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``tempkit demo``."""
    return argparse.ArgumentParser(
        prog="tempkit demo",
        description="Create a small tree in a fresh temp dir, list it with its modes, "
        "and show that leaving the with block removed it.",
    )


def main(args: Sequence[str]) -> int:
    """Run ``tempkit demo ARGS``; returns the exit status."""
    build_parser().parse_args(args)
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
