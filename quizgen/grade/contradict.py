"""Does an answer's phrase contradict the reference key point it was aligned to?

Checked on the comparison form of both (``keywords.grade_norm``), clause by clause, with the
list in ``quizgen/data/contradictions.yaml`` (documented there; a teacher's own file adds to it):

- a negation flip: a predicate negated in one and stated plainly in the other
  (稳定 / 不稳定, 有显著差异 / 没有显著差异, 可以推广 / 无法将样本…推广);
- antonym and mirror pairs (先进先出 / 后进先出, 面向连接 / 无连接, 增加 / 减少); one-character pairs
  only with the same two characters beside them (运量大 / 运量小), comparison symbols as well
  (p 值 > 0.05 / p 值 < 0.05);
- a different number in the same place (p 值 > 0.05 / p 值 > 0.01) or a different complexity
  (O(1) / O(n)).

Swapped roles (``A是X，B是Y`` answered ``A是Y，B是X``) need the whole reference and are checked in
``quizgen.grade.align``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from quizgen.errors import GradeError

DEFAULT_RESOURCE = "contradictions.yaml"
# Characters skipped between a negation and the predicate it negates (无法 将 样本 -> 样本).
_SKIP = frozenset("将把被对在会能可是得要去使让给向很太再都也还就")
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?%?")
_COMPLEXITY_RE = re.compile(r"[oO]\s*[(（]\s*([^()（）]{1,20}?)\s*[)）]")
_COMPLEXITY_DROP = re.compile(r"[\s^*×·]+")


@dataclass(frozen=True)
class Conflict:
    """The answer says `said` where the reference says `expected` (both in comparison form)."""

    said: str
    expected: str
    kind: str  # "negation" | "antonym" | "number" | "complexity" | "role"


@dataclass(frozen=True)
class Contradictions:
    """The compiled list: negation words, words that are not negations, opposite pairs."""

    negations: tuple[str, ...]
    not_negations: tuple[str, ...]
    opposites: Mapping[str, frozenset[str]]  # word -> the words it contradicts (2+ characters)
    char_opposites: Mapping[str, frozenset[str]]  # one character -> its opposites
    source: str = "default"

    @functools.cached_property
    def _neg_re(self) -> re.Pattern[str]:
        return re.compile("|".join(re.escape(w) for w in sorted(self.negations, key=len, reverse=True)))

    @functools.cached_property
    def _mask_re(self) -> re.Pattern[str] | None:
        if not self.not_negations:
            return None
        return re.compile("|".join(re.escape(w) for w in sorted(self.not_negations, key=len, reverse=True)))

    @functools.cached_property
    def _word_re(self) -> re.Pattern[str] | None:
        if not self.opposites:
            return None
        return re.compile("|".join(re.escape(w) for w in sorted(self.opposites, key=len, reverse=True)))

    def negation_spans(self, clause: str) -> list[tuple[int, int]]:
        """Where the negation words of a clause are (start, end), leaving out 非常, 不仅 ...."""
        masked = clause
        if self._mask_re is not None:
            masked = self._mask_re.sub(lambda m: "\x00" * len(m.group(0)), clause)
        return [m.span() for m in self._neg_re.finditer(masked)]

    def words(self, clause: str) -> list[tuple[str, int, int]]:
        """The listed words of a clause (longest first, not overlapping), with their spans."""
        if self._word_re is None:
            return []
        return [(m.group(0), m.start(), m.end()) for m in self._word_re.finditer(clause)]


def negated(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Whether text at start..end is under an odd number of negations earlier in its clause
    (negations inside the text itself, the 不 of 不可靠, do not count)."""
    return sum(1 for s, e in spans if e <= start) % 2 == 1 and not any(
        s >= start and e <= end for s, e in spans
    )


@dataclass(frozen=True)
class Texts:
    """One side of a comparison: its clauses in comparison form, the text as written, and the
    whole it comes from (the whole reference, the whole answer) in comparison form."""

    clauses: Sequence[str]
    text: str = ""
    whole: str = ""


