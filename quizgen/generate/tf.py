"""True/false items: a statement from the bank, or one made false by a safe swap.

Statements, each with a false variant only where the swap is certainly false:
- the defining sentence of the answer; false: the subject replaced by an unrelated subject
  (not a related one, whose definition might fit: 正则化方法 / dropout技术 are never swapped);
- a list item whose text starts with its own term (生成器通过训练学习…); false: the term swapped
  with a sibling whose text is parallel (判别器通过训练学习…), i.e. also starts with its term;
- the members of a list (…的应用包括A、B、C和D); false: one member replaced by a foreign term
  that passes the NOT-one-of checks.
`build` chooses the false variant with probability FALSE_SHARE when there is one, so true and
false answers come out about even over a quiz.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterator, Set

from quizgen.generate.choice import SET_CLASSES, _member_label, foreign_members, term_names, where_phrase
from quizgen.generate.common import (
    Analysis,
    Plan,
    QInfo,
    Reason,
    Tally,
    category_phrase,
    count_mentions,
    item_line,
    list_sections,
    make_item,
    mask,
    mentions,
    near_duplicate,
    options_distinct,
    same_kind,
    sentences,
    similarity,
    strip_parens,
    talks_about,
    term_keys,
    usable_text,
)
from quizgen.items import FALSE, TRUE, Item, ItemType

FALSE_SHARE = 0.5
# A subject swapped into another's definition must be unlike it (answers' bigram cosine at most
# this): GAN swapped into VAE's "基于概率模型的生成模型" would be arguably true.
MAX_SWAP_SIMILARITY = 0.2
MAX_STATEMENT = 120
STEM_PREFIX = "判断正误："


def _plan(
    q_info: QInfo,
    fact: str,
    true_stmt: str,
    false_stmt: str | None,
    explanation: str,
    section: str | None,
    index: int | None,
    priority: int,
    keys: frozenset[str] = frozenset(),
) -> Plan:
    q = q_info.q
    typ = ItemType.TF

    def build(rng: random.Random, shown: Set[str]) -> Item:
        make_false = false_stmt is not None and rng.random() < FALSE_SHARE
        stmt = false_stmt if make_false and false_stmt else true_stmt
        expl = f"{FALSE}。正确的说法是：{true_stmt}" if make_false else f"{TRUE}。{explanation}"
        return make_item(
            typ,
            q,
            STEM_PREFIX + stmt,
            [FALSE if make_false else TRUE],
            explanation=expl.strip(),
            section=section,
            index=index,
            meta={"form": "swapped" if make_false else "statement"},
        )

    return Plan(typ, q.id, fact, build, priority=priority, keys=keys)


_GENUS_HEAD_RE = re.compile(r"(?:是指|是一种|是一个|是)(?P<g>[^，。；]{2,40})")


def genus_head(sentence: str) -> str:
    """The head noun of what a definition says its subject is: 基于概率模型的生成模型 -> 生成模型."""
    m = _GENUS_HEAD_RE.search(sentence)
    if not m:
        return ""
    g = m.group("g")
    return strip_parens(g.rsplit("的", 1)[-1]).strip()


def _definition_plan(an: Analysis, qi: QInfo, tally: Tally) -> Iterator[Plan]:
    q = qi.q
    if qi.subject is None or not q.has_answer:
        return
    first = sentences(q.answer)[0]
    if len(first) > MAX_STATEMENT or not mentions(first, qi.subject.names):
        return
    own = qi.subject.names + qi.subject.cores
    best: tuple[float, str] | None = None
    # An umbrella definition (神经网络是一种模拟人脑…的机器学习模型) is partly true of most other
    # subjects: it stays a true statement only.
    others = [] if q.id in an.umbrella else an.questions
    for other in others:
        if other.q.id == q.id or other.subject is None or not other.q.has_answer:
            continue
        if other.group == qi.group or other.q.id in an.related[q.id]:
            continue
        # An umbrella subject (神经网络) put into another's definition makes a statement that is
        # partly true (a neural network can be made of an encoder and a decoder): not false enough.
        if other.q.id in an.umbrella:
            continue
        if not same_kind(qi.subject.display, other.subject.display):
            continue
        if mentions(first, other.subject.names + other.subject.cores):
            continue
        swapped = mask(first, qi.subject.names, qi.subject.prefixes, token=other.subject.display)
        if mentions(swapped, own):
            continue
        # What the sentence says the subject is (…的生成模型) must not be something the bank also
        # says of the swapped-in subject (GAN is a generative model too).
        kind = genus_head(first)
        if kind and talks_about(other.q.reference_text(), kind):
            continue
        # The false sentence must not be near what the bank says of the swapped-in subject.
        if any(
            near_duplicate(swapped, s2) or similarity(swapped, s2) >= 0.6 for s2 in sentences(other.q.answer)
        ):
            continue
        sim = similarity(q.answer, other.q.answer)
        # the most alike of the clearly different ones: plausible, yet certainly false
        if sim <= MAX_SWAP_SIMILARITY and (best is None or sim > best[0]):
            best = (sim, swapped)
    if best is None:
        tally.reject(ItemType.TF, Reason.NO_SAFE_SWAP)
    keys = term_keys(*qi.subject.names)
    yield _plan(qi, f"{q.id}/def", first, best[1] if best else None, q.answer, "答案", None, 0, keys)


def _item_plans(an: Analysis, qi: QInfo, tally: Tally) -> Iterator[Plan]:
    q = qi.q
    for si, s in list_sections(q):
        items = s.items
        starts = [
            bool(it.term)
            and usable_text(it.text)
            and count_mentions(it.text, term_names(q, it.term or "")) == 1
            and it.text.startswith(it.term or "\x00")
            for it in items
        ]
        for i, it in enumerate(items):
            if not starts[i]:
                continue
            term = it.term or ""
            where = "" if mentions(it.text, an.all_names_for(q.id)) else where_phrase(q, s, qi.subject)
            true_stmt = where + it.text
            false_stmt = None
            for j, sib in enumerate(items):
                if j == i or not starts[j]:
                    continue
                other_term = sib.term or ""
                swapped = other_term + it.text[len(term) :]
                if near_duplicate(swapped, sib.text) or similarity(swapped, sib.text) >= 0.7:
                    continue
                false_stmt = where + swapped
                break
            if false_stmt is None:
                tally.reject(ItemType.TF, Reason.NO_SAFE_SWAP)
            keys = term_keys(*term_names(q, term))
            yield _plan(qi, f"{q.id}/{si}/{i}", true_stmt, false_stmt, item_line(it), s.label, i + 1, 1, keys)


def _membership_plans(an: Analysis, qi: QInfo, tally: Tally) -> Iterator[Plan]:
    q = qi.q
    for si, s in list_sections(q):
        if not s.items or len(s.items) < 3 or len(s.items) > 5:
            continue
        if an.pieces_by_key[f"{q.id}/{si}/0"].cls not in SET_CLASSES:
            continue
        labels = [_member_label(it) for it in s.items]
        if any(lb is None for lb in labels):
            continue
        members = [lb for lb in labels if lb]
        if not options_distinct(members):
            continue
        counts: Counter[Reason] = Counter()
        foreign = foreign_members(an, qi, si, counts)
        tally.add_distractors(ItemType.TF, counts)
        category = category_phrase(s, qi.subject, q)

        def listing(xs: list[str]) -> str:
            return "、".join(xs)

        true_stmt = f"{category}包括：{listing(members)}。"
        false_stmt = None
        if foreign:
            # Replace a middle member, so neither end of the list gives it away.
            k = len(members) // 2
            swapped = [*members[:k], foreign[0].text, *members[k + 1 :]]
            false_stmt = f"{category}包括：{listing(swapped)}。"
        else:
            tally.reject(ItemType.TF, Reason.NO_SAFE_SWAP)
        yield _plan(qi, f"{q.id}/{si}", true_stmt, false_stmt, true_stmt, s.label, None, 2)


def plans(an: Analysis, qi: QInfo, tally: Tally) -> Iterator[Plan]:
    yield from _definition_plan(an, qi, tally)
    yield from _item_plans(an, qi, tally)
    yield from _membership_plans(an, qi, tally)
