"""`quizgen export -f web`: the page itself (no key in exam pages, no requests, bank text as typed)
and the whole classroom loop in headless Chromium: answer every item type by tapping and typing,
reload mid-way, submit, download the results file, `results collect` and `analyze` it."""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from quizgen import bank as banks
from quizgen import scoring
from quizgen.cli import app
from quizgen.errors import ExportError
from quizgen.export import export
from quizgen.export.web import WebMode, WebOptions, fingerprint, quiz_id, render
from quizgen.generate import generate
from quizgen.items import LETTERS, Item, ItemType, load_items, save_items
from quizgen.results import load_table
from quizgen.results.files import CODE_RE, decode_code
from quizgen.text import normalize_loose
from tests.browser import DESKTOP, PHONE, launch, open_page
from tests.conftest import SEED_BANK

runner = CliRunner()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    yield from launch()


# Screenshots go to a temporary folder; set QUIZGEN_SCREENSHOTS=DIR to keep them and look.
SHOTS = os.environ.get("QUIZGEN_SCREENSHOTS")
HOSTILE = Item(
    id="hostile",
    type=ItemType.TF,
    question_id="q0",
    stem='<b>粗体</b> </script><img src="http://example.invalid/x.png"> {{script}} [b]不是标记[/b]',
    answer=("错",),
    explanation="<i>不是斜体</i>",
)


@pytest.fixture(scope="module")
def items() -> list[Item]:
    """One item of every type from the bundled bank, plus one whose text looks like markup."""
    made = generate(banks.load(SEED_BANK), n=14, rng=random.Random(7)).items
    picked = [next(i for i in made if i.type is t) for t in ItemType]
    return [*picked, HOSTILE]


def _page(items: list[Item], tmp: Path, mode: WebMode = WebMode.EXAM, **kw: Any) -> Path:
    path = tmp / f"quiz-{mode.value}.html"
    path.write_text(
        render(items, title="深度学习 · 随堂测验", options=WebOptions(mode=mode, **kw), rng=random.Random(1)),
        encoding="utf-8",
    )
    return path


# ---------------------------------------------------------------------------- the page's source


def test_exam_page_holds_no_plain_key(items: list[Item], tmp_path: Path) -> None:
    source = _page(items, tmp_path).read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="quiz-data" type="application/json">(.*?)</script>', source).group(1))  # type: ignore[union-attr]
    for d in data["items"]:
        assert not {"answer", "accept", "explanation", "key_points"} & set(d), d["id"]
    shown = {d["id"]: json.dumps(d, ensure_ascii=False) for d in data["items"]}
    for it in items:
        if it.type is ItemType.FILL:
            # the key is not in the item's own data (the same word may be another item's option)
            for form in {*it.answer, *it.accept}:
                assert form not in shown[it.id] and normalize_loose(form) not in shown[it.id], form
        if it.type is ItemType.SHORT:
            assert it.answer[0] not in source  # the reference answer (its key points are words of the stem)
        if it.explanation and len(it.explanation) > 6:
            assert it.explanation not in source
    practice = _page(items, tmp_path, WebMode.PRACTICE).read_text(encoding="utf-8")
    assert "循环神经网络（RNN）" in practice or "池化" in practice  # the practice page does carry the key


def test_page_asks_for_nothing_from_outside(items: list[Item], tmp_path: Path) -> None:
    source = _page(items, tmp_path).read_text(encoding="utf-8")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', source).group(1)  # type: ignore[union-attr]
    assert "default-src &#x27;none&#x27;" in csp and "unsafe-inline" not in csp
    without_bank_text = source.replace("http://example.invalid/x.png", "")
    assert not re.search(r"https?://", without_bank_text)
    assert "</script><img" not in source  # bank text cannot end the data element


def test_render_is_reproducible_and_ids_follow_what_students_see(items: list[Item]) -> None:
    a = render(items, title="t", options=WebOptions(mode=WebMode.EXAM), rng=random.Random(3))
    assert a == render(items, title="t", options=WebOptions(mode=WebMode.EXAM), rng=random.Random(3))
    choice = next(i for i in items if i.type is ItemType.CHOICE)
    swapped = Item(**{**choice.__dict__, "options": choice.options[::-1]})
    assert fingerprint(swapped) != fingerprint(choice)
    corrected = Item(**{**choice.__dict__, "answer": ("A",), "explanation": "另一个解析"})
    assert fingerprint(corrected) == fingerprint(choice)  # a corrected key re-scores the same results
    assert quiz_id(items) != quiz_id(items[::-1])


