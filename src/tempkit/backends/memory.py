"""MemoryBackend: a faithful POSIX filesystem in process memory, for tests.

Each instance is its own filesystem, isolated from every other, safe to use
from several threads, and indistinguishable from the local disk for the code
above the backend: same errors (builtin OSError subclasses with errno and
file names as Linux gives them), same permission enforcement (as for a user
who is not root), same open-file objects. Only the escape hatch to the real
OS is closed: ``os.fspath()`` of a memory path raises TypeError.

``MemoryBackend(flavour="windows")`` makes the Windows world instead
(``_memory_windows``): this module is where the two flavours meet, so neither
needs to know the other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from tempkit._flavour import POSIX, WINDOWS, Flavour
from tempkit.backends._memory_core import MemoryCore, MemoryDirEntry
from tempkit.backends._memory_names import PathFailure, PosixNames
from tempkit.backends._memory_nodes import now_ns
from tempkit.backends._memory_windows import WindowsMemoryWorld
from tempkit.backends.protocol import Capabilities
from tempkit.errors import os_error

__all__ = ["MemoryBackend", "MemoryDirEntry", "WindowsMemoryBackend"]

_PLATFORM_TEMP_DIRS: Final[Mapping[str, tuple[str, ...]]] = {
    # CPython's tempfile list for every POSIX system.
    "posix": ("/tmp", "/var/tmp", "/usr/tmp"),
    "linux": ("/tmp", "/var/tmp", "/usr/tmp"),
    "darwin": ("/tmp", "/var/tmp", "/usr/tmp"),
}


class MemoryBackend(MemoryCore):
    r"""A POSIX filesystem in memory: ``/``, ``/tmp`` and the current directory to start with.

    Each instance is its own filesystem, isolated from every other and safe to
    use from several threads. To the code above it, it is the local disk: the
    same errors (builtin OSError subclasses with errno and file names as Linux
    gives them), permissions enforced as for a user who is not root, symlinks,
    the same file objects. Only the way out is closed: ``os.fspath()`` of a
    memory path raises TypeError, so it never reaches the real disk. See the
    guide, docs/memory-backend.md, for what it models and what it leaves out.

    Args:
        environ: the environment variables this world has (default: none),
            which is where the resolver looks for TMPDIR, TEMP and TMP.
        platform: whose conventional temp directories ``platform_temp_dirs()``
            lists: "posix" (also "linux", "darwin").
        cwd: the absolute current directory; created (with its parents) if missing.
        flavour: path syntax, "posix" (default) or "windows" (or the ``POSIX``
            and ``WINDOWS`` flavour objects). "windows" makes a Windows world, a
            :class:`WindowsMemoryBackend`: drives, case-insensitive names,
            share modes, delete-on-close and the read-only attribute, with
            platform "windows" and ``cwd`` ``C:\`` by default.
        umask: applied to the modes of new files and directories, as the
            process umask is on the disk.
        sharing_timeout: the Windows flavour only: how long cleanup retries an
            entry another handle holds open, in seconds (default 2).

    Raises:
        ValueError: for an unknown flavour or platform, a relative ``cwd`` or a
            umask out of range.
        TypeError: for an environment that does not map str to str, or a
            ``sharing_timeout`` given to the POSIX flavour.

    Attributes:
        name: "memory".
        capabilities: permission bits, symlinks, atomic exclusive creation,
            real directories and whole-file reads and writes; no descriptors
            and no local paths.

    Examples:
        >>> from tempkit import MemoryBackend, TempDirPath
        >>> memory = MemoryBackend(environ={"TMPDIR": "/tmp"})
        >>> with TempDirPath.create(backend=memory) as tmp:
        ...     (tmp / "a.txt").write_text("hi", encoding="utf-8")
        2
        >>> import os
        >>> os.fspath(tmp)
        Traceback (most recent call last):
          ...
        TypeError: '/tmp/...' is a path on a MemoryBackend and has no OS path: ...
        >>> windows = MemoryBackend(flavour="windows")
        >>> with TempDirPath.create(backend=windows) as tmp:
        ...     (tmp / "A.TXT").write_text("hi", encoding="utf-8")
        ...     (tmp / "a.txt").read_text(encoding="utf-8")  # names ignore case
        2
        'hi'

    """

    name: str = "memory"
    capabilities: Capabilities = Capabilities(
        permissions=True,
        symlinks=True,
        descriptors=False,
        atomic_exclusive_create=True,
        local_paths=False,
        real_directories=True,
        delete_on_close=False,
        whole_files=True,
        in_process=True,
        unnamed_files=True,
    )

    def __new__(cls, *args: Any, **kwargs: Any) -> MemoryBackend:
        """Make the flavour asked for (see ``_flavour_class``)."""
        return super().__new__(_flavour_class(cls, kwargs.get("flavour")))

    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        platform: str = "posix",
        cwd: str = "/",
        *,
        flavour: Flavour | str | None = None,
        umask: int = 0o022,
        sharing_timeout: float | None = None,
    ) -> None:
        if sharing_timeout is not None:
            # Only the Windows flavour has share modes.
            raise TypeError("sharing_timeout applies to MemoryBackend(flavour='windows') only")
        if not (flavour is None or flavour == "posix" or flavour is POSIX):
            # Reached by a subclass only: MemoryBackend itself made the Windows world.
            raise ValueError(f"{type(self).__name__} has the posix flavour, not {flavour!r}")
        if platform not in _PLATFORM_TEMP_DIRS:
            known = ", ".join(sorted(_PLATFORM_TEMP_DIRS))
            raise ValueError(f"unknown platform {platform!r}; expected one of: {known}")
        super().__init__(PosixNames(), environ, platform, cwd, umask=umask)

    def __repr__(self) -> str:
        return f"MemoryBackend(dev={self._device:#x})"

    def platform_temp_dirs(self) -> Sequence[str]:
        """The conventional temp directories of ``platform``, in preference order.

        Returns:
            Absolute directories, the most preferred first.

        """
        return _PLATFORM_TEMP_DIRS[self.platform]

    # -- whole files (capabilities.whole_files; see tempkit._whole_files) ------------------
    def read_whole_file(self, path: str) -> bytes:
        """``open(path, "rb").read()`` in one step: the same checks and errors, no file object.

        Args:
            path: the file to read.

        Returns:
            Its whole contents.

        Raises:
            FileNotFoundError: the file is missing.
            IsADirectoryError: ``path`` is a directory.

        """
        if not self.capabilities.whole_files:
            # A subclass with rules of its own for opening (Windows share modes) keeps them.
            with self.open(path, "rb") as file:
                data: bytes = file.read()
                return data
        self._lock.acquire()  # not ``with``: see MemoryCore.mkdir
        try:
            node = self._tree.open_for_reading(path)
            node.atime_ns = now_ns()
            return bytes(node.data)
        except PathFailure as failure:
            raise os_error(failure.code, path) from None
        finally:
            self._lock.release()

    def write_whole_file(self, path: str, data: bytes | bytearray | memoryview) -> None:
        """``open(path, "wb")`` and one write of ``data``, in one step (same checks and errors).

        Args:
            path: the file to replace (created if missing, as ``open(path, "wb")`` does).
            data: its new contents.

        Raises:
            FileNotFoundError: the parent directory is missing.
            IsADirectoryError: ``path`` is a directory.

        """
        whole = self.capabilities.whole_files
        if whole and (type(data) is bytes or type(data) is bytearray):
            self._replace_contents(path, data)
            return
        view = memoryview(data)
        if not whole or not view.c_contiguous:
            with self.open(path, "wb") as file:
                file.write(view)
            return
        with view, view.cast("B") as source:
            self._replace_contents(path, source)

    def _replace_contents(self, path: str, source: bytes | bytearray | memoryview) -> None:
        self._lock.acquire()  # not ``with``: see MemoryCore.mkdir
        try:
            node = self._tree.open_for_replacing(path)
            if source:  # set-ID bits went with the truncation, as on the disk
                node.data[:] = source
                node.touch_modified(now_ns())
        except PathFailure as failure:
            raise os_error(failure.code, path) from None
        finally:
            self._lock.release()


class WindowsMemoryBackend(WindowsMemoryWorld, MemoryBackend):
    r"""``MemoryBackend(flavour="windows")``: Windows paths and rules, in memory.

    What a program meets on a Windows disk, on any machine: drive letters,
    ``\`` and ``/`` as separators, case-insensitive names, reserved
    characters and device names refused; a file open without delete sharing
    can be neither removed nor renamed (PermissionError, winerror 32);
    delete-on-close files (``open_delete_on_close``, ``open_shared``); the
    read-only attribute set by ``chmod``; cleanup retrying sharing violations.
    Made by ``MemoryBackend(flavour="windows")``; a :class:`MemoryBackend` for
    ``isinstance``.

    Args:
        environ: the environment variables this world has (default: none);
            USERPROFILE and SYSTEMROOT place the platform's temp directories.
        platform: always "windows".
        cwd: the absolute current directory (default ``C:\``).
        flavour: "windows".
        umask: applied to new entries' modes (only the write bit shows, as
            the read-only attribute).
        sharing_timeout: how long cleanup retries an entry another handle
            holds open, in seconds (default 2; 0 tries once).

    Raises:
        ValueError: a platform other than "windows", a relative ``cwd``, a
            negative ``sharing_timeout`` or a umask out of range.

    Examples:
        >>> from tempkit import MemoryBackend, TempFilePath
        >>> windows = MemoryBackend(flavour="windows")
        >>> with TempFilePath.create(backend=windows, delete_on_close=True) as tmp:
        ...     with tmp.reopen("w+b") as f:  # a plain open() would be refused
        ...         _ = f.write(b"data")
        >>> tmp.exists()
        False

    """


def _flavour_class(cls: type[MemoryBackend], flavour: object) -> type[MemoryBackend]:
    """The class ``MemoryBackend(flavour=...)`` makes: the Windows world for "windows"."""
    if cls is not MemoryBackend or flavour is None or flavour == "posix" or flavour is POSIX:
        return cls
    if flavour == "windows" or flavour is WINDOWS:
        return WindowsMemoryBackend
    raise ValueError(f"flavour must be 'posix' or 'windows', not {flavour!r}")
