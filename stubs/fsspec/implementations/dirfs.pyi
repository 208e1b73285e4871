from typing import Any

from fsspec.spec import AbstractFileSystem

class DirFileSystem(AbstractFileSystem):
    def __init__(
        self, path: str | None = None, fs: AbstractFileSystem | None = None, **kwargs: Any
    ) -> None: ...
