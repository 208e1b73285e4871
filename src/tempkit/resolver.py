"""Finding the temp directory: TMPDIR/TEMP/TMP, the platform list, then the cwd.

Every input (environment, platform candidates, current directory, the probe)
comes from the backend, so a MemoryBackend with any environment can stand in
for a real machine in tests. A candidate is accepted only once a probe file
was created in it and removed again, the way CPython's tempfile decides.
"""

from __future__ import annotations

import stat
import threading
import weakref
from typing import Final, NamedTuple

from tempkit.backends._current import check_backend, get_backend
from tempkit.backends.protocol import Backend
from tempkit.naming import random_name

__all__ = [
    "ENV_VARS",
    "Candidate",
    "Resolution",
    "TempDirResolver",
    "gettempdir",
    "reset_tempdir_cache",
    "resolver_for",
]

# CPython's tempfile searches these in this order on every platform, Windows
# included, so tempkit and tempfile.gettempdir() agree wherever they run.
ENV_VARS: Final = ("TMPDIR", "TEMP", "TMP")
"""The environment variables searched first, in this order."""


# NamedTuples rather than dataclasses keep ``import tempkit`` cheap (no inspect).
class Candidate(NamedTuple):
    """One place the resolver considered and what it concluded.

    Attributes:
        path: the directory, absolute ("" when the source gave none).
        source: where it came from: "$TMPDIR", "$TEMP", "$TMP", "platform" or "cwd".
        accepted: a probe file could be created in it and removed again.
        reason: why it was accepted or skipped, in words ("not set", "does not
            exist", "not writable (permission denied)"...).

    """

    path: str
    source: str
    accepted: bool
    reason: str

    def as_dict(self) -> dict[str, object]:
        """This candidate as a JSON-ready mapping.

        Returns:
            ``{"path": ..., "source": ..., "accepted": ..., "reason": ...}``.

        """
        return {
            "path": self.path,
            "source": self.source,
            "accepted": self.accepted,
            "reason": self.reason,
        }


class Resolution(NamedTuple):
    """The outcome of a resolve: the chosen directory and every candidate seen.

    ``str()`` of it is the report ``tempkit where`` prints: the chosen
    directory, then one line per candidate.

    Attributes:
        chosen: the first accepted candidate's path, or None when none was usable.
        candidates: every candidate, in search order.

    """

    chosen: str | None
    candidates: tuple[Candidate, ...]

    def as_dict(self) -> dict[str, object]:
        """This resolution as a JSON-ready mapping.

        Returns:
            ``{"chosen": ..., "candidates": [...]}``, each candidate as
            :meth:`Candidate.as_dict` gives it.

        """
        return {"chosen": self.chosen, "candidates": [c.as_dict() for c in self.candidates]}

    def __str__(self) -> str:
        width = max((len(c.path) for c in self.candidates), default=4)
        lines = [f"temp dir: {self.chosen if self.chosen is not None else '(none)'}"]
        # Only the first accepted candidate is the chosen one: the same directory
        # can come back later (the cwd when run from /tmp), and is merely usable there.
        chosen_index = next((i for i, c in enumerate(self.candidates) if c.accepted), None)
        for i, c in enumerate(self.candidates):
            mark = ("chosen" if i == chosen_index else "usable") if c.accepted else "skip"
            lines.append(f"  {mark:<6}  {c.path:<{width}}  [{c.source}] {c.reason}")
        return "\n".join(lines)


_WRITABLE: Final = "writable (probe file created and removed)"


def _open_to_others(backend: Backend, path: str, probe: str) -> str:
    """Why another user could rename or remove entries in ``path``, as a note; "" if nobody can.

    Such a directory is still used, as CPython's tempfile uses it, but there
    another user can take a temp object's name away and put something else
    under it; the note says so in ``explain()`` and a warning is logged.
    """
    if not backend.capabilities.permissions:
        return ""
    try:
        # The probe was made by this process: its owner is who we are on this backend.
        me = backend.stat(probe, follow_symlinks=False).st_uid
        info = backend.stat(path)
    except OSError:
        return ""
    mode = info.st_mode
    if mode & stat.S_IWOTH and not mode & stat.S_ISVTX:
        return "; others can rename or remove entries in it (world-writable without the sticky bit)"
    if info.st_uid not in (me, 0):
        return f"; its owner, uid {info.st_uid}, can rename or remove entries in it"
    return ""


def _warn_open_to_others(candidate: Candidate) -> None:
    import logging  # noqa: PLC0415 - only a directory open to others pays for logging

    logging.getLogger("tempkit").warning(
        "temp dir %s (%s) is %s", candidate.path, candidate.source, candidate.reason
    )


