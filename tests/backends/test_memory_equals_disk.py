"""Proof that memory equals disk: random operation sequences, run on both, must agree.

A Hypothesis state machine applies each operation to a fresh MemoryBackend
and to the PosixBackend under a real directory, and compares what came back:
the value, or the exception's type, errno, strerror and file names. After
every step it also compares a snapshot of the whole tree (types, permission
bits, sizes, link counts, file contents, symlink targets).

The disk side runs in one unprivileged child process for the whole test
(``tests.disk_worker``): root ignores permission bits, and the point is to
prove that the memory backend enforces them exactly as Linux does for an
ordinary user. Hypothesis itself runs here, so shrinking and the falsifying
example report work as usual.

TEMPKIT_MEMORY_EQUALS_DISK_EXAMPLES sets the number of examples (default
2000, what CI runs); TEMPKIT_MEMORY_EQUALS_DISK_STEPS the steps per example.
"""

from __future__ import annotations

import functools
import itertools
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, ClassVar, NamedTuple

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    initialize,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tempkit import BackendPath, CleanupError, MemoryBackend, PosixBackend
from tempkit.backends.protocol import Backend
from tests.support.processes import NOBODY_GID, NOBODY_UID, DiskWorker

EXAMPLES = int(os.environ.get("TEMPKIT_MEMORY_EQUALS_DISK_EXAMPLES", "2000"))
STEPS = int(os.environ.get("TEMPKIT_MEMORY_EQUALS_DISK_STEPS", "30"))
TEMP_FS_EXAMPLES = int(os.environ.get("TEMPKIT_MEMORY_EQUALS_DISK_TEMP_FS_EXAMPLES", "40"))
MAX_OPEN_FILES = 4

Outcome = tuple[object, ...]


