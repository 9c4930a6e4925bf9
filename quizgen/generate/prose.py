"""Items from facts read out of prose answers (`quizgen.generate.facts`).

- definition -> fill (the term blanked in its defining sentence), choice ("which concept does
  this describe": other defined terms of the bank, of the same form, as options), tf (true: the
  sentence; false: another defined term swapped in, checked not to be said of it anywhere);
- comparison -> tf (the two sides of ``A优于B`` or of parallel clauses swapped), choice (a table
  row: which side has this value, when only one does);
- number -> fill (the number blanked, its unit kept), choice (numbers of the same form: other
  years of the bank, O(n) for O(n log n), 200 for 300), tf (a number changed, never under a
  bound such as 不低于300: 不低于200 would still be true);
- key term -> fill (the most specific term of a sentence, where nothing else in the stem names it);
- enumeration -> fill (one member blanked in the sentence that lists them).

Every statement is a whole sentence of the notes (`facts.standalone`); a false one is that
sentence with one swap, and is dropped when the bank says it anywhere. Facts of one sentence
share a fact path (a quiz asks one of them while others remain); `Plan.keys` names the term,
so a fill and a choice on one term are one fact across the bank.
"""

from __future__ import annotations

import functools
import random
import re
from collections import Counter
from collections.abc import Iterator, Sequence, Set
from typing import Any

from quizgen.generate.choice import definition
from quizgen.generate.common import (
    ASPECT_TITLE_RE,
    BLANK,
    Analysis,
    Build,
    Plan,
    QInfo,
    Reason,
    Tally,
    asks_nothing,
    content_hash,
    fact_key,
    labels_a_figure,
    loose,
    make_item,
    mask,
    mentions,
    near_duplicate,
    place_key,
    quoted,
    same_kind,
    similarity,
    strip_parens,
)
from quizgen.generate.common import (
    is_latin as is_latin_text,
)
from quizgen.generate.distractors import Cand, pick, rank
from quizgen.generate.facts import (
    BROKEN_START_RE,
    CONTINUATION_RE,
    POINTS_ELSEWHERE_RE,
    QUALIFIER_RE,
    SUBORDINATE_RE,
    Fact,
    FactKind,
    clause_prefix,
    clauses_of,
    looks_like_name,
    split_sentences,
    standalone,
    term_size,
    yes_no_statement,
)
from quizgen.generate.fill import (
    blank_once,
    blankable,
    cores_of,
    forms_of,
    generic_phrase,
    generic_terms,
    in_context,
    list_terms,
    specific_latin,
)
from quizgen.generate.tf import FALSE_SHARE, STEM_PREFIX
from quizgen.items import FALSE, TRUE, Item, ItemType
from quizgen.markup import syntax_left
from quizgen.text import is_cjk, normalize, normalize_loose

N_DISTRACTORS = 3
# A term swapped into another's definition must be unlike it (sentences' bigram cosine): the
# false statement is then certainly false.
MAX_SWAP_SIMILARITY = 0.3
# A false statement this close to a sentence of the bank may be what the bank says.
TRUE_ELSEWHERE = 0.6
SAME_SENTENCE = 0.85  # the source sentence as another splitter cut it
MAX_KEY_TERMS = 3  # fill items from key terms per question
# A key term in more than this share of the questions (and more than 3) is too common to ask.
GENERIC_SHARE = 0.1


def _path(qid: str, f: Fact) -> str:
    """One path per sentence (or table row): a quiz asks one thing of it while others remain."""
    return f"{qid}/s{content_hash(f.sentence or f.head + '|'.join(f.details), length=8)}"


def _form(text: str) -> str:
    """latin / cjk: three Chinese names and one acronym would give the acronym away."""
    return "cjk" if any(is_cjk(ch) for ch in text) else "latin"


def _context(qi: QInfo, text: str) -> str | None:
    """`text` (a sentence of the answer) with the question it answers, so a gap in it has one
    reading; None when the question cannot be shown (too long) and the sentence does not name
    the question's subject either."""
    framed = in_context(qi.q, text)
    if framed == text and not (qi.subject and mentions(text, qi.subject.names)):
        return None
    return framed


@functools.lru_cache(maxsize=8)
def _bank_sentences(an: Analysis) -> tuple[str, ...]:
    from quizgen.generate.common import sentences

    return tuple(s for qi in an.questions for s in sentences(qi.q.reference_text()))


def said_in_bank(an: Analysis, statement: str, source: str, swapped_in: Sequence[str]) -> bool:
    """Does the bank say `statement` (or nearly) in a sentence that names what was swapped into
    it (`swapped_in`: the other term, the new number), other than the `source` sentence it was
    made from? A false statement must not be said anywhere."""
    src = loose(source)
    need = [loose(x) for x in swapped_in if loose(x)]
    return any(
        near_duplicate(statement, s) or similarity(statement, s) >= TRUE_ELSEWHERE
        for s in _bank_sentences(an)
        if all(x in loose(s) for x in need)
        and not (src in loose(s) or loose(s) in src or similarity(s, source) >= SAME_SENTENCE)
    )


def _facts(an: Analysis, qi: QInfo, kind: FactKind) -> Iterator[Fact]:
    return (f for f in an.facts.get(qi.q.id, ()) if f.kind is kind)


def _tf_plan(
    qi: QInfo, f: Fact, true_stmt: str, false_stmt: str | None, *, form: str, keys: frozenset[str]
) -> Plan:
    q = qi.q

    def build(rng: random.Random, shown: Set[str]) -> Item:
        make_false = false_stmt is not None and rng.random() < FALSE_SHARE
        stmt = false_stmt if make_false and false_stmt else true_stmt
        expl = f"{FALSE}。正确的说法是：{true_stmt}" if make_false else f"{TRUE}。{true_stmt}"
        return make_item(
            ItemType.TF,
            q,
            STEM_PREFIX + stmt,
            [FALSE if make_false else TRUE],
            explanation=expl,
            section="答案",
            meta={"form": f"{form}_swapped" if make_false else f"{form}_statement"},
        )

    return Plan(ItemType.TF, q.id, _path(q.id, f), build, priority=3, keys=keys)


