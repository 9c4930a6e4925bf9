"""What every item generator needs to know about a bank, computed once per bank.

The analysis is pure and rng-free: subjects (the thing each question asks about, with every
way of writing it), the lists of each question and what kind of list each is (a sequence of
steps? applications? aspects?), which questions are related (one names the other, or one
name contains the other), and the text helpers used to mask a name, blank a term and compare
texts. Generators turn this into candidate items; only the final choices and shuffles use the
caller's rng.
"""

from __future__ import annotations

import functools
import math
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence, Set
from dataclasses import dataclass, field, replace
from enum import Enum

from rapidfuzz import fuzz

from quizgen.bank import Bank, ListItem, Question, QuestionKind, Section, SectionKind
from quizgen.generate.facts import Fact, break_points, fact_sections
from quizgen.items import LETTERS, Item, ItemSource, ItemType
from quizgen.text import content_hash, is_cjk, normalize, normalize_loose

# What replaces a masked name in an option, and the gap of a fill-in item.
BLANK = "＿＿＿"

# Points per item type (a teacher edits them in the items file if the paper needs others).
POINTS: dict[ItemType, float] = {
    ItemType.CHOICE: 1.0,
    ItemType.MULTI: 2.0,
    ItemType.FILL: 1.0,
    ItemType.ORDER: 2.0,
    ItemType.MATCH: 2.0,
    ItemType.TF: 1.0,
    ItemType.SHORT: 5.0,
}

# Longest option text we put in front of a student; longer list items are left out.
MAX_OPTION_CHARS = 90


class Reason(str, Enum):
    """Why a candidate item or a candidate distractor was rejected (shown by --report)."""

    # whole candidate items
    TOO_FEW_DISTRACTORS = "too few good distractors"
    NOT_A_SEQUENCE = "list is not a sequence of steps"
    TOO_FEW_STEPS = "fewer than 3 steps"
    TOO_FEW_ITEMS = "list too short"
    TOO_MANY_ITEMS = "list too long"
    NO_TERMS = "list items have no bold terms"
    DUPLICATE_TERMS = "terms or texts not distinct"
    TEXT_UNUSABLE = "text too long or multi-line"
    GIVES_ITSELF_AWAY = "option would give itself away"
    NO_SUBJECT = "no subject name found"
    NO_BLANK = "no term to blank that is absent from the rest of the stem"
    NO_SAFE_SWAP = "no safe term swap for a false statement"
    NO_ANSWER = "question has no answer"
    FIGURE_ONLY = "answer only labels a figure"
    POINTER_ONLY = "answer is only a link"
    NO_CONTEXT = "sentence needs its question, which is too long to show"
    AUTHORED = "the notes' own objective question (asked as written)"
    SIMILAR_DESCRIPTIONS = "two descriptions too alike"
    OPEN_SLOT = "gap in a slot many terms fit"
    INSTRUCTION = "the title asks nothing (an instruction such as 选填…, or it breaks off)"
    # distractors
    SAME_GROUP = "from the key's duplicate group"
    RELATED_SUBJECT = "about a related subject"
    NEAR_DUPLICATE_KEY = "near-duplicate of the key"
    NEAR_DUPLICATE_OTHER = "near-duplicate of another option"
    SAME_TERM = "same term as the key"
    ALSO_CORRECT = "also correct for the stem"
    SELF_REVEALING = "names its own term"
    OTHER_FORM = "not of the key's form (Latin among Chinese names)"
    GIVEAWAY = "off the stem's topic (the key alone would echo it)"
    OTHER_SUBJECT = "names another question's subject"
    WEAK = "too dissimilar (weak)"


# ---------------------------------------------------------------------------- text helpers

# Sentences end at 。！？ (a ； only separates clauses of one sentence).
_SENT_RE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_PAREN_RE = re.compile(r"[（(]([^（）()]*)[）)]")
_LATIN_RE = re.compile(r"[A-Za-z0-9]")


# A title that says how to answer (选填“有”或“没有”：) rather than what is asked: the question is in
# its answer's blanks, so the title alone is no stem.
INSTRUCTION_RE = re.compile(r"^(?:请)?(?:选填|填空|填入|填写下列|判断正误|判断下列|选择正确|选出正确|连线)")
# A title that breaks off (应用于：, the second half of another answer read as a card): it asks nothing.
_BROKEN_OFF_RE = re.compile(r"(?:于|在|对|和|与|及|的|是|为|把|被)$")


def asks_nothing(title: str) -> bool:
    """A title that is no question to put before a student: an instruction for another format
    (选填…) or a phrase that breaks off (应用于)."""
    t = title.strip().rstrip("：:。. ").strip()
    return bool(INSTRUCTION_RE.match(t) or _BROKEN_OFF_RE.search(t))


def quoted(title: str) -> str:
    """A question's title quoted in a stem, without the colon or full stop it ends with and the
    exam tags it starts with: 「抗原的三个特点」, not 「抗原的三个特点：」 or 「（考了两次）简述…」."""
    return f"「{_TITLE_TAGS_RE.sub('', title.strip()).rstrip('：:。. ').strip()}」"


_IMAGE_RE = re.compile(r"<img\b|!\[[^\]\n]*\]\(", re.I)
_CAPTION_RE = re.compile(r"^\s*(?:图|Figure|Fig\.?)\s*\d+")
MAX_LABEL = 5


def labels_a_figure(raw_answer: str, answer: str) -> bool:
    """Is the answer only the labels of a figure it shows (抗原呈递、辅助性T、B、细胞因子… beside the
    diagram of 体液免疫)? Without the figure, which an item cannot show, they answer nothing."""
    if not _IMAGE_RE.search(raw_answer):
        return False
    lines = [ln for ln in answer.splitlines() if ln.strip() and not _CAPTION_RE.match(ln)]
    pieces = [p for ln in lines for p in re.split(r"[、，,；;\s]+", ln.strip("。. ")) if p]
    return len(pieces) >= 3 and all(len(p) <= MAX_LABEL for p in pieces)


