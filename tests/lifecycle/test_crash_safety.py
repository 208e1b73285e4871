"""Crash-safe mode with real processes, real signals and the real disk.

A worker process in crash-safe mode (``TEMPKIT_CRASH_SAFE=1``) makes temp
objects and is killed; a sweep must then remove exactly what it recorded and
nothing else: not a live process's objects, not another user's, not what a
symlink in the tree points to, not an entry that merely has a recorded name.
"""

from __future__ import annotations

import ctypes  # noqa: F401 - loaded before a child drops root (it cannot read it then)
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import tempkit
from tempkit import TempDirPath, TempFilePath, _leases, crashsafe
from tempkit._leases import host_id, lease_directory_name, parse_lease
from tempkit._process import process_identity, start_time
from tests.support.processes import NOBODY_UID, run_unprivileged

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="crash-safe mode is POSIX-only")


def current_lease() -> _leases.Lease:
    lease = _leases.current()
    assert lease is not None
    return lease


def end_lease() -> None:
    """End this process's lease as a process ending normally would, and forget it."""
    lease = _leases.current()
    if lease is not None:
        lease.close()
    _leases.forget()


@pytest.fixture(autouse=True)
def recording_off() -> Iterator[None]:
    """Each test starts and ends with the mode off and no lease in this process."""
    crashsafe.disable_crash_safety()
    crashsafe.reclaim_seconds = None
    yield
    crashsafe.disable_crash_safety()
    crashsafe.reclaim_seconds = None
    end_lease()


def start_worker(temp_root: Path, body: str, **env: str) -> subprocess.Popen[str]:
    """A Python process in crash-safe mode running ``body``; it prints JSON, then waits."""
    script = "import json, os, sys, time\nimport tempkit\n" + textwrap.dedent(body)
    environment = {**os.environ, "TMPDIR": str(temp_root), "TEMPKIT_CRASH_SAFE": "1", **env}
    return subprocess.Popen(
        [sys.executable, "-c", script],
        env=environment,
        stdout=subprocess.PIPE,
        text=True,
    )


def first_line(worker: subprocess.Popen[str]) -> object:
    assert worker.stdout is not None
    line = worker.stdout.readline()
    assert line, f"worker said nothing (exit {worker.wait()})"
    return json.loads(line)


def kill(worker: subprocess.Popen[str]) -> None:
    worker.kill()
    worker.wait()  # reaped: a zombie still counts as running
    if worker.stdout is not None:
        worker.stdout.close()