class _Cache:
    """The cached choice for one backend, shared by all its resolvers.

    It holds no reference to the backend: the module keeps one per backend in
    a weak-keyed mapping, and a value that referred to its key would keep every
    backend (and a memory backend's files) alive for the life of the process.
    """

    __slots__ = ("chosen", "lock")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.chosen: str | None = None


class TempDirResolver:
    """Resolves (and caches) the temp directory of one backend.

    ``resolve()`` stops at the first usable candidate and caches it;
    ``explain()`` probes every candidate, for a complete report. A resolver
    made directly has its own cache; those from :func:`resolver_for` share the
    backend's cache.

    Args:
        backend: the backend whose temp directory to find; every input (the
            environment, the platform's list, the current directory) and the
            probe go through it.

    Attributes:
        backend: the backend this resolver looks on.

    Examples:
        >>> from tempkit import MemoryBackend, TempDirResolver
        >>> resolver = TempDirResolver(MemoryBackend(environ={"TMPDIR": "/scratch"}))
        >>> resolver.resolve()  # /scratch does not exist in that world
        '/tmp'
        >>> print(resolver.explain())  # doctest: +NORMALIZE_WHITESPACE
        temp dir: /tmp
          skip    /scratch  [$TMPDIR] does not exist
          skip              [$TEMP] not set
          skip              [$TMP] not set
          chosen  /tmp      [platform] writable (probe file created and removed)
          skip    /var/tmp  [platform] does not exist
          skip    /usr/tmp  [platform] does not exist
          usable  /         [cwd] writable (probe file created and removed)

    """

    __slots__ = ("_cache", "backend")

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._cache = _Cache()

    @classmethod
    def _sharing(cls, backend: Backend, cache: _Cache) -> TempDirResolver:
        resolver = cls.__new__(cls)
        resolver.backend = backend
        resolver._cache = cache
        return resolver

    def candidates(self) -> list[tuple[str, str]]:
        """The places to try, in search order, before any probing.

        Returns:
            ``(path, source)`` pairs: ``$TMPDIR``, ``$TEMP``, ``$TMP`` (path ""
            when unset), each of the platform's directories, then the current
            directory (path "" when it is unavailable).

        """
        backend = self.backend
        environ = backend.environ()
        found: list[tuple[str, str]] = []
        for name in ENV_VARS:
            value = environ.get(name)
            found.append((value or "", f"${name}"))
        found.extend((path, "platform") for path in backend.platform_temp_dirs())
        try:
            found.append((backend.getcwd(), "cwd"))
        except OSError as exc:
            found.append(("", f"cwd ({exc.strerror})"))
        return found

    def _check(self, path: str, source: str) -> Candidate:
        if not path:
            reason = "not set" if source.startswith("$") else "unavailable"
            return Candidate(path, source, False, reason)
        backend = self.backend
        flavour = backend.flavour
        drive, root, parts = flavour.parse(path)
        if not (root and (drive or flavour.name != "windows")):
            try:
                cwd = backend.getcwd()
            except OSError as exc:
                reason = f"relative, and the current directory is unavailable ({exc.strerror})"
                return Candidate(path, source, False, reason)
            path = flavour.join(cwd, path)
            drive, root, parts = flavour.parse(path)
        path = flavour.format(drive, root, parts)
        probe = flavour.join(path, f".tempkit-probe-{random_name(12)}")
        try:
            backend.create_file(probe, 0o600)
        except FileNotFoundError:
            return Candidate(path, source, False, "does not exist")
        except NotADirectoryError:
            return Candidate(path, source, False, "not a directory")
        except PermissionError:
            return Candidate(path, source, False, "not writable (permission denied)")
        except OSError as exc:
            return Candidate(path, source, False, f"probe failed: {exc.strerror or exc}")
        warning = _open_to_others(backend, path, probe)
        try:
            backend.unlink(probe)
        except OSError as exc:
            return Candidate(path, source, False, f"probe could not be removed: {exc.strerror}")
        return Candidate(path, source, True, _WRITABLE + warning)

    def explain(self) -> Resolution:
        """Probe every candidate and report which one is chosen and why.

        Unlike :meth:`resolve`, it neither reads nor fills the cache, and it
        probes every candidate (creating and removing one file in each).

        Returns:
            The chosen directory (None if none is usable) and every candidate.

        """
        results = [self._check(path, source) for path, source in self.candidates()]
        chosen = next((c.path for c in results if c.accepted), None)
        return Resolution(chosen, tuple(results))

    def resolve(self) -> str:
        """The temp directory as a string; probed once, then cached until ``reset()``.

        Candidates are probed in order until one accepts a probe file; that one
        is cached. Safe to call from several threads: one of them probes.

        Returns:
            The absolute path of the first usable candidate.

        Raises:
            FileNotFoundError: no candidate is usable; the message says why for each.

        """
        cache = self._cache
        chosen = cache.chosen
        if chosen is not None:
            return chosen
        with cache.lock:
            if cache.chosen is not None:
                return cache.chosen
            seen: list[Candidate] = []
            for path, source in self.candidates():
                candidate = self._check(path, source)
                seen.append(candidate)
                if candidate.accepted:
                    if candidate.reason != _WRITABLE:
                        _warn_open_to_others(candidate)
                    cache.chosen = candidate.path
                    return candidate.path
        detail = "; ".join(f"{c.path or c.source} ({c.source}): {c.reason}" for c in seen)
        raise FileNotFoundError(2, f"no usable temporary directory found: {detail}")

    def reset(self) -> None:
        """Forget the cached choice; the next ``resolve()`` probes again."""
        cache = self._cache
        with cache.lock:
            cache.chosen = None


