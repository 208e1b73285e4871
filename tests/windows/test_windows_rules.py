"""Windows rules that are pure logic: names, long paths, temp dir candidates, link handling.

These run everywhere (Linux and the Windows interpreter under wine).
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from tempkit._flavour import POSIX, WINDOWS
from tempkit.backends import windows
from tempkit.backends._rmtree import remove_tree
from tempkit.backends._windows_rules import check_name_part, is_reserved_name
from tempkit.backends.windows import is_link_like, long_path, windows_temp_dirs
from tempkit.naming import parse_template, validate_affix

# -- names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "CON",
        "con",
        "Nul",
        "nul.txt",
        "NUL.tar.gz",
        "aux ",
        "com1",
        "LPT9.log",
        "COM\u00b9",
        "conin$",
        "CONOUT$.x",
        "prn . txt",
    ],
)
def test_device_names_are_reserved(name: str) -> None:
    assert is_reserved_name(name)


@pytest.mark.parametrize(
    "name", ["console", "nul_", "com10", "com0", "lpt", "x.nul", "tmpcon", "", ".con", "null"]
)
def test_ordinary_names_are_not_reserved(name: str) -> None:
    assert not is_reserved_name(name)


@pytest.mark.parametrize("text", ["a<", ">", "a:b", '"', "|", "?", "*", "\x01", "\x1f"])
def test_forbidden_characters_are_refused_anywhere(text: str) -> None:
    for final in (False, True):
        with pytest.raises(ValueError, match="Windows forbids"):
            check_name_part(text, "prefix", final=final)


def test_trailing_dot_or_space_matters_only_at_the_end_of_a_name() -> None:
    check_name_part("build.", "prefix", final=False)
    check_name_part("build ", "prefix", final=False)
    for text in ("build.", ".log ", " "):
        with pytest.raises(ValueError, match="dot or space"):
            check_name_part(text, "suffix", final=True)


def test_the_naming_layer_applies_windows_rules_to_the_windows_flavour_only() -> None:
    assert validate_affix("a:b", "prefix", POSIX) == "a:b"
    assert validate_affix("CON", "prefix", POSIX) == "CON"
    with pytest.raises(ValueError, match="device"):
        validate_affix("CON", "prefix", WINDOWS)
    with pytest.raises(ValueError, match="dot or space"):
        validate_affix(".txt.", "suffix", WINDOWS)
    assert validate_affix(".txt", "suffix", WINDOWS) == ".txt"
    with pytest.raises(ValueError, match="Windows forbids"):
        parse_template("job?XXXXXX", WINDOWS)
    assert parse_template("job-XXXXXX", WINDOWS) == ("job-", 6)


# -- long paths ----------------------------------------------------------------------------


def test_short_and_relative_paths_are_left_alone() -> None:
    assert long_path("C:\\temp\\x") == "C:\\temp\\x"
    relative = "a\\" * 200
    assert long_path(relative) == relative


def test_long_drive_paths_get_the_prefix_after_normalising() -> None:
    deep = "C:\\t\\" + "\\".join(["d" * 50] * 6)
    assert long_path(deep) == "\\\\?\\" + deep
    messy = "C:/t/./" + "/".join(["d" * 50] * 6) + "/x/.."
    assert long_path(messy) == "\\\\?\\" + deep


def test_long_unc_paths_use_the_unc_prefix() -> None:
    deep = "\\\\server\\share\\" + "\\".join(["d" * 50] * 6)
    assert long_path(deep) == "\\\\?\\UNC\\server\\share\\" + "\\".join(["d" * 50] * 6)


def test_prefixed_paths_are_never_prefixed_twice() -> None:
    deep = "\\\\?\\C:\\" + "d" * 300
    assert long_path(deep) == deep


# -- temp dir candidates ---------------------------------------------------------------------


def test_platform_dirs_follow_cpython_order() -> None:
    env = {"USERPROFILE": "C:\\Users\\ann", "SystemRoot": "C:\\Windows"}
    assert windows_temp_dirs(env) == (
        "C:\\Users\\ann\\AppData\\Local\\Temp",
        "C:\\Windows\\Temp",
        "c:\\temp",
        "c:\\tmp",
        "\\temp",
        "\\tmp",
    )


def test_platform_dirs_fall_back_to_homedrive_and_skip_missing_variables() -> None:
    env = {"HOMEDRIVE": "D:", "HOMEPATH": "\\Users\\bob"}
    assert windows_temp_dirs(env)[:2] == ("D:\\Users\\bob\\AppData\\Local\\Temp", "c:\\temp")
    assert windows_temp_dirs({}) == ("c:\\temp", "c:\\tmp", "\\temp", "\\tmp")


@pytest.mark.skipif(sys.platform == "win32", reason="checks the refusal off Windows")
def test_windows_backend_refuses_to_run_off_windows() -> None:
    with pytest.raises(OSError, match="only on Windows") as caught:
        windows.WindowsBackend()
    assert caught.value.errno == errno.ENOTSUP


# -- junctions, as the walker sees them ------------------------------------------------------

_REPARSE = 0x400


def test_junctions_and_symlinks_are_links_plain_directories_are_not() -> None:
    assert is_link_like(stat.S_IFLNK | 0o777, 0)
    assert is_link_like(stat.S_IFDIR | 0o777, _REPARSE | 0x10)
    assert not is_link_like(stat.S_IFDIR | 0o777, 0x10)
    assert not is_link_like(stat.S_IFREG | 0o666, 0)


@dataclass
class _Entry:
    name: str
    path: str
    mode: int
    attributes: int

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        return stat.S_ISDIR(self.mode)

    def is_file(self, *, follow_symlinks: bool = True) -> bool:
        return stat.S_ISREG(self.mode)

    def is_symlink(self) -> bool:
        return stat.S_ISLNK(self.mode)

    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        return _Stat(self.mode, self.attributes)  # type: ignore[return-value]


@dataclass
class _Stat:
    st_mode: int
    st_file_attributes: int


@dataclass
class _FakeTree:
    """Directory listings of a tree holding a junction to a directory outside it.

    Junctions cannot be made on Linux, nor under wine 8 (CreateJunction is
    refused), so this stand-in backend feeds the walker the stat data Windows
    reports for one, and records the removals it is asked for.
    """

    tree: dict[str, list[_Entry]]
    listed: list[str] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    capabilities = windows.WindowsBackend.capabilities

    def stat(self, path: str, *, follow_symlinks: bool = True) -> _Stat:
        for entries in self.tree.values():
            for entry in entries:
                if entry.path == path:
                    return _Stat(entry.mode, entry.attributes)
        return _Stat(stat.S_IFDIR | 0o777, 0x10)

    def scandir(self, path: str) -> Iterator[_Entry]:
        self.listed.append(path)
        yield from self.tree[path]

    def unlink(self, path: str) -> None:
        self.removed.append(("unlink", path))

    def rmdir(self, path: str) -> None:
        self.removed.append(("rmdir", path))


def test_the_walker_removes_a_junction_without_entering_it() -> None:
    root = "C:\\t\\tmpabc"
    junction = _Entry("link", root + "\\link", stat.S_IFDIR | 0o777, _REPARSE | 0x10)
    sub = _Entry("sub", root + "\\sub", stat.S_IFDIR | 0o777, 0x10)
    tree = {root: [junction, sub], sub.path: [], junction.path: [_Entry("precious", "", 0, 0)]}
    fake = _FakeTree(tree)
    ops = windows.WindowsTreeOps(fake, 0.0)  # type: ignore[arg-type]
    remove_tree(ops, root, "\\", ignore_errors=False)
    removed = fake.removed
    assert junction.path not in fake.listed
    assert ("unlink", junction.path) in removed
    assert removed[-1] == ("rmdir", root)
    assert ("rmdir", sub.path) in removed


# -- the memory Windows world --------------------------------------------------------------


def test_memory_windows_world_has_windows_paths_environment_and_rules() -> None:
    from tempkit import MemoryBackend

    env = {"USERPROFILE": "C:\\Users\\ann", "SYSTEMROOT": "C:\\Windows"}
    win = MemoryBackend(flavour="windows", environ=env, cwd="D:\\work")
    assert win.flavour is WINDOWS
    assert win.capabilities.delete_on_close
    assert not MemoryBackend().capabilities.delete_on_close
    assert win.getcwd() == "D:\\work"
    assert win.platform_temp_dirs()[:2] == (
        "C:\\Users\\ann\\AppData\\Local\\Temp",
        "C:\\Windows\\Temp",
    )
    win.mkdir("C:\\t")
    win.create_file("c:/T/Mixed.Case")
    assert [e.name for e in win.scandir("C:\\t")] == ["Mixed.Case"]
    with pytest.raises(OSError) as caught:
        win.create_file("C:\\t\\a?b")
    assert caught.value.errno == errno.EINVAL
    win.create_file("C:\\t\\other")
    with pytest.raises(FileExistsError):
        win.rename("C:\\t\\other", "C:\\t\\mixed.case")  # os.rename never replaces on Windows
    win.replace("C:\\t\\other", "C:\\t\\mixed.case")
    assert [e.name for e in win.scandir("C:\\t")] == ["mixed.case"]  # the name as renamed to


@pytest.mark.parametrize(
    ("value", "error"), [("1", TypeError), (True, TypeError), (-1, ValueError)]
)
def test_sharing_timeout_is_checked(value: object, error: type[Exception]) -> None:
    from tempkit import MemoryBackend

    with pytest.raises(error, match="sharing_timeout"):
        MemoryBackend(flavour="windows", sharing_timeout=value)  # type: ignore[arg-type]
    with pytest.raises(error, match="sharing_timeout"):
        windows.checked_sharing_timeout(value)


def test_sharing_timeout_is_refused_for_the_posix_flavour() -> None:
    from tempkit import MemoryBackend

    with pytest.raises(TypeError, match="flavour='windows'"):
        MemoryBackend(sharing_timeout=1.0)
