"""``tempkit mktemp`` against the real GNU ``mktemp`` of this machine.

Every argument set runs through both tools in subprocesses, in the same
directories and environment. They must agree on the exit status, on whether
stdout and stderr are empty, on what kind of object the printed name is (file,
directory, nothing), on its mode, and on the name's shape: same directory,
same length, same text around the random part, random part in [A-Za-z0-9].
What each tool created is read back from the disk, so a failure that leaves
something behind is caught too.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import string
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.clitools import TEMPKIT, is_gnu_coreutils, run_main_in_child, tempkit, tree
from tests.support.processes import run_unprivileged

GNU_MKTEMP = shutil.which("mktemp")


pytestmark = pytest.mark.skipif(
    not is_gnu_coreutils(GNU_MKTEMP), reason="needs GNU coreutils mktemp"
)

RANDOM_CHAR = "[A-Za-z0-9]"


@dataclass(frozen=True)
class Case:
    """One argument set. ``random``/``suffix`` describe the name when it succeeds."""

    args: tuple[str, ...]
    ok: bool
    random: int = 0
    suffix: str = ""
    tmpdir: str | None = "{tmp}"  # $TMPDIR; None removes it
    umask: int = 0o022

    def __str__(self) -> str:
        return " ".join(self.args) or "(no args)"


CASES = [
    # defaults: tmp.XXXXXXXXXX in $TMPDIR
    Case((), ok=True, random=10),
    Case(("-d",), ok=True, random=10),
    Case(("-q",), ok=True, random=10),
    Case(("-u",), ok=True, random=10),
    Case(("-d", "-u"), ok=True, random=10),
    Case((), ok=True, random=10, umask=0o077),
    Case(("-d",), ok=True, random=10, umask=0o077),
    Case((), ok=True, random=10, umask=0o266),
    Case(("-d",), ok=True, random=10, umask=0o266),
    # a template is relative to the cwd unless a directory option is given
    Case(("build.XXXXXX",), ok=True, random=6),
    Case(("-d", "build.XXX"), ok=True, random=3),
    Case(("{work}/abs.XXXXX",), ok=True, random=5),
    Case(("XXXXXX",), ok=True, random=6),
    Case(("aXXXbXXX",), ok=True, random=3),
    # X not at the end: the text after the last X is the suffix
    Case(("fooXXXbar",), ok=True, random=3, suffix="bar"),
    Case(("--suffix=.txt", "fooXXXX"), ok=True, random=4, suffix=".txt"),
    Case(("-d", "--suffix", ".d", "dirXXX"), ok=True, random=3, suffix=".d"),
    Case(("--suffix=.txt", "fooXXXbar"), ok=False),
    Case(("--suffix=a/b", "fooXXX"), ok=False),
    Case(("fooXXX/bar",), ok=False),
    # too few X's, no X's, empty template: refused, even with -q
    Case(("foo.XX",), ok=False),
    Case(("-q", "foo.XX"), ok=False),
    Case(("nox",), ok=False),
    Case(("",), ok=False),
    # -p / --tmpdir: DIR, else $TMPDIR, else /tmp
    Case(("-p", "{other}"), ok=True, random=10),
    Case(("-p", "{other}/", "x.XXX"), ok=True, random=3),
    Case(("-p{other}", "x.XXX"), ok=True, random=3),
    Case(("-dp", "{other}"), ok=True, random=10),
    Case(("-p", ""), ok=True, random=10),
    Case(("--tmpdir={other}", "y.XXXXX"), ok=True, random=5),
    Case(("--tmpdir", "y.XXXXX"), ok=True, random=5),  # a bare --tmpdir takes no DIR
    Case(("--tmp", "sub/z.XXX"), ok=True, random=3),
    Case(("--tmpdir", "{work}/abs.XXX"), ok=False),
    Case(("--tmpdir", "missing/z.XXX"), ok=False),
    Case(("-u", "--tmpdir"), ok=True, random=10, tmpdir=None),
    Case(("-u", "--tmpdir"), ok=True, random=10, tmpdir=""),
    Case(("-u", "-p", "/"), ok=True, random=10),
    # -t: $TMPDIR wins over -p; the template must be a bare name
    Case(("-t", "t.XXXX"), ok=True, random=4),
    Case(("-t", "-p", "{other}", "t.XXXX"), ok=True, random=4),
    Case(("-t", "-p", "{other}", "t.XXXX"), ok=True, random=4, tmpdir=""),
    Case(("-t", "a/t.XXXX"), ok=False),
    Case(("-u", "-t"), ok=True, random=10, tmpdir=None),
    # a directory that is missing or is a file
    Case(("-p", "{missing}"), ok=False),
    Case(("-q", "-p", "{missing}"), ok=False),
    Case(("-d", "-p", "{missing}"), ok=False),
    Case(("-u", "-p", "{missing}"), ok=True, random=10),  # GNU: only an existing name fails
    Case(("-p", "{file}"), ok=False),
    Case(("-u", "-p", "{file}"), ok=False),
    Case(("-d", "-q", "-p", "{file}"), ok=False),
    # GNU getopt: options after the template, abbreviated long options, "--"
    Case(("x.XXXX", "-d"), ok=True, random=4),
    Case(("x.XXXX", "-p", "{other}", "-u"), ok=True, random=4),
    Case(("--dir", "d.XXX"), ok=True, random=3),
    Case(("--dr", "--q", "d.XXX"), ok=True, random=3),
    Case(("--tm={other}", "t.XXXX"), ok=True, random=4),
    Case(("--suf", ".x", "s.XXX"), ok=True, random=3, suffix=".x"),
    Case(("-dup{other}",), ok=True, random=10),
    Case(("--", "-d.XXX"), ok=True, random=3),
    Case(("-p", "{other}", "-p", "{tmp}", "x.XXX"), ok=True, random=3),  # the last -p wins
    Case(("--", "-d"), ok=False),
]


@dataclass(frozen=True)
class Outcome:
    """What one tool did: its output and the entries it left on disk."""

    returncode: int
    stdout: str
    stderr: str
    created: frozenset[str]
    kind: str | None = None  # "file", "dir" or None (nothing at the printed name)
    mode: int | None = None

    @property
    def name(self) -> str:
        return self.stdout.removesuffix("\n")


@dataclass(frozen=True)
class Workspace:
    root: Path
    work: Path  # the cwd of both tools
    tmp: Path  # $TMPDIR
    other: Path

    def fill(self, text: str) -> str:
        return text.format(
            work=self.work,
            tmp=self.tmp,
            other=self.other,
            missing=self.root / "missing",
            file=self.root / "a-file",
        )


@pytest.fixture
def workspace(temp_root: Path, tmp_path: Path) -> Workspace:
    root = tmp_path / "ws"
    space = Workspace(root, root / "work", temp_root, root / "other")
    for directory in (space.work, space.other, temp_root / "sub"):
        directory.mkdir(parents=True)
    (root / "a-file").write_text("not a directory\n")
    return space


def _observe(run: Callable[[], tuple[int, str, str]], cwd: Path, roots: list[Path]) -> Outcome:
    before = {root: tree(root) for root in roots}
    returncode, stdout, stderr = run()
    created = frozenset(str(root / entry) for root in roots for entry in tree(root) - before[root])
    name = stdout.removesuffix("\n")
    kind = mode = None
    if returncode == 0 and name:
        printed = cwd / name
        if printed.is_dir():
            kind = "dir"
        elif printed.exists():
            kind = "file"
        if kind is not None:
            mode = stat.S_IMODE(printed.stat().st_mode)
    return Outcome(returncode, stdout, stderr, created, kind, mode)


def _subprocess_runner(
    command: list[str], cwd: Path, env: dict[str, str], umask: int
) -> Callable[[], tuple[int, str, str]]:
    def run() -> tuple[int, str, str]:
        proc = subprocess.run(
            command, cwd=cwd, env=env, umask=umask, capture_output=True, text=True, check=False
        )
        return proc.returncode, proc.stdout, proc.stderr

    return run


def _env(case: Case, space: Workspace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TMPDIR"}
    if case.tmpdir is not None:
        env["TMPDIR"] = space.fill(case.tmpdir)
    return env


def assert_same_behaviour(case: Case, gnu: Outcome, ours: Outcome) -> None:
    """The comparison every case goes through."""
    assert gnu.returncode == (0 if case.ok else 1), f"the case itself is wrong: {gnu}"
    assert ours.returncode == gnu.returncode, (gnu, ours)
    assert bool(ours.stdout) == bool(gnu.stdout), (gnu, ours)
    assert bool(ours.stderr) == bool(gnu.stderr), (gnu, ours)
    assert ours.stderr.count("\n") <= 1, f"diagnostic must be one line: {ours.stderr!r}"
    assert ours.stdout.count("\n") <= 1
    if not case.ok:
        assert gnu.created == ours.created == frozenset(), "nothing may be left behind"
        return
    assert ours.kind == gnu.kind
    assert ours.mode == gnu.mode
    for outcome in (gnu, ours):
        if outcome.kind is not None:  # it created exactly the entry it printed
            assert len(outcome.created) == 1
        else:
            assert outcome.created == frozenset()
    # The same shape: directory and text around the random part equal, random part
    # of the same length and character class.
    assert len(ours.name) == len(gnu.name), (gnu.name, ours.name)
    cut = len(gnu.name) - len(case.suffix) - case.random
    shape = re.escape(gnu.name[:cut]) + RANDOM_CHAR * case.random + re.escape(case.suffix)
    assert re.fullmatch(shape, gnu.name), (shape, gnu.name)
    assert re.fullmatch(shape, ours.name), (shape, ours.name)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_same_behaviour_as_gnu_mktemp(case: Case, workspace: Workspace) -> None:
    assert GNU_MKTEMP is not None
    args = [workspace.fill(arg) for arg in case.args]
    env = _env(case, workspace)
    roots = [workspace.root, workspace.tmp]
    outcomes = []
    for program in ([GNU_MKTEMP], [*TEMPKIT, "mktemp"]):
        runner = _subprocess_runner([*program, *args], workspace.work, env, case.umask)
        outcomes.append(_observe(runner, workspace.work, roots))
    gnu, ours = outcomes
    assert_same_behaviour(case, gnu, ours)
    if case.args == ():
        assert ours.name.startswith(f"{workspace.tmp}/tmp.")


def test_modes_are_private(workspace: Workspace) -> None:
    file_name = tempkit("mktemp", cwd=workspace.work, umask=0).stdout.strip()
    dir_name = tempkit("mktemp", "-d", cwd=workspace.work, umask=0).stdout.strip()
    assert stat.S_IMODE(os.lstat(file_name).st_mode) == 0o600
    assert stat.S_ISREG(os.lstat(file_name).st_mode)
    assert stat.S_IMODE(os.lstat(dir_name).st_mode) == 0o700
    assert stat.S_ISDIR(os.lstat(dir_name).st_mode)


def test_random_part_uses_the_whole_gnu_alphabet(workspace: Workspace) -> None:
    # 200 random characters (a name may have 255 bytes): a class of the alphabet
    # is missing by chance with probability below (52/62)**200, about 5e-16.
    proc = tempkit("mktemp", "-u", "n." + "X" * 200, cwd=workspace.work)
    assert proc.returncode == 0, proc.stderr
    name = proc.stdout.strip()
    assert len(name) == 202
    seen = set(name.removeprefix("n."))
    assert seen & set(string.ascii_uppercase)
    assert seen & set(string.ascii_lowercase)
    assert seen & set(string.digits)
    assert seen <= set(string.ascii_letters + string.digits)


def test_diagnostics(workspace: Workspace) -> None:
    few = tempkit("mktemp", "foo.XX", cwd=workspace.work)
    assert few.stderr == "tempkit mktemp: too few X's in template 'foo.XX'\n"
    missing = tempkit("mktemp", "-p", str(workspace.root / "missing"), cwd=workspace.work)
    assert missing.stderr == (
        "tempkit mktemp: failed to create file via template "
        f"'{workspace.root}/missing/tmp.XXXXXXXXXX': No such file or directory\n"
    )
    odd = tempkit("mktemp", "line\nbreak.XX", cwd=workspace.work)
    assert odd.stderr == "tempkit mktemp: too few X's in template 'line\\nbreak.XX'\n"


BAD_USAGE = [
    ("--bogus",),
    ("--bogus=x",),
    ("-p",),
    ("a.XXX", "b.XXX"),
    ("a.XXX", "-d", "b.XXX"),
    ("-x",),
    ("-dqx",),
    ("--suffix",),
    ("--directory=x",),
    ("--dry-run=",),
    ("--help=x",),
    ("--version=1",),
    ("--d",),
    ("--d=x",),
]


@pytest.mark.parametrize("args", BAD_USAGE, ids=" ".join)
def test_bad_usage_like_gnu(args: tuple[str, ...], workspace: Workspace) -> None:
    """Exit 1, GNU's own message, and where to find help: what scripts see from GNU."""
    assert GNU_MKTEMP is not None
    before = tree(workspace.root) | tree(workspace.tmp)
    gnu = subprocess.run(
        ["mktemp", *args],  # GNU names itself by argv[0]
        executable=GNU_MKTEMP,
        cwd=workspace.work,
        capture_output=True,
        text=True,
        check=False,
    )
    ours = tempkit("mktemp", *args, cwd=workspace.work)
    assert gnu.returncode == ours.returncode == 1
    assert gnu.stdout == ours.stdout == ""
    gnu_message, gnu_hint = gnu.stderr.splitlines()
    assert gnu_hint == "Try 'mktemp --help' for more information."
    assert ours.stderr.splitlines() == [
        "tempkit " + gnu_message,
        "Try 'tempkit mktemp --help' for more information.",
    ]
    assert tree(workspace.root) | tree(workspace.tmp) == before


