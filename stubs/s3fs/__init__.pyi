# Stubs for the parts of s3fs that tempkit's tests and benchmarks use.
from typing import Any

from fsspec.spec import AbstractFileSystem

class S3FileSystem(AbstractFileSystem):
    def __init__(
        self,
        anon: bool = False,
        key: str | None = None,
        secret: str | None = None,
        token: str | None = None,
        endpoint_url: str | None = None,
        client_kwargs: dict[str, Any] | None = None,
        config_kwargs: dict[str, Any] | None = None,
        skip_instance_cache: bool = False,
        **kwargs: Any,
    ) -> None: ...