# -- one side: a backend and its open files ------------------------------------------
class Side:
    """What one side of the comparison operates on."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.files: dict[int, IO[Any]] = {}


def describe(exc: BaseException) -> Outcome:
    """What must be equal about an exception on both sides."""
    if isinstance(exc, CleanupError):
        # Which entries failed and why; the inner errors' file names depend on
        # how each backend walks (relative to a descriptor or by path).
        failed = sorted((path, type(e).__name__, e.errno) for path, e in exc.errors)
        return ("CleanupError", exc.errno, exc.filename, tuple(failed))
    if isinstance(exc, OSError):
        return (type(exc).__name__, exc.errno, exc.strerror, exc.filename, exc.filename2)
    return (type(exc).__name__, str(exc))


def outcome(function: Callable[..., object], *args: Any) -> Outcome:
    """("ok", value) or the description of what ``function(*args)`` raised."""
    try:
        return ("ok", function(*args))
    except Exception as exc:
        return describe(exc)


# -- operations: the same code runs on each side ------------------------------------
class DirectoryRules(NamedTuple):
    """Which directory stat fields this disk reports as ext4 does (and the memory backend)."""

    size: bool  # st_size 4096 for a small directory (tmpfs counts entries instead)
    links: bool  # st_nlink 2 + subdirectories (btrfs says 1)


def summarize(st_result: os.stat_result, rules: DirectoryRules) -> tuple[object, ...]:
    """The stat fields that must match: type, permission bits, size and link count.

    A directory's size and link count are compared only where the disk's
    filesystem computes them as the memory backend does (see DirectoryRules).
    """
    mode = st_result.st_mode
    fields: tuple[object, ...] = (stat.S_IFMT(mode), stat.S_IMODE(mode))
    is_dir = stat.S_ISDIR(mode)
    if not is_dir or rules.size:
        fields += (st_result.st_size,)
    if not is_dir or rules.links:
        fields += (st_result.st_nlink,)
    return fields


def _encoding(mode: str) -> str | None:
    return None if "b" in mode else "utf-8"


def op_mkdir(side: Side, path: str, perm: int) -> None:
    side.backend.mkdir(path, perm)


def op_create(side: Side, path: str, perm: int) -> None:
    side.backend.create_file(path, perm)


def op_write(side: Side, path: str, mode: str, data: str | bytes) -> int:
    with side.backend.open(path, mode, encoding=_encoding(mode)) as f:
        return f.write(data)


def op_read(side: Side, path: str, mode: str) -> str | bytes:
    with side.backend.open(path, mode, encoding=_encoding(mode)) as f:
        data: str | bytes = f.read()
        return data


def op_path_io(
    side: Side, how: str, path: str, payload: tuple[str, bytes], newline: str | None
) -> object:
    """Whole-file I/O through the path API (which backends may serve without a file object).

    ``how`` is the method, and for text the encoding: "utf-8", or "default" for
    none (the locale's, as ``read_text()`` in most code).
    """
    target = BackendPath(path, backend=side.backend)
    method, _, coding = how.partition(" ")
    encoding = None if coding == "default" else "utf-8"
    if method == "read_bytes":
        return target.read_bytes()
    if method == "read_text":
        return target.read_text(encoding=encoding, newline=newline)
    if method == "write_bytes":
        return target.write_bytes(payload[1])
    return target.write_text(payload[0], encoding=encoding, newline=newline)


def op_open(
    side: Side, slot: int, path: str, mode: str, buffering: int, newline: str | None
) -> bool:
    side.files[slot] = side.backend.open(path, mode, buffering, _encoding(mode), None, newline)
    return "b" in mode


def op_file(side: Side, slot: int, method: str, *args: Any) -> object:
    result: object = getattr(side.files[slot], method)(*args)
    return result


def op_close(side: Side, slot: int) -> None:
    side.files.pop(slot).close()


def op_rename(side: Side, how: str, src: str, dst: str) -> None:
    getattr(side.backend, how)(src, dst)


def op_unlink(side: Side, path: str) -> None:
    side.backend.unlink(path)


def op_rmdir(side: Side, path: str) -> None:
    side.backend.rmdir(path)


def op_chmod(side: Side, path: str, mode: int, follow: bool) -> None:
    side.backend.chmod(path, mode, follow_symlinks=follow)


def op_symlink(side: Side, target: str, path: str) -> None:
    side.backend.symlink(target, path)


def read_raw(side: Side, path: str) -> bytes:
    """A file's bytes through the raw layer alone (the snapshot reads every file, every step)."""
    with side.backend.open(path, "rb", buffering=0) as f:
        data: bytes = f.read()
        return data


def op_readlink(side: Side, path: str) -> str:
    return side.backend.readlink(path)


def op_utime(side: Side, path: str) -> None:
    side.backend.utime(path)


def op_stat(side: Side, path: str, follow: bool, rules: DirectoryRules) -> object:
    return summarize(side.backend.stat(path, follow_symlinks=follow), rules)


def op_scandir(side: Side, path: str) -> object:
    """Each entry's name and type answers, sorted by name (listing order is the filesystem's)."""
    entries = sorted(side.backend.scandir(path), key=lambda entry: entry.name)
    return [
        (
            entry.name,
            outcome(entry.is_dir),
            outcome(functools.partial(entry.is_dir, follow_symlinks=False)),
            outcome(entry.is_file),
            entry.is_symlink(),
        )
        for entry in entries
    ]


def op_realpath(side: Side, path: str, strict: bool) -> str:
    return side.backend.realpath(path, strict=strict)


def op_rmtree(side: Side, path: str) -> None:
    side.backend.rmtree(path)


def op_snapshot(side: Side, root: str, rules: DirectoryRules) -> list[tuple[object, ...]]:
    """Everything observable about the tree below (and including) ``root``."""
    backend = side.backend
    seen: list[tuple[object, ...]] = []
    pending = [root]
    while pending:
        directory = pending.pop()
        try:
            names = sorted(entry.name for entry in backend.scandir(directory))
        except OSError as exc:
            seen.append((directory, "list", *describe(exc)))
            continue
        for name in names:
            path = directory + "/" + name
            try:
                info = backend.stat(path, follow_symlinks=False)
            except OSError as exc:
                seen.append((path, "lstat", *describe(exc)))
                continue
            seen.append((path, *summarize(info, rules)))
            if stat.S_ISDIR(info.st_mode):
                pending.append(path)
            elif stat.S_ISLNK(info.st_mode):
                seen.append((path, "target", backend.readlink(path)))
            else:
                seen.append((path, "contents", *outcome(read_raw, side, path)))
    seen.append((root, *summarize(backend.stat(root), rules)))
    return seen


def op_begin(side: Side, root: str) -> None:
    """Start an example on the disk: an empty private root, made the cwd."""
    os.mkdir(root, 0o700)
    os.chdir(root)


def op_end(side: Side, root: str) -> list[Outcome]:
    """Close every open file, then remove the root; what each step gave."""
    results = [outcome(op_close, side, slot) for slot in sorted(side.files)]
    results.append(outcome(op_rmtree, side, root))
    return results


def probe_directories(side: Side, base: str) -> DirectoryRules:
    """How this filesystem reports a directory's size and links."""
    top = base + "/probe"
    os.mkdir(top)
    os.mkdir(top + "/sub")
    info = os.stat(top)
    os.rmdir(top + "/sub")
    os.rmdir(top)
    return DirectoryRules(size=info.st_size == 4096, links=info.st_nlink == 3)


# The disk side: lives in the worker process (a fork of this one).
_DISK = Side(PosixBackend())


def on_disk(operation: Callable[..., object], *args: Any) -> object:
    """Run ``operation`` on the disk side; called in the worker process."""
    return operation(_DISK, *args)


Step = tuple[Callable[..., object], tuple[Any, ...]]
StepResult = tuple[Outcome, Outcome]


def example_on_disk(
    root: str, rules: DirectoryRules, steps: list[Step]
) -> tuple[list[StepResult], list[Outcome]]:
    """A whole example on the disk side, in the worker: each step's outcome and tree, then the end.

    One round trip per example: the memory side runs each step at once and the
    comparison happens at the end, so the disk's answers need not be awaited
    step by step (on a busy machine every wake-up of the worker costs a time slice).
    """
    op_begin(_DISK, root)
    results = [
        (outcome(operation, _DISK, *args), outcome(op_snapshot, _DISK, root, rules))
        for operation, args in steps
    ]
    return results, op_end(_DISK, root)


# -- what the machine draws ------------------------------------------------------------
NAMES = ("a", "b", "c")
_DEPTH1 = list(NAMES)
_DEPTH2 = [f"{x}/{y}" for x in NAMES for y in NAMES]
_DEPTH3 = [f"{x}/{y}/{z}" for x in NAMES for y in NAMES for z in NAMES]
# Dots and trailing slashes: a ".." only ever follows a name, so no path leaves the root.
_SPECIAL = [
    "a/",
    "b/",
    "a/b/",
    "a/.",
    "a/..",
    "a/./b",
    "a/../b",
    "a/b/..",
    "a/b/../c",
    "./a",
    "a//b",
]
# Names the kernel sees as bytes: a lone surrogate is refused by os before any
# system call (UnicodeEncodeError), an escaped byte is a name of its own, and
# escaped UTF-8 bytes name the same entry as the character they encode.
_ODD_NAMES = ["\ud800", "a/\udfffb", "\udcff", "\udcc3\udca9", "\u00e9", "a/\u00e9"]
# One flat list per argument: a single draw is much cheaper for Hypothesis than
# a combination of strategies, and repeating the shallow paths weights them up.
# (absolute?, relative part): absolute paths go through the root, relative ones
# through the current directory, which is the root on both sides.
_RELATIVE = _DEPTH1 * 9 + _DEPTH2 * 3 + _DEPTH3 + _SPECIAL * 2 + _ODD_NAMES
PATHS = st.sampled_from([(absolute, path) for path in _RELATIVE for absolute in (False, True)])
# Link targets never contain "..", so following a link never leaves the root either.
TARGETS = st.sampled_from(
    [
        (absolute, path)
        for path in [*_DEPTH1, *_DEPTH2, "a/", "a/./b", "b//c", "\ud800", "\udcc3\udca9"]
        for absolute in (False, True)
    ]
)
DIR_PERMS = st.sampled_from([0o700, 0o777, 0o755, 0o500, 0o300, 0o600, 0o100, 0o000, 0o2775])
FILE_PERMS = st.sampled_from([0o600, 0o666, 0o644, 0o400, 0o200, 0o000, 0o4755, 0o2755])
CHMOD_MODES = st.sampled_from(
    [0o700, 0o755, 0o644, 0o600, 0o500, 0o400, 0o300, 0o200, 0o100, 0o000, 0o1777, 0o2755, 0o4755]
)
FILE_MODES = st.sampled_from(
    [
        *(m + b + p for m in "rwax" for b in ("", "b") for p in ("", "+")),
        "rw",
        "rbt",
        "r++",
        "b",
        "",
    ]
)
ONE_SHOT_WRITE_MODES = st.sampled_from(["w", "wb", "a", "ab", "x", "xb", "r+", "rb+", "w+", "a+b"])
BUFFERING = st.sampled_from([-1, -1, 0, 1, 3, 4096])
NEWLINES = st.sampled_from([None, None, "", "\n", "\r", "\r\n"])
# Text with newlines of every kind and multi-byte characters; bytes are its UTF-8
# encoding, or invalid UTF-8, so text handles also meet undecodable data.
_TEXTS = ["", "a", "ab\n", "\r\n", "x\ry", "\u00e9\u20ac\n", "0123456789abcdef"]
PAYLOADS = st.sampled_from(
    [(text, text.encode("utf-8")) for text in _TEXTS] + [("\u00ff", b"\xff\xfe"), ("z", b"\0\0")]
)
# What a rule does with an open file: method and arguments (data is added for "write").
FILE_ACTIONS = st.sampled_from(
    [
        ("write", ()),
        ("write", ()),
        ("read", (-1,)),
        ("read", (0,)),
        ("read", (2,)),
        ("read", (100,)),
        ("readline", (-1,)),
        ("readline", (1,)),
        ("seek", (0, 0)),
        ("seek", (3, 0)),
        ("seek", (20, 0)),
        ("seek", (-1, 0)),
        ("seek", (0, 1)),
        ("seek", (-2, 1)),
        ("seek", (0, 2)),
        ("seek", (-3, 2)),
        ("tell", ()),
        ("flush", ()),
        ("truncate", (None,)),
        ("truncate", (0,)),
        ("truncate", (2,)),
        ("truncate", (15,)),
        ("truncate", (-1,)),
        ("readable", ()),
        ("writable", ()),
    ]
)
SLOTS = st.sampled_from(range(MAX_OPEN_FILES))
BOOLEANS = st.sampled_from([False, True])

PathSpec = tuple[bool, str]
# Paths that were created during the example: most operations pick one of
# these, or a new name inside one, so they meet entries that exist (random
# paths alone mostly meet ENOENT).
entries: Bundle[PathSpec] = Bundle("entries")


def _inside(spec: PathSpec, name: str) -> PathSpec:
    return (spec[0], spec[1].rstrip("/") + "/" + name)


SOME_PATH = st.one_of(
    entries,
    entries,
    st.builds(_inside, entries, st.sampled_from([*NAMES, *NAMES, "\u00e9", "\udcc3\udca9"])),
    PATHS,
)


def _without_parent_steps(spec: PathSpec) -> PathSpec:
    """The entry as a link target, with any ".." step made a plain name."""
    return (spec[0], "/".join("a" if part == ".." else part for part in spec[1].split("/")))


# Link targets never contain "..", so following a link never leaves the root.
# (st.builds rather than Bundle.filter, which hypothesis leaves untyped.)
SOME_TARGET = st.one_of(TARGETS, st.builds(_without_parent_steps, entries))


class MemoryEqualsDisk(RuleBasedStateMachine):
    """Every rule runs on both sides and asserts the two outcomes are equal."""

    worker: ClassVar[DiskWorker]
    base: ClassVar[str]
    directory_rules: ClassVar[DirectoryRules]
    examples: ClassVar[Iterator[int]]
    started: ClassVar[int] = 0

    def __init__(self) -> None:
        super().__init__()
        type(self).started += 1
        self.root = f"{self.base}/ex{next(self.examples)}"
        memory = MemoryBackend(cwd=self.root, umask=0o022)
        memory.chmod(self.root, 0o700)
        self.memory = Side(memory)
        self.binary: dict[int, bool] = {}  # open slot -> opened in binary mode
        self.steps: list[Step] = []  # what the disk side will replay
        self.expected: list[StepResult] = []  # what each step gave on memory

    # -- plumbing ------------------------------------------------------------------
    def both(self, operation: Callable[..., object], *args: Any) -> Outcome:
        """Run ``operation`` on memory now, and queue it for the disk side.

        ``teardown`` runs the queued steps on the disk and compares every
        outcome and every tree snapshot, reporting the first difference.
        """
        on_memory = outcome(operation, self.memory, *args)
        memory_tree = outcome(op_snapshot, self.memory, self.root, self.directory_rules)
        self.steps.append((operation, args))
        self.expected.append((on_memory, memory_tree))
        return on_memory

    def at(self, spec: PathSpec) -> str:
        absolute, relative = spec
        return f"{self.root}/{relative}" if absolute else relative

    def created(self, result: Outcome, path: PathSpec) -> MultipleResults[PathSpec]:
        """What a creating rule adds to the entries bundle: its path, if it worked."""
        return multiple(path) if result[0] == "ok" else multiple()

    # -- namespace -------------------------------------------------------------------
    @initialize(target=entries)
    def seed(self) -> MultipleResults[PathSpec]:
        """Start from a small tree (a directory with a file, a file), compared like any step."""
        self.both(op_mkdir, f"{self.root}/a", 0o755)
        self.both(op_write, "a/f", "w", "a file\n")
        self.both(op_write, f"{self.root}/b", "wb", b"bytes")
        return multiple((False, "a"), (True, "a/f"), (False, "b"), (True, "c"))

    @rule(target=entries, path=SOME_PATH, perm=DIR_PERMS)
    def mkdir(self, path: PathSpec, perm: int) -> MultipleResults[PathSpec]:
        return self.created(self.both(op_mkdir, self.at(path), perm), path)

    @rule(target=entries, path=SOME_PATH, perm=FILE_PERMS)
    def create_file(self, path: PathSpec, perm: int) -> MultipleResults[PathSpec]:
        return self.created(self.both(op_create, self.at(path), perm), path)

    @rule(target=entries, path=SOME_PATH, mode=ONE_SHOT_WRITE_MODES, payload=PAYLOADS)
    def write_file(
        self, path: PathSpec, mode: str, payload: tuple[str, bytes]
    ) -> MultipleResults[PathSpec]:
        data = payload[1] if "b" in mode else payload[0]
        return self.created(self.both(op_write, self.at(path), mode, data), path)

    @rule(
        target=entries,
        path=SOME_PATH,
        how=st.sampled_from(
            [
                "read_bytes",
                "read_text default",
                "read_text utf-8",
                "write_bytes",
                "write_text default",
                "write_text utf-8",
            ]
        ),
        payload=PAYLOADS,
        newline=NEWLINES,
    )
    def path_io(
        self, path: PathSpec, how: str, payload: tuple[str, bytes], newline: str | None
    ) -> MultipleResults[PathSpec]:
        where = self.at(path)
        return self.created(self.both(op_path_io, how, where, payload, newline), path)

    @rule(path=SOME_PATH, mode=st.sampled_from(["r", "rb", "r+", "a+", "w+b"]))
    def read_file(self, path: PathSpec, mode: str) -> None:
        self.both(op_read, self.at(path), mode)

    @rule(
        target=entries,
        src=SOME_PATH,
        dst=SOME_PATH,
        how=st.sampled_from(["rename", "replace", "rename_noreplace"]),
    )
    def rename(self, src: PathSpec, dst: PathSpec, how: str) -> MultipleResults[PathSpec]:
        return self.created(self.both(op_rename, how, self.at(src), self.at(dst)), dst)

    @rule(path=SOME_PATH, how=st.sampled_from([op_unlink, op_rmdir, op_rmtree]))
    def remove(self, path: PathSpec, how: Callable[[Side, str], None]) -> None:
        """unlink, rmdir, or the cleanup of a whole tree."""
        self.both(how, self.at(path))

    @rule(path=SOME_PATH, mode=CHMOD_MODES, follow=BOOLEANS)
    def chmod(self, path: PathSpec, mode: int, follow: bool) -> None:
        self.both(op_chmod, self.at(path), mode, follow)

    @rule(target=entries, link_target=SOME_TARGET, path=SOME_PATH)
    def symlink(self, link_target: PathSpec, path: PathSpec) -> MultipleResults[PathSpec]:
        return self.created(self.both(op_symlink, self.at(link_target), self.at(path)), path)

    @rule(
        path=st.one_of(SOME_PATH, st.just((True, "."))),
        how=st.sampled_from(
            ["stat", "lstat", "readlink", "utime", "iterdir", "realpath", "strict realpath"]
        ),
    )
    def inspect(self, path: PathSpec, how: str) -> None:
        """The operations that look (or only touch times): stat, readlink, iterdir, ..."""
        where = self.at(path)
        if how in ("stat", "lstat"):
            self.both(op_stat, where, how == "stat", self.directory_rules)
        elif how == "readlink":
            self.both(op_readlink, where)
        elif how == "utime":
            self.both(op_utime, where)
        elif how == "iterdir":
            self.both(op_scandir, where)
        else:
            # Always absolute: the error file names of a relative realpath
            # differ between Python versions.
            self.both(op_realpath, f"{self.root}/{path[1]}", how == "strict realpath")

    # -- open files ------------------------------------------------------------------
    @precondition(lambda self: len(self.binary) < MAX_OPEN_FILES)
    @rule(target=entries, path=SOME_PATH, mode=FILE_MODES, buffering=BUFFERING, newline=NEWLINES)
    def open(
        self, path: PathSpec, mode: str, buffering: int, newline: str | None
    ) -> MultipleResults[PathSpec]:
        slot = next(i for i in range(MAX_OPEN_FILES) if i not in self.binary)
        if "b" in mode:
            newline = None  # refused for binary modes: the unit tests check that
        result = self.both(op_open, slot, self.at(path), mode, buffering, newline)
        if result[0] == "ok":
            self.binary[slot] = bool(result[1])
        return self.created(result, path)

    def _slot(self, index: int) -> int:
        return sorted(self.binary)[index % len(self.binary)]

    @precondition(lambda self: self.binary)
    @rule(index=SLOTS, action=FILE_ACTIONS, payload=PAYLOADS)
    def use_file(
        self, index: int, action: tuple[str, tuple[object, ...]], payload: tuple[str, bytes]
    ) -> None:
        slot = self._slot(index)
        method, args = action
        if method == "write":
            args = (payload[1] if self.binary[slot] else payload[0],)
        self.both(op_file, slot, method, *args)

    @precondition(lambda self: self.binary)
    @rule(index=SLOTS, action=FILE_ACTIONS, payload=PAYLOADS)
    def use_file_again(
        self, index: int, action: tuple[str, tuple[object, ...]], payload: tuple[str, bytes]
    ) -> None:
        """The same as ``use_file``: a second rule doubles how often files are used."""
        self.use_file(index, action, payload)

    @precondition(lambda self: self.binary)
    @rule(index=SLOTS)
    def close_file(self, index: int) -> None:
        slot = self._slot(index)
        del self.binary[slot]
        self.both(op_close, slot)

    def teardown(self) -> None:
        memory_end = op_end(self.memory, self.root)
        disk_steps, disk_end = self.worker.call(
            example_on_disk, self.root, self.directory_rules, self.steps
        )
        for number, ((operation, args), expected, got) in enumerate(
            zip(self.steps, self.expected, disk_steps, strict=True), start=1
        ):
            (on_memory, memory_tree), (on_disk, disk_tree) = expected, got
            call = f"step {number}, {operation.__name__}{args!r}"
            assert on_memory == on_disk, f"{call}: memory gave {on_memory!r}, disk {on_disk!r}"
            assert memory_tree == disk_tree, (
                f"after {call}: memory tree {memory_tree!r}, disk tree {disk_tree!r}"
            )
        assert memory_end == disk_end, f"teardown: memory {memory_end!r}, disk {disk_end!r}"


def warm_up(directory: Path) -> None:
    """Run every operation once here, before the fork.

    The worker may not import anything once it has dropped root, so whatever
    the operations load on first use (ctypes for renameat2, codecs) must be
    loaded already.
    """
    side = Side(PosixBackend())
    root = str(directory / "warm-up")
    os.mkdir(root)
    op_write(side, root + "/f", "w", "\u00e9")
    op_read(side, root + "/f", "r")
    for how in ("read_bytes", "read_text default", "write_bytes", "write_text default"):
        op_path_io(side, how, root + "/f", ("\u00e9", b"x"), None)
    op_rename(side, "rename_noreplace", root + "/f", root + "/g")
    op_symlink(side, "g", root + "/l")
    op_snapshot(side, root, DirectoryRules(size=True, links=True))
    op_scandir(side, root)
    op_realpath(side, root + "/l", True)
    op_rmtree(side, root)
    for failing in (op_rmdir, op_unlink, op_readlink):
        outcome(failing, side, root + "/missing")


def run_machine(worker: DiskWorker, base: str, examples: int) -> int:
    """Run the state machine for ``examples`` examples under ``base``; return how many ran."""
    machine: type[MemoryEqualsDisk] = type(
        "MemoryEqualsDiskRun",
        (MemoryEqualsDisk,),
        {
            "worker": worker,
            "base": base,
            "directory_rules": worker.call(on_disk, probe_directories, base),
            "examples": itertools.count(),
            "started": 0,
        },
    )
    run_machine: Callable[..., None] = run_state_machine_as_test
    run_machine(
        machine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            print_blob=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    return machine.started


@contextmanager
def unprivileged_directory(parent: str) -> Iterator[str]:
    """A fresh directory in ``parent`` owned by the user the worker runs as."""
    if os.geteuid() != 0:
        pytest.skip("dropping privileges needs root")
    path = tempfile.mkdtemp(prefix="tempkit-equal-", dir=parent)
    os.chown(path, NOBODY_UID, NOBODY_GID)
    try:
        yield path
    finally:
        shutil.rmtree(path)


def _ram_disk() -> str | None:
    """/dev/shm when it is a writable tmpfs: the same kernel rules, without disk latency."""
    if sys.platform != "linux" or not os.path.isdir("/dev/shm"):
        return None
    with open("/proc/self/mounts", encoding="utf-8") as mounts:
        for line in mounts:
            fields = line.split()
            if len(fields) > 2 and fields[1] == "/dev/shm" and fields[2] == "tmpfs":
                return "/dev/shm"
    return None


@pytest.fixture
def disk_worker(tmp_path: Path) -> Iterator[DiskWorker]:
    warm_up(tmp_path)
    with DiskWorker(umask=0o022) as worker:
        yield worker


@pytest.mark.filterwarnings("ignore:line buffering:RuntimeWarning")
def test_memory_equals_disk(disk_worker: DiskWorker) -> None:
    """The main run: thousands of examples against the kernel, on a tmpfs where there is one.

    tmpfs is a real filesystem with the kernel's own lookup, permission and
    rename rules; only its directory sizes differ, and those are compared in
    the run below on the temp root's filesystem.
    """
    parent = _ram_disk() or tempfile.gettempdir()
    with unprivileged_directory(parent) as base:
        assert run_machine(disk_worker, base, EXAMPLES) >= EXAMPLES


@pytest.mark.filterwarnings("ignore:line buffering:RuntimeWarning")
def test_memory_equals_disk_on_the_temp_filesystem(disk_worker: DiskWorker) -> None:
    """Fewer examples on the filesystem of the system temp dir (slow metadata, ext4 here)."""
    with unprivileged_directory(tempfile.gettempdir()) as base:
        assert run_machine(disk_worker, base, TEMP_FS_EXAMPLES) >= TEMP_FS_EXAMPLES