@pytest.mark.parametrize(
    "args", [("x.XXX", "-d"), ("x.XXX", "--", "y"), ("-d", "x.XXX")], ids=" ".join
)
def test_posixly_correct_ends_the_options_at_the_template(
    args: tuple[str, ...], workspace: Workspace
) -> None:
    assert GNU_MKTEMP is not None
    env = {**os.environ, "POSIXLY_CORRECT": "1"}
    roots = [workspace.root, workspace.tmp]
    outcomes = []
    for program in ([GNU_MKTEMP], [*TEMPKIT, "mktemp"]):
        runner = _subprocess_runner([*program, "-u", *args], workspace.work, env, 0o022)
        outcomes.append(_observe(runner, workspace.work, roots))
    gnu, ours = outcomes
    assert ours.returncode == gnu.returncode
    assert ours.stderr.replace("tempkit mktemp", "mktemp") == gnu.stderr.replace(
        GNU_MKTEMP, "mktemp"
    )
    assert bool(ours.stdout) == bool(gnu.stdout)


def test_help_and_version(workspace: Workspace) -> None:
    assert GNU_MKTEMP is not None
    gnu = subprocess.run([GNU_MKTEMP, "--help"], capture_output=True, text=True, check=False)
    ours = tempkit("mktemp", "--help")
    assert ours.returncode == gnu.returncode == 0
    assert ours.stderr == ""
    assert ours.stdout.startswith("Usage: tempkit mktemp [OPTION]... [TEMPLATE]\n")
    # Every option GNU documents is documented, in GNU's words.
    gnu_options = [line for line in gnu.stdout.splitlines() if line.lstrip().startswith("-")]
    ours_options = [line for line in ours.stdout.splitlines() if line.lstrip().startswith("-")]
    assert [line.split()[0] for line in ours_options] == [line.split()[0] for line in gnu_options]
    for flag in ("--version", "-V", "--vers"):
        version = tempkit("mktemp", flag)
        assert (version.returncode, version.stderr) == (0, "")
        assert version.stdout.startswith("tempkit mktemp ")
    assert list(workspace.tmp.iterdir()) == [workspace.tmp / "sub"]


