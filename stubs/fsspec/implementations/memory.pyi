from typing import Any

from fsspec.spec import AbstractFileSystem

class MemoryFileSystem(AbstractFileSystem):
    store: dict[str, Any]
    pseudo_dirs: list[str]
    def __init__(self, *args: Any, **kwargs: Any) -> None: ...
