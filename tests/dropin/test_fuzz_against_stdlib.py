"""tempkit.tempfile against the standard library, with fuzzed arguments, side by side.

Each drawn call runs on the running interpreter's own ``tempfile`` in one
directory and on ``tempkit.tempfile`` in a twin directory (the same entries:
``sub/`` and ``file``). Both must give the same outcome: success with results
of the same types (str or bytes), or an exception of the same type. The
differences docs/migrating-from-tempfile.md lists are allowed, each by a rule
below that names it. Either way tempkit leaves nothing behind: after a refusal
its directory is as it was, after a success the result's own cleanup empties
it, and no finalizer record is left filed once the result is gone.

TEMPKIT_DROPIN_FUZZ_EXAMPLES sets the number of examples (default 200).
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile as stdlib_tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tempkit.tempfile as tf
from tempkit import _finalizer

EXAMPLES = int(os.environ.get("TEMPKIT_DROPIN_FUZZ_EXAMPLES", "200"))


class PathLikeOf:
    """An ``os.PathLike`` of whatever ``__fspath__`` should give (text, bytes)."""

    def __init__(self, value: object) -> None:
        self.value = value

    def __fspath__(self) -> Any:
        return self.value

    def __repr__(self) -> str:
        return f"PathLikeOf({self.value!r})"


AFFIXES = st.sampled_from(
    [
        None,
        "",
        "a",
        "pre-",
        ".txt",
        b"b",
        b"",
        3,
        1.5,
        "..",
        "\\",
        "\u00e9",
        "\ud800",
        "a" * 300,
        PathLikeOf("p"),
        PathLikeOf(b"p"),
        "a/b",
        "x\0",
    ]
)
# dir: by name, made absolute on each side's root ("<root>"), or an object as given.
DIRS = st.sampled_from(
    [
        None,
        "<root>",
        b"<root>",
        "<root>/sub",
        "<root>/missing",
        "<root>/file",
        "<root>/file/x",
        "<root>/x\0",
        "<root>/\ud800",
        "sub",
        b"sub",
        "",
        42,
        1.5,
        "pathlike:<root>",
        "pathlike-bytes:<root>",
    ]
)
FILE_MODES = st.sampled_from(
    ["w+b", "w+", "wb", "w", "x+", "r", "rb+", "a+", "w+bt", "rw", "", "q", 5]
)
OPEN_ARGUMENTS = st.fixed_dictionaries(
    {},
    optional={
        "buffering": st.sampled_from([-1, 0, 1, 4096, 1.5, "1"]),
        "encoding": st.sampled_from(["utf-8", "latin-1", "no-such-codec", "base64", 5]),
        "errors": st.sampled_from(["strict", "replace", 5]),
        "newline": st.sampled_from(["", "\n", "\r\n", "x", 5]),
    },
)
FUNCTIONS = [
    "mkstemp",
    "mkdtemp",
    "mktemp",
    "NamedTemporaryFile",
    "TemporaryFile",
    "TemporaryDirectory",
    "SpooledTemporaryFile",
]
OPENS_A_FILE = {"NamedTemporaryFile", "TemporaryFile", "SpooledTemporaryFile"}


@st.composite
def calls(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(FUNCTIONS))
    kwargs: dict[str, Any] = {}
    for part in ("prefix", "suffix", "dir"):
        if draw(st.booleans()):
            kwargs[part] = draw(DIRS if part == "dir" else AFFIXES)
    if name in OPENS_A_FILE:
        if draw(st.booleans()):
            kwargs["mode"] = draw(FILE_MODES)
        kwargs.update(draw(OPEN_ARGUMENTS))
    if name == "mkstemp" and draw(st.booleans()):
        kwargs["text"] = draw(st.booleans())
    if name == "NamedTemporaryFile":
        kwargs["delete"] = draw(st.booleans())
        if sys.version_info >= (3, 12):
            kwargs["delete_on_close"] = draw(st.booleans())
    if name == "SpooledTemporaryFile" and draw(st.booleans()):
        kwargs["max_size"] = draw(st.sampled_from([0, 1, 10, -1, 1.5, "10"]))
    return name, kwargs


def on_root(value: object, root: Path) -> object:
    """A drawn ``dir`` as the object to pass on the side whose root is ``root``."""
    if isinstance(value, bytes):
        return value.replace(b"<root>", os.fsencode(root))
    if not isinstance(value, str):
        return value
    if value.startswith("pathlike:"):
        return PathLikeOf(value.removeprefix("pathlike:").replace("<root>", str(root)))
    if value.startswith("pathlike-bytes:"):
        text = value.removeprefix("pathlike-bytes:").replace("<root>", str(root))
        return PathLikeOf(os.fsencode(text))
    return value.replace("<root>", str(root))


def result_type(name: str, made: Any) -> object:
    """The type of the name a successful call hands out (None where it has none)."""
    if name == "mkstemp":
        return type(made[1])
    if name in ("mkdtemp", "mktemp"):
        return type(made)
    if name in ("NamedTemporaryFile", "TemporaryDirectory"):
        return type(made.name)
    return None


def finish(name: str, made: Any) -> None:
    """Use the result a little, then undo it the way a user would."""
    if name == "mkstemp":
        os.close(made[0])
        os.unlink(made[1])
    elif name == "mkdtemp":
        os.rmdir(made)
    elif name == "TemporaryDirectory":
        made.cleanup()
    elif name == "SpooledTemporaryFile":
        try:
            made.write(b"x" if "b" in made.mode else "x")
            made.rollover()
        finally:
            made.close()
    elif name != "mktemp":
        made.close()
        if name == "NamedTemporaryFile" and os.path.lexists(made.name):
            os.unlink(made.name)  # delete=False, or delete_on_close=False


def outcome(module: ModuleType, name: str, kwargs: dict[str, Any]) -> tuple[str, object]:
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)  # a forgotten object is a failure
        warnings.simplefilter("ignore", DeprecationWarning)  # mode "U" on 3.10
        warnings.simplefilter("ignore", RuntimeWarning)  # binary line buffering
        result = _outcome(module, name, kwargs)
        gc.collect()
    return result


def _outcome(module: ModuleType, name: str, kwargs: dict[str, Any]) -> tuple[str, object]:
    try:
        made = getattr(module, name)(**kwargs)
    except Exception as exc:
        return ("raised", type(exc))
    kind = result_type(name, made)
    try:
        finish(name, made)
    except Exception as exc:
        return ("raised later", type(exc))
    finally:
        del made
    return ("made", kind)


def documented_difference(
    name: str, kwargs: dict[str, Any], ours: tuple[str, object], theirs: tuple[str, object]
) -> bool:
    """Whether the two outcomes differ in a way docs/migrating-from-tempfile.md lists."""
    affixes = [kwargs.get("prefix"), kwargs.get("suffix")]
    if any(isinstance(a, str) and ("/" in a or "\0" in a) for a in affixes):
        return True  # a prefix or suffix with a separator or NUL: always ValueError
    if name in ("TemporaryFile", "SpooledTemporaryFile") and ours[0] == "raised":
        # The name parts are checked by every function, also where the standard
        # library never uses them (O_TMPFILE, a spooled file not rolled over).
        return True
    directory = kwargs.get("dir")
    if name in ("NamedTemporaryFile", "TemporaryFile") and isinstance(directory, (int, float)):
        # The standard library hands dir to io.open as its file: an int is opened
        # as a descriptor, and open()'s other checks come before dir's type.
        return True
    if name == "TemporaryFile" and ours[0] == "made" and theirs[0] == "raised":
        # Once an O_TMPFILE open failed (dir="", say), the standard library uses a
        # named file for the rest of the process, and its name can be refused.
        return isinstance(theirs[1], type) and issubclass(theirs[1], OSError)
    # Spooled: its arguments are checked when it is made, its mode is read-write,
    # and it rolls over into a file with a name (which can be too long).
    return name == "SpooledTemporaryFile"


@pytest.fixture
def twins(temp_root: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, Path]]:
    """Two identical roots, ``<root>/{sub/, file}``: the standard library's, then ours."""
    roots = (temp_root / "stdlib", temp_root / "tempkit")
    for root in roots:
        (root / "sub").mkdir(parents=True)
        (root / "file").write_bytes(b"")
    saved = stdlib_tempfile.tempdir
    # The standard library remembers, for the whole process, that O_TMPFILE failed once.
    tmpfile_works = getattr(stdlib_tempfile, "_O_TMPFILE_WORKS", None)
    yield roots
    stdlib_tempfile.tempdir = saved
    if tmpfile_works is not None:
        setattr(stdlib_tempfile, "_O_TMPFILE_WORKS", tmpfile_works)  # noqa: B010


def listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(call=calls())
def test_the_drop_in_fails_and_succeeds_as_the_standard_library_does(
    twins: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, call: tuple[str, dict[str, Any]]
) -> None:
    name, kwargs = call
    results: list[tuple[str, object]] = []
    modules: tuple[ModuleType, ModuleType] = (stdlib_tempfile, tf)
    for module, root in zip(modules, twins, strict=True):
        setattr(module, "tempdir", str(root))  # where dir=None goes, on each side  # noqa: B010
        monkeypatch.chdir(root)  # where a relative dir goes
        arguments = {k: on_root(v, root) if k == "dir" else v for k, v in kwargs.items()}
        before = listing(root)
        filed = len(_finalizer._attached)
        if name == "SpooledTemporaryFile" and module is stdlib_tempfile:
            # Not compared (see documented_difference); and the standard library's,
            # refusing its arguments, fails again in __del__ (an unraisable error).
            results.append(("not run", None))
            continue
        results.append(outcome(module, name, arguments))
        if module is tf:
            assert listing(root) == before, (name, arguments)
            assert len(_finalizer._attached) == filed, (name, arguments)
        else:
            for left in set(listing(root)) - set(before):  # the standard library's own
                path = root / left
                path.unlink() if not path.is_dir() else os.rmdir(path)
    theirs, ours = results
    if ours != theirs and ours[0] == theirs[0] == "raised":
        # Several bad arguments: which is reported first may differ, but it must
        # be reported as the standard library reports that argument alone.
        monkeypatch.chdir(twins[0])
        alone = {
            outcome(stdlib_tempfile, name, {key: on_root(value, twins[0])})[1]
            if key == "dir"
            else outcome(stdlib_tempfile, name, {key: value})[1]
            for key, value in kwargs.items()
        }
        if ours[1] in alone:
            return
    if ours != theirs:
        assert documented_difference(name, kwargs, ours, theirs), (name, kwargs, theirs, ours)


