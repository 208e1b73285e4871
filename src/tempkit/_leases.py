"""Leases: what a process in crash-safe mode writes down so a sweep can reclaim it later.

One lease per process, in a per-user directory inside the temp dir
(``<temp dir>/.tempkit-leases-<uid>``, mode 0o700, refused if it is a symlink,
owned by someone else or open to others; as anyone can take that name first in
a shared temp dir, a refused one is replaced by a spare,
``.tempkit-leases-<uid>.<random>``, and sweeps read the spares too). The lease is one file,
``<pid>-<start>.lease``, that the process opens once, locks with ``flock``
for its whole life, and appends to: a header naming the process (pid, start
time, boot id, uid), then one record per temp object it creates (kind,
device, inode, path). So 100,000 temp objects cost one descriptor, and each
costs one ``lstat`` and one ``write`` when it is made.

A sweep takes a lease's lock. It cannot while the owner lives (the kernel
drops an ``flock`` only when every descriptor on it is closed, at the latest
when the process dies, however it dies). Holding the lock, the sweep also
checks that the process the header names is not running (a pid now used by
a process that started at another time is someone else), then removes each
recorded entry that is still exactly the recorded one (same device and
inode, owned by this user, same kind), never following a symlink, and finally
the lease. Anything else it leaves, and says why.

What is not covered: an object whose record was not yet written when the
process died (the moment between creating it and the ``write`` that
records it), and records lost to a power failure (leases are not fsynced:
a lost record leaks an entry, it never makes a sweep remove a wrong one).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import mmap
import os
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Final, NamedTuple

# Leases need flock, effective uids and /proc: POSIX only. (This also tells
# mypy --platform win32 that nothing below is for Windows.)
assert sys.platform != "win32", "crash-safe leases are POSIX-only"

from tempkit._process import ProcessIdentity, is_running, process_identity  # noqa: E402
from tempkit._sweep_report import SweepEntry, SweepReport  # noqa: E402
from tempkit.backends._rmtree import FdTreeOps, remove_tree  # noqa: E402
from tempkit.errors import CleanupError  # noqa: E402

_FS_ENCODING: Final = sys.getfilesystemencoding()
_FS_ERRORS: Final = sys.getfilesystemencodeerrors()
_is_dir: Final = stat.S_ISDIR

__all__ = [
    "LEASE_DIR_PREFIX",
    "Lease",
    "LeaseHeader",
    "LeaseRecord",
    "current",
    "end_lease_now",
    "forget",
    "host_id",
    "lease_directory_name",
    "open_lease_directory",
    "own_lease_name",
    "parse_lease",
    "record_created",
    "record_released",
    "sweep_directory",
]

LEASE_DIR_PREFIX: Final = ".tempkit-leases-"
_SUFFIX: Final = ".lease"
_MAGIC: Final = b"tempkit-lease 1"
_DIR_FLAGS: Final = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
_KINDS: Final = {b"d": "directory", b"f": "file"}
# A new lease maps this much; when records reach the end, the released ones are
# dropped, and the file doubles only if the live ones still fill half of it.
_INITIAL_SIZE: Final = 64 * 1024
_RELEASED: Final = ord("-")


def lease_directory_name(uid: int | None = None) -> str:
    """The name of a user's lease directory inside a temp dir."""
    return f"{LEASE_DIR_PREFIX}{os.geteuid() if uid is None else uid}"


def open_lease_directory(temp_dir: str, *, create: bool) -> int:
    """A descriptor on this user's lease directory in ``temp_dir``, checked.

    Raises:
        FileNotFoundError: there is none and ``create`` is false.
        PermissionError: it is a symlink, is owned by another user, or lets
            others in (any group or other permission bit): a lease directory
            someone else controls could feed a sweep forged records.

    """
    name = lease_directory_name()
    parent = os.open(temp_dir, _DIR_FLAGS)
    try:
        if create:
            with contextlib.suppress(FileExistsError):
                os.mkdir(name, 0o700, dir_fd=parent)
        return _open_checked(parent, name, os.path.join(temp_dir, name))
    finally:
        os.close(parent)