def _fill_plan(
    an: Analysis,
    qi: QInfo,
    f: Fact,
    stem: str,
    answer: str,
    forms: Sequence[str],
    *,
    form: str,
    priority: int,
    path: str | None = None,
    keys: frozenset[str] | None = None,
) -> Plan:
    q = qi.q
    accept = tuple(dict.fromkeys([answer, *forms]))

    def build(rng: random.Random, shown: Set[str]) -> Item:
        return make_item(
            ItemType.FILL,
            q,
            stem,
            [answer],
            accept=accept,
            explanation=f.sentence,
            section="答案",
            id_key=[normalize_loose(answer)],
            meta={"form": form},
        )

    keys = keys if keys is not None else frozenset({fact_key(answer)})
    return Plan(ItemType.FILL, q.id, path or _path(q.id, f), build, priority=priority, keys=keys)


# ---------------------------------------------------------------------------- definitions


def _own_subject(qi: QInfo, term: str) -> bool:
    """The question's own "what is X" subject: its definition items come from `choice`/`fill`."""
    return qi.subject is not None and any(loose(n) == loose(term) for n in qi.subject.names)


@functools.lru_cache(maxsize=8)
def _definitions(an: Analysis) -> tuple[tuple[QInfo, Fact], ...]:
    """Every defined term of the bank (the first definition of each), with its question."""
    seen: set[str] = set()
    out = []
    for qi in an.questions:
        for f in an.facts.get(qi.q.id, ()):
            if f.kind is FactKind.DEFINITION and fact_key(f.term) not in seen:
                seen.add(fact_key(f.term))
                out.append((qi, f))
    return tuple(out)


def _concepts_like(an: Analysis, qi: QInfo, f: Fact, tally: Tally, typ: ItemType) -> list[Cand]:
    """Other defined terms (and question subjects) of the same form, ranked by how alike what
    they are said to be is (genus and sentence), safe ones only."""
    key_forms = forms_of(an, f.term)
    cands: list[Cand] = []
    for oqi, of in _definitions(an):
        if fact_key(of.term) != fact_key(f.term):
            cands.append(Cand(text=of.term, qid=oqi.q.id, ref=oqi.q.id, compare=f"{of.head} {of.sentence}"))
    for oqi in an.questions:
        if oqi.subject and oqi.q.id != qi.q.id:
            cands.append(
                Cand(text=oqi.subject.display, qid=oqi.q.id, ref=oqi.q.id, compare=oqi.q.answer[:120])
            )

    def check(c: Cand) -> Reason | None:
        if an.info[c.qid].group == qi.group and c.qid != qi.q.id:
            return Reason.SAME_GROUP
        if _form(c.text) != _form(f.term):
            return Reason.OTHER_FORM
        if c.qid != qi.q.id and mentions(an.info[c.qid].q.answer, key_forms):
            # 锥体外系反应's answer lists 迟发性运动障碍 among its forms: it may be argued for
            return Reason.RELATED_SUBJECT
        if mentions(f.sentence, (c.text, strip_parens(c.text))) or any(
            loose(k) in loose(c.text) or loose(c.text) in loose(k) for k in key_forms if len(loose(k)) >= 2
        ):
            return Reason.ALSO_CORRECT
        return None

    counts: Counter[Reason] = Counter()
    ranked = rank(f.term, cands, counts, check=check, floor=0.0, key_basis=f"{f.head} {f.sentence}")
    tally.add_distractors(typ, counts)
    return ranked


def _definition_plans(an: Analysis, qi: QInfo, tally: Tally, typ: ItemType) -> Iterator[Plan]:
    for f in _facts(an, qi, FactKind.DEFINITION):
        if _own_subject(qi, f.term):
            continue
        forms = forms_of(an, f.term)
        masked = blank_once(f.sentence, forms)
        if masked is None:
            tally.reject(typ, Reason.NO_BLANK)
            continue
        keys = frozenset({fact_key(f.term)})
        answer = strip_parens(f.term) or f.term
        if typ is ItemType.FILL:
            yield _fill_plan(an, qi, f, masked, answer, forms, form="definition_cloze", priority=1)
            continue
        ranked = _concepts_like(an, qi, f, tally, typ)
        if typ is ItemType.CHOICE:
            if len(ranked) < N_DISTRACTORS:
                tally.reject(typ, Reason.TOO_FEW_DISTRACTORS)
                continue
            stem = f"「{masked.rstrip('。')}」描述的是哪一个概念？"
            yield Plan(
                typ,
                qi.q.id,
                _path(qi.q.id, f),
                _choice_build(qi, stem, answer, ranked, f.sentence, "which_concept"),
                priority=1,
                keys=keys,
            )
        elif typ is ItemType.TF:
            false_stmt = None
            for c in ranked:
                if not same_kind(f.term, c.text):
                    continue
                swapped = mask(f.sentence, forms, token=c.text)
                if similarity(f.sentence, c.basis) <= MAX_SWAP_SIMILARITY and not said_in_bank(
                    an, swapped, f.sentence, (c.text,)
                ):
                    false_stmt = swapped
                    break
            if false_stmt is None:
                tally.reject(typ, Reason.NO_SAFE_SWAP)
            yield _tf_plan(qi, f, f.sentence, false_stmt, form="definition", keys=keys)


def _choice_build(
    qi: QInfo, stem: str, key: str, ranked: Sequence[Cand], explanation: str, form: str
) -> Build:
    def build(rng: random.Random, shown: Set[str]) -> Item:
        chosen = pick(ranked, N_DISTRACTORS, rng, shown)
        options, letter = place_key(rng, key, [c.text for c in chosen])
        return make_item(
            ItemType.CHOICE,
            qi.q,
            stem,
            [letter],
            options=options,
            explanation=explanation,
            section="答案",
            id_key=[key],
            meta={"form": form},
        )

    return build