class Checker:
    """Finds a contradiction between a key point and the answer's phrase aligned to it."""

    def __init__(self, table: Contradictions) -> None:
        self.table = table
        self._spans: dict[str, list[tuple[int, int]]] = {}
        self._mirrors: dict[str, list[tuple[str, str]]] = {}
        self._word_cache: dict[str, list[tuple[str, int, int]]] = {}

    def conflict(self, point: Texts, phrase: Texts) -> Conflict | None:
        # listed words before negations: 面向连接 / 无连接 says more than 连接的 / 无连接的
        return (
            self._complexity(point.text, phrase.text)
            or self._antonyms(point, phrase)
            or self._negation(point, phrase)
            or self._numbers(point.clauses, phrase.clauses)
        )

    def _negs(self, clause: str) -> list[tuple[int, int]]:
        found = self._spans.get(clause)
        if found is None:
            if len(self._spans) > 50000:
                self._spans.clear()
            found = self._spans[clause] = self.table.negation_spans(clause)
        return found

    def _listed_in(self, clause: str) -> list[tuple[str, int, int]]:
        found = self._word_cache.get(clause)
        if found is None:
            if len(self._word_cache) > 50000:
                self._word_cache.clear()
            found = self._word_cache[clause] = self.table.words(clause)
        return found

    def negations(self, clauses: Sequence[str]) -> int:
        return sum(len(self._negs(c)) for c in clauses)

    # -------------------------------------------------------------- negation

    def _predicates(self, clauses: Sequence[str]) -> list[tuple[str, str]]:
        """(negation + predicate as written, predicate) for each negated predicate: the two or
        three characters after the negation (after 将, 把, 是 ...)."""
        out = []
        for c in clauses:
            for s, e in self._negs(c):
                p = e
                while p < len(c) and p - e < 2 and c[p] in _SKIP:
                    p += 1
                # Three characters: two (假设) match too much by chance (接受没有假设 / 可以假设).
                pred = c[p : p + 3]
                if len(pred) == 3 and all(ch.isalnum() for ch in pred[:2]):
                    out.append((c[s : p + 3], pred))
        return out

    def _polarity(self, clauses: Sequence[str], pred: str) -> tuple[int, int]:
        """(plain, negated) occurrences of `pred`."""
        plain = denied = 0
        for c in clauses:
            spans = self._negs(c)
            i = c.find(pred)
            while i >= 0:
                if negated(spans, i, i + len(pred)):
                    denied += 1
                else:
                    plain += 1
                i = c.find(pred, i + 1)
        return plain, denied

    def _plain_in(self, whole: str, pred: str) -> bool:
        """Whether `pred` occurs in `whole` without a negation just before it (at most one
        character between: 不是, 不将)."""
        i = whole.find(pred)
        while i >= 0:
            before = whole[max(0, i - 4) : i]
            if not any(e >= len(before) - 1 for _s, e in self._negs(before)):
                return True
            i = whole.find(pred, i + 1)
        return False

    def _negation(self, point: Texts, phrase: Texts) -> Conflict | None:
        # The reference negates, the answer says it plainly: only when the answer negates
        # nothing at all (样本量太小，不能推广 keeps its negation in another clause), and the
        # reference never says it plainly itself (定期运输市场、不定期运输市场).
        if not self.negations(phrase.clauses):
            for written, pred in self._predicates(point.clauses):
                if (
                    self._polarity(point.clauses, pred)[0] == 0
                    and self._polarity(phrase.clauses, pred)[0] > 0
                    and not self._plain_in(point.whole, pred)
                ):
                    return Conflict(pred, written, "negation")
        for written, pred in self._predicates(phrase.clauses):
            plain, _neg = self._polarity(phrase.clauses, pred)
            mine_plain, mine_neg = self._polarity(point.clauses, pred)
            if plain == 0 and mine_plain > 0 and mine_neg == 0 and written not in point.whole:
                return Conflict(written, pred, "negation")
        return None

    # -------------------------------------------------------------- listed words

    def _listed(self, clauses: Sequence[str]) -> set[str]:
        """Listed words as meant: said plainly, or negated as their opposite (不正确 says 错误)."""
        out = set()
        for c in clauses:
            spans = self._negs(c)
            for w, s, e in self._listed_in(c):
                if not negated(spans, s, e):
                    out.add(w)
                elif len(self.table.opposites.get(w, ())) == 1:
                    out |= self.table.opposites[w]
        return out

    def negated_in(self, clause: str, start: int, end: int) -> bool:
        """Whether clause[start:end] is negated by a word before it in the clause."""
        return negated(self._negs(clause), start, end)

    def mirrors(self, term: str) -> list[tuple[str, str]]:
        """(variant, kind) of a term that says the opposite: a listed word swapped (连续性 ->
        离散性, 运量大 -> 运量小), a negation added or removed (对称性 <-> 不对称性)."""
        found = self._mirrors.get(term)
        if found is None:
            if len(self._mirrors) > 50000:
                self._mirrors.clear()
            found = self._mirrors[term] = self._mirrors_of(term)
        return found

    def _mirrors_of(self, term: str) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for w, s, e in self.table.words(term):
            out.extend((term[:s] + o + term[e:], "antonym") for o in sorted(self.table.opposites[w]))
        if len(term) >= 3:
            for i, ch in enumerate(term):
                for o in sorted(self.table.char_opposites.get(ch, ())):
                    out.append((term[:i] + o + term[i + 1 :], "antonym"))
        spans = self._negs(term)
        if spans and spans[0][0] == 0:
            out.append((term[spans[0][1] :], "negation"))
        else:
            out.extend((n + term, "negation") for n in ("不", "非", "无", "没有", "未"))
        return [(v, k) for v, k in out if v and v != term]

    def _free_negations(self, clauses: Sequence[str]) -> int:
        """Negations outside the listed words (the 不 of 不显著 is part of its word)."""
        n = 0
        for c in clauses:
            words = [(s, e) for _w, s, e in self._listed_in(c)]
            n += sum(1 for s, e in self._negs(c) if not any(ws <= s < we for ws, we in words))
        return n

    def _antonyms(self, point: Texts, phrase: Texts) -> Conflict | None:
        # A negation on one side only may turn an antonym back (只能在函数内访问 / 不能在函数之外访问).
        if self._free_negations(point.clauses) != self._free_negations(phrase.clauses):
            return None
        return self._words(point, phrase) or self._chars(point, phrase)

    @staticmethod
    def _fair(said: str, expected: str, point: Texts, phrase: Texts) -> bool:
        """Not when the reference itself also uses the answer's word (it may be about the other
        thing it names) nor when the answer also says the reference's word somewhere."""
        return said not in point.whole and expected not in phrase.whole

    def _words(self, point: Texts, phrase: Texts) -> Conflict | None:
        mine, theirs = self._listed(point.clauses), self._listed(phrase.clauses)
        for w in sorted(mine - theirs):
            for o in sorted(self.table.opposites.get(w, frozenset()) & theirs):
                if o not in mine and self._fair(o, w, point, phrase):
                    return Conflict(o, w, "antonym")
        return None

    def _chars(self, point: Texts, phrase: Texts) -> Conflict | None:
        table = self.table.char_opposites
        joined = "\x00".join(phrase.clauses)
        for c in point.clauses:
            for i, ch in enumerate(c):
                opp = table.get(ch)
                if not opp:
                    continue
                contexts = []
                if i >= 2:
                    contexts.append((c[i - 2 : i], ""))
                if i + 3 <= len(c):
                    contexts.append(("", c[i + 1 : i + 3]))
                for before, after in contexts:
                    expected = before + ch + after
                    for o in sorted(opp):
                        said = before + o + after
                        if said in joined and self._fair(said, expected, point, phrase):
                            return Conflict(said, expected, "antonym")
        return None

    # -------------------------------------------------------------- numbers

    @staticmethod
    def _numbers_in_place(clauses: Sequence[str]) -> dict[str, set[str]]:
        """Numbers by the two characters before them (their place): {"值>": {"0.05"}}."""
        out: dict[str, set[str]] = {}
        for c in clauses:
            for m in _NUMBER_RE.finditer(c):
                before = c[max(0, m.start() - 2) : m.start()]
                if len(before) == 2 and not before[-1].isdigit():
                    out.setdefault(before, set()).add(m.group(0))
        return out

    def _numbers(self, point: Sequence[str], phrase: Sequence[str]) -> Conflict | None:
        mine = self._numbers_in_place(point)
        if not mine:
            return None
        theirs = self._numbers_in_place(phrase)
        said_anywhere = {n for ns in theirs.values() for n in ns}
        for place, nums in mine.items():
            other = theirs.get(place, set())
            if other and not (nums & other) and not (nums & said_anywhere):
                return Conflict(place + sorted(other)[0], place + sorted(nums)[0], "number")
        return None

    @staticmethod
    def _complexities(text: str) -> set[str]:
        from quizgen.text import nfkc

        return {
            "O(" + _COMPLEXITY_DROP.sub("", nfkc(m.group(1)).casefold()) + ")"
            for m in _COMPLEXITY_RE.finditer(text)
        }

    def _complexity(self, point_text: str, phrase_text: str) -> Conflict | None:
        if "(" not in point_text and "（" not in point_text:
            return None
        mine = self._complexities(point_text)
        theirs = self._complexities(phrase_text)
        if mine and theirs and not (mine & theirs):
            return Conflict(sorted(theirs)[0], sorted(mine)[0], "complexity")
        return None


