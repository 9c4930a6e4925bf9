"""Fill-in (cloze) items: one key term blanked in a sentence of the answer or a list item.

What gets blanked, best first:
0. the question's subject in the answer's defining sentence (＿＿＿是一种数学运算…);
1. a name of a thing that jieba (with the bank's terms as user words, so 卷积神经网络 stays one
   word) finds in an answer sentence (深度学习通过＿＿＿实现了较高的识别准确率), or a list item's
   own term inside its text (＿＿＿通过训练学习区分真实数据和生成数据). "A name of a thing" is a
   subject or a bold term the bank also uses in running text: a heading such as 优化性能 is a
   phrase a student would word differently, so it is never the answer of a gap;
2. the bold term of an item in a list of named things (types, principles) before its text
   (在常见的激活函数中，＿＿＿：输入大于零时输出为输入值…).

Never blanked: terms too general to have one answer (神经网络, 深度学习, 训练过程: in a third
of the questions, or in the lists of unrelated questions), and gaps in a setting many words fit
(在＿＿＿中…, ＿＿＿中的…). The blanked term, its aliases and core forms must not appear anywhere
else in the stem, and the gap appears once. `accept` lists the term, its aliases
(CNN = 卷积神经网络) and core forms (池化 for 池化操作, sigmoid for sigmoid 函数);
`quizgen.scoring` compares after normalising width, case and spaces and allows a small typo.
All gaps in one answer share one fact: a quiz asks one of them.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Iterator, Sequence, Set

from quizgen.bank import Question, SectionKind
from quizgen.generate.choice import where_phrase
from quizgen.generate.common import (
    BLANK,
    GENERIC_SUFFIXES,
    Analysis,
    Plan,
    QInfo,
    Reason,
    Tally,
    asks_nothing,
    count_mentions,
    item_line,
    list_sections,
    make_item,
    mask,
    mentions,
    names_regex,
    quoted,
    sentences,
    strip_parens,
    talks_about,
    term_keys,
    usable_text,
)
from quizgen.generate.common import (
    is_latin as is_latin_text,
)
from quizgen.generate.facts import standalone
from quizgen.items import Item, ItemType
from quizgen.text import cut, is_cjk, normalize, normalize_loose

MAX_STEM = 160
MAX_BLANK_TERM = 12
# A term found in this share of the questions (神经网络, 深度学习) is too general to blank: other
# words would fit the gap as well.
GENERIC_SHARE = 0.35
# List classes whose bold terms are names of things (sigmoid 函数, 对抗训练), so a gap before the
# description has one answer. Headings of aspects, advantages or steps (优化性能, 增加网络深度) are
# phrases a student would word differently, so they are not asked as free recall.
NAMED_CLASSES = frozenset({"types", "principle"})
# A gap in "在＿＿＿中" or "＿＿＿中的" is a setting many words fit (在深度学习中…).
_FRAME_RE = re.compile(
    r"在"
    + BLANK
    + r"(中|里|上)|"
    + BLANK
    + r"中的"
    # 发挥抗菌＿＿＿, 起到＿＿＿: 作用, 效果 and 效能 all fit
    + r"|(?:发挥|起到|起着)[^，。；,;]{0,4}"
    + BLANK
    + r"(?=[。，；,;]|$)"
)


@functools.lru_cache(maxsize=8)
def alias_map(an: Analysis) -> dict[str, tuple[str, ...]]:
    """normalised name -> every name of its alias groups, over the whole bank."""
    out: dict[str, list[str]] = {}
    # a card titled 身体依赖性/生理依赖性/成瘾性 names one thing three ways (its glosses, such as the
    # PD of 药物效应动力学（pharmacodynamics, PD）, may name other things elsewhere: PD症状)
    cards = [
        tuple(p.strip() for p in strip_parens(qi.subject.display).split("/") if p.strip())
        for qi in an.questions
        if qi.subject and qi.subject.card and "/" in qi.subject.display
    ]
    for g in [*(g for q in an.bank.questions for g in q.aliases), *cards]:
        for name in g:
            lst = out.setdefault(normalize(name), [])
            lst.extend(x for x in g if x not in lst)
    return {k: tuple(v) for k, v in out.items()}


# Names textbooks use interchangeably, which notes rarely gloss (a SQL note says 嵌套查询 where
# a student writes 子查询, a pharmacology note 心输出量 for 心排血量): a gap on one accepts the others.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("嵌套查询", "子查询"),
    ("左外连接", "左连接"),
    ("右外连接", "右连接"),
    ("全外连接", "全连接"),
    ("心输出量", "心排血量", "心排出量"),
    ("变态反应", "过敏反应"),
)
_SYNONYM_OF = {normalize(n): g for g in SYNONYMS for n in g}


def forms_of(an: Analysis, term: str, extra: Sequence[str] = ()) -> tuple[str, ...]:
    """Every accepted spelling: the term, its parenthetical parts, aliases, synonyms, extra forms."""
    amap = alias_map(an)
    forms: list[str] = [term, strip_parens(term)]
    forms.extend(extra)
    for f in list(forms):
        forms.extend(amap.get(normalize(f), ()))
        forms.extend(amap.get(normalize(strip_parens(f)), ()))
        forms.extend(_SYNONYM_OF.get(normalize(f), ()))
    seen: dict[str, str] = {}
    for f in forms:
        f = f.strip()
        if f and normalize(f) not in seen:
            seen[normalize(f)] = f
    return tuple(seen.values())


@functools.lru_cache(maxsize=8)
def generic_terms(an: Analysis) -> frozenset[str]:
    """Normalised vocabulary terms too general to blank: in GENERIC_SHARE of the questions, or a
    bold term of the lists of two or more questions (训练过程)."""
    n = max(1, len(an.questions))
    out: set[str] = set()
    texts = [normalize_loose(qi.q.reference_text()) for qi in an.questions]
    for v in an.vocabulary:
        nv = normalize_loose(v)
        if not nv:
            continue
        df = sum(1 for t in texts if nv in t)
        if df >= 3 and df / n >= GENERIC_SHARE:
            out.add(normalize(v))
    owners: dict[str, set[str]] = {}
    for p in an.pieces:
        if p.term:
            owners.setdefault(normalize(p.term), set()).add(p.qid)
    for t, qids in owners.items():
        if any(b not in an.related[a] for a in qids for b in qids):
            out.add(t)
    return frozenset(out)


@functools.lru_cache(maxsize=8)
def concepts(an: Analysis) -> frozenset[str]:
    """Normalised names of things worth a gap: subjects, and bold terms the bank also uses in
    running text (平移不变性, 门控机制) rather than only as a heading (优化性能). Alias groups
    alone do not qualify (a parenthesis in an FAQ answer is not a term), they only widen
    `accept`."""
    out: set[str] = set()
    for qi in an.questions:
        # a card's title is a concept in its own answer, but may be an everyday word in others
        # (发挥抗菌＿＿＿ for 效能, 时间＿＿＿ for 依赖性): it qualifies only as a term used elsewhere
        if qi.subject and not qi.subject.card:
            out.update(normalize(n) for n in qi.subject.names + qi.subject.cores)
    texts: list[tuple[str, str]] = []  # (piece key or "", text)
    for qi in an.questions:
        q = qi.q
        texts.append(("", q.answer))
        for si, s in enumerate(q.sections):
            texts.append(("", s.lead))
            texts.append(("", s.text))
            if s.kind is not SectionKind.OPTIONS:
                texts.extend((f"{q.id}/{si}/{ii}", it.text) for ii, it in enumerate(s.items))
    norm = [(k, normalize_loose(t)) for k, t in texts]
    for p in an.pieces:
        nt = normalize_loose(p.term or "")
        if nt and any(nt in t for k, t in norm if k != p.key):
            out.add(normalize(p.term or ""))
    return frozenset(out)


def blank_once(text: str, forms: Sequence[str], prefixes: Sequence[str] = ()) -> str | None:
    """`text` with the single occurrence of the term blanked; None when it occurs 0 or 2+
    times, or when any accepted form is still visible afterwards."""
    if count_mentions(text, forms) != 1:
        return None
    out = mask(text, forms, prefixes)
    if out.count(BLANK) != 1:
        return None
    rest = out.replace(BLANK, "\x00")
    if mentions(rest, forms):
        return None
    low = normalize_loose(rest)
    if any(len(normalize_loose(f)) >= 2 and normalize_loose(f) in low for f in forms):
        return None
    if _FRAME_RE.search(out):
        return None
    return out


# A term beside another of a list (A、B和C), or among examples (例如A等): other members fit the gap.
_LISTED_BEFORE_RE = re.compile(r"(?:[、，,]|和|与|及|以及|或|或者)\s*$")
_LISTED_AFTER_RE = re.compile(r"^\s*(?:[、]|和|与|及|以及|或|或者|等)")
# An example (比如X, 以X为例): any other would do, whatever the bank calls it.
_EXAMPLE_BEFORE_RE = re.compile(r"(?:例如|比如|譬如|诸如|像|如)[^，。；]{0,8}$|以\s*$")
_EXAMPLE_AFTER_RE = re.compile(r"^\s*(?:为例|等等|之类)")
# A list of examples, said in its question (…举例) or its sentence (常见的…有, 例如): others fit a gap.
_EXAMPLES_ASKED_RE = re.compile(r"举例|例子|常见|常用|典型|代表|例如|比如|诸如")
# A piece of a path, a file name, a URL anchor or a longer English name: not a term on its own.
_GLUED_BEFORE_RE = re.compile(r"[/\\#.:=@_\-`%]$|[A-Za-z0-9]\s?$")  # A1=97%|A0 is a formula
_GLUED_AFTER_RE = re.compile(r"^(?:[/\\#.:=@_\-`]|\s?[A-Za-z0-9])")
_GLOSS_RE = re.compile(r"^\s*[（(][^（）()]{0,40}[）)]")
# What a sentence must say besides its gap (characters, punctuation and spaces ignored).
MIN_REST = 4
_SPECIFIC_LATIN_RE = re.compile(r"^(?:[A-Z0-9][A-Z0-9\-]+|.*[_A-Z].*[a-z].*|.*[a-z].*[_A-Z].*|.*_.*)$")


def _acronym_of_words(sentence: str, term: str) -> bool:
    """CTC beside Connectionist Temporal Classification: the sentence spells the acronym out."""
    if not re.fullmatch(r"[A-Z]{2,8}", term):
        return False
    initials = "".join(w[0].upper() for w in re.findall(r"[A-Za-z]+", sentence.replace(term, " ")))
    return term in initials


def _crosses_word(before: str, term: str) -> bool:
    """Is `term` the tail of a longer word (预|训练模型)? True when jieba, which knows the bank's
    terms, cuts no word boundary where the term starts."""
    from quizgen.text import segmenter

    head = before[-6:]
    cut_at = 0
    for w in segmenter().lcut(head + term):
        if cut_at == len(head):
            return False
        if cut_at > len(head):
            return True
        cut_at += len(w)
    return cut_at != len(head)


def blankable(
    sentence: str,
    term: str,
    names: frozenset[str] = frozenset(),
    *,
    title: str = "",
    longer: frozenset[str] = frozenset(),
) -> bool:
    """Can `term` be the one gap of `sentence`? Not when it is a piece of a path, file name,
    longer word or English name, a gloss in parentheses, or an acronym the sentence spells out;
    nor one of a list or of examples (``例如A、B等``: other members fit the gap) unless it is one
    of the bank's own terms (`names`, loosely normalised: 具有局部感知、＿＿＿和共享权重等特点).
    `longer`: more names (loosely normalised) the term may be the tail of (迟发性|运动障碍)."""
    k = sentence.find(term)
    if k < 0:
        return False
    before, after = sentence[:k], sentence[k + len(term) :]
    after = _GLOSS_RE.sub("", after, count=1)  # 生成器（Generator）和判别器: the gloss goes with the term
    if len(normalize_loose(before + after)) < MIN_REST:
        return False  # the gap is the whole sentence (<u>水解细菌的细胞壁</u>): nothing to go on
    if before.count("（") + before.count("(") > before.count("）") + before.count(")"):
        return False  # inside parentheses: a gloss or an example (颜色名称（即`red`）)
    if before and is_cjk(before[-1]) and is_cjk(term[0]) and _crosses_word(before, term):
        return False
    if any(
        normalize_loose(before[-k:] + term) in names | longer
        for k in (1, 2, 3)
        if len(before) >= k and all(ch.isalnum() for ch in before[-k:])
    ):
        return False  # the tail of a longer term of the bank (预|训练模型)
    listed = _LISTED_BEFORE_RE.search(before) or _LISTED_AFTER_RE.match(after)
    # 治疗哮喘的药物举例: 倍氯米松、…、＿＿＿、司特等 lists examples, bank terms or not
    examples = bool(listed) and bool(_EXAMPLES_ASKED_RE.search(title + before))
    return not (
        (listed and normalize_loose(term) not in names)
        or examples
        or _EXAMPLE_BEFORE_RE.search(before)
        or _EXAMPLE_AFTER_RE.match(after)
        or _GLUED_BEFORE_RE.search(before)
        or _GLUED_AFTER_RE.match(after)
        or (term.isascii() and after.startswith("+"))  # Ca2|+ is an ion (字符数目+1 is a sum)
        or _acronym_of_words(sentence, term)
    )


# Head nouns that name no particular thing: a gap ending in one (解决方案, 训练数据) has many fillers.
_GENERIC_HEADS = (
    "方案",
    "方法",
    "问题",
    "情况",
    "效果",
    "数据",
    "信息",
    "结果",
    "方式",
    "过程",
    "部分",
    "内容",
    "场景",
    "能力",
    "功能",
)


def generic_phrase(term: str) -> bool:
    """A Chinese phrase whose head noun names no particular thing (解决方案, 训练数据)."""
    return is_cjk(term[-1]) and term.endswith(_GENERIC_HEADS)


def specific_latin(term: str) -> bool:
    """An acronym (NMS, CTC), or an identifier with an underscore or inner capital
    (unclip_ratio, StyleInput): specific enough to ask; a plain English word (diff, utils) is not."""
    return bool(_SPECIFIC_LATIN_RE.match(term))


def in_context(q: Question, text: str) -> str:
    """A sentence of an answer with the question it answers, so a gap in it has one reading."""
    title = q.title.strip()
    if not title or len(title) > 60 or "\n" in title or asks_nothing(title):
        return text  # a title that asks nothing (应用于) would only confuse the gap
    return f"{quoted(title)}{text}"


@functools.lru_cache(maxsize=8)
def list_terms(an: Analysis) -> frozenset[str]:
    """Loosely normalised subject names and list terms: the members a list of the notes names
    itself, so one may be a gap among its siblings (具有局部感知、＿＿＿和共享权重等特点)."""
    out = {normalize_loose(p.term) for p in an.pieces if p.term}
    for qi in an.questions:
        if qi.subject:
            out.update(normalize_loose(n) for n in qi.subject.names)
    return frozenset(out)


def _context_sentence(sents: list[str], i: int) -> str:
    """Sentence i, with the one before it when it starts with a pronoun (它通过…)."""
    s = sents[i]
    if i > 0 and re.match(r"^(它|其|该|这)", s):
        return sents[i - 1] + s
    return s


def _sentence_fact(qid: str, i: int) -> str:
    """Every gap in the answer tests the answer: one per quiz (the sentence with one gap shows
    what another gap hides), and not beside a TF or choice item on the definition."""
    return f"{qid}/def"


def term_size(term: str) -> int:
    """Length in characters, a Latin word counting as one (sigmoid 函数 -> 3)."""
    return len(re.sub(r"[A-Za-z0-9]+", "a", re.sub(r"\s+", "", term)))


# Words after a name that a student may leave out or add (非线性 for 非线性变换, sigmoid for
# sigmoid 函数, 反向传播算法 for 反向传播, 动力学 for 动力学规律, 炎症因子 for 炎症因子产生).
FORM_SUFFIXES = (*GENERIC_SUFFIXES, "变换", "函数", "规律", "产生", "生成", "释放", "合成")


def _stem(name: str) -> str | None:
    """`name` without a generic suffix when 2+ characters remain (非线性变换 -> 非线性). 函数 goes
    only after a Latin name (sigmoid 函数 -> sigmoid): 激活 is no name for 激活函数."""
    s = strip_parens(name)
    for suf in FORM_SUFFIXES:
        rest = s[: -len(suf)].strip()
        if s.endswith(suf) and len(rest) >= 2 and (suf != "函数" or rest.isascii()):
            return rest
    return None


@functools.lru_cache(maxsize=8)
def _stem_owners(an: Analysis) -> dict[str, frozenset[str]]:
    """normalised stem -> the normalised bank names (vocabulary, subject cores left out: they are
    stems already) that reduce to it: 非线性 -> {非线性变换}."""
    cores = {normalize(c) for qi in an.questions if qi.subject for c in qi.subject.cores}
    out: dict[str, set[str]] = {}
    for v in an.vocabulary:
        nv = normalize(v)
        if nv in cores:
            continue
        st = _stem(v)
        if st:
            out.setdefault(normalize(st), set()).add(normalize(strip_parens(v)))
    return {k: frozenset(v) for k, v in out.items()}


def cores_of(an: Analysis, term: str) -> list[str]:
    """Shorter and longer spellings to accept, only where they name nothing else in the bank:
    the term without a generic suffix (池化 for 池化操作, 非线性 for 非线性变换, sigmoid for
    sigmoid 函数) unless another bank name has the same stem (X变换 and X函数); and the one bank
    name that is the term plus a suffix (反向传播算法 for 反向传播)."""
    owners = _stem_owners(an)
    full = normalize(strip_parens(term))
    out: list[str] = []
    st = _stem(term)
    if st and owners.get(normalize(st), frozenset()) <= {full}:
        out.append(st)
    longer = owners.get(full, frozenset())
    if len(longer) == 1:
        (name,) = longer
        out.extend(v for v in an.vocabulary if normalize(strip_parens(v)) == name)
    return list(dict.fromkeys(out))


def plans(an: Analysis, qi: QInfo, tally: Tally) -> Iterator[Plan]:
    q = qi.q
    typ = ItemType.FILL
    if not q.has_answer:
        tally.reject(typ, Reason.NO_ANSWER)
        return
    seen_terms: set[str] = set()
    made = 0
    sents = sentences(q.answer)

    def plan(
        stem: str,
        term: str,
        forms: Sequence[str],
        fact: str,
        priority: int,
        section: str,
        index: int | None,
        expl: str,
    ) -> Plan:
        answer = strip_parens(term) or term
        accept = tuple(dict.fromkeys([answer, *forms]))

        def build(rng: random.Random, shown: Set[str]) -> Item:
            return make_item(
                typ,
                q,
                stem,
                [answer],
                accept=accept,
                explanation=expl,
                section=section,
                index=index,
                id_key=[normalize(answer)],
                meta={"form": "cloze"},
            )

        return Plan(typ, q.id, fact, build, priority=priority, keys=term_keys(answer, *forms))

    # 0. the subject in its defining sentence
    if qi.subject is not None:
        forms = qi.subject.names + qi.subject.cores
        done = False
        for i, _ in enumerate(sents):
            ctx = _context_sentence(sents, i)
            stem = blank_once(ctx, qi.subject.names, qi.subject.prefixes) if len(ctx) <= MAX_STEM else None
            if stem and not mentions(stem.replace(BLANK, ""), forms):
                # answer with the name as the sentence writes it: 批量归一化, not 批量归一化技术
                found = names_regex(qi.subject.names)
                m = found.search(ctx) if found else None
                written = strip_parens(m.group(0)) if m else ""
                yield plan(
                    stem,
                    written or qi.subject.short,
                    forms,
                    _sentence_fact(q.id, 0 if ctx.startswith(sents[0]) else i),
                    0,
                    "答案",
                    None,
                    q.answer,
                )
                seen_terms.update(normalize(f) for f in forms)
                made += 1
                done = True
                break
        if not done:
            tally.reject(typ, Reason.NO_BLANK)

    # 1a. bank terms in the answer
    vocab = {normalize(v): v for v in an.vocabulary}
    members = list_terms(an)
    generic = generic_terms(an)
    named = concepts(an)
    subject_forms = {normalize(n) for n in (qi.subject.names + qi.subject.cores if qi.subject else ())}
    for i, _ in enumerate(sents):
        ctx = _context_sentence(sents, i)
        if len(ctx) > MAX_STEM:
            continue
        for w in cut(sents[i]):
            nw = normalize(w)
            if nw in subject_forms or nw in seen_terms:
                continue
            if nw in generic:
                continue
            if (
                nw in vocab
                and nw in named
                and len(strip_parens(w)) >= 2
                and len(w) <= MAX_BLANK_TERM
                and not generic_phrase(w)
            ):
                forms = forms_of(an, vocab[nw], cores_of(an, vocab[nw]))
                if any(normalize(f) in generic or normalize(f) in seen_terms for f in forms):
                    continue
                written = w
                # answer with the Chinese name when the word found is an alias (Decoder -> 解码器)
                w = next((f for f in forms if not is_latin_text(f)), w)
                ok = standalone(ctx) and blankable(ctx, written, members, title=q.title)
                # a "what is X" answer says what it is about; any other needs its question
                stem = blank_once(ctx if qi.subject else in_context(q, ctx), forms) if ok else None
                if stem is None:
                    tally.reject(typ, Reason.NO_BLANK)
                    continue
                seen_terms.update(normalize(f) for f in forms)
                yield plan(
                    stem,
                    w,
                    forms,
                    _sentence_fact(q.id, 0 if ctx.startswith(sents[0]) else i),
                    1,
                    "答案",
                    None,
                    q.answer,
                )
                made += 1

    # 1b / 2. list items
    for si, s in list_sections(q):
        for ii, it in enumerate(s.items):
            if not it.term or len(it.term) > MAX_BLANK_TERM or not usable_text(it.text):
                continue
            nt = normalize(it.term)
            if nt in seen_terms or nt in generic:
                continue
            forms = forms_of(an, it.term, cores_of(an, it.term))
            if any(normalize(f) in seen_terms for f in forms):
                continue
            n_in_text = count_mentions(it.text, forms)
            where = where_phrase(q, s, qi.subject, colon=n_in_text == 1)
            cls = an.pieces_by_key[f"{q.id}/{si}/{ii}"].cls
            if n_in_text == 1 and nt in named:
                body = blank_once(it.text, forms)
                prio = 1
            elif (
                n_in_text == 0
                and cls in NAMED_CLASSES
                and term_size(it.term) <= 8
                and not talks_about(it.text, it.term)
            ):
                body = f"{BLANK}：{it.text}"
                prio = 2
            else:
                continue
            stem = f"{where}{body}" if body else None
            if stem is None or mentions(stem.replace(BLANK, ""), forms) or stem.count(BLANK) != 1:
                tally.reject(typ, Reason.NO_BLANK)
                continue
            seen_terms.update(normalize(f) for f in forms)
            yield plan(stem, it.term, forms, f"{q.id}/{si}/{ii}", prio, s.label, ii + 1, item_line(it))
            made += 1
