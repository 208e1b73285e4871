"""The temp dir resolver on the real disk: search order, probe, explain, cache, errors.

The environment is the real ``os.environ`` (scrubbed with monkeypatch); the
platform list and the current directory come from a PosixBackend subclass that
points them at real directories, files and missing paths under the test's root.
"""

from __future__ import annotations

import errno
import gc
import os
import stat
import tempfile as std_tempfile
import threading
import weakref
from collections.abc import Sequence
from pathlib import Path

import pytest

import tempkit
from tempkit import Candidate, PosixBackend, TempDirResolver
from tests.support.processes import run_forked, run_unprivileged

ENV_NAMES = ("TMPDIR", "TEMP", "TMP")


class PlacedBackend(PosixBackend):
    """The real disk, with the platform list and the cwd chosen by the test.

    Each instance is its own world (its own platform list and cwd), so it is
    equal only to itself and gets its own resolver cache.
    """

    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def __init__(self, platform: Sequence[str], cwd: str) -> None:
        self.platform = tuple(platform)
        self.cwd = cwd
        self.probes: list[str] = []
        self.probes_removed: list[str] = []
        self._probe_lock = threading.Lock()

    def platform_temp_dirs(self) -> Sequence[str]:
        return self.platform

    def getcwd(self) -> str:
        return self.cwd

    def create_file(self, path: str, perm: int = 0o600) -> None:
        with self._probe_lock:
            self.probes.append(path)
        super().create_file(path, perm)

    def unlink(self, path: str) -> None:
        with self._probe_lock:
            self.probes_removed.append(path)
        super().unlink(path)


@pytest.fixture
def scrubbed_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def places(temp_root: Path) -> dict[str, Path]:
    """Real directories to point candidates at, plus a file and a missing path."""
    made = {}
    for name in ("tmpdir", "temp", "tmp", "platform", "cwd"):
        made[name] = temp_root / name
        made[name].mkdir()
    made["file"] = temp_root / "a-file"
    made["file"].write_bytes(b"not a directory")
    made["missing"] = temp_root / "missing"
    return made


def unusable_backend(places: dict[str, Path]) -> PlacedBackend:
    return PlacedBackend([str(places["missing"]), str(places["file"])], str(places["missing"]))


def test_env_vars_are_tried_in_order_tmpdir_temp_tmp(
    scrubbed_env: pytest.MonkeyPatch, places: dict[str, Path]
) -> None:
    backend = unusable_backend(places)
    for name in ENV_NAMES:
        scrubbed_env.setenv(name, str(places[name.lower()]))
    resolver = TempDirResolver(backend)
    assert resolver.resolve() == str(places["tmpdir"])

    scrubbed_env.delenv("TMPDIR")
    resolver.reset()
    assert resolver.resolve() == str(places["temp"])

    scrubbed_env.delenv("TEMP")
    resolver.reset()
    assert resolver.resolve() == str(places["tmp"])


def test_empty_env_values_are_skipped(
    scrubbed_env: pytest.MonkeyPatch, places: dict[str, Path]
) -> None:
    scrubbed_env.setenv("TMPDIR", "")
    scrubbed_env.setenv("TEMP", "")
    scrubbed_env.setenv("TMP", str(places["tmp"]))
    resolution = TempDirResolver(unusable_backend(places)).explain()
    assert resolution.chosen == str(places["tmp"])
    by_source = {c.source: c for c in resolution.candidates}
    assert by_source["$TMPDIR"] == Candidate("", "$TMPDIR", False, "not set")
    assert by_source["$TEMP"] == Candidate("", "$TEMP", False, "not set")
    # The empty value must not have been read as "" -> the current directory.
    assert not any(p.startswith(str(places["missing"])) for p in resolution.chosen or "")


