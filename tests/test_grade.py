"""Unit tests of the grader: keyword logic, combination, results, metrics, calibration.

No model is loaded here: tests that need a semantic part use a small fake embedder (a bag of
characters), which is never used by the product."""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from quizgen.bank import Grading
from quizgen.errors import GradeError, ModelUnavailableError
from quizgen.grade import Grader, GradeRequest, GradeResult, default_combination
from quizgen.grade.align import PointKind, reference_points
from quizgen.grade.calibrate import calibrate, nonneg_ridge
from quizgen.grade.combine import Combination, Model, Term, dumps_combination, loads_combination
from quizgen.grade.embedders import CachedEmbedder, EmbeddingCache, default_cache_dir, make_embedder
from quizgen.grade.evaluate import (
    HumanRow,
    cross_validate,
    metrics,
    pearson,
    question_folds,
    qwk,
    rmse,
    spearman,
)
from quizgen.grade.keywords import AliasMap, grade_norm, lexical, prepare_reference
from quizgen.items import Item, ItemType


class FakeEmbedder:
    """Bag-of-characters vectors: similar texts get similar vectors. Test-only."""

    spec = "fake"
    key = "fake/1"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for i, t in enumerate(texts):
            for ch in t:
                out[i, hash(ch) % 64] += 1.0
            n = np.linalg.norm(out[i])
            if n:
                out[i] /= n
        return out


@pytest.fixture
def kw() -> Grader:
    return Grader(embedder="none")


# ---------------------------------------------------------------------------- normalisation


def test_grade_norm_folds_width_case_punctuation_and_keeps_comparisons() -> None:
    assert grade_norm("ＣＮＮ，卷积。") == "cnn卷积"
    assert grade_norm("P 值＞0.05。") == "p值>0.05"
    assert grade_norm("p值大于0.05") == "p值>0.05"
    assert grade_norm("结束.") == "结束"
    assert grade_norm("第一行<br>第二行") == "第一行第二行"


def test_alias_map_rewrites_every_name_to_the_first() -> None:
    amap = AliasMap([("卷积神经网络", "CNN"), ("循环神经网络", "RNN")])
    assert amap.apply(grade_norm("CNN和rnn")) == "卷积神经网络和循环神经网络"
    # "卷积神经网络（CNN）" counts as one mention
    assert amap.apply(grade_norm("卷积神经网络（CNN）")) == "卷积神经网络"


# ---------------------------------------------------------------------------- keyword part


def test_aliases_make_an_english_answer_match_a_chinese_reference(kw: Grader) -> None:
    ref = "卷积神经网络通过卷积提取局部特征"
    without = kw.grade_text(ref, "CNN 通过卷积提取局部特征")
    with_alias = kw.grade_text(ref, "CNN 通过卷积提取局部特征", aliases=[("卷积神经网络", "CNN")])
    assert with_alias.keyword == 1.0
    assert with_alias.score > without.score


def test_full_width_and_case_do_not_matter(kw: Grader) -> None:
    a = kw.grade_text("使用 ReLU 激活函数", "使用ｒｅｌｕ激活函数")
    assert a.keyword == 1.0


def test_question_words_count_for_nothing(kw: Grader) -> None:
    q = "配送的种类按配送专业化程度分类，可分为哪些类型？"
    ref = "配送的种类按配送专业化程度分类，分为综合配送、专业配送。"
    short = kw.grade_text(ref, "（1）综合配送（2）专业配送。", question=q)
    echo = kw.grade_text(ref, "配送的种类按配送专业化程度分类。", question=q)
    assert short.keyword == 1.0
    assert echo.keyword < 0.3
    assert short.score > echo.score


def test_typo_tolerant_key_points(kw: Grader) -> None:
    r = kw.grade_text(
        "卷积神经网络和池化层", "卷积神经王络可以提取特征", key_points=["卷积神经网络", "池化层"]
    )
    assert r.matched == ("卷积神经网络",)
    assert r.missed == ("池化层",)


def test_short_key_points_need_an_exact_match(kw: Grader) -> None:
    r = kw.grade_text("卷积", "这里说的是池化", key_points=["卷积"])
    assert r.missed == ("卷积",)


