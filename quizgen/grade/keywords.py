"""The keyword part of the grader: normalisation, aliases, character n-gram recall, teacher rules.

Everything here is pure Python (rapidfuzz for typo tolerance), so keyword-only grading runs at
thousands of answers a second. Key points and their alignment are in ``quizgen.grade.align``.

Measured on the human-scored sets in ``../shared/eval`` (see ``benchmarks/bench_grade.py``):

- character-unigram recall of the reference is the strongest lexical signal on Chinese answers;
- *question demotion* (reference characters that already occur in the question count for nothing:
  a reference that restates the question, "配送的种类按专业化程度分类，分为综合配送、专业配送", is
  graded on 综合配送、专业配送) lifts LE from 0.65 to 0.88 Pearson and leaves the others unchanged;
- keeping comparison symbols and decimal points (``p > 0.05`` vs ``p < 0.05``) and reading 大于/小于
  as >/< helps the statistics set (SR) and hurts nothing.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from quizgen.bank import Grading
from quizgen.text import normalize

if TYPE_CHECKING:
    from quizgen.grade.align import Point

_BR_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
# Meaningless for matching: spaces and punctuation of both widths (after NFKC). Kept on purpose:
# < > = % + and a decimal point between digits, which carry meaning in technical answers.
_DROP_RE = re.compile(
    r"[\s,;:!?'\"`()\[\]{}/\\|\-_*#~^&$、，。；：！？“”‘’（）【】《》〈〉「」『』…—·・]+|(?<!\d)\.|\.(?!\d)"
)
# Comparison words and their symbols are the same token for matching (longest first).
_SYMBOL_WORDS: tuple[tuple[str, str], ...] = (
    ("大于或等于", "≥"),
    ("小于或等于", "≤"),
    ("大于等于", "≥"),
    ("小于等于", "≤"),
    (">=", "≥"),
    ("<=", "≤"),
    ("不等于", "≠"),
    ("!=", "≠"),
    ("大于", ">"),
    ("高于", ">"),
    ("超过", ">"),
    ("小于", "<"),
    ("低于", "<"),
    ("等于", "="),
)
_SYMBOL_RE = re.compile("|".join(re.escape(w) for w, _ in _SYMBOL_WORDS))
_SYMBOL_MAP = dict(_SYMBOL_WORDS)

# Typo tolerance: a term of 4+ characters matches when rapidfuzz's partial_ratio against a clause
# reaches this (one wrong character in 卷积神经网络 scores 83; unrelated terms stay below 60).
FUZZY_MIN_LEN = 4
FUZZY_CUTOFF = 75.0
# A teacher's required or forbidden term of a sentence's length counts as present when this share
# of its characters is.
LONG_TERM = 8
LONG_COVERAGE = 0.7

# Words that make a string of terms a sentence: a keyword salad (``数据结构 后进先出 栈``) has none.
_FUNCTION_TEXT = (
    "的 了 是 在 和 与 及 或 等 为 对 而 被 把 就 也 都 这 那 其 之 以 "
    "于 从 由 中 上 下 个 一 有 可以 可 能 会 使 将 并 通过 进行 以及 如 "
    "如果 因为 所以 因此 由于 一种 一个 主要 包括 什么 哪些 哪几个 哪个 如何 "
    "怎样 为什么 是否 分为 可分为 方面 类型 作用 概念 用于 具有 利用 使用 采用 "
    "实现 提高 得到 需要 不同 各种 这些 那些 它们 它 我们 我 你 他 她 即 则 "
    "但 但是 而且 并且 或者 还 很 非常 比较 更 最 所 着 过 吗 呢 吧 啊 从而 "
    "其中 之间 相关 对于 关于 根据 按照 按 没有 不 没 无 无法 不能 不是 非 未 "
    "就是 称为 叫做 表示 说明 认为 可视为 于是"
)
FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())


def grade_norm(text: str) -> str:
    """The comparison form of an answer: width/case folded, punctuation and spaces dropped,
    comparison words as symbols. ``"P 值＞0.05。"`` -> ``"p值>0.05"``."""
    t = normalize(_BR_RE.sub(" ", text))
    t = _SYMBOL_RE.sub(lambda m: _SYMBOL_MAP[m.group(0)], t)
    return _DROP_RE.sub("", t)


class AliasMap:
    """Rewrites every name of an alias group to the group's first name, so that an answer that
    says CNN matches a reference that says 卷积神经网络 (and the other way round)."""

    def __init__(self, groups: Iterable[Iterable[str]] = ()) -> None:
        mapping: dict[str, str] = {}
        for group in groups:
            names = [n for n in (grade_norm(x) for x in group) if n]
            if len(names) < 2:
                continue
            canon = names[0]
            for n in names:
                mapping.setdefault(n, canon)
        self.mapping = mapping
        self._re: re.Pattern[str] | None = None
        self._repeat: re.Pattern[str] | None = None
        if mapping:
            names = sorted(mapping, key=len, reverse=True)
            self._re = re.compile("|".join(re.escape(n) for n in names))
            canons = sorted(set(mapping.values()), key=len, reverse=True)
            # 卷积神经网络（CNN） -> one mention, not two
            self._repeat = re.compile("(" + "|".join(re.escape(c) for c in canons) + r")\1+")

    def __bool__(self) -> bool:
        return bool(self.mapping)

    @functools.cached_property
    def key(self) -> tuple[tuple[str, str], ...]:
        """What the map does, hashable: two maps with the same key normalise alike."""
        return tuple(sorted(self.mapping.items()))

    def apply(self, norm_text: str) -> str:
        if self._re is None or self._repeat is None:
            return norm_text
        t = self._re.sub(lambda m: self.mapping[m.group(0)], norm_text)
        return self._repeat.sub(r"\1", t)

    def variants(self, norm_text: str) -> tuple[str, ...]:
        """Every spelling of a term (itself plus the names of its group)."""
        canon = self.apply(norm_text)
        names = {n for n, c in self.mapping.items() if c == canon}
        return (norm_text, *sorted(names - {norm_text}))


_EMPTY_ALIASES = AliasMap()


def _bigrams(s: str) -> Counter[str]:
    return Counter(s[i : i + 2] for i in range(len(s) - 1))


def _clipped_overlap(want: Counter[str], have: Counter[str]) -> int:
    return sum(min(c, have[k]) for k, c in want.items() if k in have)


@dataclass(frozen=True)
class Term:
    text: str  # as shown to people
    norm: str  # comparison form (aliases applied)


@dataclass(frozen=True)
class Reference:
    """A reference answer prepared once for any number of answers."""

    text: str
    question: str
    norm: str
    question_norm: str  # the question's comparison form, aliases applied
    content: Counter[str]  # reference characters that are not in the question (multiset)
    content_len: int
    bigrams: Counter[str]
    question_chars: frozenset[str]
    points: tuple[Point, ...]
    required: tuple[Term, ...]
    forbidden: tuple[Term, ...]
    aliases: AliasMap


@dataclass(frozen=True)
class Lexical:
    """Keyword features of one answer against one reference (all in 0..1 unless said)."""

    recall: float  # question-demoted character-unigram recall
    recall2: float  # the same for character bigrams
    precision: float  # share of the answer's (non-question) characters found in the reference
    length_ratio: float  # answer content length / reference content length, capped at 3
    required_missing: tuple[str, ...]
    forbidden_found: tuple[str, ...]


def _term(text: str, aliases: AliasMap) -> Term | None:
    norm = aliases.apply(grade_norm(text))
    return Term(text.strip(), norm) if norm else None


@functools.lru_cache(maxsize=8192)
def prepare_reference(
    reference: str,
    question: str = "",
    key_points: tuple[str, ...] = (),
    aliases: tuple[tuple[str, ...], ...] = (),
    grading: Grading | None = None,
) -> Reference:
    """Normalise a reference once: demoted character counts, key points and rules."""
    from quizgen.grade.align import reference_points

    amap = AliasMap(aliases) if aliases else _EMPTY_ALIASES
    norm = amap.apply(grade_norm(reference))
    qnorm = amap.apply(grade_norm(question)) if question else ""
    qchars = frozenset(qnorm)
    content = "".join(c for c in norm if c not in qchars) or norm
    req = [k for k in (_term(t, amap) for t in (grading.required if grading else ())) if k is not None]
    forb = [k for k in (_term(t, amap) for t in (grading.forbidden if grading else ())) if k is not None]
    return Reference(
        text=reference,
        question=question,
        norm=norm,
        question_norm=qnorm,
        content=Counter(content),
        content_len=len(content),
        bigrams=_bigrams(content),
        question_chars=qchars,
        points=reference_points(reference, question, key_points, amap),
        required=tuple(req),
        forbidden=tuple(forb),
        aliases=amap,
    )


def term_present(term: Term, answer_norm: str, answer_chars: Counter[str], aliases: AliasMap) -> bool:
    """Whether an answer mentions a teacher's term: exactly, under an alias, with a typo, or (for a
    sentence-long term) with most of its characters."""
    for v in aliases.variants(term.norm) if aliases else (term.norm,):
        if v in answer_norm:
            return True
    n = len(term.norm)
    if n >= LONG_TERM:
        have = _clipped_overlap(Counter(term.norm), answer_chars)
        return have / n >= LONG_COVERAGE
    if n >= FUZZY_MIN_LEN and reordered(term.norm, answer_norm):
        return True
    if n >= FUZZY_MIN_LEN and len(answer_norm) >= n - 1:
        from rapidfuzz import fuzz

        return fuzz.partial_ratio(term.norm, answer_norm, score_cutoff=FUZZY_CUTOFF) > 0
    return False


def reordered(term: str, text: str) -> bool:
    """The term with its two halves swapped (特征提取 / 提取特征, 参数共享 / 共享参数): a common
    word order in Chinese answers. Only whole halves of two or more characters: the characters of
    专业配送 next to each other in 配送专业化 are no mention of it."""
    n = len(term)
    return any(term[k:] + term[:k] in text for k in range(2, n - 1))


def lexical(ref: Reference, answer: str, answer_norm: str | None = None) -> Lexical:
    """Keyword features of `answer` against a prepared reference (`answer_norm`: its comparison
    form with the reference's aliases applied, when already known)."""
    a = answer_norm if answer_norm is not None else ref.aliases.apply(grade_norm(answer))
    achars = Counter(a)
    recall = _clipped_overlap(ref.content, achars) / ref.content_len if ref.content_len else 0.0
    recall2 = (
        _clipped_overlap(ref.bigrams, _bigrams(a)) / max(1, ref.content_len - 1)
        if ref.content_len > 1
        else recall
    )
    own = (
        Counter({c: n for c, n in achars.items() if c not in ref.question_chars})
        if ref.question_chars
        else achars
    )
    own_len = sum(own.values())
    precision = _clipped_overlap(own, ref.content) / own_len if own_len else 0.0
    req_missing = tuple(k.text for k in ref.required if not term_present(k, a, achars, ref.aliases))
    forb = tuple(k.text for k in ref.forbidden if term_present(k, a, achars, ref.aliases))
    return Lexical(
        recall=recall,
        recall2=recall2,
        precision=precision,
        length_ratio=min(3.0, own_len / ref.content_len) if ref.content_len else 0.0,
        required_missing=req_missing,
        forbidden_found=forb,
    )
