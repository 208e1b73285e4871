"""The tempkit pytest plugin: temp directories and a chosen backend for every test.

pytest loads it through the ``pytest11`` entry point named ``tempkit`` (disable
it with ``-p no:tempkit``); ``import tempkit`` never imports it.

Fixtures
    ``tempkit_backend``: the backend current during the test (autouse). Chosen,
    most specific first, by the ``tempkit_backend`` marker closest to the test
    (function, then class, then module), the ``--tempkit-backend`` option, the
    ``tempkit_backend`` ini option; with none of them the test runs on whatever
    is current already (the local disk unless ``set_default_backend`` said
    otherwise) and the plugin changes nothing.
    ``memory_backend``: a fresh ``MemoryBackend`` made current for the test (the
    one the marker or option chose, if that is a MemoryBackend made for this test).
    ``temp_dir``: a ``TempDirPath`` on the test's current backend, removed after
    the test, kept for a failed test with ``--tempkit-keep-failed``.

Marker
    ``@pytest.mark.tempkit_backend(spec, **kwargs)``: ``spec`` is "memory",
    "local", "posix", "module:callable", a callable returning a backend (called
    with ``kwargs`` once per test) or a backend instance (shared, used as is).
"""

from __future__ import annotations

import importlib
import re
import stat
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import pytest

from tempkit.backends import Backend, PosixBackend, get_backend, local_backend, use_backend
from tempkit.path import BackendPath
from tempkit.temp import TempDirPath

if TYPE_CHECKING:
    from tempkit.backends.memory import MemoryBackend

__all__ = ["make_backend", "memory_backend", "temp_dir", "tempkit_backend"]

MARKER: Final = "tempkit_backend"
KEPT_PROPERTY: Final = "tempkit_kept_temp_dir"  # in report.user_properties (and junitxml)
REPORT_KEY: Final = "tempkit"  # the teardown report section is "Captured tempkit teardown"

# How much of a kept tree the report lists, and how much of a small file it shows
# when the tree is not on this machine's disk (so it cannot be opened to look).
LISTING_LIMIT: Final = 50
PREVIEW_BYTES: Final = 32

_NAMED: Final[Mapping[str, str]] = {
    "memory": "a fresh MemoryBackend for each test",
    "local": "this machine's disk (the default)",
    "posix": "PosixBackend()",
}
_phase_reports = pytest.StashKey[dict[str, pytest.TestReport]]()
_choice_key = pytest.StashKey["_Choice"]()
_KEPT_DIRS_PLUGIN: Final = "tempkit-kept-dirs"


@dataclass(frozen=True)
class _Choice:
    """The backend a test runs on, and what chose it ("marker", "option" or None)."""

    backend: Backend
    source: str | None


# -- choosing a backend ------------------------------------------------------------------------


def make_backend(spec: object, kwargs: Mapping[str, Any] | None = None) -> Backend:
    """The backend ``spec`` asks for, as the marker and the options read it.

    ``spec`` is a name ("memory", "local", "posix"), ``"module:callable"``, a
    callable called with ``kwargs``, or a backend instance (returned as is).
    Raises ValueError for an unknown name, TypeError for anything that is not a
    spec or a factory that does not return a tempkit backend.
    """
    kwargs = dict(kwargs or {})
    if isinstance(spec, str):
        factory = _factory_named(spec)
    elif isinstance(spec, Backend) and not isinstance(spec, type):
        if kwargs:
            raise TypeError(f"a backend instance takes no keyword arguments: {sorted(kwargs)}")
        return spec
    elif callable(spec):
        factory = spec
    else:
        raise TypeError(
            f"a tempkit backend spec must be a name, 'module:callable', a callable or a "
            f"backend, not {type(spec).__name__}"
        )
    if spec in ("local", "posix") and kwargs:
        raise TypeError(f"backend {spec!r} takes no keyword arguments: {sorted(kwargs)}")
    backend = factory(**kwargs)
    if not isinstance(backend, Backend):
        raise TypeError(f"{spec!r} made a {type(backend).__name__}, not a tempkit Backend")
    return backend


def _factory_named(spec: str) -> Callable[..., Any]:
    if spec == "memory":
        from tempkit.backends.memory import MemoryBackend  # noqa: PLC0415 - loaded when asked for

        return MemoryBackend
    if spec == "local":
        return local_backend
    if spec == "posix":
        return PosixBackend
    module_name, colon, attribute = spec.partition(":")
    if not colon:
        known = ", ".join(f"{name!r} ({what})" for name, what in _NAMED.items())
        raise ValueError(
            f"unknown tempkit backend {spec!r}: use {known}, or 'module:callable' "
            "naming a function that returns a backend"
        )
    if not module_name or not attribute:
        raise ValueError(f"expected 'module:callable', got {spec!r}")
    factory = importlib.import_module(module_name)
    for name in attribute.split("."):
        factory = getattr(factory, name)
    if not callable(factory):
        raise TypeError(f"{spec!r} is a {type(factory).__name__}, not a callable")
    return factory


