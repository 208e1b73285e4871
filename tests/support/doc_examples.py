"""The Python examples of README.md and docs/: where they are and how to run each.

Shared by tests/docs (which runs them) and tests/windows (which runs the
Windows-only ones on a Windows interpreter), so it imports nothing beyond the
standard library. See tests/docs/test_examples.py for the directives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
KINDS = ("run", "pytest", "s3", "windows", "skip")

_FENCE = re.compile(r"^```python[ \t]*\n(?P<code>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_DIRECTIVE = re.compile(r"<!--\s*example:\s*(?P<kind>[\w-]+)\s*(?P<reason>.*?)\s*-->\s*\Z")


@dataclass(frozen=True)
class Example:
    """One ```python block: where it is, its code, and how to run it."""

    page: Path
    line: int
    code: str
    kind: str = "run"
    reason: str = ""

    def __str__(self) -> str:
        return f"{self.page.relative_to(ROOT).as_posix()}:{self.line}"


def examples(page: Path) -> list[Example]:
    """The ```python blocks of ``page``, each with the directive on the line before it."""
    text = page.read_text(encoding="utf-8")
    found = []
    for match in _FENCE.finditer(text):
        before = text[: match.start()].rstrip("\n").rpartition("\n")[2]
        directive = _DIRECTIVE.search(before)
        kind, reason = ("run", "") if directive is None else directive.group("kind", "reason")
        line = text.count("\n", 0, match.start()) + 1
        found.append(Example(page, line, match.group("code"), kind, reason))
    return found
