"""Scoring a student's response to one item (every type but short answers).

    score_response(item, response, policy=PRACTICE) -> ItemScore(fraction, correct, expected, detail, parts)

Canonical responses (what the quiz front end passes in):

- choice: a tuple with one option letter, ``("B",)``
- multi:  a tuple of option letters, ``("A", "C")``
- order:  a tuple of option letters in the order the student puts the steps
- match:  a tuple of option letters, one per ``item.left`` entry (``''`` for one left unmatched)
- tf:     ``"对"`` or ``"错"`` (also accepted: 正确/错误, √/×, T/F, true/false, yes/no, 1/0)
- fill:   the typed text

Letters may also come as one string (``"A,C"``, ``"ac"``); case, spaces and commas are ignored.

Scoring policies (`ScoringPolicy`; one per use, so a paper, its LMS files, the web quiz and the
terminal quiz can say and apply the same rule):

- `PRACTICE` (quiz and review): multi partial credit, fill tolerates small typos, a wrong
  Chinese character earns half (shown as a typo, not counted right).
- `EXAM` (papers, LMS exports, web exam mode): multi all-or-nothing (多选、少选、错选均不得分),
  fill exact up to width/case/punctuation/aliases; small typos in Latin words are still
  tolerated, a wrong Chinese character is wrong.
- `MultiRule.HALF` (optional): a wrong pick earns nothing, an incomplete correct pick half.

Partial credit under `MultiRule.PARTIAL`:

- multi: ``(right picks - wrong picks) / number of right options``, floored at 0. Picking every
  option therefore earns nothing more than leaving the wrong ones out; ``correct`` only when the
  picks are exactly the right options.
- order: the share of step pairs the student put in the right relative order, i.e.
  ``(Kendall tau + 1) / 2`` for a full ordering: 1.0 in order, 0.0 fully reversed, one swap of
  two neighbours in four steps 5/6. A step left out counts as wrong in every pair it is part of.
- match: the share of ``left`` entries matched to the right description.
- choice, tf, fill: 1 or 0.

Fill-in answers are compared after normalising width, case, spaces and punctuation
(``normalize_loose``) against every form in ``item.accept`` (aliases included), with a small
typo tolerance: one edit for answers of 4-7 characters, two from 8; none for shorter answers,
and never in digits (L1 is not L2). An edit that touches a Chinese character is a 错别字:
half credit under `PRACTICE`, none under `EXAM`.

`ItemScore.parts` gives the marks per part for feedback (✓/✗ per chosen option, per pair,
per position): `PartMark(label, given, expected, ok)`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz.distance import Levenshtein

from quizgen.errors import GradeError, UsageError
from quizgen.items import FALSE, LETTERS, TRUE, Item, ItemType
from quizgen.text import is_cjk, normalize_loose

Response = str | Sequence[str] | None

_TRUE_WORDS = frozenset({"对", "正确", "是", "√", "✓", "✔", "t", "true", "y", "yes", "1", "right", "ok"})
_FALSE_WORDS = frozenset(
    {"错", "错误", "否", "不对", "×", "✗", "✘", "x", "f", "false", "n", "no", "0", "wrong"}
)


class MultiRule(StrEnum):
    PARTIAL = "partial"  # (right - wrong) / right, floored at 0
    STRICT = "strict"  # 多选、少选、错选均不得分: only the exact set earns the points
    HALF = "half"  # 错选不得分，少选得一半


@dataclass(frozen=True)
class ScoringPolicy:
    """How strictly objective items are scored; see the module docstring."""

    name: str
    multi: MultiRule = MultiRule.PARTIAL
    # Points for a fill answer whose only fault is a small typo in a Chinese character
    # (池话操作 for 池化操作): a 错别字 is a mistake in a Chinese exam, never full marks.
    cjk_typo_credit: float = 0.5
    latin_typos: bool = True  # small typos in Latin words (Sigmod for Sigmoid) are tolerated

    def with_multi(self, rule: MultiRule | str) -> ScoringPolicy:
        return ScoringPolicy(self.name, MultiRule(rule), self.cjk_typo_credit, self.latin_typos)


PRACTICE = ScoringPolicy("practice", MultiRule.PARTIAL, cjk_typo_credit=0.5)
EXAM = ScoringPolicy("exam", MultiRule.STRICT, cjk_typo_credit=0.0)
POLICIES = {p.name: p for p in (PRACTICE, EXAM)}


def policy_named(name: str) -> ScoringPolicy:
    try:
        return POLICIES[name]
    except KeyError:
        raise UsageError(
            f"unknown scoring policy {name!r}", hint=f"use one of: {', '.join(POLICIES)}"
        ) from None


@dataclass(frozen=True)
class PartMark:
    """One part of an answer: an option of a multi item, a pair of a match item, a position of
    an order item, a typo in a fill answer. `ok` is None for a right option left out."""

    label: str  # option letter, term, or position number
    given: str  # what the student gave for this part ('' if nothing)
    expected: str  # what was right for this part
    ok: bool | None


@dataclass(frozen=True)
class ItemScore:
    fraction: float  # 0..1 share of the item's points
    correct: bool  # fully right
    expected: str  # the right answer, human-readable
    detail: str  # how the score came about
    parts: tuple[PartMark, ...] = ()


def score_response(item: Item, response: Response, policy: ScoringPolicy = PRACTICE) -> ItemScore:
    """Score `response` to `item` under `policy`. Raises GradeError for short-answer items."""
    typ = item.type
    if typ is ItemType.SHORT:
        raise GradeError(
            "short-answer items are not scored here", hint="grade them with quizgen.grade (`quizgen grade`)"
        )
    if typ is ItemType.CHOICE:
        return _choice(item, response)
    if typ is ItemType.MULTI:
        return _multi(item, response, policy.multi)
    if typ is ItemType.ORDER:
        return _order(item, response)
    if typ is ItemType.MATCH:
        return _match(item, response)
    if typ is ItemType.TF:
        return _tf(item, response)
    return _fill(item, response, policy)


# ---------------------------------------------------------------------------- helpers


def letters(response: Response) -> list[str]:
    """('a', ' C') / 'A,C' / 'ac' -> ['A', 'C'] (order kept, repeats kept)."""
    if response is None:
        return []
    parts = [response] if isinstance(response, str) else [str(r) for r in response]
    out: list[str] = []
    for p in parts:
        for ch in p.upper():
            if ch in LETTERS:
                out.append(ch)
    return out


def _option(item: Item, letter: str) -> str:
    i = LETTERS.index(letter)
    return item.options[i] if i < len(item.options) else ""


def _valid(item: Item) -> str:
    return LETTERS[: len(item.options)]


def _score(
    fraction: float,
    expected: str,
    detail: str,
    correct: bool | None = None,
    parts: tuple[PartMark, ...] = (),
) -> ItemScore:
    fraction = max(0.0, min(1.0, fraction))
    return ItemScore(
        fraction=fraction,
        correct=fraction >= 1.0 if correct is None else correct,
        expected=expected,
        detail=detail,
        parts=parts,
    )


# ---------------------------------------------------------------------------- types


def _choice(item: Item, response: Response) -> ItemScore:
    key = item.answer[0]
    expected = f"{key}. {_option(item, key)}"
    picked = list(dict.fromkeys(letters(response)))
    if not picked:
        return _score(0.0, expected, "no answer")
    if len(picked) > 1:
        return _score(0.0, expected, f"{len(picked)} options chosen; one is right")
    if picked[0] == key:
        return _score(1.0, expected, "right")
    if picked[0] not in _valid(item):
        return _score(0.0, expected, f"{picked[0]} is not an option")
    return _score(0.0, expected, f"chose {picked[0]}")


def _multi(item: Item, response: Response, rule: MultiRule = MultiRule.PARTIAL) -> ItemScore:
    right = list(item.answer)
    expected = "；".join(f"{a}. {_option(item, a)}" for a in right)
    picked = list(dict.fromkeys(letters(response)))
    parts = tuple(
        PartMark(
            label=letter,
            given=letter if letter in picked else "",
            expected=letter if letter in right else "",
            ok=(letter in right) if letter in picked else (None if letter in right else True),
        )
        for letter in _valid(item)
        if letter in picked or letter in right
    )
    if not picked:
        return _score(0.0, expected, "no answer", parts=parts)
    hits = [p for p in picked if p in right]
    misses = [p for p in picked if p not in right]
    exact = set(picked) == set(right)
    if rule is MultiRule.STRICT:
        fraction = 1.0 if exact else 0.0
    elif rule is MultiRule.HALF:
        fraction = 1.0 if exact else (0.5 if hits and not misses else 0.0)
    else:
        fraction = (len(hits) - len(misses)) / len(right) if right else 0.0
    detail = f"{len(hits)} of {len(right)} right options chosen, {len(misses)} wrong"
    return _score(fraction, expected, detail, correct=exact, parts=parts)


def _order(item: Item, response: Response) -> ItemScore:
    right = list(item.answer)
    shown = " → ".join(_option(item, a) for a in right)
    expected = f"{' → '.join(right)}（{shown}）"
    given = [p for p in dict.fromkeys(letters(response)) if p in right]
    if not given:
        return _score(0.0, expected, "no answer")
    pos = {p: i for i, p in enumerate(given)}
    n = len(right)
    pairs = n * (n - 1) // 2
    if pairs == 0:
        ok = given == right
        return _score(1.0 if ok else 0.0, expected, "right" if ok else "wrong")
    good = sum(
        1
        for i in range(n)
        for j in range(i + 1, n)
        if right[i] in pos and right[j] in pos and pos[right[i]] < pos[right[j]]
    )
    detail = f"{good} of {pairs} pairs in the right order"
    if len(given) < n:
        detail += f" ({n - len(given)} step(s) left out)"
    parts = tuple(
        PartMark(
            label=str(i + 1),
            given=given[i] if i < len(given) else "",
            expected=a,
            ok=i < len(given) and given[i] == a,
        )
        for i, a in enumerate(right)
    )
    return _score(good / pairs, expected, detail, correct=given == right, parts=parts)


def _match(item: Item, response: Response) -> ItemScore:
    right = list(item.answer)
    expected = "；".join(f"{term} → {a}" for term, a in zip(item.left, right, strict=False))
    if response is None or isinstance(response, str):
        given = letters(response)
    else:
        # One entry per term, '' for a term left unmatched (the web quiz): keep the positions.
        given = [next(iter(letters(r)), "") for r in response]
    if not any(given):
        return _score(0.0, expected, "no answer")
    good = sum(1 for i, a in enumerate(right) if i < len(given) and given[i] == a)
    n = len(right) or 1
    parts = tuple(
        PartMark(
            label=term,
            given=given[i] if i < len(given) else "",
            expected=a,
            ok=i < len(given) and given[i] == a,
        )
        for i, (term, a) in enumerate(zip(item.left, right, strict=False))
    )
    return _score(
        good / n, expected, f"{good} of {len(right)} matched", correct=good == len(right), parts=parts
    )


def tf_value(response: Response) -> str | None:
    """'对'/'错' for any accepted spelling, else None."""
    if response is None:
        return None
    text = response if isinstance(response, str) else "".join(str(r) for r in response)
    t = text.strip().casefold().rstrip("。.!！")
    if t in _TRUE_WORDS:
        return TRUE
    if t in _FALSE_WORDS:
        return FALSE
    return None


def _tf(item: Item, response: Response) -> ItemScore:
    key = item.answer[0]
    value = tf_value(response)
    if value is None:
        got = "" if response is None else str(response if isinstance(response, str) else "".join(response))
        return _score(0.0, key, "no answer" if not got.strip() else f"{got.strip()!r} is neither 对 nor 错")
    return _score(1.0 if value == key else 0.0, key, "right" if value == key else f"answered {value}")


def allowed_edits(n: int) -> int:
    """Typos tolerated in a fill-in answer of n characters (after normalising)."""
    if n < 4:
        return 0
    if n < 8:
        return 1
    return 2


def _digits(s: str) -> list[str]:
    return re.findall(r"\d+", s)


def _cjk_typo(typed: str, form: str, distance: int) -> bool:
    """Is the difference between `typed` and `form` (`distance` edits) a 错别字: does every
    alignment with that few edits change a Chinese character? ``ab中cdefg`` for ``a中bcdefg``
    is two edits either way, moving ``b`` or moving ``中``: a Latin typo, since one reading
    leaves the Chinese alone. (One fixed rule, so the web quiz can apply the same one.)"""
    # Edit distance where an edit touching a Chinese character costs more than `distance`.
    heavy = distance + 1
    prev = [0]
    for ch in form:
        prev.append(prev[-1] + (heavy if is_cjk(ch) else 1))
    for a in typed:
        cur = [prev[0] + (heavy if is_cjk(a) else 1)]
        for j, b in enumerate(form, 1):
            if a == b:
                cur.append(prev[j - 1])
                continue
            sub = heavy if is_cjk(a) or is_cjk(b) else 1
            cur.append(
                min(
                    prev[j - 1] + sub,
                    prev[j] + (heavy if is_cjk(a) else 1),
                    cur[j - 1] + (heavy if is_cjk(b) else 1),
                )
            )
        prev = cur
    return prev[-1] > distance


def fill_match(typed: str, accept: Sequence[str]) -> tuple[str, str] | None:
    """(accepted form, 'exact'|'typo'|'cjk-typo') when `typed` is accepted, else None.

    'cjk-typo' means the only difference is a small edit touching a Chinese character; the
    policy decides what that earns (`ScoringPolicy.cjk_typo_credit`)."""
    t = normalize_loose(typed)
    if not t:
        return None
    forms = [(a, normalize_loose(a)) for a in accept if normalize_loose(a)]
    for a, na in forms:
        if t == na:
            return a, "exact"
    best: tuple[int, bool, str] | None = None
    for a, na in forms:
        if _digits(na) != _digits(t):
            continue
        d = Levenshtein.distance(t, na, score_cutoff=allowed_edits(len(na)))
        if d <= allowed_edits(len(na)):
            cand = (d, _cjk_typo(t, na, d), a)
            # A Latin-only typo beats a 错别字 at the same distance.
            if best is None or cand[:2] < best[:2]:
                best = cand
    if best is not None:
        return best[2], "cjk-typo" if best[1] else "typo"
    return None


def _fill(item: Item, response: Response, policy: ScoringPolicy = PRACTICE) -> ItemScore:
    accept = list(dict.fromkeys([*item.answer, *item.accept]))
    main = item.answer[0] if item.answer else ""
    others = [a for a in accept if a != main]
    expected = main + (f"（也可：{'、'.join(others)}）" if others else "")
    typed = response if isinstance(response, str) else " ".join(response or ())
    if not typed.strip():
        return _score(0.0, expected, "no answer")
    hit = fill_match(typed, accept)
    if hit is None:
        return _score(0.0, expected, "not accepted")
    form, how = hit
    if how == "exact":
        return _score(1.0, expected, "right")
    part = (PartMark(label="typo", given=typed.strip(), expected=form, ok=False),)
    if how == "typo" and policy.latin_typos:
        return _score(1.0, expected, f"accepted as a small typo of {form}", parts=part)
    credit = policy.cjk_typo_credit if how == "cjk-typo" else 0.0
    return _score(credit, expected, f"wrong character(s): {form} is right", correct=False, parts=part)
