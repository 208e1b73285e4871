"""The MemoryBackend's speed shortcuts give exactly what the careful path gives.

``rmtree`` removes a tree whose directories all grant the owner rwx in one step
under the lock, instead of entry by entry through the shared walker; ``open``
shares one parsed mode between opens with the same arguments. Each test puts
the shortcut next to the careful path, or in a situation where taking it would
be wrong.
"""

from __future__ import annotations

import errno
import functools
import os
import stat
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tempkit import Backend, CleanupError, MemoryBackend, PosixBackend
from tempkit.backends._memory_routes import ROUTE_LIMIT as _ROUTE_LIMIT
from tempkit.backends._rmtree import BackendTreeOps, remove_tree
from tempkit.backends.modes import ParsedMode, parse_mode


def _build(mem: MemoryBackend) -> None:
    """/tmp/t: files, nested directories, a link out of the tree, an empty directory."""
    mem.mkdir("/tmp/outside")
    with mem.open("/tmp/outside/keep.txt", "w", encoding="utf-8") as f:
        f.write("outside")
    mem.mkdir("/tmp/t")
    mem.mkdir("/tmp/t/sub")
    mem.mkdir("/tmp/t/sub/deeper")
    mem.mkdir("/tmp/t/empty")
    for path in ("/tmp/t/a.txt", "/tmp/t/sub/b.txt", "/tmp/t/sub/deeper/c.txt"):
        with mem.open(path, "w", encoding="utf-8") as f:
            f.write(path)
    mem.symlink("/tmp/outside", "/tmp/t/sub/link")
    mem.chmod("/tmp/t/a.txt", 0o400)  # a read-only file needs no fixing: its parent is writable


def _state(mem: MemoryBackend) -> tuple[list[str], int, list[str]]:
    return (
        sorted(e.name for e in mem.scandir("/tmp")),
        mem.stat("/tmp").st_nlink,
        sorted(e.name for e in mem.scandir("/tmp/outside")),
    )


def test_one_step_removal_leaves_what_the_walker_leaves() -> None:
    quick, careful = MemoryBackend(), MemoryBackend()
    _build(quick)
    _build(careful)
    handles = [m.open("/tmp/t/sub/b.txt", "r", encoding="utf-8") for m in (quick, careful)]
    before = quick.stat("/tmp").st_mtime_ns

    assert quick._tree.remove_open_tree("/tmp/t") is True
    remove_tree(BackendTreeOps(careful), "/tmp/t", "/", ignore_errors=False)

    assert _state(quick) == _state(careful) == (["outside"], 3, ["keep.txt"])
    assert quick.stat("/tmp").st_mtime_ns >= before
    for handle in handles:  # an open file outlives its name, as on the disk
        assert handle.read() == "/tmp/t/sub/b.txt"
        handle.close()
    with quick.open("/tmp/outside/keep.txt", encoding="utf-8") as f:
        assert f.read() == "outside"


def test_the_current_directory_inside_a_removed_tree_is_gone() -> None:
    mem = MemoryBackend(cwd="/tmp/t/sub")
    mem.rmtree("/tmp/t")
    with pytest.raises(FileNotFoundError):
        mem.getcwd()
    mem.mkdir("/tmp/t")  # the name is free again
    with pytest.raises(FileNotFoundError):
        mem.mkdir("new")  # relative to the removed cwd: nothing can be created there


@pytest.mark.parametrize(
    ("setup", "path"),
    [
        pytest.param(lambda m: m.chmod("/tmp/t/sub/deeper", 0o500), "/tmp/t", id="read-only-dir"),
        pytest.param(lambda m: m.chmod("/tmp/t/sub", 0o300), "/tmp/t", id="unlistable-dir"),
        pytest.param(lambda m: m.chmod("/tmp/t/empty", 0o000), "/tmp/t", id="locked-empty-dir"),
        pytest.param(lambda m: m.symlink("/tmp/t", "/tmp/ln"), "/tmp/ln", id="symlink-at-path"),
        pytest.param(lambda m: None, "/tmp/t/", id="trailing-separator"),
        pytest.param(lambda m: None, "/tmp/t/a.txt", id="a-file"),
        pytest.param(lambda m: None, "/tmp/missing", id="missing"),
        pytest.param(lambda m: None, "/tmp/t/..", id="dot-dot"),
    ],
)
def test_the_shortcut_refuses_and_touches_nothing_when_the_walker_is_needed(
    setup: Callable[[MemoryBackend], object], path: str
) -> None:
    mem = MemoryBackend()
    _build(mem)
    setup(mem)
    before = sorted(e.name for e in mem.scandir("/tmp")), mem.stat("/tmp/t").st_nlink

    assert mem._tree.remove_open_tree(path) is False

    assert (sorted(e.name for e in mem.scandir("/tmp")), mem.stat("/tmp/t").st_nlink) == before


