"""Backends: where temp objects live (local disk, memory, any fsspec filesystem)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tempkit._lazy import lazy_attributes
from tempkit.backends._current import (
    get_backend,
    local_backend,
    set_default_backend,
    use_backend,
)
from tempkit.backends.posix import PosixBackend
from tempkit.backends.protocol import (
    Backend,
    Capabilities,
    DeleteOnCloseBackend,
    DescriptorBackend,
    DirEntry,
    FsyncBackend,
    UnnamedFileBackend,
)

if TYPE_CHECKING:  # served lazily at run time (see _LAZY); typed for checkers
    from tempkit.backends.memory import MemoryBackend
    from tempkit.backends.windows import WindowsBackend

# Backends imported on first use, so importing this package stays cheap.
_LAZY: dict[str, str] = {
    "MemoryBackend": "tempkit.backends.memory",
    "WindowsBackend": "tempkit.backends.windows",
}


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, globals())


__all__ = [
    "Backend",
    "Capabilities",
    "DeleteOnCloseBackend",
    "DescriptorBackend",
    "DirEntry",
    "FsyncBackend",
    "MemoryBackend",
    "PosixBackend",
    "UnnamedFileBackend",
    "WindowsBackend",
    "get_backend",
    "local_backend",
    "set_default_backend",
    "use_backend",
]
