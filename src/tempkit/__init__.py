"""tempkit: temporary files and directories as pathlib-style objects on pluggable backends.

>>> from tempkit import TempDirPath
>>> with TempDirPath.create(prefix="build-") as tmp:
...     _ = (tmp / "out.txt").write_text("hello", encoding="utf-8")
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tempkit._lazy import lazy_attributes
from tempkit.backends import (
    Backend,
    Capabilities,
    PosixBackend,
    get_backend,
    set_default_backend,
    use_backend,
)
from tempkit.crashsafe import (
    crash_safety_enabled,
    disable_crash_safety,
    enable_crash_safety,
    sweep,
)
from tempkit.errors import CleanupError, PersistError
from tempkit.path import BackendPath
from tempkit.resolver import (
    Candidate,
    Resolution,
    TempDirResolver,
    gettempdir,
    reset_tempdir_cache,
    resolver_for,
)
from tempkit.temp import CleanupPolicy, OpenTempFile, TempDirPath, TempFilePath, TempPath

if TYPE_CHECKING:  # served lazily at run time (see _LAZY); typed for checkers
    from tempkit.backends.fsspec import FsspecBackend
    from tempkit.backends.memory import MemoryBackend
    from tempkit.backends.windows import WindowsBackend
    from tempkit.signals import cleanup_on_signals
    from tempkit.spooled import SpooledTempPath

__version__ = "0.1.0"

# Names served on first use, so ``import tempkit`` stays as cheap as
# ``import tempfile, pathlib`` and optional dependencies load only when used.
_LAZY: dict[str, str] = {
    "FsspecBackend": "tempkit.backends.fsspec",
    "MemoryBackend": "tempkit.backends.memory",
    "SpooledTempPath": "tempkit.spooled",
    "WindowsBackend": "tempkit.backends.windows",
    "cleanup_on_signals": "tempkit.signals",
}


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, globals())


__all__ = [
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
    "TempDirPath",
    "TempDirResolver",
    "TempFilePath",
    "TempPath",
    "WindowsBackend",
    "__version__",
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