def test_rmtree_still_opens_up_read_only_directories() -> None:
    mem = MemoryBackend()
    _build(mem)
    mem.chmod("/tmp/t/sub/deeper", 0o500)
    mem.chmod("/tmp/t/sub", 0o000)
    mem.rmtree("/tmp/t")
    assert _state(mem) == (["outside"], 3, ["keep.txt"])


def test_rmtree_under_a_read_only_parent_names_the_entry_it_cannot_remove() -> None:
    mem = MemoryBackend()
    _build(mem)
    mem.chmod("/tmp", 0o555)
    with pytest.raises(CleanupError) as caught:
        mem.rmtree("/tmp/t")
    assert [(path, exc.errno) for path, exc in caught.value.errors] == [("/tmp/t", errno.EACCES)]
    assert stat.S_ISDIR(mem.stat("/tmp/t").st_mode)


# -- parsed modes -----------------------------------------------------------------------------
def test_equal_open_arguments_share_one_parsed_mode() -> None:
    first = parse_mode("r", -1, "utf-8", None, None)
    assert parse_mode("r", -1, "utf-8", None, None) is first
    assert parse_mode("rb", -1, None, None, None) is not first
    assert isinstance(first, ParsedMode)


@pytest.mark.parametrize(
    ("buffering", "error"),
    [(0.0, TypeError), (False, None), ("0", TypeError)],
    ids=["float", "bool", "str"],
)
def test_a_cached_mode_never_answers_for_an_argument_of_another_type(
    buffering: object, error: type[Exception] | None
) -> None:
    parse_mode("rb", 0, None, None, None)  # cached first
    if error is None:
        assert parse_mode("rb", buffering, None, None, None).buffering == 0  # type: ignore[arg-type]
    else:
        with pytest.raises(error):
            parse_mode("rb", buffering, None, None, None)  # type: ignore[arg-type]


def test_arguments_that_warn_warn_every_time() -> None:
    mem = MemoryBackend()
    for _ in range(2):
        with pytest.warns(RuntimeWarning, match="line buffering"):
            mem.open("/tmp/w.bin", "wb", buffering=1).close()


def test_bad_modes_are_refused_every_time() -> None:
    mem = MemoryBackend()
    for _ in range(2):
        with pytest.raises(ValueError, match="invalid mode"):
            mem.open("/tmp/never", "rz")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(FileNotFoundError):
            mem.open("/tmp/never", "r", encoding="utf-8")
    assert [e.name for e in mem.scandir("/tmp")] == []


# -- name lookups -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    ["a" * 63, "a" * 64, "a" * 255, "a" * 256, "\xe9" * 63, "\xe9" * 127, "\xe9" * 128],
    ids=["63", "64", "255", "256", "63x2bytes", "127x2bytes", "128x2bytes"],
)
def test_name_length_limits_hold_on_the_quick_lookup(name: str, tmp_path: Path) -> None:
    """Short names skip the NAME_MAX check; long ones get it, as the disk applies it."""
    mem = MemoryBackend()
    outcomes = []
    for make, base in ((os.mkdir, str(tmp_path)), (mem.mkdir, "/tmp")):
        results = []
        for path in (f"{base}/{name}", f"{base}/{name}/below"):
            try:
                make(path)
                results.append("ok")
            except OSError as exc:
                results.append(errno.errorcode[exc.errno or 0])
        outcomes.append(results)
    assert outcomes[0] == outcomes[1]


# -- remembered directory routes --------------------------------------------------------------
# Every scenario first looks paths up (which remembers their directories' routes), then
# changes the tree so that a remembered route would lead to the wrong place, then looks
# again. Each runs on the MemoryBackend and on the disk; the outcomes must be equal.
def _outcome(call: Callable[[], object]) -> str:
    try:
        result = call()
    except OSError as exc:
        return errno.errorcode[exc.errno or 0]
    return "ok" if result is None else repr(result)


def _read(backend: Backend, path: str) -> str:
    with backend.open(path, "r", encoding="utf-8") as f:
        text: str = f.read()
        return text


def _write(backend: Backend, path: str, text: str) -> None:
    with backend.open(path, "w", encoding="utf-8") as f:
        f.write(text)


