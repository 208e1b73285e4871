"""Pure path behaviour of BackendPath, compared with pathlib on the same interpreter.

A BackendPath on PosixBackend is compared with ``PurePosixPath``; one on a
test-only backend with the Windows flavour is compared with
``PureWindowsPath``. Pure operations never do I/O, so that backend refuses
every filesystem call.

Where pathlib changed between 3.10 and 3.13 (ordering, ``match``,
``relative_to(walk_up=)``, ``with_stem``, Windows device and UNC parsing,
joining drives that differ in case), tempkit follows 3.13 everywhere: those
features are compared with the running stdlib only on 3.13+ and are pinned
by fixed expectations on every version.
"""

from __future__ import annotations

import ntpath
import os
import sys
from collections.abc import Callable
from pathlib import PurePath, PurePosixPath, PureWindowsPath
from typing import NamedTuple, NoReturn, cast

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tempkit import BackendPath, Capabilities, PosixBackend
from tempkit._flavour import POSIX, WINDOWS, Flavour, _nt_join, _nt_splitroot
from tempkit.backends import Backend

# The stdlib is the reference for features that changed before 3.13 only
# when it is 3.13 itself.
MODERN = sys.version_info >= (3, 13)
modern_only = pytest.mark.skipif(not MODERN, reason="pathlib before 3.13 has other semantics")


class PureWindowsBackend:
    """A Windows-flavoured backend for pure path tests; any I/O is a test bug."""

    name = "pure-windows"
    flavour: Flavour = WINDOWS
    capabilities = Capabilities(local_paths=False)

    def __repr__(self) -> str:
        return "PureWindowsBackend()"

    def __getattr__(self, attribute: str) -> NoReturn:
        raise AssertionError(f"a pure path operation called backend.{attribute}")


POSIX_BACKEND: Backend = PosixBackend()
WINDOWS_BACKEND = cast(Backend, PureWindowsBackend())


class Flavoured(NamedTuple):
    """One side of the comparison: how to build our path and the stdlib's."""

    backend: Backend
    reference: type[PurePath]

    def ours(self, *segments: str) -> BackendPath:
        return BackendPath(*segments, backend=self.backend)


POSIX_SIDE = Flavoured(POSIX_BACKEND, PurePosixPath)
WINDOWS_SIDE = Flavoured(WINDOWS_BACKEND, PureWindowsPath)

# -- strategies -------------------------------------------------------------------------
_names = st.one_of(
    st.text(alphabet="abAB.-_", min_size=1, max_size=7),
    st.sampled_from([".", "..", "...", ".bashrc", "a.tar.gz", "x.", "e\u0301t\u00e9", "*"]),
)


def _join(prefix: str, parts: list[str], seps: list[str], trailing: str) -> str:
    body = parts[0] + "".join(s + p for s, p in zip(seps, parts[1:], strict=False)) if parts else ""
    return prefix + body + trailing


@st.composite
def posix_paths(draw: st.DrawFn) -> str:
    """POSIX path strings: any number of leading slashes, repeated separators, dots."""
    prefix = draw(st.sampled_from(["", "/", "//", "///", "./", "../"]))
    parts = draw(st.lists(_names, max_size=5))
    seps = draw(st.lists(st.sampled_from(["/", "//", "/./"]), min_size=len(parts)))
    return _join(prefix, parts, seps, draw(st.sampled_from(["", "/"])))


# Anchors whose meaning did not change between 3.10 and 3.13, then those that did.
_STABLE_WINDOWS_PREFIXES = [
    "",
    "c:",
    "C:",
    "c:\\",
    "C:/",
    "d:/",
    "\\",
    "/",
    "\\\\server\\share",
    "\\\\server\\share\\",
    "//Server/Share/",
    "\\\\?\\UNC\\srv\\shr\\",
    "\\\\.\\pipe\\",
]
_MODERN_WINDOWS_PREFIXES = ["\\\\?\\c:", "\\\\?\\c:\\", "\\\\server", "\\\\", "\\\\\\x", "//s/"]
_windows_names = st.one_of(_names, st.sampled_from(["Con", "a b"]))
# A relative part that looks like a drive ("x:y") reads differently on 3.10.
_modern_windows_names = st.one_of(_windows_names, st.sampled_from(["x:y", "c:"]))


