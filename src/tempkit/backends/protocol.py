"""The backend protocol: the few filesystem primitives everything above is built on.

A backend knows nothing about temp objects. Paths cross this boundary as plain
strings in the backend's own flavour, already absolute where that matters.
Every failure is a builtin ``OSError`` subclass with ``errno`` and ``filename``
set, whatever the backend, so the layers above handle one set of errors.

What a backend cannot do is declared in :class:`Capabilities` rather than
discovered by catching an exception halfway through an operation.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from typing import IO, Any, NamedTuple, Protocol, runtime_checkable

from tempkit._flavour import Flavour

__all__ = ["Backend", "Capabilities", "DeleteOnCloseBackend", "DirEntry"]


# A NamedTuple, not a dataclass: importing dataclasses (and inspect with it) would
# more than double the cost of ``import tempkit``.
class Capabilities(NamedTuple):
    """What a backend can promise; the layers above adapt instead of failing.

    Attributes:
        permissions: mode bits are stored and enforced (``chmod`` means something).
        symlinks: symbolic links can be created and are reported by ``lstat``.
        descriptors: files have OS descriptors (``fileno()``) and removal can be
            done relative to directory descriptors.
        atomic_exclusive_create: "create this exact name, fail if it exists" is
            atomic, so concurrent creators can never both win.
        local_paths: paths name real files on this machine, so they are
            ``os.PathLike`` and can be given to ``open()`` or ``subprocess``.
        real_directories: directories exist on their own; object stores only
            have key prefixes, so an empty directory may not be observable.
        delete_on_close: files can be opened so that the OS removes them when the
            last handle closes (Windows ``O_TEMPORARY``).

    """

    permissions: bool = True
    symlinks: bool = True
    descriptors: bool = True
    atomic_exclusive_create: bool = True
    local_paths: bool = True
    real_directories: bool = True
    delete_on_close: bool = False


class DirEntry(Protocol):
    """The part of ``os.DirEntry`` the layers above use."""

    @property
    def name(self) -> str:
        """The entry's name inside its directory."""

    @property
    def path(self) -> str:
        """The directory's path joined with ``name``."""

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        """True for a directory (or a link to one when following links)."""

    def is_file(self, *, follow_symlinks: bool = True) -> bool:
        """True for a regular file (or a link to one when following links)."""

    def is_symlink(self) -> bool:
        """True for a symbolic link."""

    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        """The entry's stat result."""


@runtime_checkable
class Backend(Protocol):
    """The filesystem primitives a backend offers to tempkit.

    All paths are strings in ``flavour``. Creation primitives are exclusive: they
    fail with ``FileExistsError`` when the name exists, never follow a symlink
    at the final component, and create private entries (``perm`` is applied
    where ``capabilities.permissions`` is true).
    """

    name: str
    flavour: Flavour
    capabilities: Capabilities

    # -- environment: everything the resolver needs comes from here -------------
    def environ(self) -> Mapping[str, str]:
        """Environment variables as this backend's world sees them."""

    def platform_temp_dirs(self) -> Sequence[str]:
        """The platform's conventional temp directories, in preference order."""

    def getcwd(self) -> str:
        """The current directory, absolute."""

    def fspath(self, path: str) -> str:
        """Return the OS path for ``path``, or raise TypeError if it is not on this machine."""

    # -- creation ------------------------------------------------------------------
    def create_file(self, path: str, perm: int = 0o600) -> None:
        """Create an empty file exclusively, not following a symlink at ``path``."""

    def mkdir(self, path: str, perm: int = 0o700) -> None:
        """Create a directory exclusively."""

    def open(
        self,
        path: str,
        mode: str = "r",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
        *,
        perm: int = 0o666,
    ) -> IO[Any]:
        """Open like the builtin ``open``; mode "x" creates exclusively with ``perm``."""

    # -- inspection ---------------------------------------------------------------
    def stat(self, path: str, *, follow_symlinks: bool = True) -> os.stat_result:
        """Stat ``path``; with ``follow_symlinks=False`` this is lstat."""

    def scandir(self, path: str) -> Iterator[DirEntry]:
        """Iterate over the entries of a directory (no "." or "..")."""

    def readlink(self, path: str) -> str:
        """The target of a symbolic link."""

    def realpath(self, path: str, *, strict: bool = False) -> str:
        """``path`` made absolute with every symlink resolved."""

    # -- mutation -----------------------------------------------------------------
    def unlink(self, path: str) -> None:
        """Remove a file or a symlink."""

    def rmdir(self, path: str) -> None:
        """Remove an empty directory."""

    def rename(self, src: str, dst: str) -> None:
        """Rename with the platform's ``os.rename`` rules."""

    def replace(self, src: str, dst: str) -> None:
        """Rename, replacing ``dst`` if it is a file or an empty directory."""

    def rename_noreplace(self, src: str, dst: str) -> None:
        """Rename, failing with FileExistsError if ``dst`` exists."""

    def chmod(self, path: str, mode: int, *, follow_symlinks: bool = True) -> None:
        """Change permission bits."""

    def symlink(self, target: str, path: str, *, target_is_directory: bool = False) -> None:
        """Create a symbolic link at ``path`` pointing to ``target``."""

    def utime(self, path: str) -> None:
        """Set access and modification times to now."""

    def rmtree(self, path: str, *, ignore_errors: bool = False) -> None:
        """Remove ``path`` and everything below it, never leaving the tree.

        Symlinks inside are removed, not followed; read-only entries are made
        writable as needed. A missing ``path`` is not an error. Remaining
        failures are raised together as one :class:`tempkit.CleanupError`.
        """


@runtime_checkable
class DeleteOnCloseBackend(Backend, Protocol):
    """The two extra primitives of a backend whose ``capabilities.delete_on_close`` is true.

    Kept apart from :class:`Backend` so that backends without the feature need
    not implement anything; the temp layer checks the capability first.
    """

    def open_delete_on_close(
        self,
        path: str,
        mode: str = "x+b",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
        *,
        perm: int = 0o600,
    ) -> IO[Any]:
        """Create ``path`` exclusively and open it so it is removed when its last handle closes.

        While such a handle is open, a plain ``open`` of the file fails with
        PermissionError (as on Windows); ``open_shared`` succeeds.
        """

    def open_shared(
        self,
        path: str,
        mode: str = "rb",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> IO[Any]:
        """Open an existing file sharing delete access (works next to a delete-on-close handle)."""