def _option_spec(config: pytest.Config) -> str | None:
    """The backend named by ``--tempkit-backend``, else by the ini option, else None."""
    spec = config.getoption("tempkit_backend") or config.getini("tempkit_backend")
    return spec.strip() or None if isinstance(spec, str) else None


def _choose(item: pytest.Item) -> _Choice:
    marker = item.get_closest_marker(MARKER)
    if marker is not None:
        if len(marker.args) != 1:
            raise TypeError(
                f"@pytest.mark.{MARKER} takes one backend spec (and keyword arguments), "
                f"got {len(marker.args)} positional arguments"
            )
        return _Choice(make_backend(marker.args[0], marker.kwargs), "marker")
    spec = _option_spec(item.config)
    if spec is not None:
        return _Choice(make_backend(spec), "option")
    return _Choice(get_backend(), None)


# -- pytest hooks --------------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--tempkit-backend``, ``--tempkit-keep-failed`` and their ini options."""
    group = parser.getgroup("tempkit", "tempkit temp files and backends")
    group.addoption(
        "--tempkit-backend",
        dest="tempkit_backend",
        metavar="SPEC",
        default=None,
        help="backend every test runs on unless its tempkit_backend marker says otherwise: "
        "memory, local, posix or module:callable (overrides the tempkit_backend ini option)",
    )
    group.addoption(
        "--tempkit-keep-failed",
        dest="tempkit_keep_failed",
        action="store_true",
        default=None,
        help="keep the temp_dir of each failed test and say where it is",
    )
    parser.addini(
        "tempkit_backend",
        "backend every test runs on unless a marker says otherwise "
        "(memory, local, posix or module:callable)",
        default="",
    )
    parser.addini(
        "tempkit_keep_failed",
        "keep the temp_dir of each failed test and say where it is",
        type="bool",
        default=False,
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker; refuse a backend option that names nothing usable."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(spec, **kwargs): run the test on this tempkit backend: 'memory', 'local', "
        "'posix', 'module:callable', a callable (called with kwargs) or a backend instance",
    )
    config.pluginmanager.register(_KeptDirs(), _KEPT_DIRS_PLUGIN)
    spec = _option_spec(config)
    if spec is not None:
        try:
            _factory_named(spec)
        except (ImportError, AttributeError, TypeError, ValueError) as exc:
            raise pytest.UsageError(f"tempkit_backend = {spec!r}: {exc}") from exc


def pytest_unconfigure(config: pytest.Config) -> None:
    """Drop the per-run collector (pytester runs several sessions in one process)."""
    collector = config.pluginmanager.get_plugin(_KEPT_DIRS_PLUGIN)
    if collector is not None:
        config.pluginmanager.unregister(collector)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember each phase's report, so fixtures can tell whether their test failed."""
    report = yield
    item.stash.setdefault(_phase_reports, {})[report.when] = report
    return report


class _KeptDirs:
    """Gathers the kept temp dirs from teardown reports and lists them at the end.

    It reads ``user_properties``, which travel with the reports, so directories
    kept by xdist workers are listed by the controller too.
    """

    def __init__(self) -> None:
        self.kept: list[tuple[str, str]] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Note each kept directory once, from its test's teardown report."""
        if report.when == "teardown":
            self.kept.extend(
                (report.nodeid, str(value))
                for name, value in report.user_properties
                if name == KEPT_PROPERTY
            )

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        """One line per kept temp dir, so none is lost in a long run."""
        if not self.kept:
            return
        terminalreporter.write_sep("=", "tempkit: temp dirs kept for failed tests")
        for nodeid, where in self.kept:
            terminalreporter.write_line(f"{nodeid}: {where}")


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def tempkit_backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """The backend current during this test (see the module docstring for the choice)."""
    choice = _choose(request.node)
    request.node.stash[_choice_key] = choice
    if choice.source is None:
        yield choice.backend
        return
    with use_backend(choice.backend):
        yield choice.backend


@pytest.fixture
def memory_backend(
    request: pytest.FixtureRequest, tempkit_backend: Backend
) -> Iterator[MemoryBackend]:
    """A fresh MemoryBackend, current for the whole test."""
    from tempkit.backends.memory import MemoryBackend  # noqa: PLC0415 - loaded when asked for

    choice = request.node.stash[_choice_key]
    if choice.source is not None and isinstance(choice.backend, MemoryBackend):
        yield choice.backend
        return
    if choice.source == "marker":
        raise ValueError(
            f"{request.node.nodeid} asks for memory_backend but its {MARKER} marker chose "
            f"{choice.backend!r}; drop one of them"
        )
    backend = MemoryBackend()
    with use_backend(backend):
        yield backend


