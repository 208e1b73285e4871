"""BackendPath I/O on real files, compared with pathlib.Path doing the same thing.

Every test works under the per-test temp root. Read-only operations run on
one tree through both APIs; mutating ones run on two identical trees, one
per API, and compare results and exception types. Where pathlib changed
before 3.13 (glob of a trailing ``**``, ``walk`` listing symlinks, ``iterdir``
failing early, ``resolve`` of a symlink loop), tempkit follows 3.13: those
are compared with the running stdlib only on 3.13+ and pinned by fixed
expectations everywhere.
"""

from __future__ import annotations

import errno
import io
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tempkit import BackendPath, MemoryBackend, PosixBackend, TempDirPath, TempFilePath

MODERN = sys.version_info >= (3, 13)
modern_only = pytest.mark.skipif(not MODERN, reason="pathlib before 3.13 has other semantics")


def ours(path: Path | str) -> BackendPath:
    return BackendPath(path, backend=PosixBackend())


def outcome(action: Callable[[], object], base: Path | None = None) -> object:
    """A comparable result: paths as strings (relative to ``base``), errors as their type.

    An iterator is consumed inside, so an error raised while iterating counts.
    """
    try:
        value = action()
        if isinstance(value, Iterator):
            return sorted((_plain(v, base) for v in value), key=str)
    except (OSError, ValueError, TypeError, NotImplementedError) as exc:
        return type(exc)
    return _plain(value, base)


def _plain(value: object, base: Path | None) -> object:
    if isinstance(value, (Path, BackendPath)):
        return rel(value, base) if base else str(value)
    return value


def rel(path: Path | BackendPath | str, base: Path) -> str:
    """``path`` below ``base`` as text, without normalising ".." away (unlike relpath)."""
    text, prefix = str(path), str(base)
    if text == prefix:
        return "."
    assert text.startswith(prefix + os.sep), (text, prefix)
    return text[len(prefix) + 1 :]


@pytest.fixture
def umask() -> Iterator[int]:
    """A known umask for the test, restored afterwards."""
    old = os.umask(0o022)
    try:
        yield 0o022
    finally:
        os.umask(old)


def build_tree(root: Path) -> Path:
    """A small tree with every kind of entry the I/O tests look at."""
    root.mkdir()
    (root / "a.txt").write_text("a", encoding="utf-8")
    (root / "UPPER.TXT").write_text("A", encoding="utf-8")
    (root / ".hidden").write_text("h", encoding="utf-8")
    (root / ".hdir").mkdir()
    (root / ".hdir" / "x.txt").touch()
    (root / "sub" / "deep").mkdir(parents=True)
    (root / "sub" / "b.txt").touch()
    (root / "sub" / "deep" / "c.txt").touch()
    (root / "sub" / "deep" / ".d.txt").touch()
    (root / "empty").mkdir()
    (root / "link_dir").symlink_to("sub", target_is_directory=True)
    (root / "link_file").symlink_to("a.txt")
    (root / "dangling").symlink_to("missing")
    (root / "loop").symlink_to(".", target_is_directory=True)  # a loop back to the root
    (root / "ping").symlink_to("pong")  # and a loop that never resolves
    (root / "pong").symlink_to("ping")
    os.mkfifo(root / "fifo")
    return root


@pytest.fixture
def tree(temp_root: Path) -> Path:
    return build_tree(temp_root / "tree")


@pytest.fixture
def unix_socket(tree: Path) -> Iterator[Path]:
    path = tree / "sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        yield path


# -- inspection ---------------------------------------------------------------------------
ENTRIES = [
    "a.txt",
    "sub",
    "link_dir",
    "link_file",
    "dangling",
    "loop",
    "ping",
    "fifo",
    "sock",
    "missing",
    "a.txt/below",  # through a file: ENOTDIR, not an error for is_*()
    "ping/below",
    "nul\0byte",  # ValueError inside: still just False
]


@pytest.mark.parametrize("name", ENTRIES)
def test_kind_queries_match_pathlib(tree: Path, unix_socket: Path, name: str) -> None:
    mine, ref = ours(tree / name), tree / name
    for query in ("exists", "is_file", "is_dir", "is_symlink", "is_fifo", "is_socket"):
        assert getattr(mine, query)() == getattr(ref, query)(), query
    assert mine.is_block_device() == ref.is_block_device()
    assert mine.is_char_device() == ref.is_char_device()
    # Not following symlinks (pathlib 3.12/3.13 keyword): the link itself.
    mode = _lmode(tree / name)
    assert mine.exists(follow_symlinks=False) == (mode is not None)
    assert mine.is_file(follow_symlinks=False) == (mode is not None and stat.S_ISREG(mode))
    assert mine.is_dir(follow_symlinks=False) == (mode is not None and stat.S_ISDIR(mode))
    if sys.version_info >= (3, 13):
        assert mine.exists(follow_symlinks=False) == ref.exists(follow_symlinks=False)
        assert mine.is_dir(follow_symlinks=False) == ref.is_dir(follow_symlinks=False)
        assert mine.is_file(follow_symlinks=False) == ref.is_file(follow_symlinks=False)