# ---------------------------------------------------------------------------- comparisons


def _comparison_plans(an: Analysis, qi: QInfo, tally: Tally, typ: ItemType) -> Iterator[Plan]:
    for f in _facts(an, qi, FactKind.COMPARISON):
        if f.rule == "comparative" and typ is ItemType.TF:
            a, b = f.members[0], f.members[1]
            swapped = _swap(f.sentence, a, b)
            if swapped is None or said_in_bank(an, swapped, f.sentence, (a, b)):
                tally.reject(typ, Reason.NO_SAFE_SWAP)
                continue
            keys = frozenset({fact_key(f"{a}|{b}")})
            yield _tf_plan(qi, f, f.sentence, swapped, form="comparison", keys=keys)
        elif f.rule == "parallel" and typ is ItemType.TF:
            # one side with what is said of it; false: with what is said of the next side
            a, said, other = f.members[0], f.details[0], f.details[1]
            true_stmt, false_stmt = f"{a}{said}。", f"{a}{other}。"
            if said_in_bank(an, false_stmt, f.sentence, (a, other)):
                tally.reject(typ, Reason.NO_SAFE_SWAP)
                continue
            keys = frozenset({fact_key(f"{a}|{said}")})
            yield _tf_plan(qi, f, true_stmt, false_stmt, form="comparison", keys=keys)
        elif f.rule == "table" and typ is ItemType.CHOICE:
            yield from _table_choice(qi, f, tally)


def _swap(sentence: str, a: str, b: str) -> str | None:
    """`sentence` with the sides `a` and `b` exchanged (each written once)."""
    if sentence.count(a) != 1 or sentence.count(b) != 1:
        return None
    return sentence.replace(a, "\x00").replace(b, a).replace("\x00", b)


def _table_choice(qi: QInfo, f: Fact, tally: Tally) -> Iterator[Plan]:
    """One row of a table of differences: which side has this value? Only for a value no
    other side shares (取决于内容 is true of two)."""
    typ = ItemType.CHOICE
    cells = [loose(c) for c in f.details]
    sides = list(f.members)
    if len(sides) < 3:
        return
    for i, cell in enumerate(f.details):
        if not cells[i] or cells.count(cells[i]) > 1 or len(cell) > 60 or cell.strip("-— ") == "":
            continue
        stem = f"在{quoted(qi.q.title)}中，哪一项的「{f.head}」是：{cell}"
        if len(stem) > 160:
            continue
        others = [s for j, s in enumerate(sides) if j != i]

        def build(
            rng: random.Random,
            shown: Set[str],
            key: str = sides[i],
            others: list[str] = others,
            stem: str = stem,
        ) -> Item:
            options, letter = place_key(rng, key, others)
            expl = "；".join(f"{s}：{d}" for s, d in zip(sides, f.details, strict=True))
            return make_item(
                typ,
                qi.q,
                stem,
                [letter],
                options=options,
                explanation=f"{f.head}——{expl}",
                section="答案",
                id_key=[key],
                meta={"form": "table_side"},
            )

        yield Plan(typ, qi.q.id, _path(qi.q.id, f), build, priority=2, keys=frozenset({fact_key(f.head)}))
        return  # one value per row: the others give each other away


# ---------------------------------------------------------------------------- numbers

_POINTS_OUT_RE = re.compile(r"这|那|该|此|其|上述|上面|下面")
_COMPLEXITIES = ("O(1)", "O(log n)", "O(n)", "O(n log n)", "O(n^2)", "O(2^n)")
_BANK_NUM_RE = re.compile(r"\d+(?:\.\d+)?")


def _fmt(x: float, like: str) -> str:
    decimals = len(like.split(".")[1]) if "." in like else 0
    return f"{x:.{decimals}f}" if decimals else str(round(x))


def number_variants(an: Analysis, f: Fact) -> list[str]:
    """Numbers of the key's form that are not it: O(n) for O(n log n); other years of the bank
    or nearby years; other numbers with the same unit in the bank, else halves and doubles."""
    key = f.term
    if key.startswith("O("):
        var = "N" if "N" in key else "n"
        canon = [c.replace("n", var) for c in _COMPLEXITIES]
        return [c for c in canon if loose(c) != loose(key)]
    value = float(key)
    out: list[str] = []
    same_unit = [
        g.term
        for qid, fs in an.facts.items()
        if qid != f.qid
        for g in fs
        if g.kind is FactKind.NUMBER and g.head == f.head and not g.term.startswith("O(")
    ]
    for t in same_unit:
        v = float(t)
        if v != value and 0.1 * value <= v <= 10 * value and ("." in t) == ("." in key):
            out.append(t)
    if f.head == "年" and len(key) == 4:
        out.extend(str(int(value) + d) for d in (-3, 2, 5, -10, 10))
    elif f.head in ("%", "％"):
        out.extend(_fmt(v, key) for v in (value / 2, value * 2, value + 10, value - 10) if 0 < v <= 100)
    else:
        out.extend(_fmt(v, key) for v in (value / 2, value * 2, value * 10, value + 1) if v > 0)
    seen = {loose(key)}
    uniq = []
    for o in out:
        if loose(o) not in seen and not (o.endswith(".0") or o == "0"):
            seen.add(loose(o))
            uniq.append(o)
    return uniq