def test_candidates_env_then_platform_then_cwd(
    scrubbed_env: pytest.MonkeyPatch, places: dict[str, Path]
) -> None:
    scrubbed_env.setenv("TEMP", str(places["temp"]))
    backend = PlacedBackend([str(places["missing"]), str(places["platform"])], str(places["cwd"]))
    assert TempDirResolver(backend).candidates() == [
        ("", "$TMPDIR"),
        (str(places["temp"]), "$TEMP"),
        ("", "$TMP"),
        (str(places["missing"]), "platform"),
        (str(places["platform"]), "platform"),
        (str(places["cwd"]), "cwd"),
    ]


def test_posix_platform_list_follows_env_and_precedes_cwd(
    scrubbed_env: pytest.MonkeyPatch,
) -> None:
    backend = PosixBackend()
    assert backend.platform_temp_dirs() == ("/tmp", "/var/tmp", "/usr/tmp")
    candidates = TempDirResolver(backend).candidates()
    assert [source for _, source in candidates] == [
        "$TMPDIR",
        "$TEMP",
        "$TMP",
        "platform",
        "platform",
        "platform",
        "cwd",
    ]
    assert [path for path, _ in candidates[3:]] == ["/tmp", "/var/tmp", "/usr/tmp", os.getcwd()]


def test_platform_list_used_when_env_is_empty(
    scrubbed_env: pytest.MonkeyPatch, places: dict[str, Path]
) -> None:
    backend = PlacedBackend(
        [str(places["missing"]), str(places["file"]), str(places["platform"])],
        str(places["cwd"]),
    )
    assert TempDirResolver(backend).resolve() == str(places["platform"])


def test_cwd_is_the_last_resort(scrubbed_env: pytest.MonkeyPatch, places: dict[str, Path]) -> None:
    backend = PlacedBackend([str(places["missing"]), str(places["file"])], str(places["cwd"]))
    resolution = TempDirResolver(backend).explain()
    assert resolution.chosen == str(places["cwd"])
    assert resolution.candidates[-1] == Candidate(
        str(places["cwd"]), "cwd", True, "writable (probe file created and removed)"
    )


def test_relative_env_value_is_made_absolute_against_cwd(
    scrubbed_env: pytest.MonkeyPatch, places: dict[str, Path]
) -> None:
    (places["cwd"] / "rel").mkdir()
    scrubbed_env.setenv("TMPDIR", "rel")
    backend = PlacedBackend([], str(places["cwd"]))
    assert TempDirResolver(backend).resolve() == str(places["cwd"] / "rel")


def test_candidate_is_accepted_only_after_a_probe_was_created_and_removed(
    scrubbed_env: pytest.MonkeyPatch, places: dict[str, Path]
) -> None:
    scrubbed_env.setenv("TMPDIR", str(places["tmpdir"]))
    backend = unusable_backend(places)
    assert TempDirResolver(backend).resolve() == str(places["tmpdir"])
    assert len(backend.probes) == 1
    (probe,) = backend.probes
    assert os.path.dirname(probe) == str(places["tmpdir"])
    assert backend.probes_removed == [probe]
    assert os.listdir(places["tmpdir"]) == []


def test_missing_dir_and_file_are_rejected_with_reasons(
    scrubbed_env: pytest.MonkeyPatch, places: dict[str, Path]
) -> None:
    scrubbed_env.setenv("TMPDIR", str(places["missing"]))
    scrubbed_env.setenv("TEMP", str(places["file"]))
    scrubbed_env.setenv("TMP", str(places["tmp"]))
    resolution = TempDirResolver(unusable_backend(places)).explain()
    first, second, third = resolution.candidates[:3]
    assert first == Candidate(str(places["missing"]), "$TMPDIR", False, "does not exist")
    assert second == Candidate(str(places["file"]), "$TEMP", False, "not a directory")
    assert third.accepted
    assert resolution.chosen == str(places["tmp"])
    assert not places["missing"].exists()
    assert places["file"].read_bytes() == b"not a directory"


