"""The tempkit pytest plugin: temp directories and a chosen backend for every test.

pytest loads it through the ``pytest11`` entry point named ``tempkit`` (disable
it with ``-p no:tempkit``); ``import tempkit`` never imports it.

Fixtures
    ``tempkit_backend``: the backend current during the test (set up first of
    the test's fixtures wherever a backend is chosen, as an autouse fixture would be). Chosen,
    most specific first, by the ``tempkit_backend`` marker closest to the test
    (function, then class, then module), the ``--tempkit-backend`` option, the
    ``tempkit_backend`` ini option; with none of them the test runs on whatever
    is current already (the local disk unless ``set_default_backend`` said
    otherwise) and the plugin changes nothing.
    ``memory_backend``: a fresh ``MemoryBackend`` made current for the test (the
    one the marker or option chose, if that is a MemoryBackend made for this test).
    ``temp_dir_factory``: the session's :class:`TempDirFactory` (pytest's
    ``tmp_path_factory``): ``mktemp(name)`` and ``getbasetemp()`` on the backend
    the options chose, or on any backend given.
    ``temp_dir``: a ``TempDirPath`` on the test's current backend, in the run's
    base directory there; kept or removed after the test by the retention policy.

Options
    ``--tempkit-backend`` / ini ``tempkit_backend``; ``--tempkit-keep-failed`` /
    ini ``tempkit_keep_failed``; ini ``tempkit_retention_count`` (3) and
    ``tempkit_retention_policy`` ("all", "failed" or "none"), tempkit's
    counterparts of pytest's ``tmp_path_retention_*``; pytest's ``--basetemp``.

Marker
    ``@pytest.mark.tempkit_backend(spec, **kwargs)``: ``spec`` is "memory",
    "local", "posix", "module:callable", a callable returning a backend (called
    with ``kwargs`` once per test) or a backend instance (shared, used as is).
"""

from __future__ import annotations

import contextlib
import importlib
import re
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, cast

import pytest

from tempkit._pytest_retention import POLICIES

# pytest loads this module in every run of every project where tempkit is
# installed, also where no test uses it: the rest of tempkit is imported by the
# hooks and fixtures that need it, the first time they do.
if TYPE_CHECKING:
    from tempkit._pytest_bases import TempDirFactory
    from tempkit.backends import Backend
    from tempkit.backends.memory import MemoryBackend
    from tempkit.temp import TempDirPath

__all__ = [
    "TempDirFactory",
    "make_backend",
    "memory_backend",
    "temp_dir",
    "temp_dir_factory",
    "tempkit_backend",
]


def __getattr__(name: str) -> Any:
    """``TempDirFactory``, importable from here, loaded when first asked for."""
    if name == "TempDirFactory":
        from tempkit._pytest_bases import TempDirFactory  # noqa: PLC0415 - see the imports

        return TempDirFactory
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


MARKER: Final = "tempkit_backend"
KEPT_PROPERTY: Final = "tempkit_kept_temp_dir"  # in report.user_properties (and junitxml)
REPORT_SECTION: Final = "Captured tempkit teardown"

_NAMED: Final[Mapping[str, str]] = {
    "memory": "a fresh MemoryBackend for each test",
    "local": "this machine's disk (the default)",
    "posix": "PosixBackend()",
}
_phase_reports = pytest.StashKey[dict[str, pytest.TestReport]]()
_choice_key = pytest.StashKey["_Choice"]()
# In config.stash: the test being set up and run, and the backend chosen for it
# (None where nothing was chosen), for the fixtures, which do not take ``request``.
_setting_up = pytest.StashKey["tuple[pytest.Item, _Choice] | None"]()
_pending_key = pytest.StashKey["TempDirPath"]()  # a test's temp_dir, until its teardown report
_RUN_PLUGIN: Final = "tempkit-run"
_WORKER_BASE: Final = "tempkit_disk_base"  # in an xdist worker's workerinput


@dataclass(frozen=True)
class _Choice:
    """The backend a test runs on, and what chose it ("marker", "option", "fixture" or None)."""

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
    from tempkit.backends.protocol import Backend  # noqa: PLC0415 - see the imports

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
        from tempkit.backends import local_backend  # noqa: PLC0415 - see the imports

        return local_backend
    if spec == "posix":
        from tempkit.backends.posix import PosixBackend  # noqa: PLC0415 - see the imports

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


def _choose(item: pytest.Item, *, wants_memory: bool) -> _Choice:
    choice = _chosen(item)
    # A test that asks for memory_backend gets it here, before any fixture of the test
    # runs, so temp_dir and the rest are made in memory whatever order they come in.
    return _memory_choice(item, choice) if wants_memory else choice


