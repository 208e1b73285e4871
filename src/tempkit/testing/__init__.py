"""Test helpers for tempkit users and backend authors.

This package imports pytest; ``import tempkit`` never loads it.


- :class:`BackendConformance`: the backend conformance kit. Subclass it in a test
  module, override the ``backend`` fixture, and pytest runs every test a tempkit
  backend must pass; capabilities the backend declares false turn the tests that
  need them into skips that say so.
- :func:`require`: skip a test of your own unless the backend declares a capability.
- :mod:`tempkit.testing.s3`: a local moto S3 server for tests and benchmarks.
"""

from __future__ import annotations

import pytest

# The kit's assertions are plain ``assert`` statements: have pytest explain them.
pytest.register_assert_rewrite("tempkit.testing._conformance")

from tempkit.testing._conformance import BackendConformance, require  # noqa: E402

__all__ = ["BackendConformance", "require"]