def _open_checked(parent: int, name: str, path: str) -> int:
    """Open ``name`` in ``parent`` as a lease directory: a real directory, ours, 0o700."""
    try:
        fd = os.open(name, _DIR_FLAGS | os.O_NOFOLLOW, dir_fd=parent)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise PermissionError(
                errno.EACCES, "lease directory is not a plain directory: refused", path
            ) from None
        raise
    info = os.fstat(fd)
    problem = None
    if info.st_uid != os.geteuid():
        problem = f"lease directory is owned by uid {info.st_uid}, not {os.geteuid()}: refused"
    elif stat.S_IMODE(info.st_mode) & 0o077:
        problem = f"lease directory has mode {stat.S_IMODE(info.st_mode):#o}, not 0o700: refused"
    if problem is not None:
        os.close(fd)
        raise PermissionError(errno.EACCES, problem, path)
    return fd


def _spare_directories(temp_dir: str) -> list[tuple[str, int]]:
    """This user's spare lease directories in ``temp_dir`` (name, descriptor), checked.

    A spare is made when the lease directory's own name is taken by something
    this user does not control: anyone can make an entry of any name in a
    shared temp dir, and one squatted name must not stop crash-safe mode. A
    spare's name ends in random characters, so it cannot be taken in advance;
    entries of a spare's form that are not this user's private directories
    are not read.
    """
    prefix = lease_directory_name() + "."
    parent = os.open(temp_dir, _DIR_FLAGS)
    found: list[tuple[str, int]] = []
    try:
        for name in sorted(os.listdir(parent)):
            if name.startswith(prefix):
                try:
                    found.append((name, _open_checked(parent, name, "")))
                except OSError:
                    continue  # not ours: never read
    finally:
        os.close(parent)
    return found


def _open_spare_directory(temp_dir: str, refused: OSError) -> tuple[str, int]:
    """A spare lease directory for this process (an existing one, else a new one)."""
    spares = _spare_directories(temp_dir)
    for _, fd in spares[1:]:
        os.close(fd)
    if spares:
        name, fd = spares[0]
    else:
        parent = os.open(temp_dir, _DIR_FLAGS)
        try:
            while True:
                name = f"{lease_directory_name()}.{os.urandom(8).hex()}"
                try:
                    os.mkdir(name, 0o700, dir_fd=parent)
                except FileExistsError:
                    continue
                fd = _open_checked(parent, name, os.path.join(temp_dir, name))
                break
        finally:
            os.close(parent)
    import logging  # noqa: PLC0415 - only a squatted lease directory pays for logging

    logging.getLogger("tempkit").warning(
        "%s; leases go to %s instead", refused, os.path.join(temp_dir, name)
    )
    return name, fd


class LeaseRecord(NamedTuple):
    """One temp object as its lease recorded it."""

    kind: str  # "file" or "directory"
    device: int
    inode: int
    created_ns: int  # wall clock just after it was made: it was born no later
    path: str