def test_forbidden_term_gives_zero_however_many_words_are_shared(kw: Grader) -> None:
    ref = "卷积神经网络通过卷积操作提取图像特征，具有局部感知和共享权重"
    ans = "卷积神经网络是一种循环结构，通过卷积操作提取图像特征，具有局部感知和共享权重"
    plain = kw.grade_text(ref, ans)
    ruled = kw.grade_text(ref, ans, grading=Grading(forbidden=("循环结构",)))
    assert plain.score > 0.5
    assert ruled.score == 0.0
    assert ruled.reason == "forbidden: 循环结构"


def test_missing_required_term_caps_the_score(kw: Grader) -> None:
    ref = "过拟合可以用正则化和数据增强缓解"
    g = Grading(required=("正则化", "数据增强"))
    both = kw.grade_text(ref, "过拟合可以用正则化和数据增强缓解", grading=g)
    one = kw.grade_text(ref, "过拟合可以用正则化缓解", grading=g)
    assert both.reason == ""
    assert one.reason == "missing required: 数据增强"
    assert one.score <= both.score / 2 + 1e-9


def test_empty_answer_scores_zero_with_a_reason(kw: Grader) -> None:
    r = kw.grade_text("参考答案", "  。 ", max_score=5)
    assert r == GradeResult(0.0, 5, 0.0, None, confidence=1.0, needs_review=False, reason="empty answer")


def test_no_reference_is_flagged(kw: Grader) -> None:
    r = kw.grade_text("", "有内容的回答")
    assert (r.score, r.reason, r.needs_review) == (0.0, "no reference answer", True)


def test_scores_are_in_points_and_monotone_in_coverage(kw: Grader) -> None:
    ref = "决定分拣策略的四个主要因素：分区、订单分割、订单分批、分类。"
    q = "决定分拣策略的主要因素有哪几个？"
    answers = ["分配。", "分区、分类。", "分区、订单分割、分类。", "分区、订单分割、订单分批、分类。"]
    scores = [kw.grade_text(ref, a, question=q, max_score=4).score for a in answers]
    assert scores == sorted(scores)
    assert scores[-1] > 3.5
    assert all(0 <= s <= 4 for s in scores)


def test_lexical_features_are_fractions() -> None:
    ref = prepare_reference("反向传播计算梯度并更新权重", "")
    lex = lexical(ref, "计算梯度，更新权重，还有别的内容")
    for v in (lex.recall, lex.recall2, lex.precision):
        assert 0.0 <= v <= 1.0
    assert lex.length_ratio > 0


def test_key_points_of_a_reference_leave_out_what_the_question_says() -> None:
    pts = reference_points(
        "配送的种类按配送专业化程度分类，分为综合配送、专业配送。",
        "配送的种类按配送专业化程度分类，可分为哪些类型？",
    )
    assert [(p.text, p.kind) for p in pts] == [("综合配送", PointKind.TERM), ("专业配送", PointKind.TERM)]


def test_bank_questions_use_their_answer_key_points_and_aliases(seed_bank) -> None:  # type: ignore[no-untyped-def]
    g = Grader(embedder="none", bank=seed_bank)
    res = list(
        g.grade_many(
            [
                {"question_id": "2", "answer": "CNN 用卷积提取特征，有局部感知、平移不变性和共享权重的特点"},
                {"question_id": "nope", "answer": "随便"},
                {"question_id": "2", "answer": ""},
            ]
        )
    )
    assert len(res) == 3
    # the bank's list terms first, then the 答案's own statements
    assert res[0].matched == ("局部感知", "平移不变性", "共享权重")
    assert res[0].missed == (
        "层次化特征提取",
        "卷积神经网络（CNN）是一种专门用于处理具有网格结构数据（如图像）的深度学习模型",
        "它通过卷积操作提取图像特征",
    )
    assert [m.phrase for m in res[0].marks[:2]] == ["有局部感知", "平移不变性和共享权重的特点"]
    assert res[1].reason == "unknown question 'nope'" and res[1].score == 0
    assert res[2].reason == "empty answer"


def test_unknown_question_without_bank(kw: Grader) -> None:
    r = next(kw.grade_many([{"question_id": "7", "answer": "x"}]))
    assert r.reason == "unknown question '7' (no bank given)"


def test_rows_in_equal_rows_out_for_every_row_shape(kw: Grader) -> None:
    rows = [
        GradeRequest(answer="卷积", reference="卷积神经网络"),
        {"reference_answer": "卷积神经网络", "student_answer": "卷积"},
        ("卷积神经网络", "卷积"),
        {"answer": "", "error": "malformed row: 3 fields, the header has 4"},
        42,
    ]
    res = list(kw.grade_many(rows))
    assert len(res) == 5
    assert res[0].score == res[1].score == res[2].score
    assert res[3].reason.startswith("malformed row")
    assert res[4].reason == "malformed row: int"


