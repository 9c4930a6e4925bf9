"""Single-answer (choice) and select-all (multi) items.

choice, one right answer:
- term -> description from a list with bold terms: 在生成对抗网络（GAN）的原理中，「判别器」指的是？
- description -> term: 「＿＿＿通过训练学习区分真实数据和生成数据」描述的是哪一项？
- which is NOT one of: 以下哪一项不属于生成对抗网络（GAN）的应用？ three of the list's terms and,
  as the key, a term from another question's list of the same class.
- which statement describes X: other questions' definitions as options, every subject name
  masked (＿＿＿) so that no option names itself.
- which concept does this describe: a masked definition, subject names as options.

multi: 以下哪些属于…？ from lists of 3+ items: some of the list's terms plus one or two
foreign terms that pass the same checks as the NOT-one-of key.
"""

from __future__ import annotations

import functools
import random
import re
from collections import Counter
from collections.abc import Iterator, Set

from quizgen.bank import ListItem, Question, Section
from quizgen.generate.common import (
    BLANK,
    Analysis,
    Build,
    ListContext,
    Plan,
    QInfo,
    Reason,
    Subject,
    Tally,
    category_phrase,
    confusable,
    count_mentions,
    item_line,
    lead_phrase,
    list_context,
    list_sections,
    loose,
    make_item,
    mask,
    mentions,
    near_duplicate,
    options_distinct,
    place_key,
    quoted,
    sentences,
    similarity,
    talks_about,
    term_keys,
    usable_text,
)
from quizgen.generate.distractors import Cand, Check, pick, rank
from quizgen.items import LETTERS, Item, ItemType

N_DISTRACTORS = 3
# Classes of list whose items are members of a well-bounded set, so "which is NOT one of" makes
# sense. Not "aspect" lists (…的作用主要体现在以下几个方面): the roles of CNN, pooling, activation
# functions… overlap so much that a foreign role is often also true (优化训练过程 for pooling).
SET_CLASSES = frozenset(
    {"application", "principle", "advantage", "disadvantage", "solution", "feature", "types", "steps"}
)
MAX_TERM_OPTION = 16  # a "term" longer than this is a sentence, not a term
DESCRIBES_FLOOR = 0.05


def _key_among_ranked(
    typ: ItemType,
    q: Question,
    key: str,
    ranked: list[Cand],
    stem: str,
    *,
    explanation: str,
    section: str,
    form: str,
    index: int | None = None,
    sources: bool = True,
) -> Build:
    """The build step of a one-right-answer item: `key` among N_DISTRACTORS drawn from `ranked`
    (best first), the key's position uniform."""

    def build(rng: random.Random, shown: Set[str]) -> Item:
        chosen = pick(ranked, N_DISTRACTORS, rng, shown)
        options, letter = place_key(rng, key, [c.text for c in chosen])
        meta: dict[str, object] = {"form": form}
        if sources:
            meta["distractors_from"] = [c.ref for c in chosen]
        return make_item(
            typ,
            q,
            stem,
            [letter],
            options=options,
            explanation=explanation,
            section=section,
            index=index,
            id_key=[key],
            meta=meta,
        )

    return build


def term_names(q: Question, term: str) -> tuple[str, ...]:
    """The term and its aliases (生成器 = Generator) from the question's alias groups."""
    names = [term]
    for g in q.aliases:
        if any(n.strip().casefold() == term.strip().casefold() for n in g):
            names.extend(g)
    return tuple(dict.fromkeys(n for n in names if n.strip()))


def masked_description(q: Question, it: ListItem) -> str | None:
    """The item's text with its own term masked; None when the term occurs more than once
    (a text full of blanks reads badly, and the term would give itself away)."""
    if not it.term:
        return it.text
    names = term_names(q, it.term)
    n = count_mentions(it.text, names)
    if n == 0:
        return it.text
    if n > 1:
        return None
    return mask(it.text, names)


def where_phrase(q: Question, s: Section, subject: Subject | None, *, colon: bool = False) -> str:
    """The context a list item is asked in: the lead sentence (…主要体现在以下几个方面。其中，),
    在常见的激活函数中， for a lead that just says 包括, or 在X的原理中，. With `colon`, a
    heading such as ``X的实现方式：`` instead of 在…中， (for a sentence that has its own 在…中)."""
    lead = lead_phrase(s)
    if lead and len(lead) <= 60 and "\n" not in lead:
        if re.search(r"(包括|包含|如下|分为|有)$", lead):
            return (
                f"{category_phrase(s, subject, q)}：" if colon else f"在{category_phrase(s, subject, q)}中，"
            )
        return lead + "。其中，"
    owner = subject.display if subject else quoted(q.title)
    return f"{owner}的{s.label}：" if colon else f"在{owner}的{s.label}中，"


