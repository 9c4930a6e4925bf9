"""The grader: reference + answer -> score, its key points (matched with the answer's phrase,
missed, contradicted), the points lost and why, a confidence and whether a teacher should look.

How a score comes about (see ``quizgen.grade.align`` and ``quizgen.grade.verdict``):

1. the reference is split into key points and the answer into clauses; each point is aligned to
   the answer's best phrase and checked for contradictions;
2. coverage of the points, character recall and the embedder's similarity are combined by the
   shipped default (or a teacher's calibration) into an estimate;
3. the guards take away what was not earned: contradicted points, a copied question, a list of
   the reference's words, an answer to another question;
4. with several references (the bank's ``answer`` and ``alternatives``) the best one counts.

Objective items (choice, multi, tf, fill, order, match) are scored by ``quizgen.scoring``, the one
scoring used everywhere, under the grader's policy (EXAM unless told otherwise).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizgen.bank import Bank, Grading, Question
from quizgen.grade.align import (
    COPY_SHARE,
    Aligner,
    Answer,
    PointKind,
    PointMatch,
    copied_question,
    keyword_salad,
    prepare_answer,
    same_answer,
)
from quizgen.grade.combine import Combination, default_combination, load_combination
from quizgen.grade.contradict import load_contradictions
from quizgen.grade.embedders import (
    DEFAULT_EMBEDDER,
    CachedEmbedder,
    Embedder,
    EmbeddingCache,
    default_cache_dir,
    make_embedder,
)
from quizgen.grade.keywords import Lexical, Reference, grade_norm, lexical, prepare_reference
from quizgen.grade.verdict import Verdict, decide
from quizgen.items import Item, ItemType
from quizgen.reference import key_points as ref_key_points
from quizgen.reference import reference_answer
from quizgen.scoring import EXAM, ScoringPolicy

if TYPE_CHECKING:
    import numpy as np

BATCH_SIZE = 256

REASON_EMPTY = "empty answer"
REASON_NO_REFERENCE = "no reference answer"
# A rival reference with less than this many characters of its own says too little to compare.
RIVAL_MIN = 4


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
    two parts (0..1; `semantic` is None without an embedder); `marks` says how each key point
    fared (`matched` / `missed` are their texts, contradicted ones among the missed);
    `deductions` where points were lost; `confidence` the estimated chance that a teacher's score
    is within 0.3 of this one; `needs_review` a teacher should look (a guard fired, or that
    chance is low); `reason` explains a special case (contradiction, off-topic, empty ...)."""

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

    @property
    def contradicted(self) -> tuple[KeyPointMark, ...]:
        return tuple(m for m in self.marks if m.status == "contradicted")

    def summary(self) -> str:
        """Where the score comes from, in one line: ``2/3 key points; contradicts the reference
        (-0.33)``."""
        parts = []
        if self.marks:
            n_ok = sum(1 for m in self.marks if m.status == "matched")
            parts.append(f"{n_ok}/{len(self.marks)} key points")
        parts.extend(self.deductions)
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "max_score": _num(self.max_score),
            "keyword": round(self.keyword, 3),
            "semantic": None if self.semantic is None else round(self.semantic, 3),
            "matched": list(self.matched),
            "missed": list(self.missed),
            "contradicted": [f"{m.point} ≠ {m.phrase}" for m in self.contradicted],
            "deductions": list(self.deductions),
            "confidence": self.confidence,
            "needs_review": self.needs_review,
            "reason": self.reason,
            "marks": [
                {
                    "point": m.point,
                    "status": m.status,
                    "phrase": m.phrase,
                    "earned": m.earned,
                    "possible": m.possible,
                }
                for m in self.marks
            ],
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
    alternatives: tuple[str, ...] = ()  # other acceptable references; the best-matching one counts


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


