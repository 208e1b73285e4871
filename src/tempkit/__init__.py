"""tempkit: temporary files and directories as pathlib-style objects on pluggable backends.

>>> from tempkit import TempDirPath
>>> with TempDirPath.create(prefix="build-") as tmp:
...     _ = (tmp / "out.txt").write_text("hello", encoding="utf-8")
"""

from __future__ import annotations

from tempkit._lazy import lazy_attributes

# Not typing.TYPE_CHECKING: importing typing is a sizeable part of what
# `tempkit mktemp` would cost to start (type checkers read this name as True).
TYPE_CHECKING = False
if TYPE_CHECKING:  # served lazily at run time (see _LAZY); typed for checkers
    from tempkit.atomic import AtomicWrite, atomic_write
    from tempkit.backends import (
        Backend,
        Capabilities,
        PosixBackend,
        get_backend,
        set_default_backend,
        use_backend,
    )
    from tempkit.backends.fsspec import FsspecBackend
    from tempkit.backends.memory import MemoryBackend
    from tempkit.backends.windows import WindowsBackend
    from tempkit.crashsafe import (
        SweepEntry,
        SweepReport,
        crash_safety_enabled,
        disable_crash_safety,
        enable_crash_safety,
        sweep,
    )
    from tempkit.errors import CleanupError
    from tempkit.lifecycle import CleanupPolicy, PersistError, TempPath
    from tempkit.path import BackendPath
    from tempkit.resolver import (
        Candidate,
        Resolution,
        TempDirResolver,
        gettempdir,
        reset_tempdir_cache,
        resolver_for,
    )
    from tempkit.signals import cleanup_on_signals
    from tempkit.spooled import SpooledTempPath
    from tempkit.temp import OpenTempFile, TempDirPath, TempFilePath
    from tempkit.unnamed import UnnamedTempFile

__version__ = "0.1.0"

# Every name is served on first use (PEP 562), so importing the package costs
# next to nothing: ``import tempkit`` loads no backend, and a submodule such as
# the ``tempkit mktemp`` command loads only what it needs, which matters for a
# command a shell script runs once per line. Optional dependencies load only
# when used.
_LAZY: dict[str, str] = {
    "AtomicWrite": "tempkit.atomic",
    "Backend": "tempkit.backends",
    "BackendPath": "tempkit.path",
    "Candidate": "tempkit.resolver",
    "Capabilities": "tempkit.backends",
    "CleanupError": "tempkit.errors",
    "CleanupPolicy": "tempkit.lifecycle",
    "FsspecBackend": "tempkit.backends.fsspec",
    "MemoryBackend": "tempkit.backends.memory",
    "OpenTempFile": "tempkit.temp",
    "PersistError": "tempkit.lifecycle",
    "PosixBackend": "tempkit.backends",
    "Resolution": "tempkit.resolver",
    "SpooledTempPath": "tempkit.spooled",
    "TempDirPath": "tempkit.temp",
    "TempDirResolver": "tempkit.resolver",
    "TempFilePath": "tempkit.temp",
    "TempPath": "tempkit.lifecycle",
    "UnnamedTempFile": "tempkit.unnamed",
    "WindowsBackend": "tempkit.backends.windows",
    "atomic_write": "tempkit.atomic",
    "SweepEntry": "tempkit.crashsafe",
    "SweepReport": "tempkit.crashsafe",
    "cleanup_on_signals": "tempkit.signals",
    "crash_safety_enabled": "tempkit.crashsafe",
    "disable_crash_safety": "tempkit.crashsafe",
    "enable_crash_safety": "tempkit.crashsafe",
    "get_backend": "tempkit.backends",
    "gettempdir": "tempkit.resolver",
    "reset_tempdir_cache": "tempkit.resolver",
    "resolver_for": "tempkit.resolver",
    "set_default_backend": "tempkit.backends",
    "sweep": "tempkit.crashsafe",
    "use_backend": "tempkit.backends",
}


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, globals())


__all__ = [
    "AtomicWrite",
    "Backend",
    "BackendPath",
    "Candidate",
    "Capabilities",
    "CleanupError",
    "CleanupPolicy",
    "FsspecBackend",
    "MemoryBackend",
    "OpenTempFile",
    "PersistError",
    "PosixBackend",
    "Resolution",
    "SpooledTempPath",
    "SweepEntry",
    "SweepReport",
    "TempDirPath",
    "TempDirResolver",
    "TempFilePath",
    "TempPath",
    "UnnamedTempFile",
    "WindowsBackend",
    "__version__",
    "atomic_write",
    "cleanup_on_signals",
    "crash_safety_enabled",
    "disable_crash_safety",
    "enable_crash_safety",
    "get_backend",
    "gettempdir",
    "reset_tempdir_cache",
    "resolver_for",
    "set_default_backend",
    "sweep",
    "use_backend",
]