def test_unwritable_candidate_is_rejected(
    scrubbed_env: pytest.MonkeyPatch, unprivileged_dir: Path
) -> None:
    # Root owns this directory; the unprivileged user may enter but not write it.
    locked = unprivileged_dir / "root-owned"
    locked.mkdir(mode=0o755)
    assert locked.stat().st_uid == 0
    assert stat.S_IMODE(locked.stat().st_mode) == 0o755
    usable = unprivileged_dir / "usable"
    usable.mkdir()
    os.chown(usable, *_owner_of(unprivileged_dir))
    scrubbed_env.setenv("TMPDIR", str(locked))
    scrubbed_env.setenv("TEMP", str(usable))
    backend = PlacedBackend([], str(unprivileged_dir / "missing"))

    def explain() -> list[Candidate]:
        return list(TempDirResolver(backend).explain().candidates)

    candidates = run_unprivileged(explain)
    assert candidates[0] == Candidate(
        str(locked), "$TMPDIR", False, "not writable (permission denied)"
    )
    assert candidates[1].path == str(usable)
    assert candidates[1].accepted
    assert os.listdir(locked) == []
    assert os.listdir(usable) == []


def _owner_of(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_uid, info.st_gid


def test_explain_lists_every_candidate_with_its_reason(
    scrubbed_env: pytest.MonkeyPatch, places: dict[str, Path]
) -> None:
    scrubbed_env.setenv("TEMP", str(places["temp"]))
    backend = PlacedBackend([str(places["file"]), str(places["platform"])], str(places["cwd"]))
    resolution = TempDirResolver(backend).explain()
    ok = "writable (probe file created and removed)"
    assert resolution.candidates == (
        Candidate("", "$TMPDIR", False, "not set"),
        Candidate(str(places["temp"]), "$TEMP", True, ok),
        Candidate("", "$TMP", False, "not set"),
        Candidate(str(places["file"]), "platform", False, "not a directory"),
        Candidate(str(places["platform"]), "platform", True, ok),
        Candidate(str(places["cwd"]), "cwd", True, ok),
    )
    assert resolution.chosen == str(places["temp"])
    lines = str(resolution).splitlines()
    assert lines[0] == f"temp dir: {places['temp']}"
    assert lines[2].split()[:2] == ["chosen", str(places["temp"])]
    assert lines[4].split()[:2] == ["skip", str(places["file"])]
    assert lines[4].endswith("not a directory")
    assert lines[5].split()[:2] == ["usable", str(places["platform"])]
    assert resolution.as_dict()["chosen"] == str(places["temp"])


def test_resolve_is_cached_until_reset(
    scrubbed_env: pytest.MonkeyPatch, places: dict[str, Path]
) -> None:
    scrubbed_env.setenv("TMPDIR", str(places["tmpdir"]))
    backend = unusable_backend(places)
    assert tempkit.resolver_for(backend).resolve() == str(places["tmpdir"])
    assert tempkit.gettempdir(backend) == str(places["tmpdir"])
    assert tempkit.resolver_for(backend).resolve() == str(places["tmpdir"])

    scrubbed_env.setenv("TMPDIR", str(places["temp"]))
    assert tempkit.gettempdir(backend) == str(places["tmpdir"])
    assert len(backend.probes) == 1

    tempkit.reset_tempdir_cache(backend)
    assert tempkit.gettempdir(backend) == str(places["temp"])

    scrubbed_env.setenv("TMPDIR", str(places["tmp"]))
    tempkit.reset_tempdir_cache()
    assert tempkit.gettempdir(backend) == str(places["tmp"])
    assert len(backend.probes) == 3


def test_a_posix_subclass_does_not_share_the_posix_cache(
    scrubbed_env: pytest.MonkeyPatch, places: dict[str, Path]
) -> None:
    platform = str(places["platform"])

    class ElsewhereBackend(PosixBackend):
        def platform_temp_dirs(self) -> Sequence[str]:
            return (platform,)

    assert tempkit.gettempdir(ElsewhereBackend()) == platform
    assert ElsewhereBackend() == ElsewhereBackend()
    assert ElsewhereBackend() != PosixBackend()
    assert tempkit.gettempdir(PosixBackend()) != platform


def test_many_threads_get_one_answer_from_one_probe(
    scrubbed_env: pytest.MonkeyPatch, places: dict[str, Path]
) -> None:
    scrubbed_env.setenv("TMPDIR", str(places["tmpdir"]))
    backend = unusable_backend(places)
    threads_count = 32
    barrier = threading.Barrier(threads_count)
    answers: list[str] = []
    lock = threading.Lock()

    def work() -> None:
        barrier.wait()
        answer = tempkit.resolver_for(backend).resolve()
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=work) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [str(places["tmpdir"])] * threads_count
    assert len(backend.probes) == 1