def _strip_end(text: str) -> str:
    return text.strip().rstrip("。.；;").strip()


# ---------------------------------------------------------------------------- term <-> description


def _description_cands(an: Analysis, qi: QInfo, si: int, idx: int) -> Iterator[Cand]:
    """Descriptions that could stand beside item `idx`: siblings first, then items of the same
    class in other questions (checked by the caller)."""
    q = qi.q
    s = q.sections[si]
    for j, it in enumerate(s.items):
        if j == idx:
            continue
        yield Cand(text=it.text, qid=q.id, ref=f"{q.id}/{si}/{j}", sibling=True, term=it.term)
    cls = an.pieces_by_key[f"{q.id}/{si}/{idx}"].cls
    for p in an.by_class.get(cls, []):
        if p.qid == q.id:
            continue
        yield Cand(text=p.text, qid=p.qid, ref=p.key, term=p.term)


def section_context(an: Analysis, qi: QInfo, si: int) -> ListContext:
    return list_context([it.text for it in qi.q.sections[si].items], an.all_names_for(qi.q.id))


def _desc_check(an: Analysis, qi: QInfo, key: ListItem, ctx: ListContext) -> Check:
    q = qi.q
    key_term = key.term or ""

    def check(c: Cand) -> Reason | None:
        if not usable_text(c.text):
            return Reason.TEXT_UNUSABLE
        if not c.sibling:
            other = an.info[c.qid]
            if other.group == qi.group:
                return Reason.SAME_GROUP
            if c.qid in an.related[q.id]:
                return Reason.RELATED_SUBJECT
            # "GAN 可以用于…" beside a question about RNN: names its own subject, so too easy.
            if mentions(c.text, an.all_names_for(c.qid)):
                return Reason.OTHER_SUBJECT
        if c.term and (near_duplicate(c.term, key_term) or talks_about(c.term, key_term)):
            return Reason.SAME_TERM
        if talks_about(c.text, key_term):
            return Reason.ALSO_CORRECT
        # says what the key says in nearly the same words (可以构建深层的网络结构 for 增加网络深度),
        # or names the term more than the key does (提高模型的分类性能 for 优化性能)
        if confusable(key_term, key.text, c.term, c.text, ctx):
            return Reason.ALSO_CORRECT
        return None

    return check


def term_to_desc(an: Analysis, qi: QInfo, si: int, tally: Tally) -> Iterator[Plan]:
    """「term」指的是？ The key is the item's own description, which must not contain the term
    or all of its words (减少参数数量 / 减少了参数的数量): that would give it away."""
    q, s = qi.q, qi.q.sections[si]
    typ = ItemType.CHOICE
    for i, it in enumerate(s.items):
        if not it.term or not is_term(it.term):
            continue
        if not usable_text(it.text):
            tally.reject(typ, Reason.TEXT_UNUSABLE)
            continue
        if talks_about(it.text, it.term) or mentions(it.text, term_names(q, it.term)):
            tally.reject(typ, Reason.GIVES_ITSELF_AWAY)
            continue
        key = it.text
        counts: Counter[Reason] = Counter()
        check = _desc_check(an, qi, it, section_context(an, qi, si))
        ranked = rank(key, _description_cands(an, qi, si, i), counts, check=check)
        tally.add_distractors(typ, counts)
        if len(ranked) < N_DISTRACTORS:
            tally.reject(typ, Reason.TOO_FEW_DISTRACTORS)
            continue
        stem = f"{where_phrase(q, s, qi.subject)}「{it.term}」指的是？"
        build = _key_among_ranked(
            typ,
            q,
            key,
            ranked,
            stem,
            explanation=item_line(it),
            section=s.label,
            index=i + 1,
            form="term_to_description",
        )
        keys = term_keys(*term_names(q, it.term))
        yield Plan(typ, q.id, f"{q.id}/{si}/{i}", build, priority=1, keys=keys)


