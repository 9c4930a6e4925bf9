"""Progress store, spaced repetition and the quiz state machine (quizgen.session)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from quizgen.answers import Response
from quizgen.errors import SessionError
from quizgen.grade.grader import KeyPointMark
from quizgen.items import Item, ItemSource, ItemType
from quizgen.session import (
    GraderSlot,
    Judgement,
    Outcome,
    QuizRun,
    Rating,
    Status,
    Store,
    make_scorer,
    rating_for,
    store_path,
)


def _items() -> list[Item]:
    return [
        Item(
            id="c1",
            type=ItemType.CHOICE,
            question_id="q1",
            stem="选哪个？",
            options=("甲", "乙", "丙", "丁"),
            answer=("B",),
            source=ItemSource(1),
        ),
        Item(
            id="t1", type=ItemType.TF, question_id="q2", stem="对吗？", answer=("错",), source=ItemSource(2)
        ),
        Item(
            id="f1",
            type=ItemType.FILL,
            question_id="q3",
            stem="____ 网络",
            answer=("卷积神经网络",),
            accept=("卷积神经网络", "CNN"),
            source=ItemSource(3, "解析"),
        ),
        Item(
            id="m1",
            type=ItemType.MULTI,
            question_id="q3",
            stem="哪些？",
            options=("甲", "乙", "丙"),
            answer=("A", "C"),
            points=2.0,
            source=ItemSource(3),
        ),
    ]


def exact(item: Item, response: Response) -> Judgement:
    """A stand-in scorer: right when the response is the answer, half credit for a multi subset."""
    want: Response = item.answer[0] if item.type in (ItemType.TF, ItemType.FILL) else tuple(item.answer)
    if response == want:
        return Judgement(1.0, True, str(want))
    if item.type is ItemType.MULTI and isinstance(response, tuple) and set(response) < set(item.answer):
        return Judgement(0.5, False, str(want))
    return Judgement(0.0, False, str(want))


@pytest.fixture
def store() -> Iterator[Store]:
    with Store() as s:
        yield s


def test_store_lives_under_quizgen_home_in_wal_mode(store: Store, tmp_path: Path) -> None:
    import os

    assert store.path == Path(os.environ["QUIZGEN_HOME"]) / "progress.sqlite3" == store_path()
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "2"


def test_every_answer_is_committed_at_once(store: Store) -> None:
    items = _items()
    sid = store.create_session(items, bank_path="b.yaml", bank_title="测试", seed=7, options={"count": 4})
    run = QuizRun(store, sid, exact)
    rec = run.answer(0, ("B",), raw="b", elapsed_ms=1200)
    assert rec.correct and rec.fraction == 1.0 and rec.score == 1.0
    # A second connection (another process) sees it without any close/flush.
    other = sqlite3.connect(store.path)
    row = other.execute("SELECT item_id, response, raw, correct, elapsed_ms FROM answers").fetchone()
    assert row == ("c1", '["B"]', "b", 1, 1200)
    assert other.execute("SELECT status FROM sessions").fetchone()[0] == "active"


def test_session_items_round_trip_and_resume(store: Store) -> None:
    items = _items()
    sid = store.create_session(items, bank_title="测试")
    assert store.session_items(sid) == items
    run = QuizRun(store, sid, exact)
    run.answer(0, ("B",))
    run.skip(1)
    run.finish(Status.INTERRUPTED)
    info = store.latest_resumable()
    assert info is not None and info.id == sid and info.answered == 1 and info.skipped == 1
    again = QuizRun(Store(), sid, exact)
    assert again.pending() == [2, 3]
    again.answer(2, "CNN")
    again.answer(3, ("A", "C"))
    again.finish(Status.FINISHED)
    assert store.latest_resumable() is None


def test_sessions_with_and_without_answers(store: Store) -> None:
    """`quizgen history` lists only sessions with an answer or a skip; an empty one (quit at
    the first item) stays resumable."""
    answered = store.create_session(_items(), bank_title="测试")
    QuizRun(store, answered, exact).skip(0)
    empty = store.create_session(_items(), bank_title="测试")
    store.set_status(empty, Status.QUIT)
    assert [s.id for s in store.sessions()] == [empty, answered]
    assert [s.id for s in store.sessions(with_answers=True)] == [answered]
    assert [s.id for s in store.sessions(with_answers=False)] == [empty]
    assert [s.id for s in store.sessions(limit=1, with_answers=True)] == [answered]
    assert store.count_sessions() == 2
    assert store.count_sessions(with_answers=True) == store.count_sessions(with_answers=False) == 1
    latest = store.latest_resumable()
    assert latest is not None and latest.id == empty


def test_answering_twice_is_an_error(store: Store) -> None:
    sid = store.create_session(_items())
    run = QuizRun(store, sid, exact)
    run.answer(0, ("B",))
    with pytest.raises(SessionError, match="item 1 of session 1 is already answered"):
        run.answer(0, ("A",))


def test_summary_per_type_partial_credit_and_weakest(store: Store) -> None:
    sid = store.create_session(_items())
    run = QuizRun(store, sid, exact)
    run.answer(0, ("B",), elapsed_ms=1000)
    run.answer(1, "对", elapsed_ms=2000)
    run.skip(2, elapsed_ms=500)
    run.answer(3, ("A",), elapsed_ms=3000)
    titles = {"q1": (1, "选择"), "q2": (2, "对错"), "q3": (3, "卷积神经网络是什么？")}
    s = run.summary(Status.FINISHED, titles=titles)
    assert (s.total, s.answered, s.skipped, s.correct) == (4, 3, 1, 1)
    assert (s.score, s.max_score, s.seconds) == (2.0, 5.0, 6.5)
    assert [t.type.value for t in s.by_type] == ["choice", "multi", "fill", "tf"]
    multi = s.by_type[1]
    assert (multi.score, multi.max_score) == (1.0, 2.0)
    # bank questions by title, weakest first: q2's wrong tf (0), then q3 (a skip and half a multi)
    assert [(w.question_id, w.title, w.credit) for w in s.weakest] == [
        ("q2", "对错", 0.0),
        ("q3", "卷积神经网络是什么？", 0.25),
    ]
    assert s.weakest[1].missed == ("卷积神经网络",)  # the fill-in item's answer, to learn
    assert s.due is not None and s.due.today == 3  # the wrong, skipped and partly right ones


def test_the_summary_counts_only_items_reached(store: Store) -> None:
    sid = store.create_session(_items())
    run = QuizRun(store, sid, exact)
    run.answer(0, ("B",))
    s = run.summary(Status.QUIT)
    assert (s.total, s.answered, s.unanswered) == (4, 1, 3)
    assert [(t.type.value, t.answered, t.max_score) for t in s.by_type] == [("choice", 1, 1.0)]
    assert s.max_score == 1.0 and s.weakest == ()


def test_spaced_repetition_wrong_first_due_today(store: Store) -> None:
    sid = store.create_session(_items())
    run = QuizRun(store, sid, exact)
    run.answer(0, ("B",))  # right -> due in days
    run.answer(1, "对")  # wrong -> due in 10 minutes
    run.skip(2)  # skipped -> like wrong
    due = store.due()
    assert [c.item.id for c in due] == ["t1", "f1"]
    assert all(c.last_correct is False for c in due)
    cards = {c.item.id: c for c in store.cards()}
    now = datetime.now(UTC)
    assert cards["c1"].due - now > timedelta(days=1)
    assert cards["t1"].due - now < timedelta(minutes=11)
    # two days later the right one is due too, after the wrong ones
    later = store.due(now=now + timedelta(days=3))
    assert [c.item.id for c in later] == ["t1", "f1", "c1"]
    assert [c.item.id for c in store.due(wrong_only=True)] == ["t1", "f1"]


def test_items_of_deleted_questions_are_ignored(store: Store) -> None:
    sid = store.create_session(_items())
    run = QuizRun(store, sid, exact)
    run.answer(1, "对")
    run.answer(2, "x")
    alive = {"q1", "q3"}  # q2 was deleted from the bank
    assert [c.item.id for c in store.due(alive)] == ["f1"]
    st = store.stats(alive)
    assert st["answers"] == 1 and set(st["by_type"]) == {"fill"}
    resumed = QuizRun(store, sid, exact, alive_questions=alive)
    assert resumed.total == 3 and resumed.pending() == [0, 3]
    assert resumed.number_of(3) == 3


def test_stats_accuracy_and_streaks(store: Store) -> None:
    items = _items()
    day = 86400.0
    base = datetime(2024, 5, 10, 12).timestamp()
    for k, (offset, right) in enumerate([(-3, True), (-1, True), (0, False), (0, True)]):
        sid = store.create_session(items[:1])
        ans = ("B",) if right else ("A",)
        when = base + offset * day
        QuizRun(store, sid, exact, clock=lambda: when).answer(0, ans, elapsed_ms=k)  # noqa: B023
    st = store.stats(today=date(2024, 5, 10))
    assert (st["sessions"], st["answers"], st["correct"], st["accuracy"]) == (4, 4, 3, 0.75)
    assert st["streak"] == {"days_current": 2, "days_best": 2, "correct_current": 1, "correct_best": 2}
    assert st["questions"][0]["question_id"] == "q1" and st["questions"][0]["answers"] == 4
    assert st["by_type"]["choice"]["accuracy"] == 0.75


def test_rating_mapping_and_hints_lower_it() -> None:
    assert rating_for(Outcome.SKIPPED, 0.0, False) is Rating.AGAIN
    assert rating_for(Outcome.ANSWERED, 0.0, False) is Rating.AGAIN
    assert rating_for(Outcome.ANSWERED, 0.6, False) is Rating.HARD
    assert rating_for(Outcome.ANSWERED, 0.8, True) is Rating.HARD  # a passed short answer
    assert rating_for(Outcome.ANSWERED, 1.0, True) is Rating.GOOD
    assert rating_for(Outcome.ANSWERED, 1.0, True, 1) is Rating.HARD
    assert rating_for(Outcome.ANSWERED, 1.0, True, 2) is Rating.AGAIN
    assert rating_for(Outcome.ANSWERED, 0.6, False, 3) is Rating.AGAIN


def test_hints_used_are_stored_and_schedule_sooner(store: Store) -> None:
    sid = store.create_session(_items()[:1])
    rec = QuizRun(store, sid, exact).answer(0, ("B",), hints=2)
    assert (rec.hints, rec.hinted, rec.rating, rec.correct) == (2, True, Rating.AGAIN, True)
    (card,) = store.cards()
    assert card.due - datetime.now(UTC) < timedelta(minutes=11)
    assert sqlite3.connect(store.path).execute("SELECT hints, hinted, rating FROM answers").fetchone() == (
        2,
        1,
        1,
    )


def test_own_verdict_drives_scheduling_and_statistics(store: Store) -> None:
    """A short answer the grader scored 2/5 that the student knows was right: Good. The card is
    rescheduled from its state before the answer; the grader's score stays stored."""
    short = Item(id="s1", type=ItemType.SHORT, question_id="q9", stem="简述", answer=("参考",), points=5)
    graded = Judgement(0.4, False, "参考", missed=("局部感知",))
    sid = store.create_session([short])
    run = QuizRun(store, sid, lambda item, response: graded)
    rec = run.answer(0, "我的回答")
    assert rec.rating is Rating.AGAIN and not rec.passed
    before = {r: d for r, d in store.intervals(sid, 0).items()}
    assert before[Rating.AGAIN] < before[Rating.HARD] < before[Rating.GOOD] < before[Rating.EASY]
    rated = run.rate(0, Rating.GOOD)
    assert (rated.self_rated, rated.rating, rated.passed, rated.credit) == (True, Rating.GOOD, True, 1.0)
    assert (rated.score, rated.fraction, rated.correct) == (2.0, 0.4, False)  # the grader's, kept
    (card,) = store.cards()
    assert card.last_correct is True and card.wrong_count == 0 and card.reps == 1
    expected_due = datetime.fromtimestamp(rec.answered_at, tz=UTC) + before[Rating.GOOD]
    assert abs((card.due - expected_due).total_seconds()) < 1
    st = store.stats()
    assert (st["correct"], st["accuracy"], st["mean_score"], st["wrong_book"]) == (1, 1.0, 1.0, 0)
    s = run.summary(Status.FINISHED)
    assert (s.correct, s.score, s.self_rated, s.weakest) == (1, 5.0, 1, ())
    (info,) = store.sessions()
    assert (info.correct, info.score) == (1, 5.0)
    # changing one's mind again: Again
    run.rate(0, Rating.AGAIN)
    (card,) = store.cards()
    assert card.last_correct is False and card.wrong_count == 1 and card.reps == 1