def test_direct_resolver_has_its_own_cache(
    scrubbed_env: pytest.MonkeyPatch, places: dict[str, Path]
) -> None:
    scrubbed_env.setenv("TMPDIR", str(places["tmpdir"]))
    backend = unusable_backend(places)
    own = TempDirResolver(backend)
    assert own.resolve() == str(places["tmpdir"])
    scrubbed_env.setenv("TMPDIR", str(places["temp"]))
    assert tempkit.gettempdir(backend) == str(places["temp"])
    assert own.resolve() == str(places["tmpdir"])
    tempkit.reset_tempdir_cache(backend)
    assert own.resolve() == str(places["tmpdir"])


def test_the_cache_does_not_keep_a_backend_alive(
    scrubbed_env: pytest.MonkeyPatch, places: dict[str, Path]
) -> None:
    backend = PlacedBackend([str(places["platform"])], str(places["cwd"]))
    with tempkit.TempDirPath.create(backend=backend):
        pass
    assert tempkit.gettempdir(backend) == str(places["platform"])
    alive = weakref.ref(backend)
    del backend
    gc.collect()
    assert alive() is None


def test_nothing_usable_raises_file_not_found_naming_every_candidate(
    scrubbed_env: pytest.MonkeyPatch, places: dict[str, Path]
) -> None:
    backend = PlacedBackend(
        [str(places["missing"]), str(places["file"])], str(places["missing"] / "cwd")
    )
    before = sorted(os.listdir(places["file"].parent))
    with pytest.raises(FileNotFoundError) as caught:
        tempkit.gettempdir(backend)
    assert caught.value.errno == errno.ENOENT
    message = str(caught.value)
    for source in ("$TMPDIR", "$TEMP", "$TMP"):
        assert f"{source} ({source}): not set" in message
    assert f"{places['missing']} (platform): does not exist" in message
    assert f"{places['file']} (platform): not a directory" in message
    assert f"{places['missing'] / 'cwd'} (cwd): does not exist" in message
    assert sorted(os.listdir(places["file"].parent)) == before

    resolution = TempDirResolver(backend).explain()
    assert resolution.chosen is None
    assert str(resolution).startswith("temp dir: (none)")
    assert len(resolution.candidates) == 6


def test_create_uses_the_resolved_dir(
    scrubbed_env: pytest.MonkeyPatch, places: dict[str, Path]
) -> None:
    backend = PlacedBackend([str(places["platform"])], str(places["cwd"]))
    with tempkit.TempDirPath.create(backend=backend) as tmp:
        assert os.path.dirname(tmp) == str(places["platform"])


def test_relative_candidate_with_a_deleted_cwd_is_skipped(
    scrubbed_env: pytest.MonkeyPatch, places: dict[str, Path], temp_root: Path
) -> None:
    gone = temp_root / "gone"
    gone.mkdir()
    scrubbed_env.setenv("TMPDIR", "relative")
    scrubbed_env.setenv("TEMP", str(places["temp"]))

    def resolve_from_a_deleted_directory() -> list[Candidate]:
        os.chdir(gone)
        os.rmdir(gone)
        return list(TempDirResolver(PosixBackend()).explain().candidates)

    candidates = run_forked(resolve_from_a_deleted_directory)
    assert candidates[0].source == "$TMPDIR"
    assert not candidates[0].accepted
    assert candidates[0].reason.startswith("relative, and the current directory is unavailable")
    assert candidates[1] == Candidate(
        str(places["temp"]), "$TEMP", True, "writable (probe file created and removed)"
    )
    assert candidates[-1].source.startswith("cwd")
    assert not candidates[-1].accepted