def _number_plans(an: Analysis, qi: QInfo, tally: Tally, typ: ItemType) -> Iterator[Plan]:
    for f in _facts(an, qi, FactKind.NUMBER):
        s, k = f.sentence, f.start
        if k < 0 or s[k : k + len(f.term)] != f.term:
            continue
        if len(re.findall(rf"(?<![\d.]){re.escape(f.term)}(?![\d.])", s)) > 1:
            continue  # 最大长度为25，超过25的…: the other 25 answers the gap and belies a swap
        with_blank = s[:k] + BLANK + s[k + len(f.term) :]
        framed = _context(qi, with_blank)
        keys = frozenset({fact_key(f"{s}")})
        if typ is ItemType.FILL:
            accept = (f.term, f"{f.term}{f.head}") if f.head else (f.term,)
            if framed is not None:
                # a number is asked once, whichever type: keyed by its sentence, as its choice and tf
                yield _fill_plan(
                    an, qi, f, framed, f.term, accept, form="number_cloze", priority=2, keys=keys
                )
            continue
        variants = number_variants(an, f)
        if typ is ItemType.CHOICE:
            if len(variants) < N_DISTRACTORS or framed is None:
                tally.reject(typ, Reason.TOO_FEW_DISTRACTORS if framed else Reason.NO_CONTEXT)
                continue
            ranked = [Cand(text=v, qid=qi.q.id) for v in variants]
            stem = framed + "（＿＿＿处应填）"
            yield Plan(
                typ,
                qi.q.id,
                _path(qi.q.id, f),
                _choice_build(qi, stem, f.term, ranked, s, "number_choice"),
                priority=3,
                keys=keys,
            )
        elif typ is ItemType.TF:
            # a statement on its own: about something named, not 这个问题 or a step of a list
            if (
                f.bounded
                or f.listed
                or _POINTS_OUT_RE.search(s)
                or re.search(r"[：:]", s)  # 通用模型：4卡V100，共训练6天 is a line of a list
                or not (content_words(an, s) - {loose(f.term)})
            ):
                tally.reject(typ, Reason.NO_SAFE_SWAP)
                continue
            false_stmt = next(
                (
                    s[:k] + v + s[k + len(f.term) :]
                    for v in variants
                    if not said_in_bank(an, s[:k] + v + s[k + len(f.term) :], s, (v,))
                ),
                None,
            )
            yield _tf_plan(qi, f, s, false_stmt, form="number", keys=keys)


# ---------------------------------------------------------------------------- key terms and members


@functools.lru_cache(maxsize=8)
def _term_df(an: Analysis) -> dict[str, int]:
    """In how many questions each term of the bank's facts occurs (for specificity)."""
    texts = [loose(qi.q.reference_text()) for qi in an.questions]
    terms = {loose(f.term) for fs in an.facts.values() for f in fs if f.kind is FactKind.KEY_TERM}
    return {t: sum(1 for x in texts if t in x) for t in terms if t}


def _key_term_plans(an: Analysis, qi: QInfo, tally: Tally) -> Iterator[Plan]:
    typ = ItemType.FILL
    df = _term_df(an)
    generic = generic_terms(an)
    n = max(1, len(an.questions))
    by_sentence: dict[str, list[Fact]] = {}
    for f in _facts(an, qi, FactKind.KEY_TERM):
        by_sentence.setdefault(f.sentence, []).append(f)
    made = 0
    for sentence, fs in by_sentence.items():
        if made >= MAX_KEY_TERMS:
            break
        # the most specific term first (in fewest questions), then the one nearest the end: a
        # Chinese sentence says what is new last, its subject is what is known already
        fs = sorted(fs, key=lambda f: (df.get(loose(f.term), n), -sentence.rfind(f.term)))
        for f in fs:
            t = f.term
            if (
                len(loose(t)) < 2
                or df.get(loose(t), n) > max(3, GENERIC_SHARE * n)
                or normalize(t) in generic
                or (
                    _form(t) == "cjk"
                    and (len(t) < 3 or generic_phrase(t) or _common_head(an, t) or not looks_like_name(t))
                    and f.rule != "emphasised"
                )
                # an underlined word that names nothing (结构<u>相似</u>): 类似, 相同 fill it as well
                or (_form(t) == "cjk" and len(t) <= 2 and not looks_like_name(t))
                or (
                    _form(t) == "latin"
                    and f.rule == "key_term"
                    and not specific_latin(t)
                    and loose(t) not in an.names
                )
                or re.search(r"\d\.\d", t)  # a version (Paddle1.8): known from the sentence before
            ):
                continue
            part = clause_around(sentence, t)
            if (
                part is None
                or not blankable(part, t, list_terms(an), title=qi.q.title, longer=_longer_names(an))
                or _title_fills_gap(qi, part, t)
                or _title_gives_head(qi.q.title, t)
                or _named_otherwise_in_title(qi, t)
                # the author's own blank (<u>非特异性</u>免疫) may be a piece of a word; others not
                or (f.rule != "emphasised" and (_glued_in_bank(an, part, t) or _modifies_next(part, t)))
            ):
                continue
            context = _context(qi, part)
            if context is None:
                continue  # a sentence of an answer needs its question to have one reading
            bare = t.strip("`")
            # inline code keeps its backticks when bare it would read as markup (`<span>`)
            answer = bare if f.rule == "code" and not syntax_left(bare) else t
            forms = forms_of(an, t, (answer, *cores_of(an, t)))
            stem = blank_once(context, forms)
            if stem is None:
                tally.reject(typ, Reason.NO_BLANK)
                continue
            # a "what is X" answer is one fact for every gap in it (see fill._sentence_fact)
            path = f"{qi.q.id}/def" if qi.subject else None
            yield _fill_plan(an, qi, f, stem, answer, forms, form="key_term_cloze", priority=3, path=path)
            made += 1
            break


@functools.lru_cache(maxsize=8)
def _longer_names(an: Analysis) -> frozenset[str]:
    """The bank's terms and the terms its answers define (迟发性运动障碍), loosely normalised."""
    defined = {loose(f.term) for fs in an.facts.values() for f in fs if f.kind is FactKind.DEFINITION}
    return an.names | defined


@functools.lru_cache(maxsize=8)
def _bank_text(an: Analysis) -> str:
    return "\n".join(qi.q.reference_text() for qi in an.questions)