# A masked term right before a generic head noun, with no examples after it (实现对输入数据的
# ＿＿＿任务。): any sibling fits the gap (特征提取任务). With examples (＿＿＿任务，如股票价格
# 预测) the gap has one answer.
_OPEN_SLOT_RE = re.compile(re.escape(BLANK) + r"(?:任务|问题|能力|功能|效果|方面|领域)(?![^。]*[如例])")


def desc_to_term(an: Analysis, qi: QInfo, si: int, tally: Tally) -> Iterator[Plan]:
    """Which term does this description belong to? Options are the list's own terms only:
    another question's term could well fit the description too (数据增强 for 数据预处理)."""
    q, s = qi.q, qi.q.sections[si]
    typ = ItemType.CHOICE
    if not all(is_term(it.term) for it in s.items):
        return
    ctx = section_context(an, qi, si)
    for i, it in enumerate(s.items):
        term = it.term or ""
        if not usable_text(it.text):
            tally.reject(typ, Reason.TEXT_UNUSABLE)
            continue
        desc = masked_description(q, it)
        if desc is None or talks_about(desc, term):
            tally.reject(typ, Reason.GIVES_ITSELF_AWAY)
            continue
        if _OPEN_SLOT_RE.search(desc):
            tally.reject(typ, Reason.OPEN_SLOT)
            continue
        counts: Counter[Reason] = Counter()
        others: list[str] = []
        for j, sib in enumerate(s.items):
            if j == i or not sib.term:
                continue
            if near_duplicate(sib.term, term) or talks_about(sib.term, term) or talks_about(term, sib.term):
                counts[Reason.SAME_TERM] += 1
            elif talks_about(desc, sib.term) or confusable(sib.term, sib.text, term, it.text, ctx):
                # the description names this sibling (引入了非线性特性), or fits it as well as the
                # sibling's own (提高模型的分类性能 for 优化性能): it could be argued for
                counts[Reason.ALSO_CORRECT] += 1
            elif near_duplicate(sib.text, it.text) or similarity(sib.text, it.text) >= 0.6:
                counts[Reason.NEAR_DUPLICATE_KEY] += 1
            else:
                others.append(sib.term)
        tally.add_distractors(typ, counts)
        if len(others) < N_DISTRACTORS:
            tally.reject(typ, Reason.TOO_FEW_DISTRACTORS)
            continue
        stem = f"{where_phrase(q, s, qi.subject)}「{_strip_end(desc)}」描述的是哪一项？"

        def build(
            rng: random.Random,
            shown: Set[str],
            term: str = term,
            others: list[str] = others,
            stem: str = stem,
            i: int = i,
        ) -> Item:
            chosen = sorted(rng.sample(others, N_DISTRACTORS), key=others.index)
            options, letter = place_key(rng, term, chosen)
            return make_item(
                typ,
                q,
                stem,
                [letter],
                options=options,
                explanation=item_line(s.items[i]),
                section=s.label,
                index=i + 1,
                id_key=[term],
                meta={"form": "description_to_term"},
            )

        yield Plan(typ, q.id, f"{q.id}/{si}/{i}", build, priority=2, keys=term_keys(*term_names(q, term)))


# ---------------------------------------------------------------------------- not one of / multi


def is_term(term: str | None) -> bool:
    """A bold term worth asking about: 2+ characters, not a bare label such as A or 1."""
    return bool(term) and len(loose(term or "")) >= 2 and len(term or "") <= MAX_TERM_OPTION


def _member_label(it: ListItem) -> str | None:
    if it.term and is_term(it.term):
        return it.term
    if not it.term and len(it.text) <= MAX_TERM_OPTION:
        return _strip_end(it.text)
    return None


@functools.lru_cache(maxsize=8)
def _bank_sentences(an: Analysis) -> tuple[str, ...]:
    return tuple(sent for qi in an.questions for sent in sentences(qi.q.reference_text()))


def _bank_says(an: Analysis, subject_names: tuple[str, ...], term: str) -> bool:
    """Does any sentence of the bank link the subject and the term (通过池化层将特征融合)?"""
    if not subject_names:
        return False
    return any(mentions(sent, subject_names) and talks_about(sent, term) for sent in _bank_sentences(an))


def generic_term(an: Analysis, cls: str, term: str) -> bool:
    groups = {p.group for p in an.by_class.get(cls, []) if p.term and near_duplicate(p.term, term)}
    return len(groups) >= 2