# What GNU prints when --help or --version comes before a mistake, or after one.
HELP_OR_VERSION_FIRST = [
    (("--version", "-x"), "version"),
    (("-dV", "--bogus"), "version"),
    (("--vers", "a.XXX", "b.XXX"), "version"),
    (("a.XXX", "b.XXX", "--help"), "help"),
    (("--help", "--suffix"), "help"),
    (("-x", "--help"), "usage error"),
    (("--bogus", "--version"), "usage error"),
]


@pytest.mark.parametrize(
    ("args", "shown"), HELP_OR_VERSION_FIRST, ids=[" ".join(a) for a, _ in HELP_OR_VERSION_FIRST]
)
def test_help_and_version_end_the_command_line_like_gnu(
    args: tuple[str, ...], shown: str, workspace: Workspace
) -> None:
    """GNU acts on --help/--version as getopt returns them: later mistakes go unread."""
    assert GNU_MKTEMP is not None
    before = tree(workspace.root) | tree(workspace.tmp)
    gnu = subprocess.run(
        [GNU_MKTEMP, *args], cwd=workspace.work, capture_output=True, text=True, check=False
    )
    ours = tempkit("mktemp", *args, cwd=workspace.work)
    expected_start = {"version": "tempkit mktemp ", "help": "Usage: tempkit mktemp "}
    if shown == "usage error":
        assert gnu.returncode == ours.returncode == 1
        assert gnu.stdout == ours.stdout == ""
        assert ours.stderr.endswith("Try 'tempkit mktemp --help' for more information.\n")
    else:
        assert gnu.returncode == ours.returncode == 0, ours.stderr
        assert gnu.stderr == ours.stderr == ""
        assert ours.stdout.startswith(expected_start[shown])
    assert tree(workspace.root) | tree(workspace.tmp) == before