def _lmode(path: Path) -> int | None:
    try:
        return os.lstat(path).st_mode
    except (OSError, ValueError):
        return None


def test_device_queries(tree: Path) -> None:
    assert ours("/dev/null").is_char_device()
    assert not ours("/dev/null").is_block_device()
    assert not ours(tree / "a.txt").is_char_device()


@pytest.mark.parametrize("name", ["a.txt", "sub", "link_file", "link_dir", "dangling", "missing"])
def test_stat_and_lstat_match_os(tree: Path, name: str) -> None:
    mine, ref = ours(tree / name), tree / name
    assert outcome(lambda: mine.stat().st_ino) == outcome(lambda: ref.stat().st_ino)
    assert outcome(lambda: mine.lstat().st_ino) == outcome(lambda: ref.lstat().st_ino)
    assert outcome(lambda: mine.stat(follow_symlinks=False).st_mode) == outcome(
        lambda: os.lstat(ref).st_mode
    )


def test_stat_errors_carry_errno_and_filename(tree: Path) -> None:
    with pytest.raises(FileNotFoundError) as caught:
        ours(tree / "missing").stat()
    assert caught.value.errno == errno.ENOENT
    assert caught.value.filename == str(tree / "missing")
    with pytest.raises(OSError) as looped:
        ours(tree / "ping").stat()
    assert looped.value.errno == errno.ELOOP


def test_iterdir_matches_pathlib(tree: Path) -> None:
    assert outcome(ours(tree).iterdir, tree) == outcome(tree.iterdir, tree)
    assert outcome(ours(tree / "empty").iterdir) == []
    for bad in ("a.txt", "missing", "dangling", "ping"):
        assert outcome(ours(tree / bad).iterdir) == outcome((tree / bad).iterdir)


def test_iterdir_reads_the_directory_when_called(tree: Path) -> None:
    # 3.13 semantics: the error comes from iterdir() itself, not from next(),
    # and entries created after the call are not seen.
    with pytest.raises(FileNotFoundError):
        ours(tree / "missing").iterdir()
    entries = ours(tree / "empty").iterdir()
    (tree / "empty" / "late").touch()
    assert list(entries) == []


def test_iterdir_of_relative_path_has_no_dot_prefix(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree / "sub")
    names = sorted(str(p) for p in ours("").iterdir())
    assert names == sorted(str(p) for p in Path().iterdir()) == ["b.txt", "deep"]


def test_samefile(tree: Path) -> None:
    os.link(tree / "a.txt", tree / "hard")
    mine = ours(tree / "a.txt")
    assert mine.samefile(tree / "hard")
    assert mine.samefile(ours(tree / "link_file"))
    assert mine.samefile(str(tree / "a.txt"))
    assert not mine.samefile(tree / "sub" / "b.txt")
    with pytest.raises(FileNotFoundError):
        mine.samefile(tree / "missing")
    with pytest.raises(FileNotFoundError):
        ours(tree / "missing").samefile(tree / "a.txt")


# -- glob and rglob -------------------------------------------------------------------------
# Expected results on the tree above, as pathlib 3.13 gives them (each path
# once). "**" does not enter symlinks, so "loop" is listed but never walked.
GLOB_EXPECTED: dict[str, list[str]] = {
    "*": sorted(
        [
            ".hdir",
            ".hidden",
            "UPPER.TXT",
            "a.txt",
            "dangling",
            "empty",
            "fifo",
            "link_dir",
            "link_file",
            "loop",
            "ping",
            "pong",
            "sub",
        ]
    ),
    "*.txt": ["a.txt"],
    ".*": [".hdir", ".hidden"],
    "*/": sorted([".hdir", "empty", "link_dir", "loop", "sub"]),
    "?.txt": ["a.txt"],
    "[a-b].txt": ["a.txt"],
    "a.txt": ["a.txt"],
    "dangling": ["dangling"],
    "missing": [],
    "a.txt/": [],
    "sub/": ["sub"],
    "sub/*/c.txt": ["sub/deep/c.txt"],
    "*/b.txt": ["link_dir/b.txt", "sub/b.txt"],
    "**/*.txt": sorted([".hdir/x.txt", "a.txt", "sub/b.txt", "sub/deep/.d.txt", "sub/deep/c.txt"]),
    "**/deep": ["sub/deep"],
    "**/": sorted([".", ".hdir", "empty", "sub", "sub/deep"]),
    "sub/**": sorted(["sub", "sub/b.txt", "sub/deep", "sub/deep/.d.txt", "sub/deep/c.txt"]),
    "sub/../a.txt": ["sub/../a.txt"],
    "*/..": sorted([".hdir/..", "empty/..", "link_dir/..", "loop/..", "sub/.."]),
    "**/**/*.txt": sorted(
        [".hdir/x.txt", "a.txt", "sub/b.txt", "sub/deep/.d.txt", "sub/deep/c.txt"]
    ),
    "link_dir/*": sorted(["link_dir/b.txt", "link_dir/deep"]),
}
_BELOW_TOP = [".hdir/x.txt", "sub/b.txt", "sub/deep", "sub/deep/.d.txt", "sub/deep/c.txt"]
GLOB_EXPECTED["**"] = sorted([".", *GLOB_EXPECTED["*"], *_BELOW_TOP])