def _memory_choice(item: pytest.Item, choice: _Choice) -> _Choice:
    """``choice`` if it is a MemoryBackend the marker or option chose, else a fresh one."""
    from tempkit.backends.memory import MemoryBackend  # noqa: PLC0415 - loaded when asked for

    if choice.source is not None and isinstance(choice.backend, MemoryBackend):
        return choice
    if choice.source == "marker":
        raise ValueError(
            f"{item.nodeid} asks for memory_backend but its {MARKER} marker chose "
            f"{choice.backend!r}; drop one of them"
        )
    return _Choice(MemoryBackend(), "fixture")


def _chosen(item: pytest.Item) -> _Choice:
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
    from tempkit.backends._current import get_backend  # noqa: PLC0415 - see the imports

    return _Choice(get_backend(), None)


# -- pytest hooks --------------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    """The command-line and ini options of tempkit."""
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
        help="keep the temp_dir of each failed test, whatever the retention policy, "
        "and say where it is",
    )
    parser.addini(
        "tempkit_backend",
        "backend every test runs on unless a marker says otherwise "
        "(memory, local, posix or module:callable)",
        default="",
    )
    parser.addini(
        "tempkit_keep_failed",
        "keep the temp_dir of each failed test, whatever the retention policy, and say where it is",
        type="bool",
        default=False,
    )
    parser.addini(
        "tempkit_retention_count",
        "how many runs' temp dirs tempkit keeps (this one included; like tmp_path_retention_count)",
        default="3",
    )
    parser.addini(
        "tempkit_retention_policy",
        "which temp dirs of a run tempkit keeps: all, failed or none "
        "(like tmp_path_retention_policy)",
        default="all",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker, check the options, and set up the run's temp dirs."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(spec, **kwargs): run the test on this tempkit backend: 'memory', 'local', "
        "'posix', 'module:callable', a callable (called with kwargs) or a backend instance",
    )
    spec = _option_spec(config)
    if spec is not None:
        try:
            _factory_named(spec)
        except (ImportError, AttributeError, TypeError, ValueError) as exc:
            raise pytest.UsageError(f"tempkit_backend = {spec!r}: {exc}") from exc
    config.pluginmanager.register(_Run(_factory_maker(config, spec)), _RUN_PLUGIN)


def _factory_maker(config: pytest.Config, spec: str | None) -> Callable[[], TempDirFactory]:
    """How to make the run's factory, as the options and (in an xdist worker) the controller say.

    The options are checked now, so a mistake stops the run before any test;
    the factory is made when a test or hook first needs it.
    """
    count_text = str(config.getini("tempkit_retention_count")).strip()
    policy = str(config.getini("tempkit_retention_policy")).strip().lower()
    try:
        count = int(count_text)
    except ValueError:
        raise pytest.UsageError(
            f"tempkit_retention_count = {count_text!r}: expected a whole number, 0 or more"
        ) from None
    if count < 0 or policy not in POLICIES:
        raise pytest.UsageError(
            f"tempkit_retention_count = {count_text!r}, tempkit_retention_policy = {policy!r}: "
            f"the count must be 0 or more and the policy one of {', '.join(POLICIES)}"
        )
    if policy == "none" and _keep_failed(config):
        policy = "failed"  # what --tempkit-keep-failed asks for: failed tests' dirs stay
    backend: Callable[[], Backend] | None = None
    if spec is not None:
        backend = lambda: make_backend(spec)  # noqa: E731 - one backend, made on first use
    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)

    def make() -> TempDirFactory:
        from tempkit._pytest_bases import TempDirFactory  # noqa: PLC0415 - see the imports

        if workerinput is not None:
            # xdist sets a worker's --basetemp to pytest's own base; ours comes from the
            # controller.
            shared = workerinput.get(_WORKER_BASE)
            return TempDirFactory(
                backend,
                retention_count=count,
                retention_policy=policy,
                shared_base=shared,
                worker_id=None if shared is None else str(workerinput.get("workerid", "gw")),
            )
        return TempDirFactory(
            backend,
            basetemp=getattr(config.option, "basetemp", None),
            retention_count=count,
            retention_policy=policy,
        )

    return make


def _run(config: pytest.Config) -> _Run:
    run = config.pluginmanager.get_plugin(_RUN_PLUGIN)
    assert isinstance(run, _Run), "the tempkit plugin was not configured"
    return run


