"""Shared S3 test support: a moto server per test module, buckets, and clients.

The server is real (moto's S3 over HTTP on 127.0.0.1), spoken to through s3fs;
only the credentials are dummies, set in the environment while it runs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import s3fs

from tempkit.testing.s3 import DUMMY_CREDENTIALS, local_s3_server


@contextmanager
def s3_environment() -> Iterator[str]:
    """Dummy credentials in the environment and a local server; yields its endpoint."""
    saved = {name: os.environ.get(name) for name in DUMMY_CREDENTIALS}
    os.environ.update(DUMMY_CREDENTIALS)
    try:
        with local_s3_server() as endpoint:
            yield endpoint
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def s3_filesystem(endpoint: str) -> s3fs.S3FileSystem:
    """A fresh s3fs filesystem talking to ``endpoint`` (no shared instance cache)."""
    return s3fs.S3FileSystem(endpoint_url=endpoint, skip_instance_cache=True)