def foreign_members(an: Analysis, qi: QInfo, si: int, tally_counts: Counter[Reason]) -> list[Cand]:
    """Terms from other questions' lists of the same class that are certainly NOT members of
    this list: ranked by similarity to the list, best first. (Cached: NOT-one-of, multi and tf
    ask for the same list.)"""
    ranked, counts = _foreign_members(an, qi.q.id, si)
    tally_counts.update(counts)
    return list(ranked)


@functools.lru_cache(maxsize=4096)
def _foreign_members(an: Analysis, qid: str, si: int) -> tuple[tuple[Cand, ...], Counter[Reason]]:
    qi = an.info[qid]
    tally_counts: Counter[Reason] = Counter()
    q, s = qi.q, qi.q.sections[si]
    cls = an.pieces_by_key[f"{q.id}/{si}/0"].cls
    members = [it for it in s.items]
    member_terms = [m.term or m.text for m in members]
    subject_names = an.all_names_for(q.id)
    own_text = q.reference_text()
    # the same list in the question's duplicates counts as the list too
    group_texts = [d.reference_text() for d in an.bank.questions if an.group_of.get(d.id) == qi.group]
    basis = "；".join(item_line(m) for m in members)
    all_subject_names = tuple(
        n for o in an.questions if o.subject for n in o.subject.names + o.subject.cores if len(n) >= 2
    )
    namesakes = [
        p
        for p in an.by_class.get(cls, [])
        if p.qid != q.id and p.term and any(near_duplicate(p.term, t) for t in member_terms)
    ]

    def check(c: Cand) -> Reason | None:
        term = c.term or ""
        other = an.info[c.qid]
        if other.group == qi.group:
            return Reason.SAME_GROUP
        if c.qid in an.related[q.id]:
            return Reason.RELATED_SUBJECT
        if any(near_duplicate(term, t) or talks_about(t, term) or talks_about(term, t) for t in member_terms):
            return Reason.SAME_TERM
        # 训练过程, 特征提取: a term in the lists of two unrelated questions is generic, likely true here
        if generic_term(an, cls, term):
            return Reason.ALSO_CORRECT
        if talks_about(own_text, term) or any(talks_about(t, term) for t in group_texts):
            return Reason.ALSO_CORRECT
        # true of a related subject (图像生成 is a VAE use, and a VAE is an autoencoder)
        if any(
            talks_about(an.info[r].q.reference_text(), term) for r in sorted(an.related[q.id]) if r != q.id
        ):
            return Reason.ALSO_CORRECT
        # its description covers a member (生成新的训练数据 covers 数据生成)
        if any(talks_about(c.basis, t) for t in member_terms):
            return Reason.ALSO_CORRECT
        # it resembles what another question calls one of the members (图像去噪 ~ VAE's 图像修复)
        if any(similarity(c.basis, p.text) >= 0.35 for p in namesakes):
            return Reason.ALSO_CORRECT
        if any(near_duplicate(c.basis, m.text) or similarity(c.basis, m.text) >= 0.35 for m in members):
            return Reason.ALSO_CORRECT
        if mentions(c.basis, subject_names) or _bank_says(an, subject_names, term):
            return Reason.ALSO_CORRECT
        # names a whole technique of the bank (反向传播更新): likely a part of this one too
        if mentions(term, all_subject_names):
            return Reason.ALSO_CORRECT
        return None

    cands = []
    for p in an.by_class.get(cls, []):
        if p.qid == q.id or p.term is None or not is_term(p.term):
            continue
        cands.append(Cand(text=p.term, qid=p.qid, ref=p.key, term=p.term, compare=p.text))
    # rank() also keeps the foreign terms apart from one another
    ranked = rank(basis, cands, tally_counts, check=check, floor=0.0, key_basis=basis)
    return tuple(ranked), tally_counts


def _members_and_foreign(
    an: Analysis, qi: QInfo, si: int, typ: ItemType, tally: Tally
) -> tuple[list[str], list[Cand]] | None:
    """The list's member terms and the safe foreign members (distractors) for set questions
    ("which is NOT one of", "select all that apply"); None, tallied, when the list can't be used."""
    labels = [_member_label(it) for it in qi.q.sections[si].items]
    if any(lb is None for lb in labels):
        tally.reject(typ, Reason.NO_TERMS)
        return None
    members = [lb for lb in labels if lb]
    if not options_distinct(members):
        tally.reject(typ, Reason.DUPLICATE_TERMS)
        return None
    counts: Counter[Reason] = Counter()
    foreign = foreign_members(an, qi, si, counts)
    tally.add_distractors(typ, counts)
    if not foreign:
        tally.reject(typ, Reason.TOO_FEW_DISTRACTORS)
        return None
    return members, foreign