def pytest_unconfigure(config: pytest.Config) -> None:
    """End the run: the retention policy decides which bases stay."""
    run = config.pluginmanager.get_plugin(_RUN_PLUGIN)
    if isinstance(run, _Run):
        config.pluginmanager.unregister(run)  # pytester runs several sessions in one process
        run.finish()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist controller: every worker gets its own base inside this run's base."""
    run = _run(node.config)
    # On failure the workers meet the same refusal themselves, as test errors that say why.
    with contextlib.suppress(OSError):
        node.workerinput[_WORKER_BASE] = run.factory.disk_base_for_workers()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember each phase's report; after the teardown, keep or remove the test's temp_dir.

    The choice waits for the teardown report, so a failure in setup, in the
    test or in any fixture's teardown counts (pytest-dev/pytest#14998).
    """
    report = yield
    if _choice_key not in item.stash and _pending_key not in item.stash:
        return report  # a test without tempkit's fixtures: nothing to keep or remove
    reports = item.stash.setdefault(_phase_reports, {})
    reports[report.when] = report
    if report.when == "teardown":
        # The test's own backend (a fresh MemoryBackend, with whatever the policy kept in
        # it) is needed no more: the item lives until the session ends, the backend need not.
        if _choice_key in item.stash:
            del item.stash[_choice_key]
            item.config.stash[_setting_up] = None
        temp = item.stash.get(_pending_key, None)
        if temp is not None:
            del item.stash[_pending_key]
            _settle(item, temp, report, failed=any(r.failed for r in reports.values()))
    return report


def _settle(
    item: pytest.Item, temp: TempDirPath, report: pytest.TestReport, *, failed: bool
) -> None:
    """Keep or remove a test's temp_dir, once every phase of the test has its report."""
    from tempkit._pytest_kept import describe_kept, where  # noqa: PLC0415 - see the imports
    from tempkit.errors import CleanupError  # noqa: PLC0415 - see the imports

    if not temp.managed:
        return  # the test kept, persisted or removed it itself
    factory = _run(item.config).factory
    if failed and _keep_failed(item.config):
        path = temp.keep()
        kept = (KEPT_PROPERTY, where(path))
        item.user_properties.append(kept)
        report.user_properties.append(kept)
        report.sections.append((REPORT_SECTION, describe_kept(path)))
        return
    policy = factory.retention_policy
    if policy == "all" or (policy == "failed" and failed):
        temp.keep()
        return
    try:
        temp.cleanup()
    except (CleanupError, OSError) as exc:
        report.outcome = "failed"
        report.longrepr = f"tempkit could not remove the temp_dir {temp}: {exc}"


class _Run:
    """The run's state: its temp dir factory, whether anything failed, the kept dirs.

    It reads reports, which travel from pytest-xdist workers to the controller,
    so the controller knows of failures and kept directories in every worker.
    """

    def __init__(self, make_factory: Callable[[], TempDirFactory]) -> None:
        self._make_factory = make_factory
        self._factory: TempDirFactory | None = None
        self.failed = False
        self.kept: list[tuple[str, str]] = []

    @property
    def factory(self) -> TempDirFactory:
        """The run's temp dir factory, made the first time something asks for it."""
        if self._factory is None:
            self._factory = self._make_factory()
        return self._factory

    def finish(self) -> None:
        """Apply the retention policy to what the run made (nothing, if nothing asked)."""
        if self._factory is not None:
            self._factory.finish(failed=self.failed)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        """A collection error counts as a failure of the run."""
        if report.failed:
            self.failed = True

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Note failures, and each kept directory once, from its test's teardown report."""
        if report.failed:
            self.failed = True
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
        for nodeid, kept_at in self.kept:
            terminalreporter.write_line(f"{nodeid}: {kept_at}")


# -- fixtures ------------------------------------------------------------------------------------


