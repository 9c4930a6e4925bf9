"""``quizgen parse --explain``: what each line range of the notes was read as, and why.

Built from a `ParseResult`: its spans (question, answer, prompt, options, key, group,
context, document title) and its warnings (text that is part of no question, questions
without an answer), in file order, so a teacher can see why a file came out as it did.
"""

from __future__ import annotations

import re

from quizgen.parse.model import ParseResult, Span

_WHERE_RE = re.compile(r":(\d+)(?:-(\d+))?$")


def explain_lines(result: ParseResult) -> list[str]:
    """One line per range: ``12-18  answer     of the question on line 12``."""
    rows: list[Span] = list(result.spans)
    for w in result.warnings:
        m = _WHERE_RE.search(w.where)
        if not m:
            continue
        start = int(m.group(1))
        end = int(m.group(2) or start)
        if "not part of any question" in w.message:
            rows.append(Span(start, end, "skipped", w.message))
        elif "has no answer" in w.message or "answer marker" in w.message or "removed control" in w.message:
            rows.append(Span(start, end, "note", w.message))
    order = {"title": 0, "group": 1, "context": 2, "question": 3, "prompt": 4, "options": 5, "key": 6}
    rows.sort(key=lambda s: (s.start, order.get(s.role, 9), s.end))
    out = [
        f"How {result.bank.source.file if result.bank.source else 'the notes'} was read "
        f"(cues: {result.layout or 'none'}):"
    ]
    for s in rows:
        where = f"{s.start}-{s.end}" if s.end > s.start else f"{s.start}"
        out.append(f"{where:>11}  {s.role:<9} {s.detail}")
    return out
