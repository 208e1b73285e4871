# Stubs for the parts of fsspec that tempkit uses (fsspec ships no type information).
from fsspec.core import url_to_fs as url_to_fs
from fsspec.spec import AbstractFileSystem as AbstractFileSystem

__version__: str