def not_one_of(an: Analysis, qi: QInfo, si: int, tally: Tally) -> Iterator[Plan]:
    q, s = qi.q, qi.q.sections[si]
    typ = ItemType.CHOICE
    cls = an.pieces_by_key[f"{q.id}/{si}/0"].cls
    if cls not in SET_CLASSES or len(s.items) < 3:
        return
    found = _members_and_foreign(an, qi, si, typ, tally)
    if found is None:
        return
    members, foreign = found
    category = category_phrase(s, qi.subject, q)
    stem = f"以下哪一项不属于{category}？"

    def build(rng: random.Random, shown: Set[str]) -> Item:
        odd = pick(foreign, 1, rng, shown)[0]
        kept = sorted(rng.sample(range(len(members)), 3))
        options, letter = place_key(rng, odd.text, [members[i] for i in kept])
        src = an.info[odd.qid]
        owner = src.subject.display if src.subject else src.q.title
        explanation = (
            f"{category}包括：{'、'.join(members)}。「{odd.text}」出自第 {src.q.number} 题（{owner}）。"
        )
        return make_item(
            typ,
            q,
            stem,
            [letter],
            options=options,
            explanation=explanation,
            section=s.label,
            id_key=[odd.text],
            meta={"form": "not_one_of", "key_from": odd.ref},
        )

    yield Plan(typ, q.id, f"{q.id}/{si}", build, priority=3)


def multi(an: Analysis, qi: QInfo, si: int, tally: Tally) -> Iterator[Plan]:
    q, s = qi.q, qi.q.sections[si]
    typ = ItemType.MULTI
    cls = an.pieces_by_key[f"{q.id}/{si}/0"].cls
    if cls not in SET_CLASSES:
        return
    if len(s.items) < 3:
        tally.reject(typ, Reason.TOO_FEW_ITEMS)
        return
    found = _members_and_foreign(an, qi, si, typ, tally)
    if found is None:
        return
    members, foreign = found
    category = category_phrase(s, qi.subject, q)
    stem = f"以下哪些属于{category}？（多选）"

    def build(rng: random.Random, shown: Set[str]) -> Item:
        n_false = 2 if len(foreign) >= 2 and rng.random() < 0.5 else 1
        n_true = min(len(members), 5 - n_false, max(2, 4 - n_false))
        true_pick = sorted(rng.sample(range(len(members)), n_true))
        false_pick = pick(foreign, n_false, rng, shown)
        opts = [(members[i], True) for i in true_pick] + [(c.text, False) for c in false_pick]
        rng.shuffle(opts)
        options = tuple(o for o, _ in opts)
        answer = [LETTERS[k] for k, (_, ok) in enumerate(opts) if ok]
        outsiders = "、".join(f"「{c.text}」" for c in false_pick)
        explanation = f"{category}包括：{'、'.join(members)}。{outsiders}不属于其中。"
        return make_item(
            typ,
            q,
            stem,
            answer,
            options=options,
            explanation=explanation,
            section=s.label,
            id_key=sorted(members[i] for i in true_pick),
            meta={"form": "select_members", "foreign_from": [c.ref for c in false_pick]},
        )

    yield Plan(typ, q.id, f"{q.id}/{si}", build, priority=1)


# ---------------------------------------------------------------------------- definitions


# An answer that opens by saying what its (unnamed) subject is: 指…, 是一种…, 又称X，指….
_DEFINES_RE = re.compile(r"^(?P<alias>又称[^，,。]{1,20}[，,]\s*)?(?:是指|指的是|指|即|是一种|是一类|是一个)")


def definition(qi: QInfo, max_sentences: int = 1) -> str | None:
    """The question's answer, first sentences, with its subject masked; None when no subject
    or the masked text still names it."""
    if qi.subject is None or not qi.q.has_answer:
        return None
    sents = sentences(qi.q.answer)
    text = "".join(sents[:max_sentences])
    if len(text) < 20 and len(sents) > max_sentences:
        text = "".join(sents[: max_sentences + 1])
    masked = mask(text, qi.subject.names, qi.subject.prefixes)
    if BLANK not in masked:
        # a term card says what its term is without naming it (*零级消除动力学*：指血中药物…)
        m = _DEFINES_RE.match(text)
        masked = f"{BLANK}{text[m.end('alias') if m.group('alias') else 0 :]}" if m else ""
    if BLANK not in masked or mentions(masked, qi.subject.names + qi.subject.cores):
        return None
    return masked