class Lease:
    """This process's lease: locked for its life, one record per temp object.

    The file is mapped into memory (``MAP_SHARED``), so recording an object is a
    copy into the page cache rather than a system call: what a process wrote
    there is in the file for every reader the moment it is written, and stays
    there when the process is killed (only a power failure can lose it).
    Records go one after the other; the rest of the mapping is zero bytes,
    where a reader stops. Releasing an object marks its record in place.
    """

    def __init__(self, temp_dir: str) -> None:
        self.identity = process_identity()
        self.name = f"{self.identity.pid}-{self.identity.start or 0}{_SUFFIX}"
        # Built under a private name, then linked into place: a sweep that finds
        # the lease finds it locked and with its header, never half made.
        building = f".{self.name}.{os.urandom(4).hex()}"
        try:
            directory = open_lease_directory(temp_dir, create=True)
            directory_name = lease_directory_name()
        except PermissionError as refused:
            directory_name, directory = _open_spare_directory(temp_dir, refused)
        self.directory = os.path.join(temp_dir, directory_name)
        try:
            flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
            fd = os.open(building, flags, 0o600, dir_fd=directory)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                header = b"%s %d %d %s %d %s\n" % (
                    _MAGIC,
                    self.identity.pid,
                    -1 if self.identity.start is None else self.identity.start,
                    (self.identity.boot or "-").encode("ascii"),
                    os.geteuid(),
                    host_id().encode("ascii"),
                )
                os.ftruncate(fd, _INITIAL_SIZE)
                self._map = mmap.mmap(fd, _INITIAL_SIZE)
                self._map[: len(header)] = header
                # link, not rename: a lease of that name (a dead process's) is never replaced.
                os.link(building, self.name, src_dir_fd=directory, dst_dir_fd=directory)
            except BaseException:
                os.close(fd)
                raise
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(building, dir_fd=directory)
        finally:
            os.close(directory)
        self._fd = fd
        self._header_end = self._end = len(header)
        # The objects still owned, by path: (offset of the record, the record).
        self._live: dict[str, tuple[int, bytes]] = {}
        self._lock = threading.Lock()

    @property
    def path(self) -> str:
        """Where the lease file is."""
        return os.path.join(self.directory, self.name)

    def record(self, path: str, info: os.stat_result) -> None:
        """Write down the temp object just made at ``path`` (``info`` is its lstat)."""
        # os.fsencode's own work, as one C call: this runs on every create.
        encoded = path.encode(_FS_ENCODING, _FS_ERRORS)
        line = b"%s %d %d %d %d:%s\n" % (
            b"d" if _is_dir(info.st_mode) else b"f",
            info.st_dev,
            info.st_ino,
            time.time_ns(),
            len(encoded),
            encoded,
        )
        with self._lock:
            end = self._end
            if end + len(line) >= len(self._map):
                end = self._make_room(len(line))
            self._map[end : end + len(line)] = line
            self._end = end + len(line)
            self._live[path] = (end, line)

    def release(self, path: str) -> None:
        """The object at ``path`` is no longer owned (cleaned up, kept or persisted).

        Its record is marked released in place: the name may be used again (by
        this very process, even), and a later entry there must never be taken
        for the recorded one.
        """
        with self._lock:
            entry = self._live.pop(path, None)
            if entry is not None and self._fd >= 0:
                self._map[entry[0]] = _RELEASED

    def _make_room(self, needed: int) -> int:
        """Compact the records to the live ones, or grow the file; the new end."""
        live = list(self._live.items())
        size = len(self._map)
        compacted = self._header_end + sum(len(line) for _, (_, line) in live)
        if compacted + needed >= size // 2:
            size *= 2
            while compacted + needed >= size // 2:
                size *= 2
            os.ftruncate(self._fd, size)
            self._map.resize(size)
        # Rewritten in place under the lock held all along: no sweep reads it
        # meanwhile. A crash midway can lose records (leaks), never make new ones.
        end = self._header_end
        for path, (_, line) in live:
            self._map[end : end + len(line)] = line
            self._live[path] = (end, line)
            end += len(line)
        self._map[end : self._end] = bytes(self._end - end) if self._end > end else b""
        return end

    def close(self) -> None:
        """End the lease: remove it if nothing is left to reclaim, then drop the lock.

        An object still recorded (its cleanup failed) keeps the lease, so a later
        sweep can retry once this process is gone.
        """
        with self._lock:
            fd, self._fd = self._fd, -1
            if fd < 0:
                return
            try:
                if not self._live:
                    with contextlib.suppress(OSError):
                        os.unlink(self.path)
            finally:
                self._map.close()
                os.close(fd)

    def abandon(self) -> None:
        """Forget the lease without touching it: a forked child's copy belongs to the parent."""
        fd, self._fd = self._fd, -1
        if fd >= 0:
            self._map.close()  # the child's view only; the parent keeps its mapping
            os.close(fd)
        self._live = {}


# -- this process's lease ---------------------------------------------------------------------
# The two calls below run on every create and cleanup in crash-safe mode, so they
# trust the at-fork hook (``forget``, registered below) to drop an inherited lease
# rather than ask getpid() each time; slower paths still check the pid.
_current: Lease | None = None
_current_pid = 0
_starting = threading.Lock()


def current() -> Lease | None:
    """This process's lease, if it has recorded anything (a forked child has none yet)."""
    return _current if _current_pid == os.getpid() else None


def record_created(path: str, reclaim_seconds: float | None = None) -> None:
    """Record the object just made at ``path`` in this process's lease, made on first use.

    Args:
        path: the object's path.
        reclaim_seconds: when this call starts the lease, the time the start-up
            sweep of dead processes' leftovers may take (None: no such sweep).

    """
    lease = _current if _current is not None else _start_lease(reclaim_seconds)
    lease.record(path, os.lstat(path))


def record_released(path: str) -> None:
    """The object at ``path`` is no longer owned: mark its record released."""
    if _current is not None:
        _current.release(path)


def own_lease_name() -> str | None:
    """The file name of this process's lease (a sweep must not look at it)."""
    lease = current()
    return None if lease is None else lease.name