def _removed_directory(b: Backend, root: str) -> list[str]:
    b.mkdir(f"{root}/d")
    _write(b, f"{root}/d/f", "one")
    b.unlink(f"{root}/d/f")
    b.rmdir(f"{root}/d")
    gone = _outcome(lambda: _write(b, f"{root}/d/f", "two"))
    _write(b, f"{root}/d", "a file where the directory was")
    return [gone, _outcome(lambda: _write(b, f"{root}/d/f", "two"))]


def _renamed_directory(b: Backend, root: str) -> list[str]:
    b.mkdir(f"{root}/d")
    _write(b, f"{root}/d/f", "one")
    b.rename(f"{root}/d", f"{root}/e")
    return [
        _outcome(lambda: _read(b, f"{root}/d/f")),
        _outcome(lambda: _read(b, f"{root}/e/f")),
    ]


def _directory_replaced_by_rename(b: Backend, root: str) -> list[str]:
    b.mkdir(f"{root}/d")
    b.mkdir(f"{root}/e")
    _write(b, f"{root}/d/f", "in d")
    b.stat(f"{root}/e/.")
    b.rename(f"{root}/d", f"{root}/e")  # e is empty: replaced by d
    return [_outcome(lambda: _read(b, f"{root}/e/f"))]


def _removed_tree(b: Backend, root: str) -> list[str]:
    b.mkdir(f"{root}/d")
    b.mkdir(f"{root}/d/sub")
    _write(b, f"{root}/d/sub/f", "one")
    b.rmtree(f"{root}/d")
    gone = _outcome(lambda: _write(b, f"{root}/d/sub/f", "two"))
    b.mkdir(f"{root}/d")
    _write(b, f"{root}/d/sub", "a file where the directory was")
    return [gone, _outcome(lambda: _write(b, f"{root}/d/sub/f", "two"))]


def _symlink_replaced(b: Backend, root: str) -> list[str]:
    for name in ("a", "b"):
        b.mkdir(f"{root}/{name}")
        _write(b, f"{root}/{name}/f", name)
    b.symlink(f"{root}/a", f"{root}/link")
    first = _read(b, f"{root}/link/f")
    b.unlink(f"{root}/link")
    b.symlink(f"{root}/b", f"{root}/link")
    return [first, _outcome(lambda: _read(b, f"{root}/link/f"))]


def _parent_of_a_moved_directory(b: Backend, root: str) -> list[str]:
    b.mkdir(f"{root}/a")
    b.mkdir(f"{root}/a/b")
    b.mkdir(f"{root}/c")
    _write(b, f"{root}/a/f", "in a")
    first = _read(b, f"{root}/a/b/../f")
    b.rename(f"{root}/a/b", f"{root}/c/b")
    return [first, _outcome(lambda: _read(b, f"{root}/a/b/../f"))]


def _new_entries_change_nothing(b: Backend, root: str) -> list[str]:
    b.mkdir(f"{root}/d")
    _write(b, f"{root}/d/f", "one")
    b.mkdir(f"{root}/d/g")
    _write(b, f"{root}/d/g/h", "two")
    b.unlink(f"{root}/d/f")  # a file going away leaves the way to d/g as it was
    return [_outcome(lambda: _read(b, f"{root}/d/g/h"))]


def _two_spellings_of_one_directory(b: Backend, root: str) -> list[str]:
    b.mkdir(f"{root}/d")
    _write(b, f"{root}/d/f", "by name")
    b.symlink(f"{root}/d", f"{root}/link")
    _write(b, f"{root}/link/g", "through the link")
    _write(b, f"{root}//d/h", "with a double slash")
    b.rename(f"{root}/d", f"{root}/e")
    b.mkdir(f"{root}/d")
    _write(b, f"{root}/d/f2", "new d")
    _write(b, f"{root}//d/h2", "new d")
    _write(b, f"{root}/link/g2", "new d")
    return sorted(e.name for e in b.scandir(f"{root}/d")) + sorted(
        e.name for e in b.scandir(f"{root}/e")
    )


ROUTE_SCENARIOS = [
    _two_spellings_of_one_directory,
    _removed_directory,
    _renamed_directory,
    _directory_replaced_by_rename,
    _removed_tree,
    _symlink_replaced,
    _parent_of_a_moved_directory,
    _new_entries_change_nothing,
]