# A term the notes nearly always write with the same piece before or after it is part of a longer
# word jieba does not know (糖|皮质激素, 蛛网膜|下腔), when that piece is no word of jieba's
# dictionary either: a single character that is no particle, or a run jieba guessed. A particle
# (的序列关系) or a dictionary word (逆时针|旋转, VS2019|工具) is a neighbour, not a piece.
GLUED_SHARE = 0.8
_PARTICLES = frozenset("的了着是在和与及或对为把被将用以从向于等也都就才又")


def _glued_in_bank(an: Analysis, sentence: str, term: str) -> bool:
    import jieba.posseg

    from quizgen.text import cut

    text = _bank_text(an)
    n = text.count(term)
    k = sentence.find(term)
    if n < 2 or k < 0:
        return False
    known = jieba.posseg.dt.word_tag_tab

    def piece(w: str) -> bool:
        if not w or not all(is_cjk(ch) for ch in w):
            return False
        return w not in _PARTICLES if len(w) == 1 else w not in known

    before = (cut(sentence[:k])[-1:] or [""])[0]
    after = (cut(sentence[k + len(term) :])[:1] or [""])[0]
    return any(
        piece(w) and text.count(joined) >= GLUED_SHARE * n
        for w, joined in ((before, before + term), (after, term + after))
    )


def _modifies_next(sentence: str, term: str) -> bool:
    """阵发性室上性|心动过速: a …性 term right before a noun qualifies it; 室上性 alone is as right."""
    k = sentence.find(term)
    after = sentence[k + len(term) : k + len(term) + 1] if k >= 0 else ""
    return term.endswith("性") and is_cjk(after) and after not in _PARTICLES


def _title_gives_head(title: str, term: str) -> bool:
    """「氯丙嗪导致低血压…」…导致＿＿＿ (体位性低血压): the title says the term's head, which a
    student then writes, right in substance yet not the gap's answer."""
    return is_cjk(term[-1]) and any(term[-k:] in title for k in range(MIN_HEAD, len(term) - 1))


MIN_HEAD = 3


def _title_fills_gap(qi: QInfo, part: str, term: str) -> bool:
    """「普鲁卡因」＿＿＿应用最多…: a gap opening the sentence reads as the subject the title names;
    when the answer is another thing of that kind (利多卡因), the title is a wrong answer the
    stem itself suggests. 「左旋多巴不良反应原理」＿＿＿的不良反应…: the title's own subject fills a
    gap followed by the aspect the title asks about (L-DOPA there, 左旋多巴 from the title)."""
    if not part.startswith(term):
        return False
    if qi.subject is not None:
        return not mentions(term, qi.subject.names) and same_kind(qi.subject.display, term)
    title = qi.q.title.strip().rstrip("：:？?。 ")
    aspect = ASPECT_TITLE_RE.search(re.sub(r"(?:原理|机制|机理)$", "", title))
    rest = part[len(term) :].lstrip("的")
    return bool(aspect and term not in title and rest.startswith(aspect.group()))


def _named_otherwise_in_title(qi: QInfo, term: str) -> bool:
    """「左旋多巴不良反应原理」…转化为DA的＿＿＿ (L-DOPA): the title names what the question is about in
    Chinese and the answer never writes that name, only a Latin one; the two may be one thing, so
    the title's name is as right an answer as the gap's."""
    if not is_latin_text(term):
        return False
    head = re.sub(r"(?:原理|机制|机理)$", "", qi.q.title.strip().rstrip("：:？?。 "))
    while (m := ASPECT_TITLE_RE.search(head)) and m.start() > 0:
        head = head[: m.start()].rstrip("的")
    return (
        2 <= len(head) <= 8
        and all(is_cjk(ch) for ch in head)
        and head not in qi.q.answer
        and looks_like_name(head)
    )


MAX_GAP_SENTENCE = 80
MIN_GAP_PART = 15  # a clause cut out of a long sentence is kept only when it says something


_CONDITION_RE = re.compile(r"^(?:如果|若|假如|要是|只要|只有|除非|一旦)")


def clause_around(sentence: str, term: str) -> str | None:
    """`sentence`, or when it is long the clause holding `term` (with the clause before it when
    that one is short), as a sentence; None when the clause leans on what it would lose."""
    if len(sentence) <= MAX_GAP_SENTENCE:
        return sentence
    clauses = clauses_of(sentence)
    i = next((k for k, c in enumerate(clauses) if term in c), None)
    if i is None:
        return None
    lo = i - 1 if i > 0 and len(clauses[i]) < 15 else i
    part = "".join(clauses[lo : i + 1]).strip().rstrip("，,；;") + "。"
    if (
        len(part) < MIN_GAP_PART
        or QUALIFIER_RE.match(part)
        or CONTINUATION_RE.match(part)
        or any(SUBORDINATE_RE.search(c.strip()) for c in clauses[lo : i + 1])
        # the condition it holds under (如果要获得跟方法一一样的结果，可以将RANK修改为ROW_NUMBER)
        or (lo > 0 and _CONDITION_RE.match(clauses[lo - 1].strip()))
        or (i + 1 < len(clauses) and QUALIFIER_RE.match(clauses[i + 1].strip()))
    ):
        return None
    return part if standalone(part) else None


# 常见的解痉药有阿托品、东莨菪碱: the common ones, not all; another member (山莨菪碱) fits the gap too.
_EXAMPLES_HEAD_RE = re.compile(r"常见|常用|典型|代表|例如|比如|举例")


