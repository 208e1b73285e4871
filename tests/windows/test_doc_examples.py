"""The documentation's Windows-only examples (``<!-- example: windows -->``), run on Windows.

tests/docs runs every other example; these need what only Windows has
(delete-on-close), so they run here, on the real Windows interpreter
(``scripts/windows-python test`` under wine on Linux), each in a fresh
directory, and fails on a warning about a forgotten resource.
"""

from __future__ import annotations

import gc
import sys
import warnings
from pathlib import Path

import pytest

from tempkit import reset_tempdir_cache
from tests.support.doc_examples import PAGES, Example, examples

WINDOWS_EXAMPLES = [e for page in PAGES for e in examples(page) if e.kind == "windows"]


def test_there_are_windows_examples() -> None:
    assert WINDOWS_EXAMPLES, "no page has an <!-- example: windows --> block"


@pytest.mark.skipif(
    sys.platform != "win32",
    reason="needs a Windows interpreter: scripts/windows-python test runs it",
)
@pytest.mark.parametrize("example", WINDOWS_EXAMPLES, ids=str)
def test_windows_example_runs(
    example: Example, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.chdir(tmp_path)
    for name in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.setenv(name, str(temp))
    reset_tempdir_cache()
    namespace = {"__name__": "__main__"}
    try:
        # Recorded, not raised: a forgotten object warns from its finalizer, where an
        # exception would only be printed.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ResourceWarning)
            exec(compile(example.code, str(example), "exec"), namespace)
            namespace.clear()
            gc.collect()
    finally:
        reset_tempdir_cache()
    forgotten = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert forgotten == [], f"{example} forgot to clean up"
    assert list(temp.iterdir()) == [], f"{example} left temp files behind"
