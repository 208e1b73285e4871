"""BackendPath against pathlib.Path: joining, pure properties, iterdir and glob.

Both sides do the same work in the same run on the same tree, so the ratios say what
the backend indirection costs. The tree lives under the run's scratch root.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks._harness import Case, ComparisonCase, Config, Contestant, Target
from tempkit import BackendPath, PosixBackend

DIRS = 20
FILES_PER_DIR = 50


def cases(config: Config) -> list[Case]:
    """Joining and pure properties, then listing and globbing a 1000-file tree."""
    root = _tree(config.scratch("paths"))
    mine, ref = BackendPath(root, backend=PosixBackend()), root
    pure_ops = config.pick(full=20000, quick=200)
    io_ops = config.pick(full=40, quick=2)
    expected = DIRS * FILES_PER_DIR // 2

    def join_mine() -> None:
        for _ in range(pure_ops):
            _ = mine / "sub" / "file.txt"

    def join_ref() -> None:
        for _ in range(pure_ops):
            _ = ref / "sub" / "file.txt"

    def props_mine() -> None:
        path = mine / "sub" / "archive.tar.gz"
        for _ in range(pure_ops):
            _ = (path.name, path.stem, path.suffixes, path.parent.name)

    def props_ref() -> None:
        path = ref / "sub" / "archive.tar.gz"
        for _ in range(pure_ops):
            _ = (path.name, path.stem, path.suffixes, path.parent.name)

    def glob_mine() -> None:
        for _ in range(io_ops):
            _check(sum(1 for _ in mine.rglob("*.txt")), expected)

    def glob_ref() -> None:
        for _ in range(io_ops):
            _check(sum(1 for _ in ref.rglob("*.txt")), expected)

    def iterdir_mine() -> None:
        for _ in range(io_ops):
            for child in mine.iterdir():
                _ = child.name

    def iterdir_ref() -> None:
        for _ in range(io_ops):
            for child in ref.iterdir():
                _ = child.name

    return [
        ComparisonCase(
            name="path join",
            title='base / "sub" / "file.txt"',
            ops=pure_ops,
            contestants=[Contestant("tempkit", join_mine), Contestant("pathlib", join_ref)],
            targets=[Target("pathlib", 1.5)],
        ),
        ComparisonCase(
            name="pure properties",
            title="name, stem, suffixes and parent.name of one path",
            ops=pure_ops,
            contestants=[Contestant("tempkit", props_mine), Contestant("pathlib", props_ref)],
            targets=[Target("pathlib", 1.5)],
        ),
        ComparisonCase(
            name="rglob",
            title=f'rglob("*.txt") over {DIRS} dirs x {FILES_PER_DIR} files',
            ops=io_ops,
            unit="glob",
            contestants=[Contestant("tempkit", glob_mine), Contestant("pathlib", glob_ref)],
            targets=[Target("pathlib", 1.5)],
        ),
        ComparisonCase(
            name="iterdir",
            title=f"iterdir() of {DIRS} entries, reading each name",
            ops=io_ops,
            unit="listing",
            contestants=[Contestant("tempkit", iterdir_mine), Contestant("pathlib", iterdir_ref)],
            targets=[Target("pathlib", 1.5)],
        ),
    ]


def _tree(root: Path) -> Path:
    for i in range(DIRS):
        directory = root / f"d{i}"
        directory.mkdir(parents=True)
        for j in range(FILES_PER_DIR):
            (directory / (f"f{j}.txt" if j % 2 else f"f{j}.py")).touch()
    return root


def _check(found: int, expected: int) -> None:
    if found != expected:
        raise RuntimeError(f"rglob found {found} files, expected {expected}")