def _member_plans(an: Analysis, qi: QInfo, tally: Tally) -> Iterator[Plan]:
    """One member of a listed set blanked: PaddleOCR模型部署方式有Inference部署，＿＿＿和…"""
    typ = ItemType.FILL
    for f in _facts(an, qi, FactKind.ENUMERATION):
        if not f.sentence or _EXAMPLES_HEAD_RE.search(f.head):
            continue
        # the clauses up to the end of the list: a sentence that goes on to name the members
        # again (…：Inference部署适用于…) would give the gap away
        clauses = clauses_of(f.sentence)
        k = next(
            (k for k in range(1, len(clauses) + 1) if all(x in "".join(clauses[:k]) for x in f.members)), 0
        )
        listing = "".join(clauses[:k]).rstrip("，,；;：:") + "。" if k else f.sentence
        for m in sorted(f.members, key=lambda x: -term_size(x)):
            forms = forms_of(an, m)
            stem = blank_once(listing, forms)
            if stem is None:
                continue
            framed = _context(qi, stem)
            if framed is None:
                continue
            yield _fill_plan(an, qi, f, framed, m, forms, form="member_cloze", priority=2)
            break
        else:
            tally.reject(typ, Reason.NO_BLANK)


# ---------------------------------------------------------------------------- SQL

_SQL_LANGS = frozenset(
    {"sql", "mysql", "postgresql", "postgres", "sqlite", "plsql", "tsql", "hive", "sparksql"}
)
_SQL_START_RE = re.compile(r"^\s*(?:SELECT|WITH|INSERT|UPDATE|DELETE)\b", re.I)
# What a gap in a query can ask for: a join, a clause, a keyword or a function, as written in capitals.
_SQL_TOKEN_RE = re.compile(
    r"\b(?:(?:LEFT|RIGHT|INNER|FULL|CROSS|NATURAL)(?:\s+OUTER)?\s+JOIN|(?:GROUP|ORDER|PARTITION)\s+BY"
    r"|UNION\s+ALL|[A-Z][A-Z_]{1,}(?=\s*\()|HAVING|EXISTS|ALL|ANY|IN|BETWEEN|DISTINCT|LIMIT|OVER|UNION|LIKE)\b"
)
# Too common to test anything, or not the point of a query.
_SQL_PLAIN = frozenset({"SELECT", "FROM", "WHERE", "AS", "ON", "AND", "OR", "NOT", "NULL", "IS", "IN"})
# Any of these fits the same gap (RANK() OVER …, ROW_NUMBER() OVER …): which one is a judgement
# the query alone does not settle, so none is a gap.
_SQL_INTERCHANGEABLE = frozenset({"RANK", "DENSE_RANK", "ROW_NUMBER"})
# Other spellings that do the same in that place (COALESCE(total, 0) = IFNULL(total, 0) in MySQL).
_SQL_SAME: dict[str, tuple[str, ...]] = {
    "COALESCE": ("IFNULL",),
    "IFNULL": ("COALESCE",),
    "INNER JOIN": ("JOIN",),
    **{f"{side} JOIN": (f"{side} OUTER JOIN",) for side in ("LEFT", "RIGHT", "FULL")},
    **{f"{side} OUTER JOIN": (f"{side} JOIN",) for side in ("LEFT", "RIGHT", "FULL")},
}
MAX_CODE_LINES = 15


def _sql_blocks(an: Analysis, qi: QInfo) -> list[str]:
    from quizgen.markup import BlockKind, blocks

    out = []
    for b in blocks(qi.raw.answer):
        if b.kind is not BlockKind.CODE or b.quote:
            continue
        if (b.lang.lower() in _SQL_LANGS or _SQL_START_RE.match(b.text)) and b.text.count(
            "\n"
        ) < MAX_CODE_LINES:
            out.append(b.text)
    return out


@functools.lru_cache(maxsize=8)
def _sql_df(an: Analysis) -> Counter[str]:
    """In how many of the bank's queries each token occurs."""
    df: Counter[str] = Counter()
    for qi in an.questions:
        for code in _sql_blocks(an, qi):
            df.update({re.sub(r"\s+", " ", m.group()) for m in _SQL_TOKEN_RE.finditer(code)})
    return df


def _sql_plans(an: Analysis, qi: QInfo, tally: Tally) -> Iterator[Plan]:
    """补全查询: the rarest keyword or function of a query (LEFT JOIN, HAVING, MAX, RANK) blanked."""
    title = qi.q.title.strip()
    df = _sql_df(an)
    for code in _sql_blocks(an, qi):
        tokens = [re.sub(r"\s+", " ", m.group()) for m in _SQL_TOKEN_RE.finditer(code)]
        once = [
            t
            for t in dict.fromkeys(tokens)
            if tokens.count(t) == 1 and t not in _SQL_PLAIN and t not in _SQL_INTERCHANGEABLE
        ]
        if not once:
            tally.reject(ItemType.FILL, Reason.NO_BLANK)
            continue
        token = min(once, key=lambda t: (df[t], -len(t)))
        m = next(m for m in _SQL_TOKEN_RE.finditer(code) if re.sub(r"\s+", " ", m.group()) == token)
        gapped = code[: m.start()] + BLANK + code[m.end() :]
        stem = f"{quoted(title)}补全下面的 SQL 语句（＿＿＿处为一个关键字或函数名）：\n```sql\n{gapped}\n```"
        accept = (token, *_SQL_SAME.get(token, ()))
        f = Fact(FactKind.KEY_TERM, "sql", qi.q.id, sentence=code, term=token)
        yield _fill_plan(an, qi, f, stem, token, accept, form="code_cloze", priority=2)


# ---------------------------------------------------------------------------- planners


# ---------------------------------------------------------------------------- which answer

MIN_ANSWER_OPTION = 10
ANSWER_POOL = 10
MAX_ANSWER_OPTION = 70
# Two answers this alike (bigram cosine) may say the same thing: one is no distractor for the other.
MAX_ANSWER_SIMILARITY = 0.3
# An answer that opens with its verdict (支持的，… / 不建议…) answers a yes/no question only.
_VERDICT_START_RE = re.compile(
    r"^(?:是的|对的|不是|没有|可以|支持|需要|有的|会的|能|行)(?:的)?[，,。！!]|^不"
)
_LEAD_IN_RE = re.compile(r"[：:]$|如下|以下")