@st.composite
def windows_paths(draw: st.DrawFn, modern: bool = MODERN, prefixes: list[str] | None = None) -> str:
    """Windows path strings: drives, UNC shares, device paths, both separators."""
    if prefixes is None:
        prefixes = _STABLE_WINDOWS_PREFIXES + (_MODERN_WINDOWS_PREFIXES if modern else [])
    prefix = draw(st.sampled_from(prefixes))
    names = _modern_windows_names if modern else _windows_names
    parts = draw(st.lists(names, max_size=5))
    seps = draw(st.lists(st.sampled_from(["\\", "/", "\\\\", "/./"]), min_size=len(parts)))
    trailing = draw(st.sampled_from(["", "\\", "/"]))
    if not modern and prefix in ("\\", "/") and not parts:
        trailing = ""  # no accidental "\\\\": 3.10 parsed an empty UNC drive otherwise
    return _join(prefix, parts, seps, trailing)


def _glues(raw: str) -> bool:
    """True when ntpath.join would glue the next piece onto this UNC/device drive."""
    drive, root, _ = _nt_splitroot(raw.replace("/", "\\"))
    return drive[:2] == "\\\\" and not root and drive[-1] in ":\\"


def _sides() -> list[tuple[Flavoured, st.SearchStrategy[str]]]:
    return [(POSIX_SIDE, posix_paths()), (WINDOWS_SIDE, windows_paths())]


def _outcome(action: Callable[[], object]) -> object:
    """The value as text, or the exception type: both sides must agree on either."""
    try:
        value = action()
    except (ValueError, TypeError, NotImplementedError) as exc:
        return type(exc)
    return str(value) if isinstance(value, (PurePath, BackendPath)) else value


def assert_same(ours: BackendPath, ref: PurePath) -> None:
    """Every pure property of ``ours`` equals the stdlib's."""
    assert str(ours) == str(ref)
    assert ours.parts == ref.parts
    assert (ours.drive, ours.root, ours.anchor) == (ref.drive, ref.root, ref.anchor)
    assert (ours.name, ours.stem, ours.suffix) == (ref.name, ref.stem, ref.suffix)
    assert ours.suffixes == ref.suffixes
    assert ours.is_absolute() == ref.is_absolute()
    assert ours.as_posix() == ref.as_posix()
    assert str(ours.parent) == str(ref.parent)
    assert [str(p) for p in ours.parents] == [str(p) for p in ref.parents]
    assert isinstance(ours.parent, BackendPath)
    assert ours.parent.backend is ours.backend


# -- parsing and properties --------------------------------------------------------------
@given(data=st.data())
@pytest.mark.parametrize(("side", "paths"), _sides(), ids=["posix", "windows"])
def test_properties_match_pathlib(
    side: Flavoured, paths: st.SearchStrategy[str], data: st.DataObject
) -> None:
    raw = data.draw(paths)
    assert_same(side.ours(raw), side.reference(raw))


def _drive_spelled_twice(*paths: str) -> bool:
    """Whether two of ``paths`` name the same drive with different slashes."""
    drives = [ntpath.splitdrive(p)[0] for p in paths]
    drives = [d for d in drives if d]
    return any(
        a.lower() != b.lower() and a.replace("/", "\\").lower() == b.replace("/", "\\").lower()
        for a in drives
        for b in drives
    )