# Not tryfirst: after pytest's skip and xfail marks are read (those hooks are tryfirst), so a
# skipped test's backend is never made; still before pytest's own setup of the fixtures,
# which plugins loaded earlier (pytest's own runner) do in their implementation of this hook.
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Choose the test's backend, and give ``tempkit_backend`` to a test that has one chosen.

    A test that lists ``memory_backend``, or that a marker or the option gives a
    backend, gets the fixture where an autouse fixture would stand: after the
    fixtures of wider scopes, before every fixture of the test's own scope, so
    all of those are made on the chosen backend. Every other test, most of a
    suite, pays nothing: an autouse fixture cost each of them about a sixth of
    what pytest itself spends on an empty test. The choice is kept in the
    config's stash for the fixtures, which therefore need not take ``request``.
    """
    item.config.stash[_setting_up] = None  # whatever an earlier test chose is not this one's
    names: list[str] | None = getattr(item, "fixturenames", None)
    if names is None:
        return  # an item without fixtures (not a Python test function)
    wants_memory = "memory_backend" in names
    if (
        wants_memory
        or item.get_closest_marker(MARKER) is not None
        or _option_spec(item.config) is not None
    ):
        if "tempkit_backend" in names:
            names.remove("tempkit_backend")
        names.insert(_first_of_test_scope(item, names), "tempkit_backend")
    elif "tempkit_backend" not in names:
        return
    # Chosen here, where the test is at hand, so the fixtures need not ask pytest for
    # it: a fixture that takes ``request`` costs a test about as much again as the
    # fixture itself (pytest makes a fixture definition for each ``request``).
    choice = _choose(item, wants_memory=wants_memory)
    item.stash[_choice_key] = choice
    item.config.stash[_setting_up] = (item, choice)


def _first_of_test_scope(item: pytest.Item, names: list[str]) -> int:
    """Where the test's first function-scoped fixture stands in ``names``.

    pytest lists a test's fixtures widest scope first. Their scopes are read
    from the test's fixture info (not public API, but stable since pytest 3);
    without it every fixture counts as the test's own, so the fixture goes first.
    """
    info = getattr(item, "_fixtureinfo", None)
    definitions: Mapping[str, Any] = getattr(info, "name2fixturedefs", None) or {}
    for index, name in enumerate(names):
        found = definitions.get(name)
        if not found or found[-1].scope == "function":
            return index
    return len(names)


@pytest.fixture
def tempkit_backend(pytestconfig: pytest.Config) -> Iterator[Backend]:
    """The backend current during this test (see the module docstring for the choice)."""
    from tempkit.backends._current import get_backend, use_backend  # noqa: PLC0415

    now = pytestconfig.stash.get(_setting_up, None)
    if now is None or now[1].source is None:
        # Nothing chose a backend (or the fixture is asked for during the test, which
        # pytest_runtest_setup gives it to every test where something did).
        yield get_backend()
        return
    with use_backend(now[1].backend):
        yield now[1].backend


@pytest.fixture
def memory_backend(
    pytestconfig: pytest.Config, tempkit_backend: Backend
) -> Iterator[MemoryBackend]:
    """A fresh MemoryBackend, current for the whole test."""
    now = pytestconfig.stash.get(_setting_up, None)
    if now is not None:
        item, chosen = now
        choice = _memory_choice(item, chosen)
        if choice is chosen:
            # The usual case: the test lists this fixture, and the backend chosen for it
            # is this one, current since tempkit_backend.
            yield cast("MemoryBackend", choice.backend)
            return
    else:
        from tempkit.backends.memory import MemoryBackend  # noqa: PLC0415 - see the imports

        choice = _Choice(MemoryBackend(), "fixture")
    # Asked for during the test (request.getfixturevalue), after the test's backend was
    # chosen without it: a fresh one, current from now on.
    from tempkit.backends._current import use_backend  # noqa: PLC0415 - see the imports

    backend = cast("MemoryBackend", choice.backend)
    with use_backend(backend):
        yield backend


@pytest.fixture(scope="session")
def temp_dir_factory(pytestconfig: pytest.Config) -> TempDirFactory:
    """The session's temp dir factory: ``mktemp(name)``, ``getbasetemp()``.

    Its directories are on the backend the ``tempkit_backend`` option names
    (one backend for the whole session), else on the backend current when it
    is first used; pass ``backend=`` to choose another. They belong to the run
    and stay or go with it, by the retention policy.
    """
    return _run(pytestconfig).factory


@pytest.fixture
def temp_dir(
    request: pytest.FixtureRequest, tempkit_backend: Backend, temp_dir_factory: TempDirFactory
) -> TempDirPath:
    """A temp directory on the test's current backend, in the run's base directory there.

    After the test the retention policy decides: "all" keeps it, "failed"
    keeps it if the test failed (in setup, the test or teardown), "none"
    removes it. With ``--tempkit-keep-failed`` (or ``tempkit_keep_failed =
    true``) the directory of a failed test is always kept and the report says
    where it is.
    """
    from tempkit.backends._current import get_backend  # noqa: PLC0415 - see the imports
    from tempkit.backends.posix import os_is_real  # noqa: PLC0415 - see the imports

    # With memory_backend among the test's fixtures, tempkit_backend made it current.
    if "fs" in request.fixturenames:
        request.getfixturevalue("fs")  # pyfakefs's: so the directory is on its fake disk
    temp = temp_dir_factory.make_temp_dir(_prefix_for(request.node.name), get_backend())
    if not os_is_real():
        # On pyfakefs's disk, which goes when its fixture ends: nothing can be kept there,
        # and after it the path would name an entry on the real disk. Removed before that.
        request.addfinalizer(temp.cleanup)
    request.node.stash[_pending_key] = temp
    return temp


def _prefix_for(test_name: str) -> str:
    # Like tmp_path: the test's name, made safe for one path component and kept short.
    return re.sub(r"[^\w.-]", "_", test_name)[:30] + "-"


def _keep_failed(config: pytest.Config) -> bool:
    option = config.getoption("tempkit_keep_failed")
    return bool(option) if option is not None else bool(config.getini("tempkit_keep_failed"))
