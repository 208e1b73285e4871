"""Robust cleanup on the real disk.

Permission cases run as the unprivileged user (``run_unprivileged``): root
ignores permission bits, so as root they would pass whatever the code does.
Each such test first shows, as that user, that the restriction really bites,
and checks the modes with ``os.stat``.
"""

from __future__ import annotations

import os
import resource
import stat
import sys
from pathlib import Path
from typing import TypeVar

import pytest

from tempkit import CleanupError, PosixBackend, TempDirPath
from tempkit.backends._rmtree import BackendTreeOps, FdTreeOps, remove_tree
from tests.support.processes import NOBODY_GID, NOBODY_UID, run_forked, run_unprivileged

T = TypeVar("T")

# The descriptor-relative walker and the by-path one (what backends without
# dir_fd use), both run against the real disk.
OPS = ["by-path", "fd"]


def make_ops(ops_name: str) -> FdTreeOps | BackendTreeOps:
    return FdTreeOps() if ops_name == "fd" else BackendTreeOps(PosixBackend())


def remove_with(ops: FdTreeOps | BackendTreeOps, path: Path, *, ignore_errors: bool) -> None:
    if isinstance(ops, FdTreeOps):
        remove_tree(ops, str(path), "/", ignore_errors=ignore_errors)
    else:
        remove_tree(ops, str(path), "/", ignore_errors=ignore_errors)


def remove(ops_name: str, path: Path, *, ignore_errors: bool = False) -> None:
    remove_with(make_ops(ops_name), path, ignore_errors=ignore_errors)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def snapshot(root: Path) -> dict[str, tuple[int, bytes | str | None]]:
    """Every entry below ``root`` with its mode and content (or link target)."""
    found: dict[str, tuple[int, bytes | str | None]] = {}
    for directory, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(directory, name)
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                content: bytes | str | None = os.readlink(path)
            elif stat.S_ISREG(info.st_mode):
                content = path.read_bytes()
            else:
                content = None
            found[str(path.relative_to(root))] = (info.st_mode, content)
    return found


# -- trees with restrictive modes, removed by their (unprivileged) owner -------------------------
def build_tree(root: Path) -> None:
    """root/{file, sub/{a, ro (0o400), inner/{b, none (0o000)}}}; run as the owner."""
    root.mkdir(mode=0o700)
    (root / "file").write_bytes(b"f")
    sub = root / "sub"
    sub.mkdir()
    (sub / "a").write_bytes(b"a")
    (sub / "ro").write_bytes(b"ro")
    (sub / "ro").chmod(0o400)
    inner = sub / "inner"
    inner.mkdir()
    (inner / "b").write_bytes(b"b")
    (inner / "none").write_bytes(b"none")
    (inner / "none").chmod(0o000)


# layout -> (modes to apply, deepest first; the entry a naive removal is refused on)
RESTRICTIONS: dict[str, tuple[dict[str, int], str]] = {
    "read-only files": ({"sub/ro": 0o400, "sub/inner/none": 0o000}, "sub/ro"),
    "read-only dirs": ({"sub/inner": 0o500, "sub": 0o500}, "sub/a"),
    "dirs without x": ({"sub/inner": 0o600, "sub": 0o600}, "sub/a"),
    "dirs with no access": ({"sub/inner": 0o000, "sub": 0o000}, "sub/a"),
    "read-only root": ({"sub/inner": 0o500, ".": 0o500}, "file"),
    "root with no access": ({"sub": 0o000, ".": 0o000}, "file"),
}


def restrict(root: Path, modes: dict[str, int]) -> None:
    for relative, mode in modes.items():
        (root / relative).chmod(mode)


def refused(root: Path, relative: str) -> bool:
    """Whether the owner is refused a naive removal (or, for a file, a write)."""
    target = root / relative
    try:
        if relative == "sub/ro":
            target.open("ab").close()
        else:
            target.unlink()
    except PermissionError:
        return True
    return False


@pytest.mark.parametrize("ops_name", OPS)
@pytest.mark.parametrize("layout", sorted(RESTRICTIONS))
def test_restrictive_modes_are_removed_by_their_owner(
    unprivileged_dir: Path, layout: str, ops_name: str
) -> None:
    modes, naive_target = RESTRICTIONS[layout]
    root = unprivileged_dir / "tree"

    def prepare() -> bool:
        build_tree(root)
        restrict(root, modes)
        return refused(root, naive_target)

    assert run_unprivileged(prepare), f"{layout}: the restriction did not bite"
    for relative, mode in modes.items():
        assert mode_of(root / relative) == mode, relative
    assert os.stat(root).st_uid == NOBODY_UID

    run_unprivileged(lambda: remove(ops_name, root))
    assert not os.path.lexists(root)
    assert os.listdir(unprivileged_dir) == []


