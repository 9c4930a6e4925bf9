"""Matching items: 3-6 bold terms of one list against their descriptions.

`left` holds the terms in the notes' order, `options` the descriptions shuffled (each with its
own term masked so it does not give itself away), `answer[i]` the letter of the description of
`left[i]`. Lists longer than 6 give a seeded choice of 6. A list where two descriptions are
too alike to tell apart is skipped.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Set

from quizgen.generate.choice import masked_description
from quizgen.generate.common import (
    Analysis,
    Plan,
    QInfo,
    Reason,
    Tally,
    category_phrase,
    confusable,
    item_line,
    list_context,
    list_sections,
    make_item,
    near_duplicate,
    options_distinct,
    similarity,
    talks_about,
    usable_text,
)
from quizgen.generate.order import shuffled_not_identity
from quizgen.items import LETTERS, Item, ItemType

MIN_PAIRS = 3
MAX_PAIRS = 6
MAX_TERM = 16
# Two descriptions of one list this alike (bigram cosine) could be matched either way.
MAX_PAIR_SIMILARITY = 0.7


def plans(an: Analysis, qi: QInfo, tally: Tally) -> Iterator[Plan]:
    q = qi.q
    typ = ItemType.MATCH
    for si, s in list_sections(q):
        if not s.items:
            continue
        if not all(it.term for it in s.items):
            tally.reject(typ, Reason.NO_TERMS)
            continue
        if len(s.items) < MIN_PAIRS:
            tally.reject(typ, Reason.TOO_FEW_ITEMS)
            continue
        pairs: list[tuple[str, str, int]] = []
        bad = False
        for i, it in enumerate(s.items):
            desc = masked_description(q, it) if usable_text(it.text) else None
            if desc is None or len(it.term or "") > MAX_TERM:
                bad = True
                break
            pairs.append((it.term or "", desc, i))
        if bad:
            tally.reject(typ, Reason.TEXT_UNUSABLE)
            continue
        terms = [p[0] for p in pairs]
        descs = [p[1] for p in pairs]
        if not options_distinct(terms) or not options_distinct(descs):
            tally.reject(typ, Reason.DUPLICATE_TERMS)
            continue
        if any(
            near_duplicate(s.items[i].text, s.items[j].text)
            or similarity(s.items[i].text, s.items[j].text) >= MAX_PAIR_SIMILARITY
            for i in range(len(pairs))
            for j in range(i + 1, len(pairs))
        ):
            tally.reject(typ, Reason.SIMILAR_DESCRIPTIONS)
            continue
        # A description that names another term's words while that term's own description does
        # not (引入了非线性特性 under 增加模型表达能力) could be matched either way.
        crossed = any(
            i != j
            and talks_about(s.items[j].text, s.items[i].term or "")
            and not talks_about(s.items[i].text, s.items[i].term or "")
            for i in range(len(s.items))
            for j in range(len(s.items))
        )
        if crossed:
            tally.reject(typ, Reason.SIMILAR_DESCRIPTIONS)
            continue
        # A description that says what another's does in nearly the same words, while its own has
        # no word of its term the other lacks (增加网络深度 / 训练速度加快: 可以构建深层的网络结构),
        # or that names more of another term than that term's own description does (参数数量's
        # 提高模型的分类性能 for 优化性能), fits two terms.
        ctx = list_context([it.text for it in s.items], an.all_names_for(q.id))
        if any(
            i != j and confusable(a.term or "", a.text, b.term, b.text, ctx)
            for i, a in enumerate(s.items)
            for j, b in enumerate(s.items)
        ):
            tally.reject(typ, Reason.SIMILAR_DESCRIPTIONS)
            continue
        stem = f"请为以下各项选出对应的描述（{category_phrase(s, qi.subject, q)}）："
        explanation = "\n".join(f"{it.term}：{it.text}" if it.term else item_line(it) for it in s.items)

        def build(
            rng: random.Random,
            shown: Set[str],
            pairs: list[tuple[str, str, int]] = pairs,
            stem: str = stem,
            label: str = s.label,
            expl: str = explanation,
        ) -> Item:
            chosen = (
                pairs if len(pairs) <= MAX_PAIRS else sorted(rng.sample(pairs, MAX_PAIRS), key=lambda p: p[2])
            )
            perm = shuffled_not_identity(rng, len(chosen))  # option k shows description of chosen[perm[k]]
            options = [chosen[k][1] for k in perm]
            answer = [LETTERS[perm.index(i)] for i in range(len(chosen))]
            return make_item(
                typ,
                q,
                stem,
                answer,
                options=options,
                left=[p[0] for p in chosen],
                explanation=expl,
                section=label,
                id_key=[f"{p[0]}={p[1]}" for p in chosen],
                meta={"form": "match_terms"},
            )

        yield Plan(typ, q.id, f"{q.id}/{si}", build)
