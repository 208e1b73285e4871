"""BackendPath against pathlib.Path: joining (also on a temp dir), pure properties, iterdir, glob.

Both sides do the same work in the same run on the same tree, so the ratios say what
the backend indirection costs. The tree lives under the run's scratch root.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from benchmarks._harness import Case, ComparisonCase, Config, Contestant, Target
from tempkit import BackendPath, PosixBackend, TempDirPath

DIRS = 20
FILES_PER_DIR = 50

AnyPath = BackendPath | Path


def cases(config: Config) -> list[Case]:
    """Joining and pure properties, then listing and globbing a 1000-file tree."""
    root = _tree(config.scratch("paths"))
    bases: list[tuple[str, AnyPath]] = [
        ("tempkit", BackendPath(root, backend=PosixBackend())),
        ("pathlib", root),
    ]
    # The same join on a temp directory: derived paths hold their temp object.
    temp = TempDirPath.create(dir=config.scratch("temp"), backend=PosixBackend(), cleanup="never")
    temp_bases: list[tuple[str, AnyPath]] = [("tempkit", temp), ("pathlib", Path(temp))]
    pure_ops = config.pick(full=20000, quick=200)
    io_ops = config.pick(full=40, quick=2)

    def join(base: AnyPath) -> None:
        for _ in range(pure_ops):
            _ = base / "sub" / "file.txt"

    def properties(base: AnyPath) -> None:
        path = base / "sub" / "archive.tar.gz"
        for _ in range(pure_ops):
            _ = (path.name, path.stem, path.suffixes, path.parent.name)

    def rglob(base: AnyPath) -> None:
        for _ in range(io_ops):
            found = sum(1 for _ in base.rglob("*.txt"))
            if found != DIRS * FILES_PER_DIR // 2:
                raise RuntimeError(f"rglob found {found} files in {base}")

    def iterdir(base: AnyPath) -> None:
        for _ in range(io_ops):
            for child in base.iterdir():
                _ = child.name

    def case(
        name: str,
        title: str,
        work: Callable[[AnyPath], None],
        ops: int,
        unit: str,
        on: list[tuple[str, AnyPath]] = bases,
    ) -> Case:
        return ComparisonCase(
            name=name,
            title=title,
            ops=ops,
            unit=unit,
            contestants=[Contestant(who, functools.partial(work, base)) for who, base in on],
            targets=[Target("pathlib", 1.5)],
        )

    return [
        case("path join", 'base / "sub" / "file.txt"', join, pure_ops, "op"),
        case(
            "path join on a temp dir",
            'tmp / "sub" / "file.txt" (tmp a TempDirPath)',
            join,
            pure_ops,
            "op",
            on=temp_bases,
        ),
        case("pure properties", "name, stem, suffixes, parent.name", properties, pure_ops, "op"),
        case(
            "rglob",
            f'rglob("*.txt") over {DIRS} dirs x {FILES_PER_DIR} files',
            rglob,
            io_ops,
            "glob",
        ),
        case(
            "iterdir", f"iterdir() of {DIRS} entries, reading each name", iterdir, io_ops, "listing"
        ),
    ]


def _tree(root: Path) -> Path:
    for i in range(DIRS):
        directory = root / f"d{i}"
        directory.mkdir(parents=True)
        for j in range(FILES_PER_DIR):
            (directory / (f"f{j}.txt" if j % 2 else f"f{j}.py")).touch()
    return root
