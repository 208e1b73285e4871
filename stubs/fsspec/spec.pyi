from collections.abc import Iterable
from typing import IO, Any, ClassVar, Literal, overload

class AbstractFileSystem:
    protocol: ClassVar[str | tuple[str, ...]]
    root_marker: ClassVar[str]
    sep: ClassVar[str]
    def __init__(self, *args: Any, **storage_options: Any) -> None: ...
    @classmethod
    def _strip_protocol(cls, path: str) -> str: ...
    def unstrip_protocol(self, name: str) -> str: ...
    def invalidate_cache(self, path: str | None = None) -> None: ...
    def info(self, path: str, **kwargs: Any) -> dict[str, Any]: ...
    @overload
    def ls(self, path: str, detail: Literal[True] = ..., **kwargs: Any) -> list[dict[str, Any]]: ...
    @overload
    def ls(self, path: str, detail: Literal[False], **kwargs: Any) -> list[str]: ...
    @overload
    def find(
        self,
        path: str,
        maxdepth: int | None = None,
        withdirs: bool = False,
        *,
        detail: Literal[False] = ...,
        **kwargs: Any,
    ) -> list[str]: ...
    @overload
    def find(
        self,
        path: str,
        maxdepth: int | None = None,
        withdirs: bool = False,
        *,
        detail: Literal[True],
        **kwargs: Any,
    ) -> dict[str, dict[str, Any]]: ...
    def mkdir(self, path: str, create_parents: bool = True, **kwargs: Any) -> None: ...
    def makedirs(self, path: str, exist_ok: bool = False) -> None: ...
    def rmdir(self, path: str) -> None: ...
    def rm_file(self, path: str) -> None: ...
    def rm(
        self, path: str | list[str], recursive: bool = False, maxdepth: int | None = None
    ) -> None: ...
    def open(
        self,
        path: str,
        mode: str = "rb",
        block_size: int | None = None,
        cache_options: dict[str, Any] | None = None,
        compression: str | None = None,
        **kwargs: Any,
    ) -> IO[bytes]: ...
    def pipe_file(
        self, path: str, value: bytes, mode: str = "overwrite", **kwargs: Any
    ) -> None: ...
    def cat_file(
        self, path: str, start: int | None = None, end: int | None = None, **kwargs: Any
    ) -> bytes: ...
    def cp_file(self, path1: str, path2: str, **kwargs: Any) -> None: ...
    def copy(
        self,
        path1: str | list[str],
        path2: str | list[str],
        recursive: bool = False,
        maxdepth: int | None = None,
        on_error: str | None = None,
        **kwargs: Any,
    ) -> None: ...
    def mv(
        self,
        path1: str,
        path2: str,
        recursive: bool = False,
        maxdepth: int | None = None,
        **kwargs: Any,
    ) -> None: ...
    def exists(self, path: str, **kwargs: Any) -> bool: ...
    def isdir(self, path: str) -> bool: ...
    def isfile(self, path: str) -> bool: ...
    def touch(self, path: str, truncate: bool = True, **kwargs: Any) -> None: ...
    def expand_path(
        self, path: str | Iterable[str], recursive: bool = False, maxdepth: int | None = None
    ) -> list[str]: ...