def test_options_belong_to_exam_mode(items: list[Item]) -> None:
    with pytest.raises(ExportError, match="for exam mode"):
        render(items, title="t", options=WebOptions(time_limit=5))
    with pytest.raises(ExportError, match="out of range"):
        render(items, title="t", options=WebOptions(mode=WebMode.EXAM, time_limit=0))
    out = export(items, "web", title="t", web=WebOptions(mode=WebMode.EXAM, keyless=True))
    page = out[0].data.decode()
    assert '"key"' not in page and out[0].format == "web"


# ---------------------------------------------------------------------------- the CLI


def test_cli_writes_the_page_and_keeps_generated_items(tmp_path: Path) -> None:
    page = tmp_path / "quiz.html"
    r = runner.invoke(
        app,
        [
            "export",
            str(SEED_BANK),
            "-f",
            "web",
            "--mode",
            "exam",
            "--time-limit",
            "20",
            "-n",
            "8",
            "-o",
            str(page),
        ],
    )
    assert r.exit_code == 0, r.output
    kept = tmp_path / "quiz.items.yaml"
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert len(load_items(kept)) == 8
    assert f"-> {kept}" in r.stderr and "extension" not in r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "web", "--mode", "quiz"], "Error: unknown --mode 'quiz'\n  Hint: use practice or exam\n"),
        (
            ["-f", "web", "--keyless"],
            "Error: --time-limit and --keyless are for exam pages\n  Hint: add --mode exam\n",
        ),
        (
            ["-f", "md", "--mode", "exam"],
            "Error: --mode, --time-limit and --keyless are for the web quiz\n  Hint: add --format web\n",
        ),
        (
            ["-f", "web", "--mode", "exam", "--time-limit", "2000"],
            "Error: --time-limit must be 1-1440 minutes, got 2000\n",
        ),
    ],
)
def test_cli_option_errors(args: list[str], message: str, tmp_path: Path) -> None:
    r = runner.invoke(app, ["export", str(SEED_BANK), *args, "-o", str(tmp_path / "q.html")])
    assert r.exit_code == 2 and r.stderr == message


# ---------------------------------------------------------------------------- in the browser


def _start(page: Any, name: str = "张三", sid: str = "2023001") -> None:
    page.fill("#student-name", name)
    page.fill("#student-id", sid)
    page.click("#start")


def _card(page: Any) -> Any:
    return page.locator("article.item:not([hidden])")


