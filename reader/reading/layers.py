"""What is drawn on an article's text: named layers of spans in body offsets.

A span names the style it is drawn in; the view that draws it knows the names. Offsets never change
with the script or the width, so the layers stay put while the text is converted or laid out again.
A layer may be replaced whole (`set`) or arrive in pieces (`add`: say the entities of the lines on
screen first, the rest later); either way the caller learns which spans changed, to draw only their
rows again.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from typing import NamedTuple


class Span(NamedTuple):
    start: int
    end: int
    style: str


class SpanLayer:
    """Spans sorted by start, with the longest length kept so a range query stays a bisection."""

    def __init__(self, spans: Iterable[Span]) -> None:
        self.spans = sorted(spans, key=lambda span: (span.start, span.end))
        self._starts = [span.start for span in self.spans]
        self._longest = max((span.end - span.start for span in self.spans), default=0)

    def overlapping(self, start: int, end: int) -> list[Span]:
        first = bisect_left(self._starts, start - self._longest)
        last = bisect_left(self._starts, end)
        return [span for span in self.spans[first:last] if span.end > start and span.start < end]


class Layers:
    """Layers by name, in drawing order: later ones win where they overlap."""

    #: "markup" is Markdown's emphasis, links and code (set with the text, under everything else).
    #: A layer not named here is drawn first.
    ORDER = ("markup", "entities", "annotations", "hits", "current", "selection", "cursor")

    def __init__(self) -> None:
        self._layers: dict[str, SpanLayer] = {}

    def __bool__(self) -> bool:
        return bool(self._layers)

    def set(self, name: str, spans: list[Span]) -> list[Span]:
        """Replace layer `name` with `spans` (none: remove it). Returns the spans whose rows
        change: the old and the new."""
        old = self._layers.get(name)
        if spans:
            self._layers[name] = SpanLayer(spans)
            self._order()
        else:
            self._layers.pop(name, None)
        return (old.spans if old else []) + spans

    def add(self, name: str, spans: list[Span]) -> list[Span]:
        """Add `spans` to layer `name`, keeping what it holds. Returns the spans added."""
        if spans:
            old = self._layers.get(name)
            self._layers[name] = SpanLayer([*old.spans, *spans] if old else spans)
            self._order()
        return spans

    def spans(self, name: str) -> list[Span]:
        """The spans of layer `name`, by start."""
        found = self._layers.get(name)
        return list(found.spans) if found else []

    def at(self, name: str, offset: int) -> list[Span]:
        """The spans of layer `name` that hold body `offset`."""
        found = self._layers.get(name)
        return found.overlapping(offset, offset + 1) if found else []

    def overlapping(self, start: int, end: int) -> list[Span]:
        """The spans of every layer that overlap `start`-`end`, in drawing order: within a layer
        the longer first, so a span inside another (a word annotated in an annotated sentence)
        is drawn over it."""
        return [span for layer in self._layers.values()
                for span in sorted(layer.overlapping(start, end), key=lambda span: span.start - span.end)]

    def _order(self) -> None:
        def rank(name: str) -> int:
            return self.ORDER.index(name) if name in self.ORDER else -1

        self._layers = {name: self._layers[name] for name in sorted(self._layers, key=rank)}
