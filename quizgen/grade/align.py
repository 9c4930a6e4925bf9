"""Key-point alignment: the reference as key points, the answer as clauses, each key point aligned
to the answer's best phrase, contradictions on the aligned pairs, and the guards.

- **Key points** (`reference_points`): the bank's list terms and a teacher's required points
  (`given`), then the reference's own list items (``分为综合配送、专业配送``, ``优点——运量大、运费低``)
  and its sentences (split at ``。；`` and, when long, at ``，``). What the question already says
  counts for nothing (``配送的种类按配送专业化程度分类`` is context, not a point).
- **Alignment** (`align`): a term is matched in one clause of the answer (exactly, by an alias, in
  another word order, or with a typo); a sentence by the share of its characters found in the
  best run of neighbouring clauses no longer than about one and a half times the point. A bag of
  the reference's words spread over the answer therefore matches a term or two, not a sentence.
- **Contradictions** (`quizgen.grade.contradict`) on every aligned pair, and swapped roles
  (``A是X，B是Y`` answered ``A是Y，B是X``). A contradicted point earns nothing. A fuzzy match never
  counts 先进先出 as 后进先出: the typo tolerance is checked for contradictions too.
- **Guards**: an answer that mostly copies the question (`copied_question`), and one with no
  sentence structure, the reference's words as a list (`keyword_salad`).

Everything here is linear in the answer's length: long clauses are cut into bounded pieces and each
point is slid over the pieces once.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from quizgen.grade.contradict import Checker, Conflict, Contradictions, Texts
from quizgen.grade.keywords import (
    FUZZY_CUTOFF,
    FUZZY_MIN_LEN,
    AliasMap,
    grade_norm,
    reordered,
)

# A point counts as matched from this strength on (share of its characters, or a typo's ratio).
MATCH_AT = 0.7
# A term's characters in one clause: most of them name it (减少参数 for 减少参数数量).
TERM_MATCH_AT = 0.6
# The window a sentence point may spread over: this many times its length, plus SLACK characters.
SPAN_FACTOR = 1.6
SPAN_SLACK = 8
# Clauses longer than this (in comparison form) are cut into pieces of PIECE characters for
# sentence alignment, so a wall of text without punctuation stays linear and local.
LONG_CLAUSE = 64
PIECE = 32
# Terms: at most this long (comparison form) to count as a list item rather than a sentence.
TERM_MAX = 12
# Sentences longer than this are split at commas into points of at least SENTENCE_MIN characters.
SENTENCE_SPLIT = 28
SENTENCE_MIN = 8
# Checks for contradictions and swapped roles run on pairs aligned at least this well.
CHECK_AT = 0.45
# An answer is a copy of the question when this share of it is the question, in order.
COPY_SHARE = 0.7
# Two references share this share of their characters: the same answer (not another question's).
SAME_ANSWER = 0.5

_STRONG_RE = re.compile(r"<br\s*/?>|[。！？!?；;\n\r]+|(?<!\d)\.(?!\d)", re.IGNORECASE)
_COMMA_RE = re.compile(r"[，,]")
# A comma before these starts a new statement even in a short sentence (…调用构造函数，而函数需要…).
_TURN_RE = re.compile(r"[，,](?=而且|而|但是|但|然而|因此|所以|因为|否则|并且)")
# Separators of answer clauses: punctuation, list markers, a space between two Chinese characters.
_CLAUSE_RE = re.compile(
    r"<br\s*/?>|[。！？!?；;，,、：:\n\r\t|]+|…+|—+|－{2,}|-{2,}|(?<!\d)\.(?!\d)"
    r"|[（(]\s*\d{1,2}\s*[)）]|[①-⑳⑴-⒇]|(?<![0-9A-Za-z.])\d{1,2}[、)）](?!\d)"
    r"|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])",
    re.IGNORECASE,
)
_MARKER_RE = re.compile(
    r"^\s*(?:[（(]?\s*\d{1,2}\s*[)）.、]|[①-⑳⑴-⒇]|[一二三四五六七八九十]+[、.]|[-*•·])\s*"
)
# A lead before a list: ``…的四个主要因素：``, ``优点——``.
_LEAD_RE = re.compile(r"^(.{0,40}?)(?:[:：]|——|—|－－)\s*")
_LIST_SEP_RE = re.compile(r"[、，,；;]|以及|及|和|与|或")
# Inside a sentence only 、 (and 和/及/与 before the last item) makes a list: ``分为综合配送、专业配送``.
_INNER_SEP_RE = re.compile(r"、|以及|及|和|与|或")
_LIST_START_RE = re.compile(r"(?<![没不非无未])(?:分为|分成|包括|包含|具有|是指|有|是|为|即|指|的)")
_ETC_RE = re.compile(r"(?:等等?|之类|等方面|等类型|等岗位|等内容)[\u4e00-\u9fff]{0,3}$")
# Roles a question contrasts: ``TCP和UDP有什么区别``, ``顺序表与链表的区别``.
_ROLES_RE = re.compile(
    r"([0-9A-Za-z\u4e00-\u9fff]{1,10}?)(?:和|与|及|、|以及|对比|相比)(?!的)([0-9A-Za-z\u4e00-\u9fff]{1,10}?)"
    r"(?=的|有|之间|在|相比|比较|各|分别|区别|不同|差异|异同|是|哪|什么|$)"
)
_NEG_PREFIX = frozenset("不非无未没")
# A negated copula negates the list after it: 不是指 / 不包括 / 不属于 A、B.
_COPULA_RE = re.compile(r"是指|是|指|包括|包含|属于|为|含")
# Characters that carry nothing of a key point (栈是…的数据结构: 是, 的).
_FILLER = frozenset("的是了在把被将而就也都")


class PointKind(StrEnum):
    TERM = "term"  # a list item or a bank term: named or not
    SENTENCE = "sentence"  # a statement: its characters near each other


@dataclass(frozen=True)
class Point:
    """One key point of a reference."""

    text: str  # as written
    norm: str  # comparison form, aliases applied
    kind: PointKind
    clauses: tuple[str, ...]  # comparison form, clause by clause (negation scope)
    content: Counter[str]  # the characters that carry it: not already in the question
    size: int  # sum of `content`
    role: str = ""  # the thing it is about, when the question contrasts two (TCP / UDP)
    rivals: tuple[str, ...] = ()  # the other things the question contrasts
    lead: str = ""  # what introduces the list it is an item of (``5S：是指``), as written


@dataclass(frozen=True)
class Clause:
    text: str  # as written
    norm: str  # comparison form, aliases applied


@dataclass(frozen=True)
class Answer:
    """An answer prepared for alignment."""

    norm: str  # comparison form of the whole answer, aliases applied
    clauses: tuple[Clause, ...]
    units: tuple[Clause, ...]  # clauses, long ones cut into pieces, for sentence alignment


@dataclass(frozen=True)
class PointMatch:
    point: Point
    status: str  # "matched" | "missed" | "contradicted"
    strength: float  # 0..1; 0 when contradicted
    phrase: str = ""  # the answer's words that matched or contradicted it
    conflict: Conflict | None = None


# ---------------------------------------------------------------------------- reference


def _norm(text: str, aliases: AliasMap) -> str:
    return aliases.apply(grade_norm(text)) if aliases else grade_norm(text)


def _strip_marker(s: str) -> str:
    return _MARKER_RE.sub("", s, count=1).strip()


def _short(norm: str) -> bool:
    return 0 < len(norm) <= TERM_MAX


def _list_items(body: str, aliases: AliasMap, inner: bool = False) -> list[str] | None:
    """The items of ``A、B和C`` when every one is a short phrase; else None. `inner`: a list
    inside a sentence, which needs 、 or a single 和/及/与 (a comma there ends a clause)."""
    if inner and (
        "，" in body or "," in body or ("、" not in body and len(_INNER_SEP_RE.findall(body)) != 1)
    ):
        return None
    parts = [
        _ETC_RE.sub("", _strip_marker(p)).strip()
        for p in (_INNER_SEP_RE if inner else _LIST_SEP_RE).split(body)
    ]
    parts = [p for p in parts if grade_norm(p)]
    if len(parts) < 2 or not all(
        _short(n) and not _has_predicate(n) for n in (_norm(p, aliases) for p in parts)
    ):
        return None
    return parts


def _segment_points(
    seg: str, question: str, aliases: AliasMap, roles: Sequence[str] = ()
) -> list[tuple[str, PointKind, str]]:
    """Key points of one sentence of the reference: (text, kind, the lead of its list)."""
    seg = _strip_marker(seg)
    if not grade_norm(seg):
        return []
    qn = _norm(question, aliases)
    lead, body = "", seg
    m = _LEAD_RE.match(seg)
    if m and len(grade_norm(m.group(1))) <= 40 and grade_norm(seg[m.end() :]):
        lead, body = m.group(1), seg[m.end() :]
        # ``优缺点：优点——运费低、…``: a label inside the body is part of the lead
        m2 = _LEAD_RE.match(body)
        if m2 and len(grade_norm(m2.group(1))) <= 6 and grade_norm(body[m2.end() :]):
            lead, body = lead + "：" + m2.group(1), body[m2.end() :]
    # After a lead (``特点：``) commas separate items; in a plain sentence only 、 does.
    items = _list_items(body, aliases, inner=not lead) if lead else None
    said = lead  # the lead as a point: without the 具有 / 分为 that introduces the list
    if items is None:
        # ``…分为综合配送、专业配送``, ``是指整理、整顿``: a list at the end of a sentence
        for lm in reversed(list(_LIST_START_RE.finditer(body))):
            found = _list_items(body[lm.end() :], aliases, inner=True)
            if found is not None and lm.group(0) == "的" and (len(found) < 3 or "、" not in body[lm.end() :]):
                found = None  # …中的梯度消失和梯度爆炸问题 is a phrase; …的连续性、协调性、均衡性 a list
            if found is not None:
                lead, items = (lead + "：" if lead else "") + body[: lm.end()], found
                said = lead[: len(lead) - (lm.end() - lm.start())].rstrip("，,")
                break
    if items is None and not lead:
        items = _list_items(body, aliases, inner=True)
    out: list[tuple[str, PointKind, str]] = []
    if items is not None:
        # The lead is a point only when it says more than the question and is not a label.
        ln = _norm(said, aliases)
        new = [c for c in ln if c not in set(qn)]
        if len(new) >= SENTENCE_MIN and len(ln) > 6:
            out.append((said.strip(), PointKind.SENTENCE, ""))
        out.extend((it, PointKind.TERM, lead.strip()) for it in items)
        return out
    if lead:
        bn = _norm(body, aliases)
        if _short(bn) and not _has_predicate(bn):
            # ``…的指标：货损货差率`` (the first item of a list written one per sentence)
            return [(body.strip(), PointKind.TERM, lead.strip())]
    text = (lead + "：" + body) if lead else body
    n = _norm(text, aliases)
    if _short(n) and not _has_predicate(n) and not _COMMA_RE.search(text):
        return [(text.strip(), PointKind.TERM, "")]
    return [(p, PointKind.SENTENCE, "") for p in _split_long(text, roles, aliases)]


# What makes a short phrase a statement rather than a term: 栈是线性表 / 线性表.
_PREDICATE_RE = re.compile(r"[是的将把被使让而]|可以|能够|需要|用于|具有|通过|不会|不能|没有")


def _has_predicate(norm: str) -> bool:
    return _PREDICATE_RE.search(norm) is not None


def _split_long(text: str, roles: Sequence[str] = (), aliases: AliasMap | None = None) -> list[str]:
    """A sentence as points of at least SENTENCE_MIN characters: split at a comma before 而, 但,
    因此 ..., a long one at every comma, and one about two contrasted things (TCP是…，UDP是…)
    where the second begins."""
    amap = aliases or AliasMap()
    n = _norm(text, amap)
    if len([r for r in roles if mentions(n, r, roles)]) >= 2:
        out: list[str] = []
        for part in _COMMA_RE.split(text):
            pn = _norm(part, amap)
            if out and not any(mentions(pn, r, roles) for r in roles):
                out[-1] = out[-1] + "，" + part
            else:
                out.append(part)
        return [p.strip() for p in out if grade_norm(p)]
    parts = (_COMMA_RE if len(grade_norm(text)) > SENTENCE_SPLIT else _TURN_RE).split(text)
    out = []
    for part in parts:
        if out and len(grade_norm(out[-1])) < SENTENCE_MIN:
            out[-1] = out[-1] + "，" + part
        else:
            out.append(part)
    if len(out) > 1 and len(grade_norm(out[-1])) < SENTENCE_MIN:
        last = out.pop()
        out[-1] = out[-1] + "，" + last
    return [p.strip() for p in out if grade_norm(p)]


def _question_roles(question: str, reference: str, aliases: AliasMap) -> tuple[str, ...]:
    """The two things a question contrasts (TCP和UDP的区别, 构造函数和函数的区别), as the reference
    writes them."""
    rn = _norm(reference, aliases)
    for m in _ROLES_RE.finditer(question):
        a, b = _norm(m.group(1), aliases), _norm(m.group(2), aliases)
        # ``比较顺序表`` -> ``顺序表``: shrink from the outside until the reference uses it
        while a and a not in rn:
            a = a[1:]
        while b and b not in rn:
            b = b[:-1]
        if a and b and a != b:
            return (a, b)
    return ()


def mentions(text: str, role: str, rivals: Iterable[str]) -> bool:
    """Whether `text` names `role` other than inside a longer rival (函数 in 构造函数)."""
    for r in rivals:
        if role in r and r != role:
            text = text.replace(r, "\x00")
    return role in text


def reference_points(
    reference: str,
    question: str = "",
    given: tuple[str, ...] = (),
    aliases: AliasMap | None = None,
) -> tuple[Point, ...]:
    """The key points of a reference: the given terms first, then its list items and sentences
    (those the given terms do not already name)."""
    amap = aliases or AliasMap()
    qchars = set(_norm(question, amap)) if question else set()
    roles = _question_roles(question, reference, amap) if question else ()
    raw: list[tuple[str, PointKind, str]] = [(g, PointKind.TERM, "") for g in given if grade_norm(g)]
    for seg in _STRONG_RE.split(reference):
        raw.extend(_segment_points(seg, question, amap, roles))
    seen: set[str] = set()
    given_norms = [_norm(g, amap) for g in given]
    out: list[Point] = []
    for text, kind, lead in raw:
        norm = _norm(text, amap)
        if not norm or norm in seen:
            continue
        if (
            kind is PointKind.TERM
            and given
            and norm not in given_norms
            and any(g in norm for g in given_norms)
        ):
            continue  # a list item the bank already names (``特征提取：使用卷积层…`` -> 特征提取)
        # What the question already says, and the words that only glue (的, 是), carry nothing.
        content = Counter(c for c in norm if c not in qchars and c not in _FILLER) or Counter(
            c for c in norm if c not in qchars
        )
        if kind is PointKind.SENTENCE and sum(content.values()) < 2:
            continue  # it only repeats the question
        if not content:
            content = Counter(norm)
        seen.add(norm)
        clauses = tuple(c for c in (_norm(p, amap) for p in _CLAUSE_RE.split(text)) if c)
        mine = [r for r in roles if mentions(norm, r, roles)]
        out.append(
            Point(
                text=text.strip(),
                norm=norm,
                kind=kind,
                clauses=clauses or (norm,),
                content=content,
                size=sum(content.values()),
                role=mine[0] if len(mine) == 1 else "",
                rivals=tuple(r for r in roles if r not in mine) if len(mine) == 1 else (),
                lead=lead,
            )
        )
    return tuple(out)


# ---------------------------------------------------------------------------- answer


# Joins an answer's clauses for one normalisation pass (a private-use character: kept by NFKC,
# dropped by nothing, in no alias).
_SEAM = "\ue000"


def prepare_answer(answer: str, aliases: AliasMap | None = None) -> Answer:
    """The answer as clauses (split at punctuation, list markers and spaces between Chinese
    characters), each in comparison form, normalised in one pass."""
    amap = aliases or AliasMap()
    texts = [_strip_marker(p) for p in _CLAUSE_RE.split(answer)]
    norms = _norm(_SEAM.join(texts), amap).split(_SEAM)
    clauses = tuple(Clause(t, n) for t, n in zip(texts, norms, strict=True) if n)
    units: list[Clause] = []
    for c in clauses:
        if len(c.norm) <= LONG_CLAUSE:
            units.append(c)
        else:
            units.extend(
                Clause(c.norm[i : i + PIECE], c.norm[i : i + PIECE]) for i in range(0, len(c.norm), PIECE)
            )
    return Answer("".join(c.norm for c in clauses), clauses, tuple(units))


# ---------------------------------------------------------------------------- alignment


def _window(point: Point, units: Sequence[Clause], whole: bool = False) -> tuple[float, int, int]:
    """(share of the point's characters, first unit, end unit) of the best run of neighbouring
    units no longer than the point's window. Two pointers: each unit enters and leaves once.
    `whole`: every character of the point counts, also those the question has."""
    want = Counter(point.norm) if whole else point.content
    size = len(point.norm) if whole else point.size
    limit = max(int(len(point.norm) * SPAN_FACTOR), len(point.norm) + SPAN_SLACK)
    have: Counter[str] = Counter()
    got = 0
    length = 0
    best = (0.0, 0, 0)
    j = 0
    for i in range(len(units)):
        if j < i:
            j, have, got, length = i, Counter(), 0, 0
        while j < len(units) and (j == i or length + len(units[j].norm) <= limit):
            for ch in units[j].norm:
                k = want.get(ch)
                if k:
                    have[ch] += 1
                    if have[ch] <= k:
                        got += 1
            length += len(units[j].norm)
            j += 1
        if got / size > best[0]:
            best = (got / size, i, j)
            if got == size:
                break
        for ch in units[i].norm:
            k = want.get(ch)
            if k:
                if have[ch] <= k:
                    got -= 1
                have[ch] -= 1
        length -= len(units[i].norm)
    return best


def _stretch(term: str, clause: str) -> float:
    """How much of a term a clause says in order within about the term's length: the longest
    common subsequence of the term and a window of len(term) + 2 characters, over len(term)
    (减少参数 says 4 of 减少参数数量's 6; 专业配送 is no more than half in 配送专业化)."""
    from rapidfuzz.distance import LCSseq

    n = len(term)
    if not n:
        return 0.0
    chars = set(term)
    best = 0
    for k, ch in enumerate(clause):
        if ch in chars:
            best = max(best, LCSseq.similarity(term, clause[k : k + n + 2]))
            if best == n:
                break
    return best / n


def _trim(point: Point, units: Sequence[Clause], i: int, j: int, whole: bool = False) -> tuple[int, int]:
    """Drop units at either end of a window that add nothing of the point (`whole`: nothing at
    all, not even what the question already says)."""
    have = set(point.norm) if whole else point.content
    while i < j - 1 and not any(ch in have for ch in units[i].norm):
        i += 1
    while j - 1 > i and not any(ch in have for ch in units[j - 1].norm):
        j -= 1
    return i, j


def _phrase(units: Sequence[Clause]) -> str:
    return "，".join(u.text for u in units)


class Aligner:
    """Aligns the key points of a reference with an answer and checks each aligned pair."""

    def __init__(self, table: Contradictions) -> None:
        self.checker = Checker(table)

    def align(
        self,
        points: Sequence[Point],
        answer: Answer,
        reference_norm: str,
        aliases: AliasMap | None = None,
        question_norm: str = "",
    ) -> list[PointMatch]:
        """Each point's match in the answer. Clauses the answer copied from the question say
        nothing of the points (配送专业化程度 copied from the question is no mention of 专业配送)."""
        amap = aliases or AliasMap()
        if question_norm:
            answer = _without(answer, question_norm)
        matches = [self._one(p, answer, reference_norm, amap) for p in points]
        return self._leads(matches, answer, reference_norm)

    def _check(self, p: Point, reference_norm: str, span: Sequence[Clause], a: Answer) -> Conflict | None:
        if p.role:
            # A point about one of two things (TCP) is compared with what the answer says about
            # that thing only: the reference's words for the other (UDP) are fair to contradict.
            about = "".join(c.norm for c in a.clauses if mentions(c.norm, p.role, p.rivals))
            phrase = Texts([u.norm for u in span], _phrase(span), about)
            return self.checker.conflict(Texts(p.clauses, p.text, p.norm), phrase)
        phrase = Texts([u.norm for u in span], _phrase(span), a.norm)
        return self.checker.conflict(Texts(p.clauses, p.text, reference_norm), phrase)

    def _one(self, p: Point, a: Answer, reference_norm: str, amap: AliasMap) -> PointMatch:
        if p.kind is PointKind.TERM:
            m = self._term(p, a, reference_norm, amap)
            if m is not None:
                return m
            # Part of a term counts within one clause, in order: 订单 and 分割 apart are not
            # 订单分割, nor are its characters scattered over a clause.
            share, i, j = max(
                ((_stretch(p.norm, u.norm), k, k + 1) for k, u in enumerate(a.units)), default=(0.0, 0, 0)
            )
        else:
            share, i, j = _window(p, a.units)
        if share <= 0:
            return PointMatch(p, "missed", 0.0)
        conflict: Conflict | None = None
        if p.role:
            share, i, j, conflict = self._about_role(p, a, share, i, j)
        # Checked is the window without the clauses that share nothing with the point: 不是做好
        # 绩效管理的关键 adds nothing new but says 不是. Shown is what matched, or what contradicts.
        if share >= CHECK_AT and conflict is None:
            ci, cj = _trim(p, a.units, i, j, whole=True)
            conflict = self._check(p, reference_norm, a.units[ci:cj], a)
            if conflict is not None:
                return PointMatch(p, "contradicted", 0.0, _phrase(a.units[ci:cj]), conflict)
        if conflict is not None:
            return PointMatch(p, "contradicted", 0.0, _phrase(a.units[i:j]), conflict)
        i, j = _trim(p, a.units, i, j)
        if share >= (TERM_MATCH_AT if p.kind is PointKind.TERM else MATCH_AT):
            return PointMatch(p, "matched", share, _phrase(a.units[i:j]))
        return PointMatch(p, "missed", share)

    @staticmethod
    def _about_role(
        p: Point, a: Answer, share: float, i: int, j: int
    ) -> tuple[float, int, int, Conflict | None]:
        """Align a point about one of two things (TCP) within what the answer says about that
        thing: the units from a mention of it up to a mention of the other (UDP). If the best
        phrase overall is about the other thing and nothing about this one comes close, the
        answer has swapped them."""
        roles = (p.role, *p.rivals)
        tags: list[str] = []
        tag = ""
        for u in a.units:
            named = [r for r in roles if mentions(u.norm, r, roles)]
            if len(named) == 1:
                tag = named[0]
            elif named:
                tag = ""
            tags.append(tag)
        best = (0.0, 0, 0)
        k = 0
        while k < len(a.units):
            end = k
            while end < len(a.units) and tags[end] == tags[k]:
                end += 1
            if tags[k] in ("", p.role):
                found, fi, fj = _window(p, a.units[k:end])
                if found > best[0]:
                    best = (found, k + fi, k + fj)
            k = end
        rival = next((r for r in p.rivals if r in tags[i:j]), None)
        if rival is not None and share >= MATCH_AT and best[0] < CHECK_AT:
            return share, i, j, Conflict(rival, p.role, "role")
        if best[0] <= 0:
            return 0.0, i, j, None
        fi, fj = _trim(p, a.units, best[1], best[2])
        return best[0], fi, fj, None

    def _denied(self, clause: str, i: int, term: str) -> bool:
        """Whether the term at `i` is negated: right before it (非标准损耗率, 不属于X) or by a
        negated copula earlier in the clause (不是指属性编辑和图形编辑); not by a negation that
        belongs to another word (不对称性和共享性)."""
        if i > 0 and clause[i - 1] in _NEG_PREFIX and term[0] not in _NEG_PREFIX:
            return True
        if not self.checker.negated_in(clause, i, i + len(term)):
            return False
        spans = self.checker.table.negation_spans(clause[:i])
        return any(e >= i - 2 or _COPULA_RE.match(clause, e) for _s, e in spans)

    def _term(self, p: Point, a: Answer, reference_norm: str, amap: AliasMap) -> PointMatch | None:
        """A term in one clause: exactly (not negated), reordered, or with a typo; or its opposite
        (离散性 for 连续性, 非标准损耗率 for 标准损耗率), which contradicts it."""
        variants = (*(amap.variants(p.norm) if amap else (p.norm,)), *_latin_core(p.norm))
        negated_at: tuple[Clause, str] | None = None
        for c in a.clauses:
            for v in variants:
                i = c.norm.find(v)
                while i >= 0:
                    if self._denied(c.norm, i, v):
                        negated_at = negated_at or (c, c.norm[max(0, i - 2) : i + len(v)])
                    else:
                        return PointMatch(p, "matched", 1.0, c.text)
                    i = c.norm.find(v, i + 1)
        if negated_at is not None and negated_at[1] not in reference_norm:
            c, said = negated_at
            return PointMatch(p, "contradicted", 0.0, c.text, Conflict(said, p.norm, "negation"))
        for v, kind in self.checker.mirrors(p.norm):
            if v in reference_norm or p.norm in a.norm:
                continue  # the reference names it too (定期 / 不定期运输市场): another point
            for c in a.clauses:
                if v in c.norm:
                    return PointMatch(p, "contradicted", 0.0, c.text, Conflict(v, p.norm, kind))
        n = len(p.norm)
        if n < FUZZY_MIN_LEN:
            return None
        from rapidfuzz import fuzz

        need = set(p.norm)
        best: tuple[float, Clause] | None = None
        for c in a.clauses:
            if len(c.norm) < n - 1 or len(need & set(c.norm)) < len(need) / 2:
                continue
            if p.role and not mentions(c.norm, p.role, p.rivals) and any(r in c.norm for r in p.rivals):
                continue  # about the other thing (UDP), not this point's (TCP)
            if reordered(p.norm, c.norm):
                return PointMatch(p, "matched", 1.0, c.text)
            al = fuzz.partial_ratio_alignment(p.norm, c.norm, score_cutoff=FUZZY_CUTOFF)
            if al is not None and (best is None or al.score / 100 > best[0]):
                best = (al.score / 100, c)
        if best is None:
            return None
        score, c = best
        conflict = self._check(p, reference_norm, [c], a)
        if conflict is not None:
            return PointMatch(p, "contradicted", 0.0, c.text, conflict)
        return PointMatch(p, "matched", score, c.text)

    def _leads(self, matches: list[PointMatch], a: Answer, reference_norm: str) -> list[PointMatch]:
        """A list's lead said the other way round (5S：不是指整理、整顿…, 运输市场无法在…发挥作用：…)
        contradicts every item the answer names under it."""
        out = list(matches)
        for lead in dict.fromkeys(m.point.lead for m in matches if m.point.lead):
            under = [k for k, m in enumerate(out) if m.point.lead == lead and m.status == "matched"]
            ln = grade_norm(lead)
            if not under or len(ln) < 4:
                continue
            probe = Point(lead, ln, PointKind.SENTENCE, (ln,), Counter(ln), len(ln))
            share, i, j = _window(probe, a.units)
            if share < MATCH_AT:
                continue
            span = a.units[i:j]
            said = [u.norm for u in span]
            items = sorted({m.point.norm for m in out}, key=len, reverse=True)
            # the items' own negations (非接触性) are not the lead's
            bare = [_remove_all(x, items) for x in said]
            conflict = self.checker.conflict(
                Texts((ln,), lead, reference_norm), Texts(said, _phrase(span), a.norm)
            )
            if conflict is None and self.checker.negations(bare) != self.checker.negations((ln,)):
                # 5S：不是指整理… for 5S：是指整理…: the lead negated as a whole
                conflict = Conflict(_phrase(span), lead, "negation")
            if conflict is not None:
                for k in under:
                    out[k] = PointMatch(out[k].point, "contradicted", 0.0, _phrase(span), conflict)
        return out


# ``ReLU 函数`` is named by ``ReLU``: a Latin name before a generic head word.
_LATIN_CORE_RE = re.compile(
    r"^([a-z][a-z0-9+#\-]*[a-z0-9+#])(?:函数|算法|模型|网络|方法|技术|机制|协议|层|结构)$"
)


def _latin_core(norm: str) -> tuple[str, ...]:
    m = _LATIN_CORE_RE.match(norm)
    return (m.group(1),) if m else ()


def _without(answer: Answer, question_norm: str) -> Answer:
    """The answer without the clauses it copied from the question (four characters or more)."""

    def own(c: Clause) -> bool:
        return len(c.norm) < 4 or c.norm not in question_norm

    if all(own(c) for c in answer.clauses):
        return answer
    return Answer(
        answer.norm, tuple(c for c in answer.clauses if own(c)), tuple(u for u in answer.units if own(u))
    )


def _remove_all(text: str, words: Sequence[str]) -> str:
    for w in words:
        text = text.replace(w, "\x00")
    return text


def same_answer(a: str, b: str) -> bool:
    """Whether two references (comparison form) say much the same (most characters shared)."""
    x, y = set(a), set(b)
    return len(x & y) >= SAME_ANSWER * max(1, min(len(x), len(y)))


# ---------------------------------------------------------------------------- guards


def copied_question(answer: Answer, question_norm: str) -> float:
    """The share of the answer that is the question, in order (0 without a question)."""
    if not question_norm or not answer.norm:
        return 0.0
    from rapidfuzz.distance import LCSseq

    return LCSseq.similarity(answer.norm, question_norm) / len(answer.norm)


SALAD_MIN = 6
SALAD_FOREIGN = 0.3
# Shuffled: at least this share of neighbouring pieces out of the reference's order, and
# function words fewer than SALAD_GLUE of the words.
SALAD_SHUFFLED = 0.3
SALAD_GLUE = 0.1


def keyword_salad(answer: Answer, points: Sequence[Point], reference_norm: str) -> float:
    """An answer with no sentence structure: the reference's own words with (next to) no function
    words, out of the reference's order (``数据结构 后进先出 栈 线性`` for 栈是一种后进先出的数据结构),
    or, where the reference is a list, words torn out of its items (``定期 临时 盘点 盘点`` for 定期盘点
    和临时盘点). A terse answer in the reference's order is not one (p 值 > 0.05 正态分布), nor a list
    of the reference's items. jieba (for the function words) runs only for the few answers that
    pass the cheap tests.

    Returns 0.0 for no salad, else the share of the answer that is whole items of a list reference
    (1.0 for a reference that states something): a salad keeps that share of the items it names."""
    a = answer.norm
    if len(a) < SALAD_MIN or len(a) > 3 * len(reference_norm) + 20:
        return 0.0
    purity = 1.0
    torn = False
    if not any(p.kind is PointKind.SENTENCE for p in points):
        terms = [p.norm for p in points]
        whole = sum(1 for c in answer.clauses if any(t in c.norm for t in terms))
        if 2 * whole >= len(answer.clauses):
            return 0.0
        torn, purity = True, whole / len(answer.clauses)
    have = _charset(reference_norm)
    if sum(1 for c in a if c not in have) > SALAD_FOREIGN * len(a):
        return 0.0  # (the cheap test first: most answers have words of their own)
    places, foreign = _pieces(a, reference_norm)
    if foreign > SALAD_FOREIGN * len(a) or max(len(places), len(answer.clauses)) < 3:
        return 0.0
    from quizgen.text import cut

    words = [w for c in answer.clauses for w in cut(c.norm)]
    glue = sum(1 for w in words if _function_word(w))
    if glue >= SALAD_GLUE * len(words):
        return 0.0
    # In the reference's order the words keep the reference's structure: a terse answer.
    backwards = sum(1 for x, y in itertools.pairwise(places) if y < x)
    # Without a function word any step out of the reference's order makes a salad (and torn
    # items always do); a few function words do not make shuffled words a sentence either
    # (给 样本 p 统计学 向 总体 ...), but then it takes more steps out of order.
    need = 1 if glue == 0 else max(2, SALAD_SHUFFLED * (len(places) - 1))
    salad = (torn and glue == 0) or backwards >= need
    return max(purity, 1e-3) if salad else 0.0


@functools.lru_cache(maxsize=4096)
def _charset(text: str) -> frozenset[str]:
    return frozenset(text)


def _pieces(text: str, source: str) -> tuple[list[int], int]:
    """A greedy cover of `text` by the longest substrings of `source`: where each piece of two or
    more characters starts in `source`, and how many characters of `text` are not in `source`."""
    places: list[int] = []
    foreign = 0
    i = 0
    while i < len(text):
        j = i + 1
        if text[i] not in source:
            foreign += 1
            i = j
            continue
        while j < len(text) and text[i : j + 1] in source:
            j += 1
        if j - i >= 2:  # where a single character comes from is anyone's guess
            places.append(source.find(text[i:j]))
        i = j
    return places, foreign


# Characters that only glue words together (这是, 就是 are function words as much as 是).
_GLUE = frozenset("的是了在把被将而即就也都与和或其它这那之很让为于以对从由向给")


def _function_word(word: str) -> bool:
    from quizgen.grade.keywords import FUNCTION_WORDS

    return word in FUNCTION_WORDS or all(c in _GLUE for c in word) or word[0] in "不没未"
