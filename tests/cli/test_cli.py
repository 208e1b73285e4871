"""The ``tempkit`` command: usage, ``where``, ``demo`` and ``run``, each in a real subprocess.

``run``'s signal tests use real processes: tempkit runs a Python child that
traps the signal and records it in a marker file outside the temp dir; the
test sends the signal to tempkit (never to the child) and checks what the
child got, tempkit's exit status and that the dir is gone.
"""

from __future__ import annotations

import json
import os
import pty
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tempkit import Candidate, Resolution
from tests.support.clitools import TEMPKIT, is_gnu_coreutils, tempkit

PY = sys.executable

# -- the tool as a whole -------------------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["mktemp"], ["run"], ["where"], ["demo"]], ids=str)
def test_help_on_every_subcommand(command: list[str]) -> None:
    proc = tempkit(*command, "--help")
    assert proc.returncode == 0
    # "Usage:" for mktemp, as GNU writes it; argparse's "usage:" for the others.
    assert proc.stdout.lower().startswith(f"usage: tempkit {' '.join(command)}".rstrip())
    assert proc.stderr == ""


def test_console_script_matches_python_m() -> None:
    script = Path(sys.executable).with_name("tempkit")
    if not script.exists():
        pytest.skip("the console script is not installed next to this interpreter")
    from_script = subprocess.run([script, "--version"], capture_output=True, text=True, check=False)
    from_module = tempkit("--version")
    assert from_script.returncode == from_module.returncode == 0
    assert from_script.stdout == from_module.stdout
    assert from_script.stdout.startswith("tempkit ")


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["bogus"],
        ["where", "--backend", "nope"],
        ["where", "extra"],
        ["where", "--json", "--path"],
        ["demo", "--bogus"],
    ],
    ids=" ".join,
)
def test_bad_usage_exits_2_with_nothing_on_stdout(args: list[str], temp_root: Path) -> None:
    proc = tempkit(*args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert lines[0].startswith("usage: tempkit")
    assert "error:" in lines[-1]
    assert len(lines) <= 4
    assert list(temp_root.iterdir()) == []


# -- where --------------------------------------------------------------------------------


def _rows(table: str) -> list[list[str]]:
    """The table's rows (after the header) split into STATUS, SOURCE, PATH, REASON."""
    lines = table.splitlines()
    header = lines.index(next(line for line in lines if line.startswith("STATUS")))
    return [line.split(None, 3) for line in lines[header + 1 :]]


def test_where_shows_the_chosen_dir_and_every_candidate(temp_root: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    proc = tempkit("where", env={**os.environ, "TEMP": str(missing)}, cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stderr == ""
    assert proc.stdout.splitlines()[:2] == [f"temp dir: {temp_root}", "backend:  posix"]
    rows = _rows(proc.stdout)
    assert rows[0] == [
        "chosen",
        "$TMPDIR",
        str(temp_root),
        "writable (probe file created and removed)",
    ]
    assert rows[1] == ["rejected", "$TEMP", str(missing), "does not exist"]
    assert rows[-1][:3] == ["usable", "cwd", str(tmp_path)]
    assert [row[1] for row in rows].count("platform") >= 1
    assert list(temp_root.iterdir()) == [], "the probe files are removed"


def test_where_marks_only_the_first_accepted_candidate_chosen(temp_root: Path) -> None:
    # Run from the temp dir itself: the cwd candidate is the same directory.
    proc = tempkit("where", cwd=temp_root)
    statuses = {(row[0], row[1]) for row in _rows(proc.stdout) if row[2] == str(temp_root)}
    assert statuses == {("chosen", "$TMPDIR"), ("usable", "cwd")}
    data = json.loads(tempkit("where", "--json", cwd=temp_root).stdout)
    assert [c["status"] for c in data["candidates"]].count("chosen") == 1


def test_resolution_text_marks_only_the_first_accepted_candidate_chosen() -> None:
    reason = "writable (probe file created and removed)"
    resolution = Resolution(
        "/tmp",
        (
            Candidate("/tmp", "$TMPDIR", True, reason),
            Candidate("", "$TEMP", False, "not set"),
            Candidate("/tmp", "cwd", True, reason),
        ),
    )
    marks = [line.split()[0] for line in str(resolution).splitlines()[1:]]
    assert marks == ["chosen", "skip", "usable"]


def test_where_json_is_the_resolution_for_scripts(temp_root: Path) -> None:
    proc = tempkit("where", "--json", "--backend", "posix", env={**os.environ, "TMP": ""})
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    assert data["backend"] == "posix"
    assert data["chosen"] == str(temp_root)
    first, temp, tmp = data["candidates"][:3]
    assert first == {
        "path": str(temp_root),
        "source": "$TMPDIR",
        "accepted": True,
        "reason": "writable (probe file created and removed)",
        "status": "chosen",
    }
    assert (temp["source"], temp["status"], temp["reason"]) == ("$TEMP", "rejected", "not set")
    assert (tmp["source"], tmp["status"], tmp["reason"]) == ("$TMP", "rejected", "not set")
    assert {c["status"] for c in data["candidates"]} <= {"chosen", "usable", "rejected"}


def test_where_on_the_memory_backend(temp_root: Path) -> None:
    proc = tempkit("where", "--json", "--backend", "memory")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["backend"] == "memory"
    # A fresh MemoryBackend has its own empty environment: the real $TMPDIR is not seen.
    assert data["candidates"][0] == {
        "path": "",
        "source": "$TMPDIR",
        "accepted": False,
        "reason": "not set",
        "status": "rejected",
    }
    assert data["chosen"] == "/tmp"
    assert [c["status"] for c in data["candidates"]].count("chosen") == 1
    assert list(temp_root.iterdir()) == [], "a memory backend never touches the disk"


def test_where_path_prints_only_the_chosen_dir(temp_root: Path, tmp_path: Path) -> None:
    proc = tempkit("where", "--path")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, f"{temp_root}\n", "")
    # The resolver's choice, not just $TMPDIR: a missing $TMPDIR passes to $TEMP.
    env = {**os.environ, "TMPDIR": str(tmp_path / "missing"), "TEMP": str(tmp_path)}
    assert tempkit("where", "--path", env=env).stdout == f"{tmp_path}\n"
    assert tempkit("where", "--path", "--backend", "memory").stdout == "/tmp\n"
    # What a shell script does with it.
    script = 'd=$("$@" where --path) && test -d "$d" && printf "%s" "$d"'
    shell = subprocess.run(
        ["sh", "-c", script, "sh", *TEMPKIT], capture_output=True, text=True, check=True
    )
    assert shell.stdout == str(temp_root)
    assert list(temp_root.iterdir()) == [], "the probe files are removed"


# -- demo ---------------------------------------------------------------------------------


def test_demo_creates_shows_and_removes_a_tree(temp_root: Path) -> None:
    proc = tempkit("demo")
    assert proc.returncode == 0
    first, *listing, last = proc.stdout.splitlines()
    created = first.removeprefix("created ")
    assert Path(created).parent == temp_root
    assert [line.split()[::2] for line in listing] == [
        ["file", "README.txt"],
        ["dir", "src"],
        ["dir", "src/pkg"],
        ["file", "src/pkg/__init__.py"],
    ]
    assert last == f"cleaned up: {created} exists -> False"
    assert not Path(created).exists()


# -- run ----------------------------------------------------------------------------------

REPORT = textwrap.dedent(
    """
    import json, os, stat, sys
    print(json.dumps({
        "cwd": os.getcwd(),
        "tmpdir": os.environ["TMPDIR"],
        "mode": stat.S_IMODE(os.stat(".").st_mode),
        "entries": os.listdir("."),
    }))
    open("left-behind.txt", "w").close()
    os.mkdir("sub")
    sys.exit(int(sys.argv[1]))
    """
)


def test_run_gives_the_command_a_fresh_private_dir(temp_root: Path) -> None:
    proc = tempkit("run", "--", PY, "-c", REPORT, "0")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    seen = json.loads(proc.stdout)
    assert seen["cwd"] == seen["tmpdir"]
    assert Path(seen["cwd"]).parent == temp_root
    assert Path(seen["cwd"]).name.startswith("tempkit-run-")
    assert seen["mode"] == 0o700
    assert seen["entries"] == []
    assert not Path(seen["cwd"]).exists()
    assert list(temp_root.iterdir()) == []


@pytest.mark.parametrize("status", [0, 1, 3, 255])
def test_run_passes_the_exit_status_through(status: int, temp_root: Path) -> None:
    proc = tempkit("run", PY, "-c", REPORT, str(status))  # "--" is optional
    assert proc.returncode == status
    assert list(temp_root.iterdir()) == []


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGSEGV])
def test_run_reports_a_killed_command_as_128_plus_signal(signum: int, temp_root: Path) -> None:
    die = f"import os; os.kill(os.getpid(), {int(signum)})"
    proc = tempkit("run", "--", PY, "-c", die)
    assert proc.returncode == 128 + signum
    assert list(temp_root.iterdir()) == []


