"""Merge students' results into one long table, every response scored with its reason.

    collected = collect(paths, items, grader=lambda: Grader(embedder="none"))
    collected.rows       # ResultRow per (student, item): score, max_score, seconds, reason
    collected.problems   # files that could not be read, tampered checksums, other quizzes,
                         # duplicates, unknown or changed items: reported, never merged silently

Objective items are scored with `quizgen.scoring.score_response` under the policy of the page
that collected them (exam pages `EXAM`, practice pages and the terminal quiz `PRACTICE`, CSV
`EXAM`), or the one asked for; short answers by the grader.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from quizgen import scoring
from quizgen.errors import InputError
from quizgen.export.web import fingerprint
from quizgen.items import Item, ItemType
from quizgen.results.files import Submission, expand, read_results


class ProblemKind(StrEnum):
    UNREADABLE = "unreadable"
    TAMPERED = "tampered"
    NO_STUDENT = "no student"
    OTHER_QUIZ = "other quiz"
    UNKNOWN_ITEM = "unknown item"
    CHANGED_ITEM = "changed item"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    source: str
    message: str
    student: str = ""

    def render(self) -> str:
        return f"{self.source}: {self.message}"


@dataclass(frozen=True)
class ResultRow:
    student: str
    name: str
    item_id: str
    type: str
    response: str
    score: float
    max_score: float
    seconds: float | None
    correct: bool
    reason: str
    needs_review: bool
    policy: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "student": self.student,
            "item_id": self.item_id,
            "response": self.response,
            "score": _num(self.score),
            "max_score": _num(self.max_score),
            "seconds": self.seconds,
            "name": self.name,
            "type": self.type,
            "correct": self.correct,
            "reason": self.reason,
            "needs_review": self.needs_review,
            "policy": self.policy,
            "source": self.source,
        }


COLUMNS = [
    "student",
    "item_id",
    "response",
    "score",
    "max_score",
    "seconds",
    "name",
    "type",
    "correct",
    "reason",
    "needs_review",
    "policy",
    "source",
]


def _num(x: float) -> float | int:
    x = round(float(x), 4)
    return int(x) if x.is_integer() else x


@dataclass(frozen=True)
class Collected:
    rows: tuple[ResultRow, ...]
    problems: tuple[Problem, ...]
    submissions: tuple[Submission, ...]  # the ones merged
    notes: tuple[str, ...] = ()  # harmless things worth saying (the same submission twice)

    @property
    def students(self) -> int:
        return len({s.student for s in self.submissions})


# ---------------------------------------------------------------------------- merging


def _check_items(sub: Submission, items: dict[str, Item]) -> tuple[Submission | None, list[Problem]]:
    """Keep the responses to these items as the student saw them; report the rest."""
    unknown = [r.item_id for r in sub.responses if r.item_id not in items]
    changed = [
        r.item_id
        for r in sub.responses
        if r.item_id in items and r.seen is not None and r.seen != fingerprint(items[r.item_id])
    ]
    kept = tuple(r for r in sub.responses if r.item_id in items and r.item_id not in changed)
    who = f"{sub.student} {sub.name}".strip()
    if not kept:
        title = f" '{sub.title}'" if sub.title else ""
        return None, [
            Problem(
                ProblemKind.OTHER_QUIZ,
                sub.source,
                f"results of another quiz{title} (quiz {sub.quiz_id or '?'}) from {who}: "
                "none of its items are in the items given; not merged",
                sub.student,
            )
        ]
    problems = []
    if unknown:
        problems.append(
            Problem(
                ProblemKind.UNKNOWN_ITEM,
                sub.source,
                f"{len(unknown)} response(s) from {who} to items not in the items given "
                f"({', '.join(unknown[:3])}{'…' if len(unknown) > 3 else ''}); left out",
                sub.student,
            )
        )
    if changed:
        problems.append(
            Problem(
                ProblemKind.CHANGED_ITEM,
                sub.source,
                f"{len(changed)} item(s) were shown to {who} with other text or options than in the items "
                f"given ({', '.join(changed[:3])}{'…' if len(changed) > 3 else ''}); left out",
                sub.student,
            )
        )
    return replace(sub, responses=kept), problems


def merge(
    loaded: Iterable[Submission | InputError], items: Sequence[Item], *, accept_tampered: bool = False
) -> tuple[list[Submission], list[Problem], list[str]]:
    """Check and de-duplicate submissions: (kept, problems, notes)."""
    by_id = {i.id: i for i in items}
    problems: list[Problem] = []
    notes: list[str] = []
    good: list[Submission] = []
    for s in loaded:
        if isinstance(s, InputError):
            problems.append(
                Problem(
                    ProblemKind.UNREADABLE, s.where or "?", s.message + (f" ({s.hint})" if s.hint else "")
                )
            )
            continue
        if s.verified is False:
            problems.append(
                Problem(
                    ProblemKind.TAMPERED,
                    s.source,
                    f"the checksum does not match: the file from {s.student} {s.name} was changed after "
                    "the quiz"
                    + ("; merged anyway (--accept-tampered)" if accept_tampered else "; not merged"),
                    s.student,
                )
            )
            if not accept_tampered:
                continue
        if not s.student:
            problems.append(Problem(ProblemKind.NO_STUDENT, s.source, "no student id (学号); not merged"))
            continue
        checked, found = _check_items(s, by_id)
        problems += found
        if checked is not None:
            good.append(checked)
    kept: list[Submission] = []
    groups: dict[str, list[Submission]] = {}
    for s in good:
        groups.setdefault(s.student, []).append(s)
    for student, subs in groups.items():
        distinct: list[Submission] = []
        for s in subs:
            twin = next((d for d in distinct if _same(d, s)), None)
            if twin is None:
                distinct.append(s)
            else:
                notes.append(
                    f"the same submission from {student} twice ({twin.source}, {s.source}); counted once"
                )
        latest = max(distinct, key=lambda d: d.submitted_at)
        if len(distinct) > 1:
            others = ", ".join(
                f"{d.source} ({d.submitted_at or 'no time'})" for d in distinct if d is not latest
            )
            problems.append(
                Problem(
                    ProblemKind.DUPLICATE,
                    latest.source,
                    f"{len(distinct)} different submissions from {student}: kept the latest, "
                    f"{latest.source} ({latest.submitted_at or 'no time'}); left out {others}",
                    student,
                )
            )
        kept.append(latest)
    return kept, problems, notes


def _same(a: Submission, b: Submission) -> bool:
    if a.checksum is not None and a.checksum == b.checksum:
        return True
    return (a.quiz_id, a.responses, a.submitted_at) == (b.quiz_id, b.responses, b.submitted_at)


# ---------------------------------------------------------------------------- scoring


def policy_for_mode(mode: str) -> scoring.ScoringPolicy:
    return scoring.PRACTICE if mode in ("practice", "terminal") else scoring.EXAM


def _clean_response(r: Any) -> Any:
    """What score_response accepts: None, text, or a list of text; anything else is no answer."""
    if r is None or isinstance(r, str):
        return r
    if isinstance(r, list) and all(isinstance(x, str) for x in r):
        return tuple(r)
    return None


def response_text(item: Item, r: Any) -> str:
    """A response as one CSV cell: letters (``AC``; ``C-B`` for match, - = unmatched) or text."""
    if r is None:
        return ""
    if isinstance(r, str):
        return r
    if item.type is ItemType.MATCH:
        return "".join((scoring.letters(x) or ["-"])[0] for x in r)
    if item.type in (ItemType.CHOICE, ItemType.MULTI, ItemType.ORDER):
        return "".join(scoring.letters(r))
    return " ".join(r)


def _answered(r: Any) -> bool:
    if r is None:
        return False
    if isinstance(r, str):
        return bool(r.strip())
    return any(x.strip() for x in r)


def _short_reason(res: Any) -> str:
    if res.reason:
        return str(res.reason)
    total = len(res.matched) + len(res.missed)
    parts = [f"key points {len(res.matched)}/{total}"] if total else []
    if res.missed:
        parts.append("missed: " + "、".join(res.missed))
    parts += list(getattr(res, "deductions", ()) or ())
    return "; ".join(parts) or "graded"


def score_submissions(
    subs: Sequence[Submission],
    items: Sequence[Item],
    *,
    grader: Callable[[], Any] | None = None,
    policy: scoring.ScoringPolicy | None = None,
) -> list[ResultRow]:
    """One row per response, in student order then item order. `grader` builds the short-answer
    grader when the first one needs it (loading a model takes seconds)."""
    order = {it.id: n for n, it in enumerate(items)}
    by_id = {it.id: it for it in items}
    rows: list[ResultRow | None] = []
    pending: list[tuple[int, Item, str, Callable[..., ResultRow]]] = []
    for sub in sorted(subs, key=lambda s: s.student):
        pol = policy or policy_for_mode(sub.mode)
        for resp in sorted(sub.responses, key=lambda r: order[r.item_id]):
            item = by_id[resp.item_id]
            r = _clean_response(resp.response)
            row = functools.partial(
                ResultRow,
                student=sub.student,
                name=sub.name,
                item_id=item.id,
                type=item.type.value,
                response=response_text(item, r),
                max_score=item.points,
                seconds=resp.seconds,
                policy=pol.name,
                source=sub.source,
            )
            if resp.response is not None and r is None:
                rows.append(row(score=0.0, correct=False, reason="unreadable response", needs_review=True))
            elif item.type is ItemType.SHORT:
                if not _answered(r):
                    rows.append(row(score=0.0, correct=False, reason="no answer", needs_review=False))
                else:
                    pending.append((len(rows), item, response_text(item, r), row))
                    rows.append(None)
            else:
                s = scoring.score_response(item, r, pol)
                rows.append(
                    row(
                        score=round(s.fraction * item.points, 4),
                        correct=s.correct,
                        reason=s.detail,
                        needs_review=False,
                    )
                )
    if pending:
        if grader is None:
            raise InputError(
                "short answers need the grader", hint="pass a grader (the command does: --embedder)"
            )
        g = grader()
        results = g.grade_many({"item": it, "answer": text} for _, it, text, _ in pending)
        from quizgen.session import SHORT_PASS

        for (slot, _, _, make), res in zip(pending, results, strict=True):
            rows[slot] = make(
                score=round(float(res.score), 4),
                correct=res.fraction >= SHORT_PASS,
                reason=_short_reason(res),
                needs_review=bool(res.needs_review),
            )
    return [r for r in rows if r is not None]


def collect(
    paths: Sequence[str | Path],
    items: Sequence[Item],
    *,
    grader: Callable[[], Any] | None = None,
    policy: scoring.ScoringPolicy | None = None,
    accept_tampered: bool = False,
) -> Collected:
    """Read every results file under `paths`, check and merge them, score every response."""
    types = {it.id: it.type.value for it in items}
    loaded: list[Submission | InputError] = []
    for p in expand(paths):
        loaded.extend(read_results(p, types))
    kept, problems, notes = merge(loaded, items, accept_tampered=accept_tampered)
    rows = score_submissions(kept, items, grader=grader, policy=policy)
    return Collected(tuple(rows), tuple(problems), tuple(kept), tuple(notes))