def test_grade_many_streams_lazily(kw: Grader) -> None:
    def endless():  # type: ignore[no-untyped-def]
        i = 0
        while True:
            i += 1
            yield ("反向传播计算梯度", f"计算梯度{i}")

    it = kw.grade_many(endless())
    first = [next(it) for _ in range(300)]
    assert len(first) == 300


# ---------------------------------------------------------------------------- items


def _item(typ: ItemType, answer: tuple[str, ...], **kw: object) -> Item:
    return Item(id="i1", type=typ, question_id="q", stem="题目", answer=answer, **kw)  # type: ignore[arg-type]


def test_grade_item_exact_types(kw: Grader) -> None:
    choice = _item(ItemType.CHOICE, ("B",), options=("甲", "乙", "丙"))
    assert kw.grade_item(choice, "b").score == 1.0
    assert kw.grade_item(choice, "乙").score == 1.0
    assert kw.grade_item(choice, "A").score == 0.0
    multi = _item(ItemType.MULTI, ("A", "C"), options=("a", "b", "c"), points=2)
    assert kw.grade_item(multi, "C, A").score == 2.0
    assert kw.grade_item(multi, "A").score == 0.0  # EXAM: 少选不得分
    assert kw.grade_item(multi, "AB").score == 0.0
    tf = _item(ItemType.TF, ("对",))
    assert kw.grade_item(tf, "正确").score == 1.0
    assert kw.grade_item(tf, "×").score == 0.0
    fill = _item(ItemType.FILL, ("卷积神经网络",), accept=("CNN",))
    assert kw.grade_item(fill, "cnn").score == 1.0
    order = _item(ItemType.ORDER, ("B", "A", "C"), options=("x", "y", "z"))
    assert kw.grade_item(order, "BAC").score == 1.0
    assert kw.grade_item(order, "B C A").score == pytest.approx(0.67)  # 2 of 3 pairs in order
    assert kw.grade_item(choice, "").reason == "empty answer"
    unreadable = kw.grade_item(choice, "E")
    assert (unreadable.score, unreadable.needs_review) == (0.0, True)
    assert unreadable.reason == "not an answer: 'E' is not one of the options A-C"


def test_objective_items_follow_the_scoring_policy() -> None:
    """One scoring everywhere (quizgen.scoring): EXAM by default, PRACTICE when asked."""
    from quizgen.scoring import EXAM, PRACTICE, score_response

    multi = _item(ItemType.MULTI, ("A", "C"), options=("a", "b", "c"), points=2)
    fill = _item(ItemType.FILL, ("卷积神经网络",), accept=("CNN",))
    exam, practice = Grader(embedder="none"), Grader(embedder="none", policy=PRACTICE)
    assert exam.grade_item(multi, "A").score == 0.0  # 多选、少选、错选均不得分
    assert practice.grade_item(multi, "A").score == 1.0  # (1 right - 0 wrong) / 2 right
    assert exam.grade_item(fill, "卷积神经王络").score == 0.0  # a 错别字 is wrong in an exam
    assert practice.grade_item(fill, "卷积神经王络").score == 0.5
    for item, typed in ((multi, ("A",)), (fill, "卷积神经王络")):
        for grader, policy in ((exam, EXAM), (practice, PRACTICE)):
            expected = score_response(item, typed, policy)
            got = grader.grade_item(item, typed if isinstance(typed, str) else "".join(typed))
            assert got.fraction == pytest.approx(expected.fraction)


def test_grade_item_short_uses_key_points_and_points(kw: Grader) -> None:
    short = _item(
        ItemType.SHORT,
        ("池化操作降低特征图维度，减少参数数量",),
        key_points=("降低维度", "减少参数"),
        points=5,
    )
    r = kw.grade_item(short, "池化可以降低维度，减少参数")
    assert r.max_score == 5
    assert r.matched == ("降低维度", "减少参数")
    assert 0 < r.score <= 5


# ---------------------------------------------------------------------------- semantic part (fake)