@dataclass
class _Candidate:
    """An answer against one reference: its keyword features, aligned points and features."""

    text: str  # the answer as written
    reference: str
    ref: Reference
    answer: Answer
    lex: Lexical
    matches: list[PointMatch]
    feats: dict[str, float | None]
    question_id: str | None = None


@dataclass
class _Prep:
    candidates: list[_Candidate]  # the reference, then its alternatives
    rival: _Candidate | None = None  # the best other question's reference, if one matches at all


class _Pool:
    """Other questions' references, for telling an answer to another question (off-topic). An
    inverted index of character bigrams finds the likeliest in time independent of the pool."""

    MIN_SHARED = 0.3  # bigram recall of a candidate worth grading against

    def __init__(self) -> None:
        self.entries: list[tuple[str, str, str | None]] = []  # (question, reference, question id)
        self._norms: list[str] = []
        self._sizes: list[int] = []
        self._index: dict[str, list[int]] = {}
        self._seen: set[str] = set()

    def __bool__(self) -> bool:
        return bool(self.entries)

    def add(self, question: str, reference: str, question_id: str | None = None) -> None:
        norm = grade_norm(reference)
        if not norm or norm in self._seen:
            return
        self._seen.add(norm)
        qchars = set(grade_norm(question))
        grams = {norm[i : i + 2] for i in range(len(norm) - 1)} - {
            norm[i : i + 2] for i in range(len(norm) - 1) if {norm[i], norm[i + 1]} <= qchars
        }
        i = len(self.entries)
        self.entries.append((question, reference, question_id))
        self._norms.append(norm)
        self._sizes.append(max(1, len(grams)))
        for g in grams:
            self._index.setdefault(g, []).append(i)

    def best(self, answer_norm: str, own: Sequence[str]) -> int | None:
        counts: Counter[int] = Counter()
        for g in {answer_norm[i : i + 2] for i in range(len(answer_norm) - 1)}:
            for i in self._index.get(g, ()):
                counts[i] += 1
        own_norms = [grade_norm(o) for o in own]
        for i, n in sorted(counts.items(), key=lambda x: -x[1] / self._sizes[x[0]]):
            if n / self._sizes[i] < self.MIN_SHARED:
                return None
            if not any(same_answer(self._norms[i], o) for o in own_norms):
                return i
        return None


