"""``tempkit sweep``: reclaim what dead processes left in crash-safe mode.

Prints what it removed and what it left, with the reason for each, as a table
or as JSON. Exit status 0 when everything that should go went, 1 when something
a dead owner left could not be removed, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence

from tempkit.cli._output import error
from tempkit.crashsafe import SweepEntry, SweepReport, sweep

__all__ = ["build_parser", "main", "parse_duration"]

_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_DURATION = re.compile(r"(\d+(?:\.\d*)?|\.\d+)([smhdw]?)")


def parse_duration(text: str) -> float:
    """Seconds in a duration such as ``90``, ``90s``, ``10m``, ``1h30m`` or ``2d``.

    Args:
        text: one or more numbers, each with a unit (s, m, h, d, w; none is seconds).

    Returns:
        The total in seconds.

    Raises:
        argparse.ArgumentTypeError: the text is not a duration.

    """
    position, total = 0, 0.0
    while position < len(text):
        match = _DURATION.match(text, position)
        if match is None:
            break
        total += float(match.group(1)) * _UNITS[match.group(2)]
        position = match.end()
    if not text or position != len(text):
        raise argparse.ArgumentTypeError(
            f"invalid duration {text!r} (examples: 90s, 10m, 1h30m, 2d)"
        )
    return total


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``tempkit sweep``."""
    parser = argparse.ArgumentParser(
        prog="tempkit sweep",
        description="Remove the temp files and directories that processes of this user "
        "recorded in crash-safe mode and left behind when they died: never an object of "
        "a live process, never another user's, never anything tempkit did not create, "
        "never through a symlink. Exit status 1 when something that should go could "
        "not be removed.",
    )
    parser.add_argument(
        "dirs", nargs="*", metavar="DIR", help="temp dirs to sweep (default: the resolved one)"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="say what would be removed; remove nothing"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--older-than",
        type=parse_duration,
        metavar="DURATION",
        help="leave leases written to less than DURATION ago (90s, 10m, 1h, 2d)",
    )
    return parser


def main(args: Sequence[str]) -> int:
    """Run ``tempkit sweep`` with ``args``; return the exit status."""
    options = build_parser().parse_args(args)
    try:
        report = sweep(options.dirs or None, dry_run=options.dry_run, older_than=options.older_than)
    except (OSError, NotImplementedError) as exc:
        error("sweep", str(exc))
        return 1
    if options.json:
        json.dump(_as_json(report), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        _print_table(report.entries)
    return 1 if report.failed else 0


def _as_json(report: SweepReport) -> dict[str, object]:
    return {
        "complete": report.complete,
        "entries": [entry._asdict() for entry in report.entries],
    }


def _print_table(entries: Sequence[SweepEntry]) -> None:
    if not entries:
        sys.stdout.write("nothing to sweep\n")
        return
    rows = [(e.action, e.kind, e.path or e.lease, e.reason) for e in entries]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    for action, kind, where, reason in rows:
        sys.stdout.write(f"{action:<{widths[0]}}  {kind:<{widths[1]}}  {where}  ({reason})\n")
    objects = [e for e in entries if e.kind != "lease"]
    counts: dict[str, int] = {}
    for entry in objects:
        counts[entry.action] = counts.get(entry.action, 0) + 1
    summary = ", ".join(f"{count} {action}" for action, count in sorted(counts.items()))
    sys.stdout.write(f"objects: {summary or 'none'}\n")
