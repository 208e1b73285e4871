from __future__ import annotations

from pathlib import Path

import pytest

from tempkit import PosixBackend


def test_utime_error_names_the_path_on_every_python(temp_root: Path) -> None:
    missing = str(temp_root / "missing" / "file")
    with pytest.raises(FileNotFoundError) as info:
        PosixBackend().utime(missing)
    assert info.value.filename == missing
    assert info.value.errno is not None
