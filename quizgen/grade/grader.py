"""The grader: reference + answer -> score with its parts, key points, confidence and reason."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizgen.bank import Bank, Grading, Question
from quizgen.grade.combine import Combination, default_combination, load_combination
from quizgen.grade.embedders import (
    DEFAULT_EMBEDDER,
    CachedEmbedder,
    Embedder,
    EmbeddingCache,
    default_cache_dir,
    make_embedder,
)
from quizgen.grade.keywords import (
    KeywordExtractor,
    Lexical,
    Reference,
    bank_key_points,
    grade_norm,
    lexical,
    prepare_reference,
)
from quizgen.items import Item, ItemType
from quizgen.reference import key_points as ref_key_points
from quizgen.reference import reference_answer

if TYPE_CHECKING:
    import numpy as np

BATCH_SIZE = 256
_Prep = tuple[Reference, Lexical, dict[str, float | None]]

REASON_EMPTY = "empty answer"
REASON_NO_REFERENCE = "no reference answer"


@dataclass(frozen=True)
class KeyPointMark:
    """How one key point of the reference fared in an answer: `status` is "matched",
    "missed" or "contradicted"; `phrase` is the answer's words that matched or contradicted it
    ("" when missed); `earned` of `possible` points."""

    point: str
    status: str
    phrase: str = ""
    earned: float = 0.0
    possible: float = 0.0


@dataclass(frozen=True)
class GradeResult:
    """One graded answer. `score` is in points (0..max_score); `keyword` and `semantic` are the
    two parts (0..1; `semantic` is None without an embedder); `matched`/`missed` are key points;
    `needs_review` marks the uncertain middle band; `reason` explains a special case."""

    score: float
    max_score: float
    keyword: float
    semantic: float | None
    matched: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()
    confidence: float = 0.0
    needs_review: bool = False
    reason: str = ""
    features: Mapping[str, float | None] = field(default_factory=dict, compare=False, hash=False)
    # Per key point explanation and the points lost beyond them ("copies the question", ...).
    marks: tuple[KeyPointMark, ...] = ()
    deductions: tuple[str, ...] = ()

    @property
    def fraction(self) -> float:
        return self.score / self.max_score if self.max_score > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "max_score": _num(self.max_score),
            "keyword": round(self.keyword, 3),
            "semantic": None if self.semantic is None else round(self.semantic, 3),
            "matched": list(self.matched),
            "missed": list(self.missed),
            "confidence": self.confidence,
            "needs_review": self.needs_review,
            "reason": self.reason,
        }


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


@dataclass(frozen=True)
class GradeRequest:
    """One answer to grade. Either `reference` is given, or `question_id` names a question of the
    grader's bank. `error` marks a row that could not be read: it is graded 0 with that reason."""

    answer: str
    reference: str = ""
    question: str = ""
    key_points: tuple[str, ...] = ()
    aliases: tuple[tuple[str, ...], ...] = ()
    grading: Grading | None = None
    max_score: float = 1.0
    question_id: str | None = None
    error: str = ""
    item: Item | None = None  # a quiz item: short answers graded by the model, other types exactly


def _tuple_of_str(v: Any) -> tuple[str, ...]:
    if v is None:
        return ()
    if isinstance(v, str):
        return (v,) if v.strip() else ()
    return tuple(str(x) for x in v)


def _alias_groups(v: Any) -> tuple[tuple[str, ...], ...]:
    if not v:
        return ()
    return tuple(tuple(str(n) for n in g) for g in v)


def _max_score(v: Any, default: float = 1.0) -> float:
    if v is None or v == "":
        return default
    try:
        x = float(v)
    except (TypeError, ValueError):
        return default
    return x if x > 0 else default