_caches: weakref.WeakKeyDictionary[Backend, _Cache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


# The backend last looked up and its cache. ``create()`` in a loop asks about the
# same backend every time, and an identity check through a weak reference is much
# cheaper than hashing into the weak mapping; it keeps nothing alive either.
_recent: tuple[weakref.ref[Backend], _Cache] | None = None


def resolver_for(backend: Backend | None = None) -> TempDirResolver:
    """A resolver for ``backend`` that shares the cache every ``create()`` uses.

    Args:
        backend: the backend; default the current one (see ``use_backend``).

    Returns:
        A resolver whose ``resolve()`` answers what :func:`gettempdir` does and
        whose ``reset()`` is :func:`reset_tempdir_cache` for that backend.

    Examples:
        >>> from tempkit import MemoryBackend, resolver_for
        >>> resolution = resolver_for(MemoryBackend()).explain()
        >>> resolution.chosen
        '/tmp'
        >>> [(c.source, c.reason) for c in resolution.candidates][:2]
        [('$TMPDIR', 'not set'), ('$TEMP', 'not set')]

    """
    global _recent
    if backend is None:
        backend = get_backend()
    try:
        cache = _caches.get(backend)
    except TypeError:  # not weakly referenceable: not a backend either, say so
        check_backend(backend)
        raise
    if cache is None:
        check_backend(backend)  # a first sight: refuse what is no backend, clearly
        with _caches_lock:
            cache = _caches.get(backend)
            if cache is None:
                cache = _caches[backend] = _Cache()
    _recent = (weakref.ref(backend), cache)
    return TempDirResolver._sharing(backend, cache)


def reset_tempdir_cache(backend: Backend | None = None) -> None:
    """Forget the resolved temp dir of ``backend``, or of every backend when None.

    Call it after changing ``TMPDIR`` (or the directory it names) in a running
    process: the next ``create()`` probes again.

    Args:
        backend: the backend whose choice to forget; None forgets every backend's.

    """
    if backend is not None:
        resolver_for(backend).reset()
        return
    with _caches_lock:
        caches = list(_caches.values())
    for cache in caches:
        with cache.lock:
            cache.chosen = None


def gettempdir(backend: Backend | None = None) -> str:
    """The temp directory of ``backend``, where ``create()`` puts objects without ``dir=``.

    The search is CPython's ``tempfile.gettempdir()`` order: ``TMPDIR``,
    ``TEMP``, ``TMP``, the platform's directories, then the current directory;
    the first one where a probe file can be created is chosen and cached (see
    :func:`reset_tempdir_cache`; :meth:`TempDirResolver.explain` says why).

    Args:
        backend: the backend; default the current one (see ``use_backend``).

    Returns:
        The directory's absolute path.

    Raises:
        FileNotFoundError: no candidate directory is usable.
        TypeError: ``backend`` is not a tempkit Backend.

    Examples:
        >>> from tempkit import MemoryBackend, gettempdir
        >>> gettempdir(MemoryBackend(environ={"TMPDIR": "/tmp"}))
        '/tmp'

    """
    if backend is None:
        backend = get_backend()
    recent = _recent
    if recent is not None and recent[0]() is backend:
        chosen = recent[1].chosen
        if chosen is not None:
            return chosen
    return resolver_for(backend).resolve()