def test_a_verdict_on_an_old_answer_leaves_the_newer_schedule(store: Store) -> None:
    items = _items()[:1]
    first = store.create_session(items)
    QuizRun(store, first, exact).answer(0, ("A",))
    second = store.create_session(items)
    QuizRun(store, second, exact).answer(0, ("B",))
    (card,) = store.cards()
    QuizRun(store, first, exact).rate(0, Rating.EASY)
    assert store.cards()[0].due == card.due
    assert store.answers(first)[0].rating is Rating.EASY


def test_due_counts_today_tomorrow_and_within_a_week(store: Store) -> None:
    sid = store.create_session(_items())
    run = QuizRun(store, sid, exact)
    run.answer(0, ("B",))  # right: about two days
    run.answer(1, "对")  # wrong: 10 minutes
    now = datetime.now(UTC)
    counts = store.due_counts(now=now)
    assert (counts.today, counts.week) == (1, 2)
    assert counts.tomorrow in (1, 2)  # the right one is due in about 2 days: tomorrow or the day after
    assert store.stats(now=now)["due"] == counts.to_dict()


def test_short_answers_go_to_the_grader_built_on_first_use() -> None:
    built: list[str] = []

    class FakeGrader:
        def grade_item(self, item: Item, text: str, question: object = None) -> SimpleNamespace:
            return SimpleNamespace(
                score=2.0,
                max_score=3.0,
                matched=["a", "b"],
                missed=["c"],
                needs_review=True,
                reason="kw",
                marks=(KeyPointMark("a", "matched", "a", 1.0, 1.0),),
                deductions=("copies the question",),
            )

    def factory() -> FakeGrader:
        built.append("x")
        return FakeGrader()

    slot = GraderSlot(factory)
    score = make_scorer(slot)
    short = Item(
        id="s", type=ItemType.SHORT, question_id="q", stem="s", answer=("ref",), key_points=("a", "b", "c")
    )
    assert built == []
    j = score(short, "my answer")
    j2 = score(short, "again")
    assert built == ["x"] and j == j2
    assert j.correct and round(j.fraction, 3) == 0.667 and j.missed == ("c",) and j.needs_review
    assert j.expected == "ref"
    assert j.marks == (KeyPointMark("a", "matched", "a", 1.0, 1.0),) and j.deductions == (
        "copies the question",
    )