class Grader:
    """Grades free-text answers: keyword coverage plus semantic similarity, combined by the shipped
    default or a teacher's calibration.

    >>> g = Grader(embedder="none")
    >>> ref, answer = "卷积神经网络用卷积提取局部特征", "CNN 用卷积提取局部特征"
    >>> r = g.grade_text(ref, answer, aliases=[("卷积神经网络", "CNN")])
    >>> r.keyword
    1.0
    """

    def __init__(
        self,
        embedder: str | Embedder = DEFAULT_EMBEDDER,
        calibration: str | Path | Combination | None = None,
        bank: Bank | None = None,
        cache_dir: str | Path | None = None,
        *,
        use_cache: bool = True,
        batch_size: int = BATCH_SIZE,
        key_points: bool = True,
        pipelined: bool = False,
    ) -> None:
        inner = make_embedder(embedder) if isinstance(embedder, str) else embedder
        self.embedder_spec = inner.spec if inner is not None else "none"
        self.embedder: CachedEmbedder | None = None
        if inner is not None:
            cache = (
                EmbeddingCache(Path(cache_dir) if cache_dir else default_cache_dir()) if use_cache else None
            )
            self.embedder = CachedEmbedder(inner, cache)
        if isinstance(calibration, Combination):
            self.combination = calibration
        elif calibration is not None:
            self.combination = load_combination(calibration)
        else:
            self.combination = default_combination()
        self.bank = bank
        self.batch_size = max(1, int(batch_size))
        self.extract_key_points = key_points
        self.pipelined = pipelined
        docs: list[str] = []
        words: list[str] = []
        if bank is not None:
            for q in bank.questions:
                docs.append(self._reference_of(q))
                words.extend(bank_key_points(q))
                words.extend(n for g in q.aliases for n in g)
        self._extractor = KeywordExtractor(docs, words)
        self._kp_cache: dict[tuple[str, str], tuple[str, ...]] = {}

    @property
    def inner_embedder(self) -> Embedder | None:
        return self.embedder.inner if self.embedder is not None else None

    @property
    def calibration_mismatch(self) -> str | None:
        """A warning when the combination was fitted with another embedder than the one in use."""
        fitted = self.combination.embedder
        if self.embedder is None or fitted == self.embedder_spec:
            return None
        return (
            f"the grading model ({self.combination.source}) was fitted with --embedder {fitted}, "
            f"but {self.embedder_spec} is in use; calibrate on your own scored answers for best results"
        )

    # ------------------------------------------------------------------ requests

    @staticmethod
    def _reference_of(q: Question) -> str:
        # The 答案 block plus its key-point lines (quizgen.reference), exactly what a short-answer
        # item holds, so grading a bank row and a quiz item agree. The full explanations would
        # make recall unreachable. Without an 答案, use everything.
        return reference_answer(q) if q.has_answer else q.reference_text()

    def request_for_question(self, q: Question, answer: str, max_score: float = 1.0) -> GradeRequest:
        return GradeRequest(
            answer=answer,
            reference=self._reference_of(q),
            question=q.stem,
            key_points=tuple(ref_key_points(q)),
            aliases=q.aliases,
            grading=q.grading,
            max_score=max_score,
            question_id=q.id,
        )

    def _request(self, row: Any) -> GradeRequest:
        if isinstance(row, GradeRequest):
            req = row
        elif isinstance(row, Mapping) and isinstance(row.get("item"), Item):
            return self._item_request(row["item"], str(row.get("answer") or ""))
        elif isinstance(row, Mapping):
            answer = row.get("answer", row.get("student_answer"))
            reference = row.get("reference", row.get("reference_answer")) or ""
            qid = row.get("question_id")
            req = GradeRequest(
                answer="" if answer is None else str(answer),
                reference=str(reference),
                question=str(row.get("question") or ""),
                key_points=_tuple_of_str(row.get("key_points")),
                aliases=_alias_groups(row.get("aliases")),
                grading=row.get("grading") if isinstance(row.get("grading"), Grading) else None,
                max_score=_max_score(row.get("max_score")),
                question_id=None if qid is None else str(qid),
                error=str(row.get("error") or ""),
            )
        elif isinstance(row, Sequence) and not isinstance(row, str) and len(row) == 2:
            req = GradeRequest(reference=str(row[0]), answer=str(row[1]))
        else:
            return GradeRequest(answer="", error=f"malformed row: {type(row).__name__}")
        if not req.reference and req.question_id is not None and not req.error:
            if self.bank is None:
                return _replace(req, error=f"unknown question {req.question_id!r} (no bank given)")
            q = self.bank.get(req.question_id)
            if q is None:
                return _replace(req, error=f"unknown question {req.question_id!r}")
            full = self.request_for_question(q, req.answer, req.max_score)
            return _replace(
                full,
                key_points=req.key_points or full.key_points,
                grading=req.grading or full.grading,
                question_id=req.question_id,
            )
        return req

    # ------------------------------------------------------------------ public API

    def grade_text(
        self,
        reference: str,
        answer: str,
        *,
        key_points: Iterable[str] = (),
        aliases: Iterable[Iterable[str]] = (),
        grading: Grading | None = None,
        max_score: float = 1.0,
        question: str = "",
    ) -> GradeResult:
        req = GradeRequest(
            answer=answer,
            reference=reference,
            question=question,
            key_points=tuple(key_points),
            aliases=tuple(tuple(g) for g in aliases),
            grading=grading,
            max_score=max_score,
        )
        return next(self.grade_many([req]))

    def grade_item(self, item: Item, answer: str, question: Question | None = None) -> GradeResult:
        """Grade an answer to a quiz item: short answers by the model, the other types exactly."""
        return next(self.grade_many([self._item_request(item, answer, question)]))

    def _item_request(self, item: Item, answer: str, question: Question | None = None) -> GradeRequest:
        if question is None and self.bank is not None:
            question = self.bank.get(item.question_id)
        return GradeRequest(
            answer=answer,
            reference="\n".join(item.answer),
            question=item.stem,
            key_points=item.key_points,
            aliases=question.aliases if question else (),
            grading=question.grading if question else None,
            max_score=item.points if item.points > 0 else 1.0,
            question_id=item.question_id,
            item=item,
        )

    def grade_many(self, rows: Iterable[Any]) -> Iterator[GradeResult]:
        """Grade a stream of rows (GradeRequest, mappings with reference/answer or question_id/answer,
        or (reference, answer) pairs). One result per row, in order. Rows go in batches of
        `batch_size` (each distinct text encoded once), so any number of rows streams in bounded
        memory. With `pipelined=True` the embedder encodes one batch in a worker thread while the
        keyword part of the next is computed; on 2 shared cores that measured no faster, so it is off
        by default."""
        for reqs, preps in self._pipeline(rows):
            yield from self._grade_batch(reqs, preps)

    def features_many(self, rows: Iterable[Any]) -> Iterator[tuple[GradeRequest, dict[str, float | None]]]:
        """The raw features of each row (for calibration and evaluation); `{}` for rows that are
        empty, unknown or malformed."""
        for reqs, preps in self._pipeline(rows):
            for req, prep in zip(reqs, preps, strict=True):
                yield req, (prep[2] if prep is not None else {})

    # ------------------------------------------------------------------ internals

    def _key_points(self, req: GradeRequest) -> tuple[str, ...]:
        if req.key_points or not self.extract_key_points:
            return req.key_points
        key = (req.reference, req.question)
        kps = self._kp_cache.get(key)
        if kps is None:
            if len(self._kp_cache) > 20000:
                self._kp_cache.clear()
            kps = self._extractor.keywords(
                req.reference, exclude=req.question, extra_words=[n for g in req.aliases for n in g]
            )
            self._kp_cache[key] = kps
        return kps

    def _batches(self, rows: Iterable[Any]) -> Iterator[list[GradeRequest]]:
        it = iter(rows)
        while True:
            chunk = list(itertools.islice(it, self.batch_size))
            if not chunk:
                return
            yield [self._request(r) for r in chunk]

    def _pipeline(self, rows: Iterable[Any]) -> Iterator[tuple[list[GradeRequest], list[_Prep | None]]]:
        embedder = self.embedder
        if embedder is None or not self.pipelined:
            for reqs in self._batches(rows):
                preps, texts = self._lexical_stage(reqs)
                done = _Done(embedder.encode(texts)) if embedder is not None and texts else None
                yield reqs, self._attach(reqs, preps, texts, done)
            return
        from concurrent.futures import Future, ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="quizgen-encode") as pool:
            pending: tuple[list[GradeRequest], list[_Prep | None], list[str], Future[Any] | None] | None = (
                None
            )
            for reqs in self._batches(rows):
                preps, texts = self._lexical_stage(reqs)
                fut = pool.submit(embedder.encode, texts) if texts else None
                if pending is not None:
                    yield pending[0], self._attach(*pending)
                pending = (reqs, preps, texts, fut)
            if pending is not None:
                yield pending[0], self._attach(*pending)

    def _lexical_stage(self, reqs: Sequence[GradeRequest]) -> tuple[list[_Prep | None], list[str]]:
        """Keyword features of a batch, and the texts it needs encoded (answer, reference per row)."""
        out: list[_Prep | None] = []
        texts: list[str] = []
        for req in reqs:
            if (
                req.error
                or not grade_norm(req.answer)
                or not grade_norm(req.reference)
                or (req.item is not None and req.item.type is not ItemType.SHORT)
            ):
                out.append(None)
                continue
            ref = prepare_reference(
                req.reference, req.question, self._key_points(req), req.aliases, req.grading
            )
            lex = lexical(ref, req.answer)
            feats: dict[str, float | None] = {
                "recall": lex.recall,
                "recall2": lex.recall2,
                "precision": lex.precision,
                "key_points": lex.key_points,
                "length_ratio": lex.length_ratio / 3.0,
                "cosine": None,
                "semantic": None,
            }
            out.append((ref, lex, feats))
            texts.append(req.answer)
            texts.append(req.reference)
        return out, texts

    def _attach(
        self, reqs: Sequence[GradeRequest], preps: list[_Prep | None], texts: list[str], fut: Any
    ) -> list[_Prep | None]:
        if fut is None:
            return preps
        vecs = fut.result()
        index = {t: i for i, t in enumerate(texts)}
        for req, prep in zip(reqs, preps, strict=True):
            if prep is None:
                continue
            cos = _cosine(vecs[index[req.answer]], vecs[index[req.reference]])
            prep[2]["cosine"] = cos
            prep[2]["semantic"] = self.combination.semantic_part(cos)
        return preps

    def _grade_batch(
        self, reqs: Sequence[GradeRequest], preps: Sequence[_Prep | None]
    ) -> Iterator[GradeResult]:
        comb = self.combination
        for req, prep in zip(reqs, preps, strict=True):
            max_score = req.max_score if req.max_score > 0 else 1.0
            if req.item is not None and req.item.type is not ItemType.SHORT and not req.error:
                yield grade_exact(req.item, req.answer)
                continue
            if prep is None:
                yield _special(req, max_score, has_semantic=self.embedder is not None)
                continue
            ref, lex, feats = prep
            semantic = feats["semantic"]
            model = comb.model_for(feats["cosine"] is not None)
            frac = model.predict(feats)
            keyword = comb.keyword_part(lex.recall)
            conf, review = comb.confidence(frac, keyword, semantic)
            reasons = []
            if lex.forbidden_found:
                frac = 0.0
                reasons.append("forbidden: " + "、".join(lex.forbidden_found))
                conf, review = 0.9, False
            elif lex.required_missing:
                frac *= 1.0 - len(lex.required_missing) / max(1, len(ref.required))
                reasons.append("missing required: " + "、".join(lex.required_missing))
                conf, review = comb.confidence(frac, keyword, semantic)
            yield GradeResult(
                score=round(frac * max_score, 2),
                max_score=max_score,
                keyword=round(keyword, 4),
                semantic=None if semantic is None else round(semantic, 4),
                matched=lex.matched,
                missed=lex.missed,
                confidence=conf,
                needs_review=review,
                reason="; ".join(reasons),
                features=feats,
            )


