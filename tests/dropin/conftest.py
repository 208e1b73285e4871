"""Every drop-in test starts with ``tempkit.tempfile.tempdir`` unset.

The root conftest points TMPDIR at a fresh directory per test; like the
standard library's, the drop-in remembers the directory it found in its
``tempdir`` global, so it is cleared here to be found again.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import tempkit.tempfile


@pytest.fixture(autouse=True)
def fresh_tempdir(temp_root: object) -> Iterator[None]:
    tempkit.tempfile.tempdir = None
    yield
    tempkit.tempfile.tempdir = None
