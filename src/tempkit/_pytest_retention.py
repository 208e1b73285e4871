"""The retention policies of the pytest plugin's temp dirs, as its options name them.

Apart from the factory that applies them, so the plugin can check its options
when pytest starts without loading the rest of tempkit.
"""

from __future__ import annotations

from typing import Final, Literal

__all__ = ["POLICIES", "RetentionPolicy"]

RetentionPolicy = Literal["all", "failed", "none"]
POLICIES: Final[tuple[RetentionPolicy, ...]] = ("all", "failed", "none")