@given(data=st.data())
@pytest.mark.parametrize(("side", "paths"), _sides(), ids=["posix", "windows"])
def test_joining_matches_pathlib(
    side: Flavoured, paths: st.SearchStrategy[str], data: st.DataObject
) -> None:
    if side is WINDOWS_SIDE:
        # A rootless UNC or device drive glues onto what follows ("\\?\c:" +
        # "x" is "\\?\c:x"), so joining step by step differs from pathlib's
        # single join of all raw strings: leave that quirk of ntpath.join out.
        heads = [p for p in _STABLE_WINDOWS_PREFIXES + _MODERN_WINDOWS_PREFIXES if not _glues(p)]
        # 3.10 joined segments that carry a drive by other rules.
        tails = heads if MODERN else ["", "\\", "/"]
        paths = windows_paths(prefixes=heads if MODERN else _STABLE_WINDOWS_PREFIXES)
        first = data.draw(paths)
        second, third = (data.draw(windows_paths(prefixes=tails)) for _ in range(2))
        assume(not any(_glues(p) for p in (first, second)))
        # ntpath.join compares drives as written: "//Server/Share" and "\\\\server\\share"
        # are two drives to it (the later one wins), one drive to Windows and to tempkit,
        # which keeps paths normalized (docs/paths.md).
        assume(not _drive_spelled_twice(first, second, third))
    else:
        first, second, third = (data.draw(paths) for _ in range(3))
    ref = side.reference(first, second, third)
    assert_same(side.ours(first, second, third), ref)
    assert_same(side.ours(first).joinpath(second, third), ref)
    assert_same(side.ours(first) / second / third, ref)
    assert_same(first / side.ours(second) / third, ref)
    # Any os.PathLike joins as its fspath() ("." for an empty path). The reference is
    # pathlib joining that string step by step, as the expression does, each step
    # parsed before the next: an empty path's "." can glue onto a rootless UNC drive
    # ("\\server" / "." is the share "\\server\."), and pathlib from 3.12 defers
    # parsing, so without the re-parse its later join would unglue it again.
    pathlike = side.reference(second)
    step = side.reference(str(side.reference(first) / os.fspath(pathlike)))
    assert_same(side.ours(first) / pathlike / third, step / third)


@given(data=st.data())
@pytest.mark.parametrize(("side", "paths"), _sides(), ids=["posix", "windows"])
def test_equality_and_hash_match_pathlib(
    side: Flavoured, paths: st.SearchStrategy[str], data: st.DataObject
) -> None:
    first, second = data.draw(paths), data.draw(paths)
    ours_a, ours_b = side.ours(first), side.ours(second)
    equal = side.reference(first) == side.reference(second)
    assert (ours_a == ours_b) is equal
    assert (ours_a != ours_b) is not equal
    if equal:
        assert hash(ours_a) == hash(ours_b)
    assert ours_a == side.ours(str(ours_a))
    assert hash(ours_a) == hash(side.ours(str(ours_a)))


@given(data=st.data())
@pytest.mark.parametrize(("side", "paths"), _sides(), ids=["posix", "windows"])
def test_ordering_is_total_and_consistent_with_equality(
    side: Flavoured, paths: st.SearchStrategy[str], data: st.DataObject
) -> None:
    a, b = side.ours(data.draw(paths)), side.ours(data.draw(paths))
    assert [a < b, a == b, a > b].count(True) == 1
    assert (a <= b) == (a < b or a == b)
    assert (a >= b) == (a > b or a == b)
    if MODERN:
        ref_a, ref_b = side.reference(str(a)), side.reference(str(b))
        assert (a < b) == (ref_a < ref_b)
        assert (a > b) == (ref_a > ref_b)


def test_ordering_follows_pathlib_313() -> None:
    # 3.12+ sorts by the case-folded string split at separators (3.10 put the
    # anchor first as one part, so "/a" sorted before "//a").
    posix = ["a", "/b", "//a", "a/b", "a-b", "/a", ""]
    assert [str(p) for p in sorted(POSIX_SIDE.ours(s) for s in posix)] == [
        "//a",
        "/a",
        "/b",
        ".",
        "a",
        "a/b",
        "a-b",
    ]
    windows = ["c:a", "c:/a", "C:/B", "a", "\\a", "//s/sh/x", "a\\b", "a-b"]
    assert [str(p) for p in sorted(WINDOWS_SIDE.ours(s) for s in windows)] == [
        "\\\\s\\sh\\x",
        "\\a",
        "a",
        "a\\b",
        "a-b",
        "c:\\a",
        "C:\\B",
        "c:a",
    ]