@pytest.mark.parametrize("pattern", sorted(GLOB_EXPECTED))
def test_glob_follows_pathlib_313(tree: Path, pattern: str) -> None:
    found = [rel(p, tree) for p in ours(tree).glob(pattern)]
    assert len(found) == len(set(found)), "each path once"
    assert sorted(found) == GLOB_EXPECTED[pattern]
    if sys.version_info >= (3, 13):
        assert sorted(found) == sorted({rel(p, tree) for p in tree.glob(pattern)})


@pytest.mark.parametrize("pattern", ["*.txt", "", ".", "*/", "deep/*", "**", "sub"])
def test_rglob_follows_pathlib_313(tree: Path, pattern: str) -> None:
    found = outcome(lambda: ours(tree).rglob(pattern), tree)
    if sys.version_info >= (3, 13):
        assert found == outcome(lambda: tree.rglob(pattern), tree)
    else:
        # rglob(p) is glob("**/" + p): pin that identity where pathlib differs.
        assert found == outcome(lambda: ours(tree).glob(os.path.join("**", pattern)), tree)


def test_rglob_examples(tree: Path) -> None:
    assert outcome(lambda: ours(tree).rglob("*.txt"), tree) == GLOB_EXPECTED["**/*.txt"]
    assert outcome(lambda: ours(tree).rglob(""), tree) == GLOB_EXPECTED["**/"]