def test_semantic_part_is_used_and_each_text_is_encoded_once(tmp_path: Path) -> None:
    fake = FakeEmbedder()
    g = Grader(embedder=fake, cache_dir=tmp_path)
    rows = [("卷积神经网络提取特征", "卷积提取特征")] * 3 + [("卷积神经网络提取特征", "完全无关的句子")]
    res = list(g.grade_many(rows))
    assert all(r.semantic is not None for r in res)
    assert res[0].semantic is not None and res[3].semantic is not None
    assert res[0].semantic > res[3].semantic
    encoded = [t for call in fake.calls for t in call]
    assert sorted(encoded) == sorted({"卷积神经网络提取特征", "卷积提取特征", "完全无关的句子"})
    # a second grader finds everything in the on-disk cache
    fake2 = FakeEmbedder()
    list(Grader(embedder=fake2, cache_dir=tmp_path).grade_many(rows))
    assert fake2.calls == []


def test_sequential_and_pipelined_paths_agree(tmp_path: Path) -> None:
    rows = [("反向传播计算梯度并更新权重", f"计算梯度{i}，更新权重") for i in range(700)]
    a = list(Grader(embedder=FakeEmbedder(), use_cache=False, batch_size=64).grade_many(rows))
    b = list(
        Grader(embedder=FakeEmbedder(), use_cache=False, batch_size=64, pipelined=False).grade_many(rows)
    )
    assert a == b and len(a) == 700


def test_confidence_and_review_flag() -> None:
    c = default_combination()
    f = {"length_ratio": 0.3, "precision": 0.5}
    conf_hi, review_hi = c.confidence(0.95, 0.95, 0.95, f)
    conf_mid, _review_mid = c.confidence(0.5, 0.5, 0.5, f)
    # the encoder sees much more than the keywords: a paraphrase the grader cannot verify
    conf_para, review_para = c.confidence(0.3, 0.2, 0.8, f)
    assert conf_hi > conf_mid > conf_para
    assert not review_hi and review_para
    assert 0.0 <= conf_para <= 1.0


def test_default_combination_is_monotone() -> None:
    c = default_combination()
    assert all(t.weight >= 0 for m in (c.semantic, c.keyword) for t in m.terms)
    grid = [i / 10 for i in range(11)]
    for cos in grid:
        vals = [c.semantic.predict({"recall": r, "coverage": r, "cosine": cos}) for r in grid]
        assert vals == sorted(vals)
    for r in grid:
        vals = [c.semantic.predict({"recall": r, "coverage": r, "cosine": cos}) for cos in grid]
        assert vals == sorted(vals)
    full = {"recall": 1.0, "coverage": 1.0, "cosine": 1.0}
    assert c.semantic.predict(full) == pytest.approx(1.0) and c.keyword.predict(full) == pytest.approx(1.0)


# ---------------------------------------------------------------------------- combination files


def test_combination_round_trip() -> None:
    c = default_combination()
    again = loads_combination(dumps_combination(c, "header"), "x.yaml")
    assert again.semantic == c.semantic and again.keyword == c.keyword
    assert again.review_semantic == c.review_semantic and again.review_keyword == c.review_keyword


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n", "x.yaml: expected a mapping (a grader calibration file)"),
        ("models: {}\n", "x.yaml: models: expected models.semantic and models.keyword"),
        (
            "models:\n  semantic: {terms: [{feature: magic, weight: 1}]}\n  keyword: {}\n",
            "x.yaml: models.semantic.terms[0].feature: unknown feature 'magic'; expected one of recall, "
            "recall2, precision, key_points, coverage, length_ratio, cosine, semantic",
        ),
        (
            "models:\n  semantic: {terms: [{feature: recall, weight: -1}]}\n  keyword: {}\n",
            "x.yaml: models.semantic.terms[0].weight: -1.0 is outside 0.0..None",
        ),
        ("a: [\n", "x.yaml: not valid YAML: "),
    ],
)
def test_bad_calibration_files_name_the_field(text: str, message: str) -> None:
    with pytest.raises(GradeError) as e:
        loads_combination(text, "x.yaml")
    assert e.value.render().startswith(message)


def test_grader_takes_a_calibration_file(tmp_path: Path) -> None:
    c = Combination(
        semantic=Model(0.0, (Term("recall", 1.0),)), keyword=Model(0.0, (Term("recall", 1.0),)), source="mine"
    )
    p = tmp_path / "calib.yaml"
    p.write_text(dumps_combination(c), encoding="utf-8")
    g = Grader(embedder="none", calibration=p)
    assert g.grade_text("甲乙丙丁", "甲乙").score == 0.5