def test_ordering_refuses_other_types_and_backends() -> None:
    posix, windows = POSIX_SIDE.ours("a"), WINDOWS_SIDE.ours("a")
    with pytest.raises(TypeError):
        _ = posix < windows
    with pytest.raises(TypeError):
        _ = posix < PurePosixPath("a")
    assert posix != windows
    assert posix != PurePosixPath("a")
    assert posix != "a"


@pytest.mark.parametrize(
    ("raw", "drive", "root", "parts", "absolute"),
    [
        ("\\\\?\\c:\\a", "\\\\?\\c:", "\\", ("\\\\?\\c:\\", "a"), True),
        ("\\\\?\\c:", "\\\\?\\c:", "", ("\\\\?\\c:",), True),
        ("\\\\server", "\\\\server", "", ("\\\\server",), True),
        ("\\\\", "\\\\", "", ("\\\\",), True),
        ("\\\\.\\pipe\\x", "\\\\.\\pipe", "\\", ("\\\\.\\pipe\\", "x"), True),
        ("//s/sh", "\\\\s\\sh", "\\", ("\\\\s\\sh\\",), True),
        (
            "\\\\?\\UNC\\srv\\shr\\x",
            "\\\\?\\UNC\\srv\\shr",
            "\\",
            ("\\\\?\\UNC\\srv\\shr\\", "x"),
            True,
        ),
        ("\\a", "", "\\", ("\\", "a"), False),
        ("c:", "c:", "", ("c:",), False),
        ("c:a/b", "c:", "", ("c:", "a", "b"), False),
        ("C:/a", "C:", "\\", ("C:\\", "a"), True),
        ("./c:x", "", "", ("c:x",), False),
    ],
)
def test_windows_anchors_follow_pathlib_313(
    raw: str, drive: str, root: str, parts: tuple[str, ...], absolute: bool
) -> None:
    path = WINDOWS_SIDE.ours(raw)
    assert (path.drive, path.root, path.parts, path.is_absolute()) == (drive, root, parts, absolute)
    assert WINDOWS_SIDE.ours(str(path)) == path
    if MODERN:
        assert_same(path, PureWindowsPath(raw))


@pytest.mark.parametrize(
    ("segments", "expected"),
    [
        (("c:/a", "C:b"), "C:\\a\\b"),  # same drive, other case: 3.10 gave "C:b"
        (("c:/a", "d:b"), "d:b"),
        (("c:/a", "/b"), "c:\\b"),
        (("c:/a", "d:/b"), "d:\\b"),
        (("//s/sh", "x"), "\\\\s\\sh\\x"),
        (("\\\\server", "share", "x"), "\\\\server\\share\\x"),
        (("a", "c:"), "c:"),
        (("c:", "a"), "c:a"),
    ],
)
def test_windows_joining_follows_pathlib_313(segments: tuple[str, ...], expected: str) -> None:
    assert str(WINDOWS_SIDE.ours(*segments)) == expected
    if MODERN:
        assert str(PureWindowsPath(*segments)) == expected


@modern_only
@given(path=st.text(alphabet="\\/aB:?.UNC", max_size=12), other=st.text("\\/aB:.", max_size=6))
def test_windows_splitroot_and_join_are_ntpath_313(path: str, other: str) -> None:
    if sys.version_info >= (3, 13):  # always, here: tells mypy splitroot exists
        assert _nt_splitroot(path) == ntpath.splitroot(path)
        assert _nt_join((path, other)) == ntpath.join(path, other)


@pytest.mark.parametrize("flavour", [POSIX, WINDOWS], ids=["posix", "windows"])
def test_flavour_joins_like_os_path_join(flavour: Flavour) -> None:
    module = flavour.module
    for pieces in [("a", "b"), ("/a", "/b"), ("a/", "b"), ("a", ""), ("", "a"), ("a", "b", "/c")]:
        assert flavour.join(*pieces) == module.join(*pieces)