def sentences(text: str) -> list[str]:
    """Split Chinese text into sentences, keeping the end mark."""
    return [s.strip() for s in _SENT_RE.findall(break_points(text)) if s.strip()]


def strip_parens(text: str) -> str:
    return re.sub(r"\s+", " ", _PAREN_RE.sub("", text)).strip()


def paren_contents(text: str) -> list[str]:
    out: list[str] = []
    for inner in _PAREN_RE.findall(text):
        for part in re.split(r"[，,、;；]|简称|又称|或称|即", inner):
            part = part.strip()
            if part:
                out.append(part)
    return out


def _name_pattern(name: str) -> str:
    """Regex source for `name` that tolerates either paren width and optional spaces, and does
    not match inside a longer Latin word (CNN in RCNN)."""
    parts = []
    for ch in name.strip():
        if ch in "（(":
            parts.append("[（(]")
        elif ch in "）)":
            parts.append("[）)]")
        elif ch.isspace():
            parts.append(r"\s*")
        else:
            parts.append(re.escape(ch))
    body = "".join(parts)
    if _LATIN_RE.match(name[0]):
        body = r"(?<![A-Za-z0-9])" + body
    if _LATIN_RE.match(name[-1]):
        body = body + r"(?![A-Za-z0-9])"
    return body


# A parenthetical that glosses the name before it: another spelling (（CNN）, （Residual Network，简称
# ResNet）, （首过消除）), not what the name means (ALL运算符（拿你的月薪和所有人比较…）) or an example
# (（如图像）): masked with the name, a description would be lost and the gap left without a clue.
_GLOSS_RE = re.compile(
    r"\s*[（(](?:[^（）()\u3400-\u9fff]{1,40}"
    r"|[^（）()]{0,30}?(?:简称|又称|或称|也称|也叫|英文|全称|缩写)[^（）()]{0,30}"
    r"|(?!如|例如|比如|包括|见|参见)[^（）()，,。；;：:、\s]{1,10})[）)]"
)


@functools.lru_cache(maxsize=8192)
def names_regex(names: tuple[str, ...], prefixes: tuple[str, ...] = ()) -> re.Pattern[str] | None:
    """One regex for any of `names` (longest first), each with an optional qualifier from
    `prefixes` (深度学习中的) right before it; `mask` takes the gloss after a name with it."""
    usable = sorted({n.strip() for n in names if n.strip()}, key=lambda n: (-len(n), n))
    if not usable:
        return None
    alt = "|".join(_name_pattern(n) for n in usable)
    if prefixes:
        pre = "|".join(re.escape(p) for p in sorted(set(prefixes), key=len, reverse=True))
        return re.compile(rf"(?:{pre})?(?:{alt})", re.IGNORECASE)
    return re.compile(rf"(?:{alt})", re.IGNORECASE)