def test_a_truncated_store_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "progress.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(SessionError) as e:
        Store(bad)
    assert e.value.message == "the progress store is damaged (file is not a database)"
    assert e.value.hint == "`quizgen doctor --repair` copies the file aside and recovers what it can"


def test_grader_prefetched_in_the_background_and_errors_reach_get() -> None:
    slot = GraderSlot(lambda: "grader")
    slot.prefetch()
    assert slot.get() == "grader" and slot.ready and slot.get() == "grader"

    def broken() -> None:
        raise SessionError("model gone")

    bad = GraderSlot(broken)
    bad.prefetch()
    with pytest.raises(SessionError, match="model gone"):
        bad.get()


def test_the_summary_and_stats_agree(store: Store) -> None:
    sid = store.create_session(_items())
    run = QuizRun(store, sid, exact)
    run.answer(0, ("A",))
    run.answer(1, "对")
    run.skip(2)
    run.answer(3, ("A",))
    titles = {"q1": (1, "选择"), "q2": (2, "对错"), "q3": (3, "网络")}
    s = run.summary(Status.FINISHED, titles=titles, weakest=10)
    st = store.stats(titles=titles)
    assert [w.to_dict() for w in s.weakest] == st["weakest"]
    assert s.due is not None and s.due.to_dict() == st["due"]
