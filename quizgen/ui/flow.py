"""CJK-aware line wrapping for rich output (quiz screens, `bank show`)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

# Rich breaks lines only at spaces, so a long run of Chinese after "1. " or "Answer: " jumps to
# the next line whole. `Flow` breaks between wide characters too, and keeps closing punctuation
# (，。）…) off the start of a line and opening brackets off its end.
_NO_BREAK_BEFORE = frozenset("，。、；：？！）」』】》〉”’…—·,.;:?!)]}%")
_NO_BREAK_AFTER = frozenset("（「『【《〈“‘([{")


def _break_points(s: str) -> set[int]:
    """Indexes i where a line may start (a break before s[i])."""
    points = set()
    for i in range(1, len(s)):
        a, b = s[i - 1], s[i]
        if b in _NO_BREAK_BEFORE or a in _NO_BREAK_AFTER or b.isspace():
            continue
        if a.isspace() or cell_len(a) == 2 or cell_len(b) == 2:
            points.add(i)
    return points


def wrap_offsets(s: str, width: int) -> list[int]:
    """Where to cut one line of text so that every piece fits `width` cells (trailing spaces aside)."""
    points = _break_points(s)
    cuts: list[int] = []
    start = cells = 0
    last: int | None = None
    for i, ch in enumerate(s):
        if i in points and i > start:
            last = i
        w = cell_len(ch)
        if cells + w > width and i > start and not ch.isspace():
            cut = last if last is not None else i
            cuts.append(cut)
            start, last = cut, None
            cells = cell_len(s[cut : i + 1])
        else:
            cells += w
    return cuts


class Flow:
    """A `Text` that wraps CJK-aware (see `wrap_offsets`); bank text stays literal."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, options.max_width)
        lines: list[Text] = []
        for line in self.text.split("\n", allow_blank=True):
            cuts = wrap_offsets(line.plain, width)
            for piece in line.divide(cuts) if cuts else [line]:
                piece.rstrip()
                lines.append(piece)
        yield Text("\n").join(lines)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.text)