# -- construction ------------------------------------------------------------------------
def test_construction_edge_cases() -> None:
    assert str(BackendPath(backend=POSIX_BACKEND)) == "."
    assert BackendPath("", backend=POSIX_BACKEND).parts == ()
    assert BackendPath(".", backend=POSIX_BACKEND) == BackendPath(backend=POSIX_BACKEND)
    assert str(BackendPath(PurePosixPath("/a"), "b", backend=POSIX_BACKEND)) == "/a/b"
    with pytest.raises(TypeError):
        BackendPath(b"/a", backend=POSIX_BACKEND)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        BackendPath(3, backend=POSIX_BACKEND)  # type: ignore[arg-type]
    posix = POSIX_SIDE.ours("/a")
    with pytest.raises(TypeError):
        _ = posix / 3  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = 3 / posix  # type: ignore[operator]
    with pytest.raises(ValueError, match="cannot join"):
        _ = posix / WINDOWS_SIDE.ours("b")


def test_backend_is_carried_and_derived_paths_are_plain() -> None:
    base = WINDOWS_SIDE.ours("c:/base/file.txt")
    derived = [
        base / "x",
        "x" / base,
        base.joinpath("x"),
        base.parent,
        *base.parents,
        base.with_name("y"),
        base.with_stem("y"),
        base.with_suffix(".y"),
        base.relative_to("c:/base"),
        base.with_segments("q"),
    ]
    for path in derived:
        assert type(path) is BackendPath
        assert path.backend is WINDOWS_BACKEND


def test_repr_and_str() -> None:
    assert repr(POSIX_SIDE.ours("/a/b")) == "BackendPath('/a/b')"
    assert repr(POSIX_SIDE.ours("")) == "BackendPath('.')"
    assert repr(WINDOWS_SIDE.ours("c:/a")) == "BackendPath('c:\\\\a', backend=PureWindowsBackend())"
    assert str(WINDOWS_SIDE.ours("c:/a")) == "c:\\a"


def test_windows_paths_are_not_os_pathlike_here() -> None:
    path = WINDOWS_SIDE.ours("c:/a")
    # The Windows test backend is not local: asking for an OS path is a bug.
    with pytest.raises(AssertionError):
        os.fspath(path)


# -- with_name / with_stem / with_suffix ------------------------------------------------
_new_names = st.one_of(
    _names,
    st.sampled_from(["", ".", "a/b", "a\\b", "c:", "x:y", "/", ".txt", "a.", "b.tar.gz"]),
)
_new_suffixes = st.sampled_from(["", ".", ".x", ".tar.gz", "x", "..", ". ", "./a", ".a\\b", "a.b"])


@given(data=st.data(), name=_new_names, suffix=_new_suffixes)
@pytest.mark.parametrize(("side", "paths"), _sides(), ids=["posix", "windows"])
def test_with_name_stem_suffix_match_pathlib(
    side: Flavoured, paths: st.SearchStrategy[str], data: st.DataObject, name: str, suffix: str
) -> None:
    raw = data.draw(paths)
    ours, ref = side.ours(raw), side.reference(raw)
    if MODERN or not (side is WINDOWS_SIDE and ":" in name):
        # 3.10 refused a drive-like name ("c:") on Windows; 3.13 accepts it.
        assert _outcome(lambda: ours.with_name(name)) == _outcome(lambda: ref.with_name(name))
    if MODERN or not (suffix == "" and ref.stem == "."):
        # 3.10 let with_suffix("") leave the name "." ("..A" became "."); 3.13 refuses.
        assert _outcome(lambda: ours.with_suffix(suffix)) == _outcome(
            lambda: ref.with_suffix(suffix)
        )
    if MODERN or (name and not (side is WINDOWS_SIDE and ":" in name)):
        # 3.10 let with_stem("") turn "a.txt" into ".txt"; 3.13 refuses.
        assert _outcome(lambda: ours.with_stem(name)) == _outcome(lambda: ref.with_stem(name))