@pytest.mark.parametrize(
    ("pattern", "error"), [("", ValueError), (".", ValueError), ("/abs/*", NotImplementedError)]
)
def test_glob_bad_patterns(tree: Path, pattern: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        ours(tree).glob(pattern)
    if sys.version_info >= (3, 13):  # 3.10 raised IndexError for "."
        with pytest.raises(error):
            list(tree.glob(pattern))


def test_glob_case_sensitivity(tree: Path) -> None:
    base = ours(tree)
    assert outcome(lambda: base.glob("*.TXT"), tree) == ["UPPER.TXT"]
    assert outcome(lambda: base.glob("*.TXT", case_sensitive=False), tree) == [
        "UPPER.TXT",
        "a.txt",
    ]
    # An explicit choice makes even literal parts match by listing the directory.
    assert outcome(lambda: base.glob("A.TXT", case_sensitive=False), tree) == ["a.txt"]
    assert outcome(lambda: base.glob("SUB/B.TXT", case_sensitive=False), tree) == ["sub/b.txt"]
    assert outcome(lambda: base.glob("A.TXT"), tree) == []
    if sys.version_info >= (3, 13):
        assert outcome(lambda: base.glob("A.TXT", case_sensitive=False), tree) == outcome(
            lambda: tree.glob("A.TXT", case_sensitive=False), tree
        )


def test_glob_recurse_symlinks(temp_root: Path) -> None:
    root = temp_root / "t"
    (root / "real" / "inner").mkdir(parents=True)
    (root / "real" / "inner" / "f.txt").touch()
    (root / "link").symlink_to("real", target_is_directory=True)
    plain = outcome(lambda: ours(root).glob("**/f.txt"), root)
    followed = outcome(lambda: ours(root).glob("**/f.txt", recurse_symlinks=True), root)
    assert plain == ["real/inner/f.txt"]
    assert followed == ["link/inner/f.txt", "real/inner/f.txt"]
    if sys.version_info >= (3, 13):
        assert followed == outcome(lambda: root.glob("**/f.txt", recurse_symlinks=True), root)


def test_glob_survives_symlink_loops(tree: Path) -> None:
    # "loop" points at the tree itself and ping/pong at each other; the default
    # glob never walks into a link, so this finishes and sees each file once.
    found = list(ours(tree).rglob("*"))
    assert len(found) == len(set(found)) == len(GLOB_EXPECTED["**"]) - 1  # all but "."
    # A loop-through-links pattern stops where the kernel says ELOOP.
    deep = list(ours(tree).glob("/".join(["loop"] * 60) + "/a.txt"))
    assert deep == []


_TREE_NAMES = st.sampled_from(["a", "b", "ab", ".h", "x.txt"])


@st.composite
def random_trees(draw: st.DrawFn) -> dict[str, str]:
    """Relative path -> kind ("dir", "file", or "link:<target>"), parents first."""
    entries: dict[str, str] = {}
    for parts in draw(st.lists(st.lists(_TREE_NAMES, min_size=1, max_size=3), max_size=8)):
        for depth in range(1, len(parts)):
            parent = "/".join(parts[:depth])
            if entries.setdefault(parent, "dir") != "dir":
                break
        else:
            kind = draw(st.sampled_from(["dir", "file", "link:..", "link:a", "link:missing"]))
            entries.setdefault("/".join(parts), kind)
    return entries


def _make_tree(root: Path, entries: dict[str, str]) -> None:
    root.mkdir()
    for name, kind in entries.items():
        if kind == "dir":
            (root / name).mkdir()
        elif kind == "file":
            (root / name).touch()
        else:
            (root / name).symlink_to(kind.removeprefix("link:"))


_glob_patterns = st.builds(
    lambda parts, trailing: "/".join(parts) + trailing,
    st.lists(
        st.sampled_from(["*", "**", "a", "b*", "?", ".*", "..", "[ab]*", "x.txt"]),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from(["", "", "/"]),
)


@modern_only
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    entries=random_trees(), pattern=_glob_patterns, case_sensitive=st.sampled_from([None, False])
)
def test_glob_and_walk_on_random_trees_match_pathlib_313(
    temp_root: Path, entries: dict[str, str], pattern: str, case_sensitive: bool | None
) -> None:
    # One tree at a time: a "link:.." plus ".." parts in the pattern can climb
    # out of the tree, and should then find nothing but this example's files.
    scratch = Path(tempfile.mkdtemp(dir=temp_root))
    root = scratch / "t"
    try:
        _make_tree(root, entries)
        found = [rel(p, root) for p in ours(root).glob(pattern, case_sensitive=case_sensitive)]
        assert len(found) == len(set(found))
        if sys.version_info >= (3, 13):
            expected = {rel(p, root) for p in root.glob(pattern, case_sensitive=case_sensitive)}
            assert set(found) == expected
            rfound = {rel(p, root) for p in ours(root).rglob(pattern)}
            assert rfound == {rel(p, root) for p in root.rglob(pattern)}
            for top_down in (True, False):
                assert sorted(_walk_rows(ours(root).walk(top_down), root)) == sorted(
                    _walk_rows(root.walk(top_down), root)
                )
    finally:
        shutil.rmtree(scratch)


def test_glob_relative_base(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree)
    found = sorted(str(p) for p in ours("").glob("sub/*"))
    assert found == ["sub/b.txt", "sub/deep"]
    assert found == sorted(str(p) for p in Path().glob("sub/*"))


def test_glob_pattern_may_be_pathlike(tree: Path) -> None:
    assert outcome(lambda: ours(tree).glob(Path("sub") / "*.txt"), tree) == ["sub/b.txt"]


# -- walk -----------------------------------------------------------------------------------
def _walk_rows(
    rows: Iterator[tuple[BackendPath, list[str], list[str]]]
    | Iterator[tuple[Path, list[str], list[str]]],
    base: Path,
) -> list[tuple[str, list[str], list[str]]]:
    return [(rel(top, base), sorted(ds), sorted(fs)) for top, ds, fs in rows]


@pytest.mark.parametrize("top_down", [True, False])
@pytest.mark.parametrize("follow_symlinks", [False, True])
def test_walk_follows_pathlib_313(tree: Path, top_down: bool, follow_symlinks: bool) -> None:
    (tree / "loop").unlink()  # a followed loop would recurse until ELOOP, in pathlib too
    rows = _walk_rows(ours(tree).walk(top_down, None, follow_symlinks), tree)
    tops = [top for top, _, _ in rows]
    assert len(tops) == len(set(tops))
    index = {top: i for i, top in enumerate(tops)}
    for top in tops:
        if top != ".":
            parent = os.path.dirname(top) or "."
            assert (index[parent] < index[top]) is top_down
    by_top = {top: (dirs, files) for top, dirs, files in rows}
    links = ["link_dir"] if follow_symlinks else []
    other = ["dangling", "fifo", "link_file", "ping", "pong"]
    if not follow_symlinks:
        other.append("link_dir")  # a link to a directory is listed as a file (3.13)
    assert by_top["."] == (
        sorted([".hdir", "empty", "sub", *links]),
        sorted([".hidden", "UPPER.TXT", "a.txt", *other]),
    )
    assert ("link_dir" in by_top) is follow_symlinks
    assert by_top["sub/deep"] == ([], [".d.txt", "c.txt"])
    if sys.version_info >= (3, 13):
        assert sorted(rows) == sorted(_walk_rows(tree.walk(top_down, None, follow_symlinks), tree))


def test_walk_prunes_dirnames_in_place(tree: Path) -> None:
    seen = []
    for top, dirs, _ in ours(tree).walk():
        seen.append(rel(top, tree))
        if "sub" in dirs:
            dirs.remove("sub")
    assert "sub" not in seen
    assert "sub/deep" not in seen
    assert ".hdir" in seen


def test_walk_reports_errors(tree: Path) -> None:
    errors: list[OSError] = []
    assert list(ours(tree / "missing").walk(on_error=errors.append)) == []
    assert [type(e) for e in errors] == [FileNotFoundError]
    assert errors[0].filename == str(tree / "missing")
    # Without on_error, errors are ignored like os.walk does.
    assert list(ours(tree / "a.txt").walk()) == []


def test_unreadable_dir_in_walk_glob_and_iterdir(unprivileged_dir: Path) -> None:
    from tests.support.processes import run_unprivileged

    base = unprivileged_dir

    def attempt() -> tuple[list[str], list[str], list[str], str]:
        (base / "open").mkdir()
        (base / "open" / "f.txt").touch()
        (base / "locked").mkdir()
        (base / "locked" / "g.txt").touch()
        (base / "locked").chmod(0o000)
        try:
            errors: list[OSError] = []
            walked = [rel(t, base) for t, _, _ in ours(base).walk(on_error=errors.append)]
            globbed = [rel(p, base) for p in ours(base).rglob("*.txt")]
            try:
                ours(base / "locked").iterdir()
            except PermissionError as exc:
                listing = f"{type(exc).__name__} {exc.filename == str(base / 'locked')}"
            else:
                listing = "listed"
        finally:
            (base / "locked").chmod(0o700)
        return sorted(walked), [type(e).__name__ for e in errors], globbed, listing

    walked, errors, globbed, listing = run_unprivileged(attempt)
    # walk reports the directory it cannot read (and still yields it as a name of
    # its parent); glob skips it silently; iterdir raises at once.
    assert walked == [".", "open"]
    assert errors == ["PermissionError"]
    assert globbed == ["open/f.txt"]
    assert listing == "PermissionError True"


# -- creation and removal ---------------------------------------------------------------
def _twins(temp_root: Path) -> tuple[Path, Path]:
    """Two identical scratch directories: one for tempkit, one for pathlib."""
    a, b = temp_root / "ours", temp_root / "ref"
    for root in (a, b):
        root.mkdir()
        (root / "file").write_text("x", encoding="utf-8")
        (root / "dir").mkdir()
        (root / "dir" / "inner").touch()
        (root / "empty").mkdir()
    return a, b


def _mode(path: Path | BackendPath) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("new", {}),
        ("new", {"mode": 0o700}),
        ("file", {}),
        ("file", {"exist_ok": True}),
        ("dir", {}),
        ("dir", {"exist_ok": True}),
        ("a/b/c", {}),
        ("a/b/c", {"parents": True, "mode": 0o750}),
        ("dir", {"parents": True, "exist_ok": True}),
        ("file/x", {"parents": True}),
        ("", {}),
    ],
)
def test_mkdir_matches_pathlib(
    temp_root: Path, umask: int, name: str, kwargs: dict[str, object]
) -> None:
    mine_root, ref_root = _twins(temp_root)
    mine = outcome(lambda: ours(mine_root / name).mkdir(**kwargs))  # type: ignore[arg-type]
    ref = outcome(lambda: (ref_root / name).mkdir(**kwargs))  # type: ignore[arg-type]
    assert mine == ref
    if mine is None:
        assert _mode(mine_root / name) == _mode(ref_root / name)