def end_lease_now() -> None:
    """End this process's lease at once: it is about to die (of a signal, say)."""
    lease = current()
    if lease is not None:
        lease.close()


def _start_lease(reclaim_seconds: float | None) -> Lease:
    global _current, _current_pid
    from tempkit import _finalizer  # noqa: PLC0415 - at run time only
    from tempkit.backends.posix import PosixBackend  # noqa: PLC0415
    from tempkit.resolver import gettempdir  # noqa: PLC0415

    with _starting:
        if _current is not None and _current_pid == os.getpid():
            return _current
        temp_dir = gettempdir(PosixBackend())
        lease = Lease(temp_dir)
        _current, _current_pid = lease, os.getpid()
        import atexit  # noqa: PLC0415

        # After the exit pass has cleaned up what is left, the lease has nothing
        # to cover and goes too. atexit runs this before handlers registered
        # earlier, so the pass is run here first (running it twice is harmless).
        atexit.register(_end_at_exit, lease, _finalizer.run_exit_pass)
    if reclaim_seconds is not None:
        sweep_directory(temp_dir, deadline=time.monotonic() + reclaim_seconds, skip=lease.name)
    return lease


def _end_at_exit(lease: Lease, run_exit_pass: Callable[[], None]) -> None:
    if _current is lease and _current_pid == os.getpid():
        run_exit_pass()
        lease.close()


def forget() -> None:
    """Drop this process's lease without ending it (a forked child's copy is the parent's)."""
    global _current, _current_pid
    inherited = _current
    _current, _current_pid = None, 0
    if inherited is not None:
        inherited.abandon()


os.register_at_fork(after_in_child=forget)


# -- the sweep -------------------------------------------------------------------------------


def host_id() -> str:
    """This machine's name, hex-encoded so that any name fits in one header field."""
    return os.uname().nodename.encode("utf-8", "surrogateescape").hex() or "-"


class LeaseHeader(NamedTuple):
    """Who wrote a lease: the process, its user, and the machine (``host_id()``)."""

    owner: ProcessIdentity
    uid: int
    host: str


def parse_lease(data: bytes) -> tuple[LeaseHeader, list[LeaseRecord]] | None:
    """(header, records) from a lease's bytes, or None if the header is not a lease's.

    A record cut short (a crash or power loss mid-write) ends the list: every
    record before it is whole, since each was one append.
    """
    header, _, body = data.partition(b"\n")
    fields = header.split(b" ")
    if len(fields) != 7 or b" ".join(fields[:2]) != _MAGIC:
        return None
    try:
        pid, start, uid = int(fields[2]), int(fields[3]), int(fields[5])
    except ValueError:
        return None
    boot = fields[4].decode("ascii", "replace")
    owner = ProcessIdentity(pid, None if start < 0 else start, None if boot == "-" else boot)
    return LeaseHeader(owner, uid, fields[6].decode("ascii", "replace")), list(_records(body))


def _records(body: bytes) -> Iterator[LeaseRecord]:
    # "<kind> <device> <inode> <created ns> <length>:<path bytes>\n"; the length lets
    # a path hold spaces and newlines. Kind "-" marks a record its owner released.
    position, size = 0, len(body)
    while position < size:
        try:
            ends = []
            at = position
            for _ in range(4):
                at = body.index(b" ", at) + 1
                ends.append(at)
            colon = body.index(b":", at)
            kind = body[position : ends[0] - 1]
            start = colon + 1
            end = start + int(body[ends[3] : colon])
            if (kind not in _KINDS and kind != b"-") or body[end : end + 1] != b"\n":
                return  # the zero bytes after the last record, or a record cut short
            yield LeaseRecord(
                _KINDS.get(kind, "released"),
                int(body[ends[0] : ends[1] - 1]),
                int(body[ends[1] : ends[2] - 1]),
                int(body[ends[2] : ends[3] - 1]),
                os.fsdecode(body[start:end]),
            )
        except ValueError:
            return
        position = end + 1


_STATX_BTIME: Final = 0x800
_AT_FDCWD: Final = -100
_AT_SYMLINK_NOFOLLOW: Final = 0x100


