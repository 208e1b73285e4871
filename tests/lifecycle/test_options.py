"""The one set of create options: checked once, placed and made where create() would.

Every maker packs its arguments with ``create_options``; these tests pin what the
value holds, that checking it touches nothing, and that its placement shortcut
for text directories gives exactly what the long way (parse, then absolute) gives.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tempkit import BackendPath, MemoryBackend, PosixBackend, TempFilePath, use_backend
from tempkit._flavour import POSIX, WINDOWS
from tempkit.options import (
    DEFAULTS,
    MAKE_DIR,
    MAKE_FILE,
    CreateOptions,
    create_options,
    open_args,
)


def test_no_arguments_give_the_shared_defaults_bound_to_no_backend_yet() -> None:
    assert create_options() is DEFAULTS
    assert CreateOptions(None, None, "tmp", "", 8, "always") == DEFAULTS


def test_any_argument_fixes_the_backend_now() -> None:
    memory = MemoryBackend()
    with use_backend(memory):
        options = create_options(cleanup="never")
    assert options.backend is memory
    assert options.policy == "never"
    assert (options.prefix, options.suffix, options.length) == ("tmp", "", 8)


def test_a_template_sets_prefix_and_length() -> None:
    options = create_options(template="buildXXXXXX", suffix=".log", backend=MemoryBackend())
    assert (options.prefix, options.suffix, options.length) == ("build", ".log", 6)


def test_a_dir_path_brings_its_backend_and_is_kept_as_given() -> None:
    memory = MemoryBackend()
    where = BackendPath("/var/x", backend=memory)
    options = create_options(dir=where)
    assert options.backend is memory
    assert options.dir is where


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"cleanup": "sometimes"}, ValueError),
        ({"dir": 42}, TypeError),
        ({"prefix": "a/b"}, ValueError),
        ({"length": 2}, ValueError),
        ({"template": "abX"}, ValueError),
        ({"template": "aXXX", "prefix": "p"}, ValueError),
    ],
)
def test_bad_arguments_are_refused_without_touching_the_backend(
    arguments: dict[str, object], error: type[Exception]
) -> None:
    memory = MemoryBackend()
    before = memory.scandir("/")
    with pytest.raises(error):
        create_options(backend=memory, **arguments)  # type: ignore[arg-type]
    assert sorted(e.name for e in memory.scandir("/")) == sorted(e.name for e in before)


def test_checking_a_missing_dir_does_no_io(tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    options = create_options(dir=str(missing))
    assert options.dir == str(missing)
    assert not missing.exists()
    with pytest.raises(FileNotFoundError):
        options.make(MAKE_FILE)


def test_make_creates_the_entry_under_a_fresh_name(temp_root: Path) -> None:
    backend, path, made = create_options(prefix="job-", suffix=".d").make(MAKE_DIR)
    assert made is None
    assert isinstance(backend, PosixBackend)
    assert os.path.dirname(path) == str(temp_root)
    name = os.path.basename(path)
    assert name.startswith("job-") and name.endswith(".d") and len(name) == 4 + 8 + 2
    assert stat.S_IMODE(os.lstat(path).st_mode) == 0o700
    os.rmdir(path)


def test_an_opener_makes_the_file_and_returns_it_open(temp_root: Path) -> None:
    args = open_args("w+")
    _, path, file = DEFAULTS.make(args.opener)
    with file:
        file.write("text")
        file.seek(0)
        assert file.read() == "text"
    assert stat.S_IMODE(os.lstat(path).st_mode) == 0o600
    os.unlink(path)


def test_a_relative_dir_is_resolved_against_the_backends_cwd_when_placed() -> None:
    memory = MemoryBackend(cwd="/work")
    options = create_options(dir="build/../out", backend=memory)
    assert options.place() == (memory, "/work/build/../out")


def test_a_replaced_dir_is_placed_instead() -> None:
    memory = MemoryBackend()
    options = create_options(backend=memory)._replace(dir=BackendPath("/var", backend=memory))
    assert options.place() == (memory, "/var")


# -- the shortcut for canonical text ---------------------------------------------------------------
POSIX_TEXT = st.text(alphabet="/.ab", max_size=12)


@given(POSIX_TEXT)
def test_canonical_absolute_text_is_what_parsing_gives_back(text: str) -> None:
    if POSIX.is_canonical_absolute(text):
        drive, root, parts = POSIX.parse(text)
        assert POSIX.format(drive, root, parts) == text
        assert POSIX.is_absolute(drive, root)


@pytest.mark.parametrize("text", ["/", "/a", "/a/b", "/a/..", "/.a/b.", "/a/.b"])
def test_canonical_absolute_text_is_recognised(text: str) -> None:
    assert POSIX.is_canonical_absolute(text)


@pytest.mark.parametrize("text", ["", ".", "a", "a/b", "//a", "/a/", "/a//b", "/./a", "/a/."])
def test_other_text_takes_the_long_way(text: str) -> None:
    assert not POSIX.is_canonical_absolute(text)


def test_windows_text_always_takes_the_long_way() -> None:
    assert not WINDOWS.is_canonical_absolute("c:\\a")


@given(POSIX_TEXT.filter(lambda text: "\0" not in text))
def test_placing_text_gives_what_the_long_way_gives(text: str) -> None:
    memory = MemoryBackend(cwd="/work")
    placed = create_options(dir=text, backend=memory).place()
    assert placed == (memory, str(BackendPath(text, backend=memory).absolute()))


def test_create_with_a_text_dir_lands_in_that_dir(temp_root: Path) -> None:
    sub = temp_root / "sub"
    sub.mkdir()
    for given_dir in (str(sub), str(sub) + "/", str(temp_root) + "//sub/./"):
        created = TempFilePath.create(dir=given_dir)
        assert os.path.dirname(str(created)) == str(sub)
        created.cleanup()
    assert os.listdir(sub) == []