# ---------------------------------------------------------------------------- loading


def _strs(v: Any, path: str, where: str) -> list[str]:
    if v is None:
        return []
    if not isinstance(v, list) or not all(isinstance(x, str | int | float) for x in v):
        raise GradeError(f"{path}: expected a list of words", where=where, hint=_HINT)
    return [str(x) for x in v]


_HINT = "see quizgen/data/contradictions.yaml for the form: negations, not_negations, pairs, groups"


def parse_table(data: Any, where: str) -> tuple[list[str], list[str], list[list[str]]]:
    """(negations, not_negations, groups of mutually exclusive words) of one file's data."""
    from quizgen.grade.keywords import grade_norm

    if not isinstance(data, Mapping):
        raise GradeError("expected a mapping with negations, not_negations, pairs", where=where, hint=_HINT)
    unknown = sorted(set(data) - {"schema_version", "negations", "not_negations", "pairs", "groups"})
    if unknown:
        raise GradeError(f"unknown key {unknown[0]!r}", where=where, hint=_HINT)
    groups: list[list[str]] = []
    for key in ("pairs", "groups"):
        raw = data.get(key) or []
        if not isinstance(raw, list):
            raise GradeError(f"{key}: expected a list", where=where, hint=_HINT)
        for i, g in enumerate(raw):
            words = [grade_norm(w) for w in _strs(g, f"{key}[{i}]", where)]
            words = [w for w in dict.fromkeys(words) if w]
            if len(words) < 2 or (key == "pairs" and len(words) != 2):
                need = "two words" if key == "pairs" else "at least two words"
                raise GradeError(f"{key}[{i}]: expected {need}, got {g!r}", where=where, hint=_HINT)
            groups.append(words)
    negs = [grade_norm(w) for w in _strs(data.get("negations"), "negations", where)]
    nots = [grade_norm(w) for w in _strs(data.get("not_negations"), "not_negations", where)]
    return [w for w in negs if w], [w for w in nots if w], groups


