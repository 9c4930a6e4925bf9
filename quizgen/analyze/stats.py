"""The computations of `quizgen.analyze` (see its docstring for the definitions)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from quizgen.errors import InputError
from quizgen.items import FALSE, LETTERS, TRUE, Item, ItemType
from quizgen.scoring import letters, tf_value

if TYPE_CHECKING:
    from quizgen.bank import Bank
    from quizgen.results import TableRow

EASY = 0.9
HARD = 0.2
LOW_DISCRIMINATION = 0.2
UPPER_LOWER_SHARE = 0.27
BINS = 10


@dataclass(frozen=True)
class Flag:
    code: str  # too_easy, too_hard, low_discrimination, negative_discrimination, dead_distractor, ...
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class OptionStats:
    option: str  # the letter, or 对/错
    text: str
    key: bool
    count: int
    share: float
    upper: int  # chosen by how many of the top group
    lower: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "option": self.option,
            "text": self.text,
            "key": self.key,
            "count": self.count,
            "share": _r(self.share),
            "upper": self.upper,
            "lower": self.lower,
        }


@dataclass(frozen=True)
class ItemStats:
    item_id: str
    number: int  # position in the items file, 1-based
    type: str
    stem: str
    max_score: float
    n: int
    mean: float | None
    difficulty: float | None
    discrimination: float | None  # corrected item-total correlation
    upper_lower: float | None
    options: tuple[OptionStats, ...] = ()
    no_answer: int = 0  # choice/multi/tf responses left blank
    flags: tuple[Flag, ...] = ()
    question_id: str = ""
    question_number: int | None = None
    question_title: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "number": self.number,
            "type": self.type,
            "stem": self.stem,
            "max_score": self.max_score,
            "n": self.n,
            "mean": _r(self.mean),
            "difficulty": _r(self.difficulty),
            "discrimination": _r(self.discrimination),
            "upper_lower": _r(self.upper_lower),
            "options": [o.to_dict() for o in self.options],
            "no_answer": self.no_answer,
            "flags": [f.to_dict() for f in self.flags],
            "question": {
                "id": self.question_id,
                "number": self.question_number,
                "title": self.question_title,
            },
        }


@dataclass(frozen=True)
class Bin:
    low: float  # points, inclusive
    high: float  # points, exclusive (the last bin includes the maximum)
    count: int


@dataclass(frozen=True)
class TestStats:
    students: int  # with at least one row
    complete: int  # with a row for every item: the test figures use these
    items: int
    max_score: float
    mean: float | None
    sd: float | None
    alpha: float | None
    method: str  # "KR-20" when every item was scored right or wrong, else "alpha"
    sem: float | None
    median: float | None
    minimum: float | None
    maximum: float | None
    distribution: tuple[Bin, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "students": self.students,
            "complete": self.complete,
            "items": self.items,
            "max_score": self.max_score,
            "mean": _r(self.mean),
            "sd": _r(self.sd),
            "alpha": _r(self.alpha),
            "method": self.method,
            "sem": _r(self.sem),
            "median": _r(self.median),
            "min": _r(self.minimum),
            "max": _r(self.maximum),
            "distribution": [
                {"from": _r(b.low), "to": _r(b.high), "count": b.count} for b in self.distribution
            ],
        }


@dataclass(frozen=True)
class Analysis:
    items: tuple[ItemStats, ...]
    test: TestStats
    notes: tuple[str, ...] = ()
    totals: dict[str, float] = field(default_factory=dict)  # student -> total (complete students)

    @property
    def flagged(self) -> list[ItemStats]:
        return [i for i in self.items if i.flags]

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": [i.to_dict() for i in self.items],
            "test": self.test.to_dict(),
            "notes": list(self.notes),
        }


def _r(x: float | None, digits: int = 6) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), digits)


def pearson(x: np.ndarray, y: np.ndarray) -> float | None:
    """Pearson's r, None when either side has no variance or fewer than 3 values."""
    if len(x) < 3:
        return None
    dx, dy = x - x.mean(), y - y.mean()
    den = math.sqrt(float(dx @ dx) * float(dy @ dy))
    if den <= 1e-12:
        return None
    return float(dx @ dy) / den


def cronbach_alpha(matrix: np.ndarray) -> float | None:
    """k/(k-1) * (1 - sum of item variances / variance of totals); None when undefined."""
    n, k = matrix.shape
    if k < 2 or n < 2:
        return None
    total_var = float(matrix.sum(axis=1).var())
    if total_var <= 1e-12:
        return None
    return k / (k - 1) * (1.0 - float(matrix.var(axis=0).sum()) / total_var)