class Grader:
    """Grades free-text answers: key points aligned and checked for contradictions, keyword
    coverage and semantic similarity, combined by the shipped default or a teacher's calibration.

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
        pipelined: bool = True,
        contradictions: str | Path | None = None,
        policy: ScoringPolicy = EXAM,
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
        self.pipelined = pipelined
        self.policy = policy
        self.contradictions = load_contradictions(contradictions)
        self._aligner = Aligner(self.contradictions)
        self._pool = _Pool()
        if bank is not None:
            for q in bank.questions:
                for ref in (self._reference_of(q), *q.alternatives):
                    self._pool.add(q.stem, ref, q.id)

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

    def know_references(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Other questions' (question, reference) pairs: an answer that matches one of them better
        than its own reference is flagged off-topic. A bank's questions are known already."""
        for question, reference in pairs:
            self._pool.add(question, reference)

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
            alternatives=q.alternatives,
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
                alternatives=_tuple_of_str(row.get("alternatives")),
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
        alternatives: Iterable[str] = (),
    ) -> GradeResult:
        req = GradeRequest(
            answer=answer,
            reference=reference,
            question=question,
            key_points=tuple(key_points),
            aliases=tuple(tuple(g) for g in aliases),
            grading=grading,
            max_score=max_score,
            alternatives=tuple(alternatives),
        )
        return next(self.grade_many([req]))

    def grade_item(self, item: Item, answer: str, question: Question | None = None) -> GradeResult:
        """Grade an answer to a quiz item: short answers by the model, the other types by
        `quizgen.scoring` under the grader's policy."""
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
            alternatives=question.alternatives if question else (),
        )

    def grade_many(self, rows: Iterable[Any]) -> Iterator[GradeResult]:
        """Grade a stream of rows (GradeRequest, mappings with reference/answer or question_id/answer,
        or (reference, answer) pairs). One result per row, in order. Rows go in batches of
        `batch_size` (each distinct text encoded once), so any number of rows streams in bounded
        memory. With `pipelined` (the default) the embedder encodes one batch in a worker thread
        while the keyword part of the next is computed: the key-point alignment costs about a
        sixth of an encode, and overlapping them keeps the grader near the encoder's own pace
        (benchmarks/bench_grade.py)."""
        for reqs, preps in self._pipeline(rows):
            yield from self._grade_batch(reqs, preps)

    def features_many(self, rows: Iterable[Any]) -> Iterator[tuple[GradeRequest, dict[str, float | None]]]:
        """The features of each row as graded (the best reference, guards decided), for calibration
        and evaluation; `{}` for rows that are empty, unknown or malformed."""
        for req, feats, _rival in self.features_and_rivals(rows):
            yield req, feats

    def features_and_rivals(
        self, rows: Iterable[Any]
    ) -> Iterator[tuple[GradeRequest, dict[str, float | None], dict[str, float | None] | None]]:
        """Like `features_many`, with the features of the other question's reference the answer was
        compared with (None if none came close): what refitting the default needs to decide
        off-topic again under another combination."""
        for reqs, preps in self._pipeline(rows):
            for req, prep in zip(reqs, preps, strict=True):
                if prep is None:
                    yield req, {}, None
                else:
                    best, _verdict = self._choose(prep)
                    yield req, best.feats, prep.rival.feats if prep.rival is not None else None

    # ------------------------------------------------------------------ internals

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
                yield reqs, self._attach(preps, texts, done)
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
                    yield pending[0], self._attach(*pending[1:])
                pending = (reqs, preps, texts, fut)
            if pending is not None:
                yield pending[0], self._attach(*pending[1:])

    def _candidate(
        self,
        req: GradeRequest,
        reference: str,
        question: str,
        answers: dict[Any, Answer],
        qid: str | None = None,
    ) -> _Candidate | None:
        """The answer against one reference; None when the reference says nothing. `answers`: the
        answer already prepared, by alias map (most references share one)."""
        ref = prepare_reference(reference, question, req.key_points, req.aliases, req.grading)
        if not ref.norm:
            return None
        answer = answers.get(ref.aliases.key)
        if answer is None:
            answer = answers[ref.aliases.key] = prepare_answer(req.answer, ref.aliases)
        lex = lexical(ref, req.answer, answer.norm)
        matches = self._aligner.align(ref.points, answer, ref.norm, ref.aliases, ref.question_norm)
        n = len(matches)
        feats: dict[str, float | None] = {
            "recall": lex.recall,
            "recall2": lex.recall2,
            "precision": lex.precision,
            "key_points": sum(1 for m in matches if m.status == "matched") / n if n else 1.0,
            "coverage": sum(m.strength for m in matches) / n if n else lex.recall,
            "length_ratio": lex.length_ratio / 3.0,
            "cosine": None,
            "semantic": None,
            "contradicted": sum(1 for m in matches if m.status == "contradicted") / n if n else 0.0,
            "copy": float(copied_question(answer, ref.question_norm) >= COPY_SHARE),
            "salad": keyword_salad(answer, ref.points, ref.norm),
            "term_share": (
                sum(m.strength for m in matches if m.point.kind is PointKind.TERM and m.status == "matched")
                / n
                if n
                else 0.0
            ),
            "sentence_share": sum(1 for m in matches if m.point.kind is PointKind.SENTENCE) / n if n else 1.0,
            "rival": None,
        }
        return _Candidate(req.answer, reference, ref, answer, lex, matches, feats, qid)

    def _lexical_stage(self, reqs: Sequence[GradeRequest]) -> tuple[list[_Prep | None], list[str]]:
        """Keyword features of a batch, and the texts it needs encoded."""
        out: list[_Prep | None] = []
        texts: list[str] = []
        for req in reqs:
            if req.error or (req.item is not None and req.item.type is not ItemType.SHORT):
                out.append(None)
                continue
            answers: dict[Any, Answer] = {}
            refs = list(dict.fromkeys((req.reference, *req.alternatives)))
            found = [self._candidate(req, r, req.question, answers) for r in refs]
            cands = [c for c in found if c is not None]
            if not cands or not cands[0].answer.norm:
                out.append(None)  # no reference, or an empty answer
                continue
            rival = None
            if self._pool:
                i = self._pool.best(cands[0].answer.norm, refs)
                if i is not None:
                    q, r, qid = self._pool.entries[i]
                    # The answer's own question words (头文件 in an answer on header files) say
                    # nothing about another question's reference (文件范围).
                    plain = _replace(req, key_points=(), grading=None)
                    rival = self._candidate(plain, r, f"{q}\n{req.question}", answers, qid)
                    if rival is not None and rival.ref.content_len < RIVAL_MIN:
                        rival = None
            out.append(_Prep(cands, rival))
            texts.append(req.answer)
            texts.extend(c.reference for c in cands)
            if rival is not None:
                texts.append(rival.reference)
        return out, texts

    def _attach(self, preps: list[_Prep | None], texts: list[str], fut: Any) -> list[_Prep | None]:
        if fut is None:
            return preps
        vecs = fut.result()
        index = {t: i for i, t in enumerate(texts)}
        for prep in preps:
            if prep is None:
                continue
            for c in (*prep.candidates, *([prep.rival] if prep.rival else [])):
                cos = _cosine(vecs[index[c.text]], vecs[index[c.reference]])
                c.feats["cosine"] = cos
                c.feats["semantic"] = self.combination.semantic_part(cos)
        return preps

    def _choose(self, prep: _Prep) -> tuple[_Candidate, Verdict]:
        """The best-scoring reference, decided; flagged off-topic when another question's
        reference fits the answer clearly better."""
        comb = self.combination
        if prep.rival is not None:
            other = decide(comb, prep.rival.feats).model
            for c in prep.candidates:
                c.feats["rival"] = other
        scored = [(decide(comb, c.feats), c) for c in prep.candidates]
        verdict, best = max(scored, key=lambda x: x[0].fraction)
        return best, verdict

    def _grade_batch(
        self, reqs: Sequence[GradeRequest], preps: Sequence[_Prep | None]
    ) -> Iterator[GradeResult]:
        for req, prep in zip(reqs, preps, strict=True):
            max_score = req.max_score if req.max_score > 0 else 1.0
            if req.item is not None and req.item.type is not ItemType.SHORT and not req.error:
                yield grade_exact(req.item, req.answer, self.policy)
                continue
            if prep is None:
                yield _special(req, max_score, has_semantic=self.embedder is not None)
                continue
            yield self._result(req, prep, max_score)

    def _result(self, req: GradeRequest, prep: _Prep, max_score: float) -> GradeResult:
        comb = self.combination
        best, verdict = self._choose(prep)
        lex, feats = best.lex, best.feats
        semantic = feats["semantic"]
        keyword = comb.keyword_part(lex.recall)
        frac = verdict.fraction
        reasons: list[str] = []
        deductions = [f"{d.label} (-{_pts(d.lost * max_score)})" for d in verdict.deductions]
        conflicts = [m for m in best.matches if m.status == "contradicted"]
        if conflicts:
            m = conflicts[0]
            c = m.conflict
            words = f" ({c.said} / {c.expected})" if c is not None else ""
            reasons.append(
                f"contradicts the reference: answer “{m.phrase}”, reference “{m.point.text}”{words}"
            )
        if "off-topic" in verdict.flags and prep.rival is not None:
            which = (
                f"question {prep.rival.question_id}"
                if prep.rival.question_id
                else f"“{_clip(prep.rival.reference)}”"
            )
            reasons.append(f"off-topic: closer to the reference of {which}")
        conf, review = verdict.confidence, verdict.needs_review
        if lex.forbidden_found:
            deductions.append(f"forbidden: {'、'.join(lex.forbidden_found)} (-{_pts(frac * max_score)})")
            frac = 0.0
            reasons.insert(0, "forbidden: " + "、".join(lex.forbidden_found))
            conf, review = 0.9, False
        elif lex.required_missing:
            kept = frac * (1.0 - len(lex.required_missing) / max(1, len(best.ref.required)))
            deductions.append(
                f"missing required: {'、'.join(lex.required_missing)} (-{_pts((frac - kept) * max_score)})"
            )
            frac = kept
            reasons.insert(0, "missing required: " + "、".join(lex.required_missing))
            conf, review = comb.confidence(frac, keyword, semantic, feats)
        n = len(best.matches)
        possible = max_score / n if n else 0.0
        marks = tuple(
            KeyPointMark(
                point=m.point.text,
                status=m.status,
                phrase=m.phrase if m.status != "missed" else "",
                earned=round(possible * m.strength, 2),
                possible=round(possible, 2),
            )
            for m in best.matches
        )
        return GradeResult(
            score=round(frac * max_score, 2),
            max_score=max_score,
            keyword=round(keyword, 4),
            semantic=None if semantic is None else round(semantic, 4),
            matched=tuple(m.point.text for m in best.matches if m.status == "matched"),
            missed=tuple(m.point.text for m in best.matches if m.status != "matched"),
            confidence=conf,
            needs_review=review,
            reason="; ".join(reasons),
            features=feats,
            marks=marks,
            deductions=tuple(deductions),
        )


