"""Issue 16: what crash-safe mode adds to creating and cleaning up temp objects.

The same loops run with the mode on and off in one run, on the real disk: a
temp file created and cleaned up, and a temp directory created and cleaned up,
both as users write them (no ``dir=``, so the resolved temp dir is used).
With the mode on, each object costs an ``lstat`` and a record written to the
lease when it is made, and a release record when it goes. Target: at most
1.10x the mode off. The lease is made before the timed rounds, so its one-off
cost (a directory, a file, a lock) is not counted.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from benchmarks._harness import Case, ComparisonCase, Config, Contestant, Target
from tempkit import TempDirPath, TempFilePath, _leases, crashsafe


def cases(config: Config) -> list[Case]:
    """File and directory create + cleanup with crash-safe mode on against off."""
    ops = config.pick(full=2000, quick=20)
    return [
        _case("crash-safe file create+cleanup", TempFilePath.create, ops),
        _case("crash-safe dir create+cleanup", TempDirPath.create, ops),
    ]


def _case(name: str, create: Callable[[], TempFilePath | TempDirPath], ops: int) -> Case:
    def loop() -> None:
        for _ in range(ops):
            create().cleanup()

    def mode_on() -> None:
        crashsafe.enable_crash_safety()
        create().cleanup()  # the lease exists before timing starts

    def mode_off() -> None:
        crashsafe.disable_crash_safety()

    def lease_ended() -> None:
        # As a process that ends normally: its lease goes, and so does the (then
        # empty) lease directory, so the run leaves nothing in the temp dir.
        crashsafe.disable_crash_safety()
        lease = _leases.current()
        if lease is not None:
            lease.close()
            _leases.forget()
            os.rmdir(lease.directory)

    return ComparisonCase(
        name=name,
        title=f"{create.__qualname__}() + cleanup(), crash-safe mode on vs off",
        ops=ops,
        contestants=[
            Contestant("crash-safe", loop, setup=mode_on, teardown=lease_ended),
            Contestant("mode off", loop, setup=mode_off),
        ],
        targets=[Target("mode off", 1.10)],
        notes=["both in the resolved temp dir; the lease is created before timing"],
    )