def describes(an: Analysis, qi: QInfo, tally: Tally) -> Iterator[Plan]:
    """以下哪一项描述的是X？ Options are masked definitions."""
    q = qi.q
    typ = ItemType.CHOICE
    if qi.subject is None:
        tally.reject(typ, Reason.NO_SUBJECT)
        return
    key = definition(qi)
    if key is None:
        tally.reject(typ, Reason.GIVES_ITSELF_AWAY)
        return
    names = an.all_names_for(q.id)

    def check(c: Cand) -> Reason | None:
        other = an.info[c.qid]
        if other.group == qi.group:
            return Reason.SAME_GROUP
        if c.qid in an.related[q.id] or c.qid in an.umbrella:
            return Reason.RELATED_SUBJECT
        if mentions(c.text, names):
            return Reason.ALSO_CORRECT
        return None

    cands = []
    for other in an.questions:
        if other.q.id == q.id:
            continue
        d = definition(other)
        if d is not None:
            cands.append(Cand(text=d, qid=other.q.id, ref=other.q.id))
    counts: Counter[Reason] = Counter()
    # other definitions are what is asked here, whatever their wording: a glossary's definitions
    # share few characters (药物半衰期是指… / 指血中药物按恒定速率…) yet are the right distractors
    ranked = rank(key, cands, counts, check=check, sim_max=0.6, floor=DESCRIBES_FLOOR)
    tally.add_distractors(typ, counts)
    if len(ranked) < N_DISTRACTORS:
        tally.reject(typ, Reason.TOO_FEW_DISTRACTORS)
        return
    stem = f"以下哪一项描述的是{qi.subject.display}？（＿＿＿处为被描述的对象）"
    build = _key_among_ranked(
        typ, q, key, ranked, stem, explanation=q.answer, section="答案", form="which_describes"
    )
    yield Plan(typ, q.id, f"{q.id}/def", build, priority=0, keys=term_keys(*qi.subject.names))


def names_concept(an: Analysis, qi: QInfo, tally: Tally) -> Iterator[Plan]:
    """「＿＿＿是一种…」描述的是哪一个概念？ Options are subject names."""
    q = qi.q
    typ = ItemType.CHOICE
    if qi.subject is None:
        return
    desc = definition(qi)
    if desc is None:
        return
    key = qi.subject.display
    cands = []
    for other in an.questions:
        if other.q.id == q.id or other.subject is None:
            continue
        d = definition(other) or other.q.answer
        cands.append(Cand(text=other.subject.display, qid=other.q.id, ref=other.q.id, compare=d))

    def check(c: Cand) -> Reason | None:
        other = an.info[c.qid]
        if other.group == qi.group:
            return Reason.SAME_GROUP
        if c.qid in an.related[q.id] or c.qid in an.umbrella:
            return Reason.RELATED_SUBJECT
        if other.subject and mentions(desc, other.subject.names + other.subject.cores):
            return Reason.ALSO_CORRECT
        return None

    counts: Counter[Reason] = Counter()
    ranked = rank(key, cands, counts, check=check, key_basis=desc, floor=0.1)
    tally.add_distractors(typ, counts)
    if len(ranked) < N_DISTRACTORS:
        tally.reject(typ, Reason.TOO_FEW_DISTRACTORS)
        return
    stem = f"「{_strip_end(desc)}」这段话描述的是哪一个概念？"
    build = _key_among_ranked(
        typ, q, key, ranked, stem, explanation=q.answer, section="答案", form="which_concept", sources=False
    )
    yield Plan(typ, q.id, f"{q.id}/def", build, priority=2, keys=term_keys(*qi.subject.names))


def plans(an: Analysis, qi: QInfo, tally: Tally) -> Iterator[Plan]:
    yield from describes(an, qi, tally)
    yield from names_concept(an, qi, tally)
    for si, s in list_sections(qi.q):
        if not s.items:
            continue
        yield from term_to_desc(an, qi, si, tally)
        yield from desc_to_term(an, qi, si, tally)
        yield from not_one_of(an, qi, si, tally)


def multi_plans(an: Analysis, qi: QInfo, tally: Tally) -> Iterator[Plan]:
    for si, s in list_sections(qi.q):
        if s.items:
            yield from multi(an, qi, si, tally)
