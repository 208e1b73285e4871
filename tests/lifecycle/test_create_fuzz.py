"""Every creator's arguments, fuzzed, on the real disk and in memory side by side.

For each drawn set of arguments the same call runs on a ``PosixBackend`` under a
real temp root and on a ``MemoryBackend`` holding the same directories. Both
must give the same outcome: success (with a name of the promised shape) or the
same builtin exception type. Either way nothing may be left behind: after a
refusal the directory is as it was, after a success ``cleanup()`` empties it.
A spooled file is rolled over, so arguments it only uses then are exercised too.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tempkit import (
    MemoryBackend,
    OpenTempFile,
    PosixBackend,
    SpooledTempPath,
    TempDirPath,
    TempFilePath,
)
from tempkit.backends.protocol import Backend


class BytesPathLike:
    """An ``os.PathLike`` whose ``__fspath__`` gives bytes (tempkit paths are text)."""

    def __fspath__(self) -> bytes:
        return b"/tmp"


# Text that path code gets wrong: separators, NUL, dots, lone surrogates (refused
# by the OS), escaped bytes (accepted), non-ASCII, and over-long names.
_ODD_TEXT = [
    "",
    "a",
    "tmp",
    ".",
    "..",
    "/",
    "a/b",
    "\\",
    "\0",
    "x\0",
    "\ud800",
    "a\udfff",
    "\udcff",
    "\udcc3\udca9",
    "\u00e9",
    " ",
    "a" * 300,
    "XXX",
]
AFFIXES = st.one_of(
    st.none(),
    st.sampled_from(_ODD_TEXT),
    st.text(st.characters(codec=None, exclude_categories=()), max_size=6),
    st.sampled_from([b"bytes", 3, 1.5, ["a"]]),
)
TEMPLATES = st.one_of(
    st.none(),
    st.builds(lambda stem, xs: stem + "X" * xs, st.sampled_from(_ODD_TEXT), st.integers(0, 6)),
    st.sampled_from([b"abXXX", 7]),
)
LENGTHS = st.one_of(st.none(), st.sampled_from([-1, 0, 2, 3, 8, 40, True, 2.5, "8"]))
POLICIES = st.sampled_from(["always", "on_success", "never", "sometimes", None, 1])
# dir: by name (resolved against the root on each side), or an object as given.
DIRS = st.one_of(
    st.none(),
    st.sampled_from(["<root>", "<root>/sub", "<root>/missing", "<root>/file", "<root>/\ud800"]),
    st.sampled_from(["<root>/x\0", "sub", "", b"/tmp", 42]),
    st.just(BytesPathLike()),
)
OPEN_MODES = st.sampled_from(["w+b", "w+", "wb", "x+", "r", "a", "w+bt", "rw", "", 5])
# open()'s other arguments, for the makers of an open file: among them those that
# open() refuses only after it has created the file (unbuffered text, an unknown
# or non-text encoding, an illegal newline).
OPEN_ARGUMENTS = st.fixed_dictionaries(
    {},
    optional={
        "buffering": st.sampled_from([-1, 0, 1, 2, 1.5, "1", None]),
        "encoding": st.sampled_from(["utf-8", "no-such-codec", "base64", "locale", "", 5, "a\0"]),
        "errors": st.sampled_from(["strict", "no-such-handler", 5, "\0"]),
        "newline": st.sampled_from(["", "\n", "\r\n", "x", 5, "\r\0"]),
    },
)
SPOOL_MODES = st.sampled_from(["w+b", "w+", "wb", "r+", 1])

CREATORS = st.sampled_from(["file", "dir", "open", "spooled"])
NAME_SHAPE = re.compile(r"[a-z0-9_]+")


def arguments() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {},
        optional={
            "prefix": AFFIXES,
            "suffix": AFFIXES,
            "template": TEMPLATES,
            "length": LENGTHS,
            "dir": DIRS,
            "cleanup": POLICIES,
        },
    )


def call(
    creator: str,
    kwargs: dict[str, Any],
    mode: Any,
    backend: Backend,
    open_arguments: dict[str, Any] | None = None,
) -> Callable[[], object]:
    opening = open_arguments or {}

    def create() -> object:
        if creator == "file":
            return TempFilePath.create(backend=backend, **kwargs)
        if creator == "dir":
            return TempDirPath.create(backend=backend, **kwargs)
        if creator == "open":
            return TempFilePath.create_open(mode, backend=backend, **opening, **kwargs)
        spooled = SpooledTempPath.create(mode=mode, backend=backend, **opening, **kwargs)
        try:
            spooled.rollover()
        except BaseException:
            spooled.cleanup()  # roll-over refused something create() let through
            raise
        return spooled

    return create


def run(create: Callable[[], object]) -> tuple[str, Any]:
    try:
        made = create()
    except Exception as exc:
        return ("raised", type(exc))
    # create_open gives an OpenTempFile, whose path is the temp object.
    path = made.path if isinstance(made, OpenTempFile) else made
    name = os.path.basename(str(path))
    made.cleanup()  # type: ignore[attr-defined]
    return ("made", name)


def listing(backend: Backend, root: str) -> list[tuple[str, int]]:
    found = []
    pending = [root]
    while pending:
        directory = pending.pop()
        for entry in backend.scandir(directory):
            mode = entry.stat(follow_symlinks=False).st_mode
            found.append((entry.path, stat.S_IFMT(mode)))
            if stat.S_ISDIR(mode):
                pending.append(entry.path)
    return sorted(found)


@pytest.fixture
def worlds(
    temp_root: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, Backend, Backend]]:
    """The same small tree on the disk and in memory: root/{sub/, file}."""
    root = str(temp_root)
    disk = PosixBackend()
    memory = MemoryBackend(environ={"TMPDIR": root})
    parts = root.strip("/").split("/")
    for depth in range(1, len(parts) + 1):
        ancestor = "/" + "/".join(parts[:depth])
        if not _exists(memory, ancestor):
            memory.mkdir(ancestor, 0o700)
    for backend in (disk, memory):
        backend.mkdir(f"{root}/sub", 0o700)
        backend.create_file(f"{root}/file")
    monkeypatch.chdir(root)
    yield root, disk, memory


def _exists(backend: Backend, path: str) -> bool:
    try:
        backend.stat(path)
    except FileNotFoundError:
        return False
    return True


def resolve_dir(value: Any, root: str) -> Any:
    if isinstance(value, str):
        return value.replace("<root>", root)
    return value


@settings(
    max_examples=int(os.environ.get("TEMPKIT_CREATE_FUZZ_EXAMPLES", "400")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    creator=CREATORS,
    kwargs=arguments(),
    open_mode=OPEN_MODES,
    spool_mode=SPOOL_MODES,
    open_arguments=OPEN_ARGUMENTS,
)
def test_memory_and_disk_agree_and_leave_nothing(
    worlds: tuple[str, Backend, Backend],
    creator: str,
    kwargs: dict[str, Any],
    open_mode: Any,
    spool_mode: Any,
    open_arguments: dict[str, Any],
) -> None:
    root, disk, memory = worlds
    if "dir" in kwargs:
        kwargs = {**kwargs, "dir": resolve_dir(kwargs["dir"], root)}
    if kwargs.get("dir") in ("", "sub"):
        # Relative to the cwd: the memory backend's cwd is "/", the disk's is root.
        kwargs = {**kwargs, "dir": f"{root}/sub" if kwargs["dir"] == "sub" else root}
    mode = spool_mode if creator == "spooled" else open_mode
    before = {
        side: listing(backend, root) for side, backend in (("disk", disk), ("memory", memory))
    }

    on_disk = run(call(creator, kwargs, mode, disk, open_arguments))
    in_memory = run(call(creator, kwargs, mode, memory, open_arguments))

    assert on_disk[0] == in_memory[0], (on_disk, in_memory)
    if on_disk[0] == "raised":
        assert on_disk[1] is in_memory[1], (on_disk, in_memory)
    else:
        assert len(on_disk[1]) == len(in_memory[1])
    assert listing(disk, root) == before["disk"]
    assert listing(memory, root) == before["memory"]


def test_a_lone_surrogate_is_refused_by_create_on_every_backend(temp_root: Path) -> None:
    memory = MemoryBackend()
    memory.mkdir("/scratch", 0o700)
    refused: list[dict[str, Any]] = [
        {"prefix": "\ud800"},
        {"suffix": "a\udfff"},
        {"template": "\ud800XXX"},
    ]
    for backend, directory in ((PosixBackend(), str(temp_root)), (memory, "/scratch")):
        for kwargs in refused:
            with pytest.raises(UnicodeEncodeError):
                TempFilePath.create(dir=directory, backend=backend, **kwargs)
            with pytest.raises(UnicodeEncodeError):
                TempDirPath.create(dir=directory, backend=backend, **kwargs)
        assert list(backend.scandir(directory)) == []


@pytest.mark.parametrize(
    ("directory", "error"),
    [
        ("/tmp/x\0y", ValueError),
        (BytesPathLike(), TypeError),
        ("/tmp/\ud800", UnicodeEncodeError),
    ],
    ids=["NUL", "bytes PathLike", "lone surrogate"],
)
def test_spooled_create_refuses_what_roll_over_would(directory: Any, error: type) -> None:
    for backend in (PosixBackend(), MemoryBackend()):
        with pytest.raises(error):
            SpooledTempPath.create(dir=directory, backend=backend)


@pytest.mark.parametrize("part", ["prefix", "suffix", "template"])
def test_spooled_create_refuses_unencodable_name_parts(part: str) -> None:
    value = "\ud800XXX" if part == "template" else "\ud800"
    arguments: dict[str, Any] = {part: value}
    for backend in (PosixBackend(), MemoryBackend()):
        with pytest.raises(UnicodeEncodeError):
            SpooledTempPath.create(backend=backend, **arguments)


# What open() refuses only once it has opened (and so created) the file.
LATE_REFUSALS: list[tuple[dict[str, Any], type[Exception]]] = [
    ({"buffering": 0}, ValueError),
    ({"encoding": "no-such-codec"}, LookupError),
    ({"encoding": "base64"}, LookupError),
    ({"newline": "x"}, ValueError),
]


@pytest.mark.parametrize(("arguments", "error"), LATE_REFUSALS, ids=repr)
def test_create_open_refuses_late_open_errors_before_making_the_file(
    worlds: tuple[str, Backend, Backend], arguments: dict[str, Any], error: type[Exception]
) -> None:
    root, disk, memory = worlds
    with pytest.raises(error):
        open(f"{root}/probe", "x", **arguments)  # noqa: SIM115
    assert os.path.exists(f"{root}/probe")  # the builtin made the file, then refused
    os.unlink(f"{root}/probe")
    for backend in (disk, memory):
        before = listing(backend, root)
        with pytest.raises(error):
            TempFilePath.create_open("w+", dir=root, backend=backend, **arguments)
        assert listing(backend, root) == before