def test_posixly_correct_version_after_the_template_is_a_second_template(
    workspace: Workspace,
) -> None:
    assert GNU_MKTEMP is not None
    env = {**os.environ, "POSIXLY_CORRECT": "1"}
    args = ("-u", "x.XXX", "--version")
    gnu = subprocess.run(
        [GNU_MKTEMP, *args], cwd=workspace.work, env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    ours = tempkit("mktemp", *args, cwd=workspace.work, env=env)
    assert gnu.returncode == ours.returncode == 1
    assert gnu.stdout == ours.stdout == ""
    assert ours.stderr.splitlines()[0] == "tempkit mktemp: too many templates"


@pytest.mark.parametrize("directory", [False, True], ids=["file", "dir"])
def test_unprintable_name_is_removed_like_gnu(directory: bool, workspace: Workspace) -> None:
    """stdout on a full device: the name never reached anyone, so the entry goes."""
    assert GNU_MKTEMP is not None
    flags = ["-d"] if directory else []
    outcomes = []
    for program in ([GNU_MKTEMP], [*TEMPKIT, "mktemp"]):
        with open("/dev/full", "w") as full:
            proc = subprocess.run(
                [*program, *flags], cwd=workspace.work, stdout=full, stderr=subprocess.PIPE,
                text=True, check=False,
            )  # fmt: skip
        outcomes.append(proc)
    gnu, ours = outcomes
    assert gnu.returncode == ours.returncode == 1
    assert "write error" in gnu.stderr
    assert ours.stderr == "tempkit mktemp: write error: No space left on device\n"
    assert list(workspace.tmp.iterdir()) == [workspace.tmp / "sub"]


def test_closed_stdout_is_a_write_error_like_gnu(workspace: Workspace) -> None:
    assert GNU_MKTEMP is not None
    outcomes = []
    for program in ([GNU_MKTEMP], [*TEMPKIT, "mktemp"]):
        closed = ["sh", "-c", 'exec "$@" >&-', "sh", *program]
        outcomes.append(
            subprocess.run(closed, cwd=workspace.work, capture_output=True, text=True, check=False)
        )
    gnu, ours = outcomes
    assert gnu.returncode == ours.returncode == 1
    assert ours.stderr == "tempkit mktemp: write error: Bad file descriptor\n"
    assert list(workspace.tmp.iterdir()) == [workspace.tmp / "sub"]


def test_broken_pipe_is_a_write_error_and_leaves_nothing(workspace: Workspace) -> None:
    # GNU mktemp, with SIGPIPE at its default, dies of it and leaves the entry behind;
    # with SIGPIPE ignored it reports the write error and removes it. Python ignores
    # SIGPIPE, so tempkit always does the latter (docs/cli.md, differences from GNU).
    assert GNU_MKTEMP is not None
    outcomes = []
    for program, restore_signals in (([GNU_MKTEMP], False), ([*TEMPKIT, "mktemp"], True)):
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            proc = subprocess.run(
                [*program, "-p", str(workspace.other)], stdout=write_end, stderr=subprocess.PIPE,
                text=True, check=False, restore_signals=restore_signals,
            )  # fmt: skip
        finally:
            os.close(write_end)
        outcomes.append(proc)
    gnu, ours = outcomes
    assert gnu.returncode == ours.returncode == 1
    assert gnu.stderr.endswith("write error: Broken pipe\n")
    assert ours.stderr == "tempkit mktemp: write error: Broken pipe\n"
    assert list(workspace.other.iterdir()) == []


# -- permission failures: only meaningful without root ---------------------------------------

UNPRIVILEGED_CASES = [
    Case(("-p", "locked"), ok=False),
    Case(("-d", "-p", "locked"), ok=False),
    Case(("-q", "-p", "locked"), ok=False),
    Case(("-q", "-d", "-p", "locked"), ok=False),
    Case(("locked/x.XXXXXX",), ok=False),
    Case(("-u", "-p", "locked"), ok=True, random=10),  # lstat still works in r-x
    Case(("-u", "-p", "sealed"), ok=False),  # lstat fails in ---
    Case(("-p", "open"), ok=True, random=10),
]


@pytest.fixture
def unprivileged_workspace(unprivileged_dir: Path) -> Iterator[Path]:
    (unprivileged_dir / "locked").mkdir(mode=0o500)
    (unprivileged_dir / "sealed").mkdir(mode=0o000)
    (unprivileged_dir / "open").mkdir(mode=0o700)
    for name in ("locked", "sealed", "open"):
        os.chown(unprivileged_dir / name, 65534, 65534)
        os.chmod(unprivileged_dir / name, {"locked": 0o500, "sealed": 0o000, "open": 0o700}[name])
    yield unprivileged_dir


@pytest.mark.parametrize("case", UNPRIVILEGED_CASES, ids=str)
def test_same_behaviour_as_gnu_mktemp_without_root(
    case: Case, unprivileged_workspace: Path
) -> None:
    assert GNU_MKTEMP is not None
    gnu_mktemp = GNU_MKTEMP
    work = unprivileged_workspace
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TMPDIR": str(work / "open")}
    roots = [work]

    def both() -> tuple[Outcome, Outcome]:
        gnu = _observe(
            _subprocess_runner([gnu_mktemp, *case.args], work, env, case.umask), work, roots
        )
        ours = _observe(
            lambda: run_main_in_child(["mktemp", *case.args], str(work), env), work, roots
        )
        return gnu, ours

    gnu, ours = run_unprivileged(both)
    assert_same_behaviour(case, gnu, ours)
    if not case.ok and "-q" not in case.args:
        assert "Permission denied" in ours.stderr


# -- start-up: what one call loads (its time is measured in benchmarks/bench_cli.py) ----------

# Each of these would add milliseconds to every call a shell script makes.
NOT_LOADED_BY_MKTEMP = (
    "argparse",
    "typing",
    "dataclasses",
    "subprocess",
    "tempkit.backends",
    "tempkit.temp",
    "tempkit.path",
    "tempkit.resolver",
)


@pytest.mark.parametrize("args", [("-u",), ("-d",), ("--bogus",)], ids=" ".join)
def test_mktemp_loads_only_what_it_needs(args: tuple[str, ...], workspace: Workspace) -> None:
    probe = (
        "import sys\n"
        "from tempkit.cli import main\n"
        f"status = main(['mktemp', *{args!r}])\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=workspace.work,
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(proc.stderr.splitlines()[-1].split())
    assert "tempkit.naming" in loaded, "the probe must see what mktemp imports"
    assert loaded.isdisjoint(NOT_LOADED_BY_MKTEMP), loaded & set(NOT_LOADED_BY_MKTEMP)