def build(tables: Iterable[tuple[list[str], list[str], list[list[str]]]], source: str) -> Contradictions:
    negs: list[str] = []
    nots: list[str] = []
    words: dict[str, set[str]] = {}
    chars: dict[str, set[str]] = {}
    for n, nn, groups in tables:
        negs.extend(n)
        nots.extend(nn)
        for g in groups:
            for w in g:
                target = chars if len(w) == 1 else words
                for o in g:
                    if o != w and (len(o) == 1) == (len(w) == 1):
                        target.setdefault(w, set()).add(o)
    return Contradictions(
        negations=tuple(dict.fromkeys(negs)),
        not_negations=tuple(dict.fromkeys(nots)),
        opposites={w: frozenset(o) for w, o in words.items()},
        char_opposites={w: frozenset(o) for w, o in chars.items()},
        source=source,
    )


def _load_yaml(text: str, where: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        loc = f"{where}:{mark.line + 1}" if mark is not None else where
        raise GradeError(f"not valid YAML: {getattr(e, 'problem', e)}", where=loc, hint=_HINT) from None


@functools.lru_cache(maxsize=1)
def _default_table() -> tuple[list[str], list[str], list[list[str]]]:
    from importlib.resources import files

    res = files("quizgen") / "data" / DEFAULT_RESOURCE
    try:
        text = res.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GradeError(
            "the shipped contradiction list is missing from the installation",
            where=str(res),
            hint="reinstall quizgen",
        ) from None
    return parse_table(_load_yaml(text, "contradictions.yaml"), "contradictions.yaml")


def load_contradictions(extra: str | Path | None = None) -> Contradictions:
    """The shipped list, plus the words of a teacher's own file when given."""
    if extra is None:
        return _shipped()
    from quizgen.bank import read_text_file

    p = Path(extra)
    return build([_default_table(), parse_table(_load_yaml(read_text_file(p), str(p)), str(p))], str(p))


@functools.lru_cache(maxsize=1)
def _shipped() -> Contradictions:
    return build([_default_table()], "default")