@pytest.mark.parametrize("layout", ["read-only dirs", "dirs with no access", "read-only root"])
def test_temp_dir_with_restrictive_modes_cleans_up_on_exit(
    unprivileged_dir: Path, layout: str
) -> None:
    modes, naive_target = RESTRICTIONS[layout]

    def lifecycle() -> tuple[bool, int, bool]:
        with TempDirPath.create(dir=str(unprivileged_dir)) as tmp:
            root = Path(tmp)
            root.rmdir()
            build_tree(root)
            restrict(root, modes)
            bites = refused(root, naive_target)
            root_mode = mode_of(root)
        return bites, root_mode, os.path.lexists(root)

    bites, root_mode, still_there = run_unprivileged(lifecycle)
    assert bites
    assert root_mode == modes.get(".", 0o700)
    assert not still_there
    assert os.listdir(unprivileged_dir) == []


# -- deep trees ------------------------------------------------------------------------
def fast_disk() -> str | None:
    """tmpfs when there is one: a thousand nested mkdirs are slow on a busy ext4.

    The code under test is the same on any filesystem; None means the temp root.
    """
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


def build_deep(root: Path, depth: int) -> None:
    """``depth`` nested directories "d" under ``root``, made relative to directory fds."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=fd)
            child = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = child
        with open(os.open("leaf", os.O_WRONLY | os.O_CREAT, 0o600, dir_fd=fd), "wb") as leaf:
            leaf.write(b"bottom")
    finally:
        os.close(fd)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc/self/fd")
def test_tree_deeper_than_the_recursion_and_descriptor_limits() -> None:
    # Deeper than the recursion limit, and removed by a process allowed far fewer
    # descriptors than there are levels (a common soft limit is 1024).
    depth = 1100
    assert depth > sys.getrecursionlimit()
    with TempDirPath.create(dir=fast_disk()) as tmp:
        build_deep(Path(tmp), depth)
        assert os.path.isfile(os.path.join(tmp, *["d"] * depth, "leaf"))

        def cleanup_with_few_descriptors() -> bool:
            allowed = len(os.listdir("/proc/self/fd")) + 100
            hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
            resource.setrlimit(resource.RLIMIT_NOFILE, (allowed, hard))
            tmp.cleanup()
            return os.path.lexists(tmp)

        assert run_forked(cleanup_with_few_descriptors) is False
        assert not os.path.lexists(tmp)


# -- symlinks: removed, never followed ---------------------------------------------------------
def make_outside(base: Path) -> Path:
    outside = base / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_bytes(b"precious")
    (outside / "nested").mkdir()
    (outside / "nested" / "deep.txt").write_bytes(b"also precious")
    return outside


@pytest.mark.parametrize("ops_name", OPS)
def test_symlinks_to_outside_are_removed_and_targets_untouched(
    tmp_path: Path, temp_root: Path, ops_name: str
) -> None:
    outside = make_outside(tmp_path)
    outside_file = tmp_path / "outside-file.txt"
    outside_file.write_bytes(b"lonely")
    before = snapshot(tmp_path)
    with TempDirPath.create() as tmp:
        root = Path(tmp)
        (root / "sub").mkdir()
        (root / "link-dir").symlink_to(outside, target_is_directory=True)
        (root / "sub" / "link-file").symlink_to(outside_file)
        (root / "sub" / "dangling").symlink_to(tmp_path / "nowhere")
        (root / "sub" / "relative").symlink_to("../../..")
        remove(ops_name, root)
        assert not os.path.lexists(root)
    assert snapshot(tmp_path) == before


def test_symlink_target_modes_are_not_changed(unprivileged_dir: Path) -> None:
    # The tree's directories need fixing; the walker must fix only them, never
    # what a symlink inside points to.
    def scenario() -> tuple[int, int, bool]:
        outside = make_outside(unprivileged_dir)
        (outside / "nested").chmod(0o500)
        outside.chmod(0o500)
        root = unprivileged_dir / "tree"
        root.mkdir()
        (root / "to-outside").symlink_to(outside, target_is_directory=True)
        (root / "to-nested").symlink_to(outside / "nested", target_is_directory=True)
        root.chmod(0o500)
        PosixBackend().rmtree(str(root))
        return mode_of(outside), mode_of(outside / "nested"), os.path.lexists(root)

    outside_mode, nested_mode, still_there = run_unprivileged(scenario)
    assert (outside_mode, nested_mode, still_there) == (0o500, 0o500, False)
    assert (unprivileged_dir / "outside" / "keep.txt").read_bytes() == b"precious"
    assert (unprivileged_dir / "outside" / "nested" / "deep.txt").read_bytes() == b"also precious"


def test_temp_dir_replaced_by_a_symlink_removes_only_the_link(
    tmp_path: Path, temp_root: Path
) -> None:
    outside = make_outside(tmp_path)
    before = snapshot(outside)
    tmp = TempDirPath.create()
    os.rmdir(tmp)
    os.symlink(outside, tmp)
    tmp.cleanup()
    assert not os.path.lexists(tmp)
    assert snapshot(outside) == before


# -- errors: collected, named, or ignored --------------------------------------------------------
def plant_root_owned(unprivileged_dir: Path) -> tuple[Path, Path]:
    """A nobody-owned tree holding a root-owned directory nobody cannot empty or chmod."""
    root = unprivileged_dir / "tree"
    run_unprivileged(lambda: build_tree(root))
    stuck = root / "sub" / "rootdir"
    stuck.mkdir(mode=0o755)
    (stuck / "g").write_bytes(b"g")
    assert os.stat(stuck).st_uid == 0
    assert mode_of(stuck) == 0o755
    return root, stuck


@pytest.mark.parametrize("ops_name", OPS)
def test_remaining_errors_are_raised_as_one_cleanup_error(
    unprivileged_dir: Path, ops_name: str
) -> None:
    root, stuck = plant_root_owned(unprivileged_dir)

    def attempt() -> CleanupError:
        with pytest.raises(CleanupError) as caught:
            remove(ops_name, root)
        return caught.value

    error = run_unprivileged(attempt)
    assert isinstance(error, OSError)
    assert error.filename == str(root)
    named = [path for path, _ in error.errors]
    assert str(stuck / "g") in named
    for path, exc in error.errors:
        assert path in str(error)
        assert isinstance(exc, OSError)
    # Everything nobody could remove is gone; only the way to the stuck entry is left.
    assert snapshot(root).keys() == {"sub", "sub/rootdir", "sub/rootdir/g"}


@pytest.mark.parametrize("ops_name", OPS)
def test_ignore_errors_removes_what_it_can_and_raises_nothing(
    unprivileged_dir: Path, ops_name: str
) -> None:
    root, _ = plant_root_owned(unprivileged_dir)
    run_unprivileged(lambda: remove(ops_name, root, ignore_errors=True))
    assert snapshot(root).keys() == {"sub", "sub/rootdir", "sub/rootdir/g"}


def test_failed_cleanup_keeps_the_temp_dir_managed(unprivileged_dir: Path) -> None:
    # The root-owned directory is made by root beforehand and moved into the
    # temp dir by nobody, who owns the directory that carries it.
    carrier = unprivileged_dir / "carrier"
    carrier.mkdir(mode=0o700)
    os.chown(carrier, NOBODY_UID, NOBODY_GID)
    stuck = carrier / "rootdir"
    stuck.mkdir(mode=0o755)
    (stuck / "g").write_bytes(b"g")

    def lifecycle() -> tuple[list[str], bool, bool, bool]:
        tmp = TempDirPath.create(dir=str(unprivileged_dir))
        os.rename(carrier, Path(tmp, "carrier"))
        try:
            tmp.cleanup()
        except CleanupError as exc:
            named = [path for path, _ in exc.errors]
        managed_after_failure = tmp.managed
        tmp.cleanup(ignore_errors=True)
        return named, managed_after_failure, tmp.managed, os.path.lexists(tmp)

    named, managed_after_failure, managed_at_end, still_there = run_unprivileged(lifecycle)
    assert any(path.endswith("/carrier/rootdir/g") for path in named)
    assert managed_after_failure
    assert not managed_at_end
    assert still_there  # ignore_errors leaves what cannot be removed


def test_missing_tree_is_fine_and_cleanup_is_idempotent(temp_root: Path) -> None:
    remove("fd", temp_root / "never-existed")
    tmp = TempDirPath.create()
    (tmp / "x").write_text("x", encoding="utf-8")
    tmp.cleanup()
    tmp.cleanup()
    assert not os.path.lexists(tmp)


# -- the swapped-directory defence --------------------------------------------------------------
class Swap:
    """Replaces ``victim`` by a symlink to ``outside`` once its parent has been listed."""

    def __init__(self, victim: Path, outside: Path, parked: Path) -> None:
        self.victim = victim
        self.outside = outside
        self.parked = parked
        self.done = False

    def after_listing(self, path: str) -> None:
        if path == str(self.victim.parent) and not self.done:
            os.rename(self.victim, self.parked)
            os.symlink(self.outside, self.victim, target_is_directory=True)
            self.done = True


class SwapAfterListing(FdTreeOps):
    def __init__(self, swap: Swap) -> None:
        self.swap = swap

    def entries(self, handle: int, path: str) -> list[tuple[str, bool]]:
        listed = super().entries(handle, path)
        self.swap.after_listing(path)
        return listed


class SwapAfterListingByPath(BackendTreeOps):
    def __init__(self, swap: Swap) -> None:
        super().__init__(PosixBackend())
        self.swap = swap

    def entries(self, handle: str, path: str) -> list[tuple[str, bool]]:
        listed = super().entries(handle, path)
        self.swap.after_listing(path)
        return listed


@pytest.mark.parametrize("ops_name", OPS)
@pytest.mark.parametrize("ignore_errors", [False, True])
def test_directory_swapped_for_a_symlink_is_not_followed(
    tmp_path: Path, temp_root: Path, ops_name: str, ignore_errors: bool
) -> None:
    outside = make_outside(tmp_path)
    before = snapshot(outside)
    root = temp_root / "tree"
    victim = root / "sub"
    victim.mkdir(parents=True)
    (victim / "inside.txt").write_bytes(b"inside")
    swap = Swap(victim, outside, tmp_path / "parked")
    ops = SwapAfterListing(swap) if ops_name == "fd" else SwapAfterListingByPath(swap)

    if ignore_errors:
        remove_with(ops, root, ignore_errors=True)
    else:
        with pytest.raises(CleanupError) as caught:
            remove_with(ops, root, ignore_errors=False)
        assert str(victim) in [path for path, _ in caught.value.errors]
    assert swap.done
    assert snapshot(outside) == before
    assert (tmp_path / "parked" / "inside.txt").read_bytes() == b"inside"
    assert os.path.islink(victim)


class MoveMidwayUp(FdTreeOps):
    """Deep in the walk, moves a directory near the top of the chain out of the tree."""

    def __init__(self, trigger: Path, moved: Path, destination: Path) -> None:
        self.trigger = str(trigger)
        self.moved = moved
        self.destination = destination

    def entries(self, handle: int, path: str) -> list[tuple[str, bool]]:
        if path == self.trigger:
            os.rename(self.moved, self.destination)
        # Directories last, so they are taken first and files wait in the parent.
        return sorted(super().entries(handle, path), key=lambda entry: entry[1])


def test_a_released_parent_is_only_taken_back_if_it_is_the_same_directory(
    tmp_path: Path, temp_root: Path
) -> None:
    # 100 levels: the top handles are released on the way down and taken back
    # through ".." on the way up. Moving level 10 elsewhere mid-walk makes its
    # ".." a different directory, which must be refused, not climbed into: level
    # 9 still has "keep.txt" to remove, and so does the outside directory.
    root = temp_root / "tree"
    root.mkdir()
    build_deep(root, 100)
    outside = make_outside(tmp_path)
    before = snapshot(outside)
    level_9 = root.joinpath(*["d"] * 9)
    (level_9 / "keep.txt").write_bytes(b"level 9")
    ops = MoveMidwayUp(root.joinpath(*["d"] * 80), level_9 / "d", outside / "d")

    with pytest.raises(CleanupError) as caught:
        remove_tree(ops, str(root), "/", ignore_errors=False)
    assert [path for path, _ in caught.value.errors] == [str(level_9)]
    assert isinstance(caught.value.errors[0][1], NotADirectoryError)
    # The moved part was emptied (it was the tree's), nothing else outside was touched.
    assert snapshot(outside) == {**before, "d": (snapshot(tmp_path)["outside/d"][0], None)}
    assert (level_9 / "keep.txt").read_bytes() == b"level 9"


class SwapTopAfterLooking(FdTreeOps):
    """Right after the walker's first look at the root, puts another directory at its name."""

    def __init__(self, parked: Path) -> None:
        super().__init__()
        self.parked = parked

    def lstat_mode(self, path: str) -> int:
        mode = super().lstat_mode(path)
        os.rename(path, self.parked)
        os.mkdir(path)
        Path(path, "precious.txt").write_bytes(b"not the tree's")
        return mode


def test_a_root_swapped_for_another_directory_after_the_first_look_is_left_alone(
    tmp_path: Path, temp_root: Path
) -> None:
    # The directory opened must be the one looked at: one lstat serves both the
    # choice (walk or unlink) and the check of what was opened.
    root = temp_root / "tree"
    root.mkdir()
    (root / "inside.txt").write_bytes(b"inside")
    ops = SwapTopAfterLooking(tmp_path / "parked")

    with pytest.raises(CleanupError) as caught:
        remove_tree(ops, str(root), "/", ignore_errors=False)
    assert [path for path, _ in caught.value.errors] == [str(root)]
    assert isinstance(caught.value.errors[0][1], NotADirectoryError)
    assert (root / "precious.txt").read_bytes() == b"not the tree's"
    assert (tmp_path / "parked" / "inside.txt").read_bytes() == b"inside"