# ---------------------------------------------------------------------------- building the matrix


def _matrix(
    items: Sequence[Item], rows: Sequence[TableRow]
) -> tuple[list[str], np.ndarray, dict[tuple[str, str], TableRow], list[str]]:
    index = {it.id: j for j, it in enumerate(items)}
    notes: list[str] = []
    unknown = sorted({r.item_id for r in rows if r.item_id not in index})
    if unknown:
        notes.append(
            f"{len(unknown)} item id(s) in the results are not in the items file and were left out: "
            + ", ".join(unknown[:5])
            + ("…" if len(unknown) > 5 else "")
        )
    students = sorted({r.student for r in rows if r.item_id in index})
    srow = {s: i for i, s in enumerate(students)}
    m = np.full((len(students), len(items)), np.nan)
    cells: dict[tuple[str, str], TableRow] = {}
    for r in rows:
        j = index.get(r.item_id)
        if j is None:
            continue
        key = (r.student, r.item_id)
        if key in cells:
            raise InputError(
                f"two rows for student {r.student} and item {r.item_id}",
                hint="collect the results with `quizgen results collect` (one submission per student)",
            )
        cells[key] = r
        m[srow[r.student], j] = r.score
    return students, m, cells, notes


def _fraction_of(items: Sequence[Item], cells: dict[tuple[str, str], TableRow]) -> dict[str, float]:
    """Each item's max score, from the results (what the scores were out of)."""
    out: dict[str, float] = {}
    for (_, item_id), r in cells.items():
        prev = out.get(item_id)
        if prev is not None and abs(prev - r.max_score) > 1e-9:
            raise InputError(
                f"item {item_id} has rows out of {prev:g} and out of {r.max_score:g}",
                hint="collect every student's results with the same items file",
            )
        out[item_id] = r.max_score
    for it in items:
        out.setdefault(it.id, it.points)
    return out


# ---------------------------------------------------------------------------- options


def _chosen(item: Item, response: str) -> list[str]:
    if item.type is ItemType.TF:
        v = tf_value(response)
        return [v] if v else []
    valid = LETTERS[: len(item.options)]
    return [c for c in dict.fromkeys(letters(response)) if c in valid]


def _options(
    item: Item, responses: dict[str, str], upper: set[str], lower: set[str]
) -> tuple[tuple[OptionStats, ...], int]:
    if item.type is ItemType.TF:
        labels = [(TRUE, "正确"), (FALSE, "错误")]
    elif item.type in (ItemType.CHOICE, ItemType.MULTI):
        labels = [(LETTERS[i], o) for i, o in enumerate(item.options)]
    else:
        return (), 0
    n = len(responses)
    chosen = {s: _chosen(item, r) for s, r in responses.items()}
    out = []
    for opt, text in labels:
        who = {s for s, c in chosen.items() if opt in c}
        out.append(
            OptionStats(
                option=opt,
                text=text,
                key=opt in item.answer,
                count=len(who),
                share=len(who) / n if n else 0.0,
                upper=len(who & upper),
                lower=len(who & lower),
            )
        )
    return tuple(out), sum(1 for c in chosen.values() if not c)


def _flags(st: ItemStats, item: Item, upper_n: int) -> tuple[Flag, ...]:
    flags = []
    if st.difficulty is not None and st.difficulty > EASY:
        flags.append(Flag("too_easy", f"too easy: difficulty {st.difficulty:.2f} > {EASY}"))
    if st.difficulty is not None and st.difficulty < HARD:
        flags.append(Flag("too_hard", f"too hard: difficulty {st.difficulty:.2f} < {HARD}"))
    d = st.discrimination
    if d is not None and d < 0:
        flags.append(
            Flag("negative_discrimination", f"negative discrimination {d:.2f}: better students do worse")
        )
    elif d is not None and d < LOW_DISCRIMINATION:
        flags.append(Flag("low_discrimination", f"low discrimination {d:.2f} < {LOW_DISCRIMINATION}"))
    if item.type in (ItemType.CHOICE, ItemType.MULTI) and st.n:
        for o in st.options:
            if not o.key and o.count == 0:
                flags.append(Flag("dead_distractor", f"distractor {o.option} chosen by nobody"))
        if item.type is ItemType.CHOICE and upper_n:
            key_upper = max((o.upper for o in st.options if o.key), default=0)
            for o in st.options:
                if not o.key and o.upper > key_upper:
                    flags.append(
                        Flag(
                            "distractor_beats_key",
                            f"distractor {o.option} chosen by more of the top group ({o.upper}) than the key "
                            f"({key_upper})",
                        )
                    )
    return tuple(flags)