# ---------------------------------------------------------------------------- embedders (no model loads)


def test_unknown_embedder() -> None:
    with pytest.raises(GradeError) as e:
        make_embedder("bert-magic")
    assert e.value.render() == (
        "unknown embedder 'bert-magic'\n  Hint: use use-m3 (default), st:NAME_OR_PATH "
        "(e.g. st:BAAI/bge-small-zh-v1.5) or none"
    )


def test_missing_st_model_fails_at_once_with_a_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.delenv("SENTENCE_TRANSFORMERS_HOME", raising=False)
    had_st = "sentence_transformers" in sys.modules
    with pytest.raises(ModelUnavailableError) as e:
        Grader(embedder="st:BAAI/bge-small-zh-v1.5")
    msg = e.value.render()
    assert msg.startswith("sentence-transformers model 'BAAI/bge-small-zh-v1.5' is not available offline")
    assert "huggingface-cli download BAAI/bge-small-zh-v1.5" in msg
    assert "--embedder use-m3" in msg
    # the check runs before sentence-transformers (5-9 s to import) is imported
    assert had_st or "sentence_transformers" not in sys.modules
    with pytest.raises(ModelUnavailableError) as e2:
        make_embedder(f"st:{tmp_path}/no/such/model")
    assert e2.value.message == f"no model folder at {tmp_path}/no/such/model"
    (tmp_path / "notamodel").mkdir()
    with pytest.raises(ModelUnavailableError) as e3:
        make_embedder(f"st:{tmp_path}/notamodel")
    assert "is not a sentence-transformers model folder" in e3.value.message


def test_opt_in_download_fails_cleanly_when_the_hub_is_unreachable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # QUIZGEN_ALLOW_DOWNLOAD=1 takes the real download path (huggingface_hub); offline it must end
    # in our error at once, not a hang or a traceback.
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("QUIZGEN_ALLOW_DOWNLOAD", "1")
    with pytest.raises(ModelUnavailableError) as e:
        make_embedder("st:BAAI/bge-small-zh-v1.5")
    assert e.value.message.startswith("cannot download sentence-transformers model 'BAAI/bge-small-zh-v1.5'")
    assert "--embedder st:/path/to/model" in (e.value.hint or "")


def test_cache_dir_follows_quizgen_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZGEN_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "cache" / "embeddings"


def test_cache_round_trip(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path)
    emb = CachedEmbedder(FakeEmbedder(), cache)
    v1 = emb.encode(["甲", "乙", "甲"])
    assert v1.shape == (3, 64) and np.allclose(v1[0], v1[2])
    emb2 = CachedEmbedder(FakeEmbedder(), EmbeddingCache(tmp_path))
    v2 = emb2.encode(["乙", "甲"])
    assert emb2.encoded == 0
    assert np.allclose(v2[0], v1[1])


# ---------------------------------------------------------------------------- metrics


