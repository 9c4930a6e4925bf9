"""Choosing distractors: rank compatible candidates by similarity to the key, reject the unsafe.

A candidate is rejected (and counted, for the report) when it is a near-duplicate of the key or
of a better-ranked candidate, comes from the key's own duplicate group, is about a related
subject, names the key's term (so it may be just as correct), or is too dissimilar to fool
anyone (a weak distractor: we skip the item rather than pad it). Ranking is rng-free and
computed once per bank; `pick` makes the seeded choice among the best few.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass

from quizgen.generate.common import Reason, length_factor, near_duplicate, similarity

# Similarity floor for a distractor that is not a sibling in the key's own list: below it the
# distractor is unrelated filler. Character-bigram cosine; measured on the seed, unrelated list
# items of one class score 0.05-0.15, plausible ones 0.2-0.45.
WEAK_FLOOR = 0.12
# Bonus that puts the key's own list siblings (same context, same style) ahead of other
# questions' items.
SIBLING_BONUS = 0.5
# How many safe candidates `rank` keeps: enough for 3 distractors and a seeded choice among 4.
KEEP = 6


@dataclass(frozen=True)
class Cand:
    """A possible option: `text` is what the student reads."""

    text: str
    qid: str
    ref: str = ""  # where it came from (list item key, question id)
    sibling: bool = False  # from the key's own list
    term: str | None = None  # the list item's term, when the option is its description
    compare: str = ""  # text to compare with the key instead of `text` (unmasked)

    @property
    def basis(self) -> str:
        return self.compare or self.text


Check = Callable[[Cand], Reason | None]


def rank(
    key: str,
    cands: Iterable[Cand],
    tally: Counter[Reason],
    *,
    check: Check | None = None,
    floor: float = WEAK_FLOOR,
    sim_max: float | None = None,
    key_basis: str | None = None,
    limit: int = KEEP,
) -> list[Cand]:
    """Safe candidates, best first, pairwise distinct, at most `limit`. `key` is the key
    option's text; `key_basis` (default `key`) what similarity is measured against.

    Candidates are scored first (cheap, cached) and checked in score order until `limit` are
    found, so a large bank costs little; the tally counts the weak ones and those checked."""
    basis = key_basis or key
    scored: list[tuple[float, str, Cand]] = []
    for c in cands:
        sim = similarity(basis, c.basis)
        score = sim * length_factor(key, c.text)
        if not c.sibling and score < floor:
            tally[Reason.WEAK] += 1
            continue
        scored.append((score + (SIBLING_BONUS if c.sibling else 0.0), c.text, c))
    scored.sort(key=lambda sc: (-sc[0], sc[1]))
    out: list[Cand] = []
    for _, _, c in scored:
        if len(out) >= limit:
            break
        reason = check(c) if check else None
        if reason is None and (near_duplicate(c.text, key) or near_duplicate(c.basis, basis)):
            reason = Reason.NEAR_DUPLICATE_KEY
        if reason is None and sim_max is not None and similarity(basis, c.basis) >= sim_max:
            reason = Reason.NEAR_DUPLICATE_KEY
        if reason is None and any(
            near_duplicate(c.text, o.text) or near_duplicate(c.basis, o.basis) for o in out
        ):
            reason = Reason.NEAR_DUPLICATE_OTHER
        if reason is not None:
            tally[reason] += 1
            continue
        out.append(c)
    return out


def pick(ranked: Sequence[Cand], k: int, rng: random.Random, shown: Set[str] = frozenset()) -> list[Cand]:
    """k of the best k+1 (never dropping the best), so seeds vary the options a little
    without reaching for worse ones. Options the quiz has `shown` already come last: the same
    two or three answers offered in every item of a quiz teach students to skip them."""
    fresh = [c for c in ranked if c.text not in shown]
    pool = fresh + [c for c in ranked if c.text in shown] if len(fresh) < k else fresh
    top = list(pool[: k + 1])
    if len(top) > k:
        del top[rng.randrange(1, len(top))]
    return top[:k]