def test_mkdir_modes(temp_root: Path, umask: int) -> None:
    leaf = ours(temp_root / "p" / "q" / "leaf")
    leaf.mkdir(mode=0o700, parents=True)
    assert _mode(leaf) == 0o700
    # Like mkdir -p and pathlib: ancestors get the default mode, not ``mode``.
    assert _mode(temp_root / "p") == _mode(temp_root / "p" / "q") == 0o777 & ~umask
    ours(temp_root / "plain").mkdir()
    assert _mode(temp_root / "plain") == 0o777 & ~umask


def test_mkdir_errors(temp_root: Path) -> None:
    (temp_root / "f").touch()
    with pytest.raises(FileExistsError):
        ours(temp_root / "f").mkdir(exist_ok=True)  # a file is never an existing dir
    with pytest.raises(FileNotFoundError):
        ours(temp_root / "no" / "such").mkdir()
    with pytest.raises(NotADirectoryError):
        ours(temp_root / "f" / "x").mkdir(parents=True)
    assert sorted(os.listdir(temp_root)) == ["f"]


def test_mkdir_permission_denied(unprivileged_dir: Path) -> None:
    from tests.support.processes import run_unprivileged

    def attempt() -> str:
        (unprivileged_dir / "ro").mkdir(mode=0o500)
        try:
            ours(unprivileged_dir / "ro" / "x").mkdir()
        except PermissionError as exc:
            return f"{type(exc).__name__} {exc.errno == errno.EACCES}"
        return "created"

    assert run_unprivileged(attempt) == "PermissionError True"


