from typing import Any

from fsspec.spec import AbstractFileSystem

class LocalFileSystem(AbstractFileSystem):
    auto_mkdir: bool
    def __init__(self, auto_mkdir: bool = False, **kwargs: Any) -> None: ...
    def chmod(self, path: str, mode: int) -> None: ...
