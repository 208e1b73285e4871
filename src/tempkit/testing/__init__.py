"""Test helpers for tempkit users and backend authors.

- :class:`BackendConformance`: the backend conformance kit. Subclass it in a test
  module, override the ``backend`` fixture, and pytest runs every test a tempkit
  backend must pass; capabilities the backend declares false turn the tests that
  need them into skips that say so.
- :func:`require`: skip a test of your own unless the backend declares a capability.
- :mod:`tempkit.testing.s3`: a local moto S3 server for tests and benchmarks.

The kit needs pytest (``pip install 'tempkit[test]'``); it is imported when one
of its names is first used, so ``import tempkit.testing`` and
``tempkit.testing.s3`` work without pytest, and using the kit without it raises
``ModuleNotFoundError`` saying what to install. ``import tempkit`` never loads
this package.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from tempkit._lazy import lazy_attributes

if TYPE_CHECKING:  # served lazily at run time by __getattr__; typed for checkers
    from tempkit.testing._conformance import BackendConformance, require

__all__ = ["BackendConformance", "require"]

INSTALL_HINT = "tempkit.testing needs pytest: pip install 'tempkit[test]'"

_KIT = "tempkit.testing._conformance"
_lazy_getattr, __dir__ = lazy_attributes(
    __name__, {"BackendConformance": _KIT, "require": _KIT}, globals()
)


def __getattr__(name: str) -> object:
    """Serve the kit's names, importing pytest and the kit on first use.

    Raises:
        ModuleNotFoundError: pytest is not installed; the message says how to
            install it.
        AttributeError: ``name`` is not a name of this package.

    """
    if name in __all__ and _KIT not in sys.modules:
        try:
            import pytest  # noqa: PLC0415 - only the kit needs it
        except ModuleNotFoundError as exc:
            if exc.name != "pytest":
                raise
            raise ModuleNotFoundError(INSTALL_HINT, name="pytest") from exc
        # The kit's assertions are plain ``assert`` statements: have pytest explain them.
        pytest.register_assert_rewrite(_KIT)
    return _lazy_getattr(name)