def test_touch_creates_with_mode(temp_root: Path, umask: int) -> None:
    ours(temp_root / "new").touch()
    assert _mode(temp_root / "new") == 0o666 & ~umask
    ours(temp_root / "private").touch(mode=0o600)
    assert _mode(temp_root / "private") == 0o600
    ours(temp_root / "excl").touch(exist_ok=False)
    assert (temp_root / "excl").is_file()


def test_touch_updates_times_and_keeps_content(temp_root: Path) -> None:
    target = temp_root / "old"
    target.write_text("keep", encoding="utf-8")
    os.utime(target, (1_000_000, 1_000_000))
    ours(target).touch()
    assert os.stat(target).st_mtime > 1_000_000
    assert target.read_text(encoding="utf-8") == "keep"


@pytest.mark.parametrize(
    ("name", "exist_ok"),
    [("file", False), ("file", True), ("dir", True), ("dir", False), ("no/such", True)],
)
def test_touch_matches_pathlib(temp_root: Path, name: str, exist_ok: bool) -> None:
    mine_root, ref_root = _twins(temp_root)
    mine = outcome(lambda: ours(mine_root / name).touch(exist_ok=exist_ok))
    assert mine == outcome(lambda: (ref_root / name).touch(exist_ok=exist_ok))


def test_touch_dangling_symlink_creates_target_like_pathlib(temp_root: Path) -> None:
    for root in (temp_root / "ours", temp_root / "ref"):
        root.mkdir()
        (root / "link").symlink_to("target")
    ours(temp_root / "ours" / "link").touch()
    (temp_root / "ref" / "link").touch()
    assert (temp_root / "ours" / "target").is_file()
    assert (temp_root / "ref" / "target").is_file()
    with pytest.raises(FileExistsError):
        ours(temp_root / "ours" / "link").touch(exist_ok=False)


@pytest.mark.parametrize(
    ("name", "missing_ok"),
    [("file", False), ("missing", False), ("missing", True), ("dir", False), ("dir", True)],
)
def test_unlink_matches_pathlib(temp_root: Path, name: str, missing_ok: bool) -> None:
    mine_root, ref_root = _twins(temp_root)
    mine = outcome(lambda: ours(mine_root / name).unlink(missing_ok=missing_ok))
    assert mine == outcome(lambda: (ref_root / name).unlink(missing_ok=missing_ok))
    assert sorted(os.listdir(mine_root)) == sorted(os.listdir(ref_root))


def test_unlink_symlink_keeps_target(temp_root: Path) -> None:
    (temp_root / "target").touch()
    (temp_root / "link").symlink_to("target")
    ours(temp_root / "link").unlink()
    assert not os.path.lexists(temp_root / "link")
    assert (temp_root / "target").is_file()


@pytest.mark.parametrize("name", ["empty", "dir", "file", "missing"])
def test_rmdir_matches_pathlib(temp_root: Path, name: str) -> None:
    mine_root, ref_root = _twins(temp_root)
    assert outcome(ours(mine_root / name).rmdir) == outcome((ref_root / name).rmdir)
    assert sorted(os.listdir(mine_root)) == sorted(os.listdir(ref_root))


@pytest.mark.parametrize("method", ["rename", "replace"])
@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("file", "moved"),
        ("file", "dir/moved"),
        ("file", "empty"),  # file onto a directory
        ("empty", "file"),  # directory onto a file
        ("empty", "dir"),  # onto a non-empty directory
        ("file", "dir/inner"),  # onto an existing file: replaced on POSIX
        ("missing", "x"),
        ("file", "no/such/x"),
    ],
)
def test_rename_and_replace_match_pathlib(
    temp_root: Path, method: str, source: str, target: str
) -> None:
    mine_root, ref_root = _twins(temp_root)
    mine_path = ours(mine_root / source)
    mine = outcome(lambda: getattr(mine_path, method)(mine_root / target), mine_root)
    ref = outcome(lambda: getattr(ref_root / source, method)(ref_root / target), ref_root)
    assert mine == ref
    assert _listing(mine_root) == _listing(ref_root)


@pytest.mark.parametrize("method", ["rename", "replace"])
@pytest.mark.parametrize("source", ["file", "empty", "missing"])
def test_renaming_to_the_empty_string_is_refused_as_pathlib_does(
    temp_root: Path, method: str, source: str
) -> None:
    # "" names nothing for os.rename; it must not become a rename onto ".".
    mine_root, ref_root = _twins(temp_root)
    with pytest.raises(FileNotFoundError):
        getattr(ref_root / source, method)("")
    memory = MemoryBackend()
    memory.mkdir("/tmp/empty")
    memory.create_file("/tmp/file")
    for path in (ours(mine_root / source), BackendPath(f"/tmp/{source}", backend=memory)):
        with pytest.raises(FileNotFoundError) as caught:
            getattr(path, method)("")
        assert (caught.value.filename, caught.value.filename2) == (str(path), "")
    assert _listing(mine_root) == _listing(ref_root)
    assert sorted(e.name for e in memory.scandir("/tmp")) == ["empty", "file"]