def test_run_keep(temp_root: Path) -> None:
    proc = tempkit("run", "--keep", "--prefix", "kept-", "--", PY, "-c", REPORT, "4")
    assert proc.returncode == 4
    kept = Path(json.loads(proc.stdout)["cwd"])
    assert proc.stderr == f"tempkit run: kept {kept}\n"
    assert kept.name.startswith("kept-")
    assert sorted(p.name for p in kept.iterdir()) == ["left-behind.txt", "sub"]
    assert stat.S_IMODE(kept.stat().st_mode) == 0o700


@pytest.mark.parametrize(("status", "kept"), [(0, False), (6, True)])
def test_run_keep_on_failure(status: int, kept: bool, temp_root: Path) -> None:
    proc = tempkit("run", "--keep-on-failure", "--", PY, "-c", REPORT, str(status))
    assert proc.returncode == status
    directory = Path(json.loads(proc.stdout)["cwd"])
    assert directory.exists() == kept
    assert (proc.stderr == f"tempkit run: kept {directory}\n") == kept


def test_run_command_not_found_or_not_executable(temp_root: Path, tmp_path: Path) -> None:
    missing = tempkit("run", "--", "no-such-command-here")
    assert missing.returncode == 127
    assert missing.stderr == (
        "tempkit run: cannot run 'no-such-command-here': No such file or directory\n"
    )
    text = tmp_path / "not-executable"
    text.write_text("just text\n")
    refused = tempkit("run", "--", str(text))
    assert refused.returncode == 126
    assert refused.stderr.count("\n") == 1
    assert list(temp_root.iterdir()) == []