def _replace(req: GradeRequest, **kw: Any) -> GradeRequest:
    from dataclasses import replace

    return replace(req, **kw)


class _Done:
    """A finished future (for the sequential path)."""

    def __init__(self, value: Any) -> None:
        self._value = value

    def result(self) -> Any:
        return self._value


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(min(1.0, max(-1.0, float(a @ b))))


def _special(req: GradeRequest, max_score: float, *, has_semantic: bool) -> GradeResult:
    if req.error:
        return GradeResult(0.0, max_score, 0.0, None, confidence=0.0, needs_review=True, reason=req.error)
    if not grade_norm(req.reference):
        return GradeResult(
            0.0, max_score, 0.0, None, confidence=0.0, needs_review=True, reason=REASON_NO_REFERENCE
        )
    return GradeResult(
        0.0,
        max_score,
        0.0,
        0.0 if has_semantic else None,
        confidence=1.0,
        needs_review=False,
        reason=REASON_EMPTY,
    )


# ---------------------------------------------------------------------------- exact item types

_TRUE_WORDS = frozenset({"对", "正确", "是", "t", "true", "y", "yes", "√", "✓", "✔", "1"})
_FALSE_WORDS = frozenset({"错", "错误", "否", "不对", "f", "false", "n", "no", "×", "✗", "✘", "x", "0"})
_LETTER_RE = re.compile(r"[A-Z]")