@pytest.fixture
def temp_dir(request: pytest.FixtureRequest, tempkit_backend: Backend) -> Iterator[TempDirPath]:
    """A temp directory on the test's current backend, removed after the test.

    With ``--tempkit-keep-failed`` (or ``tempkit_keep_failed = true``) the
    directory of a failed test is kept and the report says where it is.
    """
    if "memory_backend" in request.fixturenames:
        request.getfixturevalue("memory_backend")  # so the directory is made in memory
    temp = TempDirPath.create(prefix=_prefix_for(request.node.name))
    yield temp
    item = request.node
    if temp.managed and _failed(item) and _keep_failed(item.config):
        path = temp.keep()
        where = _where(path)
        item.user_properties.append((KEPT_PROPERTY, where))
        item.add_report_section("teardown", REPORT_KEY, _describe_kept(path))
        return
    temp.cleanup()


def _prefix_for(test_name: str) -> str:
    # Like tmp_path: the test's name, made safe for one path component and kept short.
    return "pytest-" + re.sub(r"[^\w.-]", "_", test_name)[:30] + "-"


def _failed(item: pytest.Item) -> bool:
    reports = item.stash.get(_phase_reports, {})
    return any(report.failed for report in reports.values())


def _keep_failed(config: pytest.Config) -> bool:
    option = config.getoption("tempkit_keep_failed")
    return bool(option) if option is not None else bool(config.getini("tempkit_keep_failed"))


# -- describing a kept tree ----------------------------------------------------------------------


def _where(path: BackendPath) -> str:
    """The path as the summary line shows it: a plain path on disk, else backend:path."""
    backend = path.backend
    if backend.capabilities.local_paths:
        return str(path)
    return f"{backend.name}:{path}"


def _describe_kept(path: BackendPath) -> str:
    backend = path.backend
    if backend.capabilities.local_paths:
        head = f"kept the temp_dir of this failed test on disk: {path}\n(remove it when done)"
    elif backend.name == "memory":
        head = (
            f"kept the temp_dir of this failed test in memory ({backend!r}): {path}\n"
            "it has no path on disk and is gone when pytest exits; it held:"
        )
    else:
        head = f"kept the temp_dir of this failed test on {backend!r}: {path}\nit holds:"
    lines = _listing(path, preview=not backend.capabilities.local_paths)
    return "\n".join([head, *lines]) + "\n"


def _listing(root: BackendPath, *, preview: bool) -> list[str]:
    """An indented listing of ``root``, depth first in name order (links are not followed)."""
    lines = [f"{root}/"]
    stack: list[tuple[BackendPath, int]] = []
    failure = _push_children(stack, root, 1)
    if failure:
        lines.append("    " + failure)
    while stack:
        if len(lines) > LISTING_LIMIT:
            lines.append(f"... (the listing stops at {LISTING_LIMIT} entries)")
            break
        path, depth = stack.pop()
        text, is_dir = _describe_entry(path, preview=preview)
        lines.append("    " * depth + text)
        if is_dir:
            failure = _push_children(stack, path, depth + 1)
            if failure:
                lines.append("    " * (depth + 1) + failure)
    return lines


def _push_children(stack: list[tuple[BackendPath, int]], directory: BackendPath, depth: int) -> str:
    """Push the entries of ``directory`` (first name on top); return why not, if it fails."""
    try:
        children = sorted(directory.iterdir(), key=lambda p: p.name, reverse=True)
    except OSError as exc:
        return f"(cannot list: {type(exc).__name__}: {exc.strerror or exc})"
    stack.extend((child, depth) for child in children)
    return ""


def _describe_entry(path: BackendPath, *, preview: bool) -> tuple[str, bool]:
    """One listing line for ``path``, and whether it is a directory to descend into."""
    try:
        info = path.lstat()
    except OSError as exc:
        return f"{path.name}  ({type(exc).__name__})", False
    mode = info.st_mode
    permissions = f"{stat.S_IMODE(mode):04o}"
    if stat.S_ISDIR(mode):
        return f"{path.name}/  ({permissions})", True
    if stat.S_ISLNK(mode):
        try:
            return f"{path.name} -> {path.readlink()}", False
        except OSError:
            return f"{path.name} -> ?", False
    text = f"{path.name}  ({info.st_size} bytes, {permissions})"
    if preview and stat.S_ISREG(mode):
        text += _preview(path)
    return text, False


def _preview(path: BackendPath) -> str:
    try:
        with path.open("rb") as file:
            data = file.read(PREVIEW_BYTES + 1)
    except OSError as exc:
        return f"  (unreadable: {type(exc).__name__})"
    shown = repr(data[:PREVIEW_BYTES])
    return f"  {shown}{'...' if len(data) > PREVIEW_BYTES else ''}"