@pytest.mark.parametrize("scenario", ROUTE_SCENARIOS, ids=lambda s: s.__name__.strip("_"))
def test_a_remembered_route_never_outlives_the_tree_it_describes(
    scenario: Callable[[Backend, str], list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mem = MemoryBackend()
    remembered: list[str] = []
    remember = mem._tree._routes.remember

    def counting(key: str, route: Any) -> Any:
        remembered.append(key)
        return remember(key, route)

    monkeypatch.setattr(mem._tree._routes, "remember", counting)
    on_disk = scenario(PosixBackend(), str(tmp_path))
    in_memory = scenario(mem, "/tmp")
    assert in_memory == on_disk
    assert remembered, "the scenario never took the remembered-route lookup"


def test_a_directory_that_loses_search_permission_refuses_remembered_paths() -> None:
    """Root on the disk ignores modes, so the answer is Linux's for the owner: EACCES."""
    mem = MemoryBackend()
    mem.mkdir("/tmp/d")
    mem.mkdir("/tmp/d/e")
    _write(mem, "/tmp/d/e/f", "one")
    assert "/tmp/d/e" in mem._tree._routes
    mem.chmod("/tmp/d", 0o600)
    with pytest.raises(PermissionError):
        _read(mem, "/tmp/d/e/f")
    mem.chmod("/tmp/d", 0o700)
    assert _read(mem, "/tmp/d/e/f") == "one"
    mem.chmod("/tmp/d/e", 0o600)  # the last directory's own search permission
    with pytest.raises(PermissionError):
        _read(mem, "/tmp/d/e/f")
    mem.chmod("/tmp/d/e", 0o700)
    assert _read(mem, "/tmp/d/e/f") == "one"


def test_symlinks_followed_on_a_remembered_route_still_count_towards_eloop(
    tmp_path: Path,
) -> None:
    """A route through 39 symlinks leaves room for one more, not two (limit 40)."""
    outcomes = []
    for b, root in ((PosixBackend(), str(tmp_path)), (MemoryBackend(), "/tmp")):
        b.mkdir(f"{root}/d")
        b.symlink(f"{root}/d", f"{root}/l0")
        for i in range(1, 39):
            b.symlink(f"{root}/l{i - 1}", f"{root}/l{i}")
        _write(b, f"{root}/l38/f", "one")  # 39 hops to reach d
        b.symlink(f"{root}/d/f", f"{root}/d/one")
        b.symlink(f"{root}/d/one", f"{root}/d/two")
        outcomes.append(
            [
                _outcome(functools.partial(_read, b, f"{root}/l38/{name}"))
                for name in ("f", "one", "two")
            ]
        )
    assert outcomes[0] == outcomes[1] == ["'one'", "'one'", "ELOOP"]


def test_remembered_routes_are_bounded() -> None:
    mem = MemoryBackend()
    for i in range(_ROUTE_LIMIT + 10):
        mem.mkdir(f"/tmp/d{i}")
    assert 0 < len(mem._tree._routes) <= _ROUTE_LIMIT
    assert mem.stat(f"/tmp/d{_ROUTE_LIMIT + 9}").st_nlink == 2


def test_a_directory_that_leaves_its_path_leaves_the_route_table() -> None:
    """Removed or moved directories are not kept alive by the table until it fills."""
    mem = MemoryBackend()
    for i in range(100):
        mem.mkdir(f"/tmp/d{i}")
        _write(mem, f"/tmp/d{i}/f", "x")
        mem.rmtree(f"/tmp/d{i}")
    mem.mkdir("/tmp/e")
    mem.rmdir("/tmp/e")
    mem.mkdir("/tmp/g")
    mem.rename("/tmp/g", "/tmp/h")
    routes = mem._tree._routes
    assert "/tmp" in routes
    assert not [path for path, route in routes.items() if route[0].removed]
    assert "/tmp/g" not in routes


def test_stat_results_built_in_one_tuple_equal_the_keyword_form(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tempkit.backends import _memory_nodes

    mem = MemoryBackend()
    mem.mkdir("/tmp/d")
    with mem.open("/tmp/d/f", "wb") as f:
        f.write(b"x" * 5000)
    mem.symlink("/tmp/d/f", "/tmp/d/l")
    paths = [("/tmp/d", True), ("/tmp/d/f", True), ("/tmp/d/l", False), ("/tmp/d/l", True)]
    fast = [mem.stat(path, follow_symlinks=follow) for path, follow in paths]
    monkeypatch.setattr(_memory_nodes, "_LINUX_LAYOUT", False)
    careful = [mem.stat(path, follow_symlinks=follow) for path, follow in paths]
    names = [name for name in dir(os.stat_result) if name.startswith("st_")]
    for one, other in zip(fast, careful, strict=True):
        assert tuple(one) == tuple(other)
        assert {n: getattr(one, n) for n in names} == {n: getattr(other, n) for n in names}
    assert fast[1].st_blocks == 16 and fast[1].st_blksize == 4096  # as ext4: 8 KiB allocated