def _letters(answer: str) -> list[str]:
    from quizgen.text import nfkc

    return _LETTER_RE.findall(nfkc(answer).upper())


def grade_exact(item: Item, answer: str) -> GradeResult:
    """Choice, multi, fill, true/false, order and match items: exact (fill: typo-tolerant)."""
    pts = item.points if item.points > 0 else 1.0
    if not grade_norm(answer):
        return GradeResult(0.0, pts, 0.0, None, confidence=1.0, reason=REASON_EMPTY)

    def result(frac: float, reason: str = "", conf: float = 1.0, review: bool = False) -> GradeResult:
        return GradeResult(
            round(frac * pts, 2), pts, frac, None, confidence=conf, needs_review=review, reason=reason
        )

    t = item.type
    if t is ItemType.TF:
        a = grade_norm(answer)
        want = grade_norm(item.answer[0]) if item.answer else ""
        given = "对" if a in _TRUE_WORDS else "错" if a in _FALSE_WORDS else None
        if given is None:
            return result(0.0, "not an answer to a true/false item", 0.5, True)
        return result(1.0 if given == want else 0.0)
    if t is ItemType.FILL:
        a = grade_norm(answer)
        accepted = {grade_norm(x) for x in (*item.answer, *item.accept) if grade_norm(x)}
        if a in accepted:
            return result(1.0)
        from rapidfuzz.distance import Levenshtein

        for x in accepted:
            allowed = 0 if len(x) < 4 else 1 if len(x) < 9 else 2
            if allowed and Levenshtein.distance(a, x, score_cutoff=allowed) <= allowed:
                return result(1.0, "accepted with a typo", 0.7, True)
        return result(0.0)
    letters = _letters(answer)
    if t is ItemType.CHOICE:
        if len(letters) != 1:
            # The text of the right option is as good as its letter.
            right = item.answer_indices()
            if right and grade_norm(answer) == grade_norm(item.options[right[0]]):
                return result(1.0)
            return result(0.0, "expected one option letter" if len(letters) > 1 else "", 1.0)
        return result(1.0 if letters == list(item.answer) else 0.0)
    if t is ItemType.MULTI:
        got, expected = set(letters), set(item.answer)
        if got == expected:
            return result(1.0)
        if got and got < expected:
            return result(0.5, "partly correct (no wrong option)")
        return result(0.0)
    if t in (ItemType.ORDER, ItemType.MATCH):
        want_l = list(item.answer)
        if not want_l:
            return result(0.0, REASON_NO_REFERENCE, 0.0, True)
        n_right = sum(1 for i, w in enumerate(want_l) if i < len(letters) and letters[i] == w)
        return result(n_right / len(want_l))
    return result(0.0, f"cannot grade {t.value} items", 0.0, True)  # pragma: no cover


__all__ = ["GradeRequest", "GradeResult", "Grader", "grade_exact"]
