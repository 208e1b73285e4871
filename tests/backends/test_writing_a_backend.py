"""The example backend of docs/writing-a-backend.md, taken from the page, passes the kit.

The page promises a complete third-party backend in under 150 lines on
``BaseBackend``; this runs the conformance kit on exactly the code shown there
(the first Python block) with the test class the page shows (the second block).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

PAGE = Path(__file__).resolve().parents[2] / "docs" / "writing-a-backend.md"


def python_blocks(text: str) -> list[str]:
    """The fenced Python blocks of a Markdown page, in order."""
    return re.findall(r"^```python\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


BLOCKS = python_blocks(PAGE.read_text(encoding="utf-8"))
_page: dict[str, Any] = {"__name__": "writing_a_backend"}
exec(compile(BLOCKS[0] + BLOCKS[1], str(PAGE), "exec"), _page)  # the page's own code

# Collected by pytest: every test of the conformance kit, on the page's DictBackend.
TestDictBackend = _page["TestDictBackend"]


def example_backend() -> Any:
    """A fresh DictBackend of the page, for tests of what the base class derives."""
    return _page["DictBackend"]()


def test_the_example_is_a_page_of_code_on_the_base_class() -> None:
    from tempkit.backends.base import BaseBackend

    assert len(BLOCKS[0].splitlines()) < 150
    assert issubclass(_page["DictBackend"], BaseBackend)
    # Only the core is written: everything else comes from the base class.
    written = {name for name in vars(_page["DictBackend"]) if not name.startswith("_")}
    assert written <= {
        "name",
        "flavour",
        "capabilities",
        "environ",
        "platform_temp_dirs",
        "getcwd",
        "open_raw",
        "stat",
        "scandir",
        "mkdir",
        "unlink",
        "rmdir",
        "replace",
        "rename_noreplace",
    }