def born_ns(path: str) -> tuple[int, int] | None:
    """(inode, birth time in ns) of ``path`` itself, from statx(2), or None where unknown.

    Inode numbers are reused at once on ext4 and tmpfs: an entry made later
    under a recorded name can have the recorded device and inode, and only its
    birth time tells it apart. Python has no statx before 3.15, so it is called
    through ctypes (only sweeps do this).
    """
    try:
        import ctypes  # noqa: PLC0415 - only sweeps need it
        import struct  # noqa: PLC0415

        libc = ctypes.CDLL(None, use_errno=True)
        statx = libc.statx
    except (ImportError, OSError, AttributeError):
        return None  # unknown: the device, inode and release records still decide
    buffer = ctypes.create_string_buffer(256)
    code = statx(_AT_FDCWD, os.fsencode(path), _AT_SYMLINK_NOFOLLOW, _STATX_BTIME, buffer)
    if code != 0:
        return None
    mask = struct.unpack_from("I", buffer, 0)[0]
    if not mask & _STATX_BTIME:
        return None
    inode = struct.unpack_from("Q", buffer, 32)[0]
    seconds, nanoseconds = struct.unpack_from("qI", buffer, 80)
    return inode, seconds * 1_000_000_000 + nanoseconds


class _PinnedTop(FdTreeOps):
    """Tree removal whose top must be the directory a lease recorded (device and inode)."""

    def __init__(self, device: int, inode: int) -> None:
        super().__init__()
        self.identity = (device, inode)

    def lstat_mode(self, path: str) -> int:
        # The walker's first look decides between unlink and a walk: it must see ours.
        info = os.lstat(path)
        if (info.st_dev, info.st_ino) != self.identity:
            raise FileExistsError(errno.EEXIST, "another entry has this name now", path)
        return info.st_mode

    def open_top(self, path: str) -> int:
        fd = super().open_top(path)
        info = os.fstat(fd)
        if (info.st_dev, info.st_ino) != self.identity:
            os.close(fd)
            raise FileExistsError(errno.EEXIST, "another directory has this name now", path)
        return fd


def _remove_file(record: LeaseRecord) -> None:
    """Unlink the recorded file, relative to its directory, if it is still that file."""
    parent, name = os.path.split(record.path)
    directory = os.open(parent, _DIR_FLAGS)
    try:
        info = os.stat(name, dir_fd=directory, follow_symlinks=False)
        if (info.st_dev, info.st_ino) != (record.device, record.inode):
            raise FileExistsError(errno.EEXIST, "another entry has this name now", record.path)
        os.unlink(name, dir_fd=directory)
    finally:
        os.close(directory)


def _why_not(record: LeaseRecord, info: os.stat_result, uid: int) -> str | None:
    """Why the entry found at a recorded path is not the recorded object, or None."""
    if (info.st_dev, info.st_ino) != (record.device, record.inode):
        return "another entry has this name now"
    birth = born_ns(record.path)
    if birth is not None and birth[0] == record.inode and birth[1] > record.created_ns:
        # Same inode number, born after the record was written: a reused inode.
        return "another entry has this name now"
    if info.st_uid != uid:
        return f"owned by uid {info.st_uid}"
    if stat.S_ISDIR(info.st_mode) != (record.kind == "directory"):
        return f"no longer a {record.kind}"
    return None


def _reclaim(
    lease_path: str, records: Iterable[LeaseRecord], uid: int, dry_run: bool
) -> tuple[list[SweepEntry], bool]:
    """Remove what a dead owner recorded; (entries, True if nothing recorded is left)."""
    latest: dict[str, LeaseRecord] = {}
    for record in records:
        if record.kind != "released":  # released: its owner let go of it
            latest[record.path] = record  # a path used twice: the newer record counts
    entries: list[SweepEntry] = []
    all_done = True
    # Deepest first, so a file inside a recorded directory is seen on its own first.
    for record in sorted(latest.values(), key=lambda r: r.path.count(os.sep), reverse=True):
        try:
            info = os.lstat(record.path)
        except FileNotFoundError:
            entries.append(SweepEntry(lease_path, record.path, record.kind, "gone", "not there"))
            continue
        except OSError as exc:
            entries.append(SweepEntry(lease_path, record.path, record.kind, "failed", str(exc)))
            all_done = False
            continue
        reason = _why_not(record, info, uid)
        if reason is not None:
            # Not ours any more: the record is spent, the entry is not touched.
            entries.append(SweepEntry(lease_path, record.path, record.kind, "left", reason))
            continue
        if dry_run:
            entries.append(
                SweepEntry(lease_path, record.path, record.kind, "would remove", "owner is gone")
            )
            continue
        try:
            if record.kind == "directory":
                remove_tree(
                    _PinnedTop(record.device, record.inode),
                    record.path,
                    os.sep,
                    ignore_errors=False,
                )
            else:
                _remove_file(record)
        except FileNotFoundError:
            entries.append(SweepEntry(lease_path, record.path, record.kind, "gone", "not there"))
        except (CleanupError, OSError) as exc:
            entries.append(SweepEntry(lease_path, record.path, record.kind, "failed", str(exc)))
            all_done = False
        else:
            entries.append(
                SweepEntry(lease_path, record.path, record.kind, "removed", "owner is gone")
            )
    return entries, all_done