def answer_head(answer: str) -> str:
    """The opening of an answer as an option: its first sentence, cut at a clause boundary when it
    is longer than MAX_ANSWER_OPTION (never before a qualifying 但… clause, never after a 如果…
    clause); "" when that is no answer (a lead-in 有如下几种：, a verdict, a link, a question)."""
    first = next(iter(split_sentences(answer)), "").strip()
    if (
        not first
        or _LEAD_IN_RE.search(first)
        or BROKEN_START_RE.match(first)  # /第二十八章：…, a fragment of a cross-reference
        or _VERDICT_START_RE.match(first)
        or first.endswith(("？", "?"))
        or POINTS_ELSEWHERE_RE.search(first)
        or first.rstrip("。").endswith(("为", "如", "是", "即", "、"))
        or re.search(r"https?://|www\.", first)
    ):
        return ""  # a lead-in to a list or code, a pointer to a link ("修改这里"): no answer alone
    if len(first) <= MAX_ANSWER_OPTION:
        return first
    return clause_prefix(first, lambda head: MIN_ANSWER_OPTION <= len(head) <= MAX_ANSWER_OPTION)


@functools.lru_cache(maxsize=8)
def _answer_heads(an: Analysis) -> dict[str, str]:
    """qid -> the opening of its answer, when it can be an option (`answer_head`)."""
    out = {}
    for qi in an.questions:
        if qi.q.id in an.facts and not labels_a_figure(qi.raw.answer, qi.q.answer):
            head = answer_head(qi.q.answer)
            if len(head) >= MIN_ANSWER_OPTION:
                out[qi.q.id] = head
    return out


@functools.lru_cache(maxsize=8)
def _word_df(an: Analysis) -> dict[str, int]:
    """In how many questions each word (jieba, 2+ characters) occurs."""
    from quizgen.text import cut

    df: Counter[str] = Counter()
    for qi in an.questions:
        df.update({w.casefold() for w in cut(qi.q.title + qi.q.answer) if len(loose(w)) >= 2})
    return dict(df)


def _common_head(an: Analysis, term: str) -> bool:
    """A phrase whose last word is in a fifth of the questions (训练模型 in an OCR FAQ): it names
    a kind of thing many others are, not one thing."""
    from quizgen.generate.common import term_words

    words = term_words(term)
    return len(words) > 1 and not content_words(an, words[-1])


# Words that say how, not what (区别, 方法, 主要…): never what two texts are both about.
_SAY_NOTHING = frozenset(
    {
        *("区别", "不同", "相同", "方法", "方式", "方案", "问题", "原因", "情况", "效果", "作用", "目的"),
        *("部分", "内容", "时候", "之间", "两者", "两种", "几种", "主要", "一般", "通常", "可能", "需要"),
        *("可以", "建议", "提供", "支持", "使用", "进行", "什么", "怎么", "如何", "为什么", "在于", "导致"),
        *("造成", "影响", "实现", "注意", "目前", "现在"),
    }
)
# Tags of words that name things: nouns, names, Latin words (and words jieba does not know).
_NAMING_TAGS = frozenset({"n", "nr", "ns", "nt", "nz", "ng", "nrt", "nrfg", "eng", "vn", "j", "x"})