def everything_below(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


WORK = """
    outside = sys.argv[1] if len(sys.argv) > 1 else None
    kept = []
    kept.append(tempkit.TempFilePath.create(suffix=".txt"))
    tree = tempkit.TempDirPath.create(prefix="tree-")
    kept.append(tree)
    (tree / "a" / "b").mkdir(parents=True)
    (tree / "a" / "b" / "deep.txt").write_text("deep")
    (tree / "ro.txt").write_text("ro")
    (tree / "ro.txt").chmod(0o400)
    (tree / "locked").mkdir()
    (tree / "locked" / "inside.txt").write_text("x")
    (tree / "locked").chmod(0o000)
    (tree / "out-link").symlink_to(os.environ["OUTSIDE"], target_is_directory=True)
    spooled = tempkit.SpooledTempPath.create(max_size=10)
    spooled.write(b"more than ten bytes, so it rolls over")
    kept.append(spooled)
    never = tempkit.TempDirPath.create(prefix="never-", cleanup="never")
    print(json.dumps({"paths": [str(k) for k in kept], "never": str(never)}), flush=True)
    time.sleep(600)
"""


def make_outside(base: Path) -> Path:
    outside = base / "outside"
    outside.mkdir()
    (outside / "canary.txt").write_text("precious")
    outside.chmod(0o755)
    return outside


def test_sigkill_mid_work_then_sweep_removes_exactly_what_it_made(
    temp_root: Path, tmp_path: Path
) -> None:
    outside = make_outside(tmp_path)
    worker = start_worker(temp_root, WORK, OUTSIDE=str(outside))
    made = first_line(worker)
    assert isinstance(made, dict)
    kill(worker)
    for path in made["paths"]:
        assert os.path.lexists(path), "SIGKILL ran no cleanup, so everything is still there"

    report = tempkit.sweep([temp_root])

    for path in made["paths"]:
        assert not os.path.lexists(path)
    assert sorted(e.path for e in report.removed) == sorted(made["paths"])
    assert [e.action for e in report.entries if e.kind == "lease"] == ["removed"]
    # What it did not make, what is outside, and what was meant to stay, are untouched.
    assert os.path.isdir(made["never"])
    assert (outside / "canary.txt").read_text() == "precious"
    assert stat.S_IMODE(outside.stat().st_mode) == 0o755
    leases = temp_root / lease_directory_name()
    assert list(leases.iterdir()) == []
    assert everything_below(temp_root) == sorted(
        [lease_directory_name(), os.path.basename(made["never"])]
    )


def test_a_dry_run_removes_nothing_and_says_what_it_would(temp_root: Path) -> None:
    worker = start_worker(
        temp_root,
        "d = tempkit.TempDirPath.create()\nprint(json.dumps(str(d)), flush=True)\n"
        "time.sleep(600)\n",
    )
    made = first_line(worker)
    kill(worker)
    report = tempkit.sweep([temp_root], dry_run=True)
    assert [(e.path, e.action) for e in report.removed] == [(made, "would remove")]
    assert os.path.isdir(str(made))
    assert tempkit.sweep([temp_root]).removed[0].action == "removed"
    assert not os.path.exists(str(made))


def test_a_normal_exit_leaves_no_lease_and_nothing_to_sweep(temp_root: Path) -> None:
    worker = start_worker(
        temp_root,
        "kept = tempkit.TempDirPath.create()\n"
        "with tempkit.TempFilePath.create() as f:\n    pass\n"
        "print(json.dumps(str(kept)), flush=True)\n",
    )
    made = first_line(worker)
    assert worker.wait() == 0
    assert worker.stdout is not None
    worker.stdout.close()
    assert not os.path.exists(str(made))  # the exit pass cleaned it up
    assert list((temp_root / lease_directory_name()).iterdir()) == []


LIVE_WORKER = """
    missing = 0
    for i in range(int(sys.argv[1])):
        if i % 2:
            with tempkit.TempDirPath.create() as d:
                (d / "x").write_bytes(b"x")
                missing += not (d / "x").exists()
        else:
            f = tempkit.TempFilePath.create()
            missing += not f.exists()
            f.cleanup()
    print(json.dumps(missing), flush=True)
"""


def test_a_sweep_never_touches_a_live_process(temp_root: Path) -> None:
    worker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import json, os, sys, time\nimport tempkit\n" + textwrap.dedent(LIVE_WORKER),
            "10000",
        ],
        env={**os.environ, "TMPDIR": str(temp_root), "TEMPKIT_CRASH_SAFE": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    sweeps = 0
    removed = []
    while worker.poll() is None:
        report = tempkit.sweep([temp_root])
        removed.extend(report.removed)
        sweeps += 1
    out, err = worker.communicate()
    assert worker.returncode == 0, err
    assert json.loads(out) == 0, "the worker found one of its own objects gone"
    assert removed == []
    assert sweeps > 10, "the sweep did not run while the worker did"
    assert everything_below(temp_root) == [lease_directory_name()]


def write_fake_lease(
    temp_root: Path, pid: int, start: int, target: Path, host: str | None = None
) -> Path:
    """A lease as process (pid, start) would write it, recording ``target`` as made now."""
    directory = temp_root / lease_directory_name()
    directory.mkdir(mode=0o700, exist_ok=True)
    info = os.lstat(target)
    encoded = os.fsencode(str(target))
    boot = process_identity().boot or "-"
    lease = directory / f"{pid}-{start}.lease"
    lease.write_bytes(
        b"tempkit-lease 1 %d %d %s %d %s\n"
        % (pid, start, boot.encode(), os.geteuid(), (host or host_id()).encode())
        + b"d %d %d %d %d:%s\n" % (info.st_dev, info.st_ino, time.time_ns(), len(encoded), encoded)
    )
    lease.chmod(0o600)
    return lease


def test_a_live_pid_with_another_start_time_is_a_dead_owner(temp_root: Path) -> None:
    # This process is alive; a lease naming its pid with another start time was
    # written by an earlier process that had the same pid: its owner is gone.
    target = temp_root / "left-by-the-old-process"
    target.mkdir()
    mine = start_time(os.getpid())
    assert mine is not None
    write_fake_lease(temp_root, os.getpid(), mine - 1, target)
    report = tempkit.sweep([temp_root])
    assert [e.path for e in report.removed] == [str(target)]
    assert not target.exists()


def test_a_live_pid_with_its_start_time_is_a_live_owner(temp_root: Path) -> None:
    target = temp_root / "still-in-use"
    target.mkdir()
    mine = start_time(os.getpid())
    assert mine is not None
    lease = write_fake_lease(temp_root, os.getpid(), mine, target)
    report = tempkit.sweep([temp_root])
    assert report.removed == []
    assert target.is_dir()
    assert [e.reason for e in report.left] == [f"its owner, pid {os.getpid()}, is still running"]
    assert lease.exists()


def test_a_lease_written_on_another_machine_is_left(temp_root: Path) -> None:
    # A temp dir shared over the network: that machine's processes cannot be
    # checked from here, so its leases wait for a sweep there.
    target = temp_root / "theirs"
    target.mkdir()
    write_fake_lease(temp_root, 999_999_999, 1, target, host=b"elsewhere".hex())
    report = tempkit.sweep([temp_root])
    assert report.removed == []
    assert target.is_dir()
    assert [e.reason for e in report.left] == ["written on another machine"]


def test_an_entry_that_merely_has_a_recorded_name_is_left(temp_root: Path) -> None:
    target = temp_root / "reused-name"
    target.mkdir()
    write_fake_lease(temp_root, 999_999_999, 1, target)
    target.rmdir()
    time.sleep(0.05)  # file times come from a clock that ticks every few ms
    target.mkdir()  # a new directory under the old name (ext4 and tmpfs reuse the inode)
    (target / "someone-elses.txt").write_text("keep")
    report = tempkit.sweep([temp_root])
    assert report.removed == []
    assert (target / "someone-elses.txt").read_text() == "keep"
    assert any(e.reason == "another entry has this name now" for e in report.left)


@pytest.mark.parametrize("problem", ["symlink", "open to others", "another owner"])
def test_a_lease_directory_someone_else_controls_is_refused(
    temp_root: Path, tmp_path: Path, problem: str
) -> None:
    directory = temp_root / lease_directory_name()
    if problem == "symlink":
        real = tmp_path / "elsewhere"
        real.mkdir(mode=0o700)
        directory.symlink_to(real, target_is_directory=True)
    else:
        directory.mkdir(mode=0o700)
        if problem == "open to others":
            directory.chmod(0o777)
        else:
            os.chown(directory, NOBODY_UID, NOBODY_UID)
    with pytest.raises(PermissionError, match="refused"):
        tempkit.sweep([temp_root])  # nothing of ours to sweep, and the reason why
    # Whoever took the name first cannot stop crash-safe mode: the lease goes to a
    # spare directory under a name nobody could guess, and the taken one is never read.
    crashsafe.enable_crash_safety()
    made = TempDirPath.create(dir=temp_root)
    (spare,) = [p for p in temp_root.iterdir() if p.name.startswith(lease_directory_name() + ".")]
    assert stat.S_IMODE(spare.lstat().st_mode) == 0o700
    assert [p.name for p in spare.iterdir()] == [current_lease().name]
    report = tempkit.sweep([temp_root])
    assert [(e.kind, e.action) for e in report.entries] == [("lease", "left")]
    assert "refused" in report.entries[0].reason
    made.cleanup()


_held: list[object] = []


def test_two_users_cannot_sweep_each_others_objects(
    unprivileged_dir: Path, temp_root: Path
) -> None:
    shared = unprivileged_dir
    shared.chmod(0o1777)  # like /tmp: everyone may create, only owners remove
    # Root's dead worker leaves a directory in the shared temp dir.
    worker = start_worker(
        shared,
        "d = tempkit.TempDirPath.create()\nprint(json.dumps(str(d)), flush=True)\n"
        "time.sleep(600)\n",
    )
    roots = str(first_line(worker))
    kill(worker)

    def nobody_works_and_dies() -> tuple[str, list[str], str]:
        os.environ["TMPDIR"] = str(shared)
        tempkit.reset_tempdir_cache()
        crashsafe.enable_crash_safety()
        mine = TempDirPath.create()
        _held.append(mine)  # alive until the child's os._exit, which runs no cleanup
        _leases.forget()  # "dies" without ending its lease (as SIGKILL would)
        seen = [e.path for e in tempkit.sweep([shared]).removed]
        return str(mine), seen, lease_directory_name()

    nobodys, nobody_removed, nobodys_leases = run_unprivileged(nobody_works_and_dies)
    assert nobody_removed == [], "the unprivileged user swept root's objects"
    assert os.path.isdir(roots)
    report = tempkit.sweep([shared])
    assert [e.path for e in report.removed] == [roots]
    assert os.path.isdir(nobodys), "root swept the unprivileged user's object"
    assert (shared / nobodys_leases).is_dir()


def test_objects_kept_or_persisted_or_never_cleaned_are_not_swept(temp_root: Path) -> None:
    worker = start_worker(
        temp_root,
        """
        kept = tempkit.TempDirPath.create(prefix="kept-")
        kept.keep()
        moved = tempkit.TempFilePath.create()
        final = moved.persist(os.path.join(os.environ["TMPDIR"], "persisted.txt"))
        never = tempkit.TempDirPath.create(prefix="never-", cleanup="never")
        print(json.dumps([str(kept), str(final), str(never)]), flush=True)
        time.sleep(600)
        """,
    )
    made = first_line(worker)
    kill(worker)
    assert isinstance(made, list)
    report = tempkit.sweep([temp_root])
    assert report.removed == []
    assert all(os.path.exists(path) for path in made)


def test_start_up_reclaim_sweeps_dead_leases_when_asked(temp_root: Path) -> None:
    worker = start_worker(
        temp_root,
        "d = tempkit.TempDirPath.create()\nprint(json.dumps(str(d)), flush=True)\n"
        "time.sleep(600)\n",
    )
    dead = str(first_line(worker))
    kill(worker)
    crashsafe.enable_crash_safety()
    with TempDirPath.create():
        assert os.path.isdir(dead)  # without reclaim, nothing is swept
    end_lease()  # as a new process would start
    crashsafe.enable_crash_safety(reclaim=True)
    with TempDirPath.create():
        assert not os.path.exists(dead)


def test_a_forked_child_has_a_lease_of_its_own(temp_root: Path) -> None:
    crashsafe.enable_crash_safety()
    parents = TempDirPath.create()
    assert _leases.current() is not None
    parent_lease = current_lease().path

    def child() -> tuple[str, str]:
        made = TempFilePath.create()
        _held.append(made)  # alive until os._exit, which runs no cleanup
        assert _leases.current() is not None
        return current_lease().path, str(made)

    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        try:
            child_lease, made = child()
            with open(temp_root / "child.json", "w") as out:
                json.dump([child_lease, made], out)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    child_lease, made = json.loads((temp_root / "child.json").read_text())
    assert child_lease != parent_lease
    assert Path(parent_lease).exists()
    # The child exited without the exit pass (os._exit): its lease and file remain,
    # and the sweep reclaims them, not the parent's directory.
    report = tempkit.sweep([temp_root])
    assert [e.path for e in report.removed] == [made]
    assert parents.is_dir()
    parents.cleanup()
    (temp_root / "child.json").unlink()


def test_memory_objects_are_not_recorded(temp_root: Path) -> None:
    from tempkit import MemoryBackend

    crashsafe.enable_crash_safety()
    backend = MemoryBackend()
    with TempDirPath.create(backend=backend):
        pass
    assert _leases.current() is None


def test_a_torn_last_record_is_ignored(temp_root: Path) -> None:
    data = (
        b"tempkit-lease 1 5 6 boot 0 686f7374\n"
        b"d 1 2 7 4:/a/b\n"
        b"- 0 0 0 4:/a/x\n"
        b"f 1 3 7 9:/a/c\nd 1"  # the last record was cut short
    )
    parsed = parse_lease(data)
    assert parsed is not None
    header, records = parsed
    owner = header.owner
    assert (owner.pid, owner.start, owner.boot, header.uid) == (5, 6, "boot", 0)
    assert bytes.fromhex(header.host) == b"host"
    assert [(r.kind, r.inode, r.path) for r in records] == [
        ("directory", 2, "/a/b"),
        ("released", 0, "/a/x"),
    ]
    assert parse_lease(b"not a lease\n") is None


def test_names_with_spaces_and_newlines_round_trip(temp_root: Path) -> None:
    crashsafe.enable_crash_safety()
    odd = TempDirPath.create(prefix="odd name\nwith newline ")
    assert _leases.current() is not None
    parsed = parse_lease(Path(current_lease().path).read_bytes())
    assert parsed is not None
    assert [r.path for r in parsed[1]] == [str(odd)]
    odd.cleanup()


# -- signals -----------------------------------------------------------------------------------
SIGNAL_WORKER = """
    import signal
    # The case is about the default action: a suite started under nohup would hand
    # this worker SIGHUP ignored, and an ignored signal rightly stays ignored.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    if sys.argv[1] == "app-handler":
        def handler(signum, frame):
            print(json.dumps("app handler ran"), flush=True)
            sys.exit(3)
        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGHUP, handler)
    tempkit.cleanup_on_signals()
    tempkit.cleanup_on_signals()  # twice is harmless
    d = tempkit.TempDirPath.create()
    (d / "sub").mkdir()
    f = tempkit.TempFilePath.create()
    print(json.dumps([str(d), str(f)]), flush=True)
    time.sleep(600)
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
@pytest.mark.parametrize("setup", ["default", "app-handler"])
def test_signal_cleanup_chains_and_keeps_the_exit_status(
    temp_root: Path, signum: signal.Signals, setup: str
) -> None:
    worker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import json, os, sys, time\nimport tempkit\n" + textwrap.dedent(SIGNAL_WORKER),
            setup,
        ],
        env={**os.environ, "TMPDIR": str(temp_root)},
        stdout=subprocess.PIPE,
        text=True,
    )
    made = first_line(worker)
    assert isinstance(made, list)
    worker.send_signal(signum)
    assert worker.stdout is not None
    rest = worker.stdout.read()
    code = worker.wait()
    worker.stdout.close()
    if setup == "default":
        assert code == -signum  # died of the signal, as without tempkit
        assert rest == ""
    else:
        assert code == 3
        assert json.loads(rest) == "app handler ran"
    assert not any(os.path.exists(path) for path in made)
    assert everything_below(temp_root) == []


def test_signal_cleanup_in_crash_safe_mode_leaves_no_lease(temp_root: Path) -> None:
    worker = start_worker(
        temp_root,
        "tempkit.cleanup_on_signals()\nd = tempkit.TempDirPath.create()\n"
        "print(json.dumps(str(d)), flush=True)\ntime.sleep(600)\n",
    )
    made = first_line(worker)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait() == -signal.SIGTERM
    assert worker.stdout is not None
    worker.stdout.close()
    assert not os.path.exists(str(made))
    assert everything_below(temp_root) == [lease_directory_name()]


def test_signal_cleanup_can_be_removed_and_refuses_other_threads() -> None:
    import threading

    before = signal.getsignal(signal.SIGTERM)
    handle = tempkit.cleanup_on_signals([signal.SIGTERM])
    assert signal.getsignal(signal.SIGTERM) != before
    assert handle.signals == [signal.SIGTERM]
    handle.remove()
    handle.remove()
    assert signal.getsignal(signal.SIGTERM) == before
    errors: list[BaseException] = []

    def elsewhere() -> None:
        try:
            tempkit.cleanup_on_signals()
        except ValueError as exc:
            errors.append(exc)

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert len(errors) == 1
    assert "main thread" in str(errors[0])


def test_an_ignored_signal_stays_ignored() -> None:
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        handle = tempkit.cleanup_on_signals([signal.SIGHUP])
        assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
        assert handle.signals == []
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_process_identity_tells_a_reused_pid_from_its_first_owner() -> None:
    from tempkit._process import ProcessIdentity, is_running

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        started = start_time(child.pid)
        assert started is not None
        alive = process_identity(child.pid)
        assert is_running(alive)
        assert not is_running(ProcessIdentity(child.pid, started + 1, alive.boot))
        assert not is_running(ProcessIdentity(child.pid, started, "another-boot"))
    finally:
        child.kill()
        child.wait()
    assert not is_running(alive)


def live_records(lease_path: str) -> set[str]:
    parsed = parse_lease(Path(lease_path).read_bytes())
    assert parsed is not None
    return {r.path for r in parsed[1] if r.kind != "released"}


def test_a_long_lived_lease_holds_only_live_records_and_one_descriptor(temp_root: Path) -> None:
    crashsafe.enable_crash_safety()
    first = TempFilePath.create()
    assert _leases.current() is not None
    lease_path = current_lease().path
    descriptors = len(os.listdir("/proc/self/fd"))
    alive = [first]
    most = 0
    for round_ in range(6):
        alive.extend(TempFilePath.create() for _ in range(1500))  # beyond the first 64 KiB
        most = max(most, len(alive))
        for obj in alive[: len(alive) // 2]:
            obj.cleanup()
        alive = alive[len(alive) // 2 :]
        assert live_records(lease_path) == {str(o) for o in alive}, f"round {round_}"
    assert len(os.listdir("/proc/self/fd")) == descriptors
    # 9,000 objects were recorded; the file grew only with the most alive at once.
    record = len(os.fsencode(str(first))) + 64
    assert os.path.getsize(lease_path) <= 4 * record * most, "released records were kept"
    for obj in alive:
        obj.cleanup()
    assert live_records(lease_path) == set()


def test_a_spooled_file_still_in_memory_cleans_up_in_crash_safe_mode(temp_root: Path) -> None:
    from tempkit import SpooledTempPath

    crashsafe.enable_crash_safety()
    TempFilePath.create().cleanup()  # the lease exists from here on
    lease = current_lease()
    spooled = SpooledTempPath.create()
    spooled.write(b"data")
    spooled.cleanup()  # nothing on the disk, nothing recorded: nothing to release
    assert not spooled.managed
    rolled = SpooledTempPath.create()
    rolled.rollover()
    path = rolled.name
    assert path is not None
    assert path in lease._live
    rolled.cleanup()
    assert path not in lease._live
    assert not os.path.lexists(path)


def test_a_policy_change_takes_the_object_out_of_the_lease_and_back(temp_root: Path) -> None:
    crashsafe.enable_crash_safety()
    directory = TempDirPath.create()
    lease_path = current_lease().path
    assert live_records(lease_path) == {str(directory)}
    directory.policy = "never"  # meant to stay: a sweep must not take it
    assert live_records(lease_path) == set()
    directory.policy = "always"
    assert live_records(lease_path) == {str(directory)}
    directory.cleanup()
    assert live_records(lease_path) == set()


def test_a_squatted_lease_directory_name_neither_stops_nor_feeds_the_sweep(
    unprivileged_dir: Path, tmp_path: Path
) -> None:
    # In a shared temp dir (sticky, world-writable) another user takes the name of
    # root's lease directory first and puts a forged lease there naming one of
    # root's files. Root's worker still records its objects; once it is killed, a
    # sweep removes them and never reads the forged lease.
    shared = unprivileged_dir
    shared.chmod(0o1777)
    precious = tmp_path / "precious.txt"
    precious.write_text("root's")
    info = precious.stat()
    name = lease_directory_name()

    def squat() -> None:
        os.mkdir(shared / name, 0o755)
        forged = (
            f"tempkit-lease 1 999999 1 - 0 {host_id()}\n"
            f"f {info.st_dev} {info.st_ino} 0 {len(str(precious))}:{precious}\n"
        )
        (shared / name / "999999-1.lease").write_text(forged)
        # And the name of a spare, taken in advance (a spare's real name is random).
        os.mkdir(shared / f"{name}.taken", 0o700)
        (shared / f"{name}.taken" / "999999-1.lease").write_text(forged)

    run_unprivileged(squat)
    worker = start_worker(
        shared,
        "d = tempkit.TempDirPath.create()\nprint(json.dumps(str(d)), flush=True)\n"
        "time.sleep(600)\n",
    )
    made = str(first_line(worker))
    kill(worker)
    report = tempkit.sweep([shared])
    assert [e.path for e in report.removed] == [made]
    assert not os.path.exists(made)
    assert precious.read_text() == "root's"
    assert (shared / name / "999999-1.lease").exists()
    assert (shared / f"{name}.taken" / "999999-1.lease").exists()
    assert report.failed == []
    assert [e.lease for e in report.left] == [str(shared / name)]