def sweep_directory(
    temp_dir: str,
    *,
    dry_run: bool = False,
    older_than: float | None = None,
    deadline: float | None = None,
    skip: str | None = None,
) -> SweepReport:
    """Reclaim what dead processes of this user left, as recorded in ``temp_dir``'s leases.

    ``older_than`` (seconds) leaves leases written to more recently than that;
    ``deadline`` (a ``time.monotonic()`` value) stops before the next lease
    once passed; ``skip`` names a lease file not to look at (this process's).
    """
    entries: list[SweepEntry] = []
    directories: list[tuple[str, int]] = []
    refused: PermissionError | None = None
    try:
        directories.append((lease_directory_name(), open_lease_directory(temp_dir, create=False)))
    except FileNotFoundError:
        pass
    except PermissionError as exc:
        refused = exc
    directories += _spare_directories(temp_dir)
    if refused is not None:
        if not directories:
            raise refused
        # Not ours: what it holds is never read. Ours are in the spare directories.
        lease_dir = os.path.join(temp_dir, lease_directory_name())
        entries.append(SweepEntry(lease_dir, "", "lease", "left", str(refused.strerror)))
    uid = os.geteuid()
    try:
        for directory_name, directory in directories:
            lease_dir = os.path.join(temp_dir, directory_name)
            for name in sorted(os.listdir(directory)):
                if deadline is not None and time.monotonic() > deadline:
                    return SweepReport(entries, False)
                if not name.endswith(_SUFFIX) or name == skip:
                    continue
                entries.extend(
                    _sweep_lease(
                        directory, name, os.path.join(lease_dir, name), uid, dry_run, older_than
                    )
                )
    finally:
        for _, directory in directories:
            os.close(directory)
    return SweepReport(entries, True)


def _sweep_lease(
    directory: int, name: str, lease_path: str, uid: int, dry_run: bool, older_than: float | None
) -> list[SweepEntry]:
    def about_lease(action: str, reason: str) -> list[SweepEntry]:
        return [SweepEntry(lease_path, "", "lease", action, reason)]

    try:
        fd = os.open(name, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=directory)
    except FileNotFoundError:
        return []  # its owner ended it meanwhile
    except OSError as exc:
        return about_lease("left", f"cannot open it: {exc.strerror}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != uid:
            return about_lease("left", "not a lease of this user")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return about_lease("left", "its owner is alive (it holds the lease's lock)")
        try:
            now = os.stat(name, dir_fd=directory, follow_symlinks=False)
        except FileNotFoundError:
            return []
        if not os.path.samestat(info, now):
            return about_lease("left", "the lease was replaced meanwhile")
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        parsed = parse_lease(b"".join(chunks))
        if parsed is None:
            return about_lease("left", "not a tempkit lease")
        header, records = parsed
        owner = header.owner
        if header.uid != uid:
            return about_lease("left", f"a lease of uid {header.uid}")
        if header.host != host_id():
            # Its process and boot cannot be checked from here (a temp dir shared
            # over the network): only a sweep on that machine may reclaim it.
            return about_lease("left", "written on another machine")
        if is_running(owner):
            return about_lease("left", f"its owner, pid {owner.pid}, is still running")
        if older_than is not None and time.time() - info.st_mtime < older_than:
            return about_lease("left", f"written to less than {older_than:g} s ago")
        found, all_done = _reclaim(lease_path, records, uid, dry_run)
        if dry_run:
            return [*found, *about_lease("would remove", f"pid {owner.pid} is gone")]
        if all_done:
            os.unlink(name, dir_fd=directory)
            return [*found, *about_lease("removed", f"pid {owner.pid} is gone")]
        return [*found, *about_lease("left", "some of its objects could not be removed")]
    finally:
        os.close(fd)