def test_metrics_known_values() -> None:
    x, y = [0.0, 0.5, 1.0, 1.0], [0.0, 0.4, 0.9, 1.0]
    assert pearson(x, y) == pytest.approx(float(np.corrcoef(x, y)[0, 1]))
    assert spearman([1, 2, 3], [10, 20, 30]) == pytest.approx(1.0)
    assert spearman([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(0.9486833)
    assert qwk(x, x) == pytest.approx(1.0)
    assert rmse([0, 1], [0, 0]) == pytest.approx(math.sqrt(0.5))
    assert pearson([1, 1, 1], [0, 1, 2]) is None
    m = metrics(x, y)
    assert set(m) == {"n", "pearson", "spearman", "qwk", "rmse"} and m["n"] == 4


def _rows(n_q: int, per_q: int) -> list[HumanRow]:
    return [HumanRow(f"Q{q}", "", "ref", "ans", (i % 5) / 4, 1.0) for q in range(n_q) for i in range(per_q)]


def test_question_folds_keep_questions_together() -> None:
    rows = _rows(10, 4)
    folds = question_folds(rows, 5)
    for q in {r.question_id for r in rows}:
        assert len({f for r, f in zip(rows, folds, strict=True) if r.question_id == q}) == 1
    assert set(folds) == set(range(5))
    with pytest.raises(Exception, match="--cv 11 needs between 2 and 10 folds"):
        question_folds(rows, 11)


def test_nonneg_ridge_recovers_weights_and_clips_negative_ones() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((200, 3))
    y = 0.1 + 0.5 * x[:, 0] + 0.3 * x[:, 1] - 0.4 * x[:, 2]
    _b, w = nonneg_ridge(x, y, np.zeros(3), l2=0.0)
    assert w[0] == pytest.approx(0.5, abs=0.1) and w[2] == 0.0
    assert all(w >= 0)


def test_calibrate_and_grouped_cv_improve_on_a_lenient_teacher() -> None:
    # A lenient teacher: anything with half the words gets nearly full marks.
    rng = np.random.default_rng(1)
    feats, rows = [], []
    for q in range(12):
        for _ in range(10):
            r = float(rng.random())
            feats.append(
                {
                    "recall": r,
                    "recall2": r * 0.8,
                    "precision": 0.7,
                    "key_points": 1.0,
                    "length_ratio": 0.3,
                    "cosine": 0.5 + r / 3,
                }
            )
            rows.append(HumanRow(f"Q{q}", "", "", "", min(1.0, 0.4 + r), 1.0))
    base = default_combination()
    y = [r.fraction for r in rows]
    comb = calibrate(feats, y, base, embedder="use-m3")
    assert all(t.weight >= 0 for t in comb.semantic.terms)
    pred = cross_validate(rows, feats, 4, lambda f, yy: calibrate(f, yy, base, embedder="use-m3"))
    r = metrics(pred, y)
    assert r["rmse"] is not None and r["rmse"] < 0.1
    with pytest.raises(GradeError, match="calibration needs at least 10"):
        calibrate(feats[:5], y[:5], base, embedder="use-m3")


def test_key_points_match_with_swapped_word_order(kw: Grader) -> None:
    r = kw.grade_text(
        "特征提取、参数共享和特征融合",
        "模型会自动提取特征，并且共享参数",
        key_points=["特征提取", "参数共享", "特征融合"],
    )
    assert r.matched == ("特征提取", "参数共享")
    assert r.missed == ("特征融合",)


# ---------------------------------------------------------------------------- issue 12.2: long answers


class WindowedFake(FakeEmbedder):
    """The fake embedder with a small window, to see what reaches the model."""

    window = 50


def test_windows_cover_a_text_and_cut_at_sentence_ends() -> None:
    from quizgen.grade.embedders import sample, windows

    text = "卷积提取局部特征。池化降低维度！" * 40 + "没有句号的一长串文字" * 20
    spans = windows(text, 50)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a == prev_b for (a, _b), (_a, prev_b) in zip(spans[1:], spans, strict=False))
    assert all(0 < b - a <= 50 for a, b in spans)
    assert all(text[b - 1] in "。！" for a, b in spans[:-12])  # sentence ends while there are some
    picked = sample(spans, 5)
    assert len(picked) == 5 and picked[0] == spans[0] and picked[-1] == spans[-1]
    assert sample(spans[:3], 5) == spans[:3]


def test_a_long_answer_reaches_the_model_in_windows_only(tmp_path: Path) -> None:
    """Issue 12.2: nothing longer than the model's window is encoded, and a huge answer is encoded
    as at most MAX_WINDOWS windows (bounded memory and time), pooled to one vector."""
    from quizgen.grade.embedders import MAX_WINDOWS

    fake = WindowedFake()
    g = Grader(embedder=fake, cache_dir=tmp_path)
    ref = "卷积神经网络用卷积提取局部特征。"
    huge = "卷积神经网络用卷积提取局部特征，池化降低维度。" * 5000  # 115,000 characters
    r = g.grade_text(ref, huge)
    sent = [t for call in fake.calls for t in call]
    assert max(len(t) for t in sent) <= 50
    assert len(sent) <= MAX_WINDOWS + 1  # the answer's windows and the reference
    assert g.embedder is not None and g.embedder.windowed == 1
    assert r.semantic is not None and r.semantic > 0.5
    assert [m.status for m in r.marks] == ["matched"]


def test_a_long_answer_is_judged_on_what_it_covers(kw: Grader) -> None:
    ref = "栈是一种后进先出的数据结构"
    alone = kw.grade_text(ref, "栈是一种后进先出的数据结构", question="什么是栈？")
    padded = kw.grade_text(
        ref, "栈是一种后进先出的数据结构。" + "我认为这个问题很重要。" * 3000, question="什么是栈？"
    )
    assert padded.score <= alone.score
    assert [m.status for m in padded.marks] == ["matched"]
