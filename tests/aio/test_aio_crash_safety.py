"""Crash-safe mode reaches async temp objects: a killed worker's are swept, and only those.

The async objects drive the synchronous ones, whose leases record them; this checks
it with a real worker process on a real event loop, killed with SIGKILL mid-work.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import tempkit
from tempkit._leases import lease_directory_name

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="crash-safe mode is POSIX-only")

WORK = """
import json, sys
import anyio
from tempkit.aio import AsyncSpooledTempPath, AsyncTempDirPath, AsyncTempFilePath

async def main(loop_name):
    tree = await AsyncTempDirPath.create(prefix="tree-")
    await (tree / "sub").mkdir()
    await (tree / "sub" / "f.txt").write_text("x", encoding="utf-8")
    file = await AsyncTempFilePath.create(prefix="file-")
    spooled = await AsyncSpooledTempPath.create(4, prefix="spool-")
    await spooled.write(b"rolled over")
    async with AsyncTempDirPath.create(prefix="done-") as done:
        pass  # cleaned up normally: its lease record goes with it
    print(json.dumps({"made": [str(tree), str(file), spooled.name], "done": str(done)}),
          flush=True)
    await anyio.sleep_forever()

anyio.run(main, sys.argv[1], backend=sys.argv[1])
"""


@pytest.mark.parametrize("loop", ["asyncio", "trio"])
def test_a_killed_async_worker_is_swept_exactly(loop: str, temp_root: Path) -> None:
    environment = {**os.environ, "TMPDIR": str(temp_root), "TEMPKIT_CRASH_SAFE": "1"}
    with subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(WORK), loop],
        env=environment,
        stdout=subprocess.PIPE,
        text=True,
    ) as worker:
        try:
            assert worker.stdout is not None
            line = worker.stdout.readline()
            assert line, f"worker said nothing (exit {worker.wait()})"
        finally:
            worker.send_signal(signal.SIGKILL)
    report = json.loads(line)
    made = report["made"]
    for path in made:
        assert os.path.lexists(path), "SIGKILL ran no cleanup"
    assert not os.path.lexists(report["done"])

    swept = tempkit.sweep([temp_root])

    assert sorted(e.path for e in swept.removed) == sorted(made)
    assert sorted(os.listdir(temp_root)) == [lease_directory_name()]
    assert os.listdir(temp_root / lease_directory_name()) == []
