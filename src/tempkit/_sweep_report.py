"""What a crash-safe sweep reports: one entry per lease and per recorded object.

Public as ``tempkit.crashsafe.SweepEntry`` and ``SweepReport``; kept in a module
of their own because the lease engine (``_leases``) builds them and the public
face (``crashsafe``) hands them out, and neither may import the other's way back.
"""

from __future__ import annotations

from typing import Final, NamedTuple

__all__ = ["SweepEntry", "SweepReport"]


class SweepEntry(NamedTuple):
    """What a sweep did with one lease or one recorded object, and why.

    Attributes:
        lease: the lease file's path.
        path: the object's path ("" for a line about the lease itself).
        kind: "file", "directory" or "lease".
        action: "removed", "would remove" (a dry run), "gone" (not there any
            more), "left" (on purpose: not ours, or its owner lives) or "failed"
            (it should have gone, and removing it failed).
        reason: why, in words.

    """

    lease: str
    path: str
    kind: str
    action: str
    reason: str


class SweepReport(NamedTuple):
    """Everything one sweep saw: an entry per lease and per recorded object.

    Attributes:
        entries: every entry, in the order the sweep met them.
        complete: False when a time budget ran out before every lease was seen.

    """

    entries: list[SweepEntry]
    complete: bool

    @property
    def removed(self) -> list[SweepEntry]:
        """The objects removed (or, in a dry run, that would be)."""
        return [e for e in self.entries if e.kind != "lease" and e.action in _REMOVING]

    @property
    def left(self) -> list[SweepEntry]:
        """What the sweep left on purpose, with the reason for each."""
        return [e for e in self.entries if e.action == "left"]

    @property
    def failed(self) -> list[SweepEntry]:
        """What should have gone, but removing it failed (the reason is the error)."""
        return [e for e in self.entries if e.action == "failed"]


_REMOVING: Final = frozenset(("removed", "would remove"))