def _spans(text: str, rx: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """Where `rx`'s names occur, each with the gloss after it (a name inside the gloss of the one
    before it, the CNN of 卷积神经网络（CNN）, is part of that mention)."""
    pos = 0
    for m in rx.finditer(text):
        if m.start() < pos:
            continue
        gloss = _GLOSS_RE.match(text, m.end())
        pos = gloss.end() if gloss else m.end()
        yield m.start(), pos


def count_mentions(text: str, names: Sequence[str]) -> int:
    rx = names_regex(tuple(names))
    return sum(1 for _ in _spans(text, rx)) if rx else 0


def mentions(text: str, names: Sequence[str]) -> bool:
    rx = names_regex(tuple(names))
    return bool(rx and rx.search(text))


def mask(text: str, names: Sequence[str], prefixes: Sequence[str] = (), token: str = BLANK) -> str:
    """Replace every occurrence of any of `names` (with an optional prefix such as 深度学习中的
    right before it, and the gloss right after it: 卷积神经网络（CNN）) by `token`."""
    rx = names_regex(tuple(names), tuple(sorted(set(prefixes))))
    if rx is None:
        return text
    parts: list[str] = []
    pos = 0
    for start, end in _spans(text, rx):
        parts.extend((text[pos:start], token))
        pos = end
    out = "".join(parts) + text[pos:]
    # "VAE 由" -> "＿＿＿由": no space between the token and Chinese text
    t = re.escape(token)
    return re.sub(rf"(?<=[^\x00-\x7f])[ \t]+(?={t})|(?<={t})[ \t]+(?=[^\x00-\x7f])", "", out)


@functools.lru_cache(maxsize=65536)
def loose(text: str) -> str:
    """normalize_loose, cached: texts are compared many times over."""
    return normalize_loose(text)


def contains_norm(haystack: str, needle: str) -> bool:
    n = loose(needle)
    return bool(n) and n in loose(haystack)


def bigrams(text: str) -> Counter[str]:
    t = loose(text)
    if len(t) < 2:
        return Counter([t]) if t else Counter()
    return Counter(t[i : i + 2] for i in range(len(t) - 1))


@functools.lru_cache(maxsize=65536)
def _vec(text: str) -> tuple[dict[str, int], float]:
    c = bigrams(text)
    return dict(c), math.sqrt(sum(v * v for v in c.values()))


@functools.lru_cache(maxsize=262144)
def similarity(a: str, b: str) -> float:
    """Cosine similarity of character bigram counts (0..1), punctuation and case ignored."""
    va, na = _vec(a)
    vb, nb = _vec(b)
    if not na or not nb:
        return 0.0
    if len(va) > len(vb):
        va, vb = vb, va
    dot = sum(v * vb.get(k, 0) for k, v in va.items())
    return dot / (na * nb)


@functools.lru_cache(maxsize=262144)
def near_duplicate(a: str, b: str) -> bool:
    """Two option texts a student could not tell apart: equal after normalisation, one
    contained in the other (short terms), or nearly the same characters."""
    na, nb = loose(a), loose(b)
    if not na or not nb:
        return na == nb
    if na == nb:
        return True
    short, long_ = (na, nb) if len(na) <= len(nb) else (nb, na)
    if len(short) <= 12 and short in long_:
        return True
    # fuzz.ratio is 100 * (1 - normalised Indel distance); 80 means ~1 in 5 characters differ.
    # Compare the normalised forms that keep signs and digits: (0, 1) vs (-1, 1) are different facts.
    return fuzz.ratio(normalize(a), normalize(b)) >= 82


def length_factor(a: str, b: str) -> float:
    la, lb = len(loose(a)) or 1, len(loose(b)) or 1
    return math.sqrt(min(la, lb) / max(la, lb))


_STOP_WORDS = frozenset("的了和与及或等之其中在对将把被是有为以于并且也就都一个种")  # single characters


@functools.lru_cache(maxsize=16384)
def term_words(term: str) -> tuple[str, ...]:
    """The dictionary words a term is made of (减少参数数量 -> 减少, 参数, 数量; 图像去噪 -> 图像,
    去噪), for deciding whether another text talks about the same thing. The bank's own user
    words (减少参数数量 itself) must not hide the parts, so the term is covered with the fewest
    shorter words jieba's search mode knows; leftover single characters are joined."""
    from quizgen.text import segmenter

    out: list[str] = []
    for chunk in strip_parens(term).split():
        if not any(is_cjk(ch) for ch in chunk):
            out.append(chunk)
            continue
        words = {w for w in segmenter().cut_for_search(chunk) if 2 <= len(w) < len(chunk)}
        n = len(chunk)
        # best[i] = (pieces, split) covering chunk[:i]; a single character costs 2 pieces
        best: list[tuple[int, list[str]] | None] = [None] * (n + 1)
        best[0] = (0, [])
        for i in range(n):
            cur = best[i]
            if cur is None:
                continue
            for j in range(i + 1, n + 1):
                piece = chunk[i:j]
                cost = 1 if piece in words else (2 if j == i + 1 else None)
                if cost is None:
                    continue
                cand = (cur[0] + cost, [*cur[1], piece])
                nxt = best[j]
                if nxt is None or cand[0] < nxt[0]:
                    best[j] = cand
        final = best[n]
        pieces = final[1] if final else [chunk]
        merged: list[str] = []
        single_run = False
        for piece in pieces:
            if len(piece) == 1 and single_run:
                merged[-1] += piece
            else:
                merged.append(piece)
            single_run = len(piece) == 1
        out.extend(merged)
    words_out = [w for w in out if w not in _STOP_WORDS and any(ch.isalnum() for ch in w)]
    return tuple(dict.fromkeys(w.casefold() for w in words_out)) or (term.casefold(),)


def talks_about(text: str, term: str) -> bool:
    """True when `text` contains the term, or every word of it (提取…特征 for 特征提取)."""
    if contains_norm(text, term):
        return True
    words = term_words(term)
    if len(words) < 2:
        return False
    low = loose(text)
    return all(loose(w) in low for w in words)


# ---------------------------------------------------------------------------- subjects

_TITLE_PREFIX_RE = re.compile(
    r"^(?:\d+[\.、．]\s*)?(?:请?简要)?(?:什么是|什么叫|何为|何谓|简述|解释|说说|谈谈|介绍)\s*"
)
_TITLE_SUFFIX_RE = re.compile(r"(?:是什么|是指什么|指的是什么|的概念|的定义|的含义)$")
_TITLE_CUT_RE = re.compile(r"[？?，,。；;！!：:]")
GENERIC_SUFFIXES = ("技术", "方法", "问题", "操作", "算法")


@dataclass(frozen=True)
class Subject:
    """What a question is about, e.g. display 生成对抗网络（GAN）, names (GAN, 生成对抗网络…)."""

    display: str
    names: tuple[str, ...]  # every spelling, longest first: masked in options, blanked in fill
    cores: tuple[str, ...]  # shorter spellings a student may write (池化 for 池化操作): accept only
    prefixes: tuple[str, ...] = ()  # qualifiers written before the name: 深度学习中的
    # named by a term card's title (效能, 依赖性): often an everyday word in other answers
    card: bool = False

    @property
    def short(self) -> str:
        """The name without its parenthetical: for running text."""
        return strip_parens(self.display) or self.display


def _answer_head(answer: str) -> str | None:
    """The phrase an answer defines: 残差网络（Residual Network，简称 ResNet）是一种…"""
    first = sentences(answer)[0] if answer.strip() else ""
    first = re.sub(r"^在[^，。]{1,30}中，", "", first)
    m = re.match(r"^(.{1,40}?)(?:是指|是一种|是一个|是)", first)
    if not m:
        return None
    head = m.group(1).strip()
    head = (
        re.sub(r"^(?:[^，。的]{1,10}(?:中的|的))", "", head)
        if "中的" in head or head.count("的") == 1
        else head
    )
    return head or None


_WHAT_SUFFIX_RE = re.compile(
    r"^(?P<x>[^，,。？?：:；;]{1,30}?)(?:是什么|是指什么|指的是什么|的定义是什么|的含义是什么)[？?]?"
)


# Exam tags before a title: （考了两次）, 【常考】, 【周老师强调重点】.
_TITLE_TAGS_RE = re.compile(r"^(?:\s*[（(【\[][^（）()【】\[\]]{1,12}[）)】\]])+\s*")
# A card's title names a concept (半衰期, 变态反应（allergic reaction）) unless it names an aspect of
# something (布洛芬的不良症状, 地西泮抗焦虑作用原理): what its answer says is then no definition.
ASPECT_TITLE_RE = re.compile(
    r"(?:作用|机制|机理|特点|特征|特性|原理|应用|用途|不良反应|症状|副作用|禁忌症|靶点|分类|举例|方案|区别|异同"
    r"|过程|流程|步骤|结果|效果|组成|功能|来源|意义|影响|用法|疗程|抗菌谱|原因|成因|对抗|药物|方法|措施|问题"
    r"|关系|类型|种类|表现|公式|优点|缺点|步骤|信号)$"
)
_CONCEPT_SUFFIX_RE = re.compile(r"的?(?:概念|定义|含义)$")
# "What is X's role?" (溶菌酶对细菌的作用是什么？, 过敏反应的特点是什么？) asks about an aspect of X,
# not what a concept is.
_ASPECT_OF_RE = re.compile(
    r"^(?:作用|特点|影响|区别|原因|意义|优点|缺点|过程|原理|结果|功能|来源|组成|用途|机制)$"
    r"|的(?:作用|特点|影响|区别|原因|意义|优点|缺点|过程|原理|结果|功能|来源|组成|用途|机制)$"
)
# 首关消除first pass effect, apparent volume of distribution表观分布容积: a name and its English gloss.
_LATIN_GLOSS_RE = re.compile(
    r"^(?P<zh>[\u4e00-\u9fff][^A-Za-z]*?)\s*(?P<en>[A-Za-z][A-Za-z ,\-]*)$"
    r"|^(?P<en2>[A-Za-z][A-Za-z ,\-]*?)\s*(?P<zh2>[\u4e00-\u9fff][^A-Za-z]*)$"
)


def _card_name(title: str) -> str:
    """The concept a term card is titled with (``*半衰期*：…`` in free-form notes, ``抗体的概念：``);
    "" when the title is a question, an exam prompt or an aspect of something."""
    from quizgen.generate.facts import names_a_concept

    t = title.strip().rstrip("：: ").strip()
    t = _CONCEPT_SUFFIX_RE.sub("", t).strip()
    bare = re.sub(r"[（(][^）)]*$", "", strip_parens(t)).strip()  # 利多卡因的作用机制（局麻: cut short
    if not bare or re.search(r"[？?。，,；;！!：:（(]", bare) or ASPECT_TITLE_RE.search(bare):
        return ""
    m = _LATIN_GLOSS_RE.match(t)
    core = strip_parens((m.group("zh") or m.group("zh2")) if m else t).strip()
    parts = [p for p in core.split("/") if p.strip()]
    return t if parts and all(names_a_concept(p.strip()) for p in parts) else ""


def subject_of(q: Question) -> Subject | None:
    """The thing a "what is X" question asks about, from its heading (什么是X？…, X是什么？,
    简述X, or a term card's title: 半衰期, 抗体的概念); None for any other kind of question
    (how-to, why, a choice question)."""
    title = _TITLE_TAGS_RE.sub("", q.title.strip())
    raw = ""
    card = False
    stripped = _TITLE_PREFIX_RE.sub("", title)
    if stripped != title:
        raw = _TITLE_CUT_RE.split(stripped, 1)[0]
        raw = _TITLE_SUFFIX_RE.sub("", raw).strip()
    else:
        m = _WHAT_SUFFIX_RE.match(title)
        if m:
            raw = m.group("x").strip()
        elif q.has_answer and not asks_nothing(title):
            raw = _card_name(title)
            card = True
    if not raw or q.options:
        return None
    asked = raw
    prefixes: list[str] = []
    if card:
        pass  # a card's title is the name as a whole (受体的向下调节)
    elif "中的" in raw:
        i = raw.rindex("中的") + 2
        if len(raw) - i >= 2:
            prefixes.append(raw[:i])
            raw = raw[i:]
    elif raw.count("的") == 1 and not _PAREN_RE.search(raw.split("的")[0]):
        before, after = raw.split("的")
        if 2 <= len(before) <= 8 and len(after) >= 2:
            prefixes.append(before + "的")
            raw = after
    raw = raw.strip()
    if not raw or len(strip_parens(raw)) > 24 or _ASPECT_OF_RE.search(asked):
        return None
    names: list[str] = [raw]
    base = strip_parens(raw)
    names.append(base)
    names.extend(paren_contents(raw))
    gloss = _LATIN_GLOSS_RE.match(base) if card else None  # dropout技术 is one name, not two
    if gloss:
        names.extend(g.strip() for g in gloss.group("zh", "en", "zh2", "en2") if g and g.strip())
    if card and "/" in base:
        names.extend(p.strip() for p in base.split("/") if len(p.strip()) >= 2)
    head = _answer_head(q.answer) if q.has_answer else None
    if head and (contains_norm(head, base) or contains_norm(base, strip_parens(head))):
        names.append(head)
        names.append(strip_parens(head))
        names.extend(paren_contents(head))
    known = {normalize(n) for n in names}
    for group in q.aliases:
        if any(normalize(g) in known for g in group):
            names.extend(group)
    cores: list[str] = []
    for n in names:
        s = strip_parens(n)
        for suf in GENERIC_SUFFIXES:
            if s.endswith(suf) and len(s) - len(suf) >= 2:
                cores.append(s[: -len(suf)].strip())
    # A prefix such as 深度学习中的 is masked together with the name.
    for p in list(prefixes):
        if p.endswith("中的"):
            prefixes.append(p[:-2] + "的")
        elif p.endswith("的"):
            prefixes.append(p[:-1] + "中的")
    names_u = _uniq_longest_first(names)
    cores_u = [c for c in _uniq_longest_first(cores) if normalize(c) not in {normalize(n) for n in names_u}]
    if len(raw) <= 30:
        display = raw
    elif head and len(head) <= 30 and contains_norm(head, base):
        display = head
    else:
        display = base
    return Subject(
        display=display, names=tuple(names_u), cores=tuple(cores_u), prefixes=tuple(prefixes), card=card
    )


def _uniq_longest_first(xs: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for x in xs:
        x = x.strip()
        if x and normalize(x) not in seen:
            seen[normalize(x)] = x
    return sorted(seen.values(), key=lambda s: (-len(s), s))


# ---------------------------------------------------------------------------- lists

SEQUENCE_WORDS = ("步骤", "流程", "过程", "阶段", "顺序", "工序", "环节")
NON_SEQUENCE_WORDS = (
    "方面",
    "应用",
    "用途",
    "场景",
    "优点",
    "优势",
    "缺点",
    "不足",
    "局限",
    "特点",
    "特征",
    "作用",
    "意义",
    "类型",
    "种类",
    "原因",
    "因素",
    "原则",
    "方法",
    "措施",
    "策略",
    "方式",
)
NEVER_ORDERED_KINDS = frozenset(
    {
        SectionKind.APPLICATION,
        SectionKind.ADVANTAGE,
        SectionKind.DISADVANTAGE,
        SectionKind.FEATURE,
        SectionKind.EXAMPLE,
        SectionKind.PRINCIPLE,
        SectionKind.SOLUTION,
        SectionKind.NOTE,
        SectionKind.IMPLEMENTATION,
        SectionKind.ANSWER,
        SectionKind.OPTIONS,
    }
)
_FIRST_MARKERS = ("首先", "第一步", "第一，", "第一、", "第1步", "先")
_LATER_MARKERS = ("然后", "接着", "其次", "随后", "之后", "再", "第二", "第三", "第2步", "第3步")
_LAST_MARKERS = ("最后", "最终", "最后一步")


def _last_word(text: str, words: Sequence[str]) -> int:
    return max((text.rfind(w) for w in words), default=-1)


def lead_says_sequence(text: str) -> bool | None:
    """True/False when the lead or label names a sequence (步骤) or a set (方面, 应用, 优点);
    None when it names neither. The word written last wins: 应用主要包括以下几个步骤 is a sequence."""
    seq, non = _last_word(text, SEQUENCE_WORDS), _last_word(text, NON_SEQUENCE_WORDS)
    if seq < 0 and non < 0:
        return None
    return seq > non


def _marked_steps(items: Sequence[ListItem]) -> bool:
    heads = [(it.term or "") + it.text for it in items]
    if len(heads) < 3:
        return False
    first = heads[0].lstrip().startswith(_FIRST_MARKERS)
    last = heads[-1].lstrip().startswith(_LAST_MARKERS)
    middle = sum(1 for h in heads[1:-1] if h.lstrip().startswith(_LATER_MARKERS))
    return first and (last or middle >= 1)


def is_sequence(section: Section) -> bool:
    """Does this list describe steps in order? Labels 步骤/流程/过程, a lead such as
    主要包括以下几个步骤, or items that start with 首先 … 然后 … 最后. Never lists of aspects,
    uses, advantages, principles or solutions, whatever their items say."""
    if section.kind is SectionKind.STEPS:
        return True
    if section.kind in NEVER_ORDERED_KINDS:
        return False
    by_lead = lead_says_sequence(section.lead) if section.lead else None
    if by_lead is not None:
        return by_lead
    by_label = lead_says_sequence(section.label)
    if by_label is not None:
        return by_label
    return _marked_steps(section.items)


def list_class(section: Section) -> str:
    """Lists of one class can lend each other distractors (applications with applications)."""
    if is_sequence(section) or section.kind is SectionKind.IMPLEMENTATION:
        return "steps"
    by_kind = {
        SectionKind.PRINCIPLE: "principle",
        SectionKind.APPLICATION: "application",
        SectionKind.ADVANTAGE: "advantage",
        SectionKind.DISADVANTAGE: "disadvantage",
        SectionKind.SOLUTION: "solution",
        SectionKind.FEATURE: "feature",
        SectionKind.EXAMPLE: "example",
    }
    if section.kind in by_kind:
        return by_kind[section.kind]
    lead = section.lead or section.label
    if _last_word(lead, ("方面", "作用", "意义")) >= 0:
        return "aspect"
    if _last_word(lead, ("优点", "优势")) >= 0:
        return "advantage"
    if _last_word(lead, ("应用", "用途", "场景")) >= 0:
        return "application"
    if _last_word(lead, ("类型", "种类", "常见", "包括")) >= 0:
        return "types"
    return f"other:{section.label}"


_LEAD_TAIL_RE = re.compile(
    r"(?:主要|通常|一般|大致|大体)?(?:体现在|包括|包含|分为|有|如下)(?:以下|下列|如下)?"
    r"(?:几个|几种|几类|几点|几|的)?(?P<noun>方面|步骤|部分|阶段|环节|种|类|点)?[:：]?\s*$"
)


def lead_phrase(section: Section) -> str:
    """The lead without its trailing colon: CNN 在图像识别中的作用主要体现在以下几个方面."""
    return section.lead.strip().rstrip("：:。 ").strip()


def category_phrase(section: Section, subject: Subject | None, q: Question) -> str:
    """What the list's members are: 生成对抗网络（GAN）的应用 / CNN 在图像识别中的作用."""
    lead = section.lead.strip()
    if lead and len(lead) <= 60 and "\n" not in lead:
        m = _LEAD_TAIL_RE.search(lead)
        if m and m.start() >= 2:
            head = lead[: m.start()].strip().rstrip("，,")
            noun = m.group("noun") or ""
            if noun in ("步骤", "阶段", "环节"):
                # 深度学习模型在图像识别中的应用 -> …的应用步骤
                return (
                    f"{head}{noun}" if head.endswith(("应用", "过程", "流程", "实现")) else f"{head}的{noun}"
                )
            return head
    owner = subject.display if subject else quoted(q.title)
    return f"{owner}的{section.label}"


def usable_text(text: str) -> bool:
    return (
        bool(text.strip())
        and "\n" not in text.strip()
        and "```" not in text
        and len(text) <= MAX_OPTION_CHARS
    )


# ---------------------------------------------------------------------------- the analysis


@dataclass(frozen=True)
class Piece:
    """One list item somewhere in the bank, with everything a distractor check needs."""

    qid: str
    group: str  # id of the duplicate group (the original question's id)
    section: int  # index into the question's sections
    index: int  # 0-based index in the list
    term: str | None
    text: str
    cls: str

    @property
    def key(self) -> str:
        return f"{self.qid}/{self.section}/{self.index}"


@dataclass(frozen=True)
class QInfo:
    q: Question  # as item text (`quizgen.generate.plain`)
    group: str
    subject: Subject | None
    raw: Question  # as written in the bank (Markdown), for reading its structure


@dataclass(frozen=True, eq=False)  # hashed by identity: per-analysis caches key on it
class Analysis:
    bank: Bank  # as item text (`quizgen.generate.plain`): what every generator reads
    questions: list[QInfo]  # unique questions (duplicates skipped), bank order
    info: dict[str, QInfo]
    pieces: list[Piece]  # list items of unique questions
    by_class: dict[str, list[Piece]]
    pieces_by_key: dict[str, Piece]
    group_of: dict[str, str]  # every question id (duplicates too) -> its group id
    related: dict[str, frozenset[str]]  # qid -> ids of related questions (incl. itself)
    # Questions whose subject is an umbrella for much of the bank (神经网络, 深度学习): what their
    # answers say is partly true of most other subjects, so it never stands against them.
    umbrella: frozenset[str]
    vocabulary: tuple[str, ...]  # bank terms, subject names and aliases (jieba user words)
    facts: dict[str, tuple[Fact, ...]]  # qid -> what its answer states (`quizgen.generate.facts`)
    names: frozenset[str]  # the bank's terms, loosely normalised: list terms, emphasised, shared phrases
    skipped_duplicates: int = 0
    skipped_no_answer: int = 0

    def names_for(self, qid: str) -> tuple[str, ...]:
        s = self.info[qid].subject
        return s.names if s else ()

    def all_names_for(self, qid: str) -> tuple[str, ...]:
        """Names and the shorter core forms (池化 for 池化操作)."""
        s = self.info[qid].subject
        return s.names + s.cores if s else ()


def _group_of(q: Question, bank: Bank) -> str:
    seen: set[str] = set()
    cur = q
    while cur.duplicate_of and cur.duplicate_of not in seen:
        seen.add(cur.id)
        nxt = bank.get(cur.duplicate_of)
        if nxt is None:
            break
        cur = nxt
    return cur.id


@functools.lru_cache(maxsize=8)
def analyze(raw_bank: Bank) -> Analysis:
    from quizgen.generate.plain import plain_bank

    bank = plain_bank(raw_bank)
    raw = {q.id: q for q in raw_bank.questions}
    unique = [q for q in bank.questions if q.duplicate_of is None]
    infos = [QInfo(q=q, group=_group_of(q, bank), subject=subject_of(q), raw=raw[q.id]) for q in unique]
    facts, names = _read_facts(infos)
    # what prose says as a list (包括A、B和C; 首先…然后…最后) is read as one
    infos = [
        replace(
            qi, q=replace(qi.q, sections=qi.q.sections + fact_sections(facts.get(qi.q.id, ()), qi.q.title))
        )
        for qi in infos
    ]
    info = {i.q.id: i for i in infos}
    pieces: list[Piece] = []
    for qi in infos:
        for si, s in enumerate(qi.q.sections):
            if not s.items or s.kind is SectionKind.OPTIONS:
                continue
            cls = list_class(s)
            for ii, it in enumerate(s.items):
                pieces.append(Piece(qi.q.id, qi.group, si, ii, it.term, it.text, cls))
    by_class: dict[str, list[Piece]] = {}
    for p in pieces:
        by_class.setdefault(p.cls, []).append(p)
    related = _related(infos)
    umbrella = _umbrella(infos)
    vocab: list[str] = []
    for qi in infos:
        if qi.subject:
            vocab.extend(qi.subject.names)
            vocab.extend(qi.subject.cores)
        for g in qi.q.aliases:
            vocab.extend(g)
    vocab.extend(p.term for p in pieces if p.term and len(p.term) <= 12)
    return Analysis(
        bank=bank,
        questions=infos,
        info=info,
        pieces=pieces,
        by_class=by_class,
        pieces_by_key={p.key: p for p in pieces},
        group_of={q.id: _group_of(q, bank) for q in bank.questions},
        related=related,
        umbrella=umbrella,
        vocabulary=tuple(_uniq_longest_first(vocab)),
        facts=facts,
        names=names,
        skipped_duplicates=len(bank.questions) - len(unique),
        skipped_no_answer=sum(1 for q in unique if not q.has_answer),
    )


def bank_names(infos: Sequence[QInfo]) -> list[str]:
    """The bank's own terms: subjects, aliases, list terms and what answers set in bold or
    underline (2-16 characters)."""
    from quizgen.markup import blocks

    out: list[str] = []
    for qi in infos:
        if qi.subject:
            out.extend(qi.subject.names)
        for g in qi.q.aliases:
            out.extend(g)
        for s in qi.q.sections:
            if s.kind is not SectionKind.OPTIONS:
                out.extend(it.term for it in s.items if it.term and 2 <= len(it.term) <= 16)
        for b in blocks(qi.raw.answer):
            out.extend(e for e in b.emphasis if 2 <= len(e) <= 16)
    return out


def _read_facts(infos: Sequence[QInfo]) -> tuple[dict[str, tuple[Fact, ...]], frozenset[str]]:
    """The facts of every open question's answer (the notes' own objective questions are asked
    as written, never read), and the bank's terms they were read with (loosely normalised)."""
    from quizgen.generate.facts import noun_phrases, read_facts
    from quizgen.text import add_words

    names = bank_names(infos)
    add_words(names)  # bank terms stay one word for jieba
    # noun phrases several answers use (方向分类器): the bank's own terms, though nobody set them in bold
    df: Counter[str] = Counter()
    for qi in infos:
        df.update(noun_phrases(qi.q.answer))
    shared = [p for p, k in df.items() if 2 <= k <= max(3, len(infos) // 10)]
    add_words(shared)
    normed = frozenset(normalize_loose(n) for n in [*names, *shared] if normalize_loose(n))
    facts = {
        qi.q.id: read_facts(qi.raw, normed, title=qi.q.title)
        for qi in infos
        if qi.q.kind is QuestionKind.OPEN and not qi.q.options and qi.q.has_answer
    }
    return facts, normed


_GENUS_RE = re.compile(r"(?:是指|是一种|是一个|是)(?P<g>[^，。；]{2,40})")
_GENUS_NOISE_RE = re.compile(r"一种|一个|用于|专门|的|技术|方法|模型|操作|结构|组件|关键|传统|能够|可以")


def genus(answer: str) -> str:
    """What kind of thing the answer says its subject is: 用于防止过拟合的方法 -> 防止过拟合."""
    first = sentences(answer)[0] if answer.strip() else ""
    m = _GENUS_RE.search(first)
    return normalize_loose(_GENUS_NOISE_RE.sub("", m.group("g"))) if m else ""


def _related(infos: Sequence[QInfo]) -> dict[str, frozenset[str]]:
    """Questions whose subjects overlap, so that content about one may be true of the other
    and never serves as a distractor for it: one name contains the other (自编码器 /
    变分自编码器), one answer names the other subject (LSTM's answer names RNN), or both
    answers define their subject as the same kind of thing (正则化方法 and dropout技术 are
    both 用于防止过拟合的方法)."""
    out: dict[str, set[str]] = {i.q.id: {i.q.id} for i in infos}
    genera = {i.q.id: genus(i.q.answer) for i in infos}
    for a in infos:
        for b in infos:
            if a is b or a.subject is None or b.subject is None:
                continue
            all_a = a.subject.names + a.subject.cores
            all_b = b.subject.names + b.subject.cores
            na = [normalize_loose(n) for n in all_a if len(normalize_loose(n)) >= 2]
            nb = [normalize_loose(n) for n in all_b if len(normalize_loose(n)) >= 2]
            overlap = any(x in y or y in x for x in na for y in nb)
            # Core forms of two characters (卷积 for 卷积操作) are too common to count as a mention.
            say_a = a.subject.names + tuple(c for c in a.subject.cores if len(c) >= 3)
            say_b = b.subject.names + tuple(c for c in b.subject.cores if len(c) >= 3)
            ga, gb = genera[a.q.id], genera[b.q.id]
            alike_genus = bool(ga and gb) and (
                (min(len(ga), len(gb)) >= 3 and (ga in gb or gb in ga)) or similarity(ga, gb) >= 0.5
            )
            if overlap or alike_genus or mentions(a.q.answer, say_b) or mentions(b.q.answer, say_a):
                out[a.q.id].add(b.q.id)
                out[b.q.id].add(a.q.id)
    return {k: frozenset(v) for k, v in out.items()}


UMBRELLA_SHARE = 0.3


def _umbrella(infos: Sequence[QInfo]) -> frozenset[str]:
    """Subjects named in at least UMBRELLA_SHARE of the other questions' texts."""
    out: set[str] = set()
    n = max(1, len(infos) - 1)
    for a in infos:
        if a.subject is None:
            continue
        named = sum(1 for b in infos if b is not a and mentions(b.q.reference_text(), a.subject.names))
        if named >= 3 and named / n >= UMBRELLA_SHARE:
            out.add(a.q.id)
    return frozenset(out)


def list_sections(q: Question) -> Iterator[tuple[int, Section]]:
    """(index, section) of the question's lists, a choice question's own options excepted."""
    for si, s in enumerate(q.sections):
        if s.items and s.kind is not SectionKind.OPTIONS:
            yield si, s


def list_items(q: Question, si: int) -> tuple[ListItem, ...]:
    return q.sections[si].items


def item_line(it: ListItem) -> str:
    return f"{it.term}：{it.text}" if it.term else it.text


# ---------------------------------------------------------------------------- items


def item_id(typ: ItemType, qid: str, stem: str, options: Iterable[str], key: Iterable[str]) -> str:
    """Stable id from content: the same item gets the same id whatever the option order."""
    return content_hash(
        typ.value, qid, normalize(stem), "\x1e".join(sorted(normalize(o) for o in options)), "\x1e".join(key)
    )


def place_key(rng: random.Random, key: str, distractors: Sequence[str]) -> tuple[tuple[str, ...], str]:
    """Options with the key at a uniformly random position; returns (options, key letter)."""
    others = list(distractors)
    rng.shuffle(others)
    pos = rng.randrange(len(others) + 1)
    opts = [*others[:pos], key, *others[pos:]]
    return tuple(opts), LETTERS[pos]


def make_item(
    typ: ItemType,
    q: Question,
    stem: str,
    answer: Sequence[str],
    *,
    options: Sequence[str] = (),
    left: Sequence[str] = (),
    accept: Sequence[str] = (),
    key_points: Sequence[str] = (),
    explanation: str = "",
    section: str | None = None,
    index: int | None = None,
    id_key: Sequence[str] | None = None,
    meta: dict[str, object] | None = None,
    authored: bool = False,
) -> Item:
    key = list(id_key) if id_key is not None else list(answer)
    return Item(
        id=item_id(typ, q.id, stem, list(options) + list(left), key),
        type=typ,
        question_id=q.id,
        stem=stem,
        answer=tuple(answer),
        options=tuple(options),
        left=tuple(left),
        accept=tuple(accept),
        key_points=tuple(key_points),
        explanation=explanation,
        points=POINTS[typ],
        source=ItemSource(number=q.number, section=section, index=index, authored=authored),
        meta=dict(meta or {}),
    )


def fact_key(term: str) -> str:
    """The bank-wide name of a fact about `term` (width, case, spaces and punctuation ignored)."""
    return loose(strip_parens(term) or term)


def term_keys(*names: str) -> frozenset[str]:
    """`Plan.keys` of an item that asks about a term written any of these ways (its aliases and
    shorter forms): a fill on 嵌套查询 and a choice on 嵌套查询 are one fact, whichever generator
    or question they come from."""
    return frozenset(k for k in (fact_key(n) for n in names if n.strip()) if k)


def same_kind(a: str, b: str) -> bool:
    """Could `b` take `a`'s place in a statement and still read as a statement about the same kind
    of thing? Chinese names end with what they are (残差网络 / 循环神经网络, 副反应 / 变态反应,
    dropout技术 / 批量归一化技术): their last Chinese characters agree. Latin names (TPS, CRNN)
    only with Latin names. 开关现象 put into a drug's definition, or 过拟合问题 into a model's, is
    false only as nonsense is."""

    def kind(name: str) -> str:
        cjk = [ch for ch in strip_parens(name) or name if is_cjk(ch)]
        return cjk[-1] if cjk else ""

    return kind(a) == kind(b)


def options_distinct(options: Sequence[str]) -> bool:
    """No two options equal after normalising width, case and spaces (`105` and `"105"` differ)."""
    norm = [normalize(o) for o in options]
    return len(set(norm)) == len(norm) and all(norm)


def is_latin(text: str) -> bool:
    return not any(is_cjk(ch) for ch in text)


# ---------------------------------------------------------------------------- plans


# (rng, option texts the quiz shows already) -> the item; see `distractors.pick`.
Build = Callable[[random.Random, Set[str]], Item]


@dataclass(frozen=True)
class Plan:
    """A candidate item, ready to be built with the caller's rng (option order, which
    distractors of the best few). `fact` names what it tests within its question, so one quiz
    does not ask the same thing twice: ``<qid>/def``, ``<qid>/<section>`` (a whole list) or
    ``<qid>/<section>/<index>`` (one list item); `keys` name it across the bank (`fact_key`)."""

    type: ItemType
    qid: str
    fact: str
    build: Build
    priority: int = 0  # lower is preferred within a question and type; < 0: the notes' own question
    # What the item asks about, bank-wide (normalised terms: 用户体验): a fill and a choice on one
    # term test one fact, whichever question or list they come from.
    keys: frozenset[str] = frozenset()


@dataclass
class Tally:
    """Rejections while planning, per item type and reason (for the report)."""

    items: Counter[tuple[ItemType, Reason]] = field(default_factory=Counter)
    distractors: Counter[tuple[ItemType, Reason]] = field(default_factory=Counter)

    def reject(self, typ: ItemType, reason: Reason, n: int = 1) -> None:
        self.items[(typ, reason)] += n

    def add_distractors(self, typ: ItemType, counts: Counter[Reason]) -> None:
        for r, n in counts.items():
            self.distractors[(typ, r)] += n


# ---------------------------------------------------------------------------- confusable pairs

# Two clauses this alike (rapidfuzz ratio, after normalising) say the same thing: 可以构建非常深的
# 网络结构 / 可以构建深层的网络结构 (87), 降低了计算复杂度 / 降低了后续计算操作的复杂度 (76),
# 使得神经网络在训练过程中具有… / 使得神经网络在训练过程中能够… (63).
CLAUSE_RATIO = 60
MIN_CLAUSE = 4
# Verbs of a heading that tell nothing apart (提高计算效率, 减少参数数量): the nouns do.
GENERIC_VERBS = frozenset(
    {"提高", "减少", "增加", "增强", "降低", "避免", "优化", "实现", "使用", "进行", "缓解", "加快", "引入"}
)
_CLAUSE_SPLIT_RE = re.compile(r"[，,；;。、：:！!？?\x00\n]")


@functools.lru_cache(maxsize=65536)
def clauses(text: str) -> tuple[str, ...]:
    """The clauses of a text (split at punctuation), loosely normalised, 4+ characters."""
    out = (loose(c) for c in _CLAUSE_SPLIT_RE.split(text))
    return tuple(c for c in out if len(c) >= MIN_CLAUSE)


@functools.lru_cache(maxsize=65536)
def shares_clause(a: str, b: str) -> bool:
    """Do `a` and `b` have a clause that says nearly the same thing?"""
    return any(fuzz.ratio(x, y) >= CLAUSE_RATIO for x in clauses(a) for y in clauses(b))


def common_threshold(n: int) -> int:
    """In how many of a list's `n` descriptions a word must occur to be part of the list's common
    frame (训练 in three of GAN's four principles) rather than tell two apart."""
    return max(3, n // 2 + 1)


@dataclass(frozen=True)
class ListContext:
    """A list's descriptions with the subject's names masked (残差网络 in every advantage of
    ResNet is no clue), to tell which words are common to most of them."""

    names: tuple[str, ...]
    texts: tuple[str, ...]

    def masked(self, text: str) -> str:
        return mask(text, self.names, token="\x00") if self.names else text

    def common(self, word: str) -> bool:
        w = loose(word)
        return bool(w) and sum(1 for t in self.texts if w in loose(t)) >= common_threshold(len(self.texts))


def list_context(texts: Sequence[str], names: Sequence[str]) -> ListContext:
    ns = tuple(n for n in names if len(loose(n)) >= 2)
    return ListContext(names=ns, texts=tuple(mask(t, ns, token="\x00") if ns else t for t in texts))


def telling_words(term: str, other_term: str | None, ctx: ListContext) -> list[str]:
    """The words of `term` that could tell its description from another's: not words of
    `other_term`, not common to the list, not a generic verb (提高, 减少), 2+ characters."""
    other = set(term_words(other_term)) if other_term else set()
    return [
        w
        for w in term_words(term)
        if w not in other and w not in GENERIC_VERBS and len(loose(w)) >= 2 and not ctx.common(w)
    ]


def confusable(term_i: str, desc_i: str, term_j: str | None, desc_j: str, ctx: ListContext) -> bool:
    """Could `desc_j` (another item's description) be argued to describe `term_i` about as well
    as `desc_i`, its own? Yes when `desc_j` names more of the term's telling words than `desc_i`
    (参数数量's …从而提高模型的分类性能 for 优化性能), or when the two share a clause that says
    nearly the same thing and `desc_i` has no telling word of the term that `desc_j` lacks
    (训练速度加快's 可以构建深层的网络结构 beside 增加网络深度's 可以构建非常深的网络结构;
    减少参数数量's 降低了计算复杂度 beside 提高计算效率's 降低了后续计算操作的复杂度)."""
    di, dj = loose(ctx.masked(desc_i)), loose(ctx.masked(desc_j))
    words = [loose(w) for w in telling_words(term_i, term_j, ctx)]
    if words:
        cover_i = sum(1 for w in words if w in di)
        cover_j = sum(1 for w in words if w in dj)
        if cover_j > cover_i:
            return True
    if not shares_clause(ctx.masked(desc_i), ctx.masked(desc_j)):
        return False
    return not any(w in di and w not in dj for w in words)
