"""Whole-file reads and writes give exactly what going through ``open()`` gives.

``read_bytes``/``read_text``/``write_bytes``/``write_text`` take one backend call
on a backend with ``read_whole_file``/``write_whole_file`` (the MemoryBackend).
The oracle is the same MemoryBackend with the shortcut switched off, which goes
through ``open()`` and the io stack (itself proven equal to the disk by the
memory-equals-disk test); text coding is also compared with the builtin
``open`` on the real disk.
"""

from __future__ import annotations

import array
import locale
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tempkit import BackendPath, MemoryBackend
from tempkit._whole_files import decode_text, encode_text, whole_file_backend


class OpenOnlyMemory(MemoryBackend):
    """A MemoryBackend whose paths read and write through ``open()`` only."""

    capabilities = MemoryBackend.capabilities._replace(whole_files=False)


def _outcome(action: Callable[[], object]) -> tuple[str, object]:
    try:
        return "ok", action()
    except Exception as exc:
        details = (getattr(exc, "errno", None), getattr(exc, "filename", None), str(exc))
        return type(exc).__name__, details


def _state(mem: MemoryBackend, path: str) -> object:
    try:
        info = mem.stat(path, follow_symlinks=False)
    except OSError as exc:
        return type(exc).__name__
    if not stat.S_ISREG(info.st_mode):
        return stat.filemode(info.st_mode)
    node = mem._tree.resolve(path, follow=False)  # the bytes, whatever the permissions say
    return stat.filemode(info.st_mode), bytes(node.data)  # type: ignore[attr-defined]


def _setup(mem: MemoryBackend) -> None:
    mem.mkdir("/tmp/d")
    with mem.open("/tmp/d/text", "wb") as f:
        f.write(b"one\r\ntwo\rthree\n\xc3\xa9\xff")
    with mem.open("/tmp/d/ro", "wb") as f:
        f.write(b"read only")
    mem.chmod("/tmp/d/ro", 0o400)
    with mem.open("/tmp/d/wo", "wb") as f:
        f.write(b"write only")
    mem.chmod("/tmp/d/wo", 0o200)
    with mem.open("/tmp/d/suid", "wb") as f:
        f.write(b"#!")
    mem.chmod("/tmp/d/suid", 0o4755)
    mem.symlink("text", "/tmp/d/link")
    mem.symlink("new-target", "/tmp/d/dangling")
    mem.mkdir("/tmp/locked")
    mem.chmod("/tmp/locked", 0o500)


