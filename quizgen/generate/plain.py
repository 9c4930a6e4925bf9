"""The bank as item text: every field rendered from its Markdown to plain text, and the
lists an answer holds made into sections the list generators read.

Generators read only this view, so no Markdown or HTML reaches a stem, option, match term or
accepted answer (see `quizgen.markup`). The notes' own text stays in the bank untouched; facts
that need the Markdown structure (`quizgen.generate.facts`) read the original question.
"""

from __future__ import annotations

import re
from dataclasses import replace

from quizgen.bank import Bank, ListItem, Question, Section, SectionKind
from quizgen.markup import Block, BlockKind, blocks, to_plain
from quizgen.text import normalize_loose

# A list item's leading term: short, and a name rather than a clause.
MAX_TERM = 16
_CLAUSE_RE = re.compile(r"[，。；！？,;!?]")
# Kind of an answer's list from its lead sentence: the word written last wins
# (…的应用主要包括以下几个步骤 is a list of steps).
_LEAD_KINDS: tuple[tuple[tuple[str, ...], SectionKind], ...] = (
    (("优点", "优势", "好处"), SectionKind.ADVANTAGE),
    (("缺点", "不足", "局限", "劣势"), SectionKind.DISADVANTAGE),
    (("应用", "用途", "场景"), SectionKind.APPLICATION),
    (("特点", "特征", "特性"), SectionKind.FEATURE),
    (("原理",), SectionKind.PRINCIPLE),
    (("解决方法", "解决方案", "解决办法", "措施"), SectionKind.SOLUTION),
)
ANSWER_LIST_LABEL = "答案"


def lead_kind(lead: str) -> SectionKind:
    found = [(lead.rfind(w), kind) for words, kind in _LEAD_KINDS for w in words if w in lead]
    return max(found, key=lambda f: f[0])[1] if found else SectionKind.OTHER


def plain_items(items: tuple[ListItem, ...]) -> tuple[ListItem, ...]:
    return tuple(
        ListItem(term=to_plain(it.term) if it.term is not None else None, text=to_plain(it.text))
        for it in items
    )


def plain_section(s: Section) -> Section:
    return replace(s, lead=to_plain(s.lead), text=to_plain(s.text), items=plain_items(s.items))


def _item_of(b: Block) -> ListItem:
    term = b.term
    if term is not None and (len(term) > MAX_TERM or _CLAUSE_RE.search(term) or not b.body):
        term = None
    return ListItem(term=term, text=b.body if term else b.text)


def _lead_of(bs: tuple[Block, ...], first: int) -> str:
    """The sentence that introduces the list starting at block `first`: the paragraph right
    before it (its last line), when it is outside any list."""
    if first == 0:
        return ""
    prev = bs[first - 1]
    if prev.kind is not BlockKind.PARAGRAPH or prev.parent != -1:
        return ""
    return prev.text.split("\n")[-1].strip()


def answer_lists(md: str) -> list[Section]:
    """Each top-level list of 2+ items in an answer as a section (label 答案): its lead sentence,
    items with their leading bold terms, kind from the lead (优点 -> advantage)."""
    bs = blocks(md)
    by_list: dict[int, list[int]] = {}
    for i, b in enumerate(bs):
        if b.kind is BlockKind.LIST_ITEM and b.depth == 0 and b.quote == 0 and b.text:
            by_list.setdefault(b.list_id, []).append(i)
    out: list[Section] = []
    for idxs in by_list.values():
        if len(idxs) < 2:
            continue
        lead = _lead_of(bs, idxs[0])
        out.append(
            Section(
                label=ANSWER_LIST_LABEL,
                kind=lead_kind(lead),
                lead=lead,
                items=tuple(_item_of(bs[i]) for i in idxs),
            )
        )
    return out


def _has_list(sections: tuple[Section, ...], s: Section) -> bool:
    first = normalize_loose(s.items[0].text)
    return any(
        any(normalize_loose(it.text) == first or normalize_loose(it.term or "") == first for it in o.items)
        for o in sections
    )


def plain_question(q: Question) -> Question:
    """`q` with every text field plain and the answer's own lists added as sections (unless a
    section already holds them)."""
    sections = tuple(plain_section(s) for s in q.sections)
    derived = [s for s in answer_lists(q.answer) if not _has_list(sections, s)]
    return replace(
        q,
        title=to_plain(q.title),
        prompt=to_plain(q.prompt),
        answer=to_plain(q.answer),
        sections=sections + tuple(derived),
        aliases=tuple(tuple(to_plain(n) for n in g) for g in q.aliases),
        blanks=tuple(to_plain(b) for b in q.blanks),
        alternatives=tuple(to_plain(a) for a in q.alternatives),
        context=to_plain(q.context),
    )


def plain_bank(bank: Bank) -> Bank:
    return replace(bank, questions=tuple(plain_question(q) for q in bank.questions), _index={})
