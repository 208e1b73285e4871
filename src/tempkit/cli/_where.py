"""``tempkit where``: the resolved temp dir and how the resolver got there."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from tempkit.backends._current import get_backend
from tempkit.backends.protocol import Backend
from tempkit.cli._output import error
from tempkit.resolver import Resolution, resolver_for

__all__ = ["build_parser", "main"]

BACKENDS = ("memory", "posix")


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``tempkit where``."""
    parser = argparse.ArgumentParser(
        prog="tempkit where",
        description="Show the temp dir tempkit uses and every candidate the resolver "
        "considered ($TMPDIR, $TEMP, $TMP, the platform list, the current directory): "
        "chosen, usable, or why it was rejected. Exit status 1 when none is usable.",
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the explanation as JSON")
    output.add_argument(
        "--path",
        action="store_true",
        help="print only the chosen dir, for $(tempkit where --path); nothing when none is usable",
    )
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        help="backend to resolve on (default: the local disk); memory shows what a "
        "fresh MemoryBackend (empty environment, cwd /) resolves to",
    )
    return parser


def _backend_named(name: str | None) -> Backend:
    if name == "memory":
        # Imported here: the CLI must start without loading every backend.
        from tempkit.backends.memory import MemoryBackend  # noqa: PLC0415

        return MemoryBackend()
    if name == "posix":
        from tempkit.backends.posix import PosixBackend  # noqa: PLC0415

        return PosixBackend()
    return get_backend()


def _statuses(resolution: Resolution) -> list[str]:
    """Each candidate's status: chosen (the first accepted), usable (accepted later), rejected."""
    statuses = []
    chosen_seen = False
    for candidate in resolution.candidates:
        if not candidate.accepted:
            statuses.append("rejected")
        elif chosen_seen:
            statuses.append("usable")
        else:
            statuses.append("chosen")
            chosen_seen = True
    return statuses


def _table(resolution: Resolution, backend: Backend) -> str:
    rows = [("STATUS", "SOURCE", "PATH", "REASON")]
    for status, candidate in zip(_statuses(resolution), resolution.candidates, strict=True):
        rows.append((status, candidate.source, candidate.path or "-", candidate.reason))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    chosen = resolution.chosen if resolution.chosen is not None else "(none usable)"
    lines = [f"temp dir: {chosen}", f"backend:  {backend.name}", ""]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)]
        lines.append("  ".join([*cells, row[3]]))
    return "\n".join(lines) + "\n"


def main(args: Sequence[str]) -> int:
    """Run ``tempkit where ARGS``; returns 0, or 1 when no candidate is usable."""
    options = build_parser().parse_args(args)
    backend = _backend_named(options.backend)
    resolution = resolver_for(backend).explain()
    if options.path:
        if resolution.chosen is None:
            error("where", "no usable temp dir (run 'tempkit where' to see why)")
            return 1
        sys.stdout.write(resolution.chosen + "\n")
    elif options.json:
        data: dict[str, Any] = {"backend": backend.name, **resolution.as_dict()}
        for entry, status in zip(data["candidates"], _statuses(resolution), strict=True):
            entry["status"] = status
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        sys.stdout.write(_table(resolution, backend))
    return 0 if resolution.chosen is not None else 1