# -- directories that others control -------------------------------------------------------------
def _choose(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Candidate, str]:
    """Resolve with TMPDIR at ``path``: (tempkit's choice, its candidate, the stdlib's choice)."""
    monkeypatch.setenv("TMPDIR", str(path))
    resolver = TempDirResolver(PlacedBackend([], str(path)))
    candidate = resolver.explain().candidates[0]
    monkeypatch.setattr(std_tempfile, "tempdir", None)
    return resolver.resolve(), candidate, std_tempfile.gettempdir()


WRITABLE = "writable (probe file created and removed)"


def test_a_world_writable_dir_without_the_sticky_bit_is_used_and_flagged(
    scrubbed_env: pytest.MonkeyPatch, temp_root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    shared = temp_root / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    chosen, candidate, stdlib = _choose(shared, scrubbed_env)
    assert chosen == stdlib == str(shared)  # the standard library's choice, as promised
    assert candidate.accepted
    assert candidate.reason == (
        f"{WRITABLE}; others can rename or remove entries in it "
        "(world-writable without the sticky bit)"
    )
    assert [r.levelname for r in caplog.records if r.name == "tempkit"] == ["WARNING"]
    assert str(shared) in caplog.text


def test_a_dir_owned_by_another_user_is_used_and_flagged(
    scrubbed_env: pytest.MonkeyPatch, unprivileged_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Root (this process) can write to it, and so can its owner, nobody.
    chosen, candidate, stdlib = _choose(unprivileged_dir, scrubbed_env)
    assert chosen == stdlib == str(unprivileged_dir)
    owner = unprivileged_dir.stat().st_uid
    assert (
        candidate.reason
        == f"{WRITABLE}; its owner, uid {owner}, can rename or remove entries in it"
    )
    assert "can rename or remove entries" in caplog.text


@pytest.mark.parametrize("mode", [0o1777, 0o700, 0o755])
def test_a_sticky_or_private_dir_is_not_flagged(
    scrubbed_env: pytest.MonkeyPatch, temp_root: Path, mode: int, caplog: pytest.LogCaptureFixture
) -> None:
    place = temp_root / "place"
    place.mkdir()
    place.chmod(mode)
    chosen, candidate, stdlib = _choose(place, scrubbed_env)
    assert chosen == stdlib == str(place)
    assert candidate == Candidate(str(place), "$TMPDIR", True, WRITABLE)
    assert not [r for r in caplog.records if r.name == "tempkit"]


def test_a_symlinked_tmpdir_is_followed_as_the_standard_library_does(
    scrubbed_env: pytest.MonkeyPatch, places: dict[str, Path]
) -> None:
    link = places["cwd"] / "link"
    link.symlink_to(places["tmpdir"])
    chosen, candidate, stdlib = _choose(link, scrubbed_env)
    assert chosen == stdlib == str(link)
    assert candidate.reason == WRITABLE
    assert os.listdir(places["tmpdir"]) == []


def test_a_missing_tmpdir_falls_back_as_the_standard_library_does(
    scrubbed_env: pytest.MonkeyPatch, places: dict[str, Path]
) -> None:
    scrubbed_env.setenv("TMPDIR", str(places["missing"]))
    scrubbed_env.setattr(std_tempfile, "tempdir", None)
    assert tempkit.gettempdir(PosixBackend()) == std_tempfile.gettempdir()
    assert not places["missing"].exists()


class NotABackend:
    """Weakly referenceable, and nothing like a backend."""


@pytest.mark.parametrize(
    "thing", [5, "posix", object(), NotABackend()], ids=["int", "str", "object", "plain class"]
)
def test_something_that_is_no_backend_is_a_clear_type_error(thing: object) -> None:
    for call in (tempkit.gettempdir, tempkit.resolver_for):
        with pytest.raises(TypeError, match="expected a tempkit Backend"):
            call(thing)  # type: ignore[arg-type]
