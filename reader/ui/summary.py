"""Many outcomes of one action in one toast: how many there were for each reason, the first few
named. A toast per item covered the text (re-adding a feed of 30 entries made 30 of them)."""

from __future__ import annotations

from collections.abc import Sequence

#: Items named in a summary; the rest are counted.
NAMED = 3


def summary(items: Sequence[tuple[str, str]], named: int = NAMED) -> str:
    """(what, why) pairs as lines: each reason with its count and its first items, or, when every
    reason differs, the first items each with its reason; then how many more there are."""
    by_reason: dict[str, list[str]] = {}
    for what, why in items:
        by_reason.setdefault(why, []).append(what)
    lines: list[str] = []
    left = named
    for why, whats in by_reason.items():
        if left <= 0:
            break
        lines.append(f"{why} ({len(whats)}):" if len(whats) > 1 else f"{why}:")
        lines += [f"  {what}" for what in whats[:left]]
        left -= len(whats[:left])
    if len(items) > named:
        lines.append(f"… and {len(items) - named} more")
    return "\n".join(lines)
