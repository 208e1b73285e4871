"""Backends: where temp objects live (local disk, memory, any fsspec filesystem)."""

from __future__ import annotations

from tempkit.backends._current import (
    get_backend,
    local_backend,
    set_default_backend,
    use_backend,
)
from tempkit.backends.posix import PosixBackend
from tempkit.backends.protocol import Backend, Capabilities, DirEntry

__all__ = [
    "Backend",
    "Capabilities",
    "DirEntry",
    "PosixBackend",
    "get_backend",
    "local_backend",
    "set_default_backend",
    "use_backend",
]