@pytest.mark.parametrize(
    ("side", "raw", "call", "expected"),
    [
        (POSIX_SIDE, "a.txt", lambda p: p.with_stem(""), ValueError),
        (POSIX_SIDE, "a", lambda p: p.with_stem(""), ValueError),
        (POSIX_SIDE, "a.txt", lambda p: p.with_stem("b"), "b.txt"),
        (POSIX_SIDE, ".bashrc", lambda p: p.with_stem(""), ValueError),
        (POSIX_SIDE, "/", lambda p: p.with_name("x"), ValueError),
        (POSIX_SIDE, "a", lambda p: p.with_suffix("."), ValueError),
        (POSIX_SIDE, "a", lambda p: p.with_suffix("x"), ValueError),
        (POSIX_SIDE, "a.b", lambda p: p.with_suffix(""), "a"),
        (POSIX_SIDE, "a", lambda p: p.with_name("b\\c"), "b\\c"),
        (WINDOWS_SIDE, "a", lambda p: p.with_name("b/c"), ValueError),
        (WINDOWS_SIDE, "a", lambda p: p.with_name("c:"), ".\\c:"),
        (WINDOWS_SIDE, "d:/a", lambda p: p.with_name("c:"), "d:\\c:"),
        (WINDOWS_SIDE, "c:", lambda p: p.with_name("x"), ValueError),
    ],
)
def test_with_methods_follow_pathlib_313(
    side: Flavoured, raw: str, call: Callable[[BackendPath], BackendPath], expected: object
) -> None:
    assert _outcome(lambda: call(side.ours(raw))) == expected


# -- relative_to / is_relative_to --------------------------------------------------------
@given(data=st.data(), walk_up=st.booleans())
@pytest.mark.parametrize(("side", "paths"), _sides(), ids=["posix", "windows"])
def test_relative_to_matches_pathlib(
    side: Flavoured, paths: st.SearchStrategy[str], data: st.DataObject, walk_up: bool
) -> None:
    raw = data.draw(paths)
    # Half the time take a real ancestor, so the success path is exercised too.
    parents = [str(p) for p in side.reference(raw).parents]
    other = data.draw(st.one_of(paths, st.sampled_from(parents) if parents else paths))
    ours, ref = side.ours(raw), side.reference(raw)
    if not MODERN and side is WINDOWS_SIDE:
        # 3.10 took "c:" (drive-relative) as an ancestor of "c:\\"; 3.13 does not.
        assume(bool(PureWindowsPath(other).root) == bool(ref.root))
    assert ours.is_relative_to(other) == ref.is_relative_to(other)
    if not walk_up:
        assert _outcome(lambda: ours.relative_to(other)) == _outcome(lambda: ref.relative_to(other))
    elif MODERN:
        assert _outcome(lambda: ours.relative_to(other, walk_up=True)) == _outcome(
            lambda: ref.relative_to(other, walk_up=True)  # type: ignore[call-arg,unused-ignore]
        )


@pytest.mark.parametrize(
    ("side", "path", "other", "expected"),
    [
        (POSIX_SIDE, "/a/b/c", "/a/x", "../b/c"),
        (POSIX_SIDE, "/a/b", "/a/b/c", ".."),
        (POSIX_SIDE, "/a/b", "/a/b", "."),
        (POSIX_SIDE, "a", "b", "../a"),
        (POSIX_SIDE, "../b", "../a", "../b"),
        (POSIX_SIDE, "/a", "b", ValueError),  # different anchors
        (POSIX_SIDE, "a", "../b", ValueError),  # cannot walk up out of ".."
        (POSIX_SIDE, "a/b", "a/..", ValueError),
        (WINDOWS_SIDE, "C:/A/b", "c:/a/x", "..\\b"),
        (WINDOWS_SIDE, "c:/a", "d:/a", ValueError),
        (WINDOWS_SIDE, "c:/a", "c:a", ValueError),
    ],
)
def test_relative_to_walk_up_follows_pathlib_313(
    side: Flavoured, path: str, other: str, expected: object
) -> None:
    assert _outcome(lambda: side.ours(path).relative_to(other, walk_up=True)) == expected