def _answer(page: Any, it: Item, response: Any) -> None:
    """Give `response` (canonical form) to the item on screen by tapping and typing."""
    card = _card(page)
    if it.type in (ItemType.CHOICE, ItemType.MULTI):
        for letter in response:
            card.locator(f'.opt[data-letter="{letter}"]').click()
    elif it.type is ItemType.TF:
        card.locator(f'.opt[data-value="{response}"]').click()
    elif it.type is ItemType.FILL:
        card.locator("input.answer-line").fill(response)
    elif it.type is ItemType.SHORT:
        card.locator("textarea").fill(response)
    elif it.type is ItemType.MATCH:
        for i, letter in enumerate(response):
            if letter:
                card.locator(f'.seg-btn[data-term="{i}"][data-letter="{letter}"]').click()
    elif it.type is ItemType.ORDER:
        # Tap the steps with the first two swapped, then drag the second row above the first.
        taps = [response[1], response[0], *response[2:]]
        for letter in taps:
            card.locator(f'.order-pool .opt[data-letter="{letter}"]').click()
        rows = card.locator(".order-row")
        first, second = rows.nth(0).bounding_box(), rows.nth(1).locator(".handle").bounding_box()
        x, y = second["x"] + second["width"] / 2, second["y"] + second["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x, y - first["height"] / 2, steps=4)
        page.mouse.move(x, y - first["height"] - 4, steps=4)
        page.mouse.up()
        got = [card.locator(".order-row").nth(k).get_attribute("data-letter") for k in range(len(response))]
        assert got == list(response)


def _wanted(it: Item) -> Any:
    """Responses to give: some right, some wrong, every widget used."""
    t = it.type
    if t is ItemType.CHOICE:
        return [LETTERS[(LETTERS.index(it.answer[0]) + 1) % len(it.options)]]  # wrong on purpose
    if t is ItemType.MULTI:
        return sorted(it.answer)
    if t is ItemType.ORDER:
        return list(it.answer)
    if t is ItemType.MATCH:
        return [it.answer[0], "", *it.answer[2:]]  # one term left unmatched
    if t is ItemType.TF:
        return "对"
    if t is ItemType.FILL:
        return "RNN" if "RNN" in it.accept else it.answer[0]
    return "批量归一化在每个小批量上计算均值和方差，归一化后做尺度变换，可以加快训练。"


def _next(page: Any) -> None:
    page.click("#primary")


@pytest.mark.slow
def test_exam_loop_from_page_to_analysis(chromium: Any, items: list[Item], tmp_path: Path) -> None:
    page_path = _page(items, tmp_path)
    save_items(items, tmp_path / "quiz.items.yaml")
    ctx, page, watch = open_page(chromium, page_path.as_uri())
    _start(page)
    wanted = {it.id: _wanted(it) for it in items}
    half = len(items) // 2
    for it in items[:half]:
        _answer(page, it, wanted[it.id])
        _next(page)
    page.reload()  # mid-way: answers and position survive
    assert _card(page).get_attribute("data-index") == str(half)
    assert page.locator("#progress").inner_text() == f"已答 {half} / {len(items)}"
    for it in items[half:]:
        if it is not HOSTILE:
            _answer(page, it, wanted[it.id])
        if it is not items[-1]:
            _next(page)
    assert _card(page).locator(".stem").inner_text() == HOSTILE.stem  # shown as typed
    page.click("#primary")  # 交卷
    page.locator(".modal .btn.primary").click()
    page.wait_for_selector("#download")
    with page.expect_download() as dl:
        page.click("#download")
    download = dl.value
    assert download.suggested_filename == "results-2023001.json"
    saved = tmp_path / "answers" / download.suggested_filename
    saved.parent.mkdir()
    download.save_as(saved)
    doc = json.loads(saved.read_text(encoding="utf-8"))
    assert doc["student"] == {"name": "张三", "id": "2023001"} and doc["quiz"]["id"] == quiz_id(items)
    got = {r["item_id"]: r["response"] for r in doc["responses"]}
    assert got == {**wanted, HOSTILE.id: None}
    assert all(r["ms"] >= 0 for r in doc["responses"]) and sum(r["ms"] for r in doc["responses"]) > 0
    page.wait_for_function("document.getElementById('code').value.startsWith('QZR1')")
    code = page.locator("#code").input_value()
    m = CODE_RE.search(code)
    assert m is not None and decode_code(m.group(1), m.group(2), "code") == doc
    # The page's own score equals quizgen.scoring under EXAM.
    objective = [it for it in items if it.type is not ItemType.SHORT]
    expected = sum(
        scoring.score_response(it, _tuple(got[it.id]), scoring.EXAM).fraction * it.points for it in objective
    )
    shown = page.locator("#score strong").inner_text()
    assert float(shown) == pytest.approx(round(expected, 2))
    assert watch.foreign_requests(page_path.as_uri()) == [] and watch.errors == []
    ctx.close()

    # Back in quizgen: collect (short answers by the keyword grader) and analyse.
    (tmp_path / "answers" / "codes.txt").write_text(f"张三发来：\n{code}\n", encoding="utf-8")
    r = runner.invoke(
        app,
        [
            "results",
            "collect",
            str(tmp_path / "answers"),
            "--items",
            str(tmp_path / "quiz.items.yaml"),
            "-o",
            str(tmp_path / "results.csv"),
            "--embedder",
            "none",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "the same submission from 2023001 twice" in r.stderr
    a = runner.invoke(
        app, ["analyze", str(tmp_path / "quiz.items.yaml"), str(tmp_path / "results.csv"), "--json"]
    )
    assert a.exit_code == 0, a.output
    report = json.loads(a.stdout)
    assert report["test"]["students"] == 1 and len(report["items"]) == len(items)
    rows = {r.item_id: r for r in load_table(tmp_path / "results.csv")}
    short = next(i for i in items if i.type is ItemType.SHORT)
    assert rows[short.id].score > 0  # graded by the grader, not the page
    total = sum(i["mean"] for i in report["items"])
    # each item's mean is reported to 4 places, so their sum is within 5e-5 per item
    assert total == pytest.approx(expected + rows[short.id].score, abs=5e-5 * len(items))


def _tuple(r: Any) -> Any:
    return tuple(r) if isinstance(r, list) else r


@pytest.mark.slow
def test_practice_feedback(chromium: Any, items: list[Item], tmp_path: Path) -> None:
    page_path = _page(items, tmp_path, WebMode.PRACTICE)
    ctx, page, watch = open_page(chromium, page_path.as_uri())
    _start(page)
    for it in items:
        if it.type is ItemType.CHOICE:
            _answer(page, it, _wanted(it))
            assert page.locator("#primary").inner_text() == "检查"
            page.click("#primary")
            fb = _card(page).locator(".feedback")
            assert "✗ 错误" in fb.inner_text() and it.options[LETTERS.index(it.answer[0])] in fb.inner_text()
            if it.explanation:
                assert it.explanation.splitlines()[0] in fb.inner_text()
            assert _card(page).locator(".opt").first.is_disabled()  # one try, as in the terminal quiz
        elif it.type is ItemType.FILL:
            typo = it.answer[0][:-1] + "话"  # 池化操作 -> 池化操话: a 错别字, half in practice
            _answer(page, it, typo)
            page.click("#primary")
            text = _card(page).locator(".feedback").inner_text()
            assert "部分正确" in text and "有错别字" in text
        elif it.type is ItemType.SHORT:
            _answer(page, it, "不知道")
            page.click("#primary")
            assert "参考答案" in _card(page).locator(".feedback").inner_text()
        if it is not items[-1]:
            page.click("#primary")
    assert watch.errors == [] and watch.foreign_requests(page_path.as_uri()) == []
    ctx.close()


@pytest.mark.slow
def test_time_limit_submits_by_itself(chromium: Any, items: list[Item], tmp_path: Path) -> None:
    page_path = _page(items[:3], tmp_path, time_limit=1)
    ctx = chromium.new_context(viewport=PHONE, accept_downloads=True)
    page = ctx.new_page()
    page.clock.install()
    page.goto(page_path.as_uri())
    _start(page)
    assert page.locator("#timer").inner_text() == "剩余 01:00"
    page.clock.run_for(61_000)
    page.wait_for_selector(".warn")
    assert page.locator(".warn").inner_text() == "时间到，已自动交卷。"
    page.reload()  # a submitted page stays submitted
    assert page.locator("h2").first.inner_text() == "已交卷"
    ctx.close()


@pytest.mark.slow
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_layout_fits_and_prints(
    chromium: Any, items: list[Item], tmp_path: Path, viewport: dict[str, int]
) -> None:
    page_path = _page(items, tmp_path, WebMode.PRACTICE)
    ctx, page, _ = open_page(chromium, page_path.as_uri(), viewport=viewport, device_scale_factor=2)
    name = "phone" if viewport is PHONE else "desktop"
    shots = Path(SHOTS) if SHOTS else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"{name}-start.png"))
    _start(page)
    for i, it in enumerate(items):
        overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"item {i + 1} ({it.type.value}) is wider than the screen by {overflow}px"
        if it.type in (ItemType.ORDER, ItemType.MATCH, ItemType.MULTI):
            _answer(page, it, _wanted(it))
            page.click("#primary")
            if it.type is ItemType.MATCH:  # a term is left unmatched: the page asks first
                assert page.locator(".modal h2").inner_text() == "还没做完"
                page.locator(".modal .btn.primary").click()
            page.screenshot(path=str(shots / f"{name}-{it.type.value}.png"))
        if it is not items[-1]:
            page.click("#primary")
    page.emulate_media(media="print")
    assert page.locator("article.item:visible").count() == len(items)  # the print view shows every item
    page.emulate_media(media="screen", color_scheme="dark")
    bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert bg != "rgb(243, 244, 246)"  # the dark palette, not the light one
    page.screenshot(path=str(shots / f"{name}-dark.png"))
    ctx.close()