ENV = shutil.which("env")
needs_gnu_env = pytest.mark.skipif(not is_gnu_coreutils(ENV), reason="needs GNU coreutils env")


def _env(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real GNU ``env`` with ``args``, named ``env`` in its messages."""
    assert ENV is not None
    return subprocess.run(
        ["env", *args], executable=ENV, cwd=cwd, capture_output=True, text=True, check=False
    )


@needs_gnu_env
@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("not found", 127),
        ("not executable", 126),
        ("a directory", 126),
        ("missing interpreter", 127),
        ("exit status", 3),
    ],
)
def test_run_cannot_run_a_command_like_env(
    case: str, status: int, temp_root: Path, tmp_path: Path
) -> None:
    text = tmp_path / "not-executable"
    text.write_text("just text\n")
    script = tmp_path / "bad-interpreter"
    script.write_text("#!/no/such/interpreter\n")
    script.chmod(0o755)
    command = {
        "not found": ["no-such-command-here"],
        "not executable": [str(text)],
        "a directory": [str(tmp_path)],
        "missing interpreter": [str(script)],
        "exit status": ["sh", "-c", "exit 3"],
    }[case]
    theirs = _env("--", *command)
    ours = tempkit("run", "--", *command)
    assert ours.returncode == theirs.returncode == status
    # One line on stderr when the command cannot run, as env writes.
    assert ours.stderr.count("\n") == theirs.stderr.count("\n") == (0 if status == 3 else 1)
    assert list(temp_root.iterdir()) == []


@needs_gnu_env
def test_run_own_failure_exits_125_like_env(temp_root: Path, tmp_path: Path) -> None:
    # env cannot enter its directory; tempkit cannot make its temp dir (name too long).
    theirs = _env("-C", str(tmp_path / "missing"), "true")
    ours = tempkit("run", "--prefix", "p" * 300, "--", "true")
    assert ours.returncode == theirs.returncode == 125
    assert ours.stderr == "tempkit run: cannot create a temp dir: File name too long\n"
    assert list(temp_root.iterdir()) == []


@needs_gnu_env
@pytest.mark.parametrize(
    "args",
    [
        ["--bogus"],
        ["--bogus", "--", "true"],
        [],
        ["--"],
        ["--keep"],
        ["--prefix"],
        ["--keep", "--keep-on-failure", "--", "true"],
        ["--prefix", "a/b", "--", "true"],
    ],
    ids=lambda args: " ".join(args) or "(no args)",
)
def test_run_bad_usage_exits_125_like_env(args: list[str], temp_root: Path) -> None:
    """2 is a status commands return themselves; env's 125 is one a script can tell apart."""
    theirs = _env("--bogus")
    ours = tempkit("run", *args)
    assert ours.returncode == theirs.returncode == 125
    assert ours.stdout == theirs.stdout == ""
    message, hint = ours.stderr.splitlines()
    assert message.startswith("tempkit run: ")
    assert hint == "Try 'tempkit run --help' for more information."
    assert theirs.stderr.splitlines()[1] == "Try 'env --help' for more information."
    assert list(temp_root.iterdir()) == []


def test_run_relative_command_is_the_callers(temp_root: Path, tmp_path: Path) -> None:
    script = tmp_path / "tool.sh"
    script.write_text('#!/bin/sh\necho "ran in $(pwd)"\n')
    script.chmod(0o755)
    proc = tempkit("run", "--", "./tool.sh", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    ran_in = Path(proc.stdout.strip().removeprefix("ran in "))
    assert ran_in.parent == temp_root


def test_run_cleans_up_a_tree_the_command_made_read_only(temp_root: Path) -> None:
    lock = (
        "import os; os.makedirs('a/b'); open('a/b/f', 'w').close();"
        " os.chmod('a/b', 0o500); os.chmod('a', 0o500)"
    )
    proc = tempkit("run", "--", PY, "-c", lock)
    assert proc.returncode == 0, proc.stderr
    assert list(temp_root.iterdir()) == []


TRAP = textwrap.dedent(
    """
    import os, signal, sys, time
    signum, then, marker = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    def on_signal(got, frame):
        with open(marker, "w") as out:
            out.write(f"{got} {os.getcwd()}")
        if then == "die":
            signal.signal(got, signal.SIG_DFL)
            os.kill(os.getpid(), got)
        sys.exit(int(then))
    signal.signal(signum, on_signal)
    print("ready", flush=True)
    while True:
        signal.pause()
    """
)


def _default_signals() -> None:
    """Start the tempkit process with default dispositions, whatever pytest inherited."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test started; killed if the test leaves them running."""
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()


def _start(
    started: list[subprocess.Popen[str]], *args: str, **kwargs: object
) -> subprocess.Popen[str]:
    proc: subprocess.Popen[str] = subprocess.Popen(  # type: ignore[call-overload]
        [*TEMPKIT, *args], stdout=subprocess.PIPE, text=True, **kwargs
    )
    started.append(proc)
    assert proc.stdout is not None
    assert proc.stdout.readline() == "ready\n"
    return proc


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_signal_is_forwarded_and_the_dir_removed(
    signum: int, temp_root: Path, tmp_path: Path, started: list[subprocess.Popen[str]]
) -> None:
    marker = tmp_path / "marker"
    proc = _start(
        started, "run", "--", PY, "-c", TRAP, str(int(signum)), "die", str(marker),
        preexec_fn=_default_signals,
    )  # fmt: skip
    proc.send_signal(signum)
    assert proc.wait(timeout=60) == 128 + signum
    got, cwd = marker.read_text().split(" ", 1)
    assert int(got) == signum
    assert Path(cwd).parent == temp_root
    assert not Path(cwd).exists()
    assert list(temp_root.iterdir()) == []


def test_a_command_that_handles_the_signal_decides_the_status(
    temp_root: Path, tmp_path: Path, started: list[subprocess.Popen[str]]
) -> None:
    marker = tmp_path / "marker"
    proc = _start(
        started, "run", "--keep-on-failure", "--", PY, "-c", TRAP,
        str(int(signal.SIGTERM)), "0", str(marker), preexec_fn=_default_signals,
    )  # fmt: skip
    proc.terminate()
    assert proc.wait(timeout=60) == 0
    assert marker.read_text().startswith(f"{int(signal.SIGTERM)} ")
    assert list(temp_root.iterdir()) == []


IGNORED = textwrap.dedent(
    """
    import signal, sys
    print("ready", flush=True)
    print(signal.getsignal(signal.SIGINT) == signal.SIG_IGN, flush=True)
    sys.stdin.read()
    """
)


def test_an_ignored_signal_stays_ignored(
    temp_root: Path, started: list[subprocess.Popen[str]]
) -> None:
    """Like ``nohup`` or a script's background job: tempkit and the command ignore it."""

    def ignore_sigint() -> None:
        _default_signals()
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    proc = _start(
        started, "run", "--", PY, "-c", IGNORED, stdin=subprocess.PIPE, preexec_fn=ignore_sigint
    )
    assert proc.stdout is not None and proc.stdin is not None
    assert proc.stdout.readline() == "True\n"
    proc.send_signal(signal.SIGINT)  # neither tempkit nor the command may die of it
    proc.stdin.close()
    assert proc.wait(timeout=60) == 0
    assert list(temp_root.iterdir()) == []


COUNT_SIGINT = textwrap.dedent(
    """
    import os, signal, sys
    count = 0
    def on_int(signum, frame):
        global count
        count += 1
        if count == 1:
            # tempkit relays this SIGTERM after any SIGINT it relayed (lower
            # signals are handled first), so on_term sees every SIGINT sent.
            os.kill(os.getppid(), signal.SIGTERM)
    def on_term(signum, frame):
        with open(sys.argv[1], "w") as out:
            out.write(str(count))
        sys.exit(0)
    signal.signal(signal.SIGINT, on_int)
    signal.signal(signal.SIGTERM, on_term)
    print("ready", flush=True)
    while True:
        signal.pause()
    """
)


SI_USER, SI_KERNEL = 0, 0x80


def _siginfo(signum: int, code: int, sender: int) -> signal.struct_siginfo:
    # (si_signo, si_code, si_errno, si_pid, si_uid, si_status, si_band)
    return signal.struct_siginfo((signum, code, 0, sender, 0, 0, 0))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="relays by sender on Linux only")
@pytest.mark.parametrize("own_group", [True, False], ids=["same-group", "own-group"])
def test_relay_skips_only_terminal_signals_the_command_already_has(
    own_group: bool, started: list[subprocess.Popen[str]]
) -> None:
    """The rule behind Ctrl-C, on real processes.

    A Python command cannot tell a doubled SIGINT from a single one reliably
    (both usually land before its handler runs), so the rule is checked
    directly: a kernel-generated signal is not relayed while the command is in
    tempkit's process group, one sent with kill() always is.
    """
    from tempkit.cli._signals import _child_has_it

    child: subprocess.Popen[str] = subprocess.Popen(
        [PY, "-c", "import sys; sys.stdin.read()"],
        stdin=subprocess.PIPE,
        text=True,
        start_new_session=not own_group,
    )
    started.append(child)
    kernel = _siginfo(signal.SIGINT, SI_KERNEL, 0)
    user = _siginfo(signal.SIGINT, SI_USER, os.getpid())
    assert _child_has_it(kernel, child) == own_group
    assert not _child_has_it(user, child)
    assert child.stdin is not None
    child.stdin.close()
    child.wait()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="relays by sender on Linux only")
def test_ctrl_c_in_a_terminal_reaches_the_command_once(temp_root: Path, tmp_path: Path) -> None:
    """The terminal sends SIGINT to tempkit and the command; tempkit must not add a second."""
    marker = tmp_path / "count"
    pid, terminal = pty.fork()
    if pid == 0:  # pragma: no cover - the child: tempkit on the pty
        try:
            os.execv(PY, [*TEMPKIT, "run", "--", PY, "-c", COUNT_SIGINT, str(marker)])
        finally:
            os._exit(127)
    try:
        output = b""
        while b"ready" not in output:
            output += os.read(terminal, 1024)
        os.write(terminal, b"\x03")  # Ctrl-C
        status = _wait_pid(pid)
    finally:
        os.close(terminal)
    assert os.waitstatus_to_exitcode(status) == 0
    assert marker.read_text() == "1"
    assert list(temp_root.iterdir()) == []


def _wait_pid(pid: int) -> int:
    """waitpid with a hang guard (a broken relay would wait for ever)."""
    deadline = time.monotonic() + 60
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("tempkit run did not finish after Ctrl-C")
        time.sleep(0.01)