def test_a_call_both_refuse_is_refused_with_the_same_type(twins: tuple[Path, Path]) -> None:
    # The rule above, on cases picked by hand (each a different check).
    stdlib_root, ours_root = twins
    stdlib_tempfile.tempdir, tf.tempdir = str(stdlib_root), str(ours_root)
    cases: list[tuple[str, dict[str, Any]]] = [
        ("mkstemp", {"prefix": b"a", "suffix": "b"}),
        ("mkdtemp", {"dir": "<root>/missing"}),
        ("mkdtemp", {"dir": "<root>/file"}),
        ("TemporaryDirectory", {"dir": "<root>/x\0"}),
        ("NamedTemporaryFile", {"mode": "w+", "encoding": "no-such-codec"}),
        ("NamedTemporaryFile", {"mode": "w", "buffering": 0}),
        ("NamedTemporaryFile", {"mode": "rw"}),
        ("mkstemp", {"prefix": "a" * 300}),
    ]
    for name, kwargs in cases:
        theirs = outcome(
            stdlib_tempfile, name, {**kwargs, "dir": on_root(kwargs.get("dir"), stdlib_root)}
        )
        ours = outcome(tf, name, {**kwargs, "dir": on_root(kwargs.get("dir"), ours_root)})
        assert theirs[0] == ours[0] == "raised", (name, kwargs, theirs, ours)
        assert theirs == ours, (name, kwargs)
    assert listing(ours_root) == ["file", "sub"]