U8 = "utf-8"
CASES: list[tuple[str, str, Callable[[BackendPath], object]]] = [
    ("read_bytes", "/tmp/d/text", lambda p: p.read_bytes()),
    ("read_bytes missing", "/tmp/d/missing", lambda p: p.read_bytes()),
    ("read_bytes directory", "/tmp/d", lambda p: p.read_bytes()),
    ("read_bytes write-only", "/tmp/d/wo", lambda p: p.read_bytes()),
    ("read_bytes through link", "/tmp/d/link", lambda p: p.read_bytes()),
    ("read_bytes trailing slash", "/tmp/d/text/", lambda p: p.read_bytes()),
    ("read_text strict", "/tmp/d/text", lambda p: p.read_text(encoding=U8)),
    ("read_text replace", "/tmp/d/text", lambda p: p.read_text(U8, errors="replace")),
    ("read_text surrogates", "/tmp/d/text", lambda p: p.read_text(U8, "surrogateescape")),
    ("read_text latin-1", "/tmp/d/text", lambda p: p.read_text(encoding="latin-1")),
    ("read_text newline ''", "/tmp/d/text", lambda p: p.read_text("latin-1", newline="")),
    ("read_text newline lf", "/tmp/d/text", lambda p: p.read_text("latin-1", newline="\n")),
    ("read_text newline cr", "/tmp/d/text", lambda p: p.read_text("latin-1", newline="\r")),
    ("read_text newline crlf", "/tmp/d/text", lambda p: p.read_text("latin-1", newline="\r\n")),
    ("read_text bad newline", "/tmp/d/text", lambda p: p.read_text(U8, newline="x")),
    ("read_text bad encoding", "/tmp/d/text", lambda p: p.read_text(encoding="no-such")),
    ("read_text missing bad encoding", "/tmp/d/nope", lambda p: p.read_text(encoding="no")),
    ("read_text utf-16", "/tmp/d/text", lambda p: p.read_text(encoding="utf-16")),
    ("read_text not text codec", "/tmp/d/text", lambda p: p.read_text(encoding="hex")),
    # An argument of the wrong type is refused before the file is looked at.
    ("read_text int encoding directory", "/tmp/d", lambda p: p.read_text(encoding=5)),  # type: ignore[arg-type]
    ("read_text int encoding missing", "/tmp/d/nope", lambda p: p.read_text(5)),  # type: ignore[arg-type]
    ("read_text int errors write-only", "/tmp/d/wo", lambda p: p.read_text(U8, 5)),  # type: ignore[arg-type]
    ("read_text bytes newline missing", "/tmp/d/nope", lambda p: p.read_text(U8, newline=b"")),  # type: ignore[arg-type]
    ("write_bytes new", "/tmp/d/new", lambda p: p.write_bytes(b"fresh")),
    ("write_bytes over", "/tmp/d/text", lambda p: p.write_bytes(b"over")),
    ("write_bytes empty", "/tmp/d/text", lambda p: p.write_bytes(b"")),
    (
        "write_bytes array",
        "/tmp/d/new",
        lambda p: p.write_bytes(memoryview(array.array("i", [1, 2]))),
    ),
    ("write_bytes strided", "/tmp/d/new", lambda p: p.write_bytes(memoryview(b"abcdef")[::2])),
    ("write_bytes read-only", "/tmp/d/ro", lambda p: p.write_bytes(b"no")),
    ("write_bytes locked dir", "/tmp/locked/new", lambda p: p.write_bytes(b"no")),
    ("write_bytes directory", "/tmp/d", lambda p: p.write_bytes(b"no")),
    ("write_bytes dangling link", "/tmp/d/dangling", lambda p: p.write_bytes(b"via link")),
    ("write_bytes clears set-user-ID", "/tmp/d/suid", lambda p: p.write_bytes(b"#!/bin/sh")),
    ("write_bytes no parent", "/tmp/nowhere/new", lambda p: p.write_bytes(b"no")),
    ("write_bytes trailing slash", "/tmp/d/new/", lambda p: p.write_bytes(b"no")),
    ("write_bytes over trailing slash", "/tmp/d/text/", lambda p: p.write_bytes(b"no")),
    ("write_bytes through link", "/tmp/d/link", lambda p: p.write_bytes(b"via link")),
    ("write_bytes relative", "tmp/d/new", lambda p: p.write_bytes(b"relative")),
    ("read_bytes read-only", "/tmp/d/ro", lambda p: p.read_bytes()),
    ("write_text", "/tmp/d/new", lambda p: p.write_text("a\nb\n", encoding=U8)),
    ("write_text crlf", "/tmp/d/new", lambda p: p.write_text("a\nb\n", U8, newline="\r\n")),
    ("write_text cr", "/tmp/d/new", lambda p: p.write_text("a\nb\n", U8, newline="\r")),
    ("write_text keep", "/tmp/d/new", lambda p: p.write_text("a\r\nb\n", U8, newline="")),
    ("write_text bom", "/tmp/d/new", lambda p: p.write_text("\xe9", encoding="utf-8-sig")),
    ("write_text utf-16", "/tmp/d/new", lambda p: p.write_text("\xe9", encoding="utf-16")),
    ("write_text unencodable", "/tmp/d/text", lambda p: p.write_text("\xe9", "ascii")),
    ("write_text unencodable new", "/tmp/d/new", lambda p: p.write_text("\xe9", "ascii")),
    ("write_text replace", "/tmp/d/new", lambda p: p.write_text("\xe9!", "ascii", "replace")),
    ("write_text bad newline", "/tmp/d/new", lambda p: p.write_text("x", U8, newline="x")),
    ("write_text bad encoding", "/tmp/d/new", lambda p: p.write_text("x", encoding="nope")),
    ("write_text read-only", "/tmp/d/ro", lambda p: p.write_text("no", encoding=U8)),
    ("write_text not str", "/tmp/d/new", lambda p: p.write_text(b"x", encoding=U8)),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("path", "action"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_the_shortcut_and_open_agree(path: str, action: Callable[[BackendPath], object]) -> None:
    quick, careful = MemoryBackend(), OpenOnlyMemory()
    assert whole_file_backend(quick) is quick
    assert whole_file_backend(careful) is None
    results = []
    for mem in (quick, careful):
        _setup(mem)
        outcome = _outcome(lambda mem=mem: action(BackendPath(path, backend=mem)))  # type: ignore[misc]
        results.append((outcome, {p: _state(mem, p) for p in _watched(path)}))
    assert results[0] == results[1]


# Strings a path object never hands over (pathlib drops a trailing slash and "."),
# given to the backend directly: the whole-file calls take the same checks as open.
RAW_PATHS = [
    "/tmp/d/text",
    "/tmp/d/text/",
    "/tmp/d/new/",
    "/tmp/d/link/",
    "/tmp/d/",
    "/tmp/d/./text",
    "/tmp/d/../d/new",
    "/tmp/d/ro",
    "/tmp/d/wo",
    "/tmp/d/dangling",
    "/tmp/locked/new",
    "tmp/d/text",
]


@pytest.mark.parametrize("path", RAW_PATHS)
@pytest.mark.parametrize("how", ["read", "write"])
def test_the_backend_calls_and_open_agree_on_any_path_string(path: str, how: str) -> None:
    quick = MemoryBackend()

    def by_open() -> object:
        if how == "read":
            with quick.open(path, "rb") as f:
                return f.read()
        with quick.open(path, "wb") as f:
            return f.write(b"new bytes")

    def at_once() -> object:
        if how == "read":
            return quick.read_whole_file(path)
        quick.write_whole_file(path, b"new bytes")
        return len(b"new bytes")

    results = []
    for action in (at_once, by_open):
        quick = MemoryBackend()
        _setup(quick)
        results.append((_outcome(action), {p: _state(quick, p) for p in _watched(path)}))
    assert results[0] == results[1]


def _watched(path: str) -> list[str]:
    return sorted({path.rstrip("/"), "/tmp/d/text", "/tmp/d/new-target", "/tmp/d/new"})


def test_reading_updates_the_access_time_as_open_does() -> None:
    mem = MemoryBackend()
    _setup(mem)
    before = mem.stat("/tmp/d/text").st_atime_ns
    BackendPath("/tmp/d/text", backend=mem).read_bytes()
    assert mem.stat("/tmp/d/text").st_atime_ns >= before
    mem.utime("/tmp/d/text")
    touched = mem.stat("/tmp/d/text")
    BackendPath("/tmp/d/text", backend=mem).write_bytes(b"new")
    after = mem.stat("/tmp/d/text")
    assert after.st_mtime_ns >= touched.st_mtime_ns
    assert after.st_size == 3


def test_a_windows_memory_backend_keeps_its_sharing_rules() -> None:
    mem = MemoryBackend(flavour="windows")
    path = BackendPath("C:\\Temp\\f.txt", backend=mem)
    mem.mkdir("C:\\Temp")
    path.write_text("hello", encoding="utf-8")
    holder = mem.open_delete_on_close("C:\\Temp\\g.txt", "x+b")  # type: ignore[attr-defined]
    try:
        with pytest.raises(PermissionError):
            BackendPath("C:\\Temp\\g.txt", backend=mem).read_bytes()
        with pytest.raises(PermissionError):
            BackendPath("C:\\Temp\\g.txt", backend=mem).write_text("x", encoding="utf-8")
    finally:
        holder.close()
    assert path.read_text(encoding="utf-8") == "hello"


# -- text coding against the builtin open on the real disk ----------------------------------------
TEXTS = ["", "plain", "a\nb\r\nc\rd\n", "\r", "\r\n\r\n", "\xe9t\xe9\n", "\ufeffbom", "tab\there"]
ARGUMENTS: list[dict[str, Any]] = [
    {"encoding": "locale"},  # what read_text() and write_text() without an encoding ask for
    {"encoding": "locale", "newline": ""},
    {"encoding": "utf-8"},
    {"encoding": "UTF8", "newline": ""},
    {"encoding": "utf-8", "newline": "\n"},
    {"encoding": "utf-8", "newline": "\r"},
    {"encoding": "utf-8", "newline": "\r\n"},
    {"encoding": "utf-8-sig"},
    {"encoding": "latin-1", "errors": "strict"},
    {"encoding": "cp1252", "errors": "replace"},
    {"encoding": "ascii", "errors": "backslashreplace"},
]


@pytest.mark.parametrize("arguments", ARGUMENTS, ids=lambda a: "-".join(map(repr, a.values())))
def test_coding_equals_the_builtin_open(arguments: dict[str, Any], tmp_path: Path) -> None:
    file = tmp_path / "f"
    coding = (arguments["encoding"], arguments.get("errors"), arguments.get("newline"))
    for text in TEXTS:
        try:
            with open(file, "w", **arguments) as f:
                f.write(text)
        except UnicodeError:
            assert encode_text(text, *coding) is None
            continue
        stored = file.read_bytes()
        assert encode_text(text, *coding) == stored
        with open(file, **arguments) as f:
            assert decode_text(stored, *coding) == f.read()


@pytest.mark.parametrize("name", ["C", "C.UTF-8"])
def test_the_locale_encoding_follows_setlocale_as_the_io_stack_does(
    name: str, tmp_path: Path
) -> None:
    # The C locale's codec is ASCII (UTF-8 in UTF-8 mode, on 3.10 also for "locale"):
    # whatever open() picks at this moment, the shortcut picks too.
    file = tmp_path / "f"
    saved = locale.setlocale(locale.LC_CTYPE)
    try:
        locale.setlocale(locale.LC_CTYPE, name)
        for text in ["plain", "\xe9t\xe9"]:
            try:
                with open(file, "w", encoding="locale") as f:
                    f.write(text)
            except UnicodeError:
                assert encode_text(text, "locale", None, None) is None
                continue
            stored = file.read_bytes()
            assert encode_text(text, "locale", None, None) == stored
            with open(file, encoding="locale") as f:
                assert decode_text(stored, "locale", None, None) == f.read()
        with open(file, "wb") as f:
            f.write(b"\xc3\xa9")
        try:
            with open(file, encoding="locale") as f:
                expected: str | None = f.read()
        except UnicodeError:
            expected = None
        assert decode_text(b"\xc3\xa9", "locale", None, None) == expected
    finally:
        locale.setlocale(locale.LC_CTYPE, saved)


def test_arguments_only_the_io_stack_can_judge_are_left_to_it() -> None:
    assert decode_text(b"x", "utf-16", None, None) is None
    assert decode_text(b"x", "utf-8", None, "x") is None
    assert decode_text(b"x", "utf-8", 3, None) is None  # type: ignore[arg-type]
    assert decode_text(b"x", "no-such-codec", None, None) is None
    assert decode_text(b"\xff", "utf-8", None, None) is None
    assert encode_text("\xe9", "ascii", None, None) is None
    assert encode_text("x", "utf-8", None, ["\n"]) is None  # type: ignore[arg-type]
    assert encode_text("a\nb", "utf-8", None, None) == f"a{os.linesep}b".encode()