@functools.lru_cache(maxsize=65536)
def content_words(an: Analysis, text: str) -> frozenset[str]:
    """The words of `text` that name what it is about: nouns and Latin words of 2+ characters,
    in at most a fifth of the questions (模型, 训练 in an OCR FAQ say nothing)."""
    import jieba.posseg

    from quizgen.text import cut

    tags = jieba.posseg.dt.word_tag_tab
    df = _word_df(an)
    limit = max(3, len(an.questions) // 5)
    return frozenset(
        w.casefold()
        for w in cut(text)
        if len(loose(w)) >= 2
        and df.get(w.casefold(), 0) <= limit
        and w not in _SAY_NOTHING
        and tags.get(w, "x") in _NAMING_TAGS
    )


_CAUSE_RE = re.compile(r"^(?:这是因为|这是由于|因为|由于|原因是|可能是|主要是因为)")
_WHY_RE = re.compile(r"为什么|为何|原因|怎么回事|是什么导致")


# Sentence-vector cosines (use-m3) at or above which two answers may say the same thing in other
# words (合成一些接近使用场景的数据 / 构建特定场景的数据集: 0.41; 优雅的降级… / 使用单独的样式表…:
# 0.36), or two questions ask nearly the same (浏览器的样式兼容性问题 / 为功能受限的浏览器提供页面: 0.49).
SAME_MEANING = 0.35
SAME_QUESTION = 0.45


@functools.lru_cache(maxsize=8)
def _meanings(an: Analysis) -> dict[str, Any] | None:
    """Sentence vectors of every answer opening and question title, from the grader's default
    encoder (use-m3, offline, vectors cached on disk like the grader's); None when it is not
    installed. Words alone cannot tell that two answers of an FAQ say the same thing."""
    from quizgen.errors import QuizgenError

    texts = [*_answer_heads(an).values(), *(qi.q.title for qi in an.questions)]
    try:
        from quizgen.grade.embedders import CachedEmbedder, EmbeddingCache, default_cache_dir, make_embedder

        inner = make_embedder("use-m3")
        if inner is None:
            return None
        vecs = CachedEmbedder(inner, EmbeddingCache(default_cache_dir())).encode(texts)
    except (QuizgenError, ImportError, OSError):
        return None
    return dict(zip(texts, vecs, strict=True))


def _share_a_word(a: frozenset[str], b: frozenset[str]) -> bool:
    """A word in both, Latin words matched by their first four letters (reset / resetting)."""
    if a & b:
        return True
    stems = {w[:4] for w in b if w.isascii() and len(w) >= 4}
    return any(w[:4] in stems for w in a if w.isascii() and len(w) >= 4)


def _cosine(meanings: dict[str, Any] | None, a: str, b: str) -> float:
    if meanings is None or a not in meanings or b not in meanings:
        return 0.0
    return float(meanings[a] @ meanings[b])


def _answer_plans(an: Analysis, qi: QInfo, tally: Tally) -> Iterator[Plan]:
    """针对「问题」，正确的回答是？ The first statement of the answer among those of other
    questions that are clearly about something else (no shared term, unlike wording)."""
    typ = ItemType.CHOICE
    if qi.subject is not None and definition(qi) is not None:
        return  # "what is X": `choice.describes` asks it with the subject masked in every option
    if yes_no_statement(qi.q.title):
        return  # "does it support X?": many statements of the bank imply an answer
    heads = _answer_heads(an)
    key = heads.get(qi.q.id)
    title = qi.q.title.strip().rstrip("：:")
    if key is None or not title or len(title) > 60 or "\n" in title:
        return
    if asks_nothing(title):
        tally.reject(typ, Reason.INSTRUCTION)
        return
    # A distractor names what the question names as often as the key does (else the key is the
    # one option that echoes the stem), never says what the key says, and answers a question
    # that shares at most one word with this one (two questions on 标注 of PGNet share answers).
    asked = content_words(an, title)
    said = content_words(an, key) - asked
    # what the rest of the answer names (使用 Reset CSS 或 Normalize.css): a distractor that names
    # it may be a part of the answer the key leaves out
    named = content_words(an, qi.q.answer) - asked
    echoes = bool(content_words(an, key) & asked)
    why = bool(_WHY_RE.search(title))
    meanings = _meanings(an)

    def check(c: Cand) -> Reason | None:
        other = an.info[c.qid]
        if other.group == qi.group:
            return Reason.SAME_GROUP
        words = content_words(an, c.text)
        if (
            similarity(key, c.text) >= MAX_ANSWER_SIMILARITY
            or content_words(an, other.q.title) & asked
            or len(words & asked) > 1
        ):
            return Reason.ALSO_CORRECT  # alike, on the question's topic, or answering one on it
        if words & said or _share_a_word(words, named):
            return Reason.ALSO_CORRECT  # says part of what the answer says: it may answer this too
        if _share_a_word(content_words(an, other.q.title), named):
            return Reason.ALSO_CORRECT  # answers a question on something the answer names (林可霉素)
        if echoes and not words & asked:
            return Reason.GIVEAWAY  # off the question's topic: only the key would echo the stem
        if why and _CAUSE_RE.match(c.text):
            return Reason.ALSO_CORRECT  # another cause: for a "why" question it may be argued for
        if _cosine(meanings, key, c.text) >= SAME_MEANING or _cosine(meanings, qi.q.title, other.q.title) >= (
            SAME_QUESTION
        ):
            return Reason.ALSO_CORRECT  # says what the key says, or answers the same question, in other words
        return None

    # answers of the same part of the notes (## 模型训练) first: on topic, yet for another question
    group = qi.q.group
    cands = [
        Cand(text=h, qid=qid, ref=qid, sibling=bool(group) and an.info[qid].q.group == group)
        for qid, h in heads.items()
        if qid != qi.q.id
    ]
    counts: Counter[Reason] = Counter()
    # more than enough to choose from: answers of other questions are what every which-answer item
    # of the bank draws on, and one quiz should not show the same few (`distractors.pick`)
    ranked = rank(key, cands, counts, check=check, floor=0.05, key_basis=f"{title}{key}", limit=ANSWER_POOL)
    tally.add_distractors(typ, counts)
    if len(ranked) < N_DISTRACTORS:
        tally.reject(typ, Reason.TOO_FEW_DISTRACTORS)
        return
    if title.endswith(("？", "?")):
        stem = f"{title}以下哪一项是正确的回答？"
    else:
        stem = f"关于{quoted(title)}，以下哪一项是正确的回答？"
    build = _choice_build(qi, stem, key, ranked, qi.q.answer, "which_answer")
    yield Plan(typ, qi.q.id, qi.q.id, build, priority=4)


def choice_plans(an: Analysis, qi: QInfo, tally: Tally) -> Iterator[Plan]:
    yield from _definition_plans(an, qi, tally, ItemType.CHOICE)
    yield from _comparison_plans(an, qi, tally, ItemType.CHOICE)
    yield from _number_plans(an, qi, tally, ItemType.CHOICE)
    yield from _answer_plans(an, qi, tally)


def fill_plans(an: Analysis, qi: QInfo, tally: Tally) -> Iterator[Plan]:
    yield from _definition_plans(an, qi, tally, ItemType.FILL)
    yield from _number_plans(an, qi, tally, ItemType.FILL)
    yield from _member_plans(an, qi, tally)
    yield from _key_term_plans(an, qi, tally)
    yield from _sql_plans(an, qi, tally)


def _verdict_plans(an: Analysis, qi: QInfo, tally: Tally) -> Iterator[Plan]:
    """A yes/no question of the notes as a statement, true or false by its own answer."""
    for f in _facts(an, qi, FactKind.VERDICT):
        key = TRUE if f.term == TRUE else FALSE
        answer = f.details[0] if f.details else ""

        def build(
            rng: random.Random, shown: Set[str], f: Fact = f, key: str = key, answer: str = answer
        ) -> Item:
            return make_item(
                ItemType.TF,
                qi.q,
                STEM_PREFIX + f.sentence,
                [key],
                explanation=f"{key}。{answer}",
                section="答案",
                meta={"form": "verdict"},
            )

        yield Plan(ItemType.TF, qi.q.id, qi.q.id, build, priority=2)


def tf_plans(an: Analysis, qi: QInfo, tally: Tally) -> Iterator[Plan]:
    yield from _verdict_plans(an, qi, tally)
    yield from _definition_plans(an, qi, tally, ItemType.TF)
    yield from _comparison_plans(an, qi, tally, ItemType.TF)
    yield from _number_plans(an, qi, tally, ItemType.TF)
