"""tempkit: temporary files and directories as pathlib-style objects on pluggable backends.

>>> from tempkit import TempDirPath
>>> with TempDirPath.create(prefix="build-") as tmp:
...     _ = (tmp / "out.txt").write_text("hello", encoding="utf-8")
"""

from __future__ import annotations

from tempkit.backends import (
    Backend,
    Capabilities,
    PosixBackend,
    get_backend,
    set_default_backend,
    use_backend,
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

__version__ = "0.1.0"

__all__ = [
    "Backend",
    "BackendPath",
    "Candidate",
    "Capabilities",
    "CleanupError",
    "CleanupPolicy",
    "OpenTempFile",
    "PersistError",
    "PosixBackend",
    "Resolution",
    "TempDirPath",
    "TempDirResolver",
    "TempFilePath",
    "TempPath",
    "__version__",
    "get_backend",
    "gettempdir",
    "reset_tempdir_cache",
    "resolver_for",
    "set_default_backend",
    "use_backend",
]