# ---------------------------------------------------------------------------- analysis


def _distribution(totals: np.ndarray, max_score: float) -> tuple[Bin, ...]:
    if not len(totals) or max_score <= 0:
        return ()
    width = max_score / BINS
    counts = [0] * BINS
    for t in totals:
        counts[min(BINS - 1, max(0, int(t / width + 1e-9)))] += 1
    return tuple(Bin(i * width, (i + 1) * width, c) for i, c in enumerate(counts))


def analyze(
    items: Sequence[Item],
    rows: Sequence[TableRow],
    *,
    bank: Bank | None = None,
    upper_lower: float = UPPER_LOWER_SHARE,
) -> Analysis:
    """Item and test statistics of `rows` (a results table) for `items`."""
    if not items:
        raise InputError("there are no items to analyse", hint="give the items file the quiz was made from")
    students, m, cells, notes = _matrix(items, rows)
    if not students:
        raise InputError(
            "no results for these items",
            hint="give the items file the quiz was made from, and a table from `quizgen results collect`",
        )
    maxes = _fraction_of(items, cells)
    complete_mask = ~np.isnan(m).any(axis=1)
    full = m[complete_mask]
    complete = [s for s, ok in zip(students, complete_mask, strict=True) if ok]
    if len(complete) < len(students):
        notes.append(
            f"{len(students) - len(complete)} of {len(students)} students did not get every item; "
            f"correlations, groups and test figures use the other {len(complete)}"
        )
    totals = full.sum(axis=1) if len(full) else np.zeros(0)
    n_c = len(complete)
    g = max(1, round(upper_lower * n_c)) if n_c >= 2 else 0
    # Top and bottom groups by total; ties broken by student id so the groups are reproducible.
    ranked = sorted(range(n_c), key=lambda i: (-totals[i], complete[i]))
    upper_idx, lower_idx = ranked[:g], ranked[n_c - g :] if g else []
    upper = {complete[i] for i in upper_idx}
    lower = {complete[i] for i in lower_idx}
    qtitle: dict[str, tuple[int | None, str]] = {}
    if bank is not None:
        for q in bank.questions:
            qtitle[q.id] = (q.number, q.title)
    stats = []
    for j, it in enumerate(items):
        col = m[:, j]
        have = ~np.isnan(col)
        mx = maxes[it.id]
        n = int(have.sum())
        mean = float(col[have].mean()) if n else None
        disc = ul = None
        if n_c >= 2:
            item_c = full[:, j]
            disc = pearson(item_c, totals - item_c)
            if g:
                ul = (float(item_c[upper_idx].mean()) - float(item_c[lower_idx].mean())) / mx
        responses = {s: cells[(s, it.id)].response for s in students if (s, it.id) in cells}
        options, blank = _options(it, responses, upper, lower)
        number, title = qtitle.get(it.question_id, (it.source.number if it.source else None, ""))
        st = ItemStats(
            item_id=it.id,
            number=j + 1,
            type=it.type.value,
            stem=it.stem,
            max_score=mx,
            n=n,
            mean=mean,
            difficulty=None if mean is None else mean / mx,
            discrimination=disc,
            upper_lower=ul,
            options=options,
            no_answer=blank,
            question_id=it.question_id,
            question_number=number,
            question_title=title,
        )
        stats.append(_with_flags(st, it, len(upper)))
    k_max = float(sum(maxes[it.id] for it in items))
    dichotomous = bool(len(full)) and all(
        np.isin(full[:, j], [0.0, maxes[it.id]]).all() for j, it in enumerate(items)
    )
    alpha = cronbach_alpha(full) if len(full) else None
    sd = float(totals.std(ddof=1)) if n_c >= 2 else None
    test = TestStats(
        students=len(students),
        complete=n_c,
        items=len(items),
        max_score=k_max,
        mean=float(totals.mean()) if n_c else None,
        sd=sd,
        alpha=alpha,
        method="KR-20" if dichotomous else "alpha",
        sem=sd * math.sqrt(1 - alpha) if sd is not None and alpha is not None and alpha <= 1 else None,
        median=float(np.median(totals)) if n_c else None,
        minimum=float(totals.min()) if n_c else None,
        maximum=float(totals.max()) if n_c else None,
        distribution=_distribution(totals, k_max),
    )
    return Analysis(
        tuple(stats), test, tuple(notes), {s: float(t) for s, t in zip(complete, totals, strict=True)}
    )


def _with_flags(st: ItemStats, item: Item, upper_n: int) -> ItemStats:
    from dataclasses import replace

    return replace(st, flags=_flags(st, item, upper_n))