def test_relative_to_refuses_another_backend() -> None:
    with pytest.raises(ValueError, match="different backend"):
        POSIX_SIDE.ours("/a/b").relative_to(WINDOWS_SIDE.ours("/a"))
    assert not POSIX_SIDE.ours("/a/b").is_relative_to(WINDOWS_SIDE.ours("/a"))


# -- match -------------------------------------------------------------------------------
_pattern_parts = st.sampled_from(["*", "?", "**", "a", "A", "*.txt", "[ab]", "b*", ".*", "x?"])


@st.composite
def patterns(draw: st.DrawFn, anchors: list[str]) -> str:
    anchor = draw(st.sampled_from(anchors))
    parts = draw(st.lists(_pattern_parts, min_size=0 if anchor else 1, max_size=4))
    return anchor + "/".join(parts)


@st.composite
def match_paths(draw: st.DrawFn, anchors: list[str]) -> str:
    anchor = draw(st.sampled_from(anchors))
    names = st.sampled_from(["a", "A", "b", "x.txt", "B.TXT", ".h", "ab", "xy"])
    return anchor + "/".join(draw(st.lists(names, max_size=4)))


_POSIX_ANCHORS = ["", "", "/", "//"]
_WINDOWS_ANCHORS = ["", "", "c:", "C:/", "c:\\", "/", "//srv/shr/"]


@modern_only
@given(data=st.data(), case_sensitive=st.sampled_from([None, True, False]))
@pytest.mark.parametrize(
    ("side", "anchors"),
    [(POSIX_SIDE, _POSIX_ANCHORS), (WINDOWS_SIDE, _WINDOWS_ANCHORS)],
    ids=["posix", "windows"],
)
def test_match_matches_pathlib_313(
    side: Flavoured, anchors: list[str], data: st.DataObject, case_sensitive: bool | None
) -> None:
    raw, pattern = data.draw(match_paths(anchors)), data.draw(patterns(anchors))
    ours, ref = side.ours(raw), side.reference(raw)
    assert ours.match(pattern, case_sensitive=case_sensitive) == ref.match(
        pattern,
        case_sensitive=case_sensitive,  # type: ignore[call-arg,unused-ignore]
    )


@pytest.mark.parametrize(
    ("side", "path", "pattern", "case_sensitive", "expected"),
    [
        (POSIX_SIDE, "a/b.py", "*.py", None, True),
        (POSIX_SIDE, "/a/b.py", "/*.py", None, False),
        (POSIX_SIDE, "/a/b.py", "/a/*.py", None, True),
        (POSIX_SIDE, "a/b/c.py", "b/*.py", None, True),
        (POSIX_SIDE, "a/b/c.py", "a/*.py", None, False),
        (POSIX_SIDE, "a/b", "**", None, True),
        (POSIX_SIDE, "/a", "**/a", None, False),  # ** is a plain wildcard; 3.10 said True
        (POSIX_SIDE, "a", "a/**", None, False),
        (POSIX_SIDE, ".hidden", "*", None, True),
        (POSIX_SIDE, "A.PY", "*.py", None, False),
        (POSIX_SIDE, "A.PY", "*.py", False, True),
        (POSIX_SIDE, "", "*", None, False),
        (POSIX_SIDE, "/", "/", None, True),
        (POSIX_SIDE, "a", "/", None, False),
        (POSIX_SIDE, "a", PurePosixPath("a"), None, True),
        (POSIX_SIDE, "a", "", None, ValueError),
        (POSIX_SIDE, "a", ".", None, ValueError),
        (WINDOWS_SIDE, "C:/A.PY", "*.py", None, True),
        (WINDOWS_SIDE, "C:/A.PY", "*.py", True, False),
        (WINDOWS_SIDE, "c:a", "*/a", None, True),  # "*" may match a bare drive
        (WINDOWS_SIDE, "c:/a", "*/a", None, False),  # but never a root
        (WINDOWS_SIDE, "c:/a", "C:/A", None, True),
        (WINDOWS_SIDE, "c:/a", "C:/A", True, False),
        (WINDOWS_SIDE, "//s/sh/a", "//S/SH/*", None, True),
        (WINDOWS_SIDE, "c:/a", "c:*", None, False),
    ],
)
def test_match_follows_pathlib_313(
    side: Flavoured,
    path: str,
    pattern: str | PurePath,
    case_sensitive: bool | None,
    expected: object,
) -> None:
    outcome = _outcome(lambda: side.ours(path).match(pattern, case_sensitive=case_sensitive))
    assert outcome == expected


