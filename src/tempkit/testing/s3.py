"""A local S3 server for tests and benchmarks: moto on a free loopback port.

>>> from tempkit.testing.s3 import local_s3_server
>>> with local_s3_server() as endpoint:            # doctest: +SKIP
...     fs = s3fs.S3FileSystem(endpoint_url=endpoint, key="testing", secret="testing")

The server is a separate process (``python -m moto.server``), so it shares no
interpreter lock with the code under test, and it listens on 127.0.0.1 only. It
needs the ``moto[server]`` package; nothing else is contacted.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Final

__all__ = ["DUMMY_CREDENTIALS", "local_s3_server"]

DUMMY_CREDENTIALS: Final = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
"""Credentials moto accepts: set them in the environment of anything that talks to the server."""
_HOST: Final = "127.0.0.1"
_START_TIMEOUT: Final = 60.0
_ATTEMPTS: Final = 3


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((_HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_listening(process: subprocess.Popen[bytes], port: int) -> bool:
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False  # it exited: most likely the port was taken meanwhile
        with contextlib.suppress(OSError), socket.create_connection((_HOST, port), timeout=1):
            return True
        time.sleep(0.05)
    return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def local_s3_server() -> Iterator[str]:
    """Run a moto S3 server for the ``with`` block and yield its endpoint URL.

    A free port is picked; if another process takes it before moto binds it,
    a new port is tried (a few times). The server is stopped on exit. It needs
    moto's server (``pip install 'tempkit[test-s3]'``); give clients the
    endpoint and :data:`DUMMY_CREDENTIALS`::

        with local_s3_server() as endpoint:
            fs = s3fs.S3FileSystem(endpoint_url=endpoint, key="testing", secret="testing")

    Yields:
        The server's endpoint, ``http://127.0.0.1:PORT``.

    Raises:
        OSError: The server could not be started (most often: moto[server] is
            not installed).

    """
    env = {**os.environ, **DUMMY_CREDENTIALS}
    for _ in range(_ATTEMPTS):
        port = _free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", _HOST, "-p", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        try:
            if _wait_until_listening(process, port):
                yield f"http://{_HOST}:{port}"
                return
        finally:
            _stop(process)
    raise OSError(f"could not start a moto S3 server on {_HOST} (is moto[server] installed?)")