def _pts(x: float) -> str:
    return f"{round(x, 2):g}"


def _clip(text: str, n: int = 24) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[: n - 1] + "…"


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


# ---------------------------------------------------------------------------- objective items


def grade_exact(item: Item, answer: str, policy: ScoringPolicy = EXAM) -> GradeResult:
    """Choice, multi, fill, true/false, order and match items, scored by `quizgen.scoring` (the one
    scoring of objective items) after reading the typed answer as the quiz does
    (`quizgen.answers`). An option's text counts as its letter; an answer that cannot be read
    scores 0 and is flagged."""
    from quizgen.answers import AnswerFormatError, parse_input
    from quizgen.items import LETTERS
    from quizgen.scoring import score_response
    from quizgen.text import normalize_loose

    pts = item.points if item.points > 0 else 1.0
    if not grade_norm(answer):
        return GradeResult(0.0, pts, 0.0, None, confidence=1.0, reason=REASON_EMPTY)
    typed = answer
    if item.options and item.type is ItemType.CHOICE:
        texts = {normalize_loose(o): LETTERS[i] for i, o in enumerate(item.options)}
        typed = texts.get(normalize_loose(answer), answer)
    try:
        parsed = parse_input(item, typed)
    except AnswerFormatError as e:
        return GradeResult(
            0.0, pts, 0.0, None, confidence=0.5, needs_review=True, reason=f"not an answer: {e.message}"
        )
    if parsed.command is not None:
        return GradeResult(
            0.0,
            pts,
            0.0,
            None,
            confidence=0.5,
            needs_review=True,
            reason=f"not an answer: {answer.strip()!r}",
        )
    s = score_response(item, parsed.response, policy)
    return GradeResult(
        round(s.fraction * pts, 2),
        pts,
        s.fraction,
        None,
        confidence=1.0,
        needs_review=False,
        reason="" if s.correct else s.detail,
    )


__all__ = ["GradeRequest", "GradeResult", "Grader", "KeyPointMark", "grade_exact"]