# -- as_uri and bytes ---------------------------------------------------------------------
@given(data=st.data())
@pytest.mark.parametrize(("side", "paths"), _sides(), ids=["posix", "windows"])
def test_as_uri_matches_pathlib(
    side: Flavoured, paths: st.SearchStrategy[str], data: st.DataObject
) -> None:
    raw = data.draw(paths)
    ref = side.reference(raw)
    if side is WINDOWS_SIDE and not MODERN:
        assume(ref.drive[:2] != "\\\\")  # 3.10 quoted UNC and device drives differently
    assert _outcome(lambda: side.ours(raw).as_uri()) == _outcome(ref.as_uri)


def test_bytes_and_set_membership() -> None:
    path = POSIX_SIDE.ours("/a/\u00e9")
    assert bytes(path) == os.fsencode("/a/\u00e9")
    assert {path, POSIX_SIDE.ours("/a/\u00e9/"), POSIX_SIDE.ours("//a")} == {
        path,
        POSIX_SIDE.ours("//a/"),
    }
    assert {WINDOWS_SIDE.ours("C:/A"), WINDOWS_SIDE.ours("c:\\a")} == {WINDOWS_SIDE.ours("c:/a")}


def test_paths_pickle_and_copy() -> None:
    import copy
    import pickle

    path = POSIX_SIDE.ours("/a/b.txt")
    for clone in (pickle.loads(pickle.dumps(path)), copy.copy(path), copy.deepcopy(path)):
        assert clone == path
        assert type(clone) is BackendPath
        assert clone.backend == path.backend
        assert clone.suffix == ".txt"


class WindowsBackendInWork(PureWindowsBackend):
    """The pure Windows backend plus a current directory, for absolute()."""

    def getcwd(self) -> str:
        return "C:\\work"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a", "C:\\work\\a"),
        ("", "C:\\work"),
        ("\\a", "C:\\a"),  # rooted, no drive: the current drive
        ("c:a", "c:\\work\\a"),  # the current drive, relative to the cwd
        ("d:a", "d:\\a"),  # another drive: its root (one cwd per backend)
        ("D:", "D:\\"),
        ("\\\\s\\sh\\x", "\\\\s\\sh\\x"),
        ("c:/a/../b", "c:\\a\\..\\b"),  # nothing collapsed
    ],
)
def test_windows_absolute(raw: str, expected: str) -> None:
    backend = cast(Backend, WindowsBackendInWork())
    absolute = BackendPath(raw, backend=backend).absolute()
    assert str(absolute) == expected
    assert absolute.is_absolute()
    assert type(absolute) is BackendPath


@pytest.mark.parametrize("side", [POSIX_SIDE, WINDOWS_SIDE], ids=["posix", "windows"])
def test_with_suffix_refuses_to_leave_the_name_dot_on_every_python(side: Flavoured) -> None:
    # pathlib 3.10 turned "..A" into "." here; 3.13 refuses, and so does tempkit everywhere.
    with pytest.raises(ValueError):
        side.ours("..A").with_suffix("")
    assert str(side.ours("..A").with_suffix(".b")) == "..b"


@pytest.mark.parametrize("thing", [5, "posix", object()], ids=["int", "str", "object"])
def test_a_backend_argument_that_is_no_backend_is_a_clear_type_error(thing: object) -> None:
    with pytest.raises(TypeError, match="expected a tempkit Backend"):
        BackendPath("/x", backend=thing)  # type: ignore[arg-type]
