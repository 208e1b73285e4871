from __future__ import annotations

import os
import stat
from pathlib import Path

from tempkit import TempDirPath
from tests.support.processes import run_unprivileged


def test_dir_is_private_and_removed(temp_root: Path) -> None:
    with TempDirPath.create(prefix="smoke-") as tmp:
        assert Path(tmp).parent == temp_root
        assert stat.S_IMODE(os.stat(tmp).st_mode) == 0o700
    assert not os.path.exists(tmp)


def test_unprivileged_child_sees_permission_bits(unprivileged_dir: Path) -> None:
    locked = unprivileged_dir / "locked"

    def attempt() -> str:
        locked.mkdir(mode=0o500)
        try:
            (locked / "x").touch()
        except PermissionError:
            return "refused"
        return "allowed"

    assert run_unprivileged(attempt) == "refused"