def _listing(root: Path) -> list[str]:
    return sorted(
        os.path.relpath(os.path.join(d, n), root) for d, ds, fs in os.walk(root) for n in ds + fs
    )


def test_rename_returns_plain_path_as_given(
    temp_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(temp_root)
    (temp_root / "a").touch()
    moved = ours(temp_root / "a").rename("b")  # relative to the cwd, as in pathlib
    assert type(moved) is BackendPath
    assert str(moved) == "b"
    assert (temp_root / "b").is_file()
    with TempFilePath.create(dir=temp_root) as tmp:
        # A temp object as the target: the result is a plain path, it owns nothing.
        again = ours(temp_root / "b").replace(tmp)
        assert type(again) is BackendPath
        assert again == tmp
    assert not (temp_root / "b").exists()


# -- contents ---------------------------------------------------------------------------
def test_text_and_bytes_round_trip_like_pathlib(temp_root: Path) -> None:
    mine, ref = ours(temp_root / "m"), temp_root / "r"
    text = "caf\u00e9\nline\r\n\u2603"
    assert mine.write_text(text, encoding="utf-8") == ref.write_text(text, encoding="utf-8")
    assert mine.read_bytes() == ref.read_bytes()
    assert mine.read_text(encoding="utf-8") == ref.read_text(encoding="utf-8")
    assert mine.write_text(text, encoding="utf-16") == ref.write_text(text, encoding="utf-16")
    assert mine.read_bytes() == ref.read_bytes()
    assert mine.write_text("a\nb", encoding="utf-8", newline="\r\n") == 3
    assert mine.read_bytes() == b"a\r\nb"
    assert mine.read_text(encoding="utf-8") == "a\nb"
    assert mine.read_text(encoding="utf-8", newline="") == "a\r\nb"
    assert mine.write_bytes(b"\xff\xfe") == 2
    assert mine.read_text(encoding="ascii", errors="replace") == "\ufffd\ufffd"
    with pytest.raises(UnicodeDecodeError):
        mine.read_text(encoding="ascii")
    assert mine.write_bytes(bytearray(b"abc")) == 3
    assert mine.write_bytes(memoryview(b"abcd")[1:]) == 3
    assert mine.read_bytes() == b"bcd"


def test_write_bad_data_leaves_nothing(temp_root: Path) -> None:
    mine = ours(temp_root / "never")
    with pytest.raises(TypeError):
        mine.write_text(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        mine.write_bytes("text")  # type: ignore[arg-type]
    assert not (temp_root / "never").exists()


def test_read_errors_match_pathlib(temp_root: Path) -> None:
    (temp_root / "d").mkdir()
    for name in ("missing", "d"):
        mine, ref = ours(temp_root / name), temp_root / name
        assert outcome(mine.read_bytes) == outcome(ref.read_bytes)
        assert outcome(mine.read_text) == outcome(ref.read_text)


@pytest.mark.parametrize("mode", ["r", "rb", "w", "wb", "a", "ab", "x", "xb", "r+", "w+b", "z"])
@pytest.mark.parametrize("exists", [True, False])
def test_open_modes_match_pathlib(temp_root: Path, mode: str, exists: bool) -> None:
    mine_root, ref_root = _twins(temp_root)
    name = "file" if exists else "new"

    def use(path: Path | BackendPath) -> object:
        encoding = None if "b" in mode else "utf-8"
        with path.open(mode, encoding=encoding) as f:
            if f.writable():
                f.write(b"Z" if "b" in mode else "Z")
            if f.readable():
                f.seek(0)
                return f.read()
            return type(f).__name__

    assert outcome(lambda: use(ours(mine_root / name))) == outcome(lambda: use(ref_root / name))
    assert _listing(mine_root) == _listing(ref_root)
    if os.path.exists(mine_root / name):
        assert (mine_root / name).read_bytes() == (ref_root / name).read_bytes()


def test_open_returns_typed_files(temp_root: Path) -> None:
    path = ours(temp_root / "f")
    with path.open("w", encoding="utf-8") as text:
        assert isinstance(text, io.TextIOWrapper)
    with path.open("rb") as binary:
        assert isinstance(binary, io.BufferedReader)
    with path.open("rb", buffering=0) as raw:
        assert isinstance(raw, io.FileIO)


# -- permissions, links, resolution -------------------------------------------------------
def test_chmod_checked_with_stat(temp_root: Path) -> None:
    (temp_root / "f").touch()
    (temp_root / "link").symlink_to("f")
    for mode in (0o600, 0o444, 0o751, 0o4755):
        ours(temp_root / "f").chmod(mode)
        assert stat.S_IMODE(os.stat(temp_root / "f").st_mode) == mode
    ours(temp_root / "link").chmod(0o640)  # follows the link
    assert stat.S_IMODE(os.stat(temp_root / "f").st_mode) == 0o640
    assert outcome(lambda: ours(temp_root / "link").lchmod(0o600)) == outcome(
        lambda: (temp_root / "link").lchmod(0o600)
    )
    with pytest.raises(FileNotFoundError):
        ours(temp_root / "missing").chmod(0o600)


def test_symlink_to_and_readlink(temp_root: Path) -> None:
    (temp_root / "target").touch()
    link = ours(temp_root / "link")
    link.symlink_to("target")
    assert os.readlink(temp_root / "link") == "target"
    assert link.readlink() == ours("target")
    assert type(link.readlink()) is BackendPath
    assert link.read_bytes() == b""
    ours(temp_root / "abs").symlink_to(ours(temp_root / "target"))
    assert os.readlink(temp_root / "abs") == str(temp_root / "target")
    ours(temp_root / "dirlink").symlink_to(temp_root, target_is_directory=True)
    assert ours(temp_root / "dirlink").is_dir()
    assert outcome(lambda: link.symlink_to("x")) == outcome(
        lambda: (temp_root / "link").symlink_to("x")
    )
    for name in ("target", "missing"):
        assert outcome(ours(temp_root / name).readlink) == outcome((temp_root / name).readlink)


def test_absolute_and_resolve(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree)
    for raw in ("", "sub/../a.txt", "link_dir/deep", "missing/x", str(tree / "link_file")):
        assert str(ours(raw).absolute()) == str(Path(raw).absolute())
        assert str(ours(raw).resolve()) == str(Path(raw).resolve())
    assert ours("link_dir/deep").resolve(strict=True) == ours(tree / "sub" / "deep")
    # ".." after a symlink is taken after resolving the link, as realpath does.
    assert ours("link_dir/deep/..").resolve() == ours(tree / "sub")
    with pytest.raises(FileNotFoundError):
        ours("missing/x").resolve(strict=True)


def test_resolve_symlink_loop_follows_pathlib_313(tree: Path) -> None:
    # 3.10 raised RuntimeError for a loop; 3.13 returns the path unless strict.
    looped = ours(tree / "ping").resolve()
    assert looped.parent == ours(tree)
    with pytest.raises(OSError) as caught:
        ours(tree / "ping").resolve(strict=True)
    assert caught.value.errno == errno.ELOOP
    if sys.version_info >= (3, 13):
        assert str(looped) == str((tree / "ping").resolve())


# -- os.PathLike on a local backend -------------------------------------------------------
def _as_pathlike(path: os.PathLike[str]) -> str:
    """Typed as os.PathLike: mypy checks that BackendPath is one."""
    return os.fspath(path)


def test_local_paths_are_pathlike(temp_root: Path) -> None:
    path = ours(temp_root / "data.txt")
    path.write_text("hello\n", encoding="utf-8")
    assert isinstance(path, os.PathLike)
    assert os.fspath(path) == str(temp_root / "data.txt")
    assert _as_pathlike(path) == str(temp_root / "data.txt")
    with open(path, encoding="utf-8") as f:
        assert f.read() == "hello\n"
    result = subprocess.run(["cat", path], capture_output=True, check=True)
    assert result.stdout == b"hello\n"
    copied = shutil.copy(path, temp_root / "copy.txt")
    assert Path(copied).read_text(encoding="utf-8") == "hello\n"
    assert Path(path) == temp_root / "data.txt"
    assert os.path.join(path, "x") == str(temp_root / "data.txt" / "x")
    assert os.path.exists(path)


def test_temp_objects_are_pathlike(temp_root: Path) -> None:
    with TempDirPath.create() as tmp:
        child = tmp / "out.txt"
        child.write_text("x", encoding="utf-8")
        assert subprocess.run(["test", "-f", child], check=False).returncode == 0
        assert _as_pathlike(tmp) == str(tmp)
        shutil.copytree(tmp, temp_root / "copy")
    assert (temp_root / "copy" / "out.txt").read_text(encoding="utf-8") == "x"


def test_memory_paths_never_reach_the_disk(temp_root: Path) -> None:
    path = BackendPath(str(temp_root / "m.txt"), backend=MemoryBackend())
    with pytest.raises(TypeError):
        os.fspath(path)
    with pytest.raises(TypeError):
        open(path)  # noqa: SIM115 - the call itself must fail
    with pytest.raises(TypeError):
        subprocess.run(["cat", path], check=False)
    assert not (temp_root / "m.txt").exists()
