"""CPython's own ``Lib/test/test_tempfile.py``, run against ``tempkit.tempfile``.

The file is the one shipped with the interpreter running pytest, so each
interpreter in the test command runs its own version of the suite. Its
TestCase classes are collected here as they are; see ``cpython_suite`` for
how only the test module's view of ``tempfile`` is changed, and for the few
tests left out (they reach into the standard library's private names).
"""

from __future__ import annotations

from tests.dropin import cpython_suite

_suite = cpython_suite.load()
globals().update(cpython_suite.test_cases(_suite))
